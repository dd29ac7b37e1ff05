#include "dpa/cli/demo_exports.h"

#include <fstream>

#include <fmt/format.h>

#include "dpa/data_store.h"
#include "dpa/datamap.h"
#include "dpa/error.h"
#include "dpa/tenants.h"
#include "dpa/time.h"
#include "dpa/workspace.h"
#include "exports/bag_verify.h"
#include "exports/export_register.h"

namespace dpa::cli {
namespace {

namespace fs = std::filesystem;
using namespace dpa::exports;

std::string verify_line(const fs::path& p, const std::array<unsigned char, 32>& pk) {
  BagVerifyReport r = verify_bag(p, pk);
  if (!r.ok()) throw Error(ExitStatus::kInternal, fmt::format("the demo's package {} does not verify", p.string()));
  return fmt::format("OK ({}): {} payload files, {} bytes, signature {}", r.format, r.payload_files, r.payload_bytes,
                     to_string(r.signature));
}

// A phone number of one of the tenant's contacts, read through the data map
// like any export reads it.
std::string a_subject_phone(Workspace& ws, const std::string& tenant) {
  DataMap map = read_datamap(ws.config_path());
  const DatasetSpec& d = map.dataset("contacts");
  auto store = open_data_store(map.store_of(d), false);
  auto names = store->column_names(d);
  std::size_t col = 0;
  while (col < names.size() && names[col] != "phone") ++col;
  std::string phone;
  store->read_rows(d, tenant, nullptr, [&](const std::vector<CellValue>& row) {
    if (const auto* s = col < row.size() ? std::get_if<std::string>(&row[col]) : nullptr; s && !s->empty()) {
      phone = *s;
      return false;
    }
    return true;
  });
  if (phone.empty()) throw Error(ExitStatus::kInternal, "the demo data has no contact with a phone number");
  return phone;
}

}  // namespace

DemoExportsSummary demo_exports(Workspace& ws, const std::string& actor) {
  DemoExportsSummary s;
  const fs::path dir = ws.home() / "exports";
  fs::create_directories(dir);
  const auto& pk = ws.keys().public_key();
  s.public_key = to_base64(pk.data(), pk.size());
  s.public_key_file = (ws.keys_dir() / Keyring::kPublicKeyFile).string();

  // Altyn Clinic's notice ends: its contract is terminated today, and its
  // data can be exported for the policy's window (upstat: 30 days).
  s.tenant = "altyn-clinic";
  terminate_tenant(ws, s.tenant, now());
  CreateExportOptions t;
  t.tenant = s.tenant;
  t.format = PackageFormat::kZip;
  t.out = dir / (s.tenant + ".zip");
  t.organization = "UpStat LLP (demo)";
  CreatedExport te = create_export(ws, t, actor);
  s.tenant_export = te.record.id;
  s.tenant_package = t.out.string();
  s.tenant_oxum = te.record.payload_oxum;
  s.tenant_verify = verify_line(t.out, pk);
  HandoverResult h = hand_over_export(ws, {te.record.id, "Altyn Clinic LLP", "KZ", std::nullopt, "demo delivery note"},
                                      actor);
  s.handover = fmt::format("to Altyn Clinic LLP, transfer log entry {}", h.transfer.id);

  // One data subject of Acme: their records only, as a folder.
  s.subject_tenant = "acme-kz";
  CreateExportOptions o;
  o.tenant = s.subject_tenant;
  o.subject = "phone:" + a_subject_phone(ws, s.subject_tenant);
  o.format = PackageFormat::kDir;
  o.out = dir / "acme-kz-subject";
  o.request_reference = "demo subject request 1";
  CreatedExport se = create_export(ws, o, actor);
  s.subject_export = se.record.id;
  s.subject_package = o.out.string();
  for (const auto& d : se.result.datasets) s.subject_rows += static_cast<std::int64_t>(d.records);
  s.subject_verify = verify_line(o.out, pk);

  // A tampered copy: one row added to a CSV file.
  fs::path copy = dir / "acme-kz-subject-tampered";
  fs::remove_all(copy);
  fs::copy(o.out, copy, fs::copy_options::recursive);
  std::ofstream(copy / "data" / "tables" / "contacts.csv", std::ios::app) << "999,acme-kz,forged\r\n";
  for (const auto& p : verify_bag(copy, pk).problems) s.tampered.push_back(fmt::format("{}: {}", p.path, p.message));

  // truffles 8.5: the export window holds only if the tenant has no debt.
  const std::string truffles_tenant = "aqniet-shop";
  TenantRecord aq = get_tenant(ws, truffles_tenant);
  if (!aq.terminated_at) terminate_tenant(ws, truffles_tenant, now());
  try {
    CreateExportOptions q;
    q.tenant = truffles_tenant;
    q.out = dir / "aqniet-shop.zip";
    create_export(ws, q, actor);
    s.debt_refusal = "(not refused)";
  } catch (const RefusedError& e) {
    s.debt_refusal = e.what();
  }
  return s;
}

}  // namespace dpa::cli

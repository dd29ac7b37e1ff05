#include "exports/export_register.h"

#include <sodium.h>

#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dpa/datamap.h"
#include "dpa/error.h"
#include "dpa/policy.h"
#include "dpa/tenants.h"
#include "dpa/transfers.h"
#include "dpa/workspace.h"
#include "retention/hashing.h"

namespace dpa::exports {
namespace {

namespace fs = std::filesystem;

std::string new_export_id(Timestamp at) {
  std::string t = format_utc(at);  // 2026-05-21T09:30:00Z
  std::string compact;
  for (char c : t.substr(0, 19)) {
    if (c != '-' && c != ':') compact += c == 'T' ? '-' : c;
  }
  unsigned char rnd[3];
  randombytes_buf(rnd, sizeof rnd);
  return fmt::format("exp-{}-{:02x}{:02x}{:02x}", compact, rnd[0], rnd[1], rnd[2]);
}

struct ParsedSubject {
  std::string kind, value;
};

ParsedSubject parse_subject(const std::string& text, const DataMap& map) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    throw InputError("bad --subject: write KIND:VALUE, such as phone:+77011234567");
  }
  ParsedSubject s{text.substr(0, colon), text.substr(colon + 1)};
  std::set<std::string> kinds;
  for (const auto& d : map.datasets) {
    for (const auto& c : d.subject) kinds.insert(c.kind);
  }
  if (!kinds.count(s.kind)) {
    throw InputError(fmt::format("no dataset has subject identifiers of kind '{}'; kinds in the data map: {}", s.kind,
                                 kinds.empty() ? std::string("none") : fmt::format("{}", fmt::join(kinds, ", "))));
  }
  if (retention::normalize_subject(s.kind, s.value).empty()) {
    throw InputError(fmt::format("bad --subject: '{}' is not a {} identifier", s.kind, s.kind));
  }
  return s;
}

void remove_package(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
}

}  // namespace

nlohmann::json export_json(const ExportRecord& e) {
  nlohmann::json j;
  j["id"] = e.id;
  j["tenant"] = e.tenant_id;
  j["subject_kind"] = e.subject_kind ? nlohmann::json(*e.subject_kind) : nlohmann::json();
  j["subject_hash"] = e.subject_hash ? nlohmann::json(*e.subject_hash) : nlohmann::json();
  j["datasets"] = nlohmann::json::parse(e.datasets, nullptr, false);
  j["format"] = e.format;
  j["path"] = e.path;
  j["bytes"] = e.bytes;
  j["package_bytes"] = e.package_bytes;
  j["files"] = e.files;
  j["payload_oxum"] = e.payload_oxum;
  j["tag_manifest_sha256"] = e.tag_manifest_sha256;
  j["created_at"] = e.created_at;
  j["actor"] = e.actor;
  j["within_export_window"] = e.within_export_window;
  j["no_debt_reference"] = e.no_debt_reference ? nlohmann::json(*e.no_debt_reference) : nlohmann::json();
  j["request_reference"] = e.request_reference ? nlohmann::json(*e.request_reference) : nlohmann::json();
  return j;
}

CreatedExport create_export(Workspace& ws, const CreateExportOptions& o, const std::string& actor) {
  TenantRecord tenant = get_tenant(ws, o.tenant);
  Policy policy = load_policy(tenant.policy, ws.policy_search_dirs());
  DataMap map = read_datamap(ws.config_path());
  if (map.datasets.empty()) throw InputError(fmt::format("{} declares no dataset: there is nothing to export", ws.config_path().string()));
  for (const auto& name : o.datasets) map.dataset(name);  // unknown names fail here, listing the known ones

  const Timestamp at = now();
  CreatedExport c;
  c.permission = check_export_permission(tenant, policy, at, o.subject.has_value(), o.confirm_no_debt);

  ExportRecord& rec = c.record;
  rec.id = new_export_id(at);
  rec.tenant_id = tenant.id;
  rec.format = to_string(o.format);
  rec.path = fs::absolute(o.out).string();
  rec.created_at = format_utc(at);
  rec.actor = actor;
  rec.within_export_window = c.permission.within_window;
  rec.no_debt_reference = c.permission.no_debt_reference;
  rec.request_reference = o.request_reference;

  ExportRequest req;
  req.map = &map;
  req.tenant = tenant.id;
  req.datasets = o.datasets;
  req.format = o.format;
  req.out = o.out;
  req.cancel = o.cancel;
  req.progress = o.progress;
  if (o.subject) {
    ParsedSubject s = parse_subject(*o.subject, map);
    TenantKey key = current_tenant_key(ws, tenant.id);  // refused if destroyed: the subject cannot be named any more
    rec.subject_kind = s.kind;
    rec.subject_hash = retention::SubjectHasher(key.key).hash(s.kind, s.value);
    req.subject = SubjectMatch{s.kind, {retention::normalize_subject(s.kind, s.value)}, &retention::normalize_subject};
  }
  const TimeZone& zone = TimeZone::named(ws.settings().timezone);
  req.info = {
      {"Source-Organization", o.organization.value_or("dpa workspace " + ws.id())},
      {"External-Identifier", o.request_reference.value_or(tenant.id)},
      {"Bagging-Date", format_date(zone.local_date(at))},
      {"Internal-Sender-Identifier", rec.id},
      {"Internal-Sender-Description",
       o.subject ? fmt::format("The records of one data subject ({}) held for tenant {}", rec.subject_kind.value_or(""), tenant.id)
                 : fmt::format("The data of tenant {} ({})", tenant.id, tenant.name)},
      {"Bag-Software-Agent", "dpa export create"},
  };
  req.about = {{"export", rec.id},
               {"tenant", tenant.id},
               {"kind", o.subject ? "subject" : "tenant"},
               {"subject_kind", rec.subject_kind ? nlohmann::json(*rec.subject_kind) : nlohmann::json()},
               {"created_at", rec.created_at},
               {"within_export_window", rec.within_export_window}};
  const Keyring& keys = ws.keys();
  req.sign = [&keys](std::string_view m) { return keys.sign(m); };
  c.public_key = to_base64(keys.public_key().data(), keys.public_key().size());

  c.result = write_export(req);
  nlohmann::json names = nlohmann::json::array();
  for (const auto& d : c.result.datasets) {
    if (d.status == "exported") names.push_back(d.name);
  }
  rec.datasets = names.dump();
  rec.bytes = static_cast<std::int64_t>(c.result.bag.payload_bytes);
  rec.package_bytes = static_cast<std::int64_t>(c.result.bag.package_bytes);
  rec.files = static_cast<std::int64_t>(c.result.bag.payload_files);
  rec.payload_oxum = c.result.bag.oxum;
  rec.tag_manifest_sha256 = c.result.bag.tag_manifest_sha256;

  try {
    ws.store().transaction([&] {
      ws.store().insert_export(rec);
      nlohmann::json details = export_json(rec);
      details.erase("path");  // a local path says nothing the auditor needs
      details["clause"] = c.permission.clause;
      details["public_key"] = c.public_key;
      ws.audit().append("export.create", "export:" + rec.id, details);
    });
  } catch (...) {
    remove_package(o.out);  // an export that is not in the register must not exist
    throw;
  }
  return c;
}

ExportRecord get_export(Workspace& ws, const std::string& id) {
  auto e = ws.store().find_export(id);
  if (!e) throw InputError(fmt::format("no export {}; `dpa export list` shows them", id));
  return *e;
}

std::vector<ExportRecord> list_exports(Workspace& ws, const std::optional<std::string>& tenant) {
  if (tenant) get_tenant(ws, *tenant);
  return ws.store().list_exports(tenant);
}

HandoverResult hand_over_export(Workspace& ws, const HandoverOptions& o, const std::string& actor) {
  ExportRecord e = get_export(ws, o.export_id);
  if (o.recipient.empty()) throw UsageError("--to names who received the package");
  std::string category;
  if (o.category) {
    category = *o.category;
  } else {
    // The categories of the datasets it holds, from the data map.
    std::set<std::string> cats;
    DataMap map = read_datamap(ws.config_path());
    auto names = nlohmann::json::parse(e.datasets, nullptr, false);
    if (names.is_array()) {
      for (const auto& n : names) {
        if (const auto* d = map.find_dataset(n.get<std::string>())) cats.insert(d->category);
      }
    }
    category = cats.empty() ? std::string("export") : fmt::format("{}", fmt::join(cats, ","));
  }
  HandoverResult r;
  TransferRecord& t = r.transfer;
  t.time = format_utc(now());
  t.tenant_id = e.tenant_id;
  t.subprocessor = o.recipient;
  t.country = o.country;
  t.category = category;
  t.status = "made";
  t.bytes = e.package_bytes;
  t.records = e.files;
  t.source = "dpa export handover";
  t.reference = o.reference ? fmt::format("export:{}; {}", e.id, *o.reference) : "export:" + e.id;
  t.clause = "";
  t.actor = actor;
  ws.store().transaction([&] {
    t.id = record_transfer(ws, t);
    r.handover.export_id = e.id;
    r.handover.transfer_id = t.id;
    r.handover.recipient = o.recipient;
    r.handover.country = o.country;
    r.handover.handed_over_at = t.time;
    r.handover.actor = actor;
    r.handover.id = ws.store().insert_export_handover(r.handover);
    ws.audit().append("export.handover", "export:" + e.id,
                      {{"export", e.id},
                       {"tenant", e.tenant_id},
                       {"recipient", o.recipient},
                       {"country", o.country},
                       {"category", category},
                       {"bytes", e.package_bytes},
                       {"transfer", t.id},
                       {"tag_manifest_sha256", e.tag_manifest_sha256}});
  });
  return r;
}

}  // namespace dpa::exports

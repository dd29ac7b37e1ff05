#include "dpa/cli/demo_requests.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "anonymize/pseudonymizer.h"
#include "anonymize/stream.h"
#include "dpa/error.h"
#include "dpa/tenants.h"
#include "dpa/time.h"
#include "dpa/workspace.h"
#include "dpa/datamap.h"
#include "requests/contact_filter.h"
#include "requests/fulfilment.h"
#include "requests/requests.h"
#include "requests/response_letter.h"
#include "requests/suppression.h"

namespace dpa::cli {
namespace {

using namespace dpa::requests;
namespace fs = std::filesystem;

// Synthetic subscribers: +7 70x numbers that no real person is promised to have.
std::string demo_phone(int i) { return fmt::format("+7 70{} {:03d} {:02d} {:02d}", 1 + i % 8, 100 + i, 10 + i % 80, 20 + i % 70); }

// The phones of a tenant's contacts, first seen first, read through the data map.
std::vector<std::string> contact_phones(const DataMap& map, const std::string& tenant, std::size_t n) {
  std::vector<std::string> out;
  const DatasetSpec* d = map.find_dataset("contacts");
  if (!d) return out;
  auto store = open_data_store(map.store_of(*d), false);
  auto names = store->column_names(*d);
  auto col = static_cast<std::size_t>(std::find(names.begin(), names.end(), "phone") - names.begin());
  store->read_rows(*d, tenant, nullptr, [&](const std::vector<CellValue>& row) {
    const auto* s = col < row.size() ? std::get_if<std::string>(&row[col]) : nullptr;
    if (s && !s->empty() && std::find(out.begin(), out.end(), *s) == out.end()) out.push_back(*s);
    return out.size() < n;
  });
  return out;
}

std::string describe(const FulfilResult& r) {
  std::int64_t records = 0, kept = 0, datasets = 0;
  std::string actions;
  for (const auto& d : r.datasets) {
    records += d.records;
    kept += static_cast<std::int64_t>(d.kept.size());
    if (d.records > 0) {
      ++datasets;
      actions += fmt::format("{}{} {} {}", actions.empty() ? "" : ", ", d.dataset, d.action, d.records);
    }
  }
  std::string s = fmt::format("{} {}: {} records in {} datasets ({})", r.request_id, r.type, records, datasets,
                              actions.empty() ? "none found" : actions);
  if (kept > 0) s += fmt::format("; {} kept and restricted (hold or minimum retention)", kept);
  if (!r.package.empty()) s += " -> " + r.package;
  return s;
}

}  // namespace

DemoRequestsSummary demo_requests(Workspace& ws, const std::vector<DemoTenant>& tenants, const std::string& actor) {
  DemoRequestsSummary s;
  const TimeZone& zone = TimeZone::named(ws.settings().timezone);
  Timestamp t = now();
  // Local hour `hour` of the day `d` days before today (never after now).
  auto days_ago = [&](int d, int hour) {
    Timestamp at = zone.start_of_day(zone.local_date(t - std::chrono::days{d})) + std::chrono::hours{hour};
    return at > t ? t : at;
  };
  add_tenant(ws, "kense-books", "kense", "Kense Books LLP (demo)");
  add_tenant(ws, "eu-clinic", "gdpr", "EU Clinic GmbH (demo)");
  add_tenant(ws, "dialer", "autocall", "Dialer Ltd (demo)");

  auto open = [&](const std::string& tenant, const std::string& type, std::vector<std::string> subjects,
                  Timestamp received, const std::string& channel) {
    OpenRequest r;
    r.tenant = tenant;
    r.type = type;
    r.subjects = std::move(subjects);
    r.received = received;
    r.now = received + std::chrono::minutes{20};
    r.channel = channel;
    r.actor = actor;
    return open_request(ws, r);
  };
  std::vector<std::string> ids;
  // Kazakh law, the tenant answers itself: working days from the next day.
  ids.push_back(open("kense-books", "access", {"iin:900101300126", "phone:8 (701) 555-12-34"}, days_ago(1, 19), "email").id);
  ids.push_back(open("kense-books", "rectify", {"email:Aigerim.S@Example.KZ"}, days_ago(6, 11), "letter").id);
  close_request(ws, ids.back(), "surname corrected in the accounting records", actor, days_ago(5, 10));
  // GDPR: a month, extended by two with a reason.
  auto eu = open("eu-clinic", "erase", {"email:anna.mueller@example.de", "name:Anna Müller"}, days_ago(12, 9), "web form");
  extend_request(ws, eu.id, "complex: records in 14 systems of the clinic", actor, days_ago(3, 15));
  ids.push_back(eu.id);
  // Processor mode (upstat DPA 9.1): forwarded to the controller, which decides.
  std::string upstat_tenant;
  for (const auto& dt : tenants) {
    if (dt.contract_state == "active") {
      upstat_tenant = dt.id;
      break;
    }
  }
  if (!upstat_tenant.empty()) {
    auto fwd = open(upstat_tenant, "erase", {"phone:+7 702 555 44 33"}, days_ago(2, 18), "call centre");
    forward_request(ws, fwd.id, "support ticket 4471", actor, days_ago(2, 22));
    ids.push_back(fwd.id);
    ids.push_back(open(upstat_tenant, "object", {"phone:+7 705 555 10 20"}, days_ago(0, 0), "email").id);
  }
  // AutoCall: a withdrawal of consent puts the number on the suppression list.
  auto wc = open("dialer", "withdraw-consent", {"phone:" + demo_phone(3)}, days_ago(1, 10), "call");
  forward_request(ws, wc.id, "telegram @autocallkz", actor, days_ago(1, 11));
  suppress_request_subjects(ws, wc.id, actor, days_ago(1, 12));
  close_request(ws, wc.id, "number blocked; the customer confirmed", actor, days_ago(0, 1));
  ids.push_back(wc.id);
  suppress(ws, {"dialer", "phone:" + demo_phone(5), "complaint", "complaint 2026-118", actor, t});
  suppress(ws, {"dialer", "phone:" + demo_phone(8), "spam", "spam review 2026-07", actor, t});
  s.suppressed = static_cast<std::int64_t>(list_suppressions(ws, "dialer", false).size());

  // A contact list in the customer's format, filtered before the campaign.
  std::string csv = "id,name,phone,segment\n";
  for (int i = 1; i <= 12; ++i) csv += fmt::format("{},Subscriber {},{},{}\n", i, i, demo_phone(i), i % 2 ? "retail" : "b2b");
  fs::create_directories(ws.home() / "var");
  std::ofstream(ws.home() / "var" / "contacts.csv") << csv;
  anonymize::StringSource in(csv);
  anonymize::StringSink out;
  auto set = SuppressionSet::load(ws, "dialer", "phone");
  ContactFilterResult fr = filter_contacts(set, in, out, {});
  std::ofstream(ws.home() / "var" / "contacts.allowed.csv") << out.text;
  s.contacts = fr.rows;
  s.contacts_removed = fr.removed;

  // The letter to the GDPR subject, in English.
  LetterOptions lo;
  lo.lang = "en";
  lo.controller = "EU Clinic GmbH (demo)";
  lo.zone = &zone;
  lo.at = t;
  fs::create_directories(ws.home() / "letters");
  fs::path letter = ws.home() / "letters" / (eu.id + ".en.md");
  std::ofstream(letter) << response_letter(show_request(ws, eu.id), lo);
  s.letter_path = fs::relative(letter, ws.home()).string();

  // Acme answers an access request with a package of the subject's records,
  // and an erasure request: deleted, or kept and restricted where a hold or
  // a minimum retention binds.
  DataMap map = read_datamap(ws.config_path());
  const std::string acme = "acme-kz";
  auto phones = contact_phones(map, acme, 3);
  if (phones.size() == 3) {
    FulfilOptions fo;
    fo.actor = actor;
    fo.now = t;
    auto access = open(acme, "access", {"phone:" + phones[1]}, days_ago(2, 9), "email");
    fo.out = ws.home() / "exports" / (access.id + "-access");
    fo.format = exports::PackageFormat::kDir;
    fs::remove_all(fo.out);
    s.fulfilled.push_back(describe(fulfil_request(ws, map, access.id, fo)));
    close_request(ws, access.id, "data provided", actor, t);
    ids.push_back(access.id);
    auto erase = open(acme, "erase", {"phone:" + phones[2]}, days_ago(1, 16), "letter");
    FulfilOptions eo;
    eo.actor = actor;
    eo.now = t;
    s.fulfilled.push_back(describe(fulfil_request(ws, map, erase.id, eo)));
    ids.push_back(erase.id);
  }

  for (const auto& id : ids) {
    auto r = *ws.store().find_subject_request(id);
    NextDeadline next = next_deadline(r);
    std::string when = next.at ? format_local(*next.at, zone).substr(0, 16) : "-";
    s.requests.push_back(fmt::format("{} {:<16} {:<16} {:<9} {} {}", r.id, r.tenant_id, r.type, r.status,
                                     r.status == "closed" ? "closed" : next.what + " by", r.status == "closed" ? r.outcome : when));
  }
  return s;
}

}  // namespace dpa::cli

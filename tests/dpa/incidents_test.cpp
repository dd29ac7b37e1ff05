// Incidents: deadlines per policy (truffles, kz, gdpr), the notice that
// refuses while a required field is missing, append-only history, audit.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "dpa/error.h"
#include "dpa/incident_notice.h"
#include "dpa/incidents.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "support/test_support.h"

using namespace dpa;
using Catch::Contains;

namespace {

struct IncidentWorkspace {
  test::TempDir dir;
  Workspace ws;
  IncidentWorkspace() : ws(open(dir)) {
    add_tenant(ws, "cafe", "truffles", "Cafe on Truffles");
    add_tenant(ws, "steppe", "kz", "Steppe Data (kz law only)");
    add_tenant(ws, "berlin", "gdpr", "Berlin GmbH (GDPR)");
  }
  static Workspace open(const test::TempDir& d) {
    dpa::test::init_workspace(d.path(), "truffles", "test@host");
    return Workspace::open(d.path(), "test@host");
  }
};

Timestamp at(const char* text) { return parse_timestamp(text, TimeZone::utc()); }

const NoticeDeadline* find(const std::vector<NoticeDeadline>& all, const std::string& tenant, IncidentRecipient r) {
  for (const auto& d : all) {
    if (d.tenant_id == tenant && d.recipient == r) return &d;
  }
  return nullptr;
}

IncidentOpening opening(std::vector<std::string> tenants, const char* detected) {
  IncidentOpening o;
  o.tenants = std::move(tenants);
  o.detected = at(detected);
  o.summary = "A misconfigured export bucket was readable without authentication";
  o.categories = {"communications.messages"};
  o.subjects_approx = 340;
  return o;
}

IncidentChanges complete_facts() {
  IncidentChanges c;
  c.consequences = "Message texts may be read by third parties; phishing is likely";
  c.measures_taken = "Bucket closed, keys rotated, access logs preserved";
  c.measures_proposed = "Automated configuration checks before each deployment";
  c.contact = "Data protection officer, privacy office mailbox";
  return c;
}

}  // namespace

TEST_CASE("incident deadlines: truffles 24h to the controller, kz one working day, gdpr 72h", "[incidents]") {
  IncidentWorkspace w;
  IncidentOpening o = opening({}, "2026-11-20T05:00:00Z");  // Friday 10:00 in Almaty
  o.all = true;
  o.categories = {};
  Incident i = open_incident(w.ws, o, "dpo", at("2026-11-20T06:00:00Z"));
  REQUIRE(i.tenants.size() == 3);
  auto d = notice_deadlines(w.ws, i);

  const NoticeDeadline* truffles = find(d, "cafe", IncidentRecipient::kController);
  REQUIRE(truffles);
  REQUIRE(truffles->due);
  CHECK(format_utc(*truffles->due) == "2026-11-21T05:00:00Z");
  CHECK(truffles->rule_policy == "truffles");
  CHECK_THAT(truffles->clause, Contains("DPA 5.1"));

  // truffles includes kz: the authorized body too, by the end of the next
  // working day (Friday's detection: Monday 23:59:59 in Almaty).
  const NoticeDeadline* cafe_authority = find(d, "cafe", IncidentRecipient::kAuthority);
  REQUIRE(cafe_authority);
  REQUIRE(cafe_authority->due);
  CHECK(format_utc(*cafe_authority->due) == "2026-11-23T18:59:59Z");
  CHECK(cafe_authority->rule_policy == "kz");

  const NoticeDeadline* kz = find(d, "steppe", IncidentRecipient::kAuthority);
  REQUIRE(kz);
  CHECK(format_utc(*kz->due) == "2026-11-23T18:59:59Z");
  CHECK_THAT(kz->clause, Contains("Art. 25(2)"));
  CHECK(find(d, "steppe", IncidentRecipient::kController) == nullptr);

  const NoticeDeadline* gdpr = find(d, "berlin", IncidentRecipient::kAuthority);
  REQUIRE(gdpr);
  CHECK(format_utc(*gdpr->due) == "2026-11-23T05:00:00Z");
  CHECK_THAT(gdpr->clause, Contains("Art. 33(1)"));
  const NoticeDeadline* gdpr_controller = find(d, "berlin", IncidentRecipient::kController);
  REQUIRE(gdpr_controller);
  CHECK_FALSE(gdpr_controller->due);  // without undue delay

  // Time left, then overdue.
  NoticeStanding left = notice_standing(*truffles, at("2026-11-20T07:30:00Z"));
  CHECK(left.state == NoticeState::kDue);
  CHECK(describe_standing(left) == "21h 30m left");
  NoticeStanding late = notice_standing(*truffles, at("2026-11-22T07:05:00Z"));
  CHECK(late.state == NoticeState::kOverdue);
  CHECK(describe_standing(late) == "OVERDUE by 1d 02h 05m");
  CHECK(notice_standing(*gdpr_controller, at("2026-11-22T00:00:00Z")).state == NoticeState::kNoDeadline);
}

TEST_CASE("incident notice: refused while a DPA 5.2 field is missing, complete once updated", "[incidents]") {
  IncidentWorkspace w;
  Incident i = open_incident(w.ws, opening({"cafe"}, "2026-11-20T05:00:00Z"), "dpo", at("2026-11-20T06:00:00Z"));
  Policy policy = load_policy("truffles");
  TenantRecord cafe = get_tenant(w.ws, "cafe");
  auto deadlines = notice_deadlines(w.ws, i);
  const NoticeDeadline* d = find(deadlines, "cafe", IncidentRecipient::kController);
  REQUIRE(d);
  CHECK(missing_notice_fields(i.facts, d->content) ==
        std::vector<std::string>{"consequences", "measures", "measures_proposed"});
  try {
    render_incident_notice(i, *d, cafe, policy, "en", at("2026-11-20T07:00:00Z"), TimeZone::almaty());
    FAIL("rendered an incomplete notice");
  } catch (const RefusedError& e) {
    CHECK_THAT(e.what(), Contains("consequences, measures, measures_proposed"));
    CHECK_THAT(e.what(), Contains("truffles 6.5; DPA 5.1-5.2"));
    CHECK_THAT(e.what(), Contains("--measures-proposed"));
  }

  // Each missing field in turn: still refused until the last one.
  IncidentChanges c = complete_facts();
  IncidentChanges first;
  first.consequences = c.consequences;
  first.measures_taken = c.measures_taken;
  i = update_incident(w.ws, i.record.id, first, "dpo", at("2026-11-20T06:30:00Z"));
  CHECK(missing_notice_fields(i.facts, d->content) == std::vector<std::string>{"measures_proposed"});
  CHECK_THROWS_AS(render_incident_notice(i, *d, cafe, policy, "ru", at("2026-11-20T07:00:00Z"), TimeZone::almaty()),
                  RefusedError);

  i = update_incident(w.ws, i.record.id, c, "dpo", at("2026-11-20T06:40:00Z"));
  std::string en = render_incident_notice(i, *d, cafe, policy, "en", at("2026-11-20T07:00:00Z"), TimeZone::almaty());
  CHECK_THAT(en, Contains("Nature of the incident: A misconfigured export bucket"));
  CHECK_THAT(en, Contains("Approximate number of data subjects: 340"));
  CHECK_THAT(en, Contains("Likely consequences: Message texts"));
  CHECK_THAT(en, Contains("Measures taken: Bucket closed"));
  CHECK_THAT(en, Contains("Measures proposed: Automated configuration"));
  CHECK_THAT(en, Contains("Categories of personal data:"));
  CHECK_THAT(en, Contains("communications.messages"));
  CHECK_THAT(en, Contains("24 hours due 2026-11-21T10:00:00+05:00"));
  std::string ru = render_incident_notice(i, *d, cafe, policy, "ru", at("2026-11-20T07:00:00Z"), TimeZone::almaty());
  CHECK_THAT(ru, Contains("Характер инцидента"));
  CHECK_THAT(ru, Contains("Предлагаемые меры"));
  CHECK(default_notice_language(policy) == "ru");
  CHECK_THROWS_AS(render_incident_notice(i, *d, cafe, policy, "de", at("2026-11-20T07:00:00Z"), TimeZone::almaty()),
                  UsageError);

  // The kz notice to the authorized body also needs the reference to the
  // subject list (never the list itself).
  const NoticeDeadline* authority = find(deadlines, "cafe", IncidentRecipient::kAuthority);
  REQUIRE(authority);
  CHECK(missing_notice_fields(i.facts, authority->content) == std::vector<std::string>{"subjects_contact_data"});
}

TEST_CASE("incident notice given: on time or late against the deadline, recorded and audited", "[incidents]") {
  IncidentWorkspace w;
  Incident i = open_incident(w.ws, opening({"cafe", "berlin"}, "2026-11-20T05:00:00Z"), "dpo",
                             at("2026-11-20T06:00:00Z"));
  i = update_incident(w.ws, i.record.id, complete_facts(), "dpo", at("2026-11-20T06:10:00Z"));
  auto d = notice_deadlines(w.ws, i);
  const NoticeDeadline* cafe = find(d, "cafe", IncidentRecipient::kController);
  REQUIRE(cafe);
  record_notice(w.ws, i, *cafe, "sent", "ru", "text", at("2026-11-21T07:00:00Z"), "letter 12", "dpo",
                at("2026-11-21T08:00:00Z"));
  // In the future, or before detection: refused.
  CHECK_THROWS_AS(record_notice(w.ws, i, *cafe, "sent", "ru", "text", at("2026-11-22T07:00:00Z"), "", "dpo",
                                at("2026-11-21T08:00:00Z")),
                  InputError);
  CHECK_THROWS_AS(record_notice(w.ws, i, *cafe, "sent", "ru", "text", at("2026-11-19T07:00:00Z"), "", "dpo",
                                at("2026-11-21T08:00:00Z")),
                  InputError);

  i = get_incident(w.ws, i.record.id);
  d = notice_deadlines(w.ws, i);
  cafe = find(d, "cafe", IncidentRecipient::kController);
  REQUIRE(cafe->sent);
  NoticeStanding s = notice_standing(*cafe, at("2026-11-25T00:00:00Z"));
  CHECK(s.state == NoticeState::kSentLate);
  CHECK(describe_span(s.margin) == "2h 00m");
  // The other tenant's notices are not touched by it.
  CHECK_FALSE(find(d, "berlin", IncidentRecipient::kAuthority)->sent);

  // Every change is audited; texts appear as hashes only.
  std::vector<std::string> actions;
  bool text_leaked = false;
  w.ws.store().scan_audit({}, [&](const AuditRecord& r) {
    if (r.action.starts_with("incident.")) actions.push_back(r.action);
    if (r.details.find("misconfigured") != std::string::npos || r.details.find("letter 12") != std::string::npos)
      text_leaked = true;
    return true;
  });
  CHECK(actions == std::vector<std::string>{"incident.open", "incident.update", "incident.notice.sent"});
  CHECK_FALSE(text_leaked);
  CHECK(w.ws.audit().verify().ok());
}

TEST_CASE("incident history is append-only and a closed incident takes no update", "[incidents]") {
  IncidentWorkspace w;
  Incident i = open_incident(w.ws, opening({"steppe"}, "2026-11-20T05:00:00Z"), "dpo", at("2026-11-20T06:00:00Z"));
  IncidentChanges c;
  c.subjects_approx = 500;
  i = update_incident(w.ws, i.record.id, c, "dpo", at("2026-11-20T07:00:00Z"));
  CHECK(i.facts.subjects_approx == 500);
  CHECK(i.history.size() == 4);  // nature, categories, subjects_approx, then the new count

  {
    auto db = dpa::test::open_raw_state(w.dir.path());
    CHECK_THROWS(db->exec_script("UPDATE incident_updates SET value = 'x'"));
    CHECK_THROWS(db->exec_script("DELETE FROM incident_updates"));
  }

  close_incident(w.ws, i.record.id, "dpo", at("2026-11-21T06:00:00Z"));
  CHECK_THROWS_AS(update_incident(w.ws, i.record.id, c, "dpo", at("2026-11-21T07:00:00Z")), RefusedError);
  CHECK_THROWS_AS(close_incident(w.ws, i.record.id, "dpo", at("2026-11-21T07:00:00Z")), InputError);
  CHECK(list_incidents(w.ws, true).empty());
  CHECK(list_incidents(w.ws, false).size() == 1);
}

TEST_CASE("incident opening is checked before anything is stored", "[incidents]") {
  IncidentWorkspace w;
  CHECK_THROWS_AS(open_incident(w.ws, opening({"nobody"}, "2026-11-20T05:00:00Z"), "dpo", at("2026-11-20T06:00:00Z")),
                  InputError);
  // Detected after "now".
  CHECK_THROWS_AS(open_incident(w.ws, opening({"cafe"}, "2026-11-21T05:00:00Z"), "dpo", at("2026-11-20T06:00:00Z")),
                  InputError);
  IncidentOpening bad = opening({"cafe"}, "2026-11-20T05:00:00Z");
  bad.categories = {"no.such.category"};
  CHECK_THROWS_WITH(open_incident(w.ws, bad, "dpo", at("2026-11-20T06:00:00Z")), Contains("no.such.category"));
  IncidentOpening empty = opening({"cafe"}, "2026-11-20T05:00:00Z");
  empty.summary = "   ";
  CHECK_THROWS_AS(open_incident(w.ws, empty, "dpo", at("2026-11-20T06:00:00Z")), InputError);
  CHECK(list_incidents(w.ws, false).empty());
}

#include <catch2/catch.hpp>

#include "dpa/duration.h"
#include "dpa/working_calendar.h"
#include "dpa/error.h"
#include "retention/destruction.h"
#include "retention/plan.h"
#include "retention/schedule.h"
#include "retention/sweep.h"
#include "retention/retention_test_support.h"

using namespace dpa;
using namespace dpa::retention;
using std::chrono::days;

TEST_CASE("latest_start inverts calendar months exactly, clamping included", "[retention][schedule]") {
  const TimeZone& utc = TimeZone::utc();
  Duration three_months = Duration::parse("3mo");
  // 2026-05-31 + 3mo = 2026-08-31; 2026-05-30 + 3mo = 2026-08-30.
  Timestamp at = parse_timestamp("2026-08-31T00:00:00Z", utc);
  Timestamp cut = latest_start(at, three_months, utc, nullptr);
  CHECK(format_utc(cut) == "2026-05-31T00:00:00Z");
  CHECK(add_duration(cut, three_months, utc, nullptr) <= at);
  CHECK(add_duration(cut + std::chrono::seconds{1}, three_months, utc, nullptr) > at);
  // Clamping: 2026-11-30 + 3mo = 2027-02-28, and so do 11-29? no: 2027-02-28 too? 11-28 + 3mo = 02-28.
  Timestamp feb = parse_timestamp("2027-02-28T12:00:00Z", utc);
  Timestamp c2 = latest_start(feb, three_months, utc, nullptr);
  CHECK(add_duration(c2, three_months, utc, nullptr) <= feb);
  CHECK(add_duration(c2 + std::chrono::seconds{1}, three_months, utc, nullptr) > feb);
  CHECK(latest_start(at, Duration::parse("30d"), utc, nullptr) == at - days{30});
  // Working days, in the Kazakh calendar.
  WorkingCalendar kz = WorkingCalendar::shipped("kz");
  Timestamp wd_at = parse_timestamp("2026-03-25T12:00:00+05:00", TimeZone::almaty());
  Timestamp c3 = latest_start(wd_at, Duration::parse("3wd"), TimeZone::almaty(), &kz);
  CHECK(add_duration(c3, Duration::parse("3wd"), TimeZone::almaty(), &kz) <= wd_at);
  CHECK(add_duration(c3 + std::chrono::seconds{1}, Duration::parse("3wd"), TimeZone::almaty(), &kz) > wd_at);
}

TEST_CASE("schedules: termination, age, minimum retention and precedence", "[retention][schedule]") {
  test::RetentionWorld w;
  w.tenant("up", "upstat");
  w.tenant("auto", "autocall");
  w.tenant("docs", "adr", 6 * 366);  // registered over five years ago
  Scheduler sched(*w.ws);
  DataMap map = w.map();
  const DatasetSpec& docs = map.dataset("docs");
  const DatasetSpec& journal = map.dataset("journal");
  Timestamp at = now();

  SECTION("upstat: nothing while the contract runs, everything 30 days after it ends") {
    DatasetSchedule s = sched.schedule(get_tenant(*w.ws, "up"), docs, at);
    CHECK(s.due().empty);
    CHECK(s.not_yet_due().is_all());
    terminate_tenant(*w.ws, "up", at - days{31});
    s = sched.schedule(get_tenant(*w.ws, "up"), docs, at);
    CHECK(s.due().is_all());
    REQUIRE(s.deadline_rule);
    CHECK(s.deadline_rule->clause == "upstat 22.3.1; DPA 10.2; DPA 6.5");
    CHECK_FALSE(s.notes.empty());  // documents.signed is not an upstat category
    s = sched.schedule(get_tenant(*w.ws, "up"), docs, at - days{2});
    CHECK(s.due().empty);
  }

  SECTION("autocall: audio 3 months after it was recorded; after termination deletion wins") {
    DatasetSpec audio = docs;
    audio.category = "communications.audio";
    DatasetSchedule s = sched.schedule(get_tenant(*w.ws, "auto"), audio, at);
    CreatedRange due = s.due();
    REQUIRE(due.before);
    CHECK(add_duration(*due.before, Duration::parse("3mo"), sched.zone(), nullptr) <= at);
    CHECK(s.deadline_rule->clause == "autocall 2.1.10");
    CHECK(s.deletion_wins);
    terminate_tenant(*w.ws, "auto", at - days{40});
    s = sched.schedule(get_tenant(*w.ws, "auto"), audio, at);
    CHECK(s.due().is_all());  // the 30-day deletion beats the rest of the 3 months
  }

  SECTION("adr: documents past the 5-year cap wait for their own 5-year floor; journals stay") {
    DatasetSchedule s = sched.schedule(get_tenant(*w.ws, "docs"), docs, at);
    CHECK(s.deadline_passed.kind == RecordSet::Kind::kAll);  // 5y from registration has passed
    REQUIRE(s.floor_rule);
    CHECK_THAT(s.floor_rule->clause, Catch::Contains("adr 5.3.12"));
    CreatedRange due = s.due();
    REQUIRE(due.before);
    CHECK(*due.before <= at - days{5 * 365});
    CreatedRange floor = s.kept_by_floor();
    CHECK(floor.from == due.before);
    CHECK(floor.include_null);  // no creation time: the floor cannot be shown to have passed
    auto until = s.floor_until(at - days{365});
    REQUIRE(until);
    CHECK(*until > at + days{3 * 365});

    DatasetSchedule j = sched.schedule(get_tenant(*w.ws, "docs"), journal, at);
    CHECK(j.due().empty);
    CHECK(j.deadlines.empty());
    CHECK(j.floor_rule->clause == "adr 5.3.9");
  }
}

TEST_CASE("destruction requests: due at once, minimum retention still wins", "[retention][schedule]") {
  test::RetentionWorld w;
  w.tenant("shop", "truffles");
  w.tenant("edo", "adr", 365);  // registered a year ago: the 5-year cap is far
  long long old_msg = w.row("docs", "shop", 40);
  long long new_msg = w.row("docs", "shop", 1);
  long long doc_old = w.row("docs", "edo", 6 * 366);
  long long doc_young = w.row("docs", "edo", 100);
  DataMap map = w.map();
  CHECK(retention::make_plan(*w.ws, map, {now(), std::nullopt, std::nullopt}).count(retention::PlanLine::Status::kDue) == 0);

  retention::add_destruction_request(*w.ws, map, {"shop", std::nullopt, "letter 2026/88", now() - days{2}, "dpo"});
  retention::add_destruction_request(*w.ws, map, {"edo", "docs", "request 5.3.11-7", now() - days{1}, "dpo"});
  CHECK_THROWS_AS(retention::add_destruction_request(*w.ws, map, {"shop", std::nullopt, "x", now() + days{3}, "dpo"}),
                  InputError);

  Scheduler sched(*w.ws);
  DatasetSchedule s = sched.schedule(get_tenant(*w.ws, "shop"), map.dataset("docs"), now());
  REQUIRE(s.deadline_rule);
  CHECK_THAT(s.deadline_rule->rule, Catch::Contains("letter 2026/88"));
  CHECK(s.deadline_rule->clause == "truffles DPA 3.1.7");

  retention::SweepOptions o;
  o.at = now();
  o.actor = "test";
  retention::SweepResult r = retention::run_sweep(*w.ws, map, o);
  CHECK(r.records == 2);
  CHECK_FALSE(w.exists("docs", old_msg));  // existed when the letter came
  CHECK(w.exists("docs", new_msg));        // came after it
  CHECK_FALSE(w.exists("docs", doc_old));  // its own 5 years have passed
  CHECK(w.exists("docs", doc_young));      // the 5-year floor wins (adr 5.3.12)
}

TEST_CASE("registration: counted from tenant add unless recorded; set later, audited", "[retention][schedule]") {
  test::RetentionWorld w;
  DataMap map = w.map();
  const DatasetSpec& docs = map.dataset("docs");
  Timestamp at = now();

  SECTION("without --registered the 5-year cap counts from today and says so") {
    w.tenant("late", "adr");
    TenantRecord t = get_tenant(*w.ws, "late");
    CHECK_FALSE(tenant_registration_recorded(t));
    CHECK(tenant_registered(t) == parse_timestamp(t.created_at, TimeZone::utc()));
    Scheduler sched(*w.ws);
    DatasetSchedule s = sched.schedule(t, docs, at);
    CHECK(s.deadline_passed.kind == RecordSet::Kind::kNone);
    bool cited = false;
    for (const auto& d : s.deadlines) {
      if (d.from != PeriodStart::kRegistration) continue;
      cited = true;
      CHECK_THAT(d.why.rule, Catch::Contains("from registration on " + format_date(sched.zone().local_date(at))));
      CHECK_THAT(d.why.rule, Catch::Contains("the day the tenant was added"));
    }
    CHECK(cited);

    // Registered six years ago: the cap has passed; the 5-year floor still
    // keeps young documents, old ones are due.
    Timestamp registered = at - days{6 * 366};
    TenantRecord updated = set_tenant_registered(*w.ws, "late", registered);
    CHECK(tenant_registration_recorded(updated));
    t = get_tenant(*w.ws, "late");
    CHECK(t.registered_at == format_utc(registered));
    CHECK(t.created_at == updated.created_at);  // the day it was added stays on record
    Scheduler again(*w.ws);
    s = again.schedule(t, docs, at);
    CHECK(s.deadline_passed.kind == RecordSet::Kind::kAll);
    REQUIRE(s.deadline_rule);
    CHECK_THAT(s.deadline_rule->rule, Catch::Contains("registration on " + format_date(again.zone().local_date(registered))));
    CHECK_THAT(s.deadline_rule->rule, !Catch::Contains("the day the tenant was added"));
    REQUIRE(s.due().before);

    long long old_doc = w.row("docs", "late", 6 * 366);
    long long young_doc = w.row("docs", "late", 365);
    RetentionPlan plan = make_plan(*w.ws, map, {at, std::string("late"), std::string("docs")});
    CHECK(plan.count(PlanLine::Status::kDue) == 1);
    bool reason = false;
    for (const auto& g : plan.groups) {
      for (const auto& l : g.lines) {
        if (l.status == PlanLine::Status::kDue) {
          reason = true;
          CHECK_THAT(l.why, Catch::Contains("registration on " + format_date(again.zone().local_date(registered))));
        }
      }
    }
    CHECK(reason);
    (void)old_doc;
    (void)young_doc;

    int audited = 0;
    w.ws->store().scan_audit({}, [&](const AuditRecord& e) {
      if (e.action != "tenant.set") return true;
      ++audited;
      auto details = nlohmann::json::parse(e.details);
      CHECK(details.at("registered_at") == format_utc(registered));
      CHECK(details.at("previous").is_null());
      CHECK(details.at("previous_from") == "tenant add");
      return true;
    });
    CHECK(audited == 1);
    CHECK(w.ws->audit().verify().ok());
  }

  SECTION("--registered at tenant add; a date in the future is refused, and nothing is written") {
    Timestamp registered = at - days{2 * 365};
    TenantRecord t = add_tenant(*w.ws, "early", "adr", "", registered);
    CHECK(t.registered_at == format_utc(registered));
    CHECK(get_tenant(*w.ws, "early").registered_at == format_utc(registered));
    CHECK_THROWS_AS(add_tenant(*w.ws, "future", "adr", "", at + days{2}), InputError);
    CHECK_FALSE(w.ws->store().find_tenant("future"));
    CHECK_THROWS_AS(set_tenant_registered(*w.ws, "early", at + days{2}), InputError);
    CHECK(get_tenant(*w.ws, "early").registered_at == format_utc(registered));
    CHECK_THROWS_AS(set_tenant_registered(*w.ws, "nobody", registered), InputError);
  }
}

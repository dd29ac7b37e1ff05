#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "anonymize/pseudonymizer.h"
#include "anonymize/stream.h"
#include "dpa/error.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "requests/contact_filter.h"
#include "requests/requests.h"
#include "requests/response_letter.h"
#include "requests/suppression.h"
#include "support/test_support.h"

using namespace dpa;
using namespace dpa::requests;

namespace {

struct World {
  test::TempDir dir;
  std::optional<Workspace> ws;
  World() {
    dpa::test::init_workspace(dir / "ws", "upstat", "t@h");
    ws.emplace(Workspace::open(dir / "ws", "t@h"));
    add_tenant(*ws, "acme", "upstat", "Acme LLP");    // forward mode, kz deadlines
    add_tenant(*ws, "shop", "kense", "Shop");         // answers, kz deadlines
    add_tenant(*ws, "eu", "gdpr", "EU GmbH");         // answers, one month, extension
    add_tenant(*ws, "calls", "autocall", "Calls");    // forward; suppression rules
  }
  Timestamp at(const std::string& local) const { return parse_timestamp(local, TimeZone::almaty()); }
  SubjectRequestRecord open(const std::string& tenant, const std::string& type, const std::string& received,
                            std::vector<std::string> subjects = {"phone:+77011234567"}) {
    OpenRequest r;
    r.tenant = tenant;
    r.type = type;
    r.subjects = std::move(subjects);
    r.received = at(received);
    r.now = at(received);
    r.actor = "dpo";
    r.channel = "email";
    return open_request(*ws, r);
  }
};

std::string local(const std::optional<std::string>& utc) {
  return format_local(parse_timestamp(*utc, TimeZone::utc()), TimeZone::almaty());
}

}  // namespace

TEST_CASE("every type can be opened, shown, listed and closed", "[requests]") {
  World w;
  int n = 0;
  for (const char* type : {"access", "rectify", "erase", "restrict", "withdraw-consent", "object"}) {
    for (const char* tenant : {"shop", "eu", "acme"}) {
      INFO(type << " for " << tenant);
      auto r = w.open(tenant, type, "2026-03-16T10:00", {"phone:8 701 123 45 67", "email:A@Example.kz"});
      ++n;
      CHECK(r.id == fmt::format("R-2026-{:04d}", n));
      CHECK(r.status == "open");
      REQUIRE(r.due_at);
      auto v = show_request(*w.ws, r.id);
      REQUIRE(v.subjects.size() == 2);
      CHECK(v.subjects[0].masked == "+7 701 *** ** 67");
      CHECK(v.subjects[1].kind == "email");
      auto ids = request_subject_ids(*w.ws, r.id);
      CHECK(ids[0].canonical() == "phone:+77011234567");
      CHECK(ids[1].canonical() == "email:a@example.kz");
    }
  }
  auto all = list_requests(*w.ws, {}, w.at("2026-03-16T11:00"));
  CHECK(all.size() == 18);
  for (const auto& r : all) close_request(*w.ws, r.id, "answered", "dpo", w.at("2026-03-17T10:00"));
  CHECK(list_requests(*w.ws, {}, w.at("2026-03-18T10:00")).empty());
  ListFilter with_closed;
  with_closed.include_closed = true;
  CHECK(list_requests(*w.ws, with_closed, w.at("2026-03-18T10:00")).size() == 18);
}

TEST_CASE("deadlines come from the tenant's policy and its law", "[requests]") {
  World w;
  auto kz = w.open("shop", "access", "2026-03-20T19:00");
  CHECK(local(kz.due_at) == "2026-03-30T23:59:59+05:00");
  CHECK(kz.due_rule == "3wd");
  CHECK(kz.due_clause == "kz Art. 25(2)");
  CHECK(kz.mode == "answer");
  CHECK(!kz.forward_by);
  auto erase = w.open("shop", "erase", "2026-03-20T19:00");
  CHECK(local(erase.due_at) == "2026-03-26T23:59:59+05:00");
  auto eu = w.open("eu", "access", "2026-01-31T10:00");
  CHECK(local(eu.due_at) == "2026-02-28T23:59:59+05:00");
  CHECK(eu.due_clause == "gdpr Art. 12(3); Art. 15");
  auto fwd = w.open("acme", "erase", "2026-03-20T19:00");
  CHECK(fwd.mode == "forward");
  CHECK(local(fwd.forward_by) == "2026-03-21T19:00:00+05:00");
  CHECK(local(fwd.due_at) == "2026-03-26T23:59:59+05:00");
}

TEST_CASE("a GDPR request is extended once, with a reason, within the first month", "[requests]") {
  World w;
  auto r = w.open("eu", "access", "2026-01-31T10:00");
  CHECK_THROWS_AS(extend_request(*w.ws, r.id, "", "dpo", w.at("2026-02-10T10:00")), InputError);
  auto e = extend_request(*w.ws, r.id, "complex: 40 datasets", "dpo", w.at("2026-02-10T10:00"));
  CHECK(local(e.extended_until) == "2026-04-28T23:59:59+05:00");
  CHECK(e.extension_clause == "gdpr Art. 12(3)");
  CHECK_THROWS_AS(extend_request(*w.ws, r.id, "again", "dpo", w.at("2026-02-11T10:00")), RefusedError);
  auto late = w.open("eu", "erase", "2026-01-05T10:00");
  CHECK_THROWS_AS(extend_request(*w.ws, late.id, "too late", "dpo", w.at("2026-02-06T10:00")), RefusedError);
  auto kz = w.open("shop", "access", "2026-03-16T10:00");
  CHECK_THROWS_AS(extend_request(*w.ws, kz.id, "kz has none", "dpo", w.at("2026-03-16T11:00")), RefusedError);
  // Next deadline and overdue follow the extension.
  ListFilter overdue;
  overdue.overdue_only = true;
  auto list = list_requests(*w.ws, overdue, w.at("2026-03-10T10:00"));
  REQUIRE(list.size() == 1);
  CHECK(list[0].id == late.id);
}

TEST_CASE("processor mode: forward by, forward once, answer mode refuses", "[requests]") {
  World w;
  auto r = w.open("acme", "access", "2026-03-20T19:00");
  ListFilter soon;
  soon.due_before = w.at("2026-03-22T00:00");
  CHECK(list_requests(*w.ws, soon, w.at("2026-03-20T20:00")).size() == 1);
  auto f = forward_request(*w.ws, r.id, "ticket 17", "dpo", w.at("2026-03-21T20:00"));
  CHECK(f.late);
  CHECK(f.request.status == "forwarded");
  CHECK(next_deadline(f.request).what == "controller");
  CHECK_THROWS_AS(forward_request(*w.ws, r.id, "", "dpo", w.at("2026-03-21T21:00")), RefusedError);
  auto own = w.open("shop", "access", "2026-03-20T19:00");
  CHECK_THROWS_AS(forward_request(*w.ws, own.id, "", "dpo", w.at("2026-03-21T10:00")), RefusedError);
  auto events = show_request(*w.ws, r.id).events;
  REQUIRE(events.size() == 2);
  CHECK(events[1].event == "forwarded");
}

TEST_CASE("a closed request refuses every change", "[requests]") {
  World w;
  auto r = w.open("eu", "object", "2026-03-02T10:00");
  close_request(*w.ws, r.id, "processing stopped", "dpo", w.at("2026-03-03T10:00"));
  CHECK_THROWS_AS(close_request(*w.ws, r.id, "again", "dpo", w.at("2026-03-04T10:00")), RefusedError);
  CHECK_THROWS_AS(extend_request(*w.ws, r.id, "x", "dpo", w.at("2026-03-04T10:00")), RefusedError);
  CHECK_THROWS_AS(suppress_request_subjects(*w.ws, r.id, "dpo", w.at("2026-03-04T10:00")), RefusedError);
  auto fwd = w.open("acme", "erase", "2026-03-02T10:00");
  close_request(*w.ws, fwd.id, "controller answered", "dpo", w.at("2026-03-03T10:00"));
  CHECK_THROWS_AS(forward_request(*w.ws, fwd.id, "", "dpo", w.at("2026-03-04T10:00")), RefusedError);
  // The store refuses too.
  auto rec = *w.ws->store().find_subject_request(r.id);
  rec.outcome = "rewritten";
  CHECK_THROWS_AS(w.ws->store().update_subject_request(rec), RefusedError);
}

TEST_CASE("bad input changes nothing", "[requests]") {
  World w;
  CHECK_THROWS_AS(w.open("nobody", "access", "2026-03-02T10:00"), InputError);
  CHECK_THROWS_AS(w.open("shop", "forget-me", "2026-03-02T10:00"), InputError);
  CHECK_THROWS_AS(w.open("shop", "access", "2026-03-02T10:00", {"phone:+7 701 1"}), InputError);
  CHECK_THROWS_AS(w.open("shop", "access", "2026-03-02T10:00", {"phone:+77011234567", "iin:123"}), InputError);
  CHECK_THROWS_AS(w.open("shop", "access", "2026-03-02T10:00", {}), InputError);
  CHECK_THROWS_AS(w.open("shop", "access", "2026-03-02T10:00", {"key:no_such_dataset:17"}), InputError);
  CHECK(w.ws->store().list_subject_requests({std::nullopt, true}).empty());
}

TEST_CASE("audit entries and events carry hashes, never identifiers", "[requests]") {
  World w;
  auto r = w.open("shop", "erase", "2026-03-02T10:00", {"phone:+77011234567", "email:aigerim@example.kz"});
  std::string all;
  w.ws->store().scan_audit({}, [&](const AuditRecord& a) {
    all += a.details;
    return true;
  });
  for (const auto& e : w.ws->store().request_events(r.id)) all += e.details;
  CHECK(all.find("7011234567") == std::string::npos);
  CHECK(all.find("aigerim") == std::string::npos);
  CHECK(all.find(w.ws->store().request_subjects(r.id)[0].subject_hash) != std::string::npos);
  CHECK(w.ws->audit().verify().ok());
}

TEST_CASE("suppression: add, idempotent, list, remove where the rule allows", "[suppress]") {
  World w;
  Timestamp t = w.at("2026-03-02T10:00");
  auto a = suppress(*w.ws, {"calls", "phone:8 701 123 45 67", "complaint", "complaint 55", "dpo", t});
  CHECK(a.added);
  CHECK(a.entry.clause == "autocall 2.2.4");
  auto again = suppress(*w.ws, {"calls", "phone:+77011234567", "spam", "", "dpo", t});
  CHECK(!again.added);
  CHECK(again.entry.id == a.entry.id);
  auto spam = suppress(*w.ws, {"calls", "phone:+77021234567", "spam", "", "dpo", t});
  CHECK(spam.entry.clause == "autocall 2.2.5.3");
  CHECK_THROWS_AS(suppress(*w.ws, {"calls", "phone:+77031234567", "dislike", "", "dpo", t}), InputError);
  CHECK_THROWS_AS(suppress(*w.ws, {"nobody", "phone:+77031234567", "manual", "", "dpo", t}), InputError);
  CHECK(list_suppressions(*w.ws, "calls", false).size() == 2);
  CHECK_THROWS_AS(unsuppress(*w.ws, "calls", "phone:+77021234567", "asked", "dpo", t), RefusedError);
  auto removed = unsuppress(*w.ws, "calls", "phone:+77011234567", "customer fulfilled 2.3.7", "dpo", t);
  CHECK(removed.removed_at);
  CHECK_THROWS_AS(unsuppress(*w.ws, "calls", "phone:+77011234567", "again", "dpo", t), InputError);
  CHECK(list_suppressions(*w.ws, "calls", false).size() == 1);
  CHECK(list_suppressions(*w.ws, "calls", true).size() == 2);
  // Another tenant's list is another list.
  CHECK(suppress(*w.ws, {"shop", "phone:+77021234567", "manual", "", "dpo", t}).added);
}

TEST_CASE("withdraw-consent and object requests put their subjects on the list", "[suppress][requests]") {
  World w;
  auto r = w.open("calls", "withdraw-consent", "2026-03-02T10:00", {"phone:+77011234567", "email:a@example.kz"});
  auto added = suppress_request_subjects(*w.ws, r.id, "dpo", w.at("2026-03-02T12:00"));
  REQUIRE(added.size() == 2);
  CHECK(added[0].source_request == r.id);
  CHECK(added[0].reason == "withdraw-consent");
  CHECK(added[0].clause == r.due_clause);
  auto set = SuppressionSet::load(*w.ws, "calls", "phone");
  CHECK(set.blocked("8 (701) 123-45-67"));
  CHECK(!set.blocked("+77021234567"));
  CHECK(suppress_request_subjects(*w.ws, r.id, "dpo", w.at("2026-03-02T13:00")).empty());
  auto access = w.open("calls", "access", "2026-03-02T10:00");
  CHECK_THROWS_AS(suppress_request_subjects(*w.ws, access.id, "dpo", w.at("2026-03-02T12:00")), RefusedError);
  CHECK(show_request(*w.ws, r.id).events.back().event == "suppressed");
}

namespace {

struct Filtered {
  ContactFilterResult result;
  std::string out;
};

Filtered filter(const SuppressionSet& set, const std::string& in, ContactFilterOptions o = {}) {
  anonymize::StringSource src(in);
  anonymize::StringSink sink;
  Filtered f;
  f.result = filter_contacts(set, src, sink, o);
  f.out = sink.text;
  return f;
}

}  // namespace

TEST_CASE("suppress check filters CSV and JSON Lines, copying rows unchanged", "[suppress]") {
  World w;
  Timestamp t = w.at("2026-03-02T10:00");
  suppress(*w.ws, {"calls", "phone:+77011234567", "complaint", "", "dpo", t});
  suppress(*w.ws, {"calls", "phone:+77021234567", "spam", "", "dpo", t});
  auto set = SuppressionSet::load(*w.ws, "calls", "phone");
  CHECK(set.size() == 2);

  std::string csv =
      "id,Phone,note\r\n"
      "1,8 701 123 45 67,blocked\r\n"
      "2,+7 705 123 45 67,\"kept, with a comma\"\r\n"
      "3,\"+7 (702) 123-45-67\",\"blocked\n across lines\"\r\n"
      "4,,no phone\r\n";
  auto f = filter(set, csv);
  CHECK(f.result.format == "csv");
  CHECK(f.result.rows == 4);
  CHECK(f.result.removed == 2);
  CHECK(f.result.kept == 2);
  CHECK(f.result.empty == 1);
  CHECK(f.out == "id,Phone,note\r\n2,+7 705 123 45 67,\"kept, with a comma\"\r\n4,,no phone\r\n");

  std::string jsonl = "{\"phone\":\"87011234567\",\"n\":1}\n\n{\"phone\":\"+77051234567\",\"n\":2}\n{\"tel\":\"x\"}\n";
  CHECK_THROWS_WITH(filter(set, jsonl), Catch::Contains("line 4") && Catch::Contains("no field \"phone\""));
  auto j = filter(set, jsonl.substr(0, jsonl.size() - 12));
  CHECK(j.result.format == "jsonl");
  CHECK(j.out == "\n{\"phone\":\"+77051234567\",\"n\":2}\n");

  ContactFilterOptions col;
  col.column = "msisdn";
  CHECK(filter(set, "msisdn\n77011234567\n77051234567\n", col).out == "msisdn\n77051234567\n");
  CHECK_THROWS_WITH(filter(set, "id,tel\n1,2\n"), Catch::Contains("line 1") && Catch::Contains("--column"));
  CHECK_THROWS_WITH(filter(set, "phone,x\n+77051234567,1\nnot a phone,2\n"), Catch::Contains("line 3"));
  CHECK_THROWS_WITH(filter(set, "phone,x\n+77051234567,1,3\n"), Catch::Contains("line 2"));
  CHECK_THROWS_WITH(filter(set, "phone\n\"+77051234567\n"), Catch::Contains("line 2"));
  ContactFilterOptions drop;
  drop.drop_invalid = true;
  auto d = filter(set, "phone,x\n+77051234567,1\nnot a phone,2\n", drop);
  CHECK(d.result.invalid == 1);
  CHECK(d.out == "phone,x\n+77051234567,1\n");
}

TEST_CASE("the response letter summarizes the request in Russian and English", "[letter]") {
  World w;
  auto r = w.open("eu", "erase", "2026-01-31T10:00", {"phone:+77011234567"});
  extend_request(*w.ws, r.id, "complex request", "dpo", w.at("2026-02-02T10:00"));
  // What `request fulfil` will record.
  w.ws->store().insert_request_event(
      {0, r.id, "2026-02-03T05:00:00Z", "fulfilled", R"({"dataset":"calls","action":"erased","records":12})", "dpo"});
  close_request(*w.ws, r.id, "erased", "dpo", w.at("2026-02-04T10:00"));
  auto v = show_request(*w.ws, r.id);
  LetterOptions o;
  o.controller = "EU GmbH";
  o.zone = &TimeZone::almaty();
  o.at = w.at("2026-02-04T11:00");
  o.lang = "en";
  std::string en = response_letter(v, o);
  CHECK(en.find("# Response to your request " + r.id) == 0);
  CHECK(en.find("erasure of personal data") != std::string::npos);
  CHECK(en.find("+7 701 *** ** 67") != std::string::npos);
  CHECK(en.find("7011234567") == std::string::npos);
  CHECK(en.find("within 1 month (gdpr Art. 12(3); Art. 17)") != std::string::npos);
  CHECK(en.find("extended to 2026-04-28") != std::string::npos);
  CHECK(en.find("Dataset \"calls\": erased (12 records)") != std::string::npos);
  CHECK(en.find("closed on 2026-02-04. Outcome: erased") != std::string::npos);
  o.lang = "ru";
  o.format = "text";
  std::string ru = response_letter(v, o);
  CHECK(ru.find("Ответ на ваш запрос " + r.id + "\n" + std::string(20 + r.id.size(), '=') + "\n") == 0);
  CHECK(ru.find("1 месяц (gdpr") != std::string::npos);
  CHECK(ru.find("удаление персональных данных") != std::string::npos);
  CHECK(ru.find("Срок продлён до 2026-04-28") != std::string::npos);
  CHECK(ru.find("##") == std::string::npos);
  o.lang = "kz";
  CHECK_THROWS_AS(response_letter(v, o), UsageError);

  auto fwd = w.open("acme", "access", "2026-03-20T19:00");
  o.lang = "en";
  o.controller = "Acme LLP";
  std::string pending = response_letter(show_request(*w.ws, fwd.id), o);
  CHECK(pending.find("will be forwarded to the controller by 2026-03-21 19:00") != std::string::npos);
  CHECK(pending.find("The controller must answer by 2026-03-") != std::string::npos);
  auto kz = w.open("shop", "access", "2026-03-16T10:00");
  o.lang = "ru";
  CHECK(response_letter(show_request(*w.ws, kz.id), o).find("3 рабочих дня (kz Art. 25(2))") != std::string::npos);
}

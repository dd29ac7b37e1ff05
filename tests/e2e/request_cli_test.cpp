// End-to-end: `dpa request` and `dpa suppress` on a temporary workspace.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

using dpa::test::run_dpa;
using dpa::test::TempDir;

namespace {

struct Ws {
  TempDir dir;
  Ws() {
    REQUIRE(run({"init"}).status == 0);
    REQUIRE(run({"tenant", "add", "acme", "--policy", "upstat"}).status == 0);
    REQUIRE(run({"tenant", "add", "eu", "--policy", "gdpr"}).status == 0);
    REQUIRE(run({"tenant", "add", "calls", "--policy", "autocall"}).status == 0);
  }
  dpa::test::RunResult run(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin(), {"--home", dir.path().string(), "--actor", "dpo"});
    return run_dpa(args, input);
  }
  nlohmann::json json(std::vector<std::string> args) const {
    args.push_back("--json");
    auto r = run(args);
    INFO(r.err);
    REQUIRE(r.status == 0);
    return nlohmann::json::parse(r.out);
  }
};

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == s.size() - 1; }

}  // namespace

TEST_CASE("request open, list, show, forward, extend, close, letter", "[e2e][requests]") {
  Ws ws;
  auto a = ws.json({"request", "open", "--tenant", "acme", "--type", "erase", "--subject", "phone:8 701 123 45 67",
                    "--received", "2026-03-20T19:00", "--channel", "email", "--at", "2026-03-20T19:05"});
  CHECK(a["id"] == "R-2026-0001");
  CHECK(a["mode"] == "forward");
  CHECK(a["forward_by"] == "2026-03-21T14:00:00Z");
  CHECK(a["due_at"] == "2026-03-26T18:59:59Z");
  auto e = ws.json({"request", "open", "--tenant", "eu", "--type", "access", "--subject", "email:A@Example.com",
                    "--subject", "name:Anna Muller", "--received", "2026-01-31T10:00", "--at", "2026-01-31T10:00"});
  CHECK(e["id"] == "R-2026-0002");
  CHECK(e["due_clause"] == "gdpr Art. 12(3); Art. 15");

  auto overdue = ws.json({"request", "list", "--overdue", "--at", "2026-03-22T10:00"});
  REQUIRE(overdue.size() == 2);
  CHECK(overdue[1]["next_deadline"] == "forward");
  CHECK(overdue[1]["overdue"] == true);
  // Due within two days, overdue ones included.
  auto within = ws.json({"request", "list", "--due-within", "2d", "--at", "2026-03-20T20:00"});
  CHECK(within.size() == 2);
  within = ws.json({"request", "list", "--due-within", "2d", "--at", "2026-02-27T10:00"});
  REQUIRE(within.size() == 1);
  CHECK(within[0]["id"] == "R-2026-0002");
  CHECK(within[0]["seconds_left"] == 86400 + 14 * 3600 - 1);  // to 28 Feb 23:59:59
  auto text = ws.run({"request", "list", "--at", "2026-03-21T10:00"});
  CHECK_THAT(text.out, Catch::Contains("OVERDUE"));
  CHECK_THAT(text.out, Catch::Contains("to forward"));

  auto f = ws.run({"request", "forward", "R-2026-0001", "--reference", "T-17", "--at", "2026-03-21T10:00"});
  CHECK(f.status == 0);
  CHECK(ws.run({"request", "forward", "R-2026-0001"}).status == 6);
  auto no_ext = ws.run({"request", "extend", "R-2026-0001", "--reason", "x", "--at", "2026-03-21T10:00"});
  CHECK(no_ext.status == 6);
  CHECK(one_line(no_ext.err));

  auto ext = ws.json({"request", "extend", "R-2026-0002", "--reason", "complex", "--at", "2026-02-10T10:00"});
  CHECK(ext["extended_until"] == "2026-04-28T18:59:59Z");

  auto show = ws.json({"request", "show", "R-2026-0002", "--at", "2026-02-10T10:00"});
  REQUIRE(show["subjects"].size() == 2);
  CHECK(show["subjects"][0]["masked"] == "a***@example.com");
  CHECK(show["events"].size() == 2);
  auto shown = ws.run({"request", "show", "R-2026-0001"});
  CHECK_THAT(shown.out, Catch::Contains("+7 701 *** ** 67"));
  CHECK_THAT(shown.out, !Catch::Contains("1234567"));

  CHECK(ws.run({"request", "close", "R-2026-0002", "--outcome", "data sent", "--at", "2026-02-11T10:00"}).status == 0);
  auto closed = ws.run({"request", "close", "R-2026-0002", "--outcome", "again"});
  CHECK(closed.status == 6);
  CHECK(one_line(closed.err));
  CHECK(ws.run({"request", "extend", "R-2026-0002", "--reason", "x"}).status == 6);

  auto letter = ws.run({"request", "letter", "R-2026-0002", "--lang", "en", "--format", "text", "--at", "2026-02-11T10:00"});
  CHECK(letter.status == 0);
  CHECK_THAT(letter.out, Catch::StartsWith("Response to your request R-2026-0002"));
  CHECK_THAT(letter.out, Catch::Contains("Outcome: data sent"));
  auto ru = ws.run({"request", "letter", "R-2026-0001"});
  CHECK_THAT(ru.out, Catch::StartsWith("# Ответ на ваш запрос R-2026-0001"));
  CHECK_THAT(ru.out, Catch::Contains("DPA 9.1-9.2"));

  auto audit = ws.run({"audit", "log", "--json"});
  CHECK_THAT(audit.out, Catch::Contains("request.opened"));
  CHECK_THAT(audit.out, !Catch::Contains("7011234567"));
  CHECK_THAT(audit.out, !Catch::Contains("example.com"));
  CHECK(ws.run({"audit", "verify"}).status == 0);
}

TEST_CASE("request errors are one line with the right status", "[e2e][requests]") {
  Ws ws;
  auto bad = ws.run({"request", "open", "--tenant", "acme", "--type", "access", "--subject", "phone:12"});
  CHECK(bad.status == 3);
  CHECK(one_line(bad.err));
  auto tenant = ws.run({"request", "open", "--tenant", "nobody", "--type", "access", "--subject", "phone:+77011234567"});
  CHECK(tenant.status == 3);
  CHECK_THAT(tenant.err, Catch::Contains("nobody"));
  auto type = ws.run({"request", "open", "--tenant", "acme", "--type", "forget", "--subject", "phone:+77011234567"});
  CHECK(type.status == 3);
  CHECK(ws.run({"request", "show", "R-2026-0099"}).status == 3);
  CHECK(ws.run({"request", "list", "--json"}).out == "[]\n");
}

TEST_CASE("suppress add, list, check, remove", "[e2e][suppress]") {
  Ws ws;
  CHECK(ws.run({"suppress", "add", "--tenant", "calls", "phone:+77011234567", "--reason", "complaint"}).status == 0);
  CHECK(ws.run({"suppress", "add", "--tenant", "calls", "phone:8 702 123 45 67", "--reason", "spam"}).status == 0);
  auto again = ws.run({"suppress", "add", "--tenant", "calls", "phone:87011234567"});
  CHECK(again.status == 0);
  CHECK_THAT(again.out, Catch::Contains("already suppressed"));
  auto list = ws.json({"suppress", "list", "--tenant", "calls"});
  REQUIRE(list.size() == 2);
  CHECK(list[1]["clause"] == "autocall 2.2.5.3");

  std::string csv = "name,phone\nA,+7 701 123 45 67\nB,+7 705 123 45 67\nC,87021234567\n";
  auto check = ws.run({"suppress", "check", "--tenant", "calls"}, csv);
  CHECK(check.status == 0);
  CHECK(check.out == "name,phone\nB,+7 705 123 45 67\n");
  CHECK_THAT(check.err, Catch::Contains("removed 2 suppressed row(s) of 3"));
  auto jsonl = ws.run({"suppress", "check", "--tenant", "calls", "--field", "msisdn"},
                      "{\"msisdn\":\"77011234567\"}\n{\"msisdn\":\"77051234567\"}\n");
  CHECK(jsonl.out == "{\"msisdn\":\"77051234567\"}\n");
  auto broken = ws.run({"suppress", "check", "--tenant", "calls"}, "phone\n+77051234567\nnonsense\n");
  CHECK(broken.status == 3);
  CHECK(broken.out.empty());  // nothing leaves when a row is bad
  CHECK_THAT(broken.err, Catch::Contains("line 3"));
  CHECK(one_line(broken.err));

  auto spam = ws.run({"suppress", "remove", "--tenant", "calls", "phone:+77021234567", "--reason", "asked"});
  CHECK(spam.status == 6);
  CHECK(ws.run({"suppress", "remove", "--tenant", "calls", "phone:+77011234567", "--reason", "fulfilled 2.3.7"}).status == 0);
  CHECK(ws.run({"suppress", "check", "--tenant", "calls"}, csv).out == "name,phone\nA,+7 701 123 45 67\nB,+7 705 123 45 67\n");
  CHECK(ws.run({"suppress", "list", "--tenant", "nobody"}).status == 3);
}

TEST_CASE("dpa demo opens requests and filters a contact list", "[e2e][requests][demo]") {
  TempDir dir;
  auto home = dir / "demo";
  auto r = run_dpa({"--home", home.string(), "demo"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  auto all = nlohmann::json::parse(run_dpa({"--home", home.string(), "--json", "request", "list", "--all"}).out);
  CHECK(all.size() == 6);
  std::set<std::string> modes, types;
  for (const auto& q : all) {
    modes.insert(q["mode"].get<std::string>());
    types.insert(q["type"].get<std::string>());
  }
  CHECK(modes.size() == 2);
  CHECK(types.size() >= 5);
  std::string contacts = dpa::test::read_file(home / "var/contacts.csv");
  std::string allowed = dpa::test::read_file(home / "var/contacts.allowed.csv");
  auto lines = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
  CHECK(lines(contacts) == 13);
  CHECK(lines(allowed) == 10);
  auto check = run_dpa({"--home", home.string(), "suppress", "check", "--tenant", "dialer"}, contacts);
  CHECK(check.out == allowed);
  CHECK(std::filesystem::exists(home / "letters"));
}

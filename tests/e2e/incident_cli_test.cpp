// End-to-end: dpa incident open | update | notice | show | list | close.
#include <catch2/catch.hpp>

#include <set>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

using dpa::test::run_dpa;
using dpa::test::TempDir;
using Catch::Contains;

namespace {

struct IncidentCli {
  TempDir dir;
  IncidentCli() {
    REQUIRE(run({"init", "--policy", "truffles"}).status == 0);
    REQUIRE(run({"tenant", "add", "cafe", "--policy", "truffles"}).status == 0);
    REQUIRE(run({"tenant", "add", "berlin", "--policy", "gdpr"}).status == 0);
  }
  dpa::test::RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--home", dir.path().string()});
    return run_dpa(args);
  }
  nlohmann::json json(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    auto r = run(args);
    INFO(r.err);
    REQUIRE(r.status == 0);
    return nlohmann::json::parse(r.out);
  }
};

}  // namespace

TEST_CASE("incident CLI: open, refuse an incomplete notice, update, render, record as given", "[e2e][incidents]") {
  IncidentCli w;
  auto opened = w.json({"incident", "open", "--tenant", "cafe", "--detected", "2026-01-15T10:00",
                        "--summary", "Support staff account used from an unknown network",
                        "--categories", "communications.messages", "--subjects-approx", "75"});
  CHECK(opened["id"] == 1);
  CHECK(opened["facts"]["subjects_approx"] == 75);
  bool controller_24h = false;
  for (const auto& d : opened["deadlines"]) {
    if (d["recipient"] == "controller") {
      controller_24h = d["deadline"] == "24h" && d["due"] == "2026-01-16T05:00:00Z";
    }
  }
  CHECK(controller_24h);

  auto refused = w.run({"incident", "notice", "1", "--lang", "en"});
  CHECK(refused.status == 6);
  CHECK_THAT(refused.err, Contains("consequences"));
  CHECK_THAT(refused.err, Contains("DPA 5.1-5.2"));
  CHECK(refused.out.empty());

  // A text naming a subject is refused, and nothing is stored.
  auto pd = w.run({"incident", "update", "1", "--consequences", "Write to aigerim.s@example.kz at once"});
  CHECK(pd.status == 3);
  CHECK_THAT(pd.err, Contains("EMAIL"));
  CHECK(w.json({"incident", "show", "1"})["facts"]["consequences"] == "");

  REQUIRE(w.run({"incident", "update", "1", "--consequences", "Message history may have been read",
                 "--measures-taken", "Sessions revoked, password reset, MFA enforced",
                 "--measures-proposed", "Network allow-list for support staff"})
              .status == 0);
  auto notice = w.run({"incident", "notice", "1", "--lang", "en", "--at", "2026-01-15T12:00"});
  INFO(notice.err);
  REQUIRE(notice.status == 0);
  CHECK_THAT(notice.out, Contains("Measures proposed: Network allow-list"));
  CHECK_THAT(notice.out, Contains("Approximate number of data subjects: 75"));

  // Given after the 24 hours: recorded as late.
  auto sent = w.json({"incident", "notice", "1", "--sent", "--at", "2026-01-16T11:30", "--reference", "ticket 881"});
  CHECK(sent["notices"][0]["state"] == "sent-late");
  CHECK_THAT(sent["notices"][0]["standing"].get<std::string>(), Contains("1h 30m"));

  auto list = w.json({"incident", "list", "--open"});
  REQUIRE(list.size() == 1);
  REQUIRE(w.run({"incident", "close", "1"}).status == 0);
  CHECK(w.json({"incident", "list", "--open"}).empty());
  CHECK(w.run({"incident", "update", "1", "--contact", "DPO office"}).status == 6);
  CHECK(w.run({"audit", "verify"}).status == 0);
}

TEST_CASE("incident CLI: --all opens one incident with a deadline per tenant's policy", "[e2e][incidents]") {
  IncidentCli w;
  auto opened = w.json({"incident", "open", "--all", "--detected", "2026-01-15T10:00", "--summary",
                        "Backup copy stolen from a contractor"});
  CHECK(opened["all_tenants"] == true);
  CHECK(opened["tenants"].size() == 2);
  std::set<std::string> seen;
  for (const auto& d : opened["deadlines"]) {
    seen.insert(d["tenant"].get<std::string>() + "/" + d["recipient"].get<std::string>() + "/" +
                (d["deadline"].is_null() ? "-" : d["deadline"].get<std::string>()));
  }
  CHECK(seen.count("cafe/controller/24h") == 1);
  CHECK(seen.count("cafe/authority/1wd") == 1);
  CHECK(seen.count("berlin/authority/72h") == 1);
  CHECK(seen.count("berlin/controller/-") == 1);

  // Several tenants: rendering needs --tenant; the text at --at shows time left.
  auto r = w.run({"incident", "notice", "1"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains("--tenant"));
  // Recording a notice as given to every tenant: refused for all while any
  // one lacks a required field, and nothing is recorded.
  auto all_sent = w.run({"incident", "notice", "1", "--to", "authority", "--sent", "--at", "2026-01-15T12:00"});
  CHECK(all_sent.status == 6);
  CHECK(w.json({"incident", "show", "1"})["notices"].empty());
  auto show = w.run({"incident", "show", "1", "--at", "2026-01-15T12:00"});
  CHECK_THAT(show.out, Contains("22h 00m left"));
  auto overdue = w.run({"incident", "show", "1", "--at", "2026-01-19T12:00"});
  CHECK_THAT(overdue.out, Contains("OVERDUE"));
  CHECK(w.run({"incident", "open", "--all", "--tenant", "cafe", "--detected", "2026-01-15", "--summary", "x"}).status ==
        2);
}

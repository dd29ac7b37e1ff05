// End-to-end: dpa transfer check | log | list | report, the register, the
// agreements and dpa ropa, through the real binary.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

using dpa::test::run_dpa;
using dpa::test::TempDir;
using Catch::Contains;

namespace {

const char* kEuPolicy = R"(
[policy]
name = "eu-saas"
title = "Synthetic EU SaaS DPA"
version = "1"
jurisdiction = "eu"
include = ["gdpr"]
source = "synthetic test policy"
language = "en"

[[category]]
id = "communications.messages"
description = "chat messages"
clause = "2.1"

[[subprocessor]]
name = "llm"
legal_name = "LLM Inc."
country = "US"
purpose = "AI requests"
categories = ["communications.messages"]
receives = "pseudonymized"
clause = "4.2"
)";

struct Workspace {
  TempDir dir;
  Workspace() {
    REQUIRE(run({"init", "--policy", "truffles"}).status == 0);
    REQUIRE(run({"tenant", "add", "cafe"}).status == 0);
    REQUIRE(run({"tenant", "add", "ledger", "--policy", "kense"}).status == 0);
  }
  dpa::test::RunResult run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--home", dir.path().string()});
    return run_dpa(args, input);
  }
  nlohmann::json json(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    auto r = run(args);
    INFO(r.err);
    REQUIRE(r.status == 0);
    return nlohmann::json::parse(r.out);
  }
  int count(const std::string& sql) {
    return static_cast<int>(dpa::test::state_count(dir.path(), sql));
  }
  // A refused check: exit 6, the clause on stdout, the refusal recorded.
  nlohmann::json refused(std::vector<std::string> args) {
    int before = count("SELECT count(*) FROM transfers WHERE status = 'refused'");
    args.insert(args.begin(), {"--json", "transfer", "check"});
    auto r = run(args);
    INFO(r.out << r.err);
    CHECK(r.status == 6);
    CHECK(count("SELECT count(*) FROM transfers WHERE status = 'refused'") == before + 1);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["allowed"] == false);
    CHECK(j["decision"] == "refuse");
    CHECK(j["transfer_id"].is_number());
    return j;
  }
};

std::vector<std::string> csv_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find("\r\n", start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

}  // namespace

TEST_CASE("transfer check under truffles: raw chats to OpenAI refused on DPA 4.2, pseudonymized allowed",
          "[e2e][transfer]") {
  Workspace w;
  auto raw = w.run({"transfer", "check", "--tenant", "cafe", "--to", "openai", "--category",
                    "communications.messages"});
  CHECK(raw.status == 6);
  CHECK_THAT(raw.out, Catch::StartsWith("refuse: OpenAI, Inc. may receive pseudonymized data only (truffles DPA 4.2)"));
  CHECK(raw.err.empty());

  // Abroad (US) the kz Art. 16 condition is needed: the tenant's consent.
  auto no_consent = w.refused({"--tenant", "cafe", "--to", "openai", "--category", "communications.messages",
                               "--pseudonymized"});
  CHECK(no_consent["refusal"] == "cross-border");
  CHECK(no_consent["clause"] == "Art. 16");
  REQUIRE(w.run({"transfer", "agreement", "add", "--tenant", "cafe", "--kind", "cross-border-consent",
                 "--reference", "Consent text v3 (7.5)"})
              .status == 0);
  auto ok = w.run({"transfer", "check", "--tenant", "cafe", "--to", "openai", "--category",
                   "communications.messages", "--pseudonymized"});
  INFO(ok.err);
  CHECK(ok.status == 0);
  CHECK_THAT(ok.out, Catch::StartsWith("allow: openai (US) may receive pseudonymized communications.messages"));
  CHECK_THAT(ok.out, Contains("(truffles DPA 4.2)"));
  CHECK_THAT(ok.out, Contains("basis: kz Art. 16: subject-consent"));
  auto j = w.json({"transfer", "check", "--tenant", "cafe", "--to", "OpenAI, Inc.", "--category",
                   "communications.messages", "--pseudonymized"});
  CHECK(j["allowed"] == true);
  CHECK(j["subprocessor"] == "openai");
  CHECK(j["clause"] == "DPA 4.2");
  CHECK(j["transfer_id"].is_null());
  // Raw stays refused with the consent.
  CHECK(w.refused({"--tenant", "cafe", "--to", "openai", "--category", "communications.messages"})["refusal"] ==
        "pseudonymized-only");
}

TEST_CASE("transfer check: bad input is one line listing the valid names, exit 3", "[e2e][transfer]") {
  Workspace w;
  struct Case {
    std::vector<std::string> args;
    std::string lists;
  };
  for (const auto& c : std::vector<Case>{
           {{"--tenant", "cafe", "--to", "skynet", "--category", "communications.messages"}, "google, hosting, meta, openai"},
           {{"--tenant", "nobody", "--to", "openai"}, "cafe, ledger"},
           {{"--tenant", "cafe", "--to", "openai", "--category", "mood"}, "communications.messages"},
       }) {
    std::vector<std::string> args{"transfer", "check"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = w.run(args);
    INFO(r.err);
    CHECK(r.status == 3);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_THAT(r.err, Catch::StartsWith("dpa: "));
    CHECK_THAT(r.err, Contains(c.lists));
  }
  // Several categories and none named: a usage error listing them.
  auto none = w.run({"transfer", "check", "--tenant", "cafe", "--to", "openai", "--pseudonymized"});
  CHECK(none.status == 2);
  CHECK_THAT(none.err, Contains("communications.messages"));
  CHECK(w.count("SELECT count(*) FROM transfers") == 0);
}

TEST_CASE("transfer check: each refusal reason, recorded with its clause", "[e2e][transfer]") {
  Workspace w;
  SECTION("category not allowed") {
    auto j = w.refused({"--tenant", "cafe", "--to", "openai", "--category", "identification.contact", "--pseudonymized"});
    CHECK(j["refusal"] == "category-not-allowed");
    CHECK(j["clause"] == "DPA 4.2");
  }
  SECTION("not yet in force, retired") {
    REQUIRE(w.run({"transfer", "subprocessor", "add", "--name", "deepl", "--legal-name", "DeepL SE", "--country",
                   "DE", "--purpose", "translation", "--categories", "communications.messages", "--receives",
                   "pseudonymized", "--effective", "2099-01-01", "--clause", "DPA 4.3 notice"})
                .status == 0);
    auto early = w.refused({"--tenant", "cafe", "--to", "deepl", "--pseudonymized"});
    CHECK(early["refusal"] == "not-in-force");
    CHECK(early["clause"] == "DPA 4.3 notice");
    REQUIRE(w.run({"transfer", "subprocessor", "retire", "--name", "google", "--effective", "2025-01-01"}).status == 0);
    auto retired = w.refused({"--tenant", "cafe", "--to", "google", "--category", "communications.messages",
                              "--pseudonymized"});
    CHECK(retired["refusal"] == "retired");
    CHECK_THAT(retired["reason"].get<std::string>(), Contains("2025-01-01"));
  }
  SECTION("localization: no exception under the kz law, agreement or not") {
    REQUIRE(w.run({"transfer", "subprocessor", "add", "--name", "hosting", "--legal-name", "Frankfurt Hosting GmbH",
                   "--country", "DE", "--effective", "2025-01-01"})
                .status == 0);
    auto j = w.refused({"--tenant", "cafe", "--to", "hosting", "--category", "identification.contact"});
    CHECK(j["refusal"] == "localization");
    CHECK(j["clause"] == "Art. 12(2)");
    REQUIRE(w.run({"transfer", "agreement", "add", "--tenant", "cafe", "--kind", "storage-abroad", "--reference",
                   "Addendum 7"})
                .status == 0);
    auto still = w.refused({"--tenant", "cafe", "--to", "hosting", "--category", "identification.contact"});
    CHECK(still["refusal"] == "localization");
    CHECK_THAT(still["reason"].get<std::string>(), Contains("cannot lift it"));
  }
  SECTION("cross-border: expired safeguard") {
    REQUIRE(w.run({"transfer", "subprocessor", "add", "--name", "meta", "--safeguard", "consent", "--reference",
                   "WhatsApp opt-in v1", "--effective", "2025-01-01", "--expires", "2025-06-01"})
                .status == 0);
    auto j = w.refused({"--tenant", "cafe", "--to", "meta", "--category", "identification.contact"});
    CHECK(j["refusal"] == "safeguard-expired");
    CHECK(j["clause"] == "Art. 16");
    CHECK_THAT(j["reason"].get<std::string>(), Contains("expired 2025-06-01"));
  }
  SECTION("gdpr: SCC with its reference and expiry") {
    dpa::test::write_file(w.dir / "policies/eu-saas.toml", kEuPolicy);
    REQUIRE(w.run({"tenant", "add", "euco", "--policy", "eu-saas"}).status == 0);
    auto j = w.refused({"--tenant", "euco", "--to", "llm", "--pseudonymized"});
    CHECK(j["refusal"] == "cross-border");
    CHECK(j["policy"] == "gdpr");
    REQUIRE(w.run({"transfer", "subprocessor", "add", "--policy", "eu-saas", "--name", "llm", "--safeguard", "scc",
                   "--reference", "SCC 2021/914 M3; TIA 2026-02", "--expires", "2099-01-01"})
                .status == 0);
    auto ok = w.json({"transfer", "check", "--tenant", "euco", "--to", "llm", "--pseudonymized"});
    CHECK(ok["allowed"] == true);
    CHECK_THAT(ok["basis"][0].get<std::string>(), Contains("scc (scc SCC 2021/914 M3; TIA 2026-02"));
  }
  SECTION("kense: refused without a lawful request, allowed with one and the reference recorded") {
    auto j = w.refused({"--tenant", "ledger", "--to", "nuc-rk"});
    CHECK(j["refusal"] == "lawful-request-required");
    CHECK(j["clause"] == "5.4(3)");
    CHECK(j["policy"] == "kense");
    auto ok = w.run({"transfer", "check", "--tenant", "ledger", "--to", "nuc-rk", "--lawful-request",
                     "Court ruling 2-77/2026"});
    INFO(ok.err);
    CHECK(ok.status == 0);
    CHECK_THAT(ok.out, Contains("official lawful request Court ruling 2-77/2026"));
    CHECK(w.count("SELECT count(*) FROM audit_log WHERE action = 'transfer.lawful_request' "
                  "AND details LIKE '%Court ruling 2-77/2026%'") == 1);
    REQUIRE(w.run({"transfer", "log", "--tenant", "ledger", "--to", "nuc-rk", "--lawful-request",
                   "Court ruling 2-77/2026", "--bytes", "2048"})
                .status == 0);
    auto list = w.json({"transfer", "list", "--tenant", "ledger", "--status", "made"});
    REQUIRE(list.size() == 1);
    CHECK(list[0]["reference"] == "lawful-request: Court ruling 2-77/2026");
    CHECK(list[0]["clause"] == "7.2");
    auto none = w.refused({"--tenant", "ledger", "--to", "third-party-systems", "--category", "accounting.1c",
                           "--lawful-request", "Court ruling 2-77/2026"});
    CHECK(none["refusal"] == "receives-none");
  }
  CHECK(w.run({"audit", "verify"}).status == 0);
}

TEST_CASE("every dpa anonymize --for run appears in transfer list", "[e2e][transfer]") {
  Workspace w;
  const std::string chat = "Мой номер +7 701 123 45 67, пишите.\n";
  // OpenAI is abroad: the kz Art. 16 consent must be on record first.
  REQUIRE(w.run({"transfer", "agreement", "add", "--tenant", "cafe", "--kind", "cross-border-consent",
                 "--reference", "consent v1", "--to", "openai"})
              .status == 0);
  for (int i = 0; i < 2; ++i) {
    auto r = w.run({"anonymize", "--tenant", "cafe", "--for", "openai", "--category", "communications.messages"}, chat);
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  auto refused = w.run({"anonymize", "--tenant", "cafe", "--for", "openai", "--category", "identification.contact"}, chat);
  CHECK(refused.status == 6);
  auto list = w.json({"transfer", "list"});
  REQUIRE(list.size() == 3);
  for (const auto& t : list) CHECK(t["source"] == "dpa anonymize");
  CHECK(list[0]["status"] == "made");
  CHECK(list[0]["pseudonymized"] == true);
  CHECK(list[0]["bytes"].get<long>() > 0);
  CHECK(list[2]["status"] == "refused");
  CHECK(w.json({"transfer", "list", "--to", "OpenAI", "--tenant", "cafe", "--status", "made"}).size() == 2);
  auto text = w.run({"transfer", "list"});
  CHECK_THAT(text.out, Contains("dpa anonymize"));
  CHECK(w.run({"transfer", "list", "--to", "skynet"}).status == 3);
  CHECK(w.run({"transfer", "list", "--tenant", "nobody"}).status == 3);
}

TEST_CASE("transfer log, list filters, report and ropa in every format", "[e2e][transfer]") {
  Workspace w;
  REQUIRE(w.run({"transfer", "subprocessor", "add", "--name", "hosting", "--legal-name", "PS Cloud Services LLP",
                 "--country", "KZ", "--effective", "2025-01-01"})
              .status == 0);
  REQUIRE(w.run({"transfer", "subprocessor", "add", "--name", "openai", "--safeguard", "consent", "--reference",
                 "Consent text v1", "--effective", "2025-01-01", "--expires", "2025-06-01"})
              .status == 0);
  auto log = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"transfer", "log", "--tenant", "cafe"};
    args.insert(args.end(), extra.begin(), extra.end());
    return w.run(args);
  };
  CHECK(log({"--to", "hosting", "--category", "identification.contact", "--bytes", "300", "--records", "3",
             "--time", "2025-03-01", "--source", "nightly-export", "--reference", "exp-1"})
            .status == 0);
  CHECK(log({"--to", "openai", "--category", "communications.messages", "--pseudonymized", "--bytes", "1000",
             "--time", "2025-03-02T10:00"})
            .status == 0);
  // Made after the consent expired: recorded all the same, and exit 6.
  auto late = log({"--to", "openai", "--category", "communications.messages", "--pseudonymized", "--bytes", "500",
                   "--time", "2025-07-01"});
  CHECK(late.status == 6);
  CHECK_THAT(late.err, Contains("recorded, but the rules in force at its time did not allow it"));
  CHECK(w.count("SELECT count(*) FROM transfers WHERE status = 'made'") == 3);
  CHECK(log({"--to", "openai", "--category", "communications.messages", "--pseudonymized", "--time", "2099-01-01"})
            .status == 3);
  CHECK(log({"--to", "openai", "--reference", "a", "--lawful-request", "b"}).status == 2);
  w.run({"transfer", "check", "--tenant", "cafe", "--to", "openai", "--category", "communications.messages"});

  CHECK(w.json({"transfer", "list", "--since", "2025-03-02"}).size() == 3);
  CHECK(w.json({"transfer", "list", "--until", "2025-03-01"}).size() == 1);
  CHECK(w.json({"transfer", "list", "--to", "hosting"}).size() == 1);
  CHECK(w.json({"transfer", "list", "--status", "refused"}).size() == 1);

  SECTION("report json") {
    auto j = w.json({"transfer", "report", "--from", "2025-01-01", "--to", "2025-12-31"});
    REQUIRE(j["rows"].size() == 2);
    CHECK(j["rows"][0]["subprocessor"] == "hosting");
    CHECK(j["rows"][1]["subprocessor"] == "openai");
    CHECK(j["rows"][1]["transfers"] == 2);
    CHECK(j["rows"][1]["bytes"] == 1500);
    CHECK(j["rows"][1]["pseudonymized_share"] == 1.0);
    REQUIRE(j["flagged"].size() == 1);
    CHECK(j["flagged"][0]["flag"] == "safeguard-expired");
    CHECK(j["period"] == "2025-01-01 to 2025-12-31 (Asia/Almaty)");
    auto same = nlohmann::json::parse(
        w.run({"transfer", "report", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "json"}).out);
    CHECK(same["rows"] == j["rows"]);
  }
  SECTION("report csv") {
    auto r = w.run({"transfer", "report", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv"});
    REQUIRE(r.status == 0);
    auto lines = csv_lines(r.out);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "subprocessor,country,transfers,refused,bytes,records,pseudonymized,pseudonymized_share,"
                      "categories,tenants,flagged,flags");
    CHECK(lines[1] == "hosting,KZ,1,0,300,3,0,0.00,identification.contact,cafe,0,");
    CHECK(lines[2] == "openai,US,2,0,1500,0,2,1.00,communications.messages,cafe,1,safeguard-expired:1");
  }
  SECTION("report md") {
    auto r = w.run({"transfer", "report", "--from", "2025-01-01", "--to", "2025-12-31"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Contains("| subprocessor | country | transfers | refused |"));
    CHECK_THAT(r.out, Contains("| openai | US | 2 | 0 | 1500 |"));
    CHECK_THAT(r.out, Contains("safeguard-expired"));
    CHECK(w.run({"transfer", "report", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "pdf"}).status == 2);
    CHECK(w.run({"transfer", "report", "--from", "2025-12-31", "--to", "2025-01-01"}).status == 3);
  }
  SECTION("ropa in every format") {
    auto md = w.run({"ropa"});
    REQUIRE(md.status == 0);
    CHECK_THAT(md.out, Contains("## (a) Controllers served"));
    CHECK_THAT(md.out, Contains("| cafe |"));
    CHECK_THAT(md.out, Contains("## (c) Transfers to third countries"));
    CHECK_THAT(md.out, Contains("openai (OpenAI, Inc.) | US |"));
    auto csv = w.run({"ropa", "--format", "csv"});
    REQUIRE(csv.status == 0);
    auto lines = csv_lines(csv.out);
    CHECK(lines[0] == "section,controller,policy,item,description,country,categories,safeguards,transfers,clause");
    CHECK(std::count_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("controller,", 0) == 0; }) == 2);
    auto j = w.json({"ropa"});
    CHECK(j["controllers"].size() == 2);
    CHECK(j["controllers"][0]["tenant"] == "cafe");
    bool openai = false;
    for (const auto& t : j["third_country_transfers"]) {
      if (t["name"] == "openai") {
        openai = true;
        CHECK(t["transfers"] == 2);
      }
    }
    CHECK(openai);
    CHECK(w.run({"ropa", "--format", "xml"}).status == 2);
  }
}

TEST_CASE("transfer subprocessor and agreement commands: list, history, audit", "[e2e][transfer]") {
  Workspace w;
  auto list = w.json({"transfer", "subprocessor", "list"});
  REQUIRE(list.size() == 4);
  CHECK(list[1]["name"] == "hosting");
  CHECK(list[1]["primary_storage"] == true);
  REQUIRE(w.run({"transfer", "subprocessor", "add", "--policy", "truffles", "--name", "hosting", "--legal-name",
                 "PS Cloud Services LLP", "--country", "KZ", "--effective", "2025-01-01"})
              .status == 0);
  list = w.json({"transfer", "subprocessor", "list"});
  CHECK(list[1]["legal_name"] == "PS Cloud Services LLP");
  CHECK(list[1]["in_policy"] == true);
  auto before = w.json({"transfer", "subprocessor", "list", "--at", "2024-12-31"});
  CHECK_THAT(before[1]["legal_name"].get<std::string>(), Contains("placeholder"));
  CHECK(w.json({"transfer", "subprocessor", "list", "--history"}).size() == 1);
  auto text = w.run({"transfer", "subprocessor", "list"});
  CHECK_THAT(text.out, Contains("PS Cloud Services LLP"));

  // Widening the policy or a bad value is refused without a trace.
  CHECK(w.run({"transfer", "subprocessor", "add", "--name", "openai", "--receives", "raw"}).status == 3);
  CHECK(w.run({"transfer", "subprocessor", "add", "--name", "openai", "--receives", "all"}).status == 2);
  CHECK(w.run({"transfer", "subprocessor", "add", "--name", "openai", "--safeguard", "hope"}).status == 2);
  CHECK(w.run({"transfer", "subprocessor", "add", "--name", "x1", "--country", "KZ"}).status == 2);
  CHECK(w.run({"transfer", "subprocessor", "retire", "--name", "skynet"}).status == 3);
  CHECK(w.count("SELECT count(*) FROM audit_log WHERE action LIKE 'transfer.subprocessor.%'") == 1);

  REQUIRE(w.run({"transfer", "agreement", "add", "--tenant", "cafe", "--kind", "cross-border-consent", "--to", "meta",
                 "--reference", "Opt-in v2", "--expires", "2099-01-01"})
              .status == 0);
  CHECK(w.run({"transfer", "agreement", "add", "--tenant", "cafe", "--kind", "handshake", "--reference", "x"}).status == 2);
  CHECK(w.run({"transfer", "agreement", "add", "--tenant", "nobody", "--kind", "storage-abroad", "--reference", "x"})
            .status == 3);
  auto agreements = w.json({"transfer", "agreement", "list", "--tenant", "cafe"});
  REQUIRE(agreements.size() == 1);
  CHECK(agreements[0]["subprocessor"] == "meta");
  auto id = std::to_string(agreements[0]["id"].get<long>());
  CHECK(w.run({"transfer", "agreement", "revoke", id}).status == 0);
  CHECK(w.run({"transfer", "agreement", "revoke", id}).status == 3);
  CHECK_FALSE(w.json({"transfer", "agreement", "list"})[0]["revoked_at"].is_null());
  CHECK(w.count("SELECT count(*) FROM audit_log WHERE action LIKE 'transfer.agreement.%'") == 2);
  auto help = run_dpa({"help"});
  CHECK_THAT(help.out, Contains("transfer check"));
  CHECK_THAT(help.out, Contains("ropa"));
  CHECK(w.run({"audit", "verify"}).status == 0);
}

TEST_CASE("dpa demo shows transfers: list, report with a flagged transfer, ropa", "[e2e][transfer]") {
  TempDir dir;
  auto home = (dir / "demo").string();
  auto demo = run_dpa({"--home", home, "--json", "demo"});
  INFO(demo.err);
  REQUIRE(demo.status == 0);
  auto summary = nlohmann::json::parse(demo.out);
  CHECK(summary["transfers"]["made"] == 3);
  CHECK(summary["transfers"]["flagged"] == 1);
  auto list = nlohmann::json::parse(run_dpa({"--home", home, "--json", "transfer", "list"}).out);
  CHECK(list.size() >= 5);
  auto report = run_dpa({"--home", home, "--json", "transfer", "report", "--from", "2000-01-01", "--to", "2100-01-01"});
  REQUIRE(report.status == 0);
  auto j = nlohmann::json::parse(report.out);
  REQUIRE(j["flagged"].size() == 1);
  CHECK(j["flagged"][0]["flag"] == "safeguard-expired");
  CHECK(run_dpa({"--home", home, "ropa"}).status == 0);
  CHECK(run_dpa({"--home", home, "audit", "verify"}).status == 0);
}

// check_transfer and log_transfer records; the transfer report and the
// record of processing in every format.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "dpa/error.h"
#include "dpa/report_format.h"
#include "dpa/ropa.h"
#include "dpa/transfer_agreements.h"
#include "dpa/transfer_report.h"
#include "transfer_support.h"

using namespace dpa;
using dpa::test::day;
using dpa::test::TransferWorkspace;

namespace {
const std::string kMessages = "communications.messages";

std::vector<TransferRecord> transfers(Workspace& ws) {
  std::vector<TransferRecord> out;
  ws.store().scan_transfers({}, [&](const TransferRecord& t) {
    out.push_back(t);
    return true;
  });
  return out;
}

std::int64_t audit_count(Workspace& ws, const std::string& action) {
  std::int64_t n = 0;
  AuditQuery q;
  q.action = action;
  ws.store().scan_audit(q, [&](const AuditRecord&) {
    ++n;
    return true;
  });
  return n;
}

std::vector<std::string> lines(const std::string& text) {
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

LoggedTransfer logged(const std::string& tenant, const std::string& sub, const std::string& category, bool pseudo,
                      const char* date, std::int64_t bytes) {
  LoggedTransfer t;
  t.request = {tenant, sub, category, pseudo};
  t.time = day(date);
  t.bytes = bytes;
  t.records = 1;
  t.source = "upload-tool";
  return t;
}
}  // namespace

TEST_CASE("check_transfer records every refusal with its reason and clause", "[transfer]") {
  TransferWorkspace w;
  TransferCheck c = check_transfer(w.ws, {"cafe", "OpenAI", kMessages, false}, "dpo@example");
  CHECK_FALSE(c.decision.allowed);
  CHECK(c.record_id > 0);
  auto all = transfers(w.ws);
  REQUIRE(all.size() == 1);
  CHECK(all[0].status == "refused");
  CHECK(all[0].subprocessor == "openai");
  CHECK(all[0].clause == "DPA 4.2");
  CHECK_THAT(all[0].reason, Catch::Contains("pseudonymized data only"));
  CHECK(all[0].source == "dpa transfer check");
  CHECK(all[0].actor == "dpo@example");
  CHECK(audit_count(w.ws, "transfer.refused") == 1);

  // Allowed checks record nothing...
  TransferAgreement a{"cafe", AgreementKind::kCrossBorderConsent, "", "Consent v3", std::nullopt, std::nullopt};
  add_transfer_agreement(w.ws, a, "t");
  CHECK(check_transfer(w.ws, {"cafe", "openai", kMessages, true}, "t").decision.allowed);
  CHECK(transfers(w.ws).size() == 1);
  // ...except that a lawful request is audited with its reference.
  TransferCheck kense = check_transfer(w.ws, {"ledger", "nuc-rk", "", false, "Prosecutor request 77"}, "t");
  CHECK(kense.decision.allowed);
  CHECK(kense.category == "credentials.certificates");  // its only category
  CHECK(audit_count(w.ws, "transfer.lawful_request") == 1);
  TransferCheck refused = check_transfer(w.ws, {"ledger", "nuc-rk", "", false}, "t");
  CHECK(refused.decision.refusal == "lawful-request-required");
  CHECK(transfers(w.ws).back().clause == "5.4(3)");
  // A subprocessor with several categories needs one named.
  CHECK_THROWS_AS(check_transfer(w.ws, {"cafe", "openai", "", true}, "t"), UsageError);
}

TEST_CASE("log_transfer keeps the record even when the rules did not allow it", "[transfer]") {
  TransferWorkspace w;
  auto ok = log_transfer(w.ws, logged("cafe", "hosting", "identification.contact", false, "2025-05-01", 100), "t");
  CHECK(ok.decision.allowed);
  CHECK(ok.record.status == "made");
  CHECK(ok.record.reason.empty());
  CHECK(ok.record.time == format_utc(day("2025-05-01")));
  auto bad = log_transfer(w.ws, logged("cafe", "openai", kMessages, false, "2025-05-02", 50), "t");
  CHECK_FALSE(bad.decision.allowed);
  CHECK(bad.record.status == "made");
  CHECK_THAT(bad.record.reason, Catch::StartsWith("not allowed: "));
  CHECK(transfers(w.ws).size() == 2);
  CHECK(audit_count(w.ws, "transfer.made") == 2);

  LoggedTransfer lawful = logged("ledger", "nuc-rk", "credentials.certificates", false, "2025-05-03", 10);
  lawful.request.lawful_request = "Court order 5";
  auto l = log_transfer(w.ws, lawful, "t");
  CHECK(l.decision.allowed);
  CHECK(l.record.reference == "lawful-request: Court order 5");
  CHECK(lawful_request_of(l.record) == "Court order 5");

  LoggedTransfer future = logged("cafe", "hosting", kMessages, false, "2099-01-01", 1);
  CHECK_THROWS_WITH(log_transfer(w.ws, future, "t"), Catch::Contains("in the future"));
  CHECK_THROWS_AS(log_transfer(w.ws, logged("cafe", "skynet", kMessages, true, "2025-05-01", 1), "t"), InputError);
}

TEST_CASE("report: volume, categories, pseudonymized share, refusals and flags per subprocessor", "[transfer]") {
  TransferWorkspace w;
  SubprocessorEntry e;
  e.policy = "truffles";
  e.name = "openai";
  e.safeguard = Safeguard::kConsent;
  e.safeguard_reference = "Consent text v1";
  e.effective = day("2025-01-01");
  e.safeguard_expires = day("2025-06-01");
  add_subprocessor_entry(w.ws, e, "t");
  retire_subprocessor(w.ws, "truffles", "google", day("2025-04-01"), "", "", "t");

  log_transfer(w.ws, logged("cafe", "openai", kMessages, true, "2025-03-01", 1000), "t");          // fine
  log_transfer(w.ws, logged("cafe", "openai", "transactions.orders", true, "2025-07-01", 500), "t");  // expired
  log_transfer(w.ws, logged("cafe", "google", kMessages, true, "2025-05-01", 200), "t");            // retired
  log_transfer(w.ws, logged("cafe", "hosting", "identification.contact", false, "2025-05-01", 300), "t");
  log_transfer(w.ws, logged("cafe", "hosting", "identification.contact", false, "2024-05-01", 999), "t");  // outside
  check_transfer(w.ws, {"cafe", "openai", kMessages, false}, "t");  // refused, now: outside the period

  TransferReport r = build_transfer_report(w.ws, day("2025-01-01"), day("2026-01-01"));
  REQUIRE(r.rows.size() == 3);
  CHECK(r.rows[0].subprocessor == "google");
  CHECK(r.rows[1].subprocessor == "hosting");
  CHECK(r.rows[1].bytes == 300);
  CHECK(r.rows[1].pseudonymized_share() == 0.0);
  const TransferReportRow& openai = r.rows[2];
  CHECK(openai.subprocessor == "openai");
  CHECK(openai.country == "US");
  CHECK(openai.made == 2);
  CHECK(openai.bytes == 1500);
  CHECK(openai.pseudonymized_share() == 1.0);
  CHECK(openai.categories == std::vector<std::string>{"communications.messages", "transactions.orders"});
  CHECK(openai.flagged == 1);
  CHECK(openai.flags == std::vector<std::string>{"safeguard-expired:1"});
  REQUIRE(r.flagged.size() == 2);
  CHECK(r.flagged[0].flag == "safeguard-expired");
  CHECK(r.flagged[0].clause == "Art. 16");
  CHECK(r.flagged[1].flag == "retired");
  CHECK(r.totals.made == 4);
  CHECK(r.totals.refused == 0);
  CHECK(r.totals.flagged == 2);

  // The refusal made now falls in a period that includes today.
  TransferReport today = build_transfer_report(w.ws, now() - std::chrono::hours(24), now() + std::chrono::hours(24));
  REQUIRE(today.rows.size() == 1);
  CHECK(today.rows[0].refused == 1);
  CHECK(today.rows[0].made == 0);

  CHECK_THROWS_AS(build_transfer_report(w.ws, day("2025-02-01"), day("2025-01-01")), InputError);

  SECTION("json") {
    auto j = nlohmann::json::parse(render_transfer_report(r, ReportFormat::kJson));
    CHECK(j["rows"].size() == 3);
    CHECK(j["rows"][2]["transfers"] == 2);
    CHECK(j["rows"][2]["pseudonymized_share"] == 1.0);
    CHECK(j["flagged"].size() == 2);
    CHECK(j["totals"]["bytes"] == 2000);
  }
  SECTION("csv") {
    auto ls = lines(render_transfer_report(r, ReportFormat::kCsv));
    REQUIRE(ls.size() == 4);
    CHECK(ls[0] ==
          "subprocessor,country,transfers,refused,bytes,records,pseudonymized,pseudonymized_share,categories,"
          "tenants,flagged,flags");
    CHECK(ls[3] == "openai,US,2,0,1500,2,2,1.00,communications.messages;transactions.orders,cafe,1,"
                   "safeguard-expired:1");
  }
  SECTION("md") {
    std::string md = render_transfer_report(r, ReportFormat::kMarkdown);
    CHECK_THAT(md, Catch::Contains("| subprocessor | country | transfers |"));
    CHECK_THAT(md, Catch::Contains("| openai | US | 2 | 0 | 1500 | 2 | 100% |"));
    CHECK_THAT(md, Catch::Contains("## Flagged transfers"));
    CHECK_THAT(md, Catch::Contains("safeguard-expired"));
  }
}

TEST_CASE("csv quoting follows RFC 4180", "[transfer]") {
  CHECK(csv_row({"a", "b,c", "say \"hi\"", "x\ny"}) == "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\"\r\n");
  CHECK(md_row({"a|b", "c\nd"}) == "| a\\|b | c d |\n");
  CHECK_THROWS_AS(parse_report_format("pdf"), UsageError);
  CHECK(parse_report_format("markdown") == ReportFormat::kMarkdown);
}

TEST_CASE("ropa: controllers, categories, third-country transfers with safeguards, measures", "[transfer]") {
  TransferWorkspace w;
  TransferAgreement a{"cafe", AgreementKind::kCrossBorderConsent, "openai", "Consent v3", std::nullopt, std::nullopt};
  add_transfer_agreement(w.ws, a, "t");
  log_transfer(w.ws, logged("cafe", "openai", kMessages, true, "2025-05-01", 10), "t");
  Ropa ropa = build_ropa(w.ws);
  REQUIRE(ropa.controllers.size() == 4);
  const RopaController& cafe = ropa.controllers[0];
  CHECK(cafe.tenant_id == "cafe");
  CHECK(cafe.policy == "truffles");
  CHECK_THAT(cafe.controller_role, Catch::Contains("customer"));
  CHECK_FALSE(cafe.categories.empty());
  auto openai = std::find_if(cafe.recipients.begin(), cafe.recipients.end(), [](auto& r) { return r.name == "openai"; });
  REQUIRE(openai != cafe.recipients.end());
  CHECK(openai->third_country);
  CHECK(openai->transfers == 1);
  REQUIRE(openai->safeguards.size() == 1);
  CHECK_THAT(openai->safeguards[0], Catch::Contains("Consent v3"));
  auto hosting = std::find_if(cafe.recipients.begin(), cafe.recipients.end(), [](auto& r) { return r.name == "hosting"; });
  REQUIRE(hosting != cafe.recipients.end());
  CHECK_FALSE(hosting->third_country);
  // kense's unnamed third-party systems receive nothing: no transfer to list.
  const RopaController& ledger = ropa.controllers[2];
  for (const auto& r : ledger.recipients) {
    if (r.name == "third-party-systems") CHECK_FALSE(r.third_country);
  }
  CHECK(std::any_of(ropa.measures.begin(), ropa.measures.end(),
                    [](auto& m) { return m.source == "truffles DPA 3.1.3; 6.5"; }));
  CHECK(std::any_of(ropa.measures.begin(), ropa.measures.end(), [](auto& m) { return m.id == "audit-log"; }));

  SECTION("json") {
    auto j = nlohmann::json::parse(render_ropa(ropa, ReportFormat::kJson));
    CHECK(j["controllers"].size() == 4);
    CHECK(j["controllers"][0]["tenant"] == "cafe");
    bool found = false;
    for (const auto& t : j["third_country_transfers"]) {
      if (t["controller"] == "cafe" && t["name"] == "openai") found = true;
    }
    CHECK(found);
    CHECK_FALSE(j["security_measures"].empty());
  }
  SECTION("csv") {
    auto ls = lines(render_ropa(ropa, ReportFormat::kCsv));
    REQUIRE(ls.size() > 4);
    CHECK(ls[0] == "section,controller,policy,item,description,country,categories,safeguards,transfers,clause");
    auto count = [&](const std::string& prefix) {
      return std::count_if(ls.begin(), ls.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
    };
    CHECK(count("controller,") == 4);
    CHECK(count("third-country-transfer,cafe,truffles,openai,") == 1);
    CHECK(count("security,") == static_cast<long>(ropa.measures.size()));
  }
  SECTION("md") {
    std::string md = render_ropa(ropa, ReportFormat::kMarkdown);
    CHECK_THAT(md, Catch::Contains("## (a) Controllers served"));
    CHECK_THAT(md, Catch::Contains("## (c) Transfers to third countries"));
    CHECK_THAT(md, Catch::Contains("| cafe | openai (OpenAI, Inc.) | US |"));
    CHECK_THAT(md, Catch::Contains("## (d) Technical and organisational security measures"));
  }
}

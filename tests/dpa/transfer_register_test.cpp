// The subprocessor register and transfer agreements: entries over the
// policy, dates, narrowing only, audit, append-only storage.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "dpa/error.h"
#include "dpa/transfer_agreements.h"
#include "transfer_support.h"

using namespace dpa;
using dpa::test::day;
using dpa::test::TransferWorkspace;

namespace {
std::vector<AuditRecord> audit(Workspace& ws, const std::string& action) {
  std::vector<AuditRecord> out;
  AuditQuery q;
  q.action = action;
  ws.store().scan_audit(q, [&](const AuditRecord& r) {
    out.push_back(r);
    return true;
  });
  return out;
}
}  // namespace

TEST_CASE("register: a workspace entry names the placeholder and is audited", "[transfer]") {
  TransferWorkspace w;
  Policy truffles = w.policy("truffles");
  auto before = SubprocessorRegister::load(w.ws, truffles).resolve("hosting", now());
  CHECK(before.in_policy);
  CHECK(before.entry_id == 0);
  CHECK_THAT(before.sub.legal_name, Catch::Contains("placeholder"));
  CHECK(before.sub.primary_storage);

  SubprocessorEntry e;
  e.policy = "truffles";
  e.name = "Hosting";  // any case
  e.legal_name = "PS Cloud Services LLP";
  e.country = "kz";
  e.effective = day("2025-03-01");
  auto rec = add_subprocessor_entry(w.ws, e, "dpo@example");
  CHECK(rec.name == "hosting");
  CHECK(rec.country == "KZ");
  CHECK(rec.actor == "dpo@example");

  auto reg = SubprocessorRegister::load(w.ws, truffles);
  auto now_ = reg.resolve("hosting", now());
  CHECK(now_.sub.legal_name == "PS Cloud Services LLP");
  CHECK(now_.sub.categories == std::vector<std::string>{"*"});  // from the policy
  CHECK(now_.sub.origin.clause == "DPA 4.2");
  CHECK(now_.entry_id == rec.id);
  CHECK(now_.sub.primary_storage);
  // Before the entry, the policy's placeholder.
  CHECK_THAT(reg.resolve("hosting", day("2025-01-01")).sub.legal_name, Catch::Contains("placeholder"));

  auto entries = audit(w.ws, "transfer.subprocessor.add");
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].object == "subprocessor:truffles/hosting");
  auto details = nlohmann::json::parse(entries[0].details);
  CHECK(details["legal_name"] == "PS Cloud Services LLP");
  CHECK(details["country"] == "KZ");
  CHECK(w.ws.audit().verify().ok());
}

TEST_CASE("register: entries narrow the policy, never widen it", "[transfer]") {
  TransferWorkspace w;
  SubprocessorEntry e;
  e.policy = "truffles";
  e.name = "openai";
  e.receives = Receives::kRaw;
  CHECK_THROWS_WITH(add_subprocessor_entry(w.ws, e, "t"), Catch::Contains("pseudonymized data only"));
  e.receives.reset();
  e.categories = std::vector<std::string>{"identification.contact"};
  CHECK_THROWS_WITH(add_subprocessor_entry(w.ws, e, "t"), Catch::Contains("narrow the policy, not widen"));
  e.categories = std::vector<std::string>{"communications.nonsense"};
  CHECK_THROWS_WITH(add_subprocessor_entry(w.ws, e, "t"), Catch::Contains("unknown data category"));
  e.categories = std::vector<std::string>{"communications.messages"};
  e.receives = Receives::kNone;
  add_subprocessor_entry(w.ws, e, "t");
  auto r = SubprocessorRegister::load(w.ws, w.policy("truffles")).resolve("openai", now());
  CHECK(r.sub.categories == std::vector<std::string>{"communications.messages"});
  CHECK(r.sub.receives == Receives::kNone);
  CHECK(w.decide("cafe", "openai", "communications.messages", true).refusal == "receives-none");
}

TEST_CASE("register: a new subprocessor needs every field; bad values are refused", "[transfer]") {
  TransferWorkspace w;
  SubprocessorEntry e;
  e.policy = "truffles";
  e.name = "deepl";
  e.country = "DE";
  CHECK_THROWS_WITH(add_subprocessor_entry(w.ws, e, "t"),
                    Catch::Contains("--legal-name, --purpose, --categories, --receives"));
  e.legal_name = "DeepL SE";
  e.purpose = "translation";
  e.categories = std::vector<std::string>{"communications.messages"};
  e.receives = Receives::kPseudonymized;
  e.country = "Germany";
  CHECK_THROWS_WITH(add_subprocessor_entry(w.ws, e, "t"), Catch::Contains("ISO 3166-1"));
  e.country = "DE";
  e.name = "Deep L!";
  CHECK_THROWS_WITH(add_subprocessor_entry(w.ws, e, "t"), Catch::Contains("bad subprocessor name"));
  e.name = "deepl";
  e.safeguard = Safeguard::kScc;
  CHECK_THROWS_AS(add_subprocessor_entry(w.ws, e, "t"), UsageError);  // no reference
  e.safeguard_reference = "SCC 2021/914";
  e.effective = day("2025-05-01");
  e.safeguard_expires = day("2025-01-01");
  CHECK_THROWS_WITH(add_subprocessor_entry(w.ws, e, "t"), Catch::Contains("before the entry takes effect"));
  e.safeguard_expires = day("2027-01-01");
  auto rec = add_subprocessor_entry(w.ws, e, "t");
  CHECK(rec.safeguard == "scc");
  auto reg = SubprocessorRegister::load(w.ws, w.policy("truffles"));
  CHECK(reg.names() == std::vector<std::string>{"deepl", "google", "hosting", "meta", "openai"});
  auto r = reg.resolve("DeepL SE", now());
  CHECK(r.sub.name == "deepl");
  CHECK_FALSE(r.in_policy);
  CHECK(r.sub.origin.clause == "register entry #" + std::to_string(rec.id));
  CHECK(reg.resolve("deepl", day("2025-04-01")).status == RegisterStatus::kNotYetInForce);
  CHECK(audit(w.ws, "transfer.subprocessor.add").size() == 1);  // the failures recorded nothing
}

TEST_CASE("register: a later entry carries the earlier one's fields; retire ends it", "[transfer]") {
  TransferWorkspace w;
  SubprocessorEntry e;
  e.policy = "truffles";
  e.name = "meta";
  e.legal_name = "Meta Platforms Ireland Ltd";
  e.country = "IE";
  e.safeguard = Safeguard::kConsent;
  e.safeguard_reference = "WhatsApp opt-in v1";
  e.effective = day("2025-01-01");
  add_subprocessor_entry(w.ws, e, "t");
  SubprocessorEntry renew;
  renew.policy = "truffles";
  renew.name = "meta";
  renew.safeguard_expires = day("2027-01-01");
  renew.effective = day("2025-06-01");
  add_subprocessor_entry(w.ws, renew, "t");
  auto reg = SubprocessorRegister::load(w.ws, w.policy("truffles"));
  auto r = reg.resolve("meta", day("2025-07-01"));
  CHECK(r.sub.legal_name == "Meta Platforms Ireland Ltd");
  CHECK(r.sub.country == "IE");
  CHECK(r.safeguard == Safeguard::kConsent);
  CHECK(r.safeguard_reference == "WhatsApp opt-in v1");
  CHECK(r.safeguard_expires == format_utc(day("2027-01-01")));
  CHECK_FALSE(reg.resolve("meta", day("2025-03-01")).safeguard_expires.has_value());
  // --safeguard none removes it.
  SubprocessorEntry drop;
  drop.policy = "truffles";
  drop.name = "meta";
  drop.safeguard = Safeguard::kNone;
  drop.effective = day("2025-08-01");
  add_subprocessor_entry(w.ws, drop, "t");
  reg = SubprocessorRegister::load(w.ws, w.policy("truffles"));
  CHECK(reg.resolve("meta", day("2025-09-01")).safeguard == Safeguard::kNone);
  CHECK(reg.resolve("meta", day("2025-09-01")).sub.country == "IE");
}

TEST_CASE("register: retire, and retiring twice or an unknown name is refused", "[transfer]") {
  TransferWorkspace w;
  auto rec = retire_subprocessor(w.ws, "truffles", "Google LLC", day("2025-02-01"), "", "stopped Gemini", "t");
  CHECK(rec.name == "google");
  CHECK(rec.action == "retire");
  CHECK_THROWS_WITH(retire_subprocessor(w.ws, "truffles", "google", std::nullopt, "", "", "t"),
                    Catch::Contains("retired already"));
  CHECK_THROWS_WITH(retire_subprocessor(w.ws, "truffles", "skynet", std::nullopt, "", "", "t"),
                    Catch::Contains("known: google, hosting, meta, openai"));
  auto reg = SubprocessorRegister::load(w.ws, w.policy("truffles"));
  CHECK(reg.resolve("google", now()).status == RegisterStatus::kRetired);
  CHECK(reg.resolve("google", day("2025-01-01")).status == RegisterStatus::kInForce);
  CHECK(audit(w.ws, "transfer.subprocessor.retire").size() == 1);

  // Re-adding later brings it back.
  SubprocessorEntry again;
  again.policy = "truffles";
  again.name = "google";
  again.effective = day("2025-09-01");
  add_subprocessor_entry(w.ws, again, "t");
  reg = SubprocessorRegister::load(w.ws, w.policy("truffles"));
  CHECK(reg.resolve("google", day("2025-05-01")).status == RegisterStatus::kRetired);
  CHECK(reg.resolve("google", day("2025-10-01")).status == RegisterStatus::kInForce);
}

TEST_CASE("register: the table is append-only", "[transfer]") {
  TransferWorkspace w;
  retire_subprocessor(w.ws, "truffles", "google", std::nullopt, "", "", "t");
  auto db = dpa::test::open_raw_state(w.dir.path());
  CHECK_THROWS(db->exec_script("UPDATE subprocessor_register SET name = 'x'"));
  CHECK_THROWS(db->exec_script("DELETE FROM subprocessor_register"));
}

TEST_CASE("agreements: validated, listed, audited without personal data", "[transfer]") {
  TransferWorkspace w;
  TransferAgreement a;
  a.tenant_id = "nobody";
  a.reference = "X";
  CHECK_THROWS_WITH(add_transfer_agreement(w.ws, a, "t"), Catch::Contains("known tenants: cafe, euco, ledger, local"));
  a.tenant_id = "cafe";
  a.subprocessor = "skynet";
  CHECK_THROWS_WITH(add_transfer_agreement(w.ws, a, "t"), Catch::Contains("google, hosting, meta, openai"));
  a.subprocessor = "OpenAI, Inc.";
  a.effective = day("2025-05-01");
  a.expires = day("2025-04-01");
  CHECK_THROWS_AS(add_transfer_agreement(w.ws, a, "t"), InputError);
  a.expires = day("2027-04-01");
  auto rec = add_transfer_agreement(w.ws, a, "t");
  CHECK(rec.subprocessor == "openai");
  CHECK(rec.kind == "cross-border-consent");
  CHECK(list_transfer_agreements(w.ws, "cafe").size() == 1);
  CHECK(list_transfer_agreements(w.ws, "local").empty());
  CHECK(list_transfer_agreements(w.ws, "").size() == 1);
  CHECK_THROWS_AS(parse_agreement_kind("verbal"), UsageError);
  auto entries = audit(w.ws, "transfer.agreement.add");
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].object == "tenant:cafe");
  CHECK(nlohmann::json::parse(entries[0].details)["reference"] == "X");
}

// decide_transfer: each check in its order, each refusal with its clause.
#include <catch2/catch.hpp>

#include "dpa/error.h"
#include "dpa/transfer_agreements.h"
#include "transfer_support.h"

using namespace dpa;
using dpa::test::day;
using dpa::test::TransferWorkspace;

namespace {
const std::string kMessages = "communications.messages";

TransferAgreementRecord consent(TransferWorkspace& w, const std::string& tenant, const std::string& ref,
                                std::optional<Timestamp> expires = std::nullopt, const std::string& to = "",
                                std::optional<Timestamp> effective = std::nullopt) {
  TransferAgreement a;
  a.tenant_id = tenant;
  a.kind = AgreementKind::kCrossBorderConsent;
  a.reference = ref;
  a.subprocessor = to;
  a.effective = effective;
  a.expires = expires;
  return add_transfer_agreement(w.ws, a, "test@host");
}
}  // namespace

TEST_CASE("truffles: raw chats to OpenAI are refused citing DPA 4.2, pseudonymized ones pass the policy",
          "[transfer]") {
  TransferWorkspace w;
  Policy truffles = w.policy("truffles");
  TransferDecision raw = decide_transfer(truffles, {"cafe", "openai", kMessages, false});
  CHECK_FALSE(raw.allowed);
  CHECK(raw.refusal == "pseudonymized-only");
  CHECK(raw.clause == "DPA 4.2");
  CHECK(raw.policy == "truffles");
  CHECK_THAT(raw.reason, Catch::Contains("pseudonymized data only"));

  // The policy-only decision (what `dpa anonymize --for` uses) allows it...
  TransferDecision pseudo = decide_transfer(truffles, {"cafe", "openai", kMessages, true});
  CHECK(pseudo.allowed);
  CHECK(pseudo.clause == "DPA 4.2");
  CHECK(pseudo.country == "US");

  // ...and the full check also wants the kz Art. 16 condition for the US.
  TransferDecision no_consent = w.decide("cafe", "openai", kMessages, true);
  CHECK_FALSE(no_consent.allowed);
  CHECK(no_consent.refusal == "cross-border");
  CHECK(no_consent.policy == "kz");
  CHECK(no_consent.clause == "Art. 16");
  CHECK(no_consent.cross_border);
  consent(w, "cafe", "Consent form v3, clause 7.5");
  TransferDecision with_consent = w.decide("cafe", "openai", kMessages, true);
  CHECK(with_consent.allowed);
  CHECK(with_consent.clause == "DPA 4.2");
  REQUIRE(with_consent.basis.size() == 1);
  CHECK_THAT(with_consent.basis[0], Catch::Contains("Art. 16: subject-consent"));
  CHECK_THAT(with_consent.basis[0], Catch::Contains("Consent form v3"));
  // Raw is still refused on DPA 4.2, before any cross-border question.
  CHECK(w.decide("cafe", "openai", kMessages, false).refusal == "pseudonymized-only");
}

TEST_CASE("unknown subprocessor, category or tenant is bad input listing the valid names", "[transfer]") {
  TransferWorkspace w;
  try {
    w.decide("cafe", "skynet", kMessages, true);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK_THAT(e.what(), Catch::Contains("unknown subprocessor 'skynet'"));
    CHECK_THAT(e.what(), Catch::Contains("google, hosting, meta, openai"));
  }
  try {
    w.decide("cafe", "openai", "communications.telepathy", true);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK_THAT(e.what(), Catch::Contains("communications.messages"));
  }
  CHECK_THROWS_AS(check_transfer(w.ws, {"nobody", "openai", kMessages, true}, "t"), InputError);
  CHECK_THROWS_WITH(check_transfer(w.ws, {"nobody", "openai", kMessages, true}, "t"),
                    Catch::Contains("cafe, euco, ledger, local"));
}

TEST_CASE("the category must be one the subprocessor may receive", "[transfer]") {
  TransferWorkspace w;
  TransferDecision d = w.decide("cafe", "openai", "identification.contact", true);
  CHECK_FALSE(d.allowed);
  CHECK(d.refusal == "category-not-allowed");
  CHECK(d.clause == "DPA 4.2");
}

TEST_CASE("a subprocessor not yet in force or retired is refused", "[transfer]") {
  TransferWorkspace w;
  SubprocessorEntry e;
  e.policy = "truffles";
  e.name = "translator";
  e.legal_name = "Translator Ltd";
  e.country = "KZ";
  e.purpose = "translation";
  e.categories = std::vector<std::string>{kMessages};
  e.receives = Receives::kPseudonymized;
  e.effective = day("2099-01-01");
  e.clause = "DPA 4.3 (published 2098-12-01)";
  add_subprocessor_entry(w.ws, e, "test@host");
  TransferDecision early = w.decide("cafe", "translator", kMessages, true);
  CHECK(early.refusal == "not-in-force");
  CHECK(early.clause == "DPA 4.3 (published 2098-12-01)");
  CHECK_THAT(early.reason, Catch::Contains("2099-01-01"));
  CHECK(w.decide("cafe", "translator", kMessages, true, day("2099-02-01")).allowed);

  retire_subprocessor(w.ws, "truffles", "google", day("2025-01-01"), "DPA 4.3", "", "test@host");
  TransferDecision retired = w.decide("cafe", "google", kMessages, true);
  CHECK(retired.refusal == "retired");
  CHECK_THAT(retired.reason, Catch::Contains("retired on 2025-01-01"));
  // Before its retirement it was in force (and only lacked consent).
  CHECK(w.decide("cafe", "google", kMessages, true, day("2024-06-01")).refusal == "cross-border");
}

TEST_CASE("kense: every transfer is refused without an official lawful request (5.4(3))", "[transfer]") {
  TransferWorkspace w;
  TransferDecision d = w.decide("ledger", "nuc-rk", "credentials.certificates", false);
  CHECK_FALSE(d.allowed);
  CHECK(d.refusal == "lawful-request-required");
  CHECK(d.clause == "5.4(3)");
  CHECK(d.policy == "kense");
  CHECK_THAT(d.reason, Catch::Contains("--lawful-request"));
  // The policy-only decision applies the rule too.
  CHECK(decide_transfer(w.policy("kense"), {"ledger", "nuc-rk", "credentials.certificates", false}).refusal ==
        "lawful-request-required");

  TransferDecision ok = w.decide("ledger", "nuc-rk", "credentials.certificates", false, now(), "Court order 2-123/2026");
  CHECK(ok.allowed);
  REQUIRE_FALSE(ok.basis.empty());
  CHECK_THAT(ok.basis[0], Catch::Contains("Court order 2-123/2026"));
  // A lawful request does not open what the contract closes entirely.
  TransferDecision none = w.decide("ledger", "third-party-systems", "accounting.1c", false, now(), "Court order 1");
  CHECK(none.refusal == "receives-none");
  CHECK(none.clause == "5.3(3); 5.4(3)");
}

TEST_CASE("localization: a primary store abroad needs an exception and a written agreement", "[transfer]") {
  TransferWorkspace w;
  SubprocessorEntry e;
  e.policy = "local-first";
  e.name = "hosting";
  e.legal_name = "Hosting GmbH";
  e.country = "DE";
  e.effective = day("2025-01-01");
  add_subprocessor_entry(w.ws, e, "test@host");
  TransferDecision d = w.decide("local", "hosting", kMessages, false);
  CHECK(d.refusal == "localization");
  CHECK(d.clause == "3.1.7");
  CHECK_THAT(d.reason, Catch::Contains("no written agreement"));

  TransferAgreement a;
  a.tenant_id = "local";
  a.kind = AgreementKind::kStorageAbroad;
  a.reference = "Addendum No. 7";
  add_transfer_agreement(w.ws, a, "test@host");
  TransferDecision ok = w.decide("local", "hosting", kMessages, false);
  CHECK(ok.allowed);
  REQUIRE_FALSE(ok.basis.empty());
  CHECK_THAT(ok.basis[0], Catch::Contains("Addendum No. 7"));

  // Under truffles the kz baseline wins: Art. 12(2) has no exception, so the
  // same agreement cannot move the primary database abroad.
  e.policy = "truffles";
  e.legal_name = "Frankfurt Hosting GmbH";
  add_subprocessor_entry(w.ws, e, "test@host");
  a.tenant_id = "cafe";
  add_transfer_agreement(w.ws, a, "test@host");
  TransferDecision law = w.decide("cafe", "hosting", kMessages, false);
  CHECK(law.refusal == "localization");
  CHECK(law.policy == "kz");
  CHECK(law.clause == "Art. 12(2)");
  CHECK_THAT(law.reason, Catch::Contains("cannot lift it"));
  CHECK_THAT(law.reason, Catch::Contains("truffles 3.1.7"));
}

TEST_CASE("the real hosting provider behind the truffles placeholder, in KZ, is allowed raw", "[transfer]") {
  TransferWorkspace w;
  SubprocessorEntry e;
  e.policy = "truffles";
  e.name = "hosting";
  e.legal_name = "PS Cloud Services LLP";
  e.country = "KZ";
  e.effective = day("2025-01-01");
  add_subprocessor_entry(w.ws, e, "test@host");
  TransferDecision d = w.decide("cafe", "hosting", "identification.contact", false);
  CHECK(d.allowed);
  CHECK(d.clause == "DPA 4.2");
  CHECK_FALSE(d.cross_border);
  // Its legal name finds it too.
  CHECK(w.decide("cafe", "ps cloud services llp", "identification.contact", false).allowed);
}

TEST_CASE("cross-border: a safeguard counts until it expires", "[transfer]") {
  TransferWorkspace w;
  SubprocessorEntry e;
  e.policy = "truffles";
  e.name = "openai";
  e.safeguard = Safeguard::kConsent;
  e.safeguard_reference = "Platform consent text v2";
  e.effective = day("2025-01-01");
  e.safeguard_expires = day("2025-07-01");
  add_subprocessor_entry(w.ws, e, "test@host");
  CHECK(w.decide("cafe", "openai", kMessages, true, day("2025-03-01")).allowed);
  TransferDecision late = w.decide("cafe", "openai", kMessages, true, day("2025-08-01"));
  CHECK(late.refusal == "safeguard-expired");
  CHECK(late.clause == "Art. 16");
  CHECK_THAT(late.reason, Catch::Contains("expired 2025-07-01"));

  // An expired consent agreement is reported the same way.
  consent(w, "cafe", "Consent batch 2025-Q3", day("2025-10-01"), "openai", day("2025-07-01"));
  CHECK(w.decide("cafe", "openai", kMessages, true, day("2025-09-01")).allowed);
  CHECK(w.decide("cafe", "openai", kMessages, true, day("2025-11-01")).refusal == "safeguard-expired");
}

TEST_CASE("gdpr: third countries need adequacy, SCC, BCR or a derogation; the EEA does not", "[transfer]") {
  TransferWorkspace w;
  TransferDecision none = w.decide("euco", "llm", kMessages, true);
  CHECK(none.refusal == "cross-border");
  CHECK(none.policy == "gdpr");
  CHECK(none.clause == "Art. 44-49");
  CHECK_THAT(none.reason, Catch::Contains("outside the EEA"));
  CHECK(w.decide("euco", "cloud", kMessages, false).allowed);  // DE: inside the EEA

  SubprocessorEntry e;
  e.policy = "eu-saas";
  e.name = "llm";
  e.safeguard = Safeguard::kScc;
  e.safeguard_reference = "SCC 2021/914 module 3; TIA 2025-02";
  e.effective = day("2025-01-01");
  e.safeguard_expires = day("2026-01-01");
  add_subprocessor_entry(w.ws, e, "test@host");
  TransferDecision ok = w.decide("euco", "llm", kMessages, true, day("2025-06-01"));
  CHECK(ok.allowed);
  REQUIRE(ok.basis.size() == 1);
  CHECK_THAT(ok.basis[0], Catch::Contains("gdpr Art. 44-49: scc (scc SCC 2021/914 module 3; TIA 2025-02"));
  TransferDecision expired = w.decide("euco", "llm", kMessages, true, day("2026-02-01"));
  CHECK(expired.refusal == "safeguard-expired");
  // An SCC is no kz Art. 16 condition: it does not help a truffles transfer.
  e.policy = "truffles";
  e.name = "openai";
  e.safeguard_expires.reset();
  add_subprocessor_entry(w.ws, e, "test@host");
  CHECK(w.decide("cafe", "openai", kMessages, true).refusal == "cross-border");
}

TEST_CASE("a revoked agreement stops counting from its revocation", "[transfer]") {
  TransferWorkspace w;
  auto a = consent(w, "cafe", "Consent 1", std::nullopt, "", day("2025-01-01"));
  CHECK(w.decide("cafe", "openai", kMessages, true).allowed);
  revoke_transfer_agreement(w.ws, a.id);
  CHECK(w.decide("cafe", "openai", kMessages, true).refusal == "cross-border");
  CHECK(w.decide("cafe", "openai", kMessages, true, day("2025-06-01")).allowed);  // before the revocation
  CHECK_THROWS_AS(revoke_transfer_agreement(w.ws, a.id), InputError);
  CHECK_THROWS_AS(revoke_transfer_agreement(w.ws, 999), InputError);
}

#include "dpa/demo_transfers.h"

#include <chrono>

#include "dpa/subprocessor_register.h"
#include "dpa/transfer_agreements.h"
#include "dpa/transfers.h"
#include "dpa/workspace.h"

namespace dpa {

DemoTransfersSummary build_demo_transfers(Workspace& ws, Timestamp today, const std::string& actor) {
  using std::chrono::days;
  DemoTransfersSummary out;
  const TimeZone& zone = TimeZone::named(ws.settings().timezone);
  auto day = [&](int offset) { return zone.start_of_day(zone.local_date(today + days(offset))); };

  // The real provider behind UpStat's unnamed hosting, and ElevenLabs with
  // an SCC that lapsed for a month before it was renewed.
  SubprocessorEntry hosting;
  hosting.policy = "upstat";
  hosting.name = "hosting";
  hosting.legal_name = "PS Cloud Services LLP (demo entry)";
  hosting.country = "KZ";
  hosting.effective = day(-240);
  hosting.clause = "DPA 7.1; DPA 8.4";
  add_subprocessor_entry(ws, hosting, actor);

  SubprocessorEntry stt;
  stt.policy = "upstat";
  stt.name = "elevenlabs";
  stt.legal_name = "Eleven Labs Inc. (demo entry)";
  stt.country = "US";
  stt.safeguard = Safeguard::kScc;
  stt.safeguard_reference = "SCC-2026-01 with TIA-2026-01 (demo)";
  stt.effective = day(-240);
  stt.safeguard_expires = day(-60);
  add_subprocessor_entry(ws, stt, actor);
  SubprocessorEntry renewed;
  renewed.policy = "upstat";
  renewed.name = "elevenlabs";
  renewed.safeguard = Safeguard::kScc;
  renewed.safeguard_reference = "SCC-2026-09 with TIA-2026-09 (demo)";
  renewed.effective = day(-30);
  renewed.safeguard_expires = day(700);
  add_subprocessor_entry(ws, renewed, actor);
  out.register_entries = 3;

  TransferAgreement consent;
  consent.tenant_id = "acme-kz";
  consent.kind = AgreementKind::kCrossBorderConsent;
  consent.subprocessor = "elevenlabs";
  consent.reference = "Acme call-recording notice and consent v2 (demo)";
  consent.effective = day(-240);
  add_transfer_agreement(ws, consent, actor);
  out.agreements = 1;
  // Truffles customers obtain their clients' consent (contract 7.5); the
  // demo records it for OpenAI, which is in the US (kz Art. 16).
  for (const auto& t : ws.store().list_tenants()) {
    if (t.policy != "truffles") continue;
    TransferAgreement ai;
    ai.tenant_id = t.id;
    ai.kind = AgreementKind::kCrossBorderConsent;
    ai.subprocessor = "openai";
    ai.reference = "Clients' consent to AI processing abroad, contract 7.5 (demo)";
    ai.effective = day(-240);
    add_transfer_agreement(ws, ai, actor);
    ++out.agreements;
  }

  // Call audio to speech-to-text: before, during and after the lapse.
  for (int offset : {-200, -45, -10}) {
    LoggedTransfer t;
    t.request = {"acme-kz", "elevenlabs", "communications.audio", false};
    t.time = day(offset) + std::chrono::hours(10);
    t.bytes = 48000 * (250 + offset);
    t.records = 250 + offset;
    t.source = "stt-uploader (demo)";
    t.reference = "batch-" + std::to_string(-offset);
    LoggedTransferResult r = log_transfer(ws, t, actor);
    ++out.made;
    if (!r.decision.allowed) ++out.flagged;
  }
  // Refused: transcripts are not for the speech-to-text vendor, and a tenant
  // without a recorded consent may not send audio abroad.
  check_transfer(ws, {"steppe-retail", "elevenlabs", "communications.transcript", false}, actor);
  check_transfer(ws, {"steppe-retail", "elevenlabs", "communications.audio", false}, actor);
  out.refused = 2;
  out.report_from = format_date(zone.local_date(day(-365)));
  out.report_to = format_date(zone.local_date(today));
  return out;
}

}  // namespace dpa

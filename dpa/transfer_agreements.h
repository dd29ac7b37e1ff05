// A tenant's written agreements that transfer rules rely on.
//
// Two kinds: `storage-abroad`, the written agreement a localization clause
// may accept for primary storage outside the storage country (Truffles
// 3.1.7 «если иное не согласовано ... в письменной форме»), and
// `cross-border-consent`, the controller's confirmation that the subjects
// consented to a transfer abroad (kz Art. 16; GDPR Art. 49(1)(a)). Each
// holds from its effective date until it expires or is revoked; recording
// and revoking are audited. The reference names the document, never a
// subject.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dpa/state_store.h"
#include "dpa/time.h"

namespace dpa {

class Workspace;

enum class AgreementKind { kStorageAbroad, kCrossBorderConsent };

std::string to_string(AgreementKind k);  // "storage-abroad", "cross-border-consent"
// Throws UsageError naming the valid spellings.
AgreementKind parse_agreement_kind(std::string_view text);

struct TransferAgreement {
  std::string tenant_id;
  AgreementKind kind = AgreementKind::kCrossBorderConsent;
  std::string subprocessor;              // "" = every subprocessor of the tenant's policy
  std::string reference;                 // required
  std::optional<Timestamp> effective;    // default: now
  std::optional<Timestamp> expires;      // first instant it no longer holds
};

// Throws InputError for an unknown tenant or subprocessor (listing the
// valid names) or an expiry before the start.
TransferAgreementRecord add_transfer_agreement(Workspace& ws, const TransferAgreement& a,
                                               const std::string& actor);

// The agreements of `tenant_id` ("" = of every tenant), by id.
std::vector<TransferAgreementRecord> list_transfer_agreements(Workspace& ws, const std::string& tenant_id);

// Revokes from now on. Throws InputError if there is no such agreement or
// it is revoked already.
TransferAgreementRecord revoke_transfer_agreement(Workspace& ws, std::int64_t id);

// Whether `a` holds at `at` for a transfer to `subprocessor` (canonical name).
bool agreement_holds(const TransferAgreementRecord& a, AgreementKind kind,
                     const std::string& subprocessor, Timestamp at);

}  // namespace dpa

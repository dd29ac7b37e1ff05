// Transfers of personal data to subprocessors: whether a policy allows one,
// and the record of each transfer made or refused.
//
// decide_transfer() is the one place where a policy's subprocessor rules
// are applied; `dpa anonymize --for`, `dpa transfer check` and
// `dpa transfer log` all go through it, and every decision cites a clause.
//
// The checks, in order (the first that fails decides; man dpa-transfer(1)):
//   1. the subprocessor is in force (register: not retired, not future);
//   2. [third_party] lawful-request-only: an official lawful request is named;
//   3. it may receive personal data at all (receives != none);
//   4. it may receive the category;
//   5. pseudonymized data only, where the policy says so;
//   6. [localization]: a primary store stays in the storage country, unless
//      the policy has an exception and the tenant a written agreement;
//   7. [cross_border]: abroad, every rule holds, on a safeguard in force or
//      the tenant's consent.
// Unknown tenants, subprocessors and categories are bad input (InputError
// listing the valid names), not refusals.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dpa/policy.h"
#include "dpa/state_store.h"
#include "dpa/subprocessor_register.h"
#include "dpa/time.h"

namespace dpa {

class Workspace;

struct TransferRequest {
  std::string tenant_id;
  std::string subprocessor;   // name or legal name, any case
  std::string category;       // data category id
  bool pseudonymized = false; // the data was pseudonymized before leaving
  std::string lawful_request = {};  // reference of an official lawful request, or ""
};

struct TransferDecision {
  bool allowed = false;
  std::string subprocessor;   // canonical name
  std::string country;
  std::string clause;         // the clause that allows or forbids
  std::string policy;         // the policy the clause belongs to
  std::string reason;         // why refused ("OpenAI may receive pseudonymized data only")
  std::string refusal;        // "" when allowed, else one of kTransferRefusals
  bool cross_border = false;  // the recipient is abroad for some [cross_border] rule
  std::vector<std::string> basis;  // allowed: the localization and cross-border grounds met
};

// The refusal codes, in the order of the checks.
inline constexpr const char* kTransferRefusals[] = {
    "not-in-force", "retired", "lawful-request-required", "receives-none", "category-not-allowed",
    "pseudonymized-only", "localization", "cross-border", "safeguard-expired"};

// What the workspace knows beyond the policy, at one instant.
struct TransferContext {
  const SubprocessorRegister* subprocessors = nullptr;  // required
  std::vector<TransferAgreementRecord> agreements;      // the tenant's
  Timestamp at{};
  const TimeZone* zone = nullptr;  // for dates in messages; UTC if null
};

// Applies the policy's own rules (checks 2-5) to `request`. Throws
// InputError (listing the valid names) for an unknown subprocessor or a
// category the policy does not declare.
TransferDecision decide_transfer(const Policy& policy, const TransferRequest& request);

// Applies every check (1-7), with the workspace register and the tenant's
// agreements as they stood at `context.at`.
TransferDecision decide_transfer(const Policy& policy, const TransferRequest& request,
                                 const TransferContext& context);

// Whether data in `country` ("unknown" included) is abroad for one of the
// policy's [cross_border] rules, or outside its storage country when it
// states none.
bool is_abroad(const Policy& policy, const std::string& country);

// TransferRecord::reference of a transfer made on an official lawful
// request is "lawful-request: REF".
std::string lawful_request_reference(const std::string& ref);
std::string lawful_request_of(const TransferRecord& record);  // "" if none

// `dpa transfer check`: decides for the tenant's policy, register and
// agreements now; records a refusal (status "refused"), and audits an
// allowed check that names a lawful request.
struct TransferCheck {
  TenantRecord tenant;
  std::string category;
  TransferDecision decision;
  std::int64_t record_id = 0;  // the refusal's transfer id, 0 when allowed
};
// `source` names the command in the refusal record.
TransferCheck check_transfer(Workspace& ws, const TransferRequest& request, const std::string& actor,
                             const std::string& source = "dpa transfer check");

// `dpa transfer log`: records a transfer another tool made, as
// `dpa anonymize` records its own. The record is kept even if the rules in
// force at its time did not allow it (evidence is never dropped); then its
// reason says so and `decision.allowed` is false.
struct LoggedTransfer {
  TransferRequest request;
  std::optional<Timestamp> time;  // default: now
  std::int64_t bytes = 0;
  std::int64_t records = 0;
  std::string source;             // default "dpa transfer log"
  std::string reference;          // upload id, export id, ...
  std::string operator_name;
};
struct LoggedTransferResult {
  TransferRecord record;
  TransferDecision decision;
};
LoggedTransferResult log_transfer(Workspace& ws, const LoggedTransfer& transfer, const std::string& actor);

// The category to use when none was given: the subprocessor's only
// category. Throws UsageError listing its categories otherwise.
std::string default_transfer_category(const Policy& policy, const std::string& subprocessor);

// Records a transfer (made or refused) and its audit entry in one
// transaction; returns its id. Never stores values, only counts.
std::int64_t record_transfer(Workspace& ws, TransferRecord record);

}  // namespace dpa

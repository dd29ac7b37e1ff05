// Transfers of personal data to subprocessors: whether a policy allows one,
// and the record of each transfer made or refused.
//
// decide_transfer() is the one place where a policy's subprocessor rules
// are applied; `dpa anonymize --for`, `dpa transfer check` and
// `dpa transfer log` all go through it, and every decision cites a clause.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "dpa/policy.h"
#include "dpa/state_store.h"

namespace dpa {

class Workspace;

struct TransferRequest {
  std::string tenant_id;
  std::string subprocessor;   // name or legal name, any case
  std::string category;       // data category id
  bool pseudonymized = false; // the data was pseudonymized before leaving
};

struct TransferDecision {
  bool allowed = false;
  std::string subprocessor;   // canonical name
  std::string country;
  std::string clause;         // the clause that allows or forbids
  std::string policy;         // the policy the clause belongs to
  std::string reason;         // why refused ("OpenAI may receive pseudonymized data only")
};

// Applies `policy` to `request`. Throws InputError (listing the valid names)
// for an unknown subprocessor or a category the policy does not declare.
TransferDecision decide_transfer(const Policy& policy, const TransferRequest& request);

// The category to use when none was given: the subprocessor's only
// category. Throws UsageError listing its categories otherwise.
std::string default_transfer_category(const Policy& policy, const std::string& subprocessor);

// Records a transfer (made or refused) and its audit entry in one
// transaction; returns its id. Never stores values, only counts.
std::int64_t record_transfer(Workspace& ws, TransferRecord record);

}  // namespace dpa

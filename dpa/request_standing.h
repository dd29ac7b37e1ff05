// Which deadline of a subject request matters next, from its stored record
// alone. It lives in the core (not in requests/) because the audit report
// judges requests on time or late with exactly the rule `dpa request list`
// shows, and the core cannot depend on the requests library.
#pragma once

#include <optional>
#include <string>

#include "dpa/state_store.h"
#include "dpa/time.h"

namespace dpa {

// Forwarding for a forward-mode request not forwarded yet; else the answer
// deadline (extended if it was), which for a forwarded request is the
// controller's to meet ("controller").
struct NextDeadline {
  std::string what;             // "forward" | "answer" | "controller"
  std::optional<Timestamp> at;  // nullopt: the policy sets no deadline
};
NextDeadline next_deadline(const SubjectRequestRecord& r);

// The deadline the processor itself answers for: forwarding in forward
// mode, the (extended) answer deadline otherwise; nullopt if none is set.
std::optional<Timestamp> own_deadline(const SubjectRequestRecord& r);

// When the processor met its own obligation: forwarded_at in forward mode,
// closed_at otherwise; nullopt while it has not.
std::optional<Timestamp> own_completion(const SubjectRequestRecord& r);

}  // namespace dpa

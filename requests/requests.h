// Data-subject requests: access, rectification, erasure, restriction,
// withdrawal of consent, objection. A request is opened for a tenant (the
// controller) with the subject's identifiers, gets its deadline from the
// tenant's policy and the law (request_deadline.h), and is then extended
// (where the policy allows, with a recorded reason), forwarded (in
// processor mode: the controller decides, upstat DPA 9.1) and closed with
// an outcome. A closed request refuses every change.
//
// Identifiers are kept twice: a keyed hash (the tenant's subject key, the
// same hash legal holds and suppression lists use) to match data, and a
// copy sealed with the tenant's vault key (dpa/sealed_box.h) so that a
// later `request fulfil` can search the stores and a letter can name the
// subject. The copies live in their own table, not in the pseudonym vault:
// vault entries are addressable by their pseudonym token, so a request's
// identifiers there would become restorable by `dpa reidentify` from any
// text carrying a matching token, and the vault knows no dataset-key kind.
// Destroying the tenant key makes both unreadable, as it does the vault.
//
// Every change is one transaction with its audit entry and its event;
// neither names an identifier, only its kind and hash.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "anonymize/subject_id.h"
#include "dpa/policy.h"
#include "dpa/request_standing.h"
#include "dpa/state_store.h"
#include "dpa/time.h"

namespace dpa {
class Workspace;
}

namespace dpa::requests {

struct OpenRequest {
  std::string tenant;
  std::string type;                   // "access", ..., "object"
  std::vector<std::string> subjects;  // "KIND:VALUE", at least one
  std::optional<Timestamp> received;  // default: now
  std::string channel;
  std::string actor;
  Timestamp now;                      // when this happens (tests pass a fixed instant)
};

// Throws InputError for an unknown tenant or type, a bad identifier, no
// identifier, or a receipt in the future.
SubjectRequestRecord open_request(Workspace& ws, const OpenRequest& request);

// Extends the answer deadline once by the policy's extension (GDPR Art.
// 12(3): two further months, counted from the first deadline), with a
// reason. Refused (RefusedError) when the request is closed, was extended
// already, the policy allows no extension for its type, or the first
// deadline has passed (the subject must be told within it).
SubjectRequestRecord extend_request(Workspace& ws, const std::string& id, const std::string& reason,
                                    const std::string& actor, Timestamp now);

// Records that the request went to the controller (processor mode).
// Refused when closed, forwarded already, or the tenant's policy answers
// requests itself. `reference` is the ticket or letter number.
struct ForwardResult {
  SubjectRequestRecord request;
  bool late = false;  // after forward_by
};
ForwardResult forward_request(Workspace& ws, const std::string& id, const std::string& reference,
                              const std::string& actor, Timestamp now);

// Closes with an outcome ("answered: data provided", "refused: ...").
// Refused when closed already.
SubjectRequestRecord close_request(Workspace& ws, const std::string& id, const std::string& outcome,
                                   const std::string& actor, Timestamp now);

// One identifier as `request show` presents it.
struct SubjectView {
  std::string kind;
  std::string hash;
  std::string masked;  // from the sealed copy; "(key destroyed)" when it cannot be opened
};

struct RequestView {
  SubjectRequestRecord record;
  std::vector<SubjectView> subjects;
  std::vector<RequestEventRecord> events;
  std::string policy;                  // the tenant's policy
  std::string mode_clause;             // "upstat DPA 9.1-9.2": why it is answered or forwarded
  std::string processor;               // the policy's processor role ("UpStat (Исполнитель)"), or ""
};

// Throws InputError naming the request if there is none.
RequestView show_request(Workspace& ws, const std::string& id);

// The subject identifiers of a request, opened (for `request fulfil`).
std::vector<anonymize::SubjectId> request_subject_ids(Workspace& ws, const std::string& id);

// next_deadline() and NextDeadline: dpa/request_standing.h.
using dpa::NextDeadline;
using dpa::next_deadline;

struct ListFilter {
  std::optional<std::string> tenant;
  bool include_closed = false;
  bool overdue_only = false;
  std::optional<Timestamp> due_before;  // --due-within: next deadline at or before
};
std::vector<SubjectRequestRecord> list_requests(Workspace& ws, const ListFilter& filter, Timestamp at);

// Records an event of a request ("fulfilled", ...) with its audit entry,
// inside the caller's transaction. `details` carry hashes and counts only.
void record_event(Workspace& ws, const SubjectRequestRecord& r, const std::string& event,
                  const nlohmann::json& details, const std::string& actor, Timestamp now);

nlohmann::json request_json(const SubjectRequestRecord& r, Timestamp at);
nlohmann::json request_view_json(const RequestView& v, Timestamp at);

}  // namespace dpa::requests

// Suppression lists: subjects (phone numbers, addresses) a tenant must not
// call or message any more. AutoCall blocks numbers after a complaint
// (2.2.4, until the customer fulfils 2.3.7 and 6.11) and after a complaint
// found to be spam (2.2.5.3, with no expiry); a withdrawal of consent or an
// objection puts the subject on the list when the request is fulfilled.
//
// Entries are keyed hashes under the tenant's subject key, the same hash as
// holds and requests, so a list is useless without the tenant key and dies
// with it. At most one entry per subject is in force; removing one keeps it
// in the table with who removed it and why.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "dpa/state_store.h"
#include "dpa/time.h"
#include "retention/hashing.h"

namespace dpa {
class Workspace;
}

namespace dpa::requests {

struct SuppressRequest {
  std::string tenant;
  std::string subject;                  // "KIND:VALUE"
  std::string reason = "manual";        // a policy [[suppression]] id, "withdraw-consent", "object" or "manual"
  std::string note;                     // no personal data: it is audited
  std::string actor;
  Timestamp now;
};

struct SuppressResult {
  SuppressionRecord entry;
  bool added = false;  // false: the subject was suppressed already (entry is that one)
};

// Throws InputError for an unknown tenant or reason or a bad identifier.
SuppressResult suppress(Workspace& ws, const SuppressRequest& request);

struct SuppressImport {
  std::string tenant;
  std::optional<std::string> kind;      // lines hold bare values of this kind; nullopt: "KIND:VALUE"
  std::string reason = "manual";
  std::string note;                     // no personal data: it is audited
  std::string actor;
  Timestamp now;
};

struct SuppressImportResult {
  std::size_t identifiers = 0;  // lines that named a subject
  std::size_t added = 0;
  std::size_t already = 0;      // in force already, or repeated in the input
};

// `suppress import`: a whole blocklist at once. Reads one identifier a line
// (blank lines and lines starting with # are skipped). Every line is parsed
// before anything is written, so a bad one throws InputError naming its
// line and nothing is added; then all go in one transaction with one audit
// entry (the counts and a digest of the subject hashes) instead of one
// transaction and audit entry per subject.
SuppressImportResult suppress_import(Workspace& ws, const SuppressImport& request, std::istream& in,
                                     const std::string& source_name);

// Lifts a suppression. Refused (RefusedError) when the rule it was made
// under states no way to lift it (autocall 2.2.5.3: spam, no expiry).
// Throws InputError if the subject is not suppressed.
SuppressionRecord unsuppress(Workspace& ws, const std::string& tenant, const std::string& subject,
                             const std::string& reason, const std::string& actor, Timestamp now);

std::vector<SuppressionRecord> list_suppressions(Workspace& ws, const std::string& tenant, bool include_removed);

// For `request fulfil`: puts every identifier of a withdraw-consent or
// object request on the tenant's suppression list, with the request as its
// source and the request's clause, and records a "suppressed" event.
// Refused for other types and for closed requests. Returns the entries
// added (subjects suppressed already are skipped).
std::vector<SuppressionRecord> suppress_request_subjects(Workspace& ws, const std::string& request_id,
                                                         const std::string& actor, Timestamp now);

// The hashes in force of one kind for one tenant, loaded once, to test
// contact lists against.
class SuppressionSet {
 public:
  static SuppressionSet load(Workspace& ws, const std::string& tenant, const std::string& kind);
  // `value` as written in the list; throws InputError if it does not parse.
  bool blocked(std::string_view value) const;
  std::size_t size() const { return hashes_.size(); }
  const std::string& kind() const { return kind_; }

 private:
  std::string kind_;
  std::optional<retention::SubjectHasher> hasher_;
  std::unordered_set<std::string> hashes_;
};

// The reasons a tenant's policy allows, for messages and `suppress add --help`.
std::vector<std::string> suppression_reasons(Workspace& ws, const std::string& tenant);

nlohmann::json suppression_json(const SuppressionRecord& s);

}  // namespace dpa::requests

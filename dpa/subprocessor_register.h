// The register of subprocessors: a policy's list as the workspace overrides
// and extends it with dated entries (`dpa transfer subprocessor add|retire`).
//
// A policy names its subprocessors, sometimes only by a placeholder
// (Truffles' «[Хостинг-провайдер]»). A deployment records who they really
// are, adds the ones the contract lets it add, retires the ones it stops
// using, and keeps each one's cross-border safeguard (SCC, BCR, ...) with
// its reference and expiry.
//
// Invariants:
//  - Entries are never edited or deleted (the table refuses it): a change is
//    a new entry with its effective date, so the register can be read as it
//    stood at any instant, which is how old transfers are judged.
//  - An entry may narrow what its policy allows (fewer categories, a more
//    restrictive `receives`), never widen it.
//  - Each change is audited in the same transaction (Truffles DPA 4.3
//    publishes changes of the list).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dpa/policy.h"
#include "dpa/state_store.h"
#include "dpa/time.h"

namespace dpa {

class Workspace;

// The safeguard a transfer abroad rests on; which cross-border conditions
// each satisfies is listed in dpa-transfer(1).
enum class Safeguard { kNone, kAdequacy, kScc, kBcr, kConsent, kDerogation };

std::string to_string(Safeguard s);  // "" for kNone, "scc", ...
// Throws UsageError naming the valid spellings.
Safeguard parse_safeguard(std::string_view text);
// The [cross_border] conditions (dpa-policy(5)) that `s` satisfies.
const std::vector<std::string>& safeguard_conditions(Safeguard s);

enum class RegisterStatus { kInForce, kNotYetInForce, kRetired };
std::string to_string(RegisterStatus s);  // "in-force", "not-yet-in-force", "retired"

// A subprocessor as the register has it at one instant.
struct RegisteredSubprocessor {
  Subprocessor sub;            // effective fields; sub.origin.clause is the clause to cite
  RegisterStatus status = RegisterStatus::kInForce;
  std::string since;           // ISO-8601 UTC start of that status; "" for the policy's own entry
  bool in_policy = false;      // the policy lists it
  std::int64_t entry_id = 0;   // the workspace entry that shapes it; 0: the policy's own
  Safeguard safeguard = Safeguard::kNone;
  std::string safeguard_reference;
  std::optional<std::string> safeguard_expires;  // ISO-8601 UTC, first instant it no longer holds
};

class SubprocessorRegister {
 public:
  // `entries` are the workspace's entries for `policy` (any order).
  SubprocessorRegister(const Policy& policy, std::vector<SubprocessorEntryRecord> entries);
  static SubprocessorRegister load(Workspace& ws, const Policy& policy);

  const std::string& policy_name() const { return policy_name_; }
  // Every name the policy or the workspace knows, sorted.
  std::vector<std::string> names() const;
  // The canonical name of `wanted` (a name or legal name, any case), if known.
  std::optional<std::string> canonical(std::string_view wanted) const;
  // The subprocessor at `at`. Throws InputError listing names() if unknown.
  RegisteredSubprocessor resolve(std::string_view name, Timestamp at) const;
  // Every known subprocessor at `at`, by name.
  std::vector<RegisteredSubprocessor> at(Timestamp at) const;
  // The workspace's entries, by (effective, id).
  const std::vector<SubprocessorEntryRecord>& entries() const { return entries_; }

 private:
  RegisteredSubprocessor merge(const Subprocessor* base, const SubprocessorEntryRecord& e) const;

  std::string policy_name_;
  std::vector<Subprocessor> policy_subs_;
  std::vector<SubprocessorEntryRecord> entries_;
  std::vector<Timestamp> effective_;  // parsed entries_[i].effective
};

// What `dpa transfer subprocessor add` records. Unset fields carry over from
// the name's previous entry, else follow the policy's entry of that name; for
// a name the policy does not list, legal name, country, purpose, categories
// and receives are required.
struct SubprocessorEntry {
  std::string policy;
  std::string name;
  std::optional<std::string> legal_name;
  std::optional<std::string> country;  // ISO 3166-1 alpha-2 or "unknown"
  std::optional<std::string> purpose;
  std::optional<std::vector<std::string>> categories;
  std::optional<Receives> receives;
  std::optional<bool> primary_storage;
  std::optional<Safeguard> safeguard;    // nullopt: as the name's previous entry; kNone removes it
  std::string safeguard_reference;      // required with a safeguard: "SCC 2021/914 M3; TIA 2026-02"
  std::optional<Timestamp> safeguard_expires;
  std::optional<Timestamp> effective;   // default: now
  std::string clause;                   // default: the policy entry's clause
  std::string note;
};

// Validates, records and audits an entry. Throws InputError (what is wrong
// and how to fix it) or UsageError (a missing field).
SubprocessorEntryRecord add_subprocessor_entry(Workspace& ws, const SubprocessorEntry& entry,
                                               const std::string& actor);

// Records and audits that `name` is no longer used from `effective` (default
// now). Throws InputError if it is unknown or retired already by then.
SubprocessorEntryRecord retire_subprocessor(Workspace& ws, const std::string& policy,
                                            const std::string& name,
                                            std::optional<Timestamp> effective,
                                            const std::string& clause, const std::string& note,
                                            const std::string& actor);

}  // namespace dpa

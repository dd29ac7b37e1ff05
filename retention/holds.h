// Legal holds: data that no sweep may delete while the hold is in force,
// whatever the retention rules say (a dispute, an authority's request).
//
// A hold covers a tenant's data in every dataset, or in one dataset, or only
// the records of one data subject (by a keyed hash of the identifier, never
// the identifier). It is in force from its creation until it is released or
// its --until date passes. Sweeps read the holds inside the transaction that
// records each batch's intent, so a hold committed before that is honoured by
// that batch.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dpa/datamap.h"
#include "dpa/state_store.h"
#include "dpa/time.h"

namespace dpa {
class Workspace;
}

namespace dpa::retention {

struct HoldRequest {
  std::string tenant;
  std::optional<std::string> dataset;
  std::optional<std::string> subject;  // "KIND:VALUE", such as "phone:+77011234567"
  std::string reason;
  std::optional<Timestamp> until;
  std::string actor;  // who places it, for the record (the audit entry has its own)
};

// Validates the tenant, dataset and subject kind against the data map, hashes
// the subject with the tenant's key, and records and audits the hold. Throws
// InputError naming what is wrong.
HoldRecord add_hold(Workspace& ws, const DataMap& map, const HoldRequest& request);
// Throws InputError if there is no such hold or it was released already.
HoldRecord release_hold(Workspace& ws, std::int64_t id, const std::string& actor);
std::vector<HoldRecord> list_holds(Workspace& ws, const std::optional<std::string>& tenant, bool include_released);

bool hold_in_force(const HoldRecord& h, Timestamp at);

// The datasets a subject hold cannot reach: those in its scope without an
// identifier of its kind (a folder of call recordings has none: file layouts
// carry no subject identifiers). Their records are kept only by a dataset or
// tenant hold. Empty for holds that are not subject holds.
std::vector<std::string> datasets_out_of_reach(const DataMap& map, const HoldRecord& h);
// "hold 3 (litigation 2026-17)"
std::string describe_hold(const HoldRecord& h);

// The holds of one tenant in force at one instant, ready to test records.
class ActiveHolds {
 public:
  static ActiveHolds load(StateStore& store, const std::string& tenant, Timestamp at);
  // Every tenant's holds in force at `at`, in one read (a batch of a sweep
  // spans many tenants); a tenant without holds has no entry.
  static std::map<std::string, ActiveHolds> load_all(StateStore& store, Timestamp at);

  bool empty() const { return holds_.empty(); }
  // A hold over all of `dataset` (tenant-wide or that dataset), or nullptr.
  const HoldRecord* covering(const std::string& dataset) const;
  // Whether any subject hold applies in `d`: one scoped to it or to every
  // dataset, of a kind of identifier that `d` has. A dataset without such
  // identifiers (a folder of recordings) is not covered by a subject hold:
  // hold the dataset if its records must be kept too; the plan says so.
  bool has_subject_holds(const DatasetSpec& d) const;
  // Subject holds that cannot reach `d` (it has no identifier of their kind).
  std::vector<const HoldRecord*> unreachable_subject_holds(const DatasetSpec& d) const;
  // The subject hold matching a record, given the keyed hash of each of its
  // subject identifiers (DatasetSpec::subject order; nullopt where empty).
  const HoldRecord* subject_hold(const DatasetSpec& d, const std::vector<std::optional<std::string>>& hashes) const;
  const std::vector<HoldRecord>& all() const { return holds_; }

 private:
  std::vector<HoldRecord> holds_;
};

}  // namespace dpa::retention

// A retention plan: for every dataset and tenant, what is due for deletion at
// an instant and why (the rule and its clause), and what is kept and why (a
// hold, a minimum retention, a deadline not reached, no rule at all). It
// reads counts and sizes from the stores and changes nothing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dpa/datamap.h"
#include "dpa/time.h"

namespace dpa {
class Workspace;
}

namespace dpa::retention {

struct PlanOptions {
  Timestamp at;
  std::optional<std::string> tenant;
  std::optional<std::string> dataset;
};

struct PlanLine {
  enum class Status { kDue, kHeld, kKept };
  Status status = Status::kKept;
  std::int64_t records = 0;
  std::int64_t bytes = -1;          // -1: not counted (records not due are only counted)
  std::string why;                  // "deletion 30d after termination on 2026-10-12"
  std::string clause;               // "upstat 22.3.1; DPA 10.2; DPA 6.5"
  std::optional<Timestamp> until;   // kept: when the oldest of them becomes due
};

struct PlanGroup {
  std::string dataset;
  std::string store;
  std::string category;
  std::string tenant;
  std::string policy;               // "" for a tenant dpa does not know
  std::vector<PlanLine> lines;
  std::vector<std::string> notes;
  // Subject holds of the tenant that cannot reach this dataset (it has no
  // identifier of their kind): they keep nothing here.
  std::vector<std::int64_t> unreachable_holds;

  std::int64_t count(PlanLine::Status s) const;
  std::int64_t due_bytes() const;
};

// Crypto-shredding of a terminated tenant's key.
struct PlanKey {
  std::string tenant;
  bool destroy = false;    // destroyed once the sweep has deleted the due records
  std::string why;         // "deletion 30d after termination"
  std::string clause;
  std::string blocked_by;  // why not (yet): a hold, records kept
};

struct RetentionPlan {
  Timestamp at{};
  std::string timezone;
  std::vector<PlanGroup> groups;
  std::vector<PlanKey> keys;
  std::vector<std::string> warnings;

  std::int64_t count(PlanLine::Status s) const;
  std::int64_t due_bytes() const;
};

RetentionPlan make_plan(Workspace& ws, const DataMap& map, const PlanOptions& options);

nlohmann::json plan_json(const RetentionPlan& plan);
std::string plan_text(const RetentionPlan& plan);
std::string human_bytes(std::int64_t bytes);  // "45.2 KB"

}  // namespace dpa::retention

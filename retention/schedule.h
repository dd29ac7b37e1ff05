// When the records of one dataset of one tenant become due for deletion.
//
// Each tenant is under its own policy; the rules for a dataset come from its
// data category through Policy::retention_for. Deletion deadlines are
// max_age, legal_max (each counted from the record's creation, the tenant's
// registration, or the contract's termination) and the deletion delay after
// termination; the first deadline to pass decides. A minimum retention
// (counted the same ways) holds a record back until it has passed, unless the
// policy says that deletion wins (precedence = "deletion-wins").
//
// At a given instant every such rule cuts the records by creation time, so
// the records due are always one of: none, all of them, or those created
// before an instant. That is what makes a plan a handful of indexed counts
// and a sweep a walk down an index, whatever the number of records.
//
// Rounding is always towards keeping: a record created within the second
// that a cut falls in is kept until the next run.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dpa/data_store.h"
#include "dpa/datamap.h"
#include "dpa/policy.h"
#include "dpa/state_store.h"
#include "dpa/time.h"

namespace dpa {
class Workspace;
class WorkingCalendar;
}

namespace dpa::retention {

// A rule as plans, audit entries and messages cite it.
struct RuleRef {
  std::string rule;    // "max_age 3mo from created", "deletion 30d after termination"
  std::string clause;  // "autocall 2.1.10"
};

// Records by creation time: none, all, or those created before `before`.
struct RecordSet {
  enum class Kind { kNone, kAll, kBefore };
  Kind kind = Kind::kNone;
  Timestamp before{};

  CreatedRange range() const;
};

// One deadline or floor rule, evaluated per record.
struct TimedRule {
  RuleRef why;
  PeriodStart from = PeriodStart::kCreated;
  Duration length;
  std::optional<Timestamp> fixed;  // the instant, for rules not counted from creation
  // A destruction request reaches only the records that existed when it came.
  std::optional<Timestamp> created_before;
};

struct DatasetSchedule {
  std::string dataset;
  std::string tenant;
  std::string policy;
  std::string category;
  Timestamp at{};
  RecordSet deadline_passed;            // records whose deletion deadline has passed
  std::optional<RuleRef> deadline_rule; // the rule that makes them due
  RecordSet floor_passed;               // records whose minimum retention has passed
  std::optional<RuleRef> floor_rule;    // the minimum retention that binds, if any
  bool deletion_wins = false;           // the policy lets deletion override the floor
  std::optional<RuleRef> precedence_rule;
  std::vector<TimedRule> deadlines;     // every deletion rule that can apply
  std::vector<TimedRule> floors;
  std::vector<std::string> notes;       // readings taken ("category not declared by ...")

  CreatedRange due() const;            // deadline passed and floor passed
  CreatedRange kept_by_floor() const;  // deadline passed, floor not yet
  CreatedRange not_yet_due() const;    // deadline not passed

  // When a record created at `created` becomes due (holds aside); nullopt if
  // no rule will ever make it due. Needs the schedule's zone and calendar.
  std::optional<Timestamp> due_at(std::optional<Timestamp> created) const;
  // When its minimum retention ends; nullopt if it has none or never.
  std::optional<Timestamp> floor_until(std::optional<Timestamp> created) const;
  // The deletion rule that passes first for a record created at `created`.
  const TimedRule* first_deadline(std::optional<Timestamp> created) const;

  const TimeZone* zone = nullptr;
  const WorkingCalendar* calendar = nullptr;
};

// Computes schedules for the tenants of a workspace; loads each policy once.
class Scheduler {
 public:
  explicit Scheduler(Workspace& ws);
  ~Scheduler();

  const Policy& policy(const std::string& name);
  const TimeZone& zone() const { return *zone_; }

  DatasetSchedule schedule(const TenantRecord& tenant, const DatasetSpec& dataset, Timestamp at);

  // `start` + `d` in the workspace zone (working days in the policy's calendar).
  Timestamp add(Timestamp start, const Duration& d, const Policy& policy);

 private:
  const WorkingCalendar* calendar_for(const Policy& policy, const Duration& d);
  Workspace& ws_;
  const TimeZone* zone_;
  std::map<std::string, std::unique_ptr<Policy>> policies_;
  std::map<std::string, std::unique_ptr<WorkingCalendar>> calendars_;
  std::map<std::string, std::vector<DestructionRequestRecord>> requests_;  // by tenant
};

// The latest whole second c such that c + length <= at (length > 0): every
// record created before it has passed `length` at `at`.
Timestamp latest_start(Timestamp at, const Duration& length, const TimeZone& zone, const WorkingCalendar* calendar);

}  // namespace dpa::retention

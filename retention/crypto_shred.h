// Crypto-shredding: when a terminated tenant's data have been deleted, its
// keys are destroyed, so its vault entries and pseudonyms can never be
// reversed again. Destroying is the last step, never the first: it waits
// for the deletion date, for every hold on the tenant to end, and for every
// dataset to hold no record of the tenant.
#pragma once

#include <functional>
#include <string>

#include "dpa/data_store.h"
#include "dpa/datamap.h"
#include "dpa/state_store.h"
#include "dpa/time.h"

namespace dpa {
class Workspace;
}

namespace dpa::retention {

class Scheduler;

struct ShredDecision {
  bool destroy = false;
  std::string why;         // "deletion 30d after termination on 2026-10-12"
  std::string clause;
  std::string blocked_by;  // when not: "hold 3 (...)", "12 records in journals"
};

// Whether the tenant's keys can be destroyed at `at` (nothing is changed).
ShredDecision shred_decision(Workspace& ws, const DataMap& map, Scheduler& scheduler, const TenantRecord& tenant,
                             Timestamp at, const std::function<DataStore&(const DatasetSpec&)>& store_for);

// Destroys the tenant's keys, marks it deleted and audits it, in one
// transaction; returns how many keys were destroyed (0 if none was left).
int shred_tenant(Workspace& ws, const TenantRecord& tenant, const ShredDecision& decision, const ProgressHook& hook);

}  // namespace dpa::retention

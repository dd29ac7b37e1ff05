// The retention part of `dpa demo`: the contract of the demo's terminated
// tenant is recorded as ended, its deletion date passes, the plan shows what
// is due and why, the sweep deletes it and destroys the tenant's key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dpa/demo_dataset.h"

namespace dpa {
class Workspace;
}

namespace dpa::cli {

struct DemoRetentionSummary {
  std::string tenant;          // "nomad-logistics"
  std::string terminated_on;   // local date
  std::string delete_after;    // local date
  std::string plan;            // the plan's text for that tenant
  std::int64_t deleted = 0;
  std::int64_t deleted_bytes = 0;
  std::int64_t batches = 0;
  bool key_destroyed = false;
  std::vector<std::string> audit;  // one line per audit entry the sweep wrote
};

DemoRetentionSummary demo_retention(Workspace& ws, const std::vector<DemoTenant>& tenants, const std::string& actor);

}  // namespace dpa::cli

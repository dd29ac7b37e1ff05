// The erasure ledger: every record erased, by sweeps and by subject
// requests, as a tombstone (dataset, tenant, key hash, subject hash), so that
// an erasure sticks when a backup restore brings the record back.
//
// Re-applying walks the records of each (dataset, tenant) that has
// tombstones, hashes their keys, and erases those the ledger says were
// erased, in crash-safe batches (erasure_batch.h) audited as
// "retention.reapply". Held records are left, as in a sweep. Memory grows
// with the number of tombstones of one (dataset, tenant), 16 bytes each,
// never with the size of the stores.
//
// Every sweep re-applies the erasures made by subject requests; erasures a
// sweep made are re-made by the sweep's own rules, which still hold for a
// restored record. `dpa retention reapply` checks every tombstone, and is
// the command to run after a restore (and after a policy change lengthened a
// retention).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "dpa/data_store.h"
#include "dpa/datamap.h"
#include "dpa/state_store.h"
#include "dpa/time.h"
#include "retention/erasure_batch.h"

namespace dpa {
class Workspace;
}

namespace dpa::retention {

class RetentionRun;

struct ReapplyOptions {
  Timestamp at;
  std::size_t batch = 1000;
  bool requests_only = false;           // only tombstones of subject requests
  std::optional<std::string> tenant;
  std::string actor;
  ProgressHook kill_point;
};

struct ReapplyResult {
  std::int64_t records = 0;   // erased again
  std::int64_t bytes = 0;
  std::int64_t batches = 0;
  std::int64_t held = 0;
  std::int64_t groups = 0;    // (dataset, tenant) pairs checked
  std::int64_t resumed_batches = 0;
  std::vector<std::string> warnings;
  std::vector<SkippedDataset> skipped;  // locked by another retention process
};

// Within a run that holds the retention lock (a sweep's).
ReapplyResult reapply_ledger(Workspace& ws, const DataMap& map, RetentionRun& run, const ReapplyOptions& options);

// `dpa retention reapply`: takes the lock and records its own run.
ReapplyResult run_reapply(Workspace& ws, const DataMap& map, const ReapplyOptions& options);

// Records erasures made outside a sweep (a subject request) with their audit
// entry, in one transaction. Each tombstone needs dataset, tenant_id and
// key_hash (RecordHasher); source is set to "request".
void record_erasures(Workspace& ws, std::vector<TombstoneRecord> tombstones, const std::string& reference);

}  // namespace dpa::retention

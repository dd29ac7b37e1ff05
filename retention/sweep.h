// The sweep: deletes what is due, in crash-safe batches, under the retention
// lock, and destroys the keys of terminated tenants whose data are gone.
//
// A run (see erasure_batch.h for the protocol of each batch):
//  1. takes the lock of each dataset (RetentionRun); a dataset another
//     sweeper holds is skipped and reported, the others are swept; if every
//     dataset is held the run throws BusyError (status 5);
//  2. records the run and finishes every batch a killed run left behind;
//  3. for each dataset, walks the records due at `at` (schedule.h) down the
//     store's index, a batch at a time; each batch is one transaction in the
//     store and one audit entry with its count and key hashes (never values);
//     held records are left. A batch takes its share of the oldest due
//     records of every tenant in turn, not one tenant after another: in a
//     table whose rows are appended as they come, the oldest rows of all
//     tenants share pages, so a batch dirties a few table pages per hundred
//     records instead of about one per record (each commit writes every
//     page it dirtied: that write volume, not dpa's own work, is what a
//     sweep's time goes on). With batch = 0 (`--batch auto`) each batch is
//     sized for a store transaction of about kAutoBatchSeconds (it blocks
//     the application's writers while it runs), up to kMaxAutoBatch
//     records, which bounds memory: fewer batches rewrite fewer pages;
//  4. re-applies the erasure ledger's subject-request erasures;
//  5. destroys the key of every terminated tenant past its deletion date with
//     no hold and no record left (crypto-shredding), and audits it;
//  6. records the end of the run with its totals.
// With max_runtime it stops between batches and reports what remains; a
// later run continues. Killed at any point (SIGKILL included) and run again,
// it finishes the job: nothing not due is deleted, nothing is counted twice.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "dpa/data_store.h"
#include "dpa/datamap.h"
#include "dpa/time.h"
#include "retention/erasure_batch.h"

namespace dpa {
class Workspace;
}

namespace dpa::retention {

// --batch auto: the largest batch, and the store transaction time it aims at.
// The aim is the longest wait that is still safe for the application's
// writers: each batch's transaction blocks them while it runs, and the SQLite
// drivers applications most often use give up after 5 s by default (Python's
// sqlite3, Django); 4 s leaves a margin. The batch count, not dpa's work per
// record, is what a sweep's time is mostly spent on (each commit rewrites
// every page of a random index that the batch touched, whatever its size):
// on 10M rows with 1M due (bench_retention), 2 s batches made 25 to 45
// batches; 4 s batches make about 10, up to kMaxAutoBatch, and a sweep as
// fast as 250000-record batches (5): 30 to 40 s against 19 to 27 s for one
// plain DELETE of the same rows, whose time varies as much between runs.
inline constexpr std::size_t kMaxAutoBatch = 250000;
inline constexpr std::size_t kFirstAutoBatch = 1000;
inline constexpr double kAutoBatchSeconds = 4.0;

struct SweepOptions {
  Timestamp at;                                       // may not be in the future
  std::size_t batch = 0;                              // records per batch; 0: auto
  std::optional<std::chrono::milliseconds> max_runtime;
  std::optional<std::string> tenant;
  std::string actor;
  ProgressHook kill_point;                            // test hook, see kill_point_from_env()
};

struct SweepDatasetTotals {
  std::string dataset;
  std::int64_t records = 0;
  std::int64_t bytes = 0;
  std::int64_t batches = 0;
};

struct SweepResult {
  std::int64_t run_id = 0;
  bool complete = true;               // false: stopped by max_runtime; run again to continue
  std::int64_t records = 0;
  std::int64_t bytes = 0;
  std::int64_t batches = 0;
  std::int64_t held = 0;              // left at the moment of deletion because a hold covered them
  std::int64_t unparsable = 0;        // left because their creation time does not parse
  std::int64_t resumed_batches = 0;   // finished for a run that was killed
  std::int64_t resumed_records = 0;
  std::int64_t reapplied = 0;         // erased again by the erasure ledger
  std::int64_t remaining = 0;         // due and not yet deleted, when stopped
  std::vector<SweepDatasetTotals> datasets;
  std::vector<std::string> keys_destroyed;  // tenants
  std::vector<std::string> warnings;
  // Datasets left alone because another sweeper holds their lock: not done,
  // not counted; the next run sweeps them.
  std::vector<SkippedDataset> skipped;
  std::size_t largest_batch = 0;      // records in the largest batch
  StepTimings timings;                // where the time went
};

SweepResult run_sweep(Workspace& ws, const DataMap& map, const SweepOptions& options);

}  // namespace dpa::retention

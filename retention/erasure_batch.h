// The crash-safe unit of erasure that sweeps and the erasure ledger share,
// and the run that owns it (lock, run record, recovery).
//
// The customer data and dpa's state are two databases: they cannot commit
// together, so the order of the steps is what makes a batch safe.
//
//  1. State transaction: read the holds in force and drop the held records;
//     insert the batch in state "intent", with what finds its records again
//     (per tenant: creation-time bounds, folders; never keys or values), and
//     one tombstone per record (key hash, subject hash, size), packed per
//     tenant (StateStore::insert_batch_tombstones).
//  2. Customer store: erase the records still in their range (the store
//     re-checks it at the moment of erasure), in one transaction where the
//     store has them.
//  3. State transaction: batch intent -> done (only if it was still an
//     intent), drop the tombstones of records that were not erased (named
//     by tenant and key hash: two tenants' records may share a key), append
//     the audit entry with the counts and the key hashes. To save a disk
//     flush per batch, step 3 of one batch commits together with step 1 of
//     the next (and alone after the last).
//
// A process killed anywhere leaves nothing (before 1 commits) or an intent.
// Every run first finishes every intent: it finds the batch's records again,
// erases those still present and still in range and not held (holds re-read),
// counts those gone as erased by the batch, and does step 3. As step 3 acts
// only on an intent and appends the audit entry in the same transaction, each
// batch is audited exactly once, and each erased record is counted once.
//
// A batch holds records of one dataset, of one or more tenants (a nightly
// sweep deletes a little of many tenants: one transaction for all of it).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "dpa/data_store.h"
#include "dpa/datamap.h"
#include "dpa/state_store.h"
#include "retention/hashing.h"
#include "retention/schedule.h"

namespace dpa {
class Workspace;
}

namespace dpa::retention {

struct BatchOutcome {
  std::int64_t records = 0;  // erased (audited when the batch completes)
  std::int64_t bytes = 0;
  std::int64_t held = 0;     // left because a hold covered them at the intent
};

// Where a run's time goes, in seconds of wall time: what `dpa retention
// sweep --json` and the benchmark report, to tell dpa's own work from the
// customer store's.
struct StepTimings {
  double scan = 0;      // reading the due records from the store (the sweep adds it)
  double intent = 0;    // step 1: key and subject hashes, holds, intent and tombstones
  double erase = 0;     // step 2: the store's transaction, commit included
  double complete = 0;  // step 3: counts, tombstones dropped, audit entry

  nlohmann::json json() const;
};

// The records of one tenant in a batch, and why they go.
struct BatchSegment {
  std::string tenant;
  CreatedRange range;
  RuleRef why;
  std::vector<DataRecord> records;
};

class BatchRunner {
 public:
  BatchRunner(Workspace& ws, Timestamp at, std::int64_t run_id, ProgressHook kill_point);
  ~BatchRunner();

  // One batch of records (as scanned) of dataset `d`; `kind` is "sweep" or
  // "reapply". Its completion commits with the next batch's intent, or at
  // flush().
  BatchOutcome run(const std::string& kind, DataStore& store, const DatasetSpec& d,
                   std::vector<BatchSegment> segments);
  // Commits the completion of the last batch, if it is pending.
  void flush();

  // Finishes a batch that a dead process left in state intent.
  BatchOutcome resume(const RetentionBatchRecord& b, DataStore& store, const DatasetSpec& d);

  const RecordHasher& hasher() const { return hasher_; }
  StepTimings& timings() { return timings_; }
  // Seconds the last batch's store transaction took (step 2).
  double last_erase_seconds() const { return last_erase_seconds_; }
  // The keyed hash of each subject identifier of `r` (nullopt where empty),
  // or nullopt if the tenant's key is destroyed.
  std::optional<std::vector<std::optional<std::string>>> subject_hashes(const DatasetSpec& d,
                                                                        const std::string& tenant,
                                                                        const DataRecord& r);
  void kill_point(std::string_view point) const {
    if (kill_) kill_(point);
  }

 private:
  struct Completion {
    RetentionBatchRecord batch;
    std::set<std::pair<std::string, std::string>> erased;  // (tenant, key hash) of a resumed batch
    bool resumed = false;
    // A batch this process ran: its tombstones as inserted (compact, tenant
    // by tenant) and which of them were erased, so that step 3 need not
    // read them back.
    BatchTombstones tombstones;
    std::vector<bool> erased_flags;
  };
  const SubjectHasher* subject_hasher(const std::string& tenant);
  // Step 3; inside a state transaction.
  void complete(const Completion& c);

  Workspace& ws_;
  Timestamp at_;
  std::int64_t run_id_;
  std::int64_t next_seq_ = 1;
  ProgressHook kill_;
  RecordHasher hasher_;
  std::map<std::string, std::unique_ptr<SubjectHasher>> subject_hashers_;  // null: key destroyed
  std::optional<Completion> pending_;
  StepTimings timings_;
  double last_erase_seconds_ = 0;
};

// A dataset a run left alone because another process holds its lock.
struct SkippedDataset {
  std::string dataset;
  std::string holder;  // one line: what, pid, host, since (never a record's content)
};

// One destructive retention process: takes the lock of each dataset, records
// the run, finishes what dead runs left, and opens the customer stores.
//
// Locks are per dataset, through the state (StateStore::try_lock,
// "retention:<dataset>"): sweeps on several hosts sharing a state each take
// the datasets no one else is sweeping. A dataset in a postgres store is
// also locked on its own server (DataStore::try_lock_dataset), so that two
// workspaces sweeping the same table coordinate. A dataset whose lock is
// held elsewhere is skipped (skipped()), and the batches a dead run left of
// a dataset are finished only while holding that dataset's lock: a live
// sweeper on another host is never "recovered" under its feet.
class RetentionRun {
 public:
  // `what` is "sweep" or "reapply". Throws BusyError naming the holders if
  // every dataset of the data map is locked by another process.
  RetentionRun(Workspace& ws, const DataMap& map, Timestamp at, const std::string& what, const std::string& actor,
               ProgressHook kill_point);
  ~RetentionRun();

  std::int64_t id() const { return id_; }
  BatchRunner& runner() { return *runner_; }
  // Whether this run holds the lock of `dataset` (it may act on it).
  bool locked(const std::string& dataset) const { return locks_.count(dataset) > 0; }
  const std::vector<SkippedDataset>& skipped() const { return skipped_; }
  // The store of a dataset, opened for writing once per run.
  DataStore& store_for(const DatasetSpec& d);

  std::int64_t resumed_batches() const { return resumed_batches_; }
  std::int64_t resumed_records() const { return resumed_records_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  void warn(std::string w) { warnings_.push_back(std::move(w)); }

  // Records the end of the run ("complete" or "stopped") with its totals.
  void finish(const std::string& status, const nlohmann::json& totals);

 private:
  void lock_datasets();
  void resume_intents();

  Workspace& ws_;
  const DataMap& map_;
  std::string what_;
  std::map<std::string, std::unique_ptr<HeldLock>> locks_;  // dataset -> its state lock
  std::vector<SkippedDataset> skipped_;
  std::int64_t id_ = 0;
  std::unique_ptr<BatchRunner> runner_;
  std::map<std::string, std::unique_ptr<DataStore>> stores_;
  std::int64_t resumed_batches_ = 0;
  std::int64_t resumed_records_ = 0;
  std::vector<std::string> warnings_;
  bool finished_ = false;
};

// The test hook behind the kill test: with DPA_TEST_KILL_AT=N in the
// environment, the N-th kill point of the process raises SIGKILL; with
// DPA_TEST_KILL_TRACE=1 each kill point is printed on stderr ("kill point 7:
// intent-committed"). Without them it does nothing.
ProgressHook kill_point_from_env();

}  // namespace dpa::retention

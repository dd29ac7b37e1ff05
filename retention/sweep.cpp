#include "retention/sweep.h"

#include <algorithm>
#include <chrono>
#include <map>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "retention/crypto_shred.h"
#include "retention/erasure_batch.h"
#include "retention/erasure_ledger.h"
#include "retention/holds.h"
#include "retention/plan.h"
#include "retention/schedule.h"

namespace dpa::retention {
namespace {

// The size of the next batch: fixed, or (auto) grown while the store's
// transaction is quick and shrunk when it is slow (see the header).
constexpr std::size_t kMinShare = 16;

class BatchSizer {
 public:
  explicit BatchSizer(std::size_t fixed) : fixed_(fixed) {}

  std::size_t next() const { return fixed_ > 0 ? fixed_ : size_; }

  void observe(std::size_t records, double erase_seconds) {
    if (fixed_ > 0 || records < size_ / 2) return;  // a short batch (the end of the data) says little
    // Towards the size whose transaction takes kAutoBatchSeconds, at most 8x
    // up or 2x down at a time: a transaction's time grows more slowly than
    // its size (its pages are shared), so a proportional step undershoots,
    // and the small first batches, which cost a rewrite of their pages each
    // like any other, should be few. Each batch costs at least one write of
    // every page it touches: fewer batches, fewer writes.
    const double ratio = erase_seconds > 0 ? kAutoBatchSeconds / erase_seconds : 8.0;
    if (ratio > 0.8 && ratio < 1.25) return;
    const double next = static_cast<double>(size_) * std::clamp(ratio, 0.5, 8.0);
    size_ = std::clamp(static_cast<std::size_t>(next), kFirstAutoBatch, kMaxAutoBatch);
  }

 private:
  std::size_t fixed_;
  std::size_t size_ = kFirstAutoBatch;
};

}  // namespace

SweepResult run_sweep(Workspace& ws, const DataMap& map, const SweepOptions& options) {
  if (options.at > now() + std::chrono::minutes{5}) {
    throw RefusedError(fmt::format(
        "a sweep deletes only what is due now; --at {} is in the future (use `dpa retention plan --at` to see "
        "what will be due then)",
        format_utc(options.at)));
  }
  if (options.tenant) get_tenant(ws, *options.tenant);
  const auto started = std::chrono::steady_clock::now();
  auto out_of_time = [&] {
    return options.max_runtime && std::chrono::steady_clock::now() - started >= *options.max_runtime;
  };

  SweepResult result;
  RetentionRun run(ws, map, options.at, "sweep", options.actor, options.kill_point);
  result.run_id = run.id();
  result.resumed_batches = run.resumed_batches();
  result.resumed_records = run.resumed_records();
  result.skipped = run.skipped();
  BatchRunner& runner = run.runner();
  Scheduler scheduler(ws);
  std::map<std::string, TenantRecord> tenants;
  for (auto& t : ws.store().list_tenants()) tenants.emplace(t.id, t);

  BatchSizer sizer(options.batch);
  for (const auto& d : map.datasets) {
    if (!result.complete) break;
    if (!run.locked(d.name)) continue;  // another sweeper's: in result.skipped
    SweepDatasetTotals totals;
    totals.dataset = d.name;
    DataStore* store = nullptr;
    std::vector<std::string> present;
    try {
      store = &run.store_for(d);
      present = store->tenants(d);
    } catch (const InputError& e) {
      run.warn(fmt::format("dataset {} was not swept: {}", d.name, e.what()));
      continue;
    }
    // Where each tenant's walk down the index stands; memory in the number
    // of tenants, not of records.
    struct Cursor {
      std::string tenant;
      CreatedRange due;
      RuleRef why;
      std::optional<DataRecord> after;
      bool done = false;
    };
    std::vector<Cursor> cursors;
    const std::map<std::string, ActiveHolds> holds = ActiveHolds::load_all(ws.store(), options.at);
    for (const auto& tenant_id : present) {
      if (options.tenant && tenant_id != *options.tenant) continue;
      auto it = tenants.find(tenant_id);
      if (it == tenants.end()) continue;  // unknown to dpa: kept (the plan says so)
      DatasetSchedule s = scheduler.schedule(it->second, d, options.at);
      CreatedRange due = s.due();
      if (due.empty) continue;
      auto held = holds.find(tenant_id);
      if (held != holds.end() && held->second.covering(d.name)) continue;
      cursors.push_back({tenant_id, due, s.deadline_rule.value_or(RuleRef{"due", ""}), std::nullopt, false});
    }
    while (!cursors.empty()) {
      if (out_of_time()) {
        result.complete = false;
        break;
      }
      const std::size_t target = sizer.next();
      // Each tenant's share of the batch, taken in turn: the batch holds the
      // oldest due records of all tenants (see the header).
      // At least kMinShare records each: one index seek (one query) per
      // record would cost more than the locality gains.
      const std::size_t share = std::max<std::size_t>(kMinShare, (target + cursors.size() - 1) / cursors.size());
      std::vector<BatchSegment> batch;
      std::size_t records_in_batch = 0;
      std::size_t visited = 0;
      for (; visited < cursors.size() && records_in_batch < target; ++visited) {
        Cursor& c = cursors[visited];
        const std::size_t limit = std::min(share, target - records_in_batch);
        const auto scan_started = std::chrono::steady_clock::now();
        std::vector<DataRecord> page = store->scan(d, c.tenant, c.due, c.after ? &*c.after : nullptr, limit);
        result.timings.scan += std::chrono::duration<double>(std::chrono::steady_clock::now() - scan_started).count();
        if (page.size() < limit) c.done = true;
        if (page.empty()) continue;
        c.after = page.back();
        // The store selected by range; the creation time is checked once more
        // here, so that a value the store compares differently is kept.
        std::vector<DataRecord> records;
        records.reserve(page.size());
        for (auto& r : page) {
          if (r.created_unparsable) ++result.unparsable;
          else if (c.due.contains(r.created)) records.push_back(std::move(r));
        }
        if (records.empty()) continue;
        records_in_batch += records.size();
        batch.push_back({c.tenant, c.due, c.why, std::move(records)});
      }
      // The next batch starts with the tenants this one did not reach.
      std::rotate(cursors.begin(), cursors.begin() + static_cast<std::ptrdiff_t>(visited), cursors.end());
      cursors.erase(std::remove_if(cursors.begin(), cursors.end(), [](const Cursor& c) { return c.done; }),
                    cursors.end());
      if (batch.empty()) continue;
      result.largest_batch = std::max(result.largest_batch, records_in_batch);
      BatchOutcome o = runner.run("sweep", *store, d, std::move(batch));
      sizer.observe(records_in_batch, runner.last_erase_seconds());
      result.held += o.held;
      totals.records += o.records;
      totals.bytes += o.bytes;
      if (o.records > 0) ++totals.batches;
    }
    result.records += totals.records;
    result.bytes += totals.bytes;
    result.batches += totals.batches;
    result.datasets.push_back(totals);
  }
  runner.flush();

  if (result.complete) {
    ReapplyOptions ro;
    ro.at = options.at;
    ro.batch = options.batch == 0 ? kFirstAutoBatch : options.batch;
    ro.requests_only = true;
    ro.tenant = options.tenant;
    ReapplyResult rr = reapply_ledger(ws, map, run, ro);
    result.reapplied = rr.records;
    result.held += rr.held;
    for (auto& w : rr.warnings) run.warn(std::move(w));

    auto store_for = [&](const DatasetSpec& d) -> DataStore& { return run.store_for(d); };
    // A tenant's key is destroyed only once all its data are gone: while
    // another sweeper holds a dataset, that is its run's decision to make.
    for (const auto& [id, t] : (result.skipped.empty() ? tenants : std::map<std::string, TenantRecord>{})) {
      if (options.tenant && id != *options.tenant) continue;
      if (!t.terminated_at || !t.delete_after) continue;
      ShredDecision decision = shred_decision(ws, map, scheduler, t, options.at, store_for);
      if (decision.destroy && shred_tenant(ws, t, decision, options.kill_point) > 0) {
        result.keys_destroyed.push_back(id);
      }
    }
  } else {
    // What is still due, holds aside, exactly as the plan counts it.
    PlanOptions po;
    po.at = options.at;
    po.tenant = options.tenant;
    result.remaining = make_plan(ws, map, po).count(PlanLine::Status::kDue);
  }

  result.timings.intent = runner.timings().intent;
  result.timings.erase = runner.timings().erase;
  result.timings.complete = runner.timings().complete;
  for (const auto& w : run.warnings()) result.warnings.push_back(w);
  if (result.unparsable > 0) {
    result.warnings.push_back(fmt::format(
        "{} due record(s) were kept because their creation time is not in the dataset's created_format; "
        "`dpa datamap check` shows which dataset",
        result.unparsable));
  }
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& sk : result.skipped) skipped.push_back({{"dataset", sk.dataset}, {"holder", sk.holder}});
  nlohmann::json per_dataset = nlohmann::json::object();
  for (const auto& t : result.datasets) {
    per_dataset[t.dataset] = {{"records", t.records}, {"bytes", t.bytes}, {"batches", t.batches}};
  }
  run.finish(result.complete ? "complete" : "stopped",
             {{"records", result.records},
              {"bytes", result.bytes},
              {"batches", result.batches},
              {"held", result.held},
              {"resumed_batches", result.resumed_batches},
              {"resumed_records", result.resumed_records},
              {"reapplied", result.reapplied},
              {"remaining", result.remaining},
              {"keys_destroyed", result.keys_destroyed},
              {"skipped", skipped},
              {"datasets", per_dataset}});
  return result;
}

}  // namespace dpa::retention

#include "retention/sweep.h"

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

SweepResult run_sweep(Workspace& ws, const DataMap& map, const SweepOptions& options) {
  if (options.at > now() + std::chrono::minutes{5}) {
    throw RefusedError(fmt::format(
        "a sweep deletes only what is due now; --at {} is in the future (use `dpa retention plan --at` to see "
        "what will be due then)",
        format_utc(options.at)));
  }
  if (options.batch == 0) throw UsageError("--batch must be at least 1");
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
  BatchRunner& runner = run.runner();
  Scheduler scheduler(ws);
  std::map<std::string, TenantRecord> tenants;
  for (auto& t : ws.store().list_tenants()) tenants.emplace(t.id, t);

  for (const auto& d : map.datasets) {
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
    // One batch gathers up to `batch` records, of as many tenants as it takes.
    std::vector<BatchSegment> pending;
    std::size_t pending_records = 0;
    auto flush = [&] {
      if (pending.empty()) return;
      BatchOutcome o = runner.run("sweep", *store, d, std::move(pending));
      pending.clear();
      pending_records = 0;
      result.held += o.held;
      totals.records += o.records;
      totals.bytes += o.bytes;
      if (o.records > 0) ++totals.batches;
    };
    for (const auto& tenant_id : present) {
      if (!result.complete) break;
      if (options.tenant && tenant_id != *options.tenant) continue;
      auto it = tenants.find(tenant_id);
      if (it == tenants.end()) continue;  // unknown to dpa: kept (the plan says so)
      DatasetSchedule s = scheduler.schedule(it->second, d, options.at);
      CreatedRange due = s.due();
      if (due.empty) continue;
      if (ActiveHolds::load(ws.store(), tenant_id, options.at).covering(d.name)) continue;
      RuleRef why = s.deadline_rule.value_or(RuleRef{"due", ""});
      std::optional<DataRecord> after;
      for (;;) {
        if (out_of_time()) {
          result.complete = false;
          pending.clear();  // scanned, not yet erased: the next run finds them again
          break;
        }
        const std::size_t limit = options.batch - pending_records;
        std::vector<DataRecord> page = store->scan(d, tenant_id, due, after ? &*after : nullptr, limit);
        if (page.empty()) break;
        after = page.back();
        // The store selected by range; the creation time is checked once more
        // here, so that a value the store compares differently is kept.
        std::vector<DataRecord> records;
        for (auto& r : page) {
          if (r.created_unparsable) ++result.unparsable;
          else if (due.contains(r.created)) records.push_back(std::move(r));
        }
        if (!records.empty()) {
          pending_records += records.size();
          if (!pending.empty() && pending.back().tenant == tenant_id) {
            for (auto& r : records) pending.back().records.push_back(std::move(r));
          } else {
            pending.push_back({tenant_id, due, why, std::move(records)});
          }
        }
        if (pending_records >= options.batch) flush();
        if (page.size() < limit) break;
      }
    }
    if (result.complete) flush();
    result.records += totals.records;
    result.bytes += totals.bytes;
    result.batches += totals.batches;
    result.datasets.push_back(totals);
  }
  runner.flush();

  if (result.complete) {
    ReapplyOptions ro;
    ro.at = options.at;
    ro.batch = options.batch;
    ro.requests_only = true;
    ro.tenant = options.tenant;
    ReapplyResult rr = reapply_ledger(ws, map, run, ro);
    result.reapplied = rr.records;
    result.held += rr.held;
    for (auto& w : rr.warnings) run.warn(std::move(w));

    auto store_for = [&](const DatasetSpec& d) -> DataStore& { return run.store_for(d); };
    for (const auto& [id, t] : tenants) {
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

  for (const auto& w : run.warnings()) result.warnings.push_back(w);
  if (result.unparsable > 0) {
    result.warnings.push_back(fmt::format(
        "{} due record(s) were kept because their creation time is not in the dataset's created_format; "
        "`dpa datamap check` shows which dataset",
        result.unparsable));
  }
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
              {"datasets", per_dataset}});
  return result;
}

}  // namespace dpa::retention

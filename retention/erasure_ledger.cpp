#include "retention/erasure_ledger.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/workspace.h"
#include "retention/erasure_batch.h"
#include "retention/hashing.h"

namespace dpa::retention {

ReapplyResult reapply_ledger(Workspace& ws, const DataMap& map, RetentionRun& run, const ReapplyOptions& options) {
  ReapplyResult result;
  std::optional<std::string> source;
  if (options.requests_only) source = "request";
  BatchRunner& runner = run.runner();
  const RuleRef why{"erased before (erasure ledger); the record reappeared, as after a backup restore",
                    "erasure ledger"};
  // Batches gather records of one dataset, of any number of tenants.
  std::string pending_dataset;
  DataStore* pending_store = nullptr;
  std::vector<BatchSegment> pending;
  std::size_t pending_records = 0;
  auto flush = [&] {
    if (pending.empty()) return;
    BatchOutcome o = runner.run("reapply", *pending_store, map.dataset(pending_dataset), std::move(pending));
    pending.clear();
    pending_records = 0;
    result.records += o.records;
    result.bytes += o.bytes;
    result.held += o.held;
    if (o.records > 0) ++result.batches;
  };

  for (const auto& [dataset, tenant] : ws.store().tombstone_groups(source)) {
    if (options.tenant && tenant != *options.tenant) continue;
    const DatasetSpec* d = map.find_dataset(dataset);
    if (!d) {
      result.warnings.push_back(fmt::format(
          "the erasure ledger has records of dataset {}, which the data map no longer declares: not checked", dataset));
      continue;
    }
    if (!run.locked(dataset)) continue;  // another retention process's (RetentionRun::skipped)
    DataStore* store = nullptr;
    try {
      store = &run.store_for(*d);
    } catch (const InputError& e) {
      result.warnings.push_back(fmt::format("dataset {}: {}; its erasures were not re-applied", dataset, e.what()));
      continue;
    }
    if (dataset != pending_dataset) flush();
    pending_dataset = dataset;
    pending_store = store;
    ++result.groups;
    TombstoneQuery q;
    q.dataset = dataset;
    q.tenant_id = tenant;
    q.source = source;
    std::vector<std::array<unsigned char, 16>> erased = ws.store().tombstone_key_hashes(q);
    std::sort(erased.begin(), erased.end());
    erased.erase(std::unique(erased.begin(), erased.end()), erased.end());
    if (erased.empty()) continue;

    std::vector<DataRecord> page;
    std::optional<DataRecord> after;
    do {
      page = store->scan(*d, tenant, CreatedRange::all(), after ? &*after : nullptr, options.batch);
      for (auto& r : page) {
        const auto h = runner.hasher().key_hash_raw(d->name, field_text(r.key));
        if (!std::binary_search(erased.begin(), erased.end(), h)) continue;
        if (pending.empty() || pending.back().tenant != tenant) pending.push_back({tenant, CreatedRange::all(), why, {}});
        pending.back().records.push_back(r);
        if (++pending_records >= options.batch) flush();
      }
      if (!page.empty()) after = page.back();
    } while (page.size() == options.batch);
  }
  flush();
  runner.flush();
  return result;
}

ReapplyResult run_reapply(Workspace& ws, const DataMap& map, const ReapplyOptions& options) {
  RetentionRun run(ws, map, options.at, "reapply", options.actor, options.kill_point);
  ReapplyResult r = reapply_ledger(ws, map, run, options);
  r.resumed_batches = run.resumed_batches();
  r.skipped = run.skipped();
  for (const auto& w : run.warnings()) r.warnings.push_back(w);
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& sk : r.skipped) skipped.push_back({{"dataset", sk.dataset}, {"holder", sk.holder}});
  run.finish("complete", {{"records", r.records}, {"bytes", r.bytes}, {"batches", r.batches}, {"held", r.held},
                          {"groups", r.groups}, {"resumed_batches", r.resumed_batches}, {"skipped", skipped}});
  return r;
}

void record_erasures(Workspace& ws, std::vector<TombstoneRecord> tombstones, const std::string& reference) {
  if (tombstones.empty()) return;
  const std::string at = format_utc(now());
  std::vector<std::string> hashes;
  for (auto& t : tombstones) {
    if (t.dataset.empty() || t.tenant_id.empty() || t.key_hash.empty()) {
      throw Error(ExitStatus::kInternal, "a tombstone needs a dataset, a tenant and a key hash");
    }
    t.source = "request";
    t.batch_id.reset();
    if (t.erased_at.empty()) t.erased_at = at;
    t.reference = reference;
    hashes.push_back(t.key_hash);
  }
  ws.store().transaction([&] {
    ws.store().insert_tombstones(tombstones);
    ws.audit().append("retention.ledger.record", "tenant:" + tombstones.front().tenant_id,
                      {{"records", tombstones.size()}, {"reference", reference}, {"key_hashes", hashes}});
  });
}

}  // namespace dpa::retention

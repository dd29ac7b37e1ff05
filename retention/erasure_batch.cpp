#include "retention/erasure_batch.h"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <future>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "retention/holds.h"

namespace dpa::retention {
namespace {

std::string host_name() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) return "unknown-host";
  return host;
}

std::string action_of(const std::string& kind) { return kind == "sweep" ? "retention.delete" : "retention.reapply"; }

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

}  // namespace

nlohmann::json StepTimings::json() const {
  return {{"scan_s", scan}, {"intent_s", intent}, {"erase_s", erase}, {"complete_s", complete}};
}

BatchRunner::BatchRunner(Workspace& ws, Timestamp at, std::int64_t run_id, ProgressHook kill_point)
    : ws_(ws), at_(at), run_id_(run_id), kill_(std::move(kill_point)), hasher_(ws.keys()) {}

BatchRunner::~BatchRunner() = default;

const SubjectHasher* BatchRunner::subject_hasher(const std::string& tenant) {
  auto it = subject_hashers_.find(tenant);
  if (it != subject_hashers_.end()) return it->second.get();
  std::unique_ptr<SubjectHasher> h;
  try {
    h = std::make_unique<SubjectHasher>(current_tenant_key(ws_, tenant).key);
  } catch (const RefusedError&) {
    // The key was destroyed: subject hashes can no longer be made.
  }
  return subject_hashers_.emplace(tenant, std::move(h)).first->second.get();
}

std::optional<std::vector<std::optional<std::string>>> BatchRunner::subject_hashes(const DatasetSpec& d,
                                                                                   const std::string& tenant,
                                                                                   const DataRecord& r) {
  const SubjectHasher* h = subject_hasher(tenant);
  if (!h) return std::nullopt;
  std::vector<std::optional<std::string>> out;
  out.reserve(d.subject.size());
  for (std::size_t i = 0; i < d.subject.size(); ++i) {
    if (i < r.subjects.size() && r.subjects[i] && !r.subjects[i]->empty()) {
      out.emplace_back(h->hash(d.subject[i].kind, *r.subjects[i]));
    } else {
      out.emplace_back(std::nullopt);
    }
  }
  return out;
}

BatchOutcome BatchRunner::run(const std::string& kind, DataStore& store, const DatasetSpec& d,
                              std::vector<BatchSegment> segments) {
  BatchOutcome outcome;
  const std::string erased_at = format_utc(now());
  const auto intent_started = Clock::now();
  double completing_seconds = 0;

  // A tombstone keeps the hash of the record's key and of its first subject
  // identifier (the others are hashed only for a tenant with subject holds,
  // below). Raw bytes: 49 per record, and about a second of CPU per
  // million records. They are made on a second thread while this one
  // completes the previous batch and reads the holds, in the same
  // transaction: the subject hashers are looked up here first (that reads
  // the state), and until the hashes are collected this thread does not
  // touch hasher_.
  struct Hashed {
    std::vector<std::array<unsigned char, 16>> keys;
    std::vector<std::array<unsigned char, 32>> first_subject;
    std::vector<bool> has_subject;
  };
  std::vector<const SubjectHasher*> subject_hasher_of(segments.size(), nullptr);
  std::size_t total = 0;
  for (std::size_t s = 0; s < segments.size(); ++s) {
    if (!d.subject.empty()) subject_hasher_of[s] = subject_hasher(segments[s].tenant);
    total += segments[s].records.size();
  }
  if (total == 0) return outcome;
  std::vector<Hashed> hashed(segments.size());
  auto hash_all = [&] {
    for (std::size_t s = 0; s < segments.size(); ++s) {
      const SubjectHasher* sh = subject_hasher_of[s];
      Hashed& h = hashed[s];
      const std::size_t n = segments[s].records.size();
      h.keys.reserve(n);
      h.first_subject.resize(n);
      h.has_subject.resize(n, false);
      for (std::size_t r = 0; r < n; ++r) {
        const DataRecord& rec = segments[s].records[r];
        h.keys.push_back(hasher_.key_hash_raw(d.name, field_text(rec.key)));
        if (!sh) continue;
        for (std::size_t i = 0; i < d.subject.size() && i < rec.subjects.size(); ++i) {
          if (rec.subjects[i] && !rec.subjects[i]->empty()) {
            h.first_subject[r] = sh->hash_raw(d.subject[i].kind, *rec.subjects[i]);
            h.has_subject[r] = true;
            break;
          }
        }
      }
    }
  };
  // Declared after what it reads: if this thread throws, the future's
  // destructor waits for the hashing before those go.
  std::future<void> hashing = std::async(std::launch::async, hash_all);

  RetentionBatchRecord batch;
  std::vector<EraseSegment> erase;  // what step 2 erases
  BatchTombstones tombstones;       // in the order of erase's records
  tombstones.dataset = d.name;
  tombstones.source = kind;
  tombstones.erased_at = erased_at;
  const bool completing = pending_.has_value();
  ws_.store().transaction([&] {
    if (pending_) {
      const auto t0 = Clock::now();
      complete(*pending_);
      completing_seconds = seconds_since(t0);
    }
    // Holds are read here, in the transaction that records the intent: a hold
    // committed before it is honoured by this batch.
    const std::map<std::string, ActiveHolds> all_holds = ActiveHolds::load_all(ws_.store(), at_);
    if (hashing.valid()) hashing.get();
    const ActiveHolds no_holds;
    nlohmann::json recheck_segments = nlohmann::json::array();
    tombstones.tenants.clear();
    tombstones.key_hashes.clear();
    tombstones.subject_hashes.clear();
    tombstones.has_subject.clear();
    tombstones.bytes.clear();
    tombstones.key_hashes.reserve(total);
    tombstones.subject_hashes.reserve(total);
    tombstones.has_subject.reserve(total);
    tombstones.bytes.reserve(total);
    erase.clear();
    for (std::size_t s = 0; s < segments.size(); ++s) {
      BatchSegment& seg = segments[s];
      auto found = all_holds.find(seg.tenant);
      const ActiveHolds& holds = found == all_holds.end() ? no_holds : found->second;
      if (holds.covering(d.name)) {
        outcome.held += static_cast<std::int64_t>(seg.records.size());
        continue;
      }
      const bool subject_holds = holds.has_subject_holds(d);
      EraseSegment es{seg.tenant, seg.range, {}};
      es.records.reserve(seg.records.size());
      const std::size_t begin = tombstones.size();
      for (std::size_t i = 0; i < seg.records.size(); ++i) {
        if (subject_holds) {
          auto subj = subject_hashes(d, seg.tenant, seg.records[i]);
          if (!subj || holds.subject_hold(d, *subj)) {
            // Held, or the tenant key is gone and a subject hold cannot be ruled out.
            ++outcome.held;
            continue;
          }
        }
        tombstones.key_hashes.push_back(hashed[s].keys[i]);
        tombstones.subject_hashes.push_back(hashed[s].first_subject[i]);
        tombstones.has_subject.push_back(hashed[s].has_subject[i]);
        tombstones.bytes.push_back(seg.records[i].bytes);
        es.records.push_back(std::move(seg.records[i]));
      }
      if (es.records.empty()) continue;
      tombstones.tenants.push_back({seg.tenant, begin, tombstones.size()});
      recheck_segments.push_back({{"tenant", seg.tenant},
                                  {"rule", seg.why.rule},
                                  {"clause", seg.why.clause},
                                  {"range", range_json(seg.range)},
                                  {"where", store.locate(d, es.records)}});
      erase.push_back(std::move(es));
    }
    if (erase.empty()) return;
    batch.run_id = run_id_;
    batch.seq = next_seq_++;
    batch.kind = kind;
    batch.dataset = d.name;
    batch.tenant_id = erase.size() == 1 ? erase.front().tenant : "*";
    batch.rule = erase.size() == 1 ? segments.front().why.rule : "per tenant, in the audit entry";
    batch.clause = erase.size() == 1 ? segments.front().why.clause : "";
    batch.state = "intent";
    batch.planned = static_cast<std::int64_t>(tombstones.size());
    batch.recheck = nlohmann::json{{"segments", recheck_segments}}.dump();
    batch.created_at = erased_at;
    batch.id = ws_.store().insert_retention_batch(batch);
    tombstones.batch_id = batch.id;
    ws_.store().insert_batch_tombstones(tombstones);
    kill_point("intent-uncommitted");
  });
  hashed.clear();
  segments.clear();
  timings_.complete += completing_seconds;
  timings_.intent += seconds_since(intent_started) - completing_seconds;
  if (completing) {
    pending_.reset();
    kill_point("done-committed");
  }
  if (erase.empty()) return outcome;
  kill_point("intent-committed");

  const auto erase_started = Clock::now();
  std::vector<std::vector<bool>> erased = store.erase(d, erase, kill_);
  last_erase_seconds_ = seconds_since(erase_started);
  timings_.erase += last_erase_seconds_;
  kill_point("erased");
  Completion c{batch, {}, false, {}, {}};
  c.erased_flags.reserve(tombstones.size());
  for (std::size_t s = 0; s < erase.size(); ++s) {
    for (std::size_t i = 0; i < erase[s].records.size(); ++i) {
      c.erased_flags.push_back(erased[s][i]);
      if (!erased[s][i]) continue;
      ++outcome.records;
      outcome.bytes += erase[s].records[i].bytes;
    }
  }
  c.tombstones = std::move(tombstones);
  pending_ = std::move(c);
  return outcome;
}

void BatchRunner::flush() {
  if (!pending_) return;
  const auto t0 = Clock::now();
  ws_.store().transaction([&] { complete(*pending_); });
  timings_.complete += seconds_since(t0);
  pending_.reset();
  kill_point("done-committed");
}

BatchOutcome BatchRunner::resume(const RetentionBatchRecord& b, DataStore& store, const DatasetSpec& d) {
  flush();
  nlohmann::json recheck = nlohmann::json::parse(b.recheck);
  std::map<std::string, std::set<std::string>> wanted;  // tenant -> key hashes
  for (const auto& t : ws_.store().batch_tombstones(b.id)) wanted[t.tenant_id].insert(t.key_hash);

  std::set<std::pair<std::string, std::string>> erased_hashes;  // (tenant, key hash)
  std::vector<EraseSegment> erase;
  std::vector<std::vector<std::string>> erase_hashes;
  for (const auto& seg : recheck.at("segments")) {
    const std::string tenant = seg.at("tenant").get<std::string>();
    CreatedRange range = range_from_json(seg.at("range"));
    const std::set<std::string>& mine = wanted[tenant];
    // Which of the batch's records are still there: found again by the
    // bounds the intent recorded, recognised by their key hashes.
    std::set<std::string> present;
    ActiveHolds holds = ActiveHolds::load(ws_.store(), tenant, at_);
    const bool covered = holds.covering(d.name) != nullptr;
    const bool subject_holds = holds.has_subject_holds(d);
    EraseSegment es{tenant, range, {}};
    std::vector<std::string> es_hashes;
    for (auto& r : store.relocate(d, tenant, seg.at("where"))) {
      std::string h = hasher_.key_hash(d.name, field_text(r.key));
      if (!mine.count(h)) continue;
      present.insert(h);
      if (covered || !range.contains(r.created)) continue;
      if (subject_holds) {
        auto hashes = subject_hashes(d, tenant, r);
        if (!hashes || holds.subject_hold(d, *hashes)) continue;
      }
      es.records.push_back(std::move(r));
      es_hashes.push_back(std::move(h));
    }
    for (const auto& h : mine) {
      if (!present.count(h)) erased_hashes.emplace(tenant, h);  // gone: erased by the batch before the crash
    }
    erase.push_back(std::move(es));
    erase_hashes.push_back(std::move(es_hashes));
  }
  std::vector<std::vector<bool>> erased = store.erase(d, erase, kill_);
  kill_point("erased");
  for (const auto& seg : recheck.at("segments")) store.tidy(d, seg.at("where"));

  BatchOutcome outcome;
  for (std::size_t s = 0; s < erase.size(); ++s) {
    for (std::size_t i = 0; i < erase[s].records.size(); ++i) {
      if (erased[s][i]) erased_hashes.emplace(erase[s].tenant, erase_hashes[s][i]);
    }
  }
  for (const auto& t : ws_.store().batch_tombstones(b.id)) {
    if (erased_hashes.count({t.tenant_id, t.key_hash})) {
      ++outcome.records;
      outcome.bytes += t.bytes;
    }
  }
  pending_ = Completion{b, std::move(erased_hashes), true, {}, {}};
  flush();
  return outcome;
}

namespace {

// Appends a key hash to the elements of a JSON array of strings, with a
// comma if it is not the first: the audit entry's key_hashes array is
// written as text, not built as a JSON value of up to kMaxAutoBatch strings
// and then serialised (that took about a second per million).
void append_json_hash(std::string& out, const unsigned char* raw, std::size_t n) {
  if (out.size() > 0) out += ',';
  out += '"';
  BatchTombstones::append_hex(out, raw, n);
  out += '"';
}

// A hash as the state stores it (a resumed batch's, read back): escaped
// like any string, whatever the state holds.
void append_json_hash(std::string& out, const std::string& hex) {
  if (out.size() > 0) out += ',';
  out += nlohmann::json(hex).dump();
}

}  // namespace

void BatchRunner::complete(const Completion& c) {
  const RetentionBatchRecord& b = c.batch;
  // Counted in plain structs; the audit detail is written as text once.
  struct TenantTotals {
    std::string rule = "null", clause = "null";  // as JSON
    std::int64_t records = 0, bytes = 0;
    std::string key_hashes;  // the array's elements, comma-separated
  };
  std::map<std::string, TenantTotals> per_tenant;
  const nlohmann::json recheck = nlohmann::json::parse(b.recheck);
  for (const auto& seg : recheck.at("segments")) {
    TenantTotals& pt = per_tenant[seg.at("tenant").get<std::string>()];
    pt.rule = seg.at("rule").dump();
    pt.clause = seg.at("clause").dump();
  }
  // (tenant, key hash) of the records not erased after all: two tenants'
  // records may share a key.
  std::vector<std::pair<std::string, std::string>> drop;
  std::int64_t records = 0, bytes = 0;
  if (!c.resumed) {
    // The tombstones this process inserted, as inserted: no need to read
    // them back. Those of records not erased (usually none) are dropped.
    const BatchTombstones& tb = c.tombstones;
    for (const auto& tenant : tb.tenants) {
      TenantTotals& totals = per_tenant[tenant.tenant_id];
      totals.key_hashes.reserve(totals.key_hashes.size() + (tenant.end - tenant.begin) * 35);
      for (std::size_t i = tenant.begin; i < tenant.end; ++i) {
        if (!c.erased_flags[i]) {
          drop.emplace_back(tenant.tenant_id,
                            BatchTombstones::hex(tb.key_hashes[i].data(), tb.key_hashes[i].size()));
          continue;
        }
        ++records;
        bytes += tb.bytes[i];
        ++totals.records;
        totals.bytes += tb.bytes[i];
        append_json_hash(totals.key_hashes, tb.key_hashes[i].data(), tb.key_hashes[i].size());
      }
    }
  } else {
    TenantTotals* pt = nullptr;
    const std::string* pt_tenant = nullptr;
    for (const auto& t : ws_.store().batch_tombstones(b.id)) {
      if (!c.erased.count({t.tenant_id, t.key_hash})) {
        drop.emplace_back(t.tenant_id, t.key_hash);
        continue;
      }
      ++records;
      bytes += t.bytes;
      // A batch's tombstones come tenant by tenant: look the tenant up once.
      if (!pt_tenant || *pt_tenant != t.tenant_id) {
        auto it = per_tenant.try_emplace(t.tenant_id).first;
        pt = &it->second;
        pt_tenant = &it->first;
      }
      ++pt->records;
      pt->bytes += t.bytes;
      append_json_hash(pt->key_hashes, t.key_hash);
    }
  }
  // Only an intent is completed, so the audit entry below is written once.
  if (!ws_.store().complete_retention_batch(b.id, records, bytes, format_utc(now()))) return;
  ws_.store().drop_batch_tombstones(b.id, drop);
  // The detail as nlohmann's dump() would write it (AuditLog::append_text):
  // keys in order, no spaces, strings escaped by nlohmann.
  std::size_t size = 128;
  for (const auto& [id, totals] : per_tenant) size += totals.key_hashes.size() + id.size() + 128;
  std::string details;
  details.reserve(size);
  fmt::format_to(std::back_inserter(details), R"({{"batch":{},"bytes":{},"records":{},"resumed":{},"run":{},"tenants":[)",
                 b.seq, bytes, records, c.resumed, b.run_id);
  bool first = true;
  for (const auto& [id, totals] : per_tenant) {
    if (!first) details += ',';
    first = false;
    fmt::format_to(std::back_inserter(details), R"({{"bytes":{},"clause":{},"key_hashes":[)", totals.bytes,
                   totals.clause);
    details += totals.key_hashes;
    fmt::format_to(std::back_inserter(details), R"(],"records":{},"rule":{},"tenant":{}}})", totals.records,
                   totals.rule, nlohmann::json(id).dump());
  }
  details += "]}";
  ws_.audit().append_text(action_of(b.kind), "dataset:" + b.dataset, std::move(details));
  kill_point("done-uncommitted");
}

RetentionRun::RetentionRun(Workspace& ws, const DataMap& map, Timestamp at, const std::string& what,
                           const std::string& actor, ProgressHook kill_point)
    : ws_(ws), map_(map), what_(what) {
  lock_datasets();
  RetentionRunRecord r;
  r.started_at = format_utc(now());
  r.at = format_utc(at);
  r.actor = actor;
  r.host = host_name();
  r.pid = ::getpid();
  r.status = "running";
  std::size_t pending = 0;
  ws_.store().transaction([&] {
    // Holding every dataset's lock, any run still "running" died; with some
    // datasets locked elsewhere, another run is alive and is left alone.
    int interrupted = skipped_.empty() ? ws_.store().mark_interrupted_retention_runs(r.started_at) : 0;
    pending = ws_.store().pending_retention_batches().size();
    id_ = ws_.store().insert_retention_run(r);
    nlohmann::json details{
        {"run", id_}, {"at", r.at}, {"interrupted_runs", interrupted}, {"interrupted_batches", pending}};
    if (!skipped_.empty()) {
      nlohmann::json skipped = nlohmann::json::array();
      for (const auto& sk : skipped_) skipped.push_back({{"dataset", sk.dataset}, {"holder", sk.holder}});
      details["skipped"] = std::move(skipped);
    }
    ws_.audit().append("retention." + what_ + ".start", fmt::format("run:{}", id_), details);
  });
  runner_ = std::make_unique<BatchRunner>(ws_, at, id_, std::move(kill_point));
  runner_->kill_point("run-started");
  resume_intents();
}

RetentionRun::~RetentionRun() {
  if (finished_) return;
  // An error ended the run early; what it did is in the audit log batch by
  // batch, and a batch it left as an intent is finished by the next run.
  try {
    ws_.store().transaction([&] {
      ws_.store().finish_retention_run(id_, "failed", format_utc(now()));
      ws_.audit().append("retention." + what_ + ".fail", fmt::format("run:{}", id_), {{"run", id_}});
    });
  } catch (...) {
  }
}

DataStore& RetentionRun::store_for(const DatasetSpec& d) {
  auto it = stores_.find(d.store);
  if (it != stores_.end()) return *it->second;
  auto s = open_data_store(map_.store_of(d), true);
  return *stores_.emplace(d.store, std::move(s)).first->second;
}

void RetentionRun::lock_datasets() {
  const std::string what = "dpa retention " + what_;
  for (const auto& d : map_.datasets) {
    std::string holder;
    std::unique_ptr<HeldLock> lock = ws_.store().try_lock("retention:" + d.name, what, &holder);
    if (!lock) {
      skipped_.push_back({d.name, holder.empty() ? std::string("another retention process") : holder});
      continue;
    }
    if (map_.store_of(d).kind == StoreKind::kPostgres) {
      // The table's own server: another workspace may sweep the same table.
      try {
        holder.clear();
        if (!store_for(d).try_lock_dataset(d, &holder)) {
          skipped_.push_back({d.name, holder});
          continue;  // the state lock is released here
        }
      } catch (const InputError&) {
        // The store cannot be opened: the sweep says so for the dataset.
      }
    }
    locks_.emplace(d.name, std::move(lock));
  }
  if (!map_.datasets.empty() && locks_.empty()) {
    std::string who;
    for (const auto& sk : skipped_) who += fmt::format("{}{}: {}", who.empty() ? "" : "; ", sk.dataset, sk.holder);
    throw BusyError(fmt::format(
        "another retention process holds the lock of every dataset ({}); nothing was done, try again later", who));
  }
}

void RetentionRun::resume_intents() {
  for (const auto& b : ws_.store().pending_retention_batches()) {
    // Only under the dataset's lock: a batch of a dataset another process
    // holds may be that live process's own.
    if (map_.find_dataset(b.dataset) && !locked(b.dataset)) continue;
    const DatasetSpec* d = map_.find_dataset(b.dataset);
    if (!d) {
      warn(fmt::format("batch {} of run {} (dataset {}) was interrupted and cannot be finished: the data map no "
                       "longer declares dataset {}; restore it in dpa.toml and run again",
                       b.seq, b.run_id, b.dataset, b.dataset));
      continue;
    }
    try {
      BatchOutcome o = runner_->resume(b, store_for(*d), *d);
      ++resumed_batches_;
      resumed_records_ += o.records;
    } catch (const InputError& e) {
      warn(fmt::format("batch {} of run {} (dataset {}) was interrupted and cannot be finished yet: {}", b.seq,
                       b.run_id, b.dataset, e.what()));
    }
  }
}

void RetentionRun::finish(const std::string& status, const nlohmann::json& totals) {
  runner_->flush();
  ws_.store().transaction([&] {
    ws_.store().finish_retention_run(id_, status, format_utc(now()));
    nlohmann::json details = totals;
    details["run"] = id_;
    details["status"] = status;
    ws_.audit().append("retention." + what_ + ".finish", fmt::format("run:{}", id_), details);
  });
  finished_ = true;
  runner_->kill_point("run-finished");
}

ProgressHook kill_point_from_env() {
  const char* at = std::getenv("DPA_TEST_KILL_AT");
  const char* trace = std::getenv("DPA_TEST_KILL_TRACE");
  if ((!at || !*at) && (!trace || !*trace)) return {};
  long target = at && *at ? std::strtol(at, nullptr, 10) : 0;
  bool tracing = trace && *trace && std::string_view(trace) != "0";
  auto count = std::make_shared<long>(0);
  return [target, tracing, count](std::string_view point) {
    long n = ++*count;
    if (tracing) std::fprintf(stderr, "kill point %ld: %.*s\n", n, static_cast<int>(point.size()), point.data());
    if (target > 0 && n == target) {
      std::fflush(stderr);
      std::raise(SIGKILL);
    }
  };
}

}  // namespace dpa::retention

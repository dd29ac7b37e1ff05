#include <catch2/catch.hpp>
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/tenants.h"
#include "retention/erasure_ledger.h"
#include "retention/hashing.h"
#include "retention/holds.h"
#include "dpa/file_lock.h"
#include "retention/plan.h"
#include "retention/retention_test_support.h"
#include "retention/sweep.h"

using namespace dpa;
using namespace dpa::retention;
using std::chrono::days;

namespace {
SweepOptions sweep_now() {
  SweepOptions o;
  o.at = now();
  o.batch = 3;
  o.actor = "test@host";
  return o;
}

// A SQLite store at `path`, made by `setup` (SQL), and its dataset `table`,
// keyed by `key`, with the usual tenant_id and created_at columns.
std::pair<StoreSpec, DatasetSpec> sqlite_table(const std::filesystem::path& path, const std::string& table,
                                               const std::string& key, const std::string& setup) {
  SQLite::Database(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE).exec(setup);
  StoreSpec spec;
  spec.name = "s";
  spec.kind = StoreKind::kSqlite;
  spec.path = path;
  DatasetSpec d;
  d.name = table;
  d.store = "s";
  d.table = table;
  d.key = key;
  d.tenant = "tenant_id";
  d.created = "created_at";
  return {spec, d};
}


// In the caller's transaction: a running sweep with one batch at its
// intent, holding `tb` as its tombstones; the batch's id.
std::int64_t record_intent(StateStore& st, BatchTombstones& tb) {
  RetentionRunRecord run;
  run.started_at = run.at = "2026-01-01T00:00:00Z";
  run.actor = run.host = "test";
  run.status = "running";
  RetentionBatchRecord b;
  b.run_id = st.insert_retention_run(run);
  b.seq = 1;
  b.kind = "sweep";
  b.dataset = tb.dataset;
  b.tenant_id = "*";
  b.rule = "r";
  b.state = "intent";
  b.planned = static_cast<std::int64_t>(tb.size());
  b.recheck = "{}";
  b.created_at = tb.erased_at;
  const std::int64_t id = st.insert_retention_batch(b);
  tb.batch_id = id;
  st.insert_batch_tombstones(tb);
  return id;
}

}  // namespace

TEST_CASE("minimum retention: ADR journals and young documents survive every sweep", "[retention][sweep]") {
  test::RetentionWorld w;
  w.tenant("adr-client", "adr", 7 * 366);
  long long old_doc = w.row("docs", "adr-client", 6 * 366);
  long long young_doc = w.row("docs", "adr-client", 2 * 365);
  long long undated = w.row("docs", "adr-client", 0);
  w.app->exec("UPDATE docs SET created_at = NULL WHERE id = " + std::to_string(undated));
  std::vector<long long> journals;
  for (int i = 0; i < 5; ++i) journals.push_back(w.row("journal", "adr-client", 365 * (i + 1) * 2));

  RetentionPlan plan = make_plan(*w.ws, w.map(), {now(), std::nullopt, std::nullopt});
  CHECK(plan.count(PlanLine::Status::kDue) == 1);
  bool saw_floor = false;
  for (const auto& g : plan.groups) {
    for (const auto& l : g.lines) {
      if (g.dataset == "docs" && l.status == PlanLine::Status::kKept) {
        saw_floor = true;
        CHECK(l.records == 2);
        CHECK_THAT(l.why, Catch::Contains("min_retention 5y from created"));
        CHECK_THAT(l.why, Catch::Contains("precedence min-retention-wins"));
        REQUIRE(l.until);
      }
    }
  }
  CHECK(saw_floor);

  for (int run = 0; run < 3; ++run) {
    SweepResult r = run_sweep(*w.ws, w.map(), sweep_now());
    CHECK(r.records == (run == 0 ? 1 : 0));
  }
  CHECK_FALSE(w.exists("docs", old_doc));
  CHECK(w.exists("docs", young_doc));
  CHECK(w.exists("docs", undated));
  for (long long id : journals) CHECK(w.exists("journal", id));  // 10 years old and kept: no rule deletes them
  CHECK(w.ws->audit().verify().ok());
}

TEST_CASE("holds: tenant, dataset and subject holds keep due data; released, it goes", "[retention][sweep]") {
  test::RetentionWorld w;
  w.tenant("t", "upstat");
  terminate_tenant(*w.ws, "t", now() - days{45});
  long long a = w.row("docs", "t", 50, "+7 (701) 111-22-33");
  long long b = w.row("docs", "t", 50, "+77019998877");
  long long j = w.row("journal", "t", 50);
  DataMap map = w.map();

  HoldRecord whole = add_hold(*w.ws, map, {"t", std::nullopt, std::nullopt, "audit 2026-3", std::nullopt, "dpo"});
  HoldRecord subject =
      add_hold(*w.ws, map, {"t", "docs", "phone:87011112233", "complaint 12", std::nullopt, "dpo"});
  CHECK(subject.subject_hash->size() == 64);
  CHECK_THROWS_WITH(add_hold(*w.ws, map, {"t", "journal", "phone:1", "x", std::nullopt, "dpo"}),
                    Catch::Contains("no dataset journal has subject identifiers of kind 'phone'"));
  CHECK_THROWS_AS(add_hold(*w.ws, map, {"t", std::nullopt, std::nullopt, "", std::nullopt, "dpo"}), InputError);

  SweepResult r = run_sweep(*w.ws, map, sweep_now());
  CHECK(r.records == 0);
  CHECK(r.keys_destroyed.empty());
  CHECK(w.exists("docs", a));
  CHECK(w.exists("docs", b));
  CHECK(w.exists("journal", j));

  release_hold(*w.ws, whole.id, "dpo");
  CHECK_THROWS_WITH(release_hold(*w.ws, whole.id, "dpo"), Catch::Contains("released on"));
  r = run_sweep(*w.ws, map, sweep_now());
  CHECK(r.records == 2);            // b and the journal entry
  CHECK(r.held == 1);               // a, the subject's record
  CHECK(w.exists("docs", a));
  CHECK_FALSE(w.exists("docs", b));
  CHECK(r.keys_destroyed.empty());  // the subject hold is still in force

  release_hold(*w.ws, subject.id, "dpo");
  r = run_sweep(*w.ws, map, sweep_now());
  CHECK(r.records == 1);
  CHECK(r.keys_destroyed == std::vector<std::string>{"t"});
  CHECK_THROWS_AS(current_tenant_key(*w.ws, "t"), RefusedError);
  CHECK(get_tenant(*w.ws, "t").status == "deleted");
  CHECK(w.ws->audit().verify().ok());
}

TEST_CASE("a subject hold reaches only datasets with its kind of identifier, and the plan says so", "[retention][sweep]") {
  test::RetentionWorld w;
  w.tenant("t", "upstat");
  w.tenant("other", "upstat");
  terminate_tenant(*w.ws, "t", now() - days{45});
  long long held_doc = w.row("docs", "t", 50, "+77011112233");
  long long free_doc = w.row("docs", "t", 50, "+77019998877");
  long long entry = w.row("journal", "t", 50);
  w.row("journal", "other", 50);
  DataMap map = w.map();

  // Tenant-wide: docs have phones, the journal has no identifiers at all.
  HoldRecord h = add_hold(*w.ws, map, {"t", std::nullopt, "phone:+77011112233", "complaint 7", std::nullopt, "dpo"});
  CHECK(datasets_out_of_reach(map, h) == std::vector<std::string>{"journal"});
  HoldRecord whole = add_hold(*w.ws, map, {"other", std::nullopt, std::nullopt, "audit", std::nullopt, "dpo"});
  CHECK(datasets_out_of_reach(map, whole).empty());

  RetentionPlan plan = make_plan(*w.ws, map, {now(), std::nullopt, std::nullopt});
  int journal_groups = 0;
  for (const auto& g : plan.groups) {
    if (g.tenant != "t") {
      CHECK(g.unreachable_holds.empty());
      continue;
    }
    if (g.dataset == "journal") {
      ++journal_groups;
      CHECK(g.unreachable_holds == std::vector<std::int64_t>{h.id});
      REQUIRE_FALSE(g.notes.empty());
      CHECK_THAT(g.notes.back(), Catch::Contains("cannot reach this dataset"));
      CHECK_THAT(g.notes.back(), Catch::Contains("--dataset journal"));
    } else {
      CHECK(g.unreachable_holds.empty());
    }
  }
  CHECK(journal_groups == 1);
  CHECK_THAT(plan_text(plan), Catch::Contains("cannot reach this dataset"));
  CHECK(plan_json(plan).dump().find("\"unreachable_holds\":[" + std::to_string(h.id) + "]") != std::string::npos);

  SweepResult r = run_sweep(*w.ws, map, sweep_now());
  CHECK(r.held == 1);
  CHECK(w.exists("docs", held_doc));
  CHECK_FALSE(w.exists("docs", free_doc));
  CHECK_FALSE(w.exists("journal", entry));  // out of the hold's reach: deleted when due
}

TEST_CASE("sweeps in batches of every size, auto included, delete exactly what is due", "[retention][sweep]") {
  for (std::size_t batch : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
    test::RetentionWorld w;
    std::vector<long long> due, young;
    for (int t = 0; t < 5; ++t) {
      std::string id = "t" + std::to_string(t);
      w.tenant(id, "upstat");
      terminate_tenant(*w.ws, id, now() - days{45});
    }
    w.tenant("live", "upstat");
    // Interleaved, as an application writes them: many tenants, growing ids.
    for (int i = 0; i < 60; ++i) {
      due.push_back(w.row("docs", "t" + std::to_string(i % 5), 50 + i % 3, "+7701000" + std::to_string(1000 + i)));
      young.push_back(w.row("docs", "live", 50));
    }
    SweepOptions o = sweep_now();
    o.batch = batch;
    SweepResult r = run_sweep(*w.ws, w.map(), o);
    INFO("batch " << batch);
    CHECK(r.records == 60);
    CHECK(r.complete);
    if (batch == 1) CHECK(r.batches == 60);
    if (batch == 7) CHECK(r.largest_batch <= 7);
    for (long long id : due) CHECK_FALSE(w.exists("docs", id));
    for (long long id : young) CHECK(w.exists("docs", id));
    std::int64_t tombstones = 0;
    w.ws->store().scan_tombstones({}, [&](const TombstoneRecord&) {
      ++tombstones;
      return true;
    });
    CHECK(tombstones == 60);
    CHECK(w.ws->audit().verify().ok());
    // A batch's audit detail is written as text: exactly what nlohmann's
    // dump() of the same value gives, every key hash once.
    std::set<std::string> audited;
    AuditQuery aq;
    aq.action = "retention.delete";
    w.ws->store().scan_audit(aq, [&](const AuditRecord& a) {
      const auto details = nlohmann::json::parse(a.details);
      CHECK(details.dump() == a.details);
      for (const auto& t : details.at("tenants")) {
        CHECK(t.at("rule").is_string());
        for (const auto& h : t.at("key_hashes")) audited.insert(h.get<std::string>());
      }
      return true;
    });
    CHECK(audited.size() == 60);
  }
}

TEST_CASE("holds with --until end by themselves", "[retention][sweep]") {
  test::RetentionWorld w;
  w.tenant("t", "upstat");
  terminate_tenant(*w.ws, "t", now() - days{45});
  w.row("docs", "t", 50);
  add_hold(*w.ws, w.map(), {"t", std::nullopt, std::nullopt, "until soon", now() + days{10}, "dpo"});
  CHECK(make_plan(*w.ws, w.map(), {now(), std::nullopt, std::nullopt}).count(PlanLine::Status::kHeld) == 1);
  CHECK(make_plan(*w.ws, w.map(), {now() + days{11}, std::nullopt, std::nullopt}).count(PlanLine::Status::kDue) == 1);
}

TEST_CASE("the erasure ledger re-erases a subject request's records after a restore", "[retention][ledger]") {
  test::RetentionWorld w;
  w.tenant("t", "upstat");
  long long keep = w.row("docs", "t", 3);
  long long erased = w.row("docs", "t", 3, "+77010000000");
  w.app->exec("CREATE TABLE backup AS SELECT * FROM docs");
  // A subject request (another module) deletes the row and records it.
  w.app->exec("DELETE FROM docs WHERE id = " + std::to_string(erased));
  RecordHasher hasher(w.ws->keys());
  TombstoneRecord t;
  t.dataset = "docs";
  t.tenant_id = "t";
  t.key_hash = hasher.key_hash("docs", std::to_string(erased));
  record_erasures(*w.ws, {t}, "request 2026-77");

  // The backup comes back.
  w.app->exec("DELETE FROM docs; INSERT INTO docs SELECT * FROM backup");
  REQUIRE(w.exists("docs", erased));
  SweepResult r = run_sweep(*w.ws, w.map(), sweep_now());
  CHECK(r.reapplied == 1);
  CHECK(r.records == 0);  // nothing is due by the rules: t is active
  CHECK_FALSE(w.exists("docs", erased));
  CHECK(w.exists("docs", keep));

  w.app->exec("DELETE FROM docs; INSERT INTO docs SELECT * FROM backup");
  ReapplyOptions o;
  o.at = now();
  o.actor = "test@host";
  ReapplyResult rr = run_reapply(*w.ws, w.map(), o);
  CHECK(rr.records == 1);
  CHECK_FALSE(w.exists("docs", erased));
  CHECK(w.exists("docs", keep));
}

TEST_CASE("a file lock admits one holder and names it to the others", "[retention][lock]") {
  test::TempDir dir;
  std::string holder;
  auto first = try_file_lock(dir / "retention%3Acalls.lock", "dpa retention sweep", &holder);
  REQUIRE(first);
  CHECK(try_file_lock(dir / "retention%3Acalls.lock", "dpa retention sweep", &holder) == nullptr);
  CHECK_THAT(holder, Catch::Contains("dpa retention sweep by pid"));
  first.reset();
  CHECK(try_file_lock(dir / "retention%3Acalls.lock", "dpa retention sweep", &holder) != nullptr);
  CHECK_THROWS_AS(try_file_lock(dir / "no" / "such" / "x.lock", "x", &holder), WorkspaceError);
}

TEST_CASE("subject identifiers normalize before hashing", "[retention][hashing]") {
  CHECK(normalize_subject("phone", "8 (701) 123-45-67") == "+77011234567");
  CHECK(normalize_subject("phone", "+7 701 123 45 67") == "+77011234567");
  CHECK(normalize_subject("phone", "7011234567") == "+77011234567");
  CHECK(normalize_subject("email", "  Aigerim.S@Example.KZ ") == "aigerim.s@example.kz");
  CHECK(normalize_subject("iin", "900101 300 123") == "900101300123");
}

TEST_CASE("a record's key hash is the same whatever was hashed before", "[retention][hashing]") {
  test::RetentionWorld w;
  // The hasher keeps the state after the dataset name: switching datasets
  // must start again from the key, and "docs"+"1x" must not be "docs1"+"x".
  RecordHasher fresh_a(w.ws->keys());
  RecordHasher fresh_b(w.ws->keys());
  const std::string a = fresh_a.key_hash("docs", "17");
  const std::string b = fresh_b.key_hash("calls", "17");
  RecordHasher reused(w.ws->keys());
  CHECK(reused.key_hash("calls", "17") == b);
  CHECK(reused.key_hash("docs", "17") == a);
  CHECK(reused.key_hash("calls", "17") == b);
  CHECK(a != b);
  CHECK(a.size() == 32);
  CHECK(reused.key_hash("docs1", "x") != reused.key_hash("docs", "1x"));
}

TEST_CASE("a SQLite store erases exactly the records asked for, a key under two tenants included", "[retention][store]") {
  test::TempDir dir;
  const std::filesystem::path path = dir / "s.db";
  auto table = sqlite_table(path, "t", "k",
                            "CREATE TABLE t(k TEXT, tenant_id TEXT, created_at TEXT);"
                            "INSERT INTO t VALUES('a', 'x', '2020-01-01T00:00:00Z'), ('a', 'y', '2020-01-01T00:00:00Z'), "
                            "('b', 'x', '2020-01-02T00:00:00Z'), ('c', 'x', '2020-01-03T00:00:00Z'), "
                            "('d', 'x', '2030-01-01T00:00:00Z')");
  StoreSpec& spec = table.first;
  DatasetSpec& d = table.second;
  auto store = open_data_store(spec, true);
  const CreatedRange due = CreatedRange::created_before(parse_timestamp("2025-01-01T00:00:00Z", TimeZone::utc()));
  auto count = [&] {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT group_concat(k || tenant_id, ' ') FROM (SELECT * FROM t ORDER BY k, tenant_id)")
        .getString();
  };
  std::vector<DataRecord> x = store->scan(d, "x", CreatedRange::all(), nullptr, 10);  // a, b, c, d
  REQUIRE(x.size() == 4);
  std::vector<DataRecord> y = store->scan(d, "y", CreatedRange::all(), nullptr, 10);  // a
  REQUIRE(y.size() == 1);

  // b and d of x: d is not due, so it stays.
  auto erased = store->erase(d, {EraseSegment{"x", due, {x[1], x[3]}}});
  CHECK(erased == std::vector<std::vector<bool>>{{true, false}});
  CHECK(count() == "ax ay cx dx");

  // a of x and, for y, the key of a record of x: neither y's a nor x's c goes.
  DataRecord not_y = x[2];
  erased = store->erase(d, {EraseSegment{"x", due, {x[0]}}, EraseSegment{"y", due, {not_y}}});
  CHECK(erased == std::vector<std::vector<bool>>{{true}, {false}});
  CHECK(count() == "ay cx dx");

  // a of y and c of x together: same key order, two tenants.
  erased = store->erase(d, {EraseSegment{"x", due, {x[2]}}, EraseSegment{"y", due, {y[0]}}});
  CHECK(erased == std::vector<std::vector<bool>>{{true}, {true}});
  CHECK(count() == "dx");

  // The journal a writing store keeps between its batches goes with it.
  const std::filesystem::path journal = path.string() + "-journal";
  CHECK(std::filesystem::exists(journal));
  store.reset();
  CHECK_FALSE(std::filesystem::exists(journal));
  CHECK(count() == "dx");
}

TEST_CASE("tombstone groups: each (dataset, tenant) once, in order, of the source asked for", "[retention][ledger]") {
  test::RetentionWorld w;
  std::vector<TombstoneRecord> ts;
  auto add = [&](const std::string& dataset, const std::string& tenant, const std::string& source, int n) {
    for (int i = 0; i < n; ++i) {
      TombstoneRecord t;
      t.dataset = dataset;
      t.tenant_id = tenant;
      t.key_hash = fmt::format("{:032x}", ts.size());
      t.source = source;
      t.erased_at = "2026-01-01T00:00:00Z";
      t.reference = source == "request" ? "R-1" : "";
      ts.push_back(t);
    }
  };
  add("docs", "t2", "sweep", 3);
  add("docs", "t1", "request", 2);
  add("journal", "t1", "sweep", 1);
  add("docs", "t2", "request", 1);
  add("docs", "t10", "sweep", 2);
  add("Docs", "t3", "request", 1);
  w.ws->store().transaction([&] { w.ws->store().insert_tombstones(ts); });
  using Groups = std::vector<std::pair<std::string, std::string>>;
  CHECK(w.ws->store().tombstone_groups(std::nullopt) ==
        Groups{{"Docs", "t3"}, {"docs", "t1"}, {"docs", "t10"}, {"docs", "t2"}, {"journal", "t1"}});
  CHECK(w.ws->store().tombstone_groups(std::string("request")) == Groups{{"Docs", "t3"}, {"docs", "t1"}, {"docs", "t2"}});
  CHECK(w.ws->store().tombstone_groups(std::string("reapply")).empty());
}

TEST_CASE("batch tombstones: packed per tenant, read back record by record, dropped by tenant and key hash",
          "[retention][ledger]") {
  test::RetentionWorld w;
  StateStore& st = w.ws->store();
  std::int64_t batch_id = 0;
  BatchTombstones tb;
  tb.dataset = "docs";
  tb.source = "sweep";
  tb.erased_at = "2026-01-01T00:00:00Z";
  // t1: 20000 records (two packs), every other one without a subject; t2: 2.
  auto add = [&](const std::string& tenant, std::size_t n) {
    const std::size_t begin = tb.size();
    for (std::size_t i = 0; i < n; ++i) {
      std::array<unsigned char, 16> k{};
      std::array<unsigned char, 32> sh{};
      const std::size_t v = tb.size() + 1;
      for (std::size_t b = 0; b < 8; ++b) k[b] = static_cast<unsigned char>(v >> (8 * b));
      for (std::size_t b = 0; b < 8; ++b) sh[31 - b] = static_cast<unsigned char>(v >> (8 * b));
      tb.key_hashes.push_back(k);
      tb.has_subject.push_back(i % 2 == 0);
      tb.subject_hashes.push_back(i % 2 == 0 ? sh : std::array<unsigned char, 32>{});
      tb.bytes.push_back(static_cast<std::int64_t>(v) * 1000003);  // past 2^32 for the last ones
    }
    tb.tenants.push_back({tenant, begin, tb.size()});
  };
  add("t1", 20000);
  add("t2", 2);
  st.transaction([&] {
    batch_id = record_intent(st, tb);
    // A tombstone of the batch as written before the packs (schema 10): a row.
    TombstoneRecord old;
    old.dataset = "docs";
    old.tenant_id = "t0";
    old.key_hash = std::string(32, 'f');
    old.subject_hash = std::string(64, 'e');
    old.source = "sweep";
    old.batch_id = batch_id;
    old.bytes = 7;
    old.erased_at = tb.erased_at;
    st.insert_tombstones({old});
  });
  CHECK(test::open_raw_state(w.home)->query_int("SELECT count(*) FROM erasure_tombstone_packs") == 3);

  auto all = st.batch_tombstones(batch_id);
  REQUIRE(all.size() == tb.size() + 1);
  CHECK(all.front().tenant_id == "t0");  // rows first
  CHECK(all.front().subject_hash == std::string(64, 'e'));
  all.erase(all.begin());
  for (std::size_t i = 0; i < all.size(); ++i) {
    INFO("record " << i);
    const std::size_t tenant = i < 20000 ? 0 : 1;
    CHECK(all[i].tenant_id == tb.tenants[tenant].tenant_id);
    CHECK(all[i].dataset == "docs");
    CHECK(all[i].source == "sweep");
    CHECK(all[i].batch_id == batch_id);
    CHECK(all[i].erased_at == tb.erased_at);
    CHECK(all[i].key_hash == BatchTombstones::hex(tb.key_hashes[i].data(), 16));
    CHECK(all[i].bytes == tb.bytes[i]);
    if (tb.has_subject[i]) {
      CHECK(all[i].subject_hash == BatchTombstones::hex(tb.subject_hashes[i].data(), 32));
    } else {
      CHECK_FALSE(all[i].subject_hash);
    }
    if (i > 40 && i < 19990) i += 997;  // a sample of the middle
  }
  std::size_t t2 = 0;
  TombstoneQuery q;
  q.tenant_id = "t2";
  st.scan_tombstones(q, [&](const TombstoneRecord& t) {
    ++t2;
    return t.tenant_id == "t2";
  });
  CHECK(t2 == 2);
  q.tenant_id.reset();
  q.source = "request";
  st.scan_tombstones(q, [&](const TombstoneRecord&) { return false; });  // none: no throw, no call
  using Groups = std::vector<std::pair<std::string, std::string>>;
  CHECK(st.tombstone_groups(std::nullopt) == Groups{{"docs", "t0"}, {"docs", "t1"}, {"docs", "t2"}});
  CHECK(st.tombstone_groups(std::string("sweep")) == Groups{{"docs", "t0"}, {"docs", "t1"}, {"docs", "t2"}});
  CHECK(st.tombstone_groups(std::string("request")).empty());

  // Records 1 and 19999 of t1 and both of t2 were not erased after all.
  st.transaction([&] {
    st.drop_batch_tombstones(batch_id, {{"t1", all[1].key_hash},
                                        {"t1", all[19999].key_hash},
                                        {"t2", all[20000].key_hash},
                                        {"t2", all[20001].key_hash},
                                        {"t0", std::string(32, 'f')}});
  });
  auto left = st.batch_tombstones(batch_id);
  REQUIRE(left.size() == 19998);
  CHECK(left[0].key_hash == all[0].key_hash);
  CHECK(left[1].key_hash == all[2].key_hash);
  CHECK(left[1].bytes == all[2].bytes);
  CHECK(left[1].subject_hash == all[2].subject_hash);
  CHECK(left.back().key_hash == all[19998].key_hash);
  CHECK(st.tombstone_groups(std::nullopt) == Groups{{"docs", "t1"}});
}

TEST_CASE("batch tombstones are dropped by tenant and key hash: another tenant's record under the key keeps its own",
          "[retention][ledger]") {
  test::RetentionWorld w;
  StateStore& st = w.ws->store();
  std::array<unsigned char, 16> shared{}, other{};
  shared.fill(0x5a);
  other.fill(0x3c);
  const std::string shared_hex = BatchTombstones::hex(shared.data(), shared.size());
  BatchTombstones tb;
  tb.dataset = "docs";
  tb.source = "sweep";
  tb.erased_at = "2026-01-01T00:00:00Z";
  auto add = [&](const std::string& tenant, const std::vector<std::array<unsigned char, 16>>& keys) {
    const std::size_t begin = tb.size();
    for (const auto& k : keys) {
      tb.key_hashes.push_back(k);
      tb.subject_hashes.emplace_back();
      tb.has_subject.push_back(false);
      tb.bytes.push_back(10);
    }
    tb.tenants.push_back({tenant, begin, tb.size()});
  };
  add("t1", {shared});
  add("t2", {shared, other});
  std::int64_t batch_id = 0;
  st.transaction([&] {
    batch_id = record_intent(st, tb);
    // And a tombstone row (as before the packs) of a third tenant, same key.
    TombstoneRecord old;
    old.dataset = "docs";
    old.tenant_id = "t3";
    old.key_hash = shared_hex;
    old.source = "sweep";
    old.batch_id = batch_id;
    old.erased_at = tb.erased_at;
    st.insert_tombstones({old, [&] {
                            TombstoneRecord t4 = old;
                            t4.tenant_id = "t4";
                            return t4;
                          }()});
  });
  // t2's record under the shared key was not erased after all; nor was t4's.
  st.transaction([&] { st.drop_batch_tombstones(batch_id, {{"t2", shared_hex}, {"t4", shared_hex}}); });
  std::vector<std::pair<std::string, std::string>> left;
  for (const auto& t : st.batch_tombstones(batch_id)) left.emplace_back(t.tenant_id, t.key_hash);
  CHECK(left == std::vector<std::pair<std::string, std::string>>{
                    {"t3", shared_hex}, {"t1", shared_hex}, {"t2", BatchTombstones::hex(other.data(), other.size())}});
}

TEST_CASE("a key two tenants share: a sweep keeps the tombstone of the record it erased", "[retention][ledger]") {
  test::RetentionWorld w;
  // A table keyed by a reference that each tenant numbers on its own.
  w.app->exec("CREATE TABLE calls(ref TEXT NOT NULL, tenant_id TEXT NOT NULL, created_at TEXT, phone TEXT)");
  std::ofstream(w.home / "dpa.toml", std::ios::app) << R"toml(
[[dataset]]
name     = "calls"
store    = "app"
table    = "calls"
key      = "ref"
category = "documents.signed"
tenant   = "tenant_id"
created  = "created_at"
subject  = { phone = "phone" }
)toml";
  for (const std::string id : {"x", "y"}) {
    w.tenant(id, "upstat");
    terminate_tenant(*w.ws, id, now() - days{45});
    SQLite::Statement q(*w.app, "INSERT INTO calls VALUES('R-1', ?, ?, '+77010000001')");
    q.bind(1, id);
    q.bind(2, format_utc(now() - days{50}));
    q.exec();
  }
  SweepOptions o = sweep_now();
  o.batch = 0;  // one batch for both
  // Between the intent and the erasure, the application renumbers y's
  // record: the batch does not find it, and drops its tombstone, not x's.
  o.kill_point = [&](std::string_view point) {
    if (point == "intent-committed") w.app->exec("UPDATE calls SET ref = 'R-2' WHERE tenant_id = 'y'");
  };
  SweepResult r = run_sweep(*w.ws, w.map(), o);
  CHECK(r.records == 1);
  CHECK(w.app->execAndGet("SELECT group_concat(tenant_id) FROM calls").getString() == "y");
  std::vector<std::string> tombstones;
  TombstoneQuery q;
  q.dataset = "calls";
  w.ws->store().scan_tombstones(q, [&](const TombstoneRecord& t) {
    tombstones.push_back(t.tenant_id);
    return true;
  });
  CHECK(tombstones == std::vector<std::string>{"x"});
  CHECK(w.ws->audit().verify().ok());
}

TEST_CASE("the ledger's raw key hashes: rows and packs of the group asked for", "[retention][ledger]") {
  test::RetentionWorld w;
  StateStore& st = w.ws->store();
  RecordHasher hasher(w.ws->keys());
  // A subject request's tombstone (a row, hex) ...
  TombstoneRecord t;
  t.dataset = "docs";
  t.tenant_id = "t1";
  t.key_hash = hasher.key_hash("docs", "7");
  record_erasures(*w.ws, {t}, "request 2026-1");
  // ... and a sweep's (a pack, raw).
  w.tenant("t1", "upstat");
  terminate_tenant(*w.ws, "t1", now() - days{45});
  const long long swept = w.row("docs", "t1", 50);
  w.row("journal", "t1", 50);
  REQUIRE(run_sweep(*w.ws, w.map(), sweep_now()).records >= 1);

  using Raw = std::array<unsigned char, 16>;
  auto sorted = [](std::vector<Raw> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  TombstoneQuery q;
  q.dataset = "docs";
  q.tenant_id = "t1";
  CHECK(sorted(st.tombstone_key_hashes(q)) ==
        sorted({hasher.key_hash_raw("docs", "7"), hasher.key_hash_raw("docs", std::to_string(swept))}));
  q.source = "request";
  CHECK(st.tombstone_key_hashes(q) == std::vector<Raw>{hasher.key_hash_raw("docs", "7")});
  q.source = "sweep";
  CHECK(st.tombstone_key_hashes(q) == std::vector<Raw>{hasher.key_hash_raw("docs", std::to_string(swept))});
  q.tenant_id = "t2";
  q.source.reset();
  CHECK(st.tombstone_key_hashes(q).empty());

  // A damaged row is refused, not read as some other hash.
  test::open_raw_state(w.home)->exec("UPDATE erasure_tombstones SET key_hash = 'xyz'");
  q.tenant_id = "t1";
  CHECK_THROWS_AS(st.tombstone_key_hashes(q), WorkspaceError);
}

TEST_CASE("a SQLite store's scan sizes each record as the plan does, whatever its columns hold", "[retention][store]") {
  test::TempDir dir;
  const std::filesystem::path path = dir / "m.db";
  auto table = sqlite_table(
      path, "m", "id",
      "CREATE TABLE m(id INTEGER PRIMARY KEY, tenant_id TEXT, created_at TEXT, phone, amount REAL, data BLOB, "
      "note TEXT, n INTEGER);"
      "INSERT INTO m VALUES(1, 'x', '2020-01-01T00:00:00Z', '+77010000001', 12.5, x'0001ff', 'Қазақ тілі', -42),"
      "(2, 'x', '2020-01-02T00:00:00Z', NULL, NULL, NULL, NULL, NULL),"
      "(-3, 'x', '2020-01-03T00:00:00Z', 77011234567, 1e300, x'', '', 9223372036854775807),"
      "(4, 'x', 1577836800, 8.25, 0.1, 'text in a blob column', 'ü', 'not a number')");
  StoreSpec& spec = table.first;
  DatasetSpec& d = table.second;
  // The key again as a subject column, in another case: counted once.
  d.subject = {SubjectColumn{"phone", "phone"}, SubjectColumn{"iin", "ID"}};
  auto store = open_data_store(spec, false);
  std::vector<DataRecord> records = store->scan(d, "x", CreatedRange::all(), nullptr, 10);
  REQUIRE(records.size() == 4);
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  std::int64_t total = 0;
  for (const auto& r : records) {
    SQLite::Statement q(db, "SELECT coalesce(length(CAST(id AS BLOB)), 0) + coalesce(length(CAST(tenant_id AS BLOB)), 0) "
                            "+ coalesce(length(CAST(created_at AS BLOB)), 0) + coalesce(length(CAST(phone AS BLOB)), 0) "
                            "+ coalesce(length(CAST(amount AS BLOB)), 0) + coalesce(length(CAST(data AS BLOB)), 0) "
                            "+ coalesce(length(CAST(note AS BLOB)), 0) + coalesce(length(CAST(n AS BLOB)), 0) "
                            "FROM m WHERE id = ?");
    q.bind(1, static_cast<int64_t>(std::get<std::int64_t>(r.key)));
    REQUIRE(q.executeStep());
    INFO("record " << std::get<std::int64_t>(r.key));
    CHECK(r.bytes == q.getColumn(0).getInt64());
    total += r.bytes;
  }
  CHECK(store->stats(d, "x", CreatedRange::all(), true).bytes == total);
}

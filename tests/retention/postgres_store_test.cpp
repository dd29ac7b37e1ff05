// The postgres kind of data-map store against the expectations of the SQLite
// store (sweep_test.cpp, fulfilment_store_test.cpp), on a server named by
// $DPA_TEST_PG_URL.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include "dpa/data_store.h"
#include "dpa/error.h"
#include "dpa/tenants.h"
#include "retention/erasure_ledger.h"
#include "retention/hashing.h"
#include "retention/holds.h"
#include "retention/pg_test_support.h"
#include "retention/plan.h"
#include "retention/sweep.h"

using namespace dpa;
using namespace dpa::retention;
using std::chrono::days;

#define PG_URL_OR_SKIP(var)                                                         \
  auto var##_opt = test::pg_test_url();                                             \
  if (!var##_opt) {                                                                 \
    WARN("DPA_TEST_PG_URL is not set: skipped (tools/pg-cluster start DIR gives one)"); \
    return;                                                                         \
  }                                                                                 \
  const std::string var = *var##_opt

namespace {
SweepOptions sweep_now(std::size_t batch = 3) {
  SweepOptions o;
  o.at = now();
  o.batch = batch;
  o.actor = "test@host";
  return o;
}

std::vector<long long> keys_of(const std::vector<DataRecord>& records) {
  std::vector<long long> out;
  for (const auto& r : records) out.push_back(std::get<std::int64_t>(r.key));
  return out;
}
}  // namespace

TEST_CASE("data map: a postgres store takes url and schema, never a password", "[retention][datamap][postgres]") {
  const std::string head = "[[store]]\nname = \"pg\"\nkind = \"postgres\"\n";
  DataMap m = parse_datamap(head + "url = \"postgresql:///app?host=/run/postgresql\"\nschema = \"crm\"\n", "dpa.toml", ".");
  REQUIRE(m.stores.size() == 1);
  CHECK(m.stores[0].schema == "crm");
  CHECK(parse_datamap(head + "url = \"postgresql://db/app\"\n", "dpa.toml", ".").stores[0].schema == "public");
  CHECK_THROWS_WITH(parse_datamap(head + "url = \"postgresql://u:secret@db/app\"\n", "dpa.toml", "."),
                    Catch::Contains("dpa.toml:4") && Catch::Contains("password") && !Catch::Contains("secret"));
  CHECK_THROWS_WITH(parse_datamap(head + "url = \"postgresql://db/app\"\nschema = \"bad name\"\n", "dpa.toml", "."),
                    Catch::Contains("dpa.toml:5"));
  CHECK_THROWS_WITH(parse_datamap(head + "url = \"mysql://db\"\n", "dpa.toml", "."), Catch::Contains("dpa.toml:4"));
  CHECK_THROWS_WITH(parse_datamap("[[store]]\nname = \"s\"\nkind = \"sqlite\"\npath = \"a.db\"\nschema = \"x\"\n",
                                  "dpa.toml", "."),
                    Catch::Contains("dpa.toml:5"));
}

TEST_CASE("postgres store: scan order, resume, stats, erase re-check, locate", "[retention][postgres]") {
  PG_URL_OR_SKIP(url);
  for (std::string type : {"text", "timestamptz", "timestamp"}) {
    INFO("created_at " << type);
    test::PgRetentionWorld w(url, type);
    DataMap map = w.map();
    const DatasetSpec& d = map.dataset("docs");
    long long a = w.row("docs", "t1", 10);
    long long b = w.row("docs", "t1", 30);
    long long c = w.row("docs", "t1", 20, "+77010000001");
    long long n1 = w.row("docs", "t1", 0);
    long long n2 = w.row("docs", "t1", 0);
    w.app.exec("UPDATE " + w.table("docs") + " SET created_at = NULL WHERE id IN (?, ?)",
               {static_cast<std::int64_t>(n1), static_cast<std::int64_t>(n2)});
    w.row("docs", "t0", 5);
    // Keys 9 and 10 at the same instant: in key order, not in the keys' text order.
    w.next_id = 8;
    long long k9 = w.row("docs", "t2", 40);
    long long k10 = w.row("docs", "t2", 40);
    w.app.exec("UPDATE " + w.table("docs") + " SET created_at = (SELECT created_at FROM " + w.table("docs") +
               " WHERE id = ?) WHERE id = ?", {static_cast<std::int64_t>(k9), static_cast<std::int64_t>(k10)});
    auto store = open_data_store(map.store_of(d), true);
    {
      auto first = store->scan(d, "t2", CreatedRange::all(), nullptr, 1);
      REQUIRE(first.size() == 1);
      CHECK(keys_of(first) == std::vector<long long>{k9});
      CHECK(keys_of(store->scan(d, "t2", CreatedRange::all(), &first[0], 5)) == std::vector<long long>{k10});
    }
    CHECK(store->tenants(d) == std::vector<std::string>{"t0", "t1", "t2"});

    // Records without a creation time first, then by creation time and key.
    auto all = store->scan(d, "t1", CreatedRange::all(), nullptr, 100);
    CHECK(keys_of(all) == std::vector<long long>{n1, n2, b, c, a});
    CHECK(all[2].created.has_value());
    // The raw value, as exports and requests read it, parses to the same instant.
    CHECK(store->created_time(d, all[2].created_raw) == all[2].created);
    CHECK_FALSE(all[0].created.has_value());
    CHECK(all[3].subjects.at(0) == std::optional<std::string>("+77010000001"));
    CHECK(all[3].bytes > 0);
    // Paging resumes strictly after the last record, whatever the page size.
    for (std::size_t page : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
      std::vector<long long> seen;
      std::optional<DataRecord> after;
      for (;;) {
        auto p = store->scan(d, "t1", CreatedRange::all(), after ? &*after : nullptr, page);
        for (long long k : keys_of(p)) seen.push_back(k);
        if (p.size() < page) break;
        after = p.back();
      }
      CHECK(seen == keys_of(all));
    }
    const CreatedRange old = CreatedRange::created_before(now() - days{15});
    CHECK(keys_of(store->scan(d, "t1", old, nullptr, 100)) == std::vector<long long>{b, c});
    RangeStats st = store->stats(d, "t1", old, true);
    CHECK(st.records == 2);
    CHECK(st.bytes > 0);
    REQUIRE(st.oldest);
    CHECK(std::chrono::abs(*st.oldest - (now() - days{30})) < std::chrono::minutes{5});

    // erase() re-checks the range: b became young since the scan and stays.
    auto due = store->scan(d, "t1", old, nullptr, 100);
    nlohmann::json where = store->locate(d, due);
    w.app.exec("UPDATE " + w.table("docs") + " SET created_at = ? WHERE id = ?",
               {format_utc(now()), static_cast<std::int64_t>(b)});
    auto relocated = store->relocate(d, "t1", where);
    CHECK(keys_of(relocated).size() >= 1);
    auto erased = store->erase(d, {{"t1", old, due}});
    REQUIRE(erased.size() == 1);
    CHECK(erased[0] == std::vector<bool>{false, true});
    CHECK(w.exists("docs", b));
    CHECK_FALSE(w.exists("docs", c));
    // Another tenant's range never reaches t0's records.
    auto t0 = store->scan(d, "t0", CreatedRange::all(), nullptr, 10);
    CHECK(store->erase(d, {{"t1", CreatedRange::all(), t0}})[0] == std::vector<bool>{false});
    CHECK(w.count("docs") == 7);
  }
}

TEST_CASE("postgres store: rows with their types, subject reads, update_row, check", "[retention][postgres]") {
  PG_URL_OR_SKIP(url);
  test::PgRetentionWorld w(url);
  w.app.exec_script("CREATE TABLE " + w.table("kinds") +
                    "(id integer PRIMARY KEY, tenant_id text, created_at text, n bigint, x double precision, "
                    "s text, b bytea, phone text);"
                    "INSERT INTO " + w.table("kinds") +
                    " VALUES (1, 't', '2026-01-02T00:00:00Z', 42, 1.5, 'a''b', '\\x00ff', '8 701 000 00 01'),"
                    " (2, 't', NULL, NULL, NULL, NULL, NULL, NULL),"
                    " (3, 't', '2026-01-01T00:00:00Z', 7, 0, 'z', '\\x', '+7 701 000 00 02'),"
                    " (4, 'u', '2026-01-01T00:00:00Z', 8, 0, 'other', '\\x01', '+7 701 000 00 01')");
  std::string toml = test::read_file(w.home / "dpa.toml") + R"toml(
[[dataset]]
name     = "kinds"
store    = "app"
table    = "kinds"
key      = "id"
category = "documents.signed"
tenant   = "tenant_id"
created  = "created_at"
subject  = { phone = "phone" }
)toml";
  DataMap map = parse_datamap(toml, w.home / "dpa.toml", w.home);
  const DatasetSpec& d = map.dataset("kinds");
  auto store = open_data_store(map.store_of(d), true);
  CHECK(store->column_names(d) == std::vector<std::string>{"id", "tenant_id", "created_at", "n", "x", "s", "b", "phone"});
  std::vector<std::vector<CellValue>> rows;
  store->read_rows(d, "t", nullptr, [&](const std::vector<CellValue>& r) {
    rows.push_back(r);
    return true;
  });
  REQUIRE(rows.size() == 3);
  // NULL creation time first, then by creation time: the order of scan().
  CHECK(std::get<std::int64_t>(rows[0][0]) == 2);
  CHECK(std::holds_alternative<std::monostate>(rows[0][3]));
  CHECK(std::get<std::int64_t>(rows[1][0]) == 3);
  CHECK(std::get<std::int64_t>(rows[2][3]) == 42);
  CHECK(std::get<double>(rows[2][4]) == 1.5);
  CHECK(std::get<std::string>(rows[2][5]) == "a'b");
  CHECK(std::get<std::vector<unsigned char>>(rows[2][6]) == std::vector<unsigned char>{0x00, 0xff});
  CHECK(std::get<std::vector<unsigned char>>(rows[1][6]).empty());

  SubjectMatch m{"phone", {"+77010000001"}, normalize_subject};
  std::vector<std::int64_t> hits;
  store->read_rows(d, "t", &m, [&](const std::vector<CellValue>& r) {
    hits.push_back(std::get<std::int64_t>(r[0]));
    return true;
  });
  CHECK(hits == std::vector<std::int64_t>{1});  // not tenant u's row with the same phone

  CHECK(store->update_row(d, "t", std::int64_t{1}, {{"phone", std::monostate{}}, {"s", std::string("masked")}}));
  CHECK_FALSE(store->update_row(d, "u", std::int64_t{1}, {{"s", std::string("x")}}));  // another tenant's key
  CHECK(w.app.exec("SELECT s, phone IS NULL FROM " + w.table("kinds") + " WHERE id = 1").text(0, 0) == "masked");
  CHECK_THROWS_AS(store->update_row(d, "t", std::int64_t{1}, {{"nope", std::string("x")}}), InputError);

  // check(): no index on (tenant_id, created_at) nor on phone: warnings that say what to create.
  auto problems = store->check(d);
  bool index_warning = false, subject_warning = false;
  for (const auto& p : problems) {
    CHECK(p.severity == DataMapProblem::Severity::kWarning);
    index_warning = index_warning || p.message.find("no index on (tenant_id, created_at)") != std::string::npos;
    subject_warning = subject_warning || p.message.find("subject column phone") != std::string::npos;
  }
  CHECK(index_warning);
  CHECK(subject_warning);
  DatasetSpec missing = d;
  missing.table = "nothing_here";
  auto e = store->check(missing);
  REQUIRE(e.size() == 1);
  CHECK(e[0].severity == DataMapProblem::Severity::kError);
  w.app.exec_script("UPDATE " + w.table("kinds") + " SET created_at = 'yesterday' WHERE id = 3");
  bool format_error = false;
  for (const auto& p : store->check(d)) format_error = format_error || p.message.find("created_format") != std::string::npos;
  CHECK(format_error);
}

TEST_CASE("postgres store: the sweep lock of a table admits one session", "[retention][postgres][lock]") {
  PG_URL_OR_SKIP(url);
  test::PgRetentionWorld w(url);
  DataMap map = w.map();
  const DatasetSpec& d = map.dataset("docs");
  auto first = open_data_store(map.store_of(d), true);
  auto second = open_data_store(map.store_of(d), true);
  std::string holder;
  CHECK(first->try_lock_dataset(d, &holder));
  CHECK_FALSE(second->try_lock_dataset(d, &holder));
  CHECK_THAT(holder, Catch::Contains("docs") && Catch::Contains("pid"));
  CHECK(second->try_lock_dataset(map.dataset("journal"), &holder));  // another table
  first.reset();
  // The server ends the closed session (and its locks) a moment later.
  bool taken = false;
  for (int i = 0; i < 100 && !taken; ++i) {
    taken = second->try_lock_dataset(d, &holder);
    if (!taken) ::usleep(20000);
  }
  CHECK(taken);
}

TEST_CASE("postgres: sweeps in batches of every size delete exactly what is due", "[retention][sweep][postgres]") {
  PG_URL_OR_SKIP(url);
  for (std::size_t batch : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
    test::PgRetentionWorld w(url);
    std::vector<long long> due, young;
    for (int t = 0; t < 5; ++t) {
      std::string id = "t" + std::to_string(t);
      w.tenant(id, "upstat");
      terminate_tenant(*w.ws, id, now() - days{45});
    }
    w.tenant("live", "upstat");
    for (int i = 0; i < 60; ++i) {
      due.push_back(w.row("docs", "t" + std::to_string(i % 5), 50 + i % 3, "+7701000" + std::to_string(1000 + i)));
      young.push_back(w.row("docs", "live", 50));
    }
    RetentionPlan plan = make_plan(*w.ws, w.map(), {now(), std::nullopt, std::nullopt});
    CHECK(plan.count(PlanLine::Status::kDue) == 60);
    SweepResult r = run_sweep(*w.ws, w.map(), sweep_now(batch));
    INFO("batch " << batch);
    CHECK(r.records == 60);
    CHECK(r.complete);
    CHECK(r.skipped.empty());
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
  }
}

TEST_CASE("postgres: holds keep due data; the erasure ledger re-erases after a restore", "[retention][ledger][postgres]") {
  PG_URL_OR_SKIP(url);
  test::PgRetentionWorld w(url);
  w.tenant("t", "upstat");
  terminate_tenant(*w.ws, "t", now() - days{45});
  long long held = w.row("docs", "t", 50, "+77010000009");
  add_hold(*w.ws, w.map(), {"t", std::string("docs"), std::nullopt, "litigation", std::nullopt, "dpo"});
  CHECK(make_plan(*w.ws, w.map(), {now(), std::nullopt, std::nullopt}).count(PlanLine::Status::kHeld) == 1);
  SweepResult r = run_sweep(*w.ws, w.map(), sweep_now());
  CHECK(r.records == 0);
  CHECK(w.exists("docs", held));

  w.tenant("a", "upstat");
  long long keep = w.row("docs", "a", 3);
  long long erased = w.row("docs", "a", 3, "+77010000000");
  w.app.exec_script("CREATE TABLE " + w.table("backup") + " AS SELECT * FROM " + w.table("docs"));
  w.app.exec("DELETE FROM " + w.table("docs") + " WHERE id = ?", {static_cast<std::int64_t>(erased)});
  RecordHasher hasher(w.ws->keys());
  TombstoneRecord t;
  t.dataset = "docs";
  t.tenant_id = "a";
  t.key_hash = hasher.key_hash("docs", std::to_string(erased));
  record_erasures(*w.ws, {t}, "request 2026-77");
  w.app.exec_script("DELETE FROM " + w.table("docs") + "; INSERT INTO " + w.table("docs") + " SELECT * FROM " +
                    w.table("backup"));
  REQUIRE(w.exists("docs", erased));
  ReapplyOptions o;
  o.at = now();
  o.actor = "test@host";
  ReapplyResult rr = run_reapply(*w.ws, w.map(), o);
  CHECK(rr.records == 1);
  CHECK_FALSE(w.exists("docs", erased));
  CHECK(w.exists("docs", keep));
  CHECK(w.exists("docs", held));
}

TEST_CASE("postgres: two sweeps at once delete each due record exactly once", "[retention][sweep][postgres]") {
  PG_URL_OR_SKIP(url);
  test::PgRetentionWorld w(url);
  for (int t = 0; t < 4; ++t) {
    w.tenant("t" + std::to_string(t), "upstat");
    terminate_tenant(*w.ws, "t" + std::to_string(t), now() - days{45});
  }
  w.tenant("live", "upstat");
  for (int i = 0; i < 400; ++i) {
    w.row("docs", "t" + std::to_string(i % 4), 50);
    w.row("docs", "live", 50);
  }
  // Two processes, each with its own workspace handle, started together.
  std::vector<pid_t> children;
  for (int p = 0; p < 2; ++p) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int status = 0;
      try {
        Workspace ws = Workspace::open(w.home, "test@host");
        run_sweep(ws, read_datamap(w.home / "dpa.toml"), sweep_now(10));
      } catch (const BusyError&) {
        status = 5;  // every dataset held by the other: allowed
      } catch (...) {
        status = 1;
      }
      ::_exit(status);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK((WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 5));
  }
  // Whatever one skipped, a third sweep finishes; nothing is erased twice.
  run_sweep(*w.ws, w.map(), sweep_now(10));
  CHECK(w.count("docs") == 400);  // the live tenant's rows
  std::int64_t tombstones = 0;
  w.ws->store().scan_tombstones({}, [&](const TombstoneRecord&) {
    ++tombstones;
    return true;
  });
  CHECK(tombstones == 400);
  // The audit entries of the deletions add up to the due records, once each.
  std::int64_t audited = 0;
  AuditQuery q;
  q.action = "retention.delete";
  w.ws->store().scan_audit(q, [&](const AuditRecord& a) {
    audited += nlohmann::json::parse(a.details).at("records").get<std::int64_t>();
    return true;
  });
  CHECK(audited == 400);
  CHECK(w.ws->audit().verify().ok());
}

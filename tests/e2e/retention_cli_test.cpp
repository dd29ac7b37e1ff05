// End-to-end: tenant terminate, datamap check, retention plan/sweep/hold/reapply.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "dpa/workspace.h"
#include "e2e/retention_fixture.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
namespace fx = dpa::test::retention_fixture;
using dpa::test::run_dpa;
using dpa::test::TempDir;

namespace {

dpa::test::RunResult dpa_at(const fs::path& home, std::vector<std::string> args) {
  args.insert(args.begin(), {"--home", home.string()});
  return run_dpa(args);
}

nlohmann::json json_of(const fs::path& home, std::vector<std::string> args) {
  args.insert(args.begin(), "--json");
  auto r = dpa_at(home, args);
  INFO(r.err);
  REQUIRE(r.status == 0);
  return nlohmann::json::parse(r.out);
}

// The plan's lines for one dataset and tenant.
std::vector<nlohmann::json> lines(const nlohmann::json& plan, const std::string& dataset, const std::string& tenant) {
  for (const auto& g : plan["groups"]) {
    if (g["dataset"] == dataset && g["tenant"] == tenant) return g["lines"].get<std::vector<nlohmann::json>>();
  }
  return {};
}

long long count(const std::vector<nlohmann::json>& ls, const std::string& status) {
  long long n = 0;
  for (const auto& l : ls) {
    if (l["status"] == status) n += l["records"].get<long long>();
  }
  return n;
}

}  // namespace

TEST_CASE("tenant terminate computes the contract's dates from the policy", "[e2e][retention]") {
  TempDir dir;
  REQUIRE(dpa_at(dir.path(), {"init"}).status == 0);
  REQUIRE(dpa_at(dir.path(), {"tenant", "add", "acme", "--policy", "upstat"}).status == 0);
  REQUIRE(dpa_at(dir.path(), {"tenant", "add", "shop", "--policy", "truffles"}).status == 0);

  auto up = json_of(dir.path(), {"tenant", "terminate", "acme", "--on", "2026-03-01"});
  CHECK(up["status"] == "terminated");
  CHECK(up["terminated_at"] == "2026-02-28T19:00:00Z");  // local midnight in Almaty (UTC+5)
  CHECK(up["delete_after"] == "2026-03-30T19:00:00Z");   // 30 days (upstat 22.3.1)
  auto tr = json_of(dir.path(), {"tenant", "terminate", "shop", "--on", "2026-03-01T12:00"});
  CHECK(tr["export_until"] == "2026-03-15T07:00:00Z");   // 14 days (truffles 8.5)
  CHECK(tr["delete_after"] == "2026-03-31T07:00:00Z");   // 30 days

  auto show = dpa_at(dir.path(), {"tenant", "show", "shop"});
  CHECK_THAT(show.out, Catch::Contains("export by  2026-03-15T07:00:00Z (14d after termination, if no-debt; truffles 8.5)"));
  CHECK_THAT(show.out, Catch::Contains("delete on  2026-03-31T07:00:00Z (30d after termination, duty; truffles 8.5; DPA 3.1.7)"));

  auto again = dpa_at(dir.path(), {"tenant", "terminate", "shop"});
  CHECK(again.status == 3);
  CHECK_THAT(again.err, Catch::Contains("ended on"));
  auto log = json_of(dir.path(), {"audit", "log", "--action", "tenant.terminate"});
  REQUIRE(log.size() == 2);
  CHECK(log[1]["details"]["export_condition"] == "no-debt");
  CHECK(log[1]["details"]["deletion_clause"] == "truffles 8.5; DPA 3.1.7");
}

TEST_CASE("tenant add --registered and tenant set record the client's registration", "[e2e][retention]") {
  TempDir dir;
  REQUIRE(dpa_at(dir.path(), {"init"}).status == 0);
  auto added = json_of(dir.path(), {"tenant", "add", "edo", "--policy", "adr", "--registered", "2020-03-01"});
  CHECK(added["registered_at"] == "2020-02-29T18:00:00Z");  // local midnight in Almaty (UTC+6 until 2024)
  CHECK(added["registered_recorded"] == true);
  REQUIRE(dpa_at(dir.path(), {"tenant", "add", "late", "--policy", "adr"}).status == 0);
  auto late = json_of(dir.path(), {"tenant", "show", "late"});
  CHECK(late["registered_recorded"] == false);
  CHECK(late["registered_at"] == late["created_at"]);
  CHECK_THAT(dpa_at(dir.path(), {"tenant", "show", "late"}).out, Catch::Contains("(when it was added;"));

  auto set = dpa_at(dir.path(), {"tenant", "set", "late", "--registered", "2019-06-15"});
  REQUIRE(set.status == 0);
  CHECK_THAT(set.out, Catch::Contains("tenant late registered on 2019-06-15"));
  auto show = dpa_at(dir.path(), {"tenant", "show", "late"});
  CHECK_THAT(show.out, Catch::Contains("registered 2019-06-14T18:00:00Z\n"));

  CHECK(dpa_at(dir.path(), {"tenant", "set", "late", "--registered", "2999-01-01"}).status == 3);
  CHECK(dpa_at(dir.path(), {"tenant", "set", "late"}).status == 2);
  CHECK(dpa_at(dir.path(), {"tenant", "set", "nobody", "--registered", "2019-06-15"}).status == 3);
  CHECK(dpa_at(dir.path(), {"tenant", "add", "soon", "--policy", "adr", "--registered", "2999-01-01"}).status == 3);

  auto log = json_of(dir.path(), {"audit", "log", "--action", "tenant.set"});
  REQUIRE(log.size() == 1);
  CHECK(log[0]["details"]["registered_at"] == "2019-06-14T18:00:00Z");
  CHECK(log[0]["details"]["previous_from"] == "tenant add");
  CHECK(dpa_at(dir.path(), {"audit", "verify"}).status == 0);
}

TEST_CASE("datamap check reports missing tables, columns and indexes", "[e2e][retention]") {
  TempDir dir;
  REQUIRE(dpa_at(dir.path(), {"init"}).status == 0);
  fs::create_directories(dir / "var/files");
  {
    SQLite::Database db((dir / "var/app.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, tenant TEXT, made TEXT, phone TEXT)");
    db.exec("INSERT INTO t VALUES(1, 'a', '2026-01-01 10:00:00', '+7701')");
  }
  auto base = dpa::test::read_file(dir / "dpa.toml");
  auto with = [&](const std::string& map) { dpa::test::write_file(dir / "dpa.toml", base + map); };

  with(R"(
[[store]]
name = "app"
kind = "sqlite"
path = "var/app.db"
[[dataset]]
name = "things"
store = "app"
table = "t"
key = "id"
category = "identification.contact"
tenant = "tenant"
created = "made"
created_format = "sqlite"
subject = { phone = "phone" }
[[store]]
name = "files"
kind = "files"
root = "var/files"
[[dataset]]
name = "docs"
store = "files"
path = "{tenant}/{yyyy}/{id}.pdf"
category = "identification.contact"
)");
  auto ok = dpa_at(dir.path(), {"datamap", "check"});
  CHECK(ok.status == 0);
  CHECK_THAT(ok.out, Catch::Contains("no index on (tenant, made) of t"));
  CHECK_THAT(ok.out, Catch::Contains("subject column phone (phone) of t has no index"));
  CHECK_THAT(ok.out, Catch::Contains("data map ok: 2 store(s), 2 dataset(s)"));

  with(R"(
[[store]]
name = "app"
kind = "sqlite"
path = "var/app.db"
[[dataset]]
name = "things"
store = "app"
table = "t"
key = "id"
category = "identification.contact"
tenant = "tenant"
created = "created_at"
[[dataset]]
name = "other"
store = "app"
table = "nope"
key = "id"
category = "identification.contact"
tenant = "tenant"
created = "made"
)");
  auto bad = dpa_at(dir.path(), {"--json", "datamap", "check"});
  CHECK(bad.status == 3);
  auto j = nlohmann::json::parse(bad.out);
  CHECK(j["ok"] == false);
  std::string all = j["problems"].dump();
  CHECK_THAT(all, Catch::Contains("has no column 'created_at'"));
  CHECK_THAT(all, Catch::Contains("has no table 'nope'"));

  // The default iso8601 format does not read "2026-01-01 10:00:00": an error,
  // because such rows would compare wrong.
  with(R"(
[[store]]
name = "app"
kind = "sqlite"
path = "var/app.db"
[[dataset]]
name = "things"
store = "app"
table = "t"
key = "id"
category = "identification.contact"
tenant = "tenant"
created = "made"
)");
  auto fmt = dpa_at(dir.path(), {"datamap", "check"});
  CHECK(fmt.status == 3);
  CHECK_THAT(fmt.out, Catch::Contains("not in created_format iso8601"));

  // Identifiers are validated where they are read.
  with("[[store]]\nname = \"app\"\nkind = \"sqlite\"\npath = \"var/app.db\"\n[[dataset]]\nname = \"x\"\n"
       "store = \"app\"\ntable = \"t; DROP TABLE t\"\nkey = \"id\"\ncategory = \"c\"\ntenant = \"tenant\"\n"
       "created = \"made\"\n");
  auto inj = dpa_at(dir.path(), {"datamap", "check"});
  CHECK(inj.status == 3);
  CHECK_THAT(inj.err, Catch::Contains("dpa.toml:"));
  CHECK_THAT(inj.err, Catch::Contains("not a plain SQL identifier"));
}

TEST_CASE("retention plan says what is due and what is kept, and why", "[e2e][retention]") {
  TempDir dir;
  const fs::path home = dir / "ws";
  fx::Expected e = fx::build(home);
  auto plan = json_of(home, {"retention", "plan"});

  auto gone = lines(plan, "calls", "gone");
  CHECK(count(gone, "delete") == 11);
  CHECK_THAT(gone[0]["clause"].get<std::string>(), Catch::Contains("upstat 22.3.1"));
  CHECK_THAT(gone[0]["why"].get<std::string>(), Catch::StartsWith("deletion 30d after termination on"));
  CHECK(gone[0]["bytes"].get<long long>() > 0);

  auto live = lines(plan, "calls", "live");
  CHECK(count(live, "delete") == 6);
  CHECK(count(live, "held") == 2);  // the subject hold, through "8 (701) 000-00-01"
  CHECK(count(live, "keep") == 4);
  for (const auto& l : live) {
    if (l["status"] == "delete") CHECK(l["clause"] == "autocall 2.1.10");
    if (l["status"] == "held") CHECK_THAT(l["why"].get<std::string>(), Catch::Contains("case 17"));
    if (l["status"] == "keep") CHECK(l["until"].is_string());
  }
  auto frozen = lines(plan, "calls", "frozen");
  CHECK(count(frozen, "held") == 4);
  CHECK(count(lines(plan, "recordings", "frozen"), "delete") == 3);
  CHECK(count(lines(plan, "recordings", "live"), "delete") == 2);

  REQUIRE(plan["keys"].size() == 2);
  for (const auto& k : plan["keys"]) {
    if (k["tenant"] == "gone") CHECK(k["destroy"] == true);
    if (k["tenant"] == "frozen") CHECK_THAT(k["blocked_by"].get<std::string>(), Catch::Contains("dispute 4"));
  }
  CHECK(plan["totals"]["delete_records"] == static_cast<long long>(e.due()));

  // The plan changes nothing, and neither does a sweep without --apply.
  auto dry = dpa_at(home, {"retention", "sweep"});
  CHECK(dry.status == 0);
  CHECK_THAT(dry.out, Catch::Contains("dry run: nothing was deleted"));
  CHECK(fx::rows_left(home).size() == e.kept_rows.size() + e.due_rows.size());

  // A plan at a later date: live's new recordings become due in time.
  auto later = json_of(home, {"retention", "plan", "--at", fx::date_days_ago(-120), "--tenant", "live"});
  CHECK(count(lines(later, "recordings", "live"), "delete") == 4);
}

namespace {
// Holds the state's lock "retention:<dataset>" as another sweeper would,
// through the workspace's own state (an flock on SQLite, an advisory lock on
// PostgreSQL), for as long as the object lives.
struct OtherSweeper {
  dpa::Workspace ws;
  std::vector<std::unique_ptr<dpa::HeldLock>> locks;
  explicit OtherSweeper(const fs::path& home) : ws(dpa::Workspace::open(home, "other-sweeper")) {}
  void hold(const std::string& dataset) {
    std::string holder;
    auto lock = ws.store().try_lock("retention:" + dataset, "dpa retention sweep", &holder);
    REQUIRE(lock);
    locks.push_back(std::move(lock));
  }
};
// What the holder's line names: this test's process (PostgreSQL's shorter
// line, which must fit application_name, drops the "by").
std::string holder_pid() { return "pid " + std::to_string(::getpid()) + " on "; }
}  // namespace

TEST_CASE("a second sweep exits 5 while the first holds every dataset's lock", "[e2e][retention]") {
  TempDir dir;
  const fs::path home = dir / "ws";
  fx::build(home);
  {
    OtherSweeper other(home);
    other.hold("calls");
    other.hold("recordings");
    auto r = dpa_at(home, {"retention", "sweep", "--apply"});
    CHECK(r.status == 5);
    CHECK_THAT(r.err, Catch::Contains("another retention process holds"));
    CHECK_THAT(r.err, Catch::Contains(holder_pid()));
  }
  CHECK(dpa_at(home, {"retention", "sweep", "--apply"}).status == 0);
}

TEST_CASE("a sweep skips the dataset another sweeper holds and sweeps the others", "[e2e][retention]") {
  TempDir dir;
  const fs::path home = dir / "ws";
  fx::Expected e = fx::build(home);
  const auto rows_before = fx::rows_left(home);
  {
    OtherSweeper other(home);
    other.hold("calls");
    auto r = dpa_at(home, {"retention", "sweep", "--apply", "--json"});
    CHECK(r.status == 0);
    CHECK_THAT(r.err, Catch::Contains("dataset calls skipped"));
    CHECK_THAT(r.err, Catch::Contains(holder_pid()));
    auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["skipped"].size() == 1);
    CHECK(j["skipped"][0]["dataset"] == "calls");
    for (const auto& d : j["datasets"]) CHECK(d["dataset"] != "calls");  // not reported as done
    CHECK(fx::rows_left(home) == rows_before);                           // calls untouched
    CHECK(fx::files_left(home) == e.kept_files);                          // recordings swept
    CHECK(j["keys_destroyed"].empty());  // a tenant's key waits for every dataset
  }
  auto again = nlohmann::json::parse(dpa_at(home, {"retention", "sweep", "--apply", "--json"}).out);
  CHECK(again["skipped"].empty());
  CHECK(fx::rows_left(home) == e.kept_rows);
  CHECK(dpa_at(home, {"audit", "verify"}).status == 0);
}

TEST_CASE("sweep --apply deletes what is due; held data survive until released", "[e2e][retention]") {
  TempDir dir;
  const fs::path home = dir / "ws";
  fx::Expected e = fx::build(home);
  auto r = json_of(home, {"retention", "sweep", "--apply", "--batch", "3"});
  CHECK(r["records"] == static_cast<long long>(e.due()));
  CHECK(r["complete"] == true);
  CHECK(r["keys_destroyed"] == nlohmann::json::array({"gone"}));
  CHECK(fx::rows_left(home) == e.kept_rows);
  CHECK(fx::files_left(home) == e.kept_files);

  // Running it again finds nothing: the sweep is idempotent.
  auto again = json_of(home, {"retention", "sweep", "--apply"});
  CHECK(again["records"] == 0);
  CHECK(dpa_at(home, {"retention", "sweep", "--apply"}).out.empty());  // quiet for cron

  auto holds = json_of(home, {"retention", "hold", "list"});
  REQUIRE(holds.size() == 2);
  CHECK(holds[0]["subject_kind"] == "phone");
  CHECK(holds[0]["subject_hash"].get<std::string>().size() == 64);
  CHECK(holds[0].dump().find("7010000001") == std::string::npos);  // never the value
  REQUIRE(dpa_at(home, {"retention", "hold", "release", std::to_string(holds[1]["id"].get<long long>())}).status == 0);
  CHECK(json_of(home, {"retention", "hold", "list"}).size() == 1);
  CHECK(json_of(home, {"retention", "hold", "list", "--all"}).size() == 2);
  auto after = json_of(home, {"retention", "sweep", "--apply"});
  CHECK(after["records"] == 4);  // frozen's calls, held until now
  CHECK(after["keys_destroyed"] == nlohmann::json::array({"frozen"}));
  CHECK(dpa_at(home, {"audit", "verify"}).status == 0);
}

TEST_CASE("sweep --max-runtime stops between batches and a later run continues", "[e2e][retention]") {
  TempDir dir;
  const fs::path home = dir / "ws";
  fx::Expected e = fx::build(home);
  auto first = json_of(home, {"retention", "sweep", "--apply", "--batch", "2", "--max-runtime", "0s"});
  CHECK(first["complete"] == false);
  CHECK(first["records"] == 0);
  CHECK(first["remaining"] == static_cast<long long>(e.due()));
  auto text = dpa_at(home, {"retention", "sweep", "--apply", "--max-runtime", "0s"});
  CHECK_THAT(text.out, Catch::Contains("stopped after --max-runtime"));
  auto rest = json_of(home, {"retention", "sweep", "--apply"});
  CHECK(rest["records"] == static_cast<long long>(e.due()));
  auto bad = dpa_at(home, {"retention", "sweep", "--apply", "--max-runtime", "soon"});
  CHECK(bad.status == 2);
  auto future = dpa_at(home, {"retention", "sweep", "--apply", "--at", fx::date_days_ago(-30)});
  CHECK(future.status == 6);
}

TEST_CASE("a restored backup's erased rows are erased again", "[e2e][retention]") {
  TempDir dir;
  const fs::path home = dir / "ws";
  fx::Expected e = fx::build(home);
  fs::copy_file(home / "var/app.db", dir / "backup.db");
  REQUIRE(json_of(home, {"retention", "sweep", "--apply"})["records"] == static_cast<long long>(e.due()));
  fs::copy_file(dir / "backup.db", home / "var/app.db", fs::copy_options::overwrite_existing);
  REQUIRE(fx::rows_left(home).size() == e.kept_rows.size() + e.due_rows.size());

  // reapply checks every tombstone; the next sweep would also re-delete these
  // by its rules, so reapply gets the first go.
  auto r = json_of(home, {"retention", "reapply"});
  CHECK(r["records"] == static_cast<long long>(e.due_rows.size()));
  CHECK(fx::rows_left(home) == e.kept_rows);
  CHECK(json_of(home, {"audit", "log", "--action", "retention.reapply"}).size() >= 1);

  fs::copy_file(dir / "backup.db", home / "var/app.db", fs::copy_options::overwrite_existing);
  auto s = json_of(home, {"retention", "sweep", "--apply"});
  CHECK(s["records"] == static_cast<long long>(e.due_rows.size()));
  CHECK(fx::rows_left(home) == e.kept_rows);
  CHECK(dpa_at(home, {"audit", "verify"}).status == 0);
}

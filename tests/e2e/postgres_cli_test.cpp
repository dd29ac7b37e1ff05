// The CLI on a data map whose tables live in PostgreSQL ($DPA_TEST_PG_URL):
// the retention fixture's calls moved to a schema of their own, a subject
// request's erasure and an export, and a sweep whose server is killed under
// it (on a cluster of the test's own, started with tools/pg-cluster).
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <thread>

#include "dpa/pg_connection.h"
#include "e2e/retention_fixture.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
namespace fx = dpa::test::retention_fixture;
namespace pg = dpa::pg;
using dpa::test::run_dpa;
using dpa::test::TempDir;

namespace {

std::optional<std::string> pg_url() {
  const char* u = std::getenv("DPA_TEST_PG_URL");
  if (!u || !*u) return std::nullopt;
  return std::string(u);
}

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

// Runs a command without a shell; its stdout and exit status.
dpa::test::RunResult run_command(const std::vector<std::string>& argv) {
  std::string cmd;
  for (const auto& a : argv) cmd += "'" + a + "' ";
  dpa::test::RunResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return r;
}

std::string unique_schema() {
  return "dpa_e2e_" + std::to_string(::getpid()) + "_" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000000);
}

// The fixture's calls table, moved from its SQLite file into `schema` on the
// server, and the data map's store "app" pointed at it. `extra_due` more
// rows of tenant gone (all due) make the sweep long enough to interrupt.
struct PgCalls {
  pg::Connection conn;
  std::string schema = unique_schema();
  std::string table() const { return pg::quote_identifier(schema) + ".calls"; }

  PgCalls(const std::string& url, const fs::path& home, fx::Expected& e, int extra_due = 0)
      : conn(pg::Connection::open(url)) {
    conn.exec_script("CREATE SCHEMA " + pg::quote_identifier(schema) + "; CREATE TABLE " + table() +
                     "(id bigint PRIMARY KEY, tenant_id text NOT NULL, created_at timestamptz NOT NULL, phone text, "
                     "body text); CREATE INDEX ON " + table() + "(tenant_id, created_at); CREATE INDEX ON " + table() +
                     "(tenant_id, phone)");
    SQLite::Database db((home / "var" / "app.db").string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT id, tenant_id, created_at, phone, body FROM calls");
    const std::string ins = "INSERT INTO " + table() + " VALUES (?, ?, ?, ?, ?)";
    while (q.executeStep()) {
      conn.exec(ins, {static_cast<std::int64_t>(q.getColumn(0).getInt64()), q.getColumn(1).getString(),
                      q.getColumn(2).getString(), q.getColumn(3).getString(), q.getColumn(4).getString()});
    }
    for (int i = 0; i < extra_due; ++i) {
      long long id = 10000 + i;
      conn.exec(ins, {static_cast<std::int64_t>(id), std::string("gone"),
                      fx::iso(std::chrono::system_clock::now() - std::chrono::days{70 + i % 20}),
                      std::string("+7701666") + std::to_string(1000 + i % 9000), std::string("extra")});
      e.due_rows.insert(id);
    }
    std::string toml = dpa::test::read_file(home / "dpa.toml");
    const std::string from = "kind = \"sqlite\"\npath = \"var/app.db\"\n";
    auto at = toml.find(from);
    REQUIRE(at != std::string::npos);
    toml.replace(at, from.size(), "kind = \"postgres\"\nurl = \"" + url + "\"\nschema = \"" + schema + "\"\n");
    dpa::test::write_file(home / "dpa.toml", toml);
    fs::remove(home / "var" / "app.db");
  }
  ~PgCalls() {
    try {
      conn.exec_script("DROP SCHEMA " + pg::quote_identifier(schema) + " CASCADE");
    } catch (...) {
    }
  }
  std::set<long long> rows() {
    std::set<long long> out;
    pg::Result r = conn.exec("SELECT id FROM " + table());
    for (int i = 0; i < r.rows(); ++i) out.insert(r.int64(i, 0));
    return out;
  }
};

}  // namespace

TEST_CASE("postgres data map: check, plan, sweep and reapply through the CLI", "[e2e][retention][postgres]") {
  auto url = pg_url();
  if (!url) {
    WARN("DPA_TEST_PG_URL is not set: skipped");
    return;
  }
  TempDir dir;
  const fs::path home = dir / "ws";
  fx::Expected e = fx::build(home);
  PgCalls calls(*url, home, e);

  auto check = dpa_at(home, {"datamap", "check"});
  INFO(check.out << check.err);
  CHECK(check.status == 0);
  auto plan = json_of(home, {"retention", "plan"});
  CHECK(plan.dump().find("calls") != std::string::npos);

  auto r = json_of(home, {"retention", "sweep", "--apply", "--batch", "3"});
  CHECK(r["records"] == static_cast<long long>(e.due()));
  CHECK(r["complete"] == true);
  CHECK(r["skipped"].empty());
  CHECK(calls.rows() == e.kept_rows);
  CHECK(fx::files_left(home) == e.kept_files);
  auto again = json_of(home, {"retention", "sweep", "--apply"});
  CHECK(again["records"] == 0);
  auto re = json_of(home, {"retention", "reapply"});
  CHECK(re["records"] == 0);
  CHECK(dpa_at(home, {"audit", "verify"}).status == 0);
}

TEST_CASE("postgres data map: a subject's erasure and a tenant export", "[e2e][requests][exports][postgres]") {
  auto url = pg_url();
  if (!url) {
    WARN("DPA_TEST_PG_URL is not set: skipped");
    return;
  }
  TempDir dir;
  const fs::path home = dir / "ws";
  fx::Expected e = fx::build(home);
  PgCalls calls(*url, home, e);
  // live's calls with +7702444100x: call ids of tenant live.
  auto before = calls.rows();
  auto open = json_of(home, {"request", "open", "--tenant", "live", "--type", "erase", "--subject",
                             "phone:+77024441005"});
  const std::string id = open["id"];
  auto found = json_of(home, {"request", "find", id});
  std::int64_t hits = 0;
  for (const auto& d : found["datasets"]) {
    if (d["dataset"] == "calls") hits += static_cast<std::int64_t>(d["found"].size());
  }
  CHECK(hits == 1);
  auto fulfil = dpa_at(home, {"--json", "request", "fulfil", id});
  INFO(fulfil.err);
  REQUIRE(fulfil.status == 0);
  auto after = calls.rows();
  CHECK(after.size() + 1 == before.size());
  // The ledger keeps it erased: a sweep re-applies nothing, the row is gone.
  CHECK(json_of(home, {"retention", "reapply"})["records"] == 0);

  TempDir out;
  auto pkg = json_of(home, {"export", "create", "--tenant", "live", "--format", "dir", "--out", (out / "live").string()});
  dpa::test::write_file(out / "signer.pub", pkg["public_key"].get<std::string>() + "\n");
  std::string rows = dpa::test::read_file(out / "live" / "data" / "tables" / "calls.jsonl");
  CHECK(std::count(rows.begin(), rows.end(), '\n') == 11);  // live's 12 calls, one erased
  auto v = run_dpa({"export", "verify", (out / "live").string(), "--pubkey", (out / "signer.pub").string()});
  INFO(v.err);
  CHECK(v.status == 0);
  CHECK(dpa_at(home, {"audit", "verify"}).status == 0);
}

TEST_CASE("postgres killed in the middle of a sweep: the next sweep finishes the job", "[e2e][retention][postgres]") {
  if (!pg_url()) {
    WARN("DPA_TEST_PG_URL is not set: skipped");
    return;
  }
  // A server of this test's own: it is killed.
  TempDir cluster_dir;
  const std::string tool = (dpa::test::source_dir() / "tools" / "pg-cluster").string();
  const fs::path cluster = cluster_dir / "pg";
  auto started = run_command({tool, "start", cluster.string()});
  REQUIRE(started.status == 0);
  std::string url = started.out.substr(0, started.out.find('\n'));
  struct Stop {
    std::string tool, dir;
    ~Stop() { run_command({tool, "stop", dir}); }
  } stop{tool, cluster.string()};
  // When the suite runs with the state on PostgreSQL, this workspace keeps
  // its state on the server that is killed too, beside the customer data:
  // both lose the connection mid-sweep.
  struct StateOnThisServer {
    std::optional<std::string> before;
    explicit StateOnThisServer(const std::string& u) {
      if (const char* b = std::getenv("DPA_TEST_PG_URL")) before = b;
      if (before) ::setenv("DPA_TEST_PG_URL", u.c_str(), 1);
    }
    ~StateOnThisServer() {
      if (before) ::setenv("DPA_TEST_PG_URL", before->c_str(), 1);
    }
  } state_here{url};

  TempDir dir;
  const fs::path home = dir / "ws";
  fx::Expected e = fx::build(home);
  if (dpa::test::pg_state()) {
    CHECK_THAT(dpa::test::read_file(home / "dpa.toml"), Catch::Contains(cluster.string()));
  }
  std::optional<PgCalls> calls;
  calls.emplace(url, home, e, 3000);
  const std::size_t total = calls->rows().size();

  // A sweep in batches of one; the server is killed once it has deleted some.
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::execl(DPA_BINARY, DPA_BINARY, "--home", home.c_str(), "retention", "sweep", "--apply", "--batch", "1",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  bool killed = false;
  for (int i = 0; i < 3000 && !killed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (calls->rows().size() + 50 <= total) {
      REQUIRE(run_command({tool, "kill", cluster.string()}).status == 0);
      killed = true;
    }
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(killed);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 4);  // the connection was lost: a workspace error, not a crash

  REQUIRE(run_command({tool, "start", cluster.string()}).status == 0);
  calls->conn = pg::Connection::open(url);
  CHECK(calls->rows().size() > e.kept_rows.size());  // the job was interrupted

  auto r = dpa_at(home, {"--json", "retention", "sweep", "--apply"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(calls->rows() == e.kept_rows);  // everything due gone, nothing not due
  CHECK(fx::files_left(home) == e.kept_files);
  CHECK(dpa_at(home, {"audit", "verify"}).status == 0);
  // Each erased record audited once: the deletions' counts add up.
  auto log = dpa_at(home, {"--json", "audit", "log", "--action", "retention.delete"});
  REQUIRE(log.status == 0);
  std::int64_t audited = 0;
  for (const auto& entry : nlohmann::json::parse(log.out)) audited += entry["details"]["records"].get<std::int64_t>();
  CHECK(audited == static_cast<std::int64_t>(e.due()));
}

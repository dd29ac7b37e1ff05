// The workspace state on PostgreSQL: what only a shared server brings
// (joining from a second home, keys that do not belong, a lost connection,
// a server that dies mid-command, locks across processes). These run when
// $DPA_TEST_PG_URL names a server (tools/test starts one); the rest of the
// suite then runs on PostgreSQL too.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "dpa/error.h"
#include "dpa/pg_connection.h"
#include "dpa/pg_database.h"
#include "dpa/pg_state_store.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using dpa::test::RunResult;
using dpa::test::TempDir;

namespace {

bool skip_without_pg() {
  if (dpa::test::pg_state()) return false;
  WARN("skipped: set DPA_TEST_PG_URL to a PostgreSQL server (tools/pg-cluster) to run it");
  return true;
}

RunResult dpa_in(const fs::path& home, std::vector<std::string> args) {
  args.insert(args.begin(), {"--home", home.string()});
  return dpa::test::run_dpa(args);
}

int line_count(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

void copy_keys(const fs::path& from, const fs::path& to) {
  fs::create_directories(to / "keys");
  fs::permissions(to / "keys", fs::perms::owner_all, fs::perm_options::replace);
  for (const auto& e : fs::directory_iterator(from / "keys")) {
    fs::copy_file(e.path(), to / "keys" / e.path().filename(), fs::copy_options::overwrite_existing);
  }
}

dpa::TenantRecord tenant(const std::string& id) {
  dpa::TenantRecord t;
  t.id = id;
  t.name = "Tenant " + id;
  t.policy = "upstat";
  t.status = "active";
  t.created_at = "2026-01-01T00:00:00Z";
  return t;
}

}  // namespace

TEST_CASE("pg state: a URL with a password is refused in one line", "[pg]") {
  TempDir dir;
  auto r = dpa::test::run_dpa({"--home", (dir / "home").string(), "init", "--state",
                               "postgresql://dpa:s3cret@db.example/dpa"});
  CHECK(r.status == 3);
  CHECK(line_count(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains(".pgpass"));
  CHECK_THAT(r.err, !Catch::Contains("s3cret"));
  dpa::test::write_file(dir / "h2/dpa.toml", "[state]\nurl = \"postgresql://u:pw@h/db\"\n");
  CHECK_THROWS_AS(dpa::read_workspace_settings(dir / "h2/dpa.toml"), dpa::InputError);
  dpa::test::write_file(dir / "h3/dpa.toml", "[state]\nurl = \"postgresql:///x\"\nhost = \"y\"\n");
  CHECK_THROWS_WITH(dpa::read_workspace_settings(dir / "h3/dpa.toml"), Catch::Contains("dpa.toml:3: unknown key state.host"));
}

TEST_CASE("pg state: tenants, keys, vault, transfers and the audit log round-trip", "[pg]") {
  if (skip_without_pg()) return;
  TempDir dir;
  auto home = dir / "home";
  dpa::test::init_workspace(home, "upstat", "t@h");
  CHECK(dpa::read_workspace_settings(home / "dpa.toml").state.has_value());
  CHECK_FALSE(fs::exists(home / "dpa.db"));
  auto ws = dpa::Workspace::open(home, "t@h");
  auto& s = ws.store();
  CHECK(s.schema_version() == s.known_schema_version());

  // Byte order as SQLite's: 'B' < 'a' < 'b'.
  for (const char* id : {"b", "a", "B"}) s.insert_tenant(tenant(id));
  auto all = s.list_tenants();
  REQUIRE(all.size() == 3);
  CHECK(all[0].id == "B");
  CHECK(all[1].id == "a");
  auto t = tenant("a");
  t.status = "terminated";
  t.terminated_at = "2026-02-01T00:00:00Z";
  s.update_tenant(t);
  CHECK(s.find_tenant("a")->terminated_at == t.terminated_at);
  CHECK_THROWS_AS(s.update_tenant(tenant("nobody")), dpa::InputError);

  std::vector<unsigned char> bytes{0, 1, 2, 0, 255, '\\', '\''};
  s.insert_tenant_key({"a", 1, bytes, "2026-01-01T00:00:00Z", std::nullopt});
  s.insert_tenant_key({"a", 2, bytes, "2026-01-02T00:00:00Z", std::nullopt});
  auto keys = s.tenant_keys("a");
  REQUIRE(keys.size() == 2);
  CHECK(keys[0].wrapped == bytes);
  CHECK(s.destroy_tenant_keys("a", "2026-03-01T00:00:00Z") == 2);
  CHECK(s.tenant_keys("a")[1].wrapped.empty());

  dpa::VaultValueRecord v{"a", "vh1", "PHONE", "tok1", 1, "2026-01-01T00:00:00Z"};
  CHECK(s.insert_vault_value(v));
  CHECK(s.insert_vault_value(v));  // the same value again: ignored, fine
  auto clash = v;
  clash.value_hash = "vh2";
  CHECK_FALSE(s.insert_vault_value(clash));  // the token is taken
  dpa::VaultFormRecord f{"a", "vh1", 1, "sf1", bytes, "", "", "2026-01-01T00:00:00Z"};
  s.insert_vault_form(f);
  s.insert_vault_form(f);
  CHECK(s.vault_last_variant("a", "vh1") == 1);
  CHECK(s.vault_form_by_surface("a", "sf1")->ciphertext == bytes);
  CHECK_FALSE(s.vault_form_by_surrogate("a", "sg1"));
  s.set_vault_form_surrogate("a", "sf1", "sg1", "sgf1");
  CHECK(s.vault_form_by_surrogate_fold("a", "sgf1")->surface_hash == "sf1");
  CHECK(s.vault_value_by_token("a", "tok1")->value_hash == "vh1");

  dpa::TransferRecord tr;
  tr.time = "2026-01-05T00:00:00Z";
  tr.tenant_id = "a";
  tr.subprocessor = "Hosting";
  tr.country = "KZ";
  tr.category = "c";
  tr.status = "made";
  tr.pseudonymized = true;
  tr.bytes = 5'000'000'000;  // past 2^31
  auto id1 = s.insert_transfer(tr);
  auto id2 = s.insert_transfer(tr);
  CHECK(id2 == id1 + 1);
  dpa::TransferQuery q;
  q.subprocessor = "hosting";
  int seen = 0;
  s.scan_transfers(q, [&](const dpa::TransferRecord& r) {
    CHECK(r.bytes == 5'000'000'000);
    CHECK(r.pseudonymized);
    CHECK(r.entity_counts == "{}");
    return ++seen < 5;
  });
  CHECK(seen == 2);
  CHECK(s.transfer_agreements("").empty());

  ws.audit().append("test.event", "object:1", {{"i", 1}});
  dpa::AuditQuery aq;
  aq.action = "test.";
  int entries = 0;
  s.scan_audit(aq, [&](const dpa::AuditRecord&) { return ++entries > 0; });
  CHECK(entries == 1);
  CHECK(ws.audit().verify().ok());
}

TEST_CASE("pg state: a second home joins with the keys of the first, never new ones", "[pg]") {
  if (skip_without_pg()) return;
  TempDir dir;
  auto a = dir / "a";
  auto b = dir / "b";
  REQUIRE(dpa_in(a, {"init"}).status == 0);
  REQUIRE(dpa_in(a, {"tenant", "add", "acme", "--name", "Acme"}).status == 0);
  auto state = *dpa::read_workspace_settings(a / "dpa.toml").state;
  std::vector<std::string> join{"init", "--state", state.url, "--state-schema", state.schema};

  // No keys: refused, and no keys were made.
  auto r = dpa_in(b, join);
  CHECK(r.status == 4);
  CHECK_THAT(r.err, Catch::Contains("copy keys/"));
  CHECK(line_count(r.err) == 1);
  CHECK_FALSE(fs::exists(b / "keys/master.key"));

  copy_keys(a, b);
  r = dpa_in(b, join);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("joined"));
  r = dpa_in(b, {"tenant", "list"});
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("acme"));
  REQUIRE(dpa_in(b, {"tenant", "add", "beta", "--name", "Beta"}).status == 0);
  CHECK_THAT(dpa_in(a, {"tenant", "list"}).out, Catch::Contains("beta"));
  CHECK(dpa_in(a, {"audit", "verify"}).status == 0);
}

TEST_CASE("pg state: keys that do not belong to the state are refused", "[pg]") {
  if (skip_without_pg()) return;
  TempDir dir;
  auto a = dir / "a";
  auto b = dir / "b";
  REQUIRE(dpa_in(a, {"init"}).status == 0);
  auto state = *dpa::read_workspace_settings(a / "dpa.toml").state;
  dpa::Keyring::create(b / "keys");  // another workspace's keys
  auto r = dpa_in(b, {"init", "--state", state.url, "--state-schema", state.schema});
  CHECK(r.status == 4);
  CHECK_THAT(r.err, Catch::Contains("are not those of workspace"));
  // Pointed at the state by hand: every command refuses to open it.
  fs::copy_file(a / "dpa.toml", b / "dpa.toml", fs::copy_options::overwrite_existing);
  r = dpa_in(b, {"tenant", "list"});
  CHECK(r.status == 4);
  CHECK(line_count(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("do not belong"));
}

TEST_CASE("pg state: a connection lost mid-transaction keeps nothing of it", "[pg]") {
  if (skip_without_pg()) return;
  TempDir dir;
  auto home = dir / "home";
  dpa::test::init_workspace(home, "upstat", "t@h");
  auto state = *dpa::read_workspace_settings(home / "dpa.toml").state;
  {
    auto ws = dpa::Workspace::open(home, "t@h");
    auto killer = dpa::pg::Connection::open(state.url);
    auto key = static_cast<std::uint64_t>(dpa::pg_state_write_key(state.schema));
    CHECK_THROWS_AS(ws.store().transaction([&] {
      ws.store().insert_tenant(tenant("half"));
      ws.audit().append("test.half", "tenant:half", {});
      // The backend holding this state's write lock: ours, mid-transaction.
      auto r = killer.exec(
          "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted "
          "AND classid = CAST(? AS oid) AND objid = CAST(? AS oid) AND objsubid = 1",
          {static_cast<std::int64_t>(key >> 32), static_cast<std::int64_t>(key & 0xffffffffu)});
      REQUIRE(r.rows() == 1);
      ws.store().insert_tenant(tenant("after"));
    }),
                    dpa::WorkspaceError);
  }
  auto ws = dpa::Workspace::open(home, "t@h");
  CHECK_FALSE(ws.store().find_tenant("half"));
  CHECK_FALSE(ws.store().find_tenant("after"));
  CHECK(ws.store().audit_size() == 1);
  CHECK(ws.audit().verify().ok());
  CHECK(dpa_in(home, {"audit", "verify"}).status == 0);
}

TEST_CASE("pg state: a server killed mid-command, then restarted", "[pg]") {
  if (skip_without_pg()) return;
  TempDir dir;
  auto tool = (dpa::test::source_dir() / "tools/pg-cluster").string();
  auto cluster = dir / "pg";
  auto sh = [&](const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); };
  REQUIRE(sh(tool + " start " + cluster.string()) == 0);
  struct Stop {
    std::string cmd;
    ~Stop() { [[maybe_unused]] int rc = std::system((cmd + " >/dev/null 2>&1").c_str()); }
  } stop{tool + " stop " + cluster.string()};
  std::string url = "postgresql:///dpa_test?host=" + cluster.string() + "&user=dpa";
  auto home = dir / "home";
  REQUIRE(dpa_in(home, {"init", "--state", url, "--state-schema", "crash"}).status == 0);
  REQUIRE(dpa_in(home, {"tenant", "add", "acme", "--name", "Acme"}).status == 0);

  // A long command whose server dies under it: one line, exit 4.
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::usleep(300'000);
    [[maybe_unused]] int rc = std::system((tool + " kill " + cluster.string() + " >/dev/null 2>&1").c_str());
    _exit(0);
  }
  RunResult r;
  for (int i = 0; i < 50; ++i) {
    r = dpa_in(home, {"tenant", "add", "t" + std::to_string(i), "--name", "T"});
    if (r.status != 0) break;
  }
  int wstatus = 0;
  waitpid(child, &wstatus, 0);
  if (r.status == 0) r = dpa_in(home, {"tenant", "list"});
  INFO(r.err);
  CHECK(r.status == 4);
  CHECK(line_count(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("PostgreSQL"));

  REQUIRE(sh(tool + " start " + cluster.string()) == 0);
  r = dpa_in(home, {"audit", "verify"});
  CHECK(r.status == 0);
  CHECK(dpa_in(home, {"tenant", "list"}).status == 0);
}

TEST_CASE("pg state: a named lock is held across processes until its holder dies", "[pg]") {
  if (skip_without_pg()) return;
  TempDir dir;
  auto home = dir / "home";
  dpa::test::init_workspace(home, "upstat", "t@h");
  auto state = *dpa::read_workspace_settings(home / "dpa.toml").state;
  dpa::PgStateOptions options;
  options.url = state.url;
  options.schema = state.schema;

  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(ready[0]);
    auto store = dpa::open_pg_state_store(options);
    std::string holder;
    auto lock = store->try_lock("retention:calls", "dpa retention sweep", &holder);
    char c = lock ? '1' : '0';
    [[maybe_unused]] auto w = write(ready[1], &c, 1);
    for (;;) pause();
  }
  close(ready[1]);
  char c = 0;
  REQUIRE(read(ready[0], &c, 1) == 1);
  close(ready[0]);
  REQUIRE(c == '1');

  auto store = dpa::open_pg_state_store(options);
  std::string holder;
  CHECK(store->try_lock("retention:calls", "dpa retention sweep", &holder) == nullptr);
  CHECK_THAT(holder, Catch::Contains("dpa retention sweep pid " + std::to_string(child)));
  CHECK(store->try_lock("retention:chats", "dpa retention sweep", &holder) != nullptr);

  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  std::unique_ptr<dpa::HeldLock> mine;
  for (int i = 0; i < 50 && !mine; ++i) {
    mine = store->try_lock("retention:calls", "dpa retention sweep", &holder);
    if (!mine) ::usleep(100'000);
  }
  CHECK(mine != nullptr);
}

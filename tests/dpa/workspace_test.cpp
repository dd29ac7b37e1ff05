#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "dpa/error.h"
#include "dpa/keyring.h"
#include "dpa/sqlite_state_store.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "support/test_support.h"

using dpa::test::TempDir;
namespace fs = std::filesystem;

namespace {
mode_t mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}
}  // namespace

TEST_CASE("init creates config, state and private keys", "[workspace]") {
  TempDir dir;
  auto r = dpa::test::init_workspace(dir.path(), "upstat", "t@h");
  CHECK(r.created);
  CHECK(fs::exists(dir / "dpa.toml"));
  CHECK(fs::exists(dir / "dpa.db") == !dpa::test::pg_state());
  CHECK_FALSE(fs::exists(dir / "dpa.db.init"));
  CHECK(mode_of(dir / "keys") == 0700);
  CHECK(mode_of(dir / "keys/master.key") == 0600);
  CHECK(mode_of(dir / "keys/audit-signing.key") == 0600);
  CHECK(r.workspace_id.size() == 16);

  auto ws = dpa::Workspace::open(dir.path(), "t@h");
  CHECK(ws.id() == r.workspace_id);
  CHECK(ws.settings().default_policy == "upstat");
  CHECK(ws.store().schema_version() == ws.store().known_schema_version());
  CHECK(ws.store().audit_size() == 1);
}

TEST_CASE("init on an existing workspace changes nothing", "[workspace]") {
  TempDir dir;
  auto first = dpa::test::init_workspace(dir.path(), "upstat", "t@h");
  auto key_before = dpa::test::read_file(dir / "keys/master.key");
  auto config_before = dpa::test::read_file(dir / "dpa.toml");
  auto second = dpa::test::init_workspace(dir.path(), "truffles", "t@h");
  CHECK_FALSE(second.created);
  CHECK(second.workspace_id == first.workspace_id);
  CHECK(dpa::test::read_file(dir / "keys/master.key") == key_before);
  CHECK(dpa::test::read_file(dir / "dpa.toml") == config_before);
  auto ws = dpa::Workspace::open(dir.path(), "t@h");
  CHECK(ws.store().audit_size() == 1);
}

TEST_CASE("an interrupted init is finished by running it again with the same keys", "[workspace]") {
  TempDir dir;
  // What a kill after the keys were written leaves behind.
  dpa::Keyring::create(dir / "keys");
  dpa::test::write_file(dir / "dpa.db.init", "half-written");
  auto key_before = dpa::test::read_file(dir / "keys/master.key");
  auto r = dpa::test::init_workspace(dir.path(), "upstat", "t@h");
  CHECK(r.created);
  CHECK(dpa::test::read_file(dir / "keys/master.key") == key_before);
  CHECK(dpa::Workspace::open(dir.path(), "t@h").audit().verify().ok());
}

TEST_CASE("a key file readable by others is refused", "[workspace]") {
  TempDir dir;
  dpa::test::init_workspace(dir.path(), "upstat", "t@h");
  fs::permissions(dir / "keys/master.key", fs::perms::group_read, fs::perm_options::add);
  CHECK_THROWS_AS(dpa::Workspace::open(dir.path(), "t@h"), dpa::WorkspaceError);
  CHECK_THROWS_WITH(dpa::Workspace::open(dir.path(), "t@h"), Catch::Contains("chmod 600"));
  fs::permissions(dir / "keys/master.key", fs::perms::group_read, fs::perm_options::remove);
  fs::permissions(dir / "keys/audit-signing.key", fs::perms::others_read, fs::perm_options::add);
  CHECK_THROWS_AS(dpa::Workspace::open(dir.path(), "t@h"), dpa::WorkspaceError);
}

TEST_CASE("a schema newer than the binary is refused", "[workspace]") {
  TempDir dir;
  dpa::test::init_workspace(dir.path(), "upstat", "t@h");
  dpa::test::open_raw_state(dir.path())
      ->exec_script("INSERT INTO schema_version(version, applied_at) VALUES(999, '2030-01-01T00:00:00Z')");
  CHECK_THROWS_WITH(dpa::Workspace::open(dir.path(), "t@h"), Catch::Contains("newer than this dpa"));
}

TEST_CASE("a file that is not a database is a workspace error", "[workspace]") {
  if (dpa::test::pg_state()) {
    WARN("skipped on PostgreSQL: the state is no file that could be overwritten");
    return;
  }
  TempDir dir;
  dpa::test::init_workspace(dir.path(), "upstat", "t@h");
  fs::remove(dir / "dpa.db");
  dpa::test::write_file(dir / "dpa.db", std::string(4096, 'x'));
  CHECK_THROWS_AS(dpa::Workspace::open(dir.path(), "t@h"), dpa::WorkspaceError);
}

TEST_CASE("malformed dpa.toml names the line", "[workspace]") {
  TempDir dir;
  dpa::test::init_workspace(dir.path(), "upstat", "t@h");
  dpa::test::write_file(dir / "dpa.toml", "[workspace]\npolicy = \"upstat\"\ntimezone = \n");
  CHECK_THROWS_WITH(dpa::Workspace::open(dir.path(), "t@h"), Catch::Contains("dpa.toml:3:"));
  dpa::test::write_file(dir / "dpa.toml", "[workspace]\npolicyy = \"upstat\"\n");
  CHECK_THROWS_WITH(dpa::Workspace::open(dir.path(), "t@h"), Catch::Contains("unknown key workspace.policyy"));
}

TEST_CASE("tenant keys are wrapped per tenant and key id", "[workspace]") {
  TempDir dir;
  dpa::Keyring::create(dir / "keys");
  auto keys = dpa::Keyring::load(dir / "keys");
  auto key = dpa::SecretKey::random();
  auto wrapped = keys.wrap_tenant_key("acme", 1, key);
  auto back = keys.unwrap_tenant_key("acme", 1, wrapped);
  CHECK(std::equal(back.data(), back.data() + 32, key.data()));
  // A wrapped key moved to another tenant or key id does not open.
  CHECK_THROWS_AS(keys.unwrap_tenant_key("other", 1, wrapped), dpa::WorkspaceError);
  CHECK_THROWS_AS(keys.unwrap_tenant_key("acme", 2, wrapped), dpa::WorkspaceError);
  wrapped[30] ^= 1;
  CHECK_THROWS_AS(keys.unwrap_tenant_key("acme", 1, wrapped), dpa::WorkspaceError);
}

TEST_CASE("keys can come from the environment", "[workspace]") {
  TempDir dir;
  dpa::Keyring::create(dir / "keys");
  auto from_files = dpa::Keyring::load(dir / "keys");
  std::string master = dpa::test::read_file(dir / "keys/master.key");
  std::string signing = dpa::test::read_file(dir / "keys/audit-signing.key");
  TempDir empty;
  ::setenv("DPA_MASTER_KEY", master.c_str(), 1);
  ::setenv("DPA_AUDIT_SIGNING_KEY", signing.c_str(), 1);
  auto from_env = dpa::Keyring::load(empty / "keys");
  ::unsetenv("DPA_MASTER_KEY");
  ::unsetenv("DPA_AUDIT_SIGNING_KEY");
  CHECK(from_env.public_key() == from_files.public_key());
  CHECK(from_env.workspace_hash("x") == from_files.workspace_hash("x"));
  CHECK_THROWS_AS(dpa::Keyring::load(empty / "keys"), dpa::WorkspaceError);
}

TEST_CASE("tenants get their own key and an audit entry", "[workspace][tenant]") {
  TempDir dir;
  dpa::test::init_workspace(dir.path(), "upstat", "t@h");
  auto ws = dpa::Workspace::open(dir.path(), "t@h");
  auto t = dpa::add_tenant(ws, "acme-kz", "truffles", "Acme KZ");
  CHECK(t.status == "active");
  CHECK(dpa::get_tenant(ws, "acme-kz").policy == "truffles");
  auto k1 = dpa::current_tenant_key(ws, "acme-kz");
  dpa::add_tenant(ws, "beta", "upstat", "");
  auto k2 = dpa::current_tenant_key(ws, "beta");
  CHECK(k1.key_id == 1);
  CHECK_FALSE(std::equal(k1.key.data(), k1.key.data() + 32, k2.key.data()));
  CHECK(ws.store().audit_head()->action == "tenant.add");
  CHECK(ws.store().audit_head()->object == "tenant:beta");

  CHECK_THROWS_WITH(dpa::add_tenant(ws, "acme-kz", "upstat", ""), Catch::Contains("exists already"));
  CHECK_THROWS_WITH(dpa::add_tenant(ws, "Bad Id", "upstat", ""), Catch::Contains("bad tenant id"));
  CHECK_THROWS_AS(dpa::add_tenant(ws, "gamma", "no-such-policy", ""), dpa::InputError);
  CHECK_THROWS_WITH(dpa::get_tenant(ws, "nope"), Catch::Contains("known tenants: acme-kz, beta"));
  CHECK(ws.audit().verify().ok());
}

TEST_CASE("a state lock is refused to a second holder until released", "[workspace][lock]") {
  dpa::test::TempDir dir;
  auto store = dpa::open_sqlite_state_store(dir / "dpa.db", {.create = true});
  auto other = dpa::open_sqlite_state_store(dir / "dpa.db");
  std::string holder;
  auto first = store->try_lock("retention:calls", "dpa retention sweep", &holder);
  REQUIRE(first);
  CHECK(other->try_lock("retention:calls", "dpa retention sweep", &holder) == nullptr);
  CHECK_THAT(holder, Catch::Contains("dpa retention sweep by pid"));
  // Another name is another lock.
  CHECK(other->try_lock("retention:chats", "dpa retention sweep", &holder) != nullptr);
  first.reset();
  CHECK(other->try_lock("retention:calls", "dpa retention sweep", &holder) != nullptr);
}

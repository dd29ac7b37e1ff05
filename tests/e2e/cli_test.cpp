// End-to-end: the real `dpa` binary on temporary workspaces.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

using dpa::test::run_dpa;
using dpa::test::TempDir;
namespace fs = std::filesystem;

namespace {
std::vector<std::string> with_home(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"--home", dir.path().string()});
  return args;
}
void init(const TempDir& dir) {
  auto r = run_dpa(with_home(dir, {"init"}));
  REQUIRE(r.status == 0);
}
}  // namespace

TEST_CASE("dpa --version and help", "[e2e]") {
  auto v = run_dpa({"--version"});
  CHECK(v.status == 0);
  CHECK_THAT(v.out, Catch::StartsWith("dpa "));
  auto h = run_dpa({"help"});
  CHECK(h.status == 0);
  CHECK_THAT(h.out, Catch::Contains("tenant add"));
  CHECK_THAT(h.out, Catch::Contains("audit verify"));
  auto ch = run_dpa({"tenant", "add", "--help"});
  CHECK(ch.status == 0);
  CHECK_THAT(ch.out, Catch::Contains("--policy"));
  auto hc = run_dpa({"help", "audit", "log"});
  CHECK(hc.status == 0);
  CHECK_THAT(hc.out, Catch::Contains("--since"));
}

TEST_CASE("usage errors exit 2 with one line", "[e2e]") {
  TempDir dir;
  init(dir);
  for (auto args : std::vector<std::vector<std::string>>{
           {"tenant", "add", "x", "--bogus"},
           {"tenant", "add"},
           {"tenant"},
           {"tenant", "frobnicate"},
           {"frobnicate"},
           {"audit", "log", "--limit", "many"},
       }) {
    auto r = run_dpa(with_home(dir, args));
    INFO(args[0] << " -> " << r.err);
    CHECK(r.status == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_THAT(r.err, Catch::StartsWith("dpa: "));
  }
}

TEST_CASE("init twice: the second changes nothing and says so", "[e2e]") {
  TempDir dir;
  auto first = run_dpa(with_home(dir, {"init"}));
  REQUIRE(first.status == 0);
  CHECK_THAT(first.out, Catch::Contains("initialized workspace"));
  auto db_before = dpa::test::read_file(dir / "keys/master.key");
  auto second = run_dpa(with_home(dir, {"init"}));
  CHECK(second.status == 0);
  CHECK_THAT(second.out, Catch::Contains("nothing changed"));
  CHECK(dpa::test::read_file(dir / "keys/master.key") == db_before);
}

TEST_CASE("init refuses an unknown policy before creating anything", "[e2e]") {
  TempDir dir;
  auto r = run_dpa(with_home(dir, {"init", "--policy", "nonesuch"}));
  CHECK(r.status == 3);
  CHECK_FALSE(fs::exists(dir / "dpa.db"));
}

TEST_CASE("tenant add, list and show", "[e2e]") {
  TempDir dir;
  init(dir);
  auto add = run_dpa(with_home(dir, {"tenant", "add", "acme-kz", "--policy", "truffles", "--name", "Acme"}));
  REQUIRE(add.status == 0);
  CHECK(add.out.empty());  // quiet success
  REQUIRE(run_dpa(with_home(dir, {"tenant", "add", "beta"})).status == 0);

  auto list = run_dpa(with_home(dir, {"tenant", "list", "--json"}));
  REQUIRE(list.status == 0);
  auto j = nlohmann::json::parse(list.out);
  REQUIRE(j.size() == 2);
  CHECK(j[0]["id"] == "acme-kz");
  CHECK(j[0]["policy"] == "truffles");
  CHECK(j[1]["policy"] == "upstat");  // dpa.toml's default

  auto show = run_dpa(with_home(dir, {"--json", "tenant", "show", "acme-kz"}));
  REQUIRE(show.status == 0);
  auto s = nlohmann::json::parse(show.out);
  CHECK(s["name"] == "Acme");
  CHECK(s["keys"][0]["key_id"] == 1);

  auto missing = run_dpa(with_home(dir, {"tenant", "show", "nope"}));
  CHECK(missing.status == 3);
  CHECK_THAT(missing.err, Catch::Contains("known tenants: acme-kz, beta"));
  auto dup = run_dpa(with_home(dir, {"tenant", "add", "beta"}));
  CHECK(dup.status == 3);
}

TEST_CASE("a workspace with leaky key permissions is refused by every command", "[e2e]") {
  TempDir dir;
  init(dir);
  fs::permissions(dir / "keys/master.key", fs::perms::others_read, fs::perm_options::add);
  for (auto args : std::vector<std::vector<std::string>>{
           {"tenant", "list"}, {"audit", "verify"}, {"init"}, {"audit", "log"}}) {
    auto r = run_dpa(with_home(dir, args));
    CHECK(r.status == 4);
    CHECK_THAT(r.err, Catch::Contains("chmod 600"));
  }
}

TEST_CASE("commands outside a workspace say how to make one", "[e2e]") {
  TempDir dir;
  auto r = run_dpa({"--home", (dir / "none").string(), "tenant", "list"});
  CHECK(r.status == 4);
  CHECK_THAT(r.err, Catch::Contains("dpa init"));
}

TEST_CASE("a newer schema is refused with exit 4", "[e2e]") {
  TempDir dir;
  init(dir);
  dpa::test::open_raw_state(dir.path())->exec_script(
      "INSERT INTO schema_version(version, applied_at) VALUES(42, '2030-01-01T00:00:00Z')");
  auto r = run_dpa(with_home(dir, {"tenant", "list"}));
  CHECK(r.status == 4);
  CHECK_THAT(r.err, Catch::Contains("schema version 42"));
}

TEST_CASE("a locked database gives exit 5 and loses nothing", "[e2e]") {
  TempDir dir;
  init(dir);
  // Another writer, mid-transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL:
  // the schema's advisory write lock).
  auto db = dpa::test::open_raw_state(dir.path());
  db->begin_write();
  auto r = run_dpa(with_home(dir, {"tenant", "add", "acme"}), "", {"DPA_BUSY_TIMEOUT_MS=200"});
  CHECK(r.status == 5);
  CHECK_THAT(r.err, Catch::Contains("locked"));
  db->rollback();
  CHECK(run_dpa(with_home(dir, {"tenant", "add", "acme"})).status == 0);
  CHECK(run_dpa(with_home(dir, {"audit", "verify"})).status == 0);
}

TEST_CASE("audit verify, log and checkpoint through the CLI", "[e2e]") {
  TempDir dir;
  init(dir);
  REQUIRE(run_dpa(with_home(dir, {"--actor", "dpo@example", "tenant", "add", "acme"})).status == 0);
  auto v = run_dpa(with_home(dir, {"audit", "verify"}));
  CHECK(v.status == 0);
  CHECK_THAT(v.out, Catch::Contains("2 entries"));

  auto log = run_dpa(with_home(dir, {"audit", "log", "--action", "tenant.", "--json"}));
  REQUIRE(log.status == 0);
  auto entries = nlohmann::json::parse(log.out);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0]["actor"] == "dpo@example");
  CHECK(entries[0]["object"] == "tenant:acme");
  auto future = run_dpa(with_home(dir, {"audit", "log", "--since", "2999-01-01", "--json"}));
  CHECK(nlohmann::json::parse(future.out).empty());
  auto bad_date = run_dpa(with_home(dir, {"audit", "log", "--since", "2026-02-30"}));
  CHECK(bad_date.status == 3);

  auto cp = run_dpa(with_home(dir, {"audit", "checkpoint"}));
  REQUIRE(cp.status == 0);
  CHECK_THAT(cp.out, Catch::StartsWith("dpa-audit/"));
  dpa::test::write_file(dir / "anchor.txt", cp.out);
  CHECK(run_dpa(with_home(dir, {"audit", "verify", "--checkpoint", (dir / "anchor.txt").string(),
                                "--pubkey", (dir / "keys/audit-signing.pub").string()}))
            .status == 0);

  {
    auto db = dpa::test::open_raw_state(dir.path());
    dpa::test::drop_trigger(*db, "audit_log_append_only_update", "audit_log");
    db->exec_script("UPDATE audit_log SET object = 'tenant:evil' WHERE seq = 2");
  }
  auto broken = run_dpa(with_home(dir, {"audit", "verify", "--json"}));
  CHECK(broken.status == 7);
  auto b = nlohmann::json::parse(broken.out);
  CHECK(b["ok"] == false);
  CHECK(b["first_broken"] == 2);
}

TEST_CASE("dpa demo builds a workspace that verifies", "[e2e]") {
  TempDir dir;
  auto home = dir / "demo";
  auto r = run_dpa({"--home", home.string(), "demo"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("chain verified"));
  // The commands it suggests name the demo's folder, each once a line.
  CHECK_THAT(r.out, Catch::Contains("dpa --home " + home.string() + " incident list\n"));
  CHECK(r.out.find("{0}") == std::string::npos);
  CHECK(r.out.find("--home   dpa") == std::string::npos);
  CHECK(fs::exists(home / "var/app.db"));
  auto tenants = nlohmann::json::parse(run_dpa({"--home", home.string(), "--json", "tenant", "list"}).out);
  CHECK(tenants.size() == 8);  // four of the app data, one for the pseudonymizer's part, three for requests
  // Running it again replaces its own folder...
  CHECK(run_dpa({"--home", home.string(), "demo"}).status == 0);
  // ...but never a folder it did not make.
  auto other = dir / "precious";
  dpa::test::write_file(other / "data.txt", "keep me");
  auto refused = run_dpa({"--home", other.string(), "demo"});
  CHECK(refused.status == 3);
  CHECK(dpa::test::read_file(other / "data.txt") == "keep me");
}

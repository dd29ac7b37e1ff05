// The sweep survives SIGKILL at every point: killed at each of its kill
// points in turn (DPA_TEST_KILL_AT=N, a test hook documented in
// man/dpa-retention.1), then killed again somewhere in the run that resumes
// it, then run to completion, it must have deleted exactly the due records,
// kept every held and not-due one, and audited each deleted record once.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <map>

#include "dpa/workspace.h"
#include "e2e/retention_fixture.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
namespace fx = dpa::test::retention_fixture;
using dpa::test::run_dpa;
using dpa::test::TempDir;

namespace {

std::vector<std::string> sweep_args(const fs::path& home) {
  return {"--home", home.string(), "retention", "sweep", "--apply", "--batch", "4"};
}

void copy_tree(const fs::path& from, const fs::path& to) {
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  // Keys must stay private, or every command refuses to run.
  for (auto& f : fs::directory_iterator(to / "keys")) {
    if (f.path().extension() == ".key") fs::permissions(f.path(), fs::perms::owner_read | fs::perms::owner_write);
  }
}

// Everything a finished sweep must satisfy, whatever happened before.
void check_finished(const fs::path& home, const fx::Expected& e, const std::string& context) {
  INFO(context);
  CHECK(fx::rows_left(home) == e.kept_rows);
  CHECK(fx::files_left(home) == e.kept_files);
  CHECK(fx::empty_folders(home) == 0);

  // The audit chain, read in this process (fewer processes per kill point).
  dpa::Workspace ws = dpa::Workspace::open(home, "test");
  CHECK(ws.audit().verify().ok());
  std::multiset<std::string> audited;
  long long counted = 0;
  dpa::AuditQuery q;
  q.action = "retention.delete";
  ws.store().scan_audit(q, [&](const dpa::AuditRecord& r) {
    auto details = nlohmann::json::parse(r.details);
    CHECK(details.dump() == r.details);  // written as text, in nlohmann's canonical form
    counted += details["records"].get<long long>();
    long long per_tenant = 0;
    for (const auto& t : details["tenants"]) {
      per_tenant += t["records"].get<long long>();
      for (const auto& h : t["key_hashes"]) audited.insert(h.get<std::string>());
    }
    CHECK(per_tenant == details["records"].get<long long>());
    return true;
  });
  CHECK(counted == static_cast<long long>(e.due()));
  CHECK(audited.size() == e.due());
  CHECK(std::set<std::string>(audited.begin(), audited.end()).size() == e.due());  // each once

  std::multiset<std::string> ledger;
  dpa::TombstoneQuery tq;
  tq.source = "sweep";
  ws.store().scan_tombstones(tq, [&](const dpa::TombstoneRecord& t) {
    ledger.insert(t.key_hash);
    return true;
  });
  CHECK(ledger == audited);
  // The batches' tombstones are packs: no per-record row.
  auto db = dpa::test::open_raw_state(home);
  CHECK(db->query_int("SELECT count(*) FROM erasure_tombstones WHERE source = 'sweep'") == 0);
  CHECK(db->query_int("SELECT count(*) FROM retention_batches WHERE state = 'intent'") == 0);
  // gone's key is destroyed; frozen's survives its hold; live's is untouched.
  CHECK(db->query_int("SELECT count(*) FROM tenant_keys WHERE tenant_id = 'gone' AND wrapped IS NULL "
                      "AND destroyed_at IS NOT NULL") == 1);
  CHECK(db->query_int("SELECT count(*) FROM tenant_keys WHERE wrapped IS NULL") == 1);
  CHECK(db->query_int("SELECT count(*) FROM audit_log WHERE action = 'tenant.key.destroy'") == 1);
}

}  // namespace

TEST_CASE("retention sweep: SIGKILL at every kill point, then resume", "[e2e][retention][kill]") {
  if (dpa::test::pg_state()) {
    // Each kill point runs on a copy of a template workspace folder; a
    // PostgreSQL state is not in the folder, so the copies would share one.
    WARN("skipped on PostgreSQL: copies workspace folders, which do not hold a PostgreSQL state");
    return;
  }
  TempDir dir;
  const fs::path tmpl = dir / "template";
  const fx::Expected expected = fx::build(tmpl);
  REQUIRE(expected.due() == 27);

  // A clean run, traced, tells how many kill points a sweep passes.
  const fs::path clean = dir / "clean";
  copy_tree(tmpl, clean);
  auto traced = run_dpa(sweep_args(clean), "", {"DPA_TEST_KILL_TRACE=1"});
  REQUIRE(traced.status == 0);
  const auto points = static_cast<int>(std::count(traced.err.begin(), traced.err.end(), '\n'));
  REQUIRE(points > 40);
  check_finished(clean, expected, "uninterrupted");

  std::map<std::string, int> kinds;  // kill point names covered
  for (int k = 1; k <= points; ++k) {
    const fs::path home = dir / ("k" + std::to_string(k));
    copy_tree(tmpl, home);
    auto first = run_dpa(sweep_args(home), "", {"DPA_TEST_KILL_AT=" + std::to_string(k), "DPA_TEST_KILL_TRACE=1"});
    INFO("kill point " << k << ": " << first.err);
    REQUIRE(first.status == 128 + 9);  // SIGKILL
    auto last_line = first.err.substr(first.err.rfind("kill point"));
    ++kinds[last_line.substr(last_line.find(": ") + 2)];

    // The resuming run is killed too, at a point that varies with k.
    int again = 1 + (k * 7) % 13;
    auto second = run_dpa(sweep_args(home), "", {"DPA_TEST_KILL_AT=" + std::to_string(again)});
    CHECK((second.status == 128 + 9 || second.status == 0));
    auto third = run_dpa(sweep_args(home));
    REQUIRE(third.status == 0);
    check_finished(home, expected, "killed at point " + std::to_string(k) + ", then at " + std::to_string(again));
    fs::remove_all(home);
  }
  // Every kind of point was hit: before, inside and after each transaction.
  for (const char* kind : {"run-started", "intent-uncommitted", "intent-committed", "app-before-commit", "erased",
                           "file-unlinked", "folders-pruned", "done-uncommitted", "done-committed",
                           "shred-uncommitted", "shred-committed", "run-finished"}) {
    INFO(kind);
    CHECK(kinds.count(std::string(kind) + "\n") == 1);
  }
}

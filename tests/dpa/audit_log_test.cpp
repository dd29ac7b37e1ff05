#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <thread>

#include "dpa/audit_log.h"
#include "dpa/error.h"
#include "dpa/workspace.h"
#include "support/test_support.h"

using dpa::test::TempDir;

namespace {

// A workspace with `n` extra audit entries beyond init's own.
dpa::Workspace workspace_with_entries(const TempDir& dir, int n) {
  dpa::test::init_workspace(dir.path(), "upstat", "tester@host");
  auto ws = dpa::Workspace::open(dir.path(), "tester@host");
  for (int i = 0; i < n; ++i) {
    ws.audit().append("test.event", "object:" + std::to_string(i), {{"i", i}});
  }
  return ws;
}

// Opens the state database behind dpa's back, as an attacker with file
// access would, and drops the append-only triggers first.
std::unique_ptr<dpa::SqlDatabase> raw_db(const TempDir& dir) {
  auto db = dpa::test::open_raw_state(dir.path());
  dpa::test::drop_trigger(*db, "audit_log_append_only_update", "audit_log");
  dpa::test::drop_trigger(*db, "audit_log_append_only_delete", "audit_log");
  dpa::test::drop_trigger(*db, "audit_checkpoints_append_only_update", "audit_checkpoints");
  dpa::test::drop_trigger(*db, "audit_checkpoints_append_only_delete", "audit_checkpoints");
  return db;
}

}  // namespace

TEST_CASE("an untouched audit log verifies", "[audit]") {
  TempDir dir;
  auto ws = workspace_with_entries(dir, 5);
  auto report = ws.audit().verify();
  CHECK(report.ok());
  CHECK(report.entries == 6);
  CHECK(report.checkpoints == 6);
  CHECK(report.head_hash == ws.store().audit_head()->hash);
}

TEST_CASE("entries chain by hash and sequence", "[audit]") {
  TempDir dir;
  auto ws = workspace_with_entries(dir, 2);
  std::vector<dpa::AuditRecord> rows;
  ws.store().scan_audit({}, [&](const dpa::AuditRecord& r) {
    rows.push_back(r);
    return true;
  });
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].prev_hash == dpa::AuditLog::kGenesisHash);
  CHECK(rows[1].prev_hash == rows[0].hash);
  CHECK(rows[2].prev_hash == rows[1].hash);
  CHECK(rows[2].seq == 3);
  CHECK(rows[2].actor == "tester@host");
  CHECK(rows[2].details == R"({"i":1})");
  CHECK(dpa::AuditLog::compute_hash(rows[2]) == rows[2].hash);
}

TEST_CASE("the database refuses updates and deletes of the audit log", "[audit]") {
  TempDir dir;
  { auto ws = workspace_with_entries(dir, 1); }
  auto db = dpa::test::open_raw_state(dir.path());
  CHECK_THROWS_WITH(db->exec_script("UPDATE audit_log SET actor = 'x' WHERE seq = 1"),
                    Catch::Contains("append-only"));
  CHECK_THROWS_WITH(db->exec_script("DELETE FROM audit_log WHERE seq = 1"), Catch::Contains("append-only"));
}

TEST_CASE("verify detects an edited entry", "[audit]") {
  TempDir dir;
  { auto ws = workspace_with_entries(dir, 5); }
  {
    auto db = raw_db(dir);
    db->exec_script("UPDATE audit_log SET details = '{\"i\":99}' WHERE seq = 3");
  }
  auto ws = dpa::Workspace::open(dir.path(), "tester@host");
  auto report = ws.audit().verify();
  REQUIRE_FALSE(report.ok());
  CHECK(report.problems[0].seq == 3);
  CHECK_THAT(report.problems[0].message, Catch::Contains("altered"));
}

TEST_CASE("verify detects an edited entry whose hashes were recomputed", "[audit]") {
  TempDir dir;
  { auto ws = workspace_with_entries(dir, 4); }
  {
    // Rewrite entry 2 and recompute every hash after it: the chain is then
    // self-consistent, and only the signed checkpoints can tell.
    auto db = raw_db(dir);
    auto rows = db->query_all<dpa::AuditRecord>(
        "SELECT seq, time, actor, action, object, details, prev_hash, hash FROM audit_log ORDER BY seq", {},
        [](const dpa::SqlRow& q) {
          return dpa::AuditRecord{q.int64(0), q.text(1), q.text(2), q.text(3),
                                  q.text(4),  q.text(5), q.text(6), q.text(7)};
        });
    rows[1].details = R"({"i":"forged"})";
    for (std::size_t i = 1; i < rows.size(); ++i) {
      rows[i].prev_hash = rows[i - 1].hash;
      rows[i].hash = dpa::AuditLog::compute_hash(rows[i]);
      db->exec("UPDATE audit_log SET details = ?, prev_hash = ?, hash = ? WHERE seq = ?",
               {rows[i].details, rows[i].prev_hash, rows[i].hash, rows[i].seq});
    }
  }
  auto ws = dpa::Workspace::open(dir.path(), "tester@host");
  auto report = ws.audit().verify();
  REQUIRE_FALSE(report.ok());
  CHECK(report.problems[0].seq == 2);
  CHECK_THAT(report.problems[0].message, Catch::Contains("checkpoint"));
}

TEST_CASE("verify detects a deleted entry", "[audit]") {
  TempDir dir;
  { auto ws = workspace_with_entries(dir, 5); }
  {
    auto db = raw_db(dir);
    db->exec_script("DELETE FROM audit_log WHERE seq = 4");
  }
  auto ws = dpa::Workspace::open(dir.path(), "tester@host");
  auto report = ws.audit().verify();
  REQUIRE_FALSE(report.ok());
  CHECK(report.problems[0].seq == 5);
  CHECK_THAT(report.problems[0].message, Catch::Contains("removed or reordered"));
}

TEST_CASE("verify detects entries removed from the end", "[audit]") {
  TempDir dir;
  { auto ws = workspace_with_entries(dir, 5); }
  {
    auto db = raw_db(dir);
    db->exec_script("DELETE FROM audit_log WHERE seq >= 5");
  }
  auto ws = dpa::Workspace::open(dir.path(), "tester@host");
  auto report = ws.audit().verify();
  REQUIRE_FALSE(report.ok());
  CHECK_THAT(report.problems[0].message, Catch::Contains("removed from its end"));
}

TEST_CASE("an anchored checkpoint catches truncation that dropped the checkpoints too", "[audit]") {
  TempDir dir;
  std::string anchored;
  {
    auto ws = workspace_with_entries(dir, 5);
    anchored = ws.store().latest_checkpoint()->note;
  }
  {
    auto db = raw_db(dir);
    db->exec_script("DELETE FROM audit_log WHERE seq >= 5");
    db->exec_script("DELETE FROM audit_checkpoints WHERE size >= 5");
  }
  auto ws = dpa::Workspace::open(dir.path(), "tester@host");
  CHECK(ws.audit().verify().ok());  // nothing left inside the workspace to tell
  auto report = ws.audit().verify(anchored);
  REQUIRE_FALSE(report.ok());
  CHECK_THAT(report.problems[0].message, Catch::Contains("anchored checkpoint"));
}

TEST_CASE("verify detects reordered entries", "[audit]") {
  TempDir dir;
  { auto ws = workspace_with_entries(dir, 5); }
  {
    auto db = raw_db(dir);
    // Swap entries 3 and 4 wholesale (content, links and hashes).
    db->exec_script("UPDATE audit_log SET seq = -1 WHERE seq = 3");
    db->exec_script("UPDATE audit_log SET seq = 3 WHERE seq = 4");
    db->exec_script("UPDATE audit_log SET seq = 4 WHERE seq = -1");
  }
  auto ws = dpa::Workspace::open(dir.path(), "tester@host");
  auto report = ws.audit().verify();
  REQUIRE_FALSE(report.ok());
  CHECK(report.problems[0].seq == 3);
}

TEST_CASE("checkpoints are C2SP-style signed notes", "[audit]") {
  TempDir dir;
  auto ws = workspace_with_entries(dir, 1);
  auto c = ws.store().latest_checkpoint();
  REQUIRE(c);
  auto parsed = dpa::AuditLog::parse_checkpoint(c->note);
  CHECK(parsed.origin == ws.audit().origin());
  CHECK(parsed.size == 2);
  CHECK(parsed.head_hash == c->head_hash);
  CHECK(parsed.key_name == ws.audit().origin());
  CHECK(c->note.find("\n\n\xE2\x80\x94 ") != std::string::npos);
  CHECK_THROWS_AS(dpa::AuditLog::parse_checkpoint("garbage"), dpa::InputError);

  // A checkpoint signed by another workspace's key does not verify here.
  TempDir other;
  auto ws2 = workspace_with_entries(other, 1);
  auto foreign = ws2.store().latest_checkpoint()->note;
  auto report = ws.audit().verify(foreign);
  CHECK_FALSE(report.ok());
}

TEST_CASE("concurrent appenders never share a sequence number", "[audit]") {
  TempDir dir;
  dpa::test::init_workspace(dir.path(), "upstat", "tester@host");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto ws = dpa::Workspace::open(dir.path(), "thread" + std::to_string(t));
      for (int i = 0; i < 25; ++i) ws.audit().append("test.concurrent", "o", {{"t", t}, {"i", i}});
    });
  }
  for (auto& th : threads) th.join();
  auto ws = dpa::Workspace::open(dir.path(), "tester@host");
  auto report = ws.audit().verify();
  CHECK(report.ok());
  CHECK(report.entries == 101);
}

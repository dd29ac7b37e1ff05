// A small workspace for the retention end-to-end tests: three tenants under
// different policies, a SQLite table and a folder of recordings, and the
// exact set of records that a sweep must delete.
//
//   gone   upstat,   terminated 60 days ago: everything is due (30d after termination)
//   live   autocall, active: recordings older than 3 months are due (2.1.10);
//          those of phone +77010000001 are under a subject hold
//   frozen upstat,   terminated 60 days ago, with a hold on the calls dataset:
//          its calls are kept, its recordings are due, its key survives
//
// Every creation time is at least ten days away from a cut, so that the
// expected set does not depend on the second the test runs.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace dpa::test::retention_fixture {

namespace fs = std::filesystem;
using std::chrono::days;
using std::chrono::system_clock;

inline std::string iso(system_clock::time_point t) {
  auto s = std::chrono::floor<std::chrono::seconds>(t);
  auto d = std::chrono::floor<days>(s);
  std::chrono::year_month_day ymd{d};
  std::chrono::hh_mm_ss hms{s - d};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buf;
}

inline std::string date_days_ago(int n) { return iso(system_clock::now() - days{n}).substr(0, 10); }

struct Expected {
  std::set<long long> kept_rows;    // ids of calls that must survive
  std::set<long long> due_rows;
  std::set<std::string> kept_files;  // relative paths
  std::set<std::string> due_files;
  std::size_t due() const { return due_rows.size() + due_files.size(); }
};

inline void must(const RunResult& r, const std::string& what) {
  if (r.status != 0) throw std::runtime_error(what + " failed: " + r.err);
}

// Builds the workspace at `home` and returns what a complete sweep must do.
inline Expected build(const fs::path& home) {
  Expected e;
  auto dpa = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--home", home.string()});
    return run_dpa(args);
  };
  must(dpa({"init"}), "init");
  must(dpa({"tenant", "add", "gone", "--policy", "upstat"}), "tenant add gone");
  must(dpa({"tenant", "add", "live", "--policy", "autocall"}), "tenant add live");
  must(dpa({"tenant", "add", "frozen", "--policy", "upstat"}), "tenant add frozen");
  must(dpa({"tenant", "terminate", "gone", "--on", date_days_ago(60)}), "terminate gone");
  must(dpa({"tenant", "terminate", "frozen", "--on", date_days_ago(60)}), "terminate frozen");

  fs::create_directories(home / "var" / "recordings");
  {
    SQLite::Database db((home / "var" / "app.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(
        "CREATE TABLE calls(id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, created_at TEXT NOT NULL, "
        "phone TEXT, body TEXT);"
        "CREATE INDEX calls_tenant_created ON calls(tenant_id, created_at);"
        "CREATE INDEX calls_phone ON calls(phone);");
    SQLite::Statement ins(db, "INSERT INTO calls(id, tenant_id, created_at, phone, body) VALUES(?, ?, ?, ?, ?)");
    long long id = 0;
    auto row = [&](const std::string& tenant, int days_ago, const std::string& phone, bool due) {
      ++id;
      ins.reset();
      ins.bind(1, static_cast<int64_t>(id));
      ins.bind(2, tenant);
      ins.bind(3, iso(system_clock::now() - days{days_ago} - std::chrono::hours{id % 7}));
      ins.bind(4, phone);
      ins.bind(5, "synthetic call body " + std::to_string(id));
      ins.exec();
      (due ? e.due_rows : e.kept_rows).insert(id);
    };
    // Interleaved ids, as in a live application.
    for (int i = 0; i < 12; ++i) {
      if (i < 11) row("gone", 70 + i * 3, "+7701555" + std::to_string(1000 + i), true);
      if (i < 8) row("live", 100 + i * 12, i < 2 ? "8 (701) 000-00-01" : "+7702444" + std::to_string(1000 + i), i >= 2);
      else row("live", 5 + (i - 8) * 10, "+7702444" + std::to_string(1000 + i), false);
      if (i < 4) row("frozen", 80 + i, "+7705333" + std::to_string(1000 + i), false);
    }
  }
  int file_id = 500;
  auto file = [&](const std::string& tenant, int days_ago, bool due) {
    auto t = system_clock::now() - days{days_ago};
    std::string ymd = iso(t);
    std::string rel = tenant + "/" + ymd.substr(0, 4) + "/" + ymd.substr(5, 2) + "/" + std::to_string(++file_id) + ".wav";
    fs::path p = home / "var" / "recordings" / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << "RIFF synthetic " << file_id;
    fs::last_write_time(p, std::chrono::file_clock::from_sys(t));
    (due ? e.due_files : e.kept_files).insert(rel);
  };
  for (int i = 0; i < 5; ++i) file("gone", 65 + i * 9, true);
  file("live", 130, true);
  file("live", 170, true);
  file("live", 12, false);
  file("live", 33, false);
  for (int i = 0; i < 3; ++i) file("frozen", 70 + i * 20, true);

  std::ofstream(home / "dpa.toml", std::ios::app) << R"toml(
[[store]]
name = "app"
kind = "sqlite"
path = "var/app.db"

[[dataset]]
name     = "calls"
store    = "app"
table    = "calls"
key      = "id"
category = "communications.audio"
tenant   = "tenant_id"
created  = "created_at"
subject  = { phone = "phone" }
text     = ["body"]

[[store]]
name = "recordings"
kind = "files"
root = "var/recordings"

[[dataset]]
name     = "recordings"
store    = "recordings"
path     = "{tenant}/{yyyy}/{mm}/{id}.wav"
category = "communications.audio"
)toml";
  must(dpa({"retention", "hold", "add", "--tenant", "live", "--subject", "phone:+77010000001", "--reason",
            "case 17 (test)"}),
       "hold add subject");
  must(dpa({"retention", "hold", "add", "--tenant", "frozen", "--dataset", "calls", "--reason", "dispute 4 (test)"}),
       "hold add dataset");
  return e;
}

inline std::set<long long> rows_left(const fs::path& home) {
  SQLite::Database db((home / "var" / "app.db").string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT id FROM calls");
  std::set<long long> out;
  while (q.executeStep()) out.insert(q.getColumn(0).getInt64());
  return out;
}

inline std::set<std::string> files_left(const fs::path& home) {
  std::set<std::string> out;
  fs::path root = home / "var" / "recordings";
  for (auto& f : fs::recursive_directory_iterator(root)) {
    if (f.is_regular_file()) out.insert(fs::relative(f.path(), root).generic_string());
  }
  return out;
}

// Folders under the recordings root that hold no file at all.
inline std::size_t empty_folders(const fs::path& home) {
  std::size_t n = 0;
  for (auto& f : fs::recursive_directory_iterator(home / "var" / "recordings")) {
    if (f.is_directory() && fs::is_empty(f.path())) ++n;
  }
  return n;
}

}  // namespace dpa::test::retention_fixture

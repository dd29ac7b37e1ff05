// A workspace built through the library for the retention unit tests, with
// a SQLite application database whose rows the tests place in time.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "dpa/datamap.h"
#include "dpa/tenants.h"
#include "dpa/time.h"
#include "dpa/workspace.h"
#include "support/test_support.h"

namespace dpa::test {

struct RetentionWorld {
  TempDir dir;
  std::filesystem::path home = dir / "ws";
  std::optional<Workspace> ws;
  std::optional<SQLite::Database> app;
  long long next_id = 0;

  RetentionWorld() {
    dpa::test::init_workspace(home, "upstat", "test@host");
    app.emplace((home / "app.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    app->exec(
        "CREATE TABLE docs(id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, created_at TEXT, phone TEXT, body TEXT);"
        "CREATE INDEX docs_tc ON docs(tenant_id, created_at);"
        "CREATE TABLE journal(id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, created_at TEXT, body TEXT);"
        "CREATE INDEX journal_tc ON journal(tenant_id, created_at);");
    std::ofstream(home / "dpa.toml", std::ios::app) << R"toml(
[[store]]
name = "app"
kind = "sqlite"
path = "app.db"

[[dataset]]
name     = "docs"
store    = "app"
table    = "docs"
key      = "id"
category = "documents.signed"
tenant   = "tenant_id"
created  = "created_at"
subject  = { phone = "phone" }

[[dataset]]
name     = "journal"
store    = "app"
table    = "journal"
key      = "id"
category = "journals.accounting"
tenant   = "tenant_id"
created  = "created_at"
)toml";
    ws.emplace(Workspace::open(home, "test@host"));
  }

  DataMap map() const { return read_datamap(home / "dpa.toml"); }

  // A tenant whose registration (dpa's created_at) lies `registered_days_ago` back.
  void tenant(const std::string& id, const std::string& policy, int registered_days_ago = 0) {
    add_tenant(*ws, id, policy, id);
    if (registered_days_ago > 0) {
      TenantRecord t = get_tenant(*ws, id);
      t.created_at = format_utc(now() - std::chrono::days{registered_days_ago});
      ws->store().update_tenant(t);
    }
  }

  long long row(const std::string& table, const std::string& tenant, int days_ago, const std::string& phone = "") {
    long long id = ++next_id;
    std::string sql = table == "docs" ? "INSERT INTO docs(id, tenant_id, created_at, phone, body) VALUES(?, ?, ?, ?, 'x')"
                                      : "INSERT INTO journal(id, tenant_id, created_at, body) VALUES(?, ?, ?, 'x')";
    SQLite::Statement q(*app, sql);
    q.bind(1, static_cast<int64_t>(id));
    q.bind(2, tenant);
    q.bind(3, format_utc(now() - std::chrono::days{days_ago}));
    if (table == "docs") {
      if (phone.empty()) q.bind(4);
      else q.bind(4, phone);
    }
    q.exec();
    return id;
  }

  bool exists(const std::string& table, long long id) {
    SQLite::Statement q(*app, "SELECT 1 FROM " + table + " WHERE id = ?");
    q.bind(1, static_cast<int64_t>(id));
    return q.executeStep();
  }

  long long count(const std::string& table) {
    return app->execAndGet("SELECT count(*) FROM " + table).getInt64();
  }
};

}  // namespace dpa::test

// The retention world of retention_test_support.h with its application
// tables in PostgreSQL: the same tables (docs, journal), the same helpers,
// in a schema of its own that is dropped at the end. The server comes from
// $DPA_TEST_PG_URL (tools/pg-cluster start DIR prints one); without it the
// tests that need one skip with a warning.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "dpa/datamap.h"
#include "dpa/pg_connection.h"
#include "dpa/tenants.h"
#include "dpa/time.h"
#include "dpa/workspace.h"
#include "support/test_support.h"

namespace dpa::test {

inline std::optional<std::string> pg_test_url() {
  const char* u = std::getenv("DPA_TEST_PG_URL");
  if (!u || !*u) return std::nullopt;
  return std::string(u);
}

// A schema name no other test (or test process) uses.
inline std::string unique_schema(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(++n) + "_" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
}

struct PgRetentionWorld {
  std::string url;
  std::string schema = unique_schema("dpa_ret");
  TempDir dir;
  std::filesystem::path home = dir / "ws";
  std::optional<Workspace> ws;
  pg::Connection app;
  long long next_id = 0;

  explicit PgRetentionWorld(const std::string& server_url, const std::string& created_type = "text")
      : url(server_url), app(pg::Connection::open(server_url)) {
    const std::string s = pg::quote_identifier(schema);
    app.exec_script("CREATE SCHEMA " + s + ";" +
                    "CREATE TABLE " + s + ".docs(id bigint PRIMARY KEY, tenant_id text NOT NULL, created_at " +
                    created_type + ", phone text, body text);" +
                    "CREATE INDEX ON " + s + ".docs(tenant_id, created_at);" +
                    "CREATE TABLE " + s + ".journal(id bigint PRIMARY KEY, tenant_id text NOT NULL, created_at " +
                    created_type + ", body text);" +
                    "CREATE INDEX ON " + s + ".journal(tenant_id, created_at);");
    // The state on PostgreSQL too when the suite runs so (DPA_TEST_PG_URL):
    // the sweeps below then coordinate through that state's locks.
    dpa::test::init_workspace(home, "upstat", "test@host");
    std::ofstream(home / "dpa.toml", std::ios::app) << "\n[[store]]\nname = \"app\"\nkind = \"postgres\"\nurl = \"" << url
                                                    << "\"\nschema = \"" << schema << "\"\n" << R"toml(
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

  ~PgRetentionWorld() {
    try {
      app.exec_script("DROP SCHEMA " + pg::quote_identifier(schema) + " CASCADE");
    } catch (...) {
    }
  }

  DataMap map() const { return read_datamap(home / "dpa.toml"); }
  std::string table(const std::string& t) const { return pg::quote_identifier(schema) + "." + t; }

  void tenant(const std::string& id, const std::string& policy, int registered_days_ago = 0) {
    add_tenant(*ws, id, policy, id);
    if (registered_days_ago > 0) {
      TenantRecord t = get_tenant(*ws, id);
      t.created_at = format_utc(now() - std::chrono::days{registered_days_ago});
      ws->store().update_tenant(t);
    }
  }

  long long row(const std::string& t, const std::string& tenant, int days_ago, const std::string& phone = "") {
    long long id = ++next_id;
    const std::string created = format_utc(now() - std::chrono::days{days_ago});
    if (t == "docs") {
      app.exec("INSERT INTO " + table("docs") + "(id, tenant_id, created_at, phone, body) VALUES(?, ?, ?, ?, 'x')",
               {static_cast<std::int64_t>(id), tenant, created,
                phone.empty() ? pg::Param{} : pg::Param{phone}});
    } else {
      app.exec("INSERT INTO " + table("journal") + "(id, tenant_id, created_at, body) VALUES(?, ?, ?, 'x')",
               {static_cast<std::int64_t>(id), tenant, created});
    }
    return id;
  }

  bool exists(const std::string& t, long long id) {
    return app.exec("SELECT 1 FROM " + table(t) + " WHERE id = ?", {static_cast<std::int64_t>(id)}).rows() > 0;
  }

  long long count(const std::string& t) { return app.exec("SELECT count(*) FROM " + table(t)).int64(0, 0); }
};

}  // namespace dpa::test

#include "dpa/pg_database.h"

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/pg_connection.h"

namespace dpa {
namespace {

class PgRow final : public SqlRow {
 public:
  PgRow(const pg::Result& r, int row) : r_(r), row_(row) {}
  bool is_null(int col) const override { return r_.is_null(row_, col); }
  std::int64_t int64(int col) const override { return r_.int64(row_, col); }
  std::string text(int col) const override { return r_.text(row_, col); }
  std::vector<unsigned char> blob(int col) const override { return r_.bytes(row_, col); }

 private:
  const pg::Result& r_;
  int row_;
};

class PgDatabase final : public SqlDatabase {
 public:
  PgDatabase(pg::Connection conn, const PgStateOptions& options)
      : conn_(std::move(conn)), options_(options), write_key_(pg_state_write_key(options.schema)) {}

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  std::string where() const override {
    return fmt::format("{} schema {}", conn_.where(), options_.schema);
  }

  void query(std::string_view sql, const std::vector<SqlValue>& params,
             const std::function<bool(const SqlRow&)>& visit) override {
    // The result is read whole: a visit may run other statements on this
    // connection, which libpq allows only between results.
    pg::Result r = conn_.exec(sql, params);
    for (int i = 0; i < r.rows(); ++i) {
      PgRow row(r, i);
      if (!visit(row)) break;
    }
  }

  std::int64_t exec(std::string_view sql, const std::vector<SqlValue>& params) override {
    return conn_.exec(sql, params).affected();
  }

  void exec_script(std::string_view sql) override { conn_.exec_script(sql); }

  void begin_write() override {
    conn_.exec_script("BEGIN");
    try {
      // Writers of one state queue here, one at a time, as on SQLite's
      // BEGIN IMMEDIATE: the audit log's next sequence number is read and
      // written by one writer only. Waits at most lock_timeout (BusyError).
      conn_.exec("SELECT pg_advisory_xact_lock(?)", {write_key_});
    } catch (const BusyError&) {
      rollback();
      throw BusyError(fmt::format("the state at {} is locked by another writer (waited {} ms); try again",
                                  where(), options_.busy_timeout_ms));
    } catch (...) {
      rollback();
      throw;
    }
  }
  void commit() override { conn_.exec_script("COMMIT"); }
  void rollback() noexcept override {
    try {
      conn_.exec_script("ROLLBACK");
    } catch (...) {
      // A lost connection: the server has rolled back already.
    }
  }

  bool table_exists(const std::string& name) override {
    return conn_.exec("SELECT count(*) FROM pg_tables WHERE schemaname = ? AND tablename = ?",
                      {options_.schema, name})
               .int64(0, 0) > 0;
  }

 private:
  pg::Connection conn_;
  PgStateOptions options_;
  std::int64_t write_key_;
};

}  // namespace

std::int64_t pg_state_write_key(const std::string& schema) {
  return pg::advisory_key("dpa-state:" + schema);
}

std::unique_ptr<SqlDatabase> open_pg_database(const PgStateOptions& options) {
  if (options.schema.empty() || options.schema.size() > 63) {
    throw InputError("the state schema name must have 1 to 63 characters");
  }
  pg::ConnectOptions connect;
  connect.application_name = options.application_name;
  pg::Connection conn = pg::Connection::open(options.url, connect);
  const std::string schema = pg::quote_identifier(options.schema);
  // A writer waits for another at most this long, then BusyError (55P03).
  conn.exec_script(fmt::format("SET lock_timeout = {}", options.busy_timeout_ms));
  if (options.create) {
    // Two hosts running `dpa init` at once: the advisory lock makes the
    // second wait, then find the schema there.
    conn.exec_script("BEGIN");
    conn.exec("SELECT pg_advisory_xact_lock(?)", {pg_state_write_key(options.schema)});
    conn.exec_script("CREATE SCHEMA IF NOT EXISTS " + schema);
    conn.exec_script("COMMIT");
  } else if (conn.exec("SELECT count(*) FROM pg_namespace WHERE nspname = ?", {options.schema}).int64(0, 0) == 0) {
    throw WorkspaceError(fmt::format("no dpa state at {}: schema {} does not exist; run `dpa init --state URL`",
                                     conn.where(), options.schema));
  }
  // Every statement of the store names its tables unqualified.
  conn.exec_script("SET search_path TO " + schema);
  return std::make_unique<PgDatabase>(std::move(conn), options);
}

}  // namespace dpa

// One connection to an SQL database, as the state store needs it: statements
// with bound values, rows read by column index, write transactions that
// serialize writers. Two implementations: SQLite (sqlite_database.cpp, on
// SQLiteCpp) and PostgreSQL (pg_database.cpp, on pg_connection.h).
//
// SQL is written once for both, with `?` or `?N` placeholders (never mix the
// two in one statement). What the dialects do differently is asked of
// dialect(), in as few places as possible (see sql_state_store.cpp).
//
// Every failure is thrown as the exit-status classes of error.h: a busy
// database BusyError, a lost or unusable one WorkspaceError, a refused
// constraint InputError.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace dpa {

// A bound value: NULL, an integer, text, or bytes (BLOB / bytea).
using SqlValue = std::variant<std::monostate, std::int64_t, std::string, std::vector<unsigned char>>;

inline SqlValue sql_optional(const std::optional<std::string>& v) {
  if (v) return *v;
  return std::monostate{};
}
// "" stored as NULL (columns where absent is NULL, not empty).
inline SqlValue sql_nonempty(const std::string& v) {
  if (v.empty()) return std::monostate{};
  return v;
}
inline SqlValue sql_bool(bool b) { return std::int64_t{b ? 1 : 0}; }

// One row of a result, valid only during the visit it is passed to.
class SqlRow {
 public:
  virtual ~SqlRow() = default;
  virtual bool is_null(int col) const = 0;
  virtual std::int64_t int64(int col) const = 0;                // 0 for NULL
  virtual std::string text(int col) const = 0;                  // "" for NULL
  virtual std::vector<unsigned char> blob(int col) const = 0;   // empty for NULL

  int int32(int col) const { return static_cast<int>(int64(col)); }
  std::optional<std::string> optional_text(int col) const {
    if (is_null(col)) return std::nullopt;
    return text(col);
  }
  std::optional<std::int64_t> optional_int64(int col) const {
    if (is_null(col)) return std::nullopt;
    return int64(col);
  }
};

enum class SqlDialect { kSqlite, kPostgres };

class SqlDatabase {
 public:
  virtual ~SqlDatabase() = default;

  virtual SqlDialect dialect() const = 0;
  // Where the database is, for messages ("/home/x/dpa.db", "host:5432/db schema dpa").
  virtual std::string where() const = 0;

  // Runs a statement and calls `visit` for each row until it returns false.
  // Statements are prepared once per connection and reused.
  virtual void query(std::string_view sql, const std::vector<SqlValue>& params,
                     const std::function<bool(const SqlRow&)>& visit) = 0;
  // Runs a statement without rows; returns how many rows it changed.
  virtual std::int64_t exec(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  // Runs several statements without parameters (migrations).
  virtual void exec_script(std::string_view sql) = 0;

  // A write transaction: begin_write() waits (up to the busy timeout) until
  // no other writer of the same state holds one, as SQLite's BEGIN
  // IMMEDIATE does; PostgreSQL takes a transaction-level advisory lock.
  virtual void begin_write() = 0;
  virtual void commit() = 0;
  // Never throws: a rollback after a lost connection has nothing to do, the
  // server rolled back already.
  virtual void rollback() noexcept = 0;

  virtual bool table_exists(const std::string& name) = 0;

  // Helpers over query().
  template <typename T, typename Read>
  std::optional<T> query_one(std::string_view sql, const std::vector<SqlValue>& params, Read&& read) {
    std::optional<T> out;
    query(sql, params, [&](const SqlRow& row) {
      out = read(row);
      return false;
    });
    return out;
  }
  template <typename T, typename Read>
  std::vector<T> query_all(std::string_view sql, const std::vector<SqlValue>& params, Read&& read) {
    std::vector<T> out;
    query(sql, params, [&](const SqlRow& row) {
      out.push_back(read(row));
      return true;
    });
    return out;
  }
  // The first column of the first row as an integer, 0 if there is no row.
  std::int64_t query_int(std::string_view sql, const std::vector<SqlValue>& params = {}) {
    return query_one<std::int64_t>(sql, params, [](const SqlRow& r) { return r.int64(0); }).value_or(0);
  }
};

}  // namespace dpa

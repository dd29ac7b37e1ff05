// One connection to a PostgreSQL server through libpq, for the state store on
// PostgreSQL and the `postgres` kind of data-map store.
//
// SQL is written with `?` placeholders (or `?N`, numbered), as for SQLite;
// they become libpq's `$N` here, outside quoted strings and identifiers, so
// that one statement text serves both backends. Values are always bound,
// never spliced: text and integers as text parameters, blobs as binary
// parameters (bytea).
//
// Errors are thrown as the exit-status classes of error.h, one line each,
// never with the URL's password:
// - the server cannot be reached, or the connection is lost mid-command:
//   WorkspaceError; libpq has then rolled back any open transaction.
// - a lock that cannot be had, a serialization failure or a deadlock:
//   BusyError.
// - anything else the server refuses: WorkspaceError naming the SQLSTATE.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

struct pg_conn;
struct pg_result;

namespace dpa::pg {

// A bound value: NULL, an integer, text, or bytes (sent as bytea).
using Param = std::variant<std::monostate, std::int64_t, std::string, std::vector<unsigned char>>;

// The rows of one statement, in text format.
class Result {
 public:
  Result() = default;
  explicit Result(pg_result* r);
  Result(Result&& other) noexcept;
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result();

  int rows() const;
  int columns() const;
  std::string column_name(int col) const;
  bool is_null(int row, int col) const;
  std::string text(int row, int col) const;              // "" for NULL
  std::optional<std::string> optional_text(int row, int col) const;
  std::int64_t int64(int row, int col) const;             // 0 for NULL
  std::vector<unsigned char> bytes(int row, int col) const;  // a bytea column
  // Rows a command changed (INSERT, UPDATE, DELETE); 0 for a query.
  std::int64_t affected() const;

 private:
  pg_result* r_ = nullptr;
};

struct ConnectOptions {
  int connect_timeout_s = 10;
  // Shown in pg_stat_activity, so an operator sees which dpa command holds a lock.
  std::string application_name = "dpa";
};

class Connection {
 public:
  // Connects to a libpq URL ("postgresql://host:port/db", "postgresql:///db?host=/run/x").
  static Connection open(const std::string& url, const ConnectOptions& options = {});

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one statement with bound parameters. The statement is prepared
  // once per connection and reused (the hot paths run thousands of times).
  Result exec(std::string_view sql, const std::vector<Param>& params = {});
  // Runs a script of several statements, without parameters (migrations).
  void exec_script(std::string_view sql);

  // Streams the output of `COPY (...) TO STDOUT` in chunks, as the server
  // sends them; `sql` is the whole COPY statement. Memory stays bounded.
  void copy_out(std::string_view sql, const std::function<void(std::string_view chunk)>& sink);

  // Session-level advisory locks (pg_try_advisory_lock): held until
  // released or until the connection ends, also when the process is killed.
  bool try_advisory_lock(std::int64_t key);
  void advisory_unlock(std::int64_t key);

  // "host:port/db" (or the socket folder), for messages; never the password.
  std::string where() const;
  pg_conn* native() { return conn_; }

 private:
  explicit Connection(pg_conn* c);
  [[noreturn]] void fail(pg_result* r, std::string_view what);

  pg_conn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

// `?`/`?N` placeholders to `$N`, leaving quoted strings, quoted identifiers
// and comments alone. Exposed for its tests.
std::string to_dollar_placeholders(std::string_view sql);

// A quoted SQL identifier: "name", with inner quotes doubled.
std::string quote_identifier(std::string_view name);

// Whether a URL names a password (refused in dpa.toml and argv: it belongs
// in ~/.pgpass or $PGPASSWORD).
bool url_has_password(const std::string& url);

// A stable 63-bit key for pg_try_advisory_lock from a name ("sweep:calls").
std::int64_t advisory_key(std::string_view name);

}  // namespace dpa::pg

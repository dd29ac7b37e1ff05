#include "dpa/pg_connection.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/libpq_library.h"

namespace dpa::pg {
namespace {

std::string first_line(const char* message) {
  std::string s = message ? message : "";
  // libpq messages end in a newline and may carry a DETAIL line; keep one line.
  if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  if (s.rfind("ERROR:  ", 0) == 0) s.erase(0, 8);
  if (s.rfind("FATAL:  ", 0) == 0) s.erase(0, 8);
  return s;
}

// The connect_timeout in force: the URL's own, else ours. libpq reads it
// but leaves enforcing it to whoever polls a connection it started.
int effective_connect_timeout(pg_conn* c, int fallback_s) {
  int seconds = fallback_s;
  if (PQconninfoOption* info = libpq().PQconninfo(c)) {
    for (PQconninfoOption* o = info; o->keyword; ++o) {
      if (std::strcmp(o->keyword, "connect_timeout") == 0 && o->val && *o->val) {
        seconds = std::atoi(o->val);
      }
    }
    libpq().PQconninfoFree(info);
  }
  return seconds;
}

// Drives a connection started by PQconnectStartParams to its end, as
// PQconnectdbParams would, waiting on its socket. Returns false when
// `timeout_s` (> 0) passed first; 0 or less waits as long as it takes.
bool finish_connecting(pg_conn* c, int timeout_s) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;
  while (status != PGRES_POLLING_OK && status != PGRES_POLLING_FAILED) {
    if (libpq().PQstatus(c) == CONNECTION_BAD) return true;
    pollfd fd{libpq().PQsocket(c), static_cast<short>(status == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
    int wait_ms = -1;
    if (timeout_s > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      wait_ms = static_cast<int>(std::max<std::int64_t>(0, left.count()));
    }
    int ready = ::poll(&fd, 1, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return true;  // the caller reports the connection as not made
    if (ready == 0) return false;
    status = libpq().PQconnectPoll(c);
  }
  return true;
}

bool starts_with(const char* s, const char* prefix) {
  return s && std::strncmp(s, prefix, std::strlen(prefix)) == 0;
}

}  // namespace

// ---- Result ----

Result::Result(pg_result* r) : r_(r) {}
Result::Result(Result&& other) noexcept : r_(other.r_) { other.r_ = nullptr; }
Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    if (r_) libpq().PQclear(r_);
    r_ = other.r_;
    other.r_ = nullptr;
  }
  return *this;
}
Result::~Result() {
  if (r_) libpq().PQclear(r_);
}

int Result::rows() const { return r_ ? libpq().PQntuples(r_) : 0; }
int Result::columns() const { return r_ ? libpq().PQnfields(r_) : 0; }
std::string Result::column_name(int col) const { return libpq().PQfname(r_, col); }
bool Result::is_null(int row, int col) const { return libpq().PQgetisnull(r_, row, col) != 0; }

std::string Result::text(int row, int col) const {
  if (is_null(row, col)) return {};
  return std::string(libpq().PQgetvalue(r_, row, col), static_cast<std::size_t>(libpq().PQgetlength(r_, row, col)));
}

std::optional<std::string> Result::optional_text(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return text(row, col);
}

std::int64_t Result::int64(int row, int col) const {
  if (is_null(row, col)) return 0;
  const char* v = libpq().PQgetvalue(r_, row, col);
  // Booleans come back as "t"/"f" in text format.
  if (v[0] == 't' && v[1] == '\0') return 1;
  if (v[0] == 'f' && v[1] == '\0') return 0;
  return std::strtoll(v, nullptr, 10);
}

std::vector<unsigned char> Result::bytes(int row, int col) const {
  if (is_null(row, col)) return {};
  std::size_t n = 0;
  unsigned char* raw =
      libpq().PQunescapeBytea(reinterpret_cast<const unsigned char*>(libpq().PQgetvalue(r_, row, col)), &n);
  if (!raw) throw Error(ExitStatus::kInternal, "out of memory decoding a bytea value");
  std::vector<unsigned char> out(raw, raw + n);
  libpq().PQfreemem(raw);
  return out;
}

std::int64_t Result::affected() const {
  const char* n = r_ ? libpq().PQcmdTuples(r_) : "";
  return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

// ---- Connection ----

Connection::Connection(pg_conn* c) : conn_(c) {}
Connection::Connection(Connection&& other) noexcept
    : conn_(other.conn_), prepared_(std::move(other.prepared_)) {
  other.conn_ = nullptr;
}
Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (conn_) libpq().PQfinish(conn_);
    conn_ = other.conn_;
    prepared_ = std::move(other.prepared_);
    other.conn_ = nullptr;
  }
  return *this;
}
Connection::~Connection() {
  if (conn_) libpq().PQfinish(conn_);
}

Connection Connection::open(const std::string& url, const ConnectOptions& options) {
  if (url_has_password(url)) {
    throw InputError(
        "the PostgreSQL URL names a password; put it in ~/.pgpass (mode 0600) or $PGPASSWORD instead");
  }
  std::string timeout = std::to_string(options.connect_timeout_s);
  // expand_dbname=1 with the URL last: its parameters are read in its place
  // and so win over the defaults before it.
  const char* keys[] = {"connect_timeout", "application_name", "client_encoding", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), options.application_name.c_str(), "UTF8", url.c_str(),
                          nullptr};
  pg_conn* c = libpq().PQconnectStartParams(keys, values, 1);
  if (!c) throw WorkspaceError("cannot connect to PostgreSQL: out of memory");
  // libpq prints notices on stderr: the NOTICEs of CREATE ... IF NOT EXISTS,
  // and an ERROR or FATAL that arrives between queries, such as the
  // backend's "terminating connection due to unexpected postmaster exit"
  // when the server dies. Silenced before the first byte is read, so a
  // failure stays the one line dpa prints.
  libpq().PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  int timeout_s = effective_connect_timeout(c, options.connect_timeout_s);
  bool timed_out = !finish_connecting(c, timeout_s);
  if (libpq().PQstatus(c) != CONNECTION_OK) {
    std::string message = timed_out ? fmt::format("no answer within {} s (connect_timeout)", timeout_s)
                                    : first_line(libpq().PQerrorMessage(c));
    if (message.empty()) message = "the connection was not completed";
    libpq().PQfinish(c);
    throw WorkspaceError(fmt::format("cannot connect to PostgreSQL: {}", message));
  }
  Connection conn(c);
  // Times are kept as ISO-8601 text; a session time zone of UTC keeps now()
  // and any conversion in SQL unambiguous.
  conn.exec_script("SET TIME ZONE 'UTC'");
  return conn;
}

std::string Connection::where() const {
  if (!conn_) return "PostgreSQL";
  const char* host = libpq().PQhost(conn_);
  const char* port = libpq().PQport(conn_);
  const char* db = libpq().PQdb(conn_);
  return fmt::format("{}:{}/{}", host ? host : "", port ? port : "", db ? db : "");
}

void Connection::fail(pg_result* r, std::string_view what) {
  const char* state = r ? libpq().PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = first_line(r ? libpq().PQresultErrorMessage(r) : libpq().PQerrorMessage(conn_));
  if (message.empty()) message = first_line(libpq().PQerrorMessage(conn_));
  bool lost = libpq().PQstatus(conn_) == CONNECTION_BAD || starts_with(state, "08") ||
              starts_with(state, "57P");
  std::string sqlstate = state ? state : "";
  if (r) libpq().PQclear(r);
  if (lost) {
    // Prepared statements die with the session.
    prepared_.clear();
    throw WorkspaceError(fmt::format(
        "lost the connection to PostgreSQL at {} during {}: {}; nothing of the unfinished "
        "transaction was kept, run the command again",
        where(), what, message));
  }
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    throw BusyError(fmt::format("PostgreSQL at {} is busy ({}): {}; try again", where(), sqlstate,
                                message));
  }
  if (starts_with(state, "23")) {
    throw InputError(fmt::format("PostgreSQL refused the change ({}): {}", sqlstate, message));
  }
  throw Error(ExitStatus::kInternal,
              fmt::format("PostgreSQL at {}: {} ({}) in {}", where(), message, sqlstate, what));
}

Result Connection::exec(std::string_view sql, const std::vector<Param>& params) {
  std::string key(sql);
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    std::string name = "dpa_" + std::to_string(prepared_.size() + 1);
    std::string text = to_dollar_placeholders(sql);
    pg_result* r = libpq().PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr);
    if (!r || libpq().PQresultStatus(r) != PGRES_COMMAND_OK) fail(r, "preparing a statement");
    libpq().PQclear(r);
    it = prepared_.emplace(std::move(key), std::move(name)).first;
  }

  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  std::vector<int> lengths(params.size(), 0);
  std::vector<int> formats(params.size(), 0);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    if (auto* n = std::get_if<std::int64_t>(&p)) {
      texts[i] = std::to_string(*n);
      values[i] = texts[i].c_str();
    } else if (auto* s = std::get_if<std::string>(&p)) {
      values[i] = s->c_str();
      lengths[i] = static_cast<int>(s->size());
    } else if (auto* b = std::get_if<std::vector<unsigned char>>(&p)) {
      // Binary format: the bytes go as they are, no escaping.
      static const char kEmpty = 0;
      values[i] = b->empty() ? &kEmpty : reinterpret_cast<const char*>(b->data());
      lengths[i] = static_cast<int>(b->size());
      formats[i] = 1;
    }
  }
  pg_result* r = libpq().PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                                values.data(), lengths.data(), formats.data(), 0);
  ExecStatusType status = r ? libpq().PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r, "a statement");
  return Result(r);
}

void Connection::exec_script(std::string_view sql) {
  std::string text(sql);
  pg_result* r = libpq().PQexec(conn_, text.c_str());
  ExecStatusType status = r ? libpq().PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r, "a script");
  libpq().PQclear(r);
}

void Connection::copy_out(std::string_view sql, const std::function<void(std::string_view)>& sink) {
  std::string text(sql);
  pg_result* r = libpq().PQexec(conn_, text.c_str());
  if (!r || libpq().PQresultStatus(r) != PGRES_COPY_OUT) fail(r, "COPY");
  libpq().PQclear(r);
  for (;;) {
    char* buffer = nullptr;
    int n = libpq().PQgetCopyData(conn_, &buffer, 0);
    if (n > 0) {
      struct Free {
        char* p;
        ~Free() { libpq().PQfreemem(p); }
      } release{buffer};
      sink(std::string_view(buffer, static_cast<std::size_t>(n)));
      continue;
    }
    if (n == -1) break;  // done; the final status follows
    fail(nullptr, "COPY");
  }
  pg_result* end = libpq().PQgetResult(conn_);
  if (!end || libpq().PQresultStatus(end) != PGRES_COMMAND_OK) fail(end, "COPY");
  libpq().PQclear(end);
  // Drain: libpq returns NULL once the command is complete.
  while (pg_result* extra = libpq().PQgetResult(conn_)) libpq().PQclear(extra);
}

bool Connection::try_advisory_lock(std::int64_t key) {
  return exec("SELECT pg_try_advisory_lock(?)", {key}).int64(0, 0) == 1;
}

void Connection::advisory_unlock(std::int64_t key) { exec("SELECT pg_advisory_unlock(?)", {key}); }

// ---- helpers ----

std::string to_dollar_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 1;
  std::size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      // A quoted string or identifier; a doubled quote stays inside it.
      std::size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      std::size_t end = j < sql.size() ? j + 1 : j;
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      std::size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size();
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '?') {
      std::size_t j = i + 1;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') ++j;
      if (j > i + 1) {
        out += '$';
        out.append(sql.substr(i + 1, j - i - 1));
      } else {
        out += '$';
        out += std::to_string(next++);
      }
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

bool url_has_password(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = libpq().PQconninfoParse(url.c_str(), &error);
  if (!options) {
    std::string message = first_line(error);
    if (error) libpq().PQfreemem(error);
    throw InputError(fmt::format("not a PostgreSQL connection URL: {}", message));
  }
  bool has = false;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (std::strcmp(o->keyword, "password") == 0 && o->val && *o->val) has = true;
  }
  libpq().PQconninfoFree(options);
  return has;
}

std::int64_t advisory_key(std::string_view name) {
  // FNV-1a: stable across hosts and builds, which a lock shared by a fleet needs.
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<std::int64_t>(h & 0x7fffffffffffffffull);
}

}  // namespace dpa::pg

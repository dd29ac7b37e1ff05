#include "dpa/pg_state_store.h"

#include <unistd.h>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/pg_connection.h"
#include "dpa/sql_state_store.h"

namespace dpa {
namespace {

// A session advisory lock on a connection that exists only for it: the
// server releases the lock when the connection ends, so when the holder
// exits, is killed, or its host goes away (after the TCP keepalive).
class PgHeldLock final : public HeldLock {
 public:
  explicit PgHeldLock(pg::Connection conn) : conn_(std::move(conn)) {}

 private:
  pg::Connection conn_;  // closing it releases the lock
};

// application_name holds at most 63 bytes; cut at a character boundary.
std::string short_name(std::string s) {
  if (s.size() <= 63) return s;
  std::size_t n = 63;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  return s;
}

std::unique_ptr<HeldLock> try_advisory(const PgStateOptions& options, const std::string& name,
                                       const std::string& what, std::string* holder) {
  char host[64] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "unknown-host");
  pg::ConnectOptions connect;
  // Read back by the processes the lock refuses (below); the server adds
  // when the connection, and so the lock, began.
  connect.application_name = short_name(fmt::format("{} pid {} on {}", what, ::getpid(), host));
  pg::Connection conn = pg::Connection::open(options.url, connect);
  const std::int64_t key = pg::advisory_key(options.schema + ":" + name);
  if (conn.try_advisory_lock(key)) return std::make_unique<PgHeldLock>(std::move(conn));
  if (holder) {
    // A bigint advisory key shows in pg_locks as classid (high 32 bits),
    // objid (low 32 bits) and objsubid 1.
    auto k = static_cast<std::uint64_t>(key);
    pg::Result r = conn.exec(
        "SELECT a.application_name, to_char(a.backend_start AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND l.classid = CAST(? AS oid) AND l.objid = CAST(? AS oid) AND l.objsubid = 1",
        {static_cast<std::int64_t>(k >> 32), static_cast<std::int64_t>(k & 0xffffffffu)});
    if (r.rows() > 0) *holder = fmt::format("{} since {}", r.text(0, 0), r.text(0, 1));
    else *holder = "another process (it has just finished, or its details are not visible to this user)";
  }
  return nullptr;
}

}  // namespace

std::unique_ptr<StateStore> open_pg_state_store(const PgStateOptions& options) {
  auto db = open_pg_database(options);
  return make_sql_state_store(std::move(db), [options](const std::string& name, const std::string& what,
                                                       std::string* holder) {
    return try_advisory(options, name, what, holder);
  });
}

}  // namespace dpa

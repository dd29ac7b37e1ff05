#include "bench_events.h"

#include <algorithm>
#include <random>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "dpa/duration.h"
#include "retention/schedule.h"

namespace dpa::bench {

std::string tenant_name(long long i) { return fmt::format("t{:04}", i); }

const char* const kEventsDataMap = R"toml(
[[store]]
name = "app"
kind = "sqlite"
path = "app.db"

[[dataset]]
name     = "events"
store    = "app"
table    = "events"
key      = "id"
category = "communications.audio"
tenant   = "tenant_id"
created  = "created_at"
subject  = { phone = "caller_phone" }
text     = ["body"]
)toml";

void generate_events(const EventsSpec& a, Timestamp at, const std::filesystem::path& db_path) {
  // The cut: rows created before it are due (3 months, as autocall says).
  Timestamp cut = retention::latest_start(at, Duration::parse("3mo"), TimeZone::almaty(), nullptr);
  // Rows spread evenly from `first` to an hour ago; the oldest `due` before the cut.
  const Timestamp last = at - std::chrono::hours{1};
  const double young = static_cast<double>(a.rows - a.due);
  const auto young_span = (last - cut).count();
  const auto old_span = std::max<long long>(a.due, 90LL * 86400);  // due rows: the 90 days before the cut
  SQLite::Database db(db_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF; PRAGMA cache_size = -200000");
  db.exec(
      "CREATE TABLE events(id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, created_at TEXT NOT NULL, "
      "caller_phone TEXT, body TEXT NOT NULL)");
  SQLite::Transaction tx(db);
  SQLite::Statement ins(db, "INSERT INTO events VALUES(?, ?, ?, ?, ?)");
  std::mt19937_64 rng(20261121);
  static const char* words[] = {"звонок", "заказ", "доставка", "оплата", "call", "order", "qońyraý", "tapsyrys",
                                "клиент", "менеджер", "курьер", "адрес", "status", "refund", "счёт", "жеткізу"};
  for (long long i = 0; i < a.rows; ++i) {
    Timestamp t = i < a.due ? cut - std::chrono::seconds{old_span - (old_span * i) / std::max<long long>(a.due, 1)}
                            : cut + std::chrono::seconds{1 + static_cast<long long>(
                                                                 static_cast<double>(young_span - 2) *
                                                                 static_cast<double>(i - a.due) / std::max(young, 1.0))};
    std::string body;
    for (int w = 0; w < 12; ++w) {
      body += words[rng() % 16];
      body += ' ';
    }
    ins.bind(1, static_cast<int64_t>(i + 1));
    ins.bind(2, tenant_name(static_cast<long long>(rng() % static_cast<unsigned long long>(a.tenants))));
    ins.bind(3, format_utc(t));
    ins.bind(4, fmt::format("+7701{:07}", rng() % 10'000'000));
    ins.bind(5, body);
    ins.exec();
    ins.reset();
  }
  tx.commit();
  if (a.indexes) {
    db.exec("CREATE INDEX events_tenant_created ON events(tenant_id, created_at)");
    db.exec("CREATE INDEX events_phone ON events(caller_phone)");
  }
}

std::string a_caller_phone(const std::filesystem::path& db_path, const std::string& tenant) {
  SQLite::Database db(db_path.string());
  SQLite::Statement q(db, "SELECT caller_phone FROM events WHERE tenant_id = ? AND caller_phone IS NOT NULL LIMIT 1");
  q.bind(1, tenant);
  if (!q.executeStep()) throw std::runtime_error("no row of tenant " + tenant);
  return q.getColumn(0).getString();
}

}  // namespace dpa::bench

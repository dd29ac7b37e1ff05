#include "dpa/sqlite_database.h"

#include <sqlite3.h>

#include <unordered_map>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "dpa/error.h"

namespace dpa {
namespace {

class SqliteRow final : public SqlRow {
 public:
  explicit SqliteRow(SQLite::Statement& q) : q_(q) {}
  bool is_null(int col) const override { return q_.getColumn(col).isNull(); }
  std::int64_t int64(int col) const override { return q_.getColumn(col).getInt64(); }
  std::string text(int col) const override { return q_.getColumn(col).getString(); }
  std::vector<unsigned char> blob(int col) const override {
    auto c = q_.getColumn(col);
    if (c.isNull()) return {};
    const auto* p = static_cast<const unsigned char*>(c.getBlob());
    return std::vector<unsigned char>(p, p + c.getBytes());
  }

 private:
  SQLite::Statement& q_;
};

class SqliteDatabase final : public SqlDatabase {
 public:
  SqliteDatabase(const std::filesystem::path& file, const SqliteOptions& options)
      : file_(file), options_(options),
        db_(file.string(), options.create ? SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE
                                          : SQLite::OPEN_READWRITE) {
    db_.setBusyTimeout(options.busy_timeout_ms);
    guard([&] {
      // A file that is not SQLite fails here, on the first read.
      db_.exec("PRAGMA journal_mode=WAL");
      // FULL: a committed audit entry survives a power cut, not only a crash.
      db_.exec("PRAGMA synchronous=FULL");
      db_.exec("PRAGMA foreign_keys=ON");
      // 32 MiB of page cache (default 2 MiB): a pseudonymization run looks
      // up and inserts keyed hashes, random keys in six vault indexes, and
      // with the small default nearly every probe is a pread.
      db_.exec("PRAGMA cache_size=-32768");
    });
  }

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  std::string where() const override { return file_.string(); }

  void query(std::string_view sql, const std::vector<SqlValue>& params,
             const std::function<bool(const SqlRow&)>& visit) override {
    guard([&] {
      with_statement(sql, params, [&](SQLite::Statement& q) {
        SqliteRow row(q);
        while (q.executeStep()) {
          if (!visit(row)) break;
        }
      });
    });
  }

  std::int64_t exec(std::string_view sql, const std::vector<SqlValue>& params) override {
    return guard([&] {
      std::int64_t n = 0;
      with_statement(sql, params, [&](SQLite::Statement& q) { n = q.exec(); });
      return n;
    });
  }

  void exec_script(std::string_view sql) override {
    guard([&] { db_.exec(std::string(sql)); });
  }

  void begin_write() override {
    guard([&] { db_.exec("BEGIN IMMEDIATE"); });
  }
  void commit() override {
    guard([&] { db_.exec("COMMIT"); });
  }
  void rollback() noexcept override {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
      // SQLite rolls back by itself on some errors; the original error is
      // the one worth reporting.
    }
  }

  bool table_exists(const std::string& name) override {
    return guard([&] { return db_.tableExists(name); });
  }

 private:
  struct Cached {
    std::unique_ptr<SQLite::Statement> statement;
    bool in_use = false;
  };

  // Runs `body` with a statement for `sql` prepared once per connection and
  // reset afterwards: a stepped SELECT left unreset would pin a read
  // snapshot (and block checkpoints) until the next use. A statement used
  // again while a visit of it runs gets a fresh one of its own.
  template <typename F>
  void with_statement(std::string_view sql, const std::vector<SqlValue>& params, F&& body) {
    auto& slot = statements_[std::string(sql)];
    std::unique_ptr<SQLite::Statement> own;
    SQLite::Statement* q = nullptr;
    if (slot.in_use) {
      own = std::make_unique<SQLite::Statement>(db_, std::string(sql));
      q = own.get();
    } else {
      if (!slot.statement) slot.statement = std::make_unique<SQLite::Statement>(db_, std::string(sql));
      q = slot.statement.get();
      slot.in_use = true;
    }
    struct Reset {
      SQLite::Statement& q;
      bool* in_use;
      ~Reset() {
        q.tryReset();
        try {
          q.clearBindings();
        } catch (...) {
          // Only fails on a misuse the next bind would report anyway.
        }
        if (in_use) *in_use = false;
      }
    } reset{*q, own ? nullptr : &slot.in_use};
    for (std::size_t i = 0; i < params.size(); ++i) {
      int index = static_cast<int>(i + 1);
      const SqlValue& v = params[i];
      if (auto* n = std::get_if<std::int64_t>(&v)) q->bind(index, static_cast<int64_t>(*n));
      else if (auto* s = std::get_if<std::string>(&v)) q->bind(index, *s);
      else if (auto* b = std::get_if<std::vector<unsigned char>>(&v)) q->bind(index, b->data(), static_cast<int>(b->size()));
      else q->bind(index);
    }
    body(*q);
  }

  // Translates SQLite failures into the toolkit's errors at the boundary, so
  // that callers see "locked" as BusyError and corruption as WorkspaceError.
  template <typename F>
  auto guard(F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const SQLite::Exception& e) {
      int code = e.getErrorCode() & 0xff;
      if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
        throw BusyError(fmt::format(
            "the state database {} is locked by another process (waited {} ms); try again",
            file_.string(), options_.busy_timeout_ms));
      }
      if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
        throw WorkspaceError(fmt::format("{} is not a valid dpa state database: {}",
                                         file_.string(), e.what()));
      }
      if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM ||
          code == SQLITE_IOERR || code == SQLITE_FULL) {
        throw WorkspaceError(fmt::format("cannot write the state database {}: {}",
                                         file_.string(), e.what()));
      }
      if (code == SQLITE_CONSTRAINT) {
        throw InputError(fmt::format("state database refused the change: {}", e.what()));
      }
      throw Error(ExitStatus::kInternal,
                  fmt::format("state database {}: {}", file_.string(), e.what()));
    }
  }

  std::filesystem::path file_;
  SqliteOptions options_;
  SQLite::Database db_;
  // Declared after db_: prepared statements are finalized before it closes.
  std::unordered_map<std::string, Cached> statements_;
};

}  // namespace

std::unique_ptr<SqlDatabase> open_sqlite_database(const std::filesystem::path& file,
                                                  const SqliteOptions& options) {
  if (!options.create && !std::filesystem::exists(file)) {
    throw WorkspaceError(fmt::format("no state database at {}; run `dpa init` first", file.string()));
  }
  try {
    return std::make_unique<SqliteDatabase>(file, options);
  } catch (const SQLite::Exception& e) {
    throw WorkspaceError(fmt::format("cannot open the state database {}: {}", file.string(), e.what()));
  }
}

}  // namespace dpa

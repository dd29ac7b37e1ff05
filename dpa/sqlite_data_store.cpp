#include "dpa/sqlite_data_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <optional>
#include <set>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dpa/error.h"

namespace dpa {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

bool digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return false;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

int num(std::string_view s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// "YYYY-MM-DD?HH:MM:SS[.fff]" followed by `tail`; sep is 'T' or ' '.
std::optional<Timestamp> parse_text_time(std::string_view s, char sep, std::string_view tail) {
  if (s.size() < 19 || !digits(s, 0, 4) || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' || !digits(s, 8, 2) ||
      s[10] != sep || !digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2) || s[16] != ':' || !digits(s, 17, 2)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  if (s.substr(pos) != tail) return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year{num(s, 0, 4)}, month{static_cast<unsigned>(num(s, 5, 2))},
                     day{static_cast<unsigned>(num(s, 8, 2))}};
  int h = num(s, 11, 2), m = num(s, 14, 2), sec = num(s, 17, 2);
  if (!ymd.ok() || h > 23 || m > 59 || sec > 59) return std::nullopt;
  return Timestamp{sys_days{ymd}} + hours{h} + minutes{m} + seconds{sec};
}

int busy_timeout_ms() {
  if (const char* t = std::getenv("DPA_BUSY_TIMEOUT_MS"); t && *t) {
    char* end = nullptr;
    long ms = std::strtol(t, &end, 10);
    if (*end == '\0' && ms >= 0 && ms <= 3600000) return static_cast<int>(ms);
  }
  return 15000;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct IndexInfo {
  std::string name;
  bool unique = false;
  std::vector<std::string> columns;  // lowercase, in order
};

class SqliteDataStore final : public DataStore {
 public:
  SqliteDataStore(const StoreSpec& s, bool writable)
      : spec_(s), db_(open(s, writable)) {
    db_.setBusyTimeout(busy_timeout_ms());
    // This connection's page cache only (64 MB, whatever the table's size):
    // index pages stay cached from one batch to the next, and a batch's dirty
    // pages are not spilled to the file before its commit.
    db_.exec("PRAGMA cache_size = -65536");
    if (writable) {
      // A rollback journal's mode is this connection's own (unlike WAL, which
      // the database keeps): PERSIST reuses one journal file instead of
      // creating and deleting it at every batch's commit, which is most of a
      // small transaction's cost. Just as safe; other connections read it
      // like any journal. A database in WAL mode is left as it is.
      // The journal keeps its size between batches (no journal_size_limit):
      // a batch journals every page it dirties, hundreds of MB for a large
      // table, and a journal cut back after each commit had its blocks
      // allocated and zeroed again by the file system at the next batch
      // (about a tenth of a sweep's CPU). The connection's own mode is
      // restored when the store closes, which removes the journal file.
      SQLite::Statement mode(db_, "PRAGMA journal_mode");
      if (mode.executeStep() && (mode.getColumn(0).getString() == "delete" || mode.getColumn(0).getString() == "truncate")) {
        restore_journal_mode_ = mode.getColumn(0).getString();
        mode.reset();
        db_.exec("PRAGMA journal_mode = PERSIST");
      }
    }
  }

  ~SqliteDataStore() override {
    if (restore_journal_mode_.empty()) return;
    try {
      statements_.clear();
      db_.exec("PRAGMA journal_mode = " + restore_journal_mode_);
    } catch (...) {
      // Busy or read-only now: the journal file stays, as any PERSIST one.
    }
  }

  std::vector<std::string> tenants(const DatasetSpec& d) override {
    return guard(d, [&] {
      std::vector<std::string> out;
      const std::string t = quote_identifier(d.tenant);
      const std::string table = quote_identifier(d.table);
      if (has_index_starting(d, {d.tenant})) {
        // Skip-scan: one index seek per tenant instead of reading every row.
        SQLite::Statement first(db_, fmt::format("SELECT min({0}) FROM {1} WHERE {0} IS NOT NULL", t, table));
        if (!first.executeStep() || first.getColumn(0).isNull()) return out;
        out.push_back(first.getColumn(0).getString());
        SQLite::Statement next(db_, fmt::format("SELECT min({0}) FROM {1} WHERE {0} > ?", t, table));
        for (;;) {
          next.reset();
          next.bind(1, out.back());
          if (!next.executeStep() || next.getColumn(0).isNull()) break;
          out.push_back(next.getColumn(0).getString());
        }
        return out;
      }
      SQLite::Statement q(db_, fmt::format("SELECT DISTINCT {0} FROM {1} WHERE {0} IS NOT NULL ORDER BY {0}", t, table));
      while (q.executeStep()) out.push_back(q.getColumn(0).getString());
      return out;
    });
  }

  RangeStats stats(const DatasetSpec& d, const std::string& tenant, const CreatedRange& r, bool with_bytes) override {
    RangeStats st;
    if (r.empty) {
      st.bytes = with_bytes ? 0 : -1;
      return st;
    }
    return guard(d, [&] {
      const std::string c = quote_identifier(d.created);
      std::string sql = fmt::format("SELECT count(*), {}, min(CASE WHEN {} IS NOT NULL THEN {} END) FROM {} WHERE {} = :tenant AND {}",
                                    with_bytes ? "coalesce(sum(" + bytes_expr(d) + "), 0)" : "-1", c, c,
                                    quote_identifier(d.table), quote_identifier(d.tenant), range_sql(d, r));
      SQLite::Statement q(db_, sql);
      q.bind(":tenant", tenant);
      bind_range(q, d, r);
      q.executeStep();
      st.records = q.getColumn(0).getInt64();
      st.bytes = q.getColumn(1).getInt64();
      st.oldest = parse_created(column_value(q, 2), d.created_format);
      return st;
    });
  }

  std::vector<DataRecord> scan(const DatasetSpec& d, const std::string& tenant, const CreatedRange& r,
                               const DataRecord* after, std::size_t limit) override {
    std::vector<DataRecord> out;
    if (r.empty || limit == 0) return out;
    return guard(d, [&] {
      const std::string c = quote_identifier(d.created);
      const std::string k = quote_identifier(d.key);
      const RecordShape& shape = record_shape(d);
      const std::string head = fmt::format("SELECT {} FROM {} WHERE {} = :tenant AND ", shape.select,
                                           quote_identifier(d.table), quote_identifier(d.tenant));
      bool after_null = after && std::holds_alternative<std::monostate>(after->created_raw);
      if (r.include_null && (!after || after_null)) {
        std::string sql = head + c + " IS NULL";
        if (after) sql += fmt::format(" AND {} > :after_key", k);
        sql += fmt::format(" ORDER BY {} LIMIT :limit", k);
        Cached q(statement(sql));
        q->bind(":tenant", tenant);
        if (after) bind_field(*q, ":after_key", after->key);
        q->bind(":limit", static_cast<int64_t>(limit));
        while (q->executeStep()) out.push_back(read_record(*q, d, shape.counted));
        if (out.size() >= limit) return out;
        after = nullptr;
      }
      CreatedRange bounded = r;
      bounded.include_null = false;
      std::string sql = head + range_sql(d, bounded);
      if (after) {
        sql += fmt::format(" AND {0} >= :after_created AND ({0} > :after_created OR {1} > :after_key)", c, k);
      }
      sql += fmt::format(" ORDER BY {}, {} LIMIT :limit", c, k);
      Cached q(statement(sql));
      q->bind(":tenant", tenant);
      bind_range(*q, d, bounded);
      if (after) {
        bind_field(*q, ":after_created", after->created_raw);
        bind_field(*q, ":after_key", after->key);
      }
      q->bind(":limit", static_cast<int64_t>(limit - out.size()));
      while (q->executeStep()) out.push_back(read_record(*q, d, shape.counted));
      return out;
    });
  }

  std::vector<std::vector<bool>> erase(const DatasetSpec& d, const std::vector<EraseSegment>& segments,
                                       const ProgressHook& hook) override {
    std::vector<std::vector<bool>> erased;
    std::size_t total = 0;
    for (const auto& seg : segments) {
      erased.emplace_back(seg.records.size(), false);
      if (!seg.range.empty) total += seg.records.size();
    }
    if (total == 0) return erased;
    return guard(d, [&] {
      // In key order, whatever the tenant: in a table keyed by an id that
      // grows with time, neighbouring keys share pages, so each page is read
      // and dirtied once per batch rather than once per record.
      EraseOrder order;
      std::vector<std::int64_t> int_keys;
      sort_for_erase(segments, total, order, int_keys);
      db_.exec("BEGIN IMMEDIATE");
      try {
        if (!erase_in_chunks(d, segments, order, int_keys, erased)) {
          // Something the chunks cannot tell apart (a key twice in the batch,
          // a row whose tenant is not the one scanned): none of it stays, and
          // the batch is erased record by record instead.
          db_.exec("ROLLBACK");
          for (auto& flags : erased) std::fill(flags.begin(), flags.end(), false);
          db_.exec("BEGIN IMMEDIATE");
          erase_one_by_one(d, segments, order, erased);
        }
        if (hook) hook("app-before-commit");
        db_.exec("COMMIT");
      } catch (...) {
        try {
          db_.exec("ROLLBACK");
        } catch (...) {
        }
        throw;
      }
      return erased;
    });
  }

  nlohmann::json locate(const DatasetSpec&, const std::vector<DataRecord>& records) override {
    return created_bounds(records);
  }

  std::vector<DataRecord> relocate(const DatasetSpec& d, const std::string& tenant, const nlohmann::json& where) override {
    return guard(d, [&] {
      const std::string c = quote_identifier(d.created);
      std::vector<std::string> parts;
      FieldValue lo = field_from_json(where.value("created_lo", nlohmann::json()));
      FieldValue hi = field_from_json(where.value("created_hi", nlohmann::json()));
      bool bounded = !std::holds_alternative<std::monostate>(lo);
      if (bounded) parts.push_back(fmt::format("({0} >= :lo AND {0} <= :hi)", c));
      if (where.value("null", false)) parts.push_back(c + " IS NULL");
      std::vector<DataRecord> out;
      if (parts.empty()) return out;
      const RecordShape& shape = record_shape(d);
      std::string sql = fmt::format("SELECT {} FROM {} WHERE {} = :tenant AND ({})", shape.select,
                                    quote_identifier(d.table), quote_identifier(d.tenant), fmt::join(parts, " OR "));
      SQLite::Statement q(db_, sql);
      q.bind(":tenant", tenant);
      if (bounded) {
        bind_field(q, ":lo", lo);
        bind_field(q, ":hi", hi);
      }
      while (q.executeStep()) out.push_back(read_record(q, d, shape.counted));
      return out;
    });
  }

  void tidy(const DatasetSpec&, const nlohmann::json&) override {}

  std::vector<DataMapProblem> check(const DatasetSpec& d) override {
    std::vector<DataMapProblem> out;
    auto error = [&](std::string m) { out.push_back({DataMapProblem::Severity::kError, d.name, std::move(m)}); };
    auto warn = [&](std::string m) { out.push_back({DataMapProblem::Severity::kWarning, d.name, std::move(m)}); };
    try {
      SQLite::Statement exists(db_, "SELECT type FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?");
      exists.bind(1, d.table);
      if (!exists.executeStep()) {
        std::vector<std::string> tables;
        SQLite::Statement all(db_, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
        while (all.executeStep()) tables.push_back(all.getColumn(0).getString());
        error(fmt::format("store {} ({}) has no table '{}' (tables: {})", spec_.name, spec_.path.string(), d.table,
                          tables.empty() ? std::string("none") : fmt::format("{}", fmt::join(tables, ", "))));
        return out;
      }
      const auto& cols = columns(d);
      std::set<std::string> have;
      for (const auto& col : cols) have.insert(lower(col.name));
      bool missing = false;
      auto need = [&](const std::string& col, const std::string& role) {
        if (!have.count(lower(col))) {
          std::vector<std::string> names;
          for (const auto& cc : cols) names.push_back(cc.name);
          error(fmt::format("table {} has no column '{}' ({}); its columns: {}", d.table, col, role, fmt::join(names, ", ")));
          missing = true;
        }
      };
      need(d.key, "key");
      need(d.tenant, "tenant");
      need(d.created, "created");
      for (const auto& s : d.subject) need(s.column, "subject " + s.kind);
      for (const auto& t : d.text) need(t, "text");
      if (missing) return out;

      if (!journal_advised_) {
        // Advice only: the journal mode is the database's own (WAL persists),
        // so it is the application owner's decision, never dpa's.
        journal_advised_ = true;
        SQLite::Statement mode(db_, "PRAGMA journal_mode");
        if (mode.executeStep() && lower(mode.getColumn(0).getString()) != "wal") {
          warn(fmt::format("store {} uses a rollback journal ({}): in WAL mode a sweep's batches commit with fewer "
                           "disk flushes and the application's readers are not blocked during a batch. "
                           "If every process using {} runs on this host (not over a network file system), its owner "
                           "can run PRAGMA journal_mode=WAL once; dpa never changes it",
                           spec_.name, lower(mode.getColumn(0).getString()), spec_.path.filename().string()));
        }
      }
      if (!key_is_unique(d)) {
        warn(fmt::format("key column {} of {} is neither the INTEGER PRIMARY KEY nor alone in a UNIQUE index: "
                         "erasing a record by its key may erase others with the same key",
                         d.key, d.table));
      }
      if (!has_index_starting(d, {d.tenant, d.created})) {
        warn(fmt::format("no index on ({0}, {1}) of {2}: plans and sweeps read the whole table; "
                         "CREATE INDEX {2}_{0}_{1} ON {2}({0}, {1})",
                         d.tenant, d.created, d.table));
      }
      for (const auto& s : d.subject) {
        if (!has_index_starting(d, {s.column})) {
          warn(fmt::format("subject column {} ({}) of {} has no index: finding a subject's records reads the "
                           "whole table; CREATE INDEX {}_{} ON {}({})",
                           s.column, s.kind, d.table, d.table, s.column, d.table, s.column));
        }
      }
      // Creation times must parse in the declared format, or they compare wrong.
      const std::string c = quote_identifier(d.created);
      const std::string table = quote_identifier(d.table);
      SQLite::Statement sample(
          db_, fmt::format("SELECT v FROM (SELECT {0} AS v FROM {1} WHERE {0} IS NOT NULL LIMIT 200) "
                           "UNION ALL SELECT min({0}) FROM {1} UNION ALL SELECT max({0}) FROM {1}",
                           c, table));
      std::int64_t bad = 0;
      std::string example;
      while (sample.executeStep()) {
        FieldValue v = column_value(sample, 0);
        if (std::holds_alternative<std::monostate>(v)) continue;
        if (!parse_created(v, d.created_format)) {
          if (bad++ == 0) example = field_text(v).substr(0, 40);
        }
      }
      if (bad > 0) {
        error(fmt::format("{}.{} holds values such as '{}' that are not in created_format {} ({}); such records "
                          "are never deleted: fix the data or set created_format",
                          d.table, d.created, example, to_string(d.created_format), format_help(d.created_format)));
      }
    } catch (const SQLite::Exception& e) {
      error(fmt::format("store {} ({}): {}", spec_.name, spec_.path.string(), e.what()));
    }
    return out;
  }

  // ---- Reading whole rows (exports, subject requests) ----

  std::vector<std::string> column_names(const DatasetSpec& d) override {
    return guard(d, [&] {
      std::vector<std::string> out;
      for (const auto& col : columns(d)) out.push_back(col.name);
      return out;
    });
  }

  void read_rows(const DatasetSpec& d, const std::string& tenant, const SubjectMatch* subject,
                 const RowVisitor& visit) override {
    guard(d, [&] {
      const auto& cols = columns(d);
      if (cols.empty()) throw InputError(fmt::format("dataset {}: table {} has no columns", d.name, d.table));
      // Where a subject is asked for, only the columns of its kind are
      // compared, after normalization (in C++: the stored forms vary).
      std::vector<std::string> names;
      for (const auto& col : cols) names.push_back(col.name);
      SubjectMatch::Columns where;
      if (subject) {
        where = subject->columns_in(d, names);
        if (where.positions.empty()) return;
      }
      std::string list;
      for (const auto& col : cols) list += (list.empty() ? "" : ", ") + quote_identifier(col.name);
      std::string sql = fmt::format("SELECT {} FROM {} WHERE {} = :tenant", list, quote_identifier(d.table),
                                    quote_identifier(d.tenant));
      if (subject) sql += fmt::format(" AND ({})", where.any_not_null);
      // NULL creation times sort first: the order of scan().
      sql += fmt::format(" ORDER BY {}, {}", quote_identifier(d.created), quote_identifier(d.key));
      SQLite::Statement q(db_, sql);
      q.bind(":tenant", tenant);
      std::vector<CellValue> row(cols.size());
      while (q.executeStep()) {
        if (subject) {
          bool hit = false;
          for (int i : where.positions) {
            SQLite::Column c = q.getColumn(i);
            if (!c.isNull() && subject->matches(c.getString())) {
              hit = true;
              break;
            }
          }
          if (!hit) continue;
        }
        for (std::size_t i = 0; i < cols.size(); ++i) row[i] = cell_value(q, static_cast<int>(i));
        if (!visit(row)) break;
      }
    });
  }

  bool update_row(const DatasetSpec& d, const std::string& tenant, const FieldValue& key,
                  const std::vector<std::pair<std::string, FieldValue>>& set) override {
    if (set.empty()) return false;
    return guard(d, [&] {
      const auto& cols = columns(d);
      std::vector<std::string> assign;
      for (std::size_t i = 0; i < set.size(); ++i) {
        validate_sql_identifier(set[i].first, "column");
        bool known = false;
        for (const auto& c : cols) known = known || lower(c.name) == lower(set[i].first);
        if (!known) throw InputError(fmt::format("dataset {}: table {} has no column {}", d.name, d.table, set[i].first));
        assign.push_back(fmt::format("{} = :v{}", quote_identifier(set[i].first), i));
      }
      SQLite::Statement q(db_, fmt::format("UPDATE {} SET {} WHERE {} = :key AND {} = :tenant", quote_identifier(d.table),
                                           fmt::join(assign, ", "), quote_identifier(d.key),
                                           quote_identifier(d.tenant)));
      for (std::size_t i = 0; i < set.size(); ++i) bind_field(q, fmt::format(":v{}", i).c_str(), set[i].second);
      bind_field(q, ":key", key);
      q.bind(":tenant", tenant);
      SQLite::Transaction tx(db_);
      bool changed = q.exec() > 0;
      tx.commit();
      return changed;
    });
  }

 private:
  // Records of a batch to erase, as (segment, record) in key order.
  using EraseOrder = std::vector<std::pair<std::size_t, std::size_t>>;

  static constexpr std::size_t kEraseChunk = 1000;

  // The records of `segments` (those with a range) in key order, and when
  // every key is an integer (the usual id column) the keys too, in the
  // same order: a batch's records lie in up to a thousand arrays, and
  // reading a key there costs a cache miss each time; sorting and matching
  // on a contiguous copy does not.
  static void sort_for_erase(const std::vector<EraseSegment>& segments, std::size_t total, EraseOrder& order,
                             std::vector<std::int64_t>& int_keys) {
    order.clear();
    int_keys.clear();
    order.reserve(total);
    struct Keyed {
      std::int64_t key;
      std::size_t s, i;
    };
    std::vector<Keyed> keyed;
    keyed.reserve(total);
    bool all_int = true;
    for (std::size_t s = 0; s < segments.size() && all_int; ++s) {
      if (segments[s].range.empty) continue;
      for (std::size_t i = 0; i < segments[s].records.size(); ++i) {
        const auto* k = std::get_if<std::int64_t>(&segments[s].records[i].key);
        if (!k) {
          all_int = false;
          break;
        }
        keyed.push_back({*k, s, i});
      }
    }
    if (all_int) {
      std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) { return a.key < b.key; });
      int_keys.reserve(keyed.size());
      for (const auto& k : keyed) {
        order.emplace_back(k.s, k.i);
        int_keys.push_back(k.key);
      }
      return;
    }
    for (std::size_t s = 0; s < segments.size(); ++s) {
      if (segments[s].range.empty) continue;
      for (std::size_t i = 0; i < segments[s].records.size(); ++i) order.emplace_back(s, i);
    }
    std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      return segments[a.first].records[a.second].key < segments[b.first].records[b.second].key;
    });
  }

  static void append_json(std::string& out, const FieldValue& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) out += fmt::format_int(*i).c_str();
    else if (const auto* s = std::get_if<std::string>(&v)) out += nlohmann::json(*s).dump();
    else out += "null";
  }

  // Step 2's usual path: per group of segments with the same range, one
  // DELETE per kEraseChunk records in key order (the keys passed as a JSON
  // array, so that one prepared statement serves every chunk), the range
  // checked again by the statement, RETURNING the key and tenant of each
  // row it erased. Returns false, having erased possibly more than asked,
  // if a returned row is not exactly one of the records asked for (a key
  // twice, another tenant's row under a key): the caller rolls back.
  //
  // The tenant is checked on the rows returned, not by the statement: a
  // tenant list per chunk (a chunk in key order holds records of up to
  // kEraseChunk tenants) cost a JSON array and a temporary index per
  // statement, about a tenth of the batch's time, to filter rows that in
  // practice are never there; when one is, the transaction is rolled back
  // as for any other surprise, so no row of another tenant is ever erased.
  bool erase_in_chunks(const DatasetSpec& d, const std::vector<EraseSegment>& segments, const EraseOrder& order,
                       const std::vector<std::int64_t>& int_keys, std::vector<std::vector<bool>>& erased) {
    const std::string k = quote_identifier(d.key);
    const std::string t = quote_identifier(d.tenant);
    auto same_range = [](const CreatedRange& a, const CreatedRange& b) {
      return a.empty == b.empty && a.from == b.from && a.before == b.before && a.include_null == b.include_null;
    };
    std::vector<std::size_t> group(segments.size());  // segment -> its group's first segment
    for (std::size_t s = 0; s < segments.size(); ++s) {
      group[s] = s;
      for (std::size_t g = 0; g < s; ++g) {
        if (group[g] == g && same_range(segments[g].range, segments[s].range)) {
          group[s] = g;
          break;
        }
      }
    }
    auto key_of = [&](std::size_t o) -> const FieldValue& { return segments[order[o].first].records[order[o].second].key; };
    // Whether returned key `v` is that of order[o], from int_keys where they are.
    auto is_key = [&](std::size_t o, const FieldValue& v) {
      if (int_keys.empty()) return key_of(o) == v;
      const auto* got = std::get_if<std::int64_t>(&v);
      return got && *got == int_keys[o];
    };
    std::vector<std::size_t> chunk;  // indexes into order
    std::string keys;
    for (std::size_t g = 0; g < segments.size(); ++g) {
      if (group[g] != g || segments[g].range.empty) continue;
      SQLite::Statement& q = statement(fmt::format(
          "DELETE FROM {0} WHERE {1} IN (SELECT value FROM json_each(:keys)) AND {3} RETURNING {1}, {2}",
          quote_identifier(d.table), k, t, range_sql(d, segments[g].range)));
      std::size_t next = 0;
      while (next < order.size()) {
        chunk.clear();
        keys = "[";
        for (; next < order.size() && chunk.size() < kEraseChunk; ++next) {
          if (group[order[next].first] != g) continue;
          if (!chunk.empty()) {
            const bool twice =
                int_keys.empty() ? key_of(chunk.back()) == key_of(next) : int_keys[chunk.back()] == int_keys[next];
            if (twice) return false;  // a key twice: record by record
            keys += ',';
          }
          if (int_keys.empty()) append_json(keys, key_of(next));
          else keys += fmt::format_int(int_keys[next]).c_str();
          chunk.push_back(next);
        }
        if (chunk.empty()) break;
        keys += ']';
        Cached c(q);
        c->bind(":keys", keys);
        bind_range(*c, d, segments[g].range);
        std::size_t expect = 0;  // rows come back in key order, as a rule: try the next record first
        while (c->executeStep()) {
          const FieldValue key = column_value(*c, 0);
          std::size_t at = expect;
          if (at >= chunk.size() || !is_key(chunk[at], key)) {
            // The chunk is in key order: find the record by its key.
            auto it = std::lower_bound(chunk.begin(), chunk.end(), key,
                                       [&](std::size_t o, const FieldValue& v) { return key_of(o) < v; });
            if (it == chunk.end() || !is_key(*it, key)) return false;
            at = static_cast<std::size_t>(it - chunk.begin());
          }
          expect = at + 1;
          const auto [s, i] = order[chunk[at]];
          if (erased[s][i]) return false;
          const SQLite::Column tenant = c->getColumn(1);
          const char* text = tenant.getText();  // before getBytes, as SQLite asks
          if (static_cast<std::size_t>(tenant.getBytes()) != segments[s].tenant.size() ||
              std::memcmp(text, segments[s].tenant.data(), segments[s].tenant.size()) != 0) {
            return false;  // another tenant's row under the key
          }
          erased[s][i] = true;
        }
      }
    }
    return true;
  }

  // One DELETE per record: the range is checked again, inside the
  // transaction, and a record the application changed since it was scanned
  // is left alone. One prepared statement per shape of range.
  void erase_one_by_one(const DatasetSpec& d, const std::vector<EraseSegment>& segments, const EraseOrder& order,
                        std::vector<std::vector<bool>>& erased) {
    std::vector<SQLite::Statement*> prepared;
    prepared.reserve(segments.size());
    for (const auto& seg : segments) {
      prepared.push_back(&statement(fmt::format("DELETE FROM {} WHERE {} = :key AND {} = :tenant AND {}",
                                                quote_identifier(d.table), quote_identifier(d.key),
                                                quote_identifier(d.tenant), range_sql(d, seg.range))));
    }
    for (const auto& [s, i] : order) {
      const EraseSegment& seg = segments[s];
      Cached q(*prepared[s]);
      bind_field(*q, ":key", seg.records[i].key);
      q->bind(":tenant", seg.tenant);
      bind_range(*q, d, seg.range);
      erased[s][i] = q->exec() > 0;
    }
  }

  // A cached statement in use; reset when done, so that it holds no read
  // transaction open between calls.
  class Cached {
   public:
    explicit Cached(SQLite::Statement& q) : q_(q) {}
    ~Cached() { q_.tryReset(); }
    Cached(const Cached&) = delete;
    Cached& operator=(const Cached&) = delete;
    SQLite::Statement* operator->() { return &q_; }
    SQLite::Statement& operator*() { return q_; }

   private:
    SQLite::Statement& q_;
  };

  // Prepared once per SQL text and reused: a sweep runs the same few
  // statements hundreds of thousands of times.
  SQLite::Statement& statement(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) it = statements_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql)).first;
    it->second->tryReset();
    it->second->clearBindings();
    return *it->second;
  }

  struct ColumnInfo {
    std::string name;
    std::string type;
    int pk = 0;
  };

  static SQLite::Database open(const StoreSpec& s, bool writable) {
    if (!fs::exists(s.path)) {
      throw InputError(fmt::format("store {}: no SQLite database at {} (dpa.toml line {})", s.name, s.path.string(), s.line));
    }
    try {
      return SQLite::Database(s.path.string(), writable ? SQLite::OPEN_READWRITE : SQLite::OPEN_READONLY);
    } catch (const SQLite::Exception& e) {
      throw InputError(fmt::format("store {}: cannot open {}: {}", s.name, s.path.string(), e.what()));
    }
  }

  static std::string format_help(CreatedFormat f) {
    switch (f) {
      case CreatedFormat::kIso8601: return "2026-05-01T09:30:00Z";
      case CreatedFormat::kSqlite: return "2026-05-01 09:30:00";
      case CreatedFormat::kUnix: return "integer seconds since 1970";
      case CreatedFormat::kUnixMs: return "integer milliseconds since 1970";
    }
    return "";
  }

  template <typename F>
  auto guard(const DatasetSpec& d, F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const SQLite::Exception& e) {
      int code = e.getErrorCode() & 0xff;
      if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
        throw BusyError(fmt::format("store {} ({}) is locked by another process; try again", spec_.name,
                                    spec_.path.string()));
      }
      throw InputError(fmt::format("dataset {} in store {} ({}): {}; run `dpa datamap check`", d.name, spec_.name,
                                   spec_.path.string(), e.what()));
    }
  }

  const std::vector<ColumnInfo>& columns(const DatasetSpec& d) {
    auto it = columns_.find(d.table);
    if (it != columns_.end()) return it->second;
    std::vector<ColumnInfo> cols;
    SQLite::Statement q(db_, "SELECT name, type, pk FROM pragma_table_info(?)");
    q.bind(1, d.table);
    while (q.executeStep()) cols.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getInt()});
    return columns_[d.table] = std::move(cols);
  }

  const std::vector<IndexInfo>& indexes(const DatasetSpec& d) {
    auto it = indexes_.find(d.table);
    if (it != indexes_.end()) return it->second;
    std::vector<IndexInfo> out;
    SQLite::Statement list(db_, "SELECT name, \"unique\" FROM pragma_index_list(?)");
    list.bind(1, d.table);
    while (list.executeStep()) out.push_back({list.getColumn(0).getString(), list.getColumn(1).getInt() != 0, {}});
    for (auto& idx : out) {
      SQLite::Statement info(db_, "SELECT name FROM pragma_index_info(?) ORDER BY seqno");
      info.bind(1, idx.name);
      while (info.executeStep()) idx.columns.push_back(info.getColumn(0).isNull() ? "" : lower(info.getColumn(0).getString()));
    }
    return indexes_[d.table] = std::move(out);
  }

  bool has_index_starting(const DatasetSpec& d, const std::vector<std::string>& prefix) {
    for (const auto& idx : indexes(d)) {
      if (idx.columns.size() < prefix.size()) continue;
      bool ok = true;
      for (std::size_t i = 0; i < prefix.size(); ++i) ok = ok && idx.columns[i] == lower(prefix[i]);
      if (ok) return true;
    }
    return false;
  }

  bool key_is_unique(const DatasetSpec& d) {
    int pk_cols = 0;
    bool key_pk = false, key_integer = false;
    for (const auto& c : columns(d)) {
      if (c.pk > 0) ++pk_cols;
      if (lower(c.name) == lower(d.key)) {
        key_pk = c.pk > 0;
        key_integer = lower(c.type) == "integer";
      }
    }
    if (key_pk && pk_cols == 1 && key_integer) return true;
    for (const auto& idx : indexes(d)) {
      if (idx.unique && idx.columns.size() == 1 && idx.columns[0] == lower(d.key)) return true;
    }
    return false;
  }

  std::string bytes_expr(const DatasetSpec& d) {
    std::vector<std::string> parts;
    for (const auto& col : columns(d)) {
      parts.push_back(fmt::format("coalesce(length(CAST({} AS BLOB)), 0)", quote_identifier(col.name)));
    }
    if (parts.empty()) return "0";
    return fmt::format("{}", fmt::join(parts, " + "));
  }

  // What scan() and relocate() select: the key, the creation time and the
  // subject columns, then the summed byte size of the table's other
  // columns. The selected columns' sizes are read from their values
  // (read_record): in a UTF-8 database sqlite3_column_bytes is exactly
  // length(CAST(x AS BLOB)), whatever the value's type, and evaluating that
  // expression for every column was about a fifth of the scan. The sizes
  // are the plan's (stats()) to the byte.
  struct RecordShape {
    std::string select;
    std::vector<bool> counted;  // per selected column (before the size): its size is added to the record's
  };

  const RecordShape& record_shape(const DatasetSpec& d) {
    std::vector<std::string> selected{d.key, d.created};
    for (const auto& subj : d.subject) selected.push_back(subj.column);
    std::string id = d.table;
    for (const auto& name : selected) id += '\n' + name;
    auto it = shapes_.find(id);
    if (it != shapes_.end()) return it->second;
    RecordShape shape;
    std::set<std::string> counted;  // lowercase names
    const bool utf8 = encoding_is_utf8();
    for (const auto& name : selected) {
      bool count = false;
      if (utf8) {
        for (const auto& col : columns(d)) count = count || lower(col.name) == lower(name);
        count = count && counted.insert(lower(name)).second;  // a column counts once
      }
      shape.counted.push_back(count);
      if (!shape.select.empty()) shape.select += ", ";
      shape.select += quote_identifier(name);
    }
    std::vector<std::string> parts;
    for (const auto& col : columns(d)) {
      if (counted.count(lower(col.name))) continue;
      parts.push_back(fmt::format("coalesce(length(CAST({} AS BLOB)), 0)", quote_identifier(col.name)));
    }
    shape.select += parts.empty() ? std::string(", 0") : fmt::format(", {}", fmt::join(parts, " + "));
    return shapes_[id] = std::move(shape);
  }

  bool encoding_is_utf8() {
    if (!utf8_) {
      SQLite::Statement q(db_, "PRAGMA encoding");
      utf8_ = q.executeStep() && q.getColumn(0).getString() == "UTF-8";
    }
    return *utf8_;
  }

  // The WHERE condition of a range; its bounds are bound by bind_range.
  static std::string range_sql(const DatasetSpec& d, const CreatedRange& r) {
    if (r.empty) return "0";
    const std::string c = quote_identifier(d.created);
    std::vector<std::string> bounds;
    if (r.from) bounds.push_back(fmt::format("{} >= :range_from", c));
    if (r.before) bounds.push_back(fmt::format("{} < :range_before", c));
    std::string b = bounds.empty() ? fmt::format("{} IS NOT NULL", c) : fmt::format("{}", fmt::join(bounds, " AND "));
    if (r.include_null) return fmt::format("({} IS NULL OR ({}))", c, b);
    return "(" + b + ")";
  }

  // A bound in the column's own format, such that for every stored value v
  // of second s (with or without a fraction): v < bound  iff  s < t.
  static void bind_time(SQLite::Statement& q, const char* name, const DatasetSpec& d, Timestamp t) {
    std::string iso = format_utc(t);  // 2026-05-01T09:30:00Z
    iso.pop_back();                   // without Z: "…:00" sorts before "…:00Z" and "…:00.5Z"
    switch (d.created_format) {
      case CreatedFormat::kIso8601: q.bind(name, iso); break;
      case CreatedFormat::kSqlite: iso[10] = ' '; q.bind(name, iso); break;
      case CreatedFormat::kUnix: q.bind(name, static_cast<int64_t>(t.time_since_epoch().count())); break;
      case CreatedFormat::kUnixMs: q.bind(name, static_cast<int64_t>(t.time_since_epoch().count()) * 1000); break;
    }
  }

  static void bind_range(SQLite::Statement& q, const DatasetSpec& d, const CreatedRange& r) {
    if (r.empty) return;
    if (r.from) bind_time(q, ":range_from", d, *r.from);
    if (r.before) bind_time(q, ":range_before", d, *r.before);
  }

  static void bind_field(SQLite::Statement& q, const char* name, const FieldValue& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) q.bind(name, static_cast<int64_t>(*i));
    else if (const auto* s = std::get_if<std::string>(&v)) q.bind(name, *s);
    else q.bind(name);
  }

  static FieldValue column_value(SQLite::Statement& q, int index) {
    SQLite::Column col = q.getColumn(index);
    switch (col.getType()) {
      case SQLITE_NULL: return std::monostate{};
      case SQLITE_INTEGER: return static_cast<std::int64_t>(col.getInt64());
      default: return col.getString();
    }
  }

  static CellValue cell_value(SQLite::Statement& q, int index) {
    SQLite::Column col = q.getColumn(index);
    switch (col.getType()) {
      case SQLITE_NULL: return std::monostate{};
      case SQLITE_INTEGER: return static_cast<std::int64_t>(col.getInt64());
      case SQLITE_FLOAT: return col.getDouble();
      case SQLITE_BLOB: {
        const auto* p = static_cast<const unsigned char*>(col.getBlob());
        return std::vector<unsigned char>(p, p + col.getBytes());
      }
      default: return col.getString();
    }
  }

  // A row of RecordShape::select; `counted` as RecordShape's.
  static DataRecord read_record(SQLite::Statement& q, const DatasetSpec& d, const std::vector<bool>& counted) {
    DataRecord r;
    std::int64_t own = 0;  // the sizes of the counted columns, read after their values (SQLite converts)
    r.key = column_value(q, 0);
    if (counted[0]) own += q.getColumn(0).getBytes();
    r.created_raw = column_value(q, 1);
    if (counted[1]) own += q.getColumn(1).getBytes();
    r.created = parse_created(r.created_raw, d.created_format);
    r.created_unparsable = !r.created && !std::holds_alternative<std::monostate>(r.created_raw);
    int i = 2;
    r.subjects.reserve(d.subject.size());
    for (std::size_t s = 0; s < d.subject.size(); ++s, ++i) {
      SQLite::Column col = q.getColumn(i);
      if (col.isNull()) r.subjects.emplace_back(std::nullopt);
      else r.subjects.emplace_back(col.getString());
      if (counted[static_cast<std::size_t>(i)]) own += col.getBytes();
    }
    r.bytes = q.getColumn(i).getInt64() + own;
    return r;
  }

  StoreSpec spec_;
  SQLite::Database db_;
  std::map<std::string, std::vector<ColumnInfo>> columns_;
  std::map<std::string, std::vector<IndexInfo>> indexes_;
  std::map<std::string, RecordShape> shapes_;  // by table and selected columns
  std::optional<bool> utf8_;
  std::map<std::string, std::unique_ptr<SQLite::Statement>> statements_;  // after db_: finalized first
  bool journal_advised_ = false;
  std::string restore_journal_mode_;  // "delete" or "truncate" where this connection set PERSIST
};

}  // namespace

std::optional<Timestamp> parse_created(const FieldValue& v, CreatedFormat format) {
  switch (format) {
    case CreatedFormat::kIso8601:
      if (const auto* s = std::get_if<std::string>(&v)) return parse_text_time(*s, 'T', "Z");
      return std::nullopt;
    case CreatedFormat::kSqlite:
      if (const auto* s = std::get_if<std::string>(&v)) return parse_text_time(*s, ' ', "");
      return std::nullopt;
    case CreatedFormat::kUnix:
      if (const auto* i = std::get_if<std::int64_t>(&v)) return Timestamp{seconds{*i}};
      return std::nullopt;
    case CreatedFormat::kUnixMs:
      if (const auto* i = std::get_if<std::int64_t>(&v)) {
        // Floor, so that a fraction of a second never makes a record older.
        std::int64_t s = *i / 1000 - ((*i % 1000) < 0 ? 1 : 0);
        return Timestamp{seconds{s}};
      }
      return std::nullopt;
  }
  return std::nullopt;
}

std::unique_ptr<DataStore> open_sqlite_data_store(const StoreSpec& s, bool writable) {
  return std::make_unique<SqliteDataStore>(s, writable);
}

}  // namespace dpa

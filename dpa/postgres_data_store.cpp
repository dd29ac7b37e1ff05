#include "dpa/postgres_data_store.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dpa/error.h"
#include "dpa/pg_connection.h"
#include "dpa/sqlite_data_store.h"

namespace dpa {
namespace {

using pg::Param;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// How a column's values come back (text format) and go out.
enum class ColumnClass { kInteger, kReal, kBytes, kBool, kTimestampTz, kTimestamp, kDate, kText, kOther };

ColumnClass classify(const std::string& data_type) {
  const std::string t = lower(data_type);
  if (t == "smallint" || t == "integer" || t == "bigint") return ColumnClass::kInteger;
  if (t == "real" || t == "double precision") return ColumnClass::kReal;
  if (t == "bytea") return ColumnClass::kBytes;
  if (t == "boolean") return ColumnClass::kBool;
  if (t == "timestamp with time zone") return ColumnClass::kTimestampTz;
  if (t == "timestamp without time zone") return ColumnClass::kTimestamp;
  if (t == "date") return ColumnClass::kDate;
  if (t == "text" || t == "character varying" || t == "character") return ColumnClass::kText;
  return ColumnClass::kOther;
}

struct Column {
  std::string name;
  std::string type;
  ColumnClass cls = ColumnClass::kOther;
  bool byte_order = false;  // text compared byte by byte (collation C or POSIX)
};

struct IndexInfo {
  bool unique = false;
  std::vector<std::string> columns;  // lowercase, in order
};

// A text array literal ({"a","b"}) of keys, bound as one parameter.
std::string array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

Param param_of(const FieldValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return std::monostate{};
}

class PostgresDataStore final : public DataStore {
 public:
  PostgresDataStore(const StoreSpec& s, bool writable) : spec_(s), conn_(connect(s)) {
    if (!writable) conn_.exec_script("SET default_transaction_read_only = on");
  }

  std::vector<std::string> tenants(const DatasetSpec& d) override {
    return guard(d, [&] {
      const std::string t = pg::quote_identifier(d.tenant);
      std::string sql;
      if (has_index_starting(d, {d.tenant})) {
        // Skip-scan down the index: one seek per tenant, not a read of every row.
        sql = fmt::format(
            "WITH RECURSIVE v(x) AS (SELECT min({0}) FROM {1} UNION ALL "
            "SELECT (SELECT min({0}) FROM {1} WHERE {0} > v.x) FROM v WHERE v.x IS NOT NULL) "
            "SELECT x::text FROM v WHERE x IS NOT NULL",
            t, table(d));
      } else {
        sql = fmt::format("SELECT DISTINCT {0}::text FROM {1} WHERE {0} IS NOT NULL", t, table(d));
      }
      pg::Result r = conn_.exec(sql);
      std::vector<std::string> out;
      out.reserve(static_cast<std::size_t>(r.rows()));
      for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
      std::sort(out.begin(), out.end());
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
      std::vector<Param> params{tenant};
      const std::string range = range_sql(d, r, params);
      const std::string oldest = native(d) ? fmt::format("floor(extract(epoch FROM min({})))::bigint", created_expr(d))
                                           : fmt::format("min({})::text", created_expr(d));
      pg::Result q = conn_.exec(fmt::format("SELECT count(*), {}, {} FROM {} t WHERE {} = ? AND {}",
                                            with_bytes ? "coalesce(sum(pg_column_size(t.*)), 0)" : "-1", oldest,
                                            table(d), pg::quote_identifier(d.tenant), range),
                                params);
      st.records = q.int64(0, 0);
      st.bytes = q.int64(0, 1);
      if (!q.is_null(0, 2)) {
        if (native(d)) st.oldest = Timestamp{std::chrono::seconds{q.int64(0, 2)}};
        else st.oldest = parse_created(created_field(d, q.text(0, 2)), d.created_format);
      }
      return st;
    });
  }

  std::vector<DataRecord> scan(const DatasetSpec& d, const std::string& tenant, const CreatedRange& r,
                               const DataRecord* after, std::size_t limit) override {
    std::vector<DataRecord> out;
    if (r.empty || limit == 0) return out;
    return guard(d, [&] {
      const std::string c = created_expr(d);
      const std::string k = pg::quote_identifier(d.key);
      const std::string head = fmt::format("SELECT {} FROM {} t WHERE {} = ? AND ", select_list(d), table(d),
                                           pg::quote_identifier(d.tenant));
      const bool after_null = after && std::holds_alternative<std::monostate>(after->created_raw);
      if (r.include_null && (!after || after_null)) {
        std::vector<Param> params{tenant};
        std::string sql = head + pg::quote_identifier(d.created) + " IS NULL";
        if (after) {
          sql += fmt::format(" AND {} > ?", k);
          params.push_back(param_of(after->key));
        }
        sql += fmt::format(" ORDER BY {} LIMIT ?", k);
        params.emplace_back(static_cast<std::int64_t>(limit));
        read_records(d, conn_.exec(sql, params), out);
        if (out.size() >= limit) return out;
        after = nullptr;
      }
      CreatedRange bounded = r;
      bounded.include_null = false;
      std::vector<Param> params{tenant};
      std::string sql = head + range_sql(d, bounded, params);
      if (after) {
        const std::string p = time_param(d);
        sql += fmt::format(" AND {0} >= {2} AND ({0} > {2} OR {1} > ?)", c, k, p);
        params.push_back(param_of(after->created_raw));
        params.push_back(param_of(after->created_raw));
        params.push_back(param_of(after->key));
      }
      sql += fmt::format(" ORDER BY {}, {} LIMIT ?", c, k);
      params.emplace_back(static_cast<std::int64_t>(limit - out.size()));
      read_records(d, conn_.exec(sql, params), out);
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
      const Column* key = column(d, d.key);
      // Integer keys as bigint[], text keys as text[] (either way the key's
      // index serves the ANY); other types compared through their text.
      const ColumnClass kc = key ? key->cls : ColumnClass::kText;
      const std::string key_type = kc == ColumnClass::kInteger ? "bigint[]" : "text[]";
      const std::string key_cast = kc == ColumnClass::kInteger || kc == ColumnClass::kText ? "" : "::text";
      conn_.exec_script("BEGIN");
      try {
        for (std::size_t s = 0; s < segments.size(); ++s) {
          const EraseSegment& seg = segments[s];
          if (seg.range.empty || seg.records.empty()) continue;
          std::unordered_map<std::string, std::vector<std::size_t>> index;
          std::vector<std::string> keys;
          keys.reserve(seg.records.size());
          for (std::size_t i = 0; i < seg.records.size(); ++i) {
            std::string k = field_text(seg.records[i].key);
            auto& slot = index[k];
            if (slot.empty()) keys.push_back(k);
            slot.push_back(i);
          }
          // The range is checked again here, in the deleting statement: a
          // record the application changed since it was scanned is left alone.
          std::vector<Param> params{array_literal(keys), seg.tenant};
          const std::string range = range_sql(d, seg.range, params);
          pg::Result r = conn_.exec(
              fmt::format("DELETE FROM {} WHERE {}{} = ANY(?::{}) AND {} = ? AND {} RETURNING {}::text", table(d),
                          pg::quote_identifier(d.key), key_cast, key_type, pg::quote_identifier(d.tenant), range,
                          pg::quote_identifier(d.key)),
              params);
          for (int row = 0; row < r.rows(); ++row) {
            auto it = index.find(r.text(row, 0));
            if (it == index.end()) continue;
            for (std::size_t i : it->second) erased[s][i] = true;
          }
        }
        if (hook) hook("app-before-commit");
        conn_.exec_script("COMMIT");
      } catch (...) {
        rollback();
        throw;
      }
      return erased;
    });
  }

  nlohmann::json locate(const DatasetSpec&, const std::vector<DataRecord>& records) override {
    return created_bounds(records);
  }

  std::vector<DataRecord> relocate(const DatasetSpec& d, const std::string& tenant,
                                   const nlohmann::json& where) override {
    return guard(d, [&] {
      const std::string c = created_expr(d);
      const std::string p = time_param(d);
      std::vector<std::string> parts;
      std::vector<Param> params{tenant};
      FieldValue lo = field_from_json(where.value("created_lo", nlohmann::json()));
      FieldValue hi = field_from_json(where.value("created_hi", nlohmann::json()));
      if (!std::holds_alternative<std::monostate>(lo)) {
        parts.push_back(fmt::format("({0} >= {1} AND {0} <= {1})", c, p));
        params.push_back(param_of(lo));
        params.push_back(param_of(hi));
      }
      if (where.value("null", false)) parts.push_back(pg::quote_identifier(d.created) + " IS NULL");
      std::vector<DataRecord> out;
      if (parts.empty()) return out;
      read_records(d,
                   conn_.exec(fmt::format("SELECT {} FROM {} t WHERE {} = ? AND ({})", select_list(d), table(d),
                                          pg::quote_identifier(d.tenant), fmt::join(parts, " OR ")),
                              params),
                   out);
      return out;
    });
  }

  void tidy(const DatasetSpec&, const nlohmann::json&) override {}

  std::optional<Timestamp> created_time(const DatasetSpec& d, const FieldValue& raw) override {
    const std::string* text = std::get_if<std::string>(&raw);
    switch (created_class(d)) {
      case ColumnClass::kTimestampTz: {
        // The session's time zone is UTC: "2026-05-01 09:30:00[.123]+00".
        if (!text || text->size() < 3 || text->compare(text->size() - 3, 3, "+00") != 0) return std::nullopt;
        return parse_created(FieldValue{text->substr(0, text->size() - 3)}, CreatedFormat::kSqlite);
      }
      case ColumnClass::kTimestamp:
        if (!text) return std::nullopt;
        return parse_created(raw, CreatedFormat::kSqlite);
      case ColumnClass::kDate:
        if (!text) return std::nullopt;
        return parse_created(FieldValue{*text + " 00:00:00"}, CreatedFormat::kSqlite);
      case ColumnClass::kInteger:
        if (text) return std::nullopt;
        return parse_created(raw, d.created_format);
      default:
        return parse_created(raw, d.created_format);
    }
  }

  bool try_lock_dataset(const DatasetSpec& d, std::string* holder) override {
    return guard(d, [&] {
      const std::string name = "dpa-sweep:" + spec_.schema + "." + d.table;
      const std::int64_t key = pg::advisory_key(name);
      if (conn_.try_advisory_lock(key)) return true;
      if (holder) {
        // pg_locks splits a bigint advisory key into two 32-bit halves.
        pg::Result r = conn_.exec(
            "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local socket'), "
            "to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
            "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = ? AND l.objid::bigint = ? LIMIT 1",
            {static_cast<std::int64_t>(static_cast<std::uint64_t>(key) >> 32),
             static_cast<std::int64_t>(static_cast<std::uint64_t>(key) & 0xffffffffull)});
        if (r.rows() > 0) {
          *holder = fmt::format("{} (server pid {}, from {}, since {}) holds the sweep lock on {}.{} at {}",
                                r.text(0, 1).empty() ? "a session" : r.text(0, 1), r.text(0, 0), r.text(0, 2),
                                r.text(0, 3), spec_.schema, d.table, conn_.where());
        } else {
          *holder = fmt::format("another session holds the sweep lock on {}.{} at {}", spec_.schema, d.table,
                                conn_.where());
        }
      }
      return false;
    });
  }

  std::vector<DataMapProblem> check(const DatasetSpec& d) override {
    std::vector<DataMapProblem> out;
    auto error = [&](std::string m) { out.push_back({DataMapProblem::Severity::kError, d.name, std::move(m)}); };
    auto warn = [&](std::string m) { out.push_back({DataMapProblem::Severity::kWarning, d.name, std::move(m)}); };
    try {
      const auto& cols = columns(d);
      if (cols.empty()) {
        pg::Result all = conn_.exec(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = ? ORDER BY 1",
            {spec_.schema});
        std::vector<std::string> tables;
        for (int i = 0; i < all.rows(); ++i) tables.push_back(all.text(i, 0));
        error(fmt::format("store {} ({}) has no table '{}' in schema {} (tables: {})", spec_.name, conn_.where(),
                          d.table, spec_.schema,
                          tables.empty() ? std::string("none") : fmt::format("{}", fmt::join(tables, ", "))));
        return out;
      }
      bool missing = false;
      auto need = [&](const std::string& col, const std::string& role) {
        if (!column(d, col)) {
          std::vector<std::string> names;
          for (const auto& cc : cols) names.push_back(cc.name);
          error(fmt::format("table {}.{} has no column '{}' ({}); its columns: {}", spec_.schema, d.table, col, role,
                            fmt::join(names, ", ")));
          missing = true;
        }
      };
      need(d.key, "key");
      need(d.tenant, "tenant");
      need(d.created, "created");
      for (const auto& s : d.subject) need(s.column, "subject " + s.kind);
      for (const auto& t : d.text) need(t, "text");
      if (missing) return out;

      const std::string qt = fmt::format("{}.{}", spec_.schema, d.table);
      if (!key_is_unique(d)) {
        warn(fmt::format("key column {} of {} is neither the primary key nor alone in a UNIQUE index: erasing a "
                         "record by its key may erase others with the same key",
                         d.key, qt));
      }
      const Column* created = column(d, d.created);
      const bool collate_c = created->cls != ColumnClass::kText || created->byte_order;
      if (!has_index_starting(d, {d.tenant, d.created})) {
        warn(fmt::format("no index on ({0}, {1}) of {2}: plans and sweeps read the whole table; "
                         "CREATE INDEX ON {2} ({0}, {1}{3})",
                         d.tenant, d.created, qt, collate_c ? "" : " COLLATE \"C\""));
      } else if (!collate_c) {
        warn(fmt::format("{}.{} is text in a collation that does not sort byte by byte: dpa compares it with "
                         "COLLATE \"C\", which an index in the column's collation cannot serve; "
                         "CREATE INDEX ON {} ({}, {} COLLATE \"C\")",
                         qt, d.created, qt, d.tenant, d.created));
      }
      for (const auto& s : d.subject) {
        if (!has_index_starting(d, {d.tenant, s.column}) && !has_index_starting(d, {s.column})) {
          warn(fmt::format("no index on subject column {} ({}) of {}: finding a data subject's records reads all "
                           "of a tenant's rows; CREATE INDEX ON {} ({}, {})",
                           s.column, s.kind, qt, qt, d.tenant, s.column));
        }
      }
      // The creation times must be in the declared format, or such records
      // are never deleted.
      std::string bad_sql;
      const std::string cq = pg::quote_identifier(d.created);
      switch (created->cls) {
        case ColumnClass::kTimestampTz:
        case ColumnClass::kTimestamp:
        case ColumnClass::kDate:
          break;  // native: created_format is not used
        case ColumnClass::kInteger:
          if (d.created_format != CreatedFormat::kUnix && d.created_format != CreatedFormat::kUnixMs) {
            error(fmt::format("{}.{} is an integer column ({}), but created_format is {}: set created_format = "
                              "\"unix\" or \"unix_ms\"",
                              qt, d.created, created->type, to_string(d.created_format)));
          }
          break;
        case ColumnClass::kText:
          if (d.created_format == CreatedFormat::kIso8601) {
            bad_sql = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$";
          } else if (d.created_format == CreatedFormat::kSqlite) {
            bad_sql = "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?$";
          } else {
            error(fmt::format("{}.{} is a text column, but created_format is {} (integers): use an integer "
                              "column or created_format = \"iso8601\" or \"sqlite\"",
                              qt, d.created, to_string(d.created_format)));
          }
          break;
        default:
          error(fmt::format("{}.{} is of type {}, which dpa cannot compare as a creation time: use timestamptz, "
                            "timestamp, date, text (iso8601, sqlite) or an integer (unix, unix_ms)",
                            qt, d.created, created->type));
      }
      if (!bad_sql.empty()) {
        pg::Result bad = conn_.exec(fmt::format("SELECT count(*), min({0}) FROM (SELECT {0} FROM {1} WHERE {0} IS "
                                                "NOT NULL AND {0} !~ ? LIMIT 100000) s",
                                                cq, table(d)),
                                    {bad_sql});
        if (bad.int64(0, 0) > 0) {
          error(fmt::format("{}.{} holds values such as '{}' that are not in created_format {}; such records are "
                            "never deleted: fix the data or set created_format",
                            qt, d.created, bad.text(0, 1).substr(0, 40), to_string(d.created_format)));
        }
      }
    } catch (const Error& e) {
      error(fmt::format("store {} ({}): {}", spec_.name, conn_.where(), e.what()));
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
      if (cols.empty()) throw InputError(fmt::format("dataset {}: table {}.{} has no columns", d.name, spec_.schema, d.table));
      std::vector<std::string> names;
      for (const auto& col : cols) names.push_back(col.name);
      SubjectMatch::Columns where;
      if (subject) {
        where = subject->columns_in(d, names);
        if (where.positions.empty()) return;
      }
      std::string list;
      for (const auto& col : cols) list += (list.empty() ? "" : ", ") + pg::quote_identifier(col.name);
      std::string sql = fmt::format("DECLARE dpa_rows NO SCROLL CURSOR FOR SELECT {} FROM {} WHERE {} = $1", list,
                                    table(d), pg::quote_identifier(d.tenant));
      if (subject) sql += fmt::format(" AND ({})", where.any_not_null);
      // NULL creation times first: the order of scan().
      sql += fmt::format(" ORDER BY {} NULLS FIRST, {}", created_expr(d), pg::quote_identifier(d.key));
      // One snapshot for the whole read; a thousand rows in memory at a time.
      conn_.exec_script("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      try {
        conn_.exec(sql, {tenant});
        std::vector<CellValue> row(cols.size());
        bool more = true;
        while (more) {
          pg::Result r = conn_.exec("FETCH 1000 FROM dpa_rows");
          if (r.rows() == 0) break;
          for (int i = 0; i < r.rows() && more; ++i) {
            if (subject) {
              bool hit = false;
              for (int ci : where.positions) {
                if (!r.is_null(i, ci) && subject->matches(r.text(i, ci))) {
                  hit = true;
                  break;
                }
              }
              if (!hit) continue;
            }
            for (std::size_t c = 0; c < cols.size(); ++c) row[c] = cell(r, i, static_cast<int>(c), cols[c].cls);
            more = visit(row);
          }
        }
        conn_.exec_script("COMMIT");
      } catch (...) {
        rollback();
        throw;
      }
    });
  }

  bool update_row(const DatasetSpec& d, const std::string& tenant, const FieldValue& key,
                  const std::vector<std::pair<std::string, FieldValue>>& set) override {
    if (set.empty()) return false;
    return guard(d, [&] {
      std::vector<std::string> assign;
      std::vector<Param> params;
      for (const auto& [name, value] : set) {
        validate_sql_identifier(name, "column");
        const Column* c = column(d, name);
        if (!c) throw InputError(fmt::format("dataset {}: table {}.{} has no column {}", d.name, spec_.schema, d.table, name));
        assign.push_back(fmt::format("{} = ?", pg::quote_identifier(c->name)));
        params.push_back(param_of(value));
      }
      params.push_back(param_of(key));
      params.emplace_back(tenant);
      // One statement: its own transaction.
      pg::Result r = conn_.exec(fmt::format("UPDATE {} SET {} WHERE {} = ? AND {} = ?", table(d),
                                            fmt::join(assign, ", "), pg::quote_identifier(d.key),
                                            pg::quote_identifier(d.tenant)),
                                params);
      return r.affected() > 0;
    });
  }

 private:
  static pg::Connection connect(const StoreSpec& s) {
    try {
      pg::ConnectOptions o;
      o.application_name = "dpa data-map store " + s.name;
      return pg::Connection::open(s.url, o);
    } catch (const Error& e) {
      throw InputError(fmt::format("store {} (dpa.toml line {}): {}", s.name, s.line, e.what()));
    }
  }

  void rollback() {
    try {
      conn_.exec_script("ROLLBACK");
    } catch (...) {
    }
  }

  // Errors of a dataset (a missing table or column) are input errors that
  // `dpa datamap check` explains; a lost connection or a busy server keep
  // their own status.
  template <typename F>
  auto guard(const DatasetSpec& d, F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const Error& e) {
      if (e.status() != ExitStatus::kInternal) throw;
      throw InputError(fmt::format("dataset {} in store {} ({}): {}; run `dpa datamap check`", d.name, spec_.name,
                                   conn_.where(), e.what()));
    }
  }

  std::string table(const DatasetSpec& d) const {
    return pg::quote_identifier(spec_.schema) + "." + pg::quote_identifier(d.table);
  }

  const std::vector<Column>& columns(const DatasetSpec& d) {
    auto it = columns_.find(d.table);
    if (it != columns_.end()) return it->second;
    // The effective collation of each text column: its own, or the database's.
    pg::Result r = conn_.exec(
        "SELECT c.column_name::text, c.data_type::text, "
        "coalesce(c.collation_name::text, (SELECT datcollate::text FROM pg_database WHERE datname = "
        "current_database())) FROM information_schema.columns c WHERE c.table_schema = ? AND c.table_name = ? "
        "ORDER BY c.ordinal_position",
        {spec_.schema, d.table});
    std::vector<Column> cols;
    for (int i = 0; i < r.rows(); ++i) {
      Column c{r.text(i, 0), r.text(i, 1), classify(r.text(i, 1)), false};
      const std::string coll = r.text(i, 2);
      c.byte_order = coll == "C" || coll == "POSIX" || coll == "ucs_basic";
      cols.push_back(std::move(c));
    }
    return columns_[d.table] = std::move(cols);
  }

  const Column* column(const DatasetSpec& d, const std::string& name) {
    for (const auto& c : columns(d)) {
      if (c.name == name) return &c;
    }
    for (const auto& c : columns(d)) {
      if (lower(c.name) == lower(name)) return &c;
    }
    return nullptr;
  }

  const std::vector<IndexInfo>& indexes(const DatasetSpec& d) {
    auto it = indexes_.find(d.table);
    if (it != indexes_.end()) return it->second;
    pg::Result r = conn_.exec(
        "SELECT i.indisunique OR i.indisprimary, array_to_string(ARRAY(SELECT coalesce(a.attname::text, '') "
        "FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) LEFT JOIN pg_attribute a "
        "ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.ord), ',') "
        "FROM pg_index i WHERE i.indrelid = to_regclass(?) AND i.indpred IS NULL",
        {table(d)});
    std::vector<IndexInfo> out;
    for (int i = 0; i < r.rows(); ++i) {
      IndexInfo idx;
      idx.unique = r.int64(i, 0) != 0;
      std::string cols = r.text(i, 1);
      std::size_t pos = 0;
      while (pos <= cols.size()) {
        std::size_t comma = cols.find(',', pos);
        if (comma == std::string::npos) comma = cols.size();
        idx.columns.push_back(lower(cols.substr(pos, comma - pos)));
        pos = comma + 1;
      }
      out.push_back(std::move(idx));
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
    for (const auto& idx : indexes(d)) {
      if (idx.unique && idx.columns.size() == 1 && idx.columns[0] == lower(d.key)) return true;
    }
    return false;
  }

  ColumnClass created_class(const DatasetSpec& d) {
    const Column* c = column(d, d.created);
    return c ? c->cls : ColumnClass::kText;
  }

  bool native(const DatasetSpec& d) {
    ColumnClass c = created_class(d);
    return c == ColumnClass::kTimestampTz || c == ColumnClass::kTimestamp || c == ColumnClass::kDate;
  }

  // The creation time as compared and ordered: text byte by byte.
  std::string created_expr(const DatasetSpec& d) {
    const Column* c = column(d, d.created);
    std::string q = pg::quote_identifier(d.created);
    if (c && c->cls == ColumnClass::kText && !c->byte_order) q += " COLLATE \"C\"";
    return q;
  }

  // A bound creation time (a range bound, a scanned record's raw value).
  std::string time_param(const DatasetSpec& d) {
    switch (created_class(d)) {
      case ColumnClass::kTimestampTz: return "?::timestamptz";
      case ColumnClass::kTimestamp:
      case ColumnClass::kDate: return "?::timestamp";
      default: return "?";
    }
  }

  // A bound in the column's own terms such that for every stored value v of
  // second s (with or without a fraction): v < bound  iff  s < t.
  Param time_bound(const DatasetSpec& d, Timestamp t) {
    std::string iso = format_utc(t);  // 2026-05-01T09:30:00Z
    switch (created_class(d)) {
      case ColumnClass::kTimestampTz: return iso;
      case ColumnClass::kTimestamp:
      case ColumnClass::kDate:
        iso.pop_back();
        iso[10] = ' ';
        return iso;
      default: break;
    }
    iso.pop_back();  // without Z: "…:00" sorts before "…:00Z" and "…:00.5Z"
    switch (d.created_format) {
      case CreatedFormat::kIso8601: return iso;
      case CreatedFormat::kSqlite: iso[10] = ' '; return iso;
      case CreatedFormat::kUnix: return static_cast<std::int64_t>(t.time_since_epoch().count());
      case CreatedFormat::kUnixMs: return static_cast<std::int64_t>(t.time_since_epoch().count()) * 1000;
    }
    return iso;
  }

  // The WHERE condition of a range; its bounds are appended to `params`.
  std::string range_sql(const DatasetSpec& d, const CreatedRange& r, std::vector<Param>& params) {
    if (r.empty) return "false";
    const std::string c = created_expr(d);
    const std::string p = time_param(d);
    std::vector<std::string> bounds;
    if (r.from) {
      bounds.push_back(fmt::format("{} >= {}", c, p));
      params.push_back(time_bound(d, *r.from));
    }
    if (r.before) {
      bounds.push_back(fmt::format("{} < {}", c, p));
      params.push_back(time_bound(d, *r.before));
    }
    const std::string cq = pg::quote_identifier(d.created);
    std::string b = bounds.empty() ? fmt::format("{} IS NOT NULL", cq) : fmt::format("{}", fmt::join(bounds, " AND "));
    if (r.include_null) return fmt::format("({} IS NULL OR ({}))", cq, b);
    return "(" + b + ")";
  }

  // key, created (raw), created (epoch seconds, native columns), subjects, bytes.
  std::string select_list(const DatasetSpec& d) {
    const std::string c = pg::quote_identifier(d.created);
    // Named apart from the table's columns: ORDER BY "id" would otherwise
    // sort by the text of the output column "id", not by the key itself.
    std::string s = fmt::format("{}::text AS dpa_key, {}::text AS dpa_created, {} AS dpa_epoch",
                                pg::quote_identifier(d.key), c,
                                native(d) ? fmt::format("floor(extract(epoch FROM {}))::bigint", c) : "NULL");
    for (std::size_t i = 0; i < d.subject.size(); ++i) {
      s += fmt::format(", {}::text AS dpa_subject_{}", pg::quote_identifier(d.subject[i].column), i);
    }
    s += ", pg_column_size(t.*) AS dpa_bytes";
    return s;
  }

  FieldValue field(const Column* c, const pg::Result& r, int row, int col) {
    if (r.is_null(row, col)) return std::monostate{};
    if (c && c->cls == ColumnClass::kInteger) return r.int64(row, col);
    return r.text(row, col);
  }

  FieldValue created_field(const DatasetSpec& d, const std::string& text) {
    if (created_class(d) == ColumnClass::kInteger) return static_cast<std::int64_t>(std::stoll(text));
    return text;
  }

  void read_records(const DatasetSpec& d, const pg::Result& r, std::vector<DataRecord>& out) {
    const Column* key = column(d, d.key);
    const Column* created = column(d, d.created);
    const bool is_native = native(d);
    for (int row = 0; row < r.rows(); ++row) {
      DataRecord rec;
      rec.key = field(key, r, row, 0);
      rec.created_raw = field(created, r, row, 1);
      if (is_native) {
        if (!r.is_null(row, 2)) rec.created = Timestamp{std::chrono::seconds{r.int64(row, 2)}};
      } else {
        rec.created = parse_created(rec.created_raw, d.created_format);
      }
      rec.created_unparsable = !rec.created && !std::holds_alternative<std::monostate>(rec.created_raw);
      int col = 3;
      rec.subjects.reserve(d.subject.size());
      for (std::size_t s = 0; s < d.subject.size(); ++s, ++col) rec.subjects.push_back(r.optional_text(row, col));
      rec.bytes = r.int64(row, col);
      out.push_back(std::move(rec));
    }
  }

  static CellValue cell(const pg::Result& r, int row, int col, ColumnClass cls) {
    if (r.is_null(row, col)) return std::monostate{};
    switch (cls) {
      case ColumnClass::kInteger:
      case ColumnClass::kBool: return r.int64(row, col);
      case ColumnClass::kReal: return std::stod(r.text(row, col));
      case ColumnClass::kBytes: return r.bytes(row, col);
      default: return r.text(row, col);
    }
  }

  StoreSpec spec_;
  pg::Connection conn_;
  std::map<std::string, std::vector<Column>> columns_;
  std::map<std::string, std::vector<IndexInfo>> indexes_;
};

}  // namespace

std::unique_ptr<DataStore> open_postgres_data_store(const StoreSpec& s, bool writable) {
  return std::make_unique<PostgresDataStore>(s, writable);
}

}  // namespace dpa

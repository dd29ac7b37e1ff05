#include "dpa/data_store.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/files_data_store.h"
#include "dpa/postgres_data_store.h"
#include "dpa/sqlite_data_store.h"

namespace dpa {

std::string field_text(const FieldValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return {};
}

nlohmann::json field_json(const FieldValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return nullptr;
}

FieldValue field_from_json(const nlohmann::json& j) {
  if (j.is_number_integer()) return j.get<std::int64_t>();
  if (j.is_string()) return j.get<std::string>();
  return std::monostate{};
}

bool CreatedRange::contains(const std::optional<Timestamp>& created) const {
  if (empty) return false;
  if (!created) return include_null;
  if (from && *created < *from) return false;
  if (before && !(*created < *before)) return false;
  return true;
}

nlohmann::json range_json(const CreatedRange& r) {
  nlohmann::json j;
  j["empty"] = r.empty;
  j["from"] = r.from ? nlohmann::json(format_utc(*r.from)) : nlohmann::json();
  j["before"] = r.before ? nlohmann::json(format_utc(*r.before)) : nlohmann::json();
  j["null"] = r.include_null;
  return j;
}

CreatedRange range_from_json(const nlohmann::json& j) {
  CreatedRange r;
  r.empty = j.value("empty", false);
  if (j.contains("from") && j["from"].is_string()) r.from = parse_timestamp(j["from"].get<std::string>(), TimeZone::utc());
  if (j.contains("before") && j["before"].is_string())
    r.before = parse_timestamp(j["before"].get<std::string>(), TimeZone::utc());
  r.include_null = j.value("null", false);
  return r;
}

bool SubjectMatch::searchable(const DatasetSpec& d) const {
  for (const auto& s : d.subject) {
    if (s.kind == kind) return true;
  }
  return false;
}

bool SubjectMatch::matches(std::string_view raw) const {
  std::string n = normalize ? normalize(kind, raw) : std::string(raw);
  return !n.empty() && std::find(values.begin(), values.end(), n) != values.end();
}

SubjectMatch::Columns SubjectMatch::columns_in(const DatasetSpec& d, const std::vector<std::string>& columns) const {
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  Columns out;
  for (const auto& sc : d.subject) {
    if (sc.kind != kind) continue;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (lower(columns[i]) == lower(sc.column)) out.positions.push_back(static_cast<int>(i));
    }
    out.any_not_null += fmt::format("{}{} IS NOT NULL", out.any_not_null.empty() ? "" : " OR ",
                                    quote_identifier(sc.column));
  }
  return out;
}

std::vector<std::string> DataStore::column_names(const DatasetSpec&) { return {}; }

void DataStore::read_rows(const DatasetSpec& d, const std::string&, const SubjectMatch*, const RowVisitor&) {
  throw InputError(fmt::format("dataset {} is not a table: it has no rows to read", d.name));
}

std::filesystem::path DataStore::file_path(const DatasetSpec& d, const DataRecord&) {
  throw InputError(fmt::format("dataset {} is not a file dataset", d.name));
}

bool DataStore::update_row(const DatasetSpec& d, const std::string&, const FieldValue&,
                           const std::vector<std::pair<std::string, FieldValue>>&) {
  throw InputError(fmt::format("dataset {} is not a table: its records cannot be updated in place", d.name));
}

std::optional<Timestamp> DataStore::created_time(const DatasetSpec& d, const FieldValue& raw) {
  return parse_created(raw, d.created_format);
}

bool DataStore::try_lock_dataset(const DatasetSpec&, std::string*) { return true; }

std::unique_ptr<DataStore> open_data_store(const StoreSpec& s, bool writable) {
  switch (s.kind) {
    case StoreKind::kSqlite: return open_sqlite_data_store(s, writable);
    case StoreKind::kFiles: return open_files_data_store(s);
    case StoreKind::kPostgres: return open_postgres_data_store(s, writable);
  }
  throw InputError(fmt::format("store {}: unknown kind", s.name));
}

std::vector<DataMapProblem> check_datamap(const DataMap& map) {
  std::vector<DataMapProblem> out;
  for (const auto& s : map.stores) {
    bool used = false;
    for (const auto& d : map.datasets) used = used || d.store == s.name;
    if (!used) {
      out.push_back({DataMapProblem::Severity::kWarning, s.name,
                     fmt::format("store {} (line {}) has no dataset", s.name, s.line)});
    }
  }
  std::map<std::string, std::unique_ptr<DataStore>> stores;
  for (const auto& d : map.datasets) {
    const StoreSpec& spec = map.store_of(d);
    try {
      auto it = stores.find(spec.name);
      if (it == stores.end()) it = stores.emplace(spec.name, open_data_store(spec, false)).first;
      for (auto& p : it->second->check(d)) out.push_back(std::move(p));
    } catch (const InputError& e) {
      out.push_back({DataMapProblem::Severity::kError, d.name, e.what()});
    }
  }
  return out;
}

nlohmann::json created_bounds(const std::vector<DataRecord>& records) {
  // Records come in creation-time order: the first and the last with a
  // creation time are the bounds (one JSON value each, not one per record).
  const DataRecord* lo = nullptr;
  const DataRecord* hi = nullptr;
  bool any_null = false;
  for (const auto& rec : records) {
    if (std::holds_alternative<std::monostate>(rec.created_raw)) {
      any_null = true;
      continue;
    }
    if (!lo) lo = &rec;
    hi = &rec;
  }
  return {{"created_lo", lo ? field_json(lo->created_raw) : nlohmann::json()},
          {"created_hi", hi ? field_json(hi->created_raw) : nlohmann::json()},
          {"null", any_null}};
}

}  // namespace dpa

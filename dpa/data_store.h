// A store of customer data, as the data map declares it (datamap.h): the one
// interface through which retention, subject requests and exports read and
// erase records, whatever holds them (a SQLite file, a folder of files, later
// PostgreSQL).
//
// A record is seen by its key, tenant, creation time, subject identifiers and
// size: never by its content. Records are selected per tenant by their
// creation time (a CreatedRange), which is what an index on (tenant,
// created) serves.
//
// Invariants every implementation keeps:
// - scan() returns records in one fixed order (tables: records without a
//   creation time first, then by creation time and key; files: by path) and
//   resumes strictly after `after`, so a caller can page through millions of
//   records in bounded memory.
// - erase() erases a record only if it is still in the range it is given
//   (re-checked at the moment of erasure, not trusted from the scan), is
//   atomic where the store allows it (one SQLite transaction), and reports
//   exactly which records it erased.
// - A record whose creation time does not parse in the declared format is
//   never in a bounded range: it is kept, not guessed at.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "dpa/datamap.h"
#include "dpa/time.h"

namespace dpa {

// A value as a store holds it: NULL, an integer or text.
using FieldValue = std::variant<std::monostate, std::int64_t, std::string>;

std::string field_text(const FieldValue& v);  // "" for NULL
nlohmann::json field_json(const FieldValue& v);
FieldValue field_from_json(const nlohmann::json& j);

// Records by creation time: created in [from, before), plus, with
// include_null, those without a (parsable) creation time.
struct CreatedRange {
  bool empty = false;
  std::optional<Timestamp> from;    // inclusive; nullopt: no lower bound
  std::optional<Timestamp> before;  // exclusive; nullopt: no upper bound
  bool include_null = false;

  static CreatedRange none() { return {true, std::nullopt, std::nullopt, false}; }
  static CreatedRange all() { return {false, std::nullopt, std::nullopt, true}; }
  static CreatedRange created_before(Timestamp t) { return {false, std::nullopt, t, false}; }
  bool is_all() const { return !empty && !from && !before && include_null; }
  // Whether a record created at `created` (nullopt: no creation time) is in it.
  bool contains(const std::optional<Timestamp>& created) const;
};

nlohmann::json range_json(const CreatedRange& r);
CreatedRange range_from_json(const nlohmann::json& j);

struct DataRecord {
  FieldValue key;                 // the record's key; for files, the relative path
  FieldValue created_raw;         // the creation time as stored (for re-finding the record)
  std::optional<Timestamp> created;  // parsed; nullopt if missing or unparsable
  bool created_unparsable = false;
  std::vector<std::optional<std::string>> subjects;  // DatasetSpec::subject order
  std::int64_t bytes = 0;         // approximate size: a row's column bytes, a file's size
};

struct RangeStats {
  std::int64_t records = 0;
  std::int64_t bytes = -1;            // -1: not computed
  std::optional<Timestamp> oldest;    // among records with a creation time
};

struct DataMapProblem {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string dataset;   // or the store's name for store problems
  std::string message;   // one line; never a record's content
};

// Records of one tenant to erase, if they are still in `range`.
struct EraseSegment {
  std::string tenant;
  CreatedRange range;
  std::vector<DataRecord> records;
};

// ---- Reading whole records (exports, subject requests) ----

// A cell as a table holds it, with SQL's types kept apart so that an export
// can write them faithfully: NULL, integer, real, text, blob.
using CellValue = std::variant<std::monostate, std::int64_t, double, std::string, std::vector<unsigned char>>;

// How a subject identifier is brought to its canonical form before it is
// compared ("8 701 123-45-67" -> "+77011234567"). The core does not own the
// rule (retention::normalize_subject does), so the caller passes it in.
using SubjectNormalizer = std::string (*)(std::string_view kind, std::string_view value);

// The records of one data subject: those whose subject column of `kind`
// (DatasetSpec::subject) holds, once normalized, one of `values`. Shared by
// exports and subject requests so that both find exactly the same records.
struct SubjectMatch {
  std::string kind;                  // "phone"
  std::vector<std::string> values;   // normalized identifiers
  SubjectNormalizer normalize = nullptr;

  // Whether the dataset has a subject column of this kind at all; a dataset
  // without one (a folder of recordings) cannot be searched by subject.
  bool searchable(const DatasetSpec& d) const;
  // Whether a raw stored value is one of the subject's identifiers.
  bool matches(std::string_view raw) const;

  // Where a table keeps this subject: the positions in `columns` (the
  // table's column names, in order; compared without case, as SQL does) of
  // the dataset's subject columns of this kind, and the SQL condition that
  // one of them is not null, for the stores' WHERE clauses.
  struct Columns {
    std::vector<int> positions;
    std::string any_not_null;
  };
  Columns columns_in(const DatasetSpec& d, const std::vector<std::string>& columns) const;
};

// Receives each row of a table: its cells in the order of column_names().
// Returning false stops the read.
using RowVisitor = std::function<bool(const std::vector<CellValue>& row)>;

// Called at the named points of an erasure (before a SQLite commit, after each
// unlink); the retention kill test raises SIGKILL from it.
using ProgressHook = std::function<void(std::string_view point)>;

class DataStore {
 public:
  virtual ~DataStore() = default;

  // Distinct tenant values present in the dataset, sorted.
  virtual std::vector<std::string> tenants(const DatasetSpec& d) = 0;

  virtual RangeStats stats(const DatasetSpec& d, const std::string& tenant, const CreatedRange& r,
                           bool with_bytes) = 0;

  // Up to `limit` records of `tenant` in `r`, after `after` (nullptr: from the start).
  virtual std::vector<DataRecord> scan(const DatasetSpec& d, const std::string& tenant, const CreatedRange& r,
                                       const DataRecord* after, std::size_t limit) = 0;

  // Erases, in one transaction where the store has them, the records of each
  // segment that are still in the segment's range; returns for each segment
  // and record whether it was erased.
  virtual std::vector<std::vector<bool>> erase(const DatasetSpec& d, const std::vector<EraseSegment>& segments,
                                               const ProgressHook& hook = {}) = 0;

  // What finds `records` again after a crash without naming them (their keys
  // are not kept in the state): creation-time bounds, folders. JSON.
  virtual nlohmann::json locate(const DatasetSpec& d, const std::vector<DataRecord>& records) = 0;
  // Every record of `tenant` that `locate` may have described (a superset).
  virtual std::vector<DataRecord> relocate(const DatasetSpec& d, const std::string& tenant,
                                           const nlohmann::json& where) = 0;
  // Tidies up after records erased by a process that died (empty folders).
  virtual void tidy(const DatasetSpec& d, const nlohmann::json& where) = 0;

  // Reading whole records, for exports and subject requests. Table datasets:
  // every column's name, in the table's own order (the order of each row);
  // a file dataset has none.
  virtual std::vector<std::string> column_names(const DatasetSpec& d);
  // Every row of `tenant` (of the subject only, when `subject` is given) in
  // the store's fixed order (creation time, then key), streamed: one read
  // transaction, so the rows are one consistent snapshot, and memory does
  // not grow with the table. Throws InputError for a file dataset.
  virtual void read_rows(const DatasetSpec& d, const std::string& tenant, const SubjectMatch* subject,
                         const RowVisitor& visit);
  // The file behind a record of a file dataset (from scan()), to stream
  // its content from. Throws InputError for a table dataset.
  virtual std::filesystem::path file_path(const DatasetSpec& d, const DataRecord& record);

  // Subject requests (rectification, erasure by masking): sets `set`
  // (column, value) on the record of `tenant` with key `key`, in one
  // transaction; returns whether the record was there. Columns are
  // validated and quoted; values are bound, never spliced into SQL.
  // Throws InputError for a file dataset and for an unknown column.
  virtual bool update_row(const DatasetSpec& d, const std::string& tenant, const FieldValue& key,
                          const std::vector<std::pair<std::string, FieldValue>>& set);

  // A creation time as read_rows() returns it, parsed as the store compares
  // it (the declared created_format; a PostgreSQL timestamp column's own
  // text). nullopt if it does not parse.
  virtual std::optional<Timestamp> created_time(const DatasetSpec& d, const FieldValue& raw);

  // Sweeps on several hosts (or from several workspaces) coordinating on the
  // same table: takes, for as long as this store object lives, the store's
  // own lock on the dataset where it has one (PostgreSQL: a session advisory
  // lock on the table). Returns false, with one line on the holder in
  // *holder, when another process holds it. Stores without such locks
  // (SQLite, files: the state's lock is enough) return true.
  virtual bool try_lock_dataset(const DatasetSpec& d, std::string* holder);

  // Checks the dataset against the store: the table and columns exist, the
  // layout parses, creation times are in the declared format; warns where
  // an index is missing.
  virtual std::vector<DataMapProblem> check(const DatasetSpec& d) = 0;
};

// What a table store's locate() records: the creation-time bounds of
// `records` (in creation-time order) and whether some have none; never keys,
// which stay out of the state. {"created_lo", "created_hi", "null"}.
nlohmann::json created_bounds(const std::vector<DataRecord>& records);

// Opens the store. `writable` is needed only to erase. Throws InputError if
// the store cannot be opened (a missing SQLite file, a missing root folder)
// and for a postgres server that cannot be reached.
std::unique_ptr<DataStore> open_data_store(const StoreSpec& s, bool writable);

// `dpa datamap check`: opens every store read-only and checks every dataset
// against it; a store that cannot be opened is one error for each dataset.
std::vector<DataMapProblem> check_datamap(const DataMap& map);

}  // namespace dpa

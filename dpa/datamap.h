// The data map: where the customer data that dpa governs lives, declared in
// dpa.toml as [[store]] and [[dataset]] tables (format: man/dpa-datamap.5).
//
// Nothing is copied into dpa: retention, subject requests and exports act on
// the stores in place through a DataStore (data_store.h).
//
// Invariants of a parsed DataMap (parse_datamap checks them, or throws):
//  - store and dataset names are unique, lowercase identifiers;
//  - every dataset names a declared store, and has the fields its store's
//    kind needs (a table, key, tenant and created column for sqlite and
//    postgres; a file layout with {tenant} for files);
//  - every SQL identifier (table, columns) matches [A-Za-z_][A-Za-z0-9_]*
//    and is at most 64 characters; it is still always quoted in SQL;
//  - relative store paths are resolved against the workspace folder.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace dpa {

enum class StoreKind { kSqlite, kFiles, kPostgres };

std::string to_string(StoreKind k);  // "sqlite"

struct StoreSpec {
  std::string name;
  StoreKind kind = StoreKind::kSqlite;
  std::filesystem::path path;  // sqlite: the database file
  std::filesystem::path root;  // files: the folder layouts are relative to
  std::string url;             // postgres: the libpq connection URL (never with a password)
  std::string schema = "public";  // postgres: the schema its datasets' tables are in
  int line = 0;                // where it is declared in dpa.toml
};

// How a table stores its creation times. Dates are compared in SQL, so the
// format must be known: a text column in another format would compare wrong.
enum class CreatedFormat {
  kIso8601,   // "2026-05-01T09:30:00Z", optional fraction: UTC with Z
  kSqlite,    // "2026-05-01 09:30:00", optional fraction: UTC, as SQLite's CURRENT_TIMESTAMP
  kUnix,      // integer seconds since 1970 UTC
  kUnixMs,    // integer milliseconds since 1970 UTC
};

std::string to_string(CreatedFormat f);  // "iso8601"

// What a subject's erasure request does to a table's records: delete the
// rows, or keep them with their subject columns and text fields masked (a
// table other rows refer to, statistics that must keep their counts).
enum class EraseMode { kDelete, kMask };
std::string to_string(EraseMode m);  // "delete"

struct SubjectColumn {
  std::string kind;    // "phone", "email", "iin", ...
  std::string column;
};

struct DatasetSpec {
  std::string name;
  std::string store;
  std::string category;
  // Table datasets (sqlite, postgres).
  std::string table;
  std::string key;
  std::string tenant;
  std::string created;
  CreatedFormat created_format = CreatedFormat::kIso8601;
  std::vector<SubjectColumn> subject;
  std::vector<std::string> text;
  EraseMode erase = EraseMode::kDelete;  // `erase = "delete" | "mask"`
  // File datasets: the layout, "{tenant}/{yyyy}/{mm}/{id}.wav".
  std::string path;
  int line = 0;

  bool is_files() const { return !path.empty(); }
};

struct DataMap {
  std::filesystem::path origin;  // dpa.toml, for messages
  std::vector<StoreSpec> stores;
  std::vector<DatasetSpec> datasets;

  const StoreSpec* find_store(std::string_view name) const;
  const DatasetSpec* find_dataset(std::string_view name) const;
  // Throws InputError naming the declared datasets.
  const DatasetSpec& dataset(std::string_view name) const;
  const StoreSpec& store_of(const DatasetSpec& d) const;
};

// Reads the data map of a workspace's dpa.toml; a file without stores or
// datasets gives an empty map. Throws InputError "dpa.toml:LINE: problem; fix".
DataMap read_datamap(const std::filesystem::path& config);
// The same from text; `base` is the folder relative paths are resolved in.
DataMap parse_datamap(std::string_view toml_text, const std::filesystem::path& origin,
                      const std::filesystem::path& base);

// Throws InputError unless `id` is a safe SQL identifier (see above).
void validate_sql_identifier(std::string_view id, std::string_view what);
// "\"created_at\"": identifiers are validated and still always quoted.
std::string quote_identifier(std::string_view id);

}  // namespace dpa

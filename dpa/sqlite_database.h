// SqlDatabase on a SQLite file in WAL mode (the default state backend).
#pragma once

#include <filesystem>
#include <memory>

#include "dpa/sql_database.h"

namespace dpa {

struct SqliteOptions {
  bool create = false;            // create the file if missing (only `dpa init`)
  int busy_timeout_ms = 15000;    // how long a writer waits for another one
};

// Opens the file (creating it with `create`). Throws WorkspaceError if it is
// missing or not a SQLite database.
std::unique_ptr<SqlDatabase> open_sqlite_database(const std::filesystem::path& file,
                                                  const SqliteOptions& options);

}  // namespace dpa

// StateStore on a SQLite file in WAL mode (the default backend).
#pragma once

#include <filesystem>
#include <memory>

#include "dpa/state_store.h"

namespace dpa {

struct SqliteOptions {
  bool create = false;            // create the file if missing (only `dpa init`)
  int busy_timeout_ms = 15000;    // how long a writer waits for another one
};

// Opens (and with `create`, creates) the state database and brings its schema
// up to date. Throws WorkspaceError if the file is missing, unreadable, not a
// dpa database, or has a schema newer than this binary knows.
std::unique_ptr<StateStore> open_sqlite_state_store(const std::filesystem::path& file,
                                                    const SqliteOptions& options = {});

}  // namespace dpa

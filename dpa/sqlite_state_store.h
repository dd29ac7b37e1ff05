// StateStore on a SQLite file in WAL mode (the default backend): the SQL
// state store (sql_state_store.h) over a SQLite connection, with named locks
// as flock(2) files in <home>/locks/.
#pragma once

#include <filesystem>
#include <memory>

#include "dpa/sqlite_database.h"
#include "dpa/state_store.h"

namespace dpa {

// Opens (and with `create`, creates) the state database and brings its schema
// up to date. Throws WorkspaceError if the file is missing, unreadable, not a
// dpa database, or has a schema newer than this binary knows.
std::unique_ptr<StateStore> open_sqlite_state_store(const std::filesystem::path& file,
                                                    const SqliteOptions& options = {});

}  // namespace dpa

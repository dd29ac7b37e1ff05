// The StateStore over an SqlDatabase: the one implementation of the state's
// SQL, for SQLite and PostgreSQL alike. The backends differ only in their
// connection (sqlite_database.h, pg_database.h), their schema migrations
// (state_schema.h) and how they take named locks (the LockTaker given here).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "dpa/sql_database.h"
#include "dpa/state_store.h"

namespace dpa {

using LockTaker = std::function<std::unique_ptr<HeldLock>(const std::string& name, const std::string& what,
                                                          std::string* holder)>;

// Brings the schema up to date (WorkspaceError if it is newer than this
// binary) and returns the store.
std::unique_ptr<StateStore> make_sql_state_store(std::unique_ptr<SqlDatabase> db, LockTaker try_lock);

}  // namespace dpa

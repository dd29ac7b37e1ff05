// StateStore on PostgreSQL: the SQL state store (sql_state_store.h) over a
// libpq connection, one schema per workspace, shared by a fleet of hosts.
// Named locks are session advisory locks, each on a connection of its own.
#pragma once

#include <memory>

#include "dpa/pg_database.h"
#include "dpa/state_store.h"

namespace dpa {

// Connects, (with `create`) creates the schema, brings it up to date under
// the writers' advisory lock, and returns the store. Throws WorkspaceError if
// the server cannot be reached, the schema is missing or newer than this
// binary; InputError for a URL with a password.
std::unique_ptr<StateStore> open_pg_state_store(const PgStateOptions& options);

}  // namespace dpa

// SqlDatabase on PostgreSQL (libpq, through pg_connection.h): the workspace
// state of a fleet of hosts, in one schema of a shared database.
#pragma once

#include <memory>
#include <string>

#include "dpa/sql_database.h"

namespace dpa {

struct PgStateOptions {
  std::string url;                // libpq URL, without a password
  std::string schema = "dpa";     // one workspace per schema
  bool create = false;            // create the schema if missing (only `dpa init`)
  int busy_timeout_ms = 15000;    // lock_timeout: how long a writer waits for another one
  std::string application_name = "dpa";
};

// Connects, sets search_path to the schema and checks that it exists (or,
// with `create`, creates it). Throws WorkspaceError when the server cannot
// be reached or the schema is missing, InputError for a URL with a password.
std::unique_ptr<SqlDatabase> open_pg_database(const PgStateOptions& options);

// The advisory lock key that serializes the writers of one state.
std::int64_t pg_state_write_key(const std::string& schema);

}  // namespace dpa

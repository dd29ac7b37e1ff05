// libpq, loaded when a PostgreSQL connection is first needed.
//
// Linked in, libpq brought some twenty shared libraries (TLS, Kerberos,
// LDAP, SASL, ...) into every start of dpa, and resolving their symbols
// took about half of the start-up: some 8 ms of every `dpa anonymize`
// run, which pipelines start once per transcript, although most workspaces
// keep their state in SQLite. So the library is opened with dlopen() the
// first time a PostgreSQL URL is used, and only the functions
// pg_connection.cpp calls are looked up. The headers still come from
// libpq-dev, so the types and constants are libpq's own.
#pragma once

#include <libpq-fe.h>

namespace dpa::pg {

// libpq's functions, by their own names. Every pointer is set.
struct LibPq {
#define DPA_LIBPQ_FUNCTION(name) decltype(&::name) name = nullptr;
#include "dpa/libpq_functions.inc"
#undef DPA_LIBPQ_FUNCTION
};

// The loaded library. Opens it on the first call (thread-safe). Throws
// WorkspaceError naming the library and the package that provides it
// when it is missing or lacks a function.
const LibPq& libpq();

}  // namespace dpa::pg

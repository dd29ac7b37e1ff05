// DataStore on PostgreSQL tables of the application (a [[store]] of kind
// "postgres": `url`, optional `schema`), through pg_connection.h.
//
// The same invariants as the SQLite store (data_store.h), the PostgreSQL way:
// - identifiers are always quoted (schema-qualified), values always bound;
// - creation times are compared in the column's own type: a timestamptz,
//   timestamp or date column natively (created_format is then not used);
//   text in the declared format byte by byte (COLLATE "C" unless the column
//   already sorts so); unix seconds or milliseconds as integers;
// - erase() runs one transaction for a whole batch: per segment one
//   `DELETE ... WHERE key = ANY(?) AND tenant = ? AND <range> RETURNING key`,
//   so the range is re-checked at erasure time and the erased keys are
//   exactly what the server says it deleted;
// - read_rows() reads through a server-side cursor in one REPEATABLE READ
//   READ ONLY transaction, a thousand rows at a time: one snapshot, bounded
//   memory.
#pragma once

#include <memory>

#include "dpa/data_store.h"

namespace dpa {

// Connects to the store's server; throws InputError when it cannot (a
// password in the URL, the server unreachable).
std::unique_ptr<DataStore> open_postgres_data_store(const StoreSpec& s, bool writable);

}  // namespace dpa

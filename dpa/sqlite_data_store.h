// DataStore on a SQLite database of the application (a [[store]] of kind
// "sqlite"). Opened read-only unless the caller erases.
#pragma once

#include <memory>

#include "dpa/data_store.h"

namespace dpa {

std::unique_ptr<DataStore> open_sqlite_data_store(const StoreSpec& s, bool writable);

// Parses a stored creation time strictly in `format`; nullopt if it does not
// parse (such a record is never treated as old enough to delete).
std::optional<Timestamp> parse_created(const FieldValue& v, CreatedFormat format);

}  // namespace dpa

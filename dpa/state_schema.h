// The schema of the workspace state, as forward migrations per dialect.
#pragma once

#include <span>

namespace dpa {

// Index i holds the SQL that takes the schema from version i to i + 1. Both
// lists have the same length and, version by version, the same tables and
// columns; never edit a shipped entry of either: add one to both.
std::span<const char* const> sqlite_state_migrations();
std::span<const char* const> postgres_state_migrations();

}  // namespace dpa

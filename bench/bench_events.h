// The synthetic "events" table that the retention and subject-request
// benchmarks run on: ids growing with time, tenants interleaved, a caller
// phone per row and a short free-text body, like a live application's call
// log. Shared so that both benchmarks measure the same data.
#pragma once

#include <filesystem>
#include <string>

#include "dpa/time.h"

namespace dpa::bench {

struct EventsSpec {
  long long rows = 10'000'000;
  long long tenants = 1000;
  long long due = 1'000'000;  // the oldest rows, created before `at` minus 3 months (autocall 2.1.10)
  bool indexes = true;        // (tenant_id, created_at) and caller_phone
};

// "t0042"
std::string tenant_name(long long i);

// The data map of a bench workspace whose store is app.db next to dpa.toml.
extern const char* const kEventsDataMap;

// Writes the table to a new SQLite file at `db_path` (deterministic: the
// same spec and instant give the same rows).
void generate_events(const EventsSpec& spec, Timestamp at, const std::filesystem::path& db_path);

// The phone of the caller of one row of `tenant` (the benchmarks' subject).
std::string a_caller_phone(const std::filesystem::path& db_path, const std::string& tenant);

}  // namespace dpa::bench

// The SQL of the incidents and the audit report, for SqliteStateStore
// (sqlite_state_store.cpp wraps each call in its error translation and owns
// the schema). Private to the SQLite backend.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dpa/state_store.h"

namespace SQLite {
class Database;
}

namespace dpa::sqlite_incidents {

std::int64_t insert_incident(SQLite::Database& db, const IncidentRecord& incident,
                             const std::vector<IncidentTenantRecord>& tenants);
std::optional<IncidentRecord> find_incident(SQLite::Database& db, std::int64_t id);
std::vector<IncidentRecord> list_incidents(SQLite::Database& db);
std::vector<IncidentTenantRecord> incident_tenants(SQLite::Database& db, std::int64_t incident_id);
std::int64_t insert_update(SQLite::Database& db, const IncidentUpdateRecord& u);
std::vector<IncidentUpdateRecord> updates(SQLite::Database& db, std::int64_t incident_id);
bool close_incident(SQLite::Database& db, std::int64_t id, const std::string& closed_at,
                    const std::string& closed_by);
std::int64_t insert_notice(SQLite::Database& db, const IncidentNoticeRecord& n);
std::vector<IncidentNoticeRecord> notices(SQLite::Database& db, std::int64_t incident_id);

std::vector<RetentionBatchRecord> retention_batches_done(SQLite::Database& db, const std::string& since,
                                                         const std::string& until);

}  // namespace dpa::sqlite_incidents

// The SQL of the incidents and the audit report, for the SQL state store
// (sql_state_store.cpp owns the schema and the transactions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dpa/sql_database.h"
#include "dpa/state_store.h"

namespace dpa::sql_incidents {

std::int64_t insert_incident(SqlDatabase& db, const IncidentRecord& incident,
                             const std::vector<IncidentTenantRecord>& tenants);
std::optional<IncidentRecord> find_incident(SqlDatabase& db, std::int64_t id);
std::vector<IncidentRecord> list_incidents(SqlDatabase& db);
std::vector<IncidentTenantRecord> incident_tenants(SqlDatabase& db, std::int64_t incident_id);
std::int64_t insert_update(SqlDatabase& db, const IncidentUpdateRecord& u);
std::vector<IncidentUpdateRecord> updates(SqlDatabase& db, std::int64_t incident_id);
bool close_incident(SqlDatabase& db, std::int64_t id, const std::string& closed_at,
                    const std::string& closed_by);
std::int64_t insert_notice(SqlDatabase& db, const IncidentNoticeRecord& n);
std::vector<IncidentNoticeRecord> notices(SqlDatabase& db, std::int64_t incident_id);

// Retention batches matching `where_and_order` ("WHERE state = 'intent'
// ORDER BY id"), read one way for the sweep and the report alike.
std::vector<RetentionBatchRecord> retention_batches(SqlDatabase& db, std::string_view where_and_order,
                                                    const std::vector<SqlValue>& params);
std::vector<RetentionBatchRecord> retention_batches_done(SqlDatabase& db, const std::string& since,
                                                         const std::string& until);

}  // namespace dpa::sql_incidents

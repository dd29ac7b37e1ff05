#include "dpa/sql_state_store_incidents.h"

namespace dpa::sql_incidents {
namespace {

constexpr const char* kIncidentSelect =
    "SELECT id, detected_at, opened_at, opened_by, all_tenants, closed_at, closed_by FROM incidents";

IncidentRecord read_incident(const SqlRow& q) {
  IncidentRecord r;
  r.id = q.int64(0);
  r.detected_at = q.text(1);
  r.opened_at = q.text(2);
  r.opened_by = q.text(3);
  r.all_tenants = q.int64(4) != 0;
  r.closed_at = q.optional_text(5);
  r.closed_by = q.optional_text(6);
  return r;
}

}  // namespace

std::int64_t insert_incident(SqlDatabase& db, const IncidentRecord& incident,
                             const std::vector<IncidentTenantRecord>& tenants) {
  std::int64_t id = db.query_int(
      "INSERT INTO incidents(detected_at, opened_at, opened_by, all_tenants) VALUES(?, ?, ?, ?) RETURNING id",
      {incident.detected_at, incident.opened_at, incident.opened_by, sql_bool(incident.all_tenants)});
  for (const auto& t : tenants) {
    db.exec("INSERT INTO incident_tenants(incident_id, tenant_id, policy, policy_version) VALUES(?, ?, ?, ?)",
            {id, t.tenant_id, t.policy, t.policy_version});
  }
  return id;
}

std::optional<IncidentRecord> find_incident(SqlDatabase& db, std::int64_t id) {
  return db.query_one<IncidentRecord>(std::string(kIncidentSelect) + " WHERE id = ?", {id}, read_incident);
}

std::vector<IncidentRecord> list_incidents(SqlDatabase& db) {
  return db.query_all<IncidentRecord>(std::string(kIncidentSelect) + " ORDER BY id", {}, read_incident);
}

std::vector<IncidentTenantRecord> incident_tenants(SqlDatabase& db, std::int64_t incident_id) {
  return db.query_all<IncidentTenantRecord>(
      "SELECT incident_id, tenant_id, policy, policy_version FROM incident_tenants "
      "WHERE incident_id = ? ORDER BY tenant_id",
      {incident_id}, [](const SqlRow& q) {
        return IncidentTenantRecord{q.int64(0), q.text(1), q.text(2), q.text(3)};
      });
}

std::int64_t insert_update(SqlDatabase& db, const IncidentUpdateRecord& u) {
  return db.query_int(
      "INSERT INTO incident_updates(incident_id, field, value, recorded_at, recorded_by) "
      "VALUES(?, ?, ?, ?, ?) RETURNING id",
      {u.incident_id, u.field, u.value, u.recorded_at, u.recorded_by});
}

std::vector<IncidentUpdateRecord> updates(SqlDatabase& db, std::int64_t incident_id) {
  return db.query_all<IncidentUpdateRecord>(
      "SELECT id, incident_id, field, value, recorded_at, recorded_by FROM incident_updates "
      "WHERE incident_id = ? ORDER BY id",
      {incident_id}, [](const SqlRow& q) {
        return IncidentUpdateRecord{q.int64(0), q.int64(1), q.text(2), q.text(3), q.text(4), q.text(5)};
      });
}

bool close_incident(SqlDatabase& db, std::int64_t id, const std::string& closed_at,
                    const std::string& closed_by) {
  return db.exec("UPDATE incidents SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL",
                 {closed_at, closed_by, id}) == 1;
}

std::int64_t insert_notice(SqlDatabase& db, const IncidentNoticeRecord& n) {
  return db.query_int(
      "INSERT INTO incident_notices(incident_id, tenant_id, recipient, event, lang, content_hash, "
      "at, reference, recorded_at, recorded_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {n.incident_id, n.tenant_id, n.recipient, n.event, n.lang, n.content_hash, n.at, n.reference,
       n.recorded_at, n.recorded_by});
}

std::vector<IncidentNoticeRecord> notices(SqlDatabase& db, std::int64_t incident_id) {
  return db.query_all<IncidentNoticeRecord>(
      "SELECT id, incident_id, tenant_id, recipient, event, lang, content_hash, at, reference, "
      "recorded_at, recorded_by FROM incident_notices WHERE incident_id = ? ORDER BY id",
      {incident_id}, [](const SqlRow& q) {
        IncidentNoticeRecord n;
        n.id = q.int64(0);
        n.incident_id = q.int64(1);
        n.tenant_id = q.text(2);
        n.recipient = q.text(3);
        n.event = q.text(4);
        n.lang = q.text(5);
        n.content_hash = q.text(6);
        n.at = q.text(7);
        n.reference = q.text(8);
        n.recorded_at = q.text(9);
        n.recorded_by = q.text(10);
        return n;
      });
}

std::vector<RetentionBatchRecord> retention_batches(SqlDatabase& db, std::string_view where_and_order,
                                                    const std::vector<SqlValue>& params) {
  std::string sql =
      "SELECT id, run_id, seq, kind, dataset, tenant_id, rule, clause, state, planned, "
      "deleted, bytes, recheck, created_at, done_at FROM retention_batches ";
  sql += where_and_order;
  return db.query_all<RetentionBatchRecord>(sql, params, [](const SqlRow& q) {
    RetentionBatchRecord b;
    b.id = q.int64(0);
    b.run_id = q.int64(1);
    b.seq = q.int64(2);
    b.kind = q.text(3);
    b.dataset = q.text(4);
    b.tenant_id = q.text(5);
    b.rule = q.text(6);
    b.clause = q.text(7);
    b.state = q.text(8);
    b.planned = q.int64(9);
    b.deleted = q.int64(10);
    b.bytes = q.int64(11);
    b.recheck = q.text(12);
    b.created_at = q.text(13);
    b.done_at = q.optional_text(14);
    return b;
  });
}

std::vector<RetentionBatchRecord> retention_batches_done(SqlDatabase& db, const std::string& since,
                                                         const std::string& until) {
  return retention_batches(db, "WHERE state = 'done' AND done_at >= ? AND done_at < ? ORDER BY done_at, id",
                           {since, until});
}

}  // namespace dpa::sql_incidents

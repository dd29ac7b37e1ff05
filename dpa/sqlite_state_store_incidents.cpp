#include "dpa/sqlite_state_store_incidents.h"

#include <SQLiteCpp/SQLiteCpp.h>

namespace dpa::sqlite_incidents {
namespace {

std::optional<std::string> optional_text(SQLite::Statement& q, int index) {
  auto c = q.getColumn(index);
  if (c.isNull()) return std::nullopt;
  return c.getString();
}

constexpr const char* kIncidentSelect =
    "SELECT id, detected_at, opened_at, opened_by, all_tenants, closed_at, closed_by FROM incidents";

IncidentRecord read_incident(SQLite::Statement& q) {
  IncidentRecord r;
  r.id = q.getColumn(0).getInt64();
  r.detected_at = q.getColumn(1).getString();
  r.opened_at = q.getColumn(2).getString();
  r.opened_by = q.getColumn(3).getString();
  r.all_tenants = q.getColumn(4).getInt() != 0;
  r.closed_at = optional_text(q, 5);
  r.closed_by = optional_text(q, 6);
  return r;
}

}  // namespace

std::int64_t insert_incident(SQLite::Database& db, const IncidentRecord& incident,
                             const std::vector<IncidentTenantRecord>& tenants) {
  SQLite::Statement q(db,
                      "INSERT INTO incidents(detected_at, opened_at, opened_by, all_tenants) VALUES(?, ?, ?, ?)");
  q.bind(1, incident.detected_at);
  q.bind(2, incident.opened_at);
  q.bind(3, incident.opened_by);
  q.bind(4, incident.all_tenants ? 1 : 0);
  q.exec();
  std::int64_t id = db.getLastInsertRowid();
  for (const auto& t : tenants) {
    SQLite::Statement qt(db,
                         "INSERT INTO incident_tenants(incident_id, tenant_id, policy, policy_version) "
                         "VALUES(?, ?, ?, ?)");
    qt.bind(1, id);
    qt.bind(2, t.tenant_id);
    qt.bind(3, t.policy);
    qt.bind(4, t.policy_version);
    qt.exec();
  }
  return id;
}

std::optional<IncidentRecord> find_incident(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement q(db, std::string(kIncidentSelect) + " WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return read_incident(q);
}

std::vector<IncidentRecord> list_incidents(SQLite::Database& db) {
  SQLite::Statement q(db, std::string(kIncidentSelect) + " ORDER BY id");
  std::vector<IncidentRecord> out;
  while (q.executeStep()) out.push_back(read_incident(q));
  return out;
}

std::vector<IncidentTenantRecord> incident_tenants(SQLite::Database& db, std::int64_t incident_id) {
  SQLite::Statement q(db,
                      "SELECT incident_id, tenant_id, policy, policy_version FROM incident_tenants "
                      "WHERE incident_id = ? ORDER BY tenant_id");
  q.bind(1, incident_id);
  std::vector<IncidentTenantRecord> out;
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                   q.getColumn(3).getString()});
  }
  return out;
}

std::int64_t insert_update(SQLite::Database& db, const IncidentUpdateRecord& u) {
  SQLite::Statement q(db,
                      "INSERT INTO incident_updates(incident_id, field, value, recorded_at, recorded_by) "
                      "VALUES(?, ?, ?, ?, ?)");
  q.bind(1, u.incident_id);
  q.bind(2, u.field);
  q.bind(3, u.value);
  q.bind(4, u.recorded_at);
  q.bind(5, u.recorded_by);
  q.exec();
  return db.getLastInsertRowid();
}

std::vector<IncidentUpdateRecord> updates(SQLite::Database& db, std::int64_t incident_id) {
  SQLite::Statement q(db,
                      "SELECT id, incident_id, field, value, recorded_at, recorded_by FROM incident_updates "
                      "WHERE incident_id = ? ORDER BY id");
  q.bind(1, incident_id);
  std::vector<IncidentUpdateRecord> out;
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(),
                   q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString()});
  }
  return out;
}

bool close_incident(SQLite::Database& db, std::int64_t id, const std::string& closed_at,
                    const std::string& closed_by) {
  SQLite::Statement q(db,
                      "UPDATE incidents SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL");
  q.bind(1, closed_at);
  q.bind(2, closed_by);
  q.bind(3, id);
  return q.exec() == 1;
}

std::int64_t insert_notice(SQLite::Database& db, const IncidentNoticeRecord& n) {
  SQLite::Statement q(db,
                      "INSERT INTO incident_notices(incident_id, tenant_id, recipient, event, lang, content_hash, "
                      "at, reference, recorded_at, recorded_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, n.incident_id);
  q.bind(2, n.tenant_id);
  q.bind(3, n.recipient);
  q.bind(4, n.event);
  q.bind(5, n.lang);
  q.bind(6, n.content_hash);
  q.bind(7, n.at);
  q.bind(8, n.reference);
  q.bind(9, n.recorded_at);
  q.bind(10, n.recorded_by);
  q.exec();
  return db.getLastInsertRowid();
}

std::vector<IncidentNoticeRecord> notices(SQLite::Database& db, std::int64_t incident_id) {
  SQLite::Statement q(db,
                      "SELECT id, incident_id, tenant_id, recipient, event, lang, content_hash, at, reference, "
                      "recorded_at, recorded_by FROM incident_notices WHERE incident_id = ? ORDER BY id");
  q.bind(1, incident_id);
  std::vector<IncidentNoticeRecord> out;
  while (q.executeStep()) {
    IncidentNoticeRecord n;
    n.id = q.getColumn(0).getInt64();
    n.incident_id = q.getColumn(1).getInt64();
    n.tenant_id = q.getColumn(2).getString();
    n.recipient = q.getColumn(3).getString();
    n.event = q.getColumn(4).getString();
    n.lang = q.getColumn(5).getString();
    n.content_hash = q.getColumn(6).getString();
    n.at = q.getColumn(7).getString();
    n.reference = q.getColumn(8).getString();
    n.recorded_at = q.getColumn(9).getString();
    n.recorded_by = q.getColumn(10).getString();
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<RetentionBatchRecord> retention_batches_done(SQLite::Database& db, const std::string& since,
                                                         const std::string& until) {
  SQLite::Statement q(db,
                      "SELECT id, run_id, seq, kind, dataset, tenant_id, rule, clause, state, planned, "
                      "deleted, bytes, created_at, done_at FROM retention_batches "
                      "WHERE state = 'done' AND done_at >= ? AND done_at < ? ORDER BY done_at, id");
  q.bind(1, since);
  q.bind(2, until);
  std::vector<RetentionBatchRecord> out;
  while (q.executeStep()) {
    RetentionBatchRecord b;
    b.id = q.getColumn(0).getInt64();
    b.run_id = q.getColumn(1).getInt64();
    b.seq = q.getColumn(2).getInt64();
    b.kind = q.getColumn(3).getString();
    b.dataset = q.getColumn(4).getString();
    b.tenant_id = q.getColumn(5).getString();
    b.rule = q.getColumn(6).getString();
    b.clause = q.getColumn(7).getString();
    b.state = q.getColumn(8).getString();
    b.planned = q.getColumn(9).getInt64();
    b.deleted = q.getColumn(10).getInt64();
    b.bytes = q.getColumn(11).getInt64();
    b.created_at = q.getColumn(12).getString();
    b.done_at = optional_text(q, 13);
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace dpa::sqlite_incidents

// The SQLite schema of the workspace state (see state_schema.h).
#include "dpa/state_schema.h"

#include <iterator>

namespace dpa {
namespace {

// Forward migrations, applied in order. Never edit a shipped entry: add one.
// Index i holds the SQL that takes the schema from version i to i + 1.
const char* const kMigrations[] = {
    // 1: tenants, their keys, workspace metadata, the audit log.
    R"sql(
CREATE TABLE meta(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE tenants(
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  policy        TEXT NOT NULL,
  status        TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  terminated_at TEXT,
  export_until  TEXT,
  delete_after  TEXT
);
CREATE TABLE tenant_keys(
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  key_id       INTEGER NOT NULL,
  wrapped      BLOB,
  created_at   TEXT NOT NULL,
  destroyed_at TEXT,
  PRIMARY KEY(tenant_id, key_id)
);
CREATE TABLE audit_log(
  seq       INTEGER PRIMARY KEY,
  time      TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  object    TEXT NOT NULL,
  details   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE INDEX audit_log_time ON audit_log(time);
CREATE INDEX audit_log_action ON audit_log(action);
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE audit_checkpoints(
  size      INTEGER PRIMARY KEY,
  head_hash TEXT NOT NULL,
  note      TEXT NOT NULL
);
CREATE TRIGGER audit_checkpoints_append_only_update BEFORE UPDATE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
CREATE TRIGGER audit_checkpoints_append_only_delete BEFORE DELETE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
)sql",
    // 2: the pseudonym vault and the transfer log.
    R"sql(
CREATE TABLE vault_values(
  tenant_id  TEXT NOT NULL REFERENCES tenants(id),
  value_hash TEXT NOT NULL,
  type       TEXT NOT NULL,
  token_base TEXT NOT NULL,
  key_id     INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY(tenant_id, value_hash),
  UNIQUE(tenant_id, token_base)
);
CREATE TABLE vault_forms(
  tenant_id           TEXT NOT NULL,
  value_hash          TEXT NOT NULL,
  variant             INTEGER NOT NULL,
  surface_hash        TEXT NOT NULL,
  ciphertext          BLOB NOT NULL,
  surrogate_hash      TEXT,
  surrogate_fold_hash TEXT,
  created_at          TEXT NOT NULL,
  PRIMARY KEY(tenant_id, surface_hash),
  UNIQUE(tenant_id, value_hash, variant),
  FOREIGN KEY(tenant_id, value_hash) REFERENCES vault_values(tenant_id, value_hash)
);
CREATE INDEX vault_forms_surrogate ON vault_forms(tenant_id, surrogate_hash);
CREATE INDEX vault_forms_surrogate_fold ON vault_forms(tenant_id, surrogate_fold_hash);
CREATE TABLE transfers(
  id             INTEGER PRIMARY KEY,
  time           TEXT NOT NULL,
  tenant_id      TEXT NOT NULL,
  subprocessor   TEXT NOT NULL,
  country        TEXT NOT NULL,
  category       TEXT NOT NULL,
  status         TEXT NOT NULL CHECK(status IN ('made', 'refused')),
  pseudonymized  INTEGER NOT NULL,
  operator       TEXT NOT NULL,
  bytes          INTEGER NOT NULL,
  records        INTEGER NOT NULL,
  entity_counts  TEXT NOT NULL,
  source         TEXT NOT NULL,
  reference      TEXT NOT NULL,
  clause         TEXT NOT NULL,
  reason         TEXT NOT NULL,
  actor          TEXT NOT NULL
);
CREATE INDEX transfers_time ON transfers(time);
CREATE INDEX transfers_tenant ON transfers(tenant_id, time);
)sql",
    // 3: the subprocessor register and the tenants' transfer agreements.
    R"sql(
CREATE TABLE subprocessor_register(
  id                  INTEGER PRIMARY KEY,
  policy              TEXT NOT NULL,
  name                TEXT NOT NULL,
  action              TEXT NOT NULL CHECK(action IN ('add', 'retire')),
  effective           TEXT NOT NULL,
  legal_name          TEXT NOT NULL,
  country             TEXT NOT NULL,
  purpose             TEXT NOT NULL,
  categories          TEXT NOT NULL,
  receives            TEXT NOT NULL CHECK(receives IN ('', 'raw', 'pseudonymized', 'none')),
  primary_storage     INTEGER,
  safeguard           TEXT NOT NULL
                      CHECK(safeguard IN ('', 'adequacy', 'scc', 'bcr', 'consent', 'derogation')),
  safeguard_reference TEXT NOT NULL,
  safeguard_expires   TEXT,
  clause              TEXT NOT NULL,
  note                TEXT NOT NULL,
  recorded_at         TEXT NOT NULL,
  actor               TEXT NOT NULL
);
CREATE INDEX subprocessor_register_policy ON subprocessor_register(policy, effective);
CREATE TRIGGER subprocessor_register_append_only_update BEFORE UPDATE ON subprocessor_register
  BEGIN SELECT RAISE(ABORT, 'the subprocessor register is append-only'); END;
CREATE TRIGGER subprocessor_register_append_only_delete BEFORE DELETE ON subprocessor_register
  BEGIN SELECT RAISE(ABORT, 'the subprocessor register is append-only'); END;
CREATE TABLE transfer_agreements(
  id           INTEGER PRIMARY KEY,
  tenant_id    TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK(kind IN ('storage-abroad', 'cross-border-consent')),
  subprocessor TEXT NOT NULL,
  reference    TEXT NOT NULL,
  effective    TEXT NOT NULL,
  expires      TEXT,
  revoked_at   TEXT,
  recorded_at  TEXT NOT NULL,
  actor        TEXT NOT NULL
);
CREATE INDEX transfer_agreements_tenant ON transfer_agreements(tenant_id);
)sql",
    // 4: retention: legal holds, sweep runs and their batches, the erasure ledger.
    R"sql(
CREATE TABLE retention_holds(
  id           INTEGER PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  dataset      TEXT,
  subject_kind TEXT,
  subject_hash TEXT,
  reason       TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  until        TEXT,
  released_at  TEXT,
  released_by  TEXT,
  CHECK((subject_kind IS NULL) = (subject_hash IS NULL))
);
CREATE INDEX retention_holds_tenant ON retention_holds(tenant_id);
CREATE TABLE retention_runs(
  id          INTEGER PRIMARY KEY,
  started_at  TEXT NOT NULL,
  at          TEXT NOT NULL,
  actor       TEXT NOT NULL,
  host        TEXT NOT NULL,
  pid         INTEGER NOT NULL,
  status      TEXT NOT NULL CHECK(status IN ('running', 'complete', 'stopped', 'interrupted', 'failed')),
  finished_at TEXT
);
CREATE TABLE retention_batches(
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES retention_runs(id),
  seq        INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK(kind IN ('sweep', 'reapply')),
  dataset    TEXT NOT NULL,
  tenant_id  TEXT NOT NULL,
  rule       TEXT NOT NULL,
  clause     TEXT NOT NULL,
  state      TEXT NOT NULL CHECK(state IN ('intent', 'done')),
  planned    INTEGER NOT NULL,
  deleted    INTEGER NOT NULL DEFAULT 0,
  bytes      INTEGER NOT NULL DEFAULT 0,
  recheck    TEXT NOT NULL,
  created_at TEXT NOT NULL,
  done_at    TEXT,
  UNIQUE(run_id, seq)
);
CREATE INDEX retention_batches_intent ON retention_batches(state) WHERE state = 'intent';
CREATE TABLE erasure_tombstones(
  id           INTEGER PRIMARY KEY,
  dataset      TEXT NOT NULL,
  tenant_id    TEXT NOT NULL,
  key_hash     TEXT NOT NULL,
  subject_hash TEXT,
  source       TEXT NOT NULL CHECK(source IN ('sweep', 'reapply', 'request')),
  batch_id     INTEGER REFERENCES retention_batches(id),
  bytes        INTEGER NOT NULL DEFAULT 0,
  erased_at    TEXT NOT NULL,
  reference    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX erasure_tombstones_batch ON erasure_tombstones(batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX erasure_tombstones_group ON erasure_tombstones(dataset, tenant_id, source);
)sql",
    // 5: retention: the controllers' destruction requests.
    R"sql(
CREATE TABLE destruction_requests(
  id           INTEGER PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  dataset      TEXT,
  requested_at TEXT NOT NULL,
  reference    TEXT NOT NULL,
  recorded_at  TEXT NOT NULL,
  recorded_by  TEXT NOT NULL
);
CREATE INDEX destruction_requests_tenant ON destruction_requests(tenant_id);
)sql",
    // 6: exports and their handovers.
    R"sql(
CREATE TABLE exports(
  id                   TEXT PRIMARY KEY,
  tenant_id            TEXT NOT NULL REFERENCES tenants(id),
  subject_kind         TEXT,
  subject_hash         TEXT,
  datasets             TEXT NOT NULL,
  format               TEXT NOT NULL CHECK(format IN ('zip', 'tar', 'dir')),
  path                 TEXT NOT NULL,
  bytes                INTEGER NOT NULL,
  package_bytes        INTEGER NOT NULL,
  files                INTEGER NOT NULL,
  payload_oxum         TEXT NOT NULL,
  tag_manifest_sha256  TEXT NOT NULL,
  created_at           TEXT NOT NULL,
  actor                TEXT NOT NULL,
  within_export_window INTEGER NOT NULL,
  no_debt_reference    TEXT,
  request_reference    TEXT,
  CHECK((subject_kind IS NULL) = (subject_hash IS NULL))
);
CREATE INDEX exports_tenant ON exports(tenant_id);
CREATE TABLE export_handovers(
  id             INTEGER PRIMARY KEY,
  export_id      TEXT NOT NULL REFERENCES exports(id),
  transfer_id    INTEGER NOT NULL REFERENCES transfers(id),
  recipient      TEXT NOT NULL,
  country        TEXT NOT NULL,
  handed_over_at TEXT NOT NULL,
  actor          TEXT NOT NULL
);
CREATE INDEX export_handovers_export ON export_handovers(export_id);
)sql",
    // 7: subject requests (their subjects, sealed; their events) and suppression lists.
    R"sql(
CREATE TABLE subject_requests(
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL REFERENCES tenants(id),
  type             TEXT NOT NULL CHECK(type IN ('access', 'rectify', 'erase', 'restrict', 'withdraw-consent',
                                                'object', 'portability')),
  mode             TEXT NOT NULL CHECK(mode IN ('answer', 'forward')),
  channel          TEXT NOT NULL DEFAULT '',
  received_at      TEXT NOT NULL,
  due_at           TEXT,
  due_rule         TEXT NOT NULL DEFAULT '',
  due_clause       TEXT NOT NULL DEFAULT '',
  forward_by       TEXT,
  forwarded_at     TEXT,
  forwarded_to     TEXT NOT NULL DEFAULT '',
  extended_until   TEXT,
  extension_reason TEXT NOT NULL DEFAULT '',
  extension_clause TEXT NOT NULL DEFAULT '',
  status           TEXT NOT NULL CHECK(status IN ('open', 'forwarded', 'closed')),
  closed_at        TEXT,
  outcome          TEXT NOT NULL DEFAULT '',
  opened_at        TEXT NOT NULL,
  opened_by        TEXT NOT NULL
);
CREATE INDEX subject_requests_tenant ON subject_requests(tenant_id, status);
CREATE TABLE subject_request_subjects(
  request_id   TEXT NOT NULL REFERENCES subject_requests(id),
  position     INTEGER NOT NULL,
  kind         TEXT NOT NULL,
  subject_hash TEXT NOT NULL,
  key_id       INTEGER NOT NULL,
  sealed       BLOB NOT NULL,
  PRIMARY KEY(request_id, position)
);
CREATE INDEX subject_request_subjects_hash ON subject_request_subjects(subject_hash);
CREATE TABLE subject_request_events(
  id         INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES subject_requests(id),
  time       TEXT NOT NULL,
  event      TEXT NOT NULL CHECK(event IN ('opened', 'extended', 'forwarded', 'fulfilled', 'suppressed', 'closed')),
  details    TEXT NOT NULL,
  actor      TEXT NOT NULL
);
CREATE INDEX subject_request_events_request ON subject_request_events(request_id, id);
CREATE TRIGGER subject_request_events_append_only_update BEFORE UPDATE ON subject_request_events
  BEGIN SELECT RAISE(ABORT, 'request events are append-only'); END;
CREATE TRIGGER subject_request_events_append_only_delete BEFORE DELETE ON subject_request_events
  BEGIN SELECT RAISE(ABORT, 'request events are append-only'); END;
CREATE TABLE suppression_entries(
  id             INTEGER PRIMARY KEY,
  tenant_id      TEXT NOT NULL REFERENCES tenants(id),
  kind           TEXT NOT NULL,
  subject_hash   TEXT NOT NULL,
  reason         TEXT NOT NULL,
  clause         TEXT NOT NULL DEFAULT '',
  note           TEXT NOT NULL DEFAULT '',
  source_request TEXT NOT NULL DEFAULT '',
  added_at       TEXT NOT NULL,
  added_by       TEXT NOT NULL,
  removed_at     TEXT,
  removed_by     TEXT NOT NULL DEFAULT '',
  removed_reason TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX suppression_entries_active ON suppression_entries(tenant_id, kind, subject_hash)
  WHERE removed_at IS NULL;
)sql",
    // 8: retention: a tenant's registration date, when it is not the day it was added.
    R"sql(
ALTER TABLE tenants ADD COLUMN registered_at TEXT;
)sql",
    // 9: incidents, their append-only updates and notices.
    R"sql(
CREATE TABLE incidents(
  id          INTEGER PRIMARY KEY,
  detected_at TEXT NOT NULL,
  opened_at   TEXT NOT NULL,
  opened_by   TEXT NOT NULL,
  all_tenants INTEGER NOT NULL DEFAULT 0 CHECK(all_tenants IN (0, 1)),
  closed_at   TEXT,
  closed_by   TEXT
);
CREATE TABLE incident_tenants(
  incident_id    INTEGER NOT NULL REFERENCES incidents(id),
  tenant_id      TEXT NOT NULL REFERENCES tenants(id),
  policy         TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  PRIMARY KEY(incident_id, tenant_id)
);
CREATE INDEX incident_tenants_tenant ON incident_tenants(tenant_id);
CREATE TABLE incident_updates(
  id          INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  field       TEXT NOT NULL,
  value       TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL
);
CREATE INDEX incident_updates_incident ON incident_updates(incident_id);
CREATE TRIGGER incident_updates_append_only_update BEFORE UPDATE ON incident_updates
  BEGIN SELECT RAISE(ABORT, 'incident updates are append-only'); END;
CREATE TRIGGER incident_updates_append_only_delete BEFORE DELETE ON incident_updates
  BEGIN SELECT RAISE(ABORT, 'incident updates are append-only'); END;
CREATE TABLE incident_notices(
  id           INTEGER PRIMARY KEY,
  incident_id  INTEGER NOT NULL REFERENCES incidents(id),
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  recipient    TEXT NOT NULL CHECK(recipient IN ('controller', 'authority', 'subjects')),
  event        TEXT NOT NULL CHECK(event IN ('rendered', 'sent')),
  lang         TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  at           TEXT NOT NULL,
  reference    TEXT NOT NULL DEFAULT '',
  recorded_at  TEXT NOT NULL,
  recorded_by  TEXT NOT NULL
);
CREATE INDEX incident_notices_incident ON incident_notices(incident_id);
CREATE TRIGGER incident_notices_append_only_update BEFORE UPDATE ON incident_notices
  BEGIN SELECT RAISE(ABORT, 'incident notices are append-only'); END;
CREATE TRIGGER incident_notices_append_only_delete BEFORE DELETE ON incident_notices
  BEGIN SELECT RAISE(ABORT, 'incident notices are append-only'); END;
CREATE INDEX retention_batches_done ON retention_batches(done_at) WHERE state = 'done';
)sql",
    // 10: subject requests: the restriction register (records marked for no processing).
    R"sql(
CREATE TABLE restrictions(
  id         INTEGER PRIMARY KEY,
  tenant_id  TEXT NOT NULL REFERENCES tenants(id),
  dataset    TEXT NOT NULL,
  key_hash   TEXT NOT NULL,
  request_id TEXT NOT NULL,
  reason     TEXT NOT NULL,
  clause     TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  UNIQUE(request_id, dataset, key_hash)
);
CREATE INDEX restrictions_tenant ON restrictions(tenant_id, dataset, key_hash);
)sql",
    // 11: retention: a batch's tombstones packed, one row per tenant of the
    // batch (up to 16384 records each) instead of one row per record: a
    // sweep of a million records wrote as many ledger rows and index
    // entries as it deleted customer rows. key_hashes holds 16 bytes per
    // record, subject_hashes 32 (all zero: the record had no subject
    // identifier), bytes 8 (little-endian). Tombstones written before stay
    // in erasure_tombstones, which keeps those of subject requests, and are
    // read with the packs.
    R"sql(
CREATE TABLE erasure_tombstone_packs(
  id             INTEGER PRIMARY KEY,
  dataset        TEXT NOT NULL,
  tenant_id      TEXT NOT NULL,
  source         TEXT NOT NULL CHECK(source IN ('sweep', 'reapply')),
  batch_id       INTEGER REFERENCES retention_batches(id),
  erased_at      TEXT NOT NULL,
  records        INTEGER NOT NULL,
  key_hashes     BLOB NOT NULL,
  subject_hashes BLOB NOT NULL,
  bytes          BLOB NOT NULL
);
CREATE INDEX erasure_tombstone_packs_batch ON erasure_tombstone_packs(batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX erasure_tombstone_packs_group ON erasure_tombstone_packs(dataset, tenant_id, source);
)sql",
};

}  // namespace

std::span<const char* const> sqlite_state_migrations() { return kMigrations; }

}  // namespace dpa

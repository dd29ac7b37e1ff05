#include "dpa/sqlite_state_store.h"

#include <sqlite3.h>

#include <cctype>
#include <memory>
#include <unordered_map>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/file_lock.h"
#include "dpa/sqlite_state_store_incidents.h"
#include "dpa/time.h"

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
};

constexpr int kKnownVersion = static_cast<int>(std::size(kMigrations));

bool is_busy(const SQLite::Exception& e) {
  int code = e.getErrorCode() & 0xff;
  return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

class SqliteStateStore final : public StateStore {
 public:
  SqliteStateStore(const std::filesystem::path& file, const SqliteOptions& options)
      : file_(file), options_(options),
        db_(file.string(), options.create ? SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE
                                          : SQLite::OPEN_READWRITE) {
    db_.setBusyTimeout(options.busy_timeout_ms);
    guard([&] {
      // A file that is not SQLite fails here, on the first read.
      db_.exec("PRAGMA journal_mode=WAL");
      // FULL: a committed audit entry survives a power cut, not only a crash.
      db_.exec("PRAGMA synchronous=FULL");
      db_.exec("PRAGMA foreign_keys=ON");
      // 32 MiB of page cache (default 2 MiB): a pseudonymization run looks
      // up and inserts keyed hashes, random keys in six vault indexes, and
      // with the small default nearly every probe is a pread.
      db_.exec("PRAGMA cache_size=-32768");
      migrate();
    });
  }

  std::unique_ptr<HeldLock> try_lock(const std::string& name, const std::string& what,
                                     std::string* holder) override {
    // <home>/locks/<name>.lock, the name percent-encoded so that every name
    // is one file name of its own.
    std::string file;
    for (unsigned char c : name) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') file += static_cast<char>(c);
      else file += fmt::format("%{:02X}", c);
    }
    std::filesystem::path dir = file_.parent_path() / "locks";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw WorkspaceError(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    return try_file_lock(dir / (file + ".lock"), what, holder);
  }

  int schema_version() override {
    return guard([&] { return read_version(); });
  }
  int known_schema_version() const override { return kKnownVersion; }

  void transaction(const std::function<void()>& body) override {
    if (depth_ > 0) {
      ++depth_;
      try {
        body();
      } catch (...) {
        --depth_;
        throw;
      }
      --depth_;
      return;
    }
    guard([&] { db_.exec("BEGIN IMMEDIATE"); });
    depth_ = 1;
    try {
      body();
      guard([&] { db_.exec("COMMIT"); });
      depth_ = 0;
    } catch (...) {
      depth_ = 0;
      try {
        db_.exec("ROLLBACK");
      } catch (...) {
        // The transaction may already be gone (SQLite rolls back on some
        // errors); the original error is the one worth reporting.
      }
      throw;
    }
  }

  std::optional<std::string> get_meta(const std::string& key) override {
    return guard([&]() -> std::optional<std::string> {
      SQLite::Statement q(db_, "SELECT value FROM meta WHERE key = ?");
      q.bind(1, key);
      if (!q.executeStep()) return std::nullopt;
      return q.getColumn(0).getString();
    });
  }

  void set_meta(const std::string& key, const std::string& value) override {
    guard([&] {
      SQLite::Statement q(db_, "INSERT INTO meta(key, value) VALUES(?, ?) "
                               "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
      q.bind(1, key);
      q.bind(2, value);
      q.exec();
    });
  }

  void insert_tenant(const TenantRecord& t) override {
    guard([&] {
      SQLite::Statement q(db_,
                          "INSERT INTO tenants(id, name, policy, status, created_at, terminated_at, "
                          "export_until, delete_after, registered_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
      bind_tenant(q, t);
      q.exec();
    });
  }

  void update_tenant(const TenantRecord& t) override {
    guard([&] {
      SQLite::Statement q(db_,
                          "UPDATE tenants SET id = ?1, name = ?2, policy = ?3, status = ?4, "
                          "created_at = ?5, terminated_at = ?6, export_until = ?7, "
                          "delete_after = ?8, registered_at = ?9 WHERE id = ?1");
      bind_tenant(q, t);
      if (q.exec() != 1) throw InputError(fmt::format("no tenant '{}'", t.id));
    });
  }

  std::optional<TenantRecord> find_tenant(const std::string& id) override {
    return guard([&]() -> std::optional<TenantRecord> {
      SQLite::Statement q(db_, std::string(kTenantSelect) + " WHERE id = ?");
      q.bind(1, id);
      if (!q.executeStep()) return std::nullopt;
      return read_tenant(q);
    });
  }

  std::vector<TenantRecord> list_tenants() override {
    return guard([&] {
      std::vector<TenantRecord> out;
      SQLite::Statement q(db_, std::string(kTenantSelect) + " ORDER BY id");
      while (q.executeStep()) out.push_back(read_tenant(q));
      return out;
    });
  }

  void insert_tenant_key(const TenantKeyRecord& k) override {
    guard([&] {
      SQLite::Statement q(db_,
                          "INSERT INTO tenant_keys(tenant_id, key_id, wrapped, created_at, "
                          "destroyed_at) VALUES(?, ?, ?, ?, ?)");
      q.bind(1, k.tenant_id);
      q.bind(2, k.key_id);
      if (k.wrapped.empty()) q.bind(3);
      else q.bind(3, k.wrapped.data(), static_cast<int>(k.wrapped.size()));
      q.bind(4, k.created_at);
      bind_optional(q, 5, k.destroyed_at);
      q.exec();
    });
  }

  std::vector<TenantKeyRecord> tenant_keys(const std::string& tenant_id) override {
    return guard([&] {
      std::vector<TenantKeyRecord> out;
      SQLite::Statement q(db_,
                          "SELECT tenant_id, key_id, wrapped, created_at, destroyed_at "
                          "FROM tenant_keys WHERE tenant_id = ? ORDER BY key_id");
      q.bind(1, tenant_id);
      while (q.executeStep()) {
        TenantKeyRecord k;
        k.tenant_id = q.getColumn(0).getString();
        k.key_id = q.getColumn(1).getInt();
        auto blob = q.getColumn(2);
        if (!blob.isNull()) {
          auto* p = static_cast<const unsigned char*>(blob.getBlob());
          k.wrapped.assign(p, p + blob.getBytes());
        }
        k.created_at = q.getColumn(3).getString();
        k.destroyed_at = optional_text(q, 4);
        out.push_back(std::move(k));
      }
      return out;
    });
  }

  // The vault methods run once per new entity of a pseudonymization run, so
  // their statements are prepared once per connection (vault_statement).
  std::optional<VaultValueRecord> vault_value(const std::string& tenant_id,
                                              const std::string& value_hash) override {
    return vault_statement(std::string(kVaultValueSelect) + " WHERE tenant_id = ? AND value_hash = ?",
                           [&](SQLite::Statement& q) -> std::optional<VaultValueRecord> {
                             q.bind(1, tenant_id);
                             q.bind(2, value_hash);
                             if (!q.executeStep()) return std::nullopt;
                             return read_vault_value(q);
                           });
  }

  std::optional<VaultValueRecord> vault_value_by_token(const std::string& tenant_id,
                                                       const std::string& token_base) override {
    return vault_statement(std::string(kVaultValueSelect) + " WHERE tenant_id = ? AND token_base = ?",
                           [&](SQLite::Statement& q) -> std::optional<VaultValueRecord> {
                             q.bind(1, tenant_id);
                             q.bind(2, token_base);
                             if (!q.executeStep()) return std::nullopt;
                             return read_vault_value(q);
                           });
  }

  bool insert_vault_value(const VaultValueRecord& v) override {
    int inserted = vault_statement(
        "INSERT INTO vault_values(tenant_id, value_hash, type, token_base, key_id, "
        "created_at) VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [&](SQLite::Statement& q) {
          q.bind(1, v.tenant_id);
          q.bind(2, v.value_hash);
          q.bind(3, v.type);
          q.bind(4, v.token_base);
          q.bind(5, v.key_id);
          q.bind(6, v.created_at);
          return q.exec();
        });
    if (inserted == 1) return true;
    // Ignored: either the value exists (fine) or the token is taken.
    return vault_value(v.tenant_id, v.value_hash).has_value();
  }

  std::vector<VaultFormRecord> vault_forms(const std::string& tenant_id,
                                           const std::string& value_hash) override {
    return vault_statement(std::string(kVaultFormSelect) + " WHERE tenant_id = ? AND value_hash = ? ORDER BY variant",
                           [&](SQLite::Statement& q) {
                             std::vector<VaultFormRecord> out;
                             q.bind(1, tenant_id);
                             q.bind(2, value_hash);
                             while (q.executeStep()) out.push_back(read_vault_form(q));
                             return out;
                           });
  }

  std::optional<VaultFormRecord> vault_form_by_surface(const std::string& tenant_id,
                                                       const std::string& surface_hash) override {
    return vault_form_where("surface_hash", tenant_id, surface_hash);
  }
  std::optional<VaultFormRecord> vault_form_by_surrogate(const std::string& tenant_id,
                                                         const std::string& surrogate_hash) override {
    return vault_form_where("surrogate_hash", tenant_id, surrogate_hash);
  }
  std::optional<VaultFormRecord> vault_form_by_surrogate_fold(
      const std::string& tenant_id, const std::string& surrogate_fold_hash) override {
    return vault_form_where("surrogate_fold_hash", tenant_id, surrogate_fold_hash);
  }

  void insert_vault_form(const VaultFormRecord& f) override {
    vault_statement(
        "INSERT INTO vault_forms(tenant_id, value_hash, variant, surface_hash, "
        "ciphertext, surrogate_hash, surrogate_fold_hash, created_at) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [&](SQLite::Statement& q) {
          q.bind(1, f.tenant_id);
          q.bind(2, f.value_hash);
          q.bind(3, f.variant);
          q.bind(4, f.surface_hash);
          q.bind(5, f.ciphertext.data(), static_cast<int>(f.ciphertext.size()));
          bind_nonempty(q, 6, f.surrogate_hash);
          bind_nonempty(q, 7, f.surrogate_fold_hash);
          q.bind(8, f.created_at);
          return q.exec();
        });
  }

  int vault_last_variant(const std::string& tenant_id, const std::string& value_hash) override {
    return vault_statement("SELECT COALESCE(MAX(variant), 0) FROM vault_forms WHERE tenant_id = ? AND value_hash = ?",
                           [&](SQLite::Statement& q) {
                             q.bind(1, tenant_id);
                             q.bind(2, value_hash);
                             return q.executeStep() ? q.getColumn(0).getInt() : 0;
                           });
  }

  void set_vault_form_surrogate(const std::string& tenant_id, const std::string& surface_hash,
                                const std::string& surrogate_hash, const std::string& surrogate_fold_hash) override {
    vault_statement(
        "UPDATE vault_forms SET surrogate_hash = ?, surrogate_fold_hash = ? "
        "WHERE tenant_id = ? AND surface_hash = ? AND surrogate_hash IS NULL",
        [&](SQLite::Statement& q) {
          q.bind(1, surrogate_hash);
          q.bind(2, surrogate_fold_hash);
          q.bind(3, tenant_id);
          q.bind(4, surface_hash);
          return q.exec();
        });
  }

  std::int64_t insert_transfer(const TransferRecord& t) override {
    return guard([&] {
      SQLite::Statement q(db_,
                          "INSERT INTO transfers(time, tenant_id, subprocessor, country, category, "
                          "status, pseudonymized, operator, bytes, records, entity_counts, source, "
                          "reference, clause, reason, actor) "
                          "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      q.bind(1, t.time);
      q.bind(2, t.tenant_id);
      q.bind(3, t.subprocessor);
      q.bind(4, t.country);
      q.bind(5, t.category);
      q.bind(6, t.status);
      q.bind(7, t.pseudonymized ? 1 : 0);
      q.bind(8, t.operator_name);
      q.bind(9, static_cast<int64_t>(t.bytes));
      q.bind(10, static_cast<int64_t>(t.records));
      q.bind(11, t.entity_counts.empty() ? std::string("{}") : t.entity_counts);
      q.bind(12, t.source);
      q.bind(13, t.reference);
      q.bind(14, t.clause);
      q.bind(15, t.reason);
      q.bind(16, t.actor);
      q.exec();
      return static_cast<std::int64_t>(db_.getLastInsertRowid());
    });
  }

  void scan_transfers(const TransferQuery& query,
                      const std::function<bool(const TransferRecord&)>& visit) override {
    guard([&] {
      std::string sql =
          "SELECT id, time, tenant_id, subprocessor, country, category, status, pseudonymized, "
          "operator, bytes, records, entity_counts, source, reference, clause, reason, actor "
          "FROM transfers WHERE 1 = 1";
      if (query.tenant_id) sql += " AND tenant_id = :tenant";
      if (query.subprocessor) sql += " AND lower(subprocessor) = lower(:sub)";
      if (query.since) sql += " AND time >= :since";
      if (query.until) sql += " AND time < :until";
      sql += " ORDER BY id";
      SQLite::Statement q(db_, sql);
      if (query.tenant_id) q.bind(":tenant", *query.tenant_id);
      if (query.subprocessor) q.bind(":sub", *query.subprocessor);
      if (query.since) q.bind(":since", *query.since);
      if (query.until) q.bind(":until", *query.until);
      while (q.executeStep()) {
        TransferRecord t;
        t.id = q.getColumn(0).getInt64();
        t.time = q.getColumn(1).getString();
        t.tenant_id = q.getColumn(2).getString();
        t.subprocessor = q.getColumn(3).getString();
        t.country = q.getColumn(4).getString();
        t.category = q.getColumn(5).getString();
        t.status = q.getColumn(6).getString();
        t.pseudonymized = q.getColumn(7).getInt() != 0;
        t.operator_name = q.getColumn(8).getString();
        t.bytes = q.getColumn(9).getInt64();
        t.records = q.getColumn(10).getInt64();
        t.entity_counts = q.getColumn(11).getString();
        t.source = q.getColumn(12).getString();
        t.reference = q.getColumn(13).getString();
        t.clause = q.getColumn(14).getString();
        t.reason = q.getColumn(15).getString();
        t.actor = q.getColumn(16).getString();
        if (!visit(t)) break;
      }
    });
  }

  std::int64_t insert_subprocessor_entry(const SubprocessorEntryRecord& e) override {
    return guard([&] {
      SQLite::Statement q(db_,
                          "INSERT INTO subprocessor_register(policy, name, action, effective, legal_name, "
                          "country, purpose, categories, receives, primary_storage, safeguard, "
                          "safeguard_reference, safeguard_expires, clause, note, recorded_at, actor) "
                          "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      q.bind(1, e.policy);
      q.bind(2, e.name);
      q.bind(3, e.action);
      q.bind(4, e.effective);
      q.bind(5, e.legal_name);
      q.bind(6, e.country);
      q.bind(7, e.purpose);
      q.bind(8, e.categories);
      q.bind(9, e.receives);
      if (e.primary_storage) q.bind(10, *e.primary_storage ? 1 : 0);
      else q.bind(10);
      q.bind(11, e.safeguard);
      q.bind(12, e.safeguard_reference);
      bind_optional(q, 13, e.safeguard_expires);
      q.bind(14, e.clause);
      q.bind(15, e.note);
      q.bind(16, e.recorded_at);
      q.bind(17, e.actor);
      q.exec();
      return static_cast<std::int64_t>(db_.getLastInsertRowid());
    });
  }

  std::vector<SubprocessorEntryRecord> subprocessor_entries(const std::string& policy) override {
    return guard([&] {
      std::vector<SubprocessorEntryRecord> out;
      SQLite::Statement q(db_,
                          "SELECT id, policy, name, action, effective, legal_name, country, purpose, "
                          "categories, receives, primary_storage, safeguard, safeguard_reference, "
                          "safeguard_expires, clause, note, recorded_at, actor "
                          "FROM subprocessor_register WHERE policy = ? ORDER BY effective, id");
      q.bind(1, policy);
      while (q.executeStep()) {
        SubprocessorEntryRecord e;
        e.id = q.getColumn(0).getInt64();
        e.policy = q.getColumn(1).getString();
        e.name = q.getColumn(2).getString();
        e.action = q.getColumn(3).getString();
        e.effective = q.getColumn(4).getString();
        e.legal_name = q.getColumn(5).getString();
        e.country = q.getColumn(6).getString();
        e.purpose = q.getColumn(7).getString();
        e.categories = q.getColumn(8).getString();
        e.receives = q.getColumn(9).getString();
        if (!q.getColumn(10).isNull()) e.primary_storage = q.getColumn(10).getInt() != 0;
        e.safeguard = q.getColumn(11).getString();
        e.safeguard_reference = q.getColumn(12).getString();
        e.safeguard_expires = optional_text(q, 13);
        e.clause = q.getColumn(14).getString();
        e.note = q.getColumn(15).getString();
        e.recorded_at = q.getColumn(16).getString();
        e.actor = q.getColumn(17).getString();
        out.push_back(std::move(e));
      }
      return out;
    });
  }

  std::int64_t insert_transfer_agreement(const TransferAgreementRecord& a) override {
    return guard([&] {
      SQLite::Statement q(db_,
                          "INSERT INTO transfer_agreements(tenant_id, kind, subprocessor, reference, "
                          "effective, expires, revoked_at, recorded_at, actor) "
                          "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
      q.bind(1, a.tenant_id);
      q.bind(2, a.kind);
      q.bind(3, a.subprocessor);
      q.bind(4, a.reference);
      q.bind(5, a.effective);
      bind_optional(q, 6, a.expires);
      bind_optional(q, 7, a.revoked_at);
      q.bind(8, a.recorded_at);
      q.bind(9, a.actor);
      q.exec();
      return static_cast<std::int64_t>(db_.getLastInsertRowid());
    });
  }

  std::vector<TransferAgreementRecord> transfer_agreements(const std::string& tenant_id) override {
    return guard([&] {
      std::vector<TransferAgreementRecord> out;
      SQLite::Statement q(db_,
                          "SELECT id, tenant_id, kind, subprocessor, reference, effective, expires, "
                          "revoked_at, recorded_at, actor FROM transfer_agreements "
                          "WHERE ?1 = '' OR tenant_id = ?1 ORDER BY id");
      q.bind(1, tenant_id);
      while (q.executeStep()) {
        TransferAgreementRecord a;
        a.id = q.getColumn(0).getInt64();
        a.tenant_id = q.getColumn(1).getString();
        a.kind = q.getColumn(2).getString();
        a.subprocessor = q.getColumn(3).getString();
        a.reference = q.getColumn(4).getString();
        a.effective = q.getColumn(5).getString();
        a.expires = optional_text(q, 6);
        a.revoked_at = optional_text(q, 7);
        a.recorded_at = q.getColumn(8).getString();
        a.actor = q.getColumn(9).getString();
        out.push_back(std::move(a));
      }
      return out;
    });
  }

  bool revoke_transfer_agreement(std::int64_t id, const std::string& revoked_at) override {
    return guard([&] {
      SQLite::Statement q(db_, "UPDATE transfer_agreements SET revoked_at = ? "
                               "WHERE id = ? AND revoked_at IS NULL");
      q.bind(1, revoked_at);
      q.bind(2, static_cast<int64_t>(id));
      return q.exec() == 1;
    });
  }

  std::int64_t insert_hold(const HoldRecord& h) override {
    return guard([&] {
      SQLite::Statement q(db_,
                          "INSERT INTO retention_holds(tenant_id, dataset, subject_kind, subject_hash, "
                          "reason, created_at, created_by, until, released_at, released_by) "
                          "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      q.bind(1, h.tenant_id);
      bind_optional(q, 2, h.dataset);
      bind_optional(q, 3, h.subject_kind);
      bind_optional(q, 4, h.subject_hash);
      q.bind(5, h.reason);
      q.bind(6, h.created_at);
      q.bind(7, h.created_by);
      bind_optional(q, 8, h.until);
      bind_optional(q, 9, h.released_at);
      bind_optional(q, 10, h.released_by);
      q.exec();
      return static_cast<std::int64_t>(db_.getLastInsertRowid());
    });
  }

  std::optional<HoldRecord> find_hold(std::int64_t id) override {
    return guard([&]() -> std::optional<HoldRecord> {
      SQLite::Statement q(db_, std::string(kHoldSelect) + " WHERE id = ?");
      q.bind(1, static_cast<int64_t>(id));
      if (!q.executeStep()) return std::nullopt;
      return read_hold(q);
    });
  }

  std::vector<HoldRecord> list_holds(const std::optional<std::string>& tenant_id,
                                     bool include_released) override {
    return guard([&] {
      std::string sql = std::string(kHoldSelect) + " WHERE 1 = 1";
      if (tenant_id) sql += " AND tenant_id = :tenant";
      if (!include_released) sql += " AND released_at IS NULL";
      sql += " ORDER BY id";
      SQLite::Statement q(db_, sql);
      if (tenant_id) q.bind(":tenant", *tenant_id);
      std::vector<HoldRecord> out;
      while (q.executeStep()) out.push_back(read_hold(q));
      return out;
    });
  }

  bool release_hold(std::int64_t id, const std::string& released_at,
                    const std::string& released_by) override {
    return guard([&] {
      SQLite::Statement q(db_, "UPDATE retention_holds SET released_at = ?, released_by = ? "
                               "WHERE id = ? AND released_at IS NULL");
      q.bind(1, released_at);
      q.bind(2, released_by);
      q.bind(3, static_cast<int64_t>(id));
      return q.exec() == 1;
    });
  }

  std::int64_t insert_retention_run(const RetentionRunRecord& r) override {
    return guard([&] {
      SQLite::Statement q(db_, "INSERT INTO retention_runs(started_at, at, actor, host, pid, status, "
                               "finished_at) VALUES(?, ?, ?, ?, ?, ?, ?)");
      q.bind(1, r.started_at);
      q.bind(2, r.at);
      q.bind(3, r.actor);
      q.bind(4, r.host);
      q.bind(5, static_cast<int64_t>(r.pid));
      q.bind(6, r.status);
      bind_optional(q, 7, r.finished_at);
      q.exec();
      return static_cast<std::int64_t>(db_.getLastInsertRowid());
    });
  }

  void finish_retention_run(std::int64_t id, const std::string& status,
                            const std::string& finished_at) override {
    guard([&] {
      SQLite::Statement q(db_, "UPDATE retention_runs SET status = ?, finished_at = ? WHERE id = ?");
      q.bind(1, status);
      q.bind(2, finished_at);
      q.bind(3, static_cast<int64_t>(id));
      q.exec();
    });
  }

  int mark_interrupted_retention_runs(const std::string& finished_at) override {
    return guard([&] {
      SQLite::Statement q(db_, "UPDATE retention_runs SET status = 'interrupted', finished_at = ? "
                               "WHERE status = 'running'");
      q.bind(1, finished_at);
      return q.exec();
    });
  }

  std::int64_t insert_retention_batch(const RetentionBatchRecord& b) override {
    return guard([&] {
      SQLite::Statement q(db_,
                          "INSERT INTO retention_batches(run_id, seq, kind, dataset, tenant_id, rule, "
                          "clause, state, planned, deleted, bytes, recheck, created_at, done_at) "
                          "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      q.bind(1, static_cast<int64_t>(b.run_id));
      q.bind(2, static_cast<int64_t>(b.seq));
      q.bind(3, b.kind);
      q.bind(4, b.dataset);
      q.bind(5, b.tenant_id);
      q.bind(6, b.rule);
      q.bind(7, b.clause);
      q.bind(8, b.state);
      q.bind(9, static_cast<int64_t>(b.planned));
      q.bind(10, static_cast<int64_t>(b.deleted));
      q.bind(11, static_cast<int64_t>(b.bytes));
      q.bind(12, b.recheck);
      q.bind(13, b.created_at);
      bind_optional(q, 14, b.done_at);
      q.exec();
      return static_cast<std::int64_t>(db_.getLastInsertRowid());
    });
  }

  std::vector<RetentionBatchRecord> pending_retention_batches() override {
    return guard([&] {
      SQLite::Statement q(db_,
                          "SELECT id, run_id, seq, kind, dataset, tenant_id, rule, clause, state, planned, "
                          "deleted, bytes, recheck, created_at, done_at FROM retention_batches "
                          "WHERE state = 'intent' ORDER BY id");
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
        b.recheck = q.getColumn(12).getString();
        b.created_at = q.getColumn(13).getString();
        b.done_at = optional_text(q, 14);
        out.push_back(std::move(b));
      }
      return out;
    });
  }

  bool complete_retention_batch(std::int64_t id, std::int64_t deleted, std::int64_t bytes,
                                const std::string& done_at) override {
    return guard([&] {
      SQLite::Statement q(db_, "UPDATE retention_batches SET state = 'done', deleted = ?, bytes = ?, "
                               "done_at = ? WHERE id = ? AND state = 'intent'");
      q.bind(1, static_cast<int64_t>(deleted));
      q.bind(2, static_cast<int64_t>(bytes));
      q.bind(3, done_at);
      q.bind(4, static_cast<int64_t>(id));
      return q.exec() == 1;
    });
  }

  void insert_tombstones(const std::vector<TombstoneRecord>& tombstones) override {
    guard([&] {
      SQLite::Statement q(db_,
                          "INSERT INTO erasure_tombstones(dataset, tenant_id, key_hash, subject_hash, "
                          "source, batch_id, bytes, erased_at, reference) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
      for (const auto& t : tombstones) {
        q.bind(1, t.dataset);
        q.bind(2, t.tenant_id);
        q.bind(3, t.key_hash);
        bind_optional(q, 4, t.subject_hash);
        q.bind(5, t.source);
        if (t.batch_id) q.bind(6, static_cast<int64_t>(*t.batch_id));
        else q.bind(6);
        q.bind(7, static_cast<int64_t>(t.bytes));
        q.bind(8, t.erased_at);
        q.bind(9, t.reference);
        q.exec();
        q.reset();
      }
    });
  }

  std::vector<TombstoneRecord> batch_tombstones(std::int64_t batch_id) override {
    return guard([&] {
      SQLite::Statement q(db_, std::string(kTombstoneSelect) + " WHERE batch_id = ? ORDER BY id");
      q.bind(1, static_cast<int64_t>(batch_id));
      std::vector<TombstoneRecord> out;
      while (q.executeStep()) out.push_back(read_tombstone(q));
      return out;
    });
  }

  void delete_tombstones(const std::vector<std::int64_t>& ids) override {
    guard([&] {
      SQLite::Statement q(db_, "DELETE FROM erasure_tombstones WHERE id = ?");
      for (auto id : ids) {
        q.bind(1, static_cast<int64_t>(id));
        q.exec();
        q.reset();
      }
    });
  }

  void scan_tombstones(const TombstoneQuery& query,
                       const std::function<bool(const TombstoneRecord&)>& visit) override {
    guard([&] {
      std::string sql = std::string(kTombstoneSelect) + " WHERE 1 = 1";
      if (query.dataset) sql += " AND dataset = :dataset";
      if (query.tenant_id) sql += " AND tenant_id = :tenant";
      if (query.source) sql += " AND source = :source";
      sql += " ORDER BY id";
      SQLite::Statement q(db_, sql);
      if (query.dataset) q.bind(":dataset", *query.dataset);
      if (query.tenant_id) q.bind(":tenant", *query.tenant_id);
      if (query.source) q.bind(":source", *query.source);
      while (q.executeStep()) {
        if (!visit(read_tombstone(q))) break;
      }
    });
  }

  std::vector<std::pair<std::string, std::string>> tombstone_groups(
      const std::optional<std::string>& source) override {
    return guard([&] {
      std::string sql = "SELECT DISTINCT dataset, tenant_id FROM erasure_tombstones";
      if (source) sql += " WHERE source = :source";
      sql += " ORDER BY dataset, tenant_id";
      SQLite::Statement q(db_, sql);
      if (source) q.bind(":source", *source);
      std::vector<std::pair<std::string, std::string>> out;
      while (q.executeStep()) out.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
      return out;
    });
  }

  std::int64_t insert_destruction_request(const DestructionRequestRecord& r) override {
    return guard([&] {
      SQLite::Statement q(db_, "INSERT INTO destruction_requests(tenant_id, dataset, requested_at, reference, "
                               "recorded_at, recorded_by) VALUES(?, ?, ?, ?, ?, ?)");
      q.bind(1, r.tenant_id);
      bind_optional(q, 2, r.dataset);
      q.bind(3, r.requested_at);
      q.bind(4, r.reference);
      q.bind(5, r.recorded_at);
      q.bind(6, r.recorded_by);
      q.exec();
      return static_cast<std::int64_t>(db_.getLastInsertRowid());
    });
  }

  std::vector<DestructionRequestRecord> destruction_requests(const std::optional<std::string>& tenant_id) override {
    return guard([&] {
      std::string sql = "SELECT id, tenant_id, dataset, requested_at, reference, recorded_at, recorded_by "
                        "FROM destruction_requests";
      if (tenant_id) sql += " WHERE tenant_id = :tenant";
      sql += " ORDER BY id";
      SQLite::Statement q(db_, sql);
      if (tenant_id) q.bind(":tenant", *tenant_id);
      std::vector<DestructionRequestRecord> out;
      while (q.executeStep()) {
        DestructionRequestRecord r;
        r.id = q.getColumn(0).getInt64();
        r.tenant_id = q.getColumn(1).getString();
        r.dataset = optional_text(q, 2);
        r.requested_at = q.getColumn(3).getString();
        r.reference = q.getColumn(4).getString();
        r.recorded_at = q.getColumn(5).getString();
        r.recorded_by = q.getColumn(6).getString();
        out.push_back(std::move(r));
      }
      return out;
    });
  }

  // ---- Exports ----

  void insert_export(const ExportRecord& e) override {
    guard([&] {
      SQLite::Statement q(db_, "INSERT INTO exports(id, tenant_id, subject_kind, subject_hash, datasets, format, path, "
                               "bytes, package_bytes, files, payload_oxum, tag_manifest_sha256, created_at, actor, "
                               "within_export_window, no_debt_reference, request_reference) "
                               "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      q.bind(1, e.id);
      q.bind(2, e.tenant_id);
      bind_optional(q, 3, e.subject_kind);
      bind_optional(q, 4, e.subject_hash);
      q.bind(5, e.datasets);
      q.bind(6, e.format);
      q.bind(7, e.path);
      q.bind(8, static_cast<int64_t>(e.bytes));
      q.bind(9, static_cast<int64_t>(e.package_bytes));
      q.bind(10, static_cast<int64_t>(e.files));
      q.bind(11, e.payload_oxum);
      q.bind(12, e.tag_manifest_sha256);
      q.bind(13, e.created_at);
      q.bind(14, e.actor);
      q.bind(15, e.within_export_window ? 1 : 0);
      bind_optional(q, 16, e.no_debt_reference);
      bind_optional(q, 17, e.request_reference);
      q.exec();
    });
  }

  std::optional<ExportRecord> find_export(const std::string& id) override {
    auto all = select_exports("WHERE id = :id", id);
    if (all.empty()) return std::nullopt;
    return all.front();
  }

  std::vector<ExportRecord> list_exports(const std::optional<std::string>& tenant_id) override {
    if (tenant_id) return select_exports("WHERE tenant_id = :id", *tenant_id);
    return select_exports("", std::nullopt);
  }

  std::int64_t insert_export_handover(const ExportHandoverRecord& h) override {
    return guard([&] {
      SQLite::Statement q(db_, "INSERT INTO export_handovers(export_id, transfer_id, recipient, country, "
                               "handed_over_at, actor) VALUES(?, ?, ?, ?, ?, ?)");
      q.bind(1, h.export_id);
      q.bind(2, static_cast<int64_t>(h.transfer_id));
      q.bind(3, h.recipient);
      q.bind(4, h.country);
      q.bind(5, h.handed_over_at);
      q.bind(6, h.actor);
      q.exec();
      return static_cast<std::int64_t>(db_.getLastInsertRowid());
    });
  }

  std::vector<ExportHandoverRecord> export_handovers(const std::string& export_id) override {
    return guard([&] {
      SQLite::Statement q(db_, "SELECT id, export_id, transfer_id, recipient, country, handed_over_at, actor "
                               "FROM export_handovers WHERE export_id = ? ORDER BY id");
      q.bind(1, export_id);
      std::vector<ExportHandoverRecord> out;
      while (q.executeStep()) {
        ExportHandoverRecord h;
        h.id = q.getColumn(0).getInt64();
        h.export_id = q.getColumn(1).getString();
        h.transfer_id = q.getColumn(2).getInt64();
        h.recipient = q.getColumn(3).getString();
        h.country = q.getColumn(4).getString();
        h.handed_over_at = q.getColumn(5).getString();
        h.actor = q.getColumn(6).getString();
        out.push_back(std::move(h));
      }
      return out;
    });
  }

  int destroy_tenant_keys(const std::string& tenant_id, const std::string& destroyed_at) override {
    return guard([&] {
      // secure_delete makes SQLite overwrite the freed key bytes in the page
      // instead of leaving them in free space.
      db_.exec("PRAGMA secure_delete = ON");
      SQLite::Statement q(db_, "UPDATE tenant_keys SET wrapped = NULL, destroyed_at = ? "
                               "WHERE tenant_id = ? AND destroyed_at IS NULL");
      q.bind(1, destroyed_at);
      q.bind(2, tenant_id);
      int n = q.exec();
      db_.exec("PRAGMA secure_delete = OFF");
      return n;
    });
  }

  // ---- subject requests and suppression lists
  static constexpr const char* kRequestSelect =
      "SELECT id, tenant_id, type, mode, channel, received_at, due_at, due_rule, due_clause, forward_by, "
      "forwarded_at, forwarded_to, extended_until, extension_reason, extension_clause, status, closed_at, "
      "outcome, opened_at, opened_by FROM subject_requests";

  static SubjectRequestRecord read_request(SQLite::Statement& q) {
    SubjectRequestRecord r;
    r.id = q.getColumn(0).getString();
    r.tenant_id = q.getColumn(1).getString();
    r.type = q.getColumn(2).getString();
    r.mode = q.getColumn(3).getString();
    r.channel = q.getColumn(4).getString();
    r.received_at = q.getColumn(5).getString();
    r.due_at = optional_text(q, 6);
    r.due_rule = q.getColumn(7).getString();
    r.due_clause = q.getColumn(8).getString();
    r.forward_by = optional_text(q, 9);
    r.forwarded_at = optional_text(q, 10);
    r.forwarded_to = q.getColumn(11).getString();
    r.extended_until = optional_text(q, 12);
    r.extension_reason = q.getColumn(13).getString();
    r.extension_clause = q.getColumn(14).getString();
    r.status = q.getColumn(15).getString();
    r.closed_at = optional_text(q, 16);
    r.outcome = q.getColumn(17).getString();
    r.opened_at = q.getColumn(18).getString();
    r.opened_by = q.getColumn(19).getString();
    return r;
  }

  static void bind_request(SQLite::Statement& q, const SubjectRequestRecord& r) {
    q.bind(":id", r.id);
    q.bind(":tenant", r.tenant_id);
    q.bind(":type", r.type);
    q.bind(":mode", r.mode);
    q.bind(":channel", r.channel);
    q.bind(":received", r.received_at);
    bind_optional(q, q.getIndex(":due"), r.due_at);
    q.bind(":due_rule", r.due_rule);
    q.bind(":due_clause", r.due_clause);
    bind_optional(q, q.getIndex(":forward_by"), r.forward_by);
    bind_optional(q, q.getIndex(":forwarded_at"), r.forwarded_at);
    q.bind(":forwarded_to", r.forwarded_to);
    bind_optional(q, q.getIndex(":extended_until"), r.extended_until);
    q.bind(":ext_reason", r.extension_reason);
    q.bind(":ext_clause", r.extension_clause);
    q.bind(":status", r.status);
    bind_optional(q, q.getIndex(":closed_at"), r.closed_at);
    q.bind(":outcome", r.outcome);
    q.bind(":opened_at", r.opened_at);
    q.bind(":opened_by", r.opened_by);
  }

  int next_subject_request_number(const std::string& year) override {
    return guard([&] {
      SQLite::Statement q(db_, "SELECT coalesce(max(CAST(substr(id, 8) AS INTEGER)), 0) FROM subject_requests "
                               "WHERE substr(id, 1, 7) = ?");
      q.bind(1, "R-" + year + "-");
      q.executeStep();
      return q.getColumn(0).getInt() + 1;
    });
  }

  void insert_subject_request(const SubjectRequestRecord& r) override {
    guard([&] {
      SQLite::Statement q(db_,
                          "INSERT INTO subject_requests(id, tenant_id, type, mode, channel, received_at, due_at, "
                          "due_rule, due_clause, forward_by, forwarded_at, forwarded_to, extended_until, "
                          "extension_reason, extension_clause, status, closed_at, outcome, opened_at, opened_by) "
                          "VALUES(:id, :tenant, :type, :mode, :channel, :received, :due, :due_rule, :due_clause, "
                          ":forward_by, :forwarded_at, :forwarded_to, :extended_until, :ext_reason, :ext_clause, "
                          ":status, :closed_at, :outcome, :opened_at, :opened_by)");
      bind_request(q, r);
      q.exec();
    });
  }

  void update_subject_request(const SubjectRequestRecord& r) override {
    guard([&] {
      // The identity and the receipt never change; a closed request never
      // changes again (the library refuses first; this is the backstop).
      SQLite::Statement q(db_,
                          "UPDATE subject_requests SET due_at = :due, due_rule = :due_rule, due_clause = :due_clause, "
                          "forward_by = :forward_by, forwarded_at = :forwarded_at, forwarded_to = :forwarded_to, "
                          "extended_until = :extended_until, extension_reason = :ext_reason, "
                          "extension_clause = :ext_clause, status = :status, closed_at = :closed_at, "
                          "outcome = :outcome WHERE id = :id AND tenant_id = :tenant AND type = :type AND "
                          "mode = :mode AND channel = :channel AND received_at = :received AND "
                          "opened_at = :opened_at AND opened_by = :opened_by AND status <> 'closed'");
      bind_request(q, r);
      if (q.exec() != 1) throw RefusedError(fmt::format("request {} is closed or unknown; it was not changed", r.id));
    });
  }

  std::optional<SubjectRequestRecord> find_subject_request(const std::string& id) override {
    return guard([&]() -> std::optional<SubjectRequestRecord> {
      SQLite::Statement q(db_, std::string(kRequestSelect) + " WHERE id = ?");
      q.bind(1, id);
      if (!q.executeStep()) return std::nullopt;
      return read_request(q);
    });
  }

  std::vector<SubjectRequestRecord> list_subject_requests(const SubjectRequestQuery& query) override {
    return guard([&] {
      std::string sql = std::string(kRequestSelect) + " WHERE 1 = 1";
      if (query.tenant_id) sql += " AND tenant_id = :tenant";
      if (!query.include_closed) sql += " AND status <> 'closed'";
      sql += " ORDER BY received_at, id";
      SQLite::Statement q(db_, sql);
      if (query.tenant_id) q.bind(":tenant", *query.tenant_id);
      std::vector<SubjectRequestRecord> out;
      while (q.executeStep()) out.push_back(read_request(q));
      return out;
    });
  }

  void insert_request_subject(const RequestSubjectRecord& r) override {
    guard([&] {
      SQLite::Statement q(db_, "INSERT INTO subject_request_subjects(request_id, position, kind, subject_hash, "
                               "key_id, sealed) VALUES(?, ?, ?, ?, ?, ?)");
      q.bind(1, r.request_id);
      q.bind(2, r.position);
      q.bind(3, r.kind);
      q.bind(4, r.subject_hash);
      q.bind(5, r.key_id);
      q.bind(6, r.sealed.data(), static_cast<int>(r.sealed.size()));
      q.exec();
    });
  }

  std::vector<RequestSubjectRecord> request_subjects(const std::string& request_id) override {
    return guard([&] {
      SQLite::Statement q(db_, "SELECT request_id, position, kind, subject_hash, key_id, sealed "
                               "FROM subject_request_subjects WHERE request_id = ? ORDER BY position");
      q.bind(1, request_id);
      std::vector<RequestSubjectRecord> out;
      while (q.executeStep()) {
        RequestSubjectRecord r;
        r.request_id = q.getColumn(0).getString();
        r.position = q.getColumn(1).getInt();
        r.kind = q.getColumn(2).getString();
        r.subject_hash = q.getColumn(3).getString();
        r.key_id = q.getColumn(4).getInt();
        auto blob = q.getColumn(5);
        const auto* p = static_cast<const unsigned char*>(blob.getBlob());
        r.sealed.assign(p, p + blob.getBytes());
        out.push_back(std::move(r));
      }
      return out;
    });
  }

  std::int64_t insert_request_event(const RequestEventRecord& e) override {
    return guard([&] {
      SQLite::Statement q(db_, "INSERT INTO subject_request_events(request_id, time, event, details, actor) "
                               "VALUES(?, ?, ?, ?, ?)");
      q.bind(1, e.request_id);
      q.bind(2, e.time);
      q.bind(3, e.event);
      q.bind(4, e.details);
      q.bind(5, e.actor);
      q.exec();
      return static_cast<std::int64_t>(db_.getLastInsertRowid());
    });
  }

  std::vector<RequestEventRecord> request_events(const std::string& request_id) override {
    return guard([&] {
      SQLite::Statement q(db_, "SELECT id, request_id, time, event, details, actor FROM subject_request_events "
                               "WHERE request_id = ? ORDER BY id");
      q.bind(1, request_id);
      std::vector<RequestEventRecord> out;
      while (q.executeStep()) {
        RequestEventRecord e;
        e.id = q.getColumn(0).getInt64();
        e.request_id = q.getColumn(1).getString();
        e.time = q.getColumn(2).getString();
        e.event = q.getColumn(3).getString();
        e.details = q.getColumn(4).getString();
        e.actor = q.getColumn(5).getString();
        out.push_back(std::move(e));
      }
      return out;
    });
  }

  static constexpr const char* kSuppressionSelect =
      "SELECT id, tenant_id, kind, subject_hash, reason, clause, note, source_request, added_at, added_by, "
      "removed_at, removed_by, removed_reason FROM suppression_entries";

  static SuppressionRecord read_suppression(SQLite::Statement& q) {
    SuppressionRecord s;
    s.id = q.getColumn(0).getInt64();
    s.tenant_id = q.getColumn(1).getString();
    s.kind = q.getColumn(2).getString();
    s.subject_hash = q.getColumn(3).getString();
    s.reason = q.getColumn(4).getString();
    s.clause = q.getColumn(5).getString();
    s.note = q.getColumn(6).getString();
    s.source_request = q.getColumn(7).getString();
    s.added_at = q.getColumn(8).getString();
    s.added_by = q.getColumn(9).getString();
    s.removed_at = optional_text(q, 10);
    s.removed_by = q.getColumn(11).getString();
    s.removed_reason = q.getColumn(12).getString();
    return s;
  }

  std::optional<SuppressionRecord> active_suppression(const std::string& tenant_id, const std::string& kind,
                                                      const std::string& subject_hash) override {
    return guard([&]() -> std::optional<SuppressionRecord> {
      SQLite::Statement q(db_, std::string(kSuppressionSelect) +
                                   " WHERE tenant_id = ? AND kind = ? AND subject_hash = ? AND removed_at IS NULL");
      q.bind(1, tenant_id);
      q.bind(2, kind);
      q.bind(3, subject_hash);
      if (!q.executeStep()) return std::nullopt;
      return read_suppression(q);
    });
  }

  std::int64_t insert_suppression(const SuppressionRecord& s) override {
    return guard([&] {
      SQLite::Statement q(db_, "INSERT INTO suppression_entries(tenant_id, kind, subject_hash, reason, clause, note, "
                               "source_request, added_at, added_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
      q.bind(1, s.tenant_id);
      q.bind(2, s.kind);
      q.bind(3, s.subject_hash);
      q.bind(4, s.reason);
      q.bind(5, s.clause);
      q.bind(6, s.note);
      q.bind(7, s.source_request);
      q.bind(8, s.added_at);
      q.bind(9, s.added_by);
      q.exec();
      return static_cast<std::int64_t>(db_.getLastInsertRowid());
    });
  }

  bool remove_suppression(std::int64_t id, const std::string& removed_at, const std::string& removed_by,
                          const std::string& removed_reason) override {
    return guard([&] {
      SQLite::Statement q(db_, "UPDATE suppression_entries SET removed_at = ?, removed_by = ?, removed_reason = ? "
                               "WHERE id = ? AND removed_at IS NULL");
      q.bind(1, removed_at);
      q.bind(2, removed_by);
      q.bind(3, removed_reason);
      q.bind(4, static_cast<int64_t>(id));
      return q.exec() == 1;
    });
  }

  std::vector<SuppressionRecord> list_suppressions(const std::string& tenant_id, bool include_removed) override {
    return guard([&] {
      std::string sql = std::string(kSuppressionSelect) + " WHERE tenant_id = ?";
      if (!include_removed) sql += " AND removed_at IS NULL";
      sql += " ORDER BY id";
      SQLite::Statement q(db_, sql);
      q.bind(1, tenant_id);
      std::vector<SuppressionRecord> out;
      while (q.executeStep()) out.push_back(read_suppression(q));
      return out;
    });
  }

  // ---- Subject requests: the restriction register ----

  void insert_restrictions(const std::vector<RestrictionRecord>& rs) override {
    guard([&] {
      SQLite::Statement q(db_, "INSERT OR IGNORE INTO restrictions(tenant_id, dataset, key_hash, request_id, reason, "
                               "clause, created_at) VALUES(?, ?, ?, ?, ?, ?, ?)");
      for (const auto& r : rs) {
        q.bind(1, r.tenant_id);
        q.bind(2, r.dataset);
        q.bind(3, r.key_hash);
        q.bind(4, r.request_id);
        q.bind(5, r.reason);
        q.bind(6, r.clause);
        q.bind(7, r.created_at);
        q.exec();
        q.reset();
      }
    });
  }

  std::vector<RestrictionRecord> list_restrictions(const std::string& tenant_id) override {
    return guard([&] {
      std::string sql = "SELECT id, tenant_id, dataset, key_hash, request_id, reason, clause, created_at "
                        "FROM restrictions";
      if (!tenant_id.empty()) sql += " WHERE tenant_id = ?";
      sql += " ORDER BY id";
      SQLite::Statement q(db_, sql);
      if (!tenant_id.empty()) q.bind(1, tenant_id);
      std::vector<RestrictionRecord> out;
      while (q.executeStep()) {
        out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                       q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString(),
                       q.getColumn(6).getString(), q.getColumn(7).getString()});
      }
      return out;
    });
  }

  void scan_active_suppression_hashes(const std::string& tenant_id, const std::string& kind,
                                      const std::function<void(const std::string&)>& visit) override {
    guard([&] {
      SQLite::Statement q(db_, "SELECT subject_hash FROM suppression_entries "
                               "WHERE tenant_id = ? AND kind = ? AND removed_at IS NULL");
      q.bind(1, tenant_id);
      q.bind(2, kind);
      while (q.executeStep()) visit(q.getColumn(0).getString());
    });
  }

  std::optional<AuditRecord> audit_head() override {
    return guard([&]() -> std::optional<AuditRecord> {
      SQLite::Statement q(db_, std::string(kAuditSelect) + " ORDER BY seq DESC LIMIT 1");
      if (!q.executeStep()) return std::nullopt;
      return read_audit(q);
    });
  }

  void insert_audit(const AuditRecord& r) override {
    guard([&] {
      SQLite::Statement q(db_,
                          "INSERT INTO audit_log(seq, time, actor, action, object, details, "
                          "prev_hash, hash) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
      q.bind(1, static_cast<int64_t>(r.seq));
      q.bind(2, r.time);
      q.bind(3, r.actor);
      q.bind(4, r.action);
      q.bind(5, r.object);
      q.bind(6, r.details);
      q.bind(7, r.prev_hash);
      q.bind(8, r.hash);
      q.exec();
    });
  }

  void scan_audit(const AuditQuery& query,
                  const std::function<bool(const AuditRecord&)>& visit) override {
    guard([&] {
      std::string sql = std::string(kAuditSelect) + " WHERE 1 = 1";
      if (query.since) sql += " AND time >= :since";
      if (query.action) {
        sql += query.action->ends_with('.') ? " AND substr(action, 1, length(:action)) = :action"
                                            : " AND action = :action";
      }
      sql += " ORDER BY seq";
      if (query.limit) sql += " LIMIT :limit";
      SQLite::Statement q(db_, sql);
      if (query.since) q.bind(":since", *query.since);
      if (query.action) q.bind(":action", *query.action);
      if (query.limit) q.bind(":limit", static_cast<int64_t>(*query.limit));
      while (q.executeStep()) {
        if (!visit(read_audit(q))) break;
      }
    });
  }

  std::int64_t audit_size() override {
    return guard([&] {
      SQLite::Statement q(db_, "SELECT count(*) FROM audit_log");
      q.executeStep();
      return static_cast<std::int64_t>(q.getColumn(0).getInt64());
    });
  }

  void insert_checkpoint(const CheckpointRecord& c) override {
    guard([&] {
      SQLite::Statement q(db_,
                          "INSERT INTO audit_checkpoints(size, head_hash, note) VALUES(?, ?, ?)");
      q.bind(1, static_cast<int64_t>(c.size));
      q.bind(2, c.head_hash);
      q.bind(3, c.note);
      q.exec();
    });
  }

  std::vector<CheckpointRecord> checkpoints() override {
    return guard([&] {
      std::vector<CheckpointRecord> out;
      SQLite::Statement q(db_, "SELECT size, head_hash, note FROM audit_checkpoints ORDER BY size");
      while (q.executeStep()) out.push_back(read_checkpoint(q));
      return out;
    });
  }

  std::optional<CheckpointRecord> latest_checkpoint() override {
    return guard([&]() -> std::optional<CheckpointRecord> {
      SQLite::Statement q(db_, "SELECT size, head_hash, note FROM audit_checkpoints "
                               "ORDER BY size DESC LIMIT 1");
      if (!q.executeStep()) return std::nullopt;
      return read_checkpoint(q);
    });
  }

  // Incidents and the audit report (SQL in sqlite_state_store_incidents.cpp).
  std::int64_t insert_incident(const IncidentRecord& incident,
                               const std::vector<IncidentTenantRecord>& tenants) override {
    return guard([&] { return sqlite_incidents::insert_incident(db_, incident, tenants); });
  }
  std::optional<IncidentRecord> find_incident(std::int64_t id) override {
    return guard([&] { return sqlite_incidents::find_incident(db_, id); });
  }
  std::vector<IncidentRecord> list_incidents() override {
    return guard([&] { return sqlite_incidents::list_incidents(db_); });
  }
  std::vector<IncidentTenantRecord> incident_tenants(std::int64_t incident_id) override {
    return guard([&] { return sqlite_incidents::incident_tenants(db_, incident_id); });
  }
  std::int64_t insert_incident_update(const IncidentUpdateRecord& u) override {
    return guard([&] { return sqlite_incidents::insert_update(db_, u); });
  }
  std::vector<IncidentUpdateRecord> incident_updates(std::int64_t incident_id) override {
    return guard([&] { return sqlite_incidents::updates(db_, incident_id); });
  }
  bool close_incident(std::int64_t id, const std::string& closed_at, const std::string& closed_by) override {
    return guard([&] { return sqlite_incidents::close_incident(db_, id, closed_at, closed_by); });
  }
  std::int64_t insert_incident_notice(const IncidentNoticeRecord& n) override {
    return guard([&] { return sqlite_incidents::insert_notice(db_, n); });
  }
  std::vector<IncidentNoticeRecord> incident_notices(std::int64_t incident_id) override {
    return guard([&] { return sqlite_incidents::notices(db_, incident_id); });
  }
  std::vector<RetentionBatchRecord> retention_batches_done(const std::string& since,
                                                           const std::string& until) override {
    return guard([&] { return sqlite_incidents::retention_batches_done(db_, since, until); });
  }

 private:
  static constexpr const char* kTenantSelect =
      "SELECT id, name, policy, status, created_at, terminated_at, export_until, delete_after, registered_at "
      "FROM tenants";
  static constexpr const char* kVaultValueSelect =
      "SELECT tenant_id, value_hash, type, token_base, key_id, created_at FROM vault_values";
  static constexpr const char* kVaultFormSelect =
      "SELECT tenant_id, value_hash, variant, surface_hash, ciphertext, surrogate_hash, "
      "surrogate_fold_hash, created_at FROM vault_forms";
  static constexpr const char* kHoldSelect =
      "SELECT id, tenant_id, dataset, subject_kind, subject_hash, reason, created_at, created_by, "
      "until, released_at, released_by FROM retention_holds";
  static constexpr const char* kTombstoneSelect =
      "SELECT id, dataset, tenant_id, key_hash, subject_hash, source, batch_id, bytes, erased_at, "
      "reference FROM erasure_tombstones";
  static constexpr const char* kAuditSelect =
      "SELECT seq, time, actor, action, object, details, prev_hash, hash FROM audit_log";

  // Translates SQLite failures into the toolkit's errors at the boundary, so
  // that callers see "locked" as BusyError and corruption as WorkspaceError.
  template <typename F>
  auto guard(F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const SQLite::Exception& e) {
      if (is_busy(e)) {
        throw BusyError(fmt::format(
            "the state database {} is locked by another process (waited {} ms); try again",
            file_.string(), options_.busy_timeout_ms));
      }
      int code = e.getErrorCode() & 0xff;
      if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
        throw WorkspaceError(fmt::format("{} is not a valid dpa state database: {}",
                                         file_.string(), e.what()));
      }
      if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM ||
          code == SQLITE_IOERR || code == SQLITE_FULL) {
        throw WorkspaceError(fmt::format("cannot write the state database {}: {}",
                                         file_.string(), e.what()));
      }
      if (code == SQLITE_CONSTRAINT) {
        throw InputError(fmt::format("state database refused the change: {}", e.what()));
      }
      throw Error(ExitStatus::kInternal,
                  fmt::format("state database {}: {}", file_.string(), e.what()));
    }
  }

  int read_version() {
    if (!db_.tableExists("schema_version")) return 0;
    SQLite::Statement q(db_, "SELECT coalesce(max(version), 0) FROM schema_version");
    q.executeStep();
    return q.getColumn(0).getInt();
  }

  void check_not_newer(int version) const {
    if (version > kKnownVersion) {
      throw WorkspaceError(fmt::format(
          "{} has schema version {}, newer than this dpa knows ({}); upgrade dpa to use it",
          file_.string(), version, kKnownVersion));
    }
  }

  void migrate() {
    int version = read_version();
    check_not_newer(version);
    if (version == kKnownVersion) return;
    // BEGIN IMMEDIATE serializes concurrent first opens; re-read inside.
    db_.exec("BEGIN IMMEDIATE");
    try {
      db_.exec("CREATE TABLE IF NOT EXISTS schema_version("
               "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
      version = read_version();
      check_not_newer(version);
      for (int v = version; v < kKnownVersion; ++v) {
        db_.exec(kMigrations[v]);
        SQLite::Statement q(db_, "INSERT INTO schema_version(version, applied_at) VALUES(?, ?)");
        q.bind(1, v + 1);
        q.bind(2, format_utc(now()));
        q.exec();
      }
      db_.exec("COMMIT");
    } catch (...) {
      try {
        db_.exec("ROLLBACK");
      } catch (...) {
      }
      throw;
    }
  }

  std::vector<ExportRecord> select_exports(const std::string& where, const std::optional<std::string>& id) {
    return guard([&] {
      SQLite::Statement q(db_, "SELECT id, tenant_id, subject_kind, subject_hash, datasets, format, path, bytes, "
                               "package_bytes, files, payload_oxum, tag_manifest_sha256, created_at, actor, "
                               "within_export_window, no_debt_reference, request_reference FROM exports " +
                                   where + " ORDER BY created_at, id");
      if (id) q.bind(":id", *id);
      std::vector<ExportRecord> out;
      while (q.executeStep()) {
        ExportRecord e;
        e.id = q.getColumn(0).getString();
        e.tenant_id = q.getColumn(1).getString();
        e.subject_kind = optional_text(q, 2);
        e.subject_hash = optional_text(q, 3);
        e.datasets = q.getColumn(4).getString();
        e.format = q.getColumn(5).getString();
        e.path = q.getColumn(6).getString();
        e.bytes = q.getColumn(7).getInt64();
        e.package_bytes = q.getColumn(8).getInt64();
        e.files = q.getColumn(9).getInt64();
        e.payload_oxum = q.getColumn(10).getString();
        e.tag_manifest_sha256 = q.getColumn(11).getString();
        e.created_at = q.getColumn(12).getString();
        e.actor = q.getColumn(13).getString();
        e.within_export_window = q.getColumn(14).getInt() != 0;
        e.no_debt_reference = optional_text(q, 15);
        e.request_reference = optional_text(q, 16);
        out.push_back(std::move(e));
      }
      return out;
    });
  }

  static void bind_optional(SQLite::Statement& q, int index, const std::optional<std::string>& v) {
    if (v) q.bind(index, *v);
    else q.bind(index);
  }

  static void bind_nonempty(SQLite::Statement& q, int index, const std::string& v) {
    if (v.empty()) q.bind(index);
    else q.bind(index, v);
  }

  static VaultValueRecord read_vault_value(SQLite::Statement& q) {
    VaultValueRecord v;
    v.tenant_id = q.getColumn(0).getString();
    v.value_hash = q.getColumn(1).getString();
    v.type = q.getColumn(2).getString();
    v.token_base = q.getColumn(3).getString();
    v.key_id = q.getColumn(4).getInt();
    v.created_at = q.getColumn(5).getString();
    return v;
  }

  static VaultFormRecord read_vault_form(SQLite::Statement& q) {
    VaultFormRecord f;
    f.tenant_id = q.getColumn(0).getString();
    f.value_hash = q.getColumn(1).getString();
    f.variant = q.getColumn(2).getInt();
    f.surface_hash = q.getColumn(3).getString();
    auto blob = q.getColumn(4);
    auto* p = static_cast<const unsigned char*>(blob.getBlob());
    f.ciphertext.assign(p, p + blob.getBytes());
    f.surrogate_hash = optional_text(q, 5).value_or("");
    f.surrogate_fold_hash = optional_text(q, 6).value_or("");
    f.created_at = q.getColumn(7).getString();
    return f;
  }

  std::optional<VaultFormRecord> vault_form_where(const char* column, const std::string& tenant_id,
                                                  const std::string& value) {
    return vault_statement(fmt::format("{} WHERE tenant_id = ? AND {} = ? ORDER BY variant LIMIT 1",
                                       kVaultFormSelect, column),
                           [&](SQLite::Statement& q) -> std::optional<VaultFormRecord> {
                             q.bind(1, tenant_id);
                             q.bind(2, value);
                             if (!q.executeStep()) return std::nullopt;
                             return read_vault_form(q);
                           });
  }

  // Runs `body` with a statement for `sql` prepared once per connection,
  // reset afterwards: a stepped SELECT left unreset would pin a read
  // snapshot (and block checkpoints) until the next use.
  template <typename F>
  auto vault_statement(const std::string& sql, F&& body) -> decltype(body(std::declval<SQLite::Statement&>())) {
    return guard([&] {
      auto& slot = vault_statements_[sql];
      if (!slot) slot = std::make_unique<SQLite::Statement>(db_, sql);
      SQLite::Statement& q = *slot;
      struct Reset {
        SQLite::Statement& q;
        ~Reset() {
          q.tryReset();
          try {
            q.clearBindings();
          } catch (...) {
            // Only fails on a misuse the next bind would report anyway.
          }
        }
      } reset{q};
      return body(q);
    });
  }

  static std::optional<std::string> optional_text(SQLite::Statement& q, int index) {
    auto c = q.getColumn(index);
    if (c.isNull()) return std::nullopt;
    return c.getString();
  }

  static void bind_tenant(SQLite::Statement& q, const TenantRecord& t) {
    q.bind(1, t.id);
    q.bind(2, t.name);
    q.bind(3, t.policy);
    q.bind(4, t.status);
    q.bind(5, t.created_at);
    bind_optional(q, 6, t.terminated_at);
    bind_optional(q, 7, t.export_until);
    bind_optional(q, 8, t.delete_after);
    bind_optional(q, 9, t.registered_at);
  }

  static TenantRecord read_tenant(SQLite::Statement& q) {
    TenantRecord t;
    t.id = q.getColumn(0).getString();
    t.name = q.getColumn(1).getString();
    t.policy = q.getColumn(2).getString();
    t.status = q.getColumn(3).getString();
    t.created_at = q.getColumn(4).getString();
    t.terminated_at = optional_text(q, 5);
    t.export_until = optional_text(q, 6);
    t.delete_after = optional_text(q, 7);
    t.registered_at = optional_text(q, 8);
    return t;
  }

  static HoldRecord read_hold(SQLite::Statement& q) {
    HoldRecord h;
    h.id = q.getColumn(0).getInt64();
    h.tenant_id = q.getColumn(1).getString();
    h.dataset = optional_text(q, 2);
    h.subject_kind = optional_text(q, 3);
    h.subject_hash = optional_text(q, 4);
    h.reason = q.getColumn(5).getString();
    h.created_at = q.getColumn(6).getString();
    h.created_by = q.getColumn(7).getString();
    h.until = optional_text(q, 8);
    h.released_at = optional_text(q, 9);
    h.released_by = optional_text(q, 10);
    return h;
  }

  static TombstoneRecord read_tombstone(SQLite::Statement& q) {
    TombstoneRecord t;
    t.id = q.getColumn(0).getInt64();
    t.dataset = q.getColumn(1).getString();
    t.tenant_id = q.getColumn(2).getString();
    t.key_hash = q.getColumn(3).getString();
    t.subject_hash = optional_text(q, 4);
    t.source = q.getColumn(5).getString();
    if (!q.getColumn(6).isNull()) t.batch_id = q.getColumn(6).getInt64();
    t.bytes = q.getColumn(7).getInt64();
    t.erased_at = q.getColumn(8).getString();
    t.reference = q.getColumn(9).getString();
    return t;
  }

  static AuditRecord read_audit(SQLite::Statement& q) {
    AuditRecord r;
    r.seq = q.getColumn(0).getInt64();
    r.time = q.getColumn(1).getString();
    r.actor = q.getColumn(2).getString();
    r.action = q.getColumn(3).getString();
    r.object = q.getColumn(4).getString();
    r.details = q.getColumn(5).getString();
    r.prev_hash = q.getColumn(6).getString();
    r.hash = q.getColumn(7).getString();
    return r;
  }

  static CheckpointRecord read_checkpoint(SQLite::Statement& q) {
    return CheckpointRecord{q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                            q.getColumn(2).getString()};
  }

  std::filesystem::path file_;
  SqliteOptions options_;
  SQLite::Database db_;
  int depth_ = 0;
  // Declared after db_: prepared statements are finalized before it closes.
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> vault_statements_;
};

}  // namespace

std::unique_ptr<StateStore> open_sqlite_state_store(const std::filesystem::path& file,
                                                    const SqliteOptions& options) {
  if (!options.create && !std::filesystem::exists(file)) {
    throw WorkspaceError(fmt::format("no state database at {}; run `dpa init` first", file.string()));
  }
  try {
    return std::make_unique<SqliteStateStore>(file, options);
  } catch (const SQLite::Exception& e) {
    throw WorkspaceError(fmt::format("cannot open the state database {}: {}", file.string(), e.what()));
  }
}

}  // namespace dpa

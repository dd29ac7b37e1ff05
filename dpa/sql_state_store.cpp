#include "dpa/sql_state_store.h"

#include <algorithm>
#include <array>
#include <set>

#include <fmt/format.h>
#include <sodium.h>

#include "dpa/error.h"
#include "dpa/sql_state_store_incidents.h"
#include "dpa/state_schema.h"
#include "dpa/time.h"

namespace dpa {

std::string BatchTombstones::hex(const unsigned char* p, std::size_t n) {
  std::string out;
  append_hex(out, p, n);
  return out;
}

void BatchTombstones::append_hex(std::string& out, const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  const std::size_t at = out.size();
  out.resize(at + 2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out[at + 2 * i] = digits[p[i] >> 4];
    out[at + 2 * i + 1] = digits[p[i] & 15];
  }
}

bool BatchTombstones::unhex(std::string_view hex, unsigned char* out, std::size_t n) {
  std::size_t len = 0;
  const char* end = nullptr;
  return hex.size() == 2 * n &&
         sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &len, &end) == 0 && len == n &&
         end == hex.data() + hex.size();
}

namespace {

// Portability rules for the SQL below (it runs on SQLite and PostgreSQL):
// - placeholders are `?` or `?N`, never both in one statement, never `:name`;
// - a new row's id is read with `RETURNING id` (SQLite >= 3.35), not
//   last_insert_rowid();
// - conflicts are `ON CONFLICT ... DO NOTHING / DO UPDATE`, never
//   `INSERT OR IGNORE/REPLACE`;
// - a parameter whose type only a function call would tell (lower(?),
//   `? = ''`) is written CAST(? AS TEXT): PostgreSQL must infer every
//   parameter's type when it prepares the statement;
// - TEXT comparisons and ORDER BY are bytewise on both (the PostgreSQL
//   columns are COLLATE "C", see state_schema_postgres.cpp);
// - booleans are stored and read as 0/1 integers.
// What cannot be written portably asks db_->dialect(), here only.

class SqlStateStore final : public StateStore {
 public:
  SqlStateStore(std::unique_ptr<SqlDatabase> db, LockTaker try_lock)
      : db_(std::move(db)), try_lock_(std::move(try_lock)),
        migrations_(db_->dialect() == SqlDialect::kSqlite ? sqlite_state_migrations()
                                                          : postgres_state_migrations()) {
    migrate();
  }

  std::unique_ptr<HeldLock> try_lock(const std::string& name, const std::string& what,
                                     std::string* holder) override {
    return try_lock_(name, what, holder);
  }

  int schema_version() override { return read_version(); }
  int known_schema_version() const override { return static_cast<int>(migrations_.size()); }

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
    db_->begin_write();
    depth_ = 1;
    try {
      body();
      db_->commit();
      depth_ = 0;
    } catch (...) {
      depth_ = 0;
      db_->rollback();
      throw;
    }
  }

  std::optional<std::string> get_meta(const std::string& key) override {
    return db_->query_one<std::string>("SELECT value FROM meta WHERE key = ?", {key},
                                       [](const SqlRow& r) { return r.text(0); });
  }

  void set_meta(const std::string& key, const std::string& value) override {
    db_->exec("INSERT INTO meta(key, value) VALUES(?, ?) "
              "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
              {key, value});
  }

  // ---- Tenants ----

  void insert_tenant(const TenantRecord& t) override {
    db_->exec("INSERT INTO tenants(id, name, policy, status, created_at, terminated_at, "
              "export_until, delete_after, registered_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
              tenant_values(t));
  }

  void update_tenant(const TenantRecord& t) override {
    auto n = db_->exec("UPDATE tenants SET id = ?1, name = ?2, policy = ?3, status = ?4, "
                       "created_at = ?5, terminated_at = ?6, export_until = ?7, "
                       "delete_after = ?8, registered_at = ?9 WHERE id = ?1",
                       tenant_values(t));
    if (n != 1) throw InputError(fmt::format("no tenant '{}'", t.id));
  }

  std::optional<TenantRecord> find_tenant(const std::string& id) override {
    return db_->query_one<TenantRecord>(std::string(kTenantSelect) + " WHERE id = ?", {id}, read_tenant);
  }

  std::vector<TenantRecord> list_tenants() override {
    return db_->query_all<TenantRecord>(std::string(kTenantSelect) + " ORDER BY id", {}, read_tenant);
  }

  void insert_tenant_key(const TenantKeyRecord& k) override {
    SqlValue wrapped = std::monostate{};
    if (!k.wrapped.empty()) wrapped = k.wrapped;
    db_->exec("INSERT INTO tenant_keys(tenant_id, key_id, wrapped, created_at, destroyed_at) "
              "VALUES(?, ?, ?, ?, ?)",
              {k.tenant_id, std::int64_t{k.key_id}, wrapped, k.created_at, sql_optional(k.destroyed_at)});
  }

  std::vector<TenantKeyRecord> tenant_keys(const std::string& tenant_id) override {
    return db_->query_all<TenantKeyRecord>(
        "SELECT tenant_id, key_id, wrapped, created_at, destroyed_at "
        "FROM tenant_keys WHERE tenant_id = ? ORDER BY key_id",
        {tenant_id}, [](const SqlRow& q) {
          TenantKeyRecord k;
          k.tenant_id = q.text(0);
          k.key_id = q.int32(1);
          k.wrapped = q.blob(2);
          k.created_at = q.text(3);
          k.destroyed_at = q.optional_text(4);
          return k;
        });
  }

  int destroy_tenant_keys(const std::string& tenant_id, const std::string& destroyed_at) override {
    // SQLite: secure_delete overwrites the freed key bytes in the page
    // instead of leaving them in free space. PostgreSQL keeps the old row
    // version until VACUUM reclaims it; autovacuum does, soon after.
    bool sqlite = db_->dialect() == SqlDialect::kSqlite;
    if (sqlite) db_->exec_script("PRAGMA secure_delete = ON");
    auto n = db_->exec("UPDATE tenant_keys SET wrapped = NULL, destroyed_at = ? "
                       "WHERE tenant_id = ? AND destroyed_at IS NULL",
                       {destroyed_at, tenant_id});
    if (sqlite) db_->exec_script("PRAGMA secure_delete = OFF");
    return static_cast<int>(n);
  }

  // ---- Vault ----

  std::optional<VaultValueRecord> vault_value(const std::string& tenant_id,
                                              const std::string& value_hash) override {
    return db_->query_one<VaultValueRecord>(
        std::string(kVaultValueSelect) + " WHERE tenant_id = ? AND value_hash = ?", {tenant_id, value_hash},
        read_vault_value);
  }

  std::optional<VaultValueRecord> vault_value_by_token(const std::string& tenant_id,
                                                       const std::string& token_base) override {
    return db_->query_one<VaultValueRecord>(
        std::string(kVaultValueSelect) + " WHERE tenant_id = ? AND token_base = ?", {tenant_id, token_base},
        read_vault_value);
  }

  bool insert_vault_value(const VaultValueRecord& v) override {
    auto inserted = db_->exec("INSERT INTO vault_values(tenant_id, value_hash, type, token_base, key_id, "
                              "created_at) VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                              {v.tenant_id, v.value_hash, v.type, v.token_base, std::int64_t{v.key_id},
                               v.created_at});
    if (inserted == 1) return true;
    // Ignored: either the value exists (fine) or the token is taken.
    return vault_value(v.tenant_id, v.value_hash).has_value();
  }

  std::vector<VaultFormRecord> vault_forms(const std::string& tenant_id,
                                           const std::string& value_hash) override {
    return db_->query_all<VaultFormRecord>(
        std::string(kVaultFormSelect) + " WHERE tenant_id = ? AND value_hash = ? ORDER BY variant",
        {tenant_id, value_hash}, read_vault_form);
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
    db_->exec("INSERT INTO vault_forms(tenant_id, value_hash, variant, surface_hash, "
              "ciphertext, surrogate_hash, surrogate_fold_hash, created_at) "
              "VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
              {f.tenant_id, f.value_hash, std::int64_t{f.variant}, f.surface_hash, f.ciphertext,
               sql_nonempty(f.surrogate_hash), sql_nonempty(f.surrogate_fold_hash), f.created_at});
  }

  int vault_last_variant(const std::string& tenant_id, const std::string& value_hash) override {
    return static_cast<int>(db_->query_int(
        "SELECT COALESCE(MAX(variant), 0) FROM vault_forms WHERE tenant_id = ? AND value_hash = ?",
        {tenant_id, value_hash}));
  }

  void set_vault_form_surrogate(const std::string& tenant_id, const std::string& surface_hash,
                                const std::string& surrogate_hash, const std::string& surrogate_fold_hash) override {
    db_->exec("UPDATE vault_forms SET surrogate_hash = ?, surrogate_fold_hash = ? "
              "WHERE tenant_id = ? AND surface_hash = ? AND surrogate_hash IS NULL",
              {surrogate_hash, surrogate_fold_hash, tenant_id, surface_hash});
  }

  // ---- Transfers ----

  std::int64_t insert_transfer(const TransferRecord& t) override {
    return db_->query_int(
        "INSERT INTO transfers(time, tenant_id, subprocessor, country, category, "
        "status, pseudonymized, operator, bytes, records, entity_counts, source, "
        "reference, clause, reason, actor) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {t.time, t.tenant_id, t.subprocessor, t.country, t.category, t.status, sql_bool(t.pseudonymized),
         t.operator_name, t.bytes, t.records, t.entity_counts.empty() ? std::string("{}") : t.entity_counts,
         t.source, t.reference, t.clause, t.reason, t.actor});
  }

  void scan_transfers(const TransferQuery& query,
                      const std::function<bool(const TransferRecord&)>& visit) override {
    std::string sql =
        "SELECT id, time, tenant_id, subprocessor, country, category, status, pseudonymized, "
        "operator, bytes, records, entity_counts, source, reference, clause, reason, actor "
        "FROM transfers WHERE 1 = 1";
    std::vector<SqlValue> params;
    if (query.tenant_id) {
      sql += " AND tenant_id = ?";
      params.emplace_back(*query.tenant_id);
    }
    if (query.subprocessor) {
      sql += " AND lower(subprocessor) = lower(CAST(? AS TEXT))";
      params.emplace_back(*query.subprocessor);
    }
    if (query.since) {
      sql += " AND time >= ?";
      params.emplace_back(*query.since);
    }
    if (query.until) {
      sql += " AND time < ?";
      params.emplace_back(*query.until);
    }
    sql += " ORDER BY id";
    db_->query(sql, params, [&](const SqlRow& q) {
      TransferRecord t;
      t.id = q.int64(0);
      t.time = q.text(1);
      t.tenant_id = q.text(2);
      t.subprocessor = q.text(3);
      t.country = q.text(4);
      t.category = q.text(5);
      t.status = q.text(6);
      t.pseudonymized = q.int64(7) != 0;
      t.operator_name = q.text(8);
      t.bytes = q.int64(9);
      t.records = q.int64(10);
      t.entity_counts = q.text(11);
      t.source = q.text(12);
      t.reference = q.text(13);
      t.clause = q.text(14);
      t.reason = q.text(15);
      t.actor = q.text(16);
      return visit(t);
    });
  }

  std::int64_t insert_subprocessor_entry(const SubprocessorEntryRecord& e) override {
    SqlValue primary = std::monostate{};
    if (e.primary_storage) primary = sql_bool(*e.primary_storage);
    return db_->query_int(
        "INSERT INTO subprocessor_register(policy, name, action, effective, legal_name, "
        "country, purpose, categories, receives, primary_storage, safeguard, "
        "safeguard_reference, safeguard_expires, clause, note, recorded_at, actor) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {e.policy, e.name, e.action, e.effective, e.legal_name, e.country, e.purpose, e.categories, e.receives,
         primary, e.safeguard, e.safeguard_reference, sql_optional(e.safeguard_expires), e.clause, e.note,
         e.recorded_at, e.actor});
  }

  std::vector<SubprocessorEntryRecord> subprocessor_entries(const std::string& policy) override {
    return db_->query_all<SubprocessorEntryRecord>(
        "SELECT id, policy, name, action, effective, legal_name, country, purpose, "
        "categories, receives, primary_storage, safeguard, safeguard_reference, "
        "safeguard_expires, clause, note, recorded_at, actor "
        "FROM subprocessor_register WHERE policy = ? ORDER BY effective, id",
        {policy}, [](const SqlRow& q) {
          SubprocessorEntryRecord e;
          e.id = q.int64(0);
          e.policy = q.text(1);
          e.name = q.text(2);
          e.action = q.text(3);
          e.effective = q.text(4);
          e.legal_name = q.text(5);
          e.country = q.text(6);
          e.purpose = q.text(7);
          e.categories = q.text(8);
          e.receives = q.text(9);
          if (!q.is_null(10)) e.primary_storage = q.int64(10) != 0;
          e.safeguard = q.text(11);
          e.safeguard_reference = q.text(12);
          e.safeguard_expires = q.optional_text(13);
          e.clause = q.text(14);
          e.note = q.text(15);
          e.recorded_at = q.text(16);
          e.actor = q.text(17);
          return e;
        });
  }

  std::int64_t insert_transfer_agreement(const TransferAgreementRecord& a) override {
    return db_->query_int(
        "INSERT INTO transfer_agreements(tenant_id, kind, subprocessor, reference, "
        "effective, expires, revoked_at, recorded_at, actor) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {a.tenant_id, a.kind, a.subprocessor, a.reference, a.effective, sql_optional(a.expires),
         sql_optional(a.revoked_at), a.recorded_at, a.actor});
  }

  std::vector<TransferAgreementRecord> transfer_agreements(const std::string& tenant_id) override {
    return db_->query_all<TransferAgreementRecord>(
        "SELECT id, tenant_id, kind, subprocessor, reference, effective, expires, "
        "revoked_at, recorded_at, actor FROM transfer_agreements "
        "WHERE CAST(?1 AS TEXT) = '' OR tenant_id = ?1 ORDER BY id",
        {tenant_id}, [](const SqlRow& q) {
          TransferAgreementRecord a;
          a.id = q.int64(0);
          a.tenant_id = q.text(1);
          a.kind = q.text(2);
          a.subprocessor = q.text(3);
          a.reference = q.text(4);
          a.effective = q.text(5);
          a.expires = q.optional_text(6);
          a.revoked_at = q.optional_text(7);
          a.recorded_at = q.text(8);
          a.actor = q.text(9);
          return a;
        });
  }

  bool revoke_transfer_agreement(std::int64_t id, const std::string& revoked_at) override {
    return db_->exec("UPDATE transfer_agreements SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                     {revoked_at, id}) == 1;
  }

  // ---- Retention ----

  std::int64_t insert_hold(const HoldRecord& h) override {
    return db_->query_int(
        "INSERT INTO retention_holds(tenant_id, dataset, subject_kind, subject_hash, "
        "reason, created_at, created_by, until, released_at, released_by) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {h.tenant_id, sql_optional(h.dataset), sql_optional(h.subject_kind), sql_optional(h.subject_hash),
         h.reason, h.created_at, h.created_by, sql_optional(h.until), sql_optional(h.released_at),
         sql_optional(h.released_by)});
  }

  std::optional<HoldRecord> find_hold(std::int64_t id) override {
    return db_->query_one<HoldRecord>(std::string(kHoldSelect) + " WHERE id = ?", {id}, read_hold);
  }

  std::vector<HoldRecord> list_holds(const std::optional<std::string>& tenant_id,
                                     bool include_released) override {
    std::string sql = std::string(kHoldSelect) + " WHERE 1 = 1";
    std::vector<SqlValue> params;
    if (tenant_id) {
      sql += " AND tenant_id = ?";
      params.emplace_back(*tenant_id);
    }
    if (!include_released) sql += " AND released_at IS NULL";
    sql += " ORDER BY id";
    return db_->query_all<HoldRecord>(sql, params, read_hold);
  }

  bool release_hold(std::int64_t id, const std::string& released_at,
                    const std::string& released_by) override {
    return db_->exec("UPDATE retention_holds SET released_at = ?, released_by = ? "
                     "WHERE id = ? AND released_at IS NULL",
                     {released_at, released_by, id}) == 1;
  }

  std::int64_t insert_retention_run(const RetentionRunRecord& r) override {
    return db_->query_int("INSERT INTO retention_runs(started_at, at, actor, host, pid, status, "
                          "finished_at) VALUES(?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          {r.started_at, r.at, r.actor, r.host, r.pid, r.status, sql_optional(r.finished_at)});
  }

  void finish_retention_run(std::int64_t id, const std::string& status,
                            const std::string& finished_at) override {
    db_->exec("UPDATE retention_runs SET status = ?, finished_at = ? WHERE id = ?", {status, finished_at, id});
  }

  int mark_interrupted_retention_runs(const std::string& finished_at) override {
    return static_cast<int>(db_->exec(
        "UPDATE retention_runs SET status = 'interrupted', finished_at = ? WHERE status = 'running'",
        {finished_at}));
  }

  std::int64_t insert_retention_batch(const RetentionBatchRecord& b) override {
    return db_->query_int(
        "INSERT INTO retention_batches(run_id, seq, kind, dataset, tenant_id, rule, "
        "clause, state, planned, deleted, bytes, recheck, created_at, done_at) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {b.run_id, b.seq, b.kind, b.dataset, b.tenant_id, b.rule, b.clause, b.state, b.planned, b.deleted,
         b.bytes, b.recheck, b.created_at, sql_optional(b.done_at)});
  }

  std::vector<RetentionBatchRecord> pending_retention_batches() override {
    return sql_incidents::retention_batches(*db_, "WHERE state = 'intent' ORDER BY id", {});
  }

  bool complete_retention_batch(std::int64_t id, std::int64_t deleted, std::int64_t bytes,
                                const std::string& done_at) override {
    return db_->exec("UPDATE retention_batches SET state = 'done', deleted = ?, bytes = ?, "
                     "done_at = ? WHERE id = ? AND state = 'intent'",
                     {deleted, bytes, done_at, id}) == 1;
  }

  void insert_tombstones(const std::vector<TombstoneRecord>& tombstones) override {
    // Many rows per statement: a request may erase thousands of records,
    // and one statement per row costs a round trip each on PostgreSQL.
    // Chunks of kTombstoneRows rows, then of 8, then single rows: a
    // handful of statement texts, each prepared once.
    std::vector<SqlValue> params;
    std::size_t i = 0;
    while (i < tombstones.size()) {
      const std::size_t left = tombstones.size() - i;
      const std::size_t n = left >= kTombstoneRows ? kTombstoneRows : left >= 8 ? 8 : 1;
      params.clear();
      params.reserve(n * 9);
      for (std::size_t j = i; j < i + n; ++j) {
        const TombstoneRecord& t = tombstones[j];
        SqlValue batch = std::monostate{};
        if (t.batch_id) batch = *t.batch_id;
        params.emplace_back(t.dataset);
        params.emplace_back(t.tenant_id);
        params.emplace_back(t.key_hash);
        params.emplace_back(sql_optional(t.subject_hash));
        params.emplace_back(t.source);
        params.emplace_back(std::move(batch));
        params.emplace_back(t.bytes);
        params.emplace_back(t.erased_at);
        params.emplace_back(t.reference);
      }
      db_->exec(tombstone_insert_sql(n), params);
      i += n;
    }
  }

  static constexpr std::size_t kTombstoneRows = 64;  // 9 parameters each: 576, under every limit
  static const std::string& tombstone_insert_sql(std::size_t rows) {
    static const std::string one = make_tombstone_insert_sql(1);
    static const std::string eight = make_tombstone_insert_sql(8);
    static const std::string full = make_tombstone_insert_sql(kTombstoneRows);
    return rows == 1 ? one : rows == 8 ? eight : full;
  }
  static std::string make_tombstone_insert_sql(std::size_t rows) {
    std::string sql =
        "INSERT INTO erasure_tombstones(dataset, tenant_id, key_hash, subject_hash, "
        "source, batch_id, bytes, erased_at, reference) VALUES";
    for (std::size_t r = 0; r < rows; ++r) sql += r == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    return sql;
  }

  void insert_batch_tombstones(const BatchTombstones& tb) override {
    SqlValue batch = std::monostate{};
    if (tb.batch_id) batch = *tb.batch_id;
    for (const auto& tenant : tb.tenants) {
      for (std::size_t i = tenant.begin; i < tenant.end; i += kPackRecords) {
        const std::size_t n = std::min(kPackRecords, tenant.end - i);
        std::vector<unsigned char> keys(n * kKeyHashBytes), subjects(n * kSubjectHashBytes, 0), bytes(n * 8);
        for (std::size_t j = 0; j < n; ++j) {
          std::copy(tb.key_hashes[i + j].begin(), tb.key_hashes[i + j].end(), keys.begin() + j * kKeyHashBytes);
          if (tb.has_subject[i + j]) {
            std::copy(tb.subject_hashes[i + j].begin(), tb.subject_hashes[i + j].end(),
                      subjects.begin() + j * kSubjectHashBytes);
          }
          auto v = static_cast<std::uint64_t>(tb.bytes[i + j]);
          for (int b = 0; b < 8; ++b) bytes[j * 8 + b] = static_cast<unsigned char>(v >> (8 * b));
        }
        db_->exec("INSERT INTO erasure_tombstone_packs(dataset, tenant_id, source, batch_id, erased_at, records, "
                  "key_hashes, subject_hashes, bytes) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {tb.dataset, tenant.tenant_id, tb.source, batch, tb.erased_at, static_cast<std::int64_t>(n),
                   std::move(keys), std::move(subjects), std::move(bytes)});
      }
    }
  }

  std::vector<TombstoneRecord> batch_tombstones(std::int64_t batch_id) override {
    // Rows: a batch recorded before the packs (schema version 11).
    auto out = db_->query_all<TombstoneRecord>(std::string(kTombstoneSelect) + " WHERE batch_id = ? ORDER BY id",
                                               {batch_id}, read_tombstone);
    db_->query(std::string(kPackSelect) + " WHERE batch_id = ? ORDER BY id", {batch_id}, [&](const SqlRow& q) {
      return unpack(q, [&](TombstoneRecord&& t) {
        out.push_back(std::move(t));
        return true;
      });
    });
    return out;
  }

  void drop_batch_tombstones(std::int64_t batch_id,
                             const std::vector<std::pair<std::string, std::string>>& records) override {
    if (records.empty()) return;
    // (tenant, key hash): two tenants' records may share a key, and one
    // may be erased while the other is not.
    const std::set<std::pair<std::string, std::string>> drop(records.begin(), records.end());
    std::vector<std::int64_t> rows;
    for (const auto& t : db_->query_all<TombstoneRecord>(std::string(kTombstoneSelect) + " WHERE batch_id = ?",
                                                         {batch_id}, read_tombstone)) {
      if (drop.count({t.tenant_id, t.key_hash})) rows.push_back(t.id);
    }
    for (auto id : rows) db_->exec("DELETE FROM erasure_tombstones WHERE id = ?", {id});
    // A pack is rewritten without the dropped records (deleted if none is left).
    struct Pack {
      std::int64_t id = 0;
      std::string tenant;
      std::vector<unsigned char> keys, subjects, bytes;
    };
    std::vector<Pack> packs;
    db_->query("SELECT id, tenant_id, key_hashes, subject_hashes, bytes FROM erasure_tombstone_packs "
               "WHERE batch_id = ? ORDER BY id",
               {batch_id}, [&](const SqlRow& q) {
                 packs.push_back({q.int64(0), q.text(1), q.blob(2), q.blob(3), q.blob(4)});
                 return true;
               });
    std::pair<std::string, std::string> name;
    for (auto& p : packs) {
      // Only the packs of tenants with a record to drop are read through.
      const auto first = drop.lower_bound({p.tenant, std::string()});
      if (first == drop.end() || first->first != p.tenant) continue;
      const std::size_t n = p.keys.size() / kKeyHashBytes;
      Pack kept{p.id, p.tenant, {}, {}, {}};
      name.first = p.tenant;
      for (std::size_t j = 0; j < n; ++j) {
        name.second = BatchTombstones::hex(&p.keys[j * kKeyHashBytes], kKeyHashBytes);
        if (drop.count(name)) continue;
        kept.keys.insert(kept.keys.end(), p.keys.begin() + j * kKeyHashBytes, p.keys.begin() + (j + 1) * kKeyHashBytes);
        kept.subjects.insert(kept.subjects.end(), p.subjects.begin() + j * kSubjectHashBytes,
                             p.subjects.begin() + (j + 1) * kSubjectHashBytes);
        kept.bytes.insert(kept.bytes.end(), p.bytes.begin() + j * 8, p.bytes.begin() + (j + 1) * 8);
      }
      const std::size_t left = kept.keys.size() / kKeyHashBytes;
      if (left == n) continue;
      if (left == 0) {
        db_->exec("DELETE FROM erasure_tombstone_packs WHERE id = ?", {p.id});
      } else {
        db_->exec("UPDATE erasure_tombstone_packs SET records = ?, key_hashes = ?, subject_hashes = ?, bytes = ? "
                  "WHERE id = ?",
                  {static_cast<std::int64_t>(left), std::move(kept.keys), std::move(kept.subjects),
                   std::move(kept.bytes), p.id});
      }
    }
  }

  void scan_tombstones(const TombstoneQuery& query,
                       const std::function<bool(const TombstoneRecord&)>& visit) override {
    std::vector<SqlValue> params;
    const std::string where = tombstone_where(query, params);
    bool more = true;
    db_->query(std::string(kTombstoneSelect) + where + " ORDER BY id", params, [&](const SqlRow& q) {
      return more = visit(read_tombstone(q));
    });
    if (!more || query.source == "request") return;  // packs hold sweeps' and reapplies' only
    db_->query(std::string(kPackSelect) + where + " ORDER BY id", params, [&](const SqlRow& q) {
      return more = unpack(q, [&](TombstoneRecord&& t) { return visit(t); });
    });
  }

  std::vector<std::pair<std::string, std::string>> tombstone_groups(
      const std::optional<std::string>& source) override {
    std::set<std::pair<std::string, std::string>> groups;
    add_tombstone_groups("erasure_tombstones", source, groups);
    if (source != "request") add_tombstone_groups("erasure_tombstone_packs", source, groups);
    return {groups.begin(), groups.end()};
  }

  std::vector<std::array<unsigned char, 16>> tombstone_key_hashes(const TombstoneQuery& query) override {
    std::vector<SqlValue> params;
    const std::string where = tombstone_where(query, params);
    std::vector<std::array<unsigned char, 16>> out;
    // Rows (subject requests' tombstones) hold the hash as hex text.
    db_->query("SELECT key_hash FROM erasure_tombstones" + where, params, [&](const SqlRow& q) {
      std::array<unsigned char, 16> raw{};
      if (!BatchTombstones::unhex(q.text(0), raw.data(), raw.size())) {
        throw WorkspaceError("the state holds a damaged tombstone (its key hash is not 32 hex digits)");
      }
      out.push_back(raw);
      return true;
    });
    if (query.source == "request") return out;  // packs hold sweeps' and reapplies' only
    // Packs: the key hash blob alone, copied as it is.
    db_->query("SELECT key_hashes FROM erasure_tombstone_packs" + where, params, [&](const SqlRow& q) {
      const std::vector<unsigned char> keys = q.blob(0);
      if (keys.size() % kKeyHashBytes != 0) {
        throw WorkspaceError("the state holds a damaged tombstone pack (its key hashes are cut short)");
      }
      out.reserve(out.size() + keys.size() / kKeyHashBytes);
      for (std::size_t j = 0; j < keys.size(); j += kKeyHashBytes) {
        std::array<unsigned char, 16> raw{};
        std::copy(keys.begin() + static_cast<std::ptrdiff_t>(j),
                  keys.begin() + static_cast<std::ptrdiff_t>(j + kKeyHashBytes), raw.begin());
        out.push_back(raw);
      }
      return true;
    });
    return out;
  }

  std::int64_t insert_destruction_request(const DestructionRequestRecord& r) override {
    return db_->query_int("INSERT INTO destruction_requests(tenant_id, dataset, requested_at, reference, "
                          "recorded_at, recorded_by) VALUES(?, ?, ?, ?, ?, ?) RETURNING id",
                          {r.tenant_id, sql_optional(r.dataset), r.requested_at, r.reference, r.recorded_at,
                           r.recorded_by});
  }

  std::vector<DestructionRequestRecord> destruction_requests(const std::optional<std::string>& tenant_id) override {
    std::string sql = "SELECT id, tenant_id, dataset, requested_at, reference, recorded_at, recorded_by "
                      "FROM destruction_requests";
    std::vector<SqlValue> params;
    if (tenant_id) {
      sql += " WHERE tenant_id = ?";
      params.emplace_back(*tenant_id);
    }
    sql += " ORDER BY id";
    return db_->query_all<DestructionRequestRecord>(sql, params, [](const SqlRow& q) {
      DestructionRequestRecord r;
      r.id = q.int64(0);
      r.tenant_id = q.text(1);
      r.dataset = q.optional_text(2);
      r.requested_at = q.text(3);
      r.reference = q.text(4);
      r.recorded_at = q.text(5);
      r.recorded_by = q.text(6);
      return r;
    });
  }

  // ---- Exports ----

  void insert_export(const ExportRecord& e) override {
    db_->exec("INSERT INTO exports(id, tenant_id, subject_kind, subject_hash, datasets, format, path, "
              "bytes, package_bytes, files, payload_oxum, tag_manifest_sha256, created_at, actor, "
              "within_export_window, no_debt_reference, request_reference) "
              "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {e.id, e.tenant_id, sql_optional(e.subject_kind), sql_optional(e.subject_hash), e.datasets,
               e.format, e.path, e.bytes, e.package_bytes, e.files, e.payload_oxum, e.tag_manifest_sha256,
               e.created_at, e.actor, sql_bool(e.within_export_window), sql_optional(e.no_debt_reference),
               sql_optional(e.request_reference)});
  }

  std::optional<ExportRecord> find_export(const std::string& id) override {
    auto all = select_exports("WHERE id = ?", id);
    if (all.empty()) return std::nullopt;
    return all.front();
  }

  std::vector<ExportRecord> list_exports(const std::optional<std::string>& tenant_id) override {
    if (tenant_id) return select_exports("WHERE tenant_id = ?", *tenant_id);
    return select_exports("", std::nullopt);
  }

  std::int64_t insert_export_handover(const ExportHandoverRecord& h) override {
    return db_->query_int("INSERT INTO export_handovers(export_id, transfer_id, recipient, country, "
                          "handed_over_at, actor) VALUES(?, ?, ?, ?, ?, ?) RETURNING id",
                          {h.export_id, h.transfer_id, h.recipient, h.country, h.handed_over_at, h.actor});
  }

  std::vector<ExportHandoverRecord> export_handovers(const std::string& export_id) override {
    return db_->query_all<ExportHandoverRecord>(
        "SELECT id, export_id, transfer_id, recipient, country, handed_over_at, actor "
        "FROM export_handovers WHERE export_id = ? ORDER BY id",
        {export_id}, [](const SqlRow& q) {
          ExportHandoverRecord h;
          h.id = q.int64(0);
          h.export_id = q.text(1);
          h.transfer_id = q.int64(2);
          h.recipient = q.text(3);
          h.country = q.text(4);
          h.handed_over_at = q.text(5);
          h.actor = q.text(6);
          return h;
        });
  }

  // ---- Subject requests and suppression lists ----

  int next_subject_request_number(const std::string& year) override {
    return static_cast<int>(db_->query_int("SELECT coalesce(max(CAST(substr(id, 8) AS INTEGER)), 0) "
                                           "FROM subject_requests WHERE substr(id, 1, 7) = ?",
                                           {"R-" + year + "-"})) +
           1;
  }

  void insert_subject_request(const SubjectRequestRecord& r) override {
    db_->exec("INSERT INTO subject_requests(id, tenant_id, type, mode, channel, received_at, due_at, "
              "due_rule, due_clause, forward_by, forwarded_at, forwarded_to, extended_until, "
              "extension_reason, extension_clause, status, closed_at, outcome, opened_at, opened_by) "
              "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
              request_values(r));
  }

  void update_subject_request(const SubjectRequestRecord& r) override {
    // The identity and the receipt never change; a closed request never
    // changes again (the library refuses first; this is the backstop).
    auto n = db_->exec("UPDATE subject_requests SET due_at = ?7, due_rule = ?8, due_clause = ?9, "
                       "forward_by = ?10, forwarded_at = ?11, forwarded_to = ?12, "
                       "extended_until = ?13, extension_reason = ?14, "
                       "extension_clause = ?15, status = ?16, closed_at = ?17, "
                       "outcome = ?18 WHERE id = ?1 AND tenant_id = ?2 AND type = ?3 AND "
                       "mode = ?4 AND channel = ?5 AND received_at = ?6 AND "
                       "opened_at = ?19 AND opened_by = ?20 AND status <> 'closed'",
                       request_values(r));
    if (n != 1) throw RefusedError(fmt::format("request {} is closed or unknown; it was not changed", r.id));
  }

  std::optional<SubjectRequestRecord> find_subject_request(const std::string& id) override {
    return db_->query_one<SubjectRequestRecord>(std::string(kRequestSelect) + " WHERE id = ?", {id},
                                                read_request);
  }

  std::vector<SubjectRequestRecord> list_subject_requests(const SubjectRequestQuery& query) override {
    std::string sql = std::string(kRequestSelect) + " WHERE 1 = 1";
    std::vector<SqlValue> params;
    if (query.tenant_id) {
      sql += " AND tenant_id = ?";
      params.emplace_back(*query.tenant_id);
    }
    if (!query.include_closed) sql += " AND status <> 'closed'";
    sql += " ORDER BY received_at, id";
    return db_->query_all<SubjectRequestRecord>(sql, params, read_request);
  }

  void insert_request_subject(const RequestSubjectRecord& r) override {
    db_->exec("INSERT INTO subject_request_subjects(request_id, position, kind, subject_hash, "
              "key_id, sealed) VALUES(?, ?, ?, ?, ?, ?)",
              {r.request_id, std::int64_t{r.position}, r.kind, r.subject_hash, std::int64_t{r.key_id}, r.sealed});
  }

  std::vector<RequestSubjectRecord> request_subjects(const std::string& request_id) override {
    return db_->query_all<RequestSubjectRecord>(
        "SELECT request_id, position, kind, subject_hash, key_id, sealed "
        "FROM subject_request_subjects WHERE request_id = ? ORDER BY position",
        {request_id}, [](const SqlRow& q) {
          RequestSubjectRecord r;
          r.request_id = q.text(0);
          r.position = q.int32(1);
          r.kind = q.text(2);
          r.subject_hash = q.text(3);
          r.key_id = q.int32(4);
          r.sealed = q.blob(5);
          return r;
        });
  }

  std::int64_t insert_request_event(const RequestEventRecord& e) override {
    return db_->query_int("INSERT INTO subject_request_events(request_id, time, event, details, actor) "
                          "VALUES(?, ?, ?, ?, ?) RETURNING id",
                          {e.request_id, e.time, e.event, e.details, e.actor});
  }

  std::vector<RequestEventRecord> request_events(const std::string& request_id) override {
    return db_->query_all<RequestEventRecord>(
        "SELECT id, request_id, time, event, details, actor FROM subject_request_events "
        "WHERE request_id = ? ORDER BY id",
        {request_id}, [](const SqlRow& q) {
          return RequestEventRecord{q.int64(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5)};
        });
  }

  std::optional<SuppressionRecord> active_suppression(const std::string& tenant_id, const std::string& kind,
                                                      const std::string& subject_hash) override {
    return db_->query_one<SuppressionRecord>(
        std::string(kSuppressionSelect) +
            " WHERE tenant_id = ? AND kind = ? AND subject_hash = ? AND removed_at IS NULL",
        {tenant_id, kind, subject_hash}, read_suppression);
  }

  std::int64_t insert_suppression(const SuppressionRecord& s) override {
    return db_->query_int("INSERT INTO suppression_entries(tenant_id, kind, subject_hash, reason, clause, note, "
                          "source_request, added_at, added_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          {s.tenant_id, s.kind, s.subject_hash, s.reason, s.clause, s.note, s.source_request,
                           s.added_at, s.added_by});
  }

  bool remove_suppression(std::int64_t id, const std::string& removed_at, const std::string& removed_by,
                          const std::string& removed_reason) override {
    return db_->exec("UPDATE suppression_entries SET removed_at = ?, removed_by = ?, removed_reason = ? "
                     "WHERE id = ? AND removed_at IS NULL",
                     {removed_at, removed_by, removed_reason, id}) == 1;
  }

  std::vector<SuppressionRecord> list_suppressions(const std::string& tenant_id, bool include_removed) override {
    std::string sql = std::string(kSuppressionSelect) + " WHERE tenant_id = ?";
    if (!include_removed) sql += " AND removed_at IS NULL";
    sql += " ORDER BY id";
    return db_->query_all<SuppressionRecord>(sql, {tenant_id}, read_suppression);
  }

  void scan_active_suppression_hashes(const std::string& tenant_id, const std::string& kind,
                                      const std::function<void(const std::string&)>& visit) override {
    db_->query("SELECT subject_hash FROM suppression_entries "
               "WHERE tenant_id = ? AND kind = ? AND removed_at IS NULL",
               {tenant_id, kind}, [&](const SqlRow& q) {
                 visit(q.text(0));
                 return true;
               });
  }

  void insert_restrictions(const std::vector<RestrictionRecord>& rs) override {
    for (const auto& r : rs) {
      db_->exec("INSERT INTO restrictions(tenant_id, dataset, key_hash, request_id, reason, "
                "clause, created_at) VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                {r.tenant_id, r.dataset, r.key_hash, r.request_id, r.reason, r.clause, r.created_at});
    }
  }

  std::vector<RestrictionRecord> list_restrictions(const std::string& tenant_id) override {
    std::string sql = "SELECT id, tenant_id, dataset, key_hash, request_id, reason, clause, created_at "
                      "FROM restrictions";
    std::vector<SqlValue> params;
    if (!tenant_id.empty()) {
      sql += " WHERE tenant_id = ?";
      params.emplace_back(tenant_id);
    }
    sql += " ORDER BY id";
    return db_->query_all<RestrictionRecord>(sql, params, [](const SqlRow& q) {
      return RestrictionRecord{q.int64(0), q.text(1), q.text(2), q.text(3),
                               q.text(4),  q.text(5), q.text(6), q.text(7)};
    });
  }

  // ---- Audit log ----

  std::optional<AuditRecord> audit_head() override {
    return db_->query_one<AuditRecord>(std::string(kAuditSelect) + " ORDER BY seq DESC LIMIT 1", {}, read_audit);
  }

  void insert_audit(const AuditRecord& r) override {
    db_->exec("INSERT INTO audit_log(seq, time, actor, action, object, details, "
              "prev_hash, hash) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
              {r.seq, r.time, r.actor, r.action, r.object, r.details, r.prev_hash, r.hash});
  }

  void scan_audit(const AuditQuery& query, const std::function<bool(const AuditRecord&)>& visit) override {
    std::string sql = std::string(kAuditSelect) + " WHERE 1 = 1";
    std::vector<SqlValue> params;
    if (query.since) {
      sql += " AND time >= ?";
      params.emplace_back(*query.since);
    }
    if (query.action) {
      if (query.action->ends_with('.')) {
        sql += " AND substr(action, 1, ?) = ?";
        params.emplace_back(static_cast<std::int64_t>(query.action->size()));
      } else {
        sql += " AND action = ?";
      }
      params.emplace_back(*query.action);
    }
    sql += " ORDER BY seq";
    if (query.limit) {
      sql += " LIMIT ?";
      params.emplace_back(*query.limit);
    }
    db_->query(sql, params, [&](const SqlRow& q) { return visit(read_audit(q)); });
  }

  std::int64_t audit_size() override { return db_->query_int("SELECT count(*) FROM audit_log"); }

  void insert_checkpoint(const CheckpointRecord& c) override {
    db_->exec("INSERT INTO audit_checkpoints(size, head_hash, note) VALUES(?, ?, ?)",
              {c.size, c.head_hash, c.note});
  }

  std::vector<CheckpointRecord> checkpoints() override {
    return db_->query_all<CheckpointRecord>("SELECT size, head_hash, note FROM audit_checkpoints ORDER BY size",
                                            {}, read_checkpoint);
  }

  std::optional<CheckpointRecord> latest_checkpoint() override {
    return db_->query_one<CheckpointRecord>(
        "SELECT size, head_hash, note FROM audit_checkpoints ORDER BY size DESC LIMIT 1", {}, read_checkpoint);
  }

  // ---- Incidents and the audit report (sql_state_store_incidents.cpp) ----

  std::int64_t insert_incident(const IncidentRecord& incident,
                               const std::vector<IncidentTenantRecord>& tenants) override {
    return sql_incidents::insert_incident(*db_, incident, tenants);
  }
  std::optional<IncidentRecord> find_incident(std::int64_t id) override {
    return sql_incidents::find_incident(*db_, id);
  }
  std::vector<IncidentRecord> list_incidents() override { return sql_incidents::list_incidents(*db_); }
  std::vector<IncidentTenantRecord> incident_tenants(std::int64_t incident_id) override {
    return sql_incidents::incident_tenants(*db_, incident_id);
  }
  std::int64_t insert_incident_update(const IncidentUpdateRecord& u) override {
    return sql_incidents::insert_update(*db_, u);
  }
  std::vector<IncidentUpdateRecord> incident_updates(std::int64_t incident_id) override {
    return sql_incidents::updates(*db_, incident_id);
  }
  bool close_incident(std::int64_t id, const std::string& closed_at, const std::string& closed_by) override {
    return sql_incidents::close_incident(*db_, id, closed_at, closed_by);
  }
  std::int64_t insert_incident_notice(const IncidentNoticeRecord& n) override {
    return sql_incidents::insert_notice(*db_, n);
  }
  std::vector<IncidentNoticeRecord> incident_notices(std::int64_t incident_id) override {
    return sql_incidents::notices(*db_, incident_id);
  }
  std::vector<RetentionBatchRecord> retention_batches_done(const std::string& since,
                                                           const std::string& until) override {
    return sql_incidents::retention_batches_done(*db_, since, until);
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
  static constexpr const char* kPackSelect =
      "SELECT dataset, tenant_id, source, batch_id, erased_at, key_hashes, subject_hashes, bytes "
      "FROM erasure_tombstone_packs";
  static constexpr std::size_t kPackRecords = 16384;  // a pack's blobs: under 1 MB
  static constexpr std::size_t kKeyHashBytes = 16;
  static constexpr std::size_t kSubjectHashBytes = 32;

  // The WHERE clause of a TombstoneQuery, on either tombstone table.
  static std::string tombstone_where(const TombstoneQuery& query, std::vector<SqlValue>& params) {
    std::string where = " WHERE 1 = 1";
    if (query.dataset) {
      where += " AND dataset = ?";
      params.emplace_back(*query.dataset);
    }
    if (query.tenant_id) {
      where += " AND tenant_id = ?";
      params.emplace_back(*query.tenant_id);
    }
    if (query.source) {
      where += " AND source = ?";
      params.emplace_back(*query.source);
    }
    return where;
  }

  // The records of a pack (a row of kPackSelect), in order, as tombstones
  // with id 0; false if `visit` stopped.
  template <typename Visit>
  static bool unpack(const SqlRow& q, Visit&& visit) {
    const std::vector<unsigned char> keys = q.blob(5), subjects = q.blob(6), bytes = q.blob(7);
    const std::size_t n = keys.size() / kKeyHashBytes;
    if (keys.size() != n * kKeyHashBytes || subjects.size() != n * kSubjectHashBytes || bytes.size() != n * 8) {
      throw WorkspaceError("the state holds a damaged tombstone pack (its blobs disagree on the record count)");
    }
    static const std::array<unsigned char, kSubjectHashBytes> none{};
    // What the pack's records share, read from the row once.
    TombstoneRecord shared;
    shared.dataset = q.text(0);
    shared.tenant_id = q.text(1);
    shared.source = q.text(2);
    if (!q.is_null(3)) shared.batch_id = q.int64(3);
    shared.erased_at = q.text(4);
    for (std::size_t j = 0; j < n; ++j) {
      TombstoneRecord t = shared;
      t.key_hash = BatchTombstones::hex(&keys[j * kKeyHashBytes], kKeyHashBytes);
      const unsigned char* subject = &subjects[j * kSubjectHashBytes];
      if (!std::equal(none.begin(), none.end(), subject)) t.subject_hash = BatchTombstones::hex(subject, kSubjectHashBytes);
      std::uint64_t v = 0;
      for (int b = 7; b >= 0; --b) v = (v << 8) | bytes[j * 8 + static_cast<std::size_t>(b)];
      t.bytes = static_cast<std::int64_t>(v);
      if (!visit(std::move(t))) return false;
    }
    return true;
  }

  // The distinct (dataset, tenant) pairs of `table` with tombstones of
  // `source` (any if nullopt): a skip-scan of its (dataset, tenant_id,
  // source) index, a few seeks per pair rather than a read of every row.
  // Bytewise order on both dialects, as ORDER BY.
  void add_tombstone_groups(const std::string& table, const std::optional<std::string>& source,
                            std::set<std::pair<std::string, std::string>>& out) {
    auto first = [&](const std::string& sql, const std::vector<SqlValue>& params) {
      std::optional<std::string> v;
      db_->query(sql, params, [&](const SqlRow& q) {
        v = q.optional_text(0);
        return false;
      });
      return v;
    };
    std::optional<std::string> dataset = first("SELECT min(dataset) FROM " + table, {});
    while (dataset) {
      std::optional<std::string> tenant = first("SELECT min(tenant_id) FROM " + table + " WHERE dataset = ?", {*dataset});
      while (tenant) {
        if (!source || db_->query_int("SELECT count(*) FROM (SELECT 1 FROM " + table +
                                          " WHERE dataset = ? AND tenant_id = ? AND source = ? LIMIT 1) AS one",
                                      {*dataset, *tenant, *source}) > 0) {
          out.emplace(*dataset, *tenant);
        }
        tenant = first("SELECT min(tenant_id) FROM " + table + " WHERE dataset = ? AND tenant_id > ?",
                       {*dataset, *tenant});
      }
      dataset = first("SELECT min(dataset) FROM " + table + " WHERE dataset > ?", {*dataset});
    }
  }
  static constexpr const char* kAuditSelect =
      "SELECT seq, time, actor, action, object, details, prev_hash, hash FROM audit_log";
  static constexpr const char* kRequestSelect =
      "SELECT id, tenant_id, type, mode, channel, received_at, due_at, due_rule, due_clause, forward_by, "
      "forwarded_at, forwarded_to, extended_until, extension_reason, extension_clause, status, closed_at, "
      "outcome, opened_at, opened_by FROM subject_requests";
  static constexpr const char* kSuppressionSelect =
      "SELECT id, tenant_id, kind, subject_hash, reason, clause, note, source_request, added_at, added_by, "
      "removed_at, removed_by, removed_reason FROM suppression_entries";

  int read_version() {
    if (!db_->table_exists("schema_version")) return 0;
    return static_cast<int>(db_->query_int("SELECT coalesce(max(version), 0) FROM schema_version"));
  }

  void check_not_newer(int version) const {
    if (version > known_schema_version()) {
      throw WorkspaceError(fmt::format(
          "{} has schema version {}, newer than this dpa knows ({}); upgrade dpa to use it",
          db_->where(), version, known_schema_version()));
    }
  }

  void migrate() {
    int version = read_version();
    check_not_newer(version);
    if (version == known_schema_version()) return;
    // A write transaction serializes concurrent first opens (on PostgreSQL,
    // hosts of a fleet starting at once); re-read inside.
    transaction([&] {
      db_->exec_script("CREATE TABLE IF NOT EXISTS schema_version("
                       "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
      int current = read_version();
      check_not_newer(current);
      for (int v = current; v < known_schema_version(); ++v) {
        db_->exec_script(migrations_[static_cast<std::size_t>(v)]);
        db_->exec("INSERT INTO schema_version(version, applied_at) VALUES(?, ?)",
                  {std::int64_t{v + 1}, format_utc(now())});
      }
    });
  }

  std::vector<ExportRecord> select_exports(const std::string& where, const std::optional<std::string>& id) {
    std::vector<SqlValue> params;
    if (id) params.emplace_back(*id);
    return db_->query_all<ExportRecord>(
        "SELECT id, tenant_id, subject_kind, subject_hash, datasets, format, path, bytes, "
        "package_bytes, files, payload_oxum, tag_manifest_sha256, created_at, actor, "
        "within_export_window, no_debt_reference, request_reference FROM exports " +
            where + " ORDER BY created_at, id",
        params, [](const SqlRow& q) {
          ExportRecord e;
          e.id = q.text(0);
          e.tenant_id = q.text(1);
          e.subject_kind = q.optional_text(2);
          e.subject_hash = q.optional_text(3);
          e.datasets = q.text(4);
          e.format = q.text(5);
          e.path = q.text(6);
          e.bytes = q.int64(7);
          e.package_bytes = q.int64(8);
          e.files = q.int64(9);
          e.payload_oxum = q.text(10);
          e.tag_manifest_sha256 = q.text(11);
          e.created_at = q.text(12);
          e.actor = q.text(13);
          e.within_export_window = q.int64(14) != 0;
          e.no_debt_reference = q.optional_text(15);
          e.request_reference = q.optional_text(16);
          return e;
        });
  }

  std::optional<VaultFormRecord> vault_form_where(const char* column, const std::string& tenant_id,
                                                  const std::string& value) {
    return db_->query_one<VaultFormRecord>(
        fmt::format("{} WHERE tenant_id = ? AND {} = ? ORDER BY variant LIMIT 1", kVaultFormSelect, column),
        {tenant_id, value}, read_vault_form);
  }

  static std::vector<SqlValue> tenant_values(const TenantRecord& t) {
    return {t.id,
            t.name,
            t.policy,
            t.status,
            t.created_at,
            sql_optional(t.terminated_at),
            sql_optional(t.export_until),
            sql_optional(t.delete_after),
            sql_optional(t.registered_at)};
  }

  // ?1 .. ?20 in the order of the insert's columns.
  static std::vector<SqlValue> request_values(const SubjectRequestRecord& r) {
    return {r.id,
            r.tenant_id,
            r.type,
            r.mode,
            r.channel,
            r.received_at,
            sql_optional(r.due_at),
            r.due_rule,
            r.due_clause,
            sql_optional(r.forward_by),
            sql_optional(r.forwarded_at),
            r.forwarded_to,
            sql_optional(r.extended_until),
            r.extension_reason,
            r.extension_clause,
            r.status,
            sql_optional(r.closed_at),
            r.outcome,
            r.opened_at,
            r.opened_by};
  }

  static TenantRecord read_tenant(const SqlRow& q) {
    TenantRecord t;
    t.id = q.text(0);
    t.name = q.text(1);
    t.policy = q.text(2);
    t.status = q.text(3);
    t.created_at = q.text(4);
    t.terminated_at = q.optional_text(5);
    t.export_until = q.optional_text(6);
    t.delete_after = q.optional_text(7);
    t.registered_at = q.optional_text(8);
    return t;
  }

  static VaultValueRecord read_vault_value(const SqlRow& q) {
    VaultValueRecord v;
    v.tenant_id = q.text(0);
    v.value_hash = q.text(1);
    v.type = q.text(2);
    v.token_base = q.text(3);
    v.key_id = q.int32(4);
    v.created_at = q.text(5);
    return v;
  }

  static VaultFormRecord read_vault_form(const SqlRow& q) {
    VaultFormRecord f;
    f.tenant_id = q.text(0);
    f.value_hash = q.text(1);
    f.variant = q.int32(2);
    f.surface_hash = q.text(3);
    f.ciphertext = q.blob(4);
    f.surrogate_hash = q.text(5);
    f.surrogate_fold_hash = q.text(6);
    f.created_at = q.text(7);
    return f;
  }

  static HoldRecord read_hold(const SqlRow& q) {
    HoldRecord h;
    h.id = q.int64(0);
    h.tenant_id = q.text(1);
    h.dataset = q.optional_text(2);
    h.subject_kind = q.optional_text(3);
    h.subject_hash = q.optional_text(4);
    h.reason = q.text(5);
    h.created_at = q.text(6);
    h.created_by = q.text(7);
    h.until = q.optional_text(8);
    h.released_at = q.optional_text(9);
    h.released_by = q.optional_text(10);
    return h;
  }

  static TombstoneRecord read_tombstone(const SqlRow& q) {
    TombstoneRecord t;
    t.id = q.int64(0);
    t.dataset = q.text(1);
    t.tenant_id = q.text(2);
    t.key_hash = q.text(3);
    t.subject_hash = q.optional_text(4);
    t.source = q.text(5);
    t.batch_id = q.optional_int64(6);
    t.bytes = q.int64(7);
    t.erased_at = q.text(8);
    t.reference = q.text(9);
    return t;
  }

  static AuditRecord read_audit(const SqlRow& q) {
    AuditRecord r;
    r.seq = q.int64(0);
    r.time = q.text(1);
    r.actor = q.text(2);
    r.action = q.text(3);
    r.object = q.text(4);
    r.details = q.text(5);
    r.prev_hash = q.text(6);
    r.hash = q.text(7);
    return r;
  }

  static CheckpointRecord read_checkpoint(const SqlRow& q) {
    return CheckpointRecord{q.int64(0), q.text(1), q.text(2)};
  }

  static SubjectRequestRecord read_request(const SqlRow& q) {
    SubjectRequestRecord r;
    r.id = q.text(0);
    r.tenant_id = q.text(1);
    r.type = q.text(2);
    r.mode = q.text(3);
    r.channel = q.text(4);
    r.received_at = q.text(5);
    r.due_at = q.optional_text(6);
    r.due_rule = q.text(7);
    r.due_clause = q.text(8);
    r.forward_by = q.optional_text(9);
    r.forwarded_at = q.optional_text(10);
    r.forwarded_to = q.text(11);
    r.extended_until = q.optional_text(12);
    r.extension_reason = q.text(13);
    r.extension_clause = q.text(14);
    r.status = q.text(15);
    r.closed_at = q.optional_text(16);
    r.outcome = q.text(17);
    r.opened_at = q.text(18);
    r.opened_by = q.text(19);
    return r;
  }

  static SuppressionRecord read_suppression(const SqlRow& q) {
    SuppressionRecord s;
    s.id = q.int64(0);
    s.tenant_id = q.text(1);
    s.kind = q.text(2);
    s.subject_hash = q.text(3);
    s.reason = q.text(4);
    s.clause = q.text(5);
    s.note = q.text(6);
    s.source_request = q.text(7);
    s.added_at = q.text(8);
    s.added_by = q.text(9);
    s.removed_at = q.optional_text(10);
    s.removed_by = q.text(11);
    s.removed_reason = q.text(12);
    return s;
  }

  std::unique_ptr<SqlDatabase> db_;
  LockTaker try_lock_;
  std::span<const char* const> migrations_;
  int depth_ = 0;
};

}  // namespace

std::unique_ptr<StateStore> make_sql_state_store(std::unique_ptr<SqlDatabase> db, LockTaker try_lock) {
  return std::make_unique<SqlStateStore>(std::move(db), std::move(try_lock));
}

}  // namespace dpa

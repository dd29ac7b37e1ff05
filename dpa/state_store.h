// The one interface through which all SQL of the workspace state goes.
//
// SQLite is the implementation today (sqlite_state_store.h); a PostgreSQL
// store for fleets implements the same interface. Methods speak the domain
// (tenants, audit entries), never SQL, so callers cannot depend on a dialect.
//
// Invariants every implementation keeps:
// - transaction() runs its body atomically and serializes writers: two
//   processes appending to the audit log at once get consecutive sequence
//   numbers, never the same one.
// - A busy database is retried up to the busy timeout, then BusyError.
// - Schema versions only move forward; a database newer than the binary is
//   refused with WorkspaceError before anything is read.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dpa {

struct TenantRecord {
  std::string id;
  std::string name;
  std::string policy;           // policy name the contract is under
  std::string status;           // "active", later "terminated", "deleted"
  std::string created_at;       // ISO-8601 UTC
  std::optional<std::string> terminated_at;
  std::optional<std::string> export_until;
  std::optional<std::string> delete_after;
};

struct TenantKeyRecord {
  std::string tenant_id;
  int key_id = 0;               // increases by one at each rotation
  std::vector<unsigned char> wrapped;  // nonce || ciphertext, see keyring.h
  std::string created_at;
  std::optional<std::string> destroyed_at;
};

struct AuditRecord {
  std::int64_t seq = 0;
  std::string time;      // ISO-8601 UTC with milliseconds
  std::string actor;
  std::string action;    // "tenant.add"
  std::string object;    // "tenant:acme"
  std::string details;   // canonical JSON, no raw personal data
  std::string prev_hash; // hex
  std::string hash;      // hex
};

struct CheckpointRecord {
  std::int64_t size = 0;
  std::string head_hash;  // hex
  std::string note;       // the signed note text
};

// One distinct value pseudonymized for a tenant (see anonymize/vault.h).
struct VaultValueRecord {
  std::string tenant_id;
  std::string value_hash;   // keyed hash of type and normalized value
  std::string type;         // "PHONE"
  std::string token_base;   // "3f9a1c": unique per tenant
  int key_id = 0;
  std::string created_at;
};

// One written form of a vault value, with its encrypted original.
struct VaultFormRecord {
  std::string tenant_id;
  std::string value_hash;
  int variant = 1;                       // 1 for the first form seen
  std::string surface_hash;              // keyed hash of the written form
  std::vector<unsigned char> ciphertext; // nonce || encrypted form
  std::string surrogate_hash;            // keyed hash of the surrogate's written form, "" if none
  std::string surrogate_fold_hash;       // the same of its case-folded form
  std::string created_at;
};

// A transfer of personal data to a subprocessor (made or refused).
struct TransferRecord {
  std::int64_t id = 0;
  std::string time;
  std::string tenant_id;
  std::string subprocessor;
  std::string country;
  std::string category;
  std::string status;         // "made" | "refused"
  bool pseudonymized = false;
  std::string operator_name;  // "token", "tag", ... or "" when not pseudonymized by dpa
  std::int64_t bytes = 0;
  std::int64_t records = 0;
  std::string entity_counts;  // JSON object {"PHONE": 3, ...}
  std::string source;         // "dpa anonymize", "dpa transfer log", ...
  std::string reference;      // free reference (upload id, lawful request) or ""
  std::string clause;         // the clause that allowed or refused it
  std::string reason;         // why refused, or ""
  std::string actor;
};

struct TransferQuery {
  std::optional<std::string> tenant_id;
  std::optional<std::string> subprocessor;
  std::optional<std::string> since;  // inclusive, ISO-8601 UTC
  std::optional<std::string> until;  // exclusive
};

struct AuditQuery {
  std::optional<std::string> since;   // ISO-8601 UTC, inclusive
  std::optional<std::string> action;  // exact, or prefix ending in '.' ("tenant.")
  std::optional<std::int64_t> limit;
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  virtual int schema_version() = 0;
  virtual int known_schema_version() const = 0;

  // Runs `body` in one write transaction (nested calls join the outer one).
  virtual void transaction(const std::function<void()>& body) = 0;

  // Workspace metadata (workspace id, creation time).
  virtual std::optional<std::string> get_meta(const std::string& key) = 0;
  virtual void set_meta(const std::string& key, const std::string& value) = 0;

  // Tenants.
  virtual void insert_tenant(const TenantRecord& t) = 0;
  virtual void update_tenant(const TenantRecord& t) = 0;
  virtual std::optional<TenantRecord> find_tenant(const std::string& id) = 0;
  virtual std::vector<TenantRecord> list_tenants() = 0;
  virtual void insert_tenant_key(const TenantKeyRecord& k) = 0;
  virtual std::vector<TenantKeyRecord> tenant_keys(const std::string& tenant_id) = 0;

  // Pseudonym vault. Inserts of an existing value or form are ignored, so
  // concurrent writers converge on the first one.
  virtual std::optional<VaultValueRecord> vault_value(const std::string& tenant_id,
                                                      const std::string& value_hash) = 0;
  virtual std::optional<VaultValueRecord> vault_value_by_token(const std::string& tenant_id,
                                                               const std::string& token_base) = 0;
  // Returns false if (tenant, token_base) is taken by another value.
  virtual bool insert_vault_value(const VaultValueRecord& v) = 0;
  virtual std::vector<VaultFormRecord> vault_forms(const std::string& tenant_id,
                                                   const std::string& value_hash) = 0;
  virtual std::optional<VaultFormRecord> vault_form_by_surface(const std::string& tenant_id,
                                                               const std::string& surface_hash) = 0;
  virtual std::optional<VaultFormRecord> vault_form_by_surrogate(const std::string& tenant_id,
                                                                 const std::string& surrogate_hash) = 0;
  virtual std::optional<VaultFormRecord> vault_form_by_surrogate_fold(
      const std::string& tenant_id, const std::string& surrogate_fold_hash) = 0;
  virtual void insert_vault_form(const VaultFormRecord& f) = 0;

  // Transfers.
  virtual std::int64_t insert_transfer(const TransferRecord& t) = 0;
  virtual void scan_transfers(const TransferQuery& q,
                              const std::function<bool(const TransferRecord&)>& visit) = 0;

  // Audit log. Rows are only ever appended.
  virtual std::optional<AuditRecord> audit_head() = 0;
  virtual void insert_audit(const AuditRecord& r) = 0;
  // Calls `visit` for each entry in sequence order; stops when it returns false.
  virtual void scan_audit(const AuditQuery& q, const std::function<bool(const AuditRecord&)>& visit) = 0;
  virtual std::int64_t audit_size() = 0;
  virtual void insert_checkpoint(const CheckpointRecord& c) = 0;
  virtual std::vector<CheckpointRecord> checkpoints() = 0;
  virtual std::optional<CheckpointRecord> latest_checkpoint() = 0;
};

}  // namespace dpa

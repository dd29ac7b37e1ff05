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

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
  // Retention: when the client registered with the service, where a policy
  // counts from registration (adr 5.3.11); nullopt: created_at.
  std::optional<std::string> registered_at;
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

// One dated entry of the workspace's subprocessor register (see
// dpa/subprocessor_register.h). Rows are only ever appended: a change is a
// new entry, a retirement is an entry with action "retire".
struct SubprocessorEntryRecord {
  std::int64_t id = 0;
  std::string policy;             // the policy whose list it overrides or extends
  std::string name;               // short name, lowercase: "hosting"
  std::string action;             // "add" | "retire"
  std::string effective;          // ISO-8601 UTC: in force from
  std::string legal_name;         // "" = the policy's
  std::string country;            // "" = the policy's
  std::string purpose;            // "" = the policy's
  std::string categories;         // JSON array of ids; "" = the policy's
  std::string receives;           // "raw" | "pseudonymized" | "none"; "" = the policy's
  std::optional<bool> primary_storage;  // nullopt = the policy's
  std::string safeguard;          // "" | "adequacy" | "scc" | "bcr" | "consent" | "derogation"
  std::string safeguard_reference;
  std::optional<std::string> safeguard_expires;  // ISO-8601 UTC
  std::string clause;             // what the entry is recorded under
  std::string note;
  std::string recorded_at;
  std::string actor;
};

// A tenant's written agreement that a transfer rule relies on: primary
// storage abroad, or consent to a cross-border transfer.
struct TransferAgreementRecord {
  std::int64_t id = 0;
  std::string tenant_id;
  std::string kind;               // "storage-abroad" | "cross-border-consent"
  std::string subprocessor;       // "" = every subprocessor
  std::string reference;          // the document: "Addendum 2026-04 No. 7"
  std::string effective;          // ISO-8601 UTC
  std::optional<std::string> expires;
  std::optional<std::string> revoked_at;
  std::string recorded_at;
  std::string actor;
};

// A legal hold (retention/holds.h): data of a tenant, optionally of one
// dataset or one subject, that no sweep may delete while it is active.
struct HoldRecord {
  std::int64_t id = 0;
  std::string tenant_id;
  std::optional<std::string> dataset;       // nullopt: every dataset of the tenant
  std::optional<std::string> subject_kind;  // "phone", with subject_hash
  std::optional<std::string> subject_hash;  // tenant-keyed hash, never the value
  std::string reason;
  std::string created_at;
  std::string created_by;
  std::optional<std::string> until;         // nullopt: until released
  std::optional<std::string> released_at;
  std::optional<std::string> released_by;
};

// One `dpa retention sweep --apply` (or `reapply`) process.
struct RetentionRunRecord {
  std::int64_t id = 0;
  std::string started_at;
  std::string at;          // the instant due dates were computed for
  std::string actor;
  std::string host;
  std::int64_t pid = 0;
  std::string status;      // "running" | "complete" | "stopped" | "interrupted" | "failed"
  std::optional<std::string> finished_at;
};

// One batch of a sweep: written as an intent before anything is deleted and
// marked done (with its audit entry) after; see retention/sweep.h.
struct RetentionBatchRecord {
  std::int64_t id = 0;
  std::int64_t run_id = 0;
  std::int64_t seq = 0;       // batch number within the run, from 1
  std::string kind;           // "sweep" | "reapply"
  std::string dataset;
  std::string tenant_id;
  std::string rule;           // why the records are erased
  std::string clause;         // "upstat 22.3.1; DPA 10.2"
  std::string state;          // "intent" | "done"
  std::int64_t planned = 0;   // records in the intent
  std::int64_t deleted = 0;   // records counted as erased when done
  std::int64_t bytes = 0;
  std::string recheck;        // JSON: how to find the batch's records again after a crash
  std::string created_at;
  std::optional<std::string> done_at;
};

// One erased record in the erasure ledger: hashes only, never values.
struct TombstoneRecord {
  std::int64_t id = 0;
  std::string dataset;
  std::string tenant_id;
  std::string key_hash;                      // workspace-keyed hash of dataset and record key
  std::optional<std::string> subject_hash;   // tenant-keyed hash of the record's first subject id
  std::string source;                        // "sweep" | "reapply" | "request"
  std::optional<std::int64_t> batch_id;      // the retention batch that erased it
  std::int64_t bytes = 0;
  std::string erased_at;
  std::string reference;                     // request id or ""
};

// The tombstones of one retention batch, compact: a sweep's batch has up to
// hundreds of thousands, and each TombstoneRecord would hold its own copies
// of the strings all of them share. Records of tenants[t] are
// [tenants[t].begin, tenants[t].end) of the per-record arrays; hashes are
// raw bytes (written as lowercase hex, as TombstoneRecord's).
struct BatchTombstones {
  struct Tenant {
    std::string tenant_id;
    std::size_t begin = 0;
    std::size_t end = 0;
  };
  std::string dataset;
  std::string source;
  std::optional<std::int64_t> batch_id;
  std::string erased_at;
  std::vector<Tenant> tenants;
  std::vector<std::array<unsigned char, 16>> key_hashes;
  std::vector<std::array<unsigned char, 32>> subject_hashes;  // zero where !has_subject
  std::vector<bool> has_subject;
  std::vector<std::int64_t> bytes;

  std::size_t size() const { return key_hashes.size(); }
  // Lowercase hex of n bytes, as the tombstone rows and the audit log hold
  // hashes; append_hex adds it to `out` without a temporary.
  static std::string hex(const unsigned char* p, std::size_t n);
  static void append_hex(std::string& out, const unsigned char* p, std::size_t n);
  // The inverse: false unless `hex` is exactly 2n hex digits.
  static bool unhex(std::string_view hex, unsigned char* out, std::size_t n);
};

// A controller's request to destroy its data before the rules would (adr
// 5.3.11, truffles DPA 3.1.7): records created before `requested_at` become
// due, minimum retention still permitting.
struct DestructionRequestRecord {
  std::int64_t id = 0;
  std::string tenant_id;
  std::optional<std::string> dataset;  // nullopt: every dataset
  std::string requested_at;            // when the controller asked
  std::string reference;               // its letter or ticket
  std::string recorded_at;
  std::string recorded_by;
};

struct TombstoneQuery {
  std::optional<std::string> dataset;
  std::optional<std::string> tenant_id;
  std::optional<std::string> source;
};

// ---- Exports (exports/export_register.h) ----

// One export package written by `dpa export create`: what it holds and how
// to recognise it again (its Payload-Oxum and the hash of its tag manifest),
// never the data.
struct ExportRecord {
  std::string id;                            // "exp-20260521-093000-3f9a"
  std::string tenant_id;
  std::optional<std::string> subject_kind;   // a subject export: the kind,
  std::optional<std::string> subject_hash;   // and the tenant-keyed hash
  std::string datasets;                      // JSON array of dataset names
  std::string format;                        // "zip" | "tar" | "dir"
  std::string path;                          // where it was written
  std::int64_t bytes = 0;                    // payload bytes
  std::int64_t package_bytes = 0;
  std::int64_t files = 0;                    // payload files
  std::string payload_oxum;
  std::string tag_manifest_sha256;
  std::string created_at;
  std::string actor;
  bool within_export_window = false;         // made in a terminated tenant's export window
  std::optional<std::string> no_debt_reference;  // the confirmation a no-debt condition asked for
  std::optional<std::string> request_reference;  // the request it answers (External-Identifier)
};

// A package handed over to its recipient; the transfer-log entry is
// `transfer_id`.
struct ExportHandoverRecord {
  std::int64_t id = 0;
  std::string export_id;
  std::int64_t transfer_id = 0;
  std::string recipient;
  std::string country;
  std::string handed_over_at;
  std::string actor;
};

struct AuditQuery {
  std::optional<std::string> since;   // ISO-8601 UTC, inclusive
  std::optional<std::string> action;  // exact, or prefix ending in '.' ("tenant.")
  std::optional<std::int64_t> limit;
};

// Subject requests (requests/requests.h). A request is mutable only in its
// status fields; what happened to it is the append-only event list.
struct SubjectRequestRecord {
  std::string id;                  // "R-2026-0001": year of receipt, sequence
  std::string tenant_id;
  std::string type;                // "access", ..., "object"
  std::string mode;                // "answer" | "forward"
  std::string channel;             // how it came: "email", "call centre"
  std::string received_at;         // ISO-8601 UTC
  std::optional<std::string> due_at;      // the answer deadline; nullopt: the policy sets none
  std::string due_rule;            // "3wd", "1mo", "" when none
  std::string due_clause;          // "kz Art. 25(2)"
  std::optional<std::string> forward_by;  // forward mode: forward to the controller by then
  std::optional<std::string> forwarded_at;
  std::string forwarded_to;        // who at the controller got it
  std::optional<std::string> extended_until;
  std::string extension_reason;
  std::string extension_clause;
  std::string status;              // "open" | "forwarded" | "closed"
  std::optional<std::string> closed_at;
  std::string outcome;
  std::string opened_at;
  std::string opened_by;
};

// One identifier of a request's subject: its keyed hash, and the value
// encrypted with the tenant key (nonce || ciphertext, see dpa/sealed_box.h).
struct RequestSubjectRecord {
  std::string request_id;
  int position = 0;                // 1, 2, ... in the order given
  std::string kind;                // "phone", "email", "iin", "bin", "name", "key"
  std::string subject_hash;        // tenant-keyed, as holds and suppression lists
  int key_id = 0;                  // the tenant key that sealed the copy
  std::vector<unsigned char> sealed;
};

// What happened to a request: "opened", "extended", "forwarded",
// "fulfilled" (written by `request fulfil`, one per dataset acted on),
// "suppressed", "closed". Never updated or deleted.
struct RequestEventRecord {
  std::int64_t id = 0;
  std::string request_id;
  std::string time;
  std::string event;
  std::string details;             // canonical JSON, hashes only
  std::string actor;
};

// ---- Subject requests: the restriction register ----
// A record that a restriction request (GDPR Art. 18), or an erasure that a
// hold or a minimum retention stopped, marks for no processing. Keyed by
// dataset and record key hash; the customer's tables are not altered.
struct RestrictionRecord {
  std::int64_t id = 0;
  std::string tenant_id;
  std::string dataset;
  std::string key_hash;            // RecordHasher: workspace-keyed hash of dataset and key
  std::string request_id;
  std::string reason;              // "restrict" | "hold" | "minimum-retention"
  std::string clause;              // why it could not be erased ("hold 3 (...)", "adr 5.3.2"), or ""
  std::string created_at;
};

struct SubjectRequestQuery {
  std::optional<std::string> tenant_id;
  bool include_closed = false;
};

// A suppressed (blocked) subject of a tenant: no calls or messages to it
// (autocall 2.2.4-2.2.5; withdrawn consent, objections).
struct SuppressionRecord {
  std::int64_t id = 0;
  std::string tenant_id;
  std::string kind;
  std::string subject_hash;
  std::string reason;              // a policy [[suppression]] id, "withdraw-consent", "object", or "manual"
  std::string clause;              // "autocall 2.2.5.3", "" when none
  std::string note;                // free text, no personal data
  std::string source_request;      // request id or ""
  std::string added_at;
  std::string added_by;
  std::optional<std::string> removed_at;
  std::string removed_by;
  std::string removed_reason;
};

// ---- Incidents (dpa/incidents.h) ----------------------------------------
// A personal data incident. What the DPO writes about it (nature,
// consequences, measures) are append-only updates, so the history of what
// was known when stays; none of it may name a subject.
struct IncidentRecord {
  std::int64_t id = 0;
  std::string detected_at;            // ISO-8601 UTC: deadlines count from here
  std::string opened_at;
  std::string opened_by;
  bool all_tenants = false;           // opened for every tenant (--all)
  std::optional<std::string> closed_at;
  std::optional<std::string> closed_by;
};

// A tenant the incident affects, under the policy it had when the incident
// was opened: each has its own notice deadlines.
struct IncidentTenantRecord {
  std::int64_t incident_id = 0;
  std::string tenant_id;
  std::string policy;
  std::string policy_version;
};

// One recorded fact of an incident: the latest value of a field wins.
struct IncidentUpdateRecord {
  std::int64_t id = 0;
  std::int64_t incident_id = 0;
  std::string field;        // "nature", "consequences", "measures_taken", ...
  std::string value;        // text, or JSON for lists and numbers
  std::string recorded_at;
  std::string recorded_by;
};

// A notice rendered, or given to its recipient.
struct IncidentNoticeRecord {
  std::int64_t id = 0;
  std::int64_t incident_id = 0;
  std::string tenant_id;
  std::string recipient;    // "controller" | "authority" | "subjects"
  std::string event;        // "rendered" | "sent"
  std::string lang;         // "ru" | "en"
  std::string content_hash; // BLAKE2b-256 of the rendered text, hex
  std::string at;           // when it was rendered or given, ISO-8601 UTC
  std::string reference;    // how it was given: "e-mail to dpo@..., ticket 42", or ""
  std::string recorded_at;
  std::string recorded_by;
};

// A lock taken through the state store (StateStore::try_lock). Held until
// destroyed, or until the holding process dies, even by SIGKILL.
class HeldLock {
 public:
  virtual ~HeldLock() = default;
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  // Takes the lock `name` ("retention:calls") without waiting. Every process
  // sharing this state sees it, on any host: SQLite takes an flock(2) on a
  // file beside the database, PostgreSQL a session advisory lock. Returns
  // nullptr when another process holds it, and puts in *holder one line on
  // who does (`what` of theirs, pid, host, since).
  virtual std::unique_ptr<HeldLock> try_lock(const std::string& name, const std::string& what,
                                             std::string* holder) = 0;

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
  // The highest variant of a value's forms, 0 if it has none.
  virtual int vault_last_variant(const std::string& tenant_id, const std::string& value_hash) = 0;
  // Indexes a form's surrogate if it has none yet (forms stored by `token`
  // get theirs on the first `surrogate` run over them).
  virtual void set_vault_form_surrogate(const std::string& tenant_id, const std::string& surface_hash,
                                        const std::string& surrogate_hash,
                                        const std::string& surrogate_fold_hash) = 0;

  // Transfers.
  virtual std::int64_t insert_transfer(const TransferRecord& t) = 0;
  virtual void scan_transfers(const TransferQuery& q,
                              const std::function<bool(const TransferRecord&)>& visit) = 0;

  // Subprocessor register: entries of one policy, ordered by (effective, id).
  virtual std::int64_t insert_subprocessor_entry(const SubprocessorEntryRecord& e) = 0;
  virtual std::vector<SubprocessorEntryRecord> subprocessor_entries(const std::string& policy) = 0;

  // Transfer agreements: of one tenant, or of all when `tenant_id` is empty, by id.
  virtual std::int64_t insert_transfer_agreement(const TransferAgreementRecord& a) = 0;
  virtual std::vector<TransferAgreementRecord> transfer_agreements(const std::string& tenant_id) = 0;
  // Returns false if there is no such agreement or it was revoked already.
  virtual bool revoke_transfer_agreement(std::int64_t id, const std::string& revoked_at) = 0;

  // Retention: legal holds.
  virtual std::int64_t insert_hold(const HoldRecord& h) = 0;
  virtual std::optional<HoldRecord> find_hold(std::int64_t id) = 0;
  // Holds of one tenant (or all), in id order; released ones only if asked.
  virtual std::vector<HoldRecord> list_holds(const std::optional<std::string>& tenant_id,
                                             bool include_released) = 0;
  // Returns false if the hold does not exist or was released already.
  virtual bool release_hold(std::int64_t id, const std::string& released_at,
                            const std::string& released_by) = 0;

  // Retention: sweep runs, their batches and the erasure ledger.
  virtual std::int64_t insert_retention_run(const RetentionRunRecord& r) = 0;
  virtual void finish_retention_run(std::int64_t id, const std::string& status,
                                    const std::string& finished_at) = 0;
  // Runs still "running" when no process runs (the caller holds the
  // retention lock) were killed: marks them "interrupted"; returns how many.
  virtual int mark_interrupted_retention_runs(const std::string& finished_at) = 0;
  virtual std::int64_t insert_retention_batch(const RetentionBatchRecord& b) = 0;
  // Batches left in state "intent" by a process that died, oldest first.
  virtual std::vector<RetentionBatchRecord> pending_retention_batches() = 0;
  // intent -> done. Returns false (and changes nothing) unless the batch was
  // in state intent: this is what makes a batch's audit entry exactly-once.
  virtual bool complete_retention_batch(std::int64_t id, std::int64_t deleted, std::int64_t bytes,
                                        const std::string& done_at) = 0;
  // One row per record (subject requests' erasures).
  virtual void insert_tombstones(const std::vector<TombstoneRecord>& tombstones) = 0;
  // A batch's tombstones, packed: one row per tenant of the batch (up to
  // 16384 records each) holding the raw hashes and sizes, not one row and
  // two index entries per record. Read back as TombstoneRecords (id 0).
  virtual void insert_batch_tombstones(const BatchTombstones& t) = 0;
  // The batch's tombstones, tenant by tenant as inserted.
  virtual std::vector<TombstoneRecord> batch_tombstones(std::int64_t batch_id) = 0;
  // Drops the tombstones of the batch named by one of `records`, as
  // (tenant_id, key_hash) pairs: records the batch did not erase after all.
  // The tenant is part of the name: two tenants' records may share a key.
  virtual void drop_batch_tombstones(std::int64_t batch_id,
                                     const std::vector<std::pair<std::string, std::string>>& records) = 0;
  // Rows first, then packs, each in id order; stops when `visit` returns false.
  virtual void scan_tombstones(const TombstoneQuery& q,
                               const std::function<bool(const TombstoneRecord&)>& visit) = 0;
  // Distinct (dataset, tenant) pairs with tombstones of `source` (any if nullopt).
  virtual std::vector<std::pair<std::string, std::string>> tombstone_groups(
      const std::optional<std::string>& source) = 0;
  // The raw key hashes (16 bytes each, as RecordHasher::key_hash_raw) of
  // the tombstones `q` selects, rows and packs, in no particular order and
  // possibly repeated: what re-applying the ledger compares record keys
  // with, without a TombstoneRecord and two hex strings per record.
  virtual std::vector<std::array<unsigned char, 16>> tombstone_key_hashes(const TombstoneQuery& q) = 0;
  virtual std::int64_t insert_destruction_request(const DestructionRequestRecord& r) = 0;
  virtual std::vector<DestructionRequestRecord> destruction_requests(const std::optional<std::string>& tenant_id) = 0;
  // Crypto-shredding: wipes the wrapped key material of every key of the
  // tenant not destroyed yet and stamps destroyed_at; returns how many.
  virtual int destroy_tenant_keys(const std::string& tenant_id, const std::string& destroyed_at) = 0;

  // Exports: packages written and their handovers.
  virtual void insert_export(const ExportRecord& e) = 0;
  virtual std::optional<ExportRecord> find_export(const std::string& id) = 0;
  // Of one tenant (or all), oldest first.
  virtual std::vector<ExportRecord> list_exports(const std::optional<std::string>& tenant_id) = 0;
  virtual std::int64_t insert_export_handover(const ExportHandoverRecord& h) = 0;
  virtual std::vector<ExportHandoverRecord> export_handovers(const std::string& export_id) = 0;
  // Subject requests: the request, its subjects and events. Request ids are
  // allocated by next_subject_request_number inside the opening transaction.
  virtual int next_subject_request_number(const std::string& year) = 0;
  virtual void insert_subject_request(const SubjectRequestRecord& r) = 0;
  virtual void update_subject_request(const SubjectRequestRecord& r) = 0;
  virtual std::optional<SubjectRequestRecord> find_subject_request(const std::string& id) = 0;
  // By received_at, then id.
  virtual std::vector<SubjectRequestRecord> list_subject_requests(const SubjectRequestQuery& q) = 0;
  virtual void insert_request_subject(const RequestSubjectRecord& s) = 0;
  virtual std::vector<RequestSubjectRecord> request_subjects(const std::string& request_id) = 0;
  virtual std::int64_t insert_request_event(const RequestEventRecord& e) = 0;
  virtual std::vector<RequestEventRecord> request_events(const std::string& request_id) = 0;

  // Suppression lists. At most one entry in force per (tenant, kind, hash).
  virtual std::optional<SuppressionRecord> active_suppression(const std::string& tenant_id,
                                                              const std::string& kind,
                                                              const std::string& subject_hash) = 0;
  virtual std::int64_t insert_suppression(const SuppressionRecord& s) = 0;
  // Returns false if the entry does not exist or was removed already.
  virtual bool remove_suppression(std::int64_t id, const std::string& removed_at, const std::string& removed_by,
                                  const std::string& removed_reason) = 0;
  // Entries of one tenant in id order; removed ones only if asked.
  virtual std::vector<SuppressionRecord> list_suppressions(const std::string& tenant_id, bool include_removed) = 0;
  // Calls `visit` with each hash in force of `kind` for the tenant.
  virtual void scan_active_suppression_hashes(const std::string& tenant_id, const std::string& kind,
                                              const std::function<void(const std::string&)>& visit) = 0;

  // Subject requests: the restriction register. Inserting a (dataset,
  // key_hash) already registered for the same request is a no-op.
  virtual void insert_restrictions(const std::vector<RestrictionRecord>& r) = 0;
  // Of one tenant (every tenant with ""), in id order.
  virtual std::vector<RestrictionRecord> list_restrictions(const std::string& tenant_id) = 0;

  // Audit log. Rows are only ever appended.
  virtual std::optional<AuditRecord> audit_head() = 0;
  virtual void insert_audit(const AuditRecord& r) = 0;
  // Calls `visit` for each entry in sequence order; stops when it returns false.
  virtual void scan_audit(const AuditQuery& q, const std::function<bool(const AuditRecord&)>& visit) = 0;
  virtual std::int64_t audit_size() = 0;
  virtual void insert_checkpoint(const CheckpointRecord& c) = 0;
  virtual std::vector<CheckpointRecord> checkpoints() = 0;
  virtual std::optional<CheckpointRecord> latest_checkpoint() = 0;

  // Incidents. Updates and notices are only ever appended.
  virtual std::int64_t insert_incident(const IncidentRecord& incident,
                                       const std::vector<IncidentTenantRecord>& tenants) = 0;
  virtual std::optional<IncidentRecord> find_incident(std::int64_t id) = 0;
  virtual std::vector<IncidentRecord> list_incidents() = 0;  // by id
  virtual std::vector<IncidentTenantRecord> incident_tenants(std::int64_t incident_id) = 0;
  virtual std::int64_t insert_incident_update(const IncidentUpdateRecord& u) = 0;
  virtual std::vector<IncidentUpdateRecord> incident_updates(std::int64_t incident_id) = 0;  // by id
  // Returns false if there is no such incident or it was closed already.
  virtual bool close_incident(std::int64_t id, const std::string& closed_at, const std::string& closed_by) = 0;
  virtual std::int64_t insert_incident_notice(const IncidentNoticeRecord& n) = 0;
  virtual std::vector<IncidentNoticeRecord> incident_notices(std::int64_t incident_id) = 0;  // by id

  // Audit report: retention batches completed in [since, until), by done_at.
  virtual std::vector<RetentionBatchRecord> retention_batches_done(const std::string& since,
                                                                   const std::string& until) = 0;
};

}  // namespace dpa

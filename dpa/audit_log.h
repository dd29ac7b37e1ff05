// The hash-chained, signed, append-only audit log.
//
// Each entry's hash is BLAKE2b-256 over its fields and the previous entry's
// hash, so altering, removing or reordering any entry breaks the chain from
// there on. Every append also writes a checkpoint: a signed note (in the
// C2SP signed-note format) over the log size and head hash, so that an
// attacker who rewrites the whole chain after an edit is caught by the
// signatures, and one who also drops the checkpoints is caught by a
// checkpoint anchored elsewhere (`dpa audit checkpoint` prints it;
// `dpa audit verify --checkpoint FILE` checks the log against it).
//
// Details never hold raw personal data: callers pass keyed hashes
// (Keyring::workspace_hash, tenant subject hashes) instead of values.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dpa/state_store.h"

namespace dpa {

class Keyring;

struct AuditProblem {
  std::int64_t seq = 0;     // entry concerned, or checkpoint size
  std::string message;
};

struct AuditVerifyReport {
  std::int64_t entries = 0;
  std::int64_t checkpoints = 0;
  std::string head_hash;
  std::vector<AuditProblem> problems;   // in log order; the first is the first broken entry
  bool ok() const { return problems.empty(); }
};

struct ParsedCheckpoint {
  std::string origin;
  std::int64_t size = 0;
  std::string head_hash;   // hex
  std::string body;        // the signed text
  std::string key_name;
  std::string signature;   // raw: 4-byte key id || 64-byte Ed25519 signature
};

class AuditLog {
 public:
  static constexpr const char* kGenesisHash =
      "0000000000000000000000000000000000000000000000000000000000000000";

  // `origin` names this log in checkpoints ("dpa-audit/<workspace id>").
  AuditLog(StateStore& store, const Keyring& keys, std::string origin, std::string actor);

  // Appends one entry and its checkpoint in one transaction (joining the
  // caller's, so the state change and its record commit together).
  AuditRecord append(std::string_view action, std::string_view object,
                     const nlohmann::json& details);
  // The same with the details already as text, exactly as
  // nlohmann::json::dump() writes them (a JSON object, keys sorted, no
  // spaces): for an entry too large to build as a JSON value first, such
  // as a retention batch's million key hashes.
  AuditRecord append_text(std::string_view action, std::string_view object, std::string details);

  // Walks the whole chain and every stored checkpoint; with `anchored`, also
  // checks the log against a checkpoint kept outside the workspace, and with
  // `public_key` uses that key instead of the workspace's own.
  AuditVerifyReport verify(const std::optional<std::string>& anchored = std::nullopt,
                           const std::optional<std::array<unsigned char, 32>>& public_key = std::nullopt);

  // The hash an entry must carry, from its other fields.
  static std::string compute_hash(const AuditRecord& r);
  std::string make_checkpoint(std::int64_t size, const std::string& head_hash) const;
  // Throws InputError if `note` is not a well-formed checkpoint.
  static ParsedCheckpoint parse_checkpoint(const std::string& note);

  const std::string& origin() const { return origin_; }

 private:
  StateStore& store_;
  const Keyring& keys_;
  std::string origin_;
  std::string actor_;
};

// user@host of this process, for entries without --actor.
std::string default_actor();

}  // namespace dpa

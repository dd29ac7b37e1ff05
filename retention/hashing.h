// The keyed hashes that name records and subjects in the state, the erasure
// ledger and the audit log, instead of their values.
//
// - A record's key hash is keyed by the workspace (the master key), so it
//   outlives the tenant's key: the ledger can still recognise a record that a
//   backup restore brings back after its tenant's key was destroyed. It is
//   the first 128 bits of keyed BLAKE2b over the dataset name and the key.
// - A subject hash is keyed by the tenant's key (KeyPurpose::kSubjects) over
//   "kind:normalized value": destroying the tenant key makes it unlinkable.
#pragma once

#include <sodium.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "dpa/secret_key.h"

namespace dpa {
class Keyring;
}

namespace dpa::retention {

class RecordHasher {
 public:
  explicit RecordHasher(const Keyring& keys);
  // 32 hex characters.
  std::string key_hash(std::string_view dataset, std::string_view key) const;
  // The same hash as raw bytes (key_hash is their lowercase hex).
  std::array<unsigned char, 16> key_hash_raw(std::string_view dataset, std::string_view key) const;

 private:
  SecretKey key_;
  // The hash state after the key and the dataset name: a sweep hashes the
  // keys of one dataset at a time, and copying the state saves a BLAKE2b
  // initialisation (a compression of the key block) per record.
  mutable std::string prefix_dataset_;
  mutable crypto_generichash_state prefix_{};
  mutable bool has_prefix_ = false;
};

// The canonical form of a subject identifier, so that "8 701 123-45-67" and
// "+77011234567" hash alike: anonymize::normalize_subject_value (E.164
// phones, case-folded e-mail addresses and names, iin/bin digits); it never
// throws, so malformed stored values still hash the same way every time.
std::string normalize_subject(std::string_view kind, std::string_view value);

class SubjectHasher {
 public:
  explicit SubjectHasher(const SecretKey& tenant_key);
  // 64 hex characters; keyed BLAKE2b-256 of "kind:normalized".
  std::string hash(std::string_view kind, std::string_view value) const;
  // The same hash as raw bytes (hash is their lowercase hex).
  std::array<unsigned char, 32> hash_raw(std::string_view kind, std::string_view value) const;

 private:
  SecretKey key_;
  crypto_generichash_state keyed_{};  // initialised with key_, reused by copy
};

}  // namespace dpa::retention

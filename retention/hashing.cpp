#include "retention/hashing.h"

#include <sodium.h>

#include "anonymize/subject_id.h"
#include "dpa/error.h"
#include "dpa/keyring.h"
#include "dpa/state_store.h"

namespace dpa::retention {

RecordHasher::RecordHasher(const Keyring& keys) {
  // A subkey of the workspace hash key: derived once, so that hashing a
  // million keys costs one BLAKE2b each.
  std::string hex = keys.workspace_hash("dpa-retention-record-key-v1");
  std::size_t len = 0;
  if (sodium_hex2bin(key_.data(), SecretKey::kSize, hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != SecretKey::kSize) {
    throw Error(ExitStatus::kInternal, "cannot derive the record key hash key");
  }
}

std::array<unsigned char, 16> RecordHasher::key_hash_raw(std::string_view dataset, std::string_view key) const {
  if (!has_prefix_ || prefix_dataset_ != dataset) {
    crypto_generichash_init(&prefix_, key_.data(), SecretKey::kSize, 16);
    // Length-prefixed, so that no (dataset, key) pair collides with another.
    unsigned char len[8];
    std::uint64_t n = dataset.size();
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
    crypto_generichash_update(&prefix_, len, sizeof len);
    crypto_generichash_update(&prefix_, reinterpret_cast<const unsigned char*>(dataset.data()), dataset.size());
    prefix_dataset_.assign(dataset);
    has_prefix_ = true;
  }
  crypto_generichash_state st = prefix_;
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  std::array<unsigned char, 16> out{};
  crypto_generichash_final(&st, out.data(), out.size());
  return out;
}

std::string RecordHasher::key_hash(std::string_view dataset, std::string_view key) const {
  const auto raw = key_hash_raw(dataset, key);
  return BatchTombstones::hex(raw.data(), raw.size());
}

std::string normalize_subject(std::string_view kind, std::string_view value) {
  // One normalization for holds, requests, suppression lists and exports.
  return anonymize::normalize_subject_value(kind, value);
}

SubjectHasher::SubjectHasher(const SecretKey& tenant_key) : key_(tenant_key.derive(KeyPurpose::kSubjects)) {
  crypto_generichash_init(&keyed_, key_.data(), SecretKey::kSize, 32);
}

std::array<unsigned char, 32> SubjectHasher::hash_raw(std::string_view kind, std::string_view value) const {
  // Keyed BLAKE2b-256 of "kind:normalized", as SecretKey::keyed_hash_hex,
  // from a copy of the keyed initial state.
  const std::string normalized = normalize_subject(kind, value);
  crypto_generichash_state st = keyed_;
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kind.data()), kind.size());
  const unsigned char colon = ':';
  crypto_generichash_update(&st, &colon, 1);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(normalized.data()), normalized.size());
  std::array<unsigned char, 32> out{};
  crypto_generichash_final(&st, out.data(), out.size());
  return out;
}

std::string SubjectHasher::hash(std::string_view kind, std::string_view value) const {
  const auto raw = hash_raw(kind, value);
  return BatchTombstones::hex(raw.data(), raw.size());
}

}  // namespace dpa::retention

// A 32-byte secret that wipes itself and never prints.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace dpa {

// Purposes a tenant key is split into; a subkey of one purpose says nothing
// about another (libsodium crypto_kdf). Values are part of the on-disk format.
enum class KeyPurpose : std::uint64_t {
  kTokens = 1,      // keyed hashes behind `token` pseudonyms
  kVault = 2,       // encryption of originals in the pseudonym vault
  kSurrogates = 3,  // seeds of deterministic surrogate values
  kSubjects = 4,    // keyed hashes of data-subject identifiers
  kWrapping = 5,    // (master key only) wrapping of tenant keys
  kAuditHash = 6,   // (master key only) subject hashes in workspace-wide records
};

class SecretKey {
 public:
  static constexpr std::size_t kSize = 32;

  SecretKey();  // zeros
  ~SecretKey();
  SecretKey(const SecretKey& other);
  SecretKey& operator=(const SecretKey& other);

  static SecretKey random();
  // Throws WorkspaceError if `b64` is not base64 of exactly 32 bytes;
  // `origin` names the file or variable (never the value).
  static SecretKey from_base64(std::string_view b64, const std::string& origin);
  std::string to_base64() const;

  // A subkey for `purpose`, independent of every other purpose.
  SecretKey derive(KeyPurpose purpose) const;

  const unsigned char* data() const { return bytes_.data(); }
  unsigned char* data() { return bytes_.data(); }

  // Keyed BLAKE2b-256 of `message` under this key, as hex.
  std::string keyed_hash_hex(std::string_view message) const;

 private:
  std::array<unsigned char, kSize> bytes_{};
};

std::string to_hex(const unsigned char* data, std::size_t size);
std::string to_base64(const unsigned char* data, std::size_t size);
// Throws std::invalid_argument on malformed input.
std::string from_base64(std::string_view b64);

}  // namespace dpa

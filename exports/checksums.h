// SHA-256 and SHA-512 of one stream at once (libsodium), so that each byte
// of a payload file is read once and hashed for both manifests.
#pragma once

#include <sodium.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace dpa::exports {

class DualHasher {
 public:
  DualHasher();
  void update(const void* data, std::size_t n);
  // Finishes both hashes (once): lowercase hex.
  void finish(std::string& sha256_hex, std::string& sha512_hex);

 private:
  crypto_hash_sha256_state sha256_;
  crypto_hash_sha512_state sha512_;
};

std::string sha256_hex(std::string_view data);
std::string sha512_hex(std::string_view data);

}  // namespace dpa::exports

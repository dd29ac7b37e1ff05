#include "exports/checksums.h"

#include <stdexcept>

#include "dpa/secret_key.h"

namespace dpa::exports {

DualHasher::DualHasher() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
  crypto_hash_sha256_init(&sha256_);
  crypto_hash_sha512_init(&sha512_);
}

void DualHasher::update(const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  crypto_hash_sha256_update(&sha256_, p, n);
  crypto_hash_sha512_update(&sha512_, p, n);
}

void DualHasher::finish(std::string& sha256, std::string& sha512) {
  unsigned char a[crypto_hash_sha256_BYTES], b[crypto_hash_sha512_BYTES];
  crypto_hash_sha256_final(&sha256_, a);
  crypto_hash_sha512_final(&sha512_, b);
  sha256 = to_hex(a, sizeof a);
  sha512 = to_hex(b, sizeof b);
}

std::string sha256_hex(std::string_view data) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return to_hex(out, sizeof out);
}

std::string sha512_hex(std::string_view data) {
  unsigned char out[crypto_hash_sha512_BYTES];
  crypto_hash_sha512(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return to_hex(out, sizeof out);
}

}  // namespace dpa::exports

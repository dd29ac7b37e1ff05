#include "dpa/secret_key.h"

#include <sodium.h>

#include <stdexcept>

#include "dpa/error.h"

namespace dpa {
namespace {

struct SodiumInit {
  SodiumInit() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
  }
};

void ensure_sodium() { static SodiumInit init; }

// crypto_kdf needs an 8-byte context; one constant for every dpa subkey.
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "dpa-key1";

}  // namespace

SecretKey::SecretKey() { ensure_sodium(); }
SecretKey::~SecretKey() { sodium_memzero(bytes_.data(), bytes_.size()); }
SecretKey::SecretKey(const SecretKey& other) : bytes_(other.bytes_) {}
SecretKey& SecretKey::operator=(const SecretKey& other) {
  bytes_ = other.bytes_;
  return *this;
}

SecretKey SecretKey::random() {
  SecretKey k;
  randombytes_buf(k.bytes_.data(), k.bytes_.size());
  return k;
}

SecretKey SecretKey::from_base64(std::string_view b64, const std::string& origin) {
  std::string raw;
  try {
    raw = dpa::from_base64(b64);
  } catch (const std::invalid_argument&) {
    throw WorkspaceError(origin + " does not hold a base64 key; restore it from your backup");
  }
  if (raw.size() != kSize) {
    sodium_memzero(raw.data(), raw.size());
    throw WorkspaceError(origin + " holds a key of the wrong length (want 32 bytes); restore it from your backup");
  }
  SecretKey k;
  std::copy(raw.begin(), raw.end(), k.bytes_.begin());
  sodium_memzero(raw.data(), raw.size());
  return k;
}

std::string SecretKey::to_base64() const { return dpa::to_base64(bytes_.data(), bytes_.size()); }

SecretKey SecretKey::derive(KeyPurpose purpose) const {
  SecretKey sub;
  crypto_kdf_derive_from_key(sub.bytes_.data(), sub.bytes_.size(),
                             static_cast<std::uint64_t>(purpose), kKdfContext, bytes_.data());
  return sub;
}

std::string SecretKey::keyed_hash_hex(std::string_view message) const {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), bytes_.data(), bytes_.size());
  return to_hex(out, sizeof out);
}

std::string to_hex(const unsigned char* data, std::size_t size) {
  ensure_sodium();
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.pop_back();
  return out;
}

std::string to_base64(const unsigned char* data, std::size_t size) {
  ensure_sodium();
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_ENCODED_LEN(size, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, variant);
  out.resize(out.size() - 1);
  return out;
}

std::string from_base64(std::string_view b64) {
  ensure_sodium();
  std::string out(b64.size(), '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), b64.data(),
                        b64.size(), " \t\r\n", &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != b64.data() + b64.size()) {
    throw std::invalid_argument("malformed base64");
  }
  out.resize(len);
  return out;
}

}  // namespace dpa

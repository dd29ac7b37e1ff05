#include "dpa/sealed_box.h"

#include <sodium.h>

namespace dpa {
namespace {
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
}  // namespace

std::vector<unsigned char> seal_value(const SecretKey& key, std::string_view plaintext,
                                      std::string_view ad) {
  std::vector<unsigned char> out(kNonce + plaintext.size() + kTag);
  randombytes_buf(out.data(), kNonce);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + kNonce, &clen, reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, out.data(), key.data());
  return out;
}

std::optional<std::string> open_value(const SecretKey& key, const std::vector<unsigned char>& sealed,
                                      std::string_view ad) {
  if (sealed.size() < kNonce + kTag) return std::nullopt;
  std::string out(sealed.size() - kNonce - kTag, '\0');
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &mlen, nullptr, sealed.data() + kNonce,
          sealed.size() - kNonce, reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), sealed.data(),
          key.data()) != 0) {
    return std::nullopt;
  }
  out.resize(mlen);
  return out;
}

}  // namespace dpa

#include "dpa/keyring.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "dpa/error.h"

namespace dpa {
namespace {

namespace fs = std::filesystem;

// Writes `content` to a new file of `mode`; never follows or replaces
// an existing file (O_EXCL), so a key is never overwritten by accident.
void write_new_file(const fs::path& path, const std::string& content, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) {
    throw WorkspaceError(fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
  }
  ::fchmod(fd, mode);  // umask may have cleared bits of a public file
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      throw WorkspaceError(fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    throw WorkspaceError(fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  }
}

std::string read_key_text(const fs::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw WorkspaceError(fmt::format("cannot read {}; is this a dpa workspace? (run `dpa init`)",
                                     path.string()));
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// The key's base64 text: the environment variable if set, else the file.
std::pair<std::string, std::string> key_source(const char* env, const fs::path& file) {
  if (const char* v = std::getenv(env); v && *v) return {v, std::string("$") + env};
  return {read_key_text(file), file.string()};
}

std::string associated_data(std::string_view tenant_id, int key_id) {
  std::string ad = "dpa tenant key v1";
  ad.push_back('\0');
  ad.append(tenant_id);
  ad.push_back('\0');
  ad.append(std::to_string(key_id));
  return ad;
}

}  // namespace

void Keyring::create(const fs::path& keys_dir) {
  std::error_code ec;
  fs::create_directories(keys_dir, ec);
  if (ec) throw WorkspaceError(fmt::format("cannot create {}: {}", keys_dir.string(), ec.message()));
  ::chmod(keys_dir.c_str(), 0700);

  for (const char* name : {kMasterKeyFile, kSigningKeyFile, kPublicKeyFile}) {
    if (fs::exists(keys_dir / name)) {
      throw WorkspaceError(fmt::format("{} exists already; refusing to replace a key",
                                       (keys_dir / name).string()));
    }
  }
  SecretKey master = SecretKey::random();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  // The 32-byte seed is enough to rebuild the key pair; store only it.
  unsigned char seed[crypto_sign_SEEDBYTES];
  crypto_sign_ed25519_sk_to_seed(seed, sk);

  write_new_file(keys_dir / kMasterKeyFile, master.to_base64() + "\n", 0600);
  write_new_file(keys_dir / kSigningKeyFile, to_base64(seed, sizeof seed) + "\n", 0600);
  write_new_file(keys_dir / kPublicKeyFile, to_base64(pk, sizeof pk) + "\n", 0644);
  sodium_memzero(sk, sizeof sk);
  sodium_memzero(seed, sizeof seed);
}

void Keyring::check_permissions(const fs::path& keys_dir) {
  for (const char* name : {kMasterKeyFile, kSigningKeyFile}) {
    fs::path file = keys_dir / name;
    struct stat st {};
    if (::lstat(file.c_str(), &st) != 0) continue;  // may come from the environment
    if (!S_ISREG(st.st_mode)) {
      throw WorkspaceError(fmt::format("{} is not a regular file; refusing to use it", file.string()));
    }
    if (st.st_mode & 0077) {
      throw WorkspaceError(fmt::format(
          "{} is accessible by group or others (mode {:04o}); run `chmod 600 {}` and rotate the key if it may have leaked",
          file.string(), st.st_mode & 07777, file.string()));
    }
  }
}

Keyring Keyring::load(const fs::path& keys_dir) {
  check_permissions(keys_dir);
  Keyring k;
  auto [master_text, master_origin] = key_source("DPA_MASTER_KEY", keys_dir / kMasterKeyFile);
  k.master_ = SecretKey::from_base64(trim(master_text), master_origin);
  sodium_memzero(master_text.data(), master_text.size());

  auto [seed_text, seed_origin] = key_source("DPA_AUDIT_SIGNING_KEY", keys_dir / kSigningKeyFile);
  SecretKey seed = SecretKey::from_base64(trim(seed_text), seed_origin);
  sodium_memzero(seed_text.data(), seed_text.size());
  crypto_sign_seed_keypair(k.public_key_.data(), k.signing_secret_.data(), seed.data());
  return k;
}

std::vector<unsigned char> Keyring::wrap_tenant_key(std::string_view tenant_id, int key_id,
                                                    const SecretKey& key) const {
  SecretKey wrapping = master_.derive(KeyPurpose::kWrapping);
  std::string ad = associated_data(tenant_id, key_id);
  std::vector<unsigned char> out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + SecretKey::kSize +
                                 crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned char* nonce = out.data();
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen, key.data(), SecretKey::kSize,
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, nonce, wrapping.data());
  return out;
}

SecretKey Keyring::unwrap_tenant_key(std::string_view tenant_id, int key_id,
                                     const std::vector<unsigned char>& wrapped) const {
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  constexpr std::size_t kExpected = kNonce + SecretKey::kSize + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (wrapped.size() != kExpected) {
    throw WorkspaceError(fmt::format("the key of tenant '{}' (key id {}) is damaged", tenant_id, key_id));
  }
  SecretKey wrapping = master_.derive(KeyPurpose::kWrapping);
  std::string ad = associated_data(tenant_id, key_id);
  SecretKey key;
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          key.data(), &mlen, nullptr, wrapped.data() + kNonce, wrapped.size() - kNonce,
          reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), wrapped.data(),
          wrapping.data()) != 0) {
    throw WorkspaceError(fmt::format(
        "the key of tenant '{}' (key id {}) does not open with this master key; "
        "is DPA_MASTER_KEY or keys/master.key from another workspace?",
        tenant_id, key_id));
  }
  return key;
}

std::array<unsigned char, 64> Keyring::sign(std::string_view message) const {
  std::array<unsigned char, 64> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), signing_secret_.data());
  return sig;
}

bool Keyring::verify(std::string_view message, const unsigned char* signature,
                     const std::array<unsigned char, 32>& public_key) {
  return crypto_sign_verify_detached(signature,
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), public_key.data()) == 0;
}

std::string Keyring::workspace_hash(std::string_view value) const {
  return master_.derive(KeyPurpose::kAuditHash).keyed_hash_hex(value);
}

}  // namespace dpa

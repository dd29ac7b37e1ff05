// The workspace's keys: a master key and an Ed25519 audit signing key.
//
// They live in <home>/keys/ as base64 text files of mode 0600, or come from
// the environment (DPA_MASTER_KEY, DPA_AUDIT_SIGNING_KEY: base64), which wins
// over the files so that fleet hosts need not keep keys on disk. A key file
// that group or others can read makes every command refuse to run: a leaked
// master key unwraps every tenant key.
//
// Tenant keys are random, stored in the state database wrapped (encrypted
// and authenticated) with a subkey of the master key, bound to the tenant
// and key id so that a wrapped key cannot be moved to another tenant.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "dpa/secret_key.h"

namespace dpa {

class Keyring {
 public:
  static constexpr const char* kMasterKeyFile = "master.key";
  static constexpr const char* kSigningKeyFile = "audit-signing.key";
  static constexpr const char* kPublicKeyFile = "audit-signing.pub";

  // Creates keys_dir (0700) with a new master key and signing key (0600) and
  // the public key (0644). Throws WorkspaceError if any key file exists.
  static void create(const std::filesystem::path& keys_dir);

  // Loads the keys, environment first. Throws WorkspaceError if a key is
  // missing, malformed, or its file is readable by group or others.
  static Keyring load(const std::filesystem::path& keys_dir);

  // Refuses key files with group/other permission bits; names the fix.
  static void check_permissions(const std::filesystem::path& keys_dir);

  std::vector<unsigned char> wrap_tenant_key(std::string_view tenant_id, int key_id,
                                             const SecretKey& key) const;
  // Throws WorkspaceError if the wrapped key fails authentication.
  SecretKey unwrap_tenant_key(std::string_view tenant_id, int key_id,
                              const std::vector<unsigned char>& wrapped) const;

  // Ed25519 detached signature of `message` (64 bytes).
  std::array<unsigned char, 64> sign(std::string_view message) const;
  const std::array<unsigned char, 32>& public_key() const { return public_key_; }
  static bool verify(std::string_view message, const unsigned char* signature,
                     const std::array<unsigned char, 32>& public_key);

  // Keyed hash for workspace-wide records that must name a subject without
  // revealing it (a tenant-scoped hash lives with the tenant's key).
  std::string workspace_hash(std::string_view value) const;

 private:
  SecretKey master_;
  std::array<unsigned char, 64> signing_secret_{};
  std::array<unsigned char, 32> public_key_{};
};

}  // namespace dpa

// Authenticated encryption of one small value under a 32-byte key:
// XChaCha20-Poly1305 (libsodium IETF AEAD) with a random nonce, stored as
// nonce || ciphertext || tag. The associated data binds the ciphertext to
// where it is stored (tenant, table, row), so a sealed value copied to
// another row does not open. Used by the pseudonym vault and the
// encrypted copies of subject-request identifiers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dpa/secret_key.h"

namespace dpa {

std::vector<unsigned char> seal_value(const SecretKey& key, std::string_view plaintext,
                                      std::string_view associated_data);
// nullopt if the sealed value is malformed or fails authentication (wrong
// key, wrong associated data, tampered bytes).
std::optional<std::string> open_value(const SecretKey& key, const std::vector<unsigned char>& sealed,
                                      std::string_view associated_data);

}  // namespace dpa

// Shared by the export tests: a signing key pair, and small bags made with
// the library's writer.
#pragma once

#include <sodium.h>

#include <array>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "exports/bag_writer.h"

namespace dpa::test {

struct TestKeys {
  std::array<unsigned char, 32> pk{};
  std::array<unsigned char, 64> sk{};
  TestKeys() {
    if (sodium_init() < 0) throw std::runtime_error("sodium");
    crypto_sign_keypair(pk.data(), sk.data());
  }
  exports::Signer signer() const {
    return [this](std::string_view m) {
      std::array<unsigned char, 64> sig{};
      crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(m.data()), m.size(), sk.data());
      return sig;
    };
  }
};

}  // namespace dpa::test

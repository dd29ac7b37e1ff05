// Verifies a BagIt bag (RFC 8493 §3) as a folder, a zip or a tar archive,
// streaming: every file is read once, whatever the package's size.
//
// Checks: bagit.txt (version, encoding); at least one payload manifest of a
// supported algorithm (sha256, sha512); every manifest path safe (relative,
// no "..", under data/ for payload manifests); every listed file present
// with the listed checksum; every payload file listed in every payload
// manifest; Payload-Oxum; the tag manifest's entries; and the Ed25519
// signature of the tag manifest when a public key is given. Every problem
// is reported, not only the first.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "exports/bag_format.h"

namespace dpa::exports {

struct BagProblem {
  std::string path;     // the file concerned ("data/calls.csv"), or "" for the bag
  std::string message;  // one line
};

enum class SignatureStatus { kValid, kInvalid, kMissing, kUnchecked };
std::string to_string(SignatureStatus s);

struct BagVerifyReport {
  std::string format;  // "dir" | "zip" | "tar"
  std::uint64_t payload_files = 0;
  std::uint64_t payload_bytes = 0;
  std::vector<std::string> manifests;  // "sha256", "sha512"
  BagInfo info;
  std::string tag_manifest_sha256;     // "" if there is none
  SignatureStatus signature = SignatureStatus::kUnchecked;
  std::vector<BagProblem> problems;
  bool ok() const { return problems.empty(); }
};

// Throws InputError if `path` is neither a folder nor a readable zip or tar.
// With `public_key`, a missing or wrong signature is a problem; without,
// the signature is reported unchecked.
BagVerifyReport verify_bag(const std::filesystem::path& path,
                           const std::optional<std::array<unsigned char, 32>>& public_key);

}  // namespace dpa::exports

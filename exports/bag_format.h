// The text formats of a BagIt bag (RFC 8493, BagIt 1.0): bagit.txt,
// manifests, bag-info.txt. Shared by the writer and the verifier so that
// both read the RFC the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dpa::exports {

// bagit.txt, exactly (RFC 8493 §2.1.1).
inline constexpr std::string_view kBagitTxt = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

// A path in a manifest line (§2.1.3): only CR, LF and '%' are
// percent-encoded (%0D, %0A, %25); everything else, spaces and non-ASCII
// UTF-8 included, is written as it is.
std::string encode_manifest_path(std::string_view path);
// The inverse; nullopt on a malformed escape.
std::optional<std::string> decode_manifest_path(std::string_view encoded);

// Whether `path` may name a file of a bag (§2.1.3, §4.1 on security): relative,
// '/'-separated, no empty, "." or ".." segment, no NUL, valid UTF-8.
bool is_safe_bag_path(std::string_view path);

struct ManifestEntry {
  std::string checksum;  // lowercase hex
  std::string path;      // decoded, relative to the bag
};

struct ManifestParse {
  std::vector<ManifestEntry> entries;
  std::vector<std::string> problems;  // "line 3: ..." for every malformed line
};

// One "<checksum> <path>" line per file; any run of whitespace separates the
// two (§2.1.3 allows one or more spaces or tabs after the checksum).
ManifestParse parse_manifest(std::string_view text, std::size_t hex_digits);

// bag-info.txt (§2.2.2): "Label: value" lines; a line starting with
// whitespace continues the previous value. Labels keep their order.
using BagInfo = std::vector<std::pair<std::string, std::string>>;
std::string format_bag_info(const BagInfo& info);
// nullopt when a line is neither a label nor a continuation.
std::optional<BagInfo> parse_bag_info(std::string_view text);
std::optional<std::string> bag_info_value(const BagInfo& info, std::string_view label);

// Payload-Oxum "octets.streamcount" (§2.2.2).
std::string format_oxum(std::uint64_t octets, std::uint64_t files);
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_oxum(std::string_view text);

// Bag-Size, for people: "1.2 GB" (decimal units, as the LoC tools write it).
std::string human_size(std::uint64_t bytes);

}  // namespace dpa::exports

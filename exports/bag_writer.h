// Writes a BagIt 1.0 bag (RFC 8493) into a PackageSink, one payload file at
// a time, hashing each byte once as it goes to the sink (SHA-256 and
// SHA-512 together), and ends it with the tag files, the tag manifest and
// a detached Ed25519 signature of the tag manifest.
//
// Memory does not depend on the data: payload files are streamed in 1 MiB
// blocks; generated files (a table's JSON Lines and CSV, written together
// from one read) go through spool files in the scratch folder, hashed as
// they are written, then moved (folder) or copied (archive) into place; and
// manifest lines are spooled to disk as well.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exports/bag_format.h"
#include "exports/package_sink.h"

namespace dpa::exports {

// The name of the detached signature, beside the tag manifest it signs. It
// holds the base64 of the 64-byte Ed25519 signature over the exact bytes of
// tagmanifest-sha256.txt, and a newline.
inline constexpr const char* kSignatureFile = "tagmanifest-sha256.txt.sig";

using Signer = std::function<std::array<unsigned char, 64>(std::string_view message)>;

// Reported after each block written; `payload_bytes` counts payload only.
using ProgressFn = std::function<void(std::uint64_t payload_bytes)>;

// Thrown by the writer when the cancel flag is raised (SIGINT, SIGTERM).
struct ExportCancelled : std::runtime_error {
  ExportCancelled() : std::runtime_error("the export was interrupted; nothing was written at the output path") {}
};

class DualHasher;

// A buffered stream into one generated payload file.
class PayloadStream {
 public:
  virtual ~PayloadStream() = default;
  virtual void write(std::string_view bytes) = 0;
};

struct BagSummary {
  std::uint64_t payload_bytes = 0;
  std::uint64_t payload_files = 0;
  std::string oxum;
  std::string tag_manifest_sha256;
  std::uint64_t package_bytes = 0;
};

class BagWriter {
 public:
  BagWriter(PackageSink& sink, const std::atomic<bool>* cancel = nullptr, ProgressFn progress = {});
  ~BagWriter();

  // Streams `source` into the payload as data/<payload_path>. Throws
  // InputError if the file cannot be read or changes size while it is read.
  void add_file(const std::string& payload_path, const std::filesystem::path& source);
  // Payload files written together by `fill` (a table's JSON Lines and CSV,
  // from one read of the table): streams[i] writes payload_paths[i]. They
  // go through spool files in the scratch folder, hashed as written.
  void add_generated(const std::vector<std::string>& payload_paths,
                     const std::function<void(std::vector<PayloadStream*>&)>& fill);
  // An extra tag file at the top of the bag, listed in the tag manifest.
  void add_tag_file(const std::string& name, std::string content);

  // Writes bagit.txt, bag-info.txt (`info` plus Payload-Oxum and Bag-Size),
  // the manifests, the extra tag files, tagmanifest-sha256.txt and its
  // signature; then commits the sink.
  // `package_bytes` of the summary is left for the caller.
  BagSummary finish(BagInfo info, const Signer& sign);

  // Whether a file of this name is worth deflating (not already compressed).
  static bool compressible(std::string_view name);

 private:
  class Spooled;
  void record(const std::string& bag_path, DualHasher& hasher);
  void pump(const void* data, std::size_t n, DualHasher& hasher);
  void check_cancel() const;
  void put_tag(const std::string& name, const std::string& content, std::string& tag_manifest);

  PackageSink& sink_;
  const std::atomic<bool>* cancel_;
  ProgressFn progress_;
  std::ofstream manifest256_, manifest512_;
  std::filesystem::path manifest256_path_, manifest512_path_;
  std::uint64_t payload_bytes_ = 0, payload_files_ = 0;
  std::vector<std::pair<std::string, std::string>> extra_tags_;
  std::vector<char> buffer_;
};

}  // namespace dpa::exports

#include "exports/bag_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/secret_key.h"
#include "exports/checksums.h"

namespace dpa::exports {
namespace {

namespace fs = std::filesystem;
constexpr std::size_t kBlock = 1 << 20;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads up to n bytes; 0 at the end. Throws on error.
std::size_t read_some(int fd, char* buf, std::size_t n, const fs::path& p) {
  for (;;) {
    ssize_t r = ::read(fd, buf, n);
    if (r >= 0) return static_cast<std::size_t>(r);
    if (errno != EINTR) throw InputError(fmt::format("cannot read {}: {}", p.string(), std::strerror(errno)));
  }
}

}  // namespace

bool BagWriter::compressible(std::string_view name) {
  static constexpr std::string_view kCompressed[] = {
      ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".flac", ".mp4", ".m4v", ".mkv", ".webm", ".mov",
      ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".zst",
      ".7z", ".rar", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".pdf"};
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (auto ext : kCompressed) {
    if (lower.size() >= ext.size() && lower.compare(lower.size() - ext.size(), ext.size(), ext) == 0) return false;
  }
  return true;
}

// Writes into a spool file, hashing on the way; the caller then copies the
// spool file (of known size now) into the archive without hashing again.
class BagWriter::Spooled final : public PayloadStream {
 public:
  Spooled(BagWriter& w, DualHasher& h, const fs::path& p) : w_(w), h_(h), path_(p), out_(p, std::ios::binary | std::ios::trunc) {
    if (!out_) throw Error(ExitStatus::kInternal, fmt::format("cannot create the spool file {}", p.string()));
  }
  void write(std::string_view bytes) override {
    buf_.append(bytes);
    if (buf_.size() >= kBlock) flush();
  }
  void flush() {
    if (buf_.empty()) return;
    w_.check_cancel();
    h_.update(buf_.data(), buf_.size());
    w_.payload_bytes_ += buf_.size();
    if (w_.progress_) w_.progress_(w_.payload_bytes_);
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    if (!out_) throw Error(ExitStatus::kInternal, fmt::format("cannot write the spool file {}", path_.string()));
    size_ += buf_.size();
    buf_.clear();
  }
  void close() {
    flush();
    out_.close();
  }
  std::uint64_t size() const { return size_; }

 private:
  BagWriter& w_;
  DualHasher& h_;
  fs::path path_;
  std::ofstream out_;
  std::string buf_;
  std::uint64_t size_ = 0;
};

BagWriter::BagWriter(PackageSink& sink, const std::atomic<bool>* cancel, ProgressFn progress)
    : sink_(sink), cancel_(cancel), progress_(std::move(progress)), buffer_(kBlock) {
  manifest256_path_ = sink_.scratch_dir() / "manifest-sha256.txt";
  manifest512_path_ = sink_.scratch_dir() / "manifest-sha512.txt";
  manifest256_.open(manifest256_path_, std::ios::binary | std::ios::trunc);
  manifest512_.open(manifest512_path_, std::ios::binary | std::ios::trunc);
  if (!manifest256_ || !manifest512_) throw Error(ExitStatus::kInternal, "cannot create the manifest spool files");
}

BagWriter::~BagWriter() = default;

void BagWriter::check_cancel() const {
  if (cancel_ && cancel_->load(std::memory_order_relaxed)) throw ExportCancelled();
}

void BagWriter::pump(const void* data, std::size_t n, DualHasher& hasher) {
  check_cancel();
  hasher.update(data, n);
  sink_.write(data, n);
  payload_bytes_ += n;
  if (progress_) progress_(payload_bytes_);
}

void BagWriter::record(const std::string& bag_path, DualHasher& hasher) {
  std::string a, b;
  hasher.finish(a, b);
  std::string encoded = encode_manifest_path(bag_path);
  manifest256_ << a << "  " << encoded << '\n';
  manifest512_ << b << "  " << encoded << '\n';
  if (!manifest256_ || !manifest512_) throw Error(ExitStatus::kInternal, "cannot write the manifest spool files");
  ++payload_files_;
}

void BagWriter::add_file(const std::string& payload_path, const fs::path& source) {
  const std::string bag_path = "data/" + payload_path;
  if (!is_safe_bag_path(bag_path)) throw InputError(fmt::format("{} cannot be a file name in a bag", bag_path));
  Fd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) throw InputError(fmt::format("cannot open {}: {}", source.string(), std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    throw InputError(fmt::format("{} is not a regular file", source.string()));
  }
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  DualHasher hasher;
  sink_.begin(bag_path, size, compressible(payload_path));
  std::uint64_t done = 0;
  for (;;) {
    std::size_t n = read_some(fd.get(), buffer_.data(), buffer_.size(), source);
    if (n == 0) break;
    if (done + n > size) break;
    pump(buffer_.data(), n, hasher);
    done += n;
  }
  if (done != size) {
    throw InputError(fmt::format("{} changed size while it was exported ({} bytes, now {}): run the export again",
                                 source.string(), size, done));
  }
  sink_.end();
  record(bag_path, hasher);
}

void BagWriter::add_generated(const std::vector<std::string>& payload_paths,
                              const std::function<void(std::vector<PayloadStream*>&)>& fill) {
  std::vector<std::string> bag_paths;
  for (const auto& p : payload_paths) {
    bag_paths.push_back("data/" + p);
    if (!is_safe_bag_path(bag_paths.back())) throw InputError(fmt::format("{} cannot be a file name in a bag", bag_paths.back()));
  }
  std::vector<DualHasher> hashers(payload_paths.size());
  std::vector<std::unique_ptr<Spooled>> spools;
  std::vector<fs::path> files;
  std::vector<PayloadStream*> streams;
  for (std::size_t i = 0; i < payload_paths.size(); ++i) {
    files.push_back(sink_.scratch_dir() / fmt::format("payload-{}-{}", payload_files_, i));
    spools.push_back(std::make_unique<Spooled>(*this, hashers[i], files.back()));
    streams.push_back(spools.back().get());
  }
  fill(streams);
  for (std::size_t i = 0; i < spools.size(); ++i) {
    spools[i]->close();
    check_cancel();
    // Not hashed again: the spool file is ours and was hashed as written.
    sink_.add_spooled(bag_paths[i], files[i], compressible(payload_paths[i]));
    record(bag_paths[i], hashers[i]);
  }
}

void BagWriter::add_tag_file(const std::string& name, std::string content) {
  extra_tags_.emplace_back(name, std::move(content));
}

void BagWriter::put_tag(const std::string& name, const std::string& content, std::string& tag_manifest) {
  sink_.begin(name, content.size(), true);
  sink_.write(content.data(), content.size());
  sink_.end();
  tag_manifest += sha256_hex(content) + "  " + encode_manifest_path(name) + "\n";
}

BagSummary BagWriter::finish(BagInfo info, const Signer& sign) {
  check_cancel();
  manifest256_.close();
  manifest512_.close();
  if (!manifest256_ || !manifest512_) throw Error(ExitStatus::kInternal, "cannot write the manifest spool files");
  BagSummary s;
  s.payload_bytes = payload_bytes_;
  s.payload_files = payload_files_;
  s.oxum = format_oxum(payload_bytes_, payload_files_);
  info.emplace_back("Payload-Oxum", s.oxum);
  info.emplace_back("Bag-Size", human_size(payload_bytes_));

  std::string tag_manifest;
  put_tag("bagit.txt", std::string(kBagitTxt), tag_manifest);
  put_tag("bag-info.txt", format_bag_info(info), tag_manifest);
  // The manifests are streamed from their spool files and hashed on the way.
  for (const auto& [name, path] : {std::pair{"manifest-sha256.txt", manifest256_path_},
                                   std::pair{"manifest-sha512.txt", manifest512_path_}}) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw Error(ExitStatus::kInternal, "cannot reopen the manifest spool files");
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    sink_.begin(name, fs::file_size(path), true);
    for (;;) {
      std::size_t n = read_some(fd.get(), buffer_.data(), buffer_.size(), path);
      if (n == 0) break;
      crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buffer_.data()), n);
      sink_.write(buffer_.data(), n);
    }
    sink_.end();
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, out);
    tag_manifest += to_hex(out, sizeof out) + "  " + name + "\n";
  }
  for (const auto& [name, content] : extra_tags_) put_tag(name, content, tag_manifest);

  sink_.begin("tagmanifest-sha256.txt", tag_manifest.size(), true);
  sink_.write(tag_manifest.data(), tag_manifest.size());
  sink_.end();
  s.tag_manifest_sha256 = sha256_hex(tag_manifest);
  auto sig = sign(tag_manifest);
  std::string sig_text = to_base64(sig.data(), sig.size()) + "\n";
  sink_.begin(kSignatureFile, sig_text.size(), true);
  sink_.write(sig_text.data(), sig_text.size());
  sink_.end();
  check_cancel();
  sink_.commit();
  s.package_bytes = sink_.written();
  return s;
}

}  // namespace dpa::exports

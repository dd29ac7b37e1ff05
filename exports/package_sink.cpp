#include "exports/package_sink.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

#include <fmt/format.h>

#include "dpa/error.h"
#include "exports/utf8_locale.h"

namespace dpa::exports {
namespace {

namespace fs = std::filesystem;

// The hidden folder next to `out` that holds everything until commit().
class Scratch {
 public:
  explicit Scratch(const fs::path& out) {
    fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    std::error_code ec;
    if (!fs::is_directory(parent, ec)) throw InputError(fmt::format("no folder {} to write {} in", parent.string(), out.string()));
    if (fs::exists(fs::symlink_status(out, ec))) {
      throw InputError(fmt::format("{} exists already: choose another --out or remove it", out.string()));
    }
    std::string tmpl = (parent / ("." + out.filename().string() + ".partial-XXXXXX")).string();
    if (!::mkdtemp(tmpl.data())) {
      throw InputError(fmt::format("cannot create a temporary folder in {}: {}", parent.string(), std::strerror(errno)));
    }
    dir_ = tmpl;
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

// rename(2) does not refuse to replace a file, so the check is made just
// before; renameat2(RENAME_NOREPLACE) would close the window but is not
// available on every filesystem.
void rename_into_place(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(to, ec))) {
    throw InputError(fmt::format("{} appeared while the export was written: the export is kept nowhere; remove it "
                                 "and run again",
                                 to.string()));
  }
  fs::rename(from, to, ec);
  if (ec) throw Error(ExitStatus::kInternal, fmt::format("cannot rename the export to {}: {}", to.string(), ec.message()));
}

void sync_path(const fs::path& p, bool directory) {
  int fd = ::open(p.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

class DirSink final : public PackageSink {
 public:
  explicit DirSink(const fs::path& out) : out_(out), scratch_(out), bag_(scratch_.dir() / "bag") {
    fs::create_directory(bag_);
    fs::create_directory(bag_ / "data");  // present even when the payload is empty (RFC 8493 2.1.2)
    fs::create_directory(scratch_.dir() / "spool");
    spool_ = scratch_.dir() / "spool";
  }
  ~DirSink() override {
    if (fd_ >= 0) ::close(fd_);
  }
  void begin(const std::string& path, std::optional<std::uint64_t>, bool) override {
    fs::path p = bag_ / fs::path(path);
    fs::create_directories(p.parent_path());
    fd_ = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(ExitStatus::kInternal, fmt::format("cannot create {}: {}", p.string(), std::strerror(errno)));
  }
  void write(const void* data, std::size_t n) override {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
      ssize_t w = ::write(fd_, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        throw Error(ExitStatus::kInternal, fmt::format("cannot write the export: {}", std::strerror(errno)));
      }
      p += w;
      n -= static_cast<std::size_t>(w);
      written_ += static_cast<std::uint64_t>(w);
    }
  }
  void end() override {
    if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
      fd_ = -1;
      throw Error(ExitStatus::kInternal, fmt::format("cannot write the export: {}", std::strerror(errno)));
    }
    fd_ = -1;
  }
  void add_spooled(const std::string& path, const fs::path& file, bool) override {
    fs::path p = bag_ / fs::path(path);
    fs::create_directories(p.parent_path());
    written_ += fs::file_size(file);
    sync_path(file, false);
    fs::rename(file, p);
  }
  void commit() override {
    sync_path(bag_, true);
    rename_into_place(bag_, out_);
    sync_path(out_.parent_path().empty() ? fs::path(".") : out_.parent_path(), true);
  }
  const fs::path& scratch_dir() const override { return spool_; }
  std::uint64_t written() const override { return written_; }

 private:
  fs::path out_;
  Scratch scratch_;
  fs::path bag_, spool_;
  int fd_ = -1;
  std::uint64_t written_ = 0;
};

// Whether a file is already compressed (by its extension): deflating it
// again costs time and saves nothing, so it is stored.
class ArchiveSink final : public PackageSink {
 public:
  ArchiveSink(PackageFormat format, const fs::path& out)
      : format_(format), out_(out), scratch_(out), file_(scratch_.dir() / "package"), prefix_(bag_name_for(out)) {
    fs::create_directory(scratch_.dir() / "spool");
    spool_ = scratch_.dir() / "spool";
    a_ = archive_write_new();
    if (!a_) throw Error(ExitStatus::kInternal, "libarchive: out of memory");
    int r = format == PackageFormat::kZip ? archive_write_set_format_zip(a_) : archive_write_set_format_pax_restricted(a_);
    check(r, "format");
    if (format == PackageFormat::kZip) {
      // UTF-8 names with the zip's language-encoding flag, whatever the locale.
      check(archive_write_set_options(a_, "zip:hdrcharset=UTF-8"), "zip options");
    } else {
      check(archive_write_set_options(a_, "pax:hdrcharset=UTF-8"), "tar options");
    }
    // One large block per write(2): the default 10 KiB blocks are slow.
    archive_write_set_bytes_per_block(a_, 1 << 20);
    archive_write_set_bytes_in_last_block(a_, 1);
    check(archive_write_open_filename(a_, file_.c_str()), "open");
    entry_ = archive_entry_new();
    // The bag's folder and its payload folder, present even when the payload
    // is empty (RFC 8493 2.1.2).
    for (const std::string& dir : {prefix_ + "/", prefix_ + "/data/"}) {
      archive_entry_clear(entry_);
      archive_entry_set_pathname_utf8(entry_, dir.c_str());
      archive_entry_set_filetype(entry_, AE_IFDIR);
      archive_entry_set_perm(entry_, 0755);
      archive_entry_set_mtime(entry_, std::time(nullptr), 0);
      check(archive_write_header(a_, entry_), "folder " + dir);
    }
  }
  ~ArchiveSink() override {
    if (entry_) archive_entry_free(entry_);
    if (a_) archive_write_free(a_);  // closes without finishing; the scratch folder goes next
  }
  void begin(const std::string& path, std::optional<std::uint64_t> size, bool compressible) override {
    if (!size) throw Error(ExitStatus::kInternal, "an archive entry needs its size in advance");
    if (format_ == PackageFormat::kZip) {
      check(compressible ? archive_write_zip_set_compression_deflate(a_) : archive_write_zip_set_compression_store(a_),
            "zip compression");
    }
    archive_entry_clear(entry_);
    std::string name = prefix_ + "/" + path;
    archive_entry_set_pathname_utf8(entry_, name.c_str());
    archive_entry_set_filetype(entry_, AE_IFREG);
    archive_entry_set_perm(entry_, 0644);
    archive_entry_set_size(entry_, static_cast<la_int64_t>(*size));
    archive_entry_set_mtime(entry_, std::time(nullptr), 0);
    check(archive_write_header(a_, entry_), "entry " + path);
  }
  void write(const void* data, std::size_t n) override {
    if (archive_write_data(a_, data, n) < 0) check(ARCHIVE_FATAL, "write");
  }
  void end() override { check(archive_write_finish_entry(a_), "entry"); }
  void commit() override {
    check(archive_write_close(a_), "close");
    sync_path(file_, false);
    rename_into_place(file_, out_);
    sync_path(out_.parent_path().empty() ? fs::path(".") : out_.parent_path(), true);
  }
  const fs::path& scratch_dir() const override { return spool_; }
  std::uint64_t written() const override {
    la_int64_t n = archive_filter_bytes(a_, -1);
    return n < 0 ? 0 : static_cast<std::uint64_t>(n);
  }

 private:
  void check(int r, const std::string& what) {
    if (r >= ARCHIVE_WARN) return;
    const char* msg = archive_error_string(a_);
    throw Error(ExitStatus::kInternal,
                fmt::format("cannot write the {} archive ({}): {}", to_string(format_), what, msg ? msg : "unknown error"));
  }

  Utf8Locale locale_;  // first: held while the archive is written
  PackageFormat format_;
  fs::path out_;
  Scratch scratch_;
  fs::path file_, spool_;
  std::string prefix_;
  struct archive* a_ = nullptr;
  struct archive_entry* entry_ = nullptr;
};

}  // namespace

void PackageSink::add_spooled(const std::string& path, const fs::path& file, bool compressible) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ExitStatus::kInternal, fmt::format("cannot reopen the spool file {}", file.string()));
  std::vector<char> buf(1 << 20);
  try {
    begin(path, fs::file_size(file), compressible);
    for (;;) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error(ExitStatus::kInternal, fmt::format("cannot read the spool file {}", file.string()));
      if (n == 0) break;
      write(buf.data(), static_cast<std::size_t>(n));
    }
    end();
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  std::error_code ec;
  fs::remove(file, ec);
}

std::string to_string(PackageFormat f) {
  switch (f) {
    case PackageFormat::kZip: return "zip";
    case PackageFormat::kTar: return "tar";
    case PackageFormat::kDir: return "dir";
  }
  return "?";
}

PackageFormat parse_package_format(std::string_view text) {
  if (text == "zip") return PackageFormat::kZip;
  if (text == "tar") return PackageFormat::kTar;
  if (text == "dir") return PackageFormat::kDir;
  throw UsageError(fmt::format("unknown package format '{}': zip, tar or dir", text));
}

std::string bag_name_for(const fs::path& out) {
  std::string name = out.filename().string();
  for (const char* ext : {".tar", ".zip"}) {
    std::string_view e(ext);
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) {
      return name.substr(0, name.size() - e.size());
    }
  }
  return name.empty() ? std::string("bag") : name;
}

std::unique_ptr<PackageSink> open_package_sink(PackageFormat format, const fs::path& out) {
  if (format == PackageFormat::kDir) return std::make_unique<DirSink>(out);
  return std::make_unique<ArchiveSink>(format, out);
}

}  // namespace dpa::exports

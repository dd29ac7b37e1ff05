#include "dpa/cli/io.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>

#include <fmt/format.h>

#include "dpa/error.h"

namespace dpa::cli {
namespace {

void write_all(int fd, const char* p, std::size_t n, const char* what) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) throw Error(ExitStatus::kInternal, fmt::format("cannot write {}: {}", what, std::strerror(errno)));
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

// Writes at `offset` (the spool file is written at explicit offsets: direct
// I/O and buffered writes may follow each other).
void pwrite_all(int fd, const char* p, std::size_t n, std::uint64_t offset, const char* what) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(offset));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) throw Error(ExitStatus::kInternal, fmt::format("cannot write {}: {}", what, std::strerror(errno)));
    p += w;
    n -= static_cast<std::size_t>(w);
    offset += static_cast<std::uint64_t>(w);
  }
}

}  // namespace

FdSource::FdSource(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}

FdSource::~FdSource() = default;

std::optional<std::string_view> FdSource::view() {
  off_t at = ::lseek(fd_, 0, SEEK_CUR);
  if (at < 0) return std::nullopt;  // a pipe or a terminal
  mapped_ = anonymize::MappedFile::map(fd_, static_cast<std::uint64_t>(at));
  if (!mapped_) return std::nullopt;
  // The input counts as read, as after read() to the end: a script that
  // shares the descriptor goes on after it.
  ::lseek(fd_, at + static_cast<off_t>(mapped_->bytes().size()), SEEK_SET);
  return mapped_->bytes();
}

void FdSource::check_view() const {
  if (mapped_ && mapped_->truncated()) {
    throw InputError(fmt::format("{} shrank while it was read (another program truncated the file)",
                                 name_));
  }
}

std::size_t FdSource::read(char* buf, std::size_t n) {
  while (true) {
    ssize_t r = ::read(fd_, buf, n);
    if (r >= 0) return static_cast<std::size_t>(r);
    if (errno == EINTR) continue;
    throw InputError(fmt::format("cannot read {}: {}", name_, std::strerror(errno)));
  }
}

SpoolSink::SpoolSink(int out_fd, bool direct, const std::optional<std::filesystem::path>& spool_dir,
                     std::size_t memory_bytes)
    : out_fd_(out_fd), memory_bytes_(memory_bytes) {
  if (direct) return;
  std::string dir = spool_dir ? spool_dir->string()
                              : (std::getenv("TMPDIR") && *std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
  spool_fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (spool_fd_ < 0) {
    // Filesystems without O_TMPFILE: a named file, unlinked at once.
    std::string tmpl = dir + "/dpa-spool-XXXXXX";
    spool_fd_ = ::mkostemp(tmpl.data(), O_CLOEXEC);
    if (spool_fd_ >= 0) ::unlink(tmpl.c_str());
  }
  if (spool_fd_ < 0) {
    throw WorkspaceError(fmt::format("cannot create a spool file in {}: {}; set --spool-dir or TMPDIR",
                                     dir, std::strerror(errno)));
  }
  // File systems without direct I/O (tmpfs) refuse the flag: buffered then.
  int flags = ::fcntl(spool_fd_, F_GETFL);
  direct_io_ = flags >= 0 && ::fcntl(spool_fd_, F_SETFL, flags | O_DIRECT) == 0;
}

void SpoolSink::FreeDeleter::operator()(char* p) const { std::free(p); }

// Filled in when mapped (anonymize::ZeroedPages, populated): filled one
// fault at a time as the output arrived, the 64 MiB head cost 16,000 page
// faults, each a trap into the kernel. (Not as huge pages: zeroed_pages.h
// says why.)
SpoolSink::Block::Block(std::size_t bytes) try : pages(bytes, /*populate=*/true), capacity(pages.size()) {
} catch (const std::bad_alloc&) {
  throw Error(ExitStatus::kInternal, fmt::format("cannot hold the output: {}", std::strerror(ENOMEM)));
}

SpoolSink::~SpoolSink() {
  if (spool_fd_ >= 0) ::close(spool_fd_);
}

void SpoolSink::write(std::string_view bytes) {
  if (spool_fd_ < 0) {
    write_all(out_fd_, bytes.data(), bytes.size(), "standard output");
    return;
  }
  // The head of the output fills memory up to memory_bytes_; the rest goes
  // to the file, in order after it.
  if (size_ == 0 && held_ < memory_bytes_) {
    std::string_view head = bytes.substr(0, memory_bytes_ - held_);
    Block& b = block_with_room(head.size());
    std::memcpy(b.data() + b.size, head.data(), head.size());
    b.size += head.size();
    held_ += head.size();
    bytes.remove_prefix(head.size());
  }
  if (!bytes.empty()) spill(bytes);
}

// Blocks are filled in place (no copy on growth), each as large as what
// came before it up to 4 MiB: a short output maps little.
SpoolSink::Block& SpoolSink::block_with_room(std::size_t n) {
  if (blocks_.empty() || blocks_.back().capacity - blocks_.back().size < n) {
    std::size_t block = std::clamp(held_, std::size_t{64} << 10, std::size_t{4} << 20);
    blocks_.emplace_back(std::max(block, n));
  }
  return blocks_.back();
}

char* SpoolSink::reserve(std::size_t n) {
  lent_block_ = spool_fd_ >= 0 && size_ == 0 && n <= memory_bytes_ - held_;
  if (!lent_block_) return ByteSink::reserve(n);
  Block& b = block_with_room(n);
  return b.data() + b.size;
}

void SpoolSink::append_reserved(std::size_t k) {
  if (!lent_block_) return ByteSink::append_reserved(k);
  blocks_.back().size += k;
  held_ += k;
  lent_block_ = false;
}

void SpoolSink::spill(std::string_view bytes) {
  size_ += bytes.size();
  if (direct_io_ && !staging_) {
    staging_.reset(static_cast<char*>(std::aligned_alloc(kDirectAlign, kStagingBytes)));
    if (!staging_) stop_direct();
  }
  if (!direct_io_) {
    pwrite_all(spool_fd_, bytes.data(), bytes.size(), written_, "the spool file");
    written_ += bytes.size();
    return;
  }
  while (!bytes.empty()) {
    std::size_t k = std::min(bytes.size(), kStagingBytes - staged_);
    std::memcpy(staging_.get() + staged_, bytes.data(), k);
    staged_ += k;
    bytes.remove_prefix(k);
    if (staged_ == kStagingBytes) flush_staging();
  }
}

// Writes the staged bytes at the end of the file. Direct I/O writes whole
// aligned blocks: a last, partial block goes out zero-padded, and commit()
// cuts the file back to its size.
void SpoolSink::flush_staging() {
  if (staged_ == 0) return;
  std::size_t padded = (staged_ + kDirectAlign - 1) / kDirectAlign * kDirectAlign;
  std::memset(staging_.get() + staged_, 0, padded - staged_);
  std::size_t done = 0;
  while (done < padded) {
    ssize_t w = ::pwrite(spool_fd_, staging_.get() + done, padded - done, static_cast<off_t>(written_ + done));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EINVAL && direct_io_) {
      // The device wants larger alignment than 4 KiB: buffered from here.
      stop_direct();
      continue;
    }
    if (w <= 0) {
      throw Error(ExitStatus::kInternal, fmt::format("cannot write the spool file: {}", std::strerror(errno)));
    }
    done += static_cast<std::size_t>(w);
  }
  written_ += staged_;
  staged_ = 0;
}

void SpoolSink::stop_direct() {
  int flags = ::fcntl(spool_fd_, F_GETFL);
  if (flags < 0 || ::fcntl(spool_fd_, F_SETFL, flags & ~O_DIRECT) != 0) {
    throw Error(ExitStatus::kInternal, fmt::format("cannot set up the spool file: {}", std::strerror(errno)));
  }
  direct_io_ = false;
}

void SpoolSink::commit() {
  if (spool_fd_ < 0) return;
  for (const auto& b : blocks_) write_all(out_fd_, b.data(), b.size, "standard output");
  blocks_.clear();
  held_ = 0;
  off_t offset = 0;
  std::uint64_t left = size_;
  if (staging_) {
    flush_staging();
    // Without the padding of the last block.
    if (::ftruncate(spool_fd_, static_cast<off_t>(written_)) != 0) {
      throw Error(ExitStatus::kInternal, fmt::format("cannot write the spool file: {}", std::strerror(errno)));
    }
    // Read back direct too, through the same buffer: filling the page cache
    // with a file read once cost as much as writing through it.
    while (direct_io_ && left > 0) {
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(
          (left + kDirectAlign - 1) / kDirectAlign * kDirectAlign, kStagingBytes));
      ssize_t r = ::pread(spool_fd_, staging_.get(), want, offset);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 && errno == EINVAL) {
        stop_direct();  // the rest through the page cache
        break;
      }
      if (r <= 0) throw Error(ExitStatus::kInternal, "cannot read back the spool file");
      std::size_t got = static_cast<std::size_t>(std::min<std::uint64_t>(static_cast<std::uint64_t>(r), left));
      write_all(out_fd_, staging_.get(), got, "standard output");
      offset += static_cast<off_t>(got);
      left -= got;
    }
    if (direct_io_) stop_direct();
  }
  while (left > 0) {
    ssize_t n = ::sendfile(out_fd_, spool_fd_, &offset, static_cast<std::size_t>(std::min<std::uint64_t>(left, 1 << 30)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EINVAL || errno == ENOSYS)) {
      // Not supported for this output: copy by hand.
      std::string buf(1 << 20, '\0');
      while (left > 0) {
        ssize_t r = ::pread(spool_fd_, buf.data(), std::min<std::uint64_t>(left, buf.size()), offset);
        if (r <= 0) throw Error(ExitStatus::kInternal, "cannot read back the spool file");
        write_all(out_fd_, buf.data(), static_cast<std::size_t>(r), "standard output");
        offset += r;
        left -= static_cast<std::uint64_t>(r);
      }
      break;
    }
    if (n <= 0) {
      throw Error(ExitStatus::kInternal, fmt::format("cannot write standard output: {}", std::strerror(errno)));
    }
    left -= static_cast<std::uint64_t>(n);
  }
}

int open_input(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  return fd;
}

void write_file_atomically(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw InputError(fmt::format("cannot write {}: {}", tmp.string(), std::strerror(errno)));
  try {
    write_all(fd, content.data(), content.size(), tmp.c_str());
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    throw InputError(fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  }
}

}  // namespace dpa::cli

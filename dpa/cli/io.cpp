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
  if (mapped_ && !mapped_->leased()) {
    // Bytes read in place must not change before they are written out;
    // without a lease nothing stops that: read a copy instead.
    mapped_.reset();
  }
  if (!mapped_) return std::nullopt;
  // The input counts as read, as after read() to the end: a script that
  // shares the descriptor goes on after it.
  ::lseek(fd_, at + static_cast<off_t>(mapped_->bytes().size()), SEEK_SET);
  return mapped_->bytes();
}

void FdSource::check_view() const {
  if (!mapped_) return;
  if (mapped_->truncated()) {
    throw InputError(fmt::format("{} shrank while it was read (another program truncated the file)",
                                 name_));
  }
  if (mapped_->write_pending()) {
    throw BusyError(fmt::format("another program opened {} for writing while it was read; nothing was "
                                "written; run again once it is done",
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
  if (std::size_t room = head_room(); room > 0) {
    std::string_view head = bytes.substr(0, room);
    Block& b = block_with_room(head.size());
    std::memcpy(b.data() + b.size, head.data(), head.size());
    add_segment(b.data() + b.size, head.size());
    b.size += head.size();
    block_bytes_ += head.size();
    bytes.remove_prefix(head.size());
  }
  if (!bytes.empty()) spill(bytes);
}

// How many more bytes of output the head takes as one more segment: none
// once output went to the file.
std::size_t SpoolSink::head_room() const {
  if (spool_fd_ < 0 || size_ > 0 || head_cost_ + sizeof(iovec) >= memory_bytes_) return 0;
  return memory_bytes_ - head_cost_ - sizeof(iovec);
}

iovec* SpoolSink::segment_room(std::size_t n) {
  if (segments_.empty() || segments_.back().capacity - segments_.back().size < n) {
    const std::size_t capacity = std::max(n, kSegmentsPerList);
    try {
      segments_.push_back({anonymize::ZeroedPages(capacity * sizeof(iovec), /*populate=*/true), 0, capacity});
    } catch (const std::bad_alloc&) {
      throw Error(ExitStatus::kInternal, fmt::format("cannot hold the output: {}", std::strerror(ENOMEM)));
    }
  }
  return segments_.back().at() + segments_.back().size;
}

void SpoolSink::add_segment(const char* data, std::size_t size) {
  if (size == 0) return;
  head_cost_ += size;
  if (!segments_.empty() && segments_.back().size > 0) {
    iovec& last = segments_.back().at()[segments_.back().size - 1];
    if (static_cast<const char*>(last.iov_base) + last.iov_len == data) {
      last.iov_len += size;
      return;
    }
  }
  *segment_room(1) = {const_cast<char*>(data), size};
  ++segments_.back().size;
  head_cost_ += sizeof(iovec);
}

// Blocks are filled in place (no copy on growth), each as large as what
// came before it up to 4 MiB: a short output maps little.
SpoolSink::Block& SpoolSink::block_with_room(std::size_t n) {
  if (blocks_.empty() || blocks_.back().capacity - blocks_.back().size < n) {
    std::size_t block = std::clamp(block_bytes_, std::size_t{64} << 10, std::size_t{4} << 20);
    blocks_.emplace_back(std::max(block, n));
  }
  return blocks_.back();
}

char* SpoolSink::reserve(std::size_t n) {
  lent_block_ = n <= head_room();
  if (!lent_block_) return ByteSink::reserve(n);
  Block& b = block_with_room(n);
  return b.data() + b.size;
}

void SpoolSink::append_reserved(std::size_t k) {
  if (!lent_block_) return ByteSink::append_reserved(k);
  Block& b = blocks_.back();
  add_segment(b.data() + b.size, k);
  b.size += k;
  block_bytes_ += k;
  lent_block_ = false;
}

bool SpoolSink::takes_references(std::size_t referenced, std::size_t pieces, std::size_t lent) {
  const anonymize::MappedFile* file = references_from_ ? references_from_->mapped() : nullptr;
  return file && file->leased() && lent + pieces * sizeof(iovec) <= head_room() &&
         referenced <= memory_bytes_ - referenced_;
}

// After takes_references(): the head has room for both.
SpoolSink::PieceRoom SpoolSink::lend_pieces(std::size_t pieces, std::size_t bytes) {
  Block& b = block_with_room(bytes);
  return {segment_room(pieces), b.data() + b.size};
}

void SpoolSink::append_pieces(std::size_t pieces, std::size_t bytes) {
  SegmentList& list = segments_.back();
  const iovec* added = list.at() + list.size;
  std::size_t output = 0;
  for (std::size_t i = 0; i < pieces; ++i) output += added[i].iov_len;
  list.size += pieces;
  head_cost_ += bytes + pieces * sizeof(iovec);
  referenced_ += output - bytes;
  blocks_.back().size += bytes;
  block_bytes_ += bytes;
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
  write_head();
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

// Writes the head's segments, up to IOV_MAX a writev(). A writer that asks
// for the referenced file meanwhile waits on the lease; its request (a
// signal, which also cuts short a write blocked on a slow reader) is
// answered by copying the pieces still in the file and letting it go.
void SpoolSink::write_head() {
  const anonymize::MappedFile* file = references_from_ ? references_from_->mapped() : nullptr;
  for (std::size_t l = 0; l < segments_.size(); ++l) {
    SegmentList& list = segments_[l];
    std::size_t i = 0;
    while (i < list.size) {
      if (file && file->write_pending()) copy_referenced(l, i);
      auto count = static_cast<int>(std::min(list.size - i, kSegmentsPerWrite));
      ssize_t w = ::writev(out_fd_, list.at() + i, count);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        throw Error(ExitStatus::kInternal, fmt::format("cannot write standard output: {}", std::strerror(errno)));
      }
      // Past what was written; a segment written in part keeps its rest.
      auto left = static_cast<std::size_t>(w);
      iovec* at = list.at();
      while (i < list.size && at[i].iov_len <= left) left -= at[i++].iov_len;
      if (left > 0) {
        at[i].iov_base = static_cast<char*>(at[i].iov_base) + left;
        at[i].iov_len -= left;
      }
    }
  }
  segments_.clear();
  blocks_.clear();
  copied_.reset();
  head_cost_ = referenced_ = block_bytes_ = 0;
}

// Copies what the segments from list `first_list`, position `first`, on
// point to in the referenced file, and gives up the lease. The copy is at
// most the head's size.
void SpoolSink::copy_referenced(std::size_t first_list, std::size_t first) {
  auto* file = references_from_->mapped();
  const std::string_view bytes = file->bytes();
  auto in_file = [&](const iovec& v) {
    auto p = static_cast<const char*>(v.iov_base);
    return p >= bytes.data() && p < bytes.data() + bytes.size();
  };
  auto each_rest = [&](auto&& f) {
    for (std::size_t l = first_list; l < segments_.size(); ++l) {
      for (std::size_t i = l == first_list ? first : 0; i < segments_[l].size; ++i) {
        if (in_file(segments_[l].at()[i])) f(segments_[l].at()[i]);
      }
    }
  };
  std::size_t total = 0;
  each_rest([&](const iovec& v) { total += v.iov_len; });
  try {
    copied_ = std::make_unique_for_overwrite<char[]>(total);
  } catch (const std::bad_alloc&) {
    throw Error(ExitStatus::kInternal, fmt::format("cannot hold the output: {}", std::strerror(ENOMEM)));
  }
  char* to = copied_.get();
  each_rest([&](iovec& v) {
    std::memcpy(to, v.iov_base, v.iov_len);
    v.iov_base = to;
    to += v.iov_len;
  });
  file->release_lease();
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

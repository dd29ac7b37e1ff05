// A regular file's bytes mapped into memory, so that the pseudonymizer
// detects on them in place: read() copied every byte from the page cache
// into a buffer first (8% of `dpa anonymize`'s CPU time on a 64 MB file).
//
// A mapped file that shrinks while it is read (another process truncates
// it) would kill the process with SIGBUS at the first byte past its new
// end. While a MappedFile lives, a SIGBUS handler puts zero-filled pages
// over the lost part of the mapping instead and notes it: truncated() then
// says so, and the reader fails with a clear error before any output
// leaves. Growth after the mapping is not seen: the input is the file as
// it was when mapped.
//
// Bytes read in place may also change in place: another program writing
// into the file changes the mapped pages too. So the mapping also takes a
// read lease on the file where it can (fcntl F_SETLEASE): the kernel
// grants it only while no one has the file open for writing, and whoever
// opens it for writing or truncates it afterwards waits until the lease is
// given up (at most /proc/sys/fs/lease-break-time, 45 s by default). The
// request arrives as SIGIO, which sets write_pending(). While leased() and
// no write is pending, the bytes are the ones that were checked. A reader
// that needs that (the pseudonymizer does) reads a file it cannot lease
// instead of mapping it.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

namespace dpa::anonymize {

class MappedFile {
 public:
  // Maps the bytes of the file open at `fd` from `offset` to its end.
  // nullptr (read the file instead) for anything that is not a regular
  // file, when nothing is left after `offset`, when another MappedFile is
  // live (one SIGBUS guard per process), or when mapping fails.
  static std::unique_ptr<MappedFile> map(int fd, std::uint64_t offset);

  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view bytes() const { return {data_, size_}; }
  // True once the file is shorter than when mapped: some bytes of bytes()
  // were lost (they read as zeros). A system call: ask once per chunk.
  bool truncated() const;

  // Whether the file is held under a read lease. Not for a descriptor open
  // for writing, a file of another user (without CAP_LEASE), a file system
  // without leases, or a file someone has open for writing.
  bool leased() const { return leased_; }
  // True once another program has asked to write to the file (or truncate
  // it) since it was leased; it waits for release_lease().
  bool write_pending() const;
  // Gives the lease up: a waiting writer goes on, and bytes() may change
  // from then on. The destructor does it too.
  void release_lease();

 private:
  MappedFile(void* base, std::size_t mapped, const char* data, std::size_t size, int fd, std::uint64_t file_size)
      : base_(base), mapped_(mapped), data_(data), size_(size), fd_(fd), file_size_(file_size) {}
  void* base_;
  std::size_t mapped_;
  const char* data_;
  std::size_t size_;
  int fd_;                   // a duplicate, to watch the file's size
  std::uint64_t file_size_;  // when mapped
  bool leased_ = false;
};

}  // namespace dpa::anonymize

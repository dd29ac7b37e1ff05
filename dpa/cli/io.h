// Standard input and output for the streaming filters.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "anonymize/mapped_file.h"
#include "anonymize/pseudonymizer.h"
#include "anonymize/zeroed_pages.h"

namespace dpa::cli {

// Reads a file descriptor. When it is a regular file (`dpa anonymize <
// file`), view() maps the rest of it instead, and the pseudonymizer works
// on the file's pages in place (anonymize/mapped_file.h); pipes and
// terminals are read.
class FdSource final : public anonymize::ByteSource {
 public:
  explicit FdSource(int fd, std::string name = "standard input");
  ~FdSource() override;
  std::size_t read(char* buf, std::size_t n) override;
  std::optional<std::string_view> view() override;
  void check_view() const override;

 private:
  int fd_;
  std::string name_;
  std::unique_ptr<anonymize::MappedFile> mapped_;
};

// Holds the output until commit() copies it to the real destination, so
// that a failure half-way lets nothing out (fail closed). The first
// kMemoryBytes wait in memory (most runs never touch the disk); only what
// comes after them goes to an unlinked temporary file, so memory stays
// bounded whatever the output size. The head stays in memory rather than
// joining the file because writing the spool file through the page cache
// is the costly part: a fifth of a run's CPU time when all of a 100 MB
// output went there. The file is created up front so that an unusable
// spool directory fails before any work. Where the file system allows it
// the file is written with O_DIRECT, 4 MiB at a time from an aligned
// buffer: it is read back once, at the end, so the page cache buys nothing,
// and copying into it cost more CPU than the disk write (0.35 s of system
// time for 118 MB on a busy machine, 0.02 s direct). With `direct`, writes
// straight through instead.
class SpoolSink final : public anonymize::ByteSink {
 public:
  // `memory_bytes`: how much waits in memory before the file (tests make
  // it small to reach the file with little output).
  SpoolSink(int out_fd, bool direct, const std::optional<std::filesystem::path>& spool_dir,
            std::size_t memory_bytes = kMemoryBytes);
  ~SpoolSink() override;
  SpoolSink(const SpoolSink&) = delete;
  SpoolSink& operator=(const SpoolSink&) = delete;

  static constexpr std::size_t kMemoryBytes = std::size_t{64} << 20;
  static constexpr std::size_t kStagingBytes = std::size_t{4} << 20;  // one O_DIRECT write
  static constexpr std::size_t kDirectAlign = 4096;  // offsets, sizes and the buffer's address

  void write(std::string_view bytes) override;
  // Lends the end of the in-memory head while it has room; past it, the
  // default's buffer.
  char* reserve(std::size_t n) override;
  void append_reserved(std::size_t k) override;
  void commit();

 private:
  struct Block;
  Block& block_with_room(std::size_t n);
  void spill(std::string_view bytes);
  void flush_staging();
  void stop_direct();

  struct FreeDeleter {
    void operator()(char* p) const;
  };

  int out_fd_;
  std::size_t memory_bytes_;
  int spool_fd_ = -1;
  bool direct_io_ = false;           // spool_fd_ has O_DIRECT
  // A block of the output held in memory: mapped with its pages present.
  struct Block {
    anonymize::ZeroedPages pages;
    std::size_t capacity = 0;
    std::size_t size = 0;
    explicit Block(std::size_t bytes);
    char* data() const { return pages.data(); }
  };
  std::vector<Block> blocks_;        // the first memory_bytes_ of the output
  std::size_t held_ = 0;             // bytes in blocks_
  std::uint64_t size_ = 0;           // the output after blocks_: in the file and staged
  std::uint64_t written_ = 0;        // bytes in the spool file
  std::unique_ptr<char, FreeDeleter> staging_;  // direct_io_: what waits for a full write
  std::size_t staged_ = 0;
  bool lent_block_ = false;          // the last reserve() lent blocks_.back()
};

// Opens a file for reading; InputError naming it if it cannot be.
int open_input(const std::string& path);

// Writes `content` to `path` through a temporary name and a rename.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

}  // namespace dpa::cli

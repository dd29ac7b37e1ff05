// Standard input and output for the streaming filters.
#pragma once

#include <sys/uio.h>

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
// file`) that can be leased, view() maps the rest of it instead, and the
// pseudonymizer works on the file's pages in place
// (anonymize/mapped_file.h); pipes, terminals and files that cannot be
// leased are read. check_view() fails the run (BusyError) once another
// program wants to write to the file.
class FdSource final : public anonymize::ByteSource {
 public:
  explicit FdSource(int fd, std::string name = "standard input");
  ~FdSource() override;
  std::size_t read(char* buf, std::size_t n) override;
  std::optional<std::string_view> view() override;
  void check_view() const override;
  // The file mapped by view(), under its lease; nullptr when it was read.
  anonymize::MappedFile* mapped() const { return mapped_.get(); }

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

  // Keeps references into `source`'s mapped file, while it is leased,
  // instead of copies of its bytes: the head then holds where the output's
  // pieces lie, and only the tags are copied (a 64 MB run mapped, filled
  // and freed 64 MB of fresh pages for a copy of its text). Should another
  // program ask to write to the file while commit() writes, the pieces
  // still in the file are copied first, then the lease is given up.
  void take_references_from(const FdSource& source) { references_from_ = &source; }
  bool takes_references(std::size_t referenced, std::size_t pieces, std::size_t lent) override;
  PieceRoom lend_pieces(std::size_t pieces, std::size_t bytes) override;
  void append_pieces(std::size_t pieces, std::size_t bytes) override;

  void commit();

 private:
  struct Block;
  Block& block_with_room(std::size_t n);
  iovec* segment_room(std::size_t n);
  void add_segment(const char* data, std::size_t size);
  std::size_t head_room() const;
  void write_head();
  void copy_referenced(std::size_t list, std::size_t first);
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
  // The head of the output: the first memory_bytes_ of it, less the
  // segment lists' own size. Segments point into blocks_ (the bytes the
  // head holds itself) or into the referenced file. Lists are filled in
  // place, like blocks.
  std::vector<Block> blocks_;
  struct SegmentList {
    anonymize::ZeroedPages pages;  // populated, as blocks are
    std::size_t size = 0;
    std::size_t capacity = 0;
    iovec* at() const { return reinterpret_cast<iovec*>(pages.data()); }
  };
  std::vector<SegmentList> segments_;
  static constexpr std::size_t kSegmentsPerList = std::size_t{64} << 10;
  static constexpr std::size_t kSegmentsPerWrite = 1024;  // IOV_MAX on Linux
  // The head's own bytes and the segments' size: at most memory_bytes_.
  std::size_t head_cost_ = 0;
  // Bytes of the head that lie in the referenced file: at most
  // memory_bytes_ too, as a writer's request copies them.
  std::size_t referenced_ = 0;
  std::size_t block_bytes_ = 0;      // bytes in blocks_
  const FdSource* references_from_ = nullptr;
  std::unique_ptr<char[]> copied_;   // pieces copied out of the file when a writer asked for it
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

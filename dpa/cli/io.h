// Standard input and output for the streaming filters.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "anonymize/pseudonymizer.h"

namespace dpa::cli {

class FdSource final : public anonymize::ByteSource {
 public:
  explicit FdSource(int fd, std::string name = "standard input") : fd_(fd), name_(std::move(name)) {}
  std::size_t read(char* buf, std::size_t n) override;

 private:
  int fd_;
  std::string name_;
};

// Holds the output until commit() copies it to the real destination, so
// that a failure half-way lets nothing out (fail closed). The first
// kMemoryBytes wait in memory (most runs never touch the disk); only what
// comes after them goes to an unlinked temporary file, so memory stays
// bounded whatever the output size. The head stays in memory rather than
// joining the file because writing the spool file through the page cache
// is the costly part: a fifth of a run's CPU time when all of a 100 MB
// output went there. The file is created up front so that an unusable
// spool directory fails before any work. With `direct`, writes straight
// through instead.
class SpoolSink final : public anonymize::ByteSink {
 public:
  SpoolSink(int out_fd, bool direct, const std::optional<std::filesystem::path>& spool_dir);
  ~SpoolSink() override;
  SpoolSink(const SpoolSink&) = delete;
  SpoolSink& operator=(const SpoolSink&) = delete;

  static constexpr std::size_t kMemoryBytes = std::size_t{64} << 20;

  void write(std::string_view bytes) override;
  void commit();

 private:
  int out_fd_;
  int spool_fd_ = -1;
  std::vector<std::string> blocks_;  // the first kMemoryBytes of the output
  std::size_t held_ = 0;             // bytes in blocks_
  std::uint64_t size_ = 0;           // bytes in the spool file: the output after blocks_
};

// Opens a file for reading; InputError naming it if it cannot be.
int open_input(const std::string& path);

// Writes `content` to `path` through a temporary name and a rename.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

}  // namespace dpa::cli

// Standard input and output for the streaming filters.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

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

// Holds the output in an unlinked temporary file until commit() copies it
// to the real destination, so that a failure half-way lets nothing out
// (fail closed). With `direct`, writes straight through instead.
class SpoolSink final : public anonymize::ByteSink {
 public:
  SpoolSink(int out_fd, bool direct, const std::optional<std::filesystem::path>& spool_dir);
  ~SpoolSink() override;
  SpoolSink(const SpoolSink&) = delete;
  SpoolSink& operator=(const SpoolSink&) = delete;

  void write(std::string_view bytes) override;
  void commit();

 private:
  int out_fd_;
  int spool_fd_ = -1;
  std::uint64_t size_ = 0;
};

// Opens a file for reading; InputError naming it if it cannot be.
int open_input(const std::string& path);

// Writes `content` to `path` through a temporary name and a rename.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

}  // namespace dpa::cli

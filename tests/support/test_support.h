// Helpers shared by the tests: temporary folders and running the real binary.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace dpa::test {

// A fresh folder under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int status = -1;   // exit status, or 128+signal
  std::string out;
  std::string err;
};

// Runs the `dpa` binary under test with `args` (no shell), feeding `input` on
// stdin. `env` entries ("NAME=value") are added to the environment.
RunResult run_dpa(const std::vector<std::string>& args, const std::string& input = "",
                  const std::vector<std::string>& env = {});

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& content);

// The source tree's root, for shipped files such as policies/.
std::filesystem::path source_dir();

}  // namespace dpa::test

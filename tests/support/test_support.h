// Helpers shared by the tests: temporary folders and running the real binary.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "dpa/sql_database.h"
#include "dpa/workspace.h"

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
// The same with stdin opened on `stdin_file` (a regular file, as `dpa ... <
// file` gives it), not a pipe.
RunResult run_dpa_on_file(const std::vector<std::string>& args, const std::filesystem::path& stdin_file,
                          const std::vector<std::string>& env = {});

// Starts the `dpa` binary with `args` (no shell), stdin opened on `in` and
// stdout and stderr on `out` and `err` (created or emptied), and returns its
// process id at once: for tests that act on a run while it goes. The caller
// waits for it.
pid_t spawn_dpa(const std::vector<std::string>& args, const std::filesystem::path& in,
                const std::filesystem::path& out, const std::filesystem::path& err);

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& content);

// `n` bytes of lower-case letters in a repeating pattern: file content
// whose every offset is told apart from its neighbours.
std::string letters(std::size_t n);

// A file descriptor, closed at the end of the scope. Throws if `fd` is
// negative (a failed open()), naming the error.
struct ScopedFd {
  int fd;
  explicit ScopedFd(int f);
  ~ScopedFd();
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
};

// The source tree's root, for shipped files such as policies/.
std::filesystem::path source_dir();

// ---- Both state backends ----
// With $DPA_TEST_PG_URL set (a libpq URL of a throwaway server), every
// workspace the tests create keeps its state in PostgreSQL, in a schema of
// its own named after its home (pg_test_schema); run_dpa passes it to `dpa
// init` as $DPA_STATE_URL / $DPA_STATE_SCHEMA, C++ tests through
// init_workspace. A TempDir drops the schemas of the homes inside it.

// $DPA_TEST_PG_URL, or nullopt: the tests run on SQLite.
std::optional<std::string> pg_test_url();
inline bool pg_state() { return pg_test_url().has_value(); }
// The schema of the workspace at `home` for this test run.
std::string pg_test_schema(const std::filesystem::path& home);
// Where the workspace at `home` keeps its state: nullopt on SQLite.
std::optional<dpa::StateLocation> test_state_location(const std::filesystem::path& home);
// The state of the workspace at `home` opened behind dpa's back, as someone
// with access to the file or the database would: SQLite or PostgreSQL.
std::unique_ptr<dpa::SqlDatabase> open_raw_state(const std::filesystem::path& home);
// The first column of the first row of `sql` on the state at `home` ("<no row>" if none).
std::string state_text(const std::filesystem::path& home, const std::string& sql);
long long state_count(const std::filesystem::path& home, const std::string& sql);
// DROP TRIGGER in either dialect (PostgreSQL names the table).
void drop_trigger(dpa::SqlDatabase& db, const std::string& trigger, const std::string& table);
// Workspace::init with the test run's state location.
dpa::InitResult init_workspace(const std::filesystem::path& home, const std::string& policy = "upstat",
                               const std::string& actor = "test");

}  // namespace dpa::test

// Errors that cross the library boundary and the exit status each maps to.
//
// Libraries throw; only the CLI turns an error into a message and an exit
// status (documented in man/dpa.1, EXIT STATUS). A message is one line that
// says what is wrong, where, and how to fix it.
#pragma once

#include <stdexcept>
#include <string>

namespace dpa {

enum class ExitStatus : int {
  kOk = 0,
  kInternal = 1,       // a bug or an unexpected system failure
  kUsage = 2,          // unknown flag, missing or malformed argument
  kInvalidInput = 3,   // bad file, TOML, UTF-8, date, unknown name
  kWorkspace = 4,      // missing/uninitialized workspace, unsafe key files, newer schema
  kBusy = 5,           // the database, a lock or the input file is held by another process
  kRefused = 6,        // a policy forbids the action; the message cites the clause
  kVerifyFailed = 7,   // integrity check failed (audit chain, export package)
};

class Error : public std::runtime_error {
 public:
  Error(ExitStatus status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  ExitStatus status() const { return status_; }

 private:
  ExitStatus status_;
};

struct UsageError : Error {
  explicit UsageError(const std::string& m) : Error(ExitStatus::kUsage, m) {}
};
struct InputError : Error {
  explicit InputError(const std::string& m) : Error(ExitStatus::kInvalidInput, m) {}
};
struct WorkspaceError : Error {
  explicit WorkspaceError(const std::string& m) : Error(ExitStatus::kWorkspace, m) {}
};
struct BusyError : Error {
  explicit BusyError(const std::string& m) : Error(ExitStatus::kBusy, m) {}
};
struct RefusedError : Error {
  explicit RefusedError(const std::string& m) : Error(ExitStatus::kRefused, m) {}
};
struct VerifyError : Error {
  explicit VerifyError(const std::string& m) : Error(ExitStatus::kVerifyFailed, m) {}
};

}  // namespace dpa

#include "dpa/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/time.h"

namespace dpa {
namespace {

class FileLock final : public HeldLock {
 public:
  explicit FileLock(int fd) : fd_(fd) {}
  // Closing drops the flock; the file stays, its content stale but harmless.
  ~FileLock() override { ::close(fd_); }

 private:
  int fd_;
};

}  // namespace

std::string lock_holder_line(const std::string& what) {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "unknown-host");
  return fmt::format("{} by pid {} on {} since {}", what, ::getpid(), host, format_utc(now()));
}

std::unique_ptr<HeldLock> try_file_lock(const std::filesystem::path& file, const std::string& what,
                                        std::string* holder) {
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw WorkspaceError(fmt::format("cannot open the lock file {}: {}", file.string(), std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string text;
    char buf[512];
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    if (n > 0) {
      text.assign(buf, static_cast<std::size_t>(n));
      while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
    }
    ::close(fd);
    if (err != EWOULDBLOCK) {
      throw WorkspaceError(fmt::format("cannot lock {}: {}", file.string(), std::strerror(err)));
    }
    if (holder) *holder = text.empty() ? "holder unknown" : text;
    return nullptr;
  }
  std::string info = lock_holder_line(what) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] ssize_t w = ::pwrite(fd, info.data(), info.size(), 0);
  }
  return std::make_unique<FileLock>(fd);
}

}  // namespace dpa

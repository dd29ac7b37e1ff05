#include "retention/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/time.h"

namespace dpa::retention {

std::filesystem::path retention_lock_path(const std::filesystem::path& home) { return home / "retention.lock"; }

RetentionLock RetentionLock::acquire(const std::filesystem::path& file, const std::string& what) {
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw WorkspaceError(fmt::format("cannot open the retention lock {}: {}", file.string(), std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string holder;
    char buf[512];
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    if (n > 0) {
      holder.assign(buf, static_cast<std::size_t>(n));
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
    }
    ::close(fd);
    if (err == EWOULDBLOCK) {
      throw BusyError(fmt::format("another retention process holds {} ({}); wait for it to finish and run again",
                                  file.string(), holder.empty() ? "holder unknown" : holder));
    }
    throw WorkspaceError(fmt::format("cannot lock {}: {}", file.string(), std::strerror(err)));
  }
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "unknown-host");
  std::string info = fmt::format("{} by pid {} on {} since {}\n", what, ::getpid(), host, format_utc(now()));
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] ssize_t w = ::pwrite(fd, info.data(), info.size(), 0);
  }
  return RetentionLock(fd);
}

RetentionLock::RetentionLock(RetentionLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

RetentionLock& RetentionLock::operator=(RetentionLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

RetentionLock::~RetentionLock() {
  // Closing drops the flock; the file stays, its content is stale but harmless.
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace dpa::retention

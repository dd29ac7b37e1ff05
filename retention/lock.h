// The workspace-wide retention lock of earlier versions: one destructive
// retention process per workspace. Sweeps, reapply and request erasures now
// take one lock per dataset through StateStore::try_lock (see RetentionRun in
// erasure_batch.h), which works across hosts; this flock stays for callers
// that want the whole workspace.
//
// An flock(2) on <home>/retention.lock: the kernel drops it when the holder
// dies, even by SIGKILL, so a killed sweep never leaves a stale lock behind.
// The file holds the holder's pid, host and start time, for the message the
// second process prints.
#pragma once

#include <filesystem>
#include <string>

namespace dpa::retention {

class RetentionLock {
 public:
  // Throws BusyError (exit status 5) naming the holder if another process
  // holds the lock; `what` names the command for the file's content.
  static RetentionLock acquire(const std::filesystem::path& file, const std::string& what);

  RetentionLock(RetentionLock&& other) noexcept;
  RetentionLock& operator=(RetentionLock&& other) noexcept;
  RetentionLock(const RetentionLock&) = delete;
  RetentionLock& operator=(const RetentionLock&) = delete;
  ~RetentionLock();

 private:
  explicit RetentionLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

std::filesystem::path retention_lock_path(const std::filesystem::path& home);

}  // namespace dpa::retention

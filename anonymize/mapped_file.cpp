#include "anonymize/mapped_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <mutex>

namespace dpa::anonymize {
namespace {

// The live mapping's address range, for the SIGBUS handler. Atomics: the
// handler may run on any thread (workers read the mapping too).
std::atomic<std::uintptr_t> g_begin{0}, g_end{0};
std::atomic<bool> g_lost{false};
std::atomic<bool> g_lease_broken{false};
std::uintptr_t g_page = 4096;
struct sigaction g_previous {};
struct sigaction g_previous_sigio {};
std::mutex g_live_mutex;
bool g_live = false;  // under g_live_mutex

// A fault inside the mapping means the file lost those bytes: map zero
// pages from the faulting page to the mapping's end, note it, and return
// to the access, which now reads zeros. mmap is not on POSIX's list of
// async-signal-safe functions, but on Linux it is a plain system call with
// no lock in user space, and the fault is synchronous (the thread was
// reading, not inside malloc). Any other SIGBUS goes to the previous
// disposition: restored, and the fault repeats (or, sent by kill, raised).
void on_sigbus(int sig, siginfo_t* info, void*) {
  auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
  std::uintptr_t begin = g_begin.load(), end = g_end.load();
  if (info->si_code > 0 && addr >= begin && addr < end) {
    std::uintptr_t page = addr & ~(g_page - 1);
    void* p = ::mmap(reinterpret_cast<void*>(page), end - page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                     -1, 0);
    if (p != MAP_FAILED) {
      g_lost.store(true);
      return;
    }
  }
  ::sigaction(SIGBUS, &g_previous, nullptr);
  if (info->si_code <= 0) ::raise(sig);
}

// The kernel's word that a writer waits for the lease (SIGIO, whose
// default action would end the process). Installed without SA_RESTART: a
// write to a slow reader that blocks is cut short, so that the writer is
// seen to without waiting for the reader.
void on_sigio(int) { g_lease_broken.store(true); }

// Takes a read lease on `fd`, with the SIGIO handler in place first;
// false (and the handler removed) where no lease can be had.
bool take_lease(int fd) {
  struct sigaction sa {};
  sa.sa_handler = on_sigio;
  sigemptyset(&sa.sa_mask);
  if (::sigaction(SIGIO, &sa, &g_previous_sigio) != 0) return false;
  g_lease_broken.store(false);
  if (::fcntl(fd, F_SETLEASE, F_RDLCK) == 0) return true;
  ::sigaction(SIGIO, &g_previous_sigio, nullptr);
  return false;
}

}  // namespace

std::unique_ptr<MappedFile> MappedFile::map(int fd, std::uint64_t offset) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  auto file_size = static_cast<std::uint64_t>(st.st_size);
  if (offset >= file_size) return nullptr;
  // The whole rest of the file in one mapping: a 64-bit address space
  // holds any file; a 32-bit one reads instead of mapping in windows.
  if (file_size - offset > std::numeric_limits<std::size_t>::max() / 4) return nullptr;

  std::lock_guard lock(g_live_mutex);
  if (g_live) return nullptr;
  g_page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  std::uint64_t start = offset & ~static_cast<std::uint64_t>(g_page - 1);
  auto mapped = static_cast<std::size_t>(file_size - start);
  void* base = ::mmap(nullptr, mapped, PROT_READ, MAP_PRIVATE, fd, static_cast<off_t>(start));
  if (base == MAP_FAILED) return nullptr;
  // Read ahead generously and drop pages behind: the file is read once, in order.
  ::madvise(base, mapped, MADV_SEQUENTIAL);

  g_begin.store(reinterpret_cast<std::uintptr_t>(base));
  g_end.store(reinterpret_cast<std::uintptr_t>(base) + mapped);
  g_lost.store(false);
  struct sigaction sa {};
  sa.sa_sigaction = on_sigbus;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (::sigaction(SIGBUS, &sa, &g_previous) != 0) {
    ::munmap(base, mapped);
    return nullptr;
  }
  int own_fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (own_fd < 0) {
    ::sigaction(SIGBUS, &g_previous, nullptr);
    ::munmap(base, mapped);
    return nullptr;
  }
  g_live = true;
  auto* data = static_cast<const char*>(base) + (offset - start);
  std::unique_ptr<MappedFile> file(
      new MappedFile(base, mapped, data, static_cast<std::size_t>(file_size - offset), own_fd, file_size));
  file->leased_ = take_lease(own_fd);
  return file;
}

bool MappedFile::write_pending() const {
  // While a break is pending the kernel reports the lease it will leave
  // (none, for a writer); a stray SIGIO from elsewhere leaves it whole.
  return leased_ && g_lease_broken.load() && ::fcntl(fd_, F_GETLEASE) != F_RDLCK;
}

void MappedFile::release_lease() {
  if (!leased_) return;
  ::fcntl(fd_, F_SETLEASE, F_UNLCK);
  // No lease, no new notice; but one sent just before may still be
  // pending, and under the previous disposition (by default, the end of
  // the process) it would end a run that succeeded. Ignoring SIGIO for a
  // moment discards it.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGIO, &ignore, nullptr);
  ::sigaction(SIGIO, &g_previous_sigio, nullptr);
  leased_ = false;
}

MappedFile::~MappedFile() {
  release_lease();
  std::lock_guard lock(g_live_mutex);
  ::sigaction(SIGBUS, &g_previous, nullptr);
  g_begin.store(0);
  g_end.store(0);
  ::munmap(base_, mapped_);
  ::close(fd_);
  g_live = false;
}

bool MappedFile::truncated() const {
  if (g_lost.load()) return true;
  // The bytes between the new end and the end of its page read as zeros
  // without a fault: the file's size tells.
  struct stat st {};
  return ::fstat(fd_, &st) != 0 || static_cast<std::uint64_t>(st.st_size) < file_size_;
}

}  // namespace dpa::anonymize

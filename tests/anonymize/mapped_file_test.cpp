// MappedFile: a regular file read in place, and what happens when it
// shrinks under the mapping.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>

#include "anonymize/mapped_file.h"
#include "support/test_support.h"

using dpa::anonymize::MappedFile;
using dpa::test::letters;
using dpa::test::ScopedFd;
using dpa::test::TempDir;

namespace {

// SIGIO reaches the process when the writer's open() is refused; wait for
// it a little rather than count on its timing.
bool eventually_pending(const MappedFile& m) {
  for (int i = 0; i < 200 && !m.write_pending(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return m.write_pending();
}

}  // namespace

TEST_CASE("MappedFile maps a regular file from its offset and refuses the rest", "[mapped_file]") {
  TempDir dir;
  const std::string content = letters(3 * 4096 + 123);
  dpa::test::write_file(dir.path() / "in.txt", content);
  ScopedFd f(::open((dir.path() / "in.txt").c_str(), O_RDONLY));

  {
    auto m = MappedFile::map(f.fd, 0);
    REQUIRE(m);
    CHECK(m->bytes() == content);
    CHECK_FALSE(m->truncated());
    // One guard per process: a second file is read instead.
    CHECK_FALSE(MappedFile::map(f.fd, 0));
  }
  {
    // Not on a page boundary: the view still starts at the offset.
    auto m = MappedFile::map(f.fd, 5000);
    REQUIRE(m);
    CHECK(m->bytes() == content.substr(5000));
  }
  CHECK_FALSE(MappedFile::map(f.fd, content.size()));  // nothing left

  dpa::test::write_file(dir.path() / "empty.txt", "");
  ScopedFd empty(::open((dir.path() / "empty.txt").c_str(), O_RDONLY));
  CHECK_FALSE(MappedFile::map(empty.fd, 0));

  int p[2];
  REQUIRE(::pipe(p) == 0);
  ScopedFd r(p[0]), w(p[1]);
  CHECK_FALSE(MappedFile::map(r.fd, 0));
}

TEST_CASE("MappedFile survives the file shrinking under it and says so", "[mapped_file]") {
  TempDir dir;
  const std::string content = letters(6 * 4096 + 77);
  auto path = dir.path() / "shrinks.txt";
  dpa::test::write_file(path, content);
  ScopedFd f(::open(path.c_str(), O_RDWR));
  struct sigaction before {};
  REQUIRE(::sigaction(SIGBUS, nullptr, &before) == 0);
  {
    auto m = MappedFile::map(f.fd, 0);
    REQUIRE(m);
    REQUIRE(::ftruncate(f.fd, 4096 + 10) == 0);
    // Past the new end the pages are gone: without the guard this read
    // would end the process with SIGBUS.
    std::string_view bytes = m->bytes();
    std::size_t zeros = 0;
    for (char c : bytes) zeros += c == '\0';
    CHECK(bytes.substr(0, 4096 + 10) == std::string_view(content).substr(0, 4096 + 10));
    CHECK(zeros == content.size() - (4096 + 10));
    CHECK(m->truncated());
  }
  {
    // Shrunk within the last page only: no fault at all, the size tells.
    REQUIRE(::ftruncate(f.fd, 4096 + 10) == 0);
    auto m = MappedFile::map(f.fd, 0);
    REQUIRE(m);
    REQUIRE(::ftruncate(f.fd, 4096 + 5) == 0);
    CHECK(m->truncated());
  }
  // The previous SIGBUS disposition is back.
  struct sigaction after {};
  REQUIRE(::sigaction(SIGBUS, nullptr, &after) == 0);
  CHECK(after.sa_handler == before.sa_handler);
}

TEST_CASE("MappedFile leases the file: a writer waits and is seen", "[mapped_file]") {
  TempDir dir;
  const std::string content = letters(5 * 4096 + 3);
  auto path = dir.path() / "leased.txt";
  dpa::test::write_file(path, content);
  struct sigaction before {};
  REQUIRE(::sigaction(SIGIO, nullptr, &before) == 0);
  {
    ScopedFd f(::open(path.c_str(), O_RDONLY));
    auto m = MappedFile::map(f.fd, 0);
    REQUIRE(m);
    REQUIRE(m->leased());
    CHECK_FALSE(m->write_pending());
    // Other readers are welcome.
    ScopedFd reader(::open(path.c_str(), O_RDONLY | O_NONBLOCK));
    CHECK_FALSE(m->write_pending());

    // A writer that will not wait is refused, and its request is seen;
    // one that would wait is held (not tried here: it would block).
    errno = 0;
    int w = ::open(path.c_str(), O_WRONLY | O_NONBLOCK);
    CHECK(w == -1);
    CHECK(errno == EWOULDBLOCK);
    if (w >= 0) ::close(w);
    CHECK(eventually_pending(*m));
    CHECK(m->bytes() == content);

    // Given up, the lease lets the writer in.
    m->release_lease();
    CHECK_FALSE(m->leased());
    CHECK_FALSE(m->write_pending());
    ScopedFd writer(::open(path.c_str(), O_WRONLY | O_NONBLOCK));
  }
  {
    // A descriptor open for writing cannot hold a read lease; nor can a
    // file someone else has open for writing.
    ScopedFd rw(::open(path.c_str(), O_RDWR));
    auto m = MappedFile::map(rw.fd, 0);
    REQUIRE(m);
    CHECK_FALSE(m->leased());
    CHECK_FALSE(m->write_pending());
  }
  {
    ScopedFd writer(::open(path.c_str(), O_WRONLY));
    ScopedFd f(::open(path.c_str(), O_RDONLY));
    auto m = MappedFile::map(f.fd, 0);
    REQUIRE(m);
    CHECK_FALSE(m->leased());
  }
  // SIGIO's disposition is back: a lease break no longer reaches a handler.
  struct sigaction after {};
  REQUIRE(::sigaction(SIGIO, nullptr, &after) == 0);
  CHECK(after.sa_handler == before.sa_handler);
}

TEST_CASE("MappedFile: a writer's notice still pending when the lease is given up does not end the process",
          "[mapped_file]") {
  TempDir dir;
  auto path = dir.path() / "late.txt";
  dpa::test::write_file(path, letters(3 * 4096));
  struct sigaction before {};
  REQUIRE(::sigaction(SIGIO, nullptr, &before) == 0);
  REQUIRE(before.sa_handler == SIG_DFL);  // SIGIO's default action ends the process
  sigset_t sigio, old_mask;
  sigemptyset(&sigio);
  sigaddset(&sigio, SIGIO);
  {
    ScopedFd f(::open(path.c_str(), O_RDONLY));
    auto m = MappedFile::map(f.fd, 0);
    REQUIRE(m);
    REQUIRE(m->leased());
    // Held back, the notice stays pending past the lease's release.
    REQUIRE(::pthread_sigmask(SIG_BLOCK, &sigio, &old_mask) == 0);
    errno = 0;
    CHECK(::open(path.c_str(), O_WRONLY | O_NONBLOCK) == -1);
    CHECK(errno == EWOULDBLOCK);
    sigset_t pending;
    sigpending(&pending);
    CHECK(sigismember(&pending, SIGIO));
    m->release_lease();
    sigpending(&pending);
    CHECK_FALSE(sigismember(&pending, SIGIO));
  }
  // Delivered now, it would have ended the test run.
  REQUIRE(::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr) == 0);
  struct sigaction after {};
  REQUIRE(::sigaction(SIGIO, nullptr, &after) == 0);
  CHECK(after.sa_handler == SIG_DFL);
}

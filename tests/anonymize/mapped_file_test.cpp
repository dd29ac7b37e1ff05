// MappedFile: a regular file read in place, and what happens when it
// shrinks under the mapping.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <string>

#include "anonymize/mapped_file.h"
#include "support/test_support.h"

using dpa::anonymize::MappedFile;
using dpa::test::TempDir;

namespace {

// A file descriptor closed at the end of the scope.
struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) { REQUIRE(fd >= 0); }
  ~Fd() { ::close(fd); }
};

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

}  // namespace

TEST_CASE("MappedFile maps a regular file from its offset and refuses the rest", "[mapped_file]") {
  TempDir dir;
  const std::string content = pattern(3 * 4096 + 123);
  dpa::test::write_file(dir.path() / "in.txt", content);
  Fd f(::open((dir.path() / "in.txt").c_str(), O_RDONLY));

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
  Fd empty(::open((dir.path() / "empty.txt").c_str(), O_RDONLY));
  CHECK_FALSE(MappedFile::map(empty.fd, 0));

  int p[2];
  REQUIRE(::pipe(p) == 0);
  Fd r(p[0]), w(p[1]);
  CHECK_FALSE(MappedFile::map(r.fd, 0));
}

TEST_CASE("MappedFile survives the file shrinking under it and says so", "[mapped_file]") {
  TempDir dir;
  const std::string content = pattern(6 * 4096 + 77);
  auto path = dir.path() / "shrinks.txt";
  dpa::test::write_file(path, content);
  Fd f(::open(path.c_str(), O_RDWR));
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

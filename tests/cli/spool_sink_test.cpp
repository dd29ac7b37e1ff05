// The CLI's standard input and output: a regular file read in place under
// a lease, and the spool that holds the output until the run succeeds,
// with references into that file instead of copies.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>

#include "dpa/cli/io.h"
#include "dpa/error.h"
#include "support/test_support.h"

using dpa::cli::FdSource;
using dpa::cli::SpoolSink;
using dpa::test::TempDir;

namespace {

struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) { REQUIRE(fd >= 0); }
  ~Fd() { ::close(fd); }
};

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7) % 26);
  return s;
}

// Appends, as the renderer does, the text of `view` with [from, to)
// replaced by `tag`: two references and a tag in lent room.
void append_tagged(SpoolSink& sink, std::string_view view, std::size_t from, std::size_t to, std::string_view tag) {
  REQUIRE(sink.takes_references(view.size(), 3, tag.size()));
  auto room = sink.lend_pieces(3, tag.size());
  tag.copy(room.bytes, tag.size());
  room.pieces[0] = {const_cast<char*>(view.data()), from};
  room.pieces[1] = {room.bytes, tag.size()};
  room.pieces[2] = {const_cast<char*>(view.data() + to), view.size() - to};
  sink.append_pieces(3, tag.size());
}

// Opens a writer that will not wait for the lease: refused, but its
// request reaches the lease holder.
void ask_to_write(const std::filesystem::path& path) {
  errno = 0;
  int w = ::open(path.c_str(), O_WRONLY | O_NONBLOCK);
  REQUIRE(w == -1);
  REQUIRE(errno == EWOULDBLOCK);
}

bool eventually_pending(const FdSource& source) {
  for (int i = 0; i < 200 && !source.mapped()->write_pending(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return source.mapped()->write_pending();
}

}  // namespace

TEST_CASE("the spool writes references into a leased input as the bytes they point to", "[cli][spool]") {
  TempDir dir;
  const std::string content = pattern(300000);
  auto in_path = dir.path() / "in.txt", out_path = dir.path() / "out.txt";
  dpa::test::write_file(in_path, content);
  Fd in(::open(in_path.c_str(), O_RDONLY));
  FdSource source(in.fd, "in.txt");
  auto view = source.view();
  REQUIRE(view);
  REQUIRE(source.mapped());
  REQUIRE(source.mapped()->leased());

  Fd out(::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600));
  SpoolSink sink(out.fd, false, dir.path());
  // Without take_references_from(), copies only.
  CHECK_FALSE(sink.takes_references(10, 3, 20));
  sink.take_references_from(source);
  sink.write("head:");
  append_tagged(sink, *view, 1000, 1010, "[PHONE_1]");
  sink.write(":middle:");
  // More segments than one writev() takes.
  for (int i = 0; i < 1500; ++i) append_tagged(sink, view->substr(100 * i, 100), 10, 20, "[X]");
  sink.write(":tail");
  sink.commit();

  std::string expected = "head:" + content.substr(0, 1000) + "[PHONE_1]" + content.substr(1010) + ":middle:";
  for (int i = 0; i < 1500; ++i) expected += content.substr(100 * i, 10) + "[X]" + content.substr(100 * i + 20, 80);
  expected += ":tail";
  CHECK(dpa::test::read_file(out_path) == expected);
}

TEST_CASE("the spool takes references only as far as its memory would hold their copy", "[cli][spool]") {
  TempDir dir;
  const std::string content = pattern(10000);
  auto in_path = dir.path() / "in.txt", out_path = dir.path() / "out.txt";
  dpa::test::write_file(in_path, content);
  Fd in(::open(in_path.c_str(), O_RDONLY));
  FdSource source(in.fd, "in.txt");
  auto view = source.view();
  REQUIRE(view);
  Fd out(::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600));
  SpoolSink sink(out.fd, false, dir.path(), /*memory_bytes=*/4096);
  sink.take_references_from(source);
  CHECK(sink.takes_references(4000, 3, 20));
  CHECK_FALSE(sink.takes_references(5000, 3, 20));  // more than a copy could hold
  append_tagged(sink, view->substr(0, 4000), 10, 20, "[T]");
  CHECK_FALSE(sink.takes_references(200, 3, 20));   // 4,000 referenced already
  // Past the head, output goes to the spool file as copies, in order.
  sink.write(*view);
  sink.commit();
  CHECK(dpa::test::read_file(out_path) == content.substr(0, 10) + "[T]" + content.substr(20, 3980) + content);
}

TEST_CASE("a writer's request is an error while the input is read, and waits for a copy while it is written out",
          "[cli][spool]") {
  TempDir dir;
  const std::string content = pattern(200000);
  auto in_path = dir.path() / "in.txt", out_path = dir.path() / "out.txt";
  dpa::test::write_file(in_path, content);
  Fd in(::open(in_path.c_str(), O_RDONLY));
  FdSource source(in.fd, "in.txt");
  auto view = source.view();
  REQUIRE(view);
  REQUIRE(source.mapped()->leased());
  Fd out(::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600));
  SpoolSink sink(out.fd, false, dir.path());
  sink.take_references_from(source);
  append_tagged(sink, *view, 500, 600, "[NAME_1]");
  CHECK_NOTHROW(source.check_view());

  ask_to_write(in_path);
  REQUIRE(eventually_pending(source));
  // The reader stops: nothing it found could be trusted to match the file.
  CHECK_THROWS_AS(source.check_view(), dpa::BusyError);
  // The spool copies what it refers to, then lets the writer in.
  sink.commit();
  CHECK(dpa::test::read_file(out_path) == content.substr(0, 500) + "[NAME_1]" + content.substr(600));
  CHECK_FALSE(source.mapped()->leased());
  Fd writer(::open(in_path.c_str(), O_WRONLY | O_NONBLOCK));
}

TEST_CASE("a file that cannot be leased is read, not mapped", "[cli][spool]") {
  TempDir dir;
  const std::string content = pattern(50000);
  auto path = dir.path() / "in.txt";
  dpa::test::write_file(path, content);
  Fd writer(::open(path.c_str(), O_WRONLY));  // someone still writing it
  Fd in(::open(path.c_str(), O_RDONLY));
  FdSource source(in.fd, "in.txt");
  CHECK_FALSE(source.view());
  CHECK_FALSE(source.mapped());
  std::string got(content.size() + 10, '\0');
  std::size_t n = 0;
  while (std::size_t k = source.read(got.data() + n, got.size() - n)) n += k;
  got.resize(n);
  CHECK(got == content);
}

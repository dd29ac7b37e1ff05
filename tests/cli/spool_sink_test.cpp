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
using dpa::test::letters;
using dpa::test::ScopedFd;
using dpa::test::TempDir;

namespace {

// A file of letters read in place (under its lease) as a run's input, and
// an empty output file.
struct LeasedInput {
  TempDir dir;
  std::filesystem::path in_path = dir.path() / "in.txt", out_path = dir.path() / "out.txt";
  std::string content;  // after the paths: written to in_path as it is made
  ScopedFd in;
  FdSource source;
  std::string_view view;
  ScopedFd out;

  explicit LeasedInput(std::size_t size)
      : content(write(in_path, letters(size))),
        in(::open(in_path.c_str(), O_RDONLY)),
        source(in.fd, "in.txt"),
        view(source.view().value_or(std::string_view())),
        out(::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600)) {}
  static std::string write(const std::filesystem::path& path, std::string text) {
    dpa::test::write_file(path, text);
    return text;
  }
  std::string output() const { return dpa::test::read_file(out_path); }
};

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
  LeasedInput f(300000);
  REQUIRE(f.source.mapped());
  REQUIRE(f.source.mapped()->leased());
  REQUIRE(f.view == f.content);

  SpoolSink sink(f.out.fd, false, f.dir.path());
  // Without take_references_from(), copies only.
  CHECK_FALSE(sink.takes_references(10, 3, 20));
  sink.take_references_from(f.source);
  sink.write("head:");
  append_tagged(sink, f.view, 1000, 1010, "[PHONE_1]");
  sink.write(":middle:");
  // More segments than one writev() takes.
  for (int i = 0; i < 1500; ++i) append_tagged(sink, f.view.substr(100 * i, 100), 10, 20, "[X]");
  sink.write(":tail");
  sink.commit();

  std::string expected = "head:" + f.content.substr(0, 1000) + "[PHONE_1]" + f.content.substr(1010) + ":middle:";
  for (int i = 0; i < 1500; ++i) {
    expected += f.content.substr(100 * i, 10) + "[X]" + f.content.substr(100 * i + 20, 80);
  }
  expected += ":tail";
  CHECK(f.output() == expected);
}

TEST_CASE("the spool takes references only as far as its memory would hold their copy", "[cli][spool]") {
  LeasedInput f(10000);
  REQUIRE(f.view == f.content);
  SpoolSink sink(f.out.fd, false, f.dir.path(), /*memory_bytes=*/4096);
  sink.take_references_from(f.source);
  CHECK(sink.takes_references(4000, 3, 20));
  CHECK_FALSE(sink.takes_references(5000, 3, 20));  // more than a copy could hold
  append_tagged(sink, f.view.substr(0, 4000), 10, 20, "[T]");
  CHECK_FALSE(sink.takes_references(200, 3, 20));   // 4,000 referenced already
  // Past the head, output goes to the spool file as copies, in order.
  sink.write(f.view);
  sink.commit();
  CHECK(f.output() == f.content.substr(0, 10) + "[T]" + f.content.substr(20, 3980) + f.content);
}

TEST_CASE("a writer's request is an error while the input is read, and waits for a copy while it is written out",
          "[cli][spool]") {
  LeasedInput f(200000);
  REQUIRE(f.source.mapped());
  REQUIRE(f.source.mapped()->leased());
  SpoolSink sink(f.out.fd, false, f.dir.path());
  sink.take_references_from(f.source);
  append_tagged(sink, f.view, 500, 600, "[NAME_1]");
  CHECK_NOTHROW(f.source.check_view());

  ask_to_write(f.in_path);
  REQUIRE(eventually_pending(f.source));
  // The reader stops: nothing it found could be trusted to match the file.
  CHECK_THROWS_AS(f.source.check_view(), dpa::BusyError);
  // The spool copies what it refers to, then lets the writer in.
  sink.commit();
  CHECK(f.output() == f.content.substr(0, 500) + "[NAME_1]" + f.content.substr(600));
  CHECK_FALSE(f.source.mapped()->leased());
  ScopedFd writer(::open(f.in_path.c_str(), O_WRONLY | O_NONBLOCK));
}

TEST_CASE("a file that cannot be leased is read, not mapped", "[cli][spool]") {
  TempDir dir;
  const std::string content = letters(50000);
  auto path = dir.path() / "in.txt";
  dpa::test::write_file(path, content);
  ScopedFd writer(::open(path.c_str(), O_WRONLY));  // someone still writing it
  ScopedFd in(::open(path.c_str(), O_RDONLY));
  FdSource source(in.fd, "in.txt");
  CHECK_FALSE(source.view());
  CHECK_FALSE(source.mapped());
  std::string got(content.size() + 10, '\0');
  std::size_t n = 0;
  while (std::size_t k = source.read(got.data() + n, got.size() - n)) n += k;
  got.resize(n);
  CHECK(got == content);
}

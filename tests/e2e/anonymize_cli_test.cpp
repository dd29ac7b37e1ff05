// End-to-end: dpa anonymize, reidentify and scan through the real binary.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

using dpa::test::run_dpa;
using dpa::test::TempDir;

namespace {

struct Workspace {
  TempDir dir;
  Workspace() {
    REQUIRE(run({"init", "--policy", "truffles"}).status == 0);
    REQUIRE(run({"tenant", "add", "acme"}).status == 0);
  }
  dpa::test::RunResult run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--home", dir.path().string()});
    return run_dpa(args, input);
  }
  int count(const std::string& sql) {
    return static_cast<int>(dpa::test::state_count(dir.path(), sql));
  }
};

const std::string kChat =
    "Здравствуйте, меня зовут Марат Иванов. Мой номер +7 701 123 45 67, почта marat@example.kz.\n"
    "Hello, my name is John Smith, call me at 8 (701) 765-43-21.\n";

}  // namespace

TEST_CASE("anonymize --for a subprocessor the policy allows: tokens, a transfer, an audit entry", "[e2e][anonymize]") {
  Workspace w;
  // OpenAI is in the US: the kz cross-border conditions need the subjects' consent.
  auto no_consent = w.run({"anonymize", "--tenant", "acme", "--for", "openai", "--category", "communications.messages"}, kChat);
  CHECK(no_consent.status == 6);
  CHECK(no_consent.out.empty());
  CHECK_THAT(no_consent.err, Catch::Contains("Art. 16"));
  REQUIRE(w.run({"transfer", "agreement", "add", "--tenant", "acme", "--kind", "cross-border-consent",
                 "--reference", "consent clause of the shop's terms v3", "--to", "openai"})
              .status == 0);
  auto r = w.run({"anonymize", "--tenant", "acme", "--for", "openai", "--category", "communications.messages"}, kChat);
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("+7 701 123 45 67") == std::string::npos);
  CHECK(r.out.find("marat@example.kz") == std::string::npos);
  CHECK(r.out.find("<PHONE:") != std::string::npos);
  CHECK(w.count("SELECT count(*) FROM transfers WHERE status = 'made' AND subprocessor = 'openai' "
                "AND pseudonymized = 1 AND clause = 'DPA 4.2'") == 1);
  CHECK(w.count("SELECT count(*) FROM audit_log WHERE action = 'transfer.made'") == 1);
  // No value reaches the state outside the vault.
  CHECK(w.count("SELECT count(*) FROM audit_log WHERE details LIKE '%701%' OR details LIKE '%marat%'") == 0);
  CHECK(w.count("SELECT count(*) FROM transfers WHERE entity_counts LIKE '%701%'") == 0);

  auto back = w.run({"reidentify", "--tenant", "acme"}, r.out);
  REQUIRE(back.status == 0);
  CHECK(back.out == kChat);
}

TEST_CASE("anonymize refuses what the policy forbids and cites the clause", "[e2e][anonymize]") {
  Workspace w;
  auto r = w.run({"anonymize", "--tenant", "acme", "--for", "openai", "--category", "identification.contact"}, kChat);
  CHECK(r.status == 6);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("DPA 4.2"));
  CHECK(w.count("SELECT count(*) FROM transfers WHERE status = 'refused' AND clause = 'DPA 4.2'") == 1);

  auto unknown = w.run({"anonymize", "--tenant", "acme", "--for", "skynet", "--category", "communications.messages"}, kChat);
  CHECK(unknown.status == 3);
  CHECK_THAT(unknown.err, Catch::Contains("openai"));
  auto no_tenant = w.run({"anonymize", "--tenant", "nobody"}, kChat);
  CHECK(no_tenant.status == 3);
}

TEST_CASE("anonymize fails closed on invalid UTF-8: nothing on stdout", "[e2e][anonymize]") {
  Workspace w;
  std::string bad = std::string(5000, 'a') + "\xFF" + "+7 701 123 45 67\n";
  auto r = w.run({"anonymize", "--tenant", "acme", "--chunk-bytes", "1024"}, bad);
  CHECK(r.status == 3);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("invalid UTF-8 at byte 5000"));
  auto lossy = w.run({"anonymize", "--tenant", "acme", "--lossy"}, bad);
  CHECK(lossy.status == 0);
  CHECK(lossy.out.find("[PHONE_1]") != std::string::npos);
}

TEST_CASE("anonymize gives the same output for any --jobs and chunk size", "[e2e][anonymize]") {
  Workspace w;
  std::string input;
  for (int i = 0; i < 300; ++i) input += kChat;
  auto one = w.run({"anonymize", "--tenant", "acme", "--operator", "tag"}, input);
  REQUIRE(one.status == 0);
  auto two = w.run({"anonymize", "--tenant", "acme", "--operator", "tag", "--jobs", "2", "--chunk-bytes", "333"}, input);
  REQUIRE(two.status == 0);
  CHECK(one.out == two.out);
  CHECK(one.out.find("[PHONE_1]") != std::string::npos);
}

// Output past the spool's memory goes to the spool file (direct I/O in
// whole 4 KiB blocks where the file system allows it, the last one padded
// and cut back): the bytes that come out must be the same as streamed.
// `dpa anonymize < file` works on the file's pages in place (mapped): the
// same output as through a pipe, for any --jobs and chunk size, and the
// same errors.
TEST_CASE("anonymize of a regular file on stdin gives what a pipe gives", "[e2e][anonymize]") {
  Workspace w;
  std::string input;
  for (int i = 0; i < 300; ++i) input += kChat;
  auto file = w.dir.path() / "chat.txt";
  dpa::test::write_file(file, input);
  auto on_file = [&](std::vector<std::string> args, const std::filesystem::path& in) {
    args.insert(args.begin(), {"--home", w.dir.path().string()});
    return dpa::test::run_dpa_on_file(args, in);
  };
  for (std::vector<std::string> extra : {std::vector<std::string>{"--jobs", "1"},
                                         {"--jobs", "2"},
                                         {"--jobs", "2", "--chunk-bytes", "333"},
                                         {"--jobs", "1", "--chunk-bytes", "1000"}}) {
    std::vector<std::string> args = {"anonymize", "--tenant", "acme", "--operator", "tag"};
    args.insert(args.end(), extra.begin(), extra.end());
    INFO(extra[1] << " jobs " << (extra.size() > 2 ? extra[3] : "default") << " chunk");
    auto piped = w.run(args, input);
    auto mapped = on_file(args, file);
    REQUIRE(mapped.status == 0);
    CHECK(mapped.out == piped.out);
  }

  // Invalid UTF-8, in the middle and cut at the very end: the same error.
  auto bad = w.dir.path() / "bad.txt";
  dpa::test::write_file(bad, std::string(5000, 'a') + "\xFF" + "+7 701 123 45 67\n");
  auto r = on_file({"anonymize", "--tenant", "acme", "--chunk-bytes", "1024"}, bad);
  CHECK(r.status == 3);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("invalid UTF-8 at byte 5000"));
  auto lossy = on_file({"anonymize", "--tenant", "acme", "--lossy"}, bad);
  CHECK(lossy.status == 0);
  CHECK(lossy.out == w.run({"anonymize", "--tenant", "acme", "--lossy"}, dpa::test::read_file(bad)).out);
  auto cut = w.dir.path() / "cut.txt";
  dpa::test::write_file(cut, input + "\xD0");
  auto c = on_file({"anonymize", "--tenant", "acme"}, cut);
  CHECK(c.status == 3);
  CHECK(c.out.empty());
  CHECK_THAT(c.err, Catch::Contains("invalid UTF-8 at byte " + std::to_string(input.size())));

  // Scan reports the same offsets.
  auto scanned = on_file({"scan"}, file);
  REQUIRE(scanned.status == 0);
  CHECK(scanned.out == w.run({"scan"}, input).out);
  CHECK_FALSE(scanned.out.empty());
}

TEST_CASE("anonymize output through the spool file is the streamed output", "[e2e][anonymize]") {
  Workspace w;
  std::string input;
  for (int i = 0; i < 40000; ++i) input += kChat;  // about 6 MB: more than one 4 MiB write
  auto streamed = w.run({"anonymize", "--tenant", "acme", "--operator", "tag", "--no-spool"}, input);
  REQUIRE(streamed.status == 0);
  for (std::string memory : {"0", "1000", "4096", "1048577"}) {
    INFO("spool memory " << memory);
    auto spooled = w.run({"anonymize", "--tenant", "acme", "--operator", "tag", "--spool-dir",
                          w.dir.path().string(), "--spool-memory-bytes", memory},
                         input);
    REQUIRE(spooled.status == 0);
    CHECK(spooled.out.size() == streamed.out.size());
    CHECK(spooled.out == streamed.out);
  }

  // A regular file on stdin is leased and the spool refers to its bytes
  // instead of copying them, as far as its memory would hold their copy;
  // past that, copies go to the spool file. The bytes that come out are
  // the same.
  auto file = w.dir.path() / "chat.txt";
  dpa::test::write_file(file, input);
  for (std::string memory : {"0", "1000", "1048577", "3000000", "67108864"}) {
    for (std::string jobs : {"1", "2"}) {
      INFO("spool memory " << memory << ", jobs " << jobs);
      auto referenced = dpa::test::run_dpa_on_file(
          {"--home", w.dir.path().string(), "anonymize", "--tenant", "acme", "--operator", "tag", "--jobs", jobs,
           "--spool-dir", w.dir.path().string(), "--spool-memory-bytes", memory},
          file);
      REQUIRE(referenced.status == 0);
      CHECK(referenced.out == streamed.out);
    }
  }
  // A file someone still has open for writing cannot be leased: it is read
  // (copied in), and the output is the same.
  {
    int writer = ::open(file.c_str(), O_WRONLY | O_APPEND);
    REQUIRE(writer >= 0);
    auto copied = dpa::test::run_dpa_on_file(
        {"--home", w.dir.path().string(), "anonymize", "--tenant", "acme", "--operator", "tag"}, file);
    ::close(writer);
    REQUIRE(copied.status == 0);
    CHECK(copied.out == streamed.out);
  }
}

namespace {

// Whether /proc/locks lists a lease held by process `pid`.
bool holds_lease(pid_t pid) {
  std::ifstream locks("/proc/locks");
  std::string line;
  const std::string id = " " + std::to_string(pid) + " ";
  while (std::getline(locks, line)) {
    if (line.find("LEASE") != std::string::npos && line.find(id) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

// The file on stdin is read in place under a lease. A program that opens
// it for writing meanwhile is held back, and the run, which can no longer
// vouch that the bytes it checked are the bytes it would write, stops with
// exit status 5 and nothing on stdout (or, if the request came while the
// output was being written, finishes with the full output); then the
// writer gets in.
TEST_CASE("anonymize stops when another program opens its input file for writing", "[e2e][anonymize]") {
  Workspace w;
  std::string input;
  for (int i = 0; i < 120000; ++i) input += kChat;  // about 18 MB: long enough to be caught mid-run
  auto in_path = w.dir.path() / "in.txt", out_path = w.dir.path() / "out.txt", err_path = w.dir.path() / "err.txt";
  dpa::test::write_file(in_path, input);

  pid_t pid = dpa::test::spawn_dpa({"--home", w.dir.path().string(), "anonymize", "--tenant", "acme", "--operator", "tag"},
                                   in_path, out_path, err_path);

  // Once the lease is there, ask to write without waiting for it.
  bool asked = false;
  int status = 0;
  bool done = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!asked && std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      done = true;
      break;
    }
    if (holds_lease(pid)) {
      errno = 0;
      int fd = ::open(in_path.c_str(), O_WRONLY | O_NONBLOCK);
      CHECK(fd == -1);
      CHECK(errno == EWOULDBLOCK);
      if (fd >= 0) ::close(fd);
      asked = true;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  if (!done) REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  std::string out = dpa::test::read_file(out_path), err = dpa::test::read_file(err_path);
  if (!asked) {
    WARN("the run ended before its lease was seen; only its output is checked");
    CHECK(WEXITSTATUS(status) == 0);
  } else if (WEXITSTATUS(status) == 5) {
    CHECK(out.empty());
    CHECK_THAT(err, Catch::Contains("opened standard input for writing while it was read"));
  } else {
    // Asked while the spooled output was written: the rest was copied first.
    CHECK(WEXITSTATUS(status) == 0);
  }
  if (WEXITSTATUS(status) == 0) CHECK(out == w.run({"anonymize", "--tenant", "acme", "--operator", "tag"}, input).out);
  // The writer is let in.
  int fd = ::open(in_path.c_str(), O_WRONLY | O_NONBLOCK);
  CHECK(fd >= 0);
  if (fd >= 0) ::close(fd);
}

TEST_CASE("anonymize jsonl keeps lines valid and other fields untouched", "[e2e][anonymize]") {
  Workspace w;
  std::string input = R"({"id":7,"text":"позвоните +7 701 123 45 67","phone_hint":"+7 701 123 45 67"})" "\n";
  auto r = w.run({"anonymize", "--tenant", "acme", "--format", "jsonl", "--fields", "text", "--report",
                  (w.dir.path() / "report.json").string()},
                 input);
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["id"] == 7);
  CHECK(j["phone_hint"] == "+7 701 123 45 67");
  CHECK(j["text"] == "позвоните [PHONE_1]");
  auto report = nlohmann::json::parse(dpa::test::read_file(w.dir.path() / "report.json"));
  CHECK(report["entities"]["PHONE"] == 1);
  CHECK(dpa::test::read_file(w.dir.path() / "report.json").find("123 45 67") == std::string::npos);
  CHECK(dpa::test::read_file(w.dir.path() / "report.json").find("1234567") == std::string::npos);
}

TEST_CASE("scan lists findings without values unless asked", "[e2e][scan]") {
  Workspace w;
  dpa::test::write_file(w.dir.path() / "in.txt", kChat);
  auto r = w.run({"scan", (w.dir.path() / "in.txt").string(), "--json"});
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["counts"]["PHONE"] == 2);
  // The phone's digits, not "701" alone: the temporary folder's random name
  // in the output may contain any three digits.
  CHECK(r.out.find("123 45 67") == std::string::npos);
  CHECK(r.out.find("1234567") == std::string::npos);
  auto shown = w.run({"scan", (w.dir.path() / "in.txt").string(), "--show-values"});
  CHECK(shown.out.find("+7 701 123 45 67") != std::string::npos);
  auto missing = w.run({"scan", (w.dir.path() / "nope.txt").string()});
  CHECK(missing.status == 3);
  CHECK_THAT(missing.err, Catch::Contains("nope.txt"));
}

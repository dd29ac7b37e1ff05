// End-to-end: the pseudonym vault under concurrent writers and crashes,
// through the real binary.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <sstream>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

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
  std::vector<std::string> args(std::vector<std::string> rest) const {
    rest.insert(rest.begin(), {"--home", dir.path().string()});
    return rest;
  }
  dpa::test::RunResult run(const std::vector<std::string>& rest, const std::string& input = "") const {
    return run_dpa(args(rest), input);
  }
  int count(const std::string& sql) const {
    return static_cast<int>(dpa::test::state_count(dir.path(), sql));
  }
};

// `lines` lines, each with a phone and an e-mail; every third phone recurs
// from an earlier line and every fifth in a second written form, so runs
// mix new values, new forms of known values and known forms.
std::vector<std::string> chat_lines(int lines) {
  std::vector<std::string> out;
  for (int i = 0; i < lines; ++i) {
    int n = i % 3 == 2 ? i / 2 : i;
    std::string phone = i % 5 == 4 ? fmt::format("8 (701) {:03}-{:02}-{:02}", n % 1000, n / 1000 % 100, n % 97)
                                   : fmt::format("+7 701 {:03} {:02} {:02}", n % 1000, n / 1000 % 100, n % 97);
    out.push_back(fmt::format("Заявка {}: клиент звонил с {}, почта client{}@example.kz, ждёт ответа.\n", i,
                              phone, n));
  }
  return out;
}

std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l;
  return s;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l + "\n");
  return out;
}

}  // namespace

TEST_CASE("two concurrent anonymize processes converge on the same tokens", "[e2e][vault]") {
  Workspace w;
  auto lines = chat_lines(3000);
  std::string forward = join(lines);
  std::reverse(lines.begin(), lines.end());
  std::string backward = join(lines);
  // Small chunks: many batches (transactions) per process, interleaving.
  std::vector<std::string> cmd = {"anonymize", "--tenant", "acme", "--operator", "token", "--chunk-bytes", "4096"};
  auto a = std::async(std::launch::async, [&] { return w.run(cmd, forward); });
  auto b = std::async(std::launch::async, [&] { return w.run(cmd, backward); });
  auto ra = a.get(), rb = b.get();
  INFO(ra.err << rb.err);
  REQUIRE(ra.status == 0);
  REQUIRE(rb.status == 0);
  // The same line got the same tokens in both, whichever process wrote
  // its value or form first.
  auto la = split_lines(ra.out), lb = split_lines(rb.out);
  std::reverse(lb.begin(), lb.end());
  REQUIRE(la.size() == 3000);
  CHECK(la == lb);
  CHECK(ra.out.find("<PHONE:") != std::string::npos);
  CHECK(ra.out.find(".2>") != std::string::npos);  // second written forms were met
  // One vault row per distinct value and form: 2500 phones, 2500 e-mails,
  // and 200 second written forms of phones.
  CHECK(w.count("SELECT count(*) FROM vault_values") == 5000);
  CHECK(w.count("SELECT count(*) FROM vault_forms") == 5000 + 200);
  auto back = w.run({"reidentify", "--tenant", "acme"}, ra.out);
  REQUIRE(back.status == 0);
  CHECK(back.out == forward);
  CHECK(back.err.empty());
}

TEST_CASE("token and surrogate output does not depend on batching, cache or format", "[e2e][vault]") {
  Workspace w;
  std::string input = join(chat_lines(1500));
  for (std::string op : {"token", "surrogate", "PHONE=token,EMAIL=surrogate"}) {
    INFO(op);
    auto first = w.run({"anonymize", "--tenant", "acme", "--operator", op}, input);
    REQUIRE(first.status == 0);
    // A second run finds every form in the vault; small chunks and two jobs
    // split the batches differently.
    auto again = w.run({"anonymize", "--tenant", "acme", "--operator", op, "--jobs", "2", "--chunk-bytes", "700"},
                       input);
    REQUIRE(again.status == 0);
    CHECK(again.out == first.out);
    auto back = w.run({"reidentify", "--tenant", "acme"}, first.out);
    REQUIRE(back.status == 0);
    // Tokens always restore; two values' surrogates can coincide (the
    // e-mail fakes draw from a small space), so those are not compared.
    if (op == "token") CHECK(back.out == input);
  }
  // A form first stored by `token` is reversible once a `surrogate` run
  // released its surrogate.
  Workspace fresh;
  std::string line = "звонил +7 701 555 12 34\n";
  REQUIRE(fresh.run({"anonymize", "--tenant", "acme", "--operator", "token"}, line).status == 0);
  auto s = fresh.run({"anonymize", "--tenant", "acme", "--operator", "surrogate"}, line);
  REQUIRE(s.status == 0);
  CHECK(s.out != line);
  CHECK(fresh.run({"reidentify", "--tenant", "acme"}, s.out).out == line);
  // jsonl fields are batched per chunk as well and get the text tokens.
  auto text = fresh.run({"anonymize", "--tenant", "acme", "--operator", "token"}, line);
  auto jsonl = fresh.run({"anonymize", "--tenant", "acme", "--operator", "token", "--format", "jsonl", "--fields",
                          "a,b"},
                         "{\"a\":\"звонил +7 701 555 12 34\",\"b\":\"+7 701 555 12 34\"}\n");
  REQUIRE(jsonl.status == 0);
  std::string token = text.out.substr(text.out.find('<'), text.out.find('>') - text.out.find('<') + 1);
  CHECK(jsonl.out == fmt::format("{{\"a\":\"звонил {0}\",\"b\":\"{0}\"}}\n", token));
}

// The vault entries of a chunk are committed (synchronous=FULL) before the
// chunk is written anywhere: with --no-spool straight to stdout, otherwise
// to the spool that is released only at the end. A run killed at any point
// therefore leaves only tokens the vault can restore.
TEST_CASE("a run killed mid-way leaves no token without its vault entry", "[e2e][vault]") {
  Workspace w;
  std::string input = join(chat_lines(40000));
  auto input_path = w.dir.path() / "in.txt";
  dpa::test::write_file(input_path, input);

  for (bool spool : {false, true}) {
    INFO("spool " << spool);
    auto out_path = w.dir.path() / fmt::format("out{}.txt", spool);
    auto args = w.args({"anonymize", "--tenant", "acme", "--operator", "token", "--chunk-bytes", "16384"});
    if (!spool) args.push_back("--no-spool");
    pid_t pid = dpa::test::spawn_dpa(args, input_path, out_path, "/dev/null");

    // Kill it once some vault values are committed (and, without the
    // spool, some output is out).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    bool killed = false;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid, &status, WNOHANG) == pid) break;
      std::error_code ec;
      bool progress = spool ? w.count("SELECT count(*) FROM vault_values") > 2000
                            : std::filesystem::file_size(out_path, ec) > 100000;
      if (progress) {
        kill(pid, SIGKILL);
        REQUIRE(waitpid(pid, &status, 0) == pid);
        killed = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!killed) WARN("the run ended before it could be killed; the check below is weaker");
    std::string out = dpa::test::read_file(out_path);
    if (spool && killed) CHECK(out.empty());
    // Complete lines only: the kill may cut a write.
    out.resize(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
    auto back = w.run({"reidentify", "--tenant", "acme"}, out);
    REQUIRE(back.status == 0);
    CHECK(back.err.empty());  // no "token(s) not in the vault"
    CHECK(back.out == input.substr(0, back.out.size()));
  }
}

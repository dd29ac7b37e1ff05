#include "support/test_support.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "dpa/pg_connection.h"
#include "dpa/pg_database.h"
#include "dpa/sqlite_database.h"

extern char** environ;

namespace dpa::test {

TempDir::TempDir() {
  std::random_device rd;
  auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = base / ("dpa-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::error_code ec;
    if (std::filesystem::create_directory(candidate, ec)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

namespace {

// "dpa-test-123456" -> "123456": ties a schema to the TempDir holding its home.
std::string temp_tag(const std::filesystem::path& path) {
  std::string tag;
  for (const auto& part : path) {
    std::string s = part.string();
    if (s.rfind("dpa-test-", 0) == 0) tag = s.substr(9);
  }
  return tag;
}

}  // namespace

std::optional<std::string> pg_test_url() {
  const char* url = std::getenv("DPA_TEST_PG_URL");
  if (url && *url) return std::string(url);
  return std::nullopt;
}

std::string pg_test_schema(const std::filesystem::path& home) {
  std::filesystem::path abs = std::filesystem::absolute(home).lexically_normal();
  std::string text = abs.string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  auto key = static_cast<std::uint64_t>(dpa::pg::advisory_key(text));
  return fmt::format("t{}_{:08x}", temp_tag(abs), key & 0xffffffffu);
}

std::optional<dpa::StateLocation> test_state_location(const std::filesystem::path& home) {
  auto url = pg_test_url();
  if (!url) return std::nullopt;
  return dpa::StateLocation{*url, pg_test_schema(home)};
}

dpa::InitResult init_workspace(const std::filesystem::path& home, const std::string& policy,
                               const std::string& actor) {
  return dpa::Workspace::init(home, policy, actor, test_state_location(home));
}

std::unique_ptr<dpa::SqlDatabase> open_raw_state(const std::filesystem::path& home) {
  auto settings = dpa::read_workspace_settings(home / "dpa.toml");
  if (settings.state) {
    dpa::PgStateOptions options;
    options.url = settings.state->url;
    options.schema = settings.state->schema;
    return dpa::open_pg_database(options);
  }
  return dpa::open_sqlite_database(home / "dpa.db", {});
}

std::string state_text(const std::filesystem::path& home, const std::string& sql) {
  auto db = open_raw_state(home);
  return db->query_one<std::string>(sql, {}, [](const dpa::SqlRow& r) { return r.text(0); }).value_or("<no row>");
}

long long state_count(const std::filesystem::path& home, const std::string& sql) {
  return std::stoll(state_text(home, sql));
}

void drop_trigger(dpa::SqlDatabase& db, const std::string& trigger, const std::string& table) {
  if (db.dialect() == dpa::SqlDialect::kPostgres) db.exec_script("DROP TRIGGER " + trigger + " ON " + table);
  else db.exec_script("DROP TRIGGER " + trigger);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  if (auto url = pg_test_url()) {
    // Drop the schemas of the workspaces made in here; a failure only
    // leaves them in the throwaway cluster.
    try {
      auto conn = dpa::pg::Connection::open(*url);
      conn.exec_script("SET lock_timeout = 2000");
      auto r = conn.exec("SELECT nspname FROM pg_namespace WHERE nspname LIKE ?",
                         {"t" + temp_tag(path_) + "\\_%"});
      for (int i = 0; i < r.rows(); ++i) {
        conn.exec_script("DROP SCHEMA IF EXISTS " + dpa::pg::quote_identifier(r.text(i, 0)) + " CASCADE");
      }
    } catch (...) {
    }
  }
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::filesystem::path& p, const std::string& content) {
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + p.string());
  out << content;
}

std::filesystem::path source_dir() { return DPA_SOURCE_DIR; }

namespace {

// `stdin_file` set: the child's stdin is that file, opened (a regular file
// the child may map); else a pipe fed with `input`.
RunResult run_dpa_with(const std::vector<std::string>& args, const std::string& input,
                       const std::vector<std::string>& env, const std::filesystem::path* stdin_file) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC))
    throw std::runtime_error("pipe failed");

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdin_file) {
    posix_spawn_file_actions_addopen(&actions, 0, stdin_file->c_str(), O_RDONLY, 0);
  } else {
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  }
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);

  std::vector<std::string> argv_store{DPA_BINARY};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_store;
  for (char** e = environ; *e; ++e) env_store.emplace_back(*e);
  env_store.insert(env_store.end(), env.begin(), env.end());
  if (auto url = pg_test_url()) {
    // `dpa init` takes these as its --state defaults; other commands ignore them.
    auto has = [&](const std::string& prefix) {
      for (const auto& e : env_store) {
        if (e.rfind(prefix, 0) == 0) return true;
      }
      return false;
    };
    std::optional<std::string> home;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (args[i] == "--home" && i + 1 < args.size()) home = args[i + 1];
      else if (args[i].rfind("--home=", 0) == 0) home = args[i].substr(7);
    }
    if (!home) {
      for (const auto& e : env_store) {
        if (e.rfind("DPA_HOME=", 0) == 0) home = e.substr(9);  // the last one wins, as for the child
      }
    }
    if (!home || home->empty()) home = ".dpa";
    if (!has("DPA_STATE_URL=")) {
      env_store.push_back("DPA_STATE_URL=" + *url);
      env_store.push_back("DPA_STATE_SCHEMA=" + pg_test_schema(*home));
    }
  }
  std::vector<char*> envp;
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid;
  int rc = posix_spawn(&pid, DPA_BINARY, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) throw std::runtime_error(std::string("cannot run dpa: ") + std::strerror(rc));

  // Feed stdin and drain both outputs together so that neither side blocks.
  RunResult result;
  size_t written = 0;
  if (input.empty()) { close(in_pipe[1]); in_pipe[1] = -1; }
  else fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open) {
    pollfd fds[3];
    int n = 0;
    int out_idx = -1, err_idx = -1, in_idx = -1;
    if (out_open) { fds[n] = {out_pipe[0], POLLIN, 0}; out_idx = n++; }
    if (err_open) { fds[n] = {err_pipe[0], POLLIN, 0}; err_idx = n++; }
    if (in_pipe[1] >= 0) { fds[n] = {in_pipe[1], POLLOUT, 0}; in_idx = n++; }
    if (poll(fds, static_cast<nfds_t>(n), -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("poll failed");
    }
    if (in_idx >= 0 && (fds[in_idx].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = write(in_pipe[1], input.data() + written, input.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if (w < 0 && errno != EAGAIN) written = input.size();
      if (written >= input.size()) { close(in_pipe[1]); in_pipe[1] = -1; }
    }
    auto drain = [&](int idx, int fd, std::string& sink, bool& open) {
      if (idx < 0 || !(fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) return;
      ssize_t r = read(fd, buf, sizeof buf);
      if (r > 0) sink.append(buf, static_cast<size_t>(r));
      else if (r == 0 || errno != EINTR) open = false;
    };
    drain(out_idx, out_pipe[0], result.out, out_open);
    drain(err_idx, err_pipe[0], result.err, err_open);
  }
  if (in_pipe[1] >= 0) close(in_pipe[1]);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace

RunResult run_dpa(const std::vector<std::string>& args, const std::string& input,
                  const std::vector<std::string>& env) {
  return run_dpa_with(args, input, env, nullptr);
}

RunResult run_dpa_on_file(const std::vector<std::string>& args, const std::filesystem::path& stdin_file,
                          const std::vector<std::string>& env) {
  return run_dpa_with(args, "", env, &stdin_file);
}

pid_t spawn_dpa(const std::vector<std::string>& args, const std::filesystem::path& in,
                const std::filesystem::path& out, const std::filesystem::path& err) {
  std::vector<std::string> argv_store{DPA_BINARY};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, DPA_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error(std::string("cannot run dpa: ") + std::strerror(rc));
  return pid;
}

std::string letters(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7) % 26);
  return s;
}

ScopedFd::ScopedFd(int f) : fd(f) {
  if (fd < 0) throw std::runtime_error(std::string("cannot open a test file: ") + std::strerror(errno));
}

ScopedFd::~ScopedFd() { ::close(fd); }

}  // namespace dpa::test

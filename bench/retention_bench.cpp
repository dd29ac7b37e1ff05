// Retention at scale: the sweep against a plain DELETE of the same rows, and
// the plan, on a SQLite dataset of --rows rows over --tenants tenants of
// which --due are due (default 10,000,000 / 1,000 / 1,000,000).
//
// The rows look like a live application's: ids grow with time, tenants are
// interleaved, the table has an index on (tenant_id, created_at) and one on
// the subject column. Every tenant is under autocall, whose recordings are
// deleted 3 months after they were made (2.1.10); the oldest --due rows are
// older than that. Each timed phase runs in its own process (this binary,
// re-executed), so that its peak memory is its own:
//
//   plain  DELETE FROM events WHERE tenant_id IN (...) AND created_at < cut,
//          one statement, one transaction, on copy B;
//   plan   dpa's retention plan on copy A;
//   sweep  dpa's sweep with --batch (default auto, as `dpa retention sweep`)
//          on copy A (audit log, tombstones, crash-safe batches and all);
//   plain in batches
//          the same DELETE on a fresh copy B, split by key range into as many
//          transactions as the sweep made batches, on a connection set up
//          as dpa's SQLite store sets up its own (page cache, journal). Any
//          sweep that commits in batches, to be crash-safe and to keep the
//          application's writers waiting for a bounded time only, pays what
//          this pays: it is the fair lower bound of the sweep, where the
//          one-transaction DELETE is the absolute one.
//
// Each copy is flushed to disk before its phase starts: otherwise the
// phase's first commit (an fsync of the file) also pays for writing back
// whatever of the 2.4 GB copy the kernel had not written yet, a cost that
// varied by seconds from run to run. The plain DELETE and the sweep run
// --repeat times (3 unless told) in turn, each on a fresh copy, and the
// ratio's median is the figure (each pair is printed: the noise shows).
//
// For each phase it prints wall time, CPU time (user + system) and peak RSS,
// and for the sweep where its time went: scanning the store, step 1 (hashes,
// holds, intent, tombstones), step 2 (the store's transactions) and step 3
// (counts, audit entries).
//
// Targets: sweep within 1.5x of the plain DELETE, with memory independent
// of the row count; plan under 5 s. Usage:
//   bench_retention [--rows N] [--tenants N] [--due N] [--batch N|auto] [--repeat N] [--dir DIR] [--keep]
//                   [--reuse]
// (--keep leaves the generated data in DIR; --reuse runs again on them.)
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "bench_events.h"
#include "dpa/datamap.h"
#include "dpa/tenants.h"
#include "dpa/time.h"
#include "dpa/workspace.h"
#include "retention/plan.h"
#include "retention/schedule.h"
#include "retention/sweep.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using dpa::Timestamp;

struct Args {
  long long rows = 10'000'000;
  long long tenants = 1000;
  long long due = 1'000'000;
  long long batch = 0;  // 0: auto
  long long repeat = 3;  // plain/sweep pairs
  fs::path dir;
  bool keep = false;
  bool reuse = false;  // keep base.db and the workspace of an earlier --keep run in --dir
  std::string phase;  // internal: "plain", "plan", "sweep", "plain-batched"
  long long transactions = 1;  // internal: for "plain-batched"
  std::string at;     // internal: the instant shared by all phases
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(k + " needs a value");
      return argv[++i];
    };
    if (k == "--rows") a.rows = std::stoll(next());
    else if (k == "--tenants") a.tenants = std::stoll(next());
    else if (k == "--due") a.due = std::stoll(next());
    else if (k == "--batch") {
      std::string b = next();
      a.batch = b == "auto" ? 0 : std::stoll(b);
    }
    else if (k == "--repeat") a.repeat = std::stoll(next());
    else if (k == "--dir") a.dir = next();
    else if (k == "--keep") a.keep = true;
    else if (k == "--reuse") a.reuse = true;
    else if (k == "--phase") a.phase = next();
    else if (k == "--at") a.at = next();
    else if (k == "--transactions") a.transactions = std::stoll(next());
    else throw std::runtime_error("unknown flag " + k + "; see the comment at the top of retention_bench.cpp");
  }
  if (a.rows < 1 || a.tenants < 1 || a.due < 0 || a.due > a.rows || a.batch < 0 || a.repeat < 1) throw std::runtime_error("bad sizes");
  return a;
}

using dpa::bench::tenant_name;

void generate(const Args& a, Timestamp at, const fs::path& db_path) {
  dpa::bench::generate_events({a.rows, a.tenants, a.due, true}, at, db_path);
}

// The phase's own peak resident set (an exec'd child inherits ru_maxrss).
long peak_rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// ---------------------------------------------------------------- phases

// The cut of the plain DELETE, as the stored text compares.
std::string plain_cut(const Args& a) {
  Timestamp at = dpa::parse_timestamp(a.at, dpa::TimeZone::utc());
  Timestamp cut = dpa::retention::latest_start(at, dpa::Duration::parse("3mo"), dpa::TimeZone::almaty(), nullptr);
  std::string cut_text = dpa::format_utc(cut);
  cut_text.pop_back();
  return cut_text;
}

void add_due_tenants(const Args& a, SQLite::Database& db) {
  db.exec("CREATE TEMP TABLE due_tenants(id TEXT PRIMARY KEY)");
  SQLite::Statement q(db, "INSERT INTO due_tenants VALUES(?)");
  for (long long i = 0; i < a.tenants; ++i) {
    q.bind(1, tenant_name(i));
    q.exec();
    q.reset();
  }
}

int phase_plain(const Args& a) {
  const std::string cut_text = plain_cut(a);
  SQLite::Database db((a.dir / "plain.db").string(), SQLite::OPEN_READWRITE);
  db.exec("PRAGMA cache_size = -65536");  // the page cache dpa's SQLite store uses
  add_due_tenants(a, db);
  auto t0 = Clock::now();
  SQLite::Statement del(db, "DELETE FROM events WHERE tenant_id IN (SELECT id FROM due_tenants) AND created_at < ?");
  del.bind(1, cut_text);
  int n = del.exec();
  double s = seconds_since(t0);
  std::printf("%d %.3f %ld\n", n, s, peak_rss_kb());
  return 0;
}

// The same DELETE in --transactions transactions of equal key ranges.
int phase_plain_batched(const Args& a) {
  const std::string cut_text = plain_cut(a);
  SQLite::Database db((a.dir / "plain.db").string(), SQLite::OPEN_READWRITE);
  db.exec("PRAGMA cache_size = -65536");
  db.exec("PRAGMA journal_mode = PERSIST");  // as dpa's store: one journal file, reused
  add_due_tenants(a, db);
  auto t0 = Clock::now();
  long long lo = 0, hi = -1;
  {
    SQLite::Statement bounds(db, "SELECT min(id), max(id) FROM events WHERE created_at < ?");
    bounds.bind(1, cut_text);
    if (bounds.executeStep() && !bounds.getColumn(0).isNull()) {
      lo = bounds.getColumn(0).getInt64();
      hi = bounds.getColumn(1).getInt64();
    }
  }
  SQLite::Statement del(db, "DELETE FROM events WHERE id BETWEEN ? AND ? AND tenant_id IN (SELECT id FROM due_tenants) "
                            "AND created_at < ?");
  const long long parts = std::max(1LL, a.transactions);
  const long long span = hi - lo + 1;
  long long n = 0;
  for (long long p = 0; p < parts && span > 0; ++p) {
    db.exec("BEGIN IMMEDIATE");
    del.bind(1, static_cast<int64_t>(lo + span * p / parts));
    del.bind(2, static_cast<int64_t>(lo + span * (p + 1) / parts - 1));
    del.bind(3, cut_text);
    n += del.exec();
    del.reset();
    db.exec("COMMIT");
  }
  double s = seconds_since(t0);
  std::printf("%lld %.3f %ld\n", n, s, peak_rss_kb());
  return 0;
}

int phase_plan(const Args& a) {
  dpa::Workspace ws = dpa::Workspace::open(a.dir / "ws", "bench");
  dpa::DataMap map = dpa::read_datamap(ws.config_path());
  dpa::retention::PlanOptions o;
  o.at = dpa::parse_timestamp(a.at, dpa::TimeZone::utc());
  auto t0 = Clock::now();
  auto plan = dpa::retention::make_plan(ws, map, o);
  double s = seconds_since(t0);
  std::printf("%lld %.3f %lld %ld\n", static_cast<long long>(plan.count(dpa::retention::PlanLine::Status::kDue)), s,
              static_cast<long long>(plan.due_bytes()), peak_rss_kb());
  return 0;
}

int phase_sweep(const Args& a) {
  dpa::Workspace ws = dpa::Workspace::open(a.dir / "ws", "bench");
  dpa::DataMap map = dpa::read_datamap(ws.config_path());
  dpa::retention::SweepOptions o;
  o.at = dpa::parse_timestamp(a.at, dpa::TimeZone::utc());
  o.batch = static_cast<std::size_t>(a.batch);
  o.actor = "bench";
  auto t0 = Clock::now();
  auto r = dpa::retention::run_sweep(ws, map, o);
  double s = seconds_since(t0);
  std::printf("%lld %.3f %lld %ld %zu %.3f %.3f %.3f %.3f\n", static_cast<long long>(r.records), s,
              static_cast<long long>(r.batches), peak_rss_kb(), r.largest_batch, r.timings.scan, r.timings.intent,
              r.timings.erase, r.timings.complete);
  return 0;
}

struct PhaseResult {
  std::string out;
  long max_rss_kb = 0;
  double cpu_s = 0;  // user + system of the phase's process
  double written_mb = 0;  // written to the file system by the phase's process
};

PhaseResult run_phase(const char* self, const Args& a, const std::string& phase, const std::string& at) {
  std::vector<std::string> args{self,          "--phase", phase,   "--at",      at, "--dir", a.dir.string(),
                                "--rows",      std::to_string(a.rows), "--tenants", std::to_string(a.tenants),
                                "--due",       std::to_string(a.due),  "--batch",   std::to_string(a.batch),
                                "--transactions", std::to_string(a.transactions)};
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  int pipefd[2];
  if (pipe(pipefd) != 0) throw std::runtime_error("pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
  posix_spawn_file_actions_addclose(&fa, pipefd[0]);
  pid_t pid;
  if (posix_spawn(&pid, self, &fa, nullptr, argv.data(), environ) != 0) throw std::runtime_error("spawn");
  posix_spawn_file_actions_destroy(&fa);
  close(pipefd[1]);
  PhaseResult r;
  char buf[4096];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<std::size_t>(n));
  close(pipefd[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  r.cpu_s = secs(usage.ru_utime) + secs(usage.ru_stime);
  r.written_mb = static_cast<double>(usage.ru_oublock) * 512.0 / 1e6;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("phase " + phase + " failed");
  return r;
}

// A fresh copy, on disk before the phase that uses it starts (see the top).
void copy_db(const fs::path& from, const fs::path& to) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  int fd = ::open(to.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) throw std::runtime_error("cannot flush " + to.string());
  ::close(fd);
  ::sync();  // the workspace's state and anything else still dirty
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Args a = parse(argc, argv);
    if (a.phase == "plain") return phase_plain(a);
    if (a.phase == "plan") return phase_plan(a);
    if (a.phase == "sweep") return phase_sweep(a);
    if (a.phase == "plain-batched") return phase_plain_batched(a);

    bool made_dir = a.dir.empty();
    if (made_dir) a.dir = fs::temp_directory_path() / fmt::format("dpa-retention-bench-{}", getpid());
    fs::create_directories(a.dir);
    const Timestamp at = dpa::now();
    const std::string at_text = dpa::format_utc(at);
    const std::string batch_text = a.batch == 0 ? std::string("auto") : std::to_string(a.batch);
    std::printf("retention benchmark: %lld rows, %lld tenants, %lld due, batch %s, in %s\n", a.rows, a.tenants,
                a.due, batch_text.c_str(), a.dir.c_str());

    auto t0 = Clock::now();
    if (a.reuse && fs::exists(a.dir / "base.db")) {
      std::printf("  reusing %s (due rows are counted again at this instant)\n", (a.dir / "base.db").c_str());
    } else {
      fs::remove_all(a.dir / "ws");
      generate(a, at, a.dir / "base.db");
      std::printf("  generated in %.1f s (%.0f MB)\n", seconds_since(t0),
                  static_cast<double>(fs::file_size(a.dir / "base.db")) / 1e6);
    }
    if (!fs::exists(a.dir / "ws" / "dpa.db")) {
      // The workspace: every tenant under autocall. (A reused one keeps the
      // audit entries and tombstones of earlier runs: a realistic state.)
      t0 = Clock::now();
      dpa::Workspace::init(a.dir / "ws", "autocall", "bench");
      std::ofstream(a.dir / "ws" / "dpa.toml", std::ios::app) << dpa::bench::kEventsDataMap;
      dpa::Workspace ws = dpa::Workspace::open(a.dir / "ws", "bench");
      for (long long i = 0; i < a.tenants; ++i) dpa::add_tenant(ws, tenant_name(i), "autocall", "");
      std::printf("  workspace with %lld tenants in %.1f s\n", a.tenants, seconds_since(t0));
    }

    // The pairs: plain DELETE, then the sweep, each on a fresh copy; the
    // plan runs once, before the first sweep, on the sweep's copy.
    struct Pair {
      PhaseResult plain, sweep;
      long long plain_n = 0, sweep_n = 0, batches = 0;
      double plain_s = 0, sweep_s = 0, scan_s = 0, intent_s = 0, erase_s = 0, complete_s = 0;
      std::size_t largest = 0;
    };
    std::vector<Pair> pairs;
    PhaseResult plan;
    long long plan_n = 0, plan_bytes = 0;
    double plan_s = 0;
    for (long long i = 0; i < a.repeat; ++i) {
      Pair p;
      copy_db(a.dir / "base.db", a.dir / "plain.db");
      p.plain = run_phase(argv[0], a, "plain", at_text);
      std::sscanf(p.plain.out.c_str(), "%lld %lf %ld", &p.plain_n, &p.plain_s, &p.plain.max_rss_kb);

      copy_db(a.dir / "base.db", a.dir / "ws" / "app.db");
      if (i == 0) {
        plan = run_phase(argv[0], a, "plan", at_text);
        std::sscanf(plan.out.c_str(), "%lld %lf %lld %ld", &plan_n, &plan_s, &plan_bytes, &plan.max_rss_kb);
      }
      p.sweep = run_phase(argv[0], a, "sweep", at_text);
      std::sscanf(p.sweep.out.c_str(), "%lld %lf %lld %ld %zu %lf %lf %lf %lf", &p.sweep_n, &p.sweep_s, &p.batches,
                  &p.sweep.max_rss_kb, &p.largest, &p.scan_s, &p.intent_s, &p.erase_s, &p.complete_s);
      if (a.repeat > 1) {
        std::printf("  pair %lld: plain DELETE %.2f s (CPU %.2f), sweep %.2f s (CPU %.2f): %.2fx (CPU %.2fx)\n", i + 1,
                    p.plain_s, p.plain.cpu_s, p.sweep_s, p.sweep.cpu_s, p.plain_s > 0 ? p.sweep_s / p.plain_s : 0.0,
                    p.plain.cpu_s > 0 ? p.sweep.cpu_s / p.plain.cpu_s : 0.0);
        std::fflush(stdout);
      }
      pairs.push_back(std::move(p));
    }
    // The pair whose ratio is the median is the one shown in full.
    std::vector<double> ratios, cpu_ratios;
    for (const auto& p : pairs) {
      ratios.push_back(p.plain_s > 0 ? p.sweep_s / p.plain_s : 0);
      cpu_ratios.push_back(p.plain.cpu_s > 0 ? p.sweep.cpu_s / p.plain.cpu_s : 0);
    }
    const double ratio = median(ratios);
    const double cpu_ratio = median(cpu_ratios);
    std::size_t shown = 0;
    for (std::size_t i = 1; i < pairs.size(); ++i) {
      if (std::abs(ratios[i] - ratio) < std::abs(ratios[shown] - ratio)) shown = i;
    }
    const Pair& m = pairs[shown];
    const PhaseResult& plain = m.plain;
    const PhaseResult& sweep = m.sweep;
    const long long plain_n = m.plain_n, sweep_n = m.sweep_n, batches = m.batches;
    const double plain_s = m.plain_s, sweep_s = m.sweep_s;

    copy_db(a.dir / "base.db", a.dir / "plain.db");
    a.transactions = std::max(1LL, batches);
    auto batched = run_phase(argv[0], a, "plain-batched", at_text);
    long long batched_n = 0;
    double batched_s = 0;
    std::sscanf(batched.out.c_str(), "%lld %lf %ld", &batched_n, &batched_s, &batched.max_rss_kb);

    auto mb = [](long kb) { return static_cast<double>(kb) / 1024.0; };
    if (a.repeat > 1) std::printf("  the pair of the median ratio (%zu of %lld):\n", shown + 1, a.repeat);
    std::printf("  plain DELETE: %lld rows in %.2f s, CPU %.2f s, peak RSS %.0f MB, written %.0f MB\n", plain_n, plain_s,
                plain.cpu_s, mb(plain.max_rss_kb), plain.written_mb);
    std::printf("  plain DELETE in %lld transactions (the lower bound of any batched sweep): %lld rows in %.2f s, "
                "CPU %.2f s, peak RSS %.0f MB, written %.0f MB\n",
                a.transactions, batched_n, batched_s, batched.cpu_s, mb(batched.max_rss_kb), batched.written_mb);
    std::printf("  plan:         %lld rows due (%.0f MB) in %.2f s, CPU %.2f s, peak RSS %.0f MB   target < 5 s: %s\n",
                plan_n, static_cast<double>(plan_bytes) / 1e6, plan_s, plan.cpu_s, mb(plan.max_rss_kb),
                plan_s < 5.0 ? "met" : "MISSED");
    std::printf("  sweep:        %lld rows in %lld batches (batch %s, largest %zu) in %.2f s, CPU %.2f s, peak RSS %.0f MB, "
                "written %.0f MB\n",
                sweep_n, batches, batch_text.c_str(), m.largest, sweep_s, sweep.cpu_s, mb(sweep.max_rss_kb),
                sweep.written_mb);
    std::printf("                scan %.2f s, intent %.2f s, store transactions %.2f s, completion %.2f s\n", m.scan_s,
                m.intent_s, m.erase_s, m.complete_s);
    std::printf("  sweep / plain DELETE = %.2fx (CPU %.2fx)%s   target <= 1.5x: %s\n", ratio, cpu_ratio,
                a.repeat > 1 ? ", median of the pairs" : "", ratio <= 1.5 ? "met" : "MISSED");
    std::printf("  sweep / plain DELETE in as many transactions = %.2fx (CPU %.2fx, written %.2fx)\n",
                batched_s > 0 ? sweep_s / batched_s : 0.0, batched.cpu_s > 0 ? sweep.cpu_s / batched.cpu_s : 0.0,
                batched.written_mb > 0 ? sweep.written_mb / batched.written_mb : 0.0);
    for (const auto& p : pairs) {
      if (p.sweep_n != p.plain_n || p.plain_n != plan_n || batched_n != plan_n) {
        std::printf("  MISMATCH: the plain DELETEs and the sweeps disagree on the rows due\n");
        return 1;
      }
    }
    if (sweep_n != plain_n || plan_n != plain_n || batched_n != plain_n) {
      std::printf("  MISMATCH: the plain DELETE, the plan and the sweep disagree on the rows due\n");
      return 1;
    }
    if (!a.keep && made_dir) fs::remove_all(a.dir);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_retention: %s\n", e.what());
    return 1;
  }
}

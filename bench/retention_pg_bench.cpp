// Retention at scale on PostgreSQL: dpa's sweep of a `postgres` data-map
// store against a plain DELETE of the same rows on the same server, in the
// same run. The data are those of retention_bench.cpp (--rows rows over
// --tenants tenants, the oldest --due of them due; default 10,000,000 /
// 1,000 / 1,000,000), generated on the server with generate_series into two
// identical tables (schema <s>_sweep and <s>_plain) with a primary key, an
// index on (tenant_id, created_at) and one on (tenant_id, caller_phone);
// created_at is a timestamptz.
//
//   plain  DELETE FROM events WHERE tenant_id = ANY(all tenants) AND
//          created_at < cut: one statement, one transaction;
//   sweep  dpa's retention sweep (audit log, tombstones, crash-safe batches
//          and all), --batch auto unless given.
//
// For each: wall time, the CPU time of the dpa process (getrusage of the
// phase, run in a child process) and of the server: the postmaster's own and
// reaped children's time plus its live children's (from /proc), before and
// after, so that a backend that ended with the phase is counted (this needs
// the server on this host, and /proc of its processes readable).
//
// Usage: bench_retention_pg [--url URL] [--rows N] [--tenants N] [--due N] [--batch N|auto] [--keep]
// The URL defaults to $DPA_BENCH_PG_URL, then $DPA_TEST_PG_URL (tools/pg-cluster
// start DIR prints one); DPA_BENCH_ROWS and DPA_BENCH_DUE set the sizes
// for a smaller run, as --rows and --due do.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "bench_events.h"
#include "dpa/datamap.h"
#include "dpa/duration.h"
#include "dpa/pg_connection.h"
#include "dpa/tenants.h"
#include "dpa/time.h"
#include "dpa/workspace.h"
#include "retention/schedule.h"
#include "retention/sweep.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using dpa::Timestamp;

struct Args {
  std::string url;
  long long rows = 10'000'000;
  long long tenants = 1000;
  long long due = 1'000'000;
  long long batch = 0;
  bool keep = false;
};

long long env_or(const char* name, long long fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::stoll(v) : fallback;
}

Args parse(int argc, char** argv) {
  Args a;
  if (const char* u = std::getenv("DPA_BENCH_PG_URL"); u && *u) a.url = u;
  else if (const char* t = std::getenv("DPA_TEST_PG_URL"); t && *t) a.url = t;
  a.rows = env_or("DPA_BENCH_ROWS", a.rows);
  a.due = env_or("DPA_BENCH_DUE", a.due);
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(k + " needs a value");
      return argv[++i];
    };
    if (k == "--url") a.url = next();
    else if (k == "--rows") a.rows = std::stoll(next());
    else if (k == "--tenants") a.tenants = std::stoll(next());
    else if (k == "--due") a.due = std::stoll(next());
    else if (k == "--batch") {
      std::string b = next();
      a.batch = b == "auto" ? 0 : std::stoll(b);
    } else if (k == "--keep") a.keep = true;
    else throw std::runtime_error("unknown flag " + k + "; see the comment at the top of retention_pg_bench.cpp");
  }
  if (a.url.empty()) throw std::runtime_error("no server: give --url or set DPA_BENCH_PG_URL (tools/pg-cluster start DIR)");
  if (a.rows < 1 || a.tenants < 1 || a.due < 0 || a.due > a.rows) throw std::runtime_error("bad sizes");
  return a;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double tick_seconds(unsigned long long ticks) {
  return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Fields of /proc/PID/stat after the command name: state is field 3.
std::vector<std::string> stat_fields(int pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string s;
  std::getline(in, s);
  std::vector<std::string> out;
  auto close = s.rfind(')');
  if (close == std::string::npos) return out;
  std::istringstream rest(s.substr(close + 2));
  for (std::string f; rest >> f;) out.push_back(f);
  return out;  // out[0] is field 3 (state)
}

// CPU seconds of the whole server: the postmaster's own and its reaped
// children's, plus its live children's.
double server_cpu(int postmaster) {
  if (postmaster <= 0) return -1;
  auto pm = stat_fields(postmaster);
  if (pm.size() < 15) return -1;
  // utime 14, stime 15, cutime 16, cstime 17 -> indexes 11..14
  unsigned long long ticks = std::stoull(pm[11]) + std::stoull(pm[12]) + std::stoull(pm[13]) + std::stoull(pm[14]);
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto f = stat_fields(std::stoi(name));
    if (f.size() < 13 || std::stoi(f[1]) != postmaster) continue;  // ppid is field 4
    ticks += std::stoull(f[11]) + std::stoull(f[12]);
  }
  return tick_seconds(ticks);
}

int postmaster_pid(dpa::pg::Connection& c) {
  try {
    std::string dir = c.exec("SELECT current_setting('data_directory')").text(0, 0);
    std::ifstream in(fs::path(dir) / "postmaster.pid");
    int pid = 0;
    in >> pid;
    return pid;
  } catch (...) {
    return 0;
  }
}

struct Phase {
  double wall = 0, cpu = 0, server = -1;
  long long rows = 0, batches = 0;
  double erase = 0, intent = 0, complete = 0, scan = 0;
};

// Runs `body` in a child process; its wall time, rusage CPU, and what it
// wrote on a pipe (rows, batches, timings).
template <typename F>
Phase run_phase(int postmaster, F&& body) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const double server0 = server_cpu(postmaster);
  auto t0 = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    int status = 0;
    try {
      std::string out = body();
      if (::write(fds[1], out.data(), out.size()) < 0) status = 1;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "phase failed: %s\n", e.what());
      status = 1;
    }
    ::_exit(status);
  }
  ::close(fds[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  Phase p;
  p.wall = seconds_since(t0);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  p.cpu = secs(usage.ru_utime) + secs(usage.ru_stime);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("a phase failed");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the backend ends and is reaped
  const double server1 = server_cpu(postmaster);
  if (server0 >= 0 && server1 >= 0) p.server = server1 - server0;
  std::sscanf(out.c_str(), "%lld %lld %lf %lf %lf %lf", &p.rows, &p.batches, &p.scan, &p.intent, &p.erase, &p.complete);
  return p;
}

void generate(dpa::pg::Connection& c, const std::string& schema, const Args& a, Timestamp at) {
  namespace chr = std::chrono;
  Timestamp cut = dpa::retention::latest_start(at, dpa::Duration::parse("3mo"), dpa::TimeZone::almaty(), nullptr);
  const long long cut_s = cut.time_since_epoch().count();
  const long long last_s = (at - chr::hours{1}).time_since_epoch().count();
  const long long old_span = std::max<long long>(a.due, 90LL * 86400);
  const std::string s = dpa::pg::quote_identifier(schema);
  c.exec_script(fmt::format("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}; "
                            "CREATE TABLE {0}.events(id bigint PRIMARY KEY, tenant_id text NOT NULL, created_at "
                            "timestamptz NOT NULL, caller_phone text, body text)",
                            s));
  // Ids grow with time; tenants interleaved; the oldest `due` rows before the cut.
  c.exec(fmt::format(
             "INSERT INTO {}.events SELECT g, 't' || lpad(((g - 1) % ?::bigint)::text, 4, '0'), "
             "to_timestamp(CASE WHEN g <= ?::bigint THEN ?::bigint - (?::bigint - (?::bigint * (g - 1)) / "
             "greatest(?::bigint, 1)) "
             "ELSE ?::bigint + 1 + ((?::bigint - ?::bigint - 1) * (g - 1 - ?::bigint)) / "
             "greatest(?::bigint - ?::bigint, 1) END), "
             "'+7701' || lpad((g % 10000000)::text, 7, '0'), 'synthetic call ' || g "
             "FROM generate_series(1, ?::bigint) g",
             s),
         {a.tenants, a.due, cut_s, old_span, old_span, a.due, cut_s, last_s, cut_s, a.due, a.rows, a.due, a.rows});
  c.exec_script(fmt::format("CREATE INDEX ON {0}.events(tenant_id, created_at); "
                            "CREATE INDEX ON {0}.events(tenant_id, caller_phone); ANALYZE {0}.events",
                            s));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Args a = parse(argc, argv);
    const std::string base = fmt::format("dpa_bench_{}", ::getpid());
    const std::string sweep_schema = base + "_sweep", plain_schema = base + "_plain";
    fs::path dir = fs::temp_directory_path() / base;
    fs::create_directories(dir);
    const Timestamp at = dpa::now();
    std::printf("retention benchmark on PostgreSQL: %lld rows, %lld tenants, %lld due, batch %s\n", a.rows, a.tenants,
                a.due, a.batch == 0 ? "auto" : std::to_string(a.batch).c_str());

    dpa::pg::Connection c = dpa::pg::Connection::open(a.url);
    const int postmaster = postmaster_pid(c);
    auto t0 = Clock::now();
    generate(c, plain_schema, a, at);
    generate(c, sweep_schema, a, at);
    std::printf("  generated both tables in %.1f s\n", seconds_since(t0));

    t0 = Clock::now();
    dpa::Workspace::init(dir / "ws", "autocall", "bench");
    std::ofstream(dir / "ws" / "dpa.toml", std::ios::app)
        << fmt::format("\n[[store]]\nname = \"app\"\nkind = \"postgres\"\nurl = \"{}\"\nschema = \"{}\"\n", a.url,
                       sweep_schema)
        << "\n[[dataset]]\nname     = \"events\"\nstore    = \"app\"\ntable    = \"events\"\nkey      = \"id\"\n"
           "category = \"communications.audio\"\ntenant   = \"tenant_id\"\ncreated  = \"created_at\"\n"
           "subject  = { phone = \"caller_phone\" }\ntext     = [\"body\"]\n";
    {
      dpa::Workspace ws = dpa::Workspace::open(dir / "ws", "bench");
      for (long long i = 0; i < a.tenants; ++i) dpa::add_tenant(ws, dpa::bench::tenant_name(i), "autocall", "");
    }
    std::printf("  workspace with %lld tenants in %.1f s\n", a.tenants, seconds_since(t0));

    Timestamp cut = dpa::retention::latest_start(at, dpa::Duration::parse("3mo"), dpa::TimeZone::almaty(), nullptr);
    Phase plain = run_phase(postmaster, [&] {
      dpa::pg::Connection pc = dpa::pg::Connection::open(a.url);
      std::string tenants = "{";
      for (long long i = 0; i < a.tenants; ++i) tenants += (i ? "," : "") + dpa::bench::tenant_name(i);
      tenants += "}";
      auto r = pc.exec(fmt::format("DELETE FROM {}.events WHERE tenant_id = ANY(?::text[]) AND created_at < ?::timestamptz",
                                   dpa::pg::quote_identifier(plain_schema)),
                       {tenants, dpa::format_utc(cut)});
      return fmt::format("{} 1 0 0 0 0", r.affected());
    });
    Phase sweep = run_phase(postmaster, [&] {
      dpa::Workspace ws = dpa::Workspace::open(dir / "ws", "bench");
      dpa::retention::SweepOptions o;
      o.at = at;
      o.batch = static_cast<std::size_t>(a.batch);
      o.actor = "bench";
      auto r = dpa::retention::run_sweep(ws, dpa::read_datamap(ws.config_path()), o);
      return fmt::format("{} {} {:.3f} {:.3f} {:.3f} {:.3f}", r.records, r.batches, r.timings.scan, r.timings.intent,
                         r.timings.erase, r.timings.complete);
    });

    auto server = [](double s) { return s < 0 ? std::string("n/a") : fmt::format("{:.2f} s", s); };
    std::printf("  plain DELETE: %lld rows in %.2f s; CPU: client %.2f s, server %s\n", plain.rows, plain.wall,
                plain.cpu, server(plain.server).c_str());
    std::printf("  sweep:        %lld rows in %lld batches in %.2f s; CPU: dpa %.2f s, server %s\n", sweep.rows,
                sweep.batches, sweep.wall, sweep.cpu, server(sweep.server).c_str());
    std::printf("                scan %.2f s, intent %.2f s, store transactions %.2f s, completion %.2f s\n",
                sweep.scan, sweep.intent, sweep.erase, sweep.complete);
    std::printf("  sweep / plain DELETE = %.2fx wall; server CPU %s\n", plain.wall > 0 ? sweep.wall / plain.wall : 0.0,
                plain.server > 0 && sweep.server >= 0 ? fmt::format("{:.2f}x", sweep.server / plain.server).c_str()
                                                       : "n/a");
    if (!a.keep) {
      c.exec_script(fmt::format("DROP SCHEMA {} CASCADE; DROP SCHEMA {} CASCADE",
                                dpa::pg::quote_identifier(plain_schema), dpa::pg::quote_identifier(sweep_schema)));
      fs::remove_all(dir);
    }
    if (plain.rows != sweep.rows) {
      std::printf("  MISMATCH: the plain DELETE and the sweep disagree on the rows due\n");
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_retention_pg: %s\n", e.what());
    return 1;
  }
}

// `dpa request find` at scale: the time to find one data subject's records
// in a SQLite dataset of --rows rows over --tenants tenants (default
// 10,000,000 / 1,000; the events table of bench_events.h, shared with the
// retention benchmark), with the indexes on (tenant_id, created_at) and on
// the subject column, and again after dropping them.
//
// Each search is timed with and without the text scan (the pseudonymizer's
// detectors over the tenant's `body` fields). It prints wall time and CPU
// time (user + system) of each, and the records found, which must agree.
//
// Target: under 1 s with the indexes. Usage:
//   bench_request_find [--rows N] [--tenants N] [--dir DIR] [--keep] [--reuse]
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "bench_events.h"
#include "dpa/datamap.h"
#include "dpa/tenants.h"
#include "dpa/time.h"
#include "dpa/workspace.h"
#include "requests/fulfilment.h"
#include "requests/requests.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Args {
  long long rows = 10'000'000;
  long long tenants = 1000;
  fs::path dir;
  bool keep = false;
  bool reuse = false;
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
    else if (k == "--dir") a.dir = next();
    else if (k == "--keep") a.keep = true;
    else if (k == "--reuse") a.reuse = true;
    else throw std::runtime_error("unknown flag " + k + "; see the comment at the top of request_find_bench.cpp");
  }
  if (a.rows < 1 || a.tenants < 1) throw std::runtime_error("bad sizes");
  return a;
}

double cpu_seconds() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

struct Timed {
  long long records = 0;
  double wall = 0;
  double cpu = 0;
};

Timed find(dpa::Workspace& ws, const dpa::DataMap& map, const std::string& id, bool text) {
  dpa::requests::FindOptions o;
  o.text_scan = text;
  double c0 = cpu_seconds();
  auto t0 = Clock::now();
  auto r = dpa::requests::find_request_records(ws, map, id, o);
  Timed t;
  t.wall = std::chrono::duration<double>(Clock::now() - t0).count();
  t.cpu = cpu_seconds() - c0;
  t.records = r.total();
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Args a = parse(argc, argv);
    bool made_dir = a.dir.empty();
    if (made_dir) a.dir = fs::temp_directory_path() / fmt::format("dpa-request-find-bench-{}", getpid());
    fs::create_directories(a.dir);
    const dpa::Timestamp at = dpa::now();
    std::printf("request find benchmark: %lld rows, %lld tenants, in %s\n", a.rows, a.tenants, a.dir.c_str());

    auto t0 = Clock::now();
    if (a.reuse && fs::exists(a.dir / "base.db")) {
      std::printf("  reusing %s\n", (a.dir / "base.db").c_str());
    } else {
      fs::remove_all(a.dir / "ws");
      fs::remove(a.dir / "base.db");
      dpa::bench::generate_events({a.rows, a.tenants, 0, true}, at, a.dir / "base.db");
      std::printf("  generated in %.1f s (%.0f MB)\n", std::chrono::duration<double>(Clock::now() - t0).count(),
                  static_cast<double>(fs::file_size(a.dir / "base.db")) / 1e6);
    }
    const fs::path home = a.dir / "ws";
    if (!fs::exists(home / "dpa.db")) {
      dpa::Workspace::init(home, "autocall", "bench");
      std::ofstream(home / "dpa.toml", std::ios::app) << dpa::bench::kEventsDataMap;
      dpa::Workspace ws = dpa::Workspace::open(home, "bench");
      for (long long i = 0; i < a.tenants; ++i) dpa::add_tenant(ws, dpa::bench::tenant_name(i), "autocall", "");
    }
    fs::copy_file(a.dir / "base.db", home / "app.db", fs::copy_options::overwrite_existing);

    dpa::Workspace ws = dpa::Workspace::open(home, "bench");
    dpa::DataMap map = dpa::read_datamap(ws.config_path());
    const std::string tenant = dpa::bench::tenant_name(a.tenants / 2);
    dpa::requests::OpenRequest req;
    req.tenant = tenant;
    req.type = "access";
    req.subjects = {"phone:" + dpa::bench::a_caller_phone(home / "app.db", tenant)};
    req.now = at;
    req.actor = "bench";
    const std::string id = dpa::requests::open_request(ws, req).id;

    auto line = [](const char* what, const Timed& t, const char* target) {
      std::printf("  %-34s %6lld records in %7.3f s, CPU %7.3f s%s\n", what, t.records, t.wall, t.cpu, target);
    };
    Timed cols = find(ws, map, id, false);
    Timed cols2 = find(ws, map, id, false);
    Timed text = find(ws, map, id, true);
    line("with indexes, subject columns:", cols, cols.wall < 1.0 ? "   target < 1 s: met" : "   target < 1 s: MISSED");
    line("with indexes, again (warm cache):", cols2, "");
    line("with indexes, + text scan:", text, text.wall < 1.0 ? "   target < 1 s: met" : "   target < 1 s: MISSED");
    {
      SQLite::Database db((home / "app.db").string(), SQLite::OPEN_READWRITE);
      db.exec("DROP INDEX events_tenant_created; DROP INDEX events_phone");
    }
    Timed bare = find(ws, map, id, false);
    Timed bare_text = find(ws, map, id, true);
    line("without indexes, subject columns:", bare, "");
    line("without indexes, + text scan:", bare_text, "");
    if (cols.records != bare.records || text.records != bare_text.records || cols.records < 1) {
      std::printf("  MISMATCH: the searches disagree on the records found\n");
      return 1;
    }
    if (!a.keep && made_dir) fs::remove_all(a.dir);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_request_find: %s\n", e.what());
    return 1;
  }
}

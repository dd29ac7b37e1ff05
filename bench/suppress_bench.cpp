// Throughput of the contact-list filter behind `dpa suppress check`: a
// suppression list of --list numbers, a contact list of --rows rows (every
// tenth suppressed), as CSV and as JSON Lines. Prints rows/s, wall and CPU
// (user+sys) time; the machine may be shared, so CPU time is the steadier
// figure.
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "anonymize/pseudonymizer.h"
#include "anonymize/stream.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "requests/contact_filter.h"
#include "requests/suppression.h"

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string phone(long i) { return fmt::format("+7 70{} {:03d} {:02d} {:02d}", 1 + i % 8, i / 10000 % 1000, i / 100 % 100, i % 100); }

// Counts bytes only: the bench measures the filter, not a sink.
class CountingSink final : public dpa::anonymize::ByteSink {
 public:
  void write(std::string_view b) override { bytes += b.size(); }
  std::size_t bytes = 0;
};

}  // namespace

int main(int argc, char** argv) {
  long rows = 1'000'000, list = 10'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--rows") == 0) rows = std::atol(argv[i + 1]);
    if (std::strcmp(argv[i], "--list") == 0) list = std::atol(argv[i + 1]);
  }
  namespace fs = std::filesystem;
  fs::path home = fs::temp_directory_path() / fmt::format("dpa-bench-suppress-{}", ::getpid());
  dpa::Workspace::init(home, "autocall", "bench@host");
  auto ws = dpa::Workspace::open(home, "bench@host");
  dpa::add_tenant(ws, "dialer", "autocall", "Dialer");
  auto t0 = std::chrono::steady_clock::now();
  double c0 = cpu_seconds();
  ws.store().transaction([&] {
    for (long i = 0; i < list; ++i) {
      dpa::requests::suppress(ws, {"dialer", "phone:" + phone(i * 10), "complaint", "", "bench", dpa::now()});
    }
  });
  double add_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("suppress add: {} entries in {:.2f} s wall, {:.2f} s CPU ({:.0f} entries/s)\n", list, add_wall,
             cpu_seconds() - c0, static_cast<double>(list) / add_wall);

  auto set = dpa::requests::SuppressionSet::load(ws, "dialer", "phone");
  for (const char* format : {"csv", "jsonl"}) {
    std::string input = std::strcmp(format, "csv") == 0 ? "id,name,phone\n" : "";
    for (long i = 0; i < rows; ++i) {
      if (std::strcmp(format, "csv") == 0) input += fmt::format("{},Subscriber {},{}\n", i, i, phone(i));
      else input += fmt::format("{{\"id\":{},\"name\":\"Subscriber {}\",\"phone\":\"{}\"}}\n", i, i, phone(i));
    }
    dpa::anonymize::StringSource in(std::move(input));
    CountingSink out;
    t0 = std::chrono::steady_clock::now();
    c0 = cpu_seconds();
    auto r = dpa::requests::filter_contacts(set, in, out, {});
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double cpu = cpu_seconds() - c0;
    fmt::print("suppress check {:<5}: {} rows, {} removed, {:.2f} s wall, {:.2f} s CPU: {:.0f} rows/s ({:.0f} rows/CPU-s)\n",
               format, r.rows, r.removed, wall, cpu, static_cast<double>(r.rows) / wall, static_cast<double>(r.rows) / cpu);
  }
  fs::remove_all(home);
  return 0;
}

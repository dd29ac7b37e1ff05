// bench_anonymize_throughput: how fast the pseudonymizer goes.
//
//   (a) Detector::detect over 1 MiB chunks of a mixed synthetic corpus, one
//       thread, in memory;
//   (b) the pipeline in process: pseudonymize() with the tag operator from
//       memory to nowhere, 1 and 2 jobs, with the CPU time of the calling
//       thread (reading, UTF-8 check, rendering) apart from the whole
//       process's, which projects the 2-job speed-up on an idle machine
//       with 2 CPUs;
//   (c) the whole pipeline, `dpa anonymize --tenant bench --operator tag
//       --jobs N < corpus > /dev/null`, against a temporary workspace, for
//       N = 1 and 2 in alternation, and the speed-up of 2 jobs over 1;
//   (c) `--operator token` and `--operator surrogate` into an empty vault,
//       token again over the filled vault, and `dpa reidentify` of the
//       token output (reidentify throughput is per MB of the original).
//
//   bench_anonymize_throughput [--mb N] [--seed N] [--runs N] [--dpa PATH]
//
// Each measurement runs --runs times (default 3); best and median are shown,
// and the targets are judged on the median wall-clock rate. The CPU-time rate
// (input MB per CPU-second) is shown beside it: on a busy machine the wall
// clock measures the neighbours, the CPU time still measures the code.
// Exit status: 0 when every target that could be measured passes, 1
// otherwise, 2 on bad usage.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "anonymize/detector.h"
#include "anonymize/pseudonymizer.h"
#include "bench/corpus/corpus_generator.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Stats {
  double best = 0, median = 0;  // MB/s
};

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double process_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

// Reads a string the caller keeps, without copying it first.
class ViewSource final : public dpa::anonymize::ByteSource {
 public:
  explicit ViewSource(std::string_view text) : text_(text) {}
  std::size_t read(char* buf, std::size_t n) override {
    std::size_t k = std::min(n, text_.size() - pos_);
    std::memcpy(buf, text_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

class NullSink final : public dpa::anonymize::ByteSink {
 public:
  void write(std::string_view bytes) override { bytes_ += bytes.size(); }
  std::uint64_t bytes_ = 0;
};

Stats summarize(std::vector<double> mbps) {
  std::sort(mbps.begin(), mbps.end());
  Stats s;
  if (mbps.empty()) return s;
  s.best = mbps.back();
  std::size_t n = mbps.size();
  s.median = n % 2 ? mbps[n / 2] : (mbps[n / 2 - 1] + mbps[n / 2]) / 2;
  return s;
}

// Chunks of about `size` bytes that end after a newline (the pipeline reads
// 1 MiB chunks too).
std::vector<std::string_view> chunks(std::string_view text, std::size_t size) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = std::min(text.size(), at + size);
    if (end < text.size()) {
      std::size_t nl = text.find('\n', end);
      end = nl == std::string_view::npos ? text.size() : nl + 1;
    }
    out.push_back(text.substr(at, end - at));
    at = end;
  }
  return out;
}

// A temporary folder, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    for (int i = 0; i < 100; ++i) {
      fs::path p = fs::temp_directory_path() / fmt::format("dpa-bench-{:x}{:x}", rd(), rd());
      std::error_code ec;
      if (fs::create_directory(p, ec)) {
        fs::permissions(p, fs::perms::owner_all, ec);
        path_ = p;
        return;
      }
    }
    throw std::runtime_error("cannot create a temporary directory");
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct RunResult {
  int status = -1;
  double seconds = 0;
  double cpu_seconds = 0;  // user + system of the child
  std::string err;  // stderr, first 2 KB
};

// Runs `args` with stdin from `in` and stdout to `out`, no shell.
RunResult run(const std::vector<std::string>& args, const fs::path& in, const fs::path& out, const fs::path& err) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  RunResult r;
  auto t0 = Clock::now();
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    r.err = fmt::format("cannot run {}: {}", args[0], std::strerror(rc));
    return r;
  }
  int ws = 0;
  rusage ru{};
  while (wait4(pid, &ws, 0, &ru) < 0 && errno == EINTR) {
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  r.cpu_seconds = secs(ru.ru_utime) + secs(ru.ru_stime);
  r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
  std::ifstream e(err, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(e)), std::istreambuf_iterator<char>());
  r.err = s.substr(0, 2048);
  return r;
}

std::string first_line(const std::string& s) {
  std::string l = s.substr(0, s.find('\n'));
  return l.empty() ? "(no message)" : l;
}

int usage(const char* why) {
  std::fprintf(stderr,
               "bench_anonymize_throughput: %s\n"
               "usage: bench_anonymize_throughput [--mb N] [--seed N] [--runs N] [--dpa PATH]\n",
               why);
  return 2;
}

bool parse(const char* s, std::size_t& out) {
  const char* end = s + std::strlen(s);
  auto [p, ec] = std::from_chars(s, end, out);
  return ec == std::errc() && p == end;
}

const char* verdict(bool ok) { return ok ? "PASS" : "FAIL"; }

}  // namespace

int main(int argc, char** argv) {
  std::size_t mb = 200, seed = 1, runs = 3;
  std::string dpa = DPA_BINARY;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      usage("throughput of the detector and of `dpa anonymize`");
      return 0;
    }
    if (i + 1 >= argc) return usage(("missing value after " + a).c_str());
    const char* v = argv[++i];
    if (a == "--dpa") {
      dpa = v;
      continue;
    }
    std::size_t* target = a == "--mb" ? &mb : a == "--seed" ? &seed : a == "--runs" ? &runs : nullptr;
    if (!target) return usage(("unknown option " + a).c_str());
    if (!parse(v, *target) || *target == 0) return usage((a + " takes a positive number").c_str());
  }

  auto t0 = Clock::now();
  std::string text = dpa::bench::generate_text(seed, mb * 1000 * 1000);
  double gen = std::chrono::duration<double>(Clock::now() - t0).count();
  double size_mb = static_cast<double>(text.size()) / 1e6;
  unsigned cpus = std::thread::hardware_concurrency();
  double load[1] = {0};
  getloadavg(load, 1);
  fmt::print("anonymize throughput: {:.1f} MB mixed corpus (seed {}, generated in {:.1f} s), {} runs each, "
             "{} CPUs, load average {:.1f}; MB = 10^6 bytes of input\n",
             size_mb, seed, gen, runs, cpus, load[0]);
  bool busy = load[0] > 0.5 * cpus;
  if (busy) {
    fmt::print("warning: the machine is busy (load {:.1f} on {} CPUs): wall-clock rates and the speed-up are "
               "understated; the CPU-time rates are not\n",
               load[0], cpus);
  }
  fmt::print("\n");

  bool pass = true;

  // (a) The detector alone.
  {
    dpa::anonymize::Detector detector;
    dpa::anonymize::DetectScratch scratch;
    std::vector<dpa::anonymize::Finding> found;
    auto parts = chunks(text, 1 << 20);
    std::vector<double> mbps, cpu_mbps;
    std::size_t findings = 0;
    for (std::size_t k = 0; k < runs; ++k) {
      findings = 0;
      auto s = Clock::now();
      double c0 = thread_cpu_seconds();
      for (auto c : parts) {
        detector.detect(c, scratch, found);
        findings += found.size();
      }
      cpu_mbps.push_back(size_mb / (thread_cpu_seconds() - c0));
      mbps.push_back(size_mb / std::chrono::duration<double>(Clock::now() - s).count());
    }
    Stats st = summarize(mbps), cpu = summarize(cpu_mbps);
    fmt::print("(a) Detector::detect, 1 thread, 1 MiB chunks: best {:.1f} MB/s, median {:.1f} MB/s; "
               "per CPU-second {:.1f} MB (median); {} findings\n",
               st.best, st.median, cpu.median, findings);
  }

  // (b) The pipeline in process.
  {
    dpa::anonymize::Detector detector;
    double process_rate[2] = {0, 0}, total_cpu[2] = {0, 0}, main_cpu[2] = {0, 0};
    for (int jobs = 1; jobs <= 2; ++jobs) {
      std::vector<double> rates, totals, mains;
      for (std::size_t k = 0; k < runs; ++k) {
        dpa::anonymize::PseudonymizeOptions options;
        options.stream.jobs = jobs;
        ViewSource in(text);
        NullSink out;
        double p0 = process_cpu_seconds(), c0 = thread_cpu_seconds();
        dpa::anonymize::pseudonymize(in, out, detector, nullptr, options);
        double total = process_cpu_seconds() - p0, mine = thread_cpu_seconds() - c0;
        rates.push_back(size_mb / total);
        totals.push_back(total);
        mains.push_back(mine);
      }
      process_rate[jobs - 1] = summarize(rates).median;
      std::sort(totals.begin(), totals.end());
      std::sort(mains.begin(), mains.end());
      total_cpu[jobs - 1] = totals[totals.size() / 2];
      main_cpu[jobs - 1] = mains[mains.size() / 2];
    }
    // With 2 CPUs, 2 jobs take at least half the CPU time of the run, and at
    // least the calling thread's share, which no worker can take over.
    double projected_time = std::max(main_cpu[1], total_cpu[1] / 2);
    double projected = projected_time > 0 ? total_cpu[0] / projected_time : 0;
    fmt::print("\n(b) pseudonymize(), tag, in process, 1 MiB chunks: per CPU-second {:.1f} MB with 1 job, "
               "{:.1f} MB with 2 jobs (median)\n"
               "    2 jobs: the calling thread (read, UTF-8 check, render) {:.2f} s of {:.2f} CPU-s; "
               "projected speed-up on 2 idle CPUs {:.2f}x\n",
               process_rate[0], process_rate[1], main_cpu[1], total_cpu[1], projected);
  }

  // (c) The pipeline through the binary.
  fmt::print("\n(c) dpa anonymize --operator tag, {}\n", dpa);
  std::optional<TempDir> tmp;
  try {
    tmp.emplace();
  } catch (const std::exception& e) {
    fmt::print("pipeline: not available ({})\n", e.what());
    return pass ? 0 : 1;
  }
  fs::path home = tmp->path() / "ws", input = tmp->path() / "corpus.txt", probe = tmp->path() / "probe.txt",
           out = tmp->path() / "out.txt", err = tmp->path() / "err.txt", null = "/dev/null";
  {
    std::ofstream f(input, std::ios::binary);
    f << text;
    std::ofstream p(probe, std::ios::binary);
    p << "меня зовут Марат, мой номер +7 701 123 45 67\n";
  }
  text.clear();
  text.shrink_to_fit();

  auto dpa_cmd = [&](std::vector<std::string> rest) {
    std::vector<std::string> a = {dpa, "--home", home.string()};
    a.insert(a.end(), rest.begin(), rest.end());
    return a;
  };
  if (!fs::exists(dpa)) {
    fmt::print("pipeline: not available (dpa anonymize missing: no binary at {})\n", dpa);
    return pass ? 0 : 1;
  }
  RunResult init = run(dpa_cmd({"init"}), null, out, err);
  RunResult tenant = init.status == 0 ? run(dpa_cmd({"tenant", "add", "bench"}), null, out, err) : init;
  if (init.status != 0 || tenant.status != 0) {
    fmt::print("pipeline: not available (workspace set-up failed: {})\n", first_line(tenant.err));
    return pass ? 0 : 1;
  }
  std::vector<std::string> anonymize = {"anonymize", "--tenant", "bench", "--operator", "tag"};
  auto with_jobs = [&](int jobs) {
    auto a = dpa_cmd(anonymize);
    a.push_back("--jobs");
    a.push_back(std::to_string(jobs));
    return a;
  };
  RunResult p = run(with_jobs(1), probe, out, err);
  if (p.status != 0) {
    fmt::print("pipeline: not available (dpa anonymize missing: exit {}: {})\n", p.status, first_line(p.err));
    return pass ? 0 : 1;
  }

  // The 1-job and 2-job runs alternate, so that a change in the host's load
  // during the measurement reaches both alike: run as two blocks, the
  // speed-up compared one period of the host with another. Each pair also
  // gives a ratio of its own; their median is printed beside the ratio of
  // the medians.
  Stats by_jobs[2];
  std::vector<double> job_mbps[2], job_cpu_mbps[2], pair_ratios;
  for (std::size_t k = 0; k < runs; ++k) {
    double seconds[2] = {0, 0};
    for (int jobs = 1; jobs <= 2; ++jobs) {
      RunResult r = run(with_jobs(jobs), input, null, err);
      if (r.status != 0) {
        fmt::print("pipeline: --jobs {} failed with exit {}: {}\n", jobs, r.status, first_line(r.err));
        return 1;
      }
      job_mbps[jobs - 1].push_back(size_mb / r.seconds);
      job_cpu_mbps[jobs - 1].push_back(size_mb / r.cpu_seconds);
      seconds[jobs - 1] = r.seconds;
    }
    pair_ratios.push_back(seconds[0] / seconds[1]);
  }
  for (int jobs = 1; jobs <= 2; ++jobs) {
    by_jobs[jobs - 1] = summarize(job_mbps[jobs - 1]);
    fmt::print("    --jobs {}: best {:.1f} MB/s, median {:.1f} MB/s; per CPU-second {:.1f} MB (median)\n", jobs,
               by_jobs[jobs - 1].best, by_jobs[jobs - 1].median, summarize(job_cpu_mbps[jobs - 1]).median);
  }
  double speedup = by_jobs[0].median > 0 ? by_jobs[1].median / by_jobs[0].median : 0;
  double speedup_best = by_jobs[0].best > 0 ? by_jobs[1].best / by_jobs[0].best : 0;
  fmt::print("    speed-up, 2 jobs over 1: {:.2f}x (median), {:.2f}x (best); of runs side by side {:.2f}x (median of {} pairs)\n\n",
             speedup, speedup_best, summarize(pair_ratios).median, pair_ratios.size());

  // (c) The vault operators, one job: `token` and `surrogate` into an empty
  // vault (every value new: the costly case, one workspace per run), `token`
  // again over the filled vault, and `dpa reidentify` of the token output.
  fmt::print("(c) vault operators, --jobs 1 (MB of input; per CPU-second = user + sys)\n");
  {
    auto vault_row = [&](const std::string& label, const std::vector<RunResult>& rs) {
      std::vector<double> mbps, cpu_mbps;
      for (const auto& r : rs) {
        mbps.push_back(size_mb / r.seconds);
        cpu_mbps.push_back(size_mb / r.cpu_seconds);
      }
      Stats wall = summarize(mbps), cpu = summarize(cpu_mbps);
      fmt::print("    {:<34} median {:6.1f} MB/s wall, {:6.1f} MB per CPU-second (best {:.1f} / {:.1f})\n", label,
                 wall.median, cpu.median, wall.best, cpu.best);
    };
    fs::path token_out = tmp->path() / "token.txt";
    bool ok = true;
    auto checked = [&](const RunResult& r, const char* what) {
      if (r.status != 0 && ok) {
        fmt::print("    {} failed with exit {}: {}\n", what, r.status, first_line(r.err));
        ok = false;
      }
      return r;
    };
    for (const std::string op : {"token", "surrogate"}) {
      std::vector<RunResult> cold, warm, back;
      for (std::size_t k = 0; k < runs && ok; ++k) {
        fs::path vhome = tmp->path() / fmt::format("vault-{}-{}", op, k);
        auto cmd = [&](std::vector<std::string> rest) {
          rest.insert(rest.begin(), {dpa, "--home", vhome.string()});
          return rest;
        };
        checked(run(cmd({"init"}), null, out, err), "init");
        checked(run(cmd({"tenant", "add", "bench"}), null, out, err), "tenant add");
        std::vector<std::string> anon = {"anonymize", "--tenant", "bench", "--operator", op};
        cold.push_back(checked(run(cmd(anon), input, token_out, err), "anonymize"));
        if (op == "token") {
          warm.push_back(checked(run(cmd(anon), input, null, err), "anonymize (filled vault)"));
          back.push_back(checked(run(cmd({"reidentify", "--tenant", "bench"}), token_out, null, err), "reidentify"));
        }
        std::error_code ec;
        fs::remove_all(vhome, ec);
      }
      if (!ok) break;
      vault_row(fmt::format("--operator {}, empty vault", op), cold);
      if (op == "token") {
        vault_row("--operator token, filled vault", warm);
        vault_row("reidentify of the token output", back);
      }
    }
    fmt::print("\n");
  }

  bool single_ok = by_jobs[0].median >= 100.0;
  bool speedup_ok = speedup >= 1.7;
  pass = single_ok && speedup_ok;
  fmt::print("{:<44} {:>9} {:>9}  {}\n", "target (median)", "value", "goal", "result");
  fmt::print("{:<44} {:>9} {:>9}  {}\n", "pipeline, 1 job, --operator tag (MB/s)", fmt::format("{:.1f}", by_jobs[0].median),
             "≥ 100", verdict(single_ok));
  fmt::print("{:<44} {:>9} {:>9}  {}{}\n", "speed-up with 2 jobs", fmt::format("{:.2f}x", speedup), "≥ 1.70x",
             verdict(speedup_ok), cpus < 2 ? " (this machine has 1 CPU)" : busy ? " (machine busy)" : "");
  return pass ? 0 : 1;
}

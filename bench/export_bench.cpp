// Export throughput: `dpa export create` against `sha256sum` + `zip -r` of
// the same payload, in the same run, on ~1 GB of mixed data (--mb to change):
//
//   a SQLite table of call transcripts (text rows; dpa writes each row
//   twice, as JSON Lines and as CSV), text files (compressible), random
//   binary files (incompressible) and PCM WAV recordings.
//
// Steps: generate the data; `dpa export create --format dir` (its payload
// is then the very set of files the baseline reads); the baseline
// `sha256sum` of every payload file then `zip -r -q` of the payload folder
// (Info-ZIP, deflate level 6, which stores a file whose deflate does not
// shrink it); then `dpa export create --format zip` (deflate everything
// except already-compressed media; .wav and .bin are deflated too, like
// zip does) and `--format tar`. Each is timed in its own process: wall
// time, CPU time (user+sys), peak RSS. The machine is shared, so CPU time is
// the steadier figure. Target: dpa zip within 1.5x of sha256sum + zip.
//
// Usage: bench_export [--mb N] [--dir DIR] [--keep]
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Args {
  long long mb = 1024;
  fs::path dir;
  bool keep = false;
};

struct Run {
  double wall = 0, cpu = 0;
  long max_rss_kb = 0;
  int status = 0;
};

Run run(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  pid_t pid = 0;
  auto t0 = Clock::now();
  int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    std::fprintf(stderr, "cannot run %s\n", argv[0]);
    std::exit(1);
  }
  int ws = 0;
  rusage ru{};
  while (wait4(pid, &ws, 0, &ru) < 0 && errno == EINTR) {
  }
  Run r;
  r.wall = std::chrono::duration<double>(Clock::now() - t0).count();
  r.cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
          static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  r.max_rss_kb = ru.ru_maxrss;
  r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
  if (r.status != 0) {
    std::fprintf(stderr, "%s failed (%d); see %s\n", argv[0], r.status, log.c_str());
    std::exit(1);
  }
  return r;
}

std::uint64_t tree_bytes(const fs::path& p) {
  std::uint64_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(p)) {
    if (e.is_regular_file()) n += e.file_size();
  }
  return n;
}

// Cheap, reproducible bytes.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

const char* const kWords[] = {"заказ", "доставка", "курьер", "оплата", "номер", "клиент", "спасибо", "order",
                              "delivery", "payment", "refund", "tomorrow", "тапсырыс", "жеткізу", "рахмет",
                              "address", "Алматы", "Астана", "please", "call", "back", "status", "ticket", "issue"};

std::string text(Rng& rng, std::size_t bytes) {
  std::string out;
  out.reserve(bytes + 16);
  while (out.size() < bytes) {
    out += kWords[rng.next() % std::size(kWords)];
    out += (rng.next() % 12 == 0) ? ".\n" : " ";
  }
  return out;
}

void write_bytes(const fs::path& p, const std::string& data) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
}

// A mono 16-bit PCM WAV: a wandering tone with noise, as speech-band audio compresses (poorly).
std::string wav(Rng& rng, std::size_t bytes) {
  std::size_t samples = bytes / 2;
  std::string d(44 + samples * 2, '\0');
  auto put32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) d[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
  };
  auto put16 = [&](std::size_t at, std::uint16_t v) {
    d[at] = static_cast<char>(v & 0xff);
    d[at + 1] = static_cast<char>(v >> 8);
  };
  d.replace(0, 4, "RIFF");
  put32(4, static_cast<std::uint32_t>(36 + samples * 2));
  d.replace(8, 8, "WAVEfmt ");
  put32(16, 16);
  put16(20, 1);
  put16(22, 1);
  put32(24, 8000);
  put32(28, 16000);
  put16(32, 2);
  put16(34, 16);
  d.replace(36, 4, "data");
  put32(40, static_cast<std::uint32_t>(samples * 2));
  double phase = 0;
  for (std::size_t i = 0; i < samples; ++i) {
    phase += 0.05 + 0.02 * static_cast<double>(rng.next() % 100) / 100.0;
    int v = static_cast<int>(8000 * __builtin_sin(phase)) + static_cast<int>(rng.next() % 600) - 300;
    put16(44 + 2 * i, static_cast<std::uint16_t>(static_cast<std::int16_t>(v)));
  }
  return d;
}

void generate(const fs::path& home, const std::string& dpa, long long mb) {
  const std::uint64_t total = static_cast<std::uint64_t>(mb) << 20;
  Rng rng{0x9e3779b97f4a7c15ULL};
  run({dpa, "--home", home.string(), "init", "--policy", "upstat"}, home.parent_path() / "bench.log");
  std::ofstream(home / "dpa.toml", std::ios::app) << R"toml(
[[store]]
name = "app"
kind = "sqlite"
path = "app.db"

[[store]]
name = "files"
kind = "files"
root = "files"

[[dataset]]
name = "transcripts"
store = "app"
table = "transcripts"
key = "id"
category = "communications.transcript"
tenant = "tenant_id"
created = "created_at"
subject = { phone = "caller_phone" }
text = ["body"]

[[dataset]]
name = "documents"
store = "files"
category = "communications.chat"
path = "{tenant}/documents/{yyyy}/{id}"

[[dataset]]
name = "recordings"
store = "files"
category = "communications.audio"
path = "{tenant}/recordings/{yyyy}/{id}"
)toml";
  // Rows: ~12% of the total as raw text (about 2.3x that once written as JSON Lines and CSV).
  {
    SQLite::Database db((home / "app.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
            "CREATE TABLE transcripts(id INTEGER PRIMARY KEY, tenant_id TEXT, created_at TEXT, caller_phone TEXT, "
            "language TEXT, duration_s INTEGER, body TEXT);"
            "CREATE INDEX transcripts_tc ON transcripts(tenant_id, created_at);");
    SQLite::Transaction tx(db);
    SQLite::Statement q(db, "INSERT INTO transcripts VALUES(?, ?, ?, ?, ?, ?, ?)");
    std::uint64_t bytes = 0;
    for (long long id = 1; bytes < total * 12 / 100; ++id) {
      std::string body = text(rng, 200 + rng.next() % 800);
      bytes += body.size() + 60;
      q.reset();
      q.bind(1, static_cast<int64_t>(id));
      q.bind(2, (id % 10 == 0) ? "other" : "bench");
      q.bind(3, fmt::format("2026-{:02}-{:02}T{:02}:{:02}:00Z", 1 + id % 9, 1 + id % 28, id % 24, id % 60));
      q.bind(4, fmt::format("+7701{:07}", rng.next() % 10000000));
      q.bind(5, id % 3 == 0 ? "kk" : "ru");
      q.bind(6, static_cast<int64_t>(rng.next() % 900));
      q.bind(7, body);
      q.exec();
    }
    tx.commit();
  }
  // Files: text 20%, random binary 25%, WAV 25%.
  auto fill = [&](double share, const std::string& sub, const std::string& ext, auto make) {
    std::uint64_t bytes = 0;
    for (int i = 0; bytes < static_cast<std::uint64_t>(static_cast<double>(total) * share); ++i) {
      std::size_t size = (ext == ".txt" ? 64 << 10 : 512 << 10) + rng.next() % (ext == ".txt" ? 512 << 10 : 3 << 20);
      std::string data = make(size);
      bytes += data.size();
      write_bytes(home / "files" / "bench" / sub / "2026" / fmt::format("file {:05}{}", i, ext), data);
    }
  };
  fill(0.20, "documents", ".txt", [&](std::size_t n) { return text(rng, n); });
  fill(0.25, "documents", ".bin", [&](std::size_t n) {
    std::string d(n, '\0');
    for (std::size_t i = 0; i + 8 <= n; i += 8) {
      std::uint64_t v = rng.next();
      std::memcpy(&d[i], &v, 8);
    }
    return d;
  });
  fill(0.25, "recordings", ".wav", [&](std::size_t n) { return wav(rng, n); });
  run({dpa, "--home", home.string(), "tenant", "add", "bench", "--policy", "upstat"}, home.parent_path() / "bench.log");
}

void print(const char* name, const Run& r, std::uint64_t payload, std::uint64_t out_bytes) {
  double mb = static_cast<double>(payload) / 1e6;
  std::printf("  %-26s %8.2f s wall %8.2f s cpu %8.1f MB/s %8.1f MB/s cpu %8.1f MB RSS %9.1f MB out\n", name, r.wall,
              r.cpu, mb / r.wall, mb / r.cpu, static_cast<double>(r.max_rss_kb) / 1024.0,
              static_cast<double>(out_bytes) / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--mb" && i + 1 < argc) a.mb = std::atoll(argv[++i]);
    else if (s == "--dir" && i + 1 < argc) a.dir = argv[++i];
    else if (s == "--keep") a.keep = true;
    else {
      std::fprintf(stderr, "usage: bench_export [--mb N] [--dir DIR] [--keep]\n");
      return 2;
    }
  }
  const std::string dpa = DPA_BINARY;
  fs::path dir = a.dir.empty() ? fs::temp_directory_path() / fmt::format("dpa-export-bench-{}", ::getpid()) : a.dir;
  fs::create_directories(dir);
  const fs::path home = dir / "ws", log = dir / "bench.log", out = dir / "out";
  fs::create_directories(out);
  std::printf("generating ~%lld MB of mixed data in %s ...\n", a.mb, dir.c_str());
  std::fflush(stdout);
  auto g0 = Clock::now();
  generate(home, dpa, a.mb);
  std::printf("  generated in %.1f s\n", std::chrono::duration<double>(Clock::now() - g0).count());

  auto export_to = [&](const std::string& format, const fs::path& path) {
    return run({dpa, "--home", home.string(), "export", "create", "--tenant", "bench", "--format", format, "--out",
                path.string(), "--no-progress"},
               log);
  };
  Run dir_run = export_to("dir", out / "bag");
  const fs::path payload_dir = out / "bag" / "data";
  const std::uint64_t payload = tree_bytes(payload_dir);
  std::printf("payload: %.1f MB (JSON Lines and CSV of the table, and the files)\n\n", static_cast<double>(payload) / 1e6);

  // The baseline, on exactly the payload files the dir export wrote.
  Run sha = run({"/bin/sh", "-c", "cd '" + (out / "bag").string() + "' && find data -type f -print0 | xargs -0 sha256sum > '" +
                                      (out / "baseline.sha256").string() + "'"},
                log);
  Run zip = run({"/bin/sh", "-c", "cd '" + (out / "bag").string() + "' && zip -r -q '" + (out / "baseline.zip").string() + "' data"}, log);
  Run zip_run = export_to("zip", out / "bag.zip");
  Run tar_run = export_to("tar", out / "bag.tar");
  Run verify_zip = run({dpa, "--home", home.string(), "export", "verify", (out / "bag.zip").string()}, log);

  Run base{sha.wall + zip.wall, sha.cpu + zip.cpu, std::max(sha.max_rss_kb, zip.max_rss_kb), 0};
  std::printf("  %-26s %10s %15s %13s %17s %11s %12s\n", "", "wall", "cpu", "throughput", "per cpu second", "peak", "size");
  print("sha256sum", sha, payload, fs::file_size(out / "baseline.sha256"));
  print("zip -r (deflate 6)", zip, payload, fs::file_size(out / "baseline.zip"));
  print("sha256sum + zip", base, payload, fs::file_size(out / "baseline.zip"));
  print("dpa export --format zip", zip_run, payload, fs::file_size(out / "bag.zip"));
  print("dpa export --format tar", tar_run, payload, fs::file_size(out / "bag.tar"));
  print("dpa export --format dir", dir_run, payload, tree_bytes(out / "bag"));
  print("dpa export verify (zip)", verify_zip, payload, 0);
  std::printf("\nratio dpa zip / (sha256sum + zip): %.2fx wall, %.2fx cpu (target: at most 1.5x)\n",
              zip_run.wall / base.wall, zip_run.cpu / base.cpu);
  std::printf("dpa hashes SHA-256 and SHA-512 of every payload byte, writes the table twice (JSON Lines, CSV) from\n"
              "SQLite, and signs; the baseline hashes SHA-256 only, of files that already exist.\n");
  if (!a.keep) fs::remove_all(dir);
  else std::printf("kept %s\n", dir.c_str());
  return 0;
}

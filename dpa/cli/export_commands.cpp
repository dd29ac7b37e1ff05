// dpa export create | verify | list | show | handover
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>

#include <fmt/format.h>

#include "dpa/cli/command.h"
#include "dpa/error.h"
#include "dpa/keyring.h"
#include "dpa/workspace.h"
#include "exports/bag_verify.h"
#include "exports/export_register.h"

namespace dpa::cli {
namespace {

namespace fs = std::filesystem;
using namespace dpa::exports;

// Raised by SIGINT, SIGTERM and SIGHUP: the writer stops at its next block,
// removes its temporary files and leaves nothing at --out.
std::atomic<bool> g_cancel{false};

extern "C" void on_cancel_signal(int) { g_cancel.store(true); }

class CancelOnSignals {
 public:
  CancelOnSignals() {
    struct sigaction sa {};
    sa.sa_handler = on_cancel_signal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &sa, &old_[i]);
  }
  ~CancelOnSignals() {
    for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &old_[i], nullptr);
  }

 private:
  static constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction old_[3] {};
};

// A one-line progress bar on stderr, redrawn at most five times a second.
class ProgressBar {
 public:
  explicit ProgressBar(std::ostream& err) : err_(err), start_(Clock::now()), last_(start_) {}
  void update(std::uint64_t done, std::uint64_t estimate) {
    auto t = Clock::now();
    if (t - last_ < std::chrono::milliseconds(200)) return;
    last_ = t;
    draw(done, estimate);
  }
  void finish(std::uint64_t done) {
    draw(done, done);
    err_ << '\n';
  }

 private:
  using Clock = std::chrono::steady_clock;
  void draw(std::uint64_t done, std::uint64_t estimate) {
    double secs = std::chrono::duration<double>(Clock::now() - start_).count();
    double mbs = secs > 0 ? static_cast<double>(done) / 1e6 / secs : 0;
    constexpr int kWidth = 30;
    double frac = estimate > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(estimate)) : 0;
    int filled = static_cast<int>(frac * kWidth);
    err_ << fmt::format("\r[{}{}] {:3.0f}% {:>10} {:6.1f} MB/s", std::string(filled, '#'),
                        std::string(kWidth - filled, ' '), frac * 100, human_size(done), mbs)
         << std::flush;
  }
  std::ostream& err_;
  Clock::time_point start_, last_;
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

int run_create(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  CreateExportOptions o;
  o.tenant = inv.get<std::string>("tenant");
  o.subject = inv.maybe<std::string>("subject");
  if (auto d = inv.maybe<std::string>("datasets")) o.datasets = split_list(*d);
  o.format = parse_package_format(inv.maybe<std::string>("format").value_or("zip"));
  o.out = inv.get<std::string>("out");
  o.confirm_no_debt = inv.maybe<std::string>("confirm-no-debt");
  o.request_reference = inv.maybe<std::string>("request");
  o.organization = inv.maybe<std::string>("organization");
  CancelOnSignals signals;
  g_cancel.store(false);
  o.cancel = &g_cancel;
  std::optional<ProgressBar> bar;
  if (!inv.json() && !inv.vm["no-progress"].as<bool>() && ::isatty(STDERR_FILENO)) {
    bar.emplace(inv.err);
    o.progress = [&](std::uint64_t done, std::uint64_t estimate) { bar->update(done, estimate); };
  }
  CreatedExport c;
  try {
    c = create_export(ws, o, inv.actor());
  } catch (const ExportCancelled& e) {
    if (bar) inv.err << '\n';
    inv.err << "dpa: " << e.what() << '\n';
    return 130;  // as a shell reports a command ended by SIGINT
  }
  if (bar) bar->finish(c.result.bag.payload_bytes);
  const ExportRecord& r = c.record;
  if (inv.json()) {
    nlohmann::json j = export_json(r);
    j["public_key"] = c.public_key;
    j["clause"] = c.permission.clause;
    nlohmann::json ds = nlohmann::json::array();
    for (const auto& d : c.result.datasets) {
      ds.push_back({{"name", d.name}, {"kind", d.kind}, {"status", d.status}, {"records", d.records},
                    {"bytes", d.bytes}, {"payload", d.payload}, {"text_values_not_utf8", d.replaced_text}});
    }
    j["dataset_details"] = ds;
    inv.print_json(j);
    return 0;
  }
  inv.out << fmt::format("export {} written to {} ({}, {})\n", r.id, o.out.string(), r.format, human_size(static_cast<std::uint64_t>(r.package_bytes)));
  for (const auto& d : c.result.datasets) {
    if (d.status != "exported") {
      inv.out << fmt::format("  {:<20} not searchable by subject: left out\n", d.name);
    } else {
      inv.out << fmt::format("  {:<20} {} {}{}\n", d.name, d.records, d.kind == "files" ? "files" : "rows",
                             d.replaced_text ? fmt::format(" ({} text values were not UTF-8)", d.replaced_text) : "");
    }
  }
  inv.out << fmt::format("  Payload-Oxum {}; tag manifest sha256 {}\n", r.payload_oxum, r.tag_manifest_sha256);
  if (r.within_export_window) {
    inv.out << fmt::format("  within the export window ({}){}\n", c.permission.clause,
                           r.no_debt_reference ? "; no debt confirmed by " + *r.no_debt_reference : "");
  }
  inv.out << fmt::format("public key (Ed25519, base64): {}\n", c.public_key);
  inv.out << "  save it as a file and check the package with: dpa export verify PATH --pubkey FILE\n";
  return 0;
}

std::array<unsigned char, 32> read_public_key(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw InputError(fmt::format("no public key file {}", file.string()));
  std::string text;
  {
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) throw InputError(fmt::format("cannot read {}", file.string()));
    char buf[256];
    std::size_t n = std::fread(buf, 1, sizeof buf, f);
    std::fclose(f);
    text.assign(buf, n);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.erase(0, 1);
  std::string raw;
  try {
    raw = from_base64(text);
  } catch (const std::exception&) {
  }
  if (raw.size() != 32) {
    throw InputError(fmt::format("{} is not an Ed25519 public key (base64 of 32 bytes, as keys/audit-signing.pub)",
                                 file.string()));
  }
  std::array<unsigned char, 32> pk{};
  std::copy(raw.begin(), raw.end(), pk.begin());
  return pk;
}

int run_verify(Invocation& inv) {
  fs::path path = inv.get<std::string>("path");
  std::optional<std::array<unsigned char, 32>> pk;
  std::string key_origin;
  const bool skip_signature = inv.vm["no-signature"].as<bool>();
  if (auto f = inv.maybe<std::string>("pubkey")) {
    pk = read_public_key(*f);
    key_origin = *f;
  } else if (!skip_signature) {
    // Without --pubkey, the workspace's own key, when there is a workspace.
    fs::path ws_key = inv.home() / "keys" / Keyring::kPublicKeyFile;
    std::error_code ec;
    if (!fs::is_regular_file(ws_key, ec)) {
      throw UsageError("no public key to check the signature with: pass --pubkey FILE (the key printed by `dpa export "
                       "create`), or --no-signature to check the checksums only");
    }
    pk = read_public_key(ws_key);
    key_origin = ws_key.string();
  }
  BagVerifyReport r = verify_bag(path, pk);
  if (inv.json()) {
    nlohmann::json j;
    j["path"] = path.string();
    j["ok"] = r.ok();
    j["format"] = r.format;
    j["payload_files"] = r.payload_files;
    j["payload_bytes"] = r.payload_bytes;
    j["manifests"] = r.manifests;
    j["signature"] = to_string(r.signature);
    j["tag_manifest_sha256"] = r.tag_manifest_sha256;
    nlohmann::json info = nlohmann::json::object();
    for (const auto& [k, v] : r.info) info[k] = v;
    j["bag_info"] = info;
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : r.problems) problems.push_back({{"path", p.path}, {"problem", p.message}});
    j["problems"] = problems;
    inv.print_json(j);
  } else if (r.ok()) {
    inv.out << fmt::format("OK {} ({}): {} payload files, {} bytes; manifests {}; signature {}{}\n", path.string(),
                           r.format, r.payload_files, r.payload_bytes, fmt::join(r.manifests, ", "),
                           to_string(r.signature), key_origin.empty() ? "" : " (" + key_origin + ")");
  } else {
    inv.out << fmt::format("FAILED {} ({}): {} problem(s)\n", path.string(), r.format, r.problems.size());
    for (const auto& p : r.problems) {
      // Names are written as in a manifest, so that a CR or LF in a name
      // cannot split or forge a line of this report.
      inv.out << fmt::format("  {}: {}\n", p.path.empty() ? std::string("(bag)") : encode_manifest_path(p.path),
                             encode_manifest_path(p.message));
    }
  }
  return r.ok() ? 0 : static_cast<int>(ExitStatus::kVerifyFailed);
}

int run_list(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  auto all = list_exports(ws, inv.maybe<std::string>("tenant"));
  if (inv.json()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& e : all) arr.push_back(export_json(e));
    inv.print_json(arr);
    return 0;
  }
  if (all.empty()) return 0;
  inv.out << fmt::format("{:<30} {:<16} {:<8} {:<4} {:>12} {:<7} {}\n", "ID", "TENANT", "KIND", "FMT", "BYTES", "WINDOW",
                         "CREATED");
  for (const auto& e : all) {
    inv.out << fmt::format("{:<30} {:<16} {:<8} {:<4} {:>12} {:<7} {}\n", e.id, e.tenant_id,
                           e.subject_kind ? "subject" : "tenant", e.format, e.package_bytes,
                           e.within_export_window ? "yes" : "no", e.created_at);
  }
  return 0;
}

int run_show(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  ExportRecord e = get_export(ws, inv.get<std::string>("id"));
  auto handovers = ws.store().export_handovers(e.id);
  nlohmann::json j = export_json(e);
  nlohmann::json hs = nlohmann::json::array();
  for (const auto& h : handovers) {
    hs.push_back({{"recipient", h.recipient}, {"country", h.country}, {"at", h.handed_over_at},
                  {"transfer", h.transfer_id}, {"actor", h.actor}});
  }
  j["handovers"] = hs;
  if (inv.json()) {
    inv.print_json(j);
    return 0;
  }
  inv.out << fmt::format("export {}\n", e.id);
  inv.out << fmt::format("  tenant            {}\n", e.tenant_id);
  if (e.subject_kind) inv.out << fmt::format("  subject           {} (hash {})\n", *e.subject_kind, e.subject_hash->substr(0, 16));
  inv.out << fmt::format("  datasets          {}\n", e.datasets);
  inv.out << fmt::format("  package           {} {} ({} bytes)\n", e.format, e.path, e.package_bytes);
  inv.out << fmt::format("  Payload-Oxum      {}\n", e.payload_oxum);
  inv.out << fmt::format("  tag manifest      sha256 {}\n", e.tag_manifest_sha256);
  inv.out << fmt::format("  created           {} by {}\n", e.created_at, e.actor);
  inv.out << fmt::format("  export window     {}\n", e.within_export_window ? "within" : "no");
  if (e.no_debt_reference) inv.out << fmt::format("  no debt confirmed {}\n", *e.no_debt_reference);
  if (e.request_reference) inv.out << fmt::format("  request           {}\n", *e.request_reference);
  for (const auto& h : handovers) {
    inv.out << fmt::format("  handed over       {} to {} ({}), transfer {}\n", h.handed_over_at, h.recipient, h.country,
                           h.transfer_id);
  }
  return 0;
}

int run_handover(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  HandoverOptions o;
  o.export_id = inv.get<std::string>("id");
  o.recipient = inv.get<std::string>("to");
  if (auto c = inv.maybe<std::string>("country")) o.country = *c;
  o.category = inv.maybe<std::string>("category");
  o.reference = inv.maybe<std::string>("reference");
  HandoverResult r = hand_over_export(ws, o, inv.actor());
  if (inv.json()) {
    inv.print_json({{"export", r.handover.export_id}, {"recipient", r.handover.recipient},
                    {"country", r.handover.country}, {"at", r.handover.handed_over_at},
                    {"transfer", r.transfer.id}, {"category", r.transfer.category}, {"bytes", r.transfer.bytes}});
    return 0;
  }
  inv.out << fmt::format("export {} handed over to {} ({}); transfer log entry {}\n", r.handover.export_id,
                         r.handover.recipient, r.handover.country, r.transfer.id);
  return 0;
}

const CommandRegistrar create_command{Command{
    "export create",
    "--tenant T [--subject KIND:VALUE] [--datasets a,b] [--format zip|tar|dir] --out PATH [--confirm-no-debt REF]",
    "write a tenant's (or one subject's) data as a signed BagIt package",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("tenant", po::value<std::string>()->required()->value_name("T"), "the tenant (controller)")(
          "subject", po::value<std::string>()->value_name("KIND:VALUE"),
          "only this data subject's records (phone:+77011234567)")(
          "datasets", po::value<std::string>()->value_name("a,b"), "only these datasets (default: all)")(
          "format", po::value<std::string>()->value_name("zip|tar|dir"), "package format (default zip)")(
          "out", po::value<std::string>()->required()->value_name("PATH"), "where to write it (must not exist)")(
          "confirm-no-debt", po::value<std::string>()->value_name("REF"),
          "the document showing the tenant owes nothing, where the export window requires it (truffles 8.5)")(
          "request", po::value<std::string>()->value_name("REF"),
          "the request the export answers (External-Identifier; no personal data)")(
          "organization", po::value<std::string>()->value_name("NAME"), "Source-Organization (default: the workspace)")(
          "no-progress", po::bool_switch(), "no progress bar, even on a terminal");
    },
    run_create}};

const CommandRegistrar verify_command{Command{
    "export verify", "PATH [--pubkey FILE] [--no-signature]",
    "check a package: BagIt structure, every checksum, Payload-Oxum, the signature",
    [](po::options_description& o, po::positional_options_description& p) {
      o.add_options()("path", po::value<std::string>()->required()->value_name("PATH"), "the package: zip, tar or folder")(
          "pubkey", po::value<std::string>()->value_name("FILE"),
          "the signer's Ed25519 public key, base64 (default: the workspace's keys/audit-signing.pub)")(
          "no-signature", po::bool_switch(), "check everything but the signature");
      p.add("path", 1);
    },
    run_verify}};

const CommandRegistrar list_command{Command{
    "export list", "[--tenant T]", "list the exports made",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("tenant", po::value<std::string>()->value_name("T"), "only this tenant");
    },
    run_list}};

const CommandRegistrar show_command{Command{
    "export show", "ID", "show one export and its handovers",
    [](po::options_description& o, po::positional_options_description& p) {
      o.add_options()("id", po::value<std::string>()->required()->value_name("ID"), "the export");
      p.add("id", 1);
    },
    run_show}};

const CommandRegistrar handover_command{Command{
    "export handover", "ID --to RECIPIENT [--country CC] [--category C] [--reference REF]",
    "record that a package was handed over (a transfer-log entry, audited)",
    [](po::options_description& o, po::positional_options_description& p) {
      o.add_options()("id", po::value<std::string>()->required()->value_name("ID"), "the export")(
          "to", po::value<std::string>()->required()->value_name("RECIPIENT"), "who received it")(
          "country", po::value<std::string>()->value_name("CC"), "where the recipient is (default KZ)")(
          "category", po::value<std::string>()->value_name("C"),
          "data category (default: the exported datasets' categories)")(
          "reference", po::value<std::string>()->value_name("REF"), "delivery note or ticket");
      p.add("id", 1);
    },
    run_handover}};

}  // namespace
}  // namespace dpa::cli

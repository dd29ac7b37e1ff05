// dpa audit verify | log | checkpoint | report
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "dpa/audit_report.h"
#include "dpa/cli/command.h"
#include "dpa/cli/io.h"
#include "dpa/error.h"
#include "dpa/keyring.h"
#include "dpa/secret_key.h"
#include "dpa/time.h"
#include "dpa/workspace.h"

namespace dpa::cli {
namespace {

std::string read_text_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read {} {}", what, path));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::array<unsigned char, 32> read_public_key(const std::string& path) {
  std::string text = read_text_file(path, "public key");
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::string raw;
  try {
    raw = from_base64(text);
  } catch (const std::invalid_argument&) {
    throw InputError(fmt::format("{} is not a base64 Ed25519 public key", path));
  }
  if (raw.size() != 32) throw InputError(fmt::format("{} is not a 32-byte Ed25519 public key", path));
  std::array<unsigned char, 32> pk{};
  std::copy(raw.begin(), raw.end(), pk.begin());
  return pk;
}

int run_verify(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  std::optional<std::string> anchored;
  if (auto f = inv.maybe<std::string>("checkpoint")) anchored = read_text_file(*f, "checkpoint");
  std::optional<std::array<unsigned char, 32>> pk;
  if (auto f = inv.maybe<std::string>("pubkey")) pk = read_public_key(*f);
  AuditVerifyReport r = ws.audit().verify(anchored, pk);
  if (inv.json()) {
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : r.problems) problems.push_back({{"seq", p.seq}, {"message", p.message}});
    inv.print_json({{"ok", r.ok()},
                    {"entries", r.entries},
                    {"checkpoints_verified", r.checkpoints},
                    {"head_hash", r.head_hash},
                    {"first_broken", r.ok() ? nlohmann::json() : nlohmann::json(r.problems[0].seq)},
                    {"problems", problems}});
  } else if (r.ok()) {
    inv.out << fmt::format("audit log intact: {} entries, {} checkpoints verified, head {}\n",
                           r.entries, r.checkpoints, r.head_hash);
  } else {
    inv.out << fmt::format("audit log BROKEN: first broken entry {}\n", r.problems[0].seq);
    for (const auto& p : r.problems) inv.out << "  " << p.message << "\n";
  }
  return r.ok() ? 0 : static_cast<int>(ExitStatus::kVerifyFailed);
}

int run_log(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  AuditQuery q;
  if (auto since = inv.maybe<std::string>("since")) {
    q.since = format_utc(parse_timestamp(*since, TimeZone::named(ws.settings().timezone)));
  }
  q.action = inv.maybe<std::string>("action");
  if (auto limit = inv.maybe<long>("limit")) {
    if (*limit <= 0) throw UsageError("audit log: --limit takes a positive number");
    q.limit = *limit;
  }
  nlohmann::json arr = nlohmann::json::array();
  ws.store().scan_audit(q, [&](const AuditRecord& r) {
    if (inv.json()) {
      arr.push_back({{"seq", r.seq}, {"time", r.time}, {"actor", r.actor}, {"action", r.action},
                     {"object", r.object}, {"details", nlohmann::json::parse(r.details, nullptr, false)},
                     {"prev_hash", r.prev_hash}, {"hash", r.hash}});
    } else {
      inv.out << fmt::format("{:>6} {} {:<20} {:<24} {} {}\n", r.seq, r.time, r.action, r.object,
                             r.actor, r.details);
    }
    return true;
  });
  if (inv.json()) inv.print_json(arr);
  return 0;
}

int run_checkpoint(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  auto c = ws.store().latest_checkpoint();
  if (!c) throw WorkspaceError("the audit log has no checkpoint yet");
  if (inv.json()) {
    inv.print_json({{"size", c->size}, {"head_hash", c->head_hash}, {"note", c->note},
                    {"public_key", to_base64(ws.keys().public_key().data(), 32)}});
  } else {
    inv.out << c->note;
  }
  return 0;
}

int run_report(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  const TimeZone& zone = TimeZone::named(ws.settings().timezone);
  AuditReportOptions o;
  o.from = parse_timestamp(inv.get<std::string>("from"), zone);
  o.until = parse_period_end(inv.get<std::string>("to"), zone);
  o.tenant = inv.maybe<std::string>("tenant");
  o.as_of = inv.has("at") ? parse_timestamp(inv.get<std::string>("at"), zone) : now();
  std::string format = inv.json() ? "json" : inv.get<std::string>("format");
  if (format != "html" && format != "md" && format != "markdown" && format != "json") {
    throw UsageError(fmt::format("unknown --format '{}': write html, md or json", format));
  }
  AuditReport report = build_audit_report(ws, o);
  std::string text = format == "html"   ? render_audit_report_html(report)
                     : format == "json" ? audit_report_json(report).dump(2) + "\n"
                                        : render_audit_report_markdown(report);
  if (auto file = inv.maybe<std::string>("out"); file && *file != "-") {
    write_file_atomically(*file, text);
  } else {
    inv.out << text;
  }
  return 0;
}

const CommandRegistrar verify_command{Command{
    "audit verify", "[--checkpoint FILE] [--pubkey FILE]",
    "check the audit log's hash chain and every signed checkpoint",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()
          ("checkpoint", po::value<std::string>()->value_name("FILE"),
           "also check the log against a checkpoint kept outside the workspace")
          ("pubkey", po::value<std::string>()->value_name("FILE"),
           "verify signatures with this public key instead of the workspace's");
    },
    run_verify}};

const CommandRegistrar log_command{Command{
    "audit log", "[--since DATE] [--action A] [--limit N] [--json]", "print audit entries",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()
          ("since", po::value<std::string>()->value_name("DATE"), "entries at or after DATE (ISO-8601)")
          ("action", po::value<std::string>()->value_name("A"), "only action A, or a family ending in '.' (tenant.)")
          ("limit", po::value<long>()->value_name("N"), "at most N entries");
    },
    run_log}};

const CommandRegistrar checkpoint_command{Command{
    "audit checkpoint", "", "print the latest signed checkpoint, for anchoring elsewhere",
    [](po::options_description&, po::positional_options_description&) {}, run_checkpoint}};

const CommandRegistrar report_command{Command{
    "audit report", "--from DATE --to DATE [--tenant T] [--format html|md|json] [--out FILE] [--at DATETIME]",
    "for an auditor: log integrity, retention, requests, transfers, incidents and policies of a period",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()
          ("from", po::value<std::string>()->required()->value_name("DATE"), "start of the period (inclusive)")
          ("to", po::value<std::string>()->required()->value_name("DATE"),
           "end of the period (a plain date: through that day)")
          ("tenant", po::value<std::string>()->value_name("T"), "only this tenant's data")
          ("format", po::value<std::string>()->default_value("md")->value_name("html|md|json"), "output format")
          ("out", po::value<std::string>()->value_name("FILE"), "write the report to FILE (atomically)")
          ("at", po::value<std::string>()->value_name("DATETIME"),
           "count time left and overdue at DATETIME instead of now");
    },
    run_report}};

}  // namespace
}  // namespace dpa::cli

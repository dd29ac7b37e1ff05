// dpa demo: a workspace with synthetic data to try every command on.
#include <fstream>

#include <fmt/format.h>

#include "dpa/cli/command.h"
#include "dpa/demo_dataset.h"
#include "dpa/error.h"
#include "dpa/tenants.h"
#include "dpa/time.h"
#include "dpa/workspace.h"

namespace dpa::cli {
namespace {

namespace fs = std::filesystem;

// Marks a folder `dpa demo` made, so that running it again may replace it
// and nothing else is ever removed.
constexpr const char* kDemoMarker = ".dpa-demo";

fs::path demo_home(const Invocation& inv) {
  if (inv.global.home) return *inv.global.home;
  if (const char* env = std::getenv("DPA_HOME"); env && *env) return env;
  return "dpa-demo";
}

void clear_previous_demo(const fs::path& home) {
  if (!fs::exists(home)) return;
  if (fs::is_directory(home) && fs::is_empty(home)) return;
  if (!fs::exists(home / kDemoMarker)) {
    throw InputError(fmt::format(
        "{} exists and was not made by `dpa demo`; choose another folder with --home", home.string()));
  }
  fs::remove_all(home);
}

int run_demo(Invocation& inv) {
  fs::path home = demo_home(inv);
  clear_previous_demo(home);
  fs::create_directories(home);
  std::ofstream(home / kDemoMarker) << "made by dpa demo; `dpa demo` may replace this folder\n";

  InitResult init = Workspace::init(home, "upstat", inv.actor());
  auto today = std::chrono::floor<std::chrono::days>(now());
  DemoDatasetSummary data = build_demo_dataset(home, 20261121, today);
  {
    std::ofstream cfg(home / "dpa.toml", std::ios::app);
    cfg << "\n# Data map of the demo's synthetic SaaS application (written by `dpa demo`).\n"
        << data.datamap_toml;
    if (!cfg) throw WorkspaceError(fmt::format("cannot write {}", (home / "dpa.toml").string()));
  }
  Workspace ws = Workspace::open(home, inv.actor());
  for (const auto& t : data.tenants) add_tenant(ws, t.id, "upstat", t.name);
  AuditVerifyReport verify = ws.audit().verify();

  if (inv.json()) {
    nlohmann::json tenants = nlohmann::json::array();
    for (const auto& t : data.tenants) {
      tenants.push_back({{"id", t.id}, {"name", t.name}, {"contract_state", t.contract_state},
                         {"contract_start", t.contract_start}, {"contract_end", t.contract_end}});
    }
    inv.print_json({{"home", home.string()},
                    {"workspace_id", init.workspace_id},
                    {"policy", "upstat"},
                    {"tenants", tenants},
                    {"rows", data.rows_per_table},
                    {"recording_files", data.recording_files},
                    {"recording_bytes", data.recording_bytes},
                    {"audit_entries", verify.entries},
                    {"audit_ok", verify.ok()}});
    return verify.ok() ? 0 : static_cast<int>(ExitStatus::kVerifyFailed);
  }
  auto& out = inv.out;
  out << fmt::format("Demo workspace {} (id {})\n", home.string(), init.workspace_id);
  out << "  state:    dpa.db, keys/ (master key and audit signing key, mode 0600), dpa.toml\n";
  out << "  policy:   upstat (UpStat call analytics DPA; includes the kz law baseline)\n";
  out << "  app data: var/app.db, synthetic SaaS data in Russian, Kazakh and English\n";
  for (const auto& [table, rows] : data.rows_per_table) {
    out << fmt::format("            {:<14} {:>5} rows\n", table, rows);
  }
  out << fmt::format("            recordings     {:>5} files, {} bytes under var/recordings\n",
                     data.recording_files, data.recording_bytes);
  out << "  tenants:\n";
  for (const auto& t : data.tenants) {
    out << fmt::format("            {:<16} {:<11} {}{}\n", t.id, t.contract_state, t.name,
                       t.contract_end.empty() ? "" : " (contract ends " + t.contract_end + ")");
  }
  out << fmt::format("  audit:    {} entries, chain {}\n", verify.entries,
                     verify.ok() ? "verified" : "BROKEN");
  out << fmt::format("\nTry:\n  dpa --home {0} tenant list\n  dpa --home {0} policy explain upstat "
                     "--category communications.transcript\n  dpa --home {0} audit log\n"
                     "  dpa --home {0} audit verify\n",
                     home.string());
  return verify.ok() ? 0 : static_cast<int>(ExitStatus::kVerifyFailed);
}

const CommandRegistrar demo_command{Command{
    "demo", "[--home DIR]",
    "build a demo workspace with synthetic data (default folder ./dpa-demo)",
    [](po::options_description&, po::positional_options_description&) {}, run_demo}};

}  // namespace
}  // namespace dpa::cli

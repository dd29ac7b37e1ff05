// dpa demo: a workspace with synthetic data to try every command on.
#include <fstream>

#include <fmt/format.h>

#include "dpa/cli/command.h"
#include "dpa/cli/demo_exports.h"
#include "dpa/cli/demo_incidents.h"
#include "dpa/cli/demo_pseudonymize.h"
#include "dpa/cli/demo_requests.h"
#include "dpa/cli/demo_retention.h"
#include "dpa/demo_dataset.h"
#include "dpa/demo_transfers.h"
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
  DemoPseudonymizeSummary pseudo = demo_pseudonymize(ws, inv.actor());
  // After the pseudonymizer's part: it records the consent of its truffles tenant.
  DemoTransfersSummary transfers = build_demo_transfers(ws, now(), inv.actor());
  DemoRetentionSummary retention = demo_retention(ws, data.tenants, inv.actor());
  DemoExportsSummary exports = demo_exports(ws, inv.actor());
  DemoRequestsSummary requests = demo_requests(ws, data.tenants, inv.actor());
  DemoIncidentsSummary incidents =
      demo_incidents(ws, pseudo.tenant, transfers.report_from, transfers.report_to, inv.actor());
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
                    {"transfers", {{"register_entries", transfers.register_entries},
                                   {"agreements", transfers.agreements},
                                   {"made", transfers.made},
                                   {"refused", transfers.refused},
                                   {"flagged", transfers.flagged}}},
                    {"pseudonymize", {{"tenant", pseudo.tenant},
                                      {"pseudonymized", pseudo.pseudonymized},
                                      {"reply", pseudo.reply},
                                      {"restored", pseudo.restored},
                                      {"refusal", pseudo.refusal}}},
                    {"retention", {{"tenant", retention.tenant},
                                   {"terminated_on", retention.terminated_on},
                                   {"delete_after", retention.delete_after},
                                   {"deleted", retention.deleted},
                                   {"batches", retention.batches},
                                   {"key_destroyed", retention.key_destroyed}}},
                    {"exports", {{"tenant", exports.tenant},
                                 {"tenant_export", exports.tenant_export},
                                 {"tenant_package", exports.tenant_package},
                                 {"subject_export", exports.subject_export},
                                 {"subject_package", exports.subject_package},
                                 {"tampered_problems", exports.tampered},
                                 {"debt_refusal", exports.debt_refusal},
                                 {"public_key", exports.public_key}}},
                    {"requests", {{"requests", requests.requests},
                                  {"suppressed", requests.suppressed},
                                  {"contacts", requests.contacts},
                                  {"contacts_removed", requests.contacts_removed},
                                  {"letter", requests.letter_path},
                                  {"fulfilled", requests.fulfilled}}},
                    {"incidents", {{"incident", incidents.incident},
                                   {"tenant", incidents.tenant},
                                   {"refusal", incidents.refusal},
                                   {"controller_due", incidents.controller_due},
                                   {"controller_sent", incidents.controller_sent},
                                   {"authority_due", incidents.authority_due}}},
                    {"audit_report", {{"from", incidents.report_from},
                                      {"to", incidents.report_to},
                                      {"html", incidents.report_html},
                                      {"md", incidents.report_md},
                                      {"json", incidents.report_json}}},
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
  out << fmt::format("  transfers: {} register entries (hosting, elevenlabs), {} made ({} while its SCC had "
                     "lapsed), {} refused\n",
                     transfers.register_entries, transfers.made, transfers.flagged, transfers.refused);
  out << fmt::format("  pseudonymize for OpenAI (tenant {}, policy truffles):\n", pseudo.tenant);
  out << fmt::format("            raw:      refused: {}\n", pseudo.refusal);
  out << fmt::format("            original: {}\n", pseudo.original);
  out << fmt::format("            sent:     {}\n", pseudo.pseudonymized);
  out << fmt::format("            reply:    {}\n", pseudo.reply);
  out << fmt::format("            restored: {}\n", pseudo.restored);
  out << fmt::format("  retention: {} terminated on {} (upstat: deleted 30 days later, from {})\n",
                     retention.tenant, retention.terminated_on, retention.delete_after);
  out << "            plan:\n";
  for (std::size_t a = 0, b; a < retention.plan.size(); a = b + 1) {
    b = retention.plan.find('\n', a);
    if (b == std::string::npos) b = retention.plan.size();
    if (b > a) out << "              " << retention.plan.substr(a, b - a) << "\n";
  }
  out << fmt::format("            sweep: deleted {} records in {} batches{}; audit entries:\n", retention.deleted,
                     retention.batches, retention.key_destroyed ? ", destroyed the tenant's key" : "");
  for (const auto& line : retention.audit) out << "              " << line << "\n";
  out << fmt::format("  exports:  {} terminated today, in its export window:\n", exports.tenant);
  out << fmt::format("            tenant export {} -> {} (Payload-Oxum {})\n", exports.tenant_export,
                     exports.tenant_package, exports.tenant_oxum);
  out << fmt::format("              verify: {}; handed over {}\n", exports.tenant_verify, exports.handover);
  out << fmt::format("            subject export {} ({} record(s) of one phone number of {}) -> {}\n",
                     exports.subject_export, exports.subject_rows, exports.subject_tenant, exports.subject_package);
  out << fmt::format("              verify: {}\n", exports.subject_verify);
  out << "            a tampered copy (a row added to contacts.csv) fails:\n";
  for (const auto& p : exports.tampered) out << "              " << p << "\n";
  out << fmt::format("            aqniet-shop (truffles) terminated, export without --confirm-no-debt:\n"
                     "              refused: {}\n",
                     exports.debt_refusal);
  out << fmt::format("            signed with the audit key; public key {} ({})\n", exports.public_key,
                     exports.public_key_file);
  out << "  requests: subject requests (kz working days, GDPR month, forwarded in processor mode):\n";
  for (const auto& line : requests.requests) out << "            " << line << "\n";
  out << fmt::format("            suppression list of dialer: {} entries; var/contacts.csv ({} rows) -> "
                     "var/contacts.allowed.csv ({} removed); letter: {}\n",
                     requests.suppressed, requests.contacts, requests.contacts_removed, requests.letter_path);
  for (const auto& line : requests.fulfilled) out << "            fulfilled " << line << "\n";
  out << fmt::format("  incident: {} (tenant {}, truffles): the notice was refused while fields were missing:\n"
                     "            {}\n"
                     "            given to the controller {} (due {}); to the authorized body, due {}\n",
                     incidents.incident, incidents.tenant, incidents.refusal, incidents.controller_sent,
                     incidents.controller_due, incidents.authority_due);
  out << fmt::format("  report:   audit report {} to {}: {}, {}, {}\n", incidents.report_from, incidents.report_to,
                     incidents.report_html, incidents.report_md, incidents.report_json);
  out << fmt::format("  audit:    {} entries, chain {}\n", verify.entries,
                     verify.ok() ? "verified" : "BROKEN");
  out << fmt::format("\nTry:\n  dpa --home {0} tenant list\n  dpa --home {0} policy explain upstat "
                     "--category communications.transcript\n  dpa --home {0} audit log\n"
                     "  dpa --home {0} audit verify\n"
                     "  dpa --home {0} transfer list\n"
                     "  dpa --home {0} transfer report --from {1} --to {2}\n"
                     "  dpa --home {0} transfer check --tenant steppe-retail --to elevenlabs "
                     "--category communications.audio\n"
                     "  dpa --home {0} ropa\n"
                     "  dpa --home {0} request list\n"
                     "  dpa --home {0} suppress check --tenant dialer < {0}/var/contacts.csv\n"
                     "  dpa --home {0} retention plan --at 2027-06-01\n"
                     "  dpa --home {0} datamap check\n"
                     "  dpa --home {0} export list\n"
                     "  dpa --home {0} export verify {0}/exports/altyn-clinic.zip\n"
                     "  dpa --home {0} export verify {0}/exports/acme-kz-subject-tampered\n"
                     "  dpa --home {0} incident list\n"
                     "  dpa --home {0} incident notice 1 --lang en\n"
                     "  dpa --home {0} audit report --from {1} --to {2} --format html --out report.html\n",
                     home.string(), transfers.report_from, transfers.report_to);
  return verify.ok() ? 0 : static_cast<int>(ExitStatus::kVerifyFailed);
}

const CommandRegistrar demo_command{Command{
    "demo", "[--home DIR]",
    "build a demo workspace with synthetic data (default folder ./dpa-demo)",
    [](po::options_description&, po::positional_options_description&) {}, run_demo}};

}  // namespace
}  // namespace dpa::cli

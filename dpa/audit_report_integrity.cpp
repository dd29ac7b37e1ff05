// The integrity section: the audit log's hash chain and signed checkpoints,
// and what was recorded in the period.
#include <map>

#include <fmt/format.h>

#include "dpa/audit_report_sections.h"
#include "dpa/workspace.h"

namespace dpa {

ReportSection integrity_section(const ReportScope& scope) {
  ReportSection s;
  s.id = "integrity";
  s.title = "Integrity of the audit log";
  AuditVerifyReport v = scope.ws.audit().verify();
  s.status = v.ok() ? "ok" : "attention";
  auto latest = scope.ws.store().latest_checkpoint();

  std::map<std::string, std::int64_t> by_family;
  std::int64_t in_period = 0;
  AuditQuery q;
  q.since = scope.from;
  scope.ws.store().scan_audit(q, [&](const AuditRecord& r) {
    if (r.time >= scope.until) return false;
    ++in_period;
    ++by_family[r.action.substr(0, r.action.find('.'))];
    return true;
  });

  s.facts = {
      {"chain", "Hash chain", v.ok() ? "verified" : "BROKEN"},
      {"entries", "Entries in the log", v.entries},
      {"checkpoints_verified", "Signed checkpoints verified", v.checkpoints},
      {"head_hash", "Head hash", v.head_hash},
      {"latest_checkpoint_size", "Latest checkpoint: log size",
       latest ? nlohmann::json(latest->size) : nlohmann::json()},
      {"latest_checkpoint_hash", "Latest checkpoint: head hash",
       latest ? nlohmann::json(latest->head_hash) : nlohmann::json()},
      {"entries_in_period", "Entries recorded in the period", in_period},
  };
  s.notes.push_back(
      "Every entry is hashed with its predecessor's hash and every append signs a checkpoint (Ed25519, "
      "C2SP signed note); the chain was walked in full when this report was made. Anchor the latest checkpoint "
      "outside the workspace (`dpa audit checkpoint`) so that a rewrite of the whole log is caught too.");
  if (!v.ok()) {
    s.notes.push_back(fmt::format("The chain is broken from entry {}: treat the log after it as untrustworthy.",
                                  v.problems.front().seq));
  }

  ReportTable families{"entries_by_family", "Entries in the period by kind", {{"family", "kind", false},
                                                                             {"entries", "entries", true}},
                       {}, "No entry in the period."};
  for (const auto& [family, n] : by_family) families.rows.push_back({{"family", family}, {"entries", n}});
  s.tables.push_back(std::move(families));
  if (!v.ok()) {
    ReportTable problems{"problems", "Problems found", {{"seq", "entry", true}, {"message", "problem", false}}, {}, ""};
    for (const auto& p : v.problems) problems.rows.push_back({{"seq", p.seq}, {"message", p.message}});
    s.tables.push_back(std::move(problems));
  }
  return s;
}

}  // namespace dpa

#include "exports/export_window.h"

#include <fmt/format.h>

#include "dpa/error.h"

namespace dpa::exports {

ExportPermission check_export_permission(const TenantRecord& tenant, const Policy& policy, Timestamp at,
                                         bool subject_export,
                                         const std::optional<std::string>& confirm_no_debt) {
  ExportPermission p;
  if (tenant.status == "deleted") {
    throw RefusedError(fmt::format("tenant {} was deleted: there is nothing left to export", tenant.id));
  }
  if (!tenant.terminated_at) return p;  // the contract runs: the controller's data is its own to take

  const auto& window = policy.termination.export_window;
  std::string clause = window ? fmt::format("{} {}", window->origin.policy, window->origin.clause) : "";
  p.clause = clause;
  bool inside = false;
  if (tenant.export_until) {
    Timestamp until = parse_timestamp(*tenant.export_until, TimeZone::utc());
    inside = at < until;
    if (!inside && !subject_export) {
      throw RefusedError(fmt::format(
          "tenant {}: the export window ended on {} ({}): its data is kept until deletion but may not be exported; "
          "a subject's own records can still be exported with --subject",
          tenant.id, *tenant.export_until, clause.empty() ? "the termination rules" : clause));
    }
  }
  p.within_window = inside;
  if (inside && !subject_export && window && window->value.condition == "no-debt") {
    if (!confirm_no_debt || confirm_no_debt->empty()) {
      throw RefusedError(fmt::format(
          "tenant {}: {} allows the export within the window only if the tenant has no debt; check the billing "
          "records and confirm with --confirm-no-debt REFERENCE (the statement or ticket that shows it)",
          tenant.id, clause));
    }
    p.no_debt_reference = confirm_no_debt;
  }
  return p;
}

}  // namespace dpa::exports

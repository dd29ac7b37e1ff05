// Whether a tenant's data may be exported now, under its contract's
// termination rules (Policy::termination.export_window):
//
// - while the contract runs, always;
// - after termination, a tenant export only within the export window
//   (truffles 8.5: 14 calendar days), and where the window has the
//   condition "no-debt" («при условии отсутствия задолженности») only with
//   a confirmation that the tenant owes nothing. dpa keeps no billing data,
//   so it cannot know the debt itself: the operator names the document that
//   shows it (a reconciliation statement, a billing ticket) with
//   --confirm-no-debt REFERENCE, and that reference is recorded and audited
//   with the export. Refusing without it is the policy's rule; the
//   confirmation makes the decision traceable to a person and a document;
// - after the window, a tenant export is refused (the data is kept until
//   deletion, but not exportable: DIGEST 6.7);
// - a subject export (one data subject's records, for a request the
//   controller passes on) is not a return of the tenant's data and is not
//   bound to the window;
// - a deleted tenant has nothing to export.
#pragma once

#include <optional>
#include <string>

#include "dpa/policy.h"
#include "dpa/state_store.h"
#include "dpa/time.h"

namespace dpa::exports {

struct ExportPermission {
  bool within_window = false;                    // made in the termination's export window
  std::optional<std::string> no_debt_reference;  // the confirmation the window's condition needed
  std::string clause;                            // the rule applied ("truffles 8.5"), or ""
};

// Throws RefusedError citing the clause when the export is not allowed.
ExportPermission check_export_permission(const TenantRecord& tenant, const Policy& policy, Timestamp at,
                                         bool subject_export,
                                         const std::optional<std::string>& confirm_no_debt);

}  // namespace dpa::exports

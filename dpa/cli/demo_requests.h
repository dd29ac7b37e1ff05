// The subject-request part of `dpa demo`: requests of several types under a
// Kazakh tenant (working days), a GDPR tenant (a month, extended) and the
// processor-mode upstat tenants (forwarded to the controller), and an
// AutoCall suppression list that filters a synthetic contact list; an
// access and an erasure request fulfilled against the synthetic stores.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dpa/demo_dataset.h"

namespace dpa {
class Workspace;
}

namespace dpa::cli {

struct DemoRequestsSummary {
  std::vector<std::string> requests;  // one line per request: id, tenant, type, status, deadline
  std::int64_t suppressed = 0;        // entries on the AutoCall tenant's list
  std::int64_t contacts = 0;          // rows of var/contacts.csv
  std::int64_t contacts_removed = 0;  // dropped into var/contacts.allowed.csv's complement
  std::string letter_path;            // a response letter written under letters/
  // Fulfilled against the demo's data map: "R-2026-0007 access: 3 records in 2 datasets -> exports/..."
  std::vector<std::string> fulfilled;
};

DemoRequestsSummary demo_requests(Workspace& ws, const std::vector<DemoTenant>& tenants, const std::string& actor);

}  // namespace dpa::cli

// The transfer part of `dpa demo`: a subprocessor register with a lapsed and
// renewed safeguard, a tenant's consent, transfers logged and refused, so
// that `dpa transfer list`, `transfer report` and `dpa ropa` show something.
#pragma once

#include <cstdint>
#include <string>

#include "dpa/time.h"

namespace dpa {

class Workspace;

struct DemoTransfersSummary {
  std::int64_t register_entries = 0;
  std::int64_t agreements = 0;
  std::int64_t made = 0;
  std::int64_t refused = 0;
  std::int64_t flagged = 0;  // made while the safeguard had lapsed
  std::string report_from;   // local dates that cover every demo transfer
  std::string report_to;
};

// Expects the demo's upstat tenants acme-kz and steppe-retail; records the
// cross-border consent of every truffles tenant for OpenAI. Dates are
// relative to `today`.
DemoTransfersSummary build_demo_transfers(Workspace& ws, Timestamp today, const std::string& actor);

}  // namespace dpa

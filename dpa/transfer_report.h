// The transfer report (`dpa transfer report`): for a period, per
// subprocessor and country, how much left, which categories, how much of it
// pseudonymized, how many transfers were refused; and every transfer made
// that the rules in force at its time did not allow: after the safeguard it
// rested on expired, after the subprocessor was retired, without a
// safeguard, and so on. Holds no personal data: ids, names and counts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "dpa/report_format.h"
#include "dpa/time.h"

namespace dpa {

class Workspace;

struct TransferReportRow {
  std::string subprocessor;
  std::string country;
  std::int64_t made = 0;
  std::int64_t refused = 0;
  std::int64_t bytes = 0;
  std::int64_t records = 0;
  std::int64_t pseudonymized = 0;  // made transfers of pseudonymized data
  std::int64_t flagged = 0;
  std::vector<std::string> categories;  // sorted, of made and refused transfers
  std::vector<std::string> tenants;     // sorted
  std::vector<std::string> flags;       // "safeguard-expired:2", sorted by code

  // Share of made transfers that were pseudonymized, 0 when none was made.
  double pseudonymized_share() const;
};

// A made transfer that the rules in force at its time did not allow.
struct FlaggedTransfer {
  std::int64_t id = 0;
  std::string time;
  std::string tenant_id;
  std::string subprocessor;
  std::string country;
  std::string category;
  std::string flag;    // a refusal code of transfers.h, or "unknown" (a name no longer known)
  std::string policy;
  std::string clause;
  std::string reason;
};

struct TransferReport {
  std::string from;           // ISO-8601 UTC, inclusive
  std::string until;          // ISO-8601 UTC, exclusive
  std::string period;         // as the user reads it: "2026-01-01 to 2026-03-31 (Asia/Almaty)"
  std::string generated_at;
  std::vector<TransferReportRow> rows;  // by subprocessor, then country
  std::vector<FlaggedTransfer> flagged; // by id
  TransferReportRow totals;             // subprocessor "total"
};

// Reads the transfers in [from, until) (of one tenant, or all) and judges
// each made one against the tenant's policy, the register and the tenant's
// agreements at its time.
TransferReport build_transfer_report(Workspace& ws, Timestamp from, Timestamp until,
                                     const std::optional<std::string>& tenant = std::nullopt);

nlohmann::json transfer_report_json(const TransferReport& report);
// Markdown: a table per subprocessor and country, then the flagged
// transfers. CSV: one header line and a row per subprocessor and country.
std::string render_transfer_report(const TransferReport& report, ReportFormat format);

}  // namespace dpa

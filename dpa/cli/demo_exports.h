// The exports part of `dpa demo`: a tenant in its export window gets its
// data as a signed BagIt package, one data subject gets theirs, both are
// verified, a tampered copy fails naming the altered file, the handover is
// logged, and the truffles 8.5 no-debt condition refuses an unconfirmed
// export.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dpa {
class Workspace;
}

namespace dpa::cli {

struct DemoExportsSummary {
  std::string tenant;             // "altyn-clinic": terminated today, in its export window
  std::string tenant_export;      // id
  std::string tenant_package;     // path
  std::string tenant_oxum;
  std::string tenant_verify;      // "OK ..." line
  std::string subject_tenant;     // "acme-kz"
  std::string subject_export;
  std::string subject_package;
  std::int64_t subject_rows = 0;
  std::string subject_verify;
  std::vector<std::string> tampered;  // the problems found in the tampered copy
  std::string handover;           // "transfer log entry N"
  std::string debt_refusal;       // the truffles 8.5 refusal
  std::string public_key;
  std::string public_key_file;
};

DemoExportsSummary demo_exports(Workspace& ws, const std::string& actor);

}  // namespace dpa::cli

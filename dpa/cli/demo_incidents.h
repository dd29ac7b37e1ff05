// The incidents and audit report part of `dpa demo`: an incident under the
// truffles policy, the notice refused while a DPA 5.2 field is missing, then
// rendered and recorded as given; and the audit report of the demo period
// in HTML, Markdown and JSON.
#pragma once

#include <cstdint>
#include <string>

namespace dpa {
class Workspace;
}

namespace dpa::cli {

struct DemoIncidentsSummary {
  std::int64_t incident = 0;
  std::string tenant;
  std::string refusal;          // the refusal while consequences and measures were missing
  std::string controller_due;   // local time
  std::string controller_sent;
  std::string authority_due;
  std::string notice;           // the rendered notice (ru)
  std::string report_from, report_to;
  std::string report_html, report_md, report_json;  // file names under the workspace
};

// `tenant` is the demo's truffles tenant; the report covers [from, to] (local dates).
DemoIncidentsSummary demo_incidents(Workspace& ws, const std::string& tenant, const std::string& report_from,
                                    const std::string& report_to, const std::string& actor);

}  // namespace dpa::cli

// The subject requests section. This version of dpa keeps no record of
// subject requests, so the section says so rather than print zeros that an
// auditor would read as "none received".
#include "dpa/audit_report_sections.h"

namespace dpa {

ReportSection requests_section(const ReportScope&) {
  ReportSection s;
  s.id = "requests";
  s.title = "Subject requests";
  s.status = "not-recorded";
  s.notes.push_back(
      "Not recorded by this version: subject requests (received, closed, on time or late by type, open ones "
      "with days left) are not kept in the state yet.");
  return s;
}

}  // namespace dpa

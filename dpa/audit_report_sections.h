// The sections of the audit report, in the order they appear. Each builds
// its part of the model from the state (see audit_report.h); none renders.
#pragma once

#include "dpa/audit_report.h"

namespace dpa {

ReportSection integrity_section(const ReportScope& scope);   // audit_report_integrity.cpp
ReportSection retention_section(const ReportScope& scope);   // audit_report_retention.cpp
ReportSection requests_section(const ReportScope& scope);    // audit_report_requests.cpp
ReportSection transfers_section(const ReportScope& scope);   // audit_report_transfers.cpp
ReportSection incidents_section(const ReportScope& scope);   // audit_report_incidents.cpp
ReportSection policies_section(const ReportScope& scope);    // audit_report_policies.cpp

// Local dates from `from` to `until` (exclusive), one label per day, or per
// week (Monday) when the period is longer than 62 days, for time series.
struct ReportBuckets {
  std::vector<std::string> labels;
  // The index of the bucket of a UTC time inside the period.
  std::size_t index_of(const ReportScope& scope, const std::string& utc_time) const;
  bool weekly = false;
};
ReportBuckets report_buckets(const ReportScope& scope);

}  // namespace dpa

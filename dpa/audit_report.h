// The audit report (`dpa audit report`): for an auditor and the DPO, what
// the state shows for a period: the integrity of the audit log, retention,
// subject requests, transfers, incidents and the policies in force.
//
// One model, three renderings. Each section is computed from the state
// once, into an AuditReport; the JSON, Markdown and HTML renderings only
// format that model, so their numbers cannot disagree. A section is a list
// of headline facts, tables and figures (the HTML draws figures as inline
// SVG charts, Markdown as tables); adding a section is adding one builder to
// audit_report_sections.h and its list in audit_report.cpp.
//
// Holds no personal data: tenants, datasets, rules, counts and dates only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dpa/state_store.h"
#include "dpa/time.h"

namespace dpa {

class Workspace;

// A headline number or word, keyed for machines ("deleted_records").
// `value` is what every rendering shows: an integer, a decimal already
// rounded, a string, or null (not recorded).
struct ReportFact {
  std::string key;
  std::string label;
  nlohmann::json value;
};

struct ReportColumn {
  std::string key;
  std::string label;
  bool numeric = false;
};

// Rows are objects keyed by column key, with the same kinds of values as
// facts.
struct ReportTable {
  std::string id;
  std::string title;
  std::vector<ReportColumn> columns;
  std::vector<nlohmann::json> rows;
  std::string empty_text;  // what to say when there is no row
};

struct ReportSeries {
  std::string name;
  std::vector<double> values;  // one per label
};

// A chart: bars per label (grouped when there are several series), or
// lines over labels (dates).
struct ReportFigure {
  std::string id;
  std::string title;
  std::string kind;   // "bar" | "line"
  std::string unit;   // "records", "transfers"
  std::vector<std::string> labels;
  std::vector<ReportSeries> series;
};

struct ReportSection {
  std::string id;      // "integrity", "retention", ...
  std::string title;
  std::string status;  // "ok" | "attention" | "not-recorded"
  std::vector<std::string> notes;  // sentences: what the section covers, what needs attention
  std::vector<ReportFact> facts;
  std::vector<ReportTable> tables;
  std::vector<ReportFigure> figures;
};

struct AuditReportOptions {
  Timestamp from{};                   // inclusive
  Timestamp until{};                  // exclusive
  std::optional<std::string> tenant;  // only this tenant's data
  Timestamp as_of{};                  // when "time left" and "overdue" are counted (now by default)
};

struct AuditReport {
  std::string title;
  std::string workspace_id;
  std::string from, until;            // ISO-8601 UTC
  std::string period;                 // "2026-01-01 to 2026-03-31 (Asia/Almaty)"
  std::string as_of;
  std::string generated_at;
  std::optional<std::string> tenant;
  std::vector<ReportSection> sections;
};

// What every section builder is given.
struct ReportScope {
  Workspace& ws;
  AuditReportOptions options;
  const TimeZone& zone;
  std::vector<TenantRecord> tenants;  // in scope: all, or the one asked for
  std::string from, until, as_of;     // ISO-8601 UTC, for comparing with stored times

  bool in_period(const std::string& utc_time) const { return utc_time >= from && utc_time < until; }
  bool in_scope(const std::string& tenant_id) const;
  std::string local_date(const std::string& utc_time) const;  // "2026-03-20"
};

using SectionBuilder = std::function<ReportSection(const ReportScope&)>;

// Throws InputError for an empty period or an unknown tenant.
AuditReport build_audit_report(Workspace& ws, const AuditReportOptions& options);

nlohmann::json audit_report_json(const AuditReport& report);
std::string render_audit_report_markdown(const AuditReport& report);
// One self-contained HTML file: inline CSS (with print rules) and SVG.
std::string render_audit_report_html(const AuditReport& report);

// How facts and cells print in every rendering: integers as digits, decimals
// as written, null as "not recorded".
std::string report_value_text(const nlohmann::json& value);

}  // namespace dpa

#include "dpa/audit_report.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "dpa/audit_report_sections.h"
#include "dpa/error.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"

namespace dpa {
namespace {

// The report's sections, in order. A new section is one more entry here.
const std::vector<SectionBuilder>& section_builders() {
  static const std::vector<SectionBuilder> builders{integrity_section, retention_section, requests_section,
                                                    transfers_section, incidents_section, policies_section};
  return builders;
}

std::string period_text(Timestamp from, Timestamp until, const TimeZone& zone) {
  auto local = [&](Timestamp t, bool end) {
    Date d = zone.local_date(t);
    if (zone.start_of_day(d) != t) return format_local(t, zone);
    // An exclusive midnight ends the day before it.
    return format_date(end ? zone.local_date(t - std::chrono::seconds(1)) : d);
  };
  return fmt::format("{} to {} ({})", local(from, false), local(until, true), zone.name());
}

nlohmann::json section_json(const ReportSection& s) {
  nlohmann::json facts = nlohmann::json::object();
  nlohmann::json labels = nlohmann::json::object();
  for (const auto& f : s.facts) {
    facts[f.key] = f.value;
    labels[f.key] = f.label;
  }
  nlohmann::json tables = nlohmann::json::array();
  for (const auto& t : s.tables) {
    nlohmann::json columns = nlohmann::json::array();
    for (const auto& c : t.columns) columns.push_back({{"key", c.key}, {"label", c.label}, {"numeric", c.numeric}});
    tables.push_back({{"id", t.id}, {"title", t.title}, {"columns", columns}, {"rows", t.rows}});
  }
  nlohmann::json figures = nlohmann::json::array();
  for (const auto& f : s.figures) {
    nlohmann::json series = nlohmann::json::array();
    for (const auto& se : f.series) series.push_back({{"name", se.name}, {"values", se.values}});
    figures.push_back({{"id", f.id}, {"title", f.title}, {"kind", f.kind}, {"unit", f.unit},
                       {"labels", f.labels}, {"series", series}});
  }
  return {{"id", s.id},       {"title", s.title},   {"status", s.status},   {"notes", s.notes},
          {"facts", facts},   {"fact_labels", labels}, {"tables", tables}, {"figures", figures}};
}

}  // namespace

bool ReportScope::in_scope(const std::string& tenant_id) const {
  return !options.tenant || *options.tenant == tenant_id;
}

std::string ReportScope::local_date(const std::string& utc_time) const {
  return format_date(zone.local_date(parse_timestamp(utc_time, TimeZone::utc())));
}

ReportBuckets report_buckets(const ReportScope& scope) {
  ReportBuckets b;
  Date first = scope.zone.local_date(scope.options.from);
  Date last = scope.zone.local_date(scope.options.until - std::chrono::seconds(1));
  auto days = (std::chrono::sys_days(last) - std::chrono::sys_days(first)).count() + 1;
  b.weekly = days > 62;
  std::chrono::sys_days d = std::chrono::sys_days(first);
  if (b.weekly) d -= (std::chrono::weekday(d) - std::chrono::Monday);
  for (; d <= std::chrono::sys_days(last); d += std::chrono::days(b.weekly ? 7 : 1)) {
    b.labels.push_back(format_date(Date(d)));
  }
  return b;
}

std::size_t ReportBuckets::index_of(const ReportScope& scope, const std::string& utc_time) const {
  std::string day = scope.local_date(utc_time);
  // Labels are sorted ISO dates: the last label not after the day.
  auto it = std::upper_bound(labels.begin(), labels.end(), day);
  return it == labels.begin() ? 0 : static_cast<std::size_t>(it - labels.begin() - 1);
}

AuditReport build_audit_report(Workspace& ws, const AuditReportOptions& options) {
  if (options.until <= options.from) {
    throw InputError(fmt::format("the report period is empty: --to ({}) is not after --from ({})",
                                 format_utc(options.until), format_utc(options.from)));
  }
  ReportScope scope{ws, options, TimeZone::named(ws.settings().timezone), {}, format_utc(options.from),
                    format_utc(options.until), format_utc(options.as_of)};
  if (options.tenant) scope.tenants.push_back(get_tenant(ws, *options.tenant));
  else scope.tenants = list_tenants(ws);

  AuditReport r;
  r.title = "Data protection audit report";
  r.workspace_id = ws.id();
  r.from = scope.from;
  r.until = scope.until;
  r.period = period_text(options.from, options.until, scope.zone);
  r.as_of = scope.as_of;
  r.generated_at = format_utc(now());
  r.tenant = options.tenant;
  for (const auto& build : section_builders()) r.sections.push_back(build(scope));
  return r;
}

nlohmann::json audit_report_json(const AuditReport& r) {
  nlohmann::json sections = nlohmann::json::array();
  for (const auto& s : r.sections) sections.push_back(section_json(s));
  return {{"title", r.title},
          {"workspace", r.workspace_id},
          {"from", r.from},
          {"until", r.until},
          {"period", r.period},
          {"as_of", r.as_of},
          {"generated_at", r.generated_at},
          {"tenant", r.tenant ? nlohmann::json(*r.tenant) : nlohmann::json()},
          {"sections", sections}};
}

std::string report_value_text(const nlohmann::json& v) {
  if (v.is_null()) return "not recorded";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::floor(d) == d && std::fabs(d) < 1e15) return fmt::format("{}", static_cast<long long>(d));
    return v.dump();
  }
  return v.dump();
}

}  // namespace dpa

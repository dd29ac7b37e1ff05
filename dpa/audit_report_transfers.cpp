// The transfers section: by subprocessor and country, the pseudonymized
// share, refusals, and the transfers the rules of their time did not allow
// (dpa/transfer_report.h computes them; this section only presents them).
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dpa/audit_report_sections.h"
#include "dpa/transfer_report.h"
#include "dpa/workspace.h"

namespace dpa {
namespace {

// Percent with one decimal, as every rendering shows it.
double percent(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return 0.0;
  return std::round(1000.0 * static_cast<double>(part) / static_cast<double>(whole)) / 10.0;
}

}  // namespace

ReportSection transfers_section(const ReportScope& scope) {
  ReportSection s;
  s.id = "transfers";
  s.title = "Transfers to subprocessors";
  TransferReport r = build_transfer_report(scope.ws, scope.options.from, scope.options.until, scope.options.tenant);

  ReportTable rows{"by_subprocessor", "By subprocessor and country",
                   {{"subprocessor", "subprocessor", false}, {"country", "country", false},
                    {"transfers", "made", true}, {"refused", "refused", true},
                    {"pseudonymized", "pseudonymized", true}, {"pseudonymized_percent", "pseudonymized %", true},
                    {"records", "records", true}, {"bytes", "bytes", true}, {"flagged", "flagged", true},
                    {"categories", "categories", false}},
                   {}, "No transfer in the period."};
  std::map<std::string, std::pair<double, double>> by_country;  // made, refused
  for (const auto& row : r.rows) {
    rows.rows.push_back({{"subprocessor", row.subprocessor}, {"country", row.country}, {"transfers", row.made},
                         {"refused", row.refused}, {"pseudonymized", row.pseudonymized},
                         {"pseudonymized_percent", percent(row.pseudonymized, row.made)},
                         {"records", row.records}, {"bytes", row.bytes}, {"flagged", row.flagged},
                         {"categories", fmt::format("{}", fmt::join(row.categories, ", "))}});
    auto& c = by_country[row.country];
    c.first += static_cast<double>(row.made);
    c.second += static_cast<double>(row.refused);
  }
  ReportTable flagged{"flagged", "Transfers made that the rules of their time did not allow",
                      {{"id", "transfer", true}, {"time", "time", false}, {"tenant", "tenant", false},
                       {"subprocessor", "subprocessor", false}, {"category", "category", false},
                       {"flag", "flag", false}, {"clause", "clause", false}},
                      {}, "None: every transfer made was allowed by the rules in force at its time."};
  for (const auto& f : r.flagged) {
    flagged.rows.push_back({{"id", f.id}, {"time", f.time}, {"tenant", f.tenant_id}, {"subprocessor", f.subprocessor},
                            {"category", f.category}, {"flag", f.flag},
                            {"clause", f.policy.empty() ? f.clause : f.policy + " " + f.clause}});
  }
  s.facts = {
      {"made", "Transfers made", r.totals.made},
      {"refused", "Transfers refused", r.totals.refused},
      {"pseudonymized", "Made with pseudonymized data", r.totals.pseudonymized},
      {"pseudonymized_percent", "Pseudonymized share (%)", percent(r.totals.pseudonymized, r.totals.made)},
      {"flagged", "Made although not allowed at the time", r.totals.flagged},
      {"records", "Records transferred", r.totals.records},
      {"bytes", "Bytes transferred", r.totals.bytes},
      {"countries", "Countries received data", static_cast<std::int64_t>(by_country.size())},
  };
  s.status = r.totals.flagged > 0 ? "attention" : "ok";
  s.notes.push_back(
      "Refused transfers never left: dpa refused them with the clause that forbids them. Flagged transfers were "
      "recorded as made although the register, the safeguards or the agreements in force at their time did not "
      "allow them.");
  ReportFigure fig{"transfers_by_country", "Transfers by country", "bar", "transfers", {}, {{"made", {}}, {"refused", {}}}};
  for (const auto& [country, counts] : by_country) {
    fig.labels.push_back(country);
    fig.series[0].values.push_back(counts.first);
    fig.series[1].values.push_back(counts.second);
  }
  s.figures.push_back(std::move(fig));
  s.tables.push_back(std::move(rows));
  s.tables.push_back(std::move(flagged));
  return s;
}

}  // namespace dpa

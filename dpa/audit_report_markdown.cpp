// The audit report as Markdown, for pasting into a ticket or a letter.
#include <fmt/format.h>

#include "dpa/audit_report.h"
#include "dpa/report_format.h"

namespace dpa {
namespace {

std::string status_text(const std::string& status) {
  if (status == "ok") return "OK";
  if (status == "attention") return "NEEDS ATTENTION";
  return "not recorded";
}

}  // namespace

std::string render_audit_report_markdown(const AuditReport& r) {
  std::string out = fmt::format("# {}\n\n", r.title);
  out += fmt::format("- Period: {}\n- Status counted at: {}\n- Workspace: {}\n- Tenants: {}\n- Generated: {}\n\n",
                     r.period, r.as_of, r.workspace_id, r.tenant ? *r.tenant : "all", r.generated_at);
  int n = 0;
  for (const auto& s : r.sections) {
    out += fmt::format("## {}. {} ({})\n\n", ++n, s.title, status_text(s.status));
    for (const auto& note : s.notes) out += note + "\n\n";
    if (!s.facts.empty()) {
      out += md_header({"", "value"});
      for (const auto& f : s.facts) out += md_row({f.label, report_value_text(f.value)});
      out += "\n";
    }
    for (const auto& fig : s.figures) {
      out += fmt::format("### {} ({})\n\n", fig.title, fig.unit);
      std::vector<std::string> head{""};
      for (const auto& se : fig.series) head.push_back(se.name);
      if (fig.labels.empty()) {
        out += "No data.\n\n";
        continue;
      }
      // Rows where every series is zero are left out: a year of weeks would
      // otherwise bury the few that matter.
      out += md_header(head);
      std::size_t omitted = 0;
      for (std::size_t i = 0; i < fig.labels.size(); ++i) {
        std::vector<std::string> row{fig.labels[i]};
        bool any = false;
        for (const auto& se : fig.series) {
          double v = i < se.values.size() ? se.values[i] : 0.0;
          any = any || v != 0.0;
          row.push_back(report_value_text(v));
        }
        if (any) out += md_row(row);
        else ++omitted;
      }
      if (omitted > 0) out += fmt::format("\n{} of {} rows with none left out.\n", omitted, fig.labels.size());
      out += "\n";
    }
    for (const auto& t : s.tables) {
      out += fmt::format("### {}\n\n", t.title);
      if (t.rows.empty()) {
        out += t.empty_text + "\n\n";
        continue;
      }
      std::vector<std::string> head;
      for (const auto& c : t.columns) head.push_back(c.label);
      out += md_header(head);
      for (const auto& row : t.rows) {
        std::vector<std::string> cells;
        for (const auto& c : t.columns) cells.push_back(report_value_text(row.value(c.key, nlohmann::json())));
        out += md_row(cells);
      }
      out += "\n";
    }
  }
  return out;
}

}  // namespace dpa

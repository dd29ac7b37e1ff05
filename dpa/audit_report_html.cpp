// The audit report as one self-contained HTML file: inline CSS (screen and
// print), inline SVG charts, no script, no external asset. Every number is
// also in a data attribute (data-fact, data-key, data-value) so that it can
// be checked against the JSON report of the same model.
#include <fmt/format.h>

#include "dpa/audit_report.h"
#include "dpa/markup.h"
#include "dpa/svg_chart.h"

namespace dpa {
namespace {

const char* const kStyle = R"css(
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1a1a1a;
       max-width: 1040px; margin: 24px auto; padding: 0 20px; }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #1f5f8b; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 16px; }
.meta dt { color: #555; }
.meta dd { margin: 0; }
.badge { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 10px;
         margin-left: 8px; vertical-align: middle; border: 1px solid currentColor; }
.status-ok .badge { color: #2e7d32; }
.status-attention .badge { color: #b71c1c; }
.status-not-recorded .badge { color: #616161; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 8px; margin: 12px 0; }
.facts div { border: 1px solid #d0d7de; border-radius: 6px; padding: 6px 10px; }
.facts dt { font-size: 12px; color: #555; }
.facts dd { margin: 0; font-size: 18px; font-weight: 600; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.none { color: #777; font-style: italic; }
figure { margin: 10px 0 16px; }
figcaption { font-size: 13px; color: #333; margin-top: 2px; }
svg.chart { max-width: 720px; height: auto; display: block; }
.empty { color: #555; font-style: italic; }
footer { margin-top: 40px; font-size: 12px; color: #555; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section { break-inside: auto; }
  table, figure, .facts div { break-inside: avoid; page-break-inside: avoid; }
  th { background: none; }
  a { color: inherit; text-decoration: none; }
  @page { margin: 15mm; }
}
)css";

std::string status_text(const std::string& status) {
  if (status == "ok") return "OK";
  if (status == "attention") return "needs attention";
  return "not recorded";
}

std::string cell(const nlohmann::json& v, bool numeric, const std::string& key) {
  std::string cls = v.is_null() ? " class=\"none\"" : (numeric ? " class=\"num\"" : "");
  return fmt::format("<td data-key=\"{}\"{}>{}</td>", escape_markup(key), cls, escape_markup(report_value_text(v)));
}

std::string figure_html(const ReportSection& s, const ReportFigure& f) {
  ChartData c{s.id + "-" + f.id, f.title, f.unit, f.labels, {}};
  for (const auto& se : f.series) c.series.push_back({se.name, se.values});
  std::string svg = f.kind == "line" ? svg_line_chart(c) : svg_bar_chart(c);
  return fmt::format("<figure data-figure=\"{}.{}\">\n{}<figcaption>{} ({})</figcaption>\n</figure>\n",
                     escape_markup(s.id), escape_markup(f.id), svg, escape_markup(f.title), escape_markup(f.unit));
}

std::string table_html(const ReportSection& s, const ReportTable& t) {
  std::string out = fmt::format("<h3>{}</h3>\n", escape_markup(t.title));
  if (t.rows.empty()) return out + fmt::format("<p class=\"empty\">{}</p>\n", escape_markup(t.empty_text));
  out += fmt::format("<table data-table=\"{}.{}\">\n<thead><tr>", escape_markup(s.id), escape_markup(t.id));
  for (const auto& c : t.columns) out += fmt::format("<th scope=\"col\">{}</th>", escape_markup(c.label));
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (const auto& c : t.columns) out += cell(row.value(c.key, nlohmann::json()), c.numeric, c.key);
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

}  // namespace

std::string render_audit_report_html(const AuditReport& r) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>{} — {}</title>\n<style>{}</style>\n</head>\n<body>\n", escape_markup(r.title),
                     escape_markup(r.period), kStyle);
  out += fmt::format("<header>\n<h1>{}</h1>\n<dl class=\"meta\">\n", escape_markup(r.title));
  auto meta = [&](const char* label, const char* key, const std::string& value) {
    out += fmt::format("<dt>{}</dt><dd data-meta=\"{}\">{}</dd>\n", label, key, escape_markup(value));
  };
  meta("Period", "period", r.period);
  meta("From (UTC)", "from", r.from);
  meta("Until (UTC, exclusive)", "until", r.until);
  meta("Status counted at", "as_of", r.as_of);
  meta("Tenants", "tenant", r.tenant ? *r.tenant : "all");
  meta("Workspace", "workspace", r.workspace_id);
  meta("Generated", "generated_at", r.generated_at);
  out += "</dl>\n</header>\n<main>\n";
  int n = 0;
  for (const auto& s : r.sections) {
    out += fmt::format("<section id=\"{0}\" data-section=\"{0}\" class=\"status-{1}\">\n", escape_markup(s.id),
                       escape_markup(s.status));
    out += fmt::format("<h2>{}. {}<span class=\"badge\" data-status=\"{}\">{}</span></h2>\n", ++n,
                       escape_markup(s.title), escape_markup(s.status), status_text(s.status));
    for (const auto& note : s.notes) out += fmt::format("<p>{}</p>\n", escape_markup(note));
    if (!s.facts.empty()) {
      out += "<dl class=\"facts\">\n";
      for (const auto& f : s.facts) {
        out += fmt::format("<div><dt>{}</dt><dd data-fact=\"{}.{}\">{}</dd></div>\n", escape_markup(f.label),
                           escape_markup(s.id), escape_markup(f.key), escape_markup(report_value_text(f.value)));
      }
      out += "</dl>\n";
    }
    for (const auto& f : s.figures) out += figure_html(s, f);
    for (const auto& t : s.tables) out += table_html(s, t);
    out += "</section>\n";
  }
  out += fmt::format("</main>\n<footer>Made by dpa from the workspace state; the JSON rendering of the same report "
                     "holds the same numbers.</footer>\n</body>\n</html>\n");
  return out;
}

}  // namespace dpa

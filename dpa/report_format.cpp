#include "dpa/report_format.h"

#include <fmt/format.h>

#include "dpa/error.h"

namespace dpa {

ReportFormat parse_report_format(std::string_view text) {
  if (text == "md" || text == "markdown") return ReportFormat::kMarkdown;
  if (text == "csv") return ReportFormat::kCsv;
  if (text == "json") return ReportFormat::kJson;
  throw UsageError(fmt::format("--format is md, csv or json, not '{}'", text));
}

std::string csv_row(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    const std::string& f = fields[i];
    if (f.find_first_of(",\"\r\n") == std::string::npos) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += "\r\n";
  return out;
}

namespace {
std::string md_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}
}  // namespace

std::string md_row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const auto& c : cells) out += " " + md_cell(c) + " |";
  out += "\n";
  return out;
}

std::string md_header(const std::vector<std::string>& cells) {
  std::string out = md_row(cells) + "|";
  for (std::size_t i = 0; i < cells.size(); ++i) out += " --- |";
  out += "\n";
  return out;
}

}  // namespace dpa

// The formats reports are rendered in (`dpa transfer report`, `dpa ropa`):
// Markdown tables for people, CSV (RFC 4180) for spreadsheets, JSON for tools.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dpa {

enum class ReportFormat { kMarkdown, kCsv, kJson };

// "md" (also "markdown"), "csv" or "json"; throws UsageError naming them.
ReportFormat parse_report_format(std::string_view text);

// One CSV record: fields quoted where RFC 4180 requires it (a comma, a
// quote, CR or LF), quotes doubled, lines ended by CRLF.
std::string csv_row(const std::vector<std::string>& fields);

// One Markdown table row: '|' escaped, line breaks turned into spaces.
std::string md_row(const std::vector<std::string>& cells);
// The header row and its separator line.
std::string md_header(const std::vector<std::string>& cells);

}  // namespace dpa

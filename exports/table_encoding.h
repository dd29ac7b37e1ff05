// How a table's rows are written in an export: JSON Lines and CSV, UTF-8.
//
// JSON Lines: one object per row, the columns in the table's order, as
// their SQL types say: NULL -> null, INTEGER and REAL -> numbers, TEXT ->
// strings, BLOB -> base64 strings. CSV (RFC 4180): a header row of the
// column names, CRLF line ends, fields quoted when they hold a comma, a
// quote or a line break; NULL is an empty field (the JSON Lines file tells
// it from an empty text). Bytes that are not UTF-8 in a text value are
// replaced by U+FFFD in both, and counted.
#pragma once

#include <string>
#include <vector>

#include "dpa/data_store.h"

namespace dpa::exports {

class RowEncoder {
 public:
  explicit RowEncoder(std::vector<std::string> columns);
  // One line each, with its line end.
  std::string json_line(const std::vector<CellValue>& row);
  std::string csv_header() const;
  std::string csv_line(const std::vector<CellValue>& row);
  // Text values that held bytes other than UTF-8 (replaced), counted once
  // per value (by json_line).
  std::uint64_t replaced() const { return replaced_; }

 private:
  std::string text(const std::string& s, bool count);
  std::vector<std::string> columns_;
  std::vector<std::string> json_keys_;  // "\"name\":"
  std::uint64_t replaced_ = 0;
};

std::string csv_field(std::string_view s);

}  // namespace dpa::exports

#include "exports/table_encoding.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "anonymize/utf8.h"
#include "dpa/secret_key.h"

namespace dpa::exports {
namespace {

std::string json_string(const std::string& s) { return nlohmann::json(s).dump(); }

std::string number_text(double v) {
  if (!std::isfinite(v)) return {};
  return fmt::format("{}", v);  // shortest form that reads back the same double
}

}  // namespace

RowEncoder::RowEncoder(std::vector<std::string> columns) : columns_(std::move(columns)) {
  for (const auto& c : columns_) json_keys_.push_back(json_string(c) + ":");
}

std::string RowEncoder::text(const std::string& s, bool count) {
  if (anonymize::is_valid_utf8(s)) return s;
  if (count) ++replaced_;
  return anonymize::replace_invalid_utf8(s);
}

std::string RowEncoder::json_line(const std::vector<CellValue>& row) {
  std::string out = "{";
  for (std::size_t i = 0; i < row.size() && i < json_keys_.size(); ++i) {
    if (i) out += ',';
    out += json_keys_[i];
    const CellValue& v = row[i];
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      out += std::to_string(*n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      std::string t = number_text(*d);
      out += t.empty() ? "null" : t;
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      out += json_string(text(*s, true));
    } else if (const auto* b = std::get_if<std::vector<unsigned char>>(&v)) {
      out += '"' + to_base64(b->data(), b->size()) + '"';
    } else {
      out += "null";
    }
  }
  out += "}\n";
  return out;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string RowEncoder::csv_header() const {
  std::string out;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i) out += ',';
    out += csv_field(columns_[i]);
  }
  out += "\r\n";
  return out;
}

std::string RowEncoder::csv_line(const std::vector<CellValue>& row) {
  std::string out;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i) out += ',';
    const CellValue& v = row[i];
    if (const auto* n = std::get_if<std::int64_t>(&v)) out += std::to_string(*n);
    else if (const auto* d = std::get_if<double>(&v)) out += number_text(*d);
    else if (const auto* s = std::get_if<std::string>(&v)) out += csv_field(text(*s, false));
    else if (const auto* b = std::get_if<std::vector<unsigned char>>(&v)) out += to_base64(b->data(), b->size());
  }
  out += "\r\n";
  return out;
}

}  // namespace dpa::exports

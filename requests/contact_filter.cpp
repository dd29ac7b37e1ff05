#include "requests/contact_filter.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "dpa/error.h"
#include "requests/suppression.h"

namespace dpa::requests {
namespace {

constexpr std::size_t kMaxRow = 1 << 20;

// Buffered reads from a ByteSource, a byte at a time for the parsers.
class Reader {
 public:
  explicit Reader(anonymize::ByteSource& in) : in_(in), buf_(1 << 16) {}
  // -1 at the end.
  int get() {
    if (pos_ == len_) {
      len_ = in_.read(buf_.data(), buf_.size());
      pos_ = 0;
      if (len_ == 0) return -1;
    }
    return static_cast<unsigned char>(buf_[pos_++]);
  }
  int peek() {
    int c = get();
    if (c >= 0) --pos_;
    return c;
  }

 private:
  anonymize::ByteSource& in_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, len_ = 0;
};

[[noreturn]] void bad_line(std::int64_t line, const std::string& what) {
  throw InputError(fmt::format("line {}: {}", line, what));
}

// One CSV record: its raw bytes (to copy) and its fields. Returns false at
// the end of input. `line` is the line the record starts on; it advances
// past the record.
bool read_csv_record(Reader& r, std::int64_t& line, std::string& raw, std::vector<std::string>& fields) {
  raw.clear();
  fields.clear();
  if (r.peek() < 0) return false;
  std::int64_t start = line;
  std::string field;
  bool quoted = false, was_quoted = false, at_field_start = true;
  for (;;) {
    int c = r.get();
    if (c < 0) {
      if (quoted) bad_line(start, "a quoted field is not closed before the end of the input");
      fields.push_back(std::move(field));
      return true;
    }
    raw.push_back(static_cast<char>(c));
    if (raw.size() > kMaxRow) bad_line(start, "a row longer than 1 MiB (is the quoting broken?)");
    if (quoted) {
      if (c == '"') {
        if (r.peek() == '"') {
          raw.push_back(static_cast<char>(r.get()));
          field.push_back('"');
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(static_cast<char>(c));
      }
      continue;
    }
    if (c == '"' && at_field_start) {
      quoted = was_quoted = true;
      at_field_start = false;
      continue;
    }
    if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      at_field_start = true;
      was_quoted = false;
      continue;
    }
    if (c == '\n') {
      ++line;
      if (!field.empty() && field.back() == '\r' && !was_quoted) field.pop_back();
      fields.push_back(std::move(field));
      return true;
    }
    if (was_quoted && c != '\r') bad_line(start, "text after a closing quote (write \"\" for a quote inside a field)");
    if (!was_quoted) field.push_back(static_cast<char>(c));
    at_field_start = false;
  }
}

bool read_line(Reader& r, std::string& out, std::int64_t line) {
  out.clear();
  int c = r.get();
  if (c < 0) return false;
  while (c >= 0) {
    out.push_back(static_cast<char>(c));
    if (c == '\n') break;
    if (out.size() > kMaxRow) bad_line(line, "a line longer than 1 MiB");
    c = r.get();
  }
  return true;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// Decides one value: true to keep the row.
bool keep(const SuppressionSet& set, const std::string& value, std::int64_t line, const ContactFilterOptions& o,
          ContactFilterResult& res) {
  if (blank(value)) {
    ++res.empty;
    return true;
  }
  try {
    if (set.blocked(value)) {
      ++res.removed;
      return false;
    }
  } catch (const InputError& e) {
    if (!o.drop_invalid) bad_line(line, std::string(e.what()) + " (or pass --drop-invalid)");
    ++res.invalid;
    return false;
  }
  return true;
}

}  // namespace

ContactFilterResult filter_contacts(const SuppressionSet& set, anonymize::ByteSource& in, anonymize::ByteSink& out,
                                    const ContactFilterOptions& o) {
  if (o.format != "auto" && o.format != "csv" && o.format != "jsonl") {
    throw UsageError(fmt::format("bad --format '{}': write auto, csv or jsonl", o.format));
  }
  Reader r(in);
  ContactFilterResult res;
  res.column = o.column.value_or(set.kind());
  res.format = o.format;
  if (res.format == "auto") {
    // Look past leading blanks without consuming them: they are copied.
    std::string lead;
    int c;
    while ((c = r.peek()) == ' ' || c == '\t' || c == '\r' || c == '\n') {
      lead.push_back(static_cast<char>(r.get()));
    }
    res.format = c == '{' ? "jsonl" : "csv";
    out.write(lead);
  }
  std::int64_t line = 1;
  if (res.format == "jsonl") {
    std::string text;
    for (; read_line(r, text, line); ++line) {
      if (blank(text)) {
        out.write(text);
        continue;
      }
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(text);
      } catch (const nlohmann::json::parse_error& e) {
        bad_line(line, fmt::format("not JSON: {}", e.what()));
      }
      if (!j.is_object()) bad_line(line, "not a JSON object");
      ++res.rows;
      auto it = j.find(res.column);
      if (it == j.end() || it->is_null()) bad_line(line, fmt::format("no field \"{}\" (choose one with --field)", res.column));
      std::string value = it->is_string() ? it->get<std::string>() : it->is_number_integer() ? it->dump() : "";
      if (!it->is_string() && !it->is_number_integer()) bad_line(line, fmt::format("field \"{}\" is not a string", res.column));
      if (keep(set, value, line, o, res)) {
        ++res.kept;
        out.write(text);
      }
    }
    return res;
  }
  std::string raw;
  std::vector<std::string> fields;
  std::int64_t start = line;
  if (!read_csv_record(r, line, raw, fields)) return res;  // empty input
  std::size_t index = fields.size();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::string name = fields[i];
    if (i == 0 && name.rfind("\xEF\xBB\xBF", 0) == 0) name.erase(0, 3);  // a UTF-8 BOM
    if (lower(name) == lower(res.column)) {
      index = i;
      break;
    }
  }
  if (index == fields.size()) {
    bad_line(start, fmt::format("the header has no column \"{}\" (choose one with --column)", res.column));
  }
  out.write(raw);
  std::size_t width = fields.size();
  for (;;) {
    start = line;
    if (!read_csv_record(r, line, raw, fields)) break;
    if (fields.size() == 1 && blank(fields[0])) {
      out.write(raw);
      continue;
    }
    ++res.rows;
    if (fields.size() != width) {
      bad_line(start, fmt::format("{} fields where the header has {}", fields.size(), width));
    }
    if (keep(set, fields[index], start, o, res)) {
      ++res.kept;
      out.write(raw);
    }
  }
  return res;
}

}  // namespace dpa::requests

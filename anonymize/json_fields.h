// Finding named string fields in one line of JSON, by byte range, so that
// only those bytes change and the rest of the line stays exactly as it was.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dpa::anonymize {

// A field path: "message.text" is {"message", "text"}. Arrays met on the way
// are walked element by element ("messages.text" reaches every message).
using FieldPath = std::vector<std::string>;

// Parses "a,b.c" into paths; throws InputError on an empty path or segment.
std::vector<FieldPath> parse_field_list(std::string_view list);

struct JsonStringSpan {
  std::size_t begin = 0;  // the opening quote
  std::size_t end = 0;    // one past the closing quote
};

// The string values at `paths` in `line`, in line order. `line` must be valid
// JSON (check it first); non-string values at a path are left alone.
std::vector<JsonStringSpan> find_string_fields(std::string_view line, const std::vector<FieldPath>& paths);

// A JSON string literal (with quotes) to UTF-8, and back (minimal escaping).
std::string decode_json_string(std::string_view quoted);
std::string encode_json_string(std::string_view utf8);

}  // namespace dpa::anonymize

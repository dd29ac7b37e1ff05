#include "anonymize/json_fields.h"

#include <fmt/format.h>

#include "dpa/error.h"

namespace dpa::anonymize {
namespace {

// A walker over valid JSON. It keeps the path of object keys from the root
// and reports string values whose path is one of the wanted ones.
class Walker {
 public:
  Walker(std::string_view text, const std::vector<FieldPath>& paths, std::vector<JsonStringSpan>& out)
      : s_(text), paths_(paths), out_(out) {}

  void run() {
    skip_ws();
    value();
  }

 private:
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n')) ++i_;
  }

  // Skips a string literal; returns its span.
  JsonStringSpan string_literal() {
    JsonStringSpan span{i_, 0};
    ++i_;  // opening quote
    while (i_ < s_.size() && s_[i_] != '"') i_ += (s_[i_] == '\\') ? 2 : 1;
    ++i_;  // closing quote
    span.end = i_;
    return span;
  }

  bool wanted() const {
    for (const auto& p : paths_) {
      if (p == path_) return true;
    }
    return false;
  }

  void value() {
    skip_ws();
    if (i_ >= s_.size()) return;
    char c = s_[i_];
    if (c == '{') {
      ++i_;
      skip_ws();
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return;
      }
      while (i_ < s_.size()) {
        skip_ws();
        auto key_span = string_literal();
        path_.push_back(decode_json_string(s_.substr(key_span.begin, key_span.end - key_span.begin)));
        skip_ws();
        ++i_;  // ':'
        value();
        path_.pop_back();
        skip_ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        ++i_;  // '}'
        return;
      }
    } else if (c == '[') {
      ++i_;
      skip_ws();
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return;
      }
      while (i_ < s_.size()) {
        value();  // elements share their array's path
        skip_ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        ++i_;  // ']'
        return;
      }
    } else if (c == '"') {
      auto span = string_literal();
      if (wanted()) out_.push_back(span);
    } else {
      // number, true, false, null
      while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && s_[i_] != ' ' &&
             s_[i_] != '\t' && s_[i_] != '\r' && s_[i_] != '\n')
        ++i_;
    }
  }

  std::string_view s_;
  const std::vector<FieldPath>& paths_;
  std::vector<JsonStringSpan>& out_;
  std::vector<std::string> path_;
  std::size_t i_ = 0;
};

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

unsigned hex4(std::string_view s, std::size_t i) {
  unsigned v = 0;
  for (std::size_t k = 0; k < 4 && i + k < s.size(); ++k) {
    char c = s[i + k];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
  }
  return v;
}

}  // namespace

std::vector<FieldPath> parse_field_list(std::string_view list) {
  std::vector<FieldPath> paths;
  std::size_t start = 0;
  while (true) {
    auto comma = list.find(',', start);
    std::string_view item = list.substr(start, comma == std::string_view::npos ? list.npos : comma - start);
    FieldPath path;
    std::size_t s = 0;
    while (true) {
      auto dot = item.find('.', s);
      std::string_view seg = item.substr(s, dot == std::string_view::npos ? item.npos : dot - s);
      if (seg.empty()) {
        throw InputError(fmt::format("bad field list '{}': write names like body,meta.text", list));
      }
      path.emplace_back(seg);
      if (dot == std::string_view::npos) break;
      s = dot + 1;
    }
    paths.push_back(std::move(path));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return paths;
}

std::vector<JsonStringSpan> find_string_fields(std::string_view line, const std::vector<FieldPath>& paths) {
  std::vector<JsonStringSpan> out;
  Walker(line, paths, out).run();
  return out;
}

std::string decode_json_string(std::string_view quoted) {
  std::string out;
  std::string_view s = quoted.substr(1, quoted.size() - 2);
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out.push_back(s[i]);
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'u': {
        unsigned cp = hex4(s, i + 1);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < s.size() + 1 && s[i + 1] == '\\' && s[i + 2] == 'u') {
          unsigned lo = hex4(s, i + 3);
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        append_utf8(out, cp);
        break;
      }
      default: out.push_back(e); break;  // \" \\ \/
    }
  }
  return out;
}

std::string encode_json_string(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size() + 2);
  out.push_back('"');
  for (char c : utf8) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace dpa::anonymize

#include "exports/bag_format.h"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "anonymize/utf8.h"

namespace dpa::exports {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string encode_manifest_path(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::optional<std::string> decode_manifest_path(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '%') {
      out += encoded[i];
      continue;
    }
    if (i + 2 >= encoded.size()) return std::nullopt;
    int hi = hex_value(encoded[i + 1]), lo = hex_value(encoded[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

bool is_safe_bag_path(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.find('\0') != std::string_view::npos) return false;
  if (path.find('\\') != std::string_view::npos) return false;  // a Windows separator in disguise
  if (!anonymize::is_valid_utf8(path)) return false;
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = path.find('/', start);
    std::string_view seg = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

ManifestParse parse_manifest(std::string_view text, std::size_t hex_digits) {
  ManifestParse out;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    std::size_t sep = line.find_first_of(" \t");
    if (sep == std::string_view::npos) {
      out.problems.push_back(fmt::format("line {}: no path after the checksum", line_no));
      continue;
    }
    std::string checksum(line.substr(0, sep));
    std::size_t path_start = line.find_first_not_of(" \t", sep);
    if (path_start == std::string_view::npos) {
      out.problems.push_back(fmt::format("line {}: no path after the checksum", line_no));
      continue;
    }
    bool hex = checksum.size() == hex_digits;
    for (char& c : checksum) {
      hex = hex && hex_value(c) >= 0;
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (!hex) {
      out.problems.push_back(fmt::format("line {}: '{}' is not a checksum of {} hex digits", line_no, checksum, hex_digits));
      continue;
    }
    auto path = decode_manifest_path(line.substr(path_start));
    if (!path) {
      out.problems.push_back(fmt::format("line {}: malformed percent-encoding in the path", line_no));
      continue;
    }
    out.entries.push_back({std::move(checksum), std::move(*path)});
  }
  return out;
}

std::string format_bag_info(const BagInfo& info) {
  std::string out;
  for (const auto& [label, value] : info) {
    out += label;
    out += ": ";
    // A value never spans lines here: line breaks become continuation lines.
    for (char c : value) {
      if (c == '\n') out += "\n  ";
      else if (c != '\r') out += c;
    }
    out += '\n';
  }
  return out;
}

std::optional<BagInfo> parse_bag_info(std::string_view text) {
  BagInfo info;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == ' ' || line.front() == '\t') {
      if (info.empty()) return std::nullopt;
      info.back().second += "\n";
      info.back().second += trim(line);
      continue;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    info.emplace_back(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  return info;
}

std::optional<std::string> bag_info_value(const BagInfo& info, std::string_view label) {
  for (const auto& [l, v] : info) {
    if (l.size() == label.size() &&
        std::equal(l.begin(), l.end(), label.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return std::nullopt;
}

std::string format_oxum(std::uint64_t octets, std::uint64_t files) { return fmt::format("{}.{}", octets, files); }

std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_oxum(std::string_view text) {
  std::size_t dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= text.size()) return std::nullopt;
  std::uint64_t octets = 0, files = 0;
  auto a = std::from_chars(text.data(), text.data() + dot, octets);
  auto b = std::from_chars(text.data() + dot + 1, text.data() + text.size(), files);
  if (a.ec != std::errc() || a.ptr != text.data() + dot || b.ec != std::errc() || b.ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return std::make_pair(octets, files);
}

std::string human_size(std::uint64_t bytes) {
  static const char* const units[] = {"bytes", "KB", "MB", "GB", "TB", "PB"};
  if (bytes < 1000) return fmt::format("{} bytes", bytes);
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000.0 && u < 5) {
    v /= 1000.0;
    ++u;
  }
  return fmt::format("{:.1f} {}", v, units[u]);
}

}  // namespace dpa::exports

#include "dpa/file_layout.h"

#include <chrono>
#include <set>

#include <fmt/format.h>

#include "dpa/error.h"

namespace dpa {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_tenant_char(char c) {
  return (c >= 'a' && c <= 'z') || is_digit(c) || c == '.' || c == '_' || c == '-';
}

// Fixed-width numeric placeholders and their widths.
std::size_t fixed_width(const std::string& name) {
  if (name == "yyyy") return 4;
  if (name == "mm" || name == "dd" || name == "hh") return 2;
  return 0;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

FileLayout FileLayout::parse(std::string_view layout) {
  auto bad = [&](const std::string& why) {
    return InputError(fmt::format("bad file layout '{}': {}", layout, why));
  };
  if (layout.empty()) throw bad("it is empty");
  if (layout.front() == '/') throw bad("it must be relative to the store's root (no leading '/')");
  FileLayout out;
  out.text_ = std::string(layout);
  std::set<std::string> seen;
  std::size_t start = 0;
  while (start <= layout.size()) {
    std::size_t slash = layout.find('/', start);
    std::string_view seg = layout.substr(start, slash == std::string_view::npos ? std::string_view::npos
                                                                                 : slash - start);
    if (seg.empty()) throw bad("it has an empty folder name ('//' or a trailing '/')");
    if (seg == "." || seg == "..") throw bad("'.' and '..' are not allowed");
    Segment tokens;
    std::size_t i = 0;
    while (i < seg.size()) {
      if (seg[i] == '{') {
        std::size_t close = seg.find('}', i);
        if (close == std::string_view::npos) throw bad("a '{' is not closed");
        std::string name(seg.substr(i + 1, close - i - 1));
        if (name.empty()) throw bad("'{}' names no placeholder");
        for (char c : name) {
          if (!((c >= 'a' && c <= 'z') || c == '_')) throw bad(fmt::format("placeholder {{{}}}: use lowercase letters and '_'", name));
        }
        if (!seen.insert(name).second) throw bad(fmt::format("{{{}}} appears twice", name));
        if (!tokens.empty() && tokens.back().placeholder && !fixed_width(tokens.back().text) &&
            !fixed_width(name)) {
          throw bad(fmt::format("{{{}}} follows another placeholder directly: separate them with text",
                                name));
        }
        tokens.push_back({true, name});
        i = close + 1;
      } else if (seg[i] == '}') {
        throw bad("a '}' has no '{'");
      } else {
        std::size_t next = seg.find_first_of("{}", i);
        std::string lit(seg.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i));
        tokens.push_back({false, lit});
        i = next == std::string_view::npos ? seg.size() : next;
      }
    }
    out.segments_.push_back(std::move(tokens));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (!seen.count("tenant")) throw bad("it needs {tenant}, so that each file belongs to a tenant");
  if ((seen.count("mm") && !seen.count("yyyy")) || (seen.count("dd") && !seen.count("mm")) ||
      (seen.count("hh") && !seen.count("dd"))) {
    throw bad("date placeholders must come as {yyyy}, {yyyy}+{mm}, {yyyy}+{mm}+{dd} or all four with {hh}");
  }
  return out;
}

bool FileLayout::match_segment(const Segment& seg, std::size_t ti, std::string_view s, std::size_t pos,
                               LayoutMatch& out) {
  if (ti == seg.size()) return pos == s.size();
  const Token& t = seg[ti];
  if (!t.placeholder) {
    if (s.substr(pos, t.text.size()) != t.text) return false;
    return match_segment(seg, ti + 1, s, pos + t.text.size(), out);
  }
  if (std::size_t w = fixed_width(t.text)) {
    if (pos + w > s.size()) return false;
    for (std::size_t k = 0; k < w; ++k) {
      if (!is_digit(s[pos + k])) return false;
    }
    int v = to_int(s.substr(pos, w));
    if (t.text == "yyyy") out.year = v;
    else if (t.text == "mm") out.month = v;
    else if (t.text == "dd") out.day = v;
    else out.hour = v;
    return match_segment(seg, ti + 1, s, pos + w, out);
  }
  // Variable width: try the longest first, then shorter (the layout is short).
  std::size_t max_end = pos;
  while (max_end < s.size() && (t.text != "tenant" || is_tenant_char(s[max_end]))) ++max_end;
  for (std::size_t end = max_end; end > pos; --end) {
    LayoutMatch saved = out;
    std::string value(s.substr(pos, end - pos));
    if (t.text == "tenant") out.tenant = value;
    else if (t.text == "id") out.id = value;
    if (match_segment(seg, ti + 1, s, end, out)) return true;
    out = saved;
  }
  return false;
}

std::optional<LayoutMatch> FileLayout::match(std::string_view relative) const {
  LayoutMatch m;
  std::size_t start = 0;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    std::size_t slash = relative.find('/', start);
    bool last = i + 1 == segments_.size();
    if (last != (slash == std::string_view::npos)) return std::nullopt;
    std::string_view seg = relative.substr(start, last ? std::string_view::npos : slash - start);
    if (!match_segment(segments_[i], 0, seg, 0, m)) return std::nullopt;
    start = slash + 1;
  }
  if (m.tenant.empty() || m.tenant.front() == '.' || m.tenant.front() == '_' || m.tenant.front() == '-') {
    return std::nullopt;
  }
  using namespace std::chrono;
  if (m.month && (*m.month < 1 || *m.month > 12)) return std::nullopt;
  if (m.day) {
    year_month_day ymd{year{*m.year}, month{static_cast<unsigned>(*m.month)}, day{static_cast<unsigned>(*m.day)}};
    if (!ymd.ok()) return std::nullopt;
  }
  if (m.hour && *m.hour > 23) return std::nullopt;
  return m;
}

bool FileLayout::tenant_is_first_folder() const {
  return segments_.size() > 1 && segments_[0].size() == 1 && segments_[0][0].placeholder &&
         segments_[0][0].text == "tenant";
}

bool FileLayout::has_date() const {
  for (const auto& seg : segments_) {
    for (const auto& t : seg) {
      if (t.placeholder && t.text == "yyyy") return true;
    }
  }
  return false;
}

std::optional<std::pair<Timestamp, Timestamp>> FileLayout::period(const LayoutMatch& m) {
  using namespace std::chrono;
  if (!m.year) return std::nullopt;
  year y{*m.year};
  if (!m.month) {
    return std::pair{Timestamp{sys_days{y / January / 1}}, Timestamp{sys_days{(y + years{1}) / January / 1}}};
  }
  month mo{static_cast<unsigned>(*m.month)};
  if (!m.day) {
    year_month ym = y / mo;
    year_month next = ym + months{1};
    return std::pair{Timestamp{sys_days{ym / 1}}, Timestamp{sys_days{next / 1}}};
  }
  sys_days d{y / mo / day{static_cast<unsigned>(*m.day)}};
  if (!m.hour) return std::pair{Timestamp{d}, Timestamp{d + days{1}}};
  Timestamp h = Timestamp{d} + hours{*m.hour};
  return std::pair{h, h + hours{1}};
}

}  // namespace dpa

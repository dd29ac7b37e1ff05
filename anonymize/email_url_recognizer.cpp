// E-mail addresses (written, and said aloud: "ivan точка petrov собака
// mail точка ru"), URLs that point at a person, and IPv6 addresses. Each
// starts from a cheap trigger token ('@', a word for "at", http/www or a
// social host's name, ':') and reads the raw bytes around it.
#include <string>

#include "anonymize/pattern_scan.h"
#include "anonymize/phone_numbers.h"
#include "anonymize/validators.h"

namespace dpa::anonymize {
namespace {

bool ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool local_char(char c) {
  return ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool domain_char(char c) { return ascii_alnum(c) || c == '.' || c == '-'; }
bool hex_char(char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }

void lower_ascii(std::string& s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
}

// Domain "mail.ru": labels of letters, digits and inner hyphens, at least
// two, the last (TLD) of 2-24 letters.
bool valid_domain(std::string_view d) {
  if (d.size() < 4 || d.size() > 253) return false;
  std::size_t labels = 0, start = 0;
  for (std::size_t k = 0; k <= d.size(); ++k) {
    if (k == d.size() || d[k] == '.') {
      std::string_view label = d.substr(start, k - start);
      if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
      ++labels;
      if (k == d.size()) {
        if (label.size() < 2 || label.size() > 24) return false;
        for (char c : label) {
          if (!ascii_alpha(c)) return false;
        }
      }
      start = k + 1;
    }
  }
  return labels >= 2;
}

bool valid_local(std::string_view l) {
  if (l.empty() || l.size() > 64 || l.front() == '.' || l.back() == '.') return false;
  return l.find("..") == std::string_view::npos;
}

// The first token whose end is past byte `end`.
std::size_t token_after(const PatternScan& s, std::size_t from, std::size_t end) {
  std::size_t j = from;
  while (j < s.n && s.tok[j].end <= end) ++j;
  return j;
}

// A label of a spoken e-mail address: touching tokens that are Latin
// words, numbers or . _ - between them, ending (or starting) at token k.
bool label_part(const PatternScan& s, std::size_t k) {
  if (k >= s.n) return false;
  if (s.is_latin_word(k) || s.is_number(k)) return true;
  char c = s.punct(k);
  return c == '.' || c == '_' || c == '-';
}
bool label_end(const PatternScan& s, std::size_t k) { return s.is_latin_word(k) || s.is_number(k); }

// [first, k] is the label ending at k; returns first, or n if none.
std::size_t label_back(const PatternScan& s, std::size_t k) {
  if (!label_end(s, k)) return s.n;
  std::size_t first = k;
  while (first > 0 && s.tok[first - 1].end == s.tok[first].begin && label_part(s, first - 1)) --first;
  while (first < k && !label_end(s, first)) ++first;
  return first;
}
// [k, last] is the label starting at k; returns last, or n if none.
std::size_t label_forward(const PatternScan& s, std::size_t k) {
  if (!label_end(s, k)) return s.n;
  std::size_t last = k;
  while (s.touches(last) && label_part(s, last + 1)) ++last;
  while (last > k && !label_end(s, last)) --last;
  return last;
}

constexpr std::uint32_t kSpokenSeparator = kRoleEmailDot | kRoleEmailUnderscore | kRoleEmailHyphen;

char separator_char(std::uint32_t roles) {
  if (roles & kRoleEmailDot) return '.';
  if (roles & kRoleEmailUnderscore) return '_';
  return '-';
}

struct UrlParts {
  std::string_view host, path, query;  // path from '/', query after '?'
};

UrlParts split_url(std::string_view url) {
  UrlParts p;
  std::size_t scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  std::size_t host_end = rest.find_first_of("/?#");
  p.host = rest.substr(0, host_end);
  if (host_end == std::string_view::npos) return p;
  rest = rest.substr(host_end);
  std::size_t q = rest.find('?');
  std::size_t h = rest.find('#');
  p.path = rest.substr(0, std::min(q, h));
  if (q != std::string_view::npos) p.query = rest.substr(q + 1, h == std::string_view::npos || h < q ? std::string_view::npos : h - q - 1);
  return p;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    char x = a[k], y = b[k];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

std::string_view segment(std::string_view path, std::size_t index) {
  std::size_t pos = 0;
  for (std::size_t k = 0;; ++k) {
    while (pos < path.size() && path[pos] == '/') ++pos;
    if (pos >= path.size()) return {};
    std::size_t end = path.find('/', pos);
    std::string_view seg = path.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (k == index) return seg;
    if (end == std::string_view::npos) return {};
    pos = end;
  }
}

bool one_of(std::string_view v, std::initializer_list<std::string_view> list) {
  for (auto x : list) {
    if (iequals(v, x)) return true;
  }
  return false;
}

// Whether a URL names a person: a profile on a social host, a query key for
// a person, an e-mail address or a phone number in it.
bool personal_url(std::string_view url) {
  UrlParts p = split_url(url);
  std::string_view host = p.host;
  std::size_t colon = host.find(':');
  if (colon != std::string_view::npos) host = host.substr(0, colon);
  for (std::string_view prefix : {"www.", "m.", "mobile."}) {
    if (host.size() > prefix.size() && iequals(host.substr(0, prefix.size()), prefix)) host.remove_prefix(prefix.size());
  }
  std::string_view first = segment(p.path, 0), second = segment(p.path, 1);
  static const std::initializer_list<std::string_view> kGeneric = {
      "", "about", "help", "explore", "login", "signup", "share", "home", "search", "policies", "legal",
      "privacy", "terms", "settings", "developers", "business", "hashtag", "reel", "reels", "p", "watch",
      "joinchat", "s", "intent", "feed", "stories", "groups", "events", "pages", "docs", "blog", "news",
      "company", "jobs", "legal", "accounts", "shorts", "results", "download", "apps", "features",
      "pricing", "contact", "support", "faq"};
  bool profile = !first.empty() && !one_of(first, kGeneric);
  if (one_of(host, {"instagram.com", "instagr.am", "t.me", "telegram.me", "wa.me", "vk.com", "vk.ru",
                    "facebook.com", "fb.com", "twitter.com", "x.com", "ok.ru", "threads.net", "github.com",
                    "tiktok.com", "snapchat.com"})) {
    if (profile) return true;
  } else if (iequals(host, "linkedin.com")) {
    if (iequals(first, "in") && !second.empty()) return true;
  } else if (one_of(host, {"youtube.com", "youtu.be"})) {
    if (!first.empty() && first[0] == '@') return true;
    if (one_of(first, {"c", "user", "channel"}) && !second.empty()) return true;
  }
  // Query keys that carry a person.
  std::string_view q = p.query;
  while (!q.empty()) {
    std::size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && eq + 1 < pair.size() &&
        one_of(pair.substr(0, eq), {"phone", "tel", "email", "mail", "user", "userid", "user_id", "uid", "id",
                                    "login", "username", "client", "client_id", "customer", "customer_id", "iin",
                                    "msisdn", "name", "fio", "contact"})) {
      return true;
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  // An e-mail or phone number anywhere after the host.
  std::string_view tail = url.substr(static_cast<std::size_t>(p.host.data() - url.data()) + p.host.size());
  std::size_t at = tail.find('@');
  if (at != std::string_view::npos && at > 0 && at + 1 < tail.size() && tail[at - 1] != '/') return true;
  std::size_t k = 0;
  while (k < tail.size()) {
    if (tail[k] >= '0' && tail[k] <= '9') {
      std::size_t e = k;
      while (e < tail.size() && tail[e] >= '0' && tail[e] <= '9') ++e;
      if (e - k >= 10 && e - k <= 12 && check_phone(tail.substr(k, e - k), false)) return true;
      k = e;
    } else {
      ++k;
    }
  }
  return false;
}

bool url_char(char c) {
  if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F) return false;
  switch (c) {
    case '<': case '>': case '"': case '\'': case '`': case '{': case '}': case '|': case '\\': case '^':
      return false;
    default:
      return true;
  }
}

}  // namespace

std::size_t scan_at_sign(PatternScan& s, std::size_t i) {
  const std::string_view t = s.text;
  std::size_t at = s.tok[i].begin;
  std::size_t b = at;
  while (b > 0 && local_char(t[b - 1])) --b;
  while (b < at && t[b] == '.') ++b;
  std::size_t e = at + 1;
  while (e < t.size() && domain_char(t[e])) ++e;
  while (e > at + 1 && (t[e - 1] == '.' || t[e - 1] == '-')) --e;
  if (b == at || e <= at + 1) return i + 1;
  // Glued to letters outside ASCII ("почтаivan@"): not an address we can delimit.
  if (b > 0 && (static_cast<unsigned char>(t[b - 1]) & 0x80)) return i + 1;
  std::string_view local = t.substr(b, at - b), domain = t.substr(at + 1, e - at - 1);
  if (!valid_local(local) || !valid_domain(domain)) return token_after(s, i, e);
  std::string normalized(t.substr(b, e - b));
  lower_ascii(normalized);
  s.emit(b, e, EntityType::kEmail, 0.97f, std::move(normalized), "email", "email.syntax");
  return token_after(s, i, e);
}

std::size_t scan_spoken_at(PatternScan& s, std::size_t i) {
  if (i == 0 || i + 1 >= s.n) return i + 1;
  // Local part, backwards: label (sep label)*.
  std::size_t first = label_back(s, i - 1);
  if (first >= s.n) return i + 1;
  std::string local(s.text.substr(s.tok[first].begin, s.tok[i - 1].end - s.tok[first].begin));
  for (;;) {
    if (first == 0) break;
    std::size_t p = first - 1;
    std::uint32_t r = s.roles(p);
    if (!(r & kSpokenSeparator)) break;
    std::size_t before = p;
    if ((r & kRoleEmailUnderscore) && p > 0 && (s.roles(p - 1) & kRoleEmailUnderscore)) before = p - 1;
    if (before == 0) break;
    std::size_t f = label_back(s, before - 1);
    if (f >= s.n) break;
    std::string label(s.text.substr(s.tok[f].begin, s.tok[before - 1].end - s.tok[f].begin));
    local = label + separator_char(r) + local;
    first = f;
  }
  // Domain, forwards: label (dot label)+, ending in a TLD.
  std::size_t last = label_forward(s, i + 1);
  if (last >= s.n) return i + 1;
  std::string domain(s.text.substr(s.tok[i + 1].begin, s.tok[last].end - s.tok[i + 1].begin));
  std::size_t end_tok = last;
  for (;;) {
    std::size_t p = end_tok + 1;
    if (p + 1 >= s.n || !(s.roles(p) & (kRoleEmailDot | kRoleEmailHyphen))) break;
    std::size_t l = label_forward(s, p + 1);
    if (l >= s.n) break;
    domain += separator_char(s.roles(p));
    domain.append(s.text.substr(s.tok[p + 1].begin, s.tok[l].end - s.tok[p + 1].begin));
    end_tok = l;
  }
  // Written dots are part of labels: the address may end inside the last one.
  if (!(s.roles(end_tok) & kRoleTld)) return i + 1;
  lower_ascii(local);
  lower_ascii(domain);
  if (!valid_local(local) || !valid_domain(domain)) return i + 1;
  s.emit(s.tok[first].begin, s.tok[end_tok].end, EntityType::kEmail, 0.85f, local + "@" + domain, "email.spoken",
         "email.syntax");
  return end_tok + 1;
}

std::size_t scan_url(PatternScan& s, std::size_t i) {
  if (!s.touches(i)) return i + 1;
  std::uint32_t r = s.roles(i);
  std::string_view w = s.view(i);
  bool start = false;
  if (r & kRoleUrlStart) {
    if (iequals(w, "www")) {
      start = s.is_punct(i + 1, '.');
    } else {
      start = s.is_punct(i + 1, ':') && s.touches(i + 1) && s.is_punct(i + 2, '/');
    }
  }
  if (!start && (r & kRoleSocialHost)) {
    start = s.is_punct(i + 1, '.') && s.touches(i + 1) && s.is_word(i + 2);
    // Inside a longer host or path ("api.t.me", "/t.me"): not a start.
    if (i > 0 && s.tok[i - 1].end == s.tok[i].begin) start = false;
  }
  if (!start) return i + 1;
  const std::string_view t = s.text;
  std::size_t b = s.tok[i].begin, e = b;
  while (e < t.size() && url_char(t[e])) ++e;
  std::string_view url = t.substr(b, e - b);
  bool open_paren = url.find('(') != std::string_view::npos;
  while (!url.empty()) {
    char c = url.back();
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ']' || c == '}' ||
        (c == ')' && !open_paren)) {
      url.remove_suffix(1);
    } else {
      break;
    }
  }
  e = b + url.size();
  UrlParts parts = split_url(url);
  if (parts.host.find('.') == std::string_view::npos) return token_after(s, i, e);
  if (personal_url(url)) {
    std::string normalized(url);
    std::size_t host_end = static_cast<std::size_t>(parts.host.data() - url.data()) + parts.host.size();
    for (std::size_t k = 0; k < host_end; ++k) {
      if (normalized[k] >= 'A' && normalized[k] <= 'Z') normalized[k] = static_cast<char>(normalized[k] + 32);
    }
    s.emit(b, e, EntityType::kUrl, 0.85f, std::move(normalized), "url", "url.personal");
  }
  return token_after(s, i, e);
}

std::size_t scan_colon(PatternScan& s, std::size_t i) {
  // Cheap rejections first: "клиент: ", "итого:5".
  if (!s.touches(i)) return i + 1;
  bool before = i > 0 && s.tok[i - 1].end == s.tok[i].begin && (s.is_number(i - 1) || s.is_latin_word(i - 1));
  if (!before && !s.is_punct(i + 1, ':')) return i + 1;
  const std::string_view t = s.text;
  std::size_t b = s.tok[i].begin, e = s.tok[i].end;
  std::size_t run_colons = 1;
  for (; b > 0 && (hex_char(t[b - 1]) || t[b - 1] == ':' || t[b - 1] == '.'); --b) run_colons += t[b - 1] == ':';
  for (; e < t.size() && (hex_char(t[e]) || t[e] == ':' || t[e] == '.'); ++e) run_colons += t[e] == ':';
  // A time ("12:03"): one colon in the run, no address; and no other ':'
  // token the cursor could skip.
  if (run_colons < 2) return i + 1;
  while (e > b && t[e - 1] == '.') --e;
  if (e > b + 1 && t[e - 1] == ':' && t[e - 2] != ':') --e;
  // Letters (two-byte sequences: Latin-1, Cyrillic) glue; emoji and other
  // three- and four-byte symbols do not.
  auto word_char = [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return ascii_alnum(c) || c == '_' || (byte >= 0xC2 && byte <= 0xDF);
  };
  bool glued_before = b > 0 && (word_char(t[b - 1]) || (static_cast<unsigned char>(t[b - 1]) & 0xC0) == 0x80);
  if (b >= 2 && (static_cast<unsigned char>(t[b - 1]) & 0xC0) == 0x80) glued_before = word_char(t[b - 2]);
  if (glued_before || (e < t.size() && word_char(t[e]))) return token_after(s, i, e);
  std::string_view v = t.substr(b, e - b);
  std::size_t colons = 0, hex = 0;
  for (char c : v) {
    colons += c == ':';
    hex += c != ':' && c != '.';
  }
  bool compressed = v.find("::") != std::string_view::npos;
  if (colons < 2 || hex < 4 || (!compressed && colons < 7) || !valid_ipv6(v)) return token_after(s, i, e);
  std::string normalized(v);
  lower_ascii(normalized);
  s.emit(b, e, EntityType::kIpAddress, 0.85f, std::move(normalized), "ip.v6", "inet_pton");
  return token_after(s, i, e);
}

}  // namespace dpa::anonymize

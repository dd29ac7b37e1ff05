// Surrogates for everything but names: a fake of the same type and
// written form that still validates. Digits are replaced where they stand,
// so separators, grouping and prefixes survive ("8 (701) 123-45-67" stays
// "8 (7xx) xxx-xx-xx"); identifiers get fresh check digits. Draws use
// std::mt19937_64 and plain modulo (no <random> distributions, whose
// algorithms differ between standard libraries): one seed, one surrogate.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "anonymize/data_files.h"
#include "anonymize/pattern_lexicon.h"
#include "anonymize/phone_numbers.h"
#include "anonymize/surrogate.h"
#include "anonymize/token.h"
#include "anonymize/validators.h"

namespace dpa::anonymize {
namespace {

constexpr int kAttempts = 64;

class Draw {
 public:
  explicit Draw(std::uint64_t seed) : engine_(seed ^ 0x9e3779b97f4a7c15ull) {}
  // Uniform in [lo, hi] (lo when the range is empty).
  int between(int lo, int hi) {
    if (hi <= lo) return lo;
    auto span = static_cast<std::uint64_t>(hi - lo + 1);
    return lo + static_cast<int>(engine_() % span);
  }
  char digit(int lo = 0) { return static_cast<char>('0' + between(lo, 9)); }
  std::string digits(std::size_t n, int first_lo = 0) {
    std::string s;
    for (std::size_t k = 0; k < n; ++k) s += digit(k == 0 ? first_lo : 0);
    return s;
  }
  template <class C>
  typename C::value_type pick(const C& c) {
    if (c.empty()) return {};
    return c[static_cast<std::size_t>(between(0, static_cast<int>(c.size()) - 1))];
  }

 private:
  std::mt19937_64 engine_;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The pieces appended (GCC 12 warns, wrongly, on "literal" + std::string).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out.append(p);
  return out;
}

std::string only_digits(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (is_digit(c)) d += c;
  }
  return d;
}

// `surface` with its digits replaced, in order, by those of `digits` (which
// has as many).
std::string put_digits(std::string_view surface, std::string_view digits) {
  std::string out(surface);
  std::size_t k = 0;
  for (char& c : out) {
    if (is_digit(c) && k < digits.size()) c = digits[k++];
  }
  return out;
}

std::string group(std::string_view digits, std::initializer_list<std::size_t> sizes) {
  std::string out;
  std::size_t at = 0;
  for (std::size_t n : sizes) {
    if (at >= digits.size()) break;
    if (!out.empty()) out += ' ';
    out.append(digits.substr(at, n));
    at += n;
  }
  if (at < digits.size()) {
    out += ' ';
    out.append(digits.substr(at));
  }
  return out;
}

bool spoken(const Finding& f) { return f.recognizer.ends_with(".spoken"); }

// The words of a data file "kind value" line, by kind.
std::vector<std::string_view> data_values(std::string_view file, std::string_view kind) {
  std::vector<std::string_view> out;
  auto data = find_data_file(file);
  if (!data) return out;
  std::string_view rest = *data;
  while (!rest.empty()) {
    std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos) continue;
    if (line.substr(0, sp) == kind) out.push_back(line.substr(sp + 1));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Phones

// A new national number (10 digits) like `national`: the operator or city
// code kept, the subscriber number drawn until libphonenumber accepts it.
std::string fake_national(std::string_view national, Draw& draw) {
  bool landline = national.size() == 10 && national[0] == '7' && (national[1] == '1' || national[1] == '2');
  std::size_t keep = landline ? 4 : 3;
  std::string best;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::string n = std::string(national.substr(0, keep)) + draw.digits(national.size() - keep, landline ? 2 : 1);
    if (n == national) continue;
    if (best.empty()) best = n;
    if (phone_is_valid("7" + n)) return n;
  }
  if (best.empty()) best = std::string(national.substr(0, keep)) + "2345678901";
  return best.substr(0, national.size());
}

std::string surrogate_phone(const Finding& f, std::string_view surface, Draw& draw) {
  std::string e164 = f.normalized.empty() ? cat({"+7", only_digits(surface)}) : f.normalized;
  std::string all = only_digits(e164);
  if (all.size() == 11 && all[0] == '7') {
    std::string national = fake_national(std::string_view(all).substr(1), draw);
    std::string written = only_digits(surface);
    if (spoken(f) || written.size() < 10) {
      std::string folded = fold(surface);
      bool plus = surface.starts_with("+") || folded.starts_with("плюс") || folded.starts_with("plus");
      return (plus ? "+7 " : "8 ") + group(national, {3, 3, 2, 2});
    }
    if (written.size() == 11) return put_digits(surface, written.substr(0, 1) + national);
    if (written.size() == 10) return put_digits(surface, national);
    return put_digits(surface, written.substr(0, written.size() - 10) + national);
  }
  // Another country: keep the country and area digits, draw the last seven.
  std::string written = only_digits(spoken(f) ? std::string_view(all) : surface);
  if (written.size() < 8) written = all;
  std::size_t keep = written.size() > 7 ? written.size() - 7 : 0;
  std::string fake;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::string candidate = written.substr(0, keep) + draw.digits(written.size() - keep, 1);
    if (candidate == written) continue;
    if (fake.empty()) fake = candidate;
    std::string full = candidate;
    if (all.size() >= candidate.size()) full = all.substr(0, all.size() - candidate.size()) + candidate;
    if (phone_is_valid(full)) {
      fake = candidate;
      break;
    }
  }
  if (fake.empty()) fake = written;
  if (spoken(f)) return cat({"+", fake});
  return put_digits(surface, fake);
}

// ---------------------------------------------------------------------------
// IIN, BIN, cards, IBAN, identity documents

int latest_year() {
  static const int year = [] {
    auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    return static_cast<int>(std::chrono::year_month_day(days).year());
  }();
  return year;
}

std::string two_digits(int v) { return {static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10)}; }

std::string fake_iin(std::string_view iin, Draw& draw) {
  char century = iin.size() == 12 ? iin[6] : '3';
  if (century < '1' || century > '6') century = '3';
  int base = 1800 + 100 * ((century - '1') / 2);
  int lo = base == 1900 ? 1940 : base, hi = base == 2000 ? std::min(2099, latest_year()) : base + 99;
  for (int attempt = 0; attempt < kAttempts * 4; ++attempt) {
    int y = draw.between(lo, hi), m = draw.between(1, 12), d = draw.between(1, 28);
    std::string s = two_digits(y % 100) + two_digits(m) + two_digits(d) + century + draw.digits(4);
    int check = iin_check_digit(s);
    if (check < 0) continue;
    s += static_cast<char>('0' + check);
    if (s != iin) return s;
  }
  return std::string(iin);
}

std::string fake_bin(std::string_view bin, Draw& draw) {
  char type = bin.size() == 12 && bin[4] >= '4' && bin[4] <= '6' ? bin[4] : '4';
  char attribute = bin.size() == 12 && bin[5] >= '0' && bin[5] <= '3' ? bin[5] : '0';
  for (int attempt = 0; attempt < kAttempts * 4; ++attempt) {
    std::string s = two_digits(draw.between(0, latest_year() % 100)) + two_digits(draw.between(1, 12)) + type +
                    attribute + draw.digits(5);
    int check = iin_check_digit(s);
    if (check < 0) continue;
    s += static_cast<char>('0' + check);
    if (s != bin) return s;
  }
  return std::string(bin);
}

std::string fake_card(std::string_view card, Draw& draw) {
  if (card.size() < 8) return draw.digits(card.size() < 2 ? 16 : card.size(), 1);
  std::size_t keep = std::min<std::size_t>(4, card.size());
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::string s = std::string(card.substr(0, keep)) + draw.digits(card.size() - keep - 1);
    s += static_cast<char>('0' + luhn_check_digit(s));
    if (s != card) return s;
  }
  return std::string(card);
}

std::string surrogate_digits_id(const Finding& f, std::string_view surface, Draw& draw) {
  std::string value = only_digits(f.normalized.empty() ? std::string(surface) : f.normalized);
  std::string fake;
  switch (f.type) {
    case EntityType::kIin: fake = fake_iin(value, draw); break;
    case EntityType::kBin: fake = fake_bin(value, draw); break;
    default: fake = fake_card(value, draw); break;
  }
  std::string written = only_digits(surface);
  if (spoken(f) || written.size() != fake.size()) {
    return f.type == EntityType::kCard ? group(fake, {4, 4, 4, 4}) : fake;
  }
  return put_digits(surface, fake);
}

std::string surrogate_iban(const Finding& f, std::string_view surface, Draw& draw) {
  std::string compact = f.normalized;
  if (compact.size() < 8) {
    compact.clear();
    for (char c : surface) {
      if (is_digit(c) || (c >= 'A' && c <= 'Z')) compact += c;
      if (c >= 'a' && c <= 'z') compact += static_cast<char>(c - 32);
    }
  }
  if (compact.size() < 8) return std::string(surface) + "0";
  std::string fake;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    // Country and bank code kept (they name no one); the account drawn in
    // the same shape, letters for letters.
    std::string bban = compact.substr(4, 3);
    for (std::size_t k = 7; k < compact.size(); ++k) {
      bban += is_digit(compact[k]) ? draw.digit() : compact[k];
    }
    fake = compact.substr(0, 2) + iban_check_digits(compact.substr(0, 2), bban) + bban;
    if (fake != compact) break;
  }
  // Onto the surface: its spaces and its letter case.
  std::string out(surface);
  std::size_t k = 0;
  for (char& c : out) {
    bool alnum = is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum || k >= fake.size()) continue;
    char r = fake[k++];
    c = (c >= 'a' && c <= 'z' && r >= 'A' && r <= 'Z') ? static_cast<char>(r + 32) : r;
  }
  return out;
}

std::string redraw_digits(std::string_view surface, Draw& draw, bool keep_first) {
  std::string out(surface);
  bool first = true;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    first = true;
    for (std::size_t k = 0; k < out.size(); ++k) {
      if (!is_digit(surface[k])) continue;
      out[k] = (first && keep_first) ? surface[k] : draw.digit();
      first = false;
    }
    if (out != surface) break;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Plates

std::string surrogate_plate(std::string_view surface, Draw& draw) {
  static constexpr std::array<std::string_view, 12> kPlateLetters = {"А", "В", "Е", "К", "М", "Н",
                                                                 "О", "Р", "С", "Т", "У", "Х"};
  std::vector<Token> tokens;
  tokenize(surface, tokens);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::string out;
    std::size_t at = 0;
    std::size_t numbers = 0, total_numbers = 0;
    for (const Token& t : tokens) total_numbers += t.kind == TokenKind::kNumber;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const Token& t = tokens[i];
      out.append(surface.substr(at, t.begin - at));
      std::string_view v = t.view(surface);
      if (t.kind == TokenKind::kNumber) {
        ++numbers;
        bool region = total_numbers > 1 && numbers == total_numbers;  // 123 ABC 02: 02 is the region
        out += region ? std::string(v) : draw.digits(v.size());
      } else if (t.kind == TokenKind::kWord && i == 0 && tokens.size() > 1 && t.letters == 1 && total_numbers == 1 &&
                 (t.flags & kLatin)) {
        out += v;  // A 123 BCD: the region letter
      } else if (t.kind == TokenKind::kWord && (t.flags & kCyrillic)) {
        for (std::size_t k = 0; k < t.letters; ++k) out += draw.pick(kPlateLetters);
      } else if (t.kind == TokenKind::kWord) {
        bool lower = !(t.flags & (kAllCaps | kCapitalized));
        for (std::size_t k = 0; k < v.size(); ++k) out += static_cast<char>((lower ? 'a' : 'A') + draw.between(0, 25));
      } else {
        out += v;
      }
      at = t.end;
    }
    out.append(surface.substr(at));
    if (out != surface) return out;
  }
  return std::string(surface) + "1";
}

// ---------------------------------------------------------------------------
// E-mail, URL, IP

bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string surrogate_email(const Finding& f, std::string_view surface, Draw& draw) {
  static const auto providers = data_values("patterns/surrogate_email.txt", "provider");
  static const auto locals = data_values("patterns/surrogate_email.txt", "local");
  static const auto companies = data_values("patterns/surrogate_email.txt", "company");
  std::string address = f.normalized;
  if (address.find('@') == std::string::npos) address = std::string(surface);
  std::size_t at = address.find('@');
  std::string local = at == std::string::npos ? address : address.substr(0, at);
  std::string domain = at == std::string::npos ? "mail.kz" : address.substr(at + 1);
  for (char& c : domain) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  bool provider = false;
  for (auto p : providers) provider = provider || p == domain;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::string fake_local(draw.pick(locals));
    for (char sep : {'.', '_', '-'}) {
      if (local.find(sep) != std::string::npos) {
        fake_local += sep;
        fake_local += draw.pick(locals);
        break;
      }
    }
    bool digits = !local.empty() && is_digit(local.back());
    if (digits || draw.between(0, 3) == 0) fake_local += std::to_string(draw.between(1, 99));
    std::string fake_domain = domain;
    if (!provider) {
      std::size_t dot = domain.rfind('.');
      fake_domain = std::string(draw.pick(companies)) + (dot == std::string::npos ? ".kz" : domain.substr(dot));
    }
    std::string out = fake_local + "@" + fake_domain;
    if (out != address) return out;
  }
  return "user" + draw.digits(4) + "@" + domain;
}

std::string surrogate_ip(const Finding& f, std::string_view surface, Draw& draw) {
  std::string_view v = f.normalized.empty() ? surface : std::string_view(f.normalized);
  if (auto ip = parse_ipv4(v)) {
    std::uint32_t a = *ip >> 24, b = (*ip >> 16) & 0xFF;
    bool private_net = a == 10 || a == 127 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168);
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      std::string out;
      if (private_net) {
        out = a == 10 || a == 127 ? cat({std::to_string(a), ".", std::to_string(draw.between(0, 255))})
                                  : cat({std::to_string(a), ".", std::to_string(b)});
      } else {
        int first;
        do first = draw.between(1, 223);
        while (first == 10 || first == 127 || first == 172 || first == 192 || first == 169 || first == 100);
        out = cat({std::to_string(first), ".", std::to_string(draw.between(0, 255))});
      }
      out += cat({".", std::to_string(draw.between(0, 255)), ".", std::to_string(draw.between(1, 254))});
      if (out != v) return out;
    }
  }
  // IPv6: every hex digit redrawn, the shape (and so the validity) kept.
  std::string out(surface);
  static constexpr char kHex[] = "0123456789abcdef";
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    for (std::size_t k = 0; k < out.size(); ++k) {
      char c = surface[k];
      bool hex = is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex) continue;
      char r = kHex[draw.between(0, 15)];
      out[k] = (c >= 'A' && c <= 'F' && r >= 'a') ? static_cast<char>(r - 32) : r;
    }
    if (out != surface) break;
  }
  return out;
}

std::string surrogate_url(std::string_view surface, Draw& draw) {
  std::size_t scheme = surface.find("://");
  std::size_t host_begin = scheme == std::string_view::npos ? 0 : scheme + 3;
  std::size_t host_end = surface.find_first_of("/?#", host_begin);
  if (host_end == std::string_view::npos) return std::string(surface) + "/" + draw.digits(6);
  static constexpr std::string_view kKeep[] = {"in", "profile", "user", "users", "channel", "c", "u", "add"};
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::string out(surface.substr(0, host_end));
    std::size_t k = host_end;
    bool in_query = false;
    while (k < surface.size()) {
      char c = surface[k];
      if (!(ascii_alpha(c) || is_digit(c))) {
        in_query = in_query || c == '?';
        out += c;
        ++k;
        continue;
      }
      std::size_t e = k;
      while (e < surface.size() && (ascii_alpha(surface[e]) || is_digit(surface[e]))) ++e;
      std::string_view run = surface.substr(k, e - k);
      bool key = in_query && e < surface.size() && surface[e] == '=';
      bool keep = key;
      for (auto w : kKeep) keep = keep || (!in_query && run == w && e < surface.size() && surface[e] == '/');
      if (keep) {
        out += run;
      } else {
        std::size_t p = 0;
        if (run.starts_with("id") && run.size() > 2 && is_digit(run[2])) {  // vk.com/id123
          out += "id";
          p = 2;
        }
        for (; p < run.size(); ++p) {
          char r = run[p];
          if (is_digit(r)) out += draw.digit();
          else if (r >= 'A' && r <= 'Z') out += static_cast<char>('A' + draw.between(0, 25));
          else out += static_cast<char>('a' + draw.between(0, 25));
        }
      }
      k = e;
    }
    if (out != surface) return out;
  }
  return std::string(surface) + draw.digits(2);
}

// ---------------------------------------------------------------------------
// Dates of birth

struct DigitRun {
  std::size_t begin, end;
};

std::string surrogate_dob(const Finding& f, std::string_view surface, Draw& draw) {
  // The normalized value is ISO (1985-03-12); the month is kept anyway.
  auto number = [&](std::size_t at, std::size_t len) {
    int v = 0;
    for (std::size_t k = at; k < at + len && k < f.normalized.size(); ++k) {
      if (is_digit(f.normalized[k])) v = v * 10 + (f.normalized[k] - '0');
    }
    return v;
  };
  int y = number(0, 4), d = number(8, 2);
  if (y == 0) y = 1980;
  std::vector<DigitRun> runs;
  for (std::size_t k = 0; k < surface.size();) {
    if (!is_digit(surface[k])) {
      ++k;
      continue;
    }
    std::size_t e = k;
    while (e < surface.size() && is_digit(surface[e])) ++e;
    runs.push_back({k, e});
    k = e;
  }
  // The same month (month words stay as written), another day and year.
  int new_d = d, new_y = y;
  for (int attempt = 0; attempt < kAttempts && new_d == d && new_y == y; ++attempt) {
    new_d = draw.between(1, 28);
    new_y = y + draw.between(-6, 6);
  }
  if (new_y == y && new_d == d) new_d = d == 1 ? 2 : 1;
  std::string out(surface);
  auto put = [&](const DigitRun& r, int value) {
    std::size_t width = r.end - r.begin;
    std::string v = width == 2 ? two_digits(value % 100) : std::to_string(value);
    out.replace(r.begin, width, v);
  };
  // Right to left, so replacements keep the earlier offsets.
  std::vector<std::pair<DigitRun, int>> edits;
  std::size_t year_run = runs.size();
  for (std::size_t k = 0; k < runs.size(); ++k) {
    if (runs[k].end - runs[k].begin == 4) year_run = k;
  }
  if (year_run < runs.size()) edits.push_back({runs[year_run], new_y});
  std::vector<std::size_t> small;
  for (std::size_t k = 0; k < runs.size(); ++k) {
    if (k != year_run) small.push_back(k);
  }
  if (small.size() == 1) {
    edits.push_back({runs[small[0]], new_d});
  } else if (small.size() == 2) {
    // dd.mm.yyyy: day first; yyyy-mm-dd: day last.
    bool year_first = year_run == 0;
    edits.push_back({runs[small[year_first ? 1 : 0]], new_d});
  } else if (small.size() == 3 && year_run == runs.size()) {
    edits.push_back({runs[small[0]], new_d});  // dd.mm.yy
    edits.push_back({runs[small[2]], new_y % 100});
  }
  std::sort(edits.begin(), edits.end(), [](const auto& a, const auto& b) { return a.first.begin > b.first.begin; });
  for (const auto& [run, value] : edits) put(run, value);
  if (out == surface) return std::string(surface) + " ";
  return out;
}

// ---------------------------------------------------------------------------
// Addresses

std::string surrogate_address(std::string_view surface, Draw& draw) {
  static const auto ru = data_values("patterns/surrogate_streets.txt", "ru");
  static const auto kk = data_values("patterns/surrogate_streets.txt", "kk");
  static const auto lat = data_values("patterns/surrogate_streets.txt", "lat");
  static const auto ru_mkr = data_values("patterns/surrogate_streets.txt", "ru-mkr");
  static const auto kk_mkr = data_values("patterns/surrogate_streets.txt", "kk-mkr");
  static const auto lat_mkr = data_values("patterns/surrogate_streets.txt", "lat-mkr");
  const Lexicon& lex = Lexicon::get();
  std::vector<Token> t;
  tokenize(surface, t);
  const std::size_t n = t.size();
  constexpr std::uint32_t kNotName = kRoleHouseMark | kRoleHouseMarkAfter | kRoleStreetPrefix | kRoleStreetSuffix |
                                     kRoleNumber | kRoleAddressStop;
  auto roles = [&](std::size_t i) { return t[i].kind == TokenKind::kWord ? lex.roles(t[i].fold_hash) : 0u; };
  auto dash = [&](std::size_t i) { return i < n && t[i].kind == TokenKind::kPunct && t[i].view(surface) == "-"; };
  auto glued = [&](std::size_t i) { return i + 1 < n && t[i].end == t[i + 1].begin; };

  // Street type words, with what is glued to them (пр-т, б-р, ш.а.).
  std::vector<bool> type(n, false);
  bool kazakh = false, micro = false;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t r = roles(i);
    if (!(r & (kRoleStreetPrefix | kRoleStreetSuffix))) continue;
    type[i] = true;
    std::string f = fold(t[i].view(surface));
    kazakh = kazakh || (r & kRoleStreetSuffix) != 0;
    micro = micro || f == "мкр" || f == "мкрн" || f.starts_with("микрорайон") || f == "шағын" || f == "ықшам" ||
            f == "ықшамауданы" || f == "microdistrict" || f == "mkr";
    for (std::size_t j = i; glued(j) && j + 1 < n && t[j + 1].kind != TokenKind::kNumber && j < i + 3; ++j) {
      type[j + 1] = true;
    }
    if (f == "шағын" || f == "ықшам") {
      if (i + 1 < n && fold(t[i + 1].view(surface)).starts_with("аудан")) type[i + 1] = true;
    }
  }
  // The name: the first run of name words, with hyphenated parts.
  std::size_t name_first = n, name_last = n;
  for (std::size_t i = 0; i < n; ++i) {
    if (t[i].kind == TokenKind::kWord && !type[i] && !(roles(i) & kNotName) && !(t[i].letters == 1 && i > 0 && t[i - 1].kind == TokenKind::kNumber && t[i - 1].end == t[i].begin)) {
      name_first = name_last = i;
      std::size_t j = i + 1;
      while (j < n) {
        if (dash(j) && glued(j - 1) && glued(j) && j + 1 < n &&
            (t[j + 1].kind == TokenKind::kWord || t[j + 1].kind == TokenKind::kNumber)) {
          name_last = j + 1;
          j += 2;
        } else if (t[j].kind == TokenKind::kWord && !type[j] && !(roles(j) & kNotName)) {
          name_last = j;
          ++j;
        } else {
          break;
        }
      }
      break;
    }
  }
  bool latin = name_first < n ? (t[name_first].flags & kLatin) != 0 : false;
  bool lower = name_first < n ? !(t[name_first].flags & (kCapitalized | kAllCaps)) : false;
  const auto& names = micro ? (latin ? lat_mkr : kazakh ? kk_mkr : ru_mkr) : (latin ? lat : kazakh ? kk : ru);
  if (names.empty()) name_first = n;

  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::string out;
    std::size_t at = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (i == name_first) {
        out.append(surface.substr(at, t[i].begin - at));
        std::string name(draw.pick(names));
        out += lower ? fold(name) : name;
        at = t[name_last].end;
        i = name_last;
        continue;
      }
      if (t[i].kind == TokenKind::kNumber) {
        out.append(surface.substr(at, t[i].begin - at));
        out += draw.digits(t[i].letters, 1);
        at = t[i].end;
      } else if (roles(i) & kRoleNumber) {
        // A number said in words becomes digits.
        std::size_t j = i;
        while (j + 1 < n && (roles(j + 1) & kRoleNumber)) ++j;
        out.append(surface.substr(at, t[i].begin - at));
        out += std::to_string(draw.between(1, 199));
        at = t[j].end;
        i = j;
      }
    }
    out.append(surface.substr(at));
    if (fold(out) != fold(surface)) return out;
  }
  return std::string(surface) + " 1";
}

}  // namespace

std::string surrogate_pattern_value(const Finding& f, std::string_view surface, std::uint64_t seed) {
  Draw draw(seed);
  std::string out;
  switch (f.type) {
    case EntityType::kPhone: out = surrogate_phone(f, surface, draw); break;
    case EntityType::kIin:
    case EntityType::kBin:
    case EntityType::kCard: out = surrogate_digits_id(f, surface, draw); break;
    case EntityType::kIban: out = surrogate_iban(f, surface, draw); break;
    case EntityType::kEmail: out = surrogate_email(f, surface, draw); break;
    case EntityType::kIpAddress: out = surrogate_ip(f, surface, draw); break;
    case EntityType::kUrl: out = surrogate_url(surface, draw); break;
    case EntityType::kDateOfBirth: out = surrogate_dob(f, surface, draw); break;
    case EntityType::kIdCard: out = redraw_digits(surface, draw, true); break;
    case EntityType::kPassport: out = redraw_digits(surface, draw, false); break;
    case EntityType::kVehiclePlate: out = surrogate_plate(surface, draw); break;
    case EntityType::kAddress: out = surrogate_address(surface, draw); break;
    case EntityType::kPerson: out = std::string(surface); break;  // surrogate_person's job
  }
  if (out == surface) out += "0";
  return out;
}

}  // namespace dpa::anonymize

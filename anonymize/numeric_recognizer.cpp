// Identifiers written in digits. A number token starts a *sequence*: the
// digit groups that follow it separated only by spaces, dashes and
// parentheses ("8 (701) 123-45-67", "4400 4301 2345 6789"). Every run of
// whole groups in a sequence is a candidate whose digit count says what it
// could be (10-11 a phone, 12 an IIN or BIN, 15-19 a card, 9 an ID card,
// 10 a passport after "паспорт"); the longest candidate that validates
// wins, left to right. The same
// number token also tries the forms that touch letters or dots: IBAN
// ("KZ86..."), passport ("N12345678"), plates ("123ABC02"), IPv4 and dates.
#include <array>
#include <cstring>
#include <string>

#include "anonymize/pattern_scan.h"
#include "anonymize/phone_numbers.h"
#include "anonymize/validators.h"

namespace dpa::anonymize {
namespace {

constexpr std::size_t kMaxGroups = 12;
// How far back a cue may be: a question and its answer ("passport number
// customer: it's N12345678", "Номер удостоверения? 13.06.2023, 15:12 -
// 8-777-384-99-85: 093358640") are up to two dozen tokens apart.
constexpr std::size_t kCueWindow = 24;
constexpr std::size_t kMaxDigits = 19;

// A word built on a passport stem ("загранпаспорт", "загранпаспорта",
// "техпаспорте", "Passports", "төлқұжатыңызды"): the lexicon lists the
// common forms, compounds and rarer endings are many. The stems are
// matched in the raw text in the cases a writer uses.
bool has_passport_stem(std::string_view word) {
  static constexpr std::string_view kStems[] = {
      "\xD0\xBF\xD0\xB0\xD1\x81\xD0\xBF\xD0\xBE\xD1\x80\xD1\x82",  // паспорт
      "\xD0\x9F\xD0\x90\xD0\xA1\xD0\x9F\xD0\x9E\xD0\xA0\xD0\xA2",  // ПАСПОРТ
      "\xD1\x82\xD3\xA9\xD0\xBB\xD2\x9B\xD2\xB1\xD0\xB6\xD0\xB0\xD1\x82",  // төлқұжат
      "assport", "ASSPORT"};
  for (auto stem : kStems) {
    if (word.find(stem) != std::string_view::npos) return true;
  }
  return false;
}

std::size_t find_passport_stem_before(const PatternScan& s, std::size_t i, std::size_t back = kCueWindow) {
  for (std::size_t k = i, steps = 0; k > 0 && steps < back; ++steps) {
    --k;
    if (s.is_word(k) && s.tok[k].letters >= 7 && has_passport_stem(s.view(k))) return k;
  }
  return s.n;
}

// Every number token builds a Sequence: no member initializers, so the
// groups not used cost nothing.
struct Group {
  std::uint32_t tok;        // the number token
  std::uint32_t begin_tok;  // where a finding starting here begins ('(' or '+' included)
  std::uint32_t end_tok;    // where a finding ending here ends (')' included)
  std::uint16_t digits;
  bool dash_before;
  bool paren;               // in parentheses
};

struct Sequence {
  std::array<Group, kMaxGroups> g;
  std::size_t count = 0;
  std::size_t digits = 0;      // of all groups
  bool plus = false;           // '+' before the first group
  bool open = false;           // '(' glued before the first group
  bool left_blocked = false;   // the first group touches a letter or a decimal point
  bool right_blocked = false;
  bool ends_at_text = false;   // the last group ends where the next token is
                               // not a separator: blocked_after() decides
  std::size_t next = 0;        // the token after the last group
};

bool is_dash(const PatternScan& s, std::size_t i) {
  if (i >= s.n || s.kind(i) != TokenKind::kPunct) return false;
  // A punctuation token is one code point: '-' alone, or three bytes from 0xE2.
  const char first = s.text[s.tok[i].begin];
  if (first == '-') return true;
  if (first != '\xE2') return false;
  std::string_view v = s.view(i);
  return v == "\xE2\x80\x93" || v == "\xE2\x80\x90" || v == "\xE2\x80\x91" || v == "\xE2\x88\x92";  // – ‐ ‑ −
}

// Whether the token before number token i glues it to something that is
// not a phone, card or IIN: letters ("ID7011234567"), a decimal or time
// ("1.5", "10:30"), an order sign ("#123", "№123").
bool blocked_before(const PatternScan& s, std::size_t i) {
  if (i == 0 || s.tok[i - 1].end != s.tok[i].begin) return false;
  std::size_t p = i - 1;
  if (s.kind(p) == TokenKind::kWord) return true;
  char c = s.punct(p);
  if (c == '#' || c == '_' || c == '@' || c == '&' || c == '=') return true;
  if (c == '.' || c == ',' || c == ':' || c == '/') {
    return p > 0 && s.tok[p - 1].end == s.tok[p].begin && s.is_number(p - 1);
  }
  return s.view(p) == "\xE2\x84\x96";  // №
}

bool blocked_after(const PatternScan& s, std::size_t i) {
  if (!s.touches(i)) return false;
  std::size_t q = i + 1;
  if (s.kind(q) == TokenKind::kWord) return true;
  char c = s.punct(q);
  if (c == '@' || c == '_' || c == '%') return true;
  if (c == '.' || c == ',' || c == ':' || c == '/') return s.touches(q) && s.is_number(q + 1);
  return false;
}

// What may stand between two groups of a sequence: a dash, '(' or ')'.
// Asked after most number tokens: the token is read once, not once per
// character asked about.
bool group_separator(const PatternScan& s, std::size_t k) {
  if (k >= s.n || s.kind(k) != TokenKind::kPunct) return false;
  // A punctuation token is one code point: an ASCII first byte is all of it.
  const char first = s.text[s.tok[k].begin];
  if (first == '-' || first == '(' || first == ')') return true;
  return first == '\xE2' && is_dash(s, k);
}

Sequence read_sequence(const PatternScan& s, std::size_t i) {
  Sequence q;
  std::size_t j = i;
  bool dash = false, open = false;
  std::size_t begin_tok = i;
  if (i > 0 && s.is_punct(i - 1, '(') && s.tok[i - 1].end == s.tok[i].begin) {
    open = true;
    begin_tok = i - 1;
  }
  if (begin_tok > 0 && s.is_punct(begin_tok - 1, '+') && s.tok[begin_tok - 1].end == s.tok[begin_tok].begin) {
    q.plus = true;
    --begin_tok;
  }
  q.open = open;
  for (;;) {
    Group& g = q.g[q.count++];
    g.tok = static_cast<std::uint32_t>(j);
    g.begin_tok = static_cast<std::uint32_t>(begin_tok);
    g.end_tok = static_cast<std::uint32_t>(j);
    g.digits = s.tok[j].letters;
    g.dash_before = dash;
    g.paren = open;
    q.digits += g.digits;
    q.next = j + 1;
    if (g.digits > kMaxDigits) {
      q.right_blocked = true;
      break;
    }
    // Separators: at most three of - – ( ) between two groups.
    std::size_t k = j + 1;
    bool close = false;
    dash = false;
    open = false;
    std::size_t open_tok = 0;
    for (; k < s.n && k - j <= 3 && group_separator(s, k); ++k) {
      if (is_dash(s, k)) {
        dash = true;
      } else if (s.punct(k) == '(') {
        open = true;
        open_tok = k;
      } else {
        close = true;
      }
    }
    if (close && g.paren && s.is_punct(j + 1, ')')) g.end_tok = static_cast<std::uint32_t>(j + 1);
    if (close && !g.paren) break;  // ")" closing nothing of ours
    if (!(k < s.n && s.is_number(k)) || q.count == kMaxGroups) {
      q.ends_at_text = true;
      break;
    }
    j = k;
    begin_tok = open ? open_tok : k;
  }
  return q;
}

// What glues the sequence starting at number token i to the text around
// it; only a sequence long enough to hold an identifier needs to know.
void read_blocks(const PatternScan& s, std::size_t i, Sequence& q) {
  // "ИИН880101300123", "тел87011234567": a cue glued on is still a cue.
  bool cue_glued = i > 0 && (s.roles(i - 1) & (kRoleIinCue | kRolePhoneCue)) != 0;
  q.left_blocked = !q.plus && !q.open && !cue_glued && blocked_before(s, i);
  if (q.ends_at_text) q.right_blocked = blocked_after(s, q.g[q.count - 1].tok);
}

bool amount_after(const PatternScan& s, std::size_t i) {
  std::size_t k = i + 1;
  if (k >= s.n) return false;
  if (is_currency_sign(s, k)) return true;
  return (s.roles(k) & kRoleAmountUnit) != 0;
}

// "ИИН", "ЖСН" among the few tokens before.
std::string_view iin_cue(const PatternScan& s, std::size_t first) {
  std::size_t k = s.find_role_before(first, 3, kRoleIinCue);
  return k < s.n ? s.lex.word(s.entry(k)) : std::string_view();
}

class SequenceMatcher {
 public:
  SequenceMatcher(PatternScan& s, const Sequence& q) : s_(s), q_(q) {}

  void run() {
    // The groups from `a` on, joined once: the candidate a..b is a prefix of
    // them, `joined[b - a]` digits long. One group is read in the text
    // itself, and groups too short for any candidate are not copied.
    std::uint8_t joined[kMaxGroups];
    for (std::size_t a = 0; a < q_.count; ++a) {
      std::size_t total = 0, last = a;
      for (std::size_t b = a; b < q_.count && total + q_.g[b].digits <= kMaxDigits; ++b) {
        total += q_.g[b].digits;
        joined[b - a] = static_cast<std::uint8_t>(total);
        last = b;
      }
      if (total < 9) continue;
      const char* digits = s_.text.data() + s_.tok[q_.g[a].tok].begin;
      if (last > a) {
        for (std::size_t b = a, at = 0; b <= last; at += q_.g[b].digits, ++b) {
          std::memcpy(digits_ + at, s_.text.data() + s_.tok[q_.g[b].tok].begin, q_.g[b].digits);
        }
        digits = digits_;
      }
      for (std::size_t b = last + 1; b-- > a;) {
        std::size_t len = joined[b - a];
        if (len < 9) break;
        if (try_candidate(a, b, std::string_view(digits, len))) {
          a = b;
          break;
        }
      }
    }
  }

 private:
  bool try_candidate(std::size_t a, std::size_t b, std::string_view d) {
    if (a == 0 && q_.left_blocked) return false;
    if (b + 1 == q_.count && q_.right_blocked) return false;
    bool plus = a == 0 && q_.plus;
    std::size_t len = d.size();
    if (amount_after(s_, q_.g[b].end_tok)) return false;
    if (plus) return try_phone(a, b, d, true);
    if (len >= 13) return try_card(a, b, d);
    if (len == 12) return try_iin(a, b, d);
    if (len == 10 && try_passport_series(a, b, d)) return true;
    if (len >= 10) return try_phone(a, b, d, false);
    return try_id_card(a, b, d);
  }

  std::size_t begin_byte(std::size_t a) const {
    std::size_t t = (a == 0 || q_.g[a].paren) ? q_.g[a].begin_tok : q_.g[a].tok;
    return s_.tok[t].begin;
  }
  std::size_t end_byte(std::size_t b) const { return s_.tok[q_.g[b].end_tok].end; }

  bool try_card(std::size_t a, std::size_t b, std::string_view d) {
    std::size_t count = b - a + 1;
    bool grouped = count == 1;
    if (!grouped) {
      bool fours = q_.g[b].digits >= 1 && q_.g[b].digits <= 4;
      for (std::size_t k = a; k < b; ++k) fours = fours && q_.g[k].digits == 4;
      bool amex = count == 3 && q_.g[a].digits == 4 && q_.g[a + 1].digits == 6 &&
                  (q_.g[b].digits == 5 || q_.g[b].digits == 4);
      grouped = (fours && count >= 3) || amex;
    }
    if (!grouped || !valid_card(d)) return false;
    s_.emit(begin_byte(a), end_byte(b), EntityType::kCard, count == 1 ? 0.9f : 0.95f, std::string(d),
            "card.digits", "luhn");
    return true;
  }

  bool try_iin(std::size_t a, std::size_t b, std::string_view d) {
    // Contiguous, or in up to four groups of two or more digits (880101
    // 300123, 880 101 300 123, 8801 0130 0123): the date and the check digit
    // make a chance match rare.
    // Grouped, it is the whole run: "2202 0832 7820 5823" is a card-like
    // number, not an IIN and a remainder.
    std::size_t count = b - a + 1;
    if (count > 4 || (count > 1 && (a != 0 || b + 1 != q_.count))) return false;
    for (std::size_t k = a; k <= b; ++k) {
      if (q_.g[k].digits < 2 || q_.g[k].paren) return false;
    }
    std::string_view cue = iin_cue(s_, q_.g[a].begin_tok);
    if (valid_iin(d)) {
      s_.emit(begin_byte(a), end_byte(b), EntityType::kIin, cue.empty() ? 0.95f : 0.99f, std::string(d),
              "iin.digits", "iin.checksum", cue);
      return true;
    }
    if (valid_bin(d)) {
      s_.emit(begin_byte(a), end_byte(b), EntityType::kBin, cue.empty() ? 0.9f : 0.97f, std::string(d),
              "bin.digits", "bin.checksum", cue);
      return true;
    }
    return false;
  }

  bool try_phone(std::size_t a, std::size_t b, std::string_view d, bool plus) {
    std::size_t count = b - a + 1;
    bool separators = false, parens = false;
    for (std::size_t k = a; k <= b; ++k) {
      separators = separators || q_.g[k].dash_before;
      parens = parens || q_.g[k].paren;
    }
    // 1 234 567 890: thousands, an amount.
    if (!plus && count >= 3 && q_.g[a].digits <= 3 && !separators && !parens) {
      bool thousands = true;
      for (std::size_t k = a + 1; k <= b; ++k) thousands = thousands && q_.g[k].digits == 3;
      if (thousands) return false;
    }
    bool prefixed = plus || d.size() == 11;
    std::size_t first = q_.g[a].begin_tok;
    std::size_t cue = s_.find_role_before(first, 4, kRolePhoneCue | kRoleNotPhoneCue);
    bool phone_cue = cue < s_.n && (s_.roles(cue) & kRolePhoneCue) && !(s_.roles(cue) & kRoleNotPhoneCue);
    bool not_phone_cue = cue < s_.n && (s_.roles(cue) & kRoleNotPhoneCue);
    if (!prefixed) {
      if (not_phone_cue) return false;
      if (d[0] == '9' && count < 3 && !parens && !phone_cue) return false;
    }
    auto check = check_phone(d, plus);
    if (!check) return false;
    float confidence;
    std::string_view validator = "libphonenumber";
    if (check->validity == PhoneValidity::kValid) {
      confidence = prefixed ? 0.95f : (d[0] == '9' ? 0.8f : 0.85f);
    } else {
      // Ten digits without a prefix only in a phone's grouping: 7212 15 06 81.
      bool grouped = count >= 3 && (q_.g[a].digits == 3 || q_.g[a].digits == 4) && d[0] == '7';
      if (!prefixed && !grouped) return false;
      confidence = count > 1 || phone_cue ? 0.75f : 0.7f;
      validator = "kz.numbering";
    }
    s_.emit(begin_byte(a), end_byte(b), EntityType::kPhone, confidence, std::move(check->e164), "phone.digits",
            validator, phone_cue ? s_.lex.word(s_.entry(cue)) : std::string_view());
    return true;
  }

  // A Russian passport after "паспорт": series and number, 4517 339105.
  bool try_passport_series(std::size_t a, std::size_t b, std::string_view d) {
    std::size_t count = b - a + 1;
    if (!(count == 1 || (count == 2 && q_.g[a].digits == 4))) return false;
    // Ten digits in one group may be a phone: the cue must be close. Four
    // and six are a passport's grouping, no phone's: the cue may be in the
    // question a few lines up ("Паспорт для полиса? <time> - Клиент: 4517
    // 339105").
    const std::size_t window = count == 2 ? kCueWindow : 6;
    const std::size_t first = q_.g[a].begin_tok;
    std::size_t cue = s_.find_role_before(first, window, kRolePassportCue);
    std::string_view context;
    if (cue < s_.n) context = s_.lex.word(s_.entry(cue));
    else if (find_passport_stem_before(s_, first, window) < s_.n) context = "passport";
    else return false;
    s_.emit(begin_byte(a), end_byte(b), EntityType::kPassport, 0.85f, std::string(d), "passport", "", context);
    return true;
  }

  // Nine digits after "удостоверение", "ЖСК", "№".
  bool try_id_card(std::size_t a, std::size_t b, std::string_view d) {
    if (a != b || d.size() != 9) return false;
    std::size_t first = q_.g[a].begin_tok;
    if (s_.find_role_before(first, 6, kRoleNotPhoneCue) < s_.n) return false;
    std::size_t cue = s_.find_role_before(first, kCueWindow, kRoleIdCue);
    float confidence = 0.85f;
    std::string_view context;
    if (cue < s_.n) {
      context = s_.lex.word(s_.entry(cue));
    } else if ((first > 0 && s_.view(first - 1) == "\xE2\x84\x96") ||
               (first > 1 && s_.view(first - 2) == "\xE2\x84\x96")) {
      confidence = 0.6f;
      context = "\xE2\x84\x96";
    } else {
      return false;
    }
    s_.emit(begin_byte(a), end_byte(b), EntityType::kIdCard, confidence, std::string(d), "id_card", "", context);
    return true;
  }

  PatternScan& s_;
  const Sequence& q_;
  char digits_[kMaxDigits + 1] = {};
};

// "KZ86 125K ZT50 0410 0100": a two-letter word touching number token i.
[[gnu::noinline]] std::size_t try_iban(PatternScan& s, std::size_t i) {
  std::size_t w = i - 1;
  std::string_view cc = s.view(w);
  if (cc.size() != 2) return i;
  char country[2] = {static_cast<char>(cc[0] & ~0x20), static_cast<char>(cc[1] & ~0x20)};
  int len = iban_length(std::string_view(country, 2));
  if (len == 0 || s.tok[i].letters < 2) return i;
  char buf[40];
  int k = 0;
  std::size_t p = s.tok[w].begin, end = p;
  const std::string_view t = s.text;
  auto alnum = [](char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); };
  while (p < t.size() && k < len) {
    char c = t[p];
    if (alnum(c)) {
      buf[k++] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
      end = ++p;
    } else if (c == ' ' && p + 1 < t.size() && alnum(t[p + 1])) {
      ++p;
    } else {
      break;
    }
  }
  if (k != len || (end < t.size() && alnum(t[end]))) return i;
  std::string_view iban(buf, static_cast<std::size_t>(k));
  if (!valid_iban(iban)) return i;
  s.emit(s.tok[w].begin, end, EntityType::kIban, 0.97f, std::string(iban), "iban", "iban.mod97");
  std::size_t j = i;
  while (j < s.n && s.tok[j].end <= end) ++j;
  return j;
}

// "N12345678" or "N 12345678" after a passport cue.
[[gnu::noinline]] std::size_t try_passport(PatternScan& s, std::size_t i) {
  std::size_t w = i - 1;
  std::string_view letter = s.view(w);
  if (!(letter == "N" || letter == "n" || letter == "\xD0\x9D")) return i;  // N, n, Н
  if (blocked_after(s, i)) return i;
  std::size_t cue = s.find_role_before(w, kCueWindow, kRolePassportCue);
  float confidence = 0.85f;
  std::string_view context;
  if (cue < s.n) {
    context = s.lex.word(s.entry(cue));
  } else if (find_passport_stem_before(s, w) < s.n) {
    context = "passport";  // static: a finding may outlive the text it came from
  } else if (w > 0 && s.view(w - 1) == "\xE2\x84\x96") {
    confidence = 0.6f;
    context = "\xE2\x84\x96";
  } else {
    return i;
  }
  std::string normalized = "N";
  normalized += s.view(i);
  s.emit(s.tok[w].begin, s.tok[i].end, EntityType::kPassport, confidence, std::move(normalized), "passport", "",
         context);
  return i + 1;
}

bool upper_latin(const PatternScan& s, std::size_t i) {
  return s.is_latin_word(i) && (s.tok[i].flags & (kAllCaps | kCapitalized)) &&
         (s.tok[i].letters == 1 || (s.tok[i].flags & kAllCaps));
}

// Whether the Latin letters `w` of a lower-case "123 abc 02" stand out as
// a plate's rather than a word's: the words around it are Cyrillic (a
// Russian or Kazakh transcript has no Latin word there), or the letters
// are three without a vowel (no English word but "hmm", "nth").
// Units and currencies ("248 km 07 числа", "500 usd 10") are known to the
// lexicon and never do.
bool plate_letters_stand_out(const PatternScan& s, std::size_t i, std::size_t w, std::size_t r) {
  if (s.roles(w) != 0) return false;
  auto cyrillic_word = [&](std::size_t k) { return s.is_word(k) && (s.tok[k].flags & kCyrillic); };
  for (std::size_t k = i, steps = 0; k > 0 && steps < 3; ++steps) {
    --k;
    if (s.kind(k) == TokenKind::kNewline) break;
    if (s.is_word(k)) {
      if (cyrillic_word(k)) return true;
      break;
    }
  }
  for (std::size_t k = r + 1, steps = 0; k < s.n && steps < 3; ++k, ++steps) {
    if (s.kind(k) == TokenKind::kNewline) break;
    if (s.is_word(k)) {
      if (cyrillic_word(k)) return true;
      break;
    }
  }
  if (s.tok[w].letters != 3) return false;
  for (char c : s.view(w)) {
    switch (c | 0x20) {
      case 'a': case 'e': case 'i': case 'o': case 'u': case 'y': return false;
      default: break;
    }
  }
  return true;
}

// KZ plates: "123 ABC 02", "123ABC02" (region 01-20); old "A 123 BCD".
// Russian: "А123ВС77". Upper case or glued, a plate reads as one; in lower
// case ("123 abc 02", as recognizers print it) after a vehicle cue, or when
// its letters stand out from the words around (plate_letters_stand_out).
[[gnu::noinline]] std::size_t try_plate(PatternScan& s, std::size_t i) {
  if (s.tok[i].letters != 3) return i;
  std::size_t w = i + 1, r = i + 2;
  if (i > 0 && s.tok[i - 1].end == s.tok[i].begin && !s.is_word(i - 1)) return i;
  auto free_after = [&](std::size_t k) {
    return !s.touches(k) || s.kind(k + 1) == TokenKind::kPunct || s.kind(k + 1) == TokenKind::kNewline;
  };
  if (s.is_latin_word(w) && s.tok[w].letters >= 2 && s.tok[w].letters <= 3 && s.is_number(r) &&
      s.tok[r].letters == 2 && free_after(r)) {
    bool glued = s.touches(i) && s.touches(w);
    long region = s.number_value(r);
    bool before_ok = i == 0 || s.tok[i - 1].end != s.tok[i].begin;
    std::size_t cue = s.find_role_before(i, kCueWindow, kRoleVehicleCue);
    bool region_ok = region >= 1 && region <= 20;
    if (region_ok && before_ok &&
        (glued || upper_latin(s, w) || cue < s.n || plate_letters_stand_out(s, i, w, r))) {
      std::string plate(s.view(i));
      for (char c : s.view(w)) plate += static_cast<char>(c >= 'a' ? c - 32 : c);
      plate += s.view(r);
      float confidence = cue < s.n ? 0.85f : glued || upper_latin(s, w) ? 0.75f : 0.6f;
      s.emit(s.tok[i].begin, s.tok[r].end, EntityType::kVehiclePlate, confidence, std::move(plate),
             "plate.kz", "", cue < s.n ? s.lex.word(s.entry(cue)) : std::string_view());
      return r + 1;
    }
  }
  // Old KZ: a region letter, 3 digits, 3 letters, all upper case.
  if (i > 0 && upper_latin(s, i - 1) && s.tok[i - 1].letters == 1 && upper_latin(s, w) && s.tok[w].letters == 3 &&
      (i < 2 || s.tok[i - 2].end != s.tok[i - 1].begin) && !s.touches(w)) {
    std::string plate(s.view(i - 1));
    plate += s.view(i);
    plate += s.view(w);
    s.emit(s.tok[i - 1].begin, s.tok[w].end, EntityType::kVehiclePlate, 0.7f, std::move(plate), "plate.kz", "");
    return w + 1;
  }
  // Russian: letter, 3 digits, 2 letters, region of 2-3 digits, glued.
  auto ru_letters = [&](std::size_t k, std::size_t count) {
    if (!s.is_word(k) || s.tok[k].letters != count || !(s.tok[k].flags & kCyrillic)) return false;
    static constexpr std::string_view kAllowed[] = {"А", "В", "Е", "К", "М", "Н", "О", "Р", "С", "Т", "У", "Х"};
    std::string_view v = s.view(k);
    for (std::size_t p = 0; p < v.size(); p += 2) {
      bool ok = false;
      for (auto a : kAllowed) ok = ok || v.substr(p, 2) == a;
      if (!ok) return false;
    }
    return true;
  };
  if (i > 0 && ru_letters(i - 1, 1) && s.tok[i - 1].end == s.tok[i].begin && s.touches(i) && ru_letters(w, 2) &&
      s.touches(w) && s.is_number(r) && (s.tok[r].letters == 2 || s.tok[r].letters == 3) && !s.touches(r) &&
      (i < 2 || s.tok[i - 2].end != s.tok[i - 1].begin)) {
    std::string plate(s.text.substr(s.tok[i - 1].begin, s.tok[r].end - s.tok[i - 1].begin));
    s.emit(s.tok[i - 1].begin, s.tok[r].end, EntityType::kVehiclePlate, 0.75f, std::move(plate), "plate.ru", "");
    return r + 1;
  }
  return i;
}

// 192.168.1.10: four octets joined by dots, not part of a longer dotted run.
[[gnu::noinline]] std::size_t try_ipv4(PatternScan& s, std::size_t i) {
  if (i + 6 >= s.n) return i;
  std::size_t k = i;
  for (int part = 0; part < 3; ++part) {
    if (!(s.touches(k) && s.is_punct(k + 1, '.') && s.touches(k + 1) && s.is_number(k + 2))) return i;
    k += 2;
  }
  if (s.touches(k) && (s.is_punct(k + 1, '.') || s.kind(k + 1) == TokenKind::kWord) && s.touches(k + 1) &&
      (s.is_number(k + 2) || s.kind(k + 1) == TokenKind::kWord)) {
    return k + 1;  // 1.2.3.4.5 or 1.2.3.4a: a version
  }
  if (i > 0 && s.tok[i - 1].end == s.tok[i].begin && !s.is_punct(i - 1, '(') && !s.is_punct(i - 1, '[') &&
      !s.is_punct(i - 1, '/') && !s.is_punct(i - 1, '=') && !s.is_punct(i - 1, ':')) {
    return k + 1;
  }
  std::string_view v = s.text.substr(s.tok[i].begin, s.tok[k].end - s.tok[i].begin);
  if (!parse_ipv4(v)) return k + 1;
  // "v1.2.3.4", "обновила до версии 1.2.3.4", "1.2.3.4 нұсқасына жаңартыңыз"
  if (s.find_role_before(i, 4, kRoleVersionCue) < s.n || s.find_role_after(k + 1, 2, kRoleVersionCue) < s.n) {
    return k + 1;
  }
  s.emit(s.tok[i].begin, s.tok[k].end, EntityType::kIpAddress, 0.85f, std::string(v), "ip.v4", "ipv4");
  return k + 1;
}

// The sequence starting at number token i, its candidates matched; returns
// the token after it. Most numbers never get here (see scan_number()).
[[gnu::noinline]] std::size_t scan_sequence(PatternScan& s, std::size_t i) {
  Sequence q = read_sequence(s, i);
  if (q.digits >= 9) {
    read_blocks(s, i, q);
    SequenceMatcher(s, q).run();
  }
  return q.next;
}

}  // namespace

bool is_currency_sign(const PatternScan& s, std::size_t i) {
  if (i >= s.n || s.kind(i) != TokenKind::kPunct) return false;
  std::string_view v = s.view(i);
  return v == "$" || v == "%" || v == "\xE2\x82\xB8" /* ₸ */ || v == "\xE2\x82\xBD" /* ₽ */ ||
         v == "\xE2\x82\xAC" /* € */ || v == "\xC2\xA3" /* £ */;
}

// Called for every number token. The rarer forms (IBAN, passport, plate,
// IPv4, a sequence of groups) are tried out of line ([[gnu::noinline]]):
// inlined, their frames and saved registers cost every lone number too.
std::size_t scan_number(PatternScan& s, std::size_t i) {
  if (i > 0 && s.tok[i - 1].end == s.tok[i].begin && s.is_word(i - 1)) {
    std::size_t j = try_iban(s, i);
    if (j != i) return j;
    if (s.tok[i].letters == 8) {
      j = try_passport(s, i);
      if (j != i) return j;
    }
  } else if (i > 0 && s.tok[i].letters == 8 && s.is_word(i - 1) && s.tok[i - 1].letters == 1) {
    std::size_t j = try_passport(s, i);
    if (j != i) return j;
  }
  // Dates (12.03.1985, 12/03/1985, 1985-03-12) and IPv4 addresses go on
  // with a '.', '/' or '-' glued on; a time (12:03) does not.
  const char glued = s.touches(i) ? s.punct(i + 1) : '\0';
  if ((glued == '.' || glued == '/' || glued == '-') && s.tok[i].letters <= 4) {
    std::size_t j = scan_numeric_date(s, i);
    if (j != i) return j;
    if (s.tok[i].letters <= 3) {
      j = try_ipv4(s, i);
      if (j != i) return j;
    }
  }
  if (s.tok[i].letters == 3) {
    std::size_t j = try_plate(s, i);
    if (j != i) return j;
  }
  if (s.tok[i].letters <= 2 && !s.touches(i)) {
    std::size_t j = scan_spaced_date(s, i);
    if (j != i) return j;
  }
  // Most numbers stand alone (a time, an amount, a house number): nothing
  // after them read_sequence() would join, and too few digits for an
  // identifier. They need no Sequence.
  if (s.tok[i].letters < 9 && !s.is_number(i + 1) && !group_separator(s, i + 1)) return i + 1;
  return scan_sequence(s, i);
}

}  // namespace dpa::anonymize

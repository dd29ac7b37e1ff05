// Street addresses, triggered by a street-type word. Russian and English
// "microdistrict" put the type first (ул. Абая, д. 15, кв. 3; улица абая
// дом пятнадцать), Kazakh and English put it after the name (Абай көшесі 15
// үй 3 пәтер; 15 Tole bi street). The finding spans type, name and the
// house, building and flat numbers (digits or words); a street without a
// number is not reported.
#include <string>

#include "anonymize/pattern_scan.h"

namespace dpa::anonymize {
namespace {

// Month names stay possible: streets and microdistricts are named after
// them (Мамыр, 8 Марта, Желтоқсан).
constexpr std::uint32_t kNotName = kRoleHouseMark | kRoleHouseMarkAfter | kRoleStreetPrefix | kRoleStreetSuffix |
                                   kRoleAddressStop | kRoleNumber | kRoleAmountUnit;
constexpr std::size_t kMaxNameWords = 3;
constexpr std::size_t kMaxTailTokens = 16;

bool name_word(const PatternScan& s, std::size_t k) { return s.is_word(k) && !(s.roles(k) & kNotName); }

bool is_dash(const PatternScan& s, std::size_t k) { return s.punct(k) == '-'; }

// One number said as words: [сто|семь жүз] [двадцать] [пять], or a teen.
std::size_t spoken_compound(const PatternScan& s, std::size_t j) {
  auto kind = [&](std::size_t k) {
    const LexEntry* e = s.entry(k);
    return e && (e->roles & kRoleNumber) ? e->number : NumberWord::kNone;
  };
  auto value = [&](std::size_t k) { return s.entry(k)->value; };
  auto tens_like = [&](std::size_t k) { return kind(k) == NumberWord::kTens; };
  auto unit = [&](std::size_t k) { return kind(k) == NumberWord::kUnit && value(k) > 0; };
  bool hundreds = false;
  if (kind(j) == NumberWord::kUnit && kind(j + 1) == NumberWord::kHundredMul) {
    j += 2;
    hundreds = true;
  } else if (kind(j) == NumberWord::kHundreds || kind(j) == NumberWord::kHundredMul) {
    j += 1;
    hundreds = true;
  }
  if (hundreds) {
    if (tens_like(j)) {
      ++j;
      if (unit(j)) ++j;
    } else if (kind(j) == NumberWord::kTeen || unit(j)) {
      ++j;
    }
    return j;
  }
  if (tens_like(j)) return unit(j + 1) ? j + 2 : j + 1;
  if (kind(j) == NumberWord::kTeen || kind(j) == NumberWord::kUnit) return j + 1;
  return j;
}

struct Tail {
  std::size_t numbers = 0;
  std::size_t last = 0;  // last token of the tail, valid when numbers > 0
  bool marked = false;   // a house mark (дом, кв., үй) in it
};

// House, building and flat numbers from token j on.
Tail read_tail(const PatternScan& s, std::size_t j) {
  Tail t;
  bool after_number = false;
  const std::size_t limit = j + kMaxTailTokens;
  while (j < s.n && j < limit) {
    std::uint32_t r = s.roles(j);
    if (s.punct(j) == ',' && (s.is_number(j + 1) || (s.roles(j + 1) & (kRoleHouseMark | kRoleNumber)))) {
      ++j;
      after_number = false;
      continue;
    }
    if (r & kRoleHouseMark) {
      t.marked = true;
      ++j;
      if (s.is_punct(j, '.') && s.tok[j - 1].end == s.tok[j].begin) ++j;
      if (!(s.is_number(j) || (s.roles(j) & kRoleNumber))) break;
      after_number = false;
      continue;
    }
    if ((r & kRoleHouseMarkAfter) && after_number) {
      t.marked = true;
      t.last = j;
      ++j;
      after_number = false;
      continue;
    }
    if (s.is_number(j) && s.tok[j].letters <= 5) {
      // "06.04.2025", "10:30", "2.5": a date, time or decimal ends the address.
      if (s.touches(j) && (s.punct(j + 1) == '.' || s.punct(j + 1) == ':' || s.punct(j + 1) == ',') &&
          s.touches(j + 1) && s.is_number(j + 2)) {
        break;
      }
      std::size_t k = j;
      // 15/2, 12А, 12 А, 17-1
      for (;;) {
        if (s.touches(k) && (s.punct(k + 1) == '/' || s.punct(k + 1) == '-') && s.touches(k + 1) &&
            s.is_number(k + 2)) {
          k += 2;
        } else if (s.touches(k) && s.is_word(k + 1) && s.tok[k + 1].letters == 1 &&
                   (!s.touches(k + 1) || s.kind(k + 2) != TokenKind::kWord)) {
          k += 1;
        } else {
          break;
        }
      }
      if (s.touches(k) && (s.is_word(k + 1) || s.is_number(k + 1))) break;
      if (s.roles(k + 1) & kRoleAmountUnit) break;
      ++t.numbers;
      t.last = k;
      j = k + 1;
      after_number = true;
      continue;
    }
    if (r & kRoleNumber) {
      std::size_t k = spoken_compound(s, j);
      if (k == j) break;
      if (s.roles(k) & kRoleAmountUnit) break;
      ++t.numbers;
      t.last = k - 1;
      j = k;
      after_number = true;
      continue;
    }
    break;
  }
  return t;
}

std::string normalize(std::string_view surface) {
  // Runs of whitespace become one space, in the folded copy itself: the
  // write position never passes the read position.
  std::string out = fold(surface);
  std::size_t w = 0;
  bool space = false;
  for (std::size_t r = 0; r < out.size(); ++r) {
    char c = out[r];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && w > 0) out[w++] = ' ';
    space = false;
    out[w++] = c;
  }
  out.resize(w);
  return out;
}

void emit_address(PatternScan& s, std::size_t first, std::size_t last, const Tail& t, std::string_view type_word) {
  std::size_t b = s.tok[first].begin, e = s.tok[last].end;
  s.emit(b, e, EntityType::kAddress, t.numbers > 1 ? 0.85f : 0.8f, normalize(s.text.substr(b, e - b)), "address",
         "", type_word);
}

// Street name after a prefix type: up to three words, with hyphenated
// parts (Аль-Фараби, Самал-2). Returns the last token, or n if none.
std::size_t name_forward(const PatternScan& s, std::size_t j) {
  if (!name_word(s, j)) return s.n;
  std::size_t last = j, words = 1;
  std::size_t k = j + 1;
  while (k < s.n) {
    if (is_dash(s, k) && s.tok[k - 1].end == s.tok[k].begin && s.touches(k) && (s.is_word(k + 1) || s.is_number(k + 1))) {
      last = k + 1;
      k += 2;
      continue;
    }
    if (words < kMaxNameWords && name_word(s, k) && !s.touches(last)) {
      ++words;
      last = k;
      ++k;
      continue;
    }
    break;
  }
  return last;
}

// Street name before a suffix type ending at token j; returns its first
// token, or n if none.
std::size_t name_backward(const PatternScan& s, std::size_t j) {
  auto hyphen_start = [&](std::size_t k) {
    while (k >= 2 && is_dash(s, k - 1) && s.tok[k - 1].end == s.tok[k].begin && s.tok[k - 2].end == s.tok[k - 1].begin &&
           s.is_word(k - 2)) {
      k -= 2;
    }
    return k;
  };
  std::size_t first;
  if (s.is_number(j) && j >= 2 && is_dash(s, j - 1) && s.tok[j - 1].end == s.tok[j].begin && s.is_word(j - 2)) {
    first = hyphen_start(j);  // Самал-2
  } else if (name_word(s, j)) {
    first = hyphen_start(j);
  } else {
    return s.n;
  }
  if (first == j && first > 0) {
    // A two-word name: Төле би, Мәңгілик Ел, Bogenbay Batyr.
    bool tail = (s.roles(j) & kRoleStreetNameTail) != 0;
    bool both_capitalized = (s.tok[j].flags & kCapitalized) && s.is_word(j - 1) && (s.tok[j - 1].flags & kCapitalized);
    if ((tail || both_capitalized) && name_word(s, j - 1) && s.tok[j - 1].letters > 1 && !s.touches(j - 1)) {
      first = hyphen_start(j - 1);
    }
  }
  return first;
}

}  // namespace

std::size_t scan_street_type(PatternScan& s, std::size_t i) {
  std::uint32_t r = s.roles(i);
  std::size_t type_end = i;
  std::string_view type_word = s.lex.word(s.entry(i));
  // Abbreviations: пр-т, б-р, ш.а., ул., мкр.
  if (s.touches(i) && is_dash(s, i + 1) && s.touches(i + 1) && s.is_word(i + 2) && s.tok[i + 2].letters <= 3) {
    type_end = i + 2;
  } else if (type_word == "б" || (type_word == "ш")) {
    if (!(type_word == "ш" && s.touches(i) && s.is_punct(i + 1, '.') && s.touches(i + 1) &&
          (s.view(i + 2) == "а" || s.view(i + 2) == "А"))) {
      return i + 1;
    }
    type_end = i + 2;
    if (s.touches(type_end) && s.is_punct(type_end + 1, '.')) ++type_end;
  }
  if (type_end == i && s.touches(i) && s.is_punct(i + 1, '.')) type_end = i + 1;

  if (r & kRoleStreetPrefix) {
    std::size_t name_last = name_forward(s, type_end + 1);
    if (name_last >= s.n) return i + 1;
    Tail t = read_tail(s, name_last + 1);
    if (t.numbers == 0) return i + 1;
    if ((r & kRoleStreetInflected) && !t.marked && !(s.tok[type_end + 1].flags & kCapitalized)) return i + 1;
    emit_address(s, i, t.last, t, type_word);
    return t.last + 1;
  }
  // Suffix types: шағын ауданы, then the name before, numbers after (or
  // before the name, in English).
  if (type_word == "шағын" || type_word == "ықшам") {
    std::string_view next = s.view(type_end + 1 < s.n ? type_end + 1 : type_end);
    if (type_end + 1 < s.n && fold(next).starts_with("аудан")) type_end += 1;
  }
  if (i == 0) return i + 1;
  std::size_t first = name_backward(s, i - 1);
  if (first >= s.n) return i + 1;
  Tail t = read_tail(s, type_end + 1);
  std::size_t begin = first;
  if (first > 0 && s.is_number(first - 1) && s.tok[first - 1].letters <= 4 && !s.touches(first - 1)) {
    begin = first - 1;  // 15 Abay street
  } else if (first > 1 && s.is_word(first - 1) && s.tok[first - 1].letters == 1 && s.is_number(first - 2) &&
             s.touches(first - 2)) {
    begin = first - 2;  // 221B Baker Street
  }
  if (begin > 0 && s.tok[begin - 1].end == s.tok[begin].begin && !s.is_punct(begin - 1, '(')) {
    if (begin != first) begin = first;  // glued to something: not a house number
  }
  if (t.numbers == 0 && begin == first) return i + 1;
  if (t.numbers == 0) t.last = type_end;
  if (t.numbers > 0 && begin != first) ++t.numbers;
  emit_address(s, begin, t.last, t, type_word);
  return t.last + 1;
}

}  // namespace dpa::anonymize

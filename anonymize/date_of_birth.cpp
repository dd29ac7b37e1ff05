// Dates of birth. A date alone is not personal data (a delivery date, a
// visit), so a date is reported only with a birth cue near it: "дата
// рождения", "д.р.", "родилась", "туған", "born", "DOB".
#include <string>

#include "anonymize/pattern_scan.h"
#include "anonymize/validators.h"

namespace dpa::anonymize {
namespace {

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2030;

// "р" of "д.р.", "г.р.", "д/р" at token k.
bool abbreviation_cue(const PatternScan& s, std::size_t k) {
  if (k < 2 || !s.is_word(k)) return false;
  std::string_view r = s.view(k);
  if (r != "р" && r != "Р") return false;
  char sep = s.punct(k - 1);
  if (sep != '.' && sep != '/') return false;
  std::string_view d = s.view(k - 2);
  return d == "д" || d == "Д" || d == "г" || d == "Г";
}

std::string iso_date(int y, int m, int d) {
  std::string out(10, '-');
  auto put = [&](std::size_t at, int v, int width) {
    for (int k = width - 1; k >= 0; --k) {
      out[at + static_cast<std::size_t>(k)] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  put(0, y, 4);
  put(5, m, 2);
  put(8, d, 2);
  return out;
}

bool plausible(int y, int m, int d) { return y >= kMinYear && y <= kMaxYear && valid_date(y, m, d); }

// "26.02.2024, 16:33", "[26.02.2024 16:33]": a chat's time stamp.
bool time_stamp(const PatternScan& s, std::size_t first, std::size_t last) {
  if (first > 0 && s.is_punct(first - 1, '[')) return true;
  std::size_t k = last + 1;
  if (s.punct(k) == ',') ++k;
  return s.is_number(k) && s.tok[k].letters <= 2 && s.touches(k) && s.is_punct(k + 1, ':') && s.touches(k + 1) &&
         s.is_number(k + 2) && s.tok[k + 2].letters == 2;
}

// Birth cues come in a question a line or two before the answer ("Date of
// birth? [10:55] Saule: December 19, 1998").
// After the date only the short forms: "12.03.1985 г.р.", "1985 жылы туған".
constexpr std::size_t kCueBack = 32;
constexpr std::size_t kCueAhead = 3;

void emit_if_birth(PatternScan& s, std::size_t first, std::size_t last, int y, int m, int d,
                   std::string_view recognizer) {
  if (time_stamp(s, first, last)) return;
  std::string_view cue = find_dob_cue(s, first, last, kCueBack, kCueAhead);
  if (cue.empty()) return;
  s.emit(s.tok[first].begin, s.tok[last].end, EntityType::kDateOfBirth, 0.85f, iso_date(y, m, d), recognizer,
         "date", cue);
}

// A day (1-31) number token not glued to anything but punctuation.
int day_at(const PatternScan& s, std::size_t k) {
  if (!s.is_number(k) || s.tok[k].letters > 2) return -1;
  long v = s.number_value(k);
  return v >= 1 && v <= 31 ? static_cast<int>(v) : -1;
}
int year_at(const PatternScan& s, std::size_t k) {
  if (!s.is_number(k) || s.tok[k].letters != 4) return -1;
  long v = s.number_value(k);
  return v >= kMinYear && v <= kMaxYear ? static_cast<int>(v) : -1;
}

}  // namespace

std::string_view find_dob_cue(const PatternScan& s, std::size_t first, std::size_t last, std::size_t back,
                              std::size_t ahead) {
  for (std::size_t k = first, steps = 0; k > 0 && steps < back; ++steps) {
    --k;
    if (s.roles(k) & kRoleDobCue) return s.lex.word(s.entry(k));
    if (abbreviation_cue(s, k)) return "д.р.";
    // Another date or year between the cue and this date answered it ("born
    // in 1956 ... customer since 2005 ... delivery on 2020-03-30"); a chat's
    // time stamps do not count.
    if (s.is_number(k) && s.tok[k].letters == 4 && !time_stamp(s, k, k)) {
      long y = s.number_value(k);
      if (y >= kMinYear && y <= kMaxYear) return {};
    }
  }
  for (std::size_t k = last + 1, steps = 0; k < s.n && steps < ahead; ++k, ++steps) {
    if (s.roles(k) & kRoleDobCue) return s.lex.word(s.entry(k));
    if (abbreviation_cue(s, k)) return "г.р.";
  }
  return {};
}

std::size_t scan_numeric_date(PatternScan& s, std::size_t i) {
  char sep = s.punct(i + 1);
  if (sep != '.' && sep != '/' && sep != '-') return i;
  if (!(s.touches(i) && s.touches(i + 1) && s.is_number(i + 2) && s.touches(i + 2) && s.punct(i + 3) == sep &&
        s.touches(i + 3) && s.is_number(i + 4))) {
    return i;
  }
  // Part of a longer run (an IP address, a version, a phone with dashes).
  if (s.touches(i + 4) && s.punct(i + 5) == sep && s.touches(i + 5) && s.is_number(i + 6)) return i;
  if (i > 1 && s.tok[i - 1].end == s.tok[i].begin && s.punct(i - 1) == sep && s.is_number(i - 2)) return i;
  std::size_t a = s.tok[i].letters, b = s.tok[i + 2].letters, c = s.tok[i + 4].letters;
  long x = s.number_value(i), y = s.number_value(i + 2), z = s.number_value(i + 4);
  int year = 0, month = 0, day = 0;
  if (a <= 2 && b <= 2 && c == 4) {
    day = static_cast<int>(x), month = static_cast<int>(y), year = static_cast<int>(z);
  } else if (a == 4 && b <= 2 && c <= 2) {
    year = static_cast<int>(x), month = static_cast<int>(y), day = static_cast<int>(z);
  } else if (a == 2 && b == 2 && c == 2 && sep != '-') {
    day = static_cast<int>(x), month = static_cast<int>(y);
    year = static_cast<int>(z) + (z > 30 ? 1900 : 2000);
  } else {
    return i;
  }
  if (!plausible(year, month, day)) return i;
  // A chat's time stamp (most dates in a chat log) is no birth date: that
  // test is cheaper than the look for a version cue.
  if (time_stamp(s, i, i + 4)) return i + 5;
  if (s.find_role_before(i, 4, kRoleVersionCue) < s.n) return i + 5;  // "до версии 1.5.31"
  emit_if_birth(s, i, i + 4, year, month, day, "dob");
  return i + 5;
}

std::size_t scan_spaced_date(PatternScan& s, std::size_t i) {
  // "25 01 1984" after "дата рождения": three numbers apart, only with a cue.
  if (i + 2 >= s.n || !s.is_number(i + 1) || !s.is_number(i + 2)) return i;
  if (s.tok[i].letters > 2 || s.tok[i + 1].letters != 2 || s.tok[i + 2].letters != 4) return i;
  if (s.touches(i) || s.touches(i + 1) || (s.touches(i + 2) && s.kind(i + 3) != TokenKind::kPunct &&
                                           s.kind(i + 3) != TokenKind::kNewline)) {
    return i;
  }
  if (i > 0 && s.is_number(i - 1)) return i;
  int day = static_cast<int>(s.number_value(i)), month = static_cast<int>(s.number_value(i + 1));
  int year = static_cast<int>(s.number_value(i + 2));
  if (!plausible(year, month, day)) return i;
  if (find_dob_cue(s, i, i + 2, kCueBack, kCueAhead).empty()) return i;
  emit_if_birth(s, i, i + 2, year, month, day, "dob");
  return i + 3;
}

std::size_t scan_month_word(PatternScan& s, std::size_t i) {
  const LexEntry* e = s.entry(i);
  int month = e ? e->value : 0;
  if (month < 1 || month > 12) return i + 1;
  // 12 марта 1985 (года); 12 March 1985
  int day = i > 0 ? day_at(s, i - 1) : -1;
  if (day > 0) {
    std::size_t y = i + 1;
    if (s.punct(y) == ',') ++y;
    int year = year_at(s, y);
    if (year > 0 && plausible(year, month, day)) {
      std::size_t last = y;
      if (s.roles(y + 1) & kRoleYearWord) {
        last = y + 1;
        if (s.is_punct(last + 1, '.') && s.touches(last)) ++last;
      }
      emit_if_birth(s, i - 1, last, year, month, day, "dob");
      return last + 1;
    }
    // 1985 жылғы 12 наурыз, 1985 ж. 12 наурыз
    std::size_t k = i - 1;
    if (k >= 1 && (s.roles(k - 1) & kRoleYearWord)) {
      --k;
    } else if (k >= 2 && s.is_punct(k - 1, '.') && s.view(k - 2) == "ж") {
      k -= 2;
    }
    if (k >= 1 && k < i - 1) {
      int year2 = year_at(s, k - 1);
      if (year2 > 0 && plausible(year2, month, day)) {
        emit_if_birth(s, k - 1, i, year2, month, day, "dob");
        return i + 1;
      }
    }
  }
  // March 12, 1985
  int day2 = day_at(s, i + 1);
  if (day2 > 0) {
    std::size_t y = i + 2;
    if (s.punct(y) == ',') ++y;
    int year = year_at(s, y);
    if (year > 0 && plausible(year, month, day2)) {
      emit_if_birth(s, i, y, year, month, day2, "dob");
      return y + 1;
    }
  }
  return i + 1;
}

}  // namespace dpa::anonymize

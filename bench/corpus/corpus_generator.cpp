#include "bench/corpus/corpus_generator.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <thread>

#include "bench/corpus/corpus_heldout_names.h"
#include "bench/corpus/corpus_names.h"
#include "bench/corpus/corpus_templates.h"
#include "bench/corpus/corpus_text.h"

namespace dpa::bench {
namespace {

using anonymize::Gender;
using data::Decl;

// ---------------------------------------------------------------------------
// Randomness. Reductions are written by hand so a seed gives the same corpus
// with any standard library.

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(engine_() % n); }
  int between(int lo, int hi) { return lo + static_cast<int>(below(static_cast<std::size_t>(hi - lo + 1))); }
  bool chance(double p) { return static_cast<double>(engine_() >> 11) * 0x1.0p-53 < p; }
  template <class C>
  const auto& pick(const C& c) {
    return c[below(std::size(c))];
  }
  char digit() { return static_cast<char>('0' + below(10)); }
  std::string digits(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += digit();
    return s;
  }
  // Index by weight.
  std::size_t weighted(std::initializer_list<int> weights) {
    int total = 0;
    for (int w : weights) total += w;
    int r = static_cast<int>(below(static_cast<std::size_t>(total)));
    std::size_t i = 0;
    for (int w : weights) {
      if (r < w) return i;
      r -= w;
      ++i;
    }
    return i - 1;
  }

 private:
  std::mt19937_64 engine_;
};

std::uint64_t document_seed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ull + index + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string two(int v) {
  std::string s = std::to_string(v);
  return s.size() < 2 ? "0" + s : s;
}

// ---------------------------------------------------------------------------
// Check digits.

// Kazakhstan IIN/BIN: weights 1..11, and if the sum gives 10, weights
// 3..11,1,2; a second 10 means the serial is unusable. Returns 10 then.
int kz_check_digit(std::string_view d11) {
  int s = 0;
  for (int i = 0; i < 11; ++i) s += (d11[static_cast<std::size_t>(i)] - '0') * (i + 1);
  int c = s % 11;
  if (c != 10) return c;
  s = 0;
  for (int i = 0; i < 11; ++i) s += (d11[static_cast<std::size_t>(i)] - '0') * ((i + 2) % 11 + 1);
  return s % 11;
}

char luhn_check_digit(std::string_view body) {
  int sum = 0;
  bool dbl = true;  // the check digit is appended on the right
  for (auto it = body.rbegin(); it != body.rend(); ++it) {
    int d = *it - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

// ISO 13616: two check digits that make the rearranged number ≡ 1 (mod 97).
std::string iban_check(std::string_view country, std::string_view bban) {
  std::string r = std::string(bban) + std::string(country) + "00";
  int mod = 0;
  for (char c : r) {
    if (c >= '0' && c <= '9') {
      mod = (mod * 10 + (c - '0')) % 97;
    } else {
      int v = c - 'A' + 10;
      mod = (mod * 100 + v) % 97;
    }
  }
  return two(98 - mod);
}

struct Date {
  int year, month, day;
};

int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

Date random_date(Rng& r, int from_year, int to_year) {
  Date d;
  d.year = r.between(from_year, to_year);
  d.month = r.between(1, 12);
  d.day = r.between(1, days_in_month(d.year, d.month));
  return d;
}

std::string iin_body(const Date& birth, Gender g) {
  int century = birth.year < 1900 ? 1 : birth.year < 2000 ? 3 : 5;
  if (g == Gender::kFemale) ++century;
  return two(birth.year % 100) + two(birth.month) + two(birth.day) + static_cast<char>('0' + century);
}

std::string make_iin(Rng& r) {
  Date birth = random_date(r, 1950, 2005);
  Gender g = r.chance(0.5) ? Gender::kMale : Gender::kFemale;
  for (;;) {
    std::string d = iin_body(birth, g) + r.digits(4);
    int c = kz_check_digit(d);
    if (c < 10) return d + static_cast<char>('0' + c);
  }
}

std::string make_bad_iin(Rng& r) {
  std::string iin = make_iin(r);
  char good = iin.back();
  iin.back() = static_cast<char>('0' + (good - '0' + r.between(1, 9)) % 10);
  return iin;
}

std::string make_bin(Rng& r) {
  int year = r.between(1995, 2024);
  for (;;) {
    // One draw per statement: the order of operands of + is unspecified,
    // and the corpus must not depend on the compiler.
    int month = r.between(1, 12);
    char type = static_cast<char>('0' + r.between(4, 6));
    char attribute = static_cast<char>('0' + r.between(0, 3));
    std::string d = two(year % 100) + two(month) + type + attribute;
    d += r.digits(5);
    int c = kz_check_digit(d);
    if (c < 10) return d + static_cast<char>('0' + c);
  }
}

std::string card_body(Rng& r) {
  switch (r.below(3)) {
    case 0: return std::string("4") + r.digits(14);                                                   // Visa
    case 1: {  // Mastercard
      std::string s = "5" + std::string(1, static_cast<char>('1' + r.below(5)));
      return s + r.digits(13);
    }
    default: {  // Mir
      std::string s = "220" + std::string(1, static_cast<char>('0' + r.below(5)));
      return s + r.digits(11);
    }
  }
}

// ---------------------------------------------------------------------------
// Document builder: appends text and records spans as it goes, so spans are
// sorted and never overlap by construction.

struct Builder {
  std::string text;
  std::vector<GoldSpan> entities;
  std::vector<DistractorSpan> distractors;

  void put(std::string_view s) { text += s; }
  void entity(std::string_view s, EntityType t, Form f, std::string_view variant, std::string value = {},
              bool rare = false) {
    GoldSpan g;
    g.begin = text.size();
    text += s;
    g.end = text.size();
    g.type = t;
    g.form = f;
    g.variant = variant;
    g.value = std::move(value);
    g.rare = rare;
    entities.push_back(std::move(g));
  }
  void distractor(std::string_view s, std::string_view kind) {
    DistractorSpan d{text.size(), text.size() + s.size(), kind};
    text += s;
    distractors.push_back(d);
  }
};

// ---------------------------------------------------------------------------
// Numbers as words. Each word has a class so groups can be kept from running
// into each other: "двадцать" followed by a group "пять ..." would be heard
// as 25, so such a group is read digit by digit instead.

enum class WordClass : std::uint8_t { kZero, kUnit, kTeen, kTen, kHundred, kNumeral, kOther };

struct Word {
  std::string text;
  WordClass cls;
};
using Words = std::vector<Word>;

void unit_word(Language l, int d, Rng& r, Words& out) {
  WordClass c = d == 0 ? WordClass::kZero : WordClass::kUnit;
  auto u = static_cast<std::size_t>(d);
  switch (l) {
    case Language::kRussian: out.push_back({data::kRuUnits[u], c}); break;
    case Language::kKazakh: out.push_back({data::kKkUnits[u], c}); break;
    case Language::kEnglish: out.push_back({d == 0 && r.chance(0.6) ? "oh" : data::kEnUnits[u], c}); break;
  }
}

void per_digit(Language l, std::string_view digits, Rng& r, bool doubles, Words& out) {
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (doubles && l == Language::kEnglish && i + 1 < digits.size() && digits[i + 1] == digits[i] &&
        r.chance(0.35)) {
      out.push_back({"double", WordClass::kOther});
      unit_word(l, digits[i] - '0', r, out);
      ++i;
      continue;
    }
    unit_word(l, digits[i] - '0', r, out);
  }
}

// 1..999 as a cardinal number.
void number_words(Language l, int n, Words& out) {
  auto h = static_cast<std::size_t>(n / 100), t = static_cast<std::size_t>(n % 100 / 10),
       u = static_cast<std::size_t>(n % 10);
  switch (l) {
    case Language::kRussian:
      if (h) out.push_back({data::kRuHundreds[h], WordClass::kHundred});
      if (t == 1) {
        out.push_back({data::kRuTeens[u], WordClass::kTeen});
        return;
      }
      if (t) out.push_back({data::kRuTens[t], WordClass::kTen});
      if (u) out.push_back({data::kRuUnits[u], WordClass::kUnit});
      return;
    case Language::kKazakh:
      if (h > 1) out.push_back({data::kKkUnits[h], WordClass::kUnit});
      if (h) out.push_back({"жүз", WordClass::kHundred});
      if (t) out.push_back({data::kKkTens[t], WordClass::kTen});
      if (u) out.push_back({data::kKkUnits[u], WordClass::kUnit});
      return;
    case Language::kEnglish:
      if (h) {
        out.push_back({data::kEnUnits[h], WordClass::kUnit});
        out.push_back({"hundred", WordClass::kHundred});
      }
      if (t == 1) {
        out.push_back({data::kEnTeens[u], WordClass::kTeen});
        return;
      }
      if (t) out.push_back({data::kEnTens[t], WordClass::kTen});
      if (u) out.push_back({data::kEnUnits[u], WordClass::kUnit});
      return;
  }
}

std::string join(const Words& w) {
  std::string s;
  for (const auto& x : w) {
    if (!s.empty()) s += ' ';
    s += x.text;
  }
  return s;
}

std::string number_text(Language l, int n) {
  if (n == 0) {
    Words w;
    Rng dummy(0);
    unit_word(l, 0, dummy, w);
    return join(w);
  }
  Words w;
  number_words(l, n, w);
  return join(w);
}

// Whether a listener would fuse `next` into the number that `prev` ends.
bool fuses(Language l, const Word& prev, const Word& next) {
  switch (prev.cls) {
    case WordClass::kHundred:
      return next.cls == WordClass::kTen || next.cls == WordClass::kTeen || next.cls == WordClass::kUnit;
    case WordClass::kTen: return next.cls == WordClass::kUnit;
    case WordClass::kUnit: return l != Language::kRussian && next.cls == WordClass::kHundred;
    default: return false;
  }
}

enum class GroupStyle : std::uint8_t { kDigits, kNumber, kNumeral };

struct Group {
  std::string digits;  // what the group stands for ("+7", "8", "701", "05")
  Words words;
};

void render_group(Language l, Group& g, GroupStyle style, Rng& r) {
  g.words.clear();
  std::string_view d = g.digits;
  if (style == GroupStyle::kNumeral) {
    g.words.push_back({g.digits, WordClass::kNumeral});
    return;
  }
  if (d == "+7") {
    g.words.push_back({l == Language::kEnglish ? "plus" : "плюс", WordClass::kOther});
    unit_word(l, 7, r, g.words);
    return;
  }
  bool english_triple = l == Language::kEnglish && d.size() == 3;
  if (style == GroupStyle::kDigits || english_triple || d.size() == 1) {
    per_digit(l, d, r, true, g.words);
    return;
  }
  // As a number; a leading zero is read as "ноль" first, then the rest.
  auto say = [&](std::string_view part) {
    if (part.empty()) return;
    if (part[0] == '0') {
      per_digit(l, part, r, false, g.words);
      return;
    }
    number_words(l, std::stoi(std::string(part)), g.words);
  };
  if (d.size() == 4) {
    say(d.substr(0, 2));
    std::string_view second = d.substr(2);
    Words first = g.words;
    say(second);
    // The halves must not fuse either ("двадцать" + "пять ноль").
    if (first.size() < g.words.size() && fuses(l, first.back(), g.words[first.size()])) {
      g.words = first;
      per_digit(l, second, r, false, g.words);
    }
    return;
  }
  say(d);
}

// Renders groups so that no two fuse when heard one after another: a group
// that would is read digit by digit instead (digit runs never fuse with each
// other), the earlier one first.
std::string speak_groups(Language l, std::vector<Group>& groups, const std::vector<GroupStyle>& styles,
                         Rng& r) {
  std::vector<bool> by_digit(groups.size());
  for (std::size_t i = 0; i < groups.size(); ++i) {
    render_group(l, groups[i], styles[i], r);
    by_digit[i] = styles[i] == GroupStyle::kDigits;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = 1; i < groups.size(); ++i) {
      if (!fuses(l, groups[i - 1].words.back(), groups[i].words.front())) continue;
      std::size_t k = (!by_digit[i - 1] && groups[i - 1].digits != "+7") ? i - 1 : i;
      render_group(l, groups[k], GroupStyle::kDigits, r);
      by_digit[k] = true;
      changed = true;
    }
  }
  std::string s;
  for (const auto& g : groups) {
    if (!s.empty()) s += ' ';
    s += join(g.words);
  }
  return s;
}

// ---------------------------------------------------------------------------
// People.

enum class Shape : std::uint8_t { kFirst, kFirstPatr, kFirstLast, kLastFirst, kFirstPatrLast, kLastFirstPatr, kTitleLast };
enum class Case : std::uint8_t { kNom, kGen, kDat, kIns, kAcc, kAbl, kPoss };

// The name lists a set draws from: the tuning set's or the held-out set's,
// which share no name (corpus_heldout_names.h).
struct NameSet {
  std::span<const data::RuFirst> ru_first;
  std::span<const data::RuPatronymic> ru_patronymic;
  std::span<const data::RuSurname> ru_surname;
  std::span<const data::KkFirst> kk_first;
  std::span<const data::KkSurname> kk_surname;
  std::span<const char* const> kk_father;
  std::span<const data::EnFirst> en_first, en_kz_first;
  std::span<const data::EnSurname> en_surname, en_kz_surname;
  // Not personal: company names, distractors for the person recognizer.
  std::span<const char* const> ru_company, kk_company, en_company;
};

constexpr NameSet kTuningNames{data::kRuFirst,  data::kRuPatronymic, data::kRuSurname,  data::kKkFirst,
                               data::kKkSurname, data::kKkFather,    data::kEnFirst,    data::kEnKzFirst,
                               data::kEnSurname, data::kEnKzSurname, data::kRuCompany,
                               data::kKkCompany, data::kEnCompany};
constexpr NameSet kHeldOutNames{heldout::kRuFirst,  heldout::kRuPatronymic, heldout::kRuSurname,
                                heldout::kKkFirst,  heldout::kKkSurname,    heldout::kKkFather,
                                heldout::kEnFirst,  heldout::kEnKzFirst,    heldout::kEnSurname,
                                heldout::kEnKzSurname, heldout::kRuCompany, heldout::kKkCompany,
                                heldout::kEnCompany};

const NameSet& names_of(CorpusSplit split) { return split == CorpusSplit::kHeldOut ? kHeldOutNames : kTuningNames; }

struct Person {
  const NameSet* names = &kTuningNames;
  Language script = Language::kRussian;
  bool latin_kazakh = false;  // English document, Kazakh name in Latin letters
  Gender gender = Gender::kMale;
  std::size_t first = 0, patr = 0, last = 0;
};

// An index into a name list: one name in ten from its rare part, so rare
// names are present without dominating.
template <class List>
std::size_t pick_name(Rng& r, const List& list) {
  bool rare = r.chance(0.1);
  for (;;) {
    std::size_t i = r.below(std::size(list));
    if (list[i].rare == rare) return i;
  }
}

const char* random_company(Rng& r, Language lang, const NameSet& names) {
  const auto& list = lang == Language::kRussian ? names.ru_company
                   : lang == Language::kKazakh  ? names.kk_company
                                                : names.en_company;
  return list[r.below(list.size())];
}

Person random_person(Rng& r, Language lang, const NameSet& names) {
  Person p;
  p.names = &names;
  p.script = lang;
  switch (lang) {
    case Language::kRussian:
      p.first = pick_name(r, names.ru_first);
      p.gender = names.ru_first[p.first].gender;
      p.patr = pick_name(r, names.ru_patronymic);
      p.last = pick_name(r, names.ru_surname);
      break;
    case Language::kKazakh:
      p.first = pick_name(r, names.kk_first);
      p.gender = names.kk_first[p.first].gender;
      p.patr = r.below(names.kk_father.size());
      p.last = pick_name(r, names.kk_surname);
      break;
    case Language::kEnglish:
      p.latin_kazakh = r.chance(0.3);
      if (p.latin_kazakh) {
        p.first = pick_name(r, names.en_kz_first);
        p.gender = names.en_kz_first[p.first].gender;
        p.last = pick_name(r, names.en_kz_surname);
      } else {
        p.first = pick_name(r, names.en_first);
        p.gender = names.en_first[p.first].gender;
        p.last = pick_name(r, names.en_surname);
      }
      break;
  }
  return p;
}

std::string drop_last(std::string_view s, std::size_t code_points) {
  std::size_t end = s.size();
  while (code_points-- > 0 && end > 0) {
    --end;
    while (end > 0 && !on_utf8_boundary(s, end)) --end;
  }
  return std::string(s.substr(0, end));
}

char32_t last_cp(std::string_view s) {
  if (s.empty()) return 0;
  std::size_t i = s.size() - 1;
  while (i > 0 && !on_utf8_boundary(s, i)) --i;
  std::size_t n;
  return decode_utf8(s, i, n);
}

bool is_one_of(char32_t c, std::u32string_view set) { return set.find(c) != std::u32string_view::npos; }

std::string ru_decline(std::string_view nom, Decl d, Case c) {
  if (c == Case::kNom || c == Case::kAbl || c == Case::kPoss) return std::string(nom);
  std::string s(nom);
  switch (d) {
    case Decl::kIndecl: return s;
    case Decl::kCons:
      return s + (c == Case::kDat ? "у" : c == Case::kIns ? "ом" : "а");
    case Decl::kPatrM:
      return s + (c == Case::kDat ? "у" : c == Case::kIns ? "ем" : "а");
    case Decl::kOvM:
      return s + (c == Case::kDat ? "у" : c == Case::kIns ? "ым" : "а");
    case Decl::kJ: {
      std::string stem = drop_last(s, 1);
      return stem + (c == Case::kDat ? "ю" : c == Case::kIns ? "ем" : "я");
    }
    case Decl::kA: {
      std::string stem = drop_last(s, 1);
      switch (c) {
        case Case::kGen: return stem + (is_one_of(last_cp(stem), U"гкхжшщч") ? "и" : "ы");
        case Case::kDat: return stem + "е";
        case Case::kIns: return stem + "ой";
        default: return stem + "у";
      }
    }
    case Decl::kYa: {
      std::string stem = drop_last(s, 1);
      bool after_i = last_cp(stem) == U'и';
      switch (c) {
        case Case::kGen: return stem + "и";
        case Case::kDat: return stem + (after_i ? "и" : "е");
        case Case::kIns: return stem + "ей";
        default: return stem + "ю";
      }
    }
    case Decl::kLove:
      return c == Case::kIns ? "Любовью" : c == Case::kAcc ? "Любовь" : "Любови";
    case Decl::kOvF: {
      std::string stem = drop_last(s, 1);
      return stem + (c == Case::kAcc ? "у" : "ой");
    }
    case Decl::kSkiyM: {
      std::string stem = drop_last(s, 2);
      return stem + (c == Case::kDat ? "ому" : c == Case::kIns ? "им" : "ого");
    }
    case Decl::kSkiyF: {
      std::string stem = drop_last(s, 2);
      return stem + (c == Case::kAcc ? "ую" : "ой");
    }
  }
  return s;
}

// Kazakh case suffixes by vowel harmony and the last sound.
std::string kk_suffix(std::string_view word, Case c) {
  if (c == Case::kNom || c == Case::kAcc || c == Case::kPoss) return std::string(word);
  static constexpr std::u32string_view kBack = U"аоұыуяёАОҰЫУЯ";
  static constexpr std::u32string_view kFront = U"әөүіеэиюӘӨҮІЕЭИЮ";
  bool front = false;
  for (std::size_t i = 0; i < word.size();) {
    std::size_t n;
    char32_t cp = decode_utf8(word, i, n);
    if (is_one_of(cp, kBack)) front = false;
    if (is_one_of(cp, kFront)) front = true;
    i += n;
  }
  char32_t last = last_cp(word);
  bool vowel = is_one_of(last, kBack) || is_one_of(last, kFront);
  bool voiceless = is_one_of(last, U"кқпстфхцчшщ");
  bool nasal = is_one_of(last, U"мнң");
  bool liquid = is_one_of(last, U"лрй");
  bool voiced = is_one_of(last, U"жз");
  std::string s(word);
  switch (c) {
    case Case::kDat: return s + (voiceless ? (front ? "ке" : "қа") : (front ? "ге" : "ға"));
    case Case::kGen:
      if (vowel || nasal) return s + (front ? "нің" : "ның");
      if (liquid || voiced) return s + (front ? "дің" : "дың");
      return s + (front ? "тің" : "тың");
    case Case::kAbl:
      if (vowel || liquid || voiced) return s + (front ? "ден" : "дан");
      if (nasal) return s + (front ? "нен" : "нан");
      return s + (front ? "тен" : "тан");
    case Case::kIns:
      if (vowel || liquid || nasal) return s + "мен";
      if (voiceless) return s + "пен";
      return s + "бен";
    default: return s;
  }
}

struct Mention {
  std::string before, name, after;
  bool rare = false;
};

Shape pick_shape(Rng& r, const Person& p, bool full, Case c) {
  switch (p.script) {
    case Language::kRussian:
      if (full) return r.chance(0.5) ? Shape::kLastFirstPatr : (r.chance(0.6) ? Shape::kFirstPatrLast : Shape::kFirstLast);
      switch (r.weighted({30, 20, 22, 6, 12, 10})) {
        case 0: return Shape::kFirst;
        case 1: return Shape::kFirstPatr;
        case 2: return Shape::kFirstLast;
        case 3: return Shape::kLastFirst;
        case 4: return Shape::kFirstPatrLast;
        default: return Shape::kLastFirstPatr;
      }
    case Language::kKazakh:
      // Suffixes go on a first name at the end.
      if (c != Case::kNom) return r.chance(0.75) ? Shape::kFirst : Shape::kLastFirst;
      if (full) return r.chance(0.5) ? Shape::kLastFirstPatr : Shape::kFirstLast;
      switch (r.weighted({35, 15, 30, 10, 10})) {
        case 0: return Shape::kFirst;
        case 1: return Shape::kFirstPatr;
        case 2: return Shape::kFirstLast;
        case 3: return Shape::kLastFirst;
        default: return Shape::kLastFirstPatr;
      }
    case Language::kEnglish:
      if (full) return Shape::kFirstLast;
      switch (r.weighted({40, 50, 10})) {
        case 0: return Shape::kFirst;
        case 1: return Shape::kFirstLast;
        default: return Shape::kTitleLast;
      }
  }
  return Shape::kFirst;
}

Mention render_person(const Person& p, Shape shape, Case c, bool chat) {
  Mention m;
  std::vector<std::string> words;
  bool female = p.gender == Gender::kFemale;
  switch (p.script) {
    case Language::kRussian: {
      const auto& f = p.names->ru_first[p.first];
      const auto& pa = p.names->ru_patronymic[p.patr];
      const auto& la = p.names->ru_surname[p.last];
      std::string first = ru_decline(f.nom, f.decl, c);
      std::string patr = ru_decline(female ? pa.female : pa.male, female ? Decl::kA : Decl::kPatrM, c);
      std::string last = ru_decline(female ? la.female : la.male, female ? la.female_decl : la.male_decl, c);
      bool rf = f.rare, rp = pa.rare, rl = la.rare;
      switch (shape) {
        case Shape::kFirst: words = {first}; m.rare = rf; break;
        case Shape::kFirstPatr: words = {first, patr}; m.rare = rf || rp; break;
        case Shape::kFirstLast: words = {first, last}; m.rare = rf || rl; break;
        case Shape::kLastFirst: words = {last, first}; m.rare = rf || rl; break;
        case Shape::kFirstPatrLast: words = {first, patr, last}; m.rare = rf || rp || rl; break;
        default: words = {last, first, patr}; m.rare = rf || rp || rl; break;
      }
      break;
    }
    case Language::kKazakh: {
      const auto& f = p.names->kk_first[p.first];
      const auto& la = p.names->kk_surname[p.last];
      std::string first = f.nom;
      std::string patr = std::string(p.names->kk_father[p.patr]) + (female ? "қызы" : "ұлы");
      std::string last = female ? la.female : la.male;
      switch (shape) {
        case Shape::kFirst: words = {first}; m.rare = f.rare; break;
        case Shape::kFirstPatr: words = {first, patr}; m.rare = f.rare; break;
        case Shape::kFirstLast: words = {first, last}; m.rare = f.rare || la.rare; break;
        case Shape::kLastFirst: words = {last, first}; m.rare = f.rare || la.rare; break;
        default: words = {last, first, patr}; m.rare = f.rare || la.rare; break;
      }
      words.back() = kk_suffix(words.back(), c);
      break;
    }
    case Language::kEnglish: {
      const auto& f = p.latin_kazakh ? p.names->en_kz_first[p.first] : p.names->en_first[p.first];
      const auto& la = p.latin_kazakh ? p.names->en_kz_surname[p.last] : p.names->en_surname[p.last];
      std::string last = female ? la.female : la.male;
      switch (shape) {
        case Shape::kFirst: words = {f.nom}; m.rare = f.rare; break;
        case Shape::kTitleLast:
          m.before = female ? (chat ? "Ms. " : "Ms ") : (chat ? "Mr. " : "Mr ");
          words = {last};
          m.rare = la.rare;
          break;
        default: words = {f.nom, last}; m.rare = f.rare || la.rare; break;
      }
      if (c == Case::kPoss) m.after = "'s";
      break;
    }
  }
  for (const auto& w : words) {
    if (!m.name.empty()) m.name += ' ';
    m.name += w;
  }
  return m;
}

std::string_view person_variant(Language l, Case c) {
  static constexpr std::string_view kRu[] = {"person.ru.nom", "person.ru.gen", "person.ru.dat", "person.ru.ins",
                                             "person.ru.acc", "person.ru.nom", "person.ru.nom"};
  static constexpr std::string_view kKk[] = {"person.kk.nom", "person.kk.gen", "person.kk.dat", "person.kk.ins",
                                             "person.kk.nom", "person.kk.abl", "person.kk.nom"};
  static constexpr std::string_view kEn[] = {"person.en.nom", "person.en.nom", "person.en.nom", "person.en.nom",
                                             "person.en.nom", "person.en.nom", "person.en.poss"};
  auto i = static_cast<std::size_t>(c);
  return l == Language::kRussian ? kRu[i] : l == Language::kKazakh ? kKk[i] : kEn[i];
}

// ---------------------------------------------------------------------------
// The template engine and the entity writers.

struct Ctx {
  Rng& rng;
  Builder& b;
  Language lang;
  DocKind kind;
  const Person& client;
  const Person& op;
  Gender last_gender = Gender::kUnknown;
  bool typos = false;

  bool asr() const { return kind == DocKind::kTranscript; }
  bool chat() const { return kind == DocKind::kChat; }
};

void put_person(Ctx& x, const Person& p, Case c, bool full, std::optional<Shape> fixed = std::nullopt,
                std::string_view variant = {}) {
  Shape shape = fixed ? *fixed : pick_shape(x.rng, p, full, c);
  Mention m = render_person(p, shape, c, x.chat());
  x.b.put(m.before);
  x.b.entity(m.name, EntityType::kPerson, Form::kWritten, variant.empty() ? person_variant(p.script, c) : variant,
             {}, m.rare);
  x.b.put(m.after);
  x.last_gender = p.gender;
}

// -- phones

struct Phone {
  std::string national;  // 10 digits after the country code
  std::size_t area = 3;  // digits of the operator/area code
};

Phone random_phone(Rng& r) {
  static const char* const kKzMobile[] = {"700", "701", "702", "705", "707", "708",
                                          "747", "771", "775", "776", "777", "778"};
  Phone p;
  std::size_t kind = r.weighted({68, 15, 17});
  if (kind == 0) {
    p.national = r.pick(kKzMobile);
    p.national += r.digits(7);
  } else if (kind == 1) {
    static const char* const kAreas[] = {"7172", "7252", "7212", "7232", "7122", "727"};
    std::string a = r.pick(kAreas);
    if (a == "727") {
      p.national = a + static_cast<char>("2379"[r.below(4)]);
      p.national += r.digits(6);
    } else {
      p.national = a + r.digits(6);
      p.area = 4;
    }
  } else {
    p.national = std::string("9") + r.digits(9);
  }
  return p;
}

std::string phone_written(Rng& r, const Phone& p, bool asr, std::string_view& variant) {
  std::string a = p.national.substr(0, p.area), rest = p.national.substr(p.area);
  std::string g1, g2, g3;
  if (rest.size() == 7) {
    g1 = rest.substr(0, 3); g2 = rest.substr(3, 2); g3 = rest.substr(5);
  } else {
    g1 = rest.substr(0, 2); g2 = rest.substr(2, 2); g3 = rest.substr(4);
  }
  std::string spaced = a + " " + g1 + " " + g2 + " " + g3;
  std::string dashed = g1 + "-" + g2 + "-" + g3;
  if (asr) {
    switch (r.weighted({40, 25, 20, 10, 5})) {
      case 0: variant = "phone.spaced8"; return "8 " + spaced;
      case 1: variant = "phone.compact8"; return "8" + p.national;
      case 2: variant = "phone.plus_spaced"; return "+7 " + spaced;
      case 3: variant = "phone.compact_plus"; return "+7" + p.national;
      default: variant = "phone.no_prefix"; return spaced;
    }
  }
  if (p.area == 4 && r.chance(0.4)) {
    variant = "phone.landline_paren_tight";
    return "+7(" + a + ")" + rest;
  }
  switch (r.weighted({20, 18, 12, 10, 10, 8, 8, 6, 4, 4})) {
    case 0: variant = "phone.plus_spaced"; return "+7 " + spaced;
    case 1: variant = "phone.paren8"; return "8 (" + a + ") " + dashed;
    case 2: variant = "phone.compact8"; return "8" + p.national;
    case 3: variant = "phone.dashed8"; return "8-" + a + "-" + dashed;
    case 4: variant = "phone.compact_plus"; return "+7" + p.national;
    case 5: variant = "phone.plus_paren"; return "+7 (" + a + ") " + dashed;
    case 6: variant = "phone.spaced8"; return "8 " + spaced;
    case 7: variant = "phone.plus_dashed"; return "+7-" + a + "-" + dashed;
    case 8: variant = "phone.plus_area_rest"; return "+7 " + a + " " + rest;
    default: variant = "phone.paren_tight"; return "+7(" + a + ")" + rest;
  }
}

// Groups of a number as it is dictated: prefix, code, then the rest.
std::vector<Group> phone_groups(Rng& r, const Phone& p, bool with_prefix) {
  std::vector<Group> g;
  if (with_prefix) g.push_back({r.chance(0.6) ? "8" : "+7", {}});
  std::string a = p.national.substr(0, p.area), rest = p.national.substr(p.area);
  g.push_back({a, {}});
  if (rest.size() == 7) {
    g.push_back({rest.substr(0, 3), {}});
    g.push_back({rest.substr(3, 2), {}});
    g.push_back({rest.substr(5), {}});
  } else {
    g.push_back({rest.substr(0, 2), {}});
    g.push_back({rest.substr(2, 2), {}});
    g.push_back({rest.substr(4), {}});
  }
  return g;
}

// Spoken or mixed digits: returns the text, sets form and variant.
std::string speak_digits(Rng& r, Language l, std::vector<Group>& groups, bool mixed, Form& form,
                         std::string_view& variant, std::string_view kind) {
  std::vector<GroupStyle> styles(groups.size());
  std::size_t mode = l == Language::kEnglish ? r.weighted({70, 0, 30}) : r.weighted({30, 45, 25});
  for (std::size_t i = 0; i < groups.size(); ++i) {
    GroupStyle s = mode == 0 ? GroupStyle::kDigits
                 : mode == 1 ? GroupStyle::kNumber
                             : (r.chance(0.5) ? GroupStyle::kDigits : GroupStyle::kNumber);
    if (l == Language::kEnglish && mode == 2 && groups[i].digits.size() != 2) s = GroupStyle::kDigits;
    styles[i] = s;
  }
  form = Form::kSpoken;
  if (mixed) {
    // Some groups as numerals, at least one, never all.
    std::size_t numerals = 0;
    for (auto& s : styles) {
      if (r.chance(0.45)) {
        s = GroupStyle::kNumeral;
        ++numerals;
      }
    }
    if (numerals == 0) styles[r.below(styles.size())] = GroupStyle::kNumeral;
    if (numerals == styles.size()) styles[r.below(styles.size())] = GroupStyle::kNumber;
    form = Form::kMixed;
  }
  static const std::map<std::string_view, std::array<std::string_view, 4>> kVariants = {
      {"phone", {"phone.words.digits", "phone.words.grouped", "phone.words.random", "phone.mixed"}},
      {"iin", {"iin.words.digits", "iin.words.grouped", "iin.words.random", "iin.mixed"}}};
  variant = kVariants.at(kind)[mixed ? 3 : mode];
  return speak_groups(l, groups, styles, r);
}

void put_phone(Ctx& x, bool force_written) {
  Rng& r = x.rng;
  Phone p = random_phone(r);
  std::string value = "7" + p.national;
  std::string_view variant;
  if (x.asr() && !force_written && r.chance(0.5)) {
    bool mixed = r.chance(0.25);
    auto groups = phone_groups(r, p, !r.chance(0.1));
    Form form;
    std::string text = speak_digits(r, x.lang, groups, mixed, form, variant, "phone");
    x.b.entity(text, EntityType::kPhone, form, variant, value);
    return;
  }
  std::string text = phone_written(r, p, x.asr(), variant);
  x.b.entity(text, EntityType::kPhone, Form::kWritten, variant, value);
}

void put_iin(Ctx& x) {
  Rng& r = x.rng;
  std::string iin = make_iin(r);
  if (x.asr() && r.chance(0.45)) {
    bool mixed = r.chance(0.22);
    std::vector<Group> groups;
    std::size_t scheme = x.lang == Language::kEnglish ? r.weighted({60, 40, 0, 0}) : r.weighted({25, 35, 20, 20});
    auto cut = [&](std::initializer_list<std::size_t> sizes) {
      std::size_t at = 0;
      for (std::size_t s : sizes) {
        groups.push_back({iin.substr(at, s), {}});
        at += s;
      }
    };
    switch (scheme) {
      case 0: cut({3, 3, 3, 3}); break;        // read digit by digit below unless mixed
      case 1: cut({2, 2, 2, 2, 2, 2}); break;  // pairs
      case 2: cut({3, 3, 3, 3}); break;        // triples
      default: cut({2, 2, 2, 1, 1, 1, 1, 1, 1}); break;  // the date in pairs, then digits
    }
    std::vector<GroupStyle> styles(groups.size(), scheme == 0 ? GroupStyle::kDigits : GroupStyle::kNumber);
    if (x.lang == Language::kEnglish && scheme == 1) {
      for (auto& s : styles) s = r.chance(0.5) ? GroupStyle::kNumber : GroupStyle::kDigits;
    }
    Form form = Form::kSpoken;
    std::string_view variant = scheme == 0 ? "iin.words.digits" : scheme == 1 ? "iin.words.pairs"
                             : scheme == 2 ? "iin.words.triples" : "iin.words.date_pairs";
    if (mixed) {
      // The birth date typed as digits, the rest spoken, or the other way round.
      bool head = r.chance(0.5);
      std::size_t half = groups.size() / 2;
      for (std::size_t i = 0; i < groups.size(); ++i) {
        if ((i < half) == head) styles[i] = GroupStyle::kNumeral;
      }
      form = Form::kMixed;
      variant = "iin.mixed";
    }
    std::string text = speak_groups(x.lang, groups, styles, r);
    x.b.entity(text, EntityType::kIin, form, variant, iin);
    return;
  }
  if (r.chance(0.06)) {
    std::string text = r.chance(0.5) ? iin.substr(0, 6) + " " + iin.substr(6)
                                     : iin.substr(0, 3) + " " + iin.substr(3, 3) + " " + iin.substr(6, 3) + " " + iin.substr(9);
    x.b.entity(text, EntityType::kIin, Form::kWritten, "iin.spaced", iin);
    return;
  }
  x.b.entity(iin, EntityType::kIin, Form::kWritten, "iin.compact", iin);
}

void put_bin(Ctx& x) {
  std::string bin = make_bin(x.rng);
  x.b.entity(bin, EntityType::kBin, Form::kWritten, "bin.compact", bin);
}

void put_iban(Ctx& x) {
  Rng& r = x.rng;
  static const char* const kBankCodes[] = {"125", "601", "722", "826", "914", "998", "856", "070", "319", "551"};
  std::string bban = r.pick(kBankCodes);
  bban += r.chance(0.7) ? std::string("KZT") + r.digits(10) : r.digits(13);
  std::string iban = "KZ" + iban_check("KZ", bban) + bban;
  if (!x.asr() && r.chance(0.4)) {
    std::string g;
    for (std::size_t i = 0; i < iban.size(); i += 4) {
      if (i) g += ' ';
      g += iban.substr(i, 4);
    }
    x.b.entity(g, EntityType::kIban, Form::kWritten, "iban.grouped", iban);
    return;
  }
  x.b.entity(iban, EntityType::kIban, Form::kWritten, "iban.compact", iban);
}

std::string group_card(Rng& r, const std::string& card, std::string_view& variant) {
  switch (r.weighted({55, 30, 15})) {
    case 0:
      variant = "card.spaced";
      return card.substr(0, 4) + " " + card.substr(4, 4) + " " + card.substr(8, 4) + " " + card.substr(12);
    case 1: variant = "card.compact"; return card;
    default:
      variant = "card.dashed";
      return card.substr(0, 4) + "-" + card.substr(4, 4) + "-" + card.substr(8, 4) + "-" + card.substr(12);
  }
}

void put_card(Ctx& x) {
  std::string body = card_body(x.rng);
  std::string card = body + luhn_check_digit(body);
  std::string_view variant;
  std::string text = group_card(x.rng, card, variant);
  x.b.entity(text, EntityType::kCard, Form::kWritten, variant, card);
}

std::string latin_handle(Rng& r) {
  std::string h = r.pick(data::kLatinFirst);
  switch (r.below(4)) {
    case 0: h += "_" + std::string(r.pick(data::kLatinLast)); break;
    case 1: h += "." + std::string(1, r.pick(data::kLatinLast)[0]); break;
    case 2: h += std::to_string(r.between(1, 99)); break;
    default: {
      std::string last = r.pick(data::kLatinLast);
      h = last + "_" + h.substr(0, 1) + std::to_string(r.between(80, 2005));
      break;
    }
  }
  return h;
}

void put_email(Ctx& x) {
  Rng& r = x.rng;
  std::string local;
  std::size_t shape = r.below(4);
  if (shape == 3) {
    local = latin_handle(r);
  } else {
    std::string first = r.pick(data::kLatinFirst);
    if (shape == 2) first = first.substr(0, 1);
    local = first + (shape == 1 ? "_" + std::to_string(r.between(70, 2010)) : "." + std::string(r.pick(data::kLatinLast)));
  }
  std::string email = local + "@" + r.pick(data::kMailDomains);
  std::string value = email;
  if (x.chat() && r.chance(0.1)) email[0] = static_cast<char>(email[0] - 32);
  x.b.entity(email, EntityType::kEmail, Form::kWritten, "email", value);
}

void put_ip(Ctx& x) {
  Rng& r = x.rng;
  static const char* const kHex = "0123456789abcdef";
  auto hex_group = [&](bool trim) {
    std::string g;
    for (int i = 0; i < 4; ++i) g += kHex[r.below(16)];
    if (trim) {
      while (g.size() > 1 && g[0] == '0') g.erase(0, 1);
    }
    return g;
  };
  if (r.chance(0.78)) {
    static const int kFirst[] = {5, 37, 46, 77, 78, 89, 95, 176, 178, 185, 188, 194, 212, 217};
    std::size_t kind = r.below(3);
    int a = kind == 0 ? 192 : kind == 1 ? 10 : r.pick(kFirst);
    int b = kind == 0 ? 168 : r.between(0, 255);
    int c = r.between(0, kind == 0 ? 20 : 255);
    int d = r.between(2, 254);
    std::string ip = std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c) + "." + std::to_string(d);
    x.b.entity(ip, EntityType::kIpAddress, Form::kWritten, "ip.v4", ip);
    return;
  }
  std::string ip;
  std::string_view variant;
  auto groups = [&](std::string_view head, int n, std::string_view sep, bool trim) {
    std::string out(head);
    for (int i = 0; i < n; ++i) {
      if (i) out += sep;
      out += hex_group(trim);
    }
    return out;
  };
  switch (r.below(3)) {
    case 0: ip = groups("", 8, ":", false); variant = "ip.v6.full"; break;
    case 1:
      ip = groups("2a02:", 3, ":", true);
      ip += "::" + hex_group(true);
      variant = "ip.v6.compressed";
      break;
    default: ip = groups("fe80::", 4, ":", true); variant = "ip.v6.link_local";
  }
  x.b.entity(ip, EntityType::kIpAddress, Form::kWritten, variant, ip);
}

void put_url(Ctx& x) {
  Rng& r = x.rng;
  std::string url;
  std::string_view variant;
  std::string scheme = r.chance(0.4) ? "https://" : "";
  switch (r.weighted({30, 22, 18, 15, 8, 7})) {
    case 0: {
      url = scheme + (r.chance(0.3) ? "www." : "") + "instagram.com/";
      url += latin_handle(r);
      if (r.chance(0.3)) url += "/";
      variant = "url.instagram";
      break;
    }
    case 1: url = scheme + "wa.me/7" + random_phone(r).national; variant = "url.whatsapp"; break;
    case 2: url = scheme + "t.me/" + latin_handle(r); variant = "url.telegram"; break;
    case 3:
      url = scheme + "vk.com/";
      url += r.chance(0.6) ? "id" + std::to_string(r.between(10000, 799999999)) : latin_handle(r);
      variant = "url.vk";
      break;
    case 4: url = scheme + "facebook.com/" + latin_handle(r); variant = "url.facebook"; break;
    default:
      url = "https://instagram.com/" + latin_handle(r);
      url += "?igsh=" + std::to_string(r.between(100000, 999999)) + "abc";
      variant = "url.query";
  }
  x.b.entity(url, EntityType::kUrl, Form::kWritten, variant);
}

void put_dob(Ctx& x) {
  Rng& r = x.rng;
  Date d = random_date(r, 1950, 2005);
  std::string dot = two(d.day) + "." + two(d.month) + "." + std::to_string(d.year);
  std::string y = std::to_string(d.year), day = std::to_string(d.day);
  auto m = static_cast<std::size_t>(d.month - 1);
  std::string text;
  std::string_view variant;
  switch (x.lang) {
    case Language::kRussian:
      if (x.asr()) {
        if (r.chance(0.75)) { text = day + " " + data::kRuMonthGen[m] + " " + y; variant = "dob.ru.words"; }
        else { text = two(d.day) + " " + two(d.month) + " " + y; variant = "dob.ru.spaced"; }
      } else {
        switch (r.weighted({60, 30, 10})) {
          case 0: text = dot; variant = "dob.dotted"; break;
          case 1: text = day + " " + data::kRuMonthGen[m] + " " + y; variant = "dob.ru.words"; break;
          default: text = y + "-" + two(d.month) + "-" + two(d.day); variant = "dob.iso"; break;
        }
      }
      break;
    case Language::kKazakh:
      if (!x.asr() && r.chance(0.6)) { text = dot; variant = "dob.dotted"; }
      else if (r.chance(0.5)) { text = y + " жылғы " + day + " " + data::kKkMonth[m]; variant = "dob.kk.words"; }
      else { text = day + " " + data::kKkMonth[m] + " " + y; variant = "dob.kk.words"; }
      break;
    case Language::kEnglish:
      if (x.asr()) {
        text = std::string(data::kEnMonth[m]) + " " + day + " " + y;
        variant = "dob.en.words";
      } else {
        switch (r.weighted({35, 20, 25, 20})) {
          case 0: text = std::string(data::kEnMonth[m]) + " " + day + ", " + y; variant = "dob.en.words"; break;
          case 1: text = day + " " + data::kEnMonth[m] + " " + y; variant = "dob.en.words"; break;
          case 2: text = two(d.day) + "/" + two(d.month) + "/" + y; variant = "dob.slashed"; break;
          default: text = y + "-" + two(d.month) + "-" + two(d.day); variant = "dob.iso"; break;
        }
      }
      break;
  }
  x.b.entity(text, EntityType::kDateOfBirth, Form::kWritten, variant);
}

void put_idcard(Ctx& x) {
  std::string id = std::string("0") + x.rng.digits(8);
  x.b.entity(id, EntityType::kIdCard, Form::kWritten, "id_card", id);
}

void put_passport(Ctx& x) {
  Rng& r = x.rng;
  if (x.lang == Language::kRussian && r.chance(0.15)) {
    std::string series = two(r.between(1, 99));
    series += two(r.between(0, 24));
    std::string number = r.digits(6);
    x.b.entity(series + " " + number, EntityType::kPassport, Form::kWritten, "passport.ru", series + number);
    return;
  }
  std::string p = std::string("N") + r.digits(8);
  x.b.entity(p, EntityType::kPassport, Form::kWritten, "passport.kz", p);
}

void put_plate(Ctx& x) {
  Rng& r = x.rng;
  static const char* const kLetters = "ABCDEFHKLMNOPRSTUXYZ";
  std::string num = std::to_string(r.between(1, 999));
  while (num.size() < 3) num = "0" + num;
  std::string letters;
  std::size_t n = r.chance(0.15) ? 2 : 3;
  for (std::size_t i = 0; i < n; ++i) letters += kLetters[r.below(20)];
  std::string region = two(r.between(1, 20));
  bool compact = r.chance(0.25);
  std::string text = compact ? num + letters + region : num + " " + letters + " " + region;
  x.b.entity(text, EntityType::kVehiclePlate, Form::kWritten, compact ? "plate.compact" : "plate.spaced");
}

std::string house_number(Rng& r) {
  std::string h = std::to_string(r.between(1, 180));
  if (r.chance(0.1)) h += r.chance(0.5) ? "а" : "Б";
  else if (r.chance(0.06)) h += "/" + std::to_string(r.between(1, 9));
  return h;
}

void put_address(Ctx& x) {
  Rng& r = x.rng;
  std::string t;
  std::string_view variant;
  int house = r.between(1, 180), flat = r.between(1, 150);
  std::string h = house_number(r), f = std::to_string(flat);
  switch (x.lang) {
    case Language::kRussian:
      if (x.asr()) {
        switch (r.weighted({40, 30, 15, 15})) {
          case 0:
            t = "улица " + std::string(r.pick(data::kRuStreet)) + " дом " + number_text(x.lang, house) +
                " квартира " + number_text(x.lang, flat);
            variant = "address.ru.words";
            break;
          case 1:
            t = "улица " + std::string(r.pick(data::kRuStreet)) + " " + std::to_string(house) + " квартира " + f;
            variant = "address.ru.street";
            break;
          case 2:
            t = "проспект " + std::string(r.pick(data::kRuAvenue)) + " " + std::to_string(house);
            variant = "address.ru.avenue";
            break;
          default: {
            const auto& m = r.pick(data::kRuMkr);
            t = "микрорайон " + std::string(m.name) + " " + number_text(x.lang, m.number) + " дом " +
                std::to_string(house) + " квартира " + f;
            variant = "address.ru.mkr";
          }
        }
      } else {
        switch (r.weighted({25, 25, 15, 15, 10, 10})) {
          case 0: t = "ул. " + std::string(r.pick(data::kRuStreet)) + " " + h; variant = "address.ru.street"; break;
          case 1:
            t = "ул. " + std::string(r.pick(data::kRuStreet)) + " " + h + ", кв. " + f;
            variant = "address.ru.street";
            break;
          case 2:
            t = "улица " + std::string(r.pick(data::kRuStreet)) + ", дом " + h + ", квартира " + f;
            variant = "address.ru.street";
            break;
          case 3:
            t = r.chance(0.5) ? "пр. " : "проспект ";
            t += std::string(r.pick(data::kRuAvenue)) + " " + h;
            variant = "address.ru.avenue";
            break;
          case 4: {
            const auto& m = r.pick(data::kRuMkr);
            t = "мкр. " + std::string(m.name) + "-" + std::to_string(m.number) + ", д. " + h + ", кв. " + f;
            variant = "address.ru.mkr";
            break;
          }
          default:
            t = "г. " + std::string(r.pick(data::kRuCityNom)) + ", ул. ";
            t += std::string(r.pick(data::kRuStreet)) + " " + h + ", кв. " + f;
            variant = "address.ru.city";
        }
      }
      break;
    case Language::kKazakh:
      if (x.asr()) {
        if (r.chance(0.5)) {
          t = std::string(r.pick(data::kKkStreet)) + " көшесі " + number_text(x.lang, house) + " үй " +
              number_text(x.lang, flat) + " пәтер";
          variant = "address.kk.words";
        } else {
          t = std::string(r.pick(data::kKkAvenue)) + " даңғылы " + std::to_string(house);
          variant = "address.kk.avenue";
        }
      } else {
        switch (r.weighted({30, 30, 25, 15})) {
          case 0: t = std::string(r.pick(data::kKkStreet)) + " көшесі " + h; variant = "address.kk.street"; break;
          case 1:
            t = std::string(r.pick(data::kKkStreet)) + " көшесі, " + h + " үй, " + f + " пәтер";
            variant = "address.kk.street";
            break;
          case 2: t = std::string(r.pick(data::kKkAvenue)) + " даңғылы " + h; variant = "address.kk.avenue"; break;
          default:
            t = std::string(r.pick(data::kKkAvenue)) + " даңғылы, " + h + " үй, " + f + " пәтер";
            variant = "address.kk.avenue";
        }
      }
      break;
    case Language::kEnglish:
      if (x.asr()) {
        if (r.chance(0.5)) {
          t = number_text(x.lang, house) + " " + r.pick(data::kEnStreet) + " apartment " + number_text(x.lang, flat);
          variant = "address.en.words";
        } else {
          t = std::to_string(house) + " " + r.pick(data::kEnStreet) + " apt " + f;
          variant = "address.en.street";
        }
      } else {
        switch (r.weighted({35, 35, 30})) {
          case 0: t = std::to_string(house) + " " + r.pick(data::kEnStreet); break;
          case 1: t = std::to_string(house) + " " + r.pick(data::kEnStreet) + ", apt " + f; break;
          default: t = std::to_string(house) + " " + r.pick(data::kEnStreet) + " Apt. " + f; break;
        }
        variant = "address.en.street";
      }
      break;
  }
  x.b.entity(t, EntityType::kAddress, Form::kWritten, variant);
}

// -- look-alikes

std::string group_thousands(long long v, std::string_view sep) {
  std::string s = std::to_string(v), out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += sep;
    out += s[i];
  }
  return out;
}

std::string spoken_thousands(Language l, int thousands, int hundreds) {
  std::string s;
  switch (l) {
    case Language::kRussian: {
      Words w;
      number_words(l, thousands, w);
      // "одна/две тысячи": the feminine forms.
      if (w.back().cls == WordClass::kUnit) {
        if (w.back().text == "один") w.back().text = "одна";
        if (w.back().text == "два") w.back().text = "две";
      }
      int last = thousands % 10, last2 = thousands % 100;
      const char* word = (last == 1 && last2 != 11) ? "тысяча"
                       : (last >= 2 && last <= 4 && (last2 < 12 || last2 > 14)) ? "тысячи" : "тысяч";
      s = join(w) + " " + word;
      break;
    }
    case Language::kKazakh: s = number_text(l, thousands) + " мың"; break;
    case Language::kEnglish: s = number_text(l, thousands) + " thousand"; break;
  }
  if (hundreds) s += " " + number_text(l, hundreds * 100);
  return s;
}

void put_amount(Ctx& x) {
  Rng& r = x.rng;
  int thousands = r.between(1, 250), hundreds = r.chance(0.5) ? r.between(1, 9) : 0;
  long long value = thousands * 1000LL + hundreds * 100;
  const char* tenge = x.lang == Language::kKazakh ? "теңге" : x.lang == Language::kEnglish ? "tenge" : "тенге";
  if (x.asr()) {
    if (r.chance(0.5)) {
      x.b.distractor(spoken_thousands(x.lang, thousands, hundreds) + " " + tenge, "amount_spoken");
    } else {
      x.b.distractor(group_thousands(value, " ") + " " + tenge, "amount");
    }
    return;
  }
  std::string t;
  switch (r.below(6)) {
    case 0: t = group_thousands(value, " ") + " " + tenge; break;
    case 1: t = group_thousands(value, " ") + " ₸"; break;
    case 2: t = std::to_string(value) + (x.lang == Language::kEnglish ? " KZT" : " тг"); break;
    case 3: t = "$" + group_thousands(value / 100, ",") + "." + two(r.between(0, 99)); break;
    case 4: {
      int euros = r.between(5, 999);
      t = "€" + std::to_string(euros) + "." + two(r.between(0, 99));
      break;
    }
    default: t = "1 " + group_thousands(value, " ") + " ₸"; break;
  }
  x.b.distractor(t, "amount");
}

void put_time(Ctx& x) {
  Rng& r = x.rng;
  int h = r.between(8, 21), m = r.chance(0.5) ? 0 : r.between(0, 11) * 5;
  if (x.asr() && r.chance(0.5)) {
    std::string t = number_text(x.lang, h) + " " + (m == 0 ? number_text(x.lang, 0) + " " + number_text(x.lang, 0)
                                                          : (m < 10 ? number_text(x.lang, 0) + " " : "") + number_text(x.lang, m));
    x.b.distractor(t, "time_spoken");
    return;
  }
  std::string t = std::to_string(h) + (r.chance(0.8) ? ":" : ".") + two(m);
  if (x.lang == Language::kEnglish && x.chat() && r.chance(0.4)) t = std::to_string(h > 12 ? h - 12 : h) + ":" + two(m) + (h >= 12 ? " pm" : " am");
  x.b.distractor(t, "time");
}

void put_date(Ctx& x) {
  Rng& r = x.rng;
  Date d = random_date(r, 2019, 2025);
  auto m = static_cast<std::size_t>(d.month - 1);
  std::string t;
  switch (r.below(3)) {
    case 0: t = two(d.day) + "." + two(d.month) + "." + std::to_string(d.year); break;
    case 1:
      t = std::to_string(d.day) + " " +
          (x.lang == Language::kRussian ? data::kRuMonthGen[m] : x.lang == Language::kKazakh ? data::kKkMonth[m] : data::kEnMonth[m]);
      break;
    default: t = std::to_string(d.year) + "-" + two(d.month) + "-" + two(d.day); break;
  }
  if (x.asr()) {
    t = std::to_string(d.day) + " " +
        (x.lang == Language::kRussian ? data::kRuMonthGen[m] : x.lang == Language::kKazakh ? data::kKkMonth[m] : data::kEnMonth[m]);
  }
  x.b.distractor(t, "date");
}

void put_order(Ctx& x) {
  Rng& r = x.rng;
  if (x.asr() && x.lang != Language::kEnglish && r.chance(0.35)) {
    std::vector<Group> g = {{std::to_string(r.between(100, 999)), {}}, {std::to_string(r.between(100, 999)), {}}};
    std::vector<GroupStyle> s(2, GroupStyle::kNumber);
    x.b.distractor(speak_groups(x.lang, g, s, r), "order_spoken");
    return;
  }
  std::string d(1, "1234569"[r.below(7)]);
  std::size_t more = static_cast<std::size_t>(r.between(5, 8));
  d += r.digits(more);
  x.b.distractor(d, "order");
}

void put_track(Ctx& x) {
  Rng& r = x.rng;
  static const char* const kPrefix[] = {"RR", "RB", "CP", "EE", "LZ", "UA"};
  if (r.chance(0.7)) {
    std::string t = r.pick(kPrefix);
    t += r.digits(9);
    t += r.chance(0.6) ? "KZ" : "CN";
    x.b.distractor(t, "tracking");
  } else {
    x.b.distractor("1" + r.digits(9), "tracking");
  }
}

void put_bad_card(Ctx& x) {
  std::string body = card_body(x.rng);
  char good = luhn_check_digit(body);
  std::string card = body + static_cast<char>('0' + (good - '0' + x.rng.between(1, 9)) % 10);
  std::string_view ignored;
  x.b.distractor(group_card(x.rng, card, ignored), "card_bad_check");
}

void put_version(Ctx& x) {
  Rng& r = x.rng;
  std::string v = std::to_string(r.between(1, 20));
  for (int limit : {30, 99}) {
    v += '.';
    v += std::to_string(r.between(0, limit));
  }
  if (r.chance(0.75)) {
    v += '.';
    v += std::to_string(r.between(0, 999));
  }
  x.b.distractor(v, "version");
}

void put_literal_distractor(Ctx& x, std::string_view text, std::string_view kind) { x.b.distractor(text, kind); }

// -- look-alikes of the held-out set only

// Twelve digits like an IIN, but an invoice number: the IIN check fails.
void put_invoice(Ctx& x) {
  for (;;) {
    std::string d = x.rng.digits(12);
    if (kz_check_digit(std::string_view(d).substr(0, 11)) != d.back() - '0') {
      return x.b.distractor(d, "invoice12");
    }
  }
}

// A KZ IBAN with wrong check digits (a typo in a printed invoice).
void put_bad_iban(Ctx& x) {
  Rng& r = x.rng;
  static const char* const kBankCodes[] = {"965", "070", "722", "998", "601"};
  std::string bban = std::string(r.pick(kBankCodes)) + "KZT" + r.digits(10);
  std::string good = iban_check("KZ", bban);
  std::string bad = two((std::stoi(good) + r.between(1, 96)) % 97 + 2);
  if (bad == good) bad = good == "02" ? "03" : "02";
  x.b.distractor("KZ" + bad + bban, "iban_bad_check");
}

// A helpdesk ticket or case number.
void put_ticket(Ctx& x) {
  Rng& r = x.rng;
  switch (r.below(3)) {
    case 0: return x.b.distractor("INC-" + std::to_string(r.between(2023, 2025)) + "-" + r.digits(6), "ticket");
    case 1: return x.b.distractor(std::to_string(r.between(2023, 2025)) + "/" + r.digits(4) + "-" + r.digits(2), "ticket");
    default: return x.b.distractor("#" + r.digits(7), "ticket");
  }
}

// A one-time code from a text message: 4 to 6 digits, spoken digit by digit
// in transcripts.
void put_sms_code(Ctx& x) {
  Rng& r = x.rng;
  std::string code = r.digits(static_cast<std::size_t>(r.between(4, 6)));
  if (!x.asr()) return x.b.distractor(code, "sms_code");
  Words w;
  per_digit(x.lang, code, r, false, w);
  x.b.distractor(join(w), "sms_code_spoken");
}

// Short service numbers (bank, taxi, operator hotlines): 3 or 4 digits.
void put_short_number(Ctx& x) {
  static const char* const kShort[] = {"7111", "1414", "0707", "5050", "3030", "7575", "160", "112", "109"};
  x.b.distractor(x.rng.pick(kShort), "short_number");
}

// -- typos for chat fillers

std::string typo(Rng& r, std::string_view word) {
  std::vector<std::string> cps;
  for (std::size_t i = 0; i < word.size();) {
    std::size_t n;
    decode_utf8(word, i, n);
    cps.emplace_back(word.substr(i, n));
    i += n;
  }
  if (cps.size() < 4) return std::string(word);
  std::size_t i = 1 + r.below(cps.size() - 2);
  switch (r.below(3)) {
    case 0: std::swap(cps[i], cps[i + 1 < cps.size() ? i + 1 : i - 1]); break;
    case 1: cps.erase(cps.begin() + static_cast<std::ptrdiff_t>(i)); break;
    default: cps.insert(cps.begin() + static_cast<std::ptrdiff_t>(i), cps[i]); break;
  }
  std::string out;
  for (auto& c : cps) out += c;
  return out;
}

void put_literal(Ctx& x, std::string_view s) {
  if (!x.typos) {
    x.b.put(s);
    return;
  }
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    std::string_view w = s.substr(i, j - i);
    x.b.put(x.rng.chance(0.12) ? typo(x.rng, w) : std::string(w));
    if (j < s.size()) x.b.put(" ");
    i = j + 1;
  }
}

void slot(Ctx& x, std::string_view name, std::string_view arg) {
  Rng& r = x.rng;
  auto gendered = [&](Gender g) {
    std::size_t bar = arg.find('|');
    x.b.put(g == Gender::kFemale ? arg.substr(bar + 1) : arg.substr(0, bar));
  };
  auto case_of = [&](std::string_view a) {
    if (a == "gen") return Case::kGen;
    if (a == "dat") return Case::kDat;
    if (a == "ins") return Case::kIns;
    if (a == "acc") return Case::kAcc;
    if (a == "abl") return Case::kAbl;
    if (a == "poss") return Case::kPoss;
    return Case::kNom;
  };
  if (name == "me") return put_person(x, x.client, case_of(arg), arg == "full");
  if (name == "op") return put_person(x, x.op, Case::kNom, false, Shape::kFirst);
  if (name == "name") {
    Person p = random_person(r, x.lang, *x.client.names);
    return put_person(x, p, case_of(arg), arg == "full");
  }
  if (name == "cg") return gendered(x.client.gender);
  if (name == "og") return gendered(x.op.gender);
  if (name == "g") return gendered(x.last_gender);
  if (name == "phone") return put_phone(x, arg == "w");
  if (name == "iin") return put_iin(x);
  if (name == "bin") return put_bin(x);
  if (name == "iban") return put_iban(x);
  if (name == "card") return put_card(x);
  if (name == "email") return put_email(x);
  if (name == "ip") return put_ip(x);
  if (name == "url") return put_url(x);
  if (name == "dob") return put_dob(x);
  if (name == "idcard") return put_idcard(x);
  if (name == "passport") return put_passport(x);
  if (name == "plate") return put_plate(x);
  if (name == "addr") return put_address(x);
  if (name == "order") return put_order(x);
  if (name == "amount") return put_amount(x);
  if (name == "time") return put_time(x);
  if (name == "date") return put_date(x);
  if (name == "year") return x.b.distractor(std::to_string(r.between(2005, 2024)), "year");
  if (name == "track") return put_track(x);
  if (name == "bad_iin") return x.b.distractor(make_bad_iin(r), "iin_bad_check");
  if (name == "bad_card") return put_bad_card(x);
  if (name == "n11") {
    std::string d(1, "123456"[r.below(6)]);
    return x.b.distractor(d + r.digits(10), "digits11");
  }
  if (name == "version") return put_version(x);
  if (name == "postal") {
    std::string d = "0" + std::to_string(r.between(10, 99));
    return x.b.distractor(d + r.digits(3), "postal_code");
  }
  if (name == "city") {
    const char* c = x.lang == Language::kRussian ? r.pick(data::kRuCity)
                  : x.lang == Language::kKazakh ? r.pick(data::kKkCity) : r.pick(data::kEnCity);
    return put_literal_distractor(x, c, "city");
  }
  if (name == "company") {
    const char* c = random_company(r, x.lang, *x.client.names);
    return put_literal_distractor(x, c, "company");
  }
  if (name == "bank") return put_literal_distractor(x, r.pick(data::kBanks), "bank");
  if (name == "invoice") return put_invoice(x);
  if (name == "bad_iban") return put_bad_iban(x);
  if (name == "ticket") return put_ticket(x);
  if (name == "sms") return put_sms_code(x);
  if (name == "short") return put_short_number(x);
  throw std::logic_error("corpus template: unknown slot {" + std::string(name) + "}");
}

void expand(Ctx& x, std::string_view tpl) {
  std::size_t i = 0;
  while (i < tpl.size()) {
    std::size_t j = tpl.find_first_of("{<", i);
    if (j == std::string_view::npos) {
      put_literal(x, tpl.substr(i));
      return;
    }
    put_literal(x, tpl.substr(i, j - i));
    char close = tpl[j] == '{' ? '}' : '>';
    std::size_t k = tpl.find(close, j);
    if (k == std::string_view::npos) throw std::logic_error("corpus template: unclosed slot");
    std::string_view inside = tpl.substr(j + 1, k - j - 1);
    if (close == '>') {
      x.b.distractor(inside, "common_word");
    } else {
      std::size_t colon = inside.find(':');
      slot(x, inside.substr(0, colon), colon == std::string_view::npos ? "" : inside.substr(colon + 1));
    }
    i = k + 1;
  }
}

// ---------------------------------------------------------------------------
// Documents.

struct Line {
  bool operator_side;
  const char* tpl;
  bool filler;
};

// What is said, in order: an opening, questions and answers, look-alikes,
// fillers, a closing.
std::vector<Line> plan_dialogue(Rng& r, const TemplatePack& p, bool transcript) {
  std::vector<Line> lines;
  if (r.chance(transcript ? 0.85 : 0.35)) lines.push_back({true, r.pick(p.op_open), false});
  if (r.chance(0.7)) lines.push_back({false, r.pick(p.client_open), false});
  if (!transcript && lines.size() == 1 && !lines[0].operator_side) {
    if (r.chance(0.5)) lines.push_back({true, r.pick(p.op_open), false});
  }
  int items = transcript ? r.between(3, 8) : r.between(2, 6);
  for (int i = 0; i < items; ++i) {
    std::size_t what = r.weighted({58, 20, 22});
    if (what == 0) {
      // Entity types by weight, in EntityType order.
      std::size_t t = r.weighted({18, 17, 5, 11, 4, 5, 6, 3, 5, 5, 4, 4, 4, 6});
      const auto& pool = p.qa[t];
      const QaTemplate& qa = r.pick(pool);
      if (qa.ask) lines.push_back({true, qa.ask, false});
      lines.push_back({false, qa.say, false});
    } else if (what == 1) {
      lines.push_back({r.chance(0.2), r.pick(p.distract), false});
    } else {
      bool op = r.chance(0.5);
      lines.push_back({op, op ? r.pick(p.op_fill) : r.pick(p.client_fill), true});
    }
  }
  if (r.chance(0.6)) lines.push_back({true, r.pick(p.closing), false});
  return lines;
}

void transcript_body(Ctx& x, const std::vector<Line>& lines) {
  Rng& r = x.rng;
  std::string op_label, client_label;
  std::size_t style = r.weighted({70, 15, 15});
  switch (x.lang) {
    case Language::kRussian:
      op_label = style == 1 ? "спикер 1" : style == 2 ? "менеджер" : "оператор";
      client_label = style == 1 ? "спикер 2" : style == 2 ? "абонент" : "клиент";
      break;
    case Language::kKazakh:
      op_label = style == 1 ? "спикер 1" : "оператор";
      client_label = style == 1 ? "спикер 2" : "клиент";
      break;
    case Language::kEnglish:
      op_label = style == 1 ? "speaker 1" : style == 2 ? "operator" : "agent";
      client_label = style == 1 ? "speaker 2" : style == 2 ? "caller" : "customer";
      break;
  }
  bool one_line = r.chance(0.25);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) x.b.put(one_line ? " " : "\n");
    x.b.put(lines[i].operator_side ? op_label : client_label);
    x.b.put(": ");
    expand(x, lines[i].tpl);
  }
}

void chat_body(Ctx& x, const std::vector<Line>& lines) {
  Rng& r = x.rng;
  std::size_t style = r.weighted({20, 15, 65});  // WhatsApp export, Telegram, plain roles
  Date day = random_date(r, 2023, 2025);
  int minute = r.between(8 * 60, 20 * 60);
  // Who writes: fixed for the whole chat.
  Shape client_shape = r.chance(0.5) ? Shape::kFirst : Shape::kFirstLast;
  bool client_is_phone = style == 0 && r.chance(0.3);
  Phone client_phone = random_phone(r);
  std::string_view phone_variant;
  std::string client_phone_text = phone_written(r, client_phone, false, phone_variant);
  std::size_t manager_kind = r.below(3);  // company, manager's first name, role word
  const char* company = random_company(r, x.lang, *x.client.names);
  const char* client_role = x.lang == Language::kEnglish ? "Customer" : "Клиент";
  const char* manager_role = x.lang == Language::kEnglish ? "Agent" : "Менеджер";

  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) x.b.put("\n");
    bool op = lines[i].operator_side;
    minute += r.between(0, 4);
    if (style == 0) {
      x.b.distractor(two(day.day) + "." + two(day.month) + "." + std::to_string(day.year) + ", " +
                         two(minute / 60 % 24) + ":" + two(minute % 60),
                     "chat_timestamp");
      x.b.put(" - ");
    } else if (style == 1) {
      x.b.put("[");
      x.b.distractor(two(minute / 60 % 24) + ":" + two(minute % 60), "chat_timestamp");
      x.b.put("] ");
    }
    if (style == 2) {
      x.b.put(op ? manager_role : client_role);
    } else if (!op) {
      if (client_is_phone) {
        x.b.entity(client_phone_text, EntityType::kPhone, Form::kWritten, phone_variant, "7" + client_phone.national);
      } else {
        put_person(x, x.client, Case::kNom, false, client_shape, "person.chat_sender");
      }
    } else if (manager_kind == 0) {
      x.b.distractor(company, "company");
    } else if (manager_kind == 1) {
      put_person(x, x.op, Case::kNom, false, Shape::kFirst, "person.chat_sender");
    } else {
      x.b.put(manager_role);
    }
    x.b.put(": ");
    x.typos = lines[i].filler;
    expand(x, lines[i].tpl);
    x.typos = false;
    if (r.chance(0.25)) {
      if (!r.chance(0.3)) x.b.put(" ");
      x.b.put(r.pick(data::kEmoji));
    }
  }
}

}  // namespace

std::string_view type_label(EntityType t) {
  static constexpr std::string_view kNames[kEntityTypeCount] = {
      "PERSON", "PHONE", "EMAIL", "IIN", "BIN", "IBAN", "CARD", "IP", "URL", "DOB", "ID_CARD", "PASSPORT", "PLATE", "ADDRESS"};
  auto i = static_cast<std::size_t>(t);
  return i < std::size(kNames) ? kNames[i] : "?";
}

std::string_view kind_name(DocKind k) { return k == DocKind::kTranscript ? "transcript" : "chat"; }

std::string_view language_code(Language l) {
  return l == Language::kRussian ? "ru" : l == Language::kKazakh ? "kk" : "en";
}

std::string_view form_name(Form f) {
  return f == Form::kWritten ? "written" : f == Form::kSpoken ? "spoken" : "mixed";
}

std::string_view split_name(CorpusSplit s) { return s == CorpusSplit::kHeldOut ? "held-out" : "tuning"; }

CorpusDocument generate_document(std::uint64_t seed, std::size_t index, CorpusSplit split) {
  // The held-out set draws from another stream, so that its numbers do not
  // repeat the tuning set's for the same seed.
  Rng r(document_seed(split == CorpusSplit::kHeldOut ? seed ^ 0x5DEECE66DA3B1F27ull : seed, index));
  CorpusDocument doc;
  std::size_t lang = r.weighted({50, 25, 25});
  doc.language = lang == 0 ? Language::kRussian : lang == 1 ? Language::kKazakh : Language::kEnglish;
  doc.kind = r.chance(0.6) ? DocKind::kTranscript : DocKind::kChat;
  Person client = random_person(r, doc.language, names_of(split));
  Person op = random_person(r, doc.language, names_of(split));
  Builder b;
  Ctx x{r, b, doc.language, doc.kind, client, op};
  const TemplatePack& pack = split == CorpusSplit::kHeldOut ? heldout_template_pack(doc.language, doc.kind)
                                                             : template_pack(doc.language, doc.kind);
  auto lines = plan_dialogue(r, pack, doc.kind == DocKind::kTranscript);
  if (doc.kind == DocKind::kTranscript) {
    transcript_body(x, lines);
    lower_in_place(b.text);  // speech recognizers print lower case; lengths do not change
  } else {
    chat_body(x, lines);
    if (r.chance(0.12)) lower_in_place(b.text);  // people who never press shift
  }
  doc.text = std::move(b.text);
  doc.entities = std::move(b.entities);
  doc.distractors = std::move(b.distractors);
  return doc;
}

std::vector<CorpusDocument> generate_corpus(std::uint64_t seed, std::size_t docs, CorpusSplit split) {
  std::vector<CorpusDocument> out(docs);
  unsigned threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  if (docs < 256) threads = 1;
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (std::size_t i = t; i < docs; i += threads) out[i] = generate_document(seed, i, split);
    });
  }
  for (auto& th : pool) th.join();
  return out;
}

std::string generate_text(std::uint64_t seed, std::size_t bytes) {
  std::string out;
  out.reserve(bytes + 4096);
  unsigned threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  constexpr std::size_t kBatch = 512;
  std::size_t next = 0;
  while (out.size() < bytes) {
    // Generate a round of batches in parallel, append in index order.
    std::vector<std::string> parts(threads);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        std::size_t from = next + t * kBatch;
        for (std::size_t i = from; i < from + kBatch; ++i) {
          parts[t] += generate_document(seed, i).text;
          parts[t] += kDocumentSeparator;
        }
      });
    }
    for (auto& th : pool) th.join();
    for (const auto& part : parts) {
      if (out.size() >= bytes) break;
      // Whole documents only: cut this batch after the one that reaches `bytes`.
      std::size_t need = bytes - out.size();
      if (part.size() <= need) {
        out += part;
        continue;
      }
      std::size_t cut = part.find(kDocumentSeparator, need);
      out.append(part, 0, cut == std::string::npos ? part.size() : cut + kDocumentSeparator.size());
    }
    next += threads * kBatch;
  }
  return out;
}

CorpusStats corpus_stats(const std::vector<CorpusDocument>& docs) {
  CorpusStats s;
  std::map<std::string, std::size_t> distractors;
  s.documents = docs.size();
  for (const auto& d : docs) {
    s.bytes += d.text.size();
    ++s.per_kind[static_cast<std::size_t>(d.kind)];
    ++s.per_language[static_cast<std::size_t>(d.language)];
    for (const auto& e : d.entities) {
      ++s.entities[static_cast<std::size_t>(e.type)];
      ++s.forms[static_cast<std::size_t>(e.form)];
      if (e.form != Form::kWritten && e.type == EntityType::kPhone) ++s.spoken_phone;
      if (e.form != Form::kWritten && e.type == EntityType::kIin) ++s.spoken_iin;
      if (e.rare) ++s.rare_persons;
    }
    for (const auto& x : d.distractors) ++distractors[std::string(x.kind)];
  }
  s.distractors.assign(distractors.begin(), distractors.end());
  return s;
}

std::string format_stats(const CorpusStats& s) {
  std::string o;
  auto line = [&](std::string_view k, std::size_t v) {
    o += "  ";
    o += k;
    o += std::string(k.size() < 24 ? 24 - k.size() : 1, ' ');
    o += std::to_string(v);
    o += '\n';
  };
  o += "documents " + std::to_string(s.documents) + " (transcripts " + std::to_string(s.per_kind[0]) + ", chats " +
       std::to_string(s.per_kind[1]) + "; ru " + std::to_string(s.per_language[0]) + ", kk " +
       std::to_string(s.per_language[1]) + ", en " + std::to_string(s.per_language[2]) + "), " +
       std::to_string(s.bytes) + " bytes\n";
  std::size_t total = 0;
  for (auto n : s.entities) total += n;
  o += "entities " + std::to_string(total) + " (written " + std::to_string(s.forms[0]) + ", spoken " +
       std::to_string(s.forms[1]) + ", mixed " + std::to_string(s.forms[2]) + ")\n";
  for (int t = 0; t < kEntityTypeCount; ++t) line(type_label(static_cast<EntityType>(t)), s.entities[static_cast<std::size_t>(t)]);
  line("phone spoken/mixed", s.spoken_phone);
  line("iin spoken/mixed", s.spoken_iin);
  line("person rare names", s.rare_persons);
  std::size_t dtotal = 0;
  for (const auto& [k, v] : s.distractors) dtotal += v;
  o += "distractors " + std::to_string(dtotal) + "\n";
  for (const auto& [k, v] : s.distractors) line(k, v);
  return o;
}

std::string label_line(const CorpusDocument& doc, std::size_t index, std::size_t offset) {
  std::string o = "{\"doc\":" + std::to_string(index) + ",\"offset\":" + std::to_string(offset) +
                  ",\"length\":" + std::to_string(doc.text.size()) + ",\"kind\":\"" + std::string(kind_name(doc.kind)) +
                  "\",\"lang\":\"" + std::string(language_code(doc.language)) + "\",\"entities\":[";
  for (std::size_t i = 0; i < doc.entities.size(); ++i) {
    const auto& e = doc.entities[i];
    if (i) o += ',';
    o += "{\"begin\":" + std::to_string(e.begin) + ",\"end\":" + std::to_string(e.end) + ",\"type\":\"" +
         std::string(type_label(e.type)) + "\",\"form\":\"" + std::string(form_name(e.form)) +
         "\",\"variant\":" + json_quote(e.variant) + ",\"value\":" + json_quote(e.value) +
         ",\"rare\":" + (e.rare ? "true" : "false") + ",\"text\":" +
         json_quote(std::string_view(doc.text).substr(e.begin, e.length())) + "}";
  }
  o += "],\"distractors\":[";
  for (std::size_t i = 0; i < doc.distractors.size(); ++i) {
    const auto& d = doc.distractors[i];
    if (i) o += ',';
    o += "{\"begin\":" + std::to_string(d.begin) + ",\"end\":" + std::to_string(d.end) + ",\"kind\":" +
         json_quote(d.kind) + ",\"text\":" + json_quote(std::string_view(doc.text).substr(d.begin, d.end - d.begin)) + "}";
  }
  o += "]}";
  return o;
}

void write_corpus(const std::filesystem::path& dir, const std::vector<CorpusDocument>& docs) {
  std::filesystem::create_directories(dir);
  std::ofstream text(dir / "corpus.txt", std::ios::binary | std::ios::trunc);
  std::ofstream labels(dir / "labels.jsonl", std::ios::binary | std::ios::trunc);
  if (!text || !labels) throw std::runtime_error("cannot write the corpus into " + dir.string());
  std::size_t offset = 0;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    text << docs[i].text << kDocumentSeparator;
    labels << label_line(docs[i], i, offset) << '\n';
    offset += docs[i].text.size() + kDocumentSeparator.size();
  }
  text.flush();
  labels.flush();
  if (!text || !labels) throw std::runtime_error("cannot write the corpus into " + dir.string());
}

}  // namespace dpa::bench

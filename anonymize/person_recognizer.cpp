// Person names in Russian, Kazakh and English text, cased or not.
//
// Every word costs one look-up in the name dictionary (person_names.h);
// only the words it knows, intro cues ("меня зовут") and capitalized words
// with a surname ending go further. From such a word the reader takes the
// run of adjacent name words (given name, patronymic, surname in the orders
// Russian and Kazakh use) and picks the reading whose parts agree in
// gender and case. Confidence comes from how much evidence there is: more
// than one part, capital letters where a sentence does not start, cue
// phrases before or after, and against it: names that are also common
// words, street and company words, a house number right after.
#include "anonymize/person_recognizer.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "anonymize/recognizer.h"

namespace dpa::anonymize::names {
namespace {

constexpr std::size_t kMaxSlots = 6;
constexpr std::size_t kMaxCandidates = 16;

bool is_name_kind(Kind k) {
  return k == Kind::kGiven || k == Kind::kPatronymic || k == Kind::kSurname || k == Kind::kMarker;
}

std::size_t utf8_letters(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The folded form of each Cyrillic letter (U+0400 to U+052F): lower case,
// ё as е, as the tokenizer folds them (with Ӏ and the odd capitals
// Ӂ..Ӎ). One load per letter instead of a chain of range tests.
constexpr char32_t kCyrillicFirst = 0x400, kCyrillicLast = 0x52F;
constexpr char32_t fold_cyrillic(char32_t cp) {
  if (cp >= 0x400 && cp <= 0x40F) cp += 0x50;
  else if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;
  else if (((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) || (cp >= 0x4D0 && cp <= 0x52F)) &&
           cp % 2 == 0)
    cp += 1;
  else if (cp == 0x4C0)
    cp = 0x4CF;
  else if (cp >= 0x4C1 && cp <= 0x4CE && cp % 2 == 1)
    cp += 1;
  if (cp == 0x451) cp = 0x435;
  return cp;
}
constexpr auto kCyrillicFold = [] {
  std::array<char16_t, kCyrillicLast - kCyrillicFirst + 1> table{};
  for (char32_t cp = kCyrillicFirst; cp <= kCyrillicLast; ++cp) table[cp - kCyrillicFirst] = static_cast<char16_t>(fold_cyrillic(cp));
  return table;
}();

// The word folded like the tokenizer folds it (lower case, ё as е), into a
// buffer reused by the thread: valid until the next call.
std::string_view fold_word(std::string_view word) {
  thread_local std::string buf;
  // Folding keeps every letter's length in bytes: the result is written in
  // place, without a capacity check per byte.
  buf.resize(word.size());
  char* out = buf.data();
  for (std::size_t i = 0; i < word.size(); ++i) {
    auto c = static_cast<unsigned char>(word[i]);
    if (c < 0x80) {
      *out++ = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      continue;
    }
    if ((c & 0xE0) == 0xC0 && i + 1 < word.size()) {
      char32_t cp = (static_cast<char32_t>(c & 0x1F) << 6) | (static_cast<unsigned char>(word[i + 1]) & 0x3Fu);
      if (cp >= kCyrillicFirst && cp <= kCyrillicLast) cp = kCyrillicFold[cp - kCyrillicFirst];
      *out++ = static_cast<char>(0xC0 | (cp >> 6));
      *out++ = static_cast<char>(0x80 | (cp & 0x3F));
      ++i;
      continue;
    }
    *out++ = static_cast<char>(c);
  }
  return buf;
}

Script script_of(std::string_view folded) {
  if (!folded.empty() && static_cast<unsigned char>(folded[0]) < 0x80) return Script::kLatin;
  return has_kazakh_letters(folded) ? Script::kKazakh : Script::kRussian;
}

// --- endings of surnames and patronymics no dictionary knows ---------------

struct EndingRule {
  std::string_view ending;
  Kind kind;
  Gender gender;
  Case gcase;
  std::string_view nominative;  // replaces `ending` to give the lemma
};

constexpr Kind G = Kind::kGiven;
constexpr Kind P = Kind::kPatronymic;
constexpr Kind S = Kind::kSurname;
constexpr Gender M = Gender::kMale;
constexpr Gender F = Gender::kFemale;

// Every ending with the readings it allows; the longest matching ending wins.
constexpr EndingRule kEndings[] = {
    {"ович", P, M, Case::kNom, "ович"},     {"овича", P, M, Case::kGen, "ович"},   {"овича", P, M, Case::kAcc, "ович"},
    {"овичу", P, M, Case::kDat, "ович"},    {"овичем", P, M, Case::kIns, "ович"},  {"овиче", P, M, Case::kPrep, "ович"},
    {"евич", P, M, Case::kNom, "евич"},     {"евича", P, M, Case::kGen, "евич"},   {"евича", P, M, Case::kAcc, "евич"},
    {"евичу", P, M, Case::kDat, "евич"},    {"евичем", P, M, Case::kIns, "евич"},  {"евиче", P, M, Case::kPrep, "евич"},
    {"овна", P, F, Case::kNom, "овна"},     {"овны", P, F, Case::kGen, "овна"},    {"овне", P, F, Case::kDat, "овна"},
    {"овну", P, F, Case::kAcc, "овна"},     {"овной", P, F, Case::kIns, "овна"},   {"евна", P, F, Case::kNom, "евна"},
    {"евны", P, F, Case::kGen, "евна"},     {"евне", P, F, Case::kDat, "евна"},    {"евну", P, F, Case::kAcc, "евна"},
    {"евной", P, F, Case::kIns, "евна"},    {"ична", P, F, Case::kNom, "ична"},    {"ичны", P, F, Case::kGen, "ична"},
    {"ичне", P, F, Case::kDat, "ична"},     {"ичну", P, F, Case::kAcc, "ична"},    {"ичной", P, F, Case::kIns, "ична"},
    {"ұлы", P, M, Case::kNom, "ұлы"},       {"улы", P, M, Case::kNom, "улы"},      {"қызы", P, F, Case::kNom, "қызы"},
    {"кызы", P, F, Case::kNom, "кызы"},     {"ұлының", P, M, Case::kKzGen, "ұлы"}, {"ұлына", P, M, Case::kKzDat, "ұлы"},
    {"ұлымен", P, M, Case::kKzIns, "ұлы"},  {"қызының", P, F, Case::kKzGen, "қызы"}, {"қызына", P, F, Case::kKzDat, "қызы"},
    {"қызымен", P, F, Case::kKzIns, "қызы"},
    {"ов", S, M, Case::kNom, "ов"},         {"ев", S, M, Case::kNom, "ев"},        {"ин", S, M, Case::kNom, "ин"},
    {"ова", S, F, Case::kNom, "ова"},       {"ова", S, M, Case::kGen, "ов"},       {"ова", S, M, Case::kAcc, "ов"},
    {"ева", S, F, Case::kNom, "ева"},       {"ева", S, M, Case::kGen, "ев"},       {"ева", S, M, Case::kAcc, "ев"},
    {"ина", S, F, Case::kNom, "ина"},       {"ина", S, M, Case::kGen, "ин"},       {"ина", S, M, Case::kAcc, "ин"},
    {"ову", S, M, Case::kDat, "ов"},        {"ову", S, F, Case::kAcc, "ова"},      {"еву", S, M, Case::kDat, "ев"},
    {"еву", S, F, Case::kAcc, "ева"},       {"ину", S, M, Case::kDat, "ин"},       {"ину", S, F, Case::kAcc, "ина"},
    {"овым", S, M, Case::kIns, "ов"},       {"евым", S, M, Case::kIns, "ев"},      {"иным", S, M, Case::kIns, "ин"},
    {"ове", S, M, Case::kPrep, "ов"},       {"еве", S, M, Case::kPrep, "ев"},      {"ине", S, M, Case::kPrep, "ин"},
    {"овой", S, F, Case::kGen, "ова"},      {"евой", S, F, Case::kGen, "ева"},     {"иной", S, F, Case::kGen, "ина"},
    {"ский", S, M, Case::kNom, "ский"},     {"цкий", S, M, Case::kNom, "цкий"},    {"ская", S, F, Case::kNom, "ская"},
    {"цкая", S, F, Case::kNom, "цкая"},     {"ского", S, M, Case::kGen, "ский"},   {"скому", S, M, Case::kDat, "ский"},
    {"ским", S, M, Case::kIns, "ский"},     {"скую", S, F, Case::kAcc, "ская"},    {"ской", S, F, Case::kGen, "ская"},
    {"овқа", S, M, Case::kKzDat, "ов"},     {"овтың", S, M, Case::kKzGen, "ов"},   {"овпен", S, M, Case::kKzIns, "ов"},
    {"евқа", S, M, Case::kKzDat, "ев"},     {"евке", S, M, Case::kKzDat, "ев"},    {"евтің", S, M, Case::kKzGen, "ев"},
    {"оваға", S, F, Case::kKzDat, "ова"},   {"ованың", S, F, Case::kKzGen, "ова"}, {"овамен", S, F, Case::kKzIns, "ова"},
    {"еваға", S, F, Case::kKzDat, "ева"},   {"еваның", S, F, Case::kKzGen, "ева"}, {"енко", S, Gender::kUnknown, Case::kNom, "енко"},
    // Latin spellings.
    {"ov", S, M, Case::kNom, "ov"},         {"ev", S, M, Case::kNom, "ev"},        {"ova", S, F, Case::kNom, "ova"},
    {"eva", S, F, Case::kNom, "eva"},       {"yev", S, M, Case::kNom, "yev"},      {"yeva", S, F, Case::kNom, "yeva"},
    {"enko", S, Gender::kUnknown, Case::kNom, "enko"}, {"skiy", S, M, Case::kNom, "skiy"}, {"sky", S, M, Case::kNom, "sky"},
    {"skaya", S, F, Case::kNom, "skaya"},   {"ovich", P, M, Case::kNom, "ovich"},  {"evich", P, M, Case::kNom, "evich"},
    {"ovna", P, F, Case::kNom, "ovna"},     {"evna", P, F, Case::kNom, "evna"},    {"uly", P, M, Case::kNom, "uly"},
    {"kyzy", P, F, Case::kNom, "kyzy"},     {"qyzy", P, F, Case::kNom, "qyzy"},
    // Kazakh given names end in a few productive elements (Айбек, Бекжан,
    // Серікбай, Айгүл, Сейтқали, Ерхан, Ақнұр, Аясұлу).
    {"бек", G, M, Case::kNom, "бек"},       {"жан", G, Gender::kUnknown, Case::kNom, "жан"}, {"бай", G, M, Case::kNom, "бай"},
    {"гүл", G, F, Case::kNom, "гүл"},       {"гуль", G, F, Case::kNom, "гуль"},    {"қали", G, M, Case::kNom, "қали"},
    {"кали", G, M, Case::kNom, "кали"},     {"ғали", G, M, Case::kNom, "ғали"},    {"гали", G, M, Case::kNom, "гали"},
    {"хан", G, M, Case::kNom, "хан"},       {"нұр", G, Gender::kUnknown, Case::kNom, "нұр"}, {"нур", G, Gender::kUnknown, Case::kNom, "нур"},
    {"сұлу", G, F, Case::kNom, "сұлу"},     {"сулу", G, F, Case::kNom, "сулу"},    {"bek", G, M, Case::kNom, "bek"},
    {"zhan", G, Gender::kUnknown, Case::kNom, "zhan"}, {"bay", G, M, Case::kNom, "bay"}, {"gul", G, F, Case::kNom, "gul"},
    {"kali", G, M, Case::kNom, "kali"},     {"gali", G, M, Case::kNom, "gali"},    {"khan", G, M, Case::kNom, "khan"},
    {"nur", G, Gender::kUnknown, Case::kNom, "nur"}, {"sulu", G, F, Case::kNom, "sulu"},
};

// Endings that make a capitalized word a likely name even alone (checked
// on the raw bytes of every capitalized unknown word, so kept short).
constexpr std::string_view kStandaloneEndings[] = {"ович", "евич", "овна", "евна", "ұлы", "қызы", "ов", "ев",
                                                   "ова", "ева", "ский", "цкий", "ская", "цкая", "ского", "скому"};

constexpr EndingSet kStandalone(kStandaloneEndings);

bool standalone_candidate(std::string_view word) { return kStandalone.any_ends(word); }

// --- token context -----------------------------------------------------------

inline bool punct_is(const Token& t, std::string_view text, std::string_view p) {
  if (t.kind != TokenKind::kPunct || t.end - t.begin != p.size()) return false;
  for (std::size_t k = 0; k < p.size(); ++k) {
    if (text[t.begin + k] != p[k]) return false;
  }
  return true;
}

bool is_apostrophe(const Token& t, std::string_view text) {
  return punct_is(t, text, "'") || punct_is(t, text, "\xE2\x80\x99");
}

bool ends_sentence(const Token& t, std::string_view text) {
  if (t.kind == TokenKind::kNewline) return true;
  if (t.kind != TokenKind::kPunct) return false;
  auto v = t.view(text);
  return v == "." || v == "!" || v == "?" || v == ":" || v == ";" || v == "\xE2\x80\xA6";  // …
}

// Quotes, dashes and brackets a sentence may open with.
bool opens_sentence(const Token& t, std::string_view text) {
  if (t.kind != TokenKind::kPunct) return false;
  auto v = t.view(text);
  return v == "\"" || v == "(" || v == "-" || v == "*" || v == ">" || v == "\xC2\xAB" ||  // «
         v == "\xE2\x80\x94" || v == "\xE2\x80\x93" || v == "\xE2\x80\x9C" || v == "'";  // — – “
}

bool sentence_initial(std::string_view text, std::span<const Token> tokens, std::uint32_t i) {
  std::uint32_t k = i;
  while (k > 0 && opens_sentence(tokens[k - 1], text)) --k;
  if (k == 0) return true;
  return ends_sentence(tokens[k - 1], text);
}

bool capitalized(const Token& t) { return (t.flags & (kCapitalized | kAllCaps)) == kCapitalized; }

// Whether the text around tokens [first, last] uses capital letters at all:
// in all-lowercase speech-recognition output a lowercase name says nothing.
//
// Counted directly in the window: a few thousand calls per megabyte look at
// about eighty tokens each, all near the name and in cache, which is
// cheaper than a prefix sum over every token of the chunk.

bool text_is_cased(std::span<const Token> tokens, std::uint32_t first, std::uint32_t last) {
  constexpr std::uint32_t kWindow = 40;
  std::uint32_t lo = first > kWindow ? first - kWindow : 0;
  auto hi = static_cast<std::uint32_t>(std::min<std::size_t>(tokens.size(), std::size_t{last} + 1 + kWindow));
  auto cased = [&](std::uint32_t k) {
    return tokens[k].kind == TokenKind::kWord && (tokens[k].flags & (kCapitalized | kAllCaps));
  };
  for (std::uint32_t k = lo; k < first; ++k) {
    if (cased(k)) return true;
  }
  for (std::uint32_t k = last + 1; k < hi; ++k) {
    if (cased(k)) return true;
  }
  return false;
}

// --- reading a run of name words ---------------------------------------------

// One word of a run being read, with its candidate readings. Slots live in
// a scratch array of the thread and are reset, not constructed, for each
// word: a fresh one zeroed its sixteen candidates, and moving it into a
// vector copied them, a third of read_name()'s own instructions.
struct Slot {
  std::uint32_t first = 0, last = 0;
  std::array<Analysis, kMaxCandidates> cands;  // [0, count) are set
  std::uint8_t count = 0;
  bool known = true;
  bool unknown = false;
  bool initial = false;
  // Slots not known to the dictionary: the folded word, and for each
  // candidate the bytes its lemma drops from the word's end and the ending
  // it adds ("жаксылыкову" less "ову" plus "ов"), so that a lemma is built
  // only for the candidate a reading takes, into its part's buffer.
  std::string word;
  std::array<std::uint8_t, kMaxCandidates> cut;
  std::array<std::string_view, kMaxCandidates> ending;

  void reset(std::uint32_t token) {
    first = last = token;
    count = 0;
    known = true;
    unknown = false;
    initial = false;
  }

  void lemma(std::size_t k, std::string& out) const { out.assign(word, 0, word.size() - cut[k]).append(ending[k]); }
};

struct Choice {
  std::array<std::uint8_t, kMaxSlots> pick{};
  double score = -1e9;
  bool valid = false;
};

struct PartState {
  Kind kind;
  Gender gender;
  Case gcase;
  std::uint8_t flags;
  Script script;
  bool known;
  std::uint32_t lemma;
};

// Kazakh surnames are often the father's given name as it is ("Нұргүл
// Төлеген", "Жандос Сейтқали"): two given names make a name when one is a
// man's name of Kazakh or Central Asian origin (or unknown).
bool kazakh_two_given(const PartState& a, const PartState& b) {
  const Dictionary& d = Dictionary::instance();
  auto fits = [&](const PartState& p) {
    if (p.gender == Gender::kFemale) return false;
    if (!p.known || p.lemma == kNoLemma) return true;
    Origin o = d.lemma(p.lemma).origin;
    return o == Origin::kKazakh || o == Origin::kOther;
  };
  return fits(a) || fits(b);
}

// The kinds of a name's parts in order, as a number: two bits a part,
// the first part highest (G 1, P 2, S 3), so "GPS" and "PS" differ. Every
// assignment of candidates is checked against a few sequences: comparing
// numbers costs less than building and comparing strings.
constexpr unsigned kind_code(char letter) { return letter == 'G' ? 1u : letter == 'P' ? 2u : 3u; }
constexpr unsigned kind_code(Kind k) { return k == Kind::kGiven ? 1u : k == Kind::kPatronymic ? 2u : 3u; }
constexpr unsigned sequence(std::string_view letters) {
  unsigned code = 0;
  for (char c : letters) code = code * 4 + kind_code(c);
  return code;
}

bool allowed_sequence(unsigned seq, bool latin) {
  switch (seq) {
    // "PS": the given name before it was not recognized, or left out.
    case sequence("G"): case sequence("S"): case sequence("P"): case sequence("GS"): case sequence("SG"):
    case sequence("GP"): case sequence("PS"): case sequence("GPS"): case sequence("SGP"):
      return true;
    case sequence("GGS"):
      return latin;
    default:
      return false;
  }
}

bool russian_case(Case c) { return c >= Case::kNom && c <= Case::kPrep; }

// What one part adds to the score of a reading.
void add_part_score(double& score, Case gcase, std::uint8_t flags, Gender gender, bool known) {
  if (gcase == Case::kNom) score += 0.3;
  if (flags & kPlural) score -= 0.6;
  if (flags & (kAmbiguous | kAlwaysAmbiguous)) score -= 0.3;
  if (flags & (kKeyboardVariant | kAltEnding)) score -= 0.05;
  if (gender != Gender::kUnknown) score += 0.2;
  if (!known) score -= 0.2;
}

// Scores a full assignment of slots [0, n); returns false if not a name.
bool evaluate(const Slot* slots, std::size_t n, const std::array<std::uint8_t, kMaxSlots>& pick, double& score) {
  std::array<PartState, kMaxSlots> parts;  // [0, np) are set
  std::size_t np = 0;
  bool prev_was_given_part = false;
  for (std::size_t k = 0; k < n; ++k) {
    const Slot& s = slots[k];
    if (s.initial) {
      prev_was_given_part = false;
      continue;
    }
    const Analysis& a = s.cands[pick[k]];
    if (a.kind == Kind::kMarker) {
      // "Серік ұлы": the given name before becomes a patronymic.
      if (!prev_was_given_part || np == 0) return false;
      PartState& p = parts[np - 1];
      if (p.gender == Gender::kFemale || p.gcase != Case::kNom || !p.known) return false;
      p.kind = Kind::kPatronymic;
      p.gender = a.gender;
      p.gcase = a.gcase;
      prev_was_given_part = false;
      continue;
    }
    parts[np++] = PartState{a.kind, a.gender, a.gcase, a.flags, a.script, s.known, a.lemma};
    prev_was_given_part = a.kind == Kind::kGiven;
  }
  if (np == 0) return false;
  unsigned seq = 0;
  bool latin = false, cyrillic = false;
  for (std::size_t k = 0; k < np; ++k) {
    seq = seq * 4 + kind_code(parts[k].kind);
    (parts[k].script == Script::kLatin ? latin : cyrillic) = true;
  }
  const bool two_given = seq == sequence("GG") || seq == sequence("GGP");
  // Parts agree in gender, except a father's name used as a surname
  // ("Айгүл Төлеген", "Төлеген Мөлдір Нұрланқызы").
  if (!two_given) {
    Gender g = Gender::kUnknown;
    for (std::size_t k = 0; k < np; ++k) {
      if (parts[k].gender == Gender::kUnknown) continue;
      if (g != Gender::kUnknown && g != parts[k].gender) return false;
      g = parts[k].gender;
    }
  }
  if (latin && cyrillic) return false;
  score = 0;
  if (two_given) {
    if (!kazakh_two_given(parts[0], parts[1])) return false;
    score -= 0.4;
  } else if (!allowed_sequence(seq, latin)) {
    return false;
  }

  // Case agreement: Russian declines every part; Kazakh only the last.
  bool all_same = true, kazakh_style = true;
  Case last = parts[np - 1].gcase;
  for (std::size_t k = 0; k < np; ++k) {
    bool indecl = (parts[k].flags & kIndeclinable) != 0;
    if (!indecl && parts[k].gcase != last) all_same = false;
    if (k + 1 < np && !indecl && parts[k].gcase != Case::kNom) kazakh_style = false;
  }
  if (np > 1) {
    if (all_same) score += 2;
    else if (kazakh_style && !russian_case(last)) score += 1.5;
    else if (kazakh_style) score += 0.5;
    else score -= 2;
  }
  for (std::size_t k = 0; k < np; ++k) add_part_score(score, parts[k].gcase, parts[k].flags, parts[k].gender, parts[k].known);
  return true;
}

Choice best_choice(const Slot* slots, std::size_t n) {
  Choice best;
  if (n == 1) {
    // One word, as most readings are: what evaluate() would say of each
    // candidate without building a sequence. A lone initial is no name, nor
    // a marker without a given name before it; any one part is allowed,
    // and agrees with itself.
    const Slot& s = slots[0];
    if (s.initial) return best;
    for (std::uint8_t c = 0; c < s.count; ++c) {
      const Analysis& a = s.cands[c];
      if (a.kind == Kind::kMarker) continue;
      double score = 0;
      add_part_score(score, a.gcase, a.flags, a.gender, s.known);
      if (score > best.score) {
        best.score = score;
        best.pick[0] = c;
        best.valid = true;
      }
    }
    return best;
  }
  std::array<std::uint8_t, kMaxSlots> pick{}, count{};
  for (std::size_t k = 0; k < n; ++k) {
    count[k] = slots[k].initial ? 1 : slots[k].count;
    if (count[k] == 0) return best;
  }
  // Every combination of the slots' candidates, the last slot's changing
  // fastest (at most a few hundred: slots are few and most words have one
  // or two readings); the first of equal scores wins.
  for (std::size_t budget = 4096; budget > 0; --budget) {
    double score = 0;
    if (evaluate(slots, n, pick, score) && score > best.score) {
      best.score = score;
      best.pick = pick;
      best.valid = true;
    }
    std::size_t k = n;
    while (k > 0 && ++pick[k - 1] == count[k - 1]) pick[--k] = 0;
    if (k == 0) break;
  }
  return best;
}

bool fill_known(Slot& s, std::span<const Analysis> analyses) {
  s.count = 0;
  for (const auto& a : analyses) {
    if (!is_name_kind(a.kind)) continue;
    if (s.count == kMaxCandidates) break;
    s.cands[s.count++] = a;
  }
  return s.count > 0;
}

// Appends to `s` the readings of its word by its ending (guess_by_ending()),
// with what makes their lemmas; false if there are none.
bool guess_endings(Slot& s) {
  const std::string_view folded = s.word;
  // The rules indexed by the last two bytes of their ending: most words
  // end in none of them and cost one look-up.
  struct TailIndex {
    std::array<std::uint16_t, 4096> first{};  // hash of the tail -> 1 + index into order, 0 = none
    std::vector<std::uint16_t> order;         // rule indexes grouped by tail hash, each group ends with 0xFFFF
  };
  static const TailIndex kIndex = [] {
    TailIndex ix;
    auto tail_hash = [](std::string_view e) {
      return static_cast<std::size_t>((static_cast<unsigned char>(e[e.size() - 2]) * 31u +
                                       static_cast<unsigned char>(e.back())) & 4095u);
    };
    std::array<std::vector<std::uint16_t>, 4096> groups;
    for (std::size_t k = 0; k < std::size(kEndings); ++k) groups[tail_hash(kEndings[k].ending)].push_back(static_cast<std::uint16_t>(k));
    for (std::size_t h = 0; h < groups.size(); ++h) {
      if (groups[h].empty()) continue;
      ix.first[h] = static_cast<std::uint16_t>(ix.order.size() + 1);
      for (auto k : groups[h]) ix.order.push_back(k);
      ix.order.push_back(0xFFFF);
    }
    return ix;
  }();
  if (folded.size() < 2) return false;
  std::size_t h = (static_cast<unsigned char>(folded[folded.size() - 2]) * 31u + static_cast<unsigned char>(folded.back())) & 4095u;
  if (kIndex.first[h] == 0) return false;
  const std::uint16_t* group = kIndex.order.data() + (kIndex.first[h] - 1);
  std::size_t best = 0;
  for (const std::uint16_t* k = group; *k != 0xFFFF; ++k) {
    const auto& r = kEndings[*k];
    if (r.ending.size() > best && EndingSet::ends_with(folded, r.ending)) best = r.ending.size();
  }
  if (best == 0) return false;
  // Longer endings that share the last two bytes are in the same group;
  // shorter ones ("ов" for "ова") are not needed: the longest wins.
  // Every rule taken has the same ending, so the same stem.
  const std::size_t stem_letters = utf8_letters(folded.substr(0, folded.size() - best));
  Script script = Script::kRussian;
  bool any = false;
  for (const std::uint16_t* k = group; *k != 0xFFFF; ++k) {
    const auto& r = kEndings[*k];
    if (r.ending.size() != best || !EndingSet::ends_with(folded, r.ending)) continue;
    std::size_t min_stem = r.kind == Kind::kGiven ? 2u : r.kind == Kind::kPatronymic ? 3u : 4u;
    if (stem_letters < min_stem) continue;
    if (!any) script = script_of(folded);
    Analysis a;
    a.lemma = kNoLemma;
    a.kind = r.kind;
    a.gender = r.gender;
    a.gcase = r.gcase;
    a.script = script;
    if (s.count == kMaxCandidates) break;
    s.cands[s.count] = a;
    s.cut[s.count] = static_cast<std::uint8_t>(r.ending.size());
    s.ending[s.count] = r.nominative;
    ++s.count;
    any = true;
  }
  return any;
}

bool fill_guessed(Slot& s, std::string_view folded) {
  s.word.assign(folded);
  s.count = 0;
  if (!guess_endings(s)) return false;
  // A Kazakh given name may be a surname too (the father's name).
  if (std::all_of(s.cands.begin(), s.cands.begin() + s.count, [](const Analysis& a) { return a.kind == Kind::kGiven; })) {
    for (std::size_t k = 0, n = s.count; k < n && s.count < kMaxCandidates; ++k) {
      Analysis a = s.cands[k];
      a.kind = Kind::kSurname;
      a.gender = Gender::kUnknown;
      s.cands[s.count] = a;
      s.cut[s.count] = s.cut[k];
      s.ending[s.count] = s.ending[k];
      ++s.count;
    }
  }
  s.known = false;
  return true;
}

// A word known neither by the dictionary nor by its ending: a given name or
// a surname, `kind` preferred.
void fill_unknown(Slot& s, std::string_view folded, Kind kind) {
  Analysis a;
  a.lemma = kNoLemma;
  a.kind = kind;
  a.script = script_of(folded);
  s.cands[0] = a;
  a.kind = kind == Kind::kGiven ? Kind::kSurname : Kind::kGiven;
  s.cands[1] = a;
  s.count = 2;
  s.known = false;
  s.unknown = true;
  s.word.assign(folded);
  s.cut[0] = s.cut[1] = 0;
  s.ending[0] = s.ending[1] = {};
}

// Endings of verbs, adverbs and adjectives: a capitalized word so ending
// beside a name opens the sentence, it is not part of the name.
bool verb_like(std::string_view folded) {
  static constexpr std::string_view kVerbEndings[] = {"л", "ла", "ли", "ло", "ть", "те", "ся", "сь", "ет", "ит",
                                                      "ют", "ят", "ого", "его", "ому", "ему", "ый", "ая", "ое",
                                                      "ые", "ых", "ed", "ing", "ly"};
  static constexpr EndingSet kVerbs(kVerbEndings);
  return kVerbs.any_ends(folded);
}

// "И." — or the second of "Ж.М", written without its dot.
bool is_initial(std::string_view text, std::span<const Token> tokens, std::uint32_t j) {
  const Token& t = tokens[j];
  if (t.letters != 1 || !(t.flags & kCapitalized)) return false;
  if (j + 1 < tokens.size() && adjacent(t, tokens[j + 1]) && punct_is(tokens[j + 1], text, ".")) return true;
  return j >= 2 && adjacent(tokens[j - 1], t) && punct_is(tokens[j - 1], text, ".") && tokens[j - 2].letters == 1 &&
         tokens[j - 2].kind == TokenKind::kWord;
}

// Endings of Russian verbs in the present (звоню, хочу) and of Kazakh
// cases, possessives and verb persons (досымын, айттым, сізге): a lowercase
// word so ending is not a surname.
bool kazakh_or_verb_ending(std::string_view folded) {
  static constexpr std::string_view kTailEndings[] = {
      "ю", "у", "мын", "мін", "пын", "пін", "бын", "бін", "ды", "ді", "ты", "ті", "ңыз", "ңіз", "мыз", "міз",
      "ған", "ген", "қан", "кен", "де", "те", "ға", "ге", "қа", "ке", "ны", "ні", "ның", "нің",
      "мен", "пен", "бен", "м", "ым", "ім"};
  static constexpr EndingSet kTails(kTailEndings);
  return kTails.any_ends(folded);
}

// Whether the word at `j` ends a phrase: a speaker label, punctuation, the
// end of the line, or a function word come next.
bool tail_ends_phrase(std::string_view text, std::span<const Token> tokens, std::uint32_t j, std::uint32_t n) {
  std::uint32_t k = j + 1;
  if (k >= n) return true;
  const Token& t = tokens[k];
  if (t.kind == TokenKind::kNewline || t.kind == TokenKind::kPunct) return true;  // "featherstone's name" too
  if (t.kind != TokenKind::kWord) return false;
  if (k + 1 < n && punct_is(tokens[k + 1], text, ":")) return true;  // "клиент:"
  return Dictionary::instance().is_stop_word(t.fold_hash);
}

bool has_marker(std::span<const Analysis> analyses) {
  return std::any_of(analyses.begin(), analyses.end(), [](const Analysis& a) { return a.kind == Kind::kMarker; });
}

struct CueMatch {
  const Cue* before = nullptr;    // the strongest cue before the name
  const Cue* after = nullptr;     // ... and after it
  bool negative_hard = false;     // a street or company word
  bool negative_soft = false;     // a preposition before an ambiguous name
};

// The words before token `s` on its line, nearest first (at most `limit`),
// with whether a sentence ends between each and `s`.
struct WordBefore {
  std::uint32_t index;
  std::uint64_t hash;
  bool crossed_stop;
  bool crossed_colon;  // "оператор: вера в лучшее": a speaker label, not a cue
};

std::size_t words_before(std::string_view text, std::span<const Token> tokens, std::uint32_t s,
                         std::array<WordBefore, 5>& out, std::size_t limit) {
  std::size_t count = 0;
  bool crossed = false, colon = false;
  std::uint32_t k = s;
  limit = std::min(limit, out.size());
  while (k > 0 && count < limit) {
    const Token& t = tokens[k - 1];
    --k;
    if (t.kind == TokenKind::kNewline) break;
    if (t.kind == TokenKind::kWord) {
      out[count++] = {k, t.fold_hash, crossed, colon};
      continue;
    }
    if (t.kind == TokenKind::kNumber) break;
    if (ends_sentence(t, text)) {
      // "Mr. Smith", "ул. Абая": a dot after a short word is an abbreviation's.
      bool abbreviation = punct_is(t, text, ".") && k > 0 && tokens[k - 1].kind == TokenKind::kWord &&
                          tokens[k - 1].letters <= 3 && adjacent(tokens[k - 1], t);
      if (punct_is(t, text, ":")) colon = true;
      else if (!abbreviation) crossed = true;
    }
  }
  return count;
}

void match_cues_before(const Dictionary& dict, std::string_view text, std::span<const Token> tokens, std::uint32_t s,
                       CueMatch& m) {
  // Every cue before a name ends in the word right before it: when no cue
  // has that word, the words further back are not read.
  std::uint32_t k = s;
  while (k > 0 && tokens[k - 1].kind == TokenKind::kPunct) --k;
  if (k == 0 || tokens[k - 1].kind != TokenKind::kWord) return;  // words_before() would stop there too
  const auto ids = dict.roles(tokens[k - 1].fold_hash).before_name;
  if (ids.empty()) return;
  // As many words as the longest of these cues has (most have one).
  std::size_t longest = 0;
  for (std::uint32_t id : ids) longest = std::max(longest, dict.cue(id).words.size());
  std::array<WordBefore, 5> before;  // [0, count) are set
  std::size_t count = words_before(text, tokens, s, before, longest);
  if (count == 0) return;
  for (std::uint32_t id : ids) {
    const Cue& c = dict.cue(id);
    std::size_t len = c.words.size();
    if (len > count) continue;
    bool ok = true;
    for (std::size_t w = 0; w < len && ok; ++w) ok = c.words[len - 1 - w] == before[w].hash;
    if (!ok || before[len - 1].crossed_stop) continue;
    if (before[0].crossed_colon && (c.kind == CueKind::kBefore || c.kind == CueKind::kBeforeCap)) continue;
    if (c.kind == CueKind::kNotBefore) {
      // "Служба доставки Сапар Такси, Артём на связи": after a comma the
      // company's name is over; the word must come right before the name.
      if (before[0].index + 1 != s) continue;
      (c.weight >= 1 ? m.negative_hard : m.negative_soft) = true;
    } else if (c.kind != CueKind::kAfterIntro && (!m.before || c.weight > m.before->weight)) {
      m.before = &c;
    }
  }
}

void match_cues_after(const Dictionary& dict, std::string_view text, std::span<const Token> tokens,
                      std::uint32_t after, CueMatch& m) {
  std::uint32_t k = after;
  if (k < tokens.size() && punct_is(tokens[k], text, ",")) ++k;
  if (k >= tokens.size() || tokens[k].kind != TokenKind::kWord) return;
  for (std::uint32_t id : dict.roles(tokens[k].fold_hash).after_name) {
    const Cue& c = dict.cue(id);
    std::uint32_t j = k;
    bool ok = true;
    for (std::size_t w = 0; w < c.words.size() && ok; ++w) {
      while (j < tokens.size() && tokens[j].kind == TokenKind::kPunct) ++j;
      ok = j < tokens.size() && tokens[j].kind == TokenKind::kWord && tokens[j].fold_hash == c.words[w];
      ++j;
    }
    if (!ok) continue;
    if (c.kind == CueKind::kNotAfter) m.negative_hard = true;
    else if (!m.after || c.weight > m.after->weight) m.after = &c;
  }
}

}  // namespace

bool guess_by_ending(std::string_view folded, std::vector<Analysis>& readings, std::vector<std::string>& lemmas) {
  thread_local Slot s;
  s.reset(0);
  s.word.assign(folded);
  if (!guess_endings(s)) return false;
  for (std::size_t k = 0; k < s.count; ++k) {
    readings.push_back(s.cands[k]);
    s.lemma(k, lemmas.emplace_back());
  }
  return true;
}

std::size_t NameReading::name_parts() const {
  return static_cast<std::size_t>(std::count_if(parts.begin(), parts.end(), [](const NamePart& p) { return !p.initial; }));
}

Gender NameReading::gender() const {
  // With two given names (the father's as a surname), a woman's name
  // among them decides.
  for (const auto& p : parts) {
    if (!p.initial && p.analysis.gender == Gender::kFemale) return Gender::kFemale;
  }
  for (const auto& p : parts) {
    if (!p.initial && p.analysis.gender != Gender::kUnknown) return p.analysis.gender;
  }
  return Gender::kUnknown;
}

void NamePart::reset() {
  first = last = 0;
  analysis = Analysis{};
  known = true;
  unknown = initial = separate_marker = false;
  lemma.clear();
}

std::string NameReading::normalized() const {
  std::string out;
  append_normalized(out);
  return out;
}

void NameReading::append_normalized(std::string& out) const {
  // Written on the stack and appended at once: the string of the finding
  // grows (and allocates) once, without a call per part.
  char buf[256];
  std::size_t len = 0;
  auto put = [&](std::string_view s) {
    if (len + s.size() > sizeof buf) {  // a name that long: straight to `out`
      out.append(buf, len);
      len = 0;
      out.append(s);
      return;
    }
    std::memcpy(buf + len, s.data(), s.size());
    len += s.size();
  };
  bool any = false;
  static constexpr Kind kOrder[] = {Kind::kGiven, Kind::kPatronymic, Kind::kSurname};
  for (Kind k : kOrder) {
    for (const auto& p : parts) {
      if (p.initial || p.analysis.kind != k || p.lemma.empty()) continue;
      if (any) put(" ");
      put(p.lemma);
      any = true;
    }
  }
  out.append(buf, len);
}

bool read_name(std::string_view text, std::span<const Token> tokens, std::uint32_t i, const ReadOptions& options,
               NameReading& out) {
  const Dictionary& dict = Dictionary::instance();
  const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(tokens.size(), options.limit));
  if (i >= n || tokens[i].kind != TokenKind::kWord) return false;

  // Scratch reused between calls: reading names allocates nothing once warm.
  // The run is `slots[0, count)`; the words before it that join the name
  // are written in the room before `slots`, which then moves back: no slot
  // is copied.
  constexpr std::size_t kLeftRoom = 2;
  thread_local std::array<Slot, kLeftRoom + kMaxSlots> scratch;
  Slot* slots = scratch.data() + kLeftRoom;
  std::size_t count = 0;
  std::uint32_t j = i;
  while (count < kMaxSlots && j < n && tokens[j].kind == TokenKind::kWord) {
    Slot& s = slots[count];
    s.reset(j);
    auto analyses = j == i && options.first_looked_up ? options.first_analyses : dict.lookup(tokens[j].fold_hash);
    if (!fill_known(s, analyses)) {
      if (is_initial(text, tokens, j)) {
        s.initial = true;
        if (j + 1 < n && punct_is(tokens[j + 1], text, ".")) s.last = j + 1;
      } else {
        bool first = count == 0;
        const WordRoles roles = dict.roles(tokens[j].fold_hash);  // one probe for the tests below
        if (roles.stop_word) break;
        if (first && !options.force_first) break;
        // A guess must look like its neighbours: a lowercase word beside a
        // capitalized name is not one in cased text.
        if (!first && capitalized(tokens[slots[count - 1].first]) && !(tokens[j].flags & (kCapitalized | kAllCaps)))
          break;
        // Folded only now that the cheaper tests have let the word through.
        thread_local std::string folded;
        folded.assign(fold_word(tokens[j].view(text)));
        if (!fill_guessed(s, folded)) {
          if (first) {
            fill_unknown(s, folded, options.unknown_kind);
          } else if (options.unknown_tail && count == 1 && slots[0].known && !capitalized(tokens[j]) &&
                     roles.cues.empty() && !verb_like(folded) &&
                     !kazakh_or_verb_ending(folded) && tail_ends_phrase(text, tokens, j, n)) {
            // "меня зовут марат жаксыбеков клиент: ...": after an intro, the
            // last word of the phrase after a given name is its surname.
            fill_unknown(s, folded, Kind::kSurname);
          } else if (!slots[count - 1].initial && j + 1 < n && tokens[j + 1].kind == TokenKind::kWord &&
                     roles.cues.empty() && !verb_like(folded) &&
                     !kazakh_or_verb_ending(folded) &&
                     std::ranges::any_of(dict.lookup(tokens[j + 1].fold_hash), [](const Analysis& a) {
                       return a.kind == Kind::kPatronymic || a.kind == Kind::kSurname;
                     })) {
            // "байжанова евстафия петровича": a word between two name words
            // is the given name.
            fill_unknown(s, folded, Kind::kGiven);
          } else if (tokens[j].letters >= 2 && capitalized(tokens[j]) && capitalized(tokens[slots[count - 1].first]) &&
                     roles.cues.empty() && !verb_like(folded)) {
            // "Jessica Nakashima", "Асель Жаксыбекқызы": a capitalized word
            // beside a capitalized name is part of it.
            fill_unknown(s, folded, Kind::kSurname);
          } else {
            break;
          }
        }
      }
    }
    ++count;
    std::uint32_t k = s.last + 1;
    if (k >= n) break;
    if (tokens[k].kind == TokenKind::kWord) {
      j = k;
      continue;
    }
    // "Серік-ұлы"
    if (punct_is(tokens[k], text, "-") && adjacent(tokens[k - 1], tokens[k]) && k + 1 < n &&
        adjacent(tokens[k], tokens[k + 1]) && tokens[k + 1].kind == TokenKind::kWord &&
        has_marker(dict.lookup(tokens[k + 1].fold_hash))) {
      j = k + 1;
      continue;
    }
    break;
  }

  // Words before the first one that belong to the name: a surname known by
  // its ending ("жаксылыков марат"), a capitalized word before a capitalized
  // name ("Феврония Иванова"), the given name before a patronymic
  // ("ксаверий дмитриевич", "Белозерский Ксаверий Амангельдинович"), an
  // unknown word between a cue and a surname ("я акберен искаков").
  static_assert(kLeftRoom == 2, "one slot of room for each step");
  for (int step = 0; step < 2 && options.extend_left && count > 0 && !slots[0].initial; ++step) {
    const std::uint32_t f = slots[0].first;
    if (f == 0 || f - 1 < options.floor) break;
    const Token& w = tokens[f - 1];
    const Token& next = tokens[f];
    if (w.kind != TokenKind::kWord || w.letters < 2) break;
    if (dict.roles(w.fold_hash).stop_or_cue() || !dict.lookup(w.fold_hash).empty()) break;
    const Slot& front = slots[0];
    auto front_has = [&](Kind k) {
      return std::any_of(front.cands.begin(), front.cands.begin() + front.count,
                         [&](const Analysis& a) { return a.kind == k; });
    };
    const bool cap = capitalized(w), next_cap = capitalized(next);
    thread_local std::string left;
    left.assign(fold_word(w.view(text)));
    Slot& s = slots[-1];
    s.reset(f - 1);
    bool ok = (cap || !next_cap) && fill_guessed(s, left);
    if (!ok && !verb_like(left) && !kazakh_or_verb_ending(left) && (cap || !next_cap)) {
      if (step == 0 && front_has(Kind::kPatronymic)) {
        ok = true;
      } else if (cap && next_cap) {
        ok = front_has(Kind::kSurname) || front_has(Kind::kPatronymic) || !sentence_initial(text, tokens, f - 1);
      } else if (!cap && front.known && front_has(Kind::kSurname)) {
        CueMatch m;
        match_cues_before(dict, text, tokens, f - 1, m);
        ok = m.before != nullptr;
      }
      if (ok) fill_unknown(s, left, Kind::kGiven);
    }
    if (!ok) break;
    // The run with the word before it, its last slot dropped if it is full.
    const std::size_t with = std::min(count + 1, kMaxSlots);
    bool valid = false;
    for (std::size_t len = with; len >= 2 && !valid; --len) valid = best_choice(slots - 1, len).valid;
    if (!valid) break;
    --slots;
    count = with;
  }

  // The longest prefix that reads as a name.
  Choice choice;
  std::size_t len = count;
  for (; len > 0; --len) {
    choice = best_choice(slots, len);
    if (choice.valid) break;
  }
  if (len == 0) return false;
  // A prepended word must be part of the reading with the one that began it.
  if (!slots[0].known && !options.force_first && len < 2) return false;

  // The parts are rewritten in place: a reading reused for every name of a
  // text keeps its lemmas' buffers instead of allocating them again.
  std::size_t used = 0;
  auto next_part = [&]() -> NamePart& {
    if (used == out.parts.size()) out.parts.emplace_back();
    NamePart& p = out.parts[used++];
    p.reset();
    return p;
  };
  out.possessive = false;
  for (std::size_t k = 0; k < len; ++k) {
    const Slot& s = slots[k];
    if (s.initial) {
      NamePart& p = next_part();
      p.first = s.first;
      p.last = s.last;
      p.initial = true;
      p.known = false;
      p.analysis.kind = Kind::kGiven;
      p.analysis.script = (tokens[s.first].flags & kLatin) ? Script::kLatin : Script::kRussian;
      continue;
    }
    const Analysis& a = s.cands[choice.pick[k]];
    if (a.kind == Kind::kMarker) {
      NamePart& p = out.parts[used - 1];
      const Lemma& father = dict.lemma(p.analysis.lemma);
      p.last = s.last;
      p.separate_marker = true;
      p.analysis.kind = Kind::kPatronymic;
      p.analysis.gender = a.gender;
      p.analysis.gcase = a.gcase;
      // A given name with ұлы after it is a patronymic, whatever else the word means.
      p.analysis.flags &= static_cast<std::uint8_t>(~(kAmbiguous | kAlwaysAmbiguous));
      p.lemma = father.kazakh.empty() ? father.russian : father.kazakh;
      p.lemma += Dictionary::marker_suffix(a.lemma);
      continue;
    }
    NamePart& p = next_part();
    p.first = s.first;
    p.last = s.last;
    p.analysis = a;
    p.known = s.known;
    p.unknown = s.unknown;
    if (s.known) p.lemma = dict.lemma(a.lemma).text;
    else s.lemma(choice.pick[k], p.lemma);
  }
  out.parts.erase(out.parts.begin() + static_cast<std::ptrdiff_t>(used), out.parts.end());
  // Trailing initials without a following name are still the name's
  // ("Иванов И."), but a leading initial alone is not one.
  out.first = out.parts.front().first;
  out.last = out.parts.back().last;
  out.end_byte = tokens[out.last].end;
  // "John's": the possessive stays with the name.
  std::uint32_t k = out.last + 1;
  if (k + 1 < n && is_apostrophe(tokens[k], text) && adjacent(tokens[k - 1], tokens[k]) &&
      adjacent(tokens[k], tokens[k + 1]) && tokens[k + 1].kind == TokenKind::kWord && tokens[k + 1].letters == 1 &&
      (tokens[k + 1].view(text) == "s" || tokens[k + 1].view(text) == "S")) {
    out.possessive = true;
    out.end_byte = tokens[k + 1].end;
  }
  return true;
}

namespace {

// Where a chat export or a transcript puts the speaker's name: at the start
// of a line, after "[14:51]" or after "06.01.2023, 18:23 -".
// With `timestamped`, only after a time stamp: a line that starts with
// "Важно:" or "Исполнитель:" is a document, not a chat.
bool label_start(std::string_view text, std::span<const Token> tokens, std::uint32_t i, bool timestamped = false) {
  if (i == 0) return !timestamped;
  const Token& p = tokens[i - 1];
  if (p.kind == TokenKind::kWord || p.kind == TokenKind::kNumber) return false;
  if (p.kind == TokenKind::kNewline) return !timestamped;
  if (punct_is(p, text, "]")) return i >= 2 && tokens[i - 2].kind == TokenKind::kNumber;
  if ((punct_is(p, text, "-") || punct_is(p, text, "\xE2\x80\x94") || punct_is(p, text, "\xE2\x80\x93")) && i >= 2 &&
      tokens[i - 2].kind == TokenKind::kNumber)
    return true;
  return false;
}

// The name of a speaker label ends right before its colon.
bool label_end(std::string_view text, std::span<const Token> tokens, std::uint32_t last) {
  return last + 1 < tokens.size() && punct_is(tokens[last + 1], text, ":") && adjacent(tokens[last], tokens[last + 1]);
}

constexpr std::string_view kSpeakerLabel = "<speaker>:";

// Whether another speaker's turn (or the line) starts at token `k`.
bool utterance_ends_after(std::string_view text, std::span<const Token> tokens, std::uint32_t k) {
  if (k >= tokens.size()) return true;
  if (tokens[k].kind == TokenKind::kNewline) return true;
  if (tokens[k].kind == TokenKind::kWord) {
    std::uint32_t e = k;
    if (e + 1 < tokens.size() && tokens[e + 1].kind == TokenKind::kNumber) ++e;  // "спикер 2:"
    return label_end(text, tokens, e);
  }
  return false;
}

class PersonRecognizer final : public Recognizer {
 public:
  PersonRecognizer() : dict_(Dictionary::instance()) {}

  std::string_view name() const override { return "person"; }

  void find(const ScanContext& ctx, std::vector<Finding>& out) const override {
    const auto tokens = ctx.tokens;
    const auto n = static_cast<std::uint32_t>(tokens.size());
    std::uint32_t floor = 0;  // tokens before it belong to a finding already
    thread_local NameReading reading;
    std::span<const Analysis> analyses;
    for (std::uint32_t i = 0; i < n; ++i) {
      i = next_candidate(ctx, dict_.index(), std::max(i, floor), analyses);
      if (i >= n) break;
      const Token& t = tokens[i];
      if (analyses.empty()) {
        std::uint32_t next = 0;
        if (may_start_label(tokens.data(), &t) && label_start(ctx.text, tokens, i, true))
          next = speaker_label(ctx, i, reading, out);
        if (!next && may_stand_alone(t, ctx.text)) next = standalone(ctx, i, floor, reading, out);
        if (next) {
          floor = next;
          i = next - 1;
        }
        continue;
      }
      bool name = false, anchor = false;
      for (const auto& a : analyses) {
        if (a.kind == Kind::kCueAnchor) anchor = true;
        else if (a.kind != Kind::kMarker) name = true;
      }
      if (anchor) {
        for (const auto& a : analyses) {
          if (a.kind != Kind::kCueAnchor || dict_.cue(a.lemma).kind != CueKind::kAfterIntro) continue;
          if (i == 0 || i - 1 < floor) break;
          capture_before_cue(ctx, i, dict_.cue(a.lemma), reading, out);
          break;
        }
        if (std::uint32_t next = capture_after_cue(ctx, i, analyses, reading, out)) {
          floor = next;
          i = next - 1;
          continue;
        }
      }
      if (!name) continue;
      ReadOptions options;
      options.floor = floor;
      options.first_looked_up = true;
      options.first_analyses = analyses;
      CueMatch before;
      bool before_known = false;
      if (!(t.flags & (kCapitalized | kAllCaps))) {
        match_cues_before(dict_, ctx.text, tokens, i, before);
        before_known = true;
        options.unknown_tail = before.before != nullptr;
      }
      if (!read_name(ctx.text, tokens, i, options, reading)) continue;
      // The cues before were looked up for the same first word unless the
      // name grew to the left.
      emit(ctx, reading, nullptr, out, {}, before_known && reading.first == i ? &before : nullptr);
      floor = reading.last + 1;
      i = reading.last;
    }
  }

 private:
  // A word no dictionary knows that may begin a time-stamped speaker
  // label: a number, then "]" or a dash, come before it (label_start says
  // which); the token kinds rule out most words cheaply.
  static bool may_start_label(const Token* first, const Token* t) {
    return t - first >= 2 && t[-1].kind == TokenKind::kPunct && t[-2].kind == TokenKind::kNumber && t->letters >= 2;
  }

  // A word no dictionary knows that standalone() reads.
  static bool may_stand_alone(const Token& t, std::string_view text) {
    return t.letters >= 6 && capitalized(t) && standalone_candidate(t.view(text));
  }

  // The fast part of find(): from token `i` on, the first word that the
  // dictionary knows (its analyses in `analyses`) or that may_start_label()
  // or may_stand_alone(); n if none. Most tokens end here, one table probe
  // each. It is a function of its own so that its few values stay in
  // registers: inside find()'s loop, whose other paths make calls, they
  // were reloaded from the stack for every token (a third of find()'s
  // instructions).
  [[gnu::noinline]] static std::uint32_t next_candidate(const ScanContext& ctx, const FormIndex& dictionary,
                                                         std::uint32_t i, std::span<const Analysis>& analyses) {
    // Locals, and `analyses` written only on the way out: a store through
    // it may alias the context, which the loop would then load again.
    const FormIndex index = dictionary;
    const std::string_view text = ctx.text;
    const Token* const first = ctx.tokens.data();
    const Token* const end = first + ctx.tokens.size();
    constexpr std::size_t kAhead = 8;  // tokens: the look-ups' misses overlap
    const Token* const prefetch_end = end - std::min(ctx.tokens.size(), kAhead);
    for (const Token* t = first + i; t < end; ++t) {
      if (t < prefetch_end) index.prefetch(t[kAhead].fold_hash);
      if (t->kind != TokenKind::kWord) continue;
      const auto found = index.lookup(t->fold_hash);
      if (!found.empty() || may_start_label(first, t) || may_stand_alone(*t, text)) {
        analyses = found;
        return static_cast<std::uint32_t>(t - first);
      }
    }
    analyses = {};
    return static_cast<std::uint32_t>(end - first);
  }

  // A capitalized word no dictionary knows, with a patronymic or surname
  // ending ("Жаксылыков", "Нурланович", "Жұмабайұлы").
  std::uint32_t standalone(const ScanContext& ctx, std::uint32_t i, std::uint32_t floor, NameReading& reading,
                           std::vector<Finding>& out) const {
    thread_local std::string folded;
    folded.assign(fold_word(tokens_view(ctx, i)));
    std::vector<Analysis> readings;
    std::vector<std::string> lemmas;
    if (!guess_by_ending(folded, readings, lemmas)) return 0;
    if (dict_.is_stop_word(ctx.tokens[i].fold_hash)) return 0;
    auto blocked = dict_.lookup(ctx.tokens[i].fold_hash);
    if (!blocked.empty()) return 0;
    bool patronymic = readings.front().kind == Kind::kPatronymic;
    if (!patronymic && sentence_initial(ctx.text, ctx.tokens, i)) return 0;
    ReadOptions options;
    options.force_first = true;
    options.floor = floor;
    if (!read_name(ctx.text, ctx.tokens, i, options, reading)) return 0;
    // Alone, a capitalized word in -ов is as often a plural ("Абонентов")
    // as a surname: it needs a patronymic, a dictionary name or initials
    // with it (a capitalized neighbour is not enough: "Автозвонков Абонентам").
    bool evidence = std::any_of(reading.parts.begin(), reading.parts.end(), [](const NamePart& p) {
      return p.known || p.initial || p.analysis.kind == Kind::kPatronymic;
    });
    if (!evidence) return 0;
    emit(ctx, reading, nullptr, out);
    return reading.last + 1;
  }

  // Words that a cue is not followed into: they are inflected like
  // adjectives, participles, verbs or abstract nouns, not like names.
  static bool unlike_a_name(std::string_view folded) {
    static constexpr std::string_view kNonNameEndings[] = {
        "ого", "его", "ому", "ему", "ыми", "ими", "ных", "ной", "ное", "ные", "ный", "ская", "ться", "тся",
        "ешь", "ить", "ать", "ять", "ение", "ание", "ость", "ния", "ников", "телей", "ений", "аний", "ций",
        "ами", "ями", "ях", "ing", "tion", "ment", "ness"};
    static constexpr EndingSet kNonName(kNonNameEndings);
    return kNonName.any_ends(folded);
  }

  static std::string_view tokens_view(const ScanContext& ctx, std::uint32_t i) { return ctx.tokens[i].view(ctx.text); }

  // "[14:51] Ксаверий: Добрый день": up to three words between a label
  // start and a colon. One unknown word is taken as a name; several need a
  // dictionary word or a name ending among them ("Береке Трейд:" is a
  // company).
  std::uint32_t speaker_label(const ScanContext& ctx, std::uint32_t i, NameReading& reading,
                              std::vector<Finding>& out) const {
    const auto tokens = ctx.tokens;
    const auto n = static_cast<std::uint32_t>(tokens.size());
    std::uint32_t j = i;
    while (j < n && j < i + 3 && tokens[j].kind == TokenKind::kWord && !label_end(ctx.text, tokens, j)) ++j;
    if (j >= n || tokens[j].kind != TokenKind::kWord || !label_end(ctx.text, tokens, j)) return 0;
    for (std::uint32_t k = i; k <= j; ++k) {
      if (dict_.roles(tokens[k].fold_hash).stop_or_cue()) return 0;
      if (unlike_a_name(fold_word(tokens[k].view(ctx.text)))) return 0;
    }
    ReadOptions options;
    options.force_first = true;
    options.extend_left = false;
    options.floor = i;
    options.limit = j + 1;
    if (!read_name(ctx.text, tokens, i, options, reading) || reading.last != j) return 0;
    if (j > i && std::none_of(reading.parts.begin(), reading.parts.end(),
                              [](const NamePart& p) { return p.known || !p.unknown; }))
      return 0;
    emit(ctx, reading, nullptr, out, kSpeakerLabel);
    return reading.last + 1;
  }

  // "оператор Салтанат слушаю вас", "support Niamh speaking", "Это
  // Феоктист из Дала Телеком": the word between a role word (or "это")
  // and a strong after-cue is a name.
  std::uint32_t capture_before_cue(const ScanContext& ctx, std::uint32_t i, const Cue& c, NameReading& reading,
                                   std::vector<Finding>& out) const {
    const auto tokens = ctx.tokens;
    // The cue's first word: the anchor may be a later one ("на связи").
    std::uint32_t s = i;
    for (std::size_t w = c.anchor; w > 0; --w) {
      while (s > 0 && tokens[s - 1].kind == TokenKind::kPunct) --s;
      if (s == 0 || tokens[s - 1].fold_hash != c.words[w - 1]) return 0;
      --s;
    }
    std::uint32_t x = s;
    if (x > 0 && punct_is(tokens[x - 1], ctx.text, ",")) --x;
    if (x == 0 || tokens[x - 1].kind != TokenKind::kWord) return 0;
    --x;
    const Token& t = tokens[x];
    bool cap = capitalized(t);
    if (c.weight < 0.2 && !cap) return 0;
    if (t.letters < 2 || dict_.roles(t.fold_hash).stop_or_cue()) return 0;
    auto known = dict_.lookup(t.fold_hash);
    if (std::any_of(known.begin(), known.end(), [](const Analysis& a) { return is_name_kind(a.kind); })) return 0;
    if (unlike_a_name(fold_word(t.view(ctx.text)))) return 0;
    // The word before: a role word or a before-cue.
    CueMatch m;
    match_cues_before(dict_, ctx.text, tokens, x, m);
    if (!m.before) return 0;
    ReadOptions options;
    options.force_first = true;
    options.extend_left = false;
    options.floor = x;
    options.limit = x + 1;
    if (!read_name(ctx.text, tokens, x, options, reading)) return 0;
    emit(ctx, reading, &c, out);
    return reading.last + 1;
  }

  // After "меня зовут", "Mr" and the like, the next word is a name even
  // when no dictionary knows it.
  std::uint32_t capture_after_cue(const ScanContext& ctx, std::uint32_t i, std::span<const Analysis> analyses,
                                  NameReading& reading, std::vector<Finding>& out) const {
    const auto tokens = ctx.tokens;
    const auto n = static_cast<std::uint32_t>(tokens.size());
    for (const auto& a : analyses) {
      if (a.kind != Kind::kCueAnchor) continue;
      const Cue& c = dict_.cue(a.lemma);
      if (c.kind == CueKind::kAfterIntro) continue;
      // Match the words around the anchor, skipping punctuation ("г-н").
      bool ok = true;
      std::uint32_t k = i;
      for (std::size_t w = c.anchor; w-- > 0 && ok;) {
        while (k > 0 && tokens[k - 1].kind == TokenKind::kPunct) --k;
        ok = k > 0 && tokens[k - 1].kind == TokenKind::kWord && tokens[k - 1].fold_hash == c.words[w];
        --k;
      }
      std::uint32_t e = i;
      for (std::size_t w = c.anchor + 1; w < c.words.size() && ok; ++w) {
        std::uint32_t j = e + 1;
        while (j < n && tokens[j].kind == TokenKind::kPunct) ++j;
        ok = j < n && tokens[j].kind == TokenKind::kWord && tokens[j].fold_hash == c.words[w];
        e = j;
      }
      if (!ok) continue;
      // The name: the next word, past a colon, comma, dash, quote or dot.
      std::uint32_t s = e + 1;
      while (s < n && tokens[s].kind == TokenKind::kPunct && !ends_sentence(tokens[s], ctx.text, true)) ++s;
      if (s >= n || tokens[s].kind != TokenKind::kWord || tokens[s].letters < 2) continue;
      if (dict_.is_stop_word(tokens[s].fold_hash)) continue;
      if (label_end(ctx.text, tokens, s)) continue;  // "...отчество клиент: Никита"
      if (c.kind == CueKind::kBeforeCap &&
          (!capitalized(tokens[s]) || !text_is_cased(tokens, s, s) || !tail_ends_phrase(ctx.text, tokens, s, n)))
        continue;
      auto known = dict_.lookup(tokens[s].fold_hash);
      if (std::any_of(known.begin(), known.end(), [](const Analysis& x) { return x.kind != Kind::kCueAnchor; }))
        continue;  // a dictionary word: the normal path reads it, with this cue
      // In cased text a name after a cue is capitalized.
      if (!(tokens[s].flags & (kCapitalized | kAllCaps)) && text_is_cased(tokens, s, s)) continue;
      if (unlike_a_name(fold_word(tokens[s].view(ctx.text)))) continue;
      ReadOptions options;
      options.force_first = true;
      options.extend_left = false;
      options.floor = s;
      options.unknown_kind = c.kind == CueKind::kHonorific ? Kind::kSurname : Kind::kGiven;
      if (!read_name(ctx.text, tokens, s, options, reading)) continue;
      emit(ctx, reading, &c, out);
      return reading.last + 1;
    }
    return 0;
  }

  // What marks name words as a company's or a brand's rather than a
  // person's, beyond the cue words (cues.txt): quotes around them (ТОО
  // «Береке Трейд», "Алтын Софт") — Russian and Kazakh quote the names of
  // organisations, not of people — and a capitalized Latin word glued to a
  // Cyrillic name ("Жулдыз Express", "Kaspi Айгерим"): a brand beside it
  // (not a greeting, a title or a Latin-spelled name: "Hi Айгерим").
  bool names_an_organisation(const ScanContext& ctx, const NameReading& r) const {
    const auto tokens = ctx.tokens;
    auto is_open_quote = [&](const Token& t) {
      return punct_is(t, ctx.text, "\xC2\xAB") || punct_is(t, ctx.text, "\"") || punct_is(t, ctx.text, "\xE2\x80\x9C") ||
             punct_is(t, ctx.text, "\xE2\x80\x9E");  // « " “ „
    };
    auto is_close_quote = [&](const Token& t) {
      return punct_is(t, ctx.text, "\xC2\xBB") || punct_is(t, ctx.text, "\"") || punct_is(t, ctx.text, "\xE2\x80\x9D") ||
             punct_is(t, ctx.text, "\xE2\x80\x9C");  // » " ” “
    };
    const std::uint32_t n = static_cast<std::uint32_t>(tokens.size());
    const std::uint32_t after = r.last + (r.possessive ? 3 : 1);
    if (r.first > 0 && is_open_quote(tokens[r.first - 1]) && adjacent(tokens[r.first - 1], tokens[r.first])) {
      // The closing quote right after the name or after one more word of it.
      for (std::uint32_t k = after; k < n && k <= after + 1; ++k) {
        if (is_close_quote(tokens[k])) return true;
        if (tokens[k].kind != TokenKind::kWord) break;
      }
    }
    bool cyrillic = (tokens[r.first].flags & kCyrillic) != 0;
    auto latin_brand = [&](std::uint32_t k) {
      const Token& t = tokens[k];
      return t.kind == TokenKind::kWord && (t.flags & (kLatin | kCyrillic)) == kLatin &&
             (t.flags & (kCapitalized | kAllCaps)) && t.letters >= 2 && !dict_.roles(t.fold_hash).stop_or_cue() &&
             dict_.lookup(t.fold_hash).empty();
    };
    if (cyrillic && after < n && latin_brand(after) && tokens[after].begin == tokens[after - 1].end + 1) return true;
    if (cyrillic && r.first > 0 && latin_brand(r.first - 1) && tokens[r.first - 1].end + 1 == tokens[r.first].begin)
      return true;
    return false;
  }

  static bool ends_sentence(const Token& t, std::string_view text, bool allow_dot) {
    if (t.kind == TokenKind::kNewline) return true;
    if (allow_dot && punct_is(t, text, ".")) return false;
    if (punct_is(t, text, ":")) return false;
    return names::ends_sentence(t, text);
  }

  void emit(const ScanContext& ctx, const NameReading& r, const Cue* capture_cue, std::vector<Finding>& out,
            std::string_view capture_context = {}, const CueMatch* before = nullptr) const {
    const auto tokens = ctx.tokens;
    // Built in place rather than moved into `out` at the end.
    Finding& f = out.emplace_back();
    f.begin = tokens[r.first].begin;
    f.end = r.end_byte;
    f.type = EntityType::kPerson;
    r.append_normalized(f.normalized);  // into the finding: no string to move
    f.gender = r.gender();
    const bool captured = capture_cue || !capture_context.empty();
    f.recognizer = captured ? "person.cue" : "person.dictionary";
    if (capture_cue) f.context = capture_cue->text;
    if (!capture_context.empty()) f.context = capture_context;
    if (f.normalized.empty()) {
      out.pop_back();
      return;
    }

    CueMatch cues;
    if (before) cues = *before;
    else match_cues_before(dict_, ctx.text, tokens, r.first, cues);
    match_cues_after(dict_, ctx.text, tokens, r.last + (r.possessive ? 3 : 1), cues);

    const bool initial = sentence_initial(ctx.text, tokens, r.first);
    std::size_t parts = 0, ambiguous = 0, always = 0, with_capital = 0, lower = 0, guessed = 0, initials = 0;
    for (std::size_t k = 0; k < r.parts.size(); ++k) {
      const NamePart& p = r.parts[k];
      if (p.initial) {
        ++initials;
        continue;
      }
      ++parts;
      const Token& t = tokens[p.first];
      if (p.analysis.flags & kAmbiguous) ++ambiguous;
      if (p.analysis.flags & kAlwaysAmbiguous) ++ambiguous, ++always;
      if (!p.known) ++guessed;
      if (capitalized(t) && !(p.first == r.first && initial)) ++with_capital;
      if (!(t.flags & (kCapitalized | kAllCaps))) ++lower;
    }
    double conf;
    if (captured) {
      // The word after an intro cue is a name; how sure depends on whether
      // the writer capitalizes.
      if (capitalized(tokens[r.first])) conf = capture_cue && capture_cue->kind == CueKind::kBeforeCap ? 0.7 : 0.85;
      else conf = text_is_cased(tokens, r.first, r.last) ? 0.5 : 0.65;
    } else if (parts >= 2) {
      if (ambiguous == parts) conf = with_capital > 0 && always < parts ? 0.8 : 0.4;
      else if (guessed + ambiguous == parts) conf = with_capital > 0 ? 0.75 : 0.55;
      else conf = 0.9;
    } else {
      const NamePart* p = nullptr;
      for (const auto& x : r.parts) {
        if (!x.initial) p = &x;
      }
      const Token& t = tokens[p->first];
      bool cap = capitalized(t);
      if (ambiguous) {
        conf = 0.3;
        if (cap && !initial && !always) conf += 0.35;
      } else {
        switch (p->analysis.kind) {
          case Kind::kGiven: conf = 0.75; break;
          case Kind::kPatronymic: conf = 0.8; break;
          default: conf = 0.7; break;
        }
        if (!p->known) conf = p->analysis.kind == Kind::kPatronymic ? 0.7 : 0.6;
        if (cap && !(p->first == r.first && initial)) conf += 0.15;
        else if (cap) conf += 0.05;
        else if (!(t.flags & kAllCaps) && text_is_cased(tokens, r.first, r.last)) conf -= 0.1;
      }
      if (initials && cap) conf = std::max(conf, 0.85);
      // "Абая 150", "Розыбакиева 247": a street in the genitive and its
      // house number.
      std::uint32_t after = r.last + 1;
      if (after < tokens.size() && tokens[after].kind == TokenKind::kNumber &&
          (p->analysis.gcase == Case::kGen || p->analysis.gcase == Case::kNom))
        conf = std::min(conf, 0.3);
    }
    if (!captured) {
      // Evidence from around the name adds up: "оператор Салтанат слушаю".
      double boost = 0;
      std::string_view context;
      bool strong = false;
      for (const Cue* c : {cues.before, cues.after}) {
        if (!c) continue;
        boost += c->weight;
        strong = strong || c->kind == CueKind::kIntro || c->kind == CueKind::kHonorific;
        if (context.empty()) context = c->text;
      }
      if (label_start(ctx.text, tokens, r.first) && label_end(ctx.text, tokens, r.last)) {
        boost += 0.3;
        if (context.empty()) context = kSpeakerLabel;
      } else if (utterance_ends_after(ctx.text, tokens, r.last + (r.possessive ? 3 : 1))) {
        // "это жанна клиент: ...": a name said last, before the other
        // speaker's turn.
        boost += 0.15;
      }
      if (boost > 0 && (parts > 1 || !always || strong)) {
        conf += boost;
        f.context = context;
        if (guessed > 0) f.recognizer = "person.cue";
      }
    }
    if (cues.negative_hard || names_an_organisation(ctx, r)) conf = std::min(conf, 0.2);
    if (cues.negative_soft && !cues.before && ambiguous == parts) conf = std::min(conf, 0.2);
    f.confidence = static_cast<float>(std::clamp(conf, 0.0, 0.99));
  }

  const Dictionary& dict_;
};

}  // namespace
}  // namespace dpa::anonymize::names

namespace dpa::anonymize {

std::unique_ptr<Recognizer> make_person_recognizer() { return std::make_unique<names::PersonRecognizer>(); }

}  // namespace dpa::anonymize

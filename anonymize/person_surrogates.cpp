// Fake person names that read like the original: each part (given name,
// patronymic, surname, initial) is replaced by another of the same kind,
// origin (Russian, Kazakh, other, English), gender, grammatical case and
// script, and written with the same capitals. "Марата Ивановича" becomes
// "Ерлана Петровича", "айгүлге" "сәулеге"... never the original.
//
// The choice depends only on the seed, and the seed on the finding's
// normalized value, so every written form of one person ("Марат Иванов",
// "Марата Иванова") gets the same fake person in the matching forms.
#include <array>
#include <random>
#include <string>

#include "anonymize/person_recognizer.h"
#include "anonymize/surrogate.h"

namespace dpa::anonymize {
namespace {

using names::Analysis;
using names::Dictionary;
using names::Kind;
using names::Lemma;
using names::NamePart;
using names::NameReading;
using names::Origin;
using names::Paradigm;
using names::Script;

enum class Casing { kLower, kCapital, kAllCaps };

Casing casing_of(const Token& t) {
  if (t.flags & kAllCaps) return Casing::kAllCaps;
  if (t.flags & kCapitalized) return Casing::kCapital;
  return Casing::kLower;
}

std::string with_casing(std::string_view folded, Casing c) {
  if (c == Casing::kLower) return std::string(folded);
  return names::capitalize(folded, c == Casing::kAllCaps);
}

// Draws, one per part slot, so that a part's choice does not depend on
// which other parts the written form has.
struct Draws {
  std::array<std::uint64_t, 16> v{};
  explicit Draws(std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    for (auto& x : v) x = rng();
  }
};

constexpr std::size_t kGivenDraw = 0, kPatronymicDraw = 1, kSurnameDraw = 2, kSecondGivenDraw = 3,
                      kInitialDraw = 4;

// A member of `pool` other than `avoid` (and not spelled like it).
std::uint32_t pick(const Dictionary& d, std::span<const std::uint32_t> pool, std::uint64_t draw,
                   std::uint32_t avoid, std::string_view avoid_text) {
  if (pool.empty()) return names::kNoLemma;
  for (std::size_t step = 0; step < pool.size(); ++step) {
    std::uint32_t id = pool[(draw + step) % pool.size()];
    if (id == avoid) continue;
    const Lemma& l = d.lemma(id);
    if (l.text == avoid_text || l.russian == avoid_text) continue;
    return id;
  }
  return names::kNoLemma;
}

// The form of lemma `id` closest to the grammar and script of `want`.
std::string render(const Dictionary& d, std::uint32_t id, const Analysis& want) {
  std::string best;
  int best_score = -1;
  for (const auto& f : d.forms(id)) {
    const Analysis& a = f.analysis;
    int score = 0;
    if (a.gcase == want.gcase) score += 16;
    else if (a.flags & names::kIndeclinable) score += 8;
    if (a.script == want.script) score += 8;
    else if (a.script != Script::kLatin && want.script != Script::kLatin) score += 3;
    if ((a.flags & names::kKeyboardVariant) == (want.flags & names::kKeyboardVariant)) score += 2;
    if ((a.flags & names::kPlural) == (want.flags & names::kPlural)) score += 4;
    if ((a.flags & names::kAltEnding) == (want.flags & names::kAltEnding)) score += 1;
    if (a.gender == want.gender) score += 1;
    if (score > best_score) {
      best_score = score;
      best = f.text;
    }
  }
  return best;
}

Origin origin_for_unknown(const Analysis& a) { return a.script == Script::kLatin ? Origin::kKazakh : Origin::kKazakh; }

// A patronymic lemma of the same type (Russian or Kazakh, gender) for
// another father.
std::uint32_t other_patronymic(const Dictionary& d, Origin origin, bool kazakh, bool feminine, std::uint64_t draw,
                               std::uint32_t avoid_father) {
  auto fathers = d.fathers(origin);
  if (fathers.empty()) fathers = d.fathers(Origin::kKazakh);
  for (std::size_t step = 0; step < fathers.size(); ++step) {
    std::uint32_t f = fathers[(draw + step) % fathers.size()];
    if (f == avoid_father) continue;
    std::uint32_t p = d.lemma(f).patronymics[(kazakh ? 2 : 0) + (feminine ? 1 : 0)];
    if (p != names::kNoLemma) return p;
  }
  return names::kNoLemma;
}

// The replacement of one part, folded; "" to keep it.
std::string replace_part(const Dictionary& d, const NamePart& p, const Draws& draws, std::size_t given_seen,
                         std::size_t initial_index, std::uint64_t attempt, std::string_view original_word) {
  const Analysis& a = p.analysis;
  if (p.initial) {
    bool latin = a.script == Script::kLatin;
    static constexpr std::string_view kCyrillic = "АБВГДЕЖЗИКЛМНОПРСТУФХЧШЭЮЯ";
    static constexpr std::string_view kLatinLetters = "ABCDEFGHIJKLMNOPRSTVWY";
    std::uint64_t draw = draws.v[(kInitialDraw + initial_index) % draws.v.size()] + attempt;
    for (std::uint64_t step = 0; step < 40; ++step) {
      std::string letter;
      if (latin) {
        letter = std::string(1, kLatinLetters[(draw + step) % kLatinLetters.size()]);
      } else {
        std::size_t count = kCyrillic.size() / 2;
        letter = std::string(kCyrillic.substr(((draw + step) % count) * 2, 2));
      }
      if (letter != original_word) return fold(letter);
    }
    return "";
  }

  switch (a.kind) {
    case Kind::kGiven: {
      std::uint64_t draw = draws.v[given_seen == 0 ? kGivenDraw : kSecondGivenDraw] + attempt;
      if (p.known) {
        const Lemma& l = d.lemma(a.lemma);
        auto pool = d.pool(Kind::kGiven, l.origin, l.gender, l.paradigm);
        std::uint32_t id = pick(d, pool, draw, a.lemma, l.text);
        return id == names::kNoLemma ? "" : render(d, id, a);
      }
      auto pool = d.pool(Kind::kGiven, origin_for_unknown(a), a.gender == Gender::kUnknown ? Gender::kMale : a.gender,
                         Paradigm::kGivenConsonant);
      std::uint32_t id = pick(d, pool, draw, names::kNoLemma, p.lemma);
      return id == names::kNoLemma ? "" : render(d, id, a);
    }
    case Kind::kSurname: {
      std::uint64_t draw = draws.v[kSurnameDraw] + attempt;
      if (p.known) {
        const Lemma& l = d.lemma(a.lemma);
        auto pool = d.pool(Kind::kSurname, l.origin, l.gender, l.paradigm);
        std::uint32_t id = pick(d, pool, draw, a.lemma, l.text);
        return id == names::kNoLemma ? "" : render(d, id, a);
      }
      Gender g = a.gender == Gender::kUnknown ? Gender::kMale : a.gender;
      Origin o = a.script == Script::kLatin ? Origin::kEnglish : Origin::kKazakh;
      auto pool = d.pool(Kind::kSurname, o, o == Origin::kEnglish ? Gender::kUnknown : g,
                         o == Origin::kEnglish ? Paradigm::kLatinOnly : Paradigm::kSurnameOv);
      std::uint32_t id = pick(d, pool, draw, names::kNoLemma, p.lemma);
      return id == names::kNoLemma ? "" : render(d, id, a);
    }
    case Kind::kPatronymic: {
      std::uint64_t draw = draws.v[kPatronymicDraw] + attempt;
      if (p.separate_marker) {
        // "Серік ұлы": a new father's name, the marker word stays.
        const Lemma& father = d.lemma(a.lemma);
        auto pool = d.fathers(father.origin);
        std::uint32_t id = pick(d, pool, draw, a.lemma, father.text);
        if (id == names::kNoLemma) return "";
        Analysis nominative = a;
        nominative.gcase = names::Case::kNom;
        nominative.kind = Kind::kGiven;
        nominative.flags = 0;
        nominative.script = names::has_kazakh_letters(original_word) ? Script::kKazakh : a.script;
        if (nominative.script == Script::kKazakh && !names::has_kazakh_letters(original_word))
          nominative.script = Script::kRussian;
        return render(d, id, nominative);
      }
      bool feminine = a.gender == Gender::kFemale;
      if (p.known) {
        const Lemma& l = d.lemma(a.lemma);
        bool kazakh = l.paradigm == Paradigm::kPatronymicKz;
        std::uint32_t id = other_patronymic(d, d.lemma(l.father).origin, kazakh, feminine, draw, l.father);
        return id == names::kNoLemma ? "" : render(d, id, a);
      }
      bool kazakh = p.lemma.ends_with("ұлы") || p.lemma.ends_with("қызы") || p.lemma.ends_with("улы") ||
                    p.lemma.ends_with("кызы");
      std::uint32_t id = other_patronymic(d, Origin::kKazakh, kazakh, feminine, draw, names::kNoLemma);
      return id == names::kNoLemma ? "" : render(d, id, a);
    }
    default:
      return "";
  }
}

// Word replacements for one reading of `surface`: (token index, folded text).
void replace_reading(const Dictionary& d, const NameReading& r, std::string_view surface,
                     std::span<const Token> tokens, const Draws& draws, std::uint64_t attempt,
                     std::size_t& given_seen, std::size_t& initial_index,
                     std::vector<std::pair<std::uint32_t, std::string>>& out) {
  for (const auto& p : r.parts) {
    std::string_view word = tokens[p.first].view(surface);
    std::string replacement =
        replace_part(d, p, draws, given_seen, initial_index, attempt, word);
    if (p.initial) ++initial_index;
    else if (p.analysis.kind == Kind::kGiven) ++given_seen;
    if (replacement.empty()) continue;
    out.emplace_back(p.first, with_casing(replacement, casing_of(tokens[p.first])));
  }
}

std::string assemble(std::string_view surface, std::span<const Token> tokens,
                     const std::vector<std::pair<std::uint32_t, std::string>>& words) {
  std::string out;
  std::size_t pos = 0;
  for (const auto& [index, text] : words) {
    const Token& t = tokens[index];
    out.append(surface.substr(pos, t.begin - pos));
    out += text;
    pos = t.end;
  }
  out.append(surface.substr(pos));
  return out;
}

}  // namespace

std::string surrogate_person(const Finding& f, std::string_view surface, std::uint64_t seed) {
  (void)f;
  const Dictionary& d = Dictionary::instance();
  std::vector<Token> tokens;
  tokenize(surface, tokens);
  const auto n = static_cast<std::uint32_t>(tokens.size());

  // Read the surface back into name parts; words that do not read as a
  // name still get replaced, as an unknown given name or surname.
  std::vector<NameReading> readings;
  for (std::uint32_t i = 0; i < n;) {
    if (tokens[i].kind != TokenKind::kWord) {
      ++i;
      continue;
    }
    names::ReadOptions options;
    options.force_first = true;
    options.extend_left = false;
    options.floor = i;
    options.unknown_kind = readings.empty() ? Kind::kGiven : Kind::kSurname;
    NameReading r;
    if (!names::read_name(surface, tokens, i, options, r) || r.last < i) {
      ++i;
      continue;
    }
    i = r.last + 1 + (r.possessive ? 2 : 0);
    readings.push_back(std::move(r));
  }

  const std::string folded_surface = fold(surface);
  Draws draws(seed);
  std::vector<std::pair<std::uint32_t, std::string>> words;
  for (std::uint64_t attempt = 0; attempt < 8; ++attempt) {
    words.clear();
    std::size_t given_seen = 0, initial_index = 0;
    for (const auto& r : readings) {
      replace_reading(d, r, surface, tokens, draws, attempt, given_seen, initial_index, words);
    }
    std::string out = assemble(surface, tokens, words);
    if (!words.empty() && fold(out) != folded_surface) return out;
  }
  // Nothing read as a name (no letters at all): a fixed fake, still not
  // the original.
  std::string fallback = folded_surface == "марат" ? "Ерлан" : "Марат";
  return fallback;
}

}  // namespace dpa::anonymize

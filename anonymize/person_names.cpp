#include "anonymize/person_names.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "anonymize/data_files.h"
#include "anonymize/token.h"

namespace dpa::anonymize::names {
namespace {

using U = std::u32string;

// --- UTF-8 <-> code points (build time only) -------------------------------

U to_u32(std::string_view s) {
  U out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    char32_t cp = 0;
    int n = 0;
    if (c < 0x80) { cp = c; n = 1; }
    else if ((c >> 5) == 6) { cp = c & 0x1Fu; n = 2; }
    else if ((c >> 4) == 14) { cp = c & 0x0Fu; n = 3; }
    else { cp = c & 0x07u; n = 4; }
    for (int k = 1; k < n && i + static_cast<std::size_t>(k) < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3Fu);
    }
    out.push_back(cp);
    i += static_cast<std::size_t>(n);
  }
  return out;
}

// Plain stores into a buffer of the largest size: the dictionary build
// encodes every generated form, and push_back's checks were most of that.
std::string to_utf8(const U& s) {
  std::string out(s.size() * 4, '\0');
  char* p = out.data();
  for (char32_t cp : s) {
    if (cp < 0x80) {
      *p++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
      *p++ = static_cast<char>(0xC0 | (cp >> 6));
      *p++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *p++ = static_cast<char>(0xE0 | (cp >> 12));
      *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *p++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *p++ = static_cast<char>(0xF0 | (cp >> 18));
      *p++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *p++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  out.resize(static_cast<std::size_t>(p - out.data()));
  return out;
}

// --- letters ---------------------------------------------------------------

bool ends_with(const U& w, std::u32string_view suffix) {
  return w.size() >= suffix.size() && std::u32string_view(w).substr(w.size() - suffix.size()) == suffix;
}

U drop(const U& w, std::size_t n) { return w.substr(0, w.size() >= n ? w.size() - n : 0); }

char32_t kazakh_to_russian(char32_t c) {
  switch (c) {
    case U'ә': return U'а';
    case U'ғ': return U'г';
    case U'қ': return U'к';
    case U'ң': return U'н';
    case U'ө': return U'о';
    case U'ұ': return U'у';
    case U'ү': return U'у';
    case U'һ': return U'х';
    case U'і': return U'и';
    default: return c;
  }
}


U russian_letters(const U& w) {
  U out = w;
  for (auto& c : out) c = kazakh_to_russian(c);
  return out;
}

bool is_cyrillic_vowel(char32_t c) {
  return std::u32string_view(U"аеёиоуыэюяәөұүі").find(c) != std::u32string_view::npos;
}

bool is_consonant(char32_t c) {
  return c >= U'а' && c <= U'я' && !is_cyrillic_vowel(c) && c != U'ь' && c != U'ъ' && c != U'й';
}

// г к х ж ш ч щ: after them Russian writes и, not ы.
bool takes_i(char32_t c) { return std::u32string_view(U"гкхжшчщ").find(c) != std::u32string_view::npos; }
// ж ш ч щ ц: after them an unstressed о is written е.
bool hushing(char32_t c) { return std::u32string_view(U"жшчщц").find(c) != std::u32string_view::npos; }

// Kazakh vowel harmony: front if the last vowel is front.
bool front_vowels(const U& w) {
  for (auto it = w.rbegin(); it != w.rend(); ++it) {
    char32_t c = *it;
    if (std::u32string_view(U"әеөүіиэ").find(c) != std::u32string_view::npos) return true;
    if (std::u32string_view(U"аоұыуяёю").find(c) != std::u32string_view::npos) return false;
  }
  return false;
}

enum class Sound { kVowel, kSonorant, kNasal, kVoicedZ, kVoiceless };

Sound final_sound(const U& w) {
  std::size_t i = w.size();
  while (i > 0 && (w[i - 1] == U'ь' || w[i - 1] == U'ъ')) --i;
  if (i == 0) return Sound::kVowel;
  char32_t c = w[i - 1];
  if (std::u32string_view(U"лрйуию").find(c) != std::u32string_view::npos) return Sound::kSonorant;
  if (is_cyrillic_vowel(c)) return Sound::kVowel;
  if (c == U'м' || c == U'н' || c == U'ң') return Sound::kNasal;
  if (c == U'з' || c == U'ж') return Sound::kVoicedZ;
  return Sound::kVoiceless;
}

// --- Latin spellings -------------------------------------------------------

// Two schemes: the popular one (й→y, я→ya, х→kh) and the one of Kazakh
// passports (ICAO: й→i, я→ia). A third adds the common habits: initial е→ye,
// кс→x, final ий→y.
std::vector<std::string> latin_of(const U& w) {
  auto scheme = [&](int kind) {
    std::string out;
    for (std::size_t i = 0; i < w.size(); ++i) {
      char32_t c = kazakh_to_russian(w[i]);
      bool last = i + 1 == w.size();
      switch (c) {
        case U'а': out += "a"; break;
        case U'б': out += "b"; break;
        case U'в': out += "v"; break;
        case U'г': out += "g"; break;
        case U'д': out += "d"; break;
        case U'е': case U'ё': out += (kind == 2 && i == 0) ? "ye" : "e"; break;
        case U'ж': out += "zh"; break;
        case U'з': out += "z"; break;
        case U'и':
          if (kind == 2 && i + 2 == w.size() && w[i + 1] == U'й') { out += "y"; ++i; break; }
          out += "i";
          break;
        case U'й': out += kind == 1 ? "i" : "y"; break;
        case U'к':
          if (kind == 2 && i + 1 < w.size() && w[i + 1] == U'с') { out += "x"; ++i; break; }
          out += "k";
          break;
        case U'л': out += "l"; break;
        case U'м': out += "m"; break;
        case U'н': out += "n"; break;
        case U'о': out += "o"; break;
        case U'п': out += "p"; break;
        case U'р': out += "r"; break;
        case U'с': out += "s"; break;
        case U'т': out += "t"; break;
        case U'у': out += "u"; break;
        case U'ф': out += "f"; break;
        case U'х': out += "kh"; break;
        case U'ц': out += "ts"; break;
        case U'ч': out += "ch"; break;
        case U'ш': out += "sh"; break;
        case U'щ': out += "shch"; break;
        case U'ъ': case U'ь': break;
        case U'ы': out += "y"; break;
        case U'э': out += "e"; break;
        case U'ю': out += kind == 1 ? "iu" : "yu"; break;
        case U'я': out += kind == 1 ? "ia" : "ya"; break;
        default:
          if (c < 0x80) out.push_back(static_cast<char>(c));
          break;
      }
      (void)last;
    }
    return out;
  };
  std::vector<std::string> out;
  for (int kind = 0; kind < 3; ++kind) {
    auto s = scheme(kind);
    if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  }
  return out;
}

// --- ambiguity lists -------------------------------------------------------

struct Ambiguity {
  // word -> level: 1 ambiguous, 2 always ambiguous, 3 never a name
  const std::unordered_map<std::string, std::uint8_t>& lemma_level;
  const std::unordered_map<std::string, std::uint8_t>& form_level;
};

// --- form generation -------------------------------------------------------

class Emitter {
 public:
  Emitter(const Ambiguity* amb, std::uint32_t lemma, Kind kind, std::vector<Form>& out)
      : amb_(amb), lemma_(lemma), kind_(kind), out_(out) {}

  // Forms derived from the spelling `base` inherit its lemma-level ambiguity.
  void set_base(const U& base) {
    base_level_ = 0;
    if (!amb_) return;
    auto it = amb_->lemma_level.find(to_utf8(base));
    if (it != amb_->lemma_level.end()) base_level_ = it->second;
  }

  void add(const U& form, Gender g, Case c, std::uint8_t flags = 0) { add_utf8(to_utf8(form), g, c, flags); }

  void add_utf8(std::string form, Gender g, Case c, std::uint8_t flags = 0) {
    std::uint8_t level = base_level_;
    if (amb_) {
      auto it = amb_->form_level.find(form);
      if (it != amb_->form_level.end()) level = std::max(level, it->second);
    }
    if (level >= 3) return;
    if (level == 1) flags |= kAmbiguous;
    if (level == 2) flags |= kAlwaysAmbiguous;
    Analysis a;
    a.lemma = lemma_;
    a.kind = kind_;
    a.gender = g;
    a.gcase = c;
    a.flags = flags;
    if (!form.empty() && static_cast<unsigned char>(form[0]) < 0x80) a.script = Script::kLatin;
    else if (has_kazakh_letters(form)) a.script = Script::kKazakh;
    else a.script = Script::kRussian;
    out_.push_back(Form{std::move(form), a});
  }

 private:
  const Ambiguity* amb_;
  std::uint32_t lemma_;
  Kind kind_;
  std::vector<Form>& out_;
  std::uint8_t base_level_ = 0;
};

// The six Russian cases of a masculine noun in a consonant (Марат, Ким).
void decline_masculine_hard(Emitter& e, const U& nom, const U& stem, Gender g) {
  e.add(stem + U"а", g, Case::kGen);
  e.add(stem + U"у", g, Case::kDat);
  e.add(stem + U"а", g, Case::kAcc);
  e.add(stem + U"ом", g, Case::kIns);
  if (!stem.empty() && hushing(stem.back())) e.add(stem + U"ем", g, Case::kIns, kAltEnding);
  e.add(stem + U"е", g, Case::kPrep);
  (void)nom;
}

// -й, -ий, masculine -ь.
void decline_masculine_soft(Emitter& e, const U& w, Gender g) {
  if (ends_with(w, U"ий")) {
    U b = drop(w, 2);
    e.add(b + U"ия", g, Case::kGen);
    e.add(b + U"ию", g, Case::kDat);
    e.add(b + U"ия", g, Case::kAcc);
    e.add(b + U"ием", g, Case::kIns);
    e.add(b + U"ии", g, Case::kPrep);
    return;
  }
  U b = drop(w, 1);
  e.add(b + U"я", g, Case::kGen);
  e.add(b + U"ю", g, Case::kDat);
  e.add(b + U"я", g, Case::kAcc);
  e.add(b + U"ем", g, Case::kIns);
  e.add(b + U"е", g, Case::kPrep);
}

// -а, -я (Анна, Никита, Мария, Илья).
void decline_a(Emitter& e, const U& w, Gender g, std::uint8_t flags = 0) {
  U b = drop(w, 1);
  if (w.back() == U'а') {
    char32_t s = b.empty() ? U'а' : b.back();
    e.add(b + (takes_i(s) ? U"и" : U"ы"), g, Case::kGen, flags);
    e.add(b + U"е", g, Case::kDat, flags);
    e.add(b + U"у", g, Case::kAcc, flags);
    e.add(b + (hushing(s) ? U"ей" : U"ой"), g, Case::kIns, flags);
    e.add(b + U"е", g, Case::kPrep, flags);
    return;
  }
  bool ija = !b.empty() && b.back() == U'и';
  e.add(b + U"и", g, Case::kGen, flags);
  e.add(b + (ija ? U"и" : U"е"), g, Case::kDat, flags);
  e.add(b + U"ю", g, Case::kAcc, flags);
  e.add(b + U"ей", g, Case::kIns, flags);
  e.add(b + (ija ? U"и" : U"е"), g, Case::kPrep, flags);
}

// Feminine -ь (Любовь, Айгуль, Асель).
void decline_feminine_soft(Emitter& e, const U& w, Gender g) {
  U b = drop(w, 1);
  e.add(b + U"и", g, Case::kGen);
  e.add(b + U"и", g, Case::kDat);
  e.add(w, g, Case::kAcc);
  e.add(b + U"ью", g, Case::kIns);
  e.add(b + U"и", g, Case::kPrep);
}

// Kazakh case endings. `front` picks the front-vowel variant; `possessive`
// is for words that already end in the 3rd-person possessive (ұлы, қызы).
void kazakh_cases(Emitter& e, const U& w, bool front, Gender g, bool possessive, bool keyboard_too) {
  using V = std::u32string_view;
  auto pick = [&](V back, V fr) { return front ? fr : back; };
  struct Ending {
    Case c;
    V ending;
    std::uint8_t flags;
  };
  // Literals and two buffers reused for every form: the generator builds
  // a few hundred thousand forms on every start.
  std::array<Ending, 8> endings;
  std::size_t count = 7;
  if (possessive) {
    endings = {{{Case::kKzGen, pick(U"ның", U"нің"), 0},  {Case::kKzDat, pick(U"на", U"не"), 0},
                {Case::kKzAcc, U"н", 0},                  {Case::kKzLoc, pick(U"нда", U"нде"), 0},
                {Case::kKzAbl, pick(U"нан", U"нен"), 0},  {Case::kKzIns, U"мен", 0},
                {Case::kKzPred, pick(U"мын", U"мін"), 0}, {}}};
  } else {
    Sound s = final_sound(w);
    bool voiceless = s == Sound::kVoiceless;
    V gen = s == Sound::kVowel || s == Sound::kNasal ? pick(U"ның", U"нің")
            : voiceless                              ? pick(U"тың", U"тің")
                                                     : pick(U"дың", U"дің");
    V dat = voiceless ? pick(U"қа", U"ке") : pick(U"ға", U"ге");
    V acc = s == Sound::kVowel ? pick(U"ны", U"ні") : voiceless ? pick(U"ты", U"ті") : pick(U"ды", U"ді");
    V loc = voiceless ? pick(U"та", U"те") : pick(U"да", U"де");
    V abl = s == Sound::kNasal ? pick(U"нан", U"нен") : voiceless ? pick(U"тан", U"тен") : pick(U"дан", U"ден");
    V ins = s == Sound::kVoicedZ ? U"бен" : voiceless ? U"пен" : U"мен";
    V pred = s == Sound::kVoicedZ ? pick(U"бын", U"бін") : voiceless ? pick(U"пын", U"пін") : pick(U"мын", U"мін");
    endings = {{{Case::kKzGen, gen, 0}, {Case::kKzDat, dat, 0}, {Case::kKzAcc, acc, 0}, {Case::kKzLoc, loc, 0},
                {Case::kKzAbl, abl, 0}, {Case::kKzIns, ins, 0}, {Case::kKzPred, pred, 0}, {}}};
    if (s == Sound::kNasal) endings[count++] = {Case::kKzIns, U"бен", kAltEnding};
  }
  thread_local U form, typed;
  for (std::size_t k = 0; k < count; ++k) {
    const Ending& en = endings[k];
    form.assign(w);
    form.append(en.ending);
    e.add(form, g, en.c, en.flags);
    if (keyboard_too) {
      typed.assign(form);
      for (auto& c : typed) c = kazakh_to_russian(c);  // russian_letters(), in place
      if (typed != form) e.add(typed, g, en.c, static_cast<std::uint8_t>(en.flags | kKeyboardVariant));
    }
  }
}

// English possessives ("Marat's") are three tokens, so they are found by
// the recognizer, not listed here.
void latin_forms(Emitter& e, const U& russian, Gender g) {
  for (const auto& l : latin_of(russian)) e.add_utf8(l, g, Case::kNom);
}

// The Russian patronymic of a father's name, masculine then feminine (of a
// Lemma, or of the builder's draft of one).
template <class FatherLemma>
std::pair<U, U> russian_patronymic(const FatherLemma& father) {
  if (!father.patronymic_m.empty()) return {to_u32(father.patronymic_m), to_u32(father.patronymic_f)};
  U f = to_u32(father.russian);
  U m;
  if (!father.stem.empty()) {
    m = to_u32(father.stem) + U"ович";
  } else if (ends_with(f, U"ий")) {
    U b = drop(f, 2);
    bool i_form = (!b.empty() && takes_i(b.back()) && !hushing(b.back())) || f == U"дмитрий";
    m = b + (i_form ? U"иевич" : U"ьевич");
  } else if (f.back() == U'й' || f.back() == U'ь') {
    m = drop(f, 1) + U"евич";
  } else if (f.back() == U'а' || f.back() == U'я') {
    m = father.origin == Origin::kRussian ? drop(f, 1) + U"ич" : f + U"евич";
  } else if (is_cyrillic_vowel(f.back())) {
    m = f + U"евич";
  } else {
    m = f + (hushing(f.back()) ? U"евич" : U"ович");
  }
  U fem;
  if (ends_with(m, U"ович")) fem = drop(m, 4) + U"овна";
  else if (ends_with(m, U"евич")) fem = drop(m, 4) + U"евна";
  else fem = m + U"на";  // -ич -> -ична
  return {m, fem};
}

void decline_russian_patronymic(Emitter& e, const U& m_or_f, bool feminine, Gender g) {
  if (!feminine) {
    e.add(m_or_f, g, Case::kNom);
    e.add(m_or_f + U"а", g, Case::kGen);
    e.add(m_or_f + U"у", g, Case::kDat);
    e.add(m_or_f + U"а", g, Case::kAcc);
    e.add(m_or_f + U"ем", g, Case::kIns);
    e.add(m_or_f + U"е", g, Case::kPrep);
  } else {
    e.add(m_or_f, g, Case::kNom);
    decline_a(e, m_or_f, g);
  }
}

Paradigm given_paradigm(const U& russian, Gender g) {
  char32_t last = russian.back();
  if (last == U'а' || last == U'я') return Paradigm::kGivenA;
  if (last == U'ь') return g == Gender::kFemale ? Paradigm::kGivenSoftFem : Paradigm::kGivenSoft;
  if (last == U'й') return Paradigm::kGivenSoft;
  if (is_consonant(last)) return g == Gender::kFemale ? Paradigm::kGivenIndecl : Paradigm::kGivenConsonant;
  return Paradigm::kGivenIndecl;
}

Paradigm surname_paradigm(const U& w) {
  if (ends_with(w, U"ский") || ends_with(w, U"цкий") || ends_with(w, U"ской") || ends_with(w, U"цкой") ||
      ends_with(w, U"ый") || (ends_with(w, U"ой") && w.size() > 4))
    return Paradigm::kSurnameAdj;
  if (ends_with(w, U"ов") || ends_with(w, U"ев") || ends_with(w, U"ин") || ends_with(w, U"ын"))
    return Paradigm::kSurnameOv;
  if (ends_with(w, U"их") || ends_with(w, U"ых")) return Paradigm::kSurnameIndecl;
  char32_t last = w.back();
  if (is_consonant(last) || last == U'й' || last == U'ь') return Paradigm::kSurnameConsonant;
  return Paradigm::kSurnameIndecl;
}

// Russian cases of a surname in one gender (nominative included).
void decline_surname(Emitter& e, const U& m, Paradigm p, bool feminine) {
  Gender g = feminine ? Gender::kFemale : Gender::kMale;
  switch (p) {
    case Paradigm::kSurnameOv:
      if (!feminine) {
        e.add(m, g, Case::kNom);
        e.add(m + U"а", g, Case::kGen);
        e.add(m + U"у", g, Case::kDat);
        e.add(m + U"а", g, Case::kAcc);
        e.add(m + U"ым", g, Case::kIns);
        e.add(m + U"е", g, Case::kPrep);
        e.add(m + U"ы", Gender::kUnknown, Case::kNom, kPlural);
        e.add(m + U"ых", Gender::kUnknown, Case::kGen, kPlural);
        e.add(m + U"ым", Gender::kUnknown, Case::kDat, kPlural);
        e.add(m + U"ых", Gender::kUnknown, Case::kAcc, kPlural);
        e.add(m + U"ыми", Gender::kUnknown, Case::kIns, kPlural);
        e.add(m + U"ых", Gender::kUnknown, Case::kPrep, kPlural);
      } else {
        e.add(m + U"а", g, Case::kNom);
        e.add(m + U"ой", g, Case::kGen);
        e.add(m + U"ой", g, Case::kDat);
        e.add(m + U"у", g, Case::kAcc);
        e.add(m + U"ой", g, Case::kIns);
        e.add(m + U"ой", g, Case::kPrep);
      }
      return;
    case Paradigm::kSurnameAdj: {
      U stem = drop(m, 2);
      char32_t s = stem.empty() ? U'а' : stem.back();
      bool soft = ends_with(m, U"ий") || takes_i(s);
      U y = soft ? U"и" : U"ы";
      if (!feminine) {
        e.add(m, g, Case::kNom);
        e.add(stem + U"ого", g, Case::kGen);
        e.add(stem + U"ому", g, Case::kDat);
        e.add(stem + U"ого", g, Case::kAcc);
        e.add(stem + y + U"м", g, Case::kIns);
        e.add(stem + U"ом", g, Case::kPrep);
        e.add(stem + y + U"е", Gender::kUnknown, Case::kNom, kPlural);
        e.add(stem + y + U"х", Gender::kUnknown, Case::kGen, kPlural);
        e.add(stem + y + U"м", Gender::kUnknown, Case::kDat, kPlural);
        e.add(stem + y + U"ми", Gender::kUnknown, Case::kIns, kPlural);
      } else {
        e.add(stem + U"ая", g, Case::kNom);
        e.add(stem + U"ой", g, Case::kGen);
        e.add(stem + U"ой", g, Case::kDat);
        e.add(stem + U"ую", g, Case::kAcc);
        e.add(stem + U"ой", g, Case::kIns);
        e.add(stem + U"ой", g, Case::kPrep);
      }
      return;
    }
    case Paradigm::kSurnameConsonant:
      if (feminine) {
        e.add(m, g, Case::kNom, kIndeclinable);
        return;
      }
      e.add(m, g, Case::kNom);
      if (m.back() == U'й' || m.back() == U'ь') decline_masculine_soft(e, m, g);
      else decline_masculine_hard(e, m, m, g);
      return;
    default:
      e.add(m, Gender::kUnknown, Case::kNom, kIndeclinable);
      return;
  }
}

// The feminine nominative of a surname (Иванов -> Иванова).
U feminine_surname(const U& m, Paradigm p) {
  if (p == Paradigm::kSurnameOv) return m + U"а";
  if (p == Paradigm::kSurnameAdj) return drop(m, 2) + U"ая";
  return m;
}

// Where a surname is the father's name + -ов/-ев (Марат -> Маратов).
U surname_from_given(const U& g) {
  char32_t last = g.back();
  if (last == U'й' || last == U'ь') return drop(g, 1) + U"ев";
  if (is_cyrillic_vowel(last) || hushing(last)) return g + U"ев";
  return g + U"ов";
}

void generate(std::span<const Lemma> lemmas, std::uint32_t id, const Ambiguity* amb, std::vector<Form>& out) {
  const Lemma& L = lemmas[id];
  Emitter e(amb, id, L.kind, out);
  const U ru = to_u32(L.russian);
  const U kz = to_u32(L.kazakh);
  const bool front = front_vowels(kz.empty() ? ru : kz);
  const Gender g = L.gender;

  auto russian_spellings = [&] {
    std::vector<U> v{ru};
    for (const auto& s : L.variants) v.push_back(to_u32(s));
    return v;
  };

  switch (L.kind) {
    case Kind::kGiven: {
      if (L.origin == Origin::kEnglish) {
        e.set_base(ru);
        e.add(ru, g, Case::kNom);
        return;
      }
      for (const U& s : russian_spellings()) {
        e.set_base(s);
        Paradigm p = given_paradigm(s, g);
        if (p == Paradigm::kGivenIndecl) {
          e.add(s, g, Case::kNom, kIndeclinable);
        } else {
          e.add(s, g, Case::kNom);
          switch (p) {
            case Paradigm::kGivenConsonant:
              decline_masculine_hard(e, s, L.stem.empty() ? s : to_u32(L.stem), g);
              break;
            case Paradigm::kGivenSoft: decline_masculine_soft(e, s, g); break;
            case Paradigm::kGivenA: decline_a(e, s, g); break;
            case Paradigm::kGivenSoftFem: decline_feminine_soft(e, s, g); break;
            default: break;
          }
        }
        kazakh_cases(e, s, front, g, false, true);
        e.set_base(s);
        latin_forms(e, s, g);
      }
      if (!kz.empty()) {
        e.set_base(kz);
        e.add(kz, g, Case::kNom);
        kazakh_cases(e, kz, front, g, false, false);
      }
      return;
    }
    case Kind::kSurname: {
      if (L.origin == Origin::kEnglish) {
        e.set_base(ru);
        e.add(ru, Gender::kUnknown, Case::kNom, kIndeclinable);
        return;
      }
      // The lemma holds the masculine spelling; a feminine lemma declines
      // its feminine forms.
      const bool fem = L.feminine_form;
      for (const U& s : russian_spellings()) {
        U nom = fem ? feminine_surname(s, L.paradigm) : s;
        e.set_base(nom);
        decline_surname(e, s, L.paradigm, fem);
        Gender fg = L.paradigm == Paradigm::kSurnameIndecl ? Gender::kUnknown : g;
        if (L.paradigm != Paradigm::kSurnameAdj) kazakh_cases(e, nom, front_vowels(nom), fg, false, true);
        if (L.paradigm == Paradigm::kSurnameOv && ends_with(s, U"ев")) {
          // -ев after a back-vowel stem takes either harmony (Тоқаевқа).
          kazakh_cases(e, nom, !front_vowels(nom), fg, false, true);
        }
        latin_forms(e, nom, fg);
      }
      if (!kz.empty()) {
        U nom = fem ? feminine_surname(kz, L.paradigm) : kz;
        e.set_base(nom);
        e.add(nom, g, Case::kNom);
        kazakh_cases(e, nom, front_vowels(nom), g, false, false);
      }
      return;
    }
    case Kind::kPatronymic: {
      const Lemma& father = lemmas[L.father];
      if (L.paradigm == Paradigm::kPatronymicRu) {
        auto [m, f] = russian_patronymic(father);
        U nom = L.feminine_form ? f : m;
        e.set_base(nom);
        decline_russian_patronymic(e, nom, L.feminine_form, g);
        kazakh_cases(e, nom, front_vowels(nom), g, false, true);
        latin_forms(e, nom, g);
        // Дмитриевич / Дмитрьевич, Юрьевич / Юриевич: both are written.
        if (father.patronymic_m.empty() && ends_with(to_u32(father.russian), U"ий")) {
          U b = drop(to_u32(father.russian), 2);
          U alt = ends_with(nom, U"иевич") || ends_with(nom, U"иевна") ? b + U"ьев" : b + U"иев";
          alt += L.feminine_form ? U"на" : U"ич";
          e.set_base(alt);
          decline_russian_patronymic(e, alt, L.feminine_form, g);
        }
        return;
      }
      // Kazakh: father's name + ұлы / қызы, written as one word.
      const U fr = to_u32(father.russian);
      const U fk = father.kazakh.empty() ? fr : to_u32(father.kazakh);
      const bool fem = L.feminine_form;
      U kz_form = fk + (fem ? U"қызы" : U"ұлы");
      U ru_form = fr + (fem ? U"кызы" : U"улы");
      bool kfront = false;  // ұлы, қызы are back-vowel words
      e.set_base(kz_form);
      e.add(kz_form, g, Case::kNom);
      kazakh_cases(e, kz_form, kfront, g, true, true);
      e.set_base(ru_form);
      e.add(ru_form, g, Case::kNom);
      kazakh_cases(e, ru_form, kfront, g, true, true);
      for (const auto& l : latin_of(fr)) {
        e.add_utf8(l + (fem ? "kyzy" : "uly"), g, Case::kNom);
        e.add_utf8(l + (fem ? "qyzy" : "uly"), g, Case::kNom);
      }
      return;
    }
    default:
      return;
  }
}

// --- data files ------------------------------------------------------------

// Separate words that turn the given name before them into a patronymic.
struct MarkerWord {
  const char* word;
  const char* canonical;
  Gender g;
  Case c;
};
const MarkerWord kMarkers[] = {
    {"ұлы", "ұлы", Gender::kMale, Case::kNom},          {"улы", "ұлы", Gender::kMale, Case::kNom},
    {"uly", "ұлы", Gender::kMale, Case::kNom},          {"қызы", "қызы", Gender::kFemale, Case::kNom},
    {"кызы", "қызы", Gender::kFemale, Case::kNom},      {"kyzy", "қызы", Gender::kFemale, Case::kNom},
    {"qyzy", "қызы", Gender::kFemale, Case::kNom},      {"оглы", "оглы", Gender::kMale, Case::kNom},
    {"угли", "оглы", Gender::kMale, Case::kNom},        {"ўғли", "оглы", Gender::kMale, Case::kNom},
    {"ogly", "оглы", Gender::kMale, Case::kNom},        {"ugli", "оглы", Gender::kMale, Case::kNom},
    {"кизи", "қизи", Gender::kFemale, Case::kNom},      {"қизи", "қизи", Gender::kFemale, Case::kNom},
    {"qizi", "қизи", Gender::kFemale, Case::kNom},      {"ұлының", "ұлы", Gender::kMale, Case::kKzGen},
    {"ұлына", "ұлы", Gender::kMale, Case::kKzDat},      {"ұлын", "ұлы", Gender::kMale, Case::kKzAcc},
    {"ұлында", "ұлы", Gender::kMale, Case::kKzLoc},     {"ұлынан", "ұлы", Gender::kMale, Case::kKzAbl},
    {"ұлымен", "ұлы", Gender::kMale, Case::kKzIns},     {"қызының", "қызы", Gender::kFemale, Case::kKzGen},
    {"қызына", "қызы", Gender::kFemale, Case::kKzDat},  {"қызын", "қызы", Gender::kFemale, Case::kKzAcc},
    {"қызында", "қызы", Gender::kFemale, Case::kKzLoc}, {"қызынан", "қызы", Gender::kFemale, Case::kKzAbl},
    {"қызымен", "қызы", Gender::kFemale, Case::kKzIns},
};

// The pool of a kind, origin and gender over every paradigm.
constexpr auto kAnyParadigm = static_cast<Paradigm>(0xFF);

std::string_view data_file(std::string_view name) {
  auto f = find_data_file(name);
  if (!f) throw std::runtime_error("anonymize data file missing: " + std::string(name));
  return *f;
}

// Calls fn(words) for each non-empty line, '#' comments removed.
template <class Fn>
void for_each_line(std::string_view text, Fn fn) {
  std::vector<std::string_view> words;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    words.clear();
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
      std::size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
      if (j > i) words.push_back(line.substr(i, j - i));
      i = j;
    }
    if (!words.empty()) fn(words, line);
  }
}

Gender parse_gender(std::string_view s) {
  if (s == "m") return Gender::kMale;
  if (s == "f") return Gender::kFemale;
  return Gender::kUnknown;
}

}  // namespace

std::string kazakh_to_russian_letters(std::string_view folded) { return to_utf8(russian_letters(to_u32(folded))); }

bool has_kazakh_letters(std::string_view word) {
  // The Kazakh-only letters are І і (D0 86, D1 96) and ones in U+0480..U+04FF
  // (lead bytes D2, D3), where Russian has no letters.
  for (std::size_t i = 0; i + 1 < word.size(); ++i) {
    auto c = static_cast<unsigned char>(word[i]);
    if (c < 0xD0 || c > 0xD3) continue;
    if (c >= 0xD2) return true;
    auto d = static_cast<unsigned char>(word[i + 1]);
    if ((c == 0xD1 && d == 0x96) || (c == 0xD0 && d == 0x86)) return true;
    ++i;
  }
  return false;
}

std::vector<std::string> latin_spellings(std::string_view russian) { return latin_of(to_u32(russian)); }

std::string capitalize(std::string_view folded, bool all_caps) {
  U w = to_u32(folded);
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (i > 0 && !all_caps) break;
    char32_t& c = w[i];
    if (c >= U'a' && c <= U'z') c = c - U'a' + U'A';
    else if (c >= U'а' && c <= U'я') c = c - 0x20;
    else if (c == U'ё') c = U'Ё';
    else if (c == U'і') c = U'І';
    else if (((c >= 0x0490 && c <= 0x04BF) || (c >= 0x04D0 && c <= 0x04FF)) && (c & 1u))
      c = c - 1;  // ғ қ ң ү ұ һ ә ө: the capital is the even code point before
  }
  return to_utf8(w);
}

namespace {

// A lemma while the lists are read: its strings are still being filled in.
// A lemma while the dictionary is built: its spellings owned.
struct DraftLemma : LemmaTraits {
  std::string text, russian, kazakh, stem, patronymic_m, patronymic_f;
  std::vector<std::string> variants;
};

void load_ambiguity_lists(std::unordered_map<std::string, std::uint8_t>& spellings,
                          std::unordered_map<std::string, std::uint8_t>& forms) {
  for_each_line(data_file("names/ambiguous.txt"), [&](const std::vector<std::string_view>& w, std::string_view) {
    std::string word = fold(w[0]);
    std::uint8_t level = 1;
    bool lemma_level = false;
    if (w.size() > 1) {
      if (w[1] == "*") { lemma_level = true; level = 1; }
      else if (w[1] == "**") { lemma_level = true; level = 2; }
      else if (w[1] == "-") { level = 3; }
      else if (w[1] == "!") { level = 2; }
    }
    auto& map = lemma_level ? spellings : forms;
    auto& slot = map[word];
    slot = std::max(slot, level);
  });
}

}  // namespace

const Dictionary::AmbiguityLists& Dictionary::ambiguity() const {
  std::call_once(ambiguity_once_, [this] { load_ambiguity_lists(ambiguity_.spellings, ambiguity_.forms); });
  return ambiguity_;
}

struct Dictionary::Builder {
  explicit Builder(Dictionary& dict) : d(dict) {}
  Dictionary& d;
  std::vector<DraftLemma> lemmas;
  std::unordered_map<std::string, std::uint32_t> given_by_key;    // russian spelling -> lemma
  std::unordered_map<std::string, std::uint32_t> surname_by_key;  // russian masc spelling -> masc lemma

  std::uint32_t add_lemma(DraftLemma l) {
    lemmas.push_back(std::move(l));
    return static_cast<std::uint32_t>(lemmas.size() - 1);
  }

  void load_given(std::string_view file, Origin origin) {
    for_each_line(data_file(file), [&](const std::vector<std::string_view>& w, std::string_view) {
      if (w.size() < 2) return;
      std::string name = fold(w[0]);
      Gender g = parse_gender(w[1]);
      std::string key = kazakh_to_russian_letters(name);
      std::uint32_t id;
      if (auto it = given_by_key.find(key); it != given_by_key.end()) {
        id = it->second;
        DraftLemma& l = lemmas[id];
        if (l.kazakh.empty() && has_kazakh_letters(name)) l.kazakh = name;
      } else {
        DraftLemma l;
        l.text = name;
        l.russian = key;
        if (has_kazakh_letters(name)) l.kazakh = name;
        l.kind = Kind::kGiven;
        l.origin = origin;
        l.gender = g;
        l.paradigm = origin == Origin::kEnglish ? Paradigm::kLatinOnly : given_paradigm(to_u32(key), g);
        id = add_lemma(std::move(l));
        given_by_key.emplace(key, id);
      }
      DraftLemma& l = lemmas[id];
      for (std::size_t i = 2; i < w.size(); ++i) {
        std::string_view opt = w[i];
        if (opt == "dim") l.diminutive = true;
        else if (opt[0] == '~') l.stem = fold(opt.substr(1));
        else if (opt[0] == '%') {
          auto slash = opt.find('/');
          l.patronymic_m = fold(opt.substr(1, slash - 1));
          l.patronymic_f = fold(opt.substr(slash + 1));
        } else if (opt[0] == '=') {
          std::string v = fold(opt.substr(1));
          if (v != l.russian && std::find(l.variants.begin(), l.variants.end(), v) == l.variants.end())
            l.variants.push_back(v);
        }
      }
    });
  }

  std::uint32_t add_surname(const std::string& masc, Origin origin, Paradigm p, const std::string& kazakh) {
    if (auto it = surname_by_key.find(masc); it != surname_by_key.end()) {
      if (!kazakh.empty()) {
        for (std::uint32_t id = it->second; id < it->second + 2 && id < lemmas.size(); ++id) {
          if (lemmas[id].kind == Kind::kSurname && lemmas[id].russian == masc && lemmas[id].kazakh.empty())
            lemmas[id].kazakh = kazakh;
        }
      }
      return it->second;
    }
    DraftLemma l;
    l.russian = masc;
    l.kazakh = kazakh;
    l.kind = Kind::kSurname;
    l.origin = origin;
    l.paradigm = p;
    if (origin == Origin::kEnglish || p == Paradigm::kSurnameIndecl) {
      l.text = masc;
      l.gender = Gender::kUnknown;
      auto id = add_lemma(std::move(l));
      surname_by_key.emplace(masc, id);
      return id;
    }
    DraftLemma f = l;
    l.text = kazakh.empty() ? masc : masc;
    l.gender = Gender::kMale;
    f.gender = Gender::kFemale;
    f.feminine_form = true;
    f.text = to_utf8(feminine_surname(to_u32(masc), p));
    auto id = add_lemma(std::move(l));
    add_lemma(std::move(f));
    surname_by_key.emplace(masc, id);
    return id;
  }

  void load_surnames(std::string_view file, Origin origin) {
    for_each_line(data_file(file), [&](const std::vector<std::string_view>& w, std::string_view) {
      std::string name = fold(w[0]);
      if (origin == Origin::kEnglish) {
        add_surname(name, origin, Paradigm::kLatinOnly, "");
        return;
      }
      U u = to_u32(name);
      Paradigm p = surname_paradigm(u);
      std::string kazakh;
      for (std::size_t i = 1; i < w.size(); ++i) {
        if (w[i] == "!cons") p = Paradigm::kSurnameConsonant;
        else if (w[i] == "!indecl") p = Paradigm::kSurnameIndecl;
        else if (w[i] == "!ov") p = Paradigm::kSurnameOv;
        else if (w[i][0] == '=') kazakh = fold(w[i].substr(1));
      }
      add_surname(name, origin, p, kazakh);
    });
  }

  // Kazakh and Central Asian surnames are often the grandfather's name +
  // -ов/-ев; the Kazakh patronymics are the father's name + ұлы/қызы.
  void derive_from_given() {
    std::size_t n = lemmas.size();
    for (std::size_t i = 0; i < n; ++i) {
      {
        const DraftLemma& l = lemmas[i];
        if (l.kind != Kind::kGiven || l.gender != Gender::kMale || l.diminutive) continue;
        if (l.origin == Origin::kEnglish) continue;
      }
      // A copy: adding the derived lemmas may move the father's.
      const DraftLemma father = lemmas[i];
      auto fid = static_cast<std::uint32_t>(i);
      if (father.origin != Origin::kRussian) {
        U ru = to_u32(father.russian);
        std::string masc = to_utf8(surname_from_given(ru));
        std::string kz = father.kazakh.empty() ? "" : to_utf8(surname_from_given(to_u32(father.kazakh)));
        add_surname(masc, father.origin, Paradigm::kSurnameOv, kz);
      }
      for (int fem = 0; fem < 2; ++fem) {
        DraftLemma p;
        p.kind = Kind::kPatronymic;
        p.origin = father.origin;
        p.gender = fem ? Gender::kFemale : Gender::kMale;
        p.feminine_form = fem != 0;
        p.father = fid;
        p.paradigm = Paradigm::kPatronymicRu;
        auto [m, f] = russian_patronymic(father);
        p.text = to_utf8(fem ? f : m);
        p.russian = p.text;
        lemmas[fid].patronymics[fem] = add_lemma(p);
        if (father.origin == Origin::kRussian) continue;
        p.paradigm = Paradigm::kPatronymicKz;
        std::string base = father.kazakh.empty() ? father.russian : father.kazakh;
        p.text = base + (fem ? "қызы" : "ұлы");
        p.russian = father.russian + (fem ? "кызы" : "улы");
        lemmas[fid].patronymics[2 + fem] = add_lemma(p);
      }
    }
  }

  void load_cues() {
    std::string_view text = data_file("names/cues.txt");
    std::vector<Token> toks;
    // Every cue's words in one array (set as the cues' spans once it no
    // longer grows).
    std::vector<std::uint64_t>& all_words = d.built_cue_words_;
    std::vector<std::size_t> first_word;
    for_each_line(text, [&](const std::vector<std::string_view>& w, std::string_view line) {
      if (w.size() < 3) return;
      Cue c;
      std::string_view k = w[0];
      if (k == "intro") c.kind = CueKind::kIntro;
      else if (k == "honorific") c.kind = CueKind::kHonorific;
      else if (k == "before") c.kind = CueKind::kBefore;
      else if (k == "beforecap") c.kind = CueKind::kBeforeCap;
      else if (k == "after") c.kind = CueKind::kAfter;
      else if (k == "afterintro") c.kind = CueKind::kAfterIntro;
      else if (k == "notbefore") c.kind = CueKind::kNotBefore;
      else if (k == "notafter") c.kind = CueKind::kNotAfter;
      else return;
      c.weight = std::stof(std::string(w[1]));
      // The phrase: from the third word to the end of the line, as written.
      auto start = static_cast<std::size_t>(w[2].data() - line.data());
      std::string_view phrase = line.substr(start);
      while (!phrase.empty() && (phrase.back() == ' ' || phrase.back() == '\r' || phrase.back() == '\t'))
        phrase.remove_suffix(1);
      c.text = phrase;
      toks.clear();
      tokenize(phrase, toks);
      const std::size_t first = all_words.size();
      std::uint16_t longest = 0;
      for (const auto& t : toks) {
        if (t.kind != TokenKind::kWord) continue;
        if (t.letters >= longest) {
          longest = t.letters;
          c.anchor = all_words.size() - first;
        }
        all_words.push_back(fold_hash(t.view(phrase)));
      }
      if (all_words.size() == first) return;
      first_word.push_back(first);
      d.built_cues_.push_back(c);
    });
    first_word.push_back(all_words.size());
    for (std::size_t i = 0; i < d.built_cues_.size(); ++i) {
      d.built_cues_[i].words =
          std::span<const std::uint64_t>(all_words).subspan(first_word[i], first_word[i + 1] - first_word[i]);
    }
    d.cues_ = d.built_cues_;

    std::vector<std::pair<std::uint64_t, std::uint32_t>> cue_words;  // (word, cue id), sorted by word
    for (std::uint32_t i = 0; i < d.cues_.size(); ++i) {
      for (auto h : d.cues_[i].words) cue_words.emplace_back(h, i);
    }
    std::sort(cue_words.begin(), cue_words.end());
    cue_words.erase(std::unique(cue_words.begin(), cue_words.end()), cue_words.end());
    for (auto& [h, i] : cue_words) d.built_cue_ids_.push_back(i);

    std::vector<std::uint64_t> stop_words;
    for_each_line(data_file("names/stopwords.txt"), [&](const std::vector<std::string_view>& w, std::string_view) {
      for (auto s : w) stop_words.push_back(fold_hash(s));
    });
    std::sort(stop_words.begin(), stop_words.end());
    stop_words.erase(std::unique(stop_words.begin(), stop_words.end()), stop_words.end());

    std::size_t cap = 64;
    while (cap < (stop_words.size() + cue_words.size()) * 2) cap <<= 1;
    std::vector<RoleSlot>& slots = d.built_roles_;
    slots.assign(cap, RoleSlot{});
    const std::size_t mask = cap - 1;
    auto add = [&](std::uint64_t hash) -> RoleSlot& {
      std::size_t i = static_cast<std::size_t>(mix(hash)) & mask;
      while (slots[i].used && slots[i].key != hash) i = (i + 1) & mask;
      slots[i].key = hash;
      slots[i].used = true;
      return slots[i];
    };
    for (auto h : stop_words) add(h).stop = true;
    // The cues of a word are a run of cue_ids_ (sorted by word): the entry
    // keeps where it starts and how long it is. The cues that may stand
    // before a name and end in the word, and those that may follow a name
    // and start with it, are runs of their own: matching around a name
    // looks only at those.
    auto& before_name = d.built_cues_before_name_;
    auto& after_name = d.built_cues_after_name_;
    for (std::size_t b = 0, e = 0; b < cue_words.size(); b = e) {
      const std::uint64_t hash = cue_words[b].first;
      while (e < cue_words.size() && cue_words[e].first == hash) ++e;
      RoleSlot& entry = add(hash);
      entry.cues = {static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(e - b)};
      entry.before_name.begin = static_cast<std::uint32_t>(before_name.size());
      entry.after_name.begin = static_cast<std::uint32_t>(after_name.size());
      for (std::size_t k = b; k < e; ++k) {
        const std::uint32_t id = cue_words[k].second;
        const Cue& c = d.cues_[id];
        const bool after = c.kind == CueKind::kAfter || c.kind == CueKind::kNotAfter;
        if (!after && c.words.back() == hash) before_name.push_back(id);
        if ((after || c.kind == CueKind::kAfterIntro) && c.words.front() == hash) after_name.push_back(id);
      }
      entry.before_name.count = static_cast<std::uint32_t>(before_name.size()) - entry.before_name.begin;
      entry.after_name.count = static_cast<std::uint32_t>(after_name.size()) - entry.after_name.begin;
    }
  }

  // The drafts become the dictionary's lemmas, their strings kept in
  // built_strings_ (a deque: the views stay valid as it grows).
  void freeze() {
    std::size_t variant_count = 0;
    for (const DraftLemma& l : lemmas) variant_count += l.variants.size();
    d.built_variants_.reserve(variant_count);  // never reallocated: the lemmas' spans point into it
    d.lemmas_.reserve(lemmas.size());
    auto keep = [&](std::string& s) -> std::string_view {
      if (s.empty()) return {};
      return d.built_strings_.emplace_back(std::move(s));
    };
    for (DraftLemma& l : lemmas) {
      Lemma& out = d.lemmas_.emplace_back();
      out.text = std::move(l.text);
      out.russian = keep(l.russian);
      out.kazakh = keep(l.kazakh);
      out.stem = keep(l.stem);
      out.patronymic_m = keep(l.patronymic_m);
      out.patronymic_f = keep(l.patronymic_f);
      static_cast<LemmaTraits&>(out) = l;
      const std::size_t first = d.built_variants_.size();
      for (std::string& v : l.variants) d.built_variants_.push_back(keep(v));
      out.variants = std::span<const std::string_view>(d.built_variants_).subspan(first, l.variants.size());
    }
    lemmas.clear();
  }

  void build_pools() {
    const AmbiguityLists& amb = d.ambiguity();
    std::vector<std::pair<std::uint32_t, std::uint32_t>> keyed;
    for (std::uint32_t i = 0; i < d.lemmas_.size(); ++i) {
      const Lemma& l = d.lemmas_[i];
      if (l.kind == Kind::kGiven && l.gender == Gender::kMale && !l.diminutive && l.origin != Origin::kEnglish)
        d.built_fathers_[static_cast<int>(l.origin)].push_back(i);
      if (l.kind == Kind::kPatronymic) continue;  // surrogates derive them from fathers
      // Names that are common words make poor surrogates.
      if (amb.spellings.count(std::string(l.russian)) || amb.spellings.count(std::string(l.text))) continue;
      keyed.emplace_back(pool_key(l.kind, l.origin, l.gender, l.paradigm), i);
      keyed.emplace_back(pool_key(l.kind, l.origin, l.gender, kAnyParadigm), i);
    }
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t i = 0; i < keyed.size();) {
      std::size_t j = i;
      while (j < keyed.size() && keyed[j].first == keyed[i].first) ++j;
      PoolRun pk{keyed[i].first, static_cast<std::uint32_t>(d.built_pool_members_.size()), 0};
      for (std::size_t k = i; k < j; ++k) d.built_pool_members_.push_back(keyed[k].second);
      pk.end = static_cast<std::uint32_t>(d.built_pool_members_.size());
      d.built_pools_.push_back(pk);
      i = j;
    }
  }

  static std::uint32_t pool_key(Kind k, Origin o, Gender g, Paradigm p) {
    return static_cast<std::uint32_t>(k) << 24 | static_cast<std::uint32_t>(o) << 16 |
           static_cast<std::uint32_t>(g) << 8 | static_cast<std::uint32_t>(p);
  }

  void build_table() {
    // Every form's analysis with its word's hash: sorted by it, the forms
    // of one word stay together, and the table below, whose slots its high
    // bits pick, fills in slot order, not at random (the random writes were
    // half the build, which every run of `dpa anonymize` pays). Within a
    // word, the analyses are in the order of their fields, which `key`
    // packs, kind first.
    struct Entry {
      std::uint64_t hash;
      std::uint64_t key;  // kind, lemma, case, gender, flags; then script
      Analysis analysis;
    };
    std::vector<Entry> entries;
    auto add = [&](std::uint64_t hash, const Analysis& a) {
      entries.push_back({hash,
                         std::uint64_t{static_cast<std::uint8_t>(a.kind)} << 56 | std::uint64_t{a.lemma} << 24 |
                             std::uint64_t{static_cast<std::uint8_t>(a.gcase)} << 16 |
                             std::uint64_t{static_cast<std::uint8_t>(a.gender)} << 8 | a.flags,
                         a});
    };
    const AmbiguityLists& lists = d.ambiguity();
    const Ambiguity amb{lists.spellings, lists.forms};
    std::vector<Form> forms;
    std::size_t form_count = 0;
    for (std::uint32_t id = 0; id < d.lemmas_.size(); ++id) {
      forms.clear();
      generate(d.lemmas_, id, &amb, forms);
      form_count += forms.size();
      for (const auto& f : forms) add(fold_hash(f.text), f.analysis);
    }
    for (std::uint32_t i = 0; i < std::size(kMarkers); ++i) {
      Analysis a;
      a.lemma = i;
      a.kind = Kind::kMarker;
      a.gender = kMarkers[i].g;
      a.gcase = kMarkers[i].c;
      std::string w = kMarkers[i].word;
      a.script = static_cast<unsigned char>(w[0]) < 0x80 ? Script::kLatin
                 : has_kazakh_letters(w)                 ? Script::kKazakh
                                                         : Script::kRussian;
      add(fold_hash(w), a);
    }
    // Intro and honorific cues are found from their longest word.
    for (std::uint32_t i = 0; i < d.cues_.size(); ++i) {
      const Cue& c = d.cues_[i];
      if (c.kind != CueKind::kIntro && c.kind != CueKind::kHonorific && c.kind != CueKind::kAfterIntro &&
          c.kind != CueKind::kBeforeCap)
        continue;
      Analysis a;
      a.lemma = i;
      a.kind = Kind::kCueAnchor;
      add(c.words[c.anchor], a);
    }

    auto same = [](const Entry& a, const Entry& b) {
      return a.hash == b.hash && a.key == b.key && a.analysis.script == b.analysis.script;
    };
    auto less = [](const Entry& a, const Entry& b) {
      if (a.hash != b.hash) return a.hash < b.hash;
      if (a.key != b.key) return a.key < b.key;
      return a.analysis.script < b.analysis.script;
    };
    // A counting sort on the hash's top 16 bits, then each bucket (a few
    // entries) sorted: a third of the comparison sort's cost.
    {
      constexpr int kBucketBits = 16;
      std::vector<std::uint32_t> start((std::size_t{1} << kBucketBits) + 1, 0);
      for (const Entry& e : entries) ++start[(e.hash >> (64 - kBucketBits)) + 1];
      for (std::size_t b = 1; b < start.size(); ++b) start[b] += start[b - 1];
      std::vector<Entry> sorted(entries.size());
      std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
      for (const Entry& e : entries) sorted[fill[e.hash >> (64 - kBucketBits)]++] = e;
      for (std::size_t b = 0; b + 1 < start.size(); ++b) {
        std::sort(sorted.begin() + start[b], sorted.begin() + start[b + 1], less);
      }
      entries.swap(sorted);
    }
    entries.erase(std::unique(entries.begin(), entries.end(), same), entries.end());

    std::size_t distinct = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (i == 0 || entries[i].hash != entries[i - 1].hash) ++distinct;
    }
    std::size_t cap = 1024;
    while (cap < distinct * 2) cap <<= 1;
    auto& filter = d.built_filter_;
    auto& slots = d.built_slots_;
    auto& analyses = d.built_analyses_;
    filter.assign(kFilterWords, 0);
    slots.assign(cap, 0);
    const std::size_t mask = cap - 1;
    const int shift = 64 - std::countr_zero(cap);
    analyses.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size();) {
      std::size_t j = i;
      while (j < entries.size() && entries[j].hash == entries[i].hash) ++j;
      auto offset = static_cast<std::uint32_t>(analyses.size());
      std::size_t count = std::min<std::size_t>(j - i, 255);
      for (std::size_t k = i; k < i + count; ++k) analyses.push_back(entries[k].analysis);
      std::uint64_t h = entries[i].hash;
      filter[(h >> 44) & kFilterMask] |= (std::uint64_t{1} << ((h >> 20) & 63)) | (std::uint64_t{1} << ((h >> 26) & 63));
      std::uint32_t tag = static_cast<std::uint32_t>(h) | 1u;
      std::size_t slot = static_cast<std::size_t>(h >> shift);
      while (slots[slot] != 0) slot = (slot + 1) & mask;
      slots[slot] = static_cast<std::uint64_t>(tag) << 32 | (offset << 8) | static_cast<std::uint32_t>(count);
      i = j;
    }
    NameTable t;
    t.filter = filter;
    t.slots = slots;
    t.analyses = analyses;
    t.form_count = form_count;
    t.distinct_forms = distinct;
    t.pools = d.built_pools_;
    t.pool_members = d.built_pool_members_;
    for (std::size_t o = 0; o < t.fathers.size(); ++o) t.fathers[o] = d.built_fathers_[o];
    t.cues = d.built_cues_;
    t.cue_ids = d.built_cue_ids_;
    t.cues_before_name = d.built_cues_before_name_;
    t.cues_after_name = d.built_cues_after_name_;
    t.roles = d.built_roles_;
    d.set_table(t);
  }

};

Dictionary::Dictionary(const NameTable* compiled) {
  if (compiled) {
    set_table(*compiled);
    lemmas_.reserve(compiled->lemmas.size());
    for (const CompiledLemma& l : compiled->lemmas) lemmas_.push_back(Lemma{l.info, std::string(l.text)});
    return;
  }
  Builder b{*this};
  b.load_cues();
  b.load_given("names/given_kz.txt", Origin::kKazakh);
  b.load_given("names/given_ru.txt", Origin::kRussian);
  b.load_given("names/given_other.txt", Origin::kOther);
  b.load_given("names/given_en.txt", Origin::kEnglish);
  b.load_surnames("names/surnames_ru.txt", Origin::kRussian);
  b.load_surnames("names/surnames_kz.txt", Origin::kKazakh);
  b.load_surnames("names/surnames_en.txt", Origin::kEnglish);
  b.derive_from_given();
  b.freeze();
  b.build_pools();
  b.build_table();
}

void Dictionary::set_table(const NameTable& table) {
  table_ = table;
  index_ = FormIndex(table);
  cues_ = table.cues;
  cue_ids_ = table.cue_ids;
  cues_before_name_ = table.cues_before_name;
  cues_after_name_ = table.cues_after_name;
  small_ = table.roles;
  small_mask_ = table.roles.size() - 1;
}

FormIndex::FormIndex(const NameTable& table)
    : filter_(table.filter.data()),
      slots_(table.slots.data()),
      analyses_(table.analyses.data()),
      mask_(table.slots.size() - 1),
      shift_(64 - std::countr_zero(table.slots.size())) {}

const Dictionary& Dictionary::instance() {
  static const Dictionary* dict = new Dictionary(compiled_name_table());
  return *dict;
}

std::unique_ptr<Dictionary> Dictionary::build_from_data() {
  return std::unique_ptr<Dictionary>(new Dictionary(nullptr));
}

std::vector<Form> Dictionary::forms(std::uint32_t id) const {
  std::vector<Form> out;
  const AmbiguityLists& lists = ambiguity();
  const Ambiguity amb{lists.spellings, lists.forms};
  generate(lemmas_, id, &amb, out);
  return out;
}

std::span<const std::uint32_t> Dictionary::pool(Kind kind, Origin origin, Gender gender, Paradigm paradigm) const {
  auto find = [&](Paradigm p) -> std::span<const std::uint32_t> {
    std::uint32_t key = Builder::pool_key(kind, origin, gender, p);
    auto it = std::lower_bound(table_.pools.begin(), table_.pools.end(), key,
                               [](const PoolRun& pk, std::uint32_t k) { return pk.key < k; });
    if (it == table_.pools.end() || it->key != key) return {};
    return table_.pool_members.subspan(it->begin, it->end - it->begin);
  };
  auto exact = find(paradigm);
  if (exact.size() >= 8) return exact;
  auto wide = find(kAnyParadigm);
  return wide.size() > exact.size() ? wide : exact;
}

std::string_view Dictionary::marker_suffix(std::uint32_t lemma) {
  return lemma < std::size(kMarkers) ? kMarkers[lemma].canonical : "";
}

std::span<const std::uint32_t> Dictionary::fathers(Origin origin) const {
  return table_.fathers[static_cast<std::size_t>(origin)];
}

}  // namespace dpa::anonymize::names

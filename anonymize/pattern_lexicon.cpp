#include "anonymize/pattern_lexicon.h"

#include <charconv>
#include <stdexcept>
#include <string>

#include "anonymize/data_files.h"
#include "anonymize/token.h"

namespace dpa::anonymize {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

struct Line {
  std::string_view word, arg;
};

// Calls `f` with each entry of a data file: one per line, the word and an
// optional argument after whitespace; '#' starts a comment line.
template <class F>
void each_line(std::string_view name, F&& f) {
  auto data = find_data_file(name);
  if (!data) throw std::logic_error("missing data file anonymize/data/" + std::string(name));
  std::string_view rest = *data;
  while (!rest.empty()) {
    std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    std::size_t sp = line.find_first_of(" \t");
    Line l{line.substr(0, sp), sp == std::string_view::npos ? std::string_view() : trim(line.substr(sp))};
    f(l);
  }
}

}  // namespace

const Lexicon& Lexicon::get() {
  static const Lexicon lexicon;
  return lexicon;
}

LexEntry& Lexicon::slot(std::uint64_t key, std::string_view word) {
  for (std::size_t i = static_cast<std::size_t>(key ^ (key >> 29)) & kMask;; i = (i + 1) & kMask) {
    if (slots_[i].key == key) return slots_[i];
    if (slots_[i].key == 0) {
      if (++used_ * 2 > slots_.size()) throw std::logic_error("pattern lexicon: too many words");
      slots_[i].key = key;
      tags_[i] = tag_of(key);
      set_bit(filter_, key);
      words_[i] = word;
      return slots_[i];
    }
  }
}

void Lexicon::load(std::string_view file, std::uint32_t role) {
  each_line(file, [&](const Line& l) {
    LexEntry& e = slot(fold_hash(l.word), l.word);
    std::uint32_t r = role;
    std::string_view a = l.arg;
    if (role == kRoleNumber) {
      if (a == "x100") {
        e.number = NumberWord::kHundredMul;
        e.value = 100;
      } else if (a == "double" || a == "triple") {
        e.number = NumberWord::kRepeat;
        e.value = a == "double" ? 2 : 3;
      } else if (a == "plus") {
        e.number = NumberWord::kPlus;
      } else if (a == "10j") {
        e.number = NumberWord::kTens;
        e.value = 10;
      } else {
        int v = 0;
        std::from_chars(a.data(), a.data() + a.size(), v);
        e.value = static_cast<std::int16_t>(v);
        e.number = v < 10 ? NumberWord::kUnit : v < 20 ? NumberWord::kTeen : v < 100 ? NumberWord::kTens
                                                                          : NumberWord::kHundreds;
      }
    } else if (role == kRoleMonth) {
      int v = 0;
      std::from_chars(a.data(), a.data() + a.size(), v);
      e.value = static_cast<std::int16_t>(v);
    } else if (role == kRoleStreetPrefix) {
      r = a == "suffix"      ? kRoleStreetSuffix
          : a == "inflected" ? kRoleStreetPrefix | kRoleStreetInflected
                             : kRoleStreetPrefix;
    } else if (role == kRoleHouseMark) {
      r = a == "after" ? kRoleHouseMarkAfter : kRoleHouseMark;
    } else if (role == kRoleIdCue) {
      r = a == "passport" ? kRolePassportCue : kRoleIdCue;
    } else if (role == kRolePhoneCue) {
      r = a == "no" ? kRoleNotPhoneCue : kRolePhoneCue;
    } else if (role == kRoleUrlStart) {
      r = a == "social" ? kRoleSocialHost : kRoleUrlStart;
    } else if (role == kRoleEmailAt) {
      r = a == "dot" ? kRoleEmailDot : a == "underscore" ? kRoleEmailUnderscore
                     : a == "hyphen" ? kRoleEmailHyphen : kRoleEmailAt;
    }
    e.roles |= r;
  });
}

Lexicon::Lexicon() : words_(kSlots) {
  load("patterns/number_words.txt", kRoleNumber);
  load("patterns/street_types.txt", kRoleStreetPrefix);
  load("patterns/house_marks.txt", kRoleHouseMark);
  load("patterns/months.txt", kRoleMonth);
  load("patterns/dob_cues.txt", kRoleDobCue);
  load("patterns/id_cues.txt", kRoleIdCue);
  load("patterns/phone_cues.txt", kRolePhoneCue);
  load("patterns/amount_units.txt", kRoleAmountUnit);
  load("patterns/url_words.txt", kRoleUrlStart);
  load("patterns/email_words.txt", kRoleEmailAt);
  load("patterns/tlds.txt", kRoleTld);
  load("patterns/address_stopwords.txt", kRoleAddressStop);
  load("patterns/street_name_tails.txt", kRoleStreetNameTail);
  load("patterns/year_words.txt", kRoleYearWord);
  load("patterns/iin_cues.txt", kRoleIinCue);
  load("patterns/vehicle_cues.txt", kRoleVehicleCue);
  load("patterns/version_cues.txt", kRoleVersionCue);
  for (const LexEntry& e : slots_) {
    if (e.roles & kTriggerRoles) set_bit(trigger_filter_, e.key);
  }
}

}  // namespace dpa::anonymize

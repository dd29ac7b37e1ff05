// The words the pattern recognizers react to, in one hash table keyed by
// Token::fold_hash: number words, street types, house marks, month names,
// cues. Built once from anonymize/data/patterns/*.txt; one probe per word
// token tells every recognizer what the word is.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace dpa::anonymize {

enum LexRole : std::uint32_t {
  kRoleNumber = 1u << 0,          // number word: see LexEntry::number
  kRoleStreetPrefix = 1u << 1,    // улица Абая
  kRoleStreetSuffix = 1u << 2,    // Абай көшесі, Baker Street
  kRoleHouseMark = 1u << 3,       // дом 15, кв. 3
  kRoleHouseMarkAfter = 1u << 4,  // 15 үй, 3 пәтер
  kRoleMonth = 1u << 5,           // see LexEntry::value
  kRoleDobCue = 1u << 6,
  kRoleIdCue = 1u << 7,
  kRolePassportCue = 1u << 8,
  kRolePhoneCue = 1u << 9,
  kRoleNotPhoneCue = 1u << 10,    // order, account, invoice numbers
  kRoleAmountUnit = 1u << 11,     // тенге, KZT
  kRoleUrlStart = 1u << 12,       // http, https, www
  kRoleSocialHost = 1u << 13,     // instagram, t (t.me), wa (wa.me)
  kRoleEmailAt = 1u << 14,        // собака, at
  kRoleEmailDot = 1u << 15,       // точка, dot
  kRoleEmailUnderscore = 1u << 16,
  kRoleEmailHyphen = 1u << 17,
  kRoleTld = 1u << 18,
  kRoleAddressStop = 1u << 19,
  kRoleStreetNameTail = 1u << 20, // би, батыр: a street name's second word
  kRoleYearWord = 1u << 21,       // года, жылғы
  kRoleIinCue = 1u << 22,
  kRoleVehicleCue = 1u << 23,     // госномер, машина, plate
  kRoleVersionCue = 1u << 24,     // версия, нұсқасы, version
  kRoleStreetInflected = 1u << 25,  // улице, проспекте: with kRoleStreetPrefix
};

// The roles that start a scanner in the pattern walk (pattern_recognizers.cpp).
constexpr std::uint32_t kTriggerRoles = kRoleNumber | kRoleUrlStart | kRoleSocialHost | kRoleEmailAt |
                                        kRoleStreetPrefix | kRoleStreetSuffix | kRoleMonth;

enum class NumberWord : std::uint8_t {
  kNone,
  kUnit,        // 0-9
  kTeen,        // 10-19
  kTens,        // 20-90, and Kazakh он (10), which joins a unit: он бір = 11
  kHundreds,    // 100-900 said as one word (семьсот)
  kHundredMul,  // жүз, hundred: "жеті жүз" = 700, alone 100
  kRepeat,      // double, triple: value 2 or 3
  kPlus,        // плюс, plus
};

// 16 bytes, so the whole table stays in the first-level cache.
struct LexEntry {
  std::uint64_t key = 0;
  std::uint32_t roles = 0;
  std::int16_t value = 0;        // number word's value, month number
  NumberWord number = NumberWord::kNone;
};

class Lexicon {
 public:
  // The lexicon of the data files, built on first use. Thread-safe.
  static const Lexicon& get();

  // Most words are in no list: one bit of `filter_` (8 KiB) turns 99 of
  // 100 of them away before the probe.
  const LexEntry* find(std::uint64_t fold_hash) const {
    if (!has_bit(filter_, fold_hash)) return nullptr;
    return probe(fold_hash);
  }
  // find() for the pattern walk, which reacts only to kTriggerRoles: a
  // second filter of just those words turns away the many other lexicon
  // words ("я", "на", "the", "номер") before the probe. May still return an
  // entry without a trigger role.
  const LexEntry* find_trigger(std::uint64_t fold_hash) const {
    if (!has_bit(trigger_filter_, fold_hash)) return nullptr;
    return probe(fold_hash);
  }
  std::uint32_t roles(std::uint64_t fold_hash) const {
    const LexEntry* e = find(fold_hash);
    return e ? e->roles : 0;
  }
  // The folded word of an entry, static (for Finding::context).
  std::string_view word(const LexEntry* e) const {
    return words_[static_cast<std::size_t>(e - slots_.data())];
  }

  Lexicon();

 private:
  static std::uint16_t tag_of(std::uint64_t key) { return static_cast<std::uint16_t>((key >> 48) | 1); }
  // A key's bit: the word from its top ten bits, the bit in it from its
  // low six, which the bit-test instruction takes as they are: two
  // instructions fewer a word than 16 bits from the middle of the key.
  using Filter = std::array<std::uint64_t, 1024>;
  static std::size_t filter_word(std::uint64_t key) { return static_cast<std::size_t>(key >> 54); }
  static bool has_bit(const Filter& filter, std::uint64_t key) {
    return ((filter[filter_word(key)] >> (key & 63)) & 1) != 0;
  }
  static void set_bit(Filter& filter, std::uint64_t key) {
    filter[filter_word(key)] |= std::uint64_t{1} << (key & 63);
  }
  const LexEntry* probe(std::uint64_t fold_hash) const {
    std::uint16_t tag = tag_of(fold_hash);
    for (std::size_t i = static_cast<std::size_t>(fold_hash ^ (fold_hash >> 29)) & kMask;; i = (i + 1) & kMask) {
      std::uint16_t t = tags_[i];
      if (t == 0) return nullptr;
      if (t == tag && slots_[i].key == fold_hash) return &slots_[i];
    }
  }
  LexEntry& slot(std::uint64_t key, std::string_view word);
  void load(std::string_view file, std::uint32_t role);

  // A fixed size (> 2 × the words of the data files), in the object: a
  // probe reads no size nor pointer from memory.
  static constexpr std::size_t kSlots = 2048;
  static constexpr std::size_t kMask = kSlots - 1;

  // In the object, not behind a pointer: a filter is read for every word
  // of every text.
  Filter filter_{};          // every word
  Filter trigger_filter_{};  // the words with one of kTriggerRoles
  std::array<std::uint16_t, kSlots> tags_{};  // 0: empty slot; else tag_of(key)
  std::array<LexEntry, kSlots> slots_{};  // open addressing
  std::vector<std::string_view> words_;  // parallel to slots_
  std::size_t used_ = 0;
};

}  // namespace dpa::anonymize

#include "anonymize/spoken_numbers.h"

#include <bit>
#include <cstring>
#include <vector>

#include "anonymize/pattern_scan.h"
#include "anonymize/phone_numbers.h"
#include "anonymize/validators.h"

namespace dpa::anonymize {
namespace {

constexpr std::size_t kMaxItems = 64;
constexpr std::size_t kMaxDigits = 19;
constexpr std::size_t kMaxParses = 80;

enum class ItemKind : std::uint8_t { kDigits, kUnit, kTeen, kTens, kHundreds, kHundredMul, kRepeat, kPlus };

// Items and chunks live in arrays of kMaxItems on the stack, for every
// number word met; no member initializers, so those arrays cost nothing
// until written.
struct Item {
  ItemKind kind;
  std::int16_t value;
  std::uint32_t tok;
  // kDigits: the token's digits in the text. A pointer and a length, not a
  // string_view: its constructor would zero every item of the array.
  const char* digit_data;
  std::uint32_t digit_count;

  std::string_view digits() const { return {digit_data, digit_count}; }
};

Item digits_item(std::string_view digits, std::size_t tok) {
  return Item{ItemKind::kDigits, 0, static_cast<std::uint32_t>(tok), digits.data(),
              static_cast<std::uint32_t>(digits.size())};
}
Item plus_item(std::size_t tok) { return Item{ItemKind::kPlus, 0, static_cast<std::uint32_t>(tok), nullptr, 0}; }

struct Chunk {
  char d[kMaxDigits + 1];
  std::uint8_t len;
  std::uint16_t first, last;  // items, inclusive
  bool plus;                  // a plus word or sign right before
  bool word;                  // made of at least one word
};

bool is_tens_like(const Item& it) { return it.kind == ItemKind::kTens; }
bool is_digit_unit(const Item& it) { return it.kind == ItemKind::kUnit && it.value > 0; }
// A unit before жүз or hundred is more likely its multiplier than the end
// of the compound before ("жеті жүз бес жүз": 700 5.., less often 705 1..,
// since a bare жүз is 100): joining it is a decision whose default is no.
// One is the exception: 100 is said "жүз", rarely "бір жүз".
bool multiplier_unit(const Item* items, std::size_t n, std::size_t k) {
  return k + 1 < n && items[k + 1].kind == ItemKind::kHundredMul && items[k].value > 1;
}

void put(Chunk& c, int value, int width) {
  char tmp[4];
  for (int k = width - 1; k >= 0; --k) {
    tmp[k] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  for (int k = 0; k < width && c.len < kMaxDigits; ++k) c.d[c.len++] = tmp[k];
}

// Reads items into chunks. Every ambiguous join (a compound that could be
// two numbers) is a decision; bit k of `flips` reverses the k-th decision
// met, which is to join by default. Returns the number of decisions met.
// Item positions where a reading split a compound it would join by default
// (сорок | пять): such a split may only fall where an entity begins or ends.
struct Splits {
  std::uint16_t at[kMaxItems];
  std::size_t count = 0;
};

std::size_t parse(const Item* items, std::size_t n, std::uint64_t flips, Chunk* chunks, std::size_t& count,
                  Splits* splits = nullptr) {
  std::size_t decisions = 0;
  if (splits) splits->count = 0;
  // `at`: the item the decision would join to the compound before it.
  auto decide = [&](bool by_default, std::size_t at) {
    bool flip = ((flips >> (decisions < 63 ? decisions : 63)) & 1u) != 0;
    ++decisions;
    if (flip && by_default && splits && splits->count < kMaxItems) {
      splits->at[splits->count++] = static_cast<std::uint16_t>(at);
    }
    return by_default != flip;
  };
  auto join = [&](std::size_t at) { return decide(true, at); };
  // Whether the unit at k ends the compound before it.
  auto join_unit = [&](std::size_t at) {
    return at < n && is_digit_unit(items[at]) && decide(!multiplier_unit(items, n, at), at);
  };
  count = 0;
  bool plus = false;
  std::size_t k = 0;
  while (k < n) {
    const Item& it = items[k];
    Chunk& c = chunks[count];
    c.len = 0;
    c.first = static_cast<std::uint16_t>(k);
    c.plus = plus;
    c.word = it.kind != ItemKind::kDigits;
    int hundreds = -1;
    switch (it.kind) {
      case ItemKind::kPlus:
        plus = true;
        ++k;
        continue;
      case ItemKind::kDigits:
        for (char ch : it.digits()) {
          if (c.len < kMaxDigits) c.d[c.len++] = ch;
        }
        ++k;
        break;
      case ItemKind::kRepeat: {
        const Item* next = k + 1 < n ? &items[k + 1] : nullptr;
        if (next && (next->kind == ItemKind::kUnit || (next->kind == ItemKind::kDigits && next->digit_count == 1))) {
          int digit = next->kind == ItemKind::kUnit ? next->value : next->digit_data[0] - '0';
          for (int r = 0; r < it.value; ++r) put(c, digit, 1);
          k += 2;
        } else {
          ++k;
          continue;
        }
        break;
      }
      case ItemKind::kUnit:
        if (k + 1 < n && items[k + 1].kind == ItemKind::kHundredMul && it.value > 0) {
          hundreds = it.value * 100;
          k += 2;
        } else {
          put(c, it.value, 1);
          ++k;
        }
        break;
      case ItemKind::kHundreds:
        hundreds = it.value;
        ++k;
        break;
      case ItemKind::kHundredMul:
        hundreds = 100;
        ++k;
        break;
      case ItemKind::kTens:
      case ItemKind::kTeen:
        if (is_tens_like(it) && join_unit(k + 1)) {
          put(c, it.value + items[k + 1].value, 2);
          k += 2;
        } else {
          put(c, it.value, 2);
          ++k;
        }
        break;
    }
    if (hundreds >= 0) {
      int rest = 0;
      if (k < n && is_tens_like(items[k]) && join(k)) {
        rest = items[k].value;
        ++k;
        if (join_unit(k)) {
          rest += items[k].value;
          ++k;
        }
      } else if (k < n && items[k].kind == ItemKind::kTeen && join(k)) {
        rest = items[k].value;
        ++k;
      } else if (join_unit(k)) {
        rest = items[k].value;
        ++k;
      }
      put(c, hundreds + rest, 3);
    }
    c.last = static_cast<std::uint16_t>(k - 1);
    plus = false;
    ++count;
  }
  return decisions;
}

std::size_t max_digits(const Item& it) {
  switch (it.kind) {
    case ItemKind::kDigits: return it.digit_count;
    case ItemKind::kUnit: return 1;
    case ItemKind::kTeen:
    case ItemKind::kTens: return 2;
    case ItemKind::kHundreds:
    case ItemKind::kHundredMul:
    case ItemKind::kRepeat: return 3;
    case ItemKind::kPlus: return 0;
  }
  return 0;
}

struct Hit {
  std::size_t a = 0, b = 0;  // chunks
  EntityType type = EntityType::kPhone;
  float confidence = 0;
  std::string normalized;
  std::string_view recognizer, validator;
  std::size_t digits = 0;
  bool weak = false;  // a phone only the numbering structure vouches for
};

// Phone checks of one run, remembered: the parses of a run share most
// candidates, and libphonenumber is slow.
class PhoneCache {
 public:
  const std::optional<PhoneCheck>& get(std::string_view d, bool plus) {
    for (const auto& e : entries_) {
      if (e.plus == plus && e.digits == d) return e.result;
    }
    entries_.push_back({std::string(d), plus, check_phone(d, plus)});
    return entries_.back().result;
  }
  void clear() { entries_.clear(); }

 private:
  struct Entry {
    std::string digits;
    bool plus;
    std::optional<PhoneCheck> result;
  };
  std::vector<Entry> entries_;
};

bool phone_candidate(std::string_view d, bool plus) {
  if (plus) return (d.size() == 11 && d[0] == '7') || (d.size() >= 8 && d.size() <= 15 && d[0] != '7');
  if (d.size() == 11) return (d[0] == '8' || d[0] == '7') && d[1] >= '3';
  return d.size() == 10 && (d[0] == '7' || d[0] == '9');
}

// Entities in the chunks of one parse, left to right, longest first.
// `order`: the run follows "номер заказа", "тапсырыс нөмірі", "order number":
// it is no phone unless it starts with plus.
void search(const Chunk* chunks, std::size_t count, PhoneCache& phones, bool order, std::vector<Hit>& hits) {
  hits.clear();
  char buf[kMaxDigits + 1];
  // The chunks from `a` on, joined once: the candidate a..b is a prefix of
  // them, `joined[b - a]` digits long, with a word chunk if `worded[b - a]`.
  std::uint8_t joined[kMaxItems];
  bool worded[kMaxItems];
  for (std::size_t a = 0; a < count; ++a) {
    std::size_t total = 0, last = a;
    bool word = false;
    for (std::size_t b = a; b < count && total + chunks[b].len <= kMaxDigits; ++b) {
      std::memcpy(buf + total, chunks[b].d, chunks[b].len);
      total += chunks[b].len;
      word = word || chunks[b].word;
      joined[b - a] = static_cast<std::uint8_t>(total);
      worded[b - a] = word;
      last = b;
    }
    if (total < 10) continue;
    for (std::size_t b = last + 1; b-- > a;) {
      std::size_t len = joined[b - a];
      if (len < 10) break;
      if (!worded[b - a]) continue;
      std::string_view d(buf, len);
      bool plus = chunks[a].plus;
      Hit h;
      if (plus || len <= 11) {
        if (!phone_candidate(d, plus) || (order && !plus)) continue;
        const auto& check = phones.get(d, plus);
        if (!check) continue;
        bool valid = check->validity == PhoneValidity::kValid;
        if (!valid && !(plus || len == 11)) continue;
        h = Hit{a, b, EntityType::kPhone, valid ? 0.9f : 0.7f, check->e164, "phone.spoken",
                valid ? "libphonenumber" : "kz.numbering", len, !valid};
      } else if (len == 12) {
        if (valid_iin(d)) {
          h = Hit{a, b, EntityType::kIin, 0.9f, std::string(d), "iin.spoken", "iin.checksum", len};
        } else if (valid_bin(d)) {
          h = Hit{a, b, EntityType::kBin, 0.85f, std::string(d), "bin.spoken", "bin.checksum", len};
        } else {
          continue;
        }
      } else {
        if (!valid_card(d)) continue;
        h = Hit{a, b, EntityType::kCard, 0.85f, std::string(d), "card.spoken", "luhn", len};
      }
      hits.push_back(std::move(h));
      a = b;
      break;
    }
  }
}

// How much a reading explains: its digits, weighted by how strongly they
// validate (libphonenumber, an IIN's date and check digit and a card's Luhn
// over a BIN's check digit over a phone only the numbering structure
// vouches for), less one for every decision the reading reverses and two
// for every word chunk it leaves unexplained. So "жеті жүз жетпіс алты жүз
// ..." reads 776 1.. (valid) rather than 770 6.. (structure only) or a BIN
// made of the same words split otherwise.
long score(const std::vector<Hit>& hits, int flips, std::size_t unexplained) {
  long s = -flips - 2 * static_cast<long>(unexplained);
  for (const auto& h : hits) {
    long weight = h.weak ? 1 : h.type == EntityType::kBin ? 2 : 3;
    s += static_cast<long>(h.digits) * weight;
  }
  return s;
}

// Word chunks no hit explains.
std::size_t unexplained_words(const Chunk* chunks, std::size_t count, const std::vector<Hit>& hits) {
  std::size_t h = 0, missing = 0;
  for (std::size_t k = 0; k < count; ++k) {
    while (h < hits.size() && hits[h].b < k) ++h;
    bool covered = h < hits.size() && hits[h].a <= k && k <= hits[h].b;
    missing += chunks[k].word && !covered;
  }
  return missing;
}

bool all_validated(const std::vector<Hit>& hits) {
  for (const auto& hit : hits) {
    if (hit.weak) return false;
  }
  return true;
}

// The best reading of the items: the default one, else the one with one or
// two decisions reversed that explains the most digits. Runs longer than a
// card said digit by digit keep the default reading: re-reading them costs
// more than it finds.
constexpr std::size_t kMaxItemsToReread = 24;

void best_reading(const Item* items, std::size_t n, bool order, std::vector<Hit>& best, Chunk* best_chunks,
                  std::size_t& best_count) {
  // Scratch kept from run to run, emptied for each: most runs would
  // otherwise allocate for their phone checks and hits.
  static thread_local std::vector<Chunk> scratch(kMaxItems);
  static thread_local PhoneCache phones;
  static thread_local std::vector<Hit> hits;
  phones.clear();
  std::size_t decisions = parse(items, n, 0, best_chunks, best_count);
  search(best_chunks, best_count, phones, order, best);
  std::size_t best_missing = unexplained_words(best_chunks, best_count, best);
  if ((best_missing == 0 && all_validated(best)) || decisions == 0 || n > kMaxItemsToReread) return;
  long best_score = score(best, 0, best_missing);
  std::size_t parses = 1;
  std::size_t d = decisions < 16 ? decisions : 16;
  auto consider = [&](std::uint64_t flips) {
    std::size_t count = 0;
    Splits splits;
    parse(items, n, flips, scratch.data(), count, &splits);
    search(scratch.data(), count, phones, order, hits);
    // One compound cut inside an entity happens ("девятьсот десять | три
    // один" for 910 31); two make digits out of nothing ("жеті жүз | жиырма
    // | тоғыз ..." turns 729 964 into a phone).
    for (const auto& h : hits) {
      std::size_t inside = 0;
      for (std::size_t k = 0; k < splits.count; ++k) {
        inside += scratch[h.a].first < splits.at[k] && splits.at[k] <= scratch[h.b].last;
      }
      if (inside > 1) {
        ++parses;
        return;
      }
    }
    std::size_t missing = unexplained_words(scratch.data(), count, hits);
    long sc = score(hits, std::popcount(flips), missing);
    if (sc > best_score || (sc == best_score && missing < best_missing)) {
      best_score = sc;
      best_missing = missing;
      best.swap(hits);
      std::memcpy(static_cast<void*>(best_chunks), scratch.data(), sizeof(Chunk) * count);
      best_count = count;
    }
    ++parses;
  };
  for (std::size_t x = 0; x < d && parses < kMaxParses; ++x) consider(std::uint64_t{1} << x);
  for (std::size_t x = 0; x < d && parses < kMaxParses; ++x) {
    for (std::size_t y = x + 1; y < d && parses < kMaxParses; ++y) {
      consider((std::uint64_t{1} << x) | (std::uint64_t{1} << y));
    }
  }
}

Item item_of(const LexEntry& e, std::uint32_t tok) {
  Item it{};
  it.tok = tok;
  it.value = e.value;
  switch (e.number) {
    case NumberWord::kUnit: it.kind = ItemKind::kUnit; break;
    case NumberWord::kTeen: it.kind = ItemKind::kTeen; break;
    case NumberWord::kTens: it.kind = ItemKind::kTens; break;
    case NumberWord::kHundreds: it.kind = ItemKind::kHundreds; break;
    case NumberWord::kHundredMul: it.kind = ItemKind::kHundredMul; break;
    case NumberWord::kRepeat: it.kind = ItemKind::kRepeat; break;
    case NumberWord::kPlus:
    case NumberWord::kNone: it.kind = ItemKind::kPlus; break;
  }
  return it;
}

// A digit token that can be part of a spoken run: not glued to letters, a
// decimal point, a colon or a slash before another number.
bool run_digits(const PatternScan& s, std::size_t k) {
  if (!s.is_number(k) || s.tok[k].letters > kMaxDigits) return false;
  auto glue_ok = [&](std::size_t j, bool after) {
    TokenKind kind = s.kind(j);
    if (kind == TokenKind::kNewline) return true;
    if (kind != TokenKind::kPunct) return false;
    char c = s.punct(j);
    if (c == '-' || c == '(' || c == ')' || c == '+' || c == '!' || c == '?' || c == ';' || c == '"') return true;
    if (c != ',' && c != '.' && c != ':' && c != '/') return false;
    // "70." ends a sentence; "10.5", "10:30", "12/03" are other numbers.
    return after ? !(s.touches(j) && s.is_number(j + 1)) : !(j > 0 && s.tok[j - 1].end == s.tok[j].begin && s.is_number(j - 1));
  };
  if (k > 0 && s.tok[k - 1].end == s.tok[k].begin && !glue_ok(k - 1, false)) return false;
  if (s.touches(k) && !glue_ok(k + 1, true)) return false;
  return true;
}

bool run_separator(const PatternScan& s, std::size_t k) {
  char c = s.punct(k);
  return c == ',' || c == '-' || c == '(' || c == ')';
}

}  // namespace

std::size_t scan_spoken_number(PatternScan& s, std::size_t i) {
  // Digit tokens and a '+' just before the first number word belong to the run.
  std::size_t start = i;
  while (start > 0) {
    std::size_t p = start - 1;
    if (run_digits(s, p)) {
      start = p;
    } else if (s.is_punct(p, '+') && s.tok[p].end == s.tok[start].begin) {
      start = p;
      break;
    } else if (run_separator(s, p) && p > 0 && run_digits(s, p - 1)) {
      start = p - 1;
    } else {
      break;
    }
  }
  Item items[kMaxItems];
  std::size_t n = 0, bound = 0, words = 0;
  std::size_t j = start;
  for (; j < s.n && n < kMaxItems; ++j) {
    if (s.is_number(j)) {
      if (!run_digits(s, j)) break;
      items[n] = digits_item(s.view(j), j);
    } else if (s.is_word(j)) {
      const LexEntry* e = s.lex.find(s.tok[j].fold_hash);
      if (!e || !(e->roles & kRoleNumber)) break;
      items[n] = item_of(*e, static_cast<std::uint32_t>(j));
      ++words;
    } else if (s.is_punct(j, '+')) {
      items[n] = plus_item(j);
    } else if (run_separator(s, j) && (s.is_number(j + 1) || (s.roles(j + 1) & kRoleNumber))) {
      continue;
    } else {
      break;
    }
    bound += max_digits(items[n]);
    ++n;
  }
  if (bound < 10 || words == 0) return j > i ? j : i + 1;

  Chunk chunks[kMaxItems];
  std::size_t count = 0;
  static thread_local std::vector<Hit> hits;  // emptied by best_reading
  bool order = s.find_role_before(start, 3, kRoleNotPhoneCue) < s.n;
  best_reading(items, n, order, hits, chunks, count);
  for (auto& h : hits) {
    const Chunk& ca = chunks[h.a];
    std::size_t first_item = ca.first;
    if (ca.plus && first_item > 0 && items[first_item - 1].kind == ItemKind::kPlus) --first_item;
    std::size_t begin = s.tok[items[first_item].tok].begin;
    std::size_t end = s.tok[items[chunks[h.b].last].tok].end;
    s.emit(begin, end, h.type, h.confidence, std::move(h.normalized), h.recognizer, h.validator);
  }
  return j > i ? j : i + 1;
}

std::optional<std::string> spoken_digits(std::string_view phrase) {
  std::vector<Token> tokens;
  tokenize(phrase, tokens);
  const Lexicon& lex = Lexicon::get();
  Item items[kMaxItems]{};  // not a hot path: zeroed, which keeps GCC's flow analysis quiet
  std::size_t n = 0;
  for (std::size_t k = 0; k < tokens.size() && n < kMaxItems; ++k) {
    const Token& t = tokens[k];
    if (t.kind == TokenKind::kNumber) {
      items[n] = digits_item(t.view(phrase), k);
    } else if (t.kind == TokenKind::kWord) {
      const LexEntry* e = lex.find(t.fold_hash);
      if (!e || !(e->roles & kRoleNumber)) return std::nullopt;
      items[n] = item_of(*e, static_cast<std::uint32_t>(k));
    } else if (t.view(phrase) == "+") {
      items[n] = plus_item(k);
    } else {
      continue;
    }
    ++n;
  }
  Chunk chunks[kMaxItems];
  std::size_t count = 0;
  parse(items, n, 0, chunks, count);
  std::string out;
  if (n > 0 && items[0].kind == ItemKind::kPlus) out += '+';
  for (std::size_t k = 0; k < count; ++k) out.append(chunks[k].d, chunks[k].len);
  return out;
}

}  // namespace dpa::anonymize

#include "anonymize/phone_metadata.h"

#include <dlfcn.h>
#include <phonenumbers/phonenumberutil.h>
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace dpa::anonymize {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// PhoneNumberDesc fields of PhoneMetadata (phonemetadata.proto), in the
// order GetNumberType tries them after the general description.
enum Desc : int {
  kGeneral, kPremiumRate, kTollFree, kSharedCost, kVoip, kPersonalNumber, kPager, kUan, kVoicemail,
  kFixedLine, kMobile, kDescCount,
};
constexpr std::array<std::uint32_t, kDescCount> kDescField = {1, 5, 4, 6, 8, 7, 21, 25, 28, 2, 3};
constexpr std::uint32_t kMetadataField = 1;      // PhoneMetadataCollection.metadata
constexpr std::uint32_t kIdField = 9;            // PhoneMetadata.id
constexpr std::uint32_t kPatternField = 2;       // PhoneNumberDesc.national_number_pattern
constexpr std::uint32_t kPossibleLengthField = 9;

// Protobuf wire format, just enough to walk messages.
class Wire {
 public:
  explicit Wire(std::string_view bytes)
      : p_(reinterpret_cast<const std::uint8_t*>(bytes.data())), end_(p_ + bytes.size()) {}

  // The next field; false at the end or on malformed input (see ok()).
  bool next(std::uint32_t& field, std::uint32_t& type, std::uint64_t& value, std::string_view& bytes) {
    if (p_ == end_) return false;
    std::uint64_t key;
    if (!varint(key)) return fail();
    field = static_cast<std::uint32_t>(key >> 3);
    type = static_cast<std::uint32_t>(key & 7);
    switch (type) {
      case 0: return varint(value) || fail();
      case 1: return skip(8);
      case 5: return skip(4);
      case 2: {
        std::uint64_t len;
        if (!varint(len) || len > static_cast<std::uint64_t>(end_ - p_)) return fail();
        bytes = std::string_view(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(len));
        p_ += len;
        return true;
      }
      default: return fail();
    }
  }
  bool ok() const { return ok_; }

 private:
  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
      std::uint8_t b = *p_++;
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool skip(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) return fail();
    p_ += n;
    return true;
  }
  bool fail() {
    ok_ = false;
    p_ = end_;
    return false;
  }

  const std::uint8_t* p_;
  const std::uint8_t* end_;
  bool ok_ = true;
};

struct DescData {
  bool present = false;
  std::string pattern;
  std::vector<int> lengths;  // possible lengths; empty: any
};

bool read_desc(std::string_view bytes, DescData& d) {
  d.present = true;
  Wire w(bytes);
  std::uint32_t field, type;
  std::uint64_t value;
  std::string_view sub;
  while (w.next(field, type, value, sub)) {
    if (field == kPatternField && type == 2) d.pattern.assign(sub);
    if (field == kPossibleLengthField && type == 0) d.lengths.push_back(static_cast<int>(value));
    if (field == kPossibleLengthField && type == 2) {  // packed
      const auto* p = reinterpret_cast<const std::uint8_t*>(sub.data());
      const auto* end = p + sub.size();
      std::uint64_t v = 0;
      int shift = 0;
      for (; p < end; ++p) {
        v |= static_cast<std::uint64_t>(*p & 0x7F) << shift;
        shift += 7;
        if (!(*p & 0x80)) {
          d.lengths.push_back(static_cast<int>(v));
          v = 0;
          shift = 0;
        }
      }
    }
  }
  return w.ok();
}

// The metadata of region `id` in the collection, or false.
bool read_region(std::string_view collection, std::string_view id, std::array<DescData, kDescCount>& descs) {
  Wire w(collection);
  std::uint32_t field, type;
  std::uint64_t value;
  std::string_view message;
  while (w.next(field, type, value, message)) {
    if (field != kMetadataField || type != 2) continue;
    // The id may come after the descriptions: find it first.
    Wire m(message);
    std::string_view sub, found_id;
    while (m.next(field, type, value, sub)) {
      if (field == kIdField && type == 2) found_id = sub;
    }
    if (!m.ok()) return false;
    if (found_id != id) continue;
    Wire d(message);
    while (d.next(field, type, value, sub)) {
      for (int k = 0; k < kDescCount; ++k) {
        if (field == kDescField[static_cast<std::size_t>(k)] && type == 2 &&
            !read_desc(sub, descs[static_cast<std::size_t>(k)])) {
          return false;
        }
      }
    }
    return d.ok();
  }
  return false;
}

// A nondeterministic automaton over the ten digits, built from the
// patterns of one region (PatternCompiler); the states where desc k's
// pattern has matched carry bit k. Moves are kept in flat lists, sorted by
// state once built.
class DigitNfa {
 public:
  struct Move {
    int from;
    std::uint16_t digits;  // 0: a move that reads nothing
    int to;
  };
  // How far the automaton was built, to go back to.
  struct Mark {
    std::size_t states, moves;
  };

  int add() {
    matched_.push_back(0);
    return static_cast<int>(matched_.size()) - 1;
  }
  // A new state that `from` reaches by reading one of `digits`.
  int read(int from, std::uint16_t digits) {
    const int to = add();
    moves_.push_back({from, digits, to});
    return to;
  }
  void link(int from, int to) { moves_.push_back({from, 0, to}); }
  void set_matched(int state, int desc) { matched_[static_cast<std::size_t>(state)] |= 1u << desc; }
  std::size_t size() const { return matched_.size(); }
  Mark mark() const { return {matched_.size(), moves_.size()}; }
  void undo(Mark m) {
    matched_.resize(m.states);
    moves_.resize(m.moves);
  }

  // Once every pattern is built: the moves grouped by state.
  void finish() {
    std::sort(moves_.begin(), moves_.end(), [](const Move& a, const Move& b) { return a.from < b.from; });
    first_move_.assign(matched_.size() + 1, 0);
    for (const Move& m : moves_) ++first_move_[static_cast<std::size_t>(m.from) + 1];
    for (std::size_t s = 0; s < matched_.size(); ++s) first_move_[s + 1] += first_move_[s];
  }
  std::span<const Move> moves(std::size_t state) const {
    return std::span<const Move>(moves_).subspan(first_move_[state], first_move_[state + 1] - first_move_[state]);
  }
  std::uint32_t matched(std::size_t state) const { return matched_[state]; }

  // A set of states, one bit each.
  using StateSet = std::vector<std::uint64_t>;
  StateSet no_states() const { return StateSet((matched_.size() + 63) / 64); }
  struct StateSetHash {
    std::size_t operator()(const StateSet& set) const {
      std::uint64_t h = 0;
      for (std::uint64_t w : set) h = (h ^ w) * 0x9E3779B97F4A7C15ull;
      return static_cast<std::size_t>(h ^ (h >> 32));
    }
  };

  // For each state, the states it reaches without reading (itself
  // included) that read a digit or end a pattern: the others add nothing to
  // what a set of states does, and left out they make fewer, smaller sets.
  std::vector<StateSet> closures() const {
    StateSet useful = no_states();
    for (std::size_t s = 0; s < matched_.size(); ++s) {
      bool reads = false;
      for (const Move& m : moves(s)) reads = reads || m.digits != 0;
      if (reads || matched_[s] != 0) useful[s / 64] |= std::uint64_t{1} << (s % 64);
    }
    std::vector<StateSet> reach(matched_.size(), no_states());
    StateSet seen = no_states();
    std::vector<std::size_t> stack;
    for (std::size_t from = 0; from < matched_.size(); ++from) {
      std::fill(seen.begin(), seen.end(), 0);
      stack.assign(1, from);
      while (!stack.empty()) {
        const std::size_t s = stack.back();
        stack.pop_back();
        if (seen[s / 64] & (std::uint64_t{1} << (s % 64))) continue;
        seen[s / 64] |= std::uint64_t{1} << (s % 64);
        for (const Move& m : moves(s)) {
          if (m.digits == 0) stack.push_back(static_cast<std::size_t>(m.to));
        }
      }
      for (std::size_t w = 0; w < seen.size(); ++w) reach[from][w] = seen[w] & useful[w];
    }
    return reach;
  }

 private:
  std::vector<std::uint32_t> matched_;  // per state
  std::vector<Move> moves_;
  std::vector<std::size_t> first_move_;  // per state, into moves_ once finished
};

// Compiles a national number pattern of the metadata into a DigitNfa as it
// reads it, without a syntax tree: a repeated atom is read again for each
// copy. The patterns use a small part of regular-expression syntax (digits,
// \d, classes of digits, groups, alternation, repeats); anything else fails,
// and the fast path is then not used.
class PatternCompiler {
 public:
  PatternCompiler(std::string_view pattern, DigitNfa& nfa) : p_(pattern), nfa_(nfa) {}

  // The state the pattern ends in, read from state `from`; -1 on a
  // pattern it cannot compile.
  int compile(int from) {
    const int end = alternation(from);
    return ok_ && at_ == p_.size() ? end : -1;
  }

 private:
  static constexpr std::uint16_t kAnyDigit = 0x3FF;
  static constexpr std::size_t kMaxStates = 100000;  // the metadata's make a few hundred

  int alternation(int from) {
    const int end = concatenation(from);
    if (peek() != '|') return end;
    const int to = nfa_.add();
    nfa_.link(end, to);
    while (ok_ && peek() == '|') {
      ++at_;
      nfa_.link(concatenation(from), to);
    }
    return to;
  }

  int concatenation(int from) {
    while (ok_ && at_ < p_.size() && peek() != '|' && peek() != ')') from = repeat(from);
    return from;
  }

  // An atom and its quantifier, if any: the atom's states are built once
  // to find where it ends, then again for each copy the quantifier asks.
  int repeat(int from) {
    const std::size_t atom_at = at_;
    const DigitNfa::Mark mark = nfa_.mark();
    const int end = atom(from);
    int min = 1, max = 1;
    if (!quantifier(min, max) || !ok_) return end;
    const std::size_t after = at_;
    nfa_.undo(mark);
    auto copy = [&](int start) {
      at_ = atom_at;
      return nfa_.size() > kMaxStates ? fail(start) : atom(start);
    };
    for (int k = 0; k < min; ++k) from = copy(from);
    int to;
    if (max < 0) {
      to = nfa_.add();
      nfa_.link(from, to);
      nfa_.link(copy(to), to);
    } else {
      to = nfa_.add();
      for (int k = min; k < max; ++k) {
        nfa_.link(from, to);
        from = copy(from);
      }
      nfa_.link(from, to);
    }
    if (ok_) at_ = after;
    return to;
  }

  bool quantifier(int& min, int& max) {
    switch (peek()) {
      case '?': min = 0, max = 1; break;
      case '*': min = 0, max = -1; break;
      case '+': min = 1, max = -1; break;
      case '{': {
        ++at_;
        min = max = number();
        if (peek() == ',') {
          ++at_;
          max = peek() == '}' ? -1 : number();
        }
        if (peek() != '}' || (max >= 0 && max < min)) fail(0);
        break;
      }
      default: return false;
    }
    if (ok_) ++at_;
    return true;
  }

  int atom(int from) {
    const char c = take();
    if (c >= '0' && c <= '9') return nfa_.read(from, static_cast<std::uint16_t>(1u << (c - '0')));
    if (c == '\\') return take() == 'd' ? nfa_.read(from, kAnyDigit) : fail(from);
    if (c == '[') {
      const std::uint16_t set = digit_class();
      return ok_ ? nfa_.read(from, set) : from;
    }
    if (c == '(') {
      if (peek() == '?') {  // only (?:, a group that does not capture
        ++at_;
        if (take() != ':') return fail(from);
      }
      const int end = alternation(from);
      return take() == ')' ? end : fail(from);
    }
    return fail(from);
  }

  std::uint16_t digit_class() {
    std::uint16_t set = 0;
    while (ok_ && peek() != ']') {
      char lo = take(), hi = lo;
      if (lo == '\\') {
        if (take() != 'd') fail(0);
        set |= kAnyDigit;
        continue;
      }
      if (peek() == '-') {
        ++at_;
        hi = take();
      }
      if (lo < '0' || hi > '9' || lo > hi) fail(0);
      for (char d = lo; d <= hi && ok_; ++d) set = static_cast<std::uint16_t>(set | 1u << (d - '0'));
    }
    if (take() != ']' || set == 0) fail(0);
    return set;
  }

  int number() {
    int v = 0;
    const std::size_t from = at_;
    while (at_ < p_.size() && p_[at_] >= '0' && p_[at_] <= '9' && v < 1000) v = v * 10 + (p_[at_++] - '0');
    if (at_ == from || v >= 1000) fail(0);
    return v;
  }

  char peek() const { return at_ < p_.size() ? p_[at_] : '\0'; }
  char take() {
    if (at_ < p_.size()) return p_[at_++];
    ok_ = false;
    return '\0';
  }
  int fail(int state) {
    ok_ = false;
    at_ = p_.size();
    return state;
  }

  std::string_view p_;
  DigitNfa& nfa_;
  std::size_t at_ = 0;
  bool ok_ = true;
};

// PhoneNumberUtil::GetNumberTypeHelper's order over the descriptions whose
// pattern and possible lengths `matched` (bit per Desc) says the number
// fits, then whether the type is a person's.
constexpr Plus7Verdict verdict_of(std::uint32_t matched) {
  auto any = [&](std::initializer_list<Desc> ds) {
    for (Desc d : ds) {
      if (matched & (1u << d)) return true;
    }
    return false;
  };
  if (!any({kGeneral})) return Plus7Verdict::kInvalid;
  if (any({kPremiumRate, kTollFree, kSharedCost})) return Plus7Verdict::kNotPersonal;
  if (any({kVoip, kPersonalNumber, kPager})) return Plus7Verdict::kPersonal;
  if (any({kUan})) return Plus7Verdict::kNotPersonal;
  if (any({kVoicemail, kFixedLine, kMobile})) return Plus7Verdict::kPersonal;
  return Plus7Verdict::kInvalid;
}

// verdict_of() of every set of descriptions: judging a number ends in one look-up.
constexpr std::array<Plus7Verdict, 1u << kDescCount> kVerdicts = [] {
  std::array<Plus7Verdict, 1u << kDescCount> v{};
  for (std::uint32_t matched = 0; matched < v.size(); ++matched) v[matched] = verdict_of(matched);
  return v;
}();

// One region's descriptions as a deterministic automaton over the digits,
// built at start-up from the patterns (subset construction over DigitNfa):
// a number is judged with one table step per digit, where a regular-
// expression engine spends over a thousand instructions a call on locking,
// state look-ups and its match set. Each state says which descriptions'
// patterns have matched the digits read so far; the possible lengths are
// checked at the end.
class Region {
 public:
  bool build(const std::array<DescData, kDescCount>& descs) {
    if (descs[kGeneral].pattern.empty()) return false;
    DigitNfa nfa;
    const int root = nfa.add();
    for (int k = 0; k < kDescCount; ++k) {
      const DescData& d = descs[static_cast<std::size_t>(k)];
      if (!d.present || d.pattern.empty()) continue;  // matches nothing, as in libphonenumber
      const int start = nfa.add();
      nfa.link(root, start);
      const int end = PatternCompiler(d.pattern, nfa).compile(start);
      if (end < 0) return false;
      nfa.set_matched(end, k);
      lengths_[static_cast<std::size_t>(k)] = d.lengths;
    }
    nfa.finish();
    using StateSet = DigitNfa::StateSet;
    const std::vector<StateSet> reach = nfa.closures();
    std::unordered_map<StateSet, std::uint16_t, DigitNfa::StateSetHash> ids;
    std::vector<StateSet> sets;
    auto id_of = [&](const StateSet& set) {
      if (auto it = ids.find(set); it != ids.end()) return it->second;
      const auto id = static_cast<std::uint16_t>(sets.size());
      ids.emplace(set, id);
      sets.push_back(set);
      std::uint32_t matched = 0;
      each_state(set, [&](std::size_t s) { matched |= nfa.matched(s); });
      matched_.push_back(static_cast<std::uint16_t>(matched));
      return id;
    };
    id_of(nfa.no_states());  // state 0, the dead state: no pattern can match any more
    id_of(reach[static_cast<std::size_t>(root)]);  // kStart
    std::array<StateSet, 10> to;
    to.fill(nfa.no_states());
    for (std::size_t state = 0; state < sets.size(); ++state) {
      if (sets.size() > kMaxStates) return false;
      for (StateSet& t : to) std::fill(t.begin(), t.end(), 0);
      each_state(sets[state], [&](std::size_t s) {
        for (const DigitNfa::Move& m : nfa.moves(s)) {
          const StateSet& r = reach[static_cast<std::size_t>(m.to)];
          for (std::size_t digit = 0; digit < 10; ++digit) {
            if (!(m.digits & (1u << digit))) continue;
            for (std::size_t w = 0; w < r.size(); ++w) to[digit][w] |= r[w];
          }
        }
      });
      std::array<std::uint16_t, 10> next;
      for (std::size_t digit = 0; digit < 10; ++digit) next[digit] = id_of(to[digit]);
      next_.push_back(next);
    }
    for (std::size_t length = 0; length < by_length_.size(); ++length) by_length_[length] = fit_length(length);
    return true;
  }

  Plus7Verdict judge(std::string_view national) const {
    const auto* next = next_.data();  // a local: the loop's byte reads could alias the member
    std::size_t state = kStart;
    for (char c : national) {
      const unsigned digit = static_cast<unsigned char>(c) - unsigned{'0'};
      if (digit > 9) return Plus7Verdict::kInvalid;  // no pattern reads anything but digits
      state = next[state][digit];
    }
    const std::size_t length = national.size();
    return kVerdicts[matched_[state] & (length < by_length_.size() ? by_length_[length] : fit_length(length))];
  }

 private:
  static constexpr std::size_t kStart = 1;

  template <class F>
  static void each_state(const DigitNfa::StateSet& set, F&& f) {
    for (std::size_t w = 0; w < set.size(); ++w) {
      for (std::uint64_t bits = set[w]; bits; bits &= bits - 1) f(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
    }
  }
  static constexpr std::size_t kMaxStates = 4096;  // a region's metadata makes a few hundred

  // The descriptions a number of `length` digits may belong to (bit per Desc).
  std::uint16_t fit_length(std::size_t length) const {
    std::uint32_t fit = 0;
    for (int k = 0; k < kDescCount; ++k) {
      const auto& lengths = lengths_[static_cast<std::size_t>(k)];
      bool ok = lengths.empty();  // any
      for (int l : lengths) ok = ok || static_cast<std::size_t>(l) == length;
      if (ok) fit |= 1u << k;
    }
    return static_cast<std::uint16_t>(fit);
  }

  std::vector<std::array<std::uint16_t, 10>> next_;  // state × digit → state
  std::vector<std::uint16_t> matched_;               // state → descriptions matched
  std::array<std::vector<int>, kDescCount> lengths_;
  std::array<std::uint16_t, 32> by_length_{};        // fit_length(), precomputed
};

}  // namespace

Plus7Verdict judge_with_libphonenumber(std::string_view national, bool kazakhstan) {
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  number.set_country_code(7);
  std::uint64_t value = 0;
  for (char c : national) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  number.set_national_number(value);
  if (!util->IsValidNumberForRegion(number, kazakhstan ? "KZ" : "RU")) return Plus7Verdict::kInvalid;
  switch (util->GetNumberType(number)) {
    case PhoneNumberUtil::TOLL_FREE:
    case PhoneNumberUtil::PREMIUM_RATE:
    case PhoneNumberUtil::SHARED_COST:
    case PhoneNumberUtil::UAN: return Plus7Verdict::kNotPersonal;
    default: return Plus7Verdict::kPersonal;
  }
}

namespace {

// libphonenumber's compiled-in metadata (a PhoneMetadataCollection), empty
// when the library does not export it.
std::string_view metadata_blob() {
  void* get_sym = dlsym(RTLD_DEFAULT, "_ZN4i18n12phonenumbers12metadata_getEv");
  void* size_sym = dlsym(RTLD_DEFAULT, "_ZN4i18n12phonenumbers13metadata_sizeEv");
  if (!get_sym || !size_sym) return {};
  using Get = const void* (*)();
  using Size = int (*)();
  Get metadata_get;
  Size metadata_size;
  std::memcpy(&metadata_get, &get_sym, sizeof metadata_get);
  std::memcpy(&metadata_size, &size_sym, sizeof metadata_size);
  int n = metadata_size();
  const void* data = metadata_get();
  if (!data || n <= 0) return {};
  return {static_cast<const char*>(data), static_cast<std::size_t>(n)};
}

// FNV-1a over 8-byte words, then the bytes left: every start of `dpa
// anonymize` hashes the 200 KB blob, a byte at a time cost a million
// instructions.
std::uint64_t fingerprint(std::string_view blob) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  std::size_t at = 0;
  for (; at + 8 <= blob.size(); at += 8) {
    std::uint64_t word;
    std::memcpy(&word, blob.data() + at, sizeof word);
    h ^= word;
    h *= 0x100000001b3ull;
  }
  for (; at < blob.size(); ++at) {
    h ^= static_cast<std::uint8_t>(blob[at]);
    h *= 0x100000001b3ull;
  }
  return h;
}

class FastPlus7 final : public Plus7Metadata {
 public:
  // `trust_fingerprint`: skip the check against PhoneNumberUtil for the
  // blob the build verified.
  bool load(bool trust_fingerprint) {
    const std::string_view blob = metadata_blob();
    if (blob.empty()) return false;
    std::array<DescData, kDescCount> kz{}, ru{};
    if (!read_region(blob, "KZ", kz) || !read_region(blob, "RU", ru)) return false;
    if (!kz_.build(kz) || !ru_.build(ru)) return false;
    if (trust_fingerprint && kVerifiedPhoneMetadata != 0 && fingerprint(blob) == kVerifiedPhoneMetadata) return true;
    return agrees_with_libphonenumber();
  }

  Plus7Verdict judge(std::string_view national, bool kazakhstan) const override {
    return (kazakhstan ? kz_ : ru_).judge(national);
  }

 private:
  // Known numbers of every kind, and a few hundred drawn ones.
  bool agrees_with_libphonenumber() const {
    std::vector<std::string> numbers = {"7011234567", "7001234567", "7051234567", "7071234567", "7471234567",
                                        "7711234567", "7771234567", "7781234567", "7031234567", "7091234567",
                                        "7172123456", "7272123456", "7271234567", "7212150681", "7252123456",
                                        "7511234567", "7601234567", "7991234567", "9161234567", "9051234567",
                                        "4951234567", "8121234567", "3512345678", "8001234567", "8041234567",
                                        "8091234567", "9991234567", "3011234567", "4012345678", "7101234567"};
    std::uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int k = 0; k < 300; ++k) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      static constexpr char kLeads[] = "3478977777";
      std::string n(1, kLeads[(x >> 33) % 10]);
      std::uint64_t y = x;
      for (int d = 0; d < 9; ++d) {
        y = y * 6364136223846793005ull + 1442695040888963407ull;
        n += static_cast<char>('0' + (y >> 33) % 10);
      }
      numbers.push_back(n);
    }
    for (const auto& n : numbers) {
      bool kz = n[0] == '7';
      if (judge(n, kz) != judge_with_libphonenumber(n, kz)) return false;
    }
    return true;
  }

  Region kz_, ru_;
};

}  // namespace

const Plus7Metadata* Plus7Metadata::get() {
  static const FastPlus7* instance = [] {
    auto* fast = new FastPlus7();
    if (fast->load(/*trust_fingerprint=*/true)) return fast;
    delete fast;
    return static_cast<FastPlus7*>(nullptr);
  }();
  return instance;
}

std::uint64_t phone_metadata_fingerprint() {
  const std::string_view blob = metadata_blob();
  return blob.empty() ? 0 : fingerprint(blob);
}

std::uint64_t verify_plus7_metadata() {
  FastPlus7 fast;
  if (!fast.load(/*trust_fingerprint=*/false)) return 0;
  return phone_metadata_fingerprint();
}

}  // namespace dpa::anonymize

// The tokenizer: one pass over the bytes, driven by a 256-entry byte-class
// table. ASCII letters fold through a second table; two-byte sequences (the
// whole of Latin-1, Latin Extended and Cyrillic, Kazakh included) decode to
// a code point and fold through a per-code-point table built at compile
// time. The fold hash mixes the folded bytes eight at a time (a wyhash-style
// multiply). Most words of a transcript are lower case already: the scan
// only notes that, and the hash reads the word straight from the text; a
// capitalized word is read from the text too, its first letter's bytes
// swapped in the register; a word with other capitals, ё or other letters
// that fold is folded into a small buffer first. fold_hash() folds and
// hashes the same way.
//
// The common paths read 16 bytes at a time, past the token they look at
// (kSlack bytes from its first byte). The scan runs on the text itself
// while that many bytes follow, and on a zero-padded copy of the last few
// bytes: no length check on the common paths, and a text's end takes the
// same paths as its middle.
#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <emmintrin.h>

#include "anonymize/token.h"

namespace dpa::anonymize {
namespace {

__extension__ typedef unsigned __int128 Uint128;

constexpr std::uint64_t kSeed = 0x243f6a8885a308d3ull;
constexpr std::uint64_t kP0 = 0xa0761d6478bd642full;
constexpr std::uint64_t kP1 = 0xe7037ed1a0b428dbull;
constexpr std::uint64_t kP2 = 0x8ebc6af09c88c6e3ull;

inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  Uint128 r = static_cast<Uint128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

// The hash of a folded word: 8-byte little-endian blocks, then the zero-
// padded tail and the length. A word that needs no folding (the common,
// lower-case case) is hashed straight from the text.
// The last `len` (< 8) bytes of a word as a little-endian word, zero-padded.
// With 8 readable bytes at `p` (`readable_end` tells) one load and a mask,
// not a variable-length memcpy, which cost a fifth of the tokenizer.
inline std::uint64_t tail_word(const char* p, std::size_t len, const char* readable_end) {
  if constexpr (std::endian::native == std::endian::little) {
    if (readable_end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      return w & ((std::uint64_t{1} << (8 * len)) - 1);  // len < 8: no shift by 64
    }
  }
  std::uint64_t acc = 0;
  for (std::size_t k = 0; k < len; ++k) acc |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(p[k])) << (8 * k);
  return acc;
}

// `first_patch` is XOR-ed into the first 8-byte word (the tail of a shorter
// word): a capitalized word is hashed from the text with its first letter's
// bytes swapped for the lower-case ones in the register, not copied and
// folded into a buffer. It must touch only bytes inside the word.
inline std::uint64_t hash_bytes(const char* p, std::size_t len, const char* readable_end,
                                std::uint64_t first_patch = 0) {
  std::uint64_t h = kSeed;
  std::size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    std::uint64_t w = 0;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(&w, p + i, 8);
    } else {
      w = tail_word(p + i, 8, p + i);  // byte order independent of the machine
    }
    h = mix(w ^ first_patch ^ kP0, h ^ kP1);
    first_patch = 0;
  }
  std::uint64_t acc = tail_word(p + i, len - i, readable_end) ^ first_patch;
  return mix(h ^ acc ^ kP2, len ^ kP0) ^ len;
}

// A load at 16 - n keeps the first n (<= 16) bytes of a register.
constexpr std::array<std::uint8_t, 32> kFirstBytesMask = [] {
  std::array<std::uint8_t, 32> m{};
  for (std::size_t k = 0; k < 16; ++k) m[k] = 0xFF;
  return m;
}();

inline std::uint64_t low_lane(__m128i v) { return static_cast<std::uint64_t>(_mm_cvtsi128_si64(v)); }
inline std::uint64_t high_lane(__m128i v) { return low_lane(_mm_unpackhi_epi64(v, v)); }

// The last `rest` (< 16) bytes of a word of `len`, in `v` (more past them),
// hashed on from `h`.
inline std::uint64_t hash_tail(std::uint64_t h, __m128i v, std::size_t rest, std::size_t len,
                               std::uint64_t first_patch) {
  v = _mm_and_si128(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kFirstBytesMask.data() + 16 - rest)));
  // (The patch touches only bytes of the word: no need to mask it.)
  std::uint64_t tail = low_lane(v) ^ first_patch;
  // A full 8-byte word and the tail, or the tail alone.
  if (rest >= 8) {
    h = mix(tail ^ kP0, h ^ kP1);
    tail = high_lane(v);
  }
  return mix(h ^ tail ^ kP2, len ^ kP0) ^ len;
}

// The hash of the `len` bytes of a word at `p`: hash_bytes(), but a word of
// under 32 bytes (nearly all) from two 16-byte registers, with no loop and
// no tail load. Needs kSlack readable bytes at `p` (see tokenize_text; the
// bytes past the word are masked off), and the text readable up to
// `readable_end`.
constexpr std::size_t kSlack = 64;
inline std::uint64_t hash_word(const char* p, std::size_t len, const char* readable_end,
                               std::uint64_t first_patch = 0) {
  static_assert(std::endian::native == std::endian::little);  // SSE2: x86
  static_assert(kSlack >= 32);
  const auto block = [p](std::size_t at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at)); };
  if (len < 16) [[likely]] return hash_tail(kSeed, block(0), len, len, first_patch);
  if (len < 32) {
    const __m128i v = block(0);
    std::uint64_t h = mix(low_lane(v) ^ first_patch ^ kP0, kSeed ^ kP1);
    h = mix(high_lane(v) ^ kP0, h ^ kP1);
    return hash_tail(h, block(16), len - 16, len, 0);
  }
  return hash_bytes(p, len, readable_end, first_patch);
}

// Byte classes.
enum ByteClass : std::uint8_t {
  kGapByte,      // space, tab, CR, VT, FF
  kNewlineByte,  // '\n'
  kDigitByte,
  kLetterByte,   // ASCII letter
  kPunctByte,    // other ASCII
  kLead2Byte,    // lead of a two-byte sequence that may be a letter (0xC3..0xDF)
  kLead3Byte,
  kLead4Byte,
  kStrayByte,    // continuation byte or invalid lead: one punct token
  kSymbol2Byte,  // 0xC2, lead of U+0080..U+00BF: NBSP, «, », °, never a letter
};

struct ByteTables {
  std::array<std::uint8_t, 256> cls{};
  // Bytes that end a word after a letter when seen where the block path
  // stops: ASCII that is not a letter (a letter, a lead byte or a mark may
  // go on with the word: read_word and read_any_word decide). Next to cls:
  // the scan loop reaches both from one address.
  std::array<bool, 256> ends_word{};
  std::array<std::uint8_t, 256> fold{};  // ASCII letters: folded byte; else 0
};

constexpr ByteTables make_byte_tables() {
  ByteTables t{};
  for (int b = 0; b < 256; ++b) {
    std::uint8_t c = kStrayByte;
    if (b < 0x80) c = kPunctByte;
    if (b == ' ' || b == '\t' || b == '\r' || b == '\v' || b == '\f') c = kGapByte;
    if (b == '\n') c = kNewlineByte;
    if (b >= '0' && b <= '9') c = kDigitByte;
    if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')) c = kLetterByte;
    if (b >= 0xC3 && b <= 0xDF) c = kLead2Byte;
    if (b == 0xC2) c = kSymbol2Byte;
    if (b >= 0xE0 && b <= 0xEF) c = kLead3Byte;
    if (b >= 0xF0 && b <= 0xF4) c = kLead4Byte;
    t.cls[static_cast<std::size_t>(b)] = c;
    t.ends_word[static_cast<std::size_t>(b)] = b < 0x80 && c != kLetterByte;
    if (b >= 'a' && b <= 'z') t.fold[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(b);
    if (b >= 'A' && b <= 'Z') t.fold[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(b + 32);
  }
  return t;
}

constexpr ByteTables kBytes = make_byte_tables();

// The scan loop relies on it (no range check before its jump table).
constexpr bool byte_classes_in_range() {
  for (std::uint8_t c : kBytes.cls) {
    if (c > kSymbol2Byte) return false;
  }
  return true;
}
static_assert(byte_classes_in_range());

// Code points U+0080..U+07FF (every two-byte sequence).
// The script bits are TokenFlags' own, so a word's flags are an OR away.
enum CodePointFlags : std::uint8_t {
  kCpUpper = 1 << 0,
  kCpRefold = 1 << 1,   // folds to another code point (capitals, ё)
  kCpCyrillic = kCyrillic,
  kCpLatin = kLatin,
  kCpLetter = 1 << 4,
  kCpMark = 1 << 5,     // combining mark: continues a word
  kCpGap = 1 << 6,      // NBSP
};
static_assert(kCyrillic == 1 << 2 && kLatin == 1 << 3);

constexpr std::uint32_t kTwoByteEnd = 0x800;

struct CodePointTables {
  std::array<std::uint16_t, kTwoByteEnd> fold{};
  std::array<std::uint8_t, kTwoByteEnd> flags{};
};

constexpr CodePointTables make_cp_tables() {
  CodePointTables t{};
  for (std::uint32_t cp = 0; cp < kTwoByteEnd; ++cp) {
    std::uint32_t f = cp;
    std::uint8_t fl = 0;
    if (cp == 0xA0) fl = kCpGap;
    if (cp >= 0xC0 && cp <= 0xFF && cp != 0xD7 && cp != 0xF7) {  // Latin-1 letters
      fl = kCpLetter | kCpLatin;
      if (cp <= 0xDE) f = cp + 0x20;
    } else if (cp >= 0x100 && cp <= 0x17F) {  // Latin Extended-A
      fl = kCpLetter | kCpLatin;
      if (cp == 0x130) f = 'i';
      else if (cp == 0x178) f = 0xFF;
      else if ((cp <= 0x137 || (cp >= 0x14A && cp <= 0x177)) && cp % 2 == 0) f = cp + 1;
      else if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) && cp % 2 == 1) f = cp + 1;
    } else if (cp >= 0x180 && cp <= 0x24F) {  // Latin Extended-B (Kazakh Latin ǵ)
      fl = kCpLetter | kCpLatin;
      if (cp == 0x1F4) f = 0x1F5;
    } else if (cp >= 0x300 && cp <= 0x36F) {
      fl = kCpMark;
    } else if (cp >= 0x400 && cp <= 0x52F) {  // Cyrillic and its supplement
      fl = kCpLetter | kCpCyrillic;
      if (cp >= 0x483 && cp <= 0x489) fl = kCpMark;
      if (cp == 0x482) fl = 0;  // ҂ thousands sign
      if (cp <= 0x40F) f = cp + 0x50;
      else if (cp <= 0x42F) f = cp + 0x20;
      else if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) ||
               (cp >= 0x4D0 && cp <= 0x52F)) {
        if (cp % 2 == 0) f = cp + 1;
      } else if (cp == 0x4C0) {
        f = 0x4CF;
      } else if (cp >= 0x4C1 && cp <= 0x4CE && cp % 2 == 1) {
        f = cp + 1;
      }
      if (f == 0x451) f = 0x435;  // ё → е (Ё too, through ё)
    }
    if ((fl & kCpLetter) && f != cp && cp != 0x451) fl |= kCpUpper;
    if ((fl & kCpLetter) && f != cp) fl |= kCpRefold;
    t.fold[cp] = static_cast<std::uint16_t>(f);
    t.flags[cp] = fl;
  }
  return t;
}

constexpr CodePointTables kCp = make_cp_tables();

// fold() and fold_hash() rely on this: a two-byte letter folds to a letter
// of at most two bytes, so folding never lengthens a word.
constexpr bool folds_within_two_bytes() {
  for (std::uint32_t cp = 0; cp < kTwoByteEnd; ++cp) {
    if (kCp.fold[cp] >= kTwoByteEnd) return false;
  }
  return true;
}
static_assert(folds_within_two_bytes());

inline std::uint8_t at(std::string_view s, std::size_t i) { return static_cast<std::uint8_t>(s[i]); }

// Decodes the two-byte sequence at s[i] (caller checked the lead byte);
// returns U+FFFF when the continuation byte is missing or wrong.
inline std::uint32_t decode2(std::string_view s, std::size_t i) {
  if (i + 1 >= s.size()) return 0xFFFF;
  std::uint8_t c1 = at(s, i + 1);
  if ((c1 & 0xC0) != 0x80) return 0xFFFF;
  return (static_cast<std::uint32_t>(at(s, i) & 0x1F) << 6) | (c1 & 0x3F);
}

inline std::uint32_t decode3(std::string_view s, std::size_t i) {
  if (i + 2 >= s.size()) return 0xFFFFFFFF;
  return (static_cast<std::uint32_t>(at(s, i) & 0x0F) << 12) |
         (static_cast<std::uint32_t>(at(s, i + 1) & 0x3F) << 6) | (at(s, i + 2) & 0x3F);
}

// Whitespace beyond ASCII that separates tokens like a space does.
inline bool is_wide_gap(std::uint32_t cp) {
  return (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F || cp == 0x2060 ||
         cp == 0x3000 || cp == 0xFEFF || cp == 0x1680;
}

inline std::size_t sequence_length(std::uint8_t cls) {
  switch (cls) {
    case kLead2Byte:
    case kSymbol2Byte: return 2;
    case kLead3Byte: return 3;
    case kLead4Byte: return 4;
    default: return 1;
  }
}

// ASCII bytes: the CodePointFlags of a letter, 0 for anything else.
constexpr std::array<std::uint8_t, 256> make_ascii_info() {
  std::array<std::uint8_t, 256> t{};
  for (int b = 'a'; b <= 'z'; ++b) t[static_cast<std::size_t>(b)] = kCpLetter | kCpLatin;
  for (int b = 'A'; b <= 'Z'; ++b) t[static_cast<std::size_t>(b)] = kCpLetter | kCpLatin | kCpUpper | kCpRefold;
  return t;
}
constexpr std::array<std::uint8_t, 256> kAsciiInfo = make_ascii_info();

// The trailing ones of a 16-bit mask (16 when all are set). The bits above
// are clear, so its complement is never 0: a single instruction, without
// the branch std::countr_one takes for an all-ones word.
inline unsigned trailing_ones16(unsigned mask) { return static_cast<unsigned>(__builtin_ctz(~mask)); }

// How many of the 16 bytes at `p` are ASCII digits before the first that
// is not (16: all are).
inline unsigned digit_run(const char* p) {
  const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i shifted = _mm_add_epi8(c, _mm_set1_epi8(static_cast<char>(0x80 - '0')));
  const __m128i digits = _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(-128 + 10)));
  return trailing_ones16(static_cast<unsigned>(_mm_movemask_epi8(digits)));
}

template <class Sink>
void fold_bytes(std::string_view s, Sink&& sink);

// The common stretch of a word, 16 bytes at a time: lower-case ASCII
// letters and lower-case Russian letters а..я (U+0430-U+044F: 0xD0 0xB0-0xBF
// and 0xD1 0x80-0x8F), which fold to themselves and are neither capitals
// nor marks. Returns how many bytes from `p` are such letters (whole code
// points only), up to 16, with the ASCII letters and the Cyrillic ones
// counted apart (a lead in the last byte is left for the caller, whose
// continuation is in the next block); the caller goes on from there. Needs
// 17 readable bytes at `p`: a lead byte's continuation is read one ahead.
struct PlainRun {
  unsigned bytes = 0;
  unsigned letters = 0;   // code points in the run
  std::uint8_t scripts = 0;  // kLatin, kCyrillic: the scripts it has
};

// Bits set in a 16-bit mask. With kPopcnt (code built for CPUs with the
// POPCNT instruction, see tokenize()) one instruction; else in registers:
// std::popcount is a call into libgcc on the baseline x86-64 this is built
// for, and cost more than the rest of the block.
template <bool kPopcnt>
inline unsigned popcount16(unsigned x) {
  if constexpr (kPopcnt) return static_cast<unsigned>(__builtin_popcount(x));
  x = x - ((x >> 1) & 0x5555u);
  x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
  x = (x + (x >> 4)) & 0x0F0Fu;
  return (x + (x >> 8)) & 0x1Fu;
}

template <bool kPopcnt>
inline PlainRun plain_letters(const char* p) {
  const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
  // c - 'a' < 26, as a signed comparison after moving 'a' to -128.
  const __m128i shifted = _mm_add_epi8(c, _mm_set1_epi8(static_cast<char>(0x80 - 'a')));
  const __m128i ascii = _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(-128 + 26)));
  const __m128i high = _mm_and_si128(next, _mm_set1_epi8(static_cast<char>(0xF0)));
  const __m128i d0 = _mm_and_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8(static_cast<char>(0xD0))),
                                   _mm_cmpeq_epi8(high, _mm_set1_epi8(static_cast<char>(0xB0))));
  const __m128i d1 = _mm_and_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8(static_cast<char>(0xD1))),
                                   _mm_cmpeq_epi8(high, _mm_set1_epi8(static_cast<char>(0x80))));
  const auto ascii_bits = static_cast<unsigned>(_mm_movemask_epi8(ascii));
  // A lead in the last byte has its continuation in the next block: the
  // run stops before it.
  const auto lead_bits = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(d0, d1))) & 0x7FFFu;
  // A continuation byte is in the run when its lead is; lead and
  // continuation bytes are never ASCII, so the bits cannot collide.
  const unsigned ok = ascii_bits | lead_bits | (lead_bits << 1);
  const auto run = trailing_ones16(ok);
  const unsigned in_run = (1u << run) - 1u;
  // Every letter is one byte or a lead and its continuation: the Cyrillic
  // ones are the leads, the rest are ASCII.
  const unsigned cyrillic = popcount16<kPopcnt>(lead_bits & in_run);
  const unsigned letters = run - cyrillic;
  const auto scripts = static_cast<std::uint8_t>((unsigned{letters != cyrillic} * 2 + unsigned{cyrillic != 0}) << 2);
  static_assert(kLatin == 1 << 3 && kCyrillic == 1 << 2);
  return {run, letters, scripts};
}


// What XOR-ed into the first bytes of a word turns its capital first
// letter (c, and c1 after a two-byte lead) into the lower-case one, for
// hash_bytes: A..Z, and two-byte letters that fold to two-byte ones; 0
// when the letter changes length (İ folds to i).
constexpr std::uint32_t capital_patch(std::uint8_t c, std::uint8_t c1) {
  if (c < 0x80) return 0x20;  // A..Z → a..z
  const std::uint32_t f = kCp.fold[(static_cast<std::uint32_t>(c & 0x1F) << 6) | (c1 & 0x3F)];
  if (f < 0x80) return 0;
  return (c ^ (0xC0 | (f >> 6))) | ((c1 ^ (0x80 | (f & 0x3F))) << 8);
}

// The patch of А..Я, as read_word computes it without the table: А..П
// (0xD0 0x90..0x9F) fold to а..п (0xD0 0xB0..0xBF), Р..Я (0xD0 0xA0..0xAF)
// to р..я (0xD1 0x80..0x8F).
constexpr std::uint32_t russian_capital_patch(std::uint8_t c1) { return 0x2000u | (c1 >= 0xA0); }
constexpr bool russian_capital_patch_is_capital_patch() {
  for (unsigned c1 = 0x90; c1 <= 0xAF; ++c1) {
    if (russian_capital_patch(static_cast<std::uint8_t>(c1)) != capital_patch(0xD0, static_cast<std::uint8_t>(c1))) {
      return false;
    }
  }
  return true;
}
static_assert(russian_capital_patch_is_capital_patch());

// The script (kCyrillic or kLatin) of the two-byte letter c, c1 when it is
// lower case and folds to itself (а..я, Kazakh ә, қ, і, ..., é, ß); 0 for
// any other byte pair.
inline std::uint8_t plain_two_byte(std::uint8_t c, std::uint8_t c1) {
  if (static_cast<std::uint8_t>(c - 0xC2) > 0xDF - 0xC2 || (c1 & 0xC0) != 0x80) return 0;
  const std::uint8_t fl = kCp.flags[(static_cast<std::uint32_t>(c & 0x1F) << 6) | (c1 & 0x3F)];
  if ((fl & (kCpLetter | kCpRefold | kCpMark)) != kCpLetter) return 0;
  return fl & (kCyrillic | kLatin);
}

// The words read_word does not finish: capitals past the first letter, ё,
// capital and other letters that fold, marks, long words; and two-byte
// sequences that are not letters. Out of line: one word in fifty comes
// here, and inlined its state crowded the scan loop's own out of registers.
// Starts over from the word's first block.
template <bool kPopcnt>
inline __attribute__((always_inline)) std::size_t read_any_word(std::string_view s, std::size_t i, Token& tok) {
  const char* p = s.data();
  const std::size_t n = s.size();
  PlainRun run = plain_letters<kPopcnt>(p + i);
  const auto c = static_cast<std::uint8_t>(p[i]);
  const auto c1 = static_cast<std::uint8_t>(p[i + 1]);
  std::uint8_t first = kCpLetter;  // its CodePointFlags
  if (!run.bytes) {
    first = kAsciiInfo[c];
    if (!first) {
      const std::uint32_t cp = decode2(s, i);
      first = cp < kTwoByteEnd ? kCp.flags[cp] : 0;
      if (!(first & kCpLetter)) {  // a punctuation token (no gap starts with 0xC3..0xDF)
        const std::size_t end = cp < kTwoByteEnd ? i + 2 : i + 1;
        tok.end = static_cast<std::uint32_t>(end);
        return end;
      }
    }
  }
  std::uint32_t letters = run.letters, upper = 0, refolds = 0;
  std::uint8_t info = run.scripts;  // CodePointFlags of every letter, OR-ed (kCpLatin is kLatin, and so on)
  std::size_t j = i + run.bytes;
  // Blocks while they are full, a letter byte by byte where one stops short
  // (a capital, a mark, a pair cut by the block's end), until a byte that
  // is not a letter. After a capital the next letter is most likely one
  // too (ИИН, IBAN): byte by byte again, not a block that would stop at once.
  bool block = run.bytes == 16;
  while (j < n) {
    if (block && n - j >= 17) {
      run = plain_letters<kPopcnt>(p + j);
      info |= run.scripts;
      letters += run.letters;
      j += run.bytes;
      block = run.bytes == 16;
      continue;
    }
    std::uint8_t b = static_cast<std::uint8_t>(p[j]);
    std::uint8_t a = kAsciiInfo[b];
    if (a) {
      block = !(a & kCpUpper);
      info |= a;
      upper += a & kCpUpper;
      refolds += (a & kCpRefold) >> 1;
      ++letters;
      ++j;
      continue;
    }
    if (static_cast<std::uint8_t>(b - 0xC2) > 0xDF - 0xC2 || j + 1 >= n) break;
    std::uint8_t b1 = static_cast<std::uint8_t>(p[j + 1]);
    if ((b1 & 0xC0) != 0x80) break;
    std::uint8_t fl = kCp.flags[(static_cast<std::uint32_t>(b & 0x1F) << 6) | (b1 & 0x3F)];
    if (!(fl & (kCpLetter | kCpMark))) break;
    block = !(fl & kCpUpper);
    info |= fl;
    upper += fl & kCpUpper;
    refolds += (fl & kCpRefold) >> 1;
    ++letters;
    j += 2;
  }
  std::uint8_t flags = info & (kCyrillic | kLatin);
  if (first & kCpUpper) flags |= kCapitalized;
  if (letters > 1 && upper == letters) flags |= kAllCaps;
  tok.kind = TokenKind::kWord;
  tok.flags = flags;
  tok.letters = static_cast<std::uint16_t>(letters > 0xFFFF ? 0xFFFF : letters);
  tok.end = static_cast<std::uint32_t>(j);
  if (!(info & kCpRefold)) {
    tok.fold_hash = hash_word(p + i, j - i, p + n);
    return j;
  }
  if (refolds == 1 && (first & kCpRefold)) {
    // A capitalized word, the usual case: only the first letter changes.
    // When it keeps its length (A..Z, and two-byte letters that fold to
    // two-byte ones: not İ), the word is hashed from the text with the
    // letter's bytes patched in the first 8-byte word.
    // (p[i + 1] is in the word when the capital has two bytes.)
    const std::uint32_t patch = capital_patch(c, c1);
    if (patch) {
      tok.fold_hash = hash_word(p + i, j - i, p + n, patch);
      return j;
    }
  }
  // Other words with letters that fold are folded into a buffer first.
  char local[256 + 8];
  std::string heap;
  char* buf = local;
  std::size_t capacity = sizeof local;
  if (j - i + 8 > capacity) {
    heap.resize(j - i + 8);
    buf = heap.data();
    capacity = heap.size();
  }
  std::size_t len = 0;
  fold_bytes(s.substr(i, j - i), [&](std::uint8_t b) { buf[len++] = static_cast<char>(b); });
  tok.fold_hash = hash_bytes(buf, len, buf + capacity);
  return j;
}

// One copy for each kind of CPU (see tokenize()).
__attribute__((noinline)) std::size_t read_other_word_plain(std::string_view s, std::size_t i, Token& tok) {
  return read_any_word<false>(s, i, tok);
}
__attribute__((noinline, target("popcnt"))) std::size_t read_other_word_popcnt(std::string_view s, std::size_t i,
                                                                               Token& tok) {
  return read_any_word<true>(s, i, tok);
}

template <bool kPopcnt>
inline std::size_t read_other_word(std::string_view s, std::size_t i, Token& tok) {
  if constexpr (kPopcnt) {
    return read_other_word_popcnt(s, i, tok);
  } else {
    return read_other_word_plain(s, i, tok);
  }
}

// Reads the word starting at `i` (an ASCII letter or a lead byte 0xC3..0xDF)
// of `s`, with kSlack readable bytes at s.data() + i; sets its fields and
// end. Returns where the scan goes on: past the space that usually follows
// the word. A two-byte sequence there that is not a letter is a
// punctuation token (the slot's default fields) and a byte that does not
// start a valid sequence is one too.
//
// The usual word is lower case (its first letter may be қ or ә), or a
// capital A..Z or А..Я and then lower case: blocks of plain letters
// (plain_letters), and between them the
// lower-case two-byte letters the blocks do not take but that fold to
// themselves too (Kazakh ә, қ, і, ...; é, ü), until an ASCII byte that is
// not a letter. Neither all-caps nor folded: hashed from the text, a
// capital's bytes patched in the register. Other words, and words that
// would run past the slack, go to read_other_word.
template <bool kPopcnt>
inline __attribute__((always_inline)) std::size_t read_word(std::string_view s, std::size_t i, Token& tok) {
  const char* p = s.data();
  const std::size_t n = s.size();
  PlainRun run = plain_letters<kPopcnt>(p + i);
  std::size_t j = i;
  unsigned letters = 0;
  std::uint8_t flags = 0;
  std::uint64_t patch = 0;
  if (!run.bytes) {
    const auto c = static_cast<std::uint8_t>(p[i]);
    const auto c1 = static_cast<std::uint8_t>(p[i + 1]);
    if (static_cast<unsigned>(c - 'A') < 26u) {
      j = i + 1;
      flags = kCapitalized | kLatin;
      patch = 0x20;  // capital_patch() of A..Z
    } else if (c == 0xD0 && static_cast<unsigned>(c1 - 0x90) < 0x20u) {
      j = i + 2;
      flags = kCapitalized | kCyrillic;
      patch = russian_capital_patch(c1);
    } else if (const std::uint8_t script = plain_two_byte(c, c1)) {  // қ, ә, ...
      j = i + 2;
      flags = script;
    } else {
      return read_other_word<kPopcnt>(s, i, tok);
    }
    letters = 1;
    run = plain_letters<kPopcnt>(p + j);
  }
  for (;;) {
    j += run.bytes;
    letters += run.letters;
    flags |= run.scripts;
    const auto stop = static_cast<std::uint8_t>(p[j]);
    if (kBytes.ends_word[stop]) [[likely]] break;
    if (run.bytes < 16) {
      // A two-byte lower-case letter that folds to itself goes on with the word.
      const std::uint8_t script = plain_two_byte(stop, static_cast<std::uint8_t>(p[j + 1]));
      if (!script) return read_other_word<kPopcnt>(s, i, tok);
      j += 2;
      ++letters;
      flags |= script;
    }
    // The next block must be within the slack.
    if (j - i > kSlack - 17) return read_other_word<kPopcnt>(s, i, tok);
    run = plain_letters<kPopcnt>(p + j);
  }
  tok.kind = TokenKind::kWord;
  tok.flags = flags;
  tok.letters = static_cast<std::uint16_t>(letters);
  tok.fold_hash = hash_word(p + i, j - i, p + n, patch);
  tok.end = static_cast<std::uint32_t>(j);
  return j + (p[j] == ' ');
}

// The tokens are written in place into the vector, sized ahead for a token
// per six bytes and grown by doubling when a text has more: no capacity
// check and no copy of a Token per push_back. The slots are value-initialized
// (a Token{}: a punctuation token with nothing set), so each kind stores only
// the fields that differ. The write position is the caller's local (kept in
// a register); finish() trims the vector to it.
class TokenSlots {
 public:
  struct Span {
    Token* next;
    Token* end;
  };

  TokenSlots(std::vector<Token>& out, std::size_t text_size) : out_(out) {
    // Doubling, not the exact need: each chunk a little longer than the
    // last made the buffer move (and fault in fresh pages) again and again.
    // kSlack more: room for the text's last bytes, which are read apart.
    const std::size_t need = out_.size() + text_size / 6 + kSlack;
    if (out_.capacity() < need) out_.reserve(std::max(need, 2 * out_.capacity()));
    const std::size_t used = out_.size();
    out_.resize(need);
    span_ = {out_.data() + used, out_.data() + out_.size()};
  }

  Span span() const { return span_; }

  // All slots up to `next` are taken: room for more.
  Span grow(Token* next) {
    const auto used = static_cast<std::size_t>(next - out_.data());
    out_.resize(2 * out_.size());
    return {out_.data() + used, out_.data() + out_.size()};
  }

  void finish(Token* next) { out_.resize(static_cast<std::size_t>(next - out_.data())); }

 private:
  std::vector<Token>& out_;
  Span span_{};
};

// Tokenizes `s` from `i` while `i < limit`, writing tokens at `next`;
// returns where it stopped (at `limit` or past it, at a token's start or in
// a gap). Needs kSlack readable bytes at s.data() + i for every i < limit,
// and a free slot for every byte in [i, limit): a token takes at least one.
template <bool kPopcnt>
inline __attribute__((always_inline)) std::size_t scan(std::string_view s, std::size_t i, std::size_t limit,
                                                       Token*& next) {
  const std::size_t n = s.size();
  const char* p = s.data();
  Token* out = next;
  while (i < limit) {
    std::uint8_t c = static_cast<std::uint8_t>(p[i]);
    if (c == ' ') {  // most gaps are one space: no table look-up
      ++i;
      continue;
    }
    std::uint8_t cls = kBytes.cls[c];
    if (cls > kSymbol2Byte) __builtin_unreachable();  // see byte_classes_in_range()
    Token& tok = *out;
    tok.begin = static_cast<std::uint32_t>(i);
    if (cls == kLetterByte || cls == kLead2Byte) {
      // One call site for both: read_word is inlined once.
      i = read_word<kPopcnt>(s, i, tok);
      ++out;
      continue;
    } else if (cls == kSymbol2Byte) {
      const std::uint32_t cp = decode2(s, i);
      if (cp < kTwoByteEnd && (kCp.flags[cp] & kCpGap)) {
        i += 2;
        continue;
      }
      i += (cp < kTwoByteEnd) ? 2 : 1;
    } else if (cls == kPunctByte) {  // ASCII: one byte, within the text
      ++i;
    } else if (cls == kDigitByte) {
      std::size_t j = i + digit_run(p + i);
      std::size_t len = j - i;
      if (len == 16) {
        while (j < n && static_cast<unsigned>(static_cast<std::uint8_t>(p[j]) - '0') < 10u) ++j;
        len = std::min<std::size_t>(j - i, 0xFFFF);
      }
      tok.kind = TokenKind::kNumber;
      tok.letters = static_cast<std::uint16_t>(len);
      i = j;
    } else if (cls == kGapByte) {
      ++i;
      continue;
    } else if (cls == kNewlineByte) {
      tok.kind = TokenKind::kNewline;
      i += 1;
    } else if (cls == kLead3Byte) {
      if (i + 3 <= n && is_wide_gap(decode3(s, i))) {
        i += 3;
        continue;
      }
      i = (i + 3 <= n) ? i + 3 : n;
    } else {
      std::size_t len = sequence_length(cls);
      i = (i + len <= n) ? i + len : n;
    }
    tok.end = static_cast<std::uint32_t>(i);
    ++out;
  }
  next = out;
  return i;
}

template <bool kPopcnt>
inline __attribute__((always_inline)) void tokenize_text(std::string_view text, std::vector<Token>& out) {
  const std::size_t n = text.size();
  TokenSlots slots(out, n);
  TokenSlots::Span room = slots.span();
  // The text itself while kSlack bytes follow; the room left bounds how far
  // one scan may go (a token per byte at most), so the scan does not check
  // it per token.
  const std::size_t body_end = n > kSlack ? n - kSlack : 0;
  std::size_t i = 0;
  while (i < body_end) {
    if (room.next == room.end) room = slots.grow(room.next);
    const auto free = static_cast<std::size_t>(room.end - room.next);
    i = scan<kPopcnt>(text, i, std::min(body_end, i + free), room.next);
  }
  // The last bytes (at most kSlack), copied with zeros after them: a zero
  // ends a word or a number as the end of the text does, and is never read
  // as a token (the scan stops at the copy's length). Their offsets are
  // made the text's.
  if (i < n) {
    const std::size_t len = n - i;
    char tail[2 * kSlack] = {};
    std::memcpy(tail, text.data() + i, len);
    while (static_cast<std::size_t>(room.end - room.next) < len) room = slots.grow(room.next);
    Token* const first = room.next;
    scan<kPopcnt>(std::string_view(tail, len), 0, len, room.next);
    for (Token* t = first; t != room.next; ++t) {
      t->begin += static_cast<std::uint32_t>(i);
      t->end += static_cast<std::uint32_t>(i);
    }
  }
  slots.finish(room.next);
}

#if defined(__x86_64__) && !defined(__POPCNT__)
// The same for CPUs with POPCNT (most since 2008), chosen at run time: the
// build targets baseline x86-64, which lacks it.
__attribute__((target("popcnt"))) void tokenize_popcnt(std::string_view text, std::vector<Token>& out) {
  tokenize_text<true>(text, out);
}
#endif

}  // namespace

void tokenize(std::string_view text, std::vector<Token>& out) {
#if defined(__x86_64__) && !defined(__POPCNT__)
  static const bool popcnt = __builtin_cpu_supports("popcnt");
  if (popcnt) return tokenize_popcnt(text, out);
  tokenize_text<false>(text, out);
#elif defined(__POPCNT__)
  tokenize_text<true>(text, out);
#else
  tokenize_text<false>(text, out);
#endif
}

namespace {

// Folds `word` byte by byte the way read_word does, handing each folded
// byte to `sink`; bytes that are not letters pass through unchanged.
template <class Sink>
void fold_bytes(std::string_view s, Sink&& sink) {
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    std::uint8_t c = at(s, i);
    std::uint8_t cls = kBytes.cls[c];
    if (cls == kLead2Byte || cls == kSymbol2Byte) {
      std::uint32_t cp = decode2(s, i);
      if (cp < kTwoByteEnd) {
        std::uint32_t f = (kCp.flags[cp] & kCpLetter) ? kCp.fold[cp] : cp;
        if (f < 0x80) {
          sink(static_cast<std::uint8_t>(f));
        } else {
          sink(static_cast<std::uint8_t>(0xC0 | (f >> 6)));
          sink(static_cast<std::uint8_t>(0x80 | (f & 0x3F)));
        }
        i += 2;
        continue;
      }
    }
    std::uint8_t f = kBytes.fold[c];
    sink(f ? f : c);
    ++i;
  }
}

}  // namespace

// Folding never lengthens a word (every two-byte letter folds to a one- or
// two-byte one), so both fold into a buffer of the word's size with plain
// stores; building the name dictionary folds a few hundred thousand forms.
std::uint64_t fold_hash(std::string_view word) {
  // Eight bytes of slack after the word: its tail is read with one load.
  char small[64 + 8];
  std::string large;
  char* buf = small;
  std::size_t capacity = sizeof small;
  if (word.size() + 8 > capacity) {
    large.resize(word.size() + 8);
    buf = large.data();
    capacity = large.size();
  }
  char* p = buf;
  fold_bytes(word, [&](std::uint8_t b) { *p++ = static_cast<char>(b); });
  auto len = static_cast<std::size_t>(p - buf);
  std::memset(p, 0, 8);  // what the tail's load reads past the word (masked off)
  return hash_bytes(buf, len, buf + capacity);
}

std::string fold(std::string_view word) {
  std::string out(word.size(), '\0');
  char* p = out.data();
  fold_bytes(word, [&](std::uint8_t b) { *p++ = static_cast<char>(b); });
  out.resize(static_cast<std::size_t>(p - out.data()));
  return out;
}

}  // namespace dpa::anonymize

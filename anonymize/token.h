// The one pass over the bytes: text becomes tokens that every recognizer reads.
//
// Whitespace is not stored: the gap between two tokens is whitespace (space,
// tab, CR, VT, FF, NBSP and the other Unicode spaces, zero-width space and
// BOM), and `adjacent()` tells whether two tokens touch. Words carry a hash
// of their case-folded form (Cyrillic, Kazakh and Latin letters lower-cased,
// ё as е) so dictionary look-ups need no second pass and no allocation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dpa::anonymize {

enum class TokenKind : std::uint8_t {
  kWord,     // a run of letters: ASCII, Latin-1 and Latin Extended-A/B,
             // Cyrillic U+0400-U+052F (Kazakh included); combining marks
             // continue a word. Digits, hyphens and apostrophes end it.
  kNumber,   // a run of ASCII digits
  kPunct,    // one code point that is neither letter, digit nor space
             // ("«", "—", "₸" and an emoji are one token each)
  kNewline,  // '\n' (kept: entities do not usually cross lines)
};

enum TokenFlags : std::uint8_t {
  kCapitalized = 1 << 0,  // first letter upper-case
  kAllCaps = 1 << 1,      // every letter upper-case (and more than one)
  kCyrillic = 1 << 2,     // has Cyrillic letters
  kLatin = 1 << 3,        // has Latin letters
};

struct Token {
  std::uint32_t begin = 0;   // byte offsets in the text, [begin, end)
  std::uint32_t end = 0;
  TokenKind kind = TokenKind::kPunct;
  std::uint8_t flags = 0;
  std::uint16_t letters = 0; // code points in a word or digits in a number (saturating
                             // at 65535); 0 for punctuation and newlines
  std::uint64_t fold_hash = 0;  // words: fold_hash() of the folded form; else 0

  std::string_view view(std::string_view text) const { return text.substr(begin, end - begin); }
};

inline bool adjacent(const Token& a, const Token& b) { return a.end == b.begin; }

// Appends the tokens of `text` (valid UTF-8; at most 4 GiB) to `out`.
void tokenize(std::string_view text, std::vector<Token>& out);

// The hash tokenize() gives a word, for building dictionaries: folds
// `word` (UTF-8) the same way and hashes it. Deterministic across runs and
// machines (it is not seeded), so it may be stored.
std::uint64_t fold_hash(std::string_view word);

// `word` folded to lower case (ё → е), UTF-8; what is not a letter is
// copied unchanged.
std::string fold(std::string_view word);

}  // namespace dpa::anonymize

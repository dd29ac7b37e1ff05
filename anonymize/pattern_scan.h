// What the pattern recognizers share while they walk one text's tokens:
// the tokens, the lexicon, the output, and small helpers to read tokens.
// Private to anonymize/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "anonymize/entity.h"
#include "anonymize/pattern_lexicon.h"
#include "anonymize/recognizer.h"
#include "anonymize/token.h"

namespace dpa::anonymize {

struct PatternScan {
  PatternScan(const ScanContext& ctx, std::vector<Finding>& findings)
      : text(ctx.text), tok(ctx.tokens), n(ctx.tokens.size()), lex(Lexicon::get()), out(findings) {}

  std::string_view text;
  std::span<const Token> tok;
  std::size_t n;
  const Lexicon& lex;
  std::vector<Finding>& out;

  std::string_view view(std::size_t i) const { return tok[i].view(text); }
  TokenKind kind(std::size_t i) const { return tok[i].kind; }
  bool is_word(std::size_t i) const { return i < n && tok[i].kind == TokenKind::kWord; }
  bool is_number(std::size_t i) const { return i < n && tok[i].kind == TokenKind::kNumber; }
  // Whether token i is the one-byte punctuation `c`.
  bool is_punct(std::size_t i, char c) const {
    return i < n && tok[i].kind == TokenKind::kPunct && tok[i].end - tok[i].begin == 1 && text[tok[i].begin] == c;
  }
  // The ASCII character of a one-byte punctuation token, else 0.
  char punct(std::size_t i) const {
    if (i >= n || tok[i].kind != TokenKind::kPunct || tok[i].end - tok[i].begin != 1) return 0;
    return text[tok[i].begin];
  }
  // Token i+1 starts where token i ends.
  bool touches(std::size_t i) const { return i + 1 < n && tok[i].end == tok[i + 1].begin; }
  // Lexicon roles of a word token (0 for other tokens and unknown words).
  std::uint32_t roles(std::size_t i) const {
    return is_word(i) ? lex.roles(tok[i].fold_hash) : 0;
  }
  const LexEntry* entry(std::size_t i) const { return is_word(i) ? lex.find(tok[i].fold_hash) : nullptr; }
  // A word of only Latin letters.
  bool is_latin_word(std::size_t i) const {
    return is_word(i) && (tok[i].flags & (kLatin | kCyrillic)) == kLatin;
  }
  // Value of a number token (at most 9 digits), -1 if longer.
  long number_value(std::size_t i) const {
    std::string_view v = view(i);
    if (v.size() > 9) return -1;
    long x = 0;
    for (char c : v) x = x * 10 + (c - '0');
    return x;
  }

  // A word with one of `role` among the `back` tokens before token i (and
  // the `ahead` tokens from token `after`); returns its index or n.
  std::size_t find_role_before(std::size_t i, std::size_t back, std::uint32_t role) const {
    for (std::size_t k = i, steps = 0; k > 0 && steps < back; ++steps) {
      --k;
      if (roles(k) & role) return k;
    }
    return n;
  }
  std::size_t find_role_after(std::size_t after, std::size_t ahead, std::uint32_t role) const {
    for (std::size_t k = after, steps = 0; k < n && steps < ahead; ++k, ++steps) {
      if (roles(k) & role) return k;
    }
    return n;
  }

  void emit(std::size_t begin, std::size_t end, EntityType type, float confidence, std::string normalized,
            std::string_view recognizer, std::string_view validator, std::string_view context = {}) {
    // Built in place: no Finding to move from and destroy.
    Finding& f = out.emplace_back();
    f.begin = begin;
    f.end = end;
    f.type = type;
    f.confidence = confidence;
    f.normalized = std::move(normalized);
    f.recognizer = recognizer;
    f.validator = validator;
    f.context = context;
  }
};

// A date-of-birth cue ("дата рождения", "д.р.", "born", "туған") within the
// `back` tokens before token `first` or the `ahead` tokens after `last`;
// returns the cue word (static) or "" if none.
std::string_view find_dob_cue(const PatternScan& s, std::size_t first, std::size_t last, std::size_t back,
                              std::size_t ahead);

// The family scanners the pattern recognizer dispatches to. Each is handed
// the token that triggers it and returns the index of the first token it
// has not consumed (at least i + 1); findings go to s.out.
std::size_t scan_number(PatternScan& s, std::size_t i);           // numeric_recognizer.cpp
std::size_t scan_spoken_number(PatternScan& s, std::size_t i);    // spoken_numbers.cpp
std::size_t scan_at_sign(PatternScan& s, std::size_t i);          // email_url_recognizer.cpp
std::size_t scan_spoken_at(PatternScan& s, std::size_t i);
std::size_t scan_url(PatternScan& s, std::size_t i);
std::size_t scan_colon(PatternScan& s, std::size_t i);            // IPv6
std::size_t scan_street_type(PatternScan& s, std::size_t i);      // address_recognizer.cpp
std::size_t scan_month_word(PatternScan& s, std::size_t i);       // date_of_birth.cpp

// A date written in digits (12.03.1985, 12/03/1985, 1985-03-12) starting at
// number token i: emits it when a birth cue is near and returns the token
// after it; returns i when there is no valid date there.
std::size_t scan_numeric_date(PatternScan& s, std::size_t i);
// "25 01 1984": day, month and year apart, only near a birth cue.
std::size_t scan_spaced_date(PatternScan& s, std::size_t i);

// A multi-byte currency sign (₸ ₽ € $ £) or '%' token.
bool is_currency_sign(const PatternScan& s, std::size_t i);

}  // namespace dpa::anonymize

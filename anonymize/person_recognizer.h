// Person names: reading a run of name words into its parts.
//
// make_person_recognizer() (recognizer.h) finds names in tokenized text;
// the surrogate generator reads a finding's text back into the same parts
// to replace each with a fake of the same kind, gender, case and script.
// Both use read_name() below, so they agree on what a name is made of.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "anonymize/person_names.h"
#include "anonymize/token.h"

namespace dpa::anonymize::names {

// One word of a name (two for "Серік ұлы"; a letter and its dot for "И.").
struct NamePart {
  std::uint32_t first = 0;  // token indexes, inclusive
  std::uint32_t last = 0;
  Analysis analysis;        // the reading chosen; kind kPatronymic for "Серік ұлы"
  bool known = true;        // from the dictionary; else guessed from the ending or a cue
  bool unknown = false;     // not even the ending tells: taken from its place (after a cue, in a label)
  bool initial = false;     // "И."
  bool separate_marker = false;  // "Серік ұлы": analysis.lemma is the father's given name
  std::string lemma;        // folded normalized text of this part

  // Back to a default part, keeping the lemma's buffer for the next name.
  void reset();
};

struct NameReading {
  std::vector<NamePart> parts;       // in text order
  std::uint32_t first = 0;           // tokens, inclusive
  std::uint32_t last = 0;
  bool possessive = false;           // followed by 's (not part of `last`)
  std::size_t end_byte = 0;          // end of the name in the text, 's included

  // Parts that are not initials.
  std::size_t name_parts() const;
  Gender gender() const;
  // Folded lemmas: given, patronymic, surname (then any other), space-separated.
  std::string normalized() const;
  // The same, appended to `out`.
  void append_normalized(std::string& out) const;
};

struct ReadOptions {
  // Take the first word even when no dictionary knows it (after an intro
  // cue, or when reading a finding back for its surrogate).
  bool force_first = false;
  // Kind to assume for a forced first word with no telling ending.
  Kind unknown_kind = Kind::kGiven;
  // After an intro cue, a known given name may take one more lowercase
  // word no dictionary knows, when it ends the phrase.
  bool unknown_tail = false;
  // Look at the words before `i` too (not after a cue, which ends there).
  bool extend_left = true;
  // The tokens the name may take: [floor, limit). Words before the start
  // are looked at only for a surname guessed from its ending.
  std::uint32_t floor = 0;
  std::uint32_t limit = UINT32_MAX;
  // The dictionary's analyses of the first word, when the caller has
  // looked them up already.
  bool first_looked_up = false;
  std::span<const Analysis> first_analyses;
};

// Reads the longest well-formed name starting at token `i` (a word).
// Returns false when there is none.
bool read_name(std::string_view text, std::span<const Token> tokens, std::uint32_t i, const ReadOptions& options,
               NameReading& out);

// Guesses a surname or patronymic from the ending of a word no dictionary
// knows ("Жаксылыкова", "Нурланович"); appends its possible readings.
// `lemma` receives the nominative for the first reading.
bool guess_by_ending(std::string_view folded, std::vector<Analysis>& readings, std::vector<std::string>& lemmas);

}  // namespace dpa::anonymize::names

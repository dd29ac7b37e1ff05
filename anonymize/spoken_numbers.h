// Numbers said aloud, as speech recognition writes them: "восемь семьсот
// один сто двадцать три сорок пять шестьдесят семь", "сегіз жеті жүз бір
// ...", "eight seven oh one ...", "double five", digits and words mixed
// ("8 семьсот один 123 45 67"). A run of number words and digit tokens is
// read into digit chunks (семьсот один = 701, қырық бес = 45); where a
// compound is ambiguous (сорок пять: 45, or 40 then 5) the other reading is
// tried too. Runs of chunks that validate as a phone (libphonenumber), an
// IIN or BIN (check digit) or a card (Luhn) become findings of recognizer
// "phone.spoken", "iin.spoken", "bin.spoken" or "card.spoken", spanning the
// words, with the same normalized value as the digits would have.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dpa::anonymize {

// The digits of a phrase of number words and digits read the default way
// (every compound joined); nullopt if a word is not a number word. A
// leading "плюс"/"plus" gives a leading '+'. For tests and surrogates.
std::optional<std::string> spoken_digits(std::string_view phrase);

}  // namespace dpa::anonymize

// UTF-8 checks for the pseudonymizer's input: it never passes on text it
// could not read (fail closed), unless asked to replace bad bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dpa::anonymize {

// Length of the longest prefix of `s` made of complete, valid UTF-8
// sequences (no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t valid_utf8_prefix(std::string_view s);

inline bool is_valid_utf8(std::string_view s) { return valid_utf8_prefix(s) == s.size(); }

// How many bytes at the end of `s` could be the start of a sequence that
// continues beyond it (0 to 3): they wait for the next read.
std::size_t incomplete_utf8_tail(std::string_view s);

// `s` with every invalid byte replaced by U+FFFD.
std::string replace_invalid_utf8(std::string_view s);

}  // namespace dpa::anonymize

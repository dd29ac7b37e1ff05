// Small text helpers shared by the corpus generator and its consumers
// (benchmarks, fuzz seed writer). Private to bench/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dpa::bench {

// The code point at s[i] and its length in bytes; (U+FFFD, 1) on a bad byte.
char32_t decode_utf8(std::string_view s, std::size_t i, std::size_t& length);
void append_utf8(std::string& out, char32_t cp);

// Lower-cases ASCII, Russian and Kazakh Cyrillic letters in place. Every
// mapping it applies keeps the byte length, so spans stay valid.
void lower_in_place(std::string& s);

// Whether `i` is not in the middle of a UTF-8 sequence.
inline bool on_utf8_boundary(std::string_view s, std::size_t i) {
  return i == 0 || i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
}

// JSON string literal (with quotes) of valid UTF-8 text.
std::string json_quote(std::string_view s);

}  // namespace dpa::bench

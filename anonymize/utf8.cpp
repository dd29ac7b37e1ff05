#include "anonymize/utf8.h"

#include <bit>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace dpa::anonymize {
namespace {

// Length of the valid sequence starting at s[i], or 0 if it is invalid or
// runs past the end.
std::size_t sequence_length(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) { n = 3; lo = 0xA0; }
  else if (c >= 0xE1 && c <= 0xEC) n = 3;
  else if (c == 0xED) { n = 3; hi = 0x9F; }  // no UTF-16 surrogates
  else if (c >= 0xEE && c <= 0xEF) n = 3;
  else if (c == 0xF0) { n = 4; lo = 0x90; }
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) { n = 4; hi = 0x8F; }
  else return 0;
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

#if defined(__SSE2__)
namespace {

// The high bytes (80..FF), continuation bytes (80..BF) and two-byte leads
// (C2..DF) of the 64 bytes at u, as bit masks.
inline void high_masks(const unsigned char* u, std::uint64_t& high, std::uint64_t& cont, std::uint64_t& lead) {
  high = cont = lead = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(u + 16 * k));
    // As signed bytes: continuation 80..BF is -128..-65, lead C2..DF is -62..-33.
    const auto h = static_cast<unsigned>(_mm_movemask_epi8(v));
    const auto c = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(-64))));
    const auto l = static_cast<unsigned>(_mm_movemask_epi8(
        _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(-63)), _mm_cmplt_epi8(v, _mm_set1_epi8(-32)))));
    high |= static_cast<std::uint64_t>(h) << (16 * k);
    cont |= static_cast<std::uint64_t>(c) << (16 * k);
    lead |= static_cast<std::uint64_t>(l) << (16 * k);
  }
}

}  // namespace
#endif

std::size_t valid_utf8_prefix(std::string_view s) {
  const auto* u = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
#if defined(__SSE2__)
    // Sixty-four bytes at a time while they are ASCII and whole two-byte
    // sequences (Cyrillic, Kazakh, Latin-1): every continuation byte right
    // after a lead byte C2..DF. A lead in a block's last byte is finished by
    // the next block's first (`carry`). Anything else (three- and four-byte
    // sequences, errors) goes to the exact check below, one code point from
    // the start of its sequence, then back here. Sixteen bytes a step, with
    // a pair cut at every other step's end, cost four times as many steps.
    std::uint64_t carry = 0;  // the block before ended with a lead
    while (i + 64 <= n) {
      std::uint64_t high, cont, lead;
      high_masks(u + i, high, cont, lead);
      const std::uint64_t expected = (lead << 1) | carry;  // where continuation bytes belong
      const std::uint64_t other = (high & ~(cont | lead)) | (cont ^ expected);
      if (other) {
        // The exact check starts at the first such byte, or at the lead
        // before it whose sequence it breaks; what comes before is valid.
        const auto at = static_cast<unsigned>(std::countr_zero(other));
        i += at;
        carry = at == 0 ? carry : (lead >> (at - 1)) & 1;
        break;
      }
      carry = lead >> 63;
      i += 64;
    }
    i -= carry;  // back to the lead whose sequence the exact check reads
    if (i >= n) break;
#endif
    unsigned char c = u[i];
    if (c < 0x80) {
      // ASCII fast path, eight bytes at a time.
      if (i + 8 <= n) {
        std::uint64_t word;
        __builtin_memcpy(&word, u + i, 8);
        if (!(word & 0x8080808080808080ULL)) {
          i += 8;
          continue;
        }
      }
      ++i;
      continue;
    }
    // Two-byte sequences (Cyrillic, Kazakh, Latin-1) inline: in Russian and
    // Kazakh text they are most of the bytes, and the general check cost
    // more than the whole tokenizer.
    if (static_cast<unsigned char>(c - 0xC2) <= 0xDF - 0xC2 && i + 1 < n && (u[i + 1] & 0xC0) == 0x80) {
      i += 2;
      continue;
    }
    std::size_t len = sequence_length(s, i);
    if (len == 0) return i;
    i += len;
  }
  return n;
}

std::size_t incomplete_utf8_tail(std::string_view s) {
  // Look back at most 3 bytes for a lead byte whose sequence is cut off.
  for (std::size_t back = 1; back <= 3 && back <= s.size(); ++back) {
    auto c = static_cast<unsigned char>(s[s.size() - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation: keep looking for the lead
    std::size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

std::string replace_invalid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t len = sequence_length(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

}  // namespace dpa::anonymize

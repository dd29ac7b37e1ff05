// The +7 fast path (anonymize/phone_metadata.h) judges numbers with an
// automaton it compiles at start-up from libphonenumber's patterns: it must
// give PhoneNumberUtil's answer for every number, whatever its prefix.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "anonymize/phone_metadata.h"

namespace {

using namespace dpa::anonymize;

// A linear congruential generator: the same numbers on every run.
struct Digits {
  std::uint64_t x;
  char next() {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<char>('0' + (x >> 33) % 10);
  }
};

std::string with_prefix(unsigned prefix, int prefix_digits, std::size_t length, Digits& rng) {
  std::string n(static_cast<std::size_t>(prefix_digits), '0');
  for (int k = prefix_digits; k-- > 0; prefix /= 10) n[static_cast<std::size_t>(k)] = static_cast<char>('0' + prefix % 10);
  while (n.size() < length) n += rng.next();
  return n;
}

// Numbers of `length` digits, each prefix in [from, to) written with
// `prefix_digits` digits and drawn digits after it: the fast path and
// PhoneNumberUtil agree on every one, in both regions.
void agree_on_prefixes(const Plus7Metadata& fast, unsigned from, unsigned to, int prefix_digits, std::size_t length,
                       Digits& rng) {
  for (bool kazakhstan : {true, false}) {
    for (unsigned prefix = from; prefix < to; ++prefix) {
      const std::string n = with_prefix(prefix, prefix_digits, length, rng);
      INFO(n << (kazakhstan ? " KZ" : " RU"));
      REQUIRE(fast.judge(n, kazakhstan) == judge_with_libphonenumber(n, kazakhstan));
    }
  }
}

}  // namespace

TEST_CASE("the +7 fast path agrees with PhoneNumberUtil on every five-digit prefix", "[patterns]") {
  const Plus7Metadata* fast = Plus7Metadata::get();
  REQUIRE(fast != nullptr);
  // The metadata's patterns decide a ten-digit number by its first five
  // digits at most (33622, 7 1 0 2 x), then any digits: every five-digit
  // prefix, with drawn digits after it, in both regions.
  Digits rng{11};
  agree_on_prefixes(*fast, 0, 100000, 5, 10, rng);
}

TEST_CASE("the +7 fast path agrees with PhoneNumberUtil on numbers of every length", "[patterns]") {
  const Plus7Metadata* fast = Plus7Metadata::get();
  REQUIRE(fast != nullptr);
  // Lengths the descriptions allow (10, 14) and lengths they do not, over
  // every three-digit prefix: a pattern may match where the possible
  // lengths refuse, and the other way round.
  Digits rng{5};
  for (std::size_t length = 3; length <= 17; ++length) agree_on_prefixes(*fast, 100, 1000, 3, length, rng);
  // The fourteen-digit numbers (8 108 ...) have their own patterns.
  agree_on_prefixes(*fast, 80000, 90000, 5, 14, rng);
}

TEST_CASE("the +7 fast path knows the kinds of numbers", "[patterns]") {
  const Plus7Metadata* fast = Plus7Metadata::get();
  REQUIRE(fast != nullptr);
  CHECK(fast->judge("7011234567", true) == Plus7Verdict::kPersonal);     // mobile
  CHECK(fast->judge("7172123456", true) == Plus7Verdict::kPersonal);     // Astana, fixed line
  CHECK(fast->judge("7511234567", true) == Plus7Verdict::kPersonal);     // VoIP
  CHECK(fast->judge("8001234567", true) == Plus7Verdict::kNotPersonal);  // toll-free
  CHECK(fast->judge("8091234567", true) == Plus7Verdict::kNotPersonal);  // premium rate
  CHECK(fast->judge("9161234567", false) == Plus7Verdict::kPersonal);    // Moscow mobile
  CHECK(fast->judge("4951234567", false) == Plus7Verdict::kPersonal);    // Moscow, fixed line
  CHECK(fast->judge("8041234567", false) == Plus7Verdict::kNotPersonal);
  CHECK(fast->judge("7991234567", true) == Plus7Verdict::kInvalid);
  CHECK(fast->judge("", true) == Plus7Verdict::kInvalid);
  // No pattern reads anything but digits.
  CHECK(fast->judge("70112345x7", true) == Plus7Verdict::kInvalid);
  CHECK(fast->judge("7011234567 ", true) == Plus7Verdict::kInvalid);
  CHECK(fast->judge("+7011234567", true) == Plus7Verdict::kInvalid);
}

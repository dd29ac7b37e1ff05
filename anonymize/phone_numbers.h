// Phone numbers of Kazakhstan and Russia (+7) and, when written with '+',
// of any country: a thin wrapper over libphonenumber, which is slow (about
// 10 µs a call), so callers only hand it candidates that already have a
// phone's digit count and prefix.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dpa::anonymize {

enum class PhoneValidity : unsigned char {
  kValid,        // libphonenumber: a valid, personal (not toll-free) number
  kKzStructure,  // +7 7xx with ten national digits that the metadata does
                 // not know (new ranges, some city numbers)
};

struct PhoneCheck {
  std::string e164;  // "+77011234567"
  PhoneValidity validity = PhoneValidity::kValid;
};

// `digits` as written (only digits), `plus` when '+' (or the word for it)
// came first. Accepts +7 and eleven digits, 8 or 7 and ten national digits,
// ten national digits alone (starting 7 or 9), and with `plus` any
// country's valid number. Thread-safe.
std::optional<PhoneCheck> check_phone(std::string_view digits, bool plus);

// Whether +`e164_digits` (country code included, no '+') is a valid number
// for libphonenumber: used to make surrogates that validate.
bool phone_is_valid(std::string_view e164_digits);

}  // namespace dpa::anonymize

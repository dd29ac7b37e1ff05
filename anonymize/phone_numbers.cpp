#include "anonymize/phone_numbers.h"

#include "anonymize/phone_metadata.h"

#include <phonenumbers/phonenumberutil.h>

#include <cstdint>

namespace dpa::anonymize {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

bool personal_type(PhoneNumberUtil::PhoneNumberType t) {
  return t != PhoneNumberUtil::TOLL_FREE && t != PhoneNumberUtil::PREMIUM_RATE &&
         t != PhoneNumberUtil::SHARED_COST && t != PhoneNumberUtil::UAN;
}

// "+<digits>" parsed and judged; nullopt when not a valid personal number.
std::optional<std::string> valid_e164(const std::string& plus_digits) {
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util->Parse(plus_digits, "KZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return std::nullopt;
  if (!util->IsValidNumber(number)) return std::nullopt;
  if (!personal_type(util->GetNumberType(number))) return std::nullopt;
  std::string out;
  util->Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

// prefix + digits, appended (GCC 12 warns, wrongly, on "+" + std::string).
std::string joined(std::string_view prefix, std::string_view digits) {
  std::string out;
  out.reserve(prefix.size() + digits.size());
  out.append(prefix);
  out.append(digits);
  return out;
}

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

}  // namespace

std::optional<PhoneCheck> check_phone(std::string_view digits, bool plus) {
  if (!all_digits(digits) || digits.size() > 15) return std::nullopt;
  std::string_view national;
  if (digits.size() == 11 && digits[0] == '7') {
    national = digits.substr(1);
  } else if (!plus && digits.size() == 11 && digits[0] == '8') {
    national = digits.substr(1);
  } else if (!plus && digits.size() == 10 && (digits[0] == '7' || digits[0] == '9')) {
    national = digits;
  } else if (plus && digits.size() >= 8 && digits[0] != '7') {
    auto e164 = valid_e164(joined("+", digits));
    if (!e164) return std::nullopt;
    return PhoneCheck{*e164, PhoneValidity::kValid};
  } else {
    return std::nullopt;
  }
  // +7: Kazakhstan 7xx, Russia 3xx/4xx/8xx/9xx, judged with libphonenumber's
  // metadata for the one region the leading digit names (phone_metadata.h).
  char lead = national[0];
  if (lead == '0' || lead == '1' || lead == '2' || lead == '5' || lead == '6') return std::nullopt;
  const Plus7Metadata* fast = Plus7Metadata::get();
  Plus7Verdict verdict = fast ? fast->judge(national, lead == '7') : judge_with_libphonenumber(national, lead == '7');
  PhoneValidity validity;
  if (verdict == Plus7Verdict::kPersonal) {
    validity = PhoneValidity::kValid;
  } else if (verdict == Plus7Verdict::kInvalid && lead == '7' && national[1] != '9') {
    // Kazakh ranges libphonenumber's metadata lags behind (new operator
    // codes, city numbers): +7 7, then anything but the unused 79.
    validity = PhoneValidity::kKzStructure;
  } else {
    return std::nullopt;  // a company's service number (8 800 ...), or no number at all
  }
  // The E.164 form only for a number that is one.
  return PhoneCheck{joined("+7", national), validity};
}

bool phone_is_valid(std::string_view e164_digits) {
  if (!all_digits(e164_digits)) return false;
  return valid_e164(joined("+", e164_digits)).has_value();
}

}  // namespace dpa::anonymize

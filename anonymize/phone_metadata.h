// A fast path for +7 numbers (Kazakhstan and Russia): libphonenumber's own
// metadata for the two regions, taken from the library at run time and
// compiled with RE2, judged in the order PhoneNumberUtil::GetNumberType
// uses. PhoneNumberUtil itself costs several microseconds a number (ICU
// regular expressions, a regex cache keyed by pattern strings); this costs
// a fraction of one, and phones are the most frequent entity in the texts.
//
// The metadata is the blob libphonenumber compiles in (its exported
// metadata_get()), read with a small protobuf wire-format reader. If the
// blob cannot be found or read, or the fast path disagrees with
// PhoneNumberUtil on a set of known numbers at start-up, it is not used and
// callers fall back to PhoneNumberUtil. Private to anonymize/.
#pragma once

#include <string_view>

namespace dpa::anonymize {

enum class Plus7Verdict : unsigned char {
  kPersonal,     // valid: fixed line, mobile, VoIP, personal number, pager, voicemail
  kNotPersonal,  // valid, but toll-free, premium rate, shared cost or UAN: a company's
  kInvalid,
};

class Plus7Metadata {
 public:
  // The fast path, or nullptr when it is not available. Thread-safe.
  static const Plus7Metadata* get();
  // `national`: the national significant number (digits after +7);
  // `kazakhstan`: judge with Kazakhstan's metadata, else Russia's.
  virtual Plus7Verdict judge(std::string_view national, bool kazakhstan) const = 0;

 protected:
  ~Plus7Metadata() = default;
};

// The same verdict from PhoneNumberUtil (IsValidNumberForRegion and
// GetNumberType): the slow path, and the reference the fast one is checked
// against.
Plus7Verdict judge_with_libphonenumber(std::string_view national, bool kazakhstan);

}  // namespace dpa::anonymize

// Data-subject identifiers: the one place where "phone:8 (701) 123-45-67"
// becomes the canonical "phone:+77011234567" that legal holds, subject
// requests, suppression lists and exports hash, so that the same person is
// the same keyed hash everywhere.
//
// Kinds and their canonical forms:
//   phone  E.164 via libphonenumber ("+77011234567"); +7 numbers written
//          with 8, 7 or no prefix are Kazakh/Russian; other countries need
//          '+' or "00".
//   email  Unicode NFC, trimmed, case-folded (ICU full case folding, so
//          "STRASSE" and "straße" fold alike), and the domain in its ASCII
//          (IDNA UTS #46) form, so "пример.рф" and "xn--e1afmkfd.xn--p1ai"
//          are one address. Folding the local part is what every large
//          provider does, though RFC 5321 lets a server tell cases apart.
//   iin    12 digits with a valid check digit (anonymize/validators.h).
//   bin    the same for a business identification number.
//   name   Unicode NFKC case-folded, inner white space collapsed to one
//          space; "ё" is kept distinct from "е" (they are different letters
//          in Kazakh and Russian documents).
//   key    key:<dataset>:<record key>: a record key of one dataset of the
//          data map, kept as written (trimmed).
//
// This lives in the anonymize library because the phone and IIN checks do;
// the retention and request libraries link it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dpa::anonymize {

enum class SubjectKind { kPhone, kEmail, kIin, kBin, kName, kKey };

struct SubjectId {
  SubjectKind kind = SubjectKind::kPhone;
  std::string dataset;  // kind key only
  std::string value;    // canonical

  // "phone", ..., "key"
  std::string kind_name() const;
  // The kind and value as the subject hash covers them: ("phone",
  // "+77011234567"), or for a key ("key", "<dataset>:<key>").
  std::string hash_kind() const { return kind_name(); }
  std::string hash_value() const;
  // "phone:+77011234567", "key:calls:c-17"
  std::string canonical() const;
  // For letters and screens: "+7 701 *** ** 67", "a***@example.kz",
  // "9001******23", "A. S.": enough to recognise, not to reuse.
  std::string masked() const;
  bool operator==(const SubjectId&) const = default;
};

// Parses "KIND:VALUE". Throws InputError with one line naming the problem
// and the fix ("bad phone '12345': not a valid number; write it with its
// country code, such as phone:+77011234567").
SubjectId parse_subject_id(std::string_view text);
// The same for a kind and value given apart (kind "key" needs
// "<dataset>:<value>").
SubjectId make_subject_id(std::string_view kind, std::string_view value);

// The canonical value when it parses, otherwise a best-effort form that
// never throws: used on stored data, where a malformed value must still
// hash the same way every time (phone: '+' and digits with a Kazakh 8- or
// bare 10-digit number turned into +7; iin/bin: the digits; email and
// name: trimmed, case-folded; other kinds: trimmed). For +7 numbers this
// costs no libphonenumber call: the sweep hashes millions of them.
std::string normalize_subject_value(std::string_view kind, std::string_view value);

// The kinds, as written: "phone", "email", "iin", "bin", "name", "key".
const std::vector<std::string>& subject_kind_names();

}  // namespace dpa::anonymize

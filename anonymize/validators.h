// Check digits and formats of the identifiers the pattern recognizers find.
// Every function takes the bare characters (no spaces or separators) and is
// allocation-free unless it returns a string.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dpa::anonymize {

// Gregorian calendar date check (year 1..9999).
bool valid_date(int year, int month, int day);

// IIN/BIN check digit of the first 11 digits: weights 1..11 mod 11; when
// that gives 10, weights 3..11,1,2 mod 11; -1 when that gives 10 too (no
// number with these 11 digits is valid).
int iin_check_digit(std::string_view first11);

// Kazakhstan individual identification number: 12 digits YYMMDD, century
// and sex digit 1-6 (1/2: 1800s, 3/4: 1900s, 5/6: 2000s), 4-digit serial,
// check digit; the birth date must exist and not be after next year.
bool valid_iin(std::string_view digits);
// Business identification number: YYMM, type digit 4-6, attribute digit
// 0-3, 5-digit serial, check digit.
bool valid_bin(std::string_view digits);
// The birth date of a valid IIN.
struct IinDate {
  int year = 0, month = 0, day = 0;
};
std::optional<IinDate> iin_birth_date(std::string_view digits);

bool luhn_valid(std::string_view digits);
int luhn_check_digit(std::string_view payload);  // the digit to append

enum class CardBrand : std::uint8_t {
  kNone, kVisa, kMastercard, kAmex, kUnionPay, kMir, kMaestro, kJcb, kDiners, kDiscover,
};
// The brand whose prefix and length `digits` has, kNone if none.
CardBrand card_brand(std::string_view digits);
// 15-19 digits (the lengths issued today), a known brand prefix and
// length, Luhn.
bool valid_card(std::string_view digits);

// IBAN length of a country ("KZ" → 20), 0 when unknown.
int iban_length(std::string_view country);
// Remainder mod 97 of the rearranged IBAN (upper-case letters and digits
// only); a valid IBAN gives 1. -1 on a character that is neither.
int iban_mod97(std::string_view iban);
// Upper-case, compact IBAN of a known country and length with mod-97 == 1.
bool valid_iban(std::string_view iban);
// The two check digits for `country` + "00" + `bban`.
std::string iban_check_digits(std::string_view country, std::string_view bban);

// Dotted quad with octets 0-255 and no leading zeros.
std::optional<std::uint32_t> parse_ipv4(std::string_view s);
// RFC 4291 text form (inet_pton).
bool valid_ipv6(std::string_view s);

}  // namespace dpa::anonymize

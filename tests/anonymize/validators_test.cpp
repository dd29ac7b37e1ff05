#include <catch2/catch.hpp>

#include <string>

#include "anonymize/phone_metadata.h"
#include "anonymize/phone_numbers.h"
#include "anonymize/validators.h"

namespace {

using namespace dpa::anonymize;

// The first 11 digits with the check digit appended; the serial is bumped
// until one exists.
std::string with_check(std::string first10) {
  for (int serial = 0; serial < 10; ++serial) {
    std::string s = first10 + static_cast<char>('0' + serial);
    int c = iin_check_digit(s);
    if (c >= 0) return s + static_cast<char>('0' + c);
  }
  return {};
}

std::string wrong_check(std::string valid) {
  valid.back() = static_cast<char>('0' + (valid.back() - '0' + 1) % 10);
  return valid;
}

}  // namespace

TEST_CASE("valid_date knows month lengths and leap years", "[patterns]") {
  CHECK(valid_date(2024, 2, 29));
  CHECK(valid_date(2000, 2, 29));
  CHECK_FALSE(valid_date(1900, 2, 29));
  CHECK_FALSE(valid_date(2023, 2, 29));
  CHECK(valid_date(1985, 12, 31));
  CHECK_FALSE(valid_date(1985, 4, 31));
  CHECK_FALSE(valid_date(1985, 13, 1));
  CHECK_FALSE(valid_date(1985, 0, 1));
  CHECK_FALSE(valid_date(1985, 1, 0));
}

TEST_CASE("IIN: date, century digit and the two-pass check digit", "[patterns]") {
  // Weights 1..11: 8*1+8*2+0+1*4+0+1*6+3*7+1*8+2*9+3*10+4*11 = 155, 155 mod 11 = 1.
  CHECK(iin_check_digit("88010131234") == 1);
  CHECK(valid_iin("880101312341"));
  CHECK_FALSE(valid_iin("880101312342"));  // wrong check digit
  CHECK(valid_iin("950315456785"));
  CHECK(valid_iin("051225543214"));        // born 2005
  std::string iin = with_check("8801013123");
  REQUIRE(iin.size() == 12);
  CHECK(valid_iin(iin));
  CHECK_FALSE(valid_iin(wrong_check(iin)));
  CHECK_FALSE(valid_iin(with_check("8802303123")));  // 30 February
  CHECK_FALSE(valid_iin(with_check("8813013123")));  // month 13
  CHECK_FALSE(valid_iin(with_check("8801017123")));  // century digit 7
  CHECK_FALSE(valid_iin(with_check("8801010123")));  // century digit 0
  CHECK_FALSE(valid_iin(with_check("9901015123")));  // born in 2099
  CHECK_FALSE(valid_iin("88010131234"));               // 11 digits
  CHECK_FALSE(valid_iin("88010131234a"));
  auto date = iin_birth_date("880101312341");
  REQUIRE(date);
  CHECK(date->year == 1988);
  CHECK(date->month == 1);
  CHECK(date->day == 1);
  CHECK(iin_birth_date("051225543214")->year == 2005);
}

TEST_CASE("IIN check digit falls back to the second weights and can be impossible", "[patterns]") {
  // Find a prefix whose first pass gives 10 and check the second pass is used.
  bool second_pass = false, impossible = false;
  for (int serial = 0; serial < 10000 && !(second_pass && impossible); ++serial) {
    std::string s = "8801013" + std::to_string(10000 + serial).substr(1);
    int sum = 0;
    for (int i = 0; i < 11; ++i) sum += (s[static_cast<std::size_t>(i)] - '0') * (i + 1);
    if (sum % 11 != 10) continue;
    static const int kW2[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
    int sum2 = 0;
    for (int i = 0; i < 11; ++i) sum2 += (s[static_cast<std::size_t>(i)] - '0') * kW2[i];
    if (sum2 % 11 == 10) {
      CHECK(iin_check_digit(s) == -1);
      impossible = true;
    } else {
      CHECK(iin_check_digit(s) == sum2 % 11);
      second_pass = true;
    }
  }
  CHECK(second_pass);
  CHECK(impossible);
}

TEST_CASE("BIN: month, type digit 4-6, attribute digit 0-3, check digit", "[patterns]") {
  CHECK(valid_bin("990340123456"));
  CHECK(valid_bin("150540678903"));
  CHECK_FALSE(valid_bin(wrong_check("990340123456")));
  CHECK_FALSE(valid_bin(with_check("9913401234")));  // month 13
  CHECK_FALSE(valid_bin(with_check("9903301234")));  // type digit 3
  CHECK_FALSE(valid_bin(with_check("9903741234")));  // type 7
  CHECK_FALSE(valid_bin(with_check("9903441234")));  // attribute 4
}

TEST_CASE("Luhn and card brands", "[patterns]") {
  CHECK(luhn_valid("4400430123456789"));
  CHECK_FALSE(luhn_valid("4400430123456788"));
  CHECK(luhn_check_digit("440043012345678") == 9);
  CHECK(card_brand("4400430123456789") == CardBrand::kVisa);
  CHECK(card_brand("5169491234567890") == CardBrand::kMastercard);
  CHECK(card_brand("2221001234567890") == CardBrand::kMastercard);
  CHECK(card_brand("2200123456789019") == CardBrand::kMir);
  CHECK(card_brand("378282246310005") == CardBrand::kAmex);
  CHECK(card_brand("6212345678901234") == CardBrand::kUnionPay);
  CHECK(card_brand("3530111333300000") == CardBrand::kJcb);
  CHECK(card_brand("6011111111111117") == CardBrand::kDiscover);
  CHECK(card_brand("1234567890123452") == CardBrand::kNone);
  CHECK(card_brand("440043012345678") == CardBrand::kNone);  // Visa has no 15-digit numbers
  CHECK(card_brand("4222222222222") == CardBrand::kNone);    // 13 digits: no longer issued
  CHECK(valid_card("4400430123456789"));
  CHECK(valid_card("2200123456789019"));
  CHECK(valid_card("378282246310005"));
  CHECK_FALSE(valid_card("4400430123456788"));
  CHECK_FALSE(valid_card("0000000000000000"));
}

TEST_CASE("IBAN: country length and mod 97", "[patterns]") {
  CHECK(iban_length("KZ") == 20);
  CHECK(iban_length("DE") == 22);
  CHECK(iban_length("XX") == 0);
  CHECK(valid_iban("KZ86125KZT5004100100"));
  CHECK(valid_iban("DE89370400440532013000"));
  CHECK(valid_iban("GB82WEST12345698765432"));
  CHECK_FALSE(valid_iban("KZ87125KZT5004100100"));   // check digits
  CHECK_FALSE(valid_iban("KZ86125KZT500410010"));    // length
  CHECK_FALSE(valid_iban("kz86125kzt5004100100"));   // not canonical
  CHECK_FALSE(valid_iban("KZ86 125K ZT50 0410 0100"));
  CHECK(iban_check_digits("KZ", "125KZT5004100100") == "86");
  std::string bban = "722KZT1234567890";
  CHECK(valid_iban("KZ" + iban_check_digits("KZ", bban) + bban));
}

TEST_CASE("IPv4 and IPv6 text forms", "[patterns]") {
  CHECK(parse_ipv4("192.168.1.10") == 0xC0A8010Au);
  CHECK(parse_ipv4("0.0.0.0") == 0u);
  CHECK(parse_ipv4("255.255.255.255") == 0xFFFFFFFFu);
  CHECK_FALSE(parse_ipv4("256.1.1.1"));
  CHECK_FALSE(parse_ipv4("01.02.2024"));
  CHECK_FALSE(parse_ipv4("1.2.3"));
  CHECK_FALSE(parse_ipv4("1.2.3.4.5"));
  CHECK_FALSE(parse_ipv4("1.2.3.04"));
  CHECK_FALSE(parse_ipv4("1..2.3"));
  CHECK(valid_ipv6("2001:db8::ff00:42:8329"));
  CHECK(valid_ipv6("fe80::1"));
  CHECK(valid_ipv6("::1"));
  CHECK(valid_ipv6("2001:0db8:85a3:0000:0000:8a2e:0370:7334"));
  CHECK_FALSE(valid_ipv6("10:30:45"));
  CHECK_FALSE(valid_ipv6("00:1a:2b:3c:4d:5e"));
  CHECK_FALSE(valid_ipv6("2001:db8::g"));
  CHECK_FALSE(valid_ipv6("1:2:3:4:5:6:7:8:9"));
}

TEST_CASE("check_phone normalizes Kazakh and Russian numbers to E.164", "[patterns]") {
  auto e164 = [](std::string_view digits, bool plus = false) {
    auto c = check_phone(digits, plus);
    return c ? c->e164 : std::string("-");
  };
  CHECK(e164("87011234567") == "+77011234567");
  CHECK(e164("77011234567") == "+77011234567");
  CHECK(e164("77011234567", true) == "+77011234567");
  CHECK(e164("7011234567") == "+77011234567");
  CHECK(e164("87172123456") == "+77172123456");  // Astana landline
  CHECK(e164("89161234567") == "+79161234567");  // Russian mobile
  CHECK(e164("9161234567") == "+79161234567");
  CHECK(e164("998901234567", true) == "+998901234567");
  CHECK(check_phone("87011234567", false)->validity == PhoneValidity::kValid);
  // Almaty numbers the metadata does not know: structure only.
  auto almaty = check_phone("87271234567", false);
  REQUIRE(almaty);
  CHECK(almaty->validity == PhoneValidity::kKzStructure);
  CHECK(e164("88005553535") == "-");  // toll-free: a company's
  CHECK(e164("1234567890") == "-");
  CHECK(e164("701123456") == "-");
  CHECK(e164("870112345678") == "-");
  CHECK(e164("8701123456a") == "-");
  CHECK(phone_is_valid("77011234567"));
  CHECK_FALSE(phone_is_valid("77991234567"));
}

TEST_CASE("the build checked the +7 fast path on the metadata this libphonenumber carries", "[patterns]") {
  // The build ran the check (verify_plus7_metadata) and compiled in the
  // fingerprint of the metadata it passed on: start-up trusts that one.
  const std::uint64_t now = phone_metadata_fingerprint();
  REQUIRE(now != 0);
  CHECK(kVerifiedPhoneMetadata == now);
  // The check itself, run again here, passes on the same metadata.
  CHECK(verify_plus7_metadata() == now);
}

TEST_CASE("the +7 fast path agrees with PhoneNumberUtil", "[patterns]") {
  const Plus7Metadata* fast = Plus7Metadata::get();
  CHECK(fast != nullptr);  // libphonenumber's metadata found and compiled
  if (!fast) return;
  std::uint64_t x = 7;
  const char leads[] = "347897777";
  for (int i = 0; i < 5000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    std::string n(1, leads[(x >> 33) % 9]);
    for (int d = 0; d < 9; ++d) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      n += static_cast<char>('0' + (x >> 33) % 10);
    }
    bool kz = n[0] == '7';
    INFO(n);
    REQUIRE(fast->judge(n, kz) == judge_with_libphonenumber(n, kz));
  }
  CHECK(fast->judge("7011234567", true) == Plus7Verdict::kPersonal);
  CHECK(fast->judge("8005553535", false) == Plus7Verdict::kNotPersonal);
  CHECK(fast->judge("7991234567", true) == Plus7Verdict::kInvalid);
  CHECK(fast->judge("701123456", true) == Plus7Verdict::kInvalid);  // nine digits
}

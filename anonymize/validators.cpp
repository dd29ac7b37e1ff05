#include "anonymize/validators.h"

#include <arpa/inet.h>

#include <array>
#include <chrono>
#include <cstring>

namespace dpa::anonymize {
namespace {

inline int digit(char c) { return c - '0'; }

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int two(std::string_view s, std::size_t i) { return digit(s[i]) * 10 + digit(s[i + 1]); }

int prefix_number(std::string_view s, std::size_t n) {
  int v = 0;
  for (std::size_t i = 0; i < n && i < s.size(); ++i) v = v * 10 + digit(s[i]);
  return v;
}

}  // namespace

bool valid_date(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int last = kDays[month - 1];
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) last = 29;
  return day <= last;
}

int iin_check_digit(std::string_view first11) {
  static constexpr int kW1[11] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  static constexpr int kW2[11] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
  if (first11.size() < 11) return -1;
  int s = 0;
  for (std::size_t i = 0; i < 11; ++i) s += digit(first11[i]) * kW1[i];
  int c = s % 11;
  if (c != 10) return c;
  s = 0;
  for (std::size_t i = 0; i < 11; ++i) s += digit(first11[i]) * kW2[i];
  c = s % 11;
  return c == 10 ? -1 : c;
}

namespace {
// Next year: nobody with an IIN is born after it.
int latest_birth_year() {
  static const int year = [] {
    auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    return static_cast<int>(std::chrono::year_month_day(days).year()) + 1;
  }();
  return year;
}
}  // namespace

std::optional<IinDate> iin_birth_date(std::string_view d) {
  if (d.size() != 12 || !all_digits(d)) return std::nullopt;
  int century_digit = digit(d[6]);
  if (century_digit < 1 || century_digit > 6) return std::nullopt;
  int century = 1800 + 100 * ((century_digit - 1) / 2);
  IinDate date{century + two(d, 0), two(d, 2), two(d, 4)};
  if (!valid_date(date.year, date.month, date.day) || date.year > latest_birth_year()) return std::nullopt;
  return date;
}

bool valid_iin(std::string_view d) {
  if (!iin_birth_date(d)) return false;
  return iin_check_digit(d) == digit(d[11]);
}

bool valid_bin(std::string_view d) {
  if (d.size() != 12 || !all_digits(d)) return false;
  int month = two(d, 2);
  if (month < 1 || month > 12) return false;
  if (d[4] < '4' || d[4] > '6') return false;
  if (d[5] < '0' || d[5] > '3') return false;
  return iin_check_digit(d) == digit(d[11]);
}

bool luhn_valid(std::string_view digits) {
  if (digits.size() < 2 || !all_digits(digits)) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int v = digit(*it);
    if (twice) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
    twice = !twice;
  }
  return sum % 10 == 0;
}

int luhn_check_digit(std::string_view payload) {
  int sum = 0;
  bool twice = true;
  for (auto it = payload.rbegin(); it != payload.rend(); ++it) {
    int v = digit(*it);
    if (twice) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
    twice = !twice;
  }
  return (10 - sum % 10) % 10;
}

CardBrand card_brand(std::string_view d) {
  const std::size_t n = d.size();
  if (n < 13 || n > 19 || !all_digits(d)) return CardBrand::kNone;
  int p2 = prefix_number(d, 2), p3 = prefix_number(d, 3), p4 = prefix_number(d, 4);
  // Lengths in use today: 13-digit Visa and 12-15-digit Maestro are no
  // longer issued, and accepting them finds cards in any long digit run.
  if (n < 15) return CardBrand::kNone;
  if (d[0] == '4') return (n == 16 || n == 19) ? CardBrand::kVisa : CardBrand::kNone;
  if (p4 >= 2200 && p4 <= 2204) return n >= 16 ? CardBrand::kMir : CardBrand::kNone;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) {
    return n == 16 ? CardBrand::kMastercard : CardBrand::kNone;
  }
  if (p2 == 34 || p2 == 37) return n == 15 ? CardBrand::kAmex : CardBrand::kNone;
  if (p2 == 62) return n >= 16 ? CardBrand::kUnionPay : CardBrand::kNone;
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 ? CardBrand::kJcb : CardBrand::kNone;
  if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) {
    return n >= 16 ? CardBrand::kDiners : CardBrand::kNone;
  }
  if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649)) {
    return n >= 16 ? CardBrand::kDiscover : CardBrand::kNone;
  }
  if (p2 == 50 || (p2 >= 56 && p2 <= 69)) return n >= 16 ? CardBrand::kMaestro : CardBrand::kNone;
  return CardBrand::kNone;
}

bool valid_card(std::string_view d) { return card_brand(d) != CardBrand::kNone && luhn_valid(d); }

int iban_length(std::string_view country) {
  struct Entry {
    char code[3];
    int length;
  };
  // Countries customers in Kazakhstan pay from and to most often.
  static constexpr Entry kLengths[] = {
      {"KZ", 20}, {"AE", 23}, {"AT", 20}, {"AZ", 28}, {"BE", 16}, {"BG", 22}, {"BY", 28},
      {"CH", 21}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"EE", 20}, {"ES", 24},
      {"FI", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GR", 27}, {"HU", 28}, {"IE", 22},
      {"IL", 23}, {"IT", 27}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MD", 24}, {"NL", 18},
      {"NO", 15}, {"PL", 28}, {"PT", 25}, {"RO", 24}, {"SA", 24}, {"SE", 24}, {"TR", 26},
      {"UA", 29},
  };
  if (country.size() != 2) return 0;
  for (const auto& e : kLengths) {
    if (country[0] == e.code[0] && country[1] == e.code[1]) return e.length;
  }
  return 0;
}

int iban_mod97(std::string_view iban) {
  if (iban.size() < 5) return -1;
  int r = 0;
  auto feed = [&](char ch) {
    if (ch >= '0' && ch <= '9') {
      r = (r * 10 + digit(ch)) % 97;
    } else if (ch >= 'A' && ch <= 'Z') {
      r = (r * 100 + (ch - 'A' + 10)) % 97;
    } else {
      return false;
    }
    return true;
  };
  for (std::size_t i = 4; i < iban.size(); ++i) {
    if (!feed(iban[i])) return -1;
  }
  for (std::size_t i = 0; i < 4; ++i) {
    if (!feed(iban[i])) return -1;
  }
  return r;
}

bool valid_iban(std::string_view iban) {
  if (iban.size() < 5) return false;
  int len = iban_length(iban.substr(0, 2));
  if (len == 0 || static_cast<int>(iban.size()) != len) return false;
  if (iban[2] < '0' || iban[2] > '9' || iban[3] < '0' || iban[3] > '9') return false;
  return iban_mod97(iban) == 1;
}

std::string iban_check_digits(std::string_view country, std::string_view bban) {
  std::string probe = std::string(country) + "00" + std::string(bban);
  int r = iban_mod97(probe);
  int check = 98 - r;
  std::string out(2, '0');
  out[0] = static_cast<char>('0' + check / 10);
  out[1] = static_cast<char>('0' + check % 10);
  return out;
}

std::optional<std::uint32_t> parse_ipv4(std::string_view s) {
  std::uint32_t value = 0;
  int parts = 0;
  std::size_t i = 0;
  while (parts < 4) {
    std::size_t start = i;
    int octet = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) {
      octet = octet * 10 + digit(s[i]);
      ++i;
    }
    std::size_t len = i - start;
    if (len == 0 || octet > 255 || (len > 1 && s[start] == '0')) return std::nullopt;
    value = (value << 8) | static_cast<std::uint32_t>(octet);
    ++parts;
    if (parts < 4) {
      if (i >= s.size() || s[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != s.size()) return std::nullopt;
  return value;
}

bool valid_ipv6(std::string_view s) {
  if (s.size() < 2 || s.size() > 45) return false;
  char buf[64];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  unsigned char addr[16];
  return inet_pton(AF_INET6, buf, addr) == 1;
}

}  // namespace dpa::anonymize

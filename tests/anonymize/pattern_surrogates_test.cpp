#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "anonymize/phone_numbers.h"
#include "anonymize/recognizer.h"
#include "anonymize/surrogate.h"
#include "anonymize/token.h"
#include "anonymize/validators.h"
#include "support/pattern_scan.h"

namespace {

using namespace dpa::anonymize;

std::vector<Finding> scan(std::string_view text) { return test::scan_patterns(text); }

// The finding the recognizers give `text` as a whole.
Finding whole(std::string_view text, EntityType type) {
  for (const auto& f : scan(text)) {
    if (f.type == type && f.begin == 0 && f.end == text.size()) return f;
  }
  FAIL("no " << entity_type_name(type) << " spanning: " << text);
  return {};
}

// Separators, letters and digit positions of `s`: digits become '9'.
std::string shape(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= '0' && c <= '9') c = '9';
  }
  return out;
}

std::string digits(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d += c;
  }
  return d;
}

// The surrogate of `text` (found as a whole), checked to differ and to be
// found again as the same type.
std::string fake(std::string_view text, EntityType type, std::uint64_t seed = 42) {
  Finding f = whole(text, type);
  std::string s = surrogate_pattern_value(f, text, seed);
  INFO(text << " -> " << s);
  CHECK(s != text);
  CHECK(s == surrogate_pattern_value(f, text, seed));  // deterministic
  bool again = false;
  for (const auto& g : scan(s)) again = again || g.type == type;
  if (type != EntityType::kDateOfBirth && type != EntityType::kIdCard && type != EntityType::kPassport &&
      type != EntityType::kUrl) {
    CHECK(again);
  }
  return s;
}

}  // namespace

TEST_CASE("phone surrogates keep the written form and validate", "[patterns]") {
  const char* forms[] = {"+7 701 123 45 67", "8 (701) 123-45-67", "87011234567",      "+77011234567",
                         "8-701-123-45-67",  "7011234567",        "+7(701)123-45-67", "8 7172 12 34 56"};
  for (const char* form : forms) {
    std::string s = fake(form, EntityType::kPhone);
    INFO(form << " -> " << s);
    CHECK(shape(s) == shape(form));
    std::string d = digits(s);
    CHECK(d.substr(0, d.size() - 10) == digits(form).substr(0, d.size() - 10));  // +7 / 8 kept
    std::string national = d.substr(d.size() - 10);
    CHECK(national.substr(0, 3) == digits(form).substr(digits(form).size() - 10, 3));  // operator or city code
    CHECK(phone_is_valid("7" + national));
  }
  CHECK(fake("87011234567", EntityType::kPhone, 1) != fake("87011234567", EntityType::kPhone, 2));
}

TEST_CASE("spoken phone and IIN surrogates are written in digits", "[patterns]") {
  std::string text = "восемь семьсот один сто двадцать три сорок пять шестьдесят семь";
  std::string s = fake(text, EntityType::kPhone);
  CHECK(shape(s) == "9 999 999 99 99");
  CHECK(s[0] == '8');
  std::string plus = fake("плюс семь семь ноль один один два три четыре пять шесть семь", EntityType::kPhone);
  CHECK(plus.rfind("+7 ", 0) == 0);
  std::string iin = fake("восемь восемь ноль один ноль один три один два три четыре один", EntityType::kIin);
  CHECK(iin.size() == 12);
  CHECK(valid_iin(iin));
}

TEST_CASE("IIN, BIN, card and IBAN surrogates carry valid check digits", "[patterns]") {
  std::string iin = fake("880101312341", EntityType::kIin);
  CHECK(valid_iin(iin));
  CHECK(iin[6] == '3');  // century and sex kept
  std::string grouped = fake("880101 312341", EntityType::kIin);
  CHECK(shape(grouped) == "999999 999999");
  CHECK(valid_iin(digits(grouped)));
  std::string bin = fake("990340123456", EntityType::kBin);
  CHECK(valid_bin(bin));
  CHECK(bin.substr(4, 2) == "40");  // type and attribute kept
  for (const char* card : {"4400 4301 2345 6789", "4400430123456789", "2200-1234-5678-9019", "3782 822463 10005"}) {
    std::string s = fake(card, EntityType::kCard);
    CHECK(shape(s) == shape(card));
    CHECK(valid_card(digits(s)));
    CHECK(digits(s).substr(0, 4) == digits(card).substr(0, 4));
  }
  std::string iban = fake("KZ86125KZT5004100100", EntityType::kIban);
  CHECK(valid_iban(iban));
  CHECK(iban.substr(0, 10) != "KZ86125KZT5004100100");
  CHECK(iban.substr(4, 6) == "125KZT");  // bank code and currency letters kept
  std::string spaced = fake("kz86 125k zt50 0410 0100", EntityType::kIban);
  CHECK(shape(spaced) == shape("kz86 125k zt50 0410 0100"));
  std::string upper;
  for (char c : spaced) {
    if (c != ' ') upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  }
  CHECK(valid_iban(upper));
}

TEST_CASE("e-mail, IP and URL surrogates", "[patterns]") {
  std::string mail = fake("ivan.petrov@mail.ru", EntityType::kEmail);
  CHECK(mail.size() > 8);
  CHECK(mail.substr(mail.find('@')) == "@mail.ru");  // a public provider stays
  CHECK(mail.find('.') < mail.find('@'));            // name.surname stays name.surname
  std::string corporate = fake("a.ivanov@kaspi-partner.kz", EntityType::kEmail);
  CHECK(corporate.find("kaspi-partner") == std::string::npos);
  CHECK(corporate.substr(corporate.size() - 3) == ".kz");
  CHECK(fake("ivan точка petrov собака mail точка ru", EntityType::kEmail).find('@') != std::string::npos);

  std::string ip = fake("192.168.1.10", EntityType::kIpAddress);
  CHECK(ip.rfind("192.168.", 0) == 0);
  CHECK(parse_ipv4(ip));
  std::string pub = fake("8.8.4.4", EntityType::kIpAddress);
  CHECK(parse_ipv4(pub));
  std::string v6 = fake("2001:db8::ff00:42:8329", EntityType::kIpAddress);
  CHECK(valid_ipv6(v6));
  CHECK(v6.size() == std::string_view("2001:db8::ff00:42:8329").size());

  std::string url = fake("https://instagram.com/ivan_petrov", EntityType::kUrl);
  CHECK(url.rfind("https://instagram.com/", 0) == 0);
  CHECK(url.size() == std::string_view("https://instagram.com/ivan_petrov").size());
  std::string vk = fake("https://vk.com/id123456", EntityType::kUrl);
  CHECK(vk.rfind("https://vk.com/id", 0) == 0);
  std::string linkedin = fake("https://www.linkedin.com/in/ivan-petrov", EntityType::kUrl);
  CHECK(linkedin.rfind("https://www.linkedin.com/in/", 0) == 0);
  std::string query = fake("https://example.kz/form?phone=87011234567", EntityType::kUrl);
  CHECK(query.find("?phone=") != std::string::npos);
}

TEST_CASE("date of birth surrogates keep the format and the month", "[patterns]") {
  auto dob = [](std::string_view text, std::string_view date) {
    std::string t(text);
    auto found = scan(t);
    for (const auto& f : found) {
      if (f.type == EntityType::kDateOfBirth && t.substr(f.begin, f.length()) == date) {
        return surrogate_pattern_value(f, date, 7);
      }
    }
    FAIL("no DOB " << date);
    return std::string();
  };
  std::string a = dob("дата рождения 12.03.1985", "12.03.1985");
  CHECK(a != "12.03.1985");
  CHECK(shape(a) == "99.99.9999");
  CHECK(a.substr(2, 4) == ".03.");
  std::string b = dob("родилась 12 марта 1985 года", "12 марта 1985 года");
  CHECK(b != "12 марта 1985 года");
  CHECK(b.find(" марта ") != std::string::npos);
  CHECK(std::string_view(b).ends_with(" года"));
  std::string c = dob("DOB 1985-03-12", "1985-03-12");
  CHECK(shape(c) == "9999-99-99");
  CHECK(c.substr(4, 4) == "-03-");
  std::string d = dob("born March 12, 1985", "March 12, 1985");
  CHECK(d.rfind("March ", 0) == 0);
}

TEST_CASE("document, plate and address surrogates", "[patterns]") {
  auto with_cue = [](std::string_view text, EntityType type, std::string_view value) {
    for (const auto& f : scan(text)) {
      if (f.type == type && text.substr(f.begin, f.length()) == value) return surrogate_pattern_value(f, value, 9);
    }
    FAIL("not found: " << value);
    return std::string();
  };
  std::string id = with_cue("удостоверение личности 012345678", EntityType::kIdCard, "012345678");
  CHECK(id != "012345678");
  CHECK(shape(id) == "999999999");
  CHECK(id[0] == '0');
  std::string passport = with_cue("паспорт N12345678", EntityType::kPassport, "N12345678");
  CHECK(passport != "N12345678");
  CHECK(shape(passport) == "N99999999");

  std::string plate = fake("123 ABC 02", EntityType::kVehiclePlate);
  CHECK(plate.size() == 10);
  CHECK(plate.substr(8) == "02");  // region kept
  CHECK(plate[3] == ' ');
  CHECK(plate[4] >= 'A');
  CHECK(plate[4] <= 'Z');
  std::string glued = fake("123ABC02", EntityType::kVehiclePlate);
  CHECK(shape(glued).size() == 8);

  std::string ru = fake("ул. Абая, д. 15, кв. 3", EntityType::kAddress);
  CHECK(ru.rfind("ул. ", 0) == 0);
  CHECK(ru.find("Абая") == std::string::npos);
  CHECK(ru.find(", д. ") != std::string::npos);
  CHECK(ru.find(", кв. ") != std::string::npos);
  std::string spoken = fake("улица абая дом пятнадцать квартира три", EntityType::kAddress);
  CHECK(spoken.rfind("улица ", 0) == 0);
  CHECK(spoken.find("абая") == std::string::npos);
  CHECK(spoken.find("пятнадцать") == std::string::npos);
  std::string kk = fake("Абай көшесі 15 үй 3 пәтер", EntityType::kAddress);
  CHECK(kk.find(" көшесі ") != std::string::npos);
  CHECK(kk.find("Абай") == std::string::npos);
  std::string en = fake("15 Tole bi street apartment 3", EntityType::kAddress);
  CHECK(en.find(" street apartment ") != std::string::npos);
  CHECK(en.find("Tole") == std::string::npos);
  std::string micro = fake("мкр. Самал-2 15, кв. 3", EntityType::kAddress);
  CHECK(micro.rfind("мкр. ", 0) == 0);
  CHECK(micro.find("Самал") == std::string::npos);
}

TEST_CASE("pattern surrogates never return the original", "[patterns]") {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    for (const char* text : {"87011234567", "880101312341", "4400430123456789", "192.168.1.10"}) {
      auto found = scan(text);
      REQUIRE_FALSE(found.empty());
      CHECK(surrogate_pattern_value(found.front(), text, seed) != text);
    }
  }
}

TEST_CASE("pattern surrogates survive findings they did not expect", "[patterns]") {
  for (int t = 1; t < kEntityTypeCount; ++t) {
    for (const char* surface : {"", "x", "12", "абв где", "+", "@", "1.2", "::", "KZ", "N1"}) {
      Finding f;
      f.type = static_cast<EntityType>(t);
      f.begin = 0;
      f.end = std::string_view(surface).size();
      for (const char* normalized : {"", "?", "+7", "1985-13-45"}) {
        f.normalized = normalized;
        std::string s = surrogate_pattern_value(f, surface, 3);
        INFO(entity_type_name(f.type) << " '" << surface << "' -> '" << s << "'");
        CHECK(s != surface);
      }
    }
  }
}

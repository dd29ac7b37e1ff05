#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "anonymize/recognizer.h"
#include "anonymize/spoken_numbers.h"
#include "anonymize/token.h"
#include "support/pattern_scan.h"

namespace {

using namespace dpa::anonymize;

std::vector<Finding> scan(std::string_view text) { return test::scan_patterns(text); }

// The finding of `type` whose span is exactly `surface`, if any.
const Finding* find(const std::vector<Finding>& found, std::string_view text, EntityType type,
                    std::string_view surface) {
  for (const auto& f : found) {
    if (f.type == type && text.substr(f.begin, f.end - f.begin) == surface) return &f;
  }
  return nullptr;
}

bool none_of_type(const std::vector<Finding>& found, EntityType type) {
  for (const auto& f : found) {
    if (f.type == type) return false;
  }
  return true;
}

std::string digits(std::string_view phrase) { return spoken_digits(phrase).value_or("?"); }

// Checks that `phrase` alone is found whole as `type` with `normalized`.
void check_spoken(std::string_view phrase, EntityType type, std::string_view normalized,
                  std::string_view recognizer) {
  INFO(phrase);
  std::string text = "клиент: " + std::string(phrase) + "\nоператор: спасибо";
  auto found = scan(text);
  const Finding* f = find(found, text, type, phrase);
  REQUIRE(f != nullptr);
  CHECK(f->normalized == normalized);
  CHECK(f->recognizer == recognizer);
  CHECK(f->confidence >= 0.85f);
}

}  // namespace

TEST_CASE("spoken_digits reads compounds in Russian, Kazakh and English", "[patterns]") {
  CHECK(digits("семьсот один") == "701");
  CHECK(digits("сорок пять") == "45");
  CHECK(digits("двадцать") == "20");
  CHECK(digits("сто") == "100");
  CHECK(digits("сто двадцать три") == "123");
  CHECK(digits("девятьсот десять") == "910");
  CHECK(digits("ноль сорок пять") == "045");
  CHECK(digits("восемнадцать") == "18");
  CHECK(digits("десять три") == "103");  // Russian "ten" joins nothing
  CHECK(digits("жеті жүз бір") == "701");
  CHECK(digits("қырық бес") == "45");
  CHECK(digits("жүз жиырма үш") == "123");
  CHECK(digits("он бір") == "11");        // Kazakh "ten" does
  CHECK(digits("нөл") == "0");
  CHECK(digits("seventy six") == "76");
  CHECK(digits("seven hundred one") == "701");
  CHECK(digits("oh") == "0");
  CHECK(digits("double five") == "55");
  CHECK(digits("triple seven") == "777");
  CHECK(digits("плюс семь") == "+7");
  CHECK(digits("plus seven") == "+7");
  CHECK(digits("8 семьсот один 123 45 67") == "87011234567");
  CHECK(digits("Восемь СЕМЬСОТ Один") == "8701");
  CHECK(digits("восемь окно") == "?");
}

TEST_CASE("phones said as words in Russian", "[patterns]") {
  check_spoken("восемь семьсот один один два три сорок пять шестьдесят семь", EntityType::kPhone, "+77011234567",
               "phone.spoken");
  check_spoken("восемь семьсот один сто двадцать три сорок пять шестьдесят семь", EntityType::kPhone,
               "+77011234567", "phone.spoken");
  check_spoken("плюс семь семь ноль один один два три четыре пять шесть семь", EntityType::kPhone, "+77011234567",
               "phone.spoken");
  check_spoken("восемь семь ноль один один два три четыре пять шесть семь", EntityType::kPhone, "+77011234567",
               "phone.spoken");
  check_spoken("Восемь Семьсот Один Сто Двадцать Три Сорок Пять Шестьдесят Семь", EntityType::kPhone,
               "+77011234567", "phone.spoken");
  // Astana landline: the city code said in two halves.
  check_spoken("восемь семьдесят один семьдесят два пятьдесят пять двенадцать тридцать четыре", EntityType::kPhone,
               "+77172551234", "phone.spoken");
  // Digits and words mixed, as recognizers print them.
  check_spoken("8 семьсот один 123 45 67", EntityType::kPhone, "+77011234567", "phone.spoken");
  check_spoken("восемь 701 123 45 67", EntityType::kPhone, "+77011234567", "phone.spoken");
  // Digit by digit, as a 10-digit Russian mobile.
  check_spoken("девять ноль пять шесть четыре шесть шесть один семь шесть", EntityType::kPhone, "+79056466176",
               "phone.spoken");
}

TEST_CASE("phones said as words in Kazakh and English", "[patterns]") {
  check_spoken("сегіз жеті жүз бір бір екі үш қырық бес алпыс жеті", EntityType::kPhone, "+77011234567",
               "phone.spoken");
  check_spoken("сегіз жеті жүз бір жүз жиырма үш қырық бес алпыс жеті", EntityType::kPhone, "+77011234567",
               "phone.spoken");
  check_spoken("плюс жеті жеті нөл бір бір екі үш төрт бес алты жеті", EntityType::kPhone, "+77011234567",
               "phone.spoken");
  check_spoken("eight seven oh one one two three four five six seven", EntityType::kPhone, "+77011234567",
               "phone.spoken");
  check_spoken("plus seven seven oh one double five five one two three four", EntityType::kPhone, "+77015551234",
               "phone.spoken");
  check_spoken("eight seven seven five seven six five eight zero two seven", EntityType::kPhone, "+77757658027",
               "phone.spoken");
}

TEST_CASE("ambiguous Kazakh hundreds are read the way that validates", "[patterns]") {
  // жеті жүз жетпіс алты | жүз елу үш: 776 153, not 770 653 (770 is no operator).
  check_spoken("сегіз жеті жүз жетпіс алты жүз елу үш елу жеті сексен сегіз", EntityType::kPhone, "+77761535788",
               "phone.spoken");
  // A number said before the phone does not swallow its first word.
  std::string text = "двадцать восемь семьсот один сто двадцать три сорок пять шестьдесят семь";
  auto found = scan(text);
  const Finding* f = find(found, text, EntityType::kPhone,
                          "восемь семьсот один сто двадцать три сорок пять шестьдесят семь");
  REQUIRE(f != nullptr);
  CHECK(f->normalized == "+77011234567");
}

TEST_CASE("IINs and cards said as words", "[patterns]") {
  check_spoken("восемь восемь ноль один ноль один три один два три четыре один", EntityType::kIin, "880101312341",
               "iin.spoken");
  check_spoken("сегіз сегіз нөл бір нөл бір үш бір екі үш төрт бір", EntityType::kIin, "880101312341",
               "iin.spoken");
  check_spoken("eight eight zero one zero one three one two three four one", EntityType::kIin, "880101312341",
               "iin.spoken");
  check_spoken("восемьдесят восемь ноль один ноль один тридцать один двадцать три сорок один", EntityType::kIin,
               "880101312341", "iin.spoken");
  check_spoken("четыре четыре ноль ноль четыре три ноль один два три четыре пять шесть семь восемь девять",
               EntityType::kCard, "4400430123456789", "card.spoken");
}

TEST_CASE("number words that are no phone, IIN or card", "[patterns]") {
  auto nothing = [](std::string_view text) {
    INFO(text);
    auto found = scan(text);
    CHECK(none_of_type(found, EntityType::kPhone));
    CHECK(none_of_type(found, EntityType::kIin));
    CHECK(none_of_type(found, EntityType::kBin));
    CHECK(none_of_type(found, EntityType::kCard));
  };
  nothing("один два три четыре пять шесть семь восемь девять десять");
  nothing("задолженность двенадцать тысяч пятьсот тенге");
  nothing("мастер придет с десять ноль ноль до двенадцать ноль ноль");
  nothing("он сказал что он придет в семь тридцать");
  nothing("мне тридцать пять лет а сыну восемь");
  nothing("номер заказа семь ноль один два три четыре пять шесть семь восемь");
  nothing("тапсырыс нөмірі жеті жүз жиырма тоғыз тоғыз жүз алпыс төрт");
  // An IIN said with a wrong check digit.
  nothing("восемь восемь ноль один ноль один три один два три четыре два");
  nothing("one two three four five six seven eight nine ten");
}

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "anonymize/recognizer.h"
#include "anonymize/token.h"
#include "support/pattern_scan.h"

namespace {

using namespace dpa::anonymize;

std::vector<Finding> scan(std::string_view text) { return test::scan_patterns(text); }

std::string surface(std::string_view text, const Finding& f) { return std::string(text.substr(f.begin, f.length())); }

// Requires a finding of `type` spanning exactly `expected` in `text` and
// returns it.
Finding found(std::string_view text, EntityType type, std::string_view expected) {
  INFO("text: " << text << "\nexpected " << entity_type_name(type) << ": " << expected);
  for (const auto& f : scan(text)) {
    if (f.type == type && surface(text, f) == expected) {
      CHECK(f.confidence >= 0.5f);
      CHECK(f.confidence <= 1.0f);
      CHECK_FALSE(f.recognizer.empty());
      return f;
    }
  }
  std::string all;
  for (const auto& f : scan(text)) all += std::string(entity_type_name(f.type)) + " [" + surface(text, f) + "] ";
  FAIL("not found; findings: " << all);
  return {};
}

// Requires no finding of `type` (at or above the engine's threshold).
void not_found(std::string_view text, EntityType type) {
  for (const auto& f : scan(text)) {
    if (f.type == type && f.confidence >= 0.5f) {
      FAIL("text: " << text << "\nunexpected " << entity_type_name(type) << " [" << surface(text, f) << "]");
    }
  }
  SUCCEED();
}

void no_finding(std::string_view text) {
  auto all = scan(text);
  std::string s;
  for (const auto& f : all) s += std::string(entity_type_name(f.type)) + " [" + surface(text, f) + "] ";
  INFO("text: " << text << "\nfindings: " << s);
  CHECK(all.empty());
}

}  // namespace

TEST_CASE("make_pattern_recognizers gives named recognizers", "[patterns]") {
  auto recognizers = make_pattern_recognizers();
  REQUIRE_FALSE(recognizers.empty());
  for (const auto& r : recognizers) CHECK_FALSE(r->name().empty());
}

TEST_CASE("phones in every written form used in Kazakhstan and Russia", "[patterns]") {
  const char* forms[] = {"+7 701 123 45 67", "+7(701)1234567",  "8 (701) 123-45-67", "87011234567",
                         "8-701-123-45-67",  "7011234567",      "+77011234567",      "+7 (701) 123 45 67",
                         "8 701 123 4567",   "7 701 1234567",   "+7(701)123-45-67",  "8 701 123 45 67"};
  for (const char* form : forms) {
    std::string text = std::string("Мой номер ") + form + ", звоните.";
    auto f = found(text, EntityType::kPhone, form);
    CHECK(f.normalized == "+77011234567");
    CHECK(f.recognizer == "phone.digits");
  }
  CHECK(found("тел 8 7172 12 34 56", EntityType::kPhone, "8 7172 12 34 56").normalized == "+77172123456");
  CHECK(found("тел +7 (7172) 123456", EntityType::kPhone, "+7 (7172) 123456").normalized == "+77172123456");
  CHECK(found("тел 8 727 123 45 67", EntityType::kPhone, "8 727 123 45 67").normalized == "+77271234567");
  CHECK(found("тел +7 916 123-45-67", EntityType::kPhone, "+7 916 123-45-67").normalized == "+79161234567");
  CHECK(found("Uzbek number +998 90 123 45 67", EntityType::kPhone, "+998 90 123 45 67").normalized ==
        "+998901234567");
  CHECK(found("тел.: 87011234567.", EntityType::kPhone, "87011234567").confidence >= 0.9f);
  // Digits split across tokens, as speech recognition prints them.
  CHECK(found("тел 8 7 0 1 1 2 3 4 5 6 7", EntityType::kPhone, "8 7 0 1 1 2 3 4 5 6 7").normalized == "+77011234567");
  CHECK(found("тел 87 01 12 34 567", EntityType::kPhone, "87 01 12 34 567").normalized == "+77011234567");
  CHECK(found("тел87011234567", EntityType::kPhone, "87011234567").normalized == "+77011234567");
  // Two numbers in a row are two findings.
  std::string two = "87011234567 87017654321";
  found(two, EntityType::kPhone, "87011234567");
  found(two, EntityType::kPhone, "87017654321");
}

TEST_CASE("numbers that only look like phones", "[patterns]") {
  not_found("Стоимость 12 500 тенге, итого 1 250 000 ₸", EntityType::kPhone);
  not_found("встреча в 10:30, дата 01.02.2024, год 2024", EntityType::kPhone);
  not_found("заказ № 7011234567 оформлен", EntityType::kPhone);
  not_found("номер заказа 7011234567", EntityType::kPhone);
  not_found("накладная 3456789012 вес 3 кг", EntityType::kPhone);
  not_found("сумма 7 000 000 000 тенге", EntityType::kPhone);
  not_found("звоните 8 800 555 35 35 бесплатно", EntityType::kPhone);  // toll-free: a company's
  not_found("ID7011234567 и 7011234567abc", EntityType::kPhone);
  not_found("курс 87011234567.5", EntityType::kPhone);
  not_found("номер 1234567890 и 5011234567", EntityType::kPhone);
  not_found("ИИН 880101312341", EntityType::kPhone);
  not_found("трек NL123456789KZ", EntityType::kPhone);
  not_found("9161234567", EntityType::kPhone);  // ten digits from 9, no cue, no grouping
  not_found("ИНН 7712345678, КПП 771201001", EntityType::kPhone);
}

TEST_CASE("IIN and BIN: check digit and date decide", "[patterns]") {
  auto iin = found("мой иин 880101312341 спасибо", EntityType::kIin, "880101312341");
  CHECK(iin.normalized == "880101312341");
  CHECK(iin.validator == "iin.checksum");
  CHECK(iin.confidence >= 0.95f);
  CHECK(found("ИИН: 880101 312341", EntityType::kIin, "880101 312341").normalized == "880101312341");
  CHECK(found("ИИН 880 101 312 341", EntityType::kIin, "880 101 312 341").normalized == "880101312341");
  CHECK(found("IIN 950315456785.", EntityType::kIin, "950315456785").confidence >= 0.9f);
  CHECK(found("ИИН880101312341", EntityType::kIin, "880101312341").context == "иин");
  CHECK(found("БИН компании 990340123456", EntityType::kBin, "990340123456").normalized == "990340123456");
  not_found("лицевой счет 880101312342", EntityType::kIin);  // wrong check digit
  not_found("лицевой счет 880101312342", EntityType::kBin);
  not_found("номер 881301312341", EntityType::kIin);  // month 13
  not_found("полис 2202 0832 7820 5823", EntityType::kIin);
  not_found("8801013123412", EntityType::kIin);  // 13 digits
}

TEST_CASE("IBAN: KZ with mod 97, compact, grouped or lower case", "[patterns]") {
  CHECK(found("IBAN KZ86125KZT5004100100, получатель", EntityType::kIban, "KZ86125KZT5004100100").normalized ==
        "KZ86125KZT5004100100");
  CHECK(found("счет KZ86 125K ZT50 0410 0100 ок", EntityType::kIban, "KZ86 125K ZT50 0410 0100").normalized ==
        "KZ86125KZT5004100100");
  CHECK(found("на счет kz86125kzt5004100100", EntityType::kIban, "kz86125kzt5004100100").normalized ==
        "KZ86125KZT5004100100");
  CHECK(found("DE89370400440532013000", EntityType::kIban, "DE89370400440532013000").normalized ==
        "DE89370400440532013000");
  not_found("KZ87125KZT5004100100", EntityType::kIban);
  not_found("KZ86125KZT50041001001", EntityType::kIban);
  not_found("трек NL123456789KZ", EntityType::kIban);
}

TEST_CASE("payment cards: Luhn, brand prefix, grouping", "[patterns]") {
  CHECK(found("карта 4400 4301 2345 6789", EntityType::kCard, "4400 4301 2345 6789").normalized ==
        "4400430123456789");
  CHECK(found("карта 4400430123456789", EntityType::kCard, "4400430123456789").validator == "luhn");
  CHECK(found("card 4400-4301-2345-6789.", EntityType::kCard, "4400-4301-2345-6789").normalized ==
        "4400430123456789");
  CHECK(found("Mir 2200 1234 5678 9019", EntityType::kCard, "2200 1234 5678 9019").normalized ==
        "2200123456789019");
  CHECK(found("amex 3782 822463 10005", EntityType::kCard, "3782 822463 10005").normalized == "378282246310005");
  not_found("карта 4400 4301 2345 6788", EntityType::kCard);     // Luhn
  not_found("номер 1234 5678 9012 3452", EntityType::kCard);     // no brand starts with 1
  not_found("4400 43012 345 6789", EntityType::kCard);           // not a card's grouping
  not_found("card ending 6789", EntityType::kCard);
}

TEST_CASE("e-mail addresses written and said aloud", "[patterns]") {
  CHECK(found("почта Ivan.Petrov@Mail.ru.", EntityType::kEmail, "Ivan.Petrov@Mail.ru").normalized ==
        "ivan.petrov@mail.ru");
  CHECK(found("<a.b-c_d+tag@sub.example.kz>", EntityType::kEmail, "a.b-c_d+tag@sub.example.kz").normalized ==
        "a.b-c_d+tag@sub.example.kz");
  auto spoken = found("клиент: ivan точка petrov собака mail точка ru\n", EntityType::kEmail,
                      "ivan точка petrov собака mail точка ru");
  CHECK(spoken.normalized == "ivan.petrov@mail.ru");
  CHECK(spoken.recognizer == "email.spoken");
  CHECK(found("it's ivan dot petrov at gmail dot com thanks", EntityType::kEmail, "ivan dot petrov at gmail dot com")
            .normalized == "ivan.petrov@gmail.com");
  CHECK(found("yerzhan underscore akhmetov at gmail dot com", EntityType::kEmail,
              "yerzhan underscore akhmetov at gmail dot com")
            .normalized == "yerzhan_akhmetov@gmail.com");
  CHECK(found("arman астыңғы сызық abdrakhmanov собака mail нүкте ru", EntityType::kEmail,
              "arman астыңғы сызық abdrakhmanov собака mail нүкте ru")
            .normalized == "arman_abdrakhmanov@mail.ru");
  CHECK(found("ivan нижнее подчеркивание petrov85 собака inbox.ru", EntityType::kEmail,
              "ivan нижнее подчеркивание petrov85 собака inbox.ru")
            .normalized == "ivan_petrov85@inbox.ru");
  not_found("пишите @ivan_petrov в телеграм", EntityType::kEmail);
  not_found("user@localhost и a@b", EntityType::kEmail);
  not_found("meet me at home dot", EntityType::kEmail);
  not_found("at gmail dot com", EntityType::kEmail);
}

TEST_CASE("IP addresses, not versions or dates", "[patterns]") {
  CHECK(found("вход с 192.168.1.10, потом", EntityType::kIpAddress, "192.168.1.10").normalized == "192.168.1.10");
  CHECK(found("IP 2001:db8::ff00:42:8329.", EntityType::kIpAddress, "2001:db8::ff00:42:8329").normalized ==
        "2001:db8::ff00:42:8329");
  CHECK(found("адрес fe80::1 в сети", EntityType::kIpAddress, "fe80::1").validator == "inet_pton");
  CHECK(found("IP: FE80::A5F7:A789:90CC:41DC🙂", EntityType::kIpAddress, "FE80::A5F7:A789:90CC:41DC").normalized ==
        "fe80::a5f7:a789:90cc:41dc");
  not_found("обновила до версии 15.8.35.73 и всё", EntityType::kIpAddress);
  not_found("the app version is 10.18.67.124", EntityType::kIpAddress);
  not_found("версия 1.2.3 от 01.02.2024, v1.2.3.4, 1.2.3.4.5, 300.1.1.1", EntityType::kIpAddress);
  not_found("в 10:30:45 std::string и MAC 00:1a:2b:3c:4d:5e", EntityType::kIpAddress);
}

TEST_CASE("URLs are reported when they point at a person", "[patterns]") {
  CHECK(found("мой инстаграм https://instagram.com/ivan_petrov.", EntityType::kUrl,
              "https://instagram.com/ivan_petrov")
            .normalized == "https://instagram.com/ivan_petrov");
  found("пишите t.me/ivanpetrov", EntityType::kUrl, "t.me/ivanpetrov");
  found("https://wa.me/77011234567", EntityType::kUrl, "https://wa.me/77011234567");
  found("www.vk.com/id123456", EntityType::kUrl, "www.vk.com/id123456");
  found("https://www.linkedin.com/in/ivan-petrov/", EntityType::kUrl, "https://www.linkedin.com/in/ivan-petrov/");
  found("форма https://example.kz/form?phone=87011234567&x=1", EntityType::kUrl,
        "https://example.kz/form?phone=87011234567&x=1");
  found("http://crm.example.com/clients?id=42", EntityType::kUrl, "http://crm.example.com/clients?id=42");
  not_found("сайт https://example.kz и https://docs.example.com/guide/install", EntityType::kUrl);
  not_found("https://www.linkedin.com/company/acme", EntityType::kUrl);
  not_found("https://instagram.com/explore", EntityType::kUrl);
}

TEST_CASE("dates of birth only with a birth cue", "[patterns]") {
  CHECK(found("Дата рождения: 12.03.1985", EntityType::kDateOfBirth, "12.03.1985").normalized == "1985-03-12");
  CHECK(found("родилась 12 марта 1985 года", EntityType::kDateOfBirth, "12 марта 1985 года").normalized ==
        "1985-03-12");
  CHECK(found("д.р. 12/03/1985", EntityType::kDateOfBirth, "12/03/1985").normalized == "1985-03-12");
  CHECK(found("DOB 1985-03-12", EntityType::kDateOfBirth, "1985-03-12").normalized == "1985-03-12");
  CHECK(found("born March 12, 1985", EntityType::kDateOfBirth, "March 12, 1985").normalized == "1985-03-12");
  CHECK(found("туған күні: 1985 жылғы 12 наурыз", EntityType::kDateOfBirth, "1985 жылғы 12 наурыз").normalized ==
        "1985-03-12");
  CHECK(found("12.03.1985 г.р.", EntityType::kDateOfBirth, "12.03.1985").context == "г.р.");
  CHECK(found("дата рождения клиент: 25 01 1984", EntityType::kDateOfBirth, "25 01 1984").normalized ==
        "1984-01-25");
  CHECK(found("Date of birth?\n[10:55] Saule Nurlanova: December 19, 1998\n", EntityType::kDateOfBirth,
              "December 19, 1998")
            .normalized == "1998-12-19");
  not_found("доставка 12.03.2024, приём 12 марта 1985", EntityType::kDateOfBirth);
  not_found("Туған күніңіз? 26.02.2024, 16:33 - Салтанат", EntityType::kDateOfBirth);
  not_found("дата рождения? клиент с 2005 года, доставка 2020-03-30", EntityType::kDateOfBirth);
  not_found("дата рождения 31.02.1985", EntityType::kDateOfBirth);
  not_found("родился, версия 1.5.31", EntityType::kDateOfBirth);
}

TEST_CASE("identity card and passport numbers only with a cue", "[patterns]") {
  CHECK(found("удостоверение личности № 012345678", EntityType::kIdCard, "012345678").normalized == "012345678");
  found("жеке куәлігіңіздің нөмірін айтыңыз клиент: 063065646", EntityType::kIdCard, "063065646");
  found("the number on your identity card customer: it's 004765670", EntityType::kIdCard, "004765670");
  CHECK(found("паспорт N12345678", EntityType::kPassport, "N12345678").normalized == "N12345678");
  found("passport number customer: it's n93370417", EntityType::kPassport, "n93370417");
  found("Номер паспорта 4517 339105", EntityType::kPassport, "4517 339105");
  not_found("номер 012345678", EntityType::kIdCard);
  not_found("заказ № 012345678", EntityType::kIdCard);
  not_found("артикул N12345678", EntityType::kPassport);
}

TEST_CASE("passport numbers after a compound or inflected passport word", "[patterns]") {
  found("загранпаспорт N04417562 действует до марта", EntityType::kPassport, "N04417562");
  found("Мой ЗАГРАНПАСПОРТ: N93370417", EntityType::kPassport, "N93370417");
  found("төлқұжатыңызды айтыңызшы клиент: N11223344", EntityType::kPassport, "N11223344");
  found("Passports on file: N55512345", EntityType::kPassport, "N55512345");
  // Look-alikes: the same shape without a passport word, or a word that
  // only resembles one.
  not_found("заказ N04417562 отправлен", EntityType::kPassport);
  not_found("накладная N04417562", EntityType::kPassport);
}

TEST_CASE("vehicle plates", "[patterns]") {
  CHECK(found("машина 123 ABC 02 белая", EntityType::kVehiclePlate, "123 ABC 02").normalized == "123ABC02");
  CHECK(found("номер 123ABC02.", EntityType::kVehiclePlate, "123ABC02").normalized == "123ABC02");
  found("госномер автомобиля клиент: 556 onl 14", EntityType::kVehiclePlate, "556 onl 14");
  found("A 123 BCD", EntityType::kVehiclePlate, "A 123 BCD");
  found("авто А123ВС77", EntityType::kVehiclePlate, "А123ВС77");
  not_found("купил 248 km 07 числа", EntityType::kVehiclePlate);  // lower case, no cue
  not_found("машина 123 ABC 55", EntityType::kVehiclePlate);      // no such region
  not_found("1234 ABC 02", EntityType::kVehiclePlate);
}

TEST_CASE("lower-case spaced plates whose letters stand out", "[patterns]") {
  // Latin letters among Cyrillic words, as a transcript prints a plate.
  CHECK(found("моя 123 abc 02 серый спортейдж", EntityType::kVehiclePlate, "123 abc 02").normalized == "123ABC02");
  found("такси приехало 045 kmn 17 а водитель другой", EntityType::kVehiclePlate, "045 kmn 17");
  // English: letters without a vowel are no word.
  found("mine 714 khp 05 a grey sportage", EntityType::kVehiclePlate, "714 khp 05");
  // Look-alikes: a word, a unit, a currency, a region that does not exist.
  not_found("mine 714 car 05 a grey sportage", EntityType::kVehiclePlate);
  not_found("купил 248 km 07 числа", EntityType::kVehiclePlate);
  not_found("оплатил 500 usd 10 числа", EntityType::kVehiclePlate);
  not_found("моя 123 abc 42 серый", EntityType::kVehiclePlate);
  not_found("моя 1234 abc 02 серый", EntityType::kVehiclePlate);
}

TEST_CASE("street addresses with house and flat numbers", "[patterns]") {
  CHECK(found("адрес: г. Алматы, ул. Абая, д. 15, кв. 3", EntityType::kAddress, "ул. Абая, д. 15, кв. 3")
            .normalized == "ул. абая, д. 15, кв. 3");
  found("пр-т Достык 15", EntityType::kAddress, "пр-т Достык 15");
  found("мкр. Самал-2 15, кв. 3", EntityType::kAddress, "мкр. Самал-2 15, кв. 3");
  found("ул. Кабанбай батыра 153а 06.04.2025, 19:00", EntityType::kAddress, "ул. Кабанбай батыра 153а");
  found("Клиент: ул. Толе би 15Б\n", EntityType::kAddress, "ул. Толе би 15Б");
  found("пр. Аль-Фараби 17/1", EntityType::kAddress, "пр. Аль-Фараби 17/1");
  found("клиент: улица абая дом пятнадцать квартира три\n", EntityType::kAddress,
        "улица абая дом пятнадцать квартира три");
  found("проспект аль-фараби дом сто двадцать пять квартира сорок", EntityType::kAddress,
        "проспект аль-фараби дом сто двадцать пять квартира сорок");
  found("микрорайон мамыр четыре дом 127 квартира 90", EntityType::kAddress,
        "микрорайон мамыр четыре дом 127 квартира 90");
  found("Алматы қаласы Абай көшесі 15 үй 3 пәтер", EntityType::kAddress, "Абай көшесі 15 үй 3 пәтер");
  found("төле би көшесі 45 үй", EntityType::kAddress, "төле би көшесі 45 үй");
  found("самал-2 шағын ауданы 15 үй 3 пәтер", EntityType::kAddress, "самал-2 шағын ауданы 15 үй 3 пәтер");
  found("15 Tole bi street apartment 3 Almaty", EntityType::kAddress, "15 Tole bi street apartment 3");
  found("she lives at 221B Baker Street", EntityType::kAddress, "221B Baker Street");
  found("Самал-2 ш.а. 15 үй 3 пәтер", EntityType::kAddress, "Самал-2 ш.а. 15 үй 3 пәтер");
  found("б-р Мухамеджанова 12, кв. 4", EntityType::kAddress, "б-р Мухамеджанова 12, кв. 4");
  found("microdistrict samal-2 building 15 apartment 3", EntityType::kAddress,
        "microdistrict samal-2 building 15 apartment 3");
  not_found("на улице было холодно 5 градусов", EntityType::kAddress);
  not_found("на улице было минус 5", EntityType::kAddress);
  found("живу на улице Абая 15", EntityType::kAddress, "улице Абая 15");
  found("живу на улице абая дом 15", EntityType::kAddress, "улице абая дом 15");
  not_found("живу на улице Абая", EntityType::kAddress);
  not_found("he came 1st street", EntityType::kAddress);
  not_found("и пр. 5 штук", EntityType::kAddress);
}

TEST_CASE("ordinary text gives no findings", "[patterns]") {
  no_finding("Здравствуйте! Хочу поменять тариф на более дешевый, спасибо.");
  no_finding("оператор: добрый день компания акме меня зовут анна чем могу помочь");
  no_finding("сәлеметсіз бе тарифті ауыстырғым келеді рахмет сау болыңыз");
  no_finding("thank you for calling acme my name is anna how can i help you today");
  no_finding("Заказ № 12345678 на сумму 12 500 ₸ будет доставлен 12.03.2024 с 10:00 до 12:00.");
  no_finding("талон номер 45 кабинет 215 в 14:30, версия 2.3.1, 100%");
}

TEST_CASE("findings stay inside the text on arbitrary input", "[patterns]") {
  const char* pieces[] = {"8",  "701", "+7", "(",  ")",   "-",    "@",   ".",      ":",   "::", "KZ86", "N",
                          "ул", "дом", "15", "а",  "жүз", "семь", "плюс", "собака", "dot", "http", "://", "www",
                          "/",  "\n",  " ",  "  ", "«",   "🙂",   "1985", "марта",  "г",   "р",   "12",  "0"};
  std::mt19937 rng(12345);
  for (int round = 0; round < 300; ++round) {
    std::string text;
    int n = static_cast<int>(rng() % 60);
    for (int k = 0; k < n; ++k) {
      text += pieces[rng() % std::size(pieces)];
      if (rng() % 2) text += ' ';
    }
    for (const auto& f : scan(text)) {
      REQUIRE(f.begin < f.end);
      REQUIRE(f.end <= text.size());
    }
  }
}

TEST_CASE("pattern recognizers are safe to call from several threads", "[patterns]") {
  auto recognizers = make_pattern_recognizers();
  std::string text = "тел 8 (701) 123-45-67, ИИН 880101312341, ivan@mail.ru, ул. Абая 15, "
                     "восемь семьсот один сто двадцать три сорок пять шестьдесят семь";
  std::vector<Token> tokens;
  tokenize(text, tokens);
  auto run = [&] {
    std::size_t count = 0;
    for (int k = 0; k < 200; ++k) {
      std::vector<Finding> out;
      ScanContext ctx{text, tokens};
      for (const auto& r : recognizers) r->find(ctx, out);
      count += out.size();
    }
    return count;
  };
  std::size_t a = 0, b = 0;
  std::thread t1([&] { a = run(); });
  std::thread t2([&] { b = run(); });
  t1.join();
  t2.join();
  CHECK(a == b);
  CHECK(a > 0);
}

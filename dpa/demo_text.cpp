#include "dpa/demo_text.h"

#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <stdexcept>

namespace dpa::demo {
namespace {

using std::chrono::sys_days;
using std::chrono::year_month_day;

// ---------------------------------------------------------------------------
// Built-in lists. Common names only; combined at random they describe no one.

// clang-format off
struct GivenName {
  const char* ru[kCaseCount];  // nom, gen, dat, acc, ins, prep
  const char* kk;              // Kazakh spelling
  const char* lat;
  const char* patronymic_m;  // "Сергеевич": what a child of this father is called
  const char* patronymic_f;
};

const GivenName kRussianMale[] = {
    {{"Александр", "Александра", "Александру", "Александра", "Александром", "Александре"},
     "Александр", "Aleksandr", "Александрович", "Александровна"},
    {{"Сергей", "Сергея", "Сергею", "Сергея", "Сергеем", "Сергее"}, "Сергей", "Sergey", "Сергеевич",
     "Сергеевна"},
    {{"Дмитрий", "Дмитрия", "Дмитрию", "Дмитрия", "Дмитрием", "Дмитрии"}, "Дмитрий", "Dmitriy",
     "Дмитриевич", "Дмитриевна"},
    {{"Андрей", "Андрея", "Андрею", "Андрея", "Андреем", "Андрее"}, "Андрей", "Andrey", "Андреевич",
     "Андреевна"},
    {{"Алексей", "Алексея", "Алексею", "Алексея", "Алексеем", "Алексее"}, "Алексей", "Aleksey",
     "Алексеевич", "Алексеевна"},
    {{"Иван", "Ивана", "Ивану", "Ивана", "Иваном", "Иване"}, "Иван", "Ivan", "Иванович", "Ивановна"},
    {{"Николай", "Николая", "Николаю", "Николая", "Николаем", "Николае"}, "Николай", "Nikolay",
     "Николаевич", "Николаевна"},
    {{"Максим", "Максима", "Максиму", "Максима", "Максимом", "Максиме"}, "Максим", "Maksim",
     "Максимович", "Максимовна"},
    {{"Владимир", "Владимира", "Владимиру", "Владимира", "Владимиром", "Владимире"}, "Владимир",
     "Vladimir", "Владимирович", "Владимировна"},
    {{"Виктор", "Виктора", "Виктору", "Виктора", "Виктором", "Викторе"}, "Виктор", "Viktor",
     "Викторович", "Викторовна"},
};

const GivenName kRussianFemale[] = {
    {{"Елена", "Елены", "Елене", "Елену", "Еленой", "Елене"}, "Елена", "Elena", nullptr, nullptr},
    {{"Ольга", "Ольги", "Ольге", "Ольгу", "Ольгой", "Ольге"}, "Ольга", "Olga", nullptr, nullptr},
    {{"Наталья", "Натальи", "Наталье", "Наталью", "Натальей", "Наталье"}, "Наталья", "Natalya",
     nullptr, nullptr},
    {{"Татьяна", "Татьяны", "Татьяне", "Татьяну", "Татьяной", "Татьяне"}, "Татьяна", "Tatyana",
     nullptr, nullptr},
    {{"Анна", "Анны", "Анне", "Анну", "Анной", "Анне"}, "Анна", "Anna", nullptr, nullptr},
    {{"Мария", "Марии", "Марии", "Марию", "Марией", "Марии"}, "Мария", "Mariya", nullptr, nullptr},
    {{"Ирина", "Ирины", "Ирине", "Ирину", "Ириной", "Ирине"}, "Ирина", "Irina", nullptr, nullptr},
    {{"Светлана", "Светланы", "Светлане", "Светлану", "Светланой", "Светлане"}, "Светлана",
     "Svetlana", nullptr, nullptr},
    {{"Екатерина", "Екатерины", "Екатерине", "Екатерину", "Екатериной", "Екатерине"}, "Екатерина",
     "Ekaterina", nullptr, nullptr},
    {{"Юлия", "Юлии", "Юлии", "Юлию", "Юлией", "Юлии"}, "Юлия", "Yuliya", nullptr, nullptr},
};

const GivenName kKazakhMale[] = {
    {{"Нурлан", "Нурлана", "Нурлану", "Нурлана", "Нурланом", "Нурлане"}, "Нұрлан", "Nurlan",
     "Нурланович", "Нурлановна"},
    {{"Ержан", "Ержана", "Ержану", "Ержана", "Ержаном", "Ержане"}, "Ержан", "Yerzhan", "Ержанович",
     "Ержановна"},
    {{"Асхат", "Асхата", "Асхату", "Асхата", "Асхатом", "Асхате"}, "Асхат", "Askhat", "Асхатович",
     "Асхатовна"},
    {{"Бауыржан", "Бауыржана", "Бауыржану", "Бауыржана", "Бауыржаном", "Бауыржане"}, "Бауыржан",
     "Bauyrzhan", "Бауыржанович", "Бауыржановна"},
    {{"Серик", "Серика", "Серику", "Серика", "Сериком", "Серике"}, "Серік", "Serik", "Серикович",
     "Сериковна"},
    {{"Мурат", "Мурата", "Мурату", "Мурата", "Муратом", "Мурате"}, "Мұрат", "Murat", "Муратович",
     "Муратовна"},
    {{"Кайрат", "Кайрата", "Кайрату", "Кайрата", "Кайратом", "Кайрате"}, "Қайрат", "Kairat",
     "Кайратович", "Кайратовна"},
    {{"Даурен", "Даурена", "Даурену", "Даурена", "Дауреном", "Даурене"}, "Дәурен", "Dauren",
     "Дауренович", "Дауреновна"},
    {{"Арман", "Армана", "Арману", "Армана", "Арманом", "Армане"}, "Арман", "Arman", "Арманович",
     "Армановна"},
    {{"Талгат", "Талгата", "Талгату", "Талгата", "Талгатом", "Талгате"}, "Талғат", "Talgat",
     "Талгатович", "Талгатовна"},
    {{"Айдос", "Айдоса", "Айдосу", "Айдоса", "Айдосом", "Айдосе"}, "Айдос", "Aidos", "Айдосович",
     "Айдосовна"},
};

// Kazakh feminine names ending in a consonant or -е stay undeclined in Russian.
const GivenName kKazakhFemale[] = {
    {{"Айгуль", "Айгуль", "Айгуль", "Айгуль", "Айгуль", "Айгуль"}, "Айгүл", "Aigul", nullptr, nullptr},
    {{"Гульнара", "Гульнары", "Гульнаре", "Гульнару", "Гульнарой", "Гульнаре"}, "Гүлнара", "Gulnara",
     nullptr, nullptr},
    {{"Динара", "Динары", "Динаре", "Динару", "Динарой", "Динаре"}, "Динара", "Dinara", nullptr,
     nullptr},
    {{"Жанар", "Жанар", "Жанар", "Жанар", "Жанар", "Жанар"}, "Жанар", "Zhanar", nullptr, nullptr},
    {{"Мадина", "Мадины", "Мадине", "Мадину", "Мадиной", "Мадине"}, "Мадина", "Madina", nullptr,
     nullptr},
    {{"Асель", "Асель", "Асель", "Асель", "Асель", "Асель"}, "Әсел", "Asel", nullptr, nullptr},
    {{"Айжан", "Айжан", "Айжан", "Айжан", "Айжан", "Айжан"}, "Айжан", "Aizhan", nullptr, nullptr},
    {{"Сауле", "Сауле", "Сауле", "Сауле", "Сауле", "Сауле"}, "Сәуле", "Saule", nullptr, nullptr},
    {{"Акерке", "Акерке", "Акерке", "Акерке", "Акерке", "Акерке"}, "Ақерке", "Akerke", nullptr,
     nullptr},
    {{"Назерке", "Назерке", "Назерке", "Назерке", "Назерке", "Назерке"}, "Назерке", "Nazerke",
     nullptr, nullptr},
};

// Masculine nominative; all end in -ов/-ев/-ин and decline regularly.
struct Surname {
  const char* ru;
  const char* kk;
  const char* lat;
};

const Surname kRussianSurnames[] = {
    {"Иванов", "Иванов", "Ivanov"},     {"Петров", "Петров", "Petrov"},
    {"Смирнов", "Смирнов", "Smirnov"},  {"Кузнецов", "Кузнецов", "Kuznetsov"},
    {"Попов", "Попов", "Popov"},        {"Соколов", "Соколов", "Sokolov"},
    {"Волков", "Волков", "Volkov"},     {"Морозов", "Морозов", "Morozov"},
    {"Новиков", "Новиков", "Novikov"},  {"Федоров", "Федоров", "Fedorov"},
    {"Лебедев", "Лебедев", "Lebedev"},  {"Семенов", "Семенов", "Semenov"},
};

const Surname kKazakhSurnames[] = {
    {"Ахметов", "Ахметов", "Akhmetov"},          {"Омаров", "Омаров", "Omarov"},
    {"Сулейменов", "Сүлейменов", "Suleimenov"},  {"Жумабаев", "Жұмабаев", "Zhumabayev"},
    {"Искаков", "Ысқақов", "Iskakov"},           {"Касымов", "Қасымов", "Kassymov"},
    {"Нургалиев", "Нұрғалиев", "Nurgaliyev"},    {"Сарсенбаев", "Сәрсенбаев", "Sarsenbayev"},
    {"Абдрахманов", "Әбдірахманов", "Abdrakhmanov"}, {"Есенов", "Есенов", "Yessenov"},
    {"Бекмуханов", "Бекмұханов", "Bekmukhanov"}, {"Тулеуов", "Төлеуов", "Tuleuov"},
};

struct City {
  const char* ru;
  const char* kk;
  const char* lat;
  const char* area_code;  // landline, without the trunk prefix
};

const City kCities[] = {
    {"Алматы", "Алматы", "Almaty", "727"},          {"Астана", "Астана", "Astana", "7172"},
    {"Шымкент", "Шымкент", "Shymkent", "7252"},      {"Караганда", "Қарағанды", "Karaganda", "7212"},
    {"Актобе", "Ақтөбе", "Aktobe", "7132"},          {"Павлодар", "Павлодар", "Pavlodar", "7182"},
    {"Усть-Каменогорск", "Өскемен", "Oskemen", "7232"}, {"Атырау", "Атырау", "Atyrau", "7122"},
    {"Костанай", "Қостанай", "Kostanay", "7142"},
};

struct Street {
  const char* ru;
  const char* kk;
  const char* lat;
};

const Street kStreets[] = {
    {"Абая", "Абай", "Abay"},
    {"Толе би", "Төле би", "Tole bi"},
    {"Жибек жолы", "Жібек жолы", "Zhibek Zholy"},
    {"Сейфуллина", "Сейфуллин", "Seifullin"},
    {"Кенесары", "Кенесары", "Kenesary"},
    {"Богенбай батыра", "Бөгенбай батыр", "Bogenbay Batyr"},
    {"Пушкина", "Пушкин", "Pushkin"},
    {"Желтоксан", "Желтоқсан", "Zheltoksan"},
    {"Байтурсынова", "Байтұрсынұлы", "Baitursynuly"},
};
const Street kAvenues[] = {
    {"Достык", "Достық", "Dostyk"},
    {"Аль-Фараби", "Әл-Фараби", "Al-Farabi"},
    {"Республики", "Республика", "Respublika"},
    {"Мангилик Ел", "Мәңгілік Ел", "Mangilik El"},
};
const Street kMicroDistricts[] = {
    {"Самал-2", "Самал-2", "Samal-2"},   {"Аксай-4", "Ақсай-4", "Aksai-4"},
    {"Орбита-3", "Орбита-3", "Orbita-3"}, {"Жетысу-2", "Жетісу-2", "Zhetysu-2"},
    {"Коктем-1", "Көктем-1", "Koktem-1"},
};

const char* const kMobileCodes[] = {"700", "701", "702", "705", "707", "708",
                                    "747", "771", "775", "776", "777", "778"};
const char* const kMailDomains[] = {"mail.ru",  "gmail.com", "yandex.kz",   "inbox.ru",
                                    "bk.ru",    "list.ru",   "outlook.com", "icloud.com"};
const char* const kCardPrefixes[] = {"440043", "400303", "516949", "535600", "427856", "546944"};
const char* const kBankCodes[] = {"722", "601", "998", "826", "914", "965", "551"};

const char* const kMonthsRuGen[] = {"января", "февраля", "марта",    "апреля",  "мая",    "июня",
                                    "июля",   "августа", "сентября", "октября", "ноября", "декабря"};
const char* const kMonthsKk[] = {"қаңтар", "ақпан", "наурыз",   "сәуір", "мамыр",  "маусым",
                                 "шілде",  "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"};
const char* const kMonthsEn[] = {"January", "February", "March",     "April",   "May",      "June",
                                 "July",    "August",   "September", "October", "November", "December"};

// clang-format on

// ---------------------------------------------------------------------------
// Small helpers.

std::string digits(Rng& rng, int n, char first_min = '0') {
  std::string s;
  for (int i = 0; i < n; ++i) {
    int lo = (i == 0) ? first_min - '0' : 0;
    s += static_cast<char>('0' + rng.between(lo, 9));
  }
  return s;
}

std::string ascii_lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// The bytes of the first UTF-8 code point of `s`.
std::string first_letter(std::string_view s) {
  if (s.empty()) return {};
  std::size_t n = 1;
  auto b = static_cast<unsigned char>(s[0]);
  if (b >= 0xF0)
    n = 4;
  else if (b >= 0xE0)
    n = 3;
  else if (b >= 0xC0)
    n = 2;
  return std::string(s.substr(0, n));
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

// Removes the final UTF-8 code point (a Cyrillic letter is two bytes).
std::string drop_last_letter(const std::string& s) {
  std::size_t i = s.size();
  while (i > 0) {
    --i;
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) break;
  }
  return s.substr(0, i);
}

std::array<std::string, kCaseCount> decline_surname(const std::string& masc, bool male) {
  if (male) return {masc, masc + "а", masc + "у", masc + "а", masc + "ым", masc + "е"};
  std::string oy = masc + "ой";
  return {masc + "а", oy, oy, masc + "у", oy, oy};
}

std::array<std::string, kCaseCount> decline_patronymic(const std::string& nom, bool male) {
  if (male) return {nom, nom + "а", nom + "у", nom + "а", nom + "ем", nom + "е"};
  std::string stem = drop_last_letter(nom);  // "Сергеевн"
  return {nom, stem + "ы", stem + "е", stem + "у", stem + "ой", stem + "е"};
}

std::array<std::string, kCaseCount> forms(const GivenName& g) {
  std::array<std::string, kCaseCount> out;
  for (int c = 0; c < kCaseCount; ++c) out[static_cast<std::size_t>(c)] = g.ru[c];
  return out;
}

const std::string& form(const std::array<std::string, kCaseCount>& a, Case c) {
  return a[static_cast<std::size_t>(c)];
}

// "о" becomes "об" before a vowel sound.
std::string about(std::string_view next_word) {
  static const std::set<std::string> kVowels = {"А", "О", "У", "Э", "И", "Ы", "а", "о", "у", "э", "и", "ы"};
  return kVowels.count(first_letter(next_word)) ? "об" : "о";
}

// ---------------------------------------------------------------------------
// Numbers as speech recognition writes them out.

// clang-format off
const char* const kRuOnes[] = {"ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"};
const char* const kRuTeens[] = {"десять",      "одиннадцать", "двенадцать",   "тринадцать",   "четырнадцать",
                                "пятнадцать",  "шестнадцать", "семнадцать",   "восемнадцать", "девятнадцать"};
const char* const kRuTens[] = {"", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
                               "восемьдесят", "девяносто"};
const char* const kRuHundreds[] = {"", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот",
                                   "восемьсот", "девятьсот"};
const char* const kKkOnes[] = {"нөл", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"};
const char* const kKkTens[] = {"", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан"};
const char* const kEnOnes[] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
const char* const kEnTeens[] = {"ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
const char* const kEnTens[] = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
// clang-format on

// 1..999
std::vector<std::string> below_thousand(Lang lang, int n, bool feminine = false) {
  std::vector<std::string> w;
  int h = n / 100, t = (n / 10) % 10, o = n % 10;
  switch (lang) {
    case Lang::kRu:
      if (h) w.push_back(kRuHundreds[h]);
      if (t == 1) {
        w.push_back(kRuTeens[o]);
        return w;
      }
      if (t) w.push_back(kRuTens[t]);
      if (o) w.push_back(feminine && o == 1 ? "одна" : feminine && o == 2 ? "две" : kRuOnes[o]);
      return w;
    case Lang::kKk:
      if (h == 1)
        w.push_back("жүз");
      else if (h)
        w.insert(w.end(), {kKkOnes[h], "жүз"});
      if (t) w.push_back(kKkTens[t]);
      if (o) w.push_back(kKkOnes[o]);
      return w;
    case Lang::kEn:
      if (h) w.insert(w.end(), {kEnOnes[h], "hundred"});
      if (t == 1) {
        w.push_back(kEnTeens[o]);
        return w;
      }
      if (t) w.push_back(kEnTens[t]);
      if (o) w.push_back(kEnOnes[o]);
      return w;
  }
  return w;
}

// 0..999999 in words.
std::string say_number(Lang lang, int n) {
  if (n == 0) return lang == Lang::kRu ? "ноль" : lang == Lang::kKk ? "нөл" : "zero";
  std::vector<std::string> w;
  if (int th = n / 1000; th > 0) {
    if (lang == Lang::kKk && th == 1) {
      w.push_back("мың");
    } else {
      auto t = below_thousand(lang, th, lang == Lang::kRu);
      w.insert(w.end(), t.begin(), t.end());
      if (lang == Lang::kRu) {
        int last2 = th % 100, last = th % 10;
        w.push_back((last2 >= 11 && last2 <= 14) ? "тысяч"
                    : last == 1                  ? "тысяча"
                    : (last >= 2 && last <= 4)   ? "тысячи"
                                                 : "тысяч");
      } else {
        w.push_back(lang == Lang::kKk ? "мың" : "thousand");
      }
    }
  }
  if (int rest = n % 1000; rest > 0) {
    auto r = below_thousand(lang, rest);
    w.insert(w.end(), r.begin(), r.end());
  }
  return join(w, " ");
}

std::string zero_word(Lang lang) { return lang == Lang::kRu ? "ноль" : lang == Lang::kKk ? "нөл" : "zero"; }

// A digit group as said aloud: "045" -> "ноль сорок пять", "00" -> "ноль ноль".
std::string say_group(Lang lang, std::string_view group) {
  std::vector<std::string> w;
  std::size_t i = 0;
  while (i + 1 < group.size() && group[i] == '0') {
    w.push_back(zero_word(lang));
    ++i;
  }
  w.push_back(say_number(lang, std::stoi(std::string(group.substr(i)))));
  return join(w, " ");
}

std::string say_digits(Lang lang, std::string_view ds, bool oh = false) {
  std::vector<std::string> w;
  for (char c : ds) {
    int d = c - '0';
    if (lang == Lang::kEn)
      w.push_back(d == 0 && oh ? "oh" : kEnOnes[d]);
    else if (lang == Lang::kKk)
      w.push_back(kKkOnes[d]);
    else
      w.push_back(kRuOnes[d]);
  }
  return join(w, " ");
}

// ---------------------------------------------------------------------------
// Phone numbers.

struct PhoneParts {
  std::string code;
  std::vector<std::string> local;
};

// Mobile codes 70x/74x/77x and Almaty's 727 are three digits, other city
// codes four; the local part is grouped 3-2-2 or 2-2-2.
PhoneParts split_phone(std::string_view n) {
  std::size_t code_len = (n[1] == '0' || n[1] == '4' || n[1] == '7' || n.substr(0, 3) == "727") ? 3 : 4;
  PhoneParts p;
  p.code = std::string(n.substr(0, code_len));
  std::string_view local = n.substr(code_len);
  std::size_t first = local.size() - 4;
  p.local = {std::string(local.substr(0, first)), std::string(local.substr(first, 2)),
             std::string(local.substr(first + 2, 2))};
  return p;
}

std::string spoken_phone(Lang lang, std::string_view national, Rng& rng, bool force_words) {
  PhoneParts p = split_phone(national);
  std::string nat(national);
  auto words = [&](Lang l, const std::string& trunk) {
    std::vector<std::string> w = {trunk};
    if (p.code.size() == 4) {
      w.push_back(say_group(l, p.code.substr(0, 2)));
      w.push_back(say_group(l, p.code.substr(2)));
    } else {
      w.push_back(say_group(l, p.code));
    }
    for (const auto& g : p.local) w.push_back(say_group(l, g));
    return join(w, " ");
  };
  switch (lang) {
    case Lang::kRu: {
      if (force_words) return words(Lang::kRu, "восемь");
      switch (rng.below(7)) {
        case 0: return words(Lang::kRu, "восемь");
        case 1: return words(Lang::kRu, "плюс семь");
        case 2: return say_digits(Lang::kRu, "8" + nat);
        case 3: return fmt::format("восемь {} {} {} {}", p.code, p.local[0], p.local[1], p.local[2]);
        case 4: return "8" + nat;
        case 5: return fmt::format("8 {} {} {} {}", p.code, p.local[0], p.local[1], p.local[2]);
        default: return fmt::format("+7 {} {}{}{}", p.code, p.local[0], p.local[1], p.local[2]);
      }
    }
    case Lang::kKk:
      switch (rng.below(5)) {
        case 0: return words(Lang::kKk, "сегіз");
        case 1: return words(Lang::kKk, "плюс жеті");
        case 2: return say_digits(Lang::kKk, "8" + nat);
        case 3: return "8" + nat;
        default: return fmt::format("8 {} {} {} {}", p.code, p.local[0], p.local[1], p.local[2]);
      }
    case Lang::kEn:
      switch (rng.below(4)) {
        case 0: return "plus seven " + say_digits(Lang::kEn, nat, true);
        case 1: return say_digits(Lang::kEn, "8" + nat, rng.percent(50));
        case 2: return fmt::format("+7 {} {} {} {}", p.code, p.local[0], p.local[1], p.local[2]);
        default: return "8" + nat;
      }
  }
  return nat;
}

// ---------------------------------------------------------------------------
// IINs, cards, IBANs.

std::string make_iin(Rng& rng, year_month_day birth, bool male) {
  int y = static_cast<int>(birth.year());
  int century = (y < 1900 ? 1 : y < 2000 ? 3 : 5) + (male ? 0 : 1);
  for (;;) {
    std::string s = fmt::format("{:02}{:02}{:02}{}{:04}", y % 100, static_cast<unsigned>(birth.month()),
                                static_cast<unsigned>(birth.day()), century, rng.between(1, 9999));
    int check = iin_check_digit(s);
    if (check >= 0) return s + static_cast<char>('0' + check);
  }
}

// Twelve digits that read like an IIN but whose check digit is wrong.
std::string iin_lookalike(Rng& rng) {
  for (;;) {
    std::string s = digits(rng, 11, '1');
    int check = iin_check_digit(s);
    int wrong = rng.between(0, 9);
    if (wrong != check) return s + static_cast<char>('0' + wrong);
  }
}

std::string make_card(Rng& rng) {
  std::string s = std::string(rng.pick(kCardPrefixes)) + digits(rng, 9);
  return s + static_cast<char>('0' + luhn_check_digit(s));
}

std::string make_iban(Rng& rng) {
  std::string bban = rng.pick(kBankCodes);
  bban += rng.percent(50) ? "KZT" + digits(rng, 10) : digits(rng, 13);
  return "KZ" + iban_check_digits("KZ", bban) + bban;
}

std::string grouped(std::string_view s, std::size_t every, std::string_view sep = " ") {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i && i % every == 0) out += sep;
    out += s[i];
  }
  return out;
}

// ---------------------------------------------------------------------------
// Addresses.

const Street& street_of(const Person& p) {
  switch (p.street_kind) {
    case 0: return kStreets[p.street];
    case 1: return kAvenues[p.street];
    default: return kMicroDistricts[p.street];
  }
}

std::string address(const Person& p, Lang lang, Rng& rng, bool spoken) {
  const Street& s = street_of(p);
  const City& city = kCities[p.city];
  std::string out;
  switch (lang) {
    case Lang::kRu: {
      std::string house =
          spoken && rng.percent(50) ? say_number(Lang::kRu, p.house) : std::to_string(p.house);
      std::string flat = spoken && rng.percent(50) ? say_number(Lang::kRu, p.flat) : std::to_string(p.flat);
      if (spoken) {
        const char* kind = p.street_kind == 0 ? "улица" : p.street_kind == 1 ? "проспект" : "микрорайон";
        out = fmt::format("{} {} дом {}", kind, s.ru, house);
        if (p.flat) out += " квартира " + flat;
        if (rng.percent(30)) out = fmt::format("город {} {}", city.ru, out);
      } else {
        const char* kind = p.street_kind == 0 ? "ул." : p.street_kind == 1 ? "пр-т" : "мкр.";
        out = rng.percent(50) ? fmt::format("{} {}, д. {}", kind, s.ru, house)
                              : fmt::format("{} {} {}", kind, s.ru, house);
        if (p.flat) out += ", кв. " + flat;
        if (rng.percent(40)) out = fmt::format("г. {}, {}", city.ru, out);
      }
      return out;
    }
    case Lang::kKk: {
      const char* kind = p.street_kind == 0 ? "көшесі" : p.street_kind == 1 ? "даңғылы" : "шағын ауданы";
      out = fmt::format("{} {} {} үй", s.kk, kind, p.house);
      if (p.flat) out += fmt::format(" {} пәтер", p.flat);
      if (rng.percent(40)) out = fmt::format("{} қаласы {}", city.kk, out);
      return out;
    }
    case Lang::kEn: {
      if (p.street_kind == 2)
        out = fmt::format("microdistrict {} building {}", s.lat, p.house);
      else
        out = fmt::format("{} {} {}", p.house, s.lat, p.street_kind == 0 ? "street" : "avenue");
      if (p.flat) out += fmt::format(" apartment {}", p.flat);
      out += fmt::format(" {}", city.lat);
      return out;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// E-mail addresses, written and spoken.

std::string spoken_email(const std::string& email, Lang lang) {
  const char* dot = lang == Lang::kRu ? " точка " : lang == Lang::kKk ? " нүкте " : " dot ";
  const char* at = lang == Lang::kEn ? " at " : " собака ";
  std::string out;
  for (char c : email) {
    if (c == '.')
      out += dot;
    else if (c == '@')
      out += at;
    else if (c == '_')
      out += lang == Lang::kEn   ? " underscore "
             : lang == Lang::kKk ? " астыңғы сызық "
                                 : " нижнее подчеркивание ";
    else
      out += c;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Distractors: numbers in the same texts that are not personal data.

std::string order_number(Rng& rng) { return digits(rng, 8, '1'); }
std::string track_number(Rng& rng) { return "NL" + digits(rng, 9) + "KZ"; }
std::string waybill(Rng& rng) {
  return digits(rng, 10, '1').replace(0, 1, std::to_string(rng.between(1, 6)));
}
int amount(Rng& rng) { return rng.between(3, 120) * 500 - (rng.percent(30) ? 10 : 0); }

std::string money(Lang lang, int value, Rng& rng, bool spoken) {
  if (spoken && rng.percent(50)) {
    return say_number(lang, value) + (lang == Lang::kRu ? " тенге" : lang == Lang::kKk ? " теңге" : " tenge");
  }
  std::string n = value >= 1000 ? fmt::format("{} {:03}", value / 1000, value % 1000) : std::to_string(value);
  if (rng.percent(30)) n = std::to_string(value);
  switch (lang) {
    case Lang::kRu: return n + (spoken ? " тенге" : rng.percent(50) ? " ₸" : " тг");
    case Lang::kKk: return n + (spoken ? " теңге" : " ₸");
    case Lang::kEn: return n + (spoken ? " tenge" : " KZT");
  }
  return n;
}

std::string date_words(Lang lang, sys_days d) {
  year_month_day ymd{d};
  unsigned day = static_cast<unsigned>(ymd.day());
  unsigned m = static_cast<unsigned>(ymd.month()) - 1;
  switch (lang) {
    case Lang::kRu: return fmt::format("{} {}", day, kMonthsRuGen[m]);
    case Lang::kKk: return fmt::format("{} {}", day, kMonthsKk[m]);
    case Lang::kEn: return fmt::format("{} {}", kMonthsEn[m], day);
  }
  return {};
}

std::string date_numeric(sys_days d) {
  year_month_day ymd{d};
  return fmt::format("{:02}.{:02}.{}", static_cast<unsigned>(ymd.day()), static_cast<unsigned>(ymd.month()),
                     static_cast<int>(ymd.year()));
}

std::string time_of_day(Lang lang, int h, int m, bool spoken) {
  if (!spoken) return fmt::format("{:02}:{:02}", h, m);
  return say_number(lang, h) + " " + (m == 0 ? say_group(lang, "00") : say_number(lang, m));
}

// ---------------------------------------------------------------------------
// Names as said in a call or written in a chat.

std::string ru_full(const Person& p, Case c) {
  return fmt::format("{} {} {}", form(p.surname, c), form(p.given, c), form(p.patronymic, c));
}
std::string kk_full(const Person& p) {
  return fmt::format("{} {} {}", p.surname_kk, p.given_kk, p.patronymic_kk);
}
std::string en_full(const Person& p) { return p.given_lat + " " + p.surname_lat; }

std::string agent_name(Rng& rng, Lang lang) {
  const GivenName& g = rng.percent(75)
                           ? (rng.percent(50) ? rng.pick(kKazakhFemale) : rng.pick(kRussianFemale))
                           : (rng.percent(50) ? rng.pick(kKazakhMale) : rng.pick(kRussianMale));
  return lang == Lang::kRu ? g.ru[kNom] : lang == Lang::kKk ? g.kk : g.lat;
}

// ---------------------------------------------------------------------------
// Call transcripts.

class Dialog {
 public:
  void agent(std::string s) { turns_.push_back({true, std::move(s)}); }
  void client(std::string s) { turns_.push_back({false, std::move(s)}); }

  // Diarized ("оператор: ..." per line) or one undivided stream.
  std::string render(Lang lang, Rng& rng) const {
    int style = static_cast<int>(rng.below(4));
    std::string a, c;
    if (style == 0) {
      a = lang == Lang::kEn ? "speaker 1: " : "спикер 1: ";
      c = lang == Lang::kEn ? "speaker 2: " : "спикер 2: ";
    } else if (style == 1 || style == 2) {
      a = lang == Lang::kEn ? "agent: " : "оператор: ";
      c = lang == Lang::kEn ? "customer: " : "клиент: ";
    }
    std::vector<std::string> lines;
    for (const auto& [is_agent, text] : turns_) lines.push_back((is_agent ? a : c) + text);
    return join(lines, style == 3 ? " " : "\n");
  }

 private:
  std::vector<std::pair<bool, std::string>> turns_;
};

sys_days later(sys_days d, Rng& rng) { return d + std::chrono::days{rng.between(1, 14)}; }

void ru_business(const CallContext& c, Dialog& d, Transcript& t, PersonFactory& people, Rng& rng) {
  const Person& p = *c.caller;
  switch (c.business) {
    case Business::kTelecom: {
      if (rng.percent(30)) {
        Person rel = people.make(rng, !p.male);
        d.client(fmt::format("договор оформлен на {} на {}", p.male ? "жену" : "мужа", ru_full(rel, kAcc)));
        d.agent(fmt::format("для переоформления нужно заявление от {} {} и копия удостоверения",
                            form(rel.given, kGen), form(rel.patronymic, kGen)));
      }
      if (rng.percent(55)) {
        d.agent("для проверки назовите пожалуйста ваш иин");
        d.client(rng.percent(50) ? say_digits(Lang::kRu, p.iin) : "мой иин " + p.iin);
        t.asked_iin = true;
      }
      if (rng.percent(40)) {
        d.agent("назовите адрес подключения");
        d.client(address(p, Lang::kRu, rng, true));
      }
      d.agent(fmt::format("вижу ваш лицевой счет {} задолженность {}", iin_lookalike(rng),
                          money(Lang::kRu, amount(rng), rng, true)));
      int h = rng.between(9, 16);
      std::string order = order_number(rng);
      std::string when = date_words(Lang::kRu, later(c.day, rng));
      d.agent(rng.percent(50)
                  ? fmt::format("заявка номер {} мастер придет {} с {} до {}", order, when, h, h + 2)
                  : fmt::format("заявка номер {} мастер придет {} с {}:00 до {}:00", order, when, h, h + 2));
      if (rng.percent(15)) {
        d.client(fmt::format("верните пожалуйста переплату на счет {}", lower(p.iban)));
      }
      break;
    }
    case Business::kRetail: {
      d.client(fmt::format("номер заказа {}",
                           rng.percent(30) ? say_digits(Lang::kRu, order_number(rng)) : order_number(rng)));
      if (rng.percent(25)) {
        Person rel = people.make(rng);
        d.client(fmt::format("заказ оформлен на {} на {} {}", rel.male ? "брата" : "сестру",
                             form(rel.surname, kAcc), form(rel.given, kAcc)));
        d.agent(fmt::format("вижу заказ {} {} на сумму {}", form(rel.given, kGen), form(rel.surname, kGen),
                            money(Lang::kRu, amount(rng), rng, true)));
      } else {
        d.agent(fmt::format("вижу заказ на сумму {}", money(Lang::kRu, amount(rng), rng, true)));
      }
      if (rng.percent(50)) {
        d.agent("продиктуйте адрес доставки");
        d.client(address(p, Lang::kRu, rng, true));
      }
      if (rng.percent(40)) {
        d.client(fmt::format("деньги верните на карту {}",
                             rng.percent(50) ? grouped(p.card, 4) : say_digits(Lang::kRu, p.card)));
        d.agent("возврат поступит на карту в течение десяти рабочих дней");
      }
      break;
    }
    case Business::kLogistics: {
      d.client(fmt::format("трек номер {}", track_number(rng)));
      if (rng.percent(70)) {
        d.agent("подтвердите адрес доставки");
        d.client(address(p, Lang::kRu, rng, true));
      }
      if (rng.percent(40)) {
        Person rel = people.make(rng);
        if (rng.percent(50)) {
          d.client(fmt::format("посылку заберет {} {} {}", rel.male ? "мой брат" : "моя сестра",
                               form(rel.given, kNom), form(rel.surname, kNom)));
        } else {
          d.client(fmt::format("передайте посылку {} {}", form(rel.given, kDat), form(rel.patronymic, kDat)));
        }
        d.agent(fmt::format("хорошо курьер свяжется с {} {} {}", form(rel.given, kIns),
                            form(rel.patronymic, kIns), spoken_phone(Lang::kRu, rel.mobile, rng, false)));
      }
      d.agent(fmt::format("накладная {} вес {} килограмма стоимость доставки {}", waybill(rng),
                          rng.between(2, 4), money(Lang::kRu, amount(rng), rng, true)));
      break;
    }
    case Business::kClinic: {
      const Person* patient = &p;
      Person rel;
      if (rng.percent(40)) {
        rel = people.make(rng);
        patient = &rel;
        d.client(fmt::format("я хочу записать {} {}", rel.male ? "отца" : "маму", ru_full(rel, kAcc)));
        d.agent(fmt::format("продиктуйте иин {} {}", form(rel.given, kGen), form(rel.patronymic, kGen)));
        d.client(say_digits(Lang::kRu, rel.iin));
        if (rng.percent(30)) {
          d.agent(fmt::format("у нас нет данных {} {} {} в базе", about(form(rel.surname, kPrep)),
                              form(rel.surname, kPrep), form(rel.given, kPrep)));
        }
      } else {
        d.agent("продиктуйте ваш иин");
        d.client(rng.percent(50) ? say_digits(Lang::kRu, p.iin) : p.iin);
        t.asked_iin = true;
      }
      Person doctor = people.make(rng);
      int h = rng.between(8, 17);
      d.agent(fmt::format(
          "записываю {} к врачу {} на {} в {} кабинет {}", patient == &p ? "вас" : form(rel.given, kAcc),
          ru_full(doctor, kDat), date_words(Lang::kRu, later(c.day, rng)),
          time_of_day(Lang::kRu, h, rng.percent(50) ? 0 : 30, rng.percent(60)), rng.between(101, 330)));
      d.agent(fmt::format("стоимость приема {} талон номер {}", money(Lang::kRu, amount(rng), rng, true),
                          rng.between(1, 999)));
      break;
    }
  }
}

const char* const kRuIssues[4][4] = {
    {"у меня второй день не работает интернет", "хочу поменять тариф на более дешевый",
     "мне пришел счет больше чем обычно", "хочу переоформить договор на себя"},
    {"жду телевизор уже неделю до сих пор не привезли", "хочу вернуть кроссовки размер не подошел",
     "деньги за возврат так и не пришли на карту", "хочу изменить адрес доставки"},
    {"подскажите где моя посылка", "курьер не приехал хотя обещали сегодня", "хочу поменять адрес доставки",
     "посылка пришла поврежденная"},
    {"хочу записаться к терапевту", "хочу узнать результаты анализов", "нужно перенести запись к кардиологу",
     "нужна справка для работы"},
};

Transcript ru_call(const CallContext& c, PersonFactory& people, Rng& rng) {
  const Person& p = *c.caller;
  Transcript t;
  Dialog d;
  std::string agent = agent_name(rng, Lang::kRu);
  switch (rng.below(3)) {
    case 0:
      d.agent(fmt::format("здравствуйте компания {} меня зовут {} чем могу помочь", c.brand_spoken, agent));
      break;
    case 1: d.agent(fmt::format("{} добрый день {} слушаю вас", c.brand_spoken, agent)); break;
    default:
      d.agent(
          fmt::format("добрый день вы позвонили в {} оператор {} чем могу помочь", c.brand_spoken, agent));
  }
  d.client(fmt::format("{} {}",
                       rng.pick({"здравствуйте", "алло здравствуйте", "добрый день", "да здравствуйте"}),
                       rng.pick(kRuIssues[static_cast<int>(c.business)])));
  d.agent(rng.pick({"назовите пожалуйста ваши фамилию имя и отчество", "как я могу к вам обращаться",
                    "представьтесь пожалуйста"}));
  bool said_patronymic = false;
  switch (rng.below(4)) {
    case 0:
      d.client(ru_full(p, kNom));
      said_patronymic = true;
      break;
    case 1: d.client(fmt::format("меня зовут {} {}", form(p.given, kNom), form(p.surname, kNom))); break;
    case 2:
      d.client(fmt::format("{} {}", form(p.given, kNom), form(p.patronymic, kNom)));
      said_patronymic = true;
      break;
    default: d.client(fmt::format("это {} {}", form(p.surname, kNom), form(p.given, kNom)));
  }
  std::string address_as = form(p.given, kNom);
  if (said_patronymic && rng.percent(70)) address_as += " " + form(p.patronymic, kNom);
  d.agent(address_as + " подскажите номер телефона для связи");
  std::string phone = spoken_phone(Lang::kRu, p.landline.empty() || rng.percent(50) ? p.mobile : p.landline,
                                   rng, c.phone_as_words);
  d.client(rng.percent(50) ? "мой номер " + phone : phone);
  ru_business(c, d, t, people, rng);
  if (rng.percent(35)) {
    d.agent("продиктуйте электронную почту");
    d.client(rng.percent(60) ? spoken_email(p.email, Lang::kRu) : p.email);
    t.asked_email = true;
  }
  d.agent(fmt::format("{} могу еще чем-то помочь", form(p.given, kNom)));
  d.client(rng.pick({"нет спасибо до свидания", "нет все спасибо", "спасибо большое всего доброго"}));
  t.body = d.render(Lang::kRu, rng);
  return t;
}

const char* const kKkIssues[4][3] = {
    {"үйде интернет жұмыс істемей тұр", "тарифті ауыстырғым келеді", "шот неге көп келді"},
    {"тапсырысым әлі келген жоқ", "тауарды қайтарғым келеді", "ақшам картаға қайтпады"},
    {"сәлемдемем қайда екенін білгім келеді", "жеткізу мекенжайын өзгерткім келеді", "курьер келмеді"},
    {"дәрігерге жазылғым келеді", "талдау нәтижелерін білгім келеді", "жазылуды ауыстырғым келеді"},
};

Transcript kk_call(const CallContext& c, PersonFactory& people, Rng& rng) {
  const Person& p = *c.caller;
  Transcript t;
  Dialog d;
  std::string agent = agent_name(rng, Lang::kKk);
  if (rng.percent(50)) {
    d.agent(fmt::format("сәлеметсіз бе {} компаниясы менің атым {} сізге қалай көмектесе аламын",
                        c.brand_spoken, agent));
  } else {
    d.agent(fmt::format("{} қайырлы күн {} тыңдап тұрмын", c.brand_spoken, agent));
  }
  d.client("сәлеметсіз бе " + std::string(rng.pick(kKkIssues[static_cast<int>(c.business)])));
  d.agent(rng.pick({"аты-жөніңізді айтыңызшы", "сізге қалай жүгінсем болады"}));
  switch (rng.below(3)) {
    case 0: d.client(kk_full(p)); break;
    case 1: d.client("менің атым " + p.given_kk); break;
    default: d.client(p.given_kk + " " + p.patronymic_kk);
  }
  d.agent(p.given_kk + " байланыс телефон нөміріңізді айтыңызшы");
  std::string phone = spoken_phone(Lang::kKk, p.mobile, rng, false);
  d.client(rng.percent(50) ? "менің нөмірім " + phone : phone);
  bool clinic = c.business == Business::kClinic;
  if (clinic && rng.percent(30)) {
    Person rel = people.make(rng);
    d.client(fmt::format("{} жазғым келеді {}", rel.male ? "әкемді" : "анамды", kk_full(rel)));
    d.agent("жсн айтыңызшы");
    d.client(say_digits(Lang::kKk, rel.iin));
  } else if (clinic || rng.percent(40)) {
    d.agent(rng.pick({"жсн айтыңызшы", "жеке сәйкестендіру нөміріңізді айтыңызшы"}));
    d.client(rng.percent(50) ? say_digits(Lang::kKk, p.iin) : "менің жсн " + p.iin);
    t.asked_iin = true;
  }
  switch (c.business) {
    case Business::kTelecom:
      d.agent(fmt::format("дербес шот нөмірі {} берешек {}", iin_lookalike(rng),
                          money(Lang::kKk, amount(rng), rng, true)));
      if (rng.percent(25)) {
        Person rel = people.make(rng, !p.male);
        d.client(fmt::format("келісімшарт {} атында {}", p.male ? "әйелімнің" : "күйеуімнің", kk_full(rel)));
      }
      break;
    case Business::kRetail:
      d.client("тапсырыс нөмірі " + order_number(rng));
      d.agent("сомасы " + money(Lang::kKk, amount(rng), rng, true));
      if (rng.percent(30)) d.client("ақшаны картаға қайтарыңызшы " + grouped(p.card, 4));
      break;
    case Business::kLogistics:
      d.client("трек нөмірі " + track_number(rng));
      if (rng.percent(30)) {
        Person rel = people.make(rng);
        d.client(fmt::format("сәлемдемені {} {} алады", rel.male ? "інім" : "сіңлім", rel.given_kk));
      }
      break;
    case Business::kClinic: {
      Person doctor = people.make(rng);
      d.agent(fmt::format("{} дәрігер {} {} сағат {} кабинет {}", date_words(Lang::kKk, later(c.day, rng)),
                          doctor.surname_kk, doctor.given_kk,
                          time_of_day(Lang::kKk, rng.between(8, 17), 0, rng.percent(50)),
                          rng.between(101, 330)));
      break;
    }
  }
  if (c.business != Business::kClinic && rng.percent(50)) {
    d.agent("мекенжайыңызды айтыңызшы");
    d.client(address(p, Lang::kKk, rng, true));
  }
  if (rng.percent(30)) {
    d.agent("электрондық поштаңызды айтыңызшы");
    d.client(spoken_email(p.email, Lang::kKk));
    t.asked_email = true;
  }
  d.agent(fmt::format("рахмет {} тағы сұрақтарыңыз бар ма", p.given_kk));
  d.client(rng.pick({"жоқ рахмет сау болыңыз", "жоқ рахмет", "рахмет сау болыңыз"}));
  t.body = d.render(Lang::kKk, rng);
  return t;
}

const char* const kEnIssues[4][3] = {
    {"my internet has been down since yesterday", "i'd like to switch to a cheaper plan",
     "my bill is higher than usual"},
    {"my order still hasn't arrived", "i want to return a pair of sneakers", "i never got my refund"},
    {"i'm trying to find out where my parcel is", "the courier didn't show up",
     "i need to change the delivery address"},
    {"i'd like to book an appointment with a gp", "i'm calling about my test results",
     "i need to reschedule my appointment"},
};

Transcript en_call(const CallContext& c, PersonFactory& people, Rng& rng) {
  const Person& p = *c.caller;
  Transcript t;
  Dialog d;
  d.agent(fmt::format("thank you for calling {} my name is {} how can i help you today", lower(c.brand),
                      agent_name(rng, Lang::kEn)));
  d.client("hi " + std::string(rng.pick(kEnIssues[static_cast<int>(c.business)])));
  d.agent("can i have your full name please");
  switch (rng.below(3)) {
    case 0: d.client("yes it's " + en_full(p)); break;
    case 1: d.client("my name is " + p.given_lat); break;
    default: d.client(en_full(p));
  }
  d.agent(fmt::format("thank you {} and what's the best number to reach you on", p.given_lat));
  d.client(spoken_phone(Lang::kEn, p.mobile, rng, false));
  if (c.business == Business::kClinic || rng.percent(30)) {
    d.agent("could you confirm your iin please");
    d.client("sure it's " + (rng.percent(50) ? say_digits(Lang::kEn, p.iin) : p.iin));
    t.asked_iin = true;
  }
  switch (c.business) {
    case Business::kTelecom:
      d.agent(fmt::format("i can see account number {} with {} outstanding", iin_lookalike(rng),
                          money(Lang::kEn, amount(rng), rng, true)));
      break;
    case Business::kRetail:
      d.client("the order number is " + order_number(rng));
      if (rng.percent(30)) {
        Person rel = people.make(rng);
        d.client(fmt::format("it was placed by my {} {}", rel.male ? "brother" : "sister", en_full(rel)));
      }
      if (rng.percent(40)) d.client("please refund it to my card " + grouped(p.card, 4));
      break;
    case Business::kLogistics:
      d.client("the tracking number is " + track_number(rng));
      if (rng.percent(60)) {
        d.agent("and the delivery address");
        d.client(address(p, Lang::kEn, rng, true));
      }
      break;
    case Business::kClinic: {
      Person doctor = people.make(rng);
      d.agent(fmt::format("you're booked with doctor {} on {} at {}", doctor.surname_lat,
                          date_words(Lang::kEn, later(c.day, rng)),
                          time_of_day(Lang::kEn, rng.between(8, 17), 30, rng.percent(50))));
      break;
    }
  }
  if (rng.percent(40)) {
    d.agent("and your email address");
    d.client(rng.percent(70) ? spoken_email(p.email, Lang::kEn) : p.email);
    t.asked_email = true;
  }
  d.agent("is there anything else i can help you with");
  d.client(rng.pick({"no that's all thanks bye", "no thank you", "that's it thanks"}));
  t.body = d.render(Lang::kEn, rng);
  return t;
}

// ---------------------------------------------------------------------------
// Chat conversations, as typed.

std::string bot_greeting(const ChatContext& c, Rng& rng) {
  static const char* const kRuAsk[4] = {
      "Укажите, пожалуйста, номер телефона или лицевого счёта.",
      "Напишите, пожалуйста, номер заказа и телефон, указанный при оформлении.",
      "Укажите трек-номер и телефон получателя.", "Для записи укажите ФИО и ИИН пациента."};
  static const char* const kKkAsk[4] = {
      "Телефон нөміріңізді жазыңыз.", "Тапсырыс нөмірі мен телефонды жазыңыз.",
      "Трек-нөмір мен алушының телефонын жазыңыз.", "Жазылу үшін аты-жөніңіз бен ЖСН жазыңыз."};
  static const char* const kEnAsk[4] = {"Please send your phone or account number.",
                                        "Please send your order number and phone.",
                                        "Please send the tracking number and the recipient's phone.",
                                        "To book, please send the patient's full name and IIN."};
  int b = static_cast<int>(c.business);
  switch (c.lang) {
    case Lang::kRu:
      return fmt::format("Здравствуйте! Я виртуальный помощник {}{} {}", c.brand,
                         rng.percent(30) ? " 🤖" : ".", kRuAsk[b]);
    case Lang::kKk:
      return fmt::format("Сәлеметсіз бе! Мен {} виртуалды көмекшісімін. {}", c.brand, kKkAsk[b]);
    case Lang::kEn: return fmt::format("Hi! I'm the {} virtual assistant. {}", c.brand, kEnAsk[b]);
  }
  return {};
}

const char* const kRuOpeners[4][3] = {
    {"Здравствуйте, у меня не работает интернет с утра", "Добрый день! Хочу сменить тариф",
     "подскажите почему списали деньги два раза"},
    {"Здравствуйте! Где мой заказ?", "добрый день хочу вернуть товар", "Когда будет доставка??"},
    {"Здравствуйте, где моя посылка?", "Курьер не приехал(", "Можно изменить адрес доставки?"},
    {"Здравствуйте, хочу записаться к терапевту", "Добрый день! Готовы ли мои анализы?",
     "Можно перенести запись?"},
};
const char* const kKkOpeners[4][2] = {
    {"Сәлеметсіз бе, үйде интернет жоқ", "Тарифті қалай ауыстыруға болады?"},
    {"Сәлеметсіз бе! Тапсырысым қашан келеді?", "тауарды қайтарғым келеді"},
    {"Сәлем, сәлемдемем қайда?", "курьер келмеді"},
    {"Сәлеметсіз бе, терапевтке жазылғым келеді", "Талдау нәтижелері дайын ба?"},
};
const char* const kEnOpeners[4][2] = {
    {"Hi, my internet has been down since this morning", "Hello! I'd like to change my plan"},
    {"Hello! Where is my order?", "hi i want to return an item"},
    {"Hi, where's my parcel?", "The courier never came :("},
    {"Hello, I'd like to book an appointment with a GP", "Hi, are my test results ready?"},
};

// The customer's message with their details, in one of several layouts.
std::string chat_details(const ChatContext& c, Rng& rng) {
  const Person& p = *c.customer;
  bool clinic = c.business == Business::kClinic;
  std::vector<std::string> parts;
  switch (c.lang) {
    case Lang::kRu:
      parts.push_back(rng.percent(60) ? ru_full(p, kNom) : form(p.given, kNom) + " " + form(p.surname, kNom));
      parts.push_back(written_phone(p.mobile, rng));
      if (clinic || rng.percent(20)) parts.push_back((rng.percent(50) ? "ИИН " : "иин ") + p.iin);
      if (!clinic && rng.percent(50)) parts.push_back("адрес: " + address(p, Lang::kRu, rng, false));
      if (rng.percent(25)) parts.push_back(p.email);
      if (c.business == Business::kRetail) parts.push_back("заказ " + order_number(rng));
      if (c.business == Business::kLogistics) parts.push_back("трек " + track_number(rng));
      if (c.business == Business::kTelecom && rng.percent(50)) parts.push_back("л/с " + iin_lookalike(rng));
      break;
    case Lang::kKk:
      parts.push_back(rng.percent(60) ? kk_full(p) : p.given_kk);
      parts.push_back(written_phone(p.mobile, rng));
      if (clinic || rng.percent(20)) parts.push_back("ЖСН " + p.iin);
      if (!clinic && rng.percent(50)) parts.push_back("мекенжайым: " + address(p, Lang::kKk, rng, false));
      if (rng.percent(25)) parts.push_back(p.email);
      if (c.business == Business::kRetail) parts.push_back("тапсырыс " + order_number(rng));
      if (c.business == Business::kLogistics) parts.push_back("трек " + track_number(rng));
      break;
    case Lang::kEn:
      parts.push_back(en_full(p));
      parts.push_back(written_phone(p.mobile, rng));
      if (clinic) parts.push_back("IIN " + p.iin);
      if (rng.percent(40)) parts.push_back(p.email);
      if (c.business == Business::kRetail) parts.push_back("order #" + order_number(rng));
      if (c.business == Business::kLogistics) parts.push_back("tracking " + track_number(rng));
      break;
  }
  return join(parts, rng.percent(50) ? ", " : "\n");
}

std::string bot_confirmation(const ChatContext& c, PersonFactory& staff, Rng& rng) {
  const Person& p = *c.customer;
  sys_days when = later(c.day, rng);
  int h = rng.between(9, 17);
  switch (c.lang) {
    case Lang::kRu:
      switch (c.business) {
        case Business::kTelecom:
          return fmt::format("Спасибо, {}! Заявка № {} создана, мастер приедет {} с {}:00 до {}:00.",
                             form(p.given, kNom), order_number(rng), date_words(Lang::kRu, when), h, h + 2);
        case Business::kRetail:
          return fmt::format("Спасибо, {}! Заказ № {} на сумму {} передан в доставку, ожидайте {}.",
                             form(p.given, kNom), order_number(rng),
                             money(Lang::kRu, amount(rng), rng, false), date_numeric(when));
        case Business::kLogistics:
          return fmt::format("{}, посылка прибудет {}. Стоимость доставки {}.", form(p.given, kNom),
                             date_numeric(when), money(Lang::kRu, amount(rng), rng, false));
        case Business::kClinic: {
          Person doctor = staff.make(rng);
          return fmt::format(
              "{} {}, вы записаны к врачу {} {}.{}. на {} в {}:30, кабинет {}.", form(p.given, kNom),
              form(p.patronymic, kNom), form(doctor.surname, kDat), first_letter(form(doctor.given, kNom)),
              first_letter(form(doctor.patronymic, kNom)), date_numeric(when), h, rng.between(101, 330));
        }
      }
      break;
    case Lang::kKk:
      return fmt::format("Рахмет, {}! Өтінім № {} қабылданды, {} {}:00 күтіңіз.", p.given_kk,
                         order_number(rng), date_words(Lang::kKk, when), h);
    case Lang::kEn:
      return fmt::format("Thanks, {}! Request #{} is confirmed for {} at {}:00.", p.given_lat,
                         order_number(rng), date_words(Lang::kEn, when), h);
  }
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------

std::size_t Rng::below(std::size_t n) {
  if (n == 0) throw std::logic_error("Rng::below(0)");
  const std::uint64_t m = n;
  const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t excess = (max % m + 1) % m;  // 2^64 mod m: values past the last whole cycle
  for (;;) {
    std::uint64_t x = engine_();
    if (excess == 0 || x <= max - excess) return static_cast<std::size_t>(x % m);
  }
}

int Rng::between(int lo, int hi) {
  return lo + static_cast<int>(below(static_cast<std::size_t>(hi - lo + 1)));
}

bool Rng::percent(int p) { return static_cast<int>(below(100)) < p; }

std::string_view lang_code(Lang lang) {
  switch (lang) {
    case Lang::kRu: return "ru";
    case Lang::kKk: return "kk";
    case Lang::kEn: return "en";
  }
  return "ru";
}

int iin_check_digit(std::string_view first11) {
  static const int kW1[11] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  static const int kW2[11] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
  int s = 0;
  for (std::size_t i = 0; i < 11; ++i) s += (first11[i] - '0') * kW1[i];
  int c = s % 11;
  if (c != 10) return c;
  s = 0;
  for (std::size_t i = 0; i < 11; ++i) s += (first11[i] - '0') * kW2[i];
  c = s % 11;
  return c == 10 ? -1 : c;
}

int luhn_check_digit(std::string_view payload) {
  int sum = 0;
  bool twice = true;  // the digit left of the check digit is doubled
  for (auto it = payload.rbegin(); it != payload.rend(); ++it) {
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return (10 - sum % 10) % 10;
}

std::string iban_check_digits(std::string_view country, std::string_view bban) {
  std::string rearranged = std::string(bban) + std::string(country) + "00";
  int r = 0;
  for (char ch : rearranged) {
    if (ch >= '0' && ch <= '9')
      r = (r * 10 + (ch - '0')) % 97;
    else
      r = (r * 100 + (ch - 'A' + 10)) % 97;
  }
  return fmt::format("{:02}", 98 - r);
}

std::string lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      out += (b0 >= 'A' && b0 <= 'Z') ? static_cast<char>(b0 + 32) : static_cast<char>(b0);
      ++i;
      continue;
    }
    if ((b0 & 0xE0) == 0xC0 && i + 1 < s.size()) {
      unsigned cp = ((b0 & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
      if (cp >= 0x410 && cp <= 0x42F)
        cp += 0x20;  // А-Я
      else if (cp >= 0x400 && cp <= 0x40F)
        cp += 0x50;  // Ё, І, ...
      else if (cp == 0x492 || cp == 0x49A || cp == 0x4A2 || cp == 0x4AE || cp == 0x4B0 || cp == 0x4BA ||
               cp == 0x4D8 || cp == 0x4E8) {
        cp += 1;  // Ғ Қ Ң Ү Ұ Һ Ә Ө
      }
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
      i += 2;
      continue;
    }
    out += s[i++];
  }
  return out;
}

Person PersonFactory::make(Rng& rng, std::optional<bool> male) {
  Person p;
  p.male = male ? *male : rng.percent(50);
  p.kazakh = rng.percent(55);
  const GivenName& g = p.kazakh ? (p.male ? rng.pick(kKazakhMale) : rng.pick(kKazakhFemale))
                                : (p.male ? rng.pick(kRussianMale) : rng.pick(kRussianFemale));
  const Surname& s = p.kazakh ? rng.pick(kKazakhSurnames) : rng.pick(kRussianSurnames);
  const GivenName& father = p.kazakh ? rng.pick(kKazakhMale) : rng.pick(kRussianMale);
  p.given = forms(g);
  p.given_kk = g.kk;
  p.given_lat = g.lat;
  p.surname = decline_surname(s.ru, p.male);
  p.surname_kk = std::string(s.kk) + (p.male ? "" : "а");
  p.surname_lat = std::string(s.lat) + (p.male ? "" : "a");
  if (p.kazakh && rng.percent(45)) {
    // Kazakh form: the father's name and -ұлы (son of) / -қызы (daughter of).
    p.patronymic_kk = std::string(father.kk) + (p.male ? "ұлы" : "қызы");
    std::string ru = std::string(father.ru[kNom]) + (p.male ? "улы" : "кызы");
    p.patronymic.fill(ru);
  } else {
    p.patronymic = decline_patronymic(p.male ? father.patronymic_m : father.patronymic_f, p.male);
    p.patronymic_kk = form(p.patronymic, kNom);
  }

  using namespace std::chrono;
  year y{rng.between(1958, 2005)};
  month m{static_cast<unsigned>(rng.between(1, 12))};
  unsigned last = static_cast<unsigned>(year_month_day_last(y, month_day_last(m)).day());
  p.birth = year_month_day(y, m, day{static_cast<unsigned>(rng.between(1, static_cast<int>(last)))});
  do p.iin = make_iin(rng, p.birth, p.male);
  while (!iins_.insert(p.iin).second);

  p.city = static_cast<int>(rng.below(std::size(kCities)));
  do p.mobile = std::string(rng.pick(kMobileCodes)) + digits(rng, 7, '1');
  while (!phones_.insert(p.mobile).second);
  if (rng.percent(25)) {
    std::string code = kCities[p.city].area_code;
    std::string number;
    do number = code + digits(rng, static_cast<int>(10 - code.size()), '2');
    while (!phones_.insert(number).second);
    p.landline = number;
  }

  std::string gl = ascii_lower(p.given_lat), sl = ascii_lower(p.surname_lat);
  int yy = static_cast<int>(p.birth.year());
  std::string local;
  switch (rng.below(7)) {
    case 0: local = gl + "." + sl; break;
    case 1: local = gl.substr(0, 1) + "." + sl; break;
    case 2: local = sl + "." + gl; break;
    case 3: local = gl + "_" + sl; break;
    case 4: local = gl + fmt::format("{:02}", yy % 100); break;
    case 5: local = sl + std::to_string(yy); break;
    default: local = gl + "." + sl + std::to_string(rng.between(1, 99));
  }
  p.email = local + "@" + rng.pick(kMailDomains);
  while (!emails_.insert(p.email).second) {
    p.email = local + std::to_string(rng.between(1, 999)) + "@" + rng.pick(kMailDomains);
  }

  p.street_kind = static_cast<int>(rng.below(3));
  p.street = static_cast<int>(rng.below(p.street_kind == 0   ? std::size(kStreets)
                                        : p.street_kind == 1 ? std::size(kAvenues)
                                                             : std::size(kMicroDistricts)));
  p.house = rng.between(1, 180);
  p.flat = rng.percent(80) ? rng.between(1, 240) : 0;
  p.card = make_card(rng);
  p.iban = make_iban(rng);
  return p;
}

std::string written_phone(std::string_view national, Rng& rng) {
  PhoneParts p = split_phone(national);
  const auto& l = p.local;
  switch (rng.below(9)) {
    case 0: return fmt::format("+7 {} {} {} {}", p.code, l[0], l[1], l[2]);
    case 1: return fmt::format("8 ({}) {}-{}-{}", p.code, l[0], l[1], l[2]);
    case 2: return fmt::format("8{}", national);
    case 3: return fmt::format("+7{}", national);
    case 4: return fmt::format("8 {} {} {}{}", p.code, l[0], l[1], l[2]);
    case 5: return fmt::format("+7({}){}-{}-{}", p.code, l[0], l[1], l[2]);
    case 6: return fmt::format("7 {} {}{}{}", p.code, l[0], l[1], l[2]);
    case 7: return fmt::format("8-{}-{}-{}-{}", p.code, l[0], l[1], l[2]);
    default: return fmt::format("+7 ({}) {} {} {}", p.code, l[0], l[1], l[2]);
  }
}

std::string caller_id(std::string_view national, Rng& rng) {
  switch (rng.below(3)) {
    case 0: return fmt::format("+7{}", national);
    case 1: return fmt::format("8{}", national);
    default: return fmt::format("7{}", national);
  }
}

std::string contact_full_name(const Person& p, Rng& rng) {
  switch (rng.below(6)) {
    case 0:
    case 1: return ru_full(p, kNom);
    case 2: return form(p.given, kNom) + " " + form(p.surname, kNom);
    case 3:
      return fmt::format("{} {}.{}.", form(p.surname, kNom), first_letter(form(p.given, kNom)),
                         first_letter(form(p.patronymic, kNom)));
    case 4: return p.kazakh ? kk_full(p) : ru_full(p, kNom);
    default: return en_full(p);
  }
}

std::string city_name(int city) { return kCities[city].ru; }

Transcript make_transcript(const CallContext& call, PersonFactory& people, Rng& rng) {
  Transcript t;
  switch (call.lang) {
    case Lang::kRu: t = ru_call(call, people, rng); break;
    case Lang::kKk: t = kk_call(call, people, rng); break;
    case Lang::kEn: t = en_call(call, people, rng); break;
  }
  // Most recognizers emit lowercase only; some capitalize names.
  if (rng.percent(80)) t.body = lower(t.body);
  return t;
}

std::vector<ChatLine> make_chat(const ChatContext& c, PersonFactory& staff, Rng& rng) {
  int b = static_cast<int>(c.business);
  std::vector<ChatLine> out;
  auto in = [&](std::string s) { out.push_back({true, std::move(s), rng.between(20, 600)}); };
  auto bot = [&](std::string s) { out.push_back({false, std::move(s), rng.between(1, 5)}); };
  switch (c.lang) {
    case Lang::kRu: in(rng.pick(kRuOpeners[b])); break;
    case Lang::kKk: in(rng.pick(kKkOpeners[b])); break;
    case Lang::kEn: in(rng.pick(kEnOpeners[b])); break;
  }
  if (rng.percent(15)) return out;  // the customer never came back
  bot(bot_greeting(c, rng));
  std::string details = chat_details(c, rng);
  in(rng.percent(20) ? lower(details) : details);
  bot(bot_confirmation(c, staff, rng));
  const Person& p = *c.customer;
  bool refund = (c.business == Business::kRetail && rng.percent(45)) ||
                (c.business == Business::kTelecom && rng.percent(15));
  if (refund) {
    int value = amount(rng);
    switch (c.lang) {
      case Lang::kRu:
        in(rng.percent(60) ? "Верните деньги на карту " + (rng.percent(50) ? grouped(p.card, 4) : p.card)
                           : fmt::format("реквизиты для возврата: IBAN {}, получатель {} {}",
                                         rng.percent(50) ? grouped(p.iban, 4) : p.iban, form(p.surname, kNom),
                                         form(p.given, kNom)));
        bot(fmt::format("Возврат {} оформлен, срок зачисления до 10 рабочих дней. Номер обращения {}.",
                        money(Lang::kRu, value, rng, false), order_number(rng)));
        break;
      case Lang::kKk:
        in("ақшаны мына картаға қайтарыңыз " + grouped(p.card, 4));
        bot(fmt::format("{} қайтару рәсімделді, 10 жұмыс күні ішінде түседі.",
                        money(Lang::kKk, value, rng, false)));
        break;
      case Lang::kEn:
        in("Please refund to IBAN " + p.iban);
        bot(fmt::format("Your refund of {} is on its way (card ending {} not used).",
                        money(Lang::kEn, value, rng, false), p.card.substr(12)));
        break;
    }
  }
  if (rng.percent(60)) {
    switch (c.lang) {
      case Lang::kRu: in(rng.pick({"Спасибо!", "спасибо 🙏", "ок, жду", "Спасибо большое"})); break;
      case Lang::kKk: in(rng.pick({"Рахмет!", "рахмет 🙏", "жарайды"})); break;
      case Lang::kEn: in(rng.pick({"thanks!", "Thank you 🙏", "ok great"})); break;
    }
    bot(c.lang == Lang::kRu ? "Хорошего дня!" : c.lang == Lang::kKk ? "Сау болыңыз!" : "Have a nice day!");
  }
  return out;
}

}  // namespace dpa::demo

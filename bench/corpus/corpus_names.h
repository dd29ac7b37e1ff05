// The corpus generator's own word lists: names, streets, companies, number
// words. Written for the corpus and never shared with the detector, whose
// dictionaries it must not read (see corpus_generator.h). Private to bench/.
#pragma once

#include <array>
#include <cstdint>

#include "anonymize/entity.h"

namespace dpa::bench::data {

using anonymize::Gender;
inline constexpr Gender M = Gender::kMale;
inline constexpr Gender F = Gender::kFemale;

// How a Russian-spelt name declines.
enum class Decl : std::uint8_t {
  kCons,    // Марат: Марата, Марату, Маратом
  kJ,       // Андрей, Дмитрий: Андрея, Андрею, Андреем
  kA,       // Анна, Ольга: Анны/Ольги, Анне, Анной, Анну
  kYa,      // Мария, Наталья: Марии, Марии/Наталье, Марией, Марию
  kIndecl,  // Айгерим, female Ким
  kLove,    // Любовь
  kPatrM,   // Иванович: Ивановича, Ивановичу, Ивановичем
  kOvM,     // Петров: Петрова, Петрову, Петровым
  kOvF,     // Петрова: Петровой, Петровой, Петровой, Петрову
  kSkiyM,   // Завадский: Завадского, Завадскому, Завадским
  kSkiyF,   // Завадская: Завадской, Завадской, Завадской, Завадскую
};

struct RuFirst {
  const char* nom;
  Decl decl;
  Gender gender;
  bool rare;
};

// Russian and Kazakh first names as Russian speakers spell them. "rare" ones
// are unlikely to be in any name dictionary: they keep recall honest.
inline constexpr RuFirst kRuFirst[] = {
    {"Марат", Decl::kCons, M, false},     {"Ерлан", Decl::kCons, M, false},
    {"Иван", Decl::kCons, M, false},      {"Тимур", Decl::kCons, M, false},
    {"Данияр", Decl::kCons, M, false},    {"Арман", Decl::kCons, M, false},
    {"Руслан", Decl::kCons, M, false},    {"Азамат", Decl::kCons, M, false},
    {"Бауыржан", Decl::kCons, M, false},  {"Нурлан", Decl::kCons, M, false},
    {"Олжас", Decl::kCons, M, false},     {"Максим", Decl::kCons, M, false},
    {"Кирилл", Decl::kCons, M, false},    {"Самат", Decl::kCons, M, false},
    {"Ильяс", Decl::kCons, M, false},     {"Дамир", Decl::kCons, M, false},
    {"Айдар", Decl::kCons, M, false},     {"Константин", Decl::kCons, M, false},
    {"Дмитрий", Decl::kJ, M, false},      {"Андрей", Decl::kJ, M, false},
    {"Сергей", Decl::kJ, M, false},       {"Алексей", Decl::kJ, M, false},
    {"Никита", Decl::kA, M, false},       {"Ксаверий", Decl::kJ, M, true},
    {"Евстафий", Decl::kJ, M, true},      {"Аристарх", Decl::kCons, M, true},
    {"Феоктист", Decl::kCons, M, true},   {"Гордей", Decl::kJ, M, true},
    {"Акберен", Decl::kCons, M, true},    {"Бекнур", Decl::kCons, M, true},
    {"Ерасыл", Decl::kCons, M, true},     {"Анна", Decl::kA, F, false},
    {"Мария", Decl::kYa, F, false},       {"Наталья", Decl::kYa, F, false},
    {"Елена", Decl::kA, F, false},        {"Ольга", Decl::kA, F, false},
    {"Айгерим", Decl::kIndecl, F, false}, {"Динара", Decl::kA, F, false},
    {"Асель", Decl::kIndecl, F, false},   {"Гульнара", Decl::kA, F, false},
    {"Жанна", Decl::kA, F, false},        {"Светлана", Decl::kA, F, false},
    {"Татьяна", Decl::kA, F, false},      {"Вера", Decl::kA, F, false},
    {"Любовь", Decl::kLove, F, false},    {"Надежда", Decl::kA, F, false},
    {"Алия", Decl::kYa, F, false},        {"Камила", Decl::kA, F, false},
    {"Зарина", Decl::kA, F, false},       {"Мадина", Decl::kA, F, false},
    {"Ксения", Decl::kYa, F, false},      {"Айгуль", Decl::kIndecl, F, false},
    {"Жанар", Decl::kIndecl, F, false},   {"Салтанат", Decl::kIndecl, F, false},
    {"Евлампия", Decl::kYa, F, true},     {"Феврония", Decl::kYa, F, true},
    {"Гликерия", Decl::kYa, F, true},     {"Олимпиада", Decl::kA, F, true},
    {"Аружан", Decl::kIndecl, F, true},   {"Инкар", Decl::kIndecl, F, true},
};

struct RuPatronymic {
  const char* male;
  const char* female;
  bool rare;
};
inline constexpr RuPatronymic kRuPatronymic[] = {
    {"Иванович", "Ивановна", false},          {"Сергеевич", "Сергеевна", false},
    {"Маратович", "Маратовна", false},        {"Ерланович", "Ерлановна", false},
    {"Нурланович", "Нурлановна", false},      {"Болатович", "Болатовна", false},
    {"Серикович", "Сериковна", false},        {"Александрович", "Александровна", false},
    {"Дмитриевич", "Дмитриевна", false},      {"Андреевич", "Андреевна", false},
    {"Петрович", "Петровна", false},          {"Кайратович", "Кайратовна", false},
    {"Мухтарович", "Мухтаровна", false},      {"Евграфович", "Евграфовна", true},
    {"Амангельдинович", "Амангельдиновна", true},
};

struct RuSurname {
  const char* male;
  const char* female;
  Decl male_decl;
  Decl female_decl;
  bool rare;
};
inline constexpr RuSurname kRuSurname[] = {
    {"Петров", "Петрова", Decl::kOvM, Decl::kOvF, false},
    {"Иванов", "Иванова", Decl::kOvM, Decl::kOvF, false},
    {"Смирнов", "Смирнова", Decl::kOvM, Decl::kOvF, false},
    {"Кузнецов", "Кузнецова", Decl::kOvM, Decl::kOvF, false},
    {"Соколов", "Соколова", Decl::kOvM, Decl::kOvF, false},
    {"Лебедев", "Лебедева", Decl::kOvM, Decl::kOvF, false},
    {"Новиков", "Новикова", Decl::kOvM, Decl::kOvF, false},
    {"Морозов", "Морозова", Decl::kOvM, Decl::kOvF, false},
    {"Волков", "Волкова", Decl::kOvM, Decl::kOvF, false},
    {"Ильин", "Ильина", Decl::kOvM, Decl::kOvF, false},
    {"Нурланов", "Нурланова", Decl::kOvM, Decl::kOvF, false},
    {"Сейткалиев", "Сейткалиева", Decl::kOvM, Decl::kOvF, false},
    {"Жумабаев", "Жумабаева", Decl::kOvM, Decl::kOvF, false},
    {"Ахметов", "Ахметова", Decl::kOvM, Decl::kOvF, false},
    {"Касымов", "Касымова", Decl::kOvM, Decl::kOvF, false},
    {"Омаров", "Омарова", Decl::kOvM, Decl::kOvF, false},
    {"Сулейменов", "Сулейменова", Decl::kOvM, Decl::kOvF, false},
    {"Байжанов", "Байжанова", Decl::kOvM, Decl::kOvF, false},
    {"Тулегенов", "Тулегенова", Decl::kOvM, Decl::kOvF, false},
    {"Искаков", "Искакова", Decl::kOvM, Decl::kOvF, false},
    {"Ким", "Ким", Decl::kCons, Decl::kIndecl, false},
    {"Пак", "Пак", Decl::kCons, Decl::kIndecl, false},
    {"Цой", "Цой", Decl::kJ, Decl::kIndecl, false},
    {"Завадский", "Завадская", Decl::kSkiyM, Decl::kSkiyF, true},
    {"Белозерский", "Белозерская", Decl::kSkiyM, Decl::kSkiyF, true},
    {"Трегубов", "Трегубова", Decl::kOvM, Decl::kOvF, true},
    {"Бекмуханбетов", "Бекмуханбетова", Decl::kOvM, Decl::kOvF, true},
    {"Шайхисламов", "Шайхисламова", Decl::kOvM, Decl::kOvF, true},
};

// Kazakh spelling.
struct KkFirst {
  const char* nom;
  Gender gender;
  bool rare;
};
inline constexpr KkFirst kKkFirst[] = {
    {"Ерлан", M, false},   {"Нұрлан", M, false},  {"Асхат", M, false},    {"Бауыржан", M, false},
    {"Ержан", M, false},   {"Дәурен", M, false},  {"Серік", M, false},    {"Қайрат", M, false},
    {"Жандос", M, false},  {"Мұрат", M, false},   {"Арман", M, false},    {"Асқар", M, false},
    {"Дидар", M, false},   {"Ақберен", M, true},  {"Бекнұр", M, true},    {"Ерасыл", M, true},
    {"Әділет", M, true},   {"Нұрдәулет", M, true}, {"Айгүл", F, false},   {"Әсем", F, false},
    {"Гүлнар", F, false},  {"Жанар", F, false},   {"Ақмарал", F, false},  {"Дана", F, false},
    {"Мөлдір", F, false},  {"Салтанат", F, false}, {"Жұлдыз", F, false},  {"Нұргүл", F, false},
    {"Сәуле", F, false},   {"Динара", F, false},  {"Аружан", F, true},    {"Іңкәр", F, true},
    {"Ақмаржан", F, true}, {"Балауса", F, true},
};

struct KkSurname {
  const char* male;
  const char* female;
  bool rare;
};
inline constexpr KkSurname kKkSurname[] = {
    {"Нұрланов", "Нұрланова", false},   {"Сәрсенбаев", "Сәрсенбаева", false},
    {"Төлеуов", "Төлеуова", false},     {"Қасымов", "Қасымова", false},
    {"Жақсыбеков", "Жақсыбекова", false}, {"Оспанов", "Оспанова", false},
    {"Ахметов", "Ахметова", false},     {"Сейтқали", "Сейтқали", false},
    {"Төлеген", "Төлеген", false},      {"Әбдіқадыров", "Әбдіқадырова", true},
    {"Бекмұхамедов", "Бекмұхамедова", true}, {"Шайхысламов", "Шайхысламова", true},
};

// Fathers' names for Kazakh patronymics (Серікұлы, Серікқызы).
inline constexpr const char* kKkFather[] = {"Серік", "Нұрлан", "Болат", "Ержан", "Асқар",
                                            "Қайрат", "Мұрат", "Бақыт", "Ерлан"};

struct EnFirst {
  const char* nom;
  Gender gender;
  bool rare;
};
inline constexpr EnFirst kEnFirst[] = {
    {"John", M, false},      {"Michael", M, false},  {"David", M, false},     {"James", M, false},
    {"Daniel", M, false},    {"Robert", M, false},   {"Thomas", M, false},    {"Sarah", F, false},
    {"Emily", F, false},     {"Jessica", F, false},  {"Anna", F, false},      {"Olivia", F, false},
    {"Laura", F, false},     {"Emma", F, false},     {"Thaddeus", M, true},   {"Oluwaseun", M, true},
    {"Bartholomew", M, true}, {"Eero", M, true},     {"Siobhan", F, true},    {"Xiomara", F, true},
    {"Niamh", F, true},      {"Leocadia", F, true},
};
// Kazakh names in Latin letters, for English documents.
inline constexpr EnFirst kEnKzFirst[] = {
    {"Aigerim", F, false}, {"Yerlan", M, false}, {"Nurlan", M, false}, {"Asel", F, false},
    {"Dauren", M, false},  {"Saule", F, false},  {"Zhanar", F, false}, {"Askhat", M, false},
    {"Akberen", M, true},  {"Inkar", F, true},
};
struct EnSurname {
  const char* male;
  const char* female;
  bool rare;
};
inline constexpr EnSurname kEnSurname[] = {
    {"Smith", "Smith", false},       {"Johnson", "Johnson", false},   {"Brown", "Brown", false},
    {"Williams", "Williams", false}, {"Taylor", "Taylor", false},     {"Anderson", "Anderson", false},
    {"Miller", "Miller", false},     {"Wilson", "Wilson", false},     {"Clark", "Clark", false},
    {"Okonkwo", "Okonkwo", true},    {"Przybylski", "Przybylska", true}, {"Featherstone", "Featherstone", true},
    {"Nakashima", "Nakashima", true}, {"Vukovic", "Vukovic", true},
};
inline constexpr EnSurname kEnKzSurname[] = {
    {"Nurlanov", "Nurlanova", false},   {"Akhmetov", "Akhmetova", false},
    {"Seitkali", "Seitkali", false},    {"Zhumabayev", "Zhumabayeva", false},
    {"Kassymov", "Kassymova", false},   {"Abdikadyrov", "Abdikadyrova", true},
};

// Latin spellings for e-mail addresses and profile handles.
inline constexpr const char* kLatinFirst[] = {
    "aigerim", "erlan", "marat", "asel", "dana", "ivan", "olga", "nurlan", "john", "sarah",
    "timur", "madina", "dauren", "zhanar", "alexey", "emily", "askhat", "saule", "dmitry", "kamila"};
inline constexpr const char* kLatinLast[] = {
    "nurlanova", "akhmetov", "ivanov", "smith", "kim", "seitkali", "petrova", "omarov",
    "zhumabayev", "brown", "kassymova", "tulegenov", "suleimenov", "lee", "baizhanov"};
inline constexpr const char* kMailDomains[] = {
    "mail.ru", "gmail.com", "yandex.kz", "inbox.ru", "bk.ru", "list.ru", "outlook.com",
    "yahoo.com", "icloud.com", "mail.kz", "alemservice.kz", "steppe.cloud"};

// Streets. Russian: as they follow "ул."; Kazakh: before "көшесі"/"даңғылы".
inline constexpr const char* kRuStreet[] = {
    "Абая", "Толе би", "Сатпаева", "Жандосова", "Байтурсынова", "Кабанбай батыра",
    "Богенбай батыра", "Жибек жолы", "Гоголя", "Ауэзова", "Розыбакиева", "Шевченко",
    "Кенесары", "Манаса", "Тимирязева", "Бекхожина", "Шарипова"};
inline constexpr const char* kRuAvenue[] = {"Достык", "Аль-Фараби", "Абылай хана", "Республики",
                                            "Мангилик Ел", "Туран", "Райымбека", "Сарыарка"};
struct Mkr {
  const char* name;
  int number;
};
inline constexpr Mkr kRuMkr[] = {{"Самал", 2}, {"Аксай", 4}, {"Орбита", 3}, {"Жетысу", 1},
                                 {"Коктем", 2}, {"Мамыр", 4}};
inline constexpr const char* kKkStreet[] = {"Абай", "Сәтбаев", "Төле би", "Қабанбай батыр",
                                            "Жібек жолы", "Кенесары", "Бейбітшілік", "Әуезов",
                                            "Жандосов", "Байтұрсынұлы"};
inline constexpr const char* kKkAvenue[] = {"Абай", "Достық", "Әл-Фараби", "Тұран", "Мәңгілік Ел",
                                            "Республика", "Абылай хан"};
inline constexpr const char* kEnStreet[] = {"Main Street", "Baker Street", "Oak Lane", "Park Road",
                                            "Elm Street", "Abay Avenue", "Dostyk Avenue",
                                            "Satpayev Street", "Tole Bi Street", "Kabanbay Batyr Avenue"};

// Not personal: fictional companies, banks and cities (distractors for the
// person recognizer).
inline constexpr const char* kRuCompany[] = {"Алем Сервис", "Береке Трейд", "Номад Логистикс",
                                             "Тенгри Маркет", "Алтын Софт", "Дала Телеком"};
inline constexpr const char* kKkCompany[] = {"Алем Сервис", "Береке Трейд", "Тұмар Сервис",
                                             "Дала Телеком", "Алтын Софт"};
inline constexpr const char* kEnCompany[] = {"Steppe Cloud", "Nomad Logistics", "Altyn Soft",
                                             "Dala Telecom", "Bereke Trade"};
inline constexpr const char* kBanks[] = {"Kaspi Bank", "Halyk Bank", "ForteBank", "Jusan Bank",
                                         "Bank CenterCredit", "Freedom Bank"};
inline constexpr const char* kRuCity[] = {"Алматы", "Астане", "Шымкенте", "Караганде", "Актобе",
                                          "Атырау", "Павлодаре", "Семее"};
inline constexpr const char* kRuCityNom[] = {"Алматы", "Астана", "Шымкент", "Караганда"};
inline constexpr const char* kKkCity[] = {"Алматы", "Астана", "Шымкент", "Қарағанды", "Ақтөбе",
                                          "Атырау"};
inline constexpr const char* kEnCity[] = {"Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe"};

inline constexpr const char* kEmoji[] = {"😊", "🙏", "👍", "❤️", "🔥", "😂", "🤝", "✅", "📞",
                                         "🙂", "😅", "👋"};

// Number words.
inline constexpr std::array<const char*, 10> kRuUnits = {
    "ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"};
inline constexpr std::array<const char*, 10> kRuTeens = {
    "десять",      "одиннадцать", "двенадцать",   "тринадцать",   "четырнадцать",
    "пятнадцать",  "шестнадцать", "семнадцать",   "восемнадцать", "девятнадцать"};
inline constexpr std::array<const char*, 10> kRuTens = {
    "", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
    "восемьдесят", "девяносто"};
inline constexpr std::array<const char*, 10> kRuHundreds = {
    "", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот",
    "девятьсот"};
inline constexpr std::array<const char*, 10> kKkUnits = {
    "нөл", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"};
inline constexpr std::array<const char*, 10> kKkTens = {
    "", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан"};
inline constexpr std::array<const char*, 10> kEnUnits = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
inline constexpr std::array<const char*, 10> kEnTeens = {
    "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
    "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
inline constexpr std::array<const char*, 10> kEnTens = {
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};

inline constexpr std::array<const char*, 12> kRuMonthGen = {
    "января", "февраля", "марта",    "апреля",  "мая",    "июня",
    "июля",   "августа", "сентября", "октября", "ноября", "декабря"};
inline constexpr std::array<const char*, 12> kKkMonth = {
    "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
    "шілде",  "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"};
inline constexpr std::array<const char*, 12> kEnMonth = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

}  // namespace dpa::bench::data

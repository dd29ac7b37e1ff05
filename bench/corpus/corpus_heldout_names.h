// Names for the held-out set: none of them appears in the tuning set's lists
// (corpus_names.h), and tests/anonymize/corpus_generator_test.cpp checks it.
// The recognizers were developed against the tuning set, so a name here can
// be found only through the detector's own dictionaries, its context cues
// and its morphology, never through tuning on the corpus. Private to bench/.
#pragma once

#include "bench/corpus/corpus_names.h"

namespace dpa::bench::heldout {

using data::Decl;
using data::EnFirst;
using data::EnSurname;
using data::F;
using data::KkFirst;
using data::KkSurname;
using data::M;
using data::RuFirst;
using data::RuPatronymic;
using data::RuSurname;

inline constexpr RuFirst kRuFirst[] = {
    {"Артём", Decl::kCons, M, false},      {"Григорий", Decl::kJ, M, false},
    {"Станислав", Decl::kCons, M, false},  {"Ярослав", Decl::kCons, M, false},
    {"Виталий", Decl::kJ, M, false},       {"Тимофей", Decl::kJ, M, false},
    {"Рустам", Decl::kCons, M, false},     {"Ерболат", Decl::kCons, M, false},
    {"Жасулан", Decl::kCons, M, false},    {"Мирас", Decl::kCons, M, false},
    {"Санжар", Decl::kCons, M, false},     {"Ильдар", Decl::kCons, M, false},
    {"Елисей", Decl::kJ, M, true},         {"Прохор", Decl::kCons, M, true},
    {"Авдей", Decl::kJ, M, true},          {"Сабыржан", Decl::kCons, M, true},
    {"Полина", Decl::kA, F, false},        {"Виктория", Decl::kYa, F, false},
    {"Дарья", Decl::kYa, F, false},        {"Юлия", Decl::kYa, F, false},
    {"Арина", Decl::kA, F, false},         {"Диана", Decl::kA, F, false},
    {"Альмира", Decl::kA, F, false},       {"Сабина", Decl::kA, F, false},
    {"Гаухар", Decl::kIndecl, F, false},   {"Меруерт", Decl::kIndecl, F, false},
    {"Томирис", Decl::kIndecl, F, false},  {"Аяулым", Decl::kIndecl, F, true},
    {"Агафья", Decl::kYa, F, true},        {"Пелагея", Decl::kYa, F, true},
    {"Василиса", Decl::kA, F, true},
};

inline constexpr RuPatronymic kRuPatronymic[] = {
    {"Олегович", "Олеговна", false},       {"Викторович", "Викторовна", false},
    {"Владимирович", "Владимировна", false}, {"Тимурович", "Тимуровна", false},
    {"Бахытович", "Бахытовна", false},     {"Русланович", "Руслановна", false},
    {"Ермекович", "Ермековна", false},     {"Аскарович", "Аскаровна", false},
    {"Галымжанович", "Галымжановна", true}, {"Елисеевич", "Елисеевна", true},
};

inline constexpr RuSurname kRuSurname[] = {
    {"Фёдоров", "Фёдорова", Decl::kOvM, Decl::kOvF, false},
    {"Михайлов", "Михайлова", Decl::kOvM, Decl::kOvF, false},
    {"Егоров", "Егорова", Decl::kOvM, Decl::kOvF, false},
    {"Павлов", "Павлова", Decl::kOvM, Decl::kOvF, false},
    {"Семёнов", "Семёнова", Decl::kOvM, Decl::kOvF, false},
    {"Голубев", "Голубева", Decl::kOvM, Decl::kOvF, false},
    {"Абдрахманов", "Абдрахманова", Decl::kOvM, Decl::kOvF, false},
    {"Калиев", "Калиева", Decl::kOvM, Decl::kOvF, false},
    {"Утегенов", "Утегенова", Decl::kOvM, Decl::kOvF, false},
    {"Есенов", "Есенова", Decl::kOvM, Decl::kOvF, false},
    {"Ли", "Ли", Decl::kIndecl, Decl::kIndecl, false},
    {"Тен", "Тен", Decl::kCons, Decl::kIndecl, false},
    {"Вишневецкий", "Вишневецкая", Decl::kSkiyM, Decl::kSkiyF, true},
    {"Оразалиев", "Оразалиева", Decl::kOvM, Decl::kOvF, true},
    {"Кожахметов", "Кожахметова", Decl::kOvM, Decl::kOvF, true},
    {"Пустовойтов", "Пустовойтова", Decl::kOvM, Decl::kOvF, true},
};

inline constexpr KkFirst kKkFirst[] = {
    {"Бекзат", M, false},   {"Ерболат", M, false}, {"Жасұлан", M, false},  {"Қуаныш", M, false},
    {"Талғат", M, false},   {"Нұрсұлтан", M, false}, {"Әлихан", M, false}, {"Ескендір", M, true},
    {"Тұрсынбек", M, true}, {"Гаухар", F, false},  {"Меруерт", F, false},  {"Ақбота", F, false},
    {"Аяжан", F, false},    {"Назерке", F, false}, {"Айжан", F, false},    {"Ботагөз", F, false},
    {"Шұғыла", F, true},    {"Күнсұлу", F, true},  {"Маржангүл", F, true},
};

inline constexpr KkSurname kKkSurname[] = {
    {"Есенов", "Есенова", false},       {"Қалиев", "Қалиева", false},
    {"Серікбаев", "Серікбаева", false}, {"Мұхамеджанов", "Мұхамеджанова", false},
    {"Әбенов", "Әбенова", false},       {"Бекқожаев", "Бекқожаева", false},
    {"Қожахметов", "Қожахметова", true}, {"Тұрсынғалиев", "Тұрсынғалиева", true},
};

inline constexpr const char* kKkFather[] = {"Талғат", "Қанат", "Бекзат", "Ғалым", "Ермек", "Нұрбол"};

inline constexpr EnFirst kEnFirst[] = {
    {"William", M, false}, {"Charles", M, false}, {"Matthew", M, false},   {"Andrew", M, false},
    {"Joseph", M, false},  {"Christopher", M, false}, {"Kevin", M, false}, {"Rebecca", F, false},
    {"Hannah", F, false},  {"Grace", F, false},   {"Sophie", F, false},    {"Megan", F, false},
    {"Rachel", F, false},  {"Ignatius", M, true}, {"Cormac", M, true},     {"Ptolemy", M, true},
    {"Aoife", F, true},    {"Ottilie", F, true},  {"Wilhelmina", F, true},
};
inline constexpr EnFirst kEnKzFirst[] = {
    {"Kuanysh", M, false}, {"Talgat", M, false}, {"Nursultan", M, false}, {"Gaukhar", F, false},
    {"Meruert", F, false}, {"Aizhan", F, false}, {"Zhassulan", M, true},  {"Togzhan", F, true},
};
inline constexpr EnSurname kEnSurname[] = {
    {"Harris", "Harris", false},     {"Martin", "Martin", false},   {"Thompson", "Thompson", false},
    {"Walker", "Walker", false},     {"Robinson", "Robinson", false}, {"Lewis", "Lewis", false},
    {"Hughes", "Hughes", false},     {"Quigley", "Quigley", true},  {"Abernathy", "Abernathy", true},
    {"Szymanski", "Szymanska", true}, {"Oyelaran", "Oyelaran", true},
};
inline constexpr EnSurname kEnKzSurname[] = {
    {"Yessenov", "Yessenova", false},     {"Kaliyev", "Kaliyeva", false},
    {"Serikbayev", "Serikbayeva", false}, {"Mukhamedzhanov", "Mukhamedzhanova", false},
    {"Kozhakhmetov", "Kozhakhmetova", true}, {"Tursyngaliyev", "Tursyngaliyeva", true},
};

// Companies (not personal; look-alikes for the person recognizer), none of
// them the tuning set's.
inline constexpr const char* kRuCompany[] = {"Жулдыз Курьер", "Шипагер Мед", "Актив Кредит", "Сапар Такси",
                                             "Сенім Страхование"};
inline constexpr const char* kKkCompany[] = {"Жұлдыз Курьер", "Шипагер", "Актив Несие", "Сапар Такси"};
inline constexpr const char* kEnCompany[] = {"Zhuldyz Courier", "Shipager Clinic", "Aktiv Credit", "Sapar Taxi"};

}  // namespace dpa::bench::heldout

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "anonymize/person_names.h"
#include "anonymize/person_recognizer.h"
#include "anonymize/recognizer.h"
#include "anonymize/token.h"

using namespace dpa::anonymize;

namespace {

struct Found {
  std::string text;
  std::string normalized;
  float confidence;
  Gender gender;
  std::string recognizer;
  std::string context;
};

// Every finding of the person recognizer, kept ones (>= 0.5) only unless
// `all`.
std::vector<Found> persons(const std::string& text, bool all = false) {
  static const auto recognizer = make_person_recognizer();
  std::vector<Token> tokens;
  tokenize(text, tokens);
  std::vector<Finding> findings;
  recognizer->find(ScanContext{text, tokens}, findings);
  std::vector<Found> out;
  for (const auto& f : findings) {
    if (!all && f.confidence < 0.5f) continue;
    out.push_back({text.substr(f.begin, f.end - f.begin), f.normalized, f.confidence, f.gender,
                   std::string(f.recognizer), std::string(f.context)});
  }
  return out;
}

// The one kept finding of `text`, which must exist.
Found only(const std::string& text) {
  auto found = persons(text);
  INFO(text);
  REQUIRE(found.size() == 1);
  return found[0];
}

bool none(const std::string& text) { return persons(text).empty(); }

}  // namespace

// The form table is generated at build time: it must be the one the data
// and the rules give now, slot for slot.
TEST_CASE("the compiled-in form table is the one built from the data", "[person]") {
  const names::NameTable* compiled = names::compiled_name_table();
  REQUIRE(compiled != nullptr);
  CHECK(&names::Dictionary::instance().table().slots[0] == &compiled->slots[0]);
  auto built = names::Dictionary::build_from_data();
  const names::NameTable& fresh = built->table();
  CHECK(compiled->form_count == fresh.form_count);
  CHECK(compiled->distinct_forms == fresh.distinct_forms);
  CHECK(std::equal(compiled->filter.begin(), compiled->filter.end(), fresh.filter.begin(), fresh.filter.end()));
  CHECK(std::equal(compiled->slots.begin(), compiled->slots.end(), fresh.slots.begin(), fresh.slots.end()));
  auto same = [](const names::Analysis& a, const names::Analysis& b) {
    return a.lemma == b.lemma && a.kind == b.kind && a.gender == b.gender && a.gcase == b.gcase &&
           a.script == b.script && a.flags == b.flags;
  };
  CHECK(std::equal(compiled->analyses.begin(), compiled->analyses.end(), fresh.analyses.begin(),
                   fresh.analyses.end(), same));
}

// The cues and the roles of their words are generated at build time too:
// every cue and every slot of the role table must be those the data give
// now, and the compiled-in dictionary must use them.
TEST_CASE("the compiled-in cues and word roles are those built from the data", "[person]") {
  const names::NameTable* compiled = names::compiled_name_table();
  REQUIRE(compiled != nullptr);
  const auto& d = names::Dictionary::instance();
  CHECK(d.cues().data() == compiled->cues.data());
  auto built = names::Dictionary::build_from_data();
  const auto& fresh = built->table();
  REQUIRE(compiled->cues.size() == fresh.cues.size());
  for (std::size_t i = 0; i < fresh.cues.size(); ++i) {
    INFO("cue " << i);
    const names::Cue& a = compiled->cues[i];
    const names::Cue& b = fresh.cues[i];
    CHECK(a.kind == b.kind);
    CHECK(a.weight == b.weight);
    CHECK(a.text == b.text);
    CHECK(std::equal(a.words.begin(), a.words.end(), b.words.begin(), b.words.end()));
    CHECK(a.anchor == b.anchor);
  }
  CHECK(std::equal(compiled->cue_ids.begin(), compiled->cue_ids.end(), fresh.cue_ids.begin(), fresh.cue_ids.end()));
  CHECK(std::equal(compiled->cues_before_name.begin(), compiled->cues_before_name.end(),
                   fresh.cues_before_name.begin(), fresh.cues_before_name.end()));
  CHECK(std::equal(compiled->cues_after_name.begin(), compiled->cues_after_name.end(),
                   fresh.cues_after_name.begin(), fresh.cues_after_name.end()));
  auto same_run = [](const names::RoleRun& a, const names::RoleRun& b) {
    return a.begin == b.begin && a.count == b.count;
  };
  auto same_slot = [&](const names::RoleSlot& a, const names::RoleSlot& b) {
    return a.used == b.used && a.key == b.key && a.stop == b.stop && same_run(a.cues, b.cues) &&
           same_run(a.before_name, b.before_name) && same_run(a.after_name, b.after_name);
  };
  CHECK(std::equal(compiled->roles.begin(), compiled->roles.end(), fresh.roles.begin(), fresh.roles.end(), same_slot));
  std::size_t stops = 0;
  for (const auto& r : compiled->roles) stops += r.stop;
  CHECK(stops > 20);
}

// The lemmas and surrogate pools are generated at build time too: every
// field of every lemma, every pool and the fathers must be those the data
// give now, and the compiled-in dictionary must use them.
TEST_CASE("the compiled-in lemmas and surrogate pools are those built from the data", "[person]") {
  const names::NameTable* compiled = names::compiled_name_table();
  REQUIRE(compiled != nullptr);
  const auto& d = names::Dictionary::instance();
  REQUIRE(compiled->lemmas.size() == d.lemma_count());
  for (std::uint32_t id = 0; id < d.lemma_count(); ++id) REQUIRE(d.lemma(id).text == compiled->lemmas[id].text);
  auto built = names::Dictionary::build_from_data();
  REQUIRE(built->lemma_count() == d.lemma_count());
  std::size_t with_variants = 0, with_kazakh = 0, with_stem = 0, with_override = 0;
  for (std::uint32_t id = 0; id < d.lemma_count(); ++id) {
    INFO("lemma " << id);
    const names::Lemma& a = d.lemma(id);
    const names::Lemma& b = built->lemma(id);
    CHECK(a.text == b.text);
    CHECK(a.russian == b.russian);
    CHECK(a.kazakh == b.kazakh);
    CHECK(a.stem == b.stem);
    CHECK(a.patronymic_m == b.patronymic_m);
    CHECK(a.patronymic_f == b.patronymic_f);
    // Kind, origin, gender, paradigm, diminutive, feminine form, father and
    // patronymics: every trait, including any added later.
    CHECK(static_cast<const names::LemmaTraits&>(a) == static_cast<const names::LemmaTraits&>(b));
    CHECK(std::equal(a.variants.begin(), a.variants.end(), b.variants.begin(), b.variants.end()));
    with_variants += !a.variants.empty();
    with_kazakh += !a.kazakh.empty();
    with_stem += !a.stem.empty();
    with_override += !a.patronymic_m.empty();
  }
  // The comparison covers each optional field with lemmas that have it.
  CHECK(with_variants > 0);
  CHECK(with_kazakh > 0);
  CHECK(with_stem > 0);
  CHECK(with_override > 0);

  const auto& fresh = built->table();
  auto same_run = [](const names::PoolRun& a, const names::PoolRun& b) {
    return a.key == b.key && a.begin == b.begin && a.end == b.end;
  };
  CHECK(std::equal(compiled->pools.begin(), compiled->pools.end(), fresh.pools.begin(), fresh.pools.end(), same_run));
  CHECK(std::equal(compiled->pool_members.begin(), compiled->pool_members.end(), fresh.pool_members.begin(),
                   fresh.pool_members.end()));
  for (auto origin :
       {names::Origin::kRussian, names::Origin::kKazakh, names::Origin::kOther, names::Origin::kEnglish}) {
    auto a = d.fathers(origin);
    auto b = built->fathers(origin);
    CHECK(std::equal(a.begin(), a.end(), b.begin(), b.end()));
    for (auto kind : {names::Kind::kGiven, names::Kind::kSurname}) {
      for (auto gender : {Gender::kMale, Gender::kFemale, Gender::kUnknown}) {
        for (int p = 0; p <= static_cast<int>(names::Paradigm::kLatinOnly); ++p) {
          auto pa = d.pool(kind, origin, gender, static_cast<names::Paradigm>(p));
          auto pb = built->pool(kind, origin, gender, static_cast<names::Paradigm>(p));
          CHECK(std::equal(pa.begin(), pa.end(), pb.begin(), pb.end()));
        }
      }
    }
  }
  // The forms a surrogate is rendered from (with the ambiguity lists the
  // compiled-in dictionary reads only then) are the same.
  for (std::uint32_t id = 0; id < d.lemma_count(); id += 5) {
    auto fa = d.forms(id);
    auto fb = built->forms(id);
    REQUIRE(fa.size() == fb.size());
    for (std::size_t k = 0; k < fa.size(); ++k) {
      CHECK(fa[k].text == fb[k].text);
      CHECK(fa[k].analysis.flags == fb[k].analysis.flags);
      CHECK(fa[k].analysis.gcase == fb[k].analysis.gcase);
    }
  }
}

TEST_CASE("the name dictionary knows inflected forms of every part", "[person]") {
  const auto& d = names::Dictionary::instance();
  CHECK(d.lemma_count() > 3000);
  CHECK(d.distinct_form_count() > 50000);
  auto kinds = [&](const char* word) {
    std::vector<names::Kind> out;
    for (const auto& a : d.lookup(fold_hash(word))) out.push_back(a.kind);
    return out;
  };
  for (const char* w : {"Марат", "Марата", "Марату", "Маратом", "Марате", "Маратқа", "Маратпен", "Мараттың",
                        "Анна", "Анны", "Анне", "Анну", "Анной", "Айгүлге", "Айгүлді", "Ерланның", "Ерланға",
                        "Айгуль", "Айгули", "Marat", "John"}) {
    INFO(w);
    auto k = kinds(w);
    CHECK(std::count(k.begin(), k.end(), names::Kind::kGiven) > 0);
  }
  for (const char* w : {"Иванов", "Иванова", "Ивановым", "Ивановой", "Ивановых", "Ковальская", "Ковальскому",
                        "Ким", "Шевченко", "Ivanova", "Smith"}) {
    INFO(w);
    auto k = kinds(w);
    CHECK(std::count(k.begin(), k.end(), names::Kind::kSurname) > 0);
  }
  for (const char* w : {"Серикович", "Сериковна", "Серикович", "Андреевна", "Юрьевич", "Ильинична", "Павловичем",
                        "Нұрланұлы", "Нурланулы", "Серікқызы", "Нұрланқызына", "Маратовичке"}) {
    INFO(w);
    auto k = kinds(w);
    CHECK(std::count(k.begin(), k.end(), names::Kind::kPatronymic) > 0);
  }
  CHECK(kinds("стол").empty());
  CHECK(kinds("тенге").empty());
}

TEST_CASE("a run of name parts is one finding with one normalized value", "[person]") {
  auto f = only("Здравствуйте, меня зовут Марат Иванов.");
  CHECK(f.text == "Марат Иванов");
  CHECK(f.normalized == "марат иванов");
  CHECK(f.gender == Gender::kMale);
  CHECK(f.context == "меня зовут");
  CHECK(f.confidence >= 0.9f);

  // Case forms of one person share the normalized value.
  for (const char* text : {"позвоните Марату Иванову", "у Марата Иванова долг", "с Маратом Ивановым",
                           "о Марате Иванове", "Маратқа Ивановқа", "марат иванов звонил"}) {
    INFO(text);
    CHECK(only(text).normalized == "марат иванов");
  }
  for (const char* text : {"Анна Иванова", "Анны Ивановой", "с Анной Ивановой", "Анну Иванову"}) {
    INFO(text);
    auto a = only(text);
    CHECK(a.normalized == "анна иванова");
    CHECK(a.gender == Gender::kFemale);
  }
}

TEST_CASE("given name, patronymic and surname in any usual order", "[person]") {
  auto f = only("Иванов Марат Серикович звонил вчера");
  CHECK(f.text == "Иванов Марат Серикович");
  CHECK(f.normalized == "марат серикович иванов");

  CHECK(only("у Марата Ивановича нет долга").normalized == "марат иванович");
  CHECK(only("Ольга Петровна Смирнова").normalized == "ольга петровна смирнова");
  CHECK(only("Смирновой Ольге Петровне").normalized == "ольга петровна смирнова");
  CHECK(only("Иванов И.И. подписал").text == "Иванов И.И.");
}

TEST_CASE("Kazakh patronymics and case endings", "[person]") {
  auto f = only("Айгүл Нұрланқызы келді");
  CHECK(f.text == "Айгүл Нұрланқызы");
  CHECK(f.normalized == "айгүл нұрланқызы");
  CHECK(f.gender == Gender::kFemale);

  // "Серік ұлы" as two words is the same patronymic as "Серікұлы".
  auto sep = only("Ерлан Серік ұлы келді");
  CHECK(sep.text == "Ерлан Серік ұлы");
  CHECK(only("Ерлан Серікұлы келді").normalized == sep.normalized);

  CHECK(only("Айгүлге хабарласыңыз").text == "Айгүлге");
  CHECK(only("Айгүлді көрдім").normalized == "айгүл");
  CHECK(only("мен ерланның досымын").normalized == "ерлан");
  CHECK(only("Маратпен сөйлестім").normalized == "марат");
  CHECK(only("менің атым Әсел").context == "менің атым");
  CHECK(only("Мен Маратпын").normalized == "марат");
  // Kazakh endings typed with Russian letters.
  CHECK(only("маратка айтып кой").normalized == "марат");
}

TEST_CASE("lower-case speech-recognition output", "[person]") {
  auto found = persons("оператор здравствуйте меня зовут айгерим чем могу помочь клиент здравствуйте это "
                       "ерлан сейткалиев я по поводу кредита");
  REQUIRE(found.size() == 2);
  CHECK(found[0].text == "айгерим");
  CHECK(found[1].text == "ерлан сейткалиев");
  CHECK(found[1].normalized == "ерлан сейткалиев");

  // A name no dictionary knows, after an intro cue.
  auto cue = only("меня зовут жансерікбол");
  CHECK(cue.recognizer == "person.cue");
  CHECK(cue.context == "меня зовут");
  // A surname known only by its ending, beside a known given name.
  CHECK(only("марат жаксылыков пришел").normalized == "марат жаксылыков");
  CHECK(only("жаксылыкова анна пришла").normalized == "анна жаксылыкова");
}

TEST_CASE("English names, titles and possessives", "[person]") {
  auto f = only("My name is John Smith.");
  CHECK(f.text == "John Smith");
  CHECK(f.context == "my name is");
  CHECK(only("John's car is red").text == "John's");
  CHECK(only("John's car is red").normalized == "john");
  auto mr = only("Please call Mr Zhaksylykov tomorrow");
  CHECK(mr.text == "Zhaksylykov");
  CHECK(mr.context == "mr");
  CHECK(only("Marat Ivanov called").normalized == "марат иванов");
  CHECK(only("this is sarah from support").text == "sarah");
}

TEST_CASE("names that are common words need evidence", "[person]") {
  CHECK(none("вера в лучшее"));
  CHECK(none("любовь к делу"));
  CHECK(none("мир во всем мире"));
  CHECK(none("слава богу всё хорошо"));
  CHECK(none("I will call you in May."));
  CHECK(none("in may we will see"));
  CHECK(none("надежда есть всегда"));
  CHECK(none("роза ветров"));
  CHECK(none("сумма в тенге"));

  // The weak reading is still reported, under the threshold.
  auto weak = persons("вера в лучшее", true);
  REQUIRE(weak.size() == 1);
  CHECK(weak[0].confidence < 0.5f);

  // With evidence they are names.
  CHECK(only("вчера Вера звонила").text == "Вера");
  CHECK(only("меня зовут вера").text == "вера");
  CHECK(only("вера петрова звонила").normalized == "вера петрова");
  CHECK(only("Will Smith arrived").text == "Will Smith");
  CHECK(only("уважаемая Надежда Ивановна").normalized == "надежда ивановна");
}

TEST_CASE("streets, places and companies named after people are not persons", "[person]") {
  CHECK(none("живу на улице Абая 150"));
  CHECK(none("ул. Абая, 150"));
  CHECK(none("проспект Абая"));
  CHECK(none("Абай көшесі 15"));
  CHECK(none("на абая 150 квартира 3"));
  CHECK(none("Розыбакиева 247"));
  CHECK(none("Наш офис в ЖК Нурсая"));
}

TEST_CASE("plain text without names stays clean", "[person]") {
  CHECK(none("Настоящий документ является публичной офертой Исполнителя о заключении договора."));
  CHECK(none("Исполнитель обеспечивает отправку Автозвонков и SMS Абонентам по спискам Абонентов."));
  CHECK(none("Клиент обязуется хранить Параметры доступа и не передавать их третьим лицам."));
  CHECK(none("оплата прошла сегодня в пять часов вечера спасибо большое"));
  CHECK(none("Төлем бүгін түсті, рахмет"));
  CHECK(none("The processor shall delete personal data within thirty days."));
}

TEST_CASE("guessing by ending reads the case and the nominative", "[person]") {
  std::vector<names::Analysis> readings;
  std::vector<std::string> lemmas;
  REQUIRE(names::guess_by_ending("жаксылыкову", readings, lemmas));
  REQUIRE(lemmas.size() == 2);
  CHECK(lemmas[0] == "жаксылыков");
  CHECK(readings[0].gcase == names::Case::kDat);
  CHECK(lemmas[1] == "жаксылыкова");
  readings.clear();
  lemmas.clear();
  CHECK_FALSE(names::guess_by_ending("стол", readings, lemmas));
  CHECK_FALSE(names::guess_by_ending("слов", readings, lemmas));
}

TEST_CASE("speaker labels of chat exports and transcripts", "[person]") {
  auto label = only("[14:51] Ксаверий: Добрый день");
  CHECK(label.text == "Ксаверий");
  CHECK(label.recognizer == "person.cue");
  CHECK(only("06.01.2023, 18:23 - Евстафий Трегубов: Здравствуйте").text == "Евстафий Трегубов");
  // A known name as a label, even one that is also a word.
  CHECK(only("[13:07] дана: сізбен қалай байланысамыз?").text == "дана");
  // Roles, companies and document fields are not names.
  CHECK(none("[09:25] Менеджер: Номер заказа?"));
  CHECK(none("[10:50] Береке Трейд: Номер?"));
  CHECK(none("Важно: мы не раскрываем данные"));
  CHECK(none("Исполнитель: ____________"));
}

TEST_CASE("role words and greetings around a name", "[person]") {
  CHECK(only("оператор салтанат слушаю вас").text == "салтанат");
  CHECK(only("сәлеметсіз бе оператор серік тыңдаймын").text == "серік");
  auto rare = only("hello support niamh speaking");
  CHECK(rare.text == "niamh");
  CHECK(rare.recognizer == "person.cue");
  CHECK(only("Это Феоктист из Дала Телеком.").text == "Феоктист");
  CHECK(only("кеше дидармен сөйлестім").normalized == "дидар");
  CHECK(only("құжатты кімге береміз клиент: сәулеге беріңіз").text == "сәулеге");
}

TEST_CASE("names read with words no dictionary knows", "[person]") {
  // A father's given name as the surname, Kazakh style.
  auto kz = only("Айгүл Төлеген келді");
  CHECK(kz.text == "Айгүл Төлеген");
  CHECK(kz.gender == Gender::kFemale);
  // The given name before a patronymic, the word between two name words.
  CHECK(only("ксаверий дмитриевич нурланов звонил").text == "ксаверий дмитриевич нурланов");
  CHECK(only("запишите на байжанова евстафия петровича пожалуйста").text == "байжанова евстафия петровича");
  // A capitalized word beside a capitalized name.
  CHECK(only("Jessica Nakashima said it is ready").text == "Jessica Nakashima");
  CHECK(only("[09:21] Феврония Иванова: Здравствуйте").text == "Феврония Иванова");
  // After an intro, the last word of the phrase.
  CHECK(only("my name is emma featherstone i'm calling").text == "emma featherstone");
  // A sentence-opening word is not part of the name.
  CHECK(only("Сегодня Марат звонил").text == "Марат");
}

TEST_CASE("name words that name a company", "[person]") {
  // A kind of business after the name words.
  CHECK(none("закажите через Айгерим Такси, там дешевле"));
  CHECK(none("Қуаныш Сервис тоо бин жоқ"));
  CHECK(none("we ship with Aigerim Logistics since May"));
  CHECK(none("Дамир емханасы жабық"));
  // A legal form or kind of business right before them.
  CHECK(none("ИП Ерлан выставил счёт"));
  CHECK(none("позвоните в службу доставки Айгерим"));
  // In quotes, as Russian and Kazakh write the names of organisations.
  CHECK(none("договор с ТОО «Асем Нурланова» подписан"));
  CHECK(none("магазин \"Ерлан\" закрыт"));
  // A Latin brand word beside a Cyrillic name.
  CHECK(none("карта Kaspi Айгерим заблокирована"));
  // The person beside the company is still found: after a comma the
  // company's name is over, and a greeting is no brand.
  CHECK(only("Служба доставки Жулдыз Экспресс, Айгерим на связи").text == "Айгерим");
  CHECK(only("Hi Айгерим, как дела?").text == "Айгерим");
  CHECK(only("водитель Ерлан Сейткали приехал").text == "Ерлан Сейткали");
}

// EndingSet compares a word only with the endings that share its last
// byte: it must answer as a comparison with every ending does, for words
// that end in an ending, in its last letter only, in another script, and
// for endings that are suffixes of one another.
TEST_CASE("an ending set answers as a comparison with every ending", "[person]") {
  static constexpr std::string_view kEndings[] = {"ов", "ова", "ский", "ая", "я", "ing", "ly", "ұлы", "ы", "g", "бек"};
  static constexpr names::EndingSet kSet(kEndings);
  auto slow = [](std::string_view word) {
    return std::any_of(std::begin(kEndings), std::end(kEndings), [&](std::string_view e) {
      return word.size() >= e.size() && word.substr(word.size() - e.size()) == e;
    });
  };
  // Words built from pieces that end in the endings' bytes and in others.
  const std::vector<std::string> pieces = {"", "а", "в", "о", "ов", "ск", "ий", "я", "ы", "ұл", "л", "y", "n", "g",
                                           "in", "i", "б", "ек", "к", "ж", "x", "\xD0", "\xB2", "ә", "ү"};
  std::size_t words = 0, matches = 0;
  for (const auto& a : pieces) {
    for (const auto& b : pieces) {
      for (const auto& c : pieces) {
        const std::string word = a + b + c;
        INFO(word);
        CHECK(kSet.any_ends(word) == slow(word));
        ++words;
        matches += slow(word);
      }
    }
  }
  CHECK(words == pieces.size() * pieces.size() * pieces.size());
  CHECK(matches > 1000);  // the generated words do reach the endings
  CHECK(kSet.endings().size() == std::size(kEndings));
  CHECK_FALSE(kSet.any_ends(""));
}

// The recognizer looks words up through a copy of the dictionary's
// FormIndex: a copy answers as the dictionary does.
TEST_CASE("a copied form index answers as the dictionary", "[person]") {
  const auto& dict = names::Dictionary::instance();
  const names::FormIndex copy = dict.index();
  std::size_t known = 0;
  for (std::uint32_t id = 0; id < dict.lemma_count(); id += 7) {
    for (const auto& form : dict.forms(id)) {
      const std::uint64_t h = fold_hash(form.text);
      auto a = dict.lookup(h), b = copy.lookup(h);
      REQUIRE(a.data() == b.data());
      REQUIRE(a.size() == b.size());
      known += !a.empty();
    }
  }
  CHECK(known > 1000);
  for (std::uint64_t k = 1; k < 20000; ++k) {
    const std::uint64_t h = k * 0x9E3779B97F4A7C15ULL;
    REQUIRE(dict.lookup(h).data() == copy.lookup(h).data());
  }
}

// The scan that skips to the words worth a closer look must still stop at
// labels and standalone surnames at the very start and end of the text and
// right after another finding.
TEST_CASE("labels and standalone surnames at the edges of the text", "[person]") {
  CHECK(only("[14:51] Ксаверий: Добрый день").text == "Ксаверий");
  CHECK(only("1] Ксаверий: Добрый день").text == "Ксаверий");
  // A patronymic no dictionary knows, read by its ending.
  CHECK(only("Жаркынбекович подписал").text == "Жаркынбекович");
  CHECK(only("договор подписал Жаркынбекович").text == "Жаркынбекович");
  auto two = persons("Марат Иванов, Жаркынбекович");
  REQUIRE(two.size() == 2);
  CHECK(two[0].text == "Марат Иванов");
  CHECK(two[1].text == "Жаркынбекович");
}

// The roles of a word come from one probe of a small table that keeps each
// cue word's run of cue ids: the run must be exactly the cues whose words
// include it, and the stop words of the data file must say so.
TEST_CASE("the roles of a word name every cue that contains it", "[person]") {
  const auto& dict = names::Dictionary::instance();
  const auto cues = dict.cues();
  REQUIRE(cues.size() > 20);
  std::vector<std::uint64_t> words;
  for (const auto& c : cues) words.insert(words.end(), c.words.begin(), c.words.end());
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  for (std::uint64_t h : words) {
    std::vector<std::uint32_t> expected;
    for (std::uint32_t id = 0; id < cues.size(); ++id) {
      if (std::find(cues[id].words.begin(), cues[id].words.end(), h) != cues[id].words.end()) expected.push_back(id);
    }
    const auto roles = dict.roles(h);
    std::vector<std::uint32_t> got(roles.cues.begin(), roles.cues.end());
    std::sort(got.begin(), got.end());
    REQUIRE(got == expected);
    CHECK(dict.cues_with_word(h).size() == expected.size());
    CHECK(roles.stop_or_cue());
    // The cues read before a name end in the word; those read after it
    // start with it; both in id order, as matching picks the first of
    // equal weights.
    std::vector<std::uint32_t> before, after;
    for (std::uint32_t id : expected) {
      const auto& c = cues[id];
      const bool follows = c.kind == names::CueKind::kAfter || c.kind == names::CueKind::kNotAfter;
      if (!follows && c.words.back() == h) before.push_back(id);
      if ((follows || c.kind == names::CueKind::kAfterIntro) && c.words.front() == h) after.push_back(id);
    }
    REQUIRE(std::vector<std::uint32_t>(roles.before_name.begin(), roles.before_name.end()) == before);
    REQUIRE(std::vector<std::uint32_t>(roles.after_name.begin(), roles.after_name.end()) == after);
  }
  for (const char* stop : {"не", "меня", "на", "это"}) {
    INFO(stop);
    CHECK(dict.roles(fold_hash(stop)).stop_word);
    CHECK(dict.is_stop_word(fold_hash(stop)));
  }
  for (std::uint64_t k = 1; k < 20000; ++k) {
    const std::uint64_t h = k * 0x9E3779B97F4A7C15ULL;
    if (std::binary_search(words.begin(), words.end(), h)) continue;
    REQUIRE(dict.cues_with_word(h).empty());
    REQUIRE(dict.roles(h).before_name.empty());
    REQUIRE(dict.roles(h).after_name.empty());
  }
  CHECK_FALSE(dict.roles(fold_hash("феоктист")).stop_or_cue());
}

// A word no dictionary knows is folded by the reader itself, a Cyrillic
// letter through a table: its lemma must be what the tokenizer's fold()
// makes of it, for every letter of the Cyrillic blocks, in either case.
TEST_CASE("a guessed surname is folded as the tokenizer folds it", "[person]") {
  std::size_t checked = 0;
  for (char32_t cp = 0x400; cp <= 0x52F; ++cp) {
    std::string letter;
    letter += static_cast<char>(0xC0 | (cp >> 6));
    letter += static_cast<char>(0x80 | (cp & 0x3F));
    const std::string word = letter + "аксылыков";
    std::vector<Token> tokens;
    tokenize(word, tokens);
    if (tokens.size() != 1 || tokens[0].kind != TokenKind::kWord) continue;  // not a letter
    names::ReadOptions options;
    options.force_first = true;
    names::NameReading reading;
    INFO(word);
    REQUIRE(names::read_name(word, tokens, 0, options, reading));
    REQUIRE(reading.parts.size() == 1);
    CHECK(reading.parts[0].lemma == fold(word));
    ++checked;
  }
  CHECK(checked > 200);
}

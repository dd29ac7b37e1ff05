// The evaluation corpus must be right before it can judge the detector: every
// gold span says what it holds, look-alikes are not labelled, the corpus is
// the same for the same seed. The checks here re-derive each fact on their own
// (check digits, number words) rather than trusting the generator's helpers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "anonymize/entity.h"
#include "anonymize/utf8.h"
#include "bench/corpus/corpus_generator.h"
#include "bench/corpus/corpus_heldout_names.h"
#include "bench/corpus/corpus_names.h"
#include "bench/corpus/corpus_templates.h"
#include "bench/corpus/corpus_text.h"

namespace {

using dpa::anonymize::EntityType;
using dpa::bench::CorpusDocument;
using dpa::bench::Form;
using dpa::bench::GoldSpan;
using dpa::bench::Language;

std::string digits_of(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d += c;
  }
  return d;
}

bool only(std::string_view s, std::string_view allowed) {
  return std::all_of(s.begin(), s.end(), [&](char c) { return allowed.find(c) != std::string_view::npos; });
}

bool kz_checksum_ok(std::string_view d) {
  if (d.size() != 12 || !only(d, "0123456789")) return false;
  int s = 0;
  for (int i = 0; i < 11; ++i) s += (d[static_cast<std::size_t>(i)] - '0') * (i + 1);
  int c = s % 11;
  if (c == 10) {
    static const int kSecond[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
    s = 0;
    for (int i = 0; i < 11; ++i) s += (d[static_cast<std::size_t>(i)] - '0') * kSecond[i];
    c = s % 11;
  }
  return c < 10 && c == d[11] - '0';
}

bool luhn_ok(std::string_view d) {
  int sum = 0;
  bool dbl = false;
  for (auto it = d.rbegin(); it != d.rend(); ++it) {
    int v = *it - '0';
    if (dbl && (v *= 2) > 9) v -= 9;
    sum += v;
    dbl = !dbl;
  }
  return !d.empty() && sum % 10 == 0;
}

bool iban_ok(std::string_view iban) {
  if (iban.size() < 5) return false;
  std::string r = std::string(iban.substr(4)) + std::string(iban.substr(0, 4));
  int mod = 0;
  for (char c : r) {
    if (c >= '0' && c <= '9') mod = (mod * 10 + (c - '0')) % 97;
    else if (c >= 'A' && c <= 'Z') mod = (mod * 100 + (c - 'A' + 10)) % 97;
    else return false;
  }
  return mod == 1;
}

// Number words back to digits, the way a listener hears them: a hundred
// takes the tens and units after it, a ten takes a unit, Kazakh and English
// units before "жүз"/"hundred" multiply it.
struct NumberWord {
  char cls;  // 'Z' zero, 'U' unit, 'T' teen, 'X' ten, 'H' hundred, 'M' multiplied hundred
  int value;
};

const std::map<std::string, NumberWord>& number_vocabulary() {
  static const std::map<std::string, NumberWord> v = [] {
    std::map<std::string, NumberWord> m;
    const char* ru_units[] = {"ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"};
    const char* ru_teens[] = {"десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать",
                              "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"};
    const char* ru_tens[] = {"двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"};
    const char* ru_hundreds[] = {"сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"};
    const char* kk_units[] = {"нөл", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"};
    const char* kk_tens[] = {"он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан"};
    const char* en_units[] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
    const char* en_teens[] = {"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
    const char* en_tens[] = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
    for (int i = 0; i < 10; ++i) {
      m[ru_units[i]] = {i ? 'U' : 'Z', i};
      m[kk_units[i]] = {i ? 'U' : 'Z', i};
      m[en_units[i]] = {i ? 'U' : 'Z', i};
      m[ru_teens[i]] = {'T', 10 + i};
      m[en_teens[i]] = {'T', 10 + i};
    }
    for (int i = 0; i < 8; ++i) {
      m[ru_tens[i]] = {'X', 20 + 10 * i};
      m[en_tens[i]] = {'X', 20 + 10 * i};
    }
    for (int i = 0; i < 9; ++i) {
      m[kk_tens[i]] = {'X', 10 + 10 * i};
      m[ru_hundreds[i]] = {'H', 100 * (i + 1)};
    }
    m["oh"] = {'Z', 0};
    m["жүз"] = {'M', 100};
    m["hundred"] = {'M', 100};
    return m;
  }();
  return v;
}

// "" when a word is not a number word.
std::string words_to_digits(std::string_view text) {
  std::vector<std::string> tokens;
  std::istringstream in{std::string(text)};
  for (std::string t; in >> t;) tokens.push_back(t);
  const auto& vocab = number_vocabulary();
  auto word = [&](std::size_t i) -> const NumberWord* {
    if (i >= tokens.size()) return nullptr;
    auto it = vocab.find(tokens[i]);
    return it == vocab.end() ? nullptr : &it->second;
  };
  std::string out;
  for (std::size_t i = 0; i < tokens.size();) {
    const std::string& t = tokens[i];
    if (t == "плюс" || t == "plus") {
      out += '+';
      ++i;
      continue;
    }
    if (!t.empty() && only(t, "+0123456789")) {
      out += t;
      ++i;
      continue;
    }
    if (t == "double") {
      const NumberWord* n = word(i + 1);
      if (!n || (n->cls != 'U' && n->cls != 'Z')) return "";
      out += std::string(2, static_cast<char>('0' + n->value));
      i += 2;
      continue;
    }
    const NumberWord* w = word(i);
    if (!w) return "";
    int value = w->value;
    char state = w->cls;
    ++i;
    if (w->cls == 'U' && word(i) && word(i)->cls == 'M') {
      value *= 100;
      state = 'H';
      ++i;
    } else if (w->cls == 'M') {
      state = 'H';
    }
    if (state == 'H' && word(i)) {
      char c = word(i)->cls;
      if (c == 'X') {
        value += word(i++)->value;
        state = 'X';
      } else if (c == 'T' || c == 'U') {
        value += word(i++)->value;
        state = 'T';
      }
    }
    if (state == 'X' && word(i) && word(i)->cls == 'U') value += word(i++)->value;
    out += std::to_string(value);
  }
  return out;
}

std::string phone_value_of(std::string digits) {
  if (digits.rfind("+7", 0) == 0) return "7" + digits.substr(2);
  if (digits.size() == 11 && digits[0] == '8') return "7" + digits.substr(1);
  if (digits.size() == 10) return "7" + digits;
  return digits;
}

bool on_boundary(std::string_view s, std::size_t i) {
  return i == 0 || i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
}

bool has_letter_or_digit_at_ends(std::string_view s) {
  auto edge = [](unsigned char c) { return c >= 0x80 || std::isalnum(c) || c == '+'; };
  return !s.empty() && edge(static_cast<unsigned char>(s.front())) &&
         (edge(static_cast<unsigned char>(s.back())) || s.back() == '/');
}

const std::vector<CorpusDocument>& corpus() {
  static const auto c = dpa::bench::generate_corpus(11, 1500);
  return c;
}

const std::vector<CorpusDocument>& heldout_corpus() {
  static const auto c = dpa::bench::generate_corpus(11, 1500, dpa::bench::CorpusSplit::kHeldOut);
  return c;
}

// Both sets: every check of what a label holds applies to each.
const std::vector<CorpusDocument>& both_sets() {
  static const auto c = [] {
    std::vector<CorpusDocument> all = corpus();
    all.insert(all.end(), heldout_corpus().begin(), heldout_corpus().end());
    return all;
  }();
  return c;
}

// Words of a text, case-folded (the generator's own folding keeps lengths).
std::set<std::string> words_of(std::string text) {
  dpa::bench::lower_in_place(text);
  std::set<std::string> out;
  std::string w;
  for (char c : text + " ") {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u) || c == '-') {
      w += c;
    } else if (!w.empty()) {
      out.insert(w);
      w.clear();
    }
  }
  return out;
}

}  // namespace

TEST_CASE("the corpus is the same for the same seed", "[corpus]") {
  auto a = dpa::bench::generate_corpus(5, 300);
  auto b = dpa::bench::generate_corpus(5, 300);
  auto c = dpa::bench::generate_corpus(6, 300);
  REQUIRE(a.size() == 300);
  std::size_t differing = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    REQUIRE(a[i].text == b[i].text);
    REQUIRE(a[i].entities.size() == b[i].entities.size());
    for (std::size_t k = 0; k < a[i].entities.size(); ++k) {
      CHECK(a[i].entities[k].begin == b[i].entities[k].begin);
      CHECK(a[i].entities[k].end == b[i].entities[k].end);
      CHECK(a[i].entities[k].type == b[i].entities[k].type);
    }
    if (a[i].text != c[i].text) ++differing;
  }
  CHECK(differing > 290);
  // A document depends on (seed, index) only, not on how many came before.
  CHECK(dpa::bench::generate_document(5, 123).text == a[123].text);
  CHECK(dpa::bench::generate_text(5, 20000) == dpa::bench::generate_text(5, 20000));
}

TEST_CASE("spans are in bounds, on character boundaries, sorted and disjoint", "[corpus]") {
  for (const auto& d : both_sets()) {
    REQUIRE(dpa::anonymize::is_valid_utf8(d.text));
    CHECK(d.text.find("\n\n") == std::string::npos);
    std::size_t prev_end = 0;
    for (const auto& e : d.entities) {
      REQUIRE(e.begin < e.end);
      REQUIRE(e.end <= d.text.size());
      CHECK(e.begin >= prev_end);
      prev_end = e.end;
      CHECK(on_boundary(d.text, e.begin));
      CHECK(on_boundary(d.text, e.end));
      std::string_view s = std::string_view(d.text).substr(e.begin, e.length());
      INFO(dpa::bench::type_label(e.type) << " '" << s << "'");
      CHECK(has_letter_or_digit_at_ends(s));
    }
    std::size_t dprev = 0;
    for (const auto& x : d.distractors) {
      REQUIRE(x.begin < x.end);
      REQUIRE(x.end <= d.text.size());
      CHECK(x.begin >= dprev);
      dprev = x.end;
      // A look-alike never overlaps an entity.
      for (const auto& e : d.entities) CHECK((x.end <= e.begin || e.end <= x.begin));
    }
  }
}

TEST_CASE("every gold span holds what its label says", "[corpus]") {
  std::size_t spoken_checked = 0;
  for (const auto& d : both_sets()) {
    for (const auto& e : d.entities) {
      std::string s = d.text.substr(e.begin, e.length());
      std::string digits = digits_of(s);
      INFO(dpa::bench::type_label(e.type) << " " << e.variant << " '" << s << "' value " << e.value);
      switch (e.type) {
        case EntityType::kIin:
          CHECK(kz_checksum_ok(e.value));
          CHECK(std::stoi(e.value.substr(2, 2)) >= 1);
          CHECK(std::stoi(e.value.substr(2, 2)) <= 12);
          CHECK(e.value[6] >= '1');
          CHECK(e.value[6] <= '6');
          if (e.form == Form::kWritten) {
            CHECK(only(s, "0123456789 "));
            CHECK(digits == e.value);
          } else {
            CHECK(words_to_digits(s) == e.value);
            ++spoken_checked;
          }
          break;
        case EntityType::kBin:
          CHECK(digits == e.value);
          CHECK(s == e.value);
          CHECK(kz_checksum_ok(e.value));
          CHECK(e.value[4] >= '4');
          CHECK(e.value[4] <= '6');
          CHECK(e.value[5] <= '3');
          break;
        case EntityType::kPhone:
          REQUIRE(e.value.size() == 11);
          CHECK(e.value[0] == '7');
          if (e.form == Form::kWritten) {
            CHECK(only(s, "+0123456789 ()-"));
            CHECK(phone_value_of(s[0] == '+' ? "+" + digits : digits) == e.value);
          } else {
            CHECK(phone_value_of(words_to_digits(s)) == e.value);
            ++spoken_checked;
          }
          break;
        case EntityType::kCard:
          CHECK(only(s, "0123456789 -"));
          CHECK(digits == e.value);
          CHECK(digits.size() == 16);
          CHECK(luhn_ok(digits));
          break;
        case EntityType::kIban: {
          std::string compact;
          for (char c : s) {
            if (c != ' ') compact += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          }
          CHECK(compact == e.value);
          CHECK(compact.size() == 20);
          CHECK(compact.rfind("KZ", 0) == 0);
          CHECK(iban_ok(compact));
          break;
        }
        case EntityType::kEmail: {
          std::string lower = s;
          for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          CHECK(lower == e.value);
          CHECK(std::count(s.begin(), s.end(), '@') == 1);
          break;
        }
        case EntityType::kIpAddress:
          if (s.find(':') == std::string::npos) {
            int octets = 0;
            std::istringstream in(s);
            for (std::string part; std::getline(in, part, '.');) {
              CHECK(only(part, "0123456789"));
              CHECK(std::stoi(part) <= 255);
              ++octets;
            }
            CHECK(octets == 4);
          } else {
            CHECK(only(s, "0123456789abcdef:"));
          }
          break;
        case EntityType::kUrl:
          CHECK((s.find("instagram.com/") != std::string::npos || s.find("wa.me/") != std::string::npos ||
                 s.find("t.me/") != std::string::npos || s.find("vk.com/") != std::string::npos ||
                 s.find("facebook.com/") != std::string::npos));
          break;
        case EntityType::kDateOfBirth: {
          bool year_ok = false;
          for (int y = 1950; y <= 2005; ++y) year_ok = year_ok || s.find(std::to_string(y)) != std::string::npos;
          CHECK(year_ok);
          break;
        }
        case EntityType::kIdCard:
          CHECK(s == e.value);
          CHECK(s.size() == 9);
          CHECK(only(s, "0123456789"));
          break;
        case EntityType::kPassport:
          CHECK((((s[0] == 'N' || s[0] == 'n') && s.size() == 9 && only(s.substr(1), "0123456789")) ||
                 (s.size() == 11 && s[4] == ' ' && digits.size() == 10)));
          break;
        case EntityType::kVehiclePlate: {
          std::string compact;
          for (char c : s) {
            if (c != ' ') compact += c;
          }
          CHECK((compact.size() == 7 || compact.size() == 8));
          CHECK(only(compact.substr(0, 3), "0123456789"));
          CHECK(only(compact.substr(compact.size() - 2), "0123456789"));
          CHECK(std::all_of(compact.begin() + 3, compact.end() - 2, [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }));
          break;
        }
        case EntityType::kAddress:
          CHECK(s.size() >= 8);
          break;
        case EntityType::kPerson:
          CHECK(digits.empty());
          CHECK(s.find_first_of(".,:;!?()") == std::string::npos);
          CHECK(s.find("'s") == std::string::npos);
          break;
      }
    }
  }
  CHECK(spoken_checked > 100);
}

TEST_CASE("look-alikes with wrong check digits are not labelled and really are wrong", "[corpus]") {
  std::size_t bad_iin = 0, bad_card = 0, invoice = 0, bad_iban = 0;
  for (const auto& d : both_sets()) {
    for (const auto& x : d.distractors) {
      std::string s = d.text.substr(x.begin, x.end - x.begin);
      std::string digits = digits_of(s);
      INFO(x.kind << " '" << s << "'");
      if (x.kind == "iin_bad_check") {
        ++bad_iin;
        CHECK(digits.size() == 12);
        CHECK_FALSE(kz_checksum_ok(digits));
      } else if (x.kind == "card_bad_check") {
        ++bad_card;
        CHECK(digits.size() == 16);
        CHECK_FALSE(luhn_ok(digits));
      } else if (x.kind == "invoice12") {
        ++invoice;
        CHECK(digits.size() == 12);
        CHECK_FALSE(kz_checksum_ok(digits));
      } else if (x.kind == "iban_bad_check") {
        ++bad_iban;
        std::string upper = s;
        std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        CHECK(upper.size() == 20);
        CHECK(upper.rfind("KZ", 0) == 0);
        CHECK_FALSE(iban_ok(upper));
      } else if (x.kind == "digits11") {
        CHECK(digits.size() == 11);
        CHECK(digits[0] != '7');
        CHECK(digits[0] != '8');
      }
    }
  }
  CHECK(bad_iin > 20);
  CHECK(bad_card > 20);
  CHECK(invoice > 20);
  CHECK(bad_iban > 20);
}

TEST_CASE("every entity type, form, language and kind of document appears", "[corpus]") {
  std::set<EntityType> types;
  std::set<std::pair<EntityType, Form>> forms;
  std::set<Language> languages;
  std::set<dpa::bench::DocKind> kinds;
  std::set<std::string_view> distractor_kinds;
  std::size_t rare = 0;
  for (const auto& d : corpus()) {
    languages.insert(d.language);
    kinds.insert(d.kind);
    for (const auto& e : d.entities) {
      types.insert(e.type);
      forms.insert({e.type, e.form});
      if (e.rare) ++rare;
    }
    for (const auto& x : d.distractors) distractor_kinds.insert(x.kind);
  }
  CHECK(types.size() == static_cast<std::size_t>(dpa::anonymize::kEntityTypeCount));
  for (auto t : {EntityType::kPhone, EntityType::kIin}) {
    CHECK(forms.count({t, Form::kWritten}));
    CHECK(forms.count({t, Form::kSpoken}));
    CHECK(forms.count({t, Form::kMixed}));
  }
  CHECK(languages.size() == 3);
  CHECK(kinds.size() == 2);
  CHECK(rare > 50);
  for (std::string_view k : {"amount", "order", "time", "date", "year", "tracking", "iin_bad_check",
                             "card_bad_check", "digits11", "version", "common_word"}) {
    INFO(k);
    CHECK(distractor_kinds.count(k));
  }
}

TEST_CASE("type labels are the detector's names", "[corpus]") {
  for (int i = 0; i < dpa::anonymize::kEntityTypeCount; ++i) {
    auto t = static_cast<EntityType>(i);
    CHECK(dpa::bench::type_label(t) == dpa::anonymize::entity_type_name(t));
  }
}

TEST_CASE("labels.jsonl lines are JSON that point at the right text", "[corpus]") {
  const auto& d = corpus()[3];
  auto j = nlohmann::json::parse(dpa::bench::label_line(d, 3, 100));
  CHECK(j["doc"] == 3);
  CHECK(j["offset"] == 100);
  CHECK(j["length"] == d.text.size());
  REQUIRE(j["entities"].size() == d.entities.size());
  for (std::size_t i = 0; i < d.entities.size(); ++i) {
    const auto& e = j["entities"][i];
    std::size_t b = e["begin"], en = e["end"];
    CHECK(e["text"] == d.text.substr(b, en - b));
    CHECK(e["type"] == std::string(dpa::bench::type_label(d.entities[i].type)));
  }
}

TEST_CASE("the throughput text is large enough, valid and made of whole documents", "[corpus]") {
  std::string t = dpa::bench::generate_text(3, 300000);
  CHECK(t.size() >= 300000);
  CHECK(t.size() < 400000);
  CHECK(dpa::anonymize::is_valid_utf8(t));
  CHECK(t.substr(t.size() - 2) == "\n\n");
}

TEST_CASE("the held-out set covers every type, form, language, kind and its own look-alikes", "[corpus][held-out]") {
  std::set<EntityType> types;
  std::set<std::pair<EntityType, Form>> forms;
  std::set<std::pair<Language, dpa::bench::DocKind>> packs;
  std::set<std::string_view> distractor_kinds;
  std::size_t rare = 0;
  for (const auto& d : heldout_corpus()) {
    packs.insert({d.language, d.kind});
    for (const auto& e : d.entities) {
      types.insert(e.type);
      forms.insert({e.type, e.form});
      if (e.rare) ++rare;
    }
    for (const auto& x : d.distractors) distractor_kinds.insert(x.kind);
  }
  CHECK(types.size() == static_cast<std::size_t>(dpa::anonymize::kEntityTypeCount));
  for (auto t : {EntityType::kPhone, EntityType::kIin}) {
    CHECK(forms.count({t, Form::kWritten}));
    CHECK(forms.count({t, Form::kSpoken}));
    CHECK(forms.count({t, Form::kMixed}));
  }
  CHECK(packs.size() == 6);
  CHECK(rare > 30);
  for (std::string_view k : {"invoice12", "iban_bad_check", "ticket", "sms_code", "sms_code_spoken", "short_number",
                             "amount", "order", "time", "year", "tracking", "iin_bad_check", "card_bad_check",
                             "common_word"}) {
    INFO(k);
    CHECK(distractor_kinds.count(k));
  }
  // Another stream than the tuning set's for the same seed.
  CHECK(dpa::bench::generate_document(11, 7, dpa::bench::CorpusSplit::kHeldOut).text == heldout_corpus()[7].text);
  CHECK(heldout_corpus()[7].text != corpus()[7].text);
}

TEST_CASE("held-out name lists share no name with the tuning lists", "[corpus][held-out]") {
  namespace data = dpa::bench::data;
  namespace ho = dpa::bench::heldout;
  std::set<std::string> tuning;
  for (const auto& n : data::kRuFirst) tuning.insert(n.nom);
  for (const auto& n : data::kRuPatronymic) tuning.insert({n.male, n.female});
  for (const auto& n : data::kRuSurname) tuning.insert({n.male, n.female});
  for (const auto& n : data::kKkFirst) tuning.insert(n.nom);
  for (const auto& n : data::kKkSurname) tuning.insert({n.male, n.female});
  for (const auto* n : data::kKkFather) tuning.insert(n);
  for (const auto& n : data::kEnFirst) tuning.insert(n.nom);
  for (const auto& n : data::kEnKzFirst) tuning.insert(n.nom);
  for (const auto& n : data::kEnSurname) tuning.insert({n.male, n.female});
  for (const auto& n : data::kEnKzSurname) tuning.insert({n.male, n.female});

  std::vector<std::string> held;
  for (const auto& n : ho::kRuFirst) held.push_back(n.nom);
  for (const auto& n : ho::kRuPatronymic) held.insert(held.end(), {n.male, n.female});
  for (const auto& n : ho::kRuSurname) held.insert(held.end(), {n.male, n.female});
  for (const auto& n : ho::kKkFirst) held.push_back(n.nom);
  for (const auto& n : ho::kKkSurname) held.insert(held.end(), {n.male, n.female});
  for (const auto* n : ho::kKkFather) held.push_back(n);
  for (const auto& n : ho::kEnFirst) held.push_back(n.nom);
  for (const auto& n : ho::kEnKzFirst) held.push_back(n.nom);
  for (const auto& n : ho::kEnSurname) held.insert(held.end(), {n.male, n.female});
  for (const auto& n : ho::kEnKzSurname) held.insert(held.end(), {n.male, n.female});
  for (const auto& n : held) {
    INFO(n);
    CHECK(tuning.count(n) == 0);
  }

  // Company names are look-alikes for the person recognizer: new ones too.
  std::set<std::string> tuning_companies;
  tuning_companies.insert(std::begin(data::kRuCompany), std::end(data::kRuCompany));
  tuning_companies.insert(std::begin(data::kKkCompany), std::end(data::kKkCompany));
  tuning_companies.insert(std::begin(data::kEnCompany), std::end(data::kEnCompany));
  std::vector<std::string> held_companies(std::begin(ho::kRuCompany), std::end(ho::kRuCompany));
  held_companies.insert(held_companies.end(), std::begin(ho::kKkCompany), std::end(ho::kKkCompany));
  held_companies.insert(held_companies.end(), std::begin(ho::kEnCompany), std::end(ho::kEnCompany));
  for (const auto& c : held_companies) {
    INFO(c);
    CHECK(tuning_companies.count(c) == 0);
  }
}

TEST_CASE("no person word of a held-out document appears in a tuning document's person spans", "[corpus][held-out]") {
  // Every case form and suffix the generator wrote, not just the nominative.
  std::set<std::string> tuning, held;
  for (const auto& d : corpus()) {
    for (const auto& e : d.entities) {
      if (e.type == EntityType::kPerson) {
        auto w = words_of(d.text.substr(e.begin, e.length()));
        tuning.insert(w.begin(), w.end());
      }
    }
  }
  std::size_t persons = 0;
  for (const auto& d : heldout_corpus()) {
    for (const auto& e : d.entities) {
      if (e.type != EntityType::kPerson) continue;
      ++persons;
      auto w = words_of(d.text.substr(e.begin, e.length()));
      held.insert(w.begin(), w.end());
    }
  }
  CHECK(persons > 500);
  CHECK(held.size() > 150);
  for (const auto& w : held) {
    INFO(w);
    CHECK(tuning.count(w) == 0);
  }
}

TEST_CASE("held-out templates are none of the tuning templates", "[corpus][held-out]") {
  using dpa::bench::DocKind;
  using dpa::bench::TemplatePack;
  // Compared case-folded: a transcript is lower-cased, so a chat line in
  // another case would still be the same sentence. A question and its answer
  // are compared as a pair (a bare "{dob}" answer to a new question is a new
  // context).
  auto fold = [](std::string s) {
    dpa::bench::lower_in_place(s);
    return s;
  };
  auto lines_of = [&](const TemplatePack& p, std::set<std::string>& out) {
    for (const auto* list : {&p.op_open, &p.client_open, &p.closing, &p.op_fill, &p.client_fill, &p.distract}) {
      for (const char* t : *list) out.insert(fold(t));
    }
    for (const auto& pool : p.qa) {
      for (const auto& qa : pool) out.insert(fold(std::string(qa.ask ? qa.ask : "") + " => " + qa.say));
    }
  };
  std::set<std::string> tuning, held;
  for (auto lang : {Language::kRussian, Language::kKazakh, Language::kEnglish}) {
    for (auto kind : {DocKind::kTranscript, DocKind::kChat}) {
      lines_of(dpa::bench::template_pack(lang, kind), tuning);
      const TemplatePack& h = dpa::bench::heldout_template_pack(lang, kind);
      lines_of(h, held);
      for (int t = 0; t < dpa::anonymize::kEntityTypeCount; ++t) {
        INFO(dpa::bench::language_code(lang) << " " << dpa::bench::kind_name(kind) << " type " << t);
        CHECK_FALSE(h.qa[static_cast<std::size_t>(t)].empty());  // every type can be asked for
      }
    }
  }
  CHECK(held.size() > 250);
  for (const auto& t : held) {
    INFO(t);
    CHECK(tuning.count(t) == 0);
  }
}

// Synthetic people and the texts a call centre produces about them: call
// transcripts as speech recognition writes them and chat messages as
// customers type them, in Russian, Kazakh and English. Used by `dpa demo`
// (dpa/demo_dataset.h) and by tests that need realistic personal data.
//
// Everything comes from small built-in lists of common names, streets and
// phrases and a seeded PRNG: no real person's data. Identifiers are valid
// where real ones are (IIN check digit, IBAN mod-97, card Luhn), so that
// validators accept them, and the texts carry look-alike distractors (order
// numbers, amounts, account numbers with a wrong IIN check digit) that they
// must reject.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dpa::demo {

// Draws that bypass <random>'s distributions, whose algorithms differ between
// standard libraries: with one build of dpa, a seed always gives the same data.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t next() { return engine_(); }
  std::size_t below(std::size_t n);  // uniform in [0, n), n > 0
  int between(int lo, int hi);       // uniform in [lo, hi]
  bool percent(int p);               // true with probability p/100
  template <class Container>
  const auto& pick(const Container& c) {
    return c[below(std::size(c))];
  }
  template <class T>
  T pick(std::initializer_list<T> items) {
    return *(items.begin() + below(items.size()));
  }

 private:
  std::mt19937_64 engine_;
};

enum class Lang { kRu, kKk, kEn };
std::string_view lang_code(Lang lang);  // "ru", "kk", "en"

enum class Business { kTelecom, kRetail, kLogistics, kClinic };

// Grammatical cases of Russian names, in this order.
enum Case { kNom, kGen, kDat, kAcc, kIns, kPrep, kCaseCount };

struct Person {
  bool male = true;
  bool kazakh = false;
  std::array<std::string, kCaseCount> given;  // Russian spelling, declined
  std::array<std::string, kCaseCount> surname;
  std::array<std::string, kCaseCount> patronymic;   // "Сергеевич" or "Серикулы"
  std::string given_kk, surname_kk, patronymic_kk;  // Kazakh spelling ("Серікұлы")
  std::string given_lat, surname_lat;
  std::chrono::year_month_day birth{};
  std::string iin;       // 12 digits, valid check digit
  std::string mobile;    // national significant number, 10 digits: "7011234567"
  std::string landline;  // "7172551234" or ""
  std::string email;
  int city = 0;  // index into the built-in city list
  int street_kind = 0, street = 0, house = 0, flat = 0;
  std::string card;  // 16 digits, valid Luhn
  std::string iban;  // "KZ" + 18, valid mod-97
};

// Makes distinct people: no two share an IIN, a phone number or an e-mail.
class PersonFactory {
 public:
  // `male` fixes the sex (a husband, a mother); otherwise it is drawn.
  Person make(Rng& rng, std::optional<bool> male = std::nullopt);

 private:
  std::set<std::string> iins_, phones_, emails_;
};

// Check digits, as the generator computes them.
int iin_check_digit(std::string_view first11);   // -1 if no valid digit exists
int luhn_check_digit(std::string_view payload);  // digit to append
std::string iban_check_digits(std::string_view country, std::string_view bban);

// Lowercases ASCII, Russian and Kazakh Cyrillic letters in UTF-8 text.
std::string lower(std::string_view utf8);

// How people and forms write a number down: "+7 701 123 45 67",
// "8 (7172) 55-12-34", "87011234567", ...
std::string written_phone(std::string_view national, Rng& rng);
// As a telephony system records the caller: "+77011234567", "87011234567", ...
std::string caller_id(std::string_view national, Rng& rng);
// A contact card's name: "Иванова Елена Сергеевна", "Ержан Серікұлы", "Elena Ivanova", ...
std::string contact_full_name(const Person& p, Rng& rng);
std::string city_name(int city);  // in Russian

struct CallContext {
  const Person* caller = nullptr;
  Lang lang = Lang::kRu;
  Business business = Business::kTelecom;
  std::string brand;         // "Acme Telecom"; English calls say it as is
  std::string brand_spoken;  // "акме телеком", as Russian and Kazakh recognition spells it
  std::chrono::sys_days day{};
  bool phone_as_words = false;  // force "восемь семьсот один ..." (Russian)
};

struct Transcript {
  std::string body;
  bool asked_email = false;  // the caller's e-mail was said in the call
  bool asked_iin = false;    // the caller's IIN was said in the call
};
Transcript make_transcript(const CallContext& call, PersonFactory& people, Rng& rng);

struct ChatLine {
  bool inbound = true;
  std::string body;
  int delay_seconds = 0;  // after the previous message
};
struct ChatContext {
  const Person* customer = nullptr;
  Lang lang = Lang::kRu;
  Business business = Business::kTelecom;
  std::string brand;  // "Acme"
  std::chrono::sys_days day{};
};
// `staff` makes the names of employees the bot mentions (a doctor).
std::vector<ChatLine> make_chat(const ChatContext& chat, PersonFactory& staff, Rng& rng);

}  // namespace dpa::demo

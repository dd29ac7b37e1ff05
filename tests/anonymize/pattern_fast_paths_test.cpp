// The cheap rejections in front of the pattern scanners (a ':' with a space
// after, a run with one colon, a digit sequence too short to hold an
// identifier, candidates read as prefixes of one joined run, the walk's
// filter of trigger words) must turn
// away only what the full checks would turn away.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "anonymize/data_files.h"
#include "anonymize/pattern_lexicon.h"
#include "anonymize/pattern_scan.h"
#include "anonymize/recognizer.h"
#include "anonymize/token.h"
#include "support/pattern_scan.h"

namespace {

using namespace dpa::anonymize;

std::vector<Finding> scan(std::string_view text) { return test::scan_patterns(text); }

std::string listing(std::string_view text, const std::vector<Finding>& found) {
  std::string all;
  for (const auto& f : found) {
    all += std::string(entity_type_name(f.type)) + " [" + std::string(text.substr(f.begin, f.end - f.begin)) + "] ";
  }
  return all;
}

std::vector<Finding> of_recognizer(const std::vector<Finding>& found, std::string_view recognizer) {
  std::vector<Finding> out;
  for (const auto& f : found) {
    if (f.recognizer == recognizer) out.push_back(f);
  }
  return out;
}

// The straightforward walk for IPv6: scan_colon on every ':' token the
// cursor has not passed, with no rejection in front of it.
std::vector<Finding> ipv6_every_colon(std::string_view text) {
  std::vector<Token> tokens;
  tokenize(text, tokens);
  std::vector<Finding> out;
  ScanContext ctx{text, tokens};
  PatternScan s(ctx, out);
  std::size_t cursor = 0;
  for (std::size_t i = 0; i < s.n; ++i) {
    if (i >= cursor && s.is_punct(i, ':')) cursor = scan_colon(s, i);
  }
  return out;
}

bool same_spans(const std::vector<Finding>& a, const std::vector<Finding>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k].begin != b[k].begin || a[k].end != b[k].end || a[k].normalized != b[k].normalized) return false;
  }
  return true;
}

bool has(std::string_view text, EntityType type, std::string_view surface) {
  for (const auto& f : scan(text)) {
    if (f.type == type && text.substr(f.begin, f.end - f.begin) == surface) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("IPv6: the walk's colon filter finds what scanning every colon finds", "[patterns]") {
  const char* pieces[] = {"fe80", "2001", "db8",  "a5f7", "ff00", "1",  "12", "03", "30", ":",  "::",
                          ":",    ":",    ".",    " ",    " ",    "д",  "x",  "[",  "]",  "🙂", "42",
                          "8329", "0",    "abc",  "\n",   "10",   "c:", "::1", "_"};
  std::mt19937 rng(20261122);
  std::size_t addresses = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text;
    int n = 1 + static_cast<int>(rng() % 30);
    for (int k = 0; k < n; ++k) {
      text += pieces[rng() % std::size(pieces)];
      if (rng() % 4 == 0) text += ' ';
    }
    auto walked = of_recognizer(scan(text), "ip.v6");
    auto reference = ipv6_every_colon(text);
    INFO("text: " << text << "\nwalk: " << listing(text, walked) << "\nreference: " << listing(text, reference));
    REQUIRE(same_spans(walked, reference));
    addresses += reference.size();
  }
  CHECK(addresses > 100);  // the generator does make addresses
}

TEST_CASE("IPv6 next to times, which have a single colon", "[patterns]") {
  CHECK(has("12:03 2001:db8::ff00:42:8329 ok", EntityType::kIpAddress, "2001:db8::ff00:42:8329"));
  CHECK(has("[19:33] fe80::1", EntityType::kIpAddress, "fe80::1"));
  CHECK(has("клиент: fe80::a5f7:1 в 10:30", EntityType::kIpAddress, "fe80::a5f7:1"));
  CHECK(has("адрес: 2001:0db8:0000:0000:0000:ff00:0042:8329.", EntityType::kIpAddress,
            "2001:0db8:0000:0000:0000:ff00:0042:8329"));
  CHECK(has("хост c::2001:db8:1 работает", EntityType::kIpAddress, "c::2001:db8:1"));
  CHECK_FALSE(has("в 12:03", EntityType::kIpAddress, "12:03"));
  CHECK(of_recognizer(scan("12:03, 16:33, a:b, 10:30:45, ab:cd"), "ip.v6").empty());
}

TEST_CASE("what glues a digit sequence is judged only for long sequences, and still judged", "[patterns]") {
  // A phone in several groupings, with what may stand right before and after it.
  const char* forms[] = {"87011234567", "8 701 123 45 67", "8-701-123-45-67", "8 (701) 123-45-67", "7011234567"};
  struct Side {
    const char* text;
    bool keeps;  // the phone is still found
  };
  const Side before[] = {{" ", true}, {"тел", true}, {"ID", false}, {"#", false}, {"1.", false}, {"№", false},
                         {"x", false}, {"(", true}};
  const Side after[] = {{" ", true}, {". ", true}, {"abc", false}, {"%", false}, {".5", false}, {"@", false},
                        {" тенге", false}};
  for (const char* form : forms) {
    for (const auto& b : before) {
      for (const auto& a : after) {
        std::string phone = form;
        // A bracket glued to "(701)" is the phone's own: only judge it on forms without one.
        if (std::string_view(b.text) == "(" && phone.find('(') != std::string::npos) continue;
        std::string text = std::string("звоните ") + b.text + phone + a.text + " спасибо";
        bool found = false;
        for (const auto& f : scan(text)) {
          if (f.type != EntityType::kPhone) continue;
          std::string_view surface = std::string_view(text).substr(f.begin, f.end - f.begin);
          found = found || surface.find(phone) != std::string_view::npos;
        }
        INFO("text: " << text << "\nfindings: " << listing(text, scan(text)));
        CHECK(found == (b.keeps && a.keeps));
      }
    }
  }
  // Short sequences are no identifier whatever glues them.
  for (const char* text : {"ID12 34", "abc123-45-67xyz", "в 10:30 и 12.5 и 123 456"}) {
    INFO(text);
    CHECK(scan(text).empty());
  }
}

TEST_CASE("a sequence longer than its identifier: every start, longest end first", "[patterns]") {
  // Extra groups after a phone: the 13 and 12 digit readings fail, the phone stands.
  CHECK(has("тел 8 701 123 45 67 12", EntityType::kPhone, "8 701 123 45 67"));
  CHECK(has("тел 8 701 123 45 67 12 34", EntityType::kPhone, "8 701 123 45 67"));
  // A group before it that makes no identifier: the phone starts at the second group.
  CHECK(has("код 12 8 701 123 45 67", EntityType::kPhone, "8 701 123 45 67"));
  // Two identifiers in one sequence.
  std::string two = "87011234567 87017654321 880101300123";
  CHECK(has(two, EntityType::kPhone, "87011234567"));
  CHECK(has(two, EntityType::kPhone, "87017654321"));
  // Spoken: extra words after a phone said aloud.
  CHECK(has("восемь семьсот один сто двадцать три сорок пять шестьдесят семь два", EntityType::kPhone,
            "восемь семьсот один сто двадцать три сорок пять шестьдесят семь"));
  CHECK(has("номер два восемь семьсот один сто двадцать три сорок пять шестьдесят семь", EntityType::kPhone,
            "восемь семьсот один сто двадцать три сорок пять шестьдесят семь"));
}

TEST_CASE("the walk's trigger filter passes every word with a trigger role", "[patterns]") {
  const Lexicon& lex = Lexicon::get();
  std::size_t triggers = 0, others = 0;
  for (const char* file : {"patterns/number_words.txt", "patterns/street_types.txt", "patterns/months.txt",
                           "patterns/url_words.txt", "patterns/email_words.txt", "patterns/house_marks.txt",
                           "patterns/dob_cues.txt", "patterns/id_cues.txt", "patterns/phone_cues.txt",
                           "patterns/address_stopwords.txt", "patterns/tlds.txt"}) {
    auto data = find_data_file(file);
    REQUIRE(data);
    std::string_view rest = *data;
    while (!rest.empty()) {
      std::size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      std::string_view word = line.substr(0, line.find_first_of(" \t\r"));
      if (word.empty() || word.front() == '#') continue;
      std::uint64_t h = fold_hash(word);
      const LexEntry* e = lex.find(h);
      INFO(file << ": " << word);
      REQUIRE(e != nullptr);
      if (e->roles & kTriggerRoles) {
        CHECK(lex.find_trigger(h) == e);
        ++triggers;
      } else {
        CHECK((lex.find_trigger(h) == nullptr || lex.find_trigger(h) == e));
        others += lex.find_trigger(h) == nullptr;
      }
    }
  }
  CHECK(triggers > 100);
  CHECK(others > 100);  // the filter does turn the other lexicon words away
  // Any hash: the trigger look-up finds nothing find() would not.
  std::mt19937_64 rng(7);
  std::size_t wrong = 0;
  for (int k = 0; k < 100000; ++k) {
    std::uint64_t h = rng();
    const LexEntry* t = lex.find_trigger(h);
    wrong += t != nullptr && t != lex.find(h);
  }
  CHECK(wrong == 0);
}

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "anonymize/token.h"

namespace {

using dpa::anonymize::adjacent;
using dpa::anonymize::fold;
using dpa::anonymize::fold_hash;
using dpa::anonymize::kAllCaps;
using dpa::anonymize::kCapitalized;
using dpa::anonymize::kCyrillic;
using dpa::anonymize::kLatin;
using dpa::anonymize::Token;
using dpa::anonymize::tokenize;
using dpa::anonymize::TokenKind;

std::vector<Token> tokens(std::string_view text) {
  std::vector<Token> out;
  tokenize(text, out);
  return out;
}

std::vector<std::string> views(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& t : tokens(text)) out.emplace_back(t.view(text));
  return out;
}

}  // namespace

TEST_CASE("tokenize splits words, numbers, punctuation and newlines", "[patterns]") {
  std::string_view text = "Позвоните: +7 701 123-45-67\nСпасибо!";
  auto t = tokens(text);
  REQUIRE(views(text) == std::vector<std::string>{"Позвоните", ":", "+", "7", "701", "123", "-", "45", "-", "67",
                                                  "\n", "Спасибо", "!"});
  CHECK(t[0].kind == TokenKind::kWord);
  CHECK(t[1].kind == TokenKind::kPunct);
  CHECK(t[3].kind == TokenKind::kNumber);
  CHECK(t[4].letters == 3);
  CHECK(t[10].kind == TokenKind::kNewline);
  CHECK(t[0].begin == 0);
  CHECK(t[0].end == std::string_view("Позвоните").size());
  CHECK(adjacent(t[0], t[1]));
  CHECK_FALSE(adjacent(t[1], t[2]));
  CHECK(adjacent(t[2], t[3]));
  for (const auto& tok : t) {
    if (tok.kind != TokenKind::kWord) CHECK(tok.fold_hash == 0);
  }
}

TEST_CASE("tokenize treats spaces, tabs, CR and Unicode spaces as gaps", "[patterns]") {
  // NBSP, thin space, narrow NBSP, ideographic space, BOM.
  std::string_view text = "a\tb\rc\xC2\xA0" "d\xE2\x80\x89" "e\xE2\x80\xAF" "f\xE3\x80\x80g\xEF\xBB\xBFh  ";
  CHECK(views(text) == std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "h"});
  CHECK(tokens("").empty());
  CHECK(tokens("   \t ").empty());
}

TEST_CASE("tokenize: Cyrillic, Kazakh and Latin letters make words; symbols are one token each", "[patterns]") {
  std::string_view text = "Әлихан ұлы Қазақстан ғой «ЖСН» — Straße 😀";
  CHECK(views(text) ==
        std::vector<std::string>{"Әлихан", "ұлы", "Қазақстан", "ғой", "«", "ЖСН", "»", "—", "Straße", "😀"});
  auto t = tokens(text);
  CHECK(t[0].letters == 6);
  CHECK((t[0].flags & kCyrillic));
  CHECK((t[0].flags & kCapitalized));
  CHECK_FALSE((t[0].flags & kAllCaps));
  CHECK((t[5].flags & kAllCaps));
  CHECK((t[8].flags & kLatin));
  CHECK_FALSE((t[8].flags & kCyrillic));
  CHECK(t[4].kind == TokenKind::kPunct);
  CHECK(t[9].kind == TokenKind::kPunct);
  // Mixed scripts stay one word; digits end a word.
  CHECK(views("Samal2 Самал-2 KZ86") == std::vector<std::string>{"Samal", "2", "Самал", "-", "2", "KZ", "86"});
  auto mixed = tokens("iPhoneБ");
  REQUIRE(mixed.size() == 1);
  CHECK((mixed[0].flags & kLatin));
  CHECK((mixed[0].flags & kCyrillic));
}

TEST_CASE("fold lower-cases Latin, Cyrillic and Kazakh letters and turns ё into е", "[patterns]") {
  CHECK(fold("ЁЛКА Ёжик ёж") == "елка ежик еж");
  CHECK(fold("ӘҒҚҢӨҰҮҺІ") == "әғқңөұүһі");
  CHECK(fold("HELLO Мир 123-45!") == "hello мир 123-45!");
  CHECK(fold("ÀÉÎÕÜ") == "àéîõü");
  CHECK(fold("") == "");
}

TEST_CASE("fold_hash matches the hash tokenize gives a word, whatever its case", "[patterns]") {
  std::string_view text = "Семьсот СЕМЬСОТ семьсот Жүз ЖҮЗ Ёлка елка Plus PLUS";
  auto t = tokens(text);
  REQUIRE(t.size() == 9);
  CHECK(t[0].fold_hash == fold_hash("семьсот"));
  CHECK(t[1].fold_hash == fold_hash("семьсот"));
  CHECK(t[2].fold_hash == fold_hash("Семьсот"));
  CHECK(t[3].fold_hash == fold_hash("жүз"));
  CHECK(t[4].fold_hash == fold_hash("жүз"));
  CHECK(t[5].fold_hash == t[6].fold_hash);
  CHECK(t[7].fold_hash == fold_hash("plus"));
  CHECK(t[8].fold_hash == fold_hash("plus"));
  CHECK(fold_hash("семьсот") != fold_hash("семьсота"));
  CHECK(fold_hash("ab") != fold_hash("ba"));
  // Words of 8, 16 and more bytes hash by blocks: still equal to fold_hash.
  std::string_view longer = "Достопримечательности ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefgh";
  auto lt = tokens(longer);
  REQUIRE(lt.size() == 3);
  CHECK(lt[0].fold_hash == fold_hash("достопримечательности"));
  CHECK(lt[1].fold_hash == fold_hash("abcdefghijklmnopqrstuvwxyz"));
  CHECK(lt[2].fold_hash == fold_hash("ABCDEFGH"));
}

TEST_CASE("tokenize appends to the output and saturates letter counts", "[patterns]") {
  std::vector<Token> out;
  tokenize("один", out);
  tokenize("два три", out);
  CHECK(out.size() == 3);
  std::string huge(70000, 'a');
  auto t = tokens(huge);
  REQUIRE(t.size() == 1);
  CHECK(t[0].letters == 65535);
  CHECK(t[0].end == huge.size());
  std::string digits(70000, '7');
  auto d = tokens(digits);
  REQUIRE(d.size() == 1);
  CHECK(d[0].letters == 65535);
}

TEST_CASE("tokenize covers every non-space byte exactly once", "[patterns]") {
  std::string_view text = "Клиент:\tИИН 880101300123, e-mail: ivan@mail.ru; «тел.» +7(701)123-45-67 ₸ 🙂\r\n";
  auto t = tokens(text);
  std::size_t at = 0;
  for (const auto& tok : t) {
    REQUIRE(tok.begin >= at);
    for (std::size_t k = at; k < tok.begin; ++k) {
      char c = text[k];
      CHECK((c == ' ' || c == '\t' || c == '\r'));
    }
    REQUIRE(tok.end > tok.begin);
    at = tok.end;
  }
  CHECK(at == text.size());
}

// Words are read 16 bytes at a time while they are lower-case ASCII or а..я,
// and byte by byte otherwise (capitals, ё, Kazakh letters, marks) and near
// the end of the text. Every word, at every offset and cut short anywhere,
// must come out as it does alone in a text too short for the block path.
TEST_CASE("tokenize reads a word the same at any offset and length", "[patterns]") {
  const std::vector<std::string> words = {
      "достопримечательности", "Достопримечательности", "ДОСТОПРИМЕЧАТЕЛЬНОСТИ", "ёлочкаёлочкаёлочка",
      "жұмабайұлыжұмабайұлы", "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopQrstuvwxyz", "яяяяяяяяяяяяяяяя",
      "рстуфхцчшщъыьэюя", "aбвгдeжзиkлмнопр", "Renée-Zoë", "Жанна́Жанна", "ĳssel"};
  for (const auto& word : words) {
    for (std::size_t cut = 1; cut <= word.size(); ++cut) {
      std::string piece = word.substr(0, cut);
      // Only whole code points: a cut inside one makes a different text.
      if (cut < word.size() && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) continue;
      auto alone = tokens(piece);
      for (std::size_t pad = 0; pad < 17; ++pad) {
        std::string text = std::string(pad, ' ') + piece + " ,x " + std::string(40, 'z');
        auto t = tokens(text);
        INFO(piece << " after " << pad << " spaces");
        REQUIRE(t.size() >= alone.size());
        for (std::size_t k = 0; k < alone.size(); ++k) {
          CHECK(t[k].begin == alone[k].begin + pad);
          CHECK(t[k].end == alone[k].end + pad);
          CHECK(t[k].kind == alone[k].kind);
          CHECK(t[k].flags == alone[k].flags);
          CHECK(t[k].letters == alone[k].letters);
          CHECK(t[k].fold_hash == alone[k].fold_hash);
        }
      }
    }
  }
}

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
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
// with the lower-case two-byte letters that fold to themselves (Kazakh ә,
// і, ...; é) taken between blocks, and byte by byte otherwise (capitals, ё,
// marks) and past the slack the block path may read. The text's last
// bytes are read from a padded copy. Every word, at every offset, cut short
// anywhere and followed by more or less text, must come out as it does alone.
TEST_CASE("tokenize reads a word the same at any offset and length", "[patterns]") {
  const std::vector<std::string> words = {
      "достопримечательности", "Достопримечательности", "ДОСТОПРИМЕЧАТЕЛЬНОСТИ", "ёлочкаёлочкаёлочка",
      "жұмабайұлыжұмабайұлы", "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopQrstuvwxyz", "яяяяяяяяяяяяяяяя",
      "рстуфхцчшщъыьэюя", "aбвгдeжзиkлмнопр", "Renée-Zoë", "Жанна́Жанна", "ĳssel", "Сәлеметсізбесізбе",
      "нөміріңіздінөміріңіздінөміріңізді", "Қайырлы", "Naïveté", "aéaéaéaéaéaéaéaéaéaéaéaéaéaéaéaéaéaéaé",
      "әәәәәәәәәәәәәәәәәәәәәәәәәәәәә", "Zяяяяяяяяяяяяяяяяяяяяяяяяяяяя", "қалайсызқалайсызқалайсыз", "ÿé"};
  for (const auto& word : words) {
    for (std::size_t cut = 1; cut <= word.size(); ++cut) {
      std::string piece = word.substr(0, cut);
      // Only whole code points: a cut inside one makes a different text.
      if (cut < word.size() && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) continue;
      auto alone = tokens(piece);
      for (std::size_t pad = 0; pad < 17; ++pad) {
        std::string text = std::string(pad, ' ') + piece + " ,x " + std::string(pad * 5, 'z');
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

namespace {

// The tokenizer's rules restated code point by code point, the plain way:
// what the block path, the first-letter hash patch and the in-place output
// must reproduce exactly.
struct CodePoint {
  std::uint32_t cp = 0;   // 0xFFFFFFFF: not a valid sequence here
  std::size_t size = 1;
};

CodePoint decode(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  auto cont = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]) & 0x3Fu; };
  if (b >= 0xC2 && b <= 0xDF) {
    if (i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80)
      return {((b & 0x1Fu) << 6) | cont(1), 2};
    return {0xFFFFFFFF, 1};
  }
  if (b >= 0xE0 && b <= 0xEF) {
    // Three-byte sequences are only told apart as gaps or not (their
    // continuation bytes are not checked), and a cut one runs to the end.
    if (i + 3 <= s.size()) return {((b & 0x0Fu) << 12) | (cont(1) << 6) | cont(2), 3};
    return {0xFFFFFFFF, s.size() - i};
  }
  if (b >= 0xF0 && b <= 0xF4) return {0xFFFFFFFF, std::min<std::size_t>(4, s.size() - i)};
  return {b < 0x80 ? b : 0xFFFFFFFF, 1};
}

bool ref_letter(std::uint32_t cp) {
  if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return true;
  if (cp >= 0xC0 && cp <= 0x24F) return cp != 0xD7 && cp != 0xF7;
  return cp >= 0x400 && cp <= 0x52F && cp != 0x482 && !(cp >= 0x483 && cp <= 0x489);
}
bool ref_mark(std::uint32_t cp) { return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x483 && cp <= 0x489); }
bool ref_gap(std::uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\v' || cp == '\f' || cp == 0xA0 ||
         (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F || cp == 0x2060 || cp == 0x3000 ||
         cp == 0xFEFF || cp == 0x1680;
}

std::vector<Token> reference_tokens(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const CodePoint c = decode(s, i);
    Token t;
    t.begin = static_cast<std::uint32_t>(i);
    if (ref_gap(c.cp)) {
      i += c.size;
      continue;
    }
    if (c.cp == '\n') {
      t.kind = TokenKind::kNewline;
      i += 1;
    } else if (c.cp >= '0' && c.cp <= '9') {
      t.kind = TokenKind::kNumber;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      t.letters = static_cast<std::uint16_t>(std::min<std::size_t>(i - t.begin, 0xFFFF));
    } else if (c.cp < 0x800 && ref_letter(c.cp)) {
      t.kind = TokenKind::kWord;
      std::size_t letters = 0, upper = 0;
      bool first = true;
      for (CodePoint d = c; d.cp < 0x800 && (ref_letter(d.cp) || ref_mark(d.cp)); d = decode(s, i)) {
        std::string_view ch = s.substr(i, d.size);
        const bool is_upper = ref_letter(d.cp) && fold(ch) != ch && ch != "ё";
        if (first && is_upper) t.flags |= kCapitalized;
        if (ref_letter(d.cp)) t.flags |= d.cp >= 0x400 ? kCyrillic : kLatin;
        first = false;
        ++letters;
        upper += is_upper;
        i += d.size;
        if (i == s.size()) break;
      }
      if (letters > 1 && upper == letters) t.flags |= kAllCaps;
      t.letters = static_cast<std::uint16_t>(std::min<std::size_t>(letters, 0xFFFF));
      t.fold_hash = fold_hash(s.substr(t.begin, i - t.begin));
    } else {
      t.kind = TokenKind::kPunct;
      i += c.size;
    }
    t.end = static_cast<std::uint32_t>(i);
    out.push_back(t);
  }
  return out;
}

void require_same_tokens(std::string_view text, const std::vector<Token>& got, std::size_t from) {
  auto want = reference_tokens(text);
  REQUIRE(got.size() - from == want.size());
  for (std::size_t k = 0; k < want.size(); ++k) {
    const Token& g = got[from + k];
    INFO("token " << k << ": " << std::string(want[k].view(text)));
    REQUIRE(g.begin == want[k].begin);
    REQUIRE(g.end == want[k].end);
    REQUIRE(g.kind == want[k].kind);
    REQUIRE(static_cast<int>(g.flags) == static_cast<int>(want[k].flags));
    REQUIRE(g.letters == want[k].letters);
    REQUIRE(g.fold_hash == want[k].fold_hash);
  }
}

}  // namespace

TEST_CASE("tokenize matches a code-point-by-code-point reference on generated text", "[patterns]") {
  // Lower and capital Russian (the block path), Ё/ё and Kazakh letters,
  // Latin-1 and Latin Extended (İ folds to one byte), combining marks,
  // digits, symbols, emoji, every kind of gap, and sequences that are cut
  // or invalid.
  const std::vector<std::string> pieces = {
      "а", "п", "р", "я", "А", "П", "Р", "Я", "Ё", "ё", "ә", "Ә", "қ", "Қ", "і", "І", "ү", "ң", "a", "z",
      "A", "Z", "é", "É", "ß", "ÿ", "Ÿ", "İ", "ĳ", "ǵ", "Ǵ", "\xCC\x81", "\xD2\x83", "\xD2\x82", "0", "7",
      "42", " ", " ", "\t", "\r", "\n", "\xC2\xA0", "\xE2\x80\x89", "\xE3\x80\x80", "\xEF\xBB\xBF", "😀", "«",
      "—", "₸", ",", "-", "'", ".", "\xD7\x90", "\x80", "\xC3", "\xD0", "\xE2\x80", "\xF0\x9F", "\xFF", "\xC0\xAF"};
  const std::vector<std::string> words = {"оператор", "Достопримечательности", "ЖАНАР", "Customer", "EMILY",
                                          "жұмабайұлы", "Ёлка", "İstanbul", "Straße", "Renée"};
  std::mt19937 rng(20261122);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  for (int round = 0; round < 600; ++round) {
    std::string text;
    const std::size_t parts = 1 + pick(40);
    for (std::size_t k = 0; k < parts; ++k) {
      const std::size_t what = pick(10);
      if (what < 5) {
        text += pieces[pick(pieces.size())];
      } else if (what < 8) {
        text += words[pick(words.size())];
      } else {
        // A long run of one letter: words past 16 and 32 bytes.
        const std::string& p = pieces[pick(20)];
        for (std::size_t r = 1 + pick(40); r > 0; --r) text += p;
      }
    }
    // Every cut of the text, mid-sequence ones included: the end of a text
    // takes the byte path, and a cut sequence there is punctuation.
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
      std::string_view piece(text.data(), cut);
      std::vector<Token> got;
      tokenize(piece, got);
      require_same_tokens(piece, got, 0);
    }
  }
}

TEST_CASE("tokenize grows its output past a token per six bytes and appends after earlier tokens", "[patterns]") {
  // One-byte tokens, each its own token: the room made ahead runs out.
  std::string dense;
  for (int k = 0; k < 5000; ++k) dense += (k % 3 == 0) ? "," : (k % 3 == 1) ? "a" : "7";
  std::vector<Token> out;
  tokenize("начало", out);
  REQUIRE(out.size() == 1);
  const Token first = out[0];
  tokenize(dense, out);
  REQUIRE(out.size() == 1 + dense.size());
  CHECK(out[0].begin == first.begin);
  CHECK(out[0].fold_hash == first.fold_hash);
  require_same_tokens(dense, out, 1);
}

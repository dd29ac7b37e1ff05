// The streaming engine with a stand-in recognizer, so that chunking, order,
// jobs and UTF-8 handling are tested apart from detection quality.
#include <catch2/catch.hpp>

#include <optional>
#include <random>

#include "anonymize/pseudonymizer.h"
#include "anonymize/stream.h"
#include "anonymize/utf8.h"
#include "dpa/error.h"

using namespace dpa::anonymize;

namespace {

// Finds "secret-<digits>" words anywhere; normalized is the digits.
class SecretRecognizer final : public Recognizer {
 public:
  explicit SecretRecognizer(bool two_types = false) : two_types_(two_types) {}
  std::string_view name() const override { return "test.secret"; }
  void find(const ScanContext& ctx, std::vector<Finding>& out) const override {
    std::string_view t = ctx.text;
    for (std::size_t i = t.find("secret-"); i != std::string_view::npos; i = t.find("secret-", i + 1)) {
      std::size_t j = i + 7;
      while (j < t.size() && t[j] >= '0' && t[j] <= '9') ++j;
      if (j == i + 7) continue;
      Finding f;
      f.begin = i;
      f.end = j;
      // With two types, "secret-" and an even number of digits is an e-mail.
      f.type = two_types_ && (j - i - 7) % 2 == 0 ? EntityType::kEmail : EntityType::kPhone;
      f.confidence = 0.9f;
      f.normalized = std::string(t.substr(i + 7, j - i - 7));
      f.recognizer = "test.secret";
      out.push_back(f);
    }
  }

 private:
  bool two_types_;
};

std::unique_ptr<Detector> secret_detector(bool two_types = false) {
  std::vector<std::unique_ptr<Recognizer>> r;
  r.push_back(std::make_unique<SecretRecognizer>(two_types));
  return std::make_unique<Detector>(DetectorOptions{}, std::move(r));
}

class ChunkedSource final : public ByteSource {
 public:
  ChunkedSource(std::string s, std::size_t max_read = 7) : s_(std::move(s)), max_read_(max_read) {}
  std::size_t read(char* buf, std::size_t n) override {
    std::size_t k = std::min({n, max_read_, s_.size() - pos_});
    std::copy_n(s_.data() + pos_, k, buf);
    pos_ += k;
    return k;
  }

 private:
  std::string s_;
  std::size_t max_read_;
  std::size_t pos_ = 0;
};

std::string run(const std::string& input, StreamOptions so, std::size_t max_read = 7) {
  auto d = secret_detector();
  ChunkedSource src(input, max_read);
  StringSink sink;
  PseudonymizeOptions o{so, OperatorPlan(OperatorKind::kTag)};
  pseudonymize(src, sink, *d, nullptr, o);
  return sink.text;
}

std::string expected_tags(const std::string& input) {
  // Reference: the same replacement done on the whole text at once.
  StreamOptions so;
  so.chunk_bytes = 1 << 24;
  return run(input, so, 1 << 24);
}

}  // namespace

TEST_CASE("entities on chunk boundaries are found whole, for any chunk size and jobs", "[stream]") {
  std::mt19937 rng(7);
  std::string input;
  for (int i = 0; i < 400; ++i) {
    input += (rng() % 3 == 0) ? "secret-" + std::to_string(rng() % 100000) : "word";
    input += (rng() % 10 == 0) ? "\n" : " ";
    if (rng() % 17 == 0) input += "кириллица ";
  }
  std::string reference = expected_tags(input);
  REQUIRE(reference.find("secret-") == std::string::npos);
  for (std::size_t chunk : {16u, 17u, 31u, 64u, 100u, 1000u}) {
    for (int jobs : {1, 2, 3}) {
      StreamOptions so;
      so.chunk_bytes = chunk;
      so.overlap_bytes = 64;
      so.context_bytes = 8;
      so.jobs = jobs;
      INFO("chunk " << chunk << " jobs " << jobs);
      CHECK(run(input, so) == reference);
    }
  }
}

// A source whose bytes lie in memory for the whole run, as a mapped file's.
class ViewSource final : public ByteSource {
 public:
  explicit ViewSource(std::string s) : s_(std::move(s)) {}
  std::size_t read(char*, std::size_t) override {
    FAIL("a source that gave a view is not read");
    return 0;
  }
  std::optional<std::string_view> view() override { return s_; }

 private:
  std::string s_;
};

TEST_CASE("the input's last chunks are cut finer, so that the workers finish together", "[stream]") {
  std::string input;
  while (input.size() < 20000) input += "word secret-" + std::to_string(input.size()) + " word\n";
  auto d = secret_detector();
  for (int jobs : {1, 2}) {
    for (bool in_place : {false, true}) {
      INFO("jobs " << jobs << (in_place ? ", in place" : ", read"));
      StreamOptions so;
      so.chunk_bytes = 1000;
      so.jobs = jobs;
      ViewSource view(input);
      ChunkedSource chunked(input, 300);
      ByteSource& src = in_place ? static_cast<ByteSource&>(view) : chunked;
      std::vector<std::pair<std::uint64_t, std::size_t>> chunks;  // offset, body size
      detect_stream(src, *d, so, [&](StreamChunk& c) {
        CHECK(c.piece.in_place == in_place);
        chunks.emplace_back(c.offset, c.piece.body_end);
      });
      REQUIRE(chunks.size() > 4);
      CHECK(chunks.back().first + chunks.back().second == input.size());
      // Whole chunks (cut after a line in their second half) until the
      // last four chunks' worth, known from the start in place and once
      // the end was read otherwise; quarter chunks after that.
      const std::size_t finer_from = input.size() - (in_place ? 4 * so.chunk_bytes : so.chunk_bytes + 300);
      for (const auto& [offset, size] : chunks) {
        if (offset + so.chunk_bytes + so.overlap_bytes < finer_from) {
          CHECK(size > so.chunk_bytes / 2);
        } else if (offset >= finer_from) {
          CHECK(size <= so.chunk_bytes / 4 + 40);  // a quarter, up to the line the cut falls in
        }
      }
      CHECK(chunks.back().second <= so.chunk_bytes / 4 + 40);
    }
  }
}

// A sink that lends its own memory, as the CLI's spool does.
class LendingSink final : public ByteSink {
 public:
  void write(std::string_view bytes) override {
    text.append(bytes);
    used_ = text.size();
  }
  char* reserve(std::size_t n) override {
    ++lent;
    text.resize(used_ + n);
    return text.data() + used_;
  }
  void append_reserved(std::size_t k) override {
    used_ += k;
    text.resize(used_);
  }
  std::string text;
  int lent = 0;

 private:
  std::size_t used_ = 0;  // bytes of `text` kept (reserve() adds room past them)
};

TEST_CASE("chunks rendered in place and through a buffer join up", "[stream]") {
  // Tags (and redactions) are written straight into the sink's memory;
  // a chunk with a masked finding goes through a buffer. With small chunks
  // a run takes both paths, and must give what one whole chunk gives.
  std::mt19937 rng(11);
  std::string input;
  for (int i = 0; i < 300; ++i) {
    input += "word secret-" + std::to_string(rng() % 1000) + (rng() % 5 == 0 ? " секрет\n" : " ");
  }
  auto d = secret_detector(/*two_types=*/true);
  auto render = [&](std::size_t chunk, const char* plan, auto& sink) {
    StreamOptions so;
    so.chunk_bytes = chunk;
    so.overlap_bytes = 32;
    so.context_bytes = 8;
    StringSource src(input);
    PseudonymizeOptions o{so, OperatorPlan::parse(plan)};
    pseudonymize(src, sink, *d, nullptr, o);
    return sink.text;
  };
  StringSink whole;
  const std::string reference = render(1 << 24, "EMAIL=mask,tag", whole);
  REQUIRE(reference.find("[PHONE_") != std::string::npos);
  REQUIRE(reference.find("secret-") == std::string::npos);
  REQUIRE(reference.find('*') != std::string::npos);
  StringSink buffered;
  CHECK(render(40, "EMAIL=mask,tag", buffered) == reference);
  LendingSink lending;
  CHECK(render(40, "EMAIL=mask,tag", lending) == reference);
  CHECK(lending.lent > 10);  // most chunks were rendered in place
  // Redaction is bounded too: every chunk in place.
  StringSink redact_whole;
  LendingSink redact_lent;
  const std::string redacted = render(1 << 24, "EMAIL=redact,tag", redact_whole);
  CHECK(render(40, "EMAIL=redact,tag", redact_lent) == redacted);
  CHECK(redacted.find("secret-") == std::string::npos);
}

TEST_CASE("tags are numbered per value across the document", "[stream]") {
  std::string out = run("secret-1 and secret-2 then secret-1 again\n", StreamOptions{});
  CHECK(out == "[PHONE_1] and [PHONE_2] then [PHONE_1] again\n");
}

TEST_CASE("text without findings passes byte for byte", "[stream]") {
  std::string input = "Привет, мир! Сәлем әлем.\nHello\r\n\tworld \xE2\x80\x94 end";
  StreamOptions so;
  so.chunk_bytes = 16;
  CHECK(run(input, so) == input);
  CHECK(run("", so).empty());
}

TEST_CASE("invalid UTF-8 fails closed, or is replaced with --lossy", "[stream][utf8]") {
  std::string bad = "ok secret-5 \xC3\x28 tail";
  CHECK_THROWS_WITH(run(bad, StreamOptions{}), Catch::Contains("invalid UTF-8 at byte 12"));
  StreamOptions lossy;
  lossy.lossy = true;
  CHECK(run(bad, lossy) == "ok [PHONE_1] \xEF\xBF\xBD( tail");
  // A truncated sequence at the very end is invalid too.
  CHECK_THROWS_AS(run("abc\xD0", StreamOptions{}), dpa::InputError);
  // A multi-byte character split across reads is not.
  CHECK(run("ж secret-1 ж", StreamOptions{}, 1) == "ж [PHONE_1] ж");
}

TEST_CASE("utf8 validation rejects overlongs, surrogates and out-of-range code points", "[utf8]") {
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("Қазақ тілі ✓ 😀"));
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // UTF-16 surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\x80"));
  CHECK(valid_utf8_prefix("abc\xFF" "def") == 3);
  CHECK(incomplete_utf8_tail("ab\xE2\x80") == 2);
  CHECK(incomplete_utf8_tail("ab\xE2\x80\x94") == 0);
  CHECK(replace_invalid_utf8("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
}

TEST_CASE("UTF-8 errors are found at every position of long mixed text", "[stream][utf8]") {
  // Long enough for the sixteen-byte blocks: ASCII, Cyrillic, Kazakh, a
  // dash and an emoji, then one bad byte or cut sequence at each offset.
  std::string text;
  while (text.size() < 200) text += "Марат Қ. said: звоните \xE2\x80\x94 +7 701 \xF0\x9F\x98\x80 ok ";
  REQUIRE(is_valid_utf8(text));
  const char* bad[] = {"\xFF", "\x80", "\xC0\xAF", "\xC1\x81", "\xD0", "\xED\xA0\x80", "\xE2\x80", "\xF5\x80\x80\x80"};
  for (std::size_t at = 0; at <= text.size(); ++at) {
    if (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) continue;  // inside a sequence
    for (const char* b : bad) {
      std::string s = text.substr(0, at) + b + "\xD0\xB0" + text.substr(at);
      INFO("offset " << at << ", bad bytes " << static_cast<int>(static_cast<unsigned char>(b[0])));
      REQUIRE(valid_utf8_prefix(s) == at);
    }
  }
}

namespace {

// RFC 3629 byte by byte: the length of the valid prefix of `s`.
std::size_t reference_valid_prefix(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0, min = 0;
    if (c < 0x80) len = 1, cp = c;
    else if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07, min = 0x10000;
    else return i;
    if (i + len > s.size()) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return s.size();
}

}  // namespace

TEST_CASE("utf8 validation agrees with a byte by byte reference on random text", "[utf8]") {
  // Runs of ASCII and Cyrillic long enough for the 64-byte blocks, mixed
  // with three- and four-byte characters and every kind of bad sequence,
  // at random offsets (a lead cut by a block's end among them).
  const std::vector<std::string> pieces = {
      "abcdefgh ", "0123456789", "ж", "Қ", "слово ", "é", "\xE2\x80\x94", "\xF0\x9F\x98\x80", "\n",
      "\xFF", "\x80", "\xC0\xAF", "\xD0", "\xE2\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC2", "\xBF\xBF"};
  std::uint64_t x = 12345;
  auto next = [&](std::uint64_t bound) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return (x >> 33) % bound;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    const std::size_t target = 1 + next(400);
    const bool clean = next(3) == 0;  // a third valid all through
    while (s.size() < target) {
      const std::size_t k = next(clean ? 9 : pieces.size());
      // Mostly long valid runs, so that blocks pass before the first surprise.
      s += next(8) ? pieces[next(5)] : pieces[k];
    }
    INFO("round " << round << ", " << s.size() << " bytes");
    REQUIRE(valid_utf8_prefix(s) == reference_valid_prefix(s));
  }
}

TEST_CASE("jsonl touches only the named fields and keeps every line valid", "[stream][jsonl]") {
  std::string input =
      R"({"id": 1, "body": "call secret-42 now", "meta": {"note": "secret-7", "n": 1.50}})" "\n"
      R"({"id":2,"body":"nothing here","other":"secret-9"})" "\n"
      "\n"
      R"({"body":"quote \" and secret-42 and \u0416"})";
  StreamOptions so;
  so.format = InputFormat::kJsonl;
  so.fields = parse_field_list("body,meta.note");
  std::string out = run(input, so);
  CHECK(out ==
        R"({"id": 1, "body": "call [PHONE_1] now", "meta": {"note": "[PHONE_2]", "n": 1.50}})" "\n"
        R"({"id":2,"body":"nothing here","other":"secret-9"})" "\n"
        "\n"
        R"({"body":"quote \" and [PHONE_1] and Ж"})");
  so.jobs = 2;
  so.chunk_bytes = 16;
  CHECK(run(input, so) == out);
}

TEST_CASE("jsonl walks arrays and rejects invalid lines with their number", "[stream][jsonl]") {
  StreamOptions so;
  so.format = InputFormat::kJsonl;
  so.fields = parse_field_list("messages.text");
  CHECK(run(R"({"messages":[{"text":"secret-1"},{"text":"x secret-2"}]})" "\n", so) ==
        R"({"messages":[{"text":"[PHONE_1]"},{"text":"x [PHONE_2]"}]})" "\n");
  CHECK_THROWS_WITH(run("{\"a\":1}\n{broken\n", so), Catch::Contains("line 2"));
  CHECK_THROWS_AS(parse_field_list("a,,b"), dpa::InputError);
  CHECK_THROWS_AS(parse_field_list("a..b"), dpa::InputError);
}

TEST_CASE("overlaps resolve longest first, then confidence, whatever the input order", "[detector]") {
  auto make = [](std::size_t b, std::size_t e, float c, EntityType t) {
    Finding f;
    f.begin = b;
    f.end = e;
    f.confidence = c;
    f.type = t;
    return f;
  };
  std::vector<Finding> in = {make(0, 10, 0.6f, EntityType::kPhone), make(5, 12, 0.99f, EntityType::kIin),
                             make(12, 20, 0.7f, EntityType::kCard), make(12, 20, 0.9f, EntityType::kIban),
                             make(30, 31, 0.5f, EntityType::kPerson)};
  auto a = resolve_overlaps(in);
  std::reverse(in.begin(), in.end());
  auto b = resolve_overlaps(in);
  REQUIRE(a.size() == 3);
  CHECK(a[0].type == EntityType::kPhone);   // longest
  CHECK(a[1].type == EntityType::kIban);    // same span: higher confidence
  CHECK(a[2].type == EntityType::kPerson);
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].type == b[i].type);
}

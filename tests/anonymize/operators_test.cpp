#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "anonymize/operators.h"
#include "dpa/error.h"

using namespace dpa::anonymize;

namespace {
Finding finding(EntityType t, std::string normalized = "") {
  Finding f;
  f.type = t;
  f.normalized = std::move(normalized);
  return f;
}
}  // namespace

TEST_CASE("operator plans parse defaults and per-type overrides", "[operators]") {
  auto p = OperatorPlan::parse("PHONE=mask,PERSON=surrogate,token");
  CHECK(p.for_type(EntityType::kPhone) == OperatorKind::kMask);
  CHECK(p.for_type(EntityType::kPerson) == OperatorKind::kSurrogate);
  CHECK(p.for_type(EntityType::kEmail) == OperatorKind::kToken);
  CHECK(p.uses_vault());
  CHECK(OperatorPlan::parse("tag").describe() == "tag");
  CHECK_FALSE(OperatorPlan::parse("mask").uses_vault());
  CHECK_THROWS_WITH(OperatorPlan::parse("shred"), Catch::Contains("unknown operator 'shred'"));
  CHECK_THROWS_WITH(OperatorPlan::parse("FAX=mask"), Catch::Contains("unknown entity type 'FAX'"));
  CHECK_THROWS_AS(OperatorPlan::parse("tag,,mask"), dpa::InputError);
}

TEST_CASE("tags number each value once per type", "[operators]") {
  TagNumbering tags;
  CHECK(tags.tag(finding(EntityType::kPhone, "+77011234567")) == "[PHONE_1]");
  CHECK(tags.tag(finding(EntityType::kPhone, "+77019999999")) == "[PHONE_2]");
  CHECK(tags.tag(finding(EntityType::kPerson, "марат")) == "[PERSON_1]");
  CHECK(tags.tag(finding(EntityType::kPhone, "+77011234567")) == "[PHONE_1]");
  tags.reset();
  CHECK(tags.tag(finding(EntityType::kPhone, "+77019999999")) == "[PHONE_1]");
}

TEST_CASE("tag numbers hold across table growth and restart after a reset", "[operators]") {
  // Thousands of distinct values grow the table several times over; every
  // value keeps its number, per type, and the same text under two types
  // gets two numbers.
  TagNumbering tags;
  constexpr int kValues = 5000;
  for (int round = 0; round < 2; ++round) {
    for (int k = 0; k < kValues; ++k) {
      std::string v = "value-" + std::to_string(k);
      REQUIRE(tags.tag(finding(EntityType::kEmail, v)) == "[EMAIL_" + std::to_string(k + 1) + "]");
      REQUIRE(tags.tag(finding(EntityType::kUrl, v)) == "[URL_" + std::to_string(k + 1) + "]");
    }
  }
  CHECK(tags.tag(finding(EntityType::kEmail, "")) == "[EMAIL_5001]");
  CHECK(tags.tag(finding(EntityType::kEmail, "")) == "[EMAIL_5001]");
  // write_tag writes in place and gives the end; it may use its room past
  // the tag, but nothing beyond kMaxTagBytes.
  const Finding url42 = finding(EntityType::kUrl, "value-42");
  char buf[TagNumbering::kMaxTagBytes + 1];
  std::memset(buf, '#', sizeof buf);
  char* end = tags.write_tag(url42, TagNumbering::key_hash(url42), buf);
  CHECK(std::string(buf, end) == "[URL_43]");
  CHECK(buf[TagNumbering::kMaxTagBytes] == '#');
  // A JSON line is a document: after a reset, numbering starts again.
  tags.reset();
  CHECK(tags.tag(finding(EntityType::kUrl, "value-4999")) == "[URL_1]");
  CHECK(tags.tag(finding(EntityType::kEmail, "value-4999")) == "[EMAIL_1]");
  CHECK(tags.tag(finding(EntityType::kUrl, "value-0")) == "[URL_2]");
}

TEST_CASE("the longest tag of every type fits kMaxTagBytes", "[operators]") {
  // Renderers lend kMaxTagBytes per finding; numbers stop at 2^28 - 1.
  for (int t = 0; t < kEntityTypeCount; ++t) {
    std::string longest = "[" + std::string(entity_type_name(static_cast<EntityType>(t))) + "_268435455]";
    CHECK(longest.size() <= TagNumbering::kMaxTagBytes);
  }
  // And every type's tag is written whole, in a buffer of that size.
  TagNumbering tags;
  for (int t = 0; t < kEntityTypeCount; ++t) {
    const auto type = static_cast<EntityType>(t);
    const Finding f = finding(type, "value");
    char buf[TagNumbering::kMaxTagBytes];
    CHECK(std::string(buf, tags.write_tag(f, TagNumbering::key_hash(f), buf)) ==
          "[" + std::string(entity_type_name(type)) + "_1]");
  }
}

TEST_CASE("tag numbers hold when the table and its keys grow", "[operators]") {
  // 40,000 values take the table to 262,144 slots (4 MiB), rehashed at each
  // growth, and their keys to 680 KB, moved by the kernel as they grow;
  // one value longer than the keys' first pages comes in between. Every
  // value keeps its number.
  TagNumbering tags;
  constexpr int kValues = 40000;
  const std::string long_url = "https://example.kz/" + std::string(100000, 'x');
  for (int k = 0; k < kValues; ++k) {
    REQUIRE(tags.tag(finding(EntityType::kPhone, "+7701" + std::to_string(1000000 + k))) ==
            "[PHONE_" + std::to_string(k + 1) + "]");
    if (k == 5) REQUIRE(tags.tag(finding(EntityType::kUrl, long_url)) == "[URL_1]");
  }
  CHECK(tags.tag(finding(EntityType::kUrl, long_url)) == "[URL_1]");
  CHECK(tags.tag(finding(EntityType::kUrl, long_url + "y")) == "[URL_2]");
  for (int k = kValues - 1; k >= 0; k -= 997) {
    REQUIRE(tags.tag(finding(EntityType::kPhone, "+7701" + std::to_string(1000000 + k))) ==
            "[PHONE_" + std::to_string(k + 1) + "]");
  }
  tags.reset();
  CHECK(tags.tag(finding(EntityType::kPhone, "+77011039999")) == "[PHONE_1]");
}

TEST_CASE("masks keep what identifies the kind of value, not the person", "[operators]") {
  CHECK(mask(finding(EntityType::kPhone), "+7 701 123 45 67") == "+7 701 *** ** 67");
  CHECK(mask(finding(EntityType::kPhone), "8 (701) 123-45-67") == "8 (701) ***-**-67");
  CHECK(mask(finding(EntityType::kCard), "4400 4301 2345 6789") == "**** **** **** 6789");
  CHECK(mask(finding(EntityType::kEmail), "ivan.petrov@mail.kz") == "i**********@mail.kz");
  CHECK(mask(finding(EntityType::kIin), "880101300123") == "**********23");
  CHECK(mask(finding(EntityType::kPerson), "Марат Иванов") == "М**** И*****");
  CHECK(mask(finding(EntityType::kIban), "KZ86125KZT5004100100") == "KZ86****************");
}

// The pseudonymization operator a policy sets per subprocessor: parsing,
// checking (with places), merging with includes, and the disclosure order.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "dpa/policy.h"
#include "dpa/policy_check.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace dpa;

namespace {

// A minimal valid policy with one subprocessor; `op` is inserted after its
// clause (a key, or a [subprocessor.operator] table).
std::string policy_with(const std::string& op, const std::string& receives = "pseudonymized") {
  return R"([policy]
name = "x"
title = "x"
version = "1"
jurisdiction = "kz"

[[category]]
id = "communications.messages"
description = "messages"
clause = "1.1"

[[subprocessor]]
name = "llm"
legal_name = "LLM Inc."
country = "KZ"
purpose = "AI requests"
categories = ["communications.messages"]
receives = ")" + receives + R"("
clause = "4.2"
)" + op;
}

std::string text_of(const std::vector<PolicyProblem>& ps) {
  std::string out;
  for (const auto& p : ps) out += format_problem(p) + "\n";
  return out;
}

Policy load_text(const std::string& text) {
  test::TempDir dir;
  fs::path file = dir.path() / "x.toml";
  test::write_file(file, text);
  return load_policy(file.string());
}

}  // namespace

TEST_CASE("operators are ordered by what they disclose", "[policy][operator]") {
  // redact < tag < token < surrogate < mask (dpa/policy.h argues the order).
  const auto& names = pseudonym_operator_names();
  REQUIRE(names == std::vector<std::string>{"redact", "tag", "token", "surrogate", "mask"});
  for (std::size_t i = 0; i + 1 < names.size(); ++i) {
    auto less = parse_pseudonym_operator(names[i]);
    auto more = parse_pseudonym_operator(names[i + 1]);
    REQUIRE(less);
    REQUIRE(more);
    CHECK(discloses_more(*more, *less));
    CHECK_FALSE(discloses_more(*less, *more));
    CHECK(to_string(*less) == names[i]);
  }
  CHECK_FALSE(parse_pseudonym_operator("Token"));
  CHECK_FALSE(parse_pseudonym_operator("hash"));
}

TEST_CASE("a subprocessor's operator: one for all types, or per type", "[policy][operator]") {
  Policy all = load_text(policy_with("operator = \"tag\"\n"));
  const Subprocessor* s = all.find_subprocessor("llm");
  REQUIRE(s);
  REQUIRE(s->operators);
  CHECK(s->operators->spec() == "tag");
  CHECK(s->operators->for_type("PHONE") == PseudonymOperator::kTag);
  CHECK(s->operators->origin.clause == "4.2");  // the string form cites the subprocessor's clause

  Policy typed = load_text(policy_with(R"T(
[subprocessor.operator]
default = "token"
phone = "redact"
CARD = "redact"
PERSON = "surrogate"
clause = "4.2 (footnote)"
)T"));
  s = typed.find_subprocessor("llm");
  REQUIRE(s);
  REQUIRE(s->operators);
  CHECK(s->operators->for_type("PHONE") == PseudonymOperator::kRedact);
  CHECK(s->operators->for_type("PERSON") == PseudonymOperator::kSurrogate);
  CHECK(s->operators->for_type("EMAIL") == PseudonymOperator::kToken);
  CHECK(s->operators->origin.clause == "4.2 (footnote)");
  CHECK(s->operators->spec() == "CARD=redact,PERSON=surrogate,PHONE=redact,token");

  Policy none = load_text(policy_with(""));
  REQUIRE(none.find_subprocessor("llm"));
  CHECK_FALSE(none.find_subprocessor("llm")->operators);

  // The shipped truffles policy sets tokens for the AI services (DPA 4.2 footnote).
  Policy truffles = load_policy("truffles");
  REQUIRE(truffles.find_subprocessor("openai")->operators);
  CHECK(truffles.find_subprocessor("openai")->operators->spec() == "token");
  CHECK(truffles.find_subprocessor("openai")->operators->origin.clause == "DPA 4.2 (footnote *)");
  CHECK_FALSE(truffles.find_subprocessor("meta")->operators);
}

TEST_CASE("check_policy: an unknown operator, with its place and the nearest name", "[policy][operator]") {
  auto ps = check_policy_text(policy_with("operator = \"tokn\"\n"), "x.toml");
  INFO(text_of(ps));
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].line == 20);
  CHECK(ps[0].column == 12);
  CHECK(ps[0].message == "unknown operator 'tokn' for all types in [[subprocessor]]");
  CHECK(ps[0].fix == "write \"token\" instead; valid: \"redact\", \"tag\", \"token\", \"surrogate\", \"mask\"");
  CHECK(format_problem(ps[0]).rfind("x.toml:20:12: error: unknown operator 'tokn'", 0) == 0);

  auto typed = check_policy_text(policy_with("\n[subprocessor.operator]\nPHONE = \"hash\"\nclause = \"4.2\"\n"), "x.toml");
  INFO(text_of(typed));
  REQUIRE(typed.size() == 1);
  CHECK(typed[0].line == 22);
  CHECK(typed[0].column == 9);
  CHECK(typed[0].message == "unknown operator 'hash' for PHONE in [[subprocessor]]");
}

TEST_CASE("check_policy: an unknown entity type in an operator table", "[policy][operator]") {
  auto ps = check_policy_text(policy_with("\n[subprocessor.operator]\ndefault = \"tag\"\nPHONES = \"redact\"\n"), "x.toml");
  INFO(text_of(ps));
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].line == 23);
  CHECK(ps[0].column == 1);
  CHECK(ps[0].message == "unknown entity type 'PHONES' in [[subprocessor]] operator");
  CHECK(ps[0].fix.rfind("write PHONE instead", 0) == 0);

  auto wrong = check_policy_text(policy_with("operator = 3\n"), "x.toml");
  INFO(text_of(wrong));
  REQUIRE(wrong.size() == 1);
  CHECK(wrong[0].line == 20);
  CHECK(wrong[0].message == "[[subprocessor]] operator must be a string or a table, not an integer");

  auto empty = check_policy_text(policy_with("\n[subprocessor.operator]\nclause = \"4.2\"\n"), "x.toml");
  INFO(text_of(empty));
  REQUIRE(empty.size() == 1);
  CHECK(empty[0].message == "[[subprocessor]] operator names no operator");

  auto unused = check_policy_text(policy_with("operator = \"token\"\n", "none"), "x.toml");
  INFO(text_of(unused));
  REQUIRE(unused.size() == 1);
  CHECK(unused[0].line == 20);
  CHECK(unused[0].message == "subprocessor 'llm' receives none, so an operator has no use");
}

TEST_CASE("merging with an include: per type, the operator that discloses less wins", "[policy][operator]") {
  test::TempDir dir;
  std::string base = policy_with("\n[subprocessor.operator]\ndefault = \"mask\"\nPHONE = \"redact\"\nclause = \"base 1\"\n");
  base.replace(base.find("name = \"x\""), 10, "name = \"base\"");
  test::write_file(dir.path() / "base.toml", base);
  std::string own = policy_with("\n[subprocessor.operator]\ndefault = \"token\"\nPERSON = \"surrogate\"\nclause = \"own 2\"\n");
  own.replace(own.find("jurisdiction = \"kz\""), 19, "jurisdiction = \"kz\"\ninclude = [\"base\"]");
  test::write_file(dir.path() / "x.toml", own);
  auto problems = check_policy(dir.path() / "x.toml");
  INFO(text_of(problems));
  REQUIRE(problems.empty());
  Policy p = load_policy((dir.path() / "x.toml").string());
  const Subprocessor* s = p.find_subprocessor("llm");
  REQUIRE(s);
  REQUIRE(s->operators);
  CHECK(s->operators->for_type("PHONE") == PseudonymOperator::kRedact);     // base: redact < token
  CHECK(s->operators->for_type("PERSON") == PseudonymOperator::kSurrogate);  // own: surrogate < mask
  CHECK(s->operators->for_type("EMAIL") == PseudonymOperator::kToken);       // own: token < mask
  CHECK(s->operators->spec() == "PERSON=surrogate,PHONE=redact,token");
  REQUIRE(s->operators->superseded.size() == 1);
  CHECK(s->operators->superseded[0].find("base 1") != std::string::npos);

  auto explained = p.explain("communications.messages");
  bool shown = false;
  for (const auto& e : explained) {
    if (e.rule == "subprocessor.llm.operator") shown = e.value == "PERSON=surrogate,PHONE=redact,token";
  }
  CHECK(shown);
  nlohmann::json j = policy_to_json(p);
  CHECK(j["subprocessors"][0]["operator"]["spec"] == "PERSON=surrogate,PHONE=redact,token");
}

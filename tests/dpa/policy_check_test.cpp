// check_policy: every problem of a broken policy, each with its place and fix.
#include <algorithm>

#include <catch2/catch.hpp>

#include "dpa/policy_check.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace dpa;

namespace {

fs::path fixture(const std::string& name) { return test::source_dir() / "tests/fixtures/policies" / name; }

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string text_of(const std::vector<PolicyProblem>& ps) {
  std::string out;
  for (const auto& p : ps) out += format_problem(p) + "\n";
  return out;
}

std::vector<int> lines_of(const std::vector<PolicyProblem>& ps) {
  std::vector<int> out;
  for (const auto& p : ps) out.push_back(p.line);
  return out;
}

}  // namespace

TEST_CASE("check_policy: a bad duration", "[policy]") {
  auto ps = check_policy(fixture("bad_duration.toml"));
  INFO(text_of(ps));
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].file == fixture("bad_duration.toml").string());
  CHECK(ps[0].line == 14);
  CHECK(ps[0].column == 11);
  CHECK(contains(ps[0].message, "bad duration '30x'"));
  CHECK(contains(ps[0].message, "max_age"));
  CHECK(contains(ps[0].fix, "h, d, wd, mo or y"));
  CHECK(format_problem(ps[0]) == fixture("bad_duration.toml").string() +
                                     ":14:11: error: bad duration '30x' for [[retention]].max_age (write a whole "
                                     "number followed by h, d, wd, mo or y, such as \"30d\" or \"3wd\")");
}

TEST_CASE("check_policy: an unknown key suggests the nearest valid one", "[policy]") {
  auto ps = check_policy(fixture("unknown_key.toml"));
  INFO(text_of(ps));
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].line == 14);
  CHECK(ps[0].column == 1);
  CHECK(contains(ps[0].message, "unknown key 'min_retenion' in [[retention]]"));
  CHECK(ps[0].fix == "write 'min_retention' instead");
}

TEST_CASE("check_policy: a rule without a clause", "[policy]") {
  auto ps = check_policy(fixture("missing_clause.toml"));
  INFO(text_of(ps));
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].line == 12);
  CHECK(contains(ps[0].message, "[[retention]] has no clause"));
  CHECK(contains(ps[0].fix, "clause = "));
}

TEST_CASE("check_policy: deletion before the minimum retention, with no precedence", "[policy]") {
  auto ps = check_policy(fixture("conflict.toml"));
  INFO(text_of(ps));
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].line == 12);  // the deletion rule
  CHECK(contains(ps[0].message, "conflicting retention for category 'journals.accounting'"));
  CHECK(contains(ps[0].message, "max_age 1y from created (conflict 5.3.11)"));
  CHECK(contains(ps[0].message, "min_retention 5y from created (conflict 5.3.9)"));
  CHECK(contains(ps[0].fix, "precedence = \"min-retention-wins\""));

  // Stating which wins makes it a valid policy.
  std::string text = test::read_file(fixture("conflict.toml"));
  text += "precedence = \"min-retention-wins\"\n";
  CHECK(check_policy_text(text, "conflict.toml").empty());
}

TEST_CASE("check_policy: an unknown include", "[policy]") {
  auto ps = check_policy(fixture("unknown_include.toml"));
  INFO(text_of(ps));
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].line == 6);
  CHECK(ps[0].column == 18);
  CHECK(ps[0].message == "unknown include 'gpdr'");
  CHECK(ps[0].fix == "write \"gdpr\" instead");
}

TEST_CASE("check_policy: a TOML syntax error", "[policy]") {
  auto ps = check_policy(fixture("syntax_error.toml"));
  INFO(text_of(ps));
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].line == 2);
  CHECK(ps[0].column > 0);
  CHECK(contains(ps[0].message, "TOML syntax error"));
}

TEST_CASE("check_policy: an include cycle", "[policy]") {
  auto ps = check_policy(fixture("cycle_a.toml"));
  INFO(text_of(ps));
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].file == fixture("cycle_b.toml").string());
  CHECK(ps[0].line == 6);
  CHECK(ps[0].message == "include cycle: cycle_a -> cycle_b -> cycle_a");

  auto from_b = check_policy(fixture("cycle_b.toml"));
  REQUIRE(from_b.size() == 1);
  CHECK(from_b[0].message == "include cycle: cycle_b -> cycle_a -> cycle_b");
}

TEST_CASE("check_policy: values of the wrong type", "[policy]") {
  auto ps = check_policy(fixture("wrong_type.toml"));
  INFO(text_of(ps));
  CHECK(lines_of(ps) == std::vector<int>{4, 10, 16, 18, 19});
  REQUIRE(ps.size() == 5);
  CHECK(contains(ps[0].message, "[policy].version must be a string, not an integer"));
  CHECK(contains(ps[1].message, "[[category]].special must be true or false, not a string"));
  CHECK(contains(ps[2].message, "'USA' is not an ISO 3166-1 alpha-2 country code"));
  CHECK(contains(ps[3].message, "categories must be an array of strings, not a string"));
  CHECK(contains(ps[4].message, "receives cannot be 'pseudonymised'"));
  CHECK(contains(ps[4].fix, "write \"pseudonymized\" instead"));
}

TEST_CASE("check_policy: rules naming undeclared categories", "[policy]") {
  auto ps = check_policy(fixture("unknown_category.toml"));
  INFO(text_of(ps));
  REQUIRE(ps.size() == 2);
  CHECK(ps[0].line == 13);
  CHECK(contains(ps[0].message, "[[retention]] names category 'communications.vidio'"));
  CHECK(ps[0].fix == "write \"communications.video\" instead");
  CHECK(ps[1].line == 22);
  CHECK(ps[1].column == 39);
  CHECK(contains(ps[1].message, "[[subprocessor]] 'stt' names category 'communications.audio'"));
  CHECK(contains(ps[1].fix, "declare it with [[category]]"));
}

TEST_CASE("check_policy reports every problem, not just the first", "[policy]") {
  auto ps = check_policy(fixture("many_problems.toml"));
  INFO(text_of(ps));
  CHECK(lines_of(ps) == std::vector<int>{8, 14, 18, 25});
  REQUIRE(ps.size() == 4);
  CHECK(contains(ps[0].message, "[[category]] has no clause"));
  CHECK(contains(ps[1].message, "bad duration '3 months'"));
  CHECK(contains(ps[2].message, "recipient cannot be 'controler'"));
  CHECK(contains(ps[2].fix, "\"controller\""));
  CHECK(contains(ps[3].message, "unknown key 'forward_with' in [requests]"));
  CHECK(ps[3].fix == "write 'forward_within' instead");
}

TEST_CASE("check_policy: a valid policy with includes has no problem", "[policy]") {
  CHECK(check_policy(fixture("stricter.toml")).empty());
}

TEST_CASE("check_policy: a policy whose name differs from its file", "[policy]") {
  test::TempDir dir;
  std::string text = test::read_file(fixture("stricter.toml"));
  test::write_file(dir / "other.toml", text);
  auto ps = check_policy(dir / "other.toml");
  INFO(text_of(ps));
  REQUIRE(ps.size() == 1);
  CHECK(contains(ps[0].message, "policy name 'stricter' differs from the file name 'other.toml'"));
  CHECK(ps[0].fix == "write name = \"other\" instead, or rename the file");
}

TEST_CASE("check_policy: problems in an included workspace policy are reported in that file", "[policy]") {
  test::TempDir dir;
  test::write_file(dir / "base.toml", "[policy]\nname = \"base\"\ntitle = \"b\"\nversion = \"1\"\n"
                                      "jurisdiction = \"kz\"\n\n[[incident]]\nrecipient = \"authority\"\n"
                                      "deadline = \"1 day\"\ntrigger = \"x\"\nclause = \"1\"\n");
  test::write_file(dir / "top.toml", "[policy]\nname = \"top\"\ntitle = \"t\"\nversion = \"1\"\n"
                                     "jurisdiction = \"kz\"\ninclude = [\"base\"]\n");
  auto ps = check_policy(dir / "top.toml");
  INFO(text_of(ps));
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].file == (dir / "base.toml").string());
  CHECK(ps[0].line == 9);
}

TEST_CASE("check_policy: a missing file and a missing [policy]", "[policy]") {
  auto missing = check_policy(fixture("nope.toml"));
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].message == "no such policy file");

  auto ps = check_policy_text("[[category]]\nid = \"a.b\"\ndescription = \"d\"\nclause = \"1\"\n", "x.toml");
  INFO(text_of(ps));
  REQUIRE_FALSE(ps.empty());
  CHECK(contains(ps[0].message, "no [policy] section"));
}

TEST_CASE("check_policy: a retention rule with no period and an unknown section", "[policy]") {
  auto ps = check_policy_text(R"([policy]
name = "x"
title = "x"
version = "1"
jurisdiction = "kz"

[[retention]]
category = "*"
clause = "1"

[[subprocesor]]
name = "a"
)",
                              "x.toml");
  INFO(text_of(ps));
  REQUIRE(ps.size() == 2);
  CHECK(ps[0].line == 11);
  CHECK(ps[0].fix == "write 'subprocessor' instead");
  CHECK(ps[1].line == 7);
  CHECK(contains(ps[1].message, "[[retention]] states no period"));
}

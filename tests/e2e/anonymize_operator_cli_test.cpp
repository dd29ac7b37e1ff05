// End-to-end: the operator the policy sets for a subprocessor, what
// --operator may change, and references kept with the transfer.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include "support/test_support.h"

using dpa::test::run_dpa;
using dpa::test::TempDir;

namespace {

// A truffles tenant whose subjects consented to transfers abroad, so that
// OpenAI (US) is allowed; truffles sets `token` for OpenAI (DPA 4.2 footnote).
struct Workspace {
  TempDir dir;
  Workspace() {
    REQUIRE(run({"init", "--policy", "truffles"}).status == 0);
    REQUIRE(run({"tenant", "add", "acme"}).status == 0);
    REQUIRE(run({"transfer", "agreement", "add", "--tenant", "acme", "--kind", "cross-border-consent",
                 "--reference", "consent clause of the shop's terms v3", "--to", "openai"})
                .status == 0);
  }
  dpa::test::RunResult run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--home", dir.path().string()});
    return run_dpa(args, input);
  }
  dpa::test::RunResult to_openai(std::vector<std::string> extra, const std::string& input) {
    std::vector<std::string> args{"anonymize", "--tenant", "acme", "--for", "openai", "--category",
                                  "communications.messages"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args, input);
  }
  std::string text(const std::string& sql) {
    return dpa::test::state_text(dir.path(), sql);
  }
  int count(const std::string& sql) { return std::stoi(text(sql)); }
};

const std::string kChat = "Клиент: меня зовут Марат Иванов, мой номер +7 701 123 45 67.\n";

}  // namespace

TEST_CASE("anonymize --for applies the policy's operator and records it", "[e2e][anonymize][operator]") {
  Workspace w;
  auto r = w.to_openai({}, kChat);
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("<PHONE:") != std::string::npos);
  CHECK(r.out.find("701 123") == std::string::npos);
  CHECK(w.text("SELECT operator FROM transfers WHERE status = 'made'") == "token");
  CHECK(w.count("SELECT count(*) FROM audit_log WHERE action = 'transfer.made' AND details LIKE '%\"token\"%'") == 1);

  auto show = w.run({"policy", "show", "truffles"});
  REQUIRE(show.status == 0);
  CHECK_THAT(show.out, Catch::Contains("dpa anonymize --for openai applies --operator token [truffles DPA 4.2 (footnote *)]"));
  auto explain = w.run({"policy", "explain", "truffles", "--category", "communications.messages"});
  REQUIRE(explain.status == 0);
  CHECK_THAT(explain.out, Catch::Contains("subprocessor.openai.operator"));
}

TEST_CASE("anonymize --operator may disclose less than the policy's, and that is what is recorded",
          "[e2e][anonymize][operator]") {
  Workspace w;
  auto tag = w.to_openai({"--operator", "tag"}, kChat);
  INFO(tag.err);
  REQUIRE(tag.status == 0);
  CHECK(tag.out.find("[PHONE_1]") != std::string::npos);
  CHECK(tag.out.find("<PHONE:") == std::string::npos);

  // Typed items replace those types only; the rest keep the policy's token.
  auto typed = w.to_openai({"--operator", "PHONE=redact"}, kChat);
  INFO(typed.err);
  REQUIRE(typed.status == 0);
  CHECK(typed.out.find("701") == std::string::npos);
  CHECK(typed.out.find("<PHONE:") == std::string::npos);
  CHECK(typed.out.find("<PERSON:") != std::string::npos);

  CHECK(w.count("SELECT count(*) FROM transfers WHERE status = 'made' AND operator = 'tag'") == 1);
  CHECK(w.count("SELECT count(*) FROM transfers WHERE status = 'made' AND operator LIKE '%PHONE=redact%' "
                "AND operator LIKE '%token%'") == 1);
}

TEST_CASE("anonymize refuses an --operator that discloses more than the policy's", "[e2e][anonymize][operator]") {
  Workspace w;
  for (std::string op : {"mask", "surrogate", "PERSON=surrogate", "tag,CARD=mask"}) {
    auto r = w.to_openai({"--operator", op}, kChat);
    INFO(op << ": " << r.err);
    CHECK(r.status == 6);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("discloses more to openai"));
    CHECK_THAT(r.err, Catch::Contains("truffles DPA 4.2 (footnote *)"));
  }
  CHECK(w.count("SELECT count(*) FROM transfers WHERE status = 'refused' AND clause = 'DPA 4.2 (footnote *)'") == 4);
  CHECK(w.count("SELECT count(*) FROM transfers WHERE status = 'made'") == 0);
  CHECK(w.count("SELECT count(*) FROM vault_values") == 0);

  // Without --for there is no recipient, so any operator goes.
  auto local = w.run({"anonymize", "--tenant", "acme", "--operator", "mask"}, kChat);
  CHECK(local.status == 0);
}

TEST_CASE("anonymize --for keeps a lawful request or a reference with the transfer", "[e2e][anonymize]") {
  Workspace w;
  auto lawful = w.to_openai({"--lawful-request", "No 12-3/456 of 2026-11-02"}, kChat);
  INFO(lawful.err);
  REQUIRE(lawful.status == 0);
  CHECK(w.text("SELECT reference FROM transfers WHERE status = 'made'") == "lawful-request: No 12-3/456 of 2026-11-02");

  auto ref = w.to_openai({"--reference", "batch-2026-11-21"}, kChat);
  REQUIRE(ref.status == 0);
  CHECK(w.count("SELECT count(*) FROM transfers WHERE reference = 'batch-2026-11-21'") == 1);

  CHECK(w.to_openai({"--reference", "a", "--lawful-request", "b"}, kChat).status == 2);
  CHECK(w.run({"anonymize", "--tenant", "acme", "--lawful-request", "x"}, kChat).status == 2);
  CHECK(w.to_openai({"--lawful-request", ""}, kChat).status == 2);
}

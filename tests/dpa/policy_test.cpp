// The policy model: shipped policies, merging with baselines, lookups.
#include <algorithm>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "dpa/error.h"
#include "dpa/policy.h"
#include "dpa/policy_check.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace dpa;

namespace {

fs::path fixture(const std::string& name) { return test::source_dir() / "tests/fixtures/policies" / name; }

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string problems_text(const std::vector<PolicyProblem>& ps) {
  std::string out;
  for (const auto& p : ps) out += format_problem(p) + "\n";
  return out;
}

}  // namespace

TEST_CASE("the seven policies are shipped", "[policy]") {
  std::vector<std::string> names = shipped_policy_names();
  CHECK(names == std::vector<std::string>{"adr", "autocall", "gdpr", "kense", "kz", "truffles", "upstat"});
}

TEST_CASE("every shipped policy loads and passes check_policy", "[policy]") {
  for (const auto& name : shipped_policy_names()) {
    INFO(name);
    Policy p = load_policy(name);
    CHECK(p.name == name);
    CHECK_FALSE(p.title.empty());
    CHECK_FALSE(p.version.empty());
    CHECK((p.jurisdiction == "kz" || p.jurisdiction == "eu"));
    // The file in the source tree and the embedded copy both check clean.
    auto from_file = check_policy(test::source_dir() / "policies" / (name + ".toml"));
    INFO(problems_text(from_file));
    CHECK(from_file.empty());
    CHECK(check_policy_named(name).empty());
    // Every category has an effective retention that either has no conflict
    // or says which rule wins.
    for (const auto& c : p.categories) {
      Retention r = p.retention_for(c.id);
      if (r.conflict) CHECK(r.precedence.has_value());
    }
  }
}

TEST_CASE("contract policies include the kz baseline and keep clauses and origins", "[policy]") {
  for (const char* name : {"upstat", "truffles", "autocall", "adr", "kense"}) {
    INFO(name);
    Policy p = load_policy(name);
    CHECK(p.includes == std::vector<std::string>{"kz"});
    CHECK(p.merged == std::vector<std::string>{"kz", name});
    REQUIRE(p.localization);
    CHECK(p.localization->value.storage_country == "KZ");
    CHECK(p.localization->value.exception.empty());
    const IncidentRule* authority = p.incident_rule(IncidentRecipient::kAuthority);
    REQUIRE(authority);
    REQUIRE(authority->deadline);
    CHECK(authority->deadline->value == Duration::parse("1wd"));
    CHECK(authority->deadline->origin.policy == "kz");
    for (const auto& c : p.categories) CHECK_FALSE(c.origin.clause.empty());
    for (const auto& s : p.subprocessors) CHECK_FALSE(s.origin.clause.empty());
    for (const auto& o : p.obligations) CHECK_FALSE(o.origin.clause.empty());
  }
}

TEST_CASE("the merge picks the stricter rule with its clause and origin", "[policy]") {
  Policy p = load_policy(fixture("stricter.toml").string());
  CHECK(p.merged == std::vector<std::string>{"kz", "stricter"});

  // access: the policy's 10 days are weaker than the law's 3 working days.
  auto access = p.request_deadline(RequestType::kAccess);
  REQUIRE(access);
  CHECK(access->value == Duration::parse("3wd"));
  CHECK(access->origin.policy == "kz");
  CHECK(contains(access->origin.clause, "Art. 25(2)"));
  REQUIRE(access->superseded.size() == 1);
  CHECK(contains(access->superseded[0], "10d"));
  CHECK(contains(access->superseded[0], "stricter DPA 9.2"));

  // rectify: the policy's 12 hours beat the law's 1 working day.
  auto rectify = p.request_deadline("rectify");
  REQUIRE(rectify);
  CHECK(rectify->value == Duration::parse("12h"));
  CHECK(rectify->origin.policy == "stricter");
  CHECK(rectify->origin.clause == "DPA 9.3");

  // A deadline only the law states is inherited.
  auto erase = p.request_deadline(RequestType::kErase);
  REQUIRE(erase);
  CHECK(erase->origin.policy == "kz");

  // The mode is the contract's, not the law's default.
  CHECK(p.request_mode() == RequestMode::kForward);
  CHECK(p.requests.mode->origin.policy == "stricter");

  // The authority notice: 1 working day (kz) beats 2 (policy).
  const IncidentRule* authority = p.incident_rule(IncidentRecipient::kAuthority);
  REQUIRE(authority);
  CHECK(authority->deadline->value == Duration::parse("1wd"));
  CHECK(authority->deadline->origin.policy == "kz");
  CHECK(std::any_of(authority->deadline->superseded.begin(), authority->deadline->superseded.end(),
                    [](const std::string& s) { return contains(s, "2wd"); }));

  // Localization: the contract's written-agreement exception cannot lift the law.
  REQUIRE(p.localization);
  CHECK(p.localization->value.exception.empty());
  CHECK(p.localization->origin.policy == "kz");
  CHECK(p.localization->origin.clause == "Art. 12(2)");

  // Deletion after termination: the shorter of 60d ("*" rule) and 30d (termination).
  Retention r = p.retention_for("communications.messages");
  REQUIRE(r.after_termination);
  CHECK(r.after_termination->value == Duration::parse("30d"));
  CHECK(r.after_termination->origin.clause == "8.5");
  CHECK(r.after_termination->origin.policy == "stricter");

  // Cross-border: the law's conditions come along.
  REQUIRE(p.cross_border.size() == 1);
  CHECK(p.cross_border[0].origin.policy == "kz");
}

TEST_CASE("truffles: AI subprocessors receive pseudonymized data only (DPA 4.2)", "[policy]") {
  Policy p = load_policy("truffles");
  const Subprocessor* openai = p.find_subprocessor("openai");
  REQUIRE(openai);
  CHECK(openai->receives == Receives::kPseudonymized);
  CHECK(openai->country == "US");
  CHECK(openai->legal_name == "OpenAI, Inc.");
  CHECK(openai->origin.clause == "DPA 4.2");
  CHECK(openai->origin.policy == "truffles");
  CHECK(p.find_subprocessor("OPENAI, INC.") == openai);  // case-insensitive, legal name too

  const Subprocessor* google = p.find_subprocessor("Google");
  REQUIRE(google);
  CHECK(google->receives == Receives::kPseudonymized);
  const Subprocessor* meta = p.find_subprocessor("meta");
  REQUIRE(meta);
  CHECK(meta->receives == Receives::kRaw);
  CHECK(meta->covers("communications.messages"));
  const Subprocessor* hosting = p.find_subprocessor("hosting");
  REQUIRE(hosting);
  CHECK(hosting->country == "KZ");
  CHECK(hosting->covers("transactions.orders"));  // "*"
  CHECK(p.find_subprocessor("kaspi") == nullptr);  // used, but not a listed subprocessor
}

TEST_CASE("truffles: incident notice in 24 hours with the DPA 5.2 fields", "[policy]") {
  Policy p = load_policy("truffles");
  const IncidentRule* rule = p.incident_rule(IncidentRecipient::kController);
  REQUIRE(rule);
  REQUIRE(rule->deadline);
  CHECK(rule->deadline->value == Duration::parse("24h"));
  CHECK(contains(rule->deadline->origin.clause, "DPA 5.1"));
  CHECK(rule->content ==
        std::vector<std::string>{"nature", "categories", "subjects_approx", "consequences", "measures",
                                 "measures_proposed"});
  CHECK(contains(rule->origin.clause, "DPA 5.1-5.2"));
  // The kz baseline adds the notice to the authorized body: one working day.
  const IncidentRule* authority = p.incident_rule(IncidentRecipient::kAuthority);
  REQUIRE(authority);
  REQUIRE(authority->deadline);
  CHECK(authority->deadline->value == Duration::parse("1wd"));
  CHECK(authority->deadline->origin.policy == "kz");
  CHECK(contains(authority->origin.clause, "Art. 25(2)"));
}

TEST_CASE("truffles: export 14 days without debt, deletion after 30", "[policy]") {
  Policy p = load_policy("truffles");
  REQUIRE(p.termination.export_window);
  CHECK(p.termination.export_window->value.window == Duration::parse("14d"));
  CHECK(p.termination.export_window->value.condition == "no-debt");
  CHECK(p.termination.export_window->origin.clause == "8.5");
  REQUIRE(p.termination.deletion);
  CHECK(p.termination.deletion->value.delay == Duration::parse("30d"));
  // Confidentiality: the DPA's unlimited survival beats 3 years (6.6).
  REQUIRE(p.confidentiality);
  CHECK_FALSE(p.confidentiality->value.survives.has_value());
  CHECK(p.confidentiality->origin.clause == "DPA 6.2");
}

TEST_CASE("upstat: deletion 30 days after termination (22.3.1, DPA 10.2)", "[policy]") {
  Policy p = load_policy("upstat");
  REQUIRE(p.termination.deletion);
  CHECK(p.termination.deletion->value.delay == Duration::parse("30d"));
  CHECK(p.termination.deletion->value.kind == DeletionKind::kDuty);
  CHECK(contains(p.termination.deletion->origin.clause, "22.3.1"));
  CHECK(contains(p.termination.deletion->origin.clause, "DPA 10.2"));
  for (const auto& id : p.category_ids()) {
    INFO(id);
    Retention r = p.retention_for(id);
    REQUIRE(r.after_termination);
    CHECK(r.after_termination->value == Duration::parse("30d"));
    CHECK(r.after_termination->origin.policy == "upstat");
    CHECK(contains(r.after_termination->origin.clause, "22.3.1"));
    CHECK_FALSE(r.conflict);
  }
  REQUIRE(p.roles);
  CHECK(contains(p.roles->controller, "controller"));
  CHECK(contains(p.roles->processor, "UpStat"));
}

TEST_CASE("upstat: subject requests are forwarded to the controller (DPA 9.1)", "[policy]") {
  Policy p = load_policy("upstat");
  CHECK(p.request_mode() == RequestMode::kForward);
  REQUIRE(p.requests.mode);
  CHECK(contains(p.requests.mode->origin.clause, "DPA 9.1"));
  REQUIRE(p.requests.forward_within);
  CHECK(p.requests.forward_within->value == Duration::parse("24h"));
  // The controller still answers within the law's deadline.
  auto access = p.request_deadline(RequestType::kAccess);
  REQUIRE(access);
  CHECK(access->value == Duration::parse("3wd"));
  CHECK(access->origin.policy == "kz");
  // ElevenLabs: jurisdiction unknown, audio only.
  const Subprocessor* el = p.find_subprocessor("ElevenLabs");
  REQUIRE(el);
  CHECK(el->country == "unknown");
  CHECK(el->covers("communications.audio"));
  CHECK_FALSE(el->covers("communications.transcript"));
}

TEST_CASE("autocall: call recordings are kept 3 months (2.1.10)", "[policy]") {
  Policy p = load_policy("autocall");
  Retention r = p.retention_for("communications.audio");
  REQUIRE(r.max_age);
  CHECK(r.max_age->value.length == Duration::parse("3mo"));
  CHECK(r.max_age->value.from == PeriodStart::kCreated);
  CHECK(r.max_age->origin.clause == "2.1.10");
  CHECK(r.max_age->origin.policy == "autocall");
  REQUIRE(p.roles);
  CHECK_FALSE(p.roles->stated);
  // Suppression after a spam complaint never expires.
  auto spam = std::find_if(p.suppression.begin(), p.suppression.end(),
                           [](const SuppressionRule& s) { return s.id == "spam"; });
  REQUIRE(spam != p.suppression.end());
  CHECK_FALSE(spam->expires.has_value());
  CHECK(spam->origin.clause == "2.2.5.3");
}

TEST_CASE("adr: journals kept at least 5 years (5.3.9); the knot states which wins", "[policy]") {
  Policy p = load_policy("adr");
  Retention journals = p.retention_for("journals.accounting");
  REQUIRE(journals.min_retention);
  CHECK(journals.min_retention->value.length == Duration::parse("5y"));
  CHECK(journals.min_retention->origin.clause == "5.3.9");
  CHECK_FALSE(journals.conflict);

  Retention docs = p.retention_for("documents.signed");
  REQUIRE(docs.max_age);
  CHECK(docs.max_age->value.length == Duration::parse("5y"));
  CHECK(docs.max_age->value.from == PeriodStart::kRegistration);
  CHECK(docs.max_age->origin.clause == "5.3.11");
  REQUIRE(docs.delete_on_request);
  REQUIRE(docs.min_retention);
  REQUIRE(docs.conflict);  // 5y from registration, or a request, can come before 5y from creation
  CHECK(contains(*docs.conflict, "5.3.11"));
  REQUIRE(docs.precedence);
  CHECK(docs.precedence->value == Precedence::kMinRetentionWins);
  CHECK(contains(docs.precedence->origin.clause, "5.3.12"));

  // Without the precedence the same policy does not pass.
  std::string text = test::read_file(test::source_dir() / "policies/adr.toml");
  const std::string line = "precedence = \"min-retention-wins\"\n";
  auto at = text.find(line);
  REQUIRE(at != std::string::npos);
  text.erase(at, line.size());
  auto problems = check_policy_text(text, "adr.toml");
  REQUIRE(problems.size() == 1);
  CHECK(contains(problems[0].message, "documents.signed"));
  CHECK(contains(problems[0].fix, "precedence"));
}

TEST_CASE("kense: no transfer to third parties except an official lawful request (5.4(3))", "[policy]") {
  Policy p = load_policy("kense");
  REQUIRE(p.third_party);
  CHECK(p.third_party->value.disclosure == Disclosure::kLawfulRequestOnly);
  CHECK(p.third_party->origin.clause == "5.4(3)");
  CHECK(p.third_party->origin.policy == "kense");
  const Subprocessor* others = p.find_subprocessor("third-party-systems");
  REQUIRE(others);
  CHECK(others->receives == Receives::kNone);
}

TEST_CASE("gdpr: one month, extendable by two with reasons; 72 hours to the authority", "[policy]") {
  Policy p = load_policy("gdpr");
  auto erase = p.request_deadline(RequestType::kErase);
  REQUIRE(erase);
  CHECK(erase->value == Duration::parse("1mo"));
  auto ext = p.request_extension(RequestType::kErase);
  REQUIRE(ext);
  CHECK(ext->value.by == Duration::parse("2mo"));
  CHECK(ext->value.reason_required);
  CHECK(ext->origin.clause == "Art. 12(3)");
  const IncidentRule* authority = p.incident_rule(IncidentRecipient::kAuthority);
  REQUIRE(authority);
  CHECK(authority->deadline->value == Duration::parse("72h"));
  CHECK(authority->deadline->origin.clause == "Art. 33(1), 33(3)");
  const IncidentRule* controller = p.incident_rule(IncidentRecipient::kController);
  REQUIRE(controller);
  CHECK_FALSE(controller->deadline);
  CHECK(controller->without_undue_delay);
}

TEST_CASE("a policy including kz and gdpr takes the stricter of both, and no foreign extension", "[policy]") {
  test::TempDir dir;
  test::write_file(dir / "both.toml", R"([policy]
name = "both"
title = "A policy under both laws"
version = "1"
jurisdiction = "kz"
include = ["kz", "gdpr"]
)");
  Policy p = load_policy("both", {dir.path()});
  CHECK(p.merged == std::vector<std::string>{"kz", "gdpr", "both"});
  auto access = p.request_deadline(RequestType::kAccess);
  REQUIRE(access);
  CHECK(access->value == Duration::parse("3wd"));
  CHECK(access->origin.policy == "kz");
  // The GDPR extension does not stretch a kz deadline.
  CHECK_FALSE(p.request_extension(RequestType::kAccess));
  // Portability exists only under the GDPR, and keeps its extension.
  auto port = p.request_deadline(RequestType::kPortability);
  REQUIRE(port);
  CHECK(port->origin.policy == "gdpr");
  CHECK(p.request_extension(RequestType::kPortability));
  // Both laws' transfer conditions must hold.
  CHECK(p.cross_border.size() == 2);
  // Authority notice: 1 working day beats 72 hours; content from both.
  const IncidentRule* authority = p.incident_rule(IncidentRecipient::kAuthority);
  REQUIRE(authority);
  CHECK(authority->deadline->value == Duration::parse("1wd"));
  CHECK(std::find(authority->content.begin(), authority->content.end(), "consequences") != authority->content.end());
  CHECK(std::find(authority->content.begin(), authority->content.end(), "subjects_contact_data") !=
        authority->content.end());
}

TEST_CASE("workspace policies are found first, and include shipped ones", "[policy]") {
  test::TempDir dir;
  test::write_file(dir / "acme.toml", R"([policy]
name = "acme"
title = "Acme on top of UpStat"
version = "1"
jurisdiction = "kz"
include = ["upstat"]

[[retention]]
category = "technical.logs"
max_age = "90d"
clause = "Acme addendum 2"
)");
  Policy p = load_policy("acme", {dir.path()});
  CHECK(p.merged == std::vector<std::string>{"kz", "upstat", "acme"});
  Retention logs = p.retention_for("technical.logs");
  REQUIRE(logs.max_age);
  CHECK(logs.max_age->value.length == Duration::parse("90d"));
  CHECK(logs.max_age->origin.policy == "acme");
  REQUIRE(logs.after_termination);
  CHECK(logs.after_termination->origin.policy == "upstat");
  CHECK(p.request_mode() == RequestMode::kForward);  // inherited from upstat
}

TEST_CASE("explain lists the effective rules of a category with clause and origin", "[policy]") {
  Policy p = load_policy("truffles");
  auto rules = p.explain("communications.messages");
  auto find = [&](const std::string& rule) {
    return std::find_if(rules.begin(), rules.end(), [&](const ExplainedRule& r) { return r.rule == rule; });
  };
  auto openai = find("subprocessor.openai");
  REQUIRE(openai != rules.end());
  CHECK(contains(openai->value, "pseudonymized"));
  CHECK(openai->clause == "DPA 4.2");
  CHECK(openai->from_policy == "truffles");
  auto loc = find("localization");
  REQUIRE(loc != rules.end());
  CHECK(loc->from_policy == "kz");
  CHECK(contains(loc->note, "3.1.7"));  // the contract's weaker rule is named
  auto del = find("retention.after_termination");
  REQUIRE(del != rules.end());
  CHECK(contains(del->value, "30d"));
  CHECK(find("subprocessor.hosting") != rules.end());

  try {
    (void)p.explain("communications.mesages");
    FAIL("expected InputError");
  } catch (const InputError& e) {
    CHECK(contains(e.what(), "communications.messages"));
    CHECK(contains(e.what(), "identification.contact"));
  }
  CHECK_THROWS_AS(p.retention_for("nope"), InputError);
}

TEST_CASE("load_policy errors name the place and the fix", "[policy]") {
  try {
    (void)load_policy("upstatt");
    FAIL("expected InputError");
  } catch (const InputError& e) {
    CHECK(contains(e.what(), "unknown policy 'upstatt'"));
    CHECK(contains(e.what(), "upstat"));
  }
  try {
    (void)load_policy(fixture("bad_duration.toml").string());
    FAIL("expected InputError");
  } catch (const InputError& e) {
    CHECK(contains(e.what(), "bad_duration.toml:14: bad duration '30x'"));
    CHECK(contains(e.what(), "30d"));
  }
  CHECK_THROWS_AS(load_policy(fixture("does_not_exist.toml").string()), InputError);
}

TEST_CASE("request types and names round-trip", "[policy]") {
  for (RequestType t : all_request_types()) CHECK(parse_request_type(to_string(t)) == t);
  CHECK_THROWS_AS(parse_request_type("delete"), InputError);
  CHECK(to_string(Period{Duration::parse("5y"), PeriodStart::kRegistration}) == "5y from registration");
}

TEST_CASE("the JSON model carries every effective rule with its origin", "[policy]") {
  Policy p = load_policy("upstat");
  nlohmann::json j = policy_to_json(p);
  CHECK(j["name"] == "upstat");
  CHECK(j["requests"]["mode"] == "forward");
  CHECK(j["requests"]["deadlines"]["access"]["duration"] == "3wd");
  CHECK(j["requests"]["deadlines"]["access"]["origin"]["policy"] == "kz");
  CHECK(j["termination"]["deletion"]["delay"] == "30d");
  CHECK(j["termination"]["deletion"]["origin"]["policy"] == "upstat");
  bool audio = false;
  for (const auto& c : j["categories"]) {
    if (c["id"] == "communications.audio") {
      audio = true;
      CHECK(c["retention"]["after_termination"]["duration"] == "30d");
    }
  }
  CHECK(audio);
}

// The policy model (dpa/policy.h) names entity types and operators without
// depending on the pseudonymizer; these checks keep the two in step.
#include <catch2/catch.hpp>

#include "anonymize/entity.h"
#include "anonymize/operators.h"
#include "dpa/policy.h"

using namespace dpa;

TEST_CASE("the policy's entity type names are the pseudonymizer's", "[operator][policy]") {
  const auto& names = pseudonymizer_entity_types();
  REQUIRE(names.size() == static_cast<std::size_t>(anonymize::kEntityTypeCount));
  for (int i = 0; i < anonymize::kEntityTypeCount; ++i) {
    CHECK(names[static_cast<std::size_t>(i)] == anonymize::entity_type_name(static_cast<anonymize::EntityType>(i)));
  }
}

TEST_CASE("the policy's operators are the pseudonymizer's, and a policy spec parses as --operator", "[operator][policy]") {
  for (const auto& name : pseudonym_operator_names()) {
    INFO(name);
    CHECK(anonymize::operator_name(anonymize::parse_operator(name)) == name);
  }
  SubprocessorOperators ops;
  ops.all = PseudonymOperator::kTag;
  ops.by_type = {{"PHONE", PseudonymOperator::kRedact}, {"PERSON", PseudonymOperator::kSurrogate}};
  auto plan = anonymize::OperatorPlan::parse(ops.spec());
  for (const auto& type : pseudonymizer_entity_types()) {
    INFO(type);
    auto t = anonymize::parse_entity_type(type);
    REQUIRE(t);
    CHECK(anonymize::operator_name(plan.for_type(*t)) == to_string(ops.for_type(type)));
  }
}

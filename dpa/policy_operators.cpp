// The pseudonymization operator a policy sets per subprocessor: names,
// disclosure order (see PseudonymOperator in dpa/policy.h) and the merge of
// a policy with what it includes.
#include <algorithm>

#include <fmt/format.h>

#include "dpa/policy_internal.h"

namespace dpa {

const std::vector<std::string>& pseudonym_operator_names() {
  // Indexed by PseudonymOperator: the disclosure order.
  static const std::vector<std::string> names{"redact", "tag", "token", "surrogate", "mask"};
  return names;
}

std::string to_string(PseudonymOperator o) {
  return pseudonym_operator_names().at(static_cast<std::size_t>(o));
}

std::optional<PseudonymOperator> parse_pseudonym_operator(std::string_view name) {
  const auto& names = pseudonym_operator_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<PseudonymOperator>(i);
  }
  return std::nullopt;
}

const std::vector<std::string>& pseudonymizer_entity_types() {
  // In the order of anonymize::EntityType (anonymize/entity.h).
  static const std::vector<std::string> types{"PERSON", "PHONE", "EMAIL",  "IIN",      "BIN",
                                              "IBAN",   "CARD",  "IP",     "URL",      "DOB",
                                              "ID_CARD", "PASSPORT", "PLATE", "ADDRESS"};
  return types;
}

PseudonymOperator SubprocessorOperators::for_type(std::string_view type) const {
  if (auto it = by_type.find(std::string(type)); it != by_type.end()) return it->second;
  return all.value_or(PseudonymOperator::kToken);
}

std::string SubprocessorOperators::spec() const {
  std::string out;
  for (const auto& [type, op] : by_type) {
    if (all && op == *all) continue;
    out += fmt::format("{}={},", type, to_string(op));
  }
  out += to_string(all.value_or(PseudonymOperator::kToken));
  return out;
}

namespace policy_detail {

std::optional<SubprocessorOperators> merge_operators(const std::optional<SubprocessorOperators>& mine,
                                                     const std::optional<SubprocessorOperators>& theirs,
                                                     const std::function<std::string(const RuleOrigin&)>& cite) {
  if (!theirs) return mine;
  if (!mine) return theirs;
  // Per type, the operator that discloses less wins. A layer without a
  // default constrains only the types it lists.
  auto stated = [](const SubprocessorOperators& o, const std::string& type) -> std::optional<PseudonymOperator> {
    if (auto it = o.by_type.find(type); it != o.by_type.end()) return it->second;
    return o.all;
  };
  auto least = [](std::optional<PseudonymOperator> a, std::optional<PseudonymOperator> b) {
    if (!a) return b;
    if (!b) return a;
    return std::optional(std::min(*a, *b));
  };
  SubprocessorOperators merged;
  merged.all = least(mine->all, theirs->all);
  for (const auto& type : pseudonymizer_entity_types()) {
    auto op = least(stated(*mine, type), stated(*theirs, type));
    if (op && op != merged.all) merged.by_type[type] = *op;
  }
  const bool theirs_wins = merged.spec() == theirs->spec() && merged.spec() != mine->spec();
  const SubprocessorOperators& winner = theirs_wins ? *theirs : *mine;
  const SubprocessorOperators& loser = theirs_wins ? *mine : *theirs;
  merged.origin = winner.origin;
  merged.superseded = winner.superseded;
  if (loser.spec() != merged.spec()) {
    merged.superseded.push_back(fmt::format("operator {} ({})", loser.spec(), cite(loser.origin)));
  }
  return merged;
}

}  // namespace policy_detail
}  // namespace dpa

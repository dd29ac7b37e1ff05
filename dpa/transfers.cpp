#include "dpa/transfers.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "dpa/error.h"
#include "dpa/time.h"
#include "dpa/workspace.h"

namespace dpa {
namespace {

const Subprocessor& find_or_explain(const Policy& policy, const std::string& name) {
  if (const Subprocessor* s = policy.find_subprocessor(name)) return *s;
  std::vector<std::string> names;
  for (const auto& s : policy.subprocessors) names.push_back(s.name);
  if (names.empty()) {
    throw InputError(fmt::format("unknown subprocessor '{}': policy {} lists none", name, policy.name));
  }
  throw InputError(fmt::format("unknown subprocessor '{}' under policy {}; known: {}", name,
                               policy.name, fmt::join(names, ", ")));
}

}  // namespace

std::string default_transfer_category(const Policy& policy, const std::string& subprocessor) {
  const Subprocessor& s = find_or_explain(policy, subprocessor);
  if (s.categories.size() == 1 && s.categories[0] != "*") return s.categories[0];
  throw UsageError(fmt::format("name the data category with --category; {} may receive: {}", s.name,
                               fmt::join(s.categories, ", ")));
}

TransferDecision decide_transfer(const Policy& policy, const TransferRequest& request) {
  const Subprocessor& s = find_or_explain(policy, request.subprocessor);
  if (!policy.find_category(request.category)) {
    throw InputError(fmt::format("unknown data category '{}' under policy {}; known: {}",
                                 request.category, policy.name, fmt::join(policy.category_ids(), ", ")));
  }
  TransferDecision d;
  d.subprocessor = s.name;
  d.country = s.country;
  d.clause = s.origin.clause;
  d.policy = s.origin.policy;
  if (s.receives == Receives::kNone) {
    d.reason = fmt::format("{} may receive no personal data", s.legal_name.empty() ? s.name : s.legal_name);
    return d;
  }
  if (!s.covers(request.category)) {
    d.reason = fmt::format("{} may not receive {} data (allowed: {})", s.name, request.category,
                           fmt::join(s.categories, ", "));
    return d;
  }
  if (s.receives == Receives::kPseudonymized && !request.pseudonymized) {
    d.reason = fmt::format("{} may receive pseudonymized data only",
                           s.legal_name.empty() ? s.name : s.legal_name);
    return d;
  }
  d.allowed = true;
  return d;
}

std::int64_t record_transfer(Workspace& ws, TransferRecord record) {
  if (record.time.empty()) record.time = format_utc(now());
  std::int64_t id = 0;
  ws.store().transaction([&] {
    id = ws.store().insert_transfer(record);
    nlohmann::json details{{"id", id},
                           {"tenant", record.tenant_id},
                           {"subprocessor", record.subprocessor},
                           {"country", record.country},
                           {"category", record.category},
                           {"pseudonymized", record.pseudonymized},
                           {"bytes", record.bytes},
                           {"clause", record.clause},
                           {"source", record.source}};
    if (!record.operator_name.empty()) details["operator"] = record.operator_name;
    if (!record.entity_counts.empty()) details["entities"] = nlohmann::json::parse(record.entity_counts);
    if (!record.reason.empty()) details["reason"] = record.reason;
    ws.audit().append(record.status == "refused" ? "transfer.refused" : "transfer.made",
                      "tenant:" + record.tenant_id, details);
  });
  return id;
}

}  // namespace dpa

// The policies section: the versions of the policies (and the law
// baselines they include) that the tenants in scope are under, and whether
// a policy changed since a tenant was added under it.
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dpa/audit_report_sections.h"
#include "dpa/error.h"
#include "dpa/policy.h"
#include "dpa/workspace.h"

namespace dpa {

ReportSection policies_section(const ReportScope& scope) {
  ReportSection s;
  s.id = "policies";
  s.title = "Policies in force";
  s.status = "ok";

  // The version each tenant was added under, from the audit log.
  std::map<std::string, std::string> added_under;
  AuditQuery q;
  q.action = "tenant.add";
  scope.ws.store().scan_audit(q, [&](const AuditRecord& r) {
    auto d = nlohmann::json::parse(r.details, nullptr, false);
    if (d.is_object() && d.contains("policy_version")) added_under[r.object.substr(7)] = d["policy_version"];
    return true;
  });

  std::map<std::string, std::vector<std::string>> tenants_of;
  for (const auto& t : scope.tenants) {
    if (t.status != "deleted") tenants_of[t.policy].push_back(t.id);
  }
  ReportTable table{"policies", "Policies and versions",
                    {{"policy", "policy", false}, {"version", "version", false}, {"title", "title", false},
                     {"includes", "includes (version)", false}, {"tenants", "tenants", true},
                     {"tenant_ids", "tenant ids", false}, {"changed", "changed since added", false}},
                    {}, "No tenant in scope."};
  std::int64_t changed = 0, problems = 0;
  for (const auto& [name, ids] : tenants_of) {
    try {
      Policy p = load_policy(name, scope.ws.policy_search_dirs());
      std::vector<std::string> includes;
      for (const auto& m : p.merged) {
        if (m == p.name) continue;
        Policy base = load_policy(m, scope.ws.policy_search_dirs());
        includes.push_back(fmt::format("{} ({})", m, base.version));
      }
      std::set<std::string> differing;
      for (const auto& id : ids) {
        auto it = added_under.find(id);
        if (it != added_under.end() && it->second != p.version) differing.insert(id + " under " + it->second);
      }
      if (!differing.empty()) ++changed;
      table.rows.push_back({{"policy", name}, {"version", p.version}, {"title", p.title},
                            {"includes", fmt::format("{}", fmt::join(includes, ", "))},
                            {"tenants", static_cast<std::int64_t>(ids.size())},
                            {"tenant_ids", fmt::format("{}", fmt::join(ids, ", "))},
                            {"changed", differing.empty() ? "no" : fmt::format("{}", fmt::join(differing, "; "))}});
    } catch (const Error& e) {
      ++problems;
      table.rows.push_back({{"policy", name}, {"version", nullptr}, {"title", std::string("does not load: ") + e.what()},
                            {"includes", ""}, {"tenants", static_cast<std::int64_t>(ids.size())},
                            {"tenant_ids", fmt::format("{}", fmt::join(ids, ", "))}, {"changed", nullptr}});
    }
  }
  s.facts = {
      {"policies", "Policies in force", static_cast<std::int64_t>(tenants_of.size())},
      {"changed_since_added", "Policies changed since a tenant was added", changed},
      {"not_loading", "Policies that do not load", problems},
  };
  if (changed > 0 || problems > 0) s.status = "attention";
  s.notes.push_back(
      "The version is the one the policy file states now; a tenant added under another version is listed, so "
      "that its contract can be checked against the change.");
  s.tables.push_back(std::move(table));
  return s;
}

}  // namespace dpa

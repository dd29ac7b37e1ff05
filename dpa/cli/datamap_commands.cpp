// dpa datamap check | show
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dpa/cli/command.h"
#include "dpa/data_store.h"
#include "dpa/datamap.h"
#include "dpa/error.h"
#include "dpa/policy.h"
#include "dpa/workspace.h"

namespace dpa::cli {
namespace {

const char* severity_name(DataMapProblem::Severity s) {
  return s == DataMapProblem::Severity::kError ? "error" : "warning";
}

int run_check(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  DataMap map = read_datamap(ws.config_path());
  std::vector<DataMapProblem> problems = check_datamap(map);

  // Each dataset's category should be one that the policies of the tenants
  // with records in it declare (and the default policy, for tenants to
  // come); otherwise only those policies' rules for every category apply.
  std::map<std::string, std::string> policy_of;
  for (const auto& t : ws.store().list_tenants()) policy_of[t.id] = t.policy;
  std::map<std::string, Policy> policies;
  auto policy = [&](const std::string& name) -> const Policy& {
    auto it = policies.find(name);
    if (it == policies.end()) it = policies.emplace(name, load_policy(name, ws.policy_search_dirs())).first;
    return it->second;
  };
  for (const auto& d : map.datasets) {
    std::map<std::string, std::vector<std::string>> tenants_by_policy;
    if (!ws.settings().default_policy.empty()) tenants_by_policy[ws.settings().default_policy];
    try {
      for (const auto& t : open_data_store(map.store_of(d), false)->tenants(d)) {
        if (auto it = policy_of.find(t); it != policy_of.end()) tenants_by_policy[it->second].push_back(t);
      }
    } catch (const InputError&) {
      // Reported by check_datamap already.
    }
    for (const auto& [name, tenants] : tenants_by_policy) {
      const Policy& p = policy(name);
      if (p.find_category(d.category)) continue;
      problems.push_back({DataMapProblem::Severity::kWarning, d.name,
                          fmt::format("category {} is not declared by policy {}{}: only its rules for every category "
                                      "apply to this dataset (categories: {})",
                                      d.category, name,
                                      tenants.empty() ? std::string(" (the default)")
                                                      : fmt::format(" (tenants {})", fmt::join(tenants, ", ")),
                                      fmt::join(p.category_ids(), ", "))});
    }
  }
  std::size_t errors = 0;
  for (const auto& p : problems) errors += p.severity == DataMapProblem::Severity::kError;
  if (inv.json()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& p : problems) {
      arr.push_back({{"severity", severity_name(p.severity)}, {"dataset", p.dataset}, {"message", p.message}});
    }
    inv.print_json({{"stores", map.stores.size()}, {"datasets", map.datasets.size()}, {"ok", errors == 0},
                    {"problems", arr}});
  } else {
    for (const auto& p : problems) {
      inv.out << fmt::format("{}: {}: {}\n", severity_name(p.severity), p.dataset, p.message);
    }
    if (map.datasets.empty()) {
      inv.out << fmt::format("{} declares no [[dataset]]; see dpa-datamap(5)\n", ws.config_path().string());
    } else if (errors == 0) {
      inv.out << fmt::format("data map ok: {} store(s), {} dataset(s){}\n", map.stores.size(), map.datasets.size(),
                             problems.empty() ? "" : fmt::format(", {} warning(s)", problems.size()));
    }
  }
  return errors == 0 ? 0 : static_cast<int>(ExitStatus::kInvalidInput);
}

int run_show(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  DataMap map = read_datamap(ws.config_path());
  nlohmann::json j{{"stores", nlohmann::json::array()}, {"datasets", nlohmann::json::array()}};
  for (const auto& s : map.stores) {
    nlohmann::json sj{{"name", s.name}, {"kind", to_string(s.kind)}};
    if (s.kind == StoreKind::kSqlite) sj["path"] = s.path.string();
    if (s.kind == StoreKind::kFiles) sj["root"] = s.root.string();
    if (s.kind == StoreKind::kPostgres) {
      sj["url"] = s.url;
      sj["schema"] = s.schema;
    }
    j["stores"].push_back(sj);
  }
  for (const auto& d : map.datasets) {
    nlohmann::json dj{{"name", d.name}, {"store", d.store}, {"category", d.category}};
    if (d.is_files()) {
      dj["path"] = d.path;
    } else {
      dj["table"] = d.table;
      dj["key"] = d.key;
      dj["tenant"] = d.tenant;
      dj["created"] = d.created;
      dj["created_format"] = to_string(d.created_format);
      nlohmann::json subj = nlohmann::json::object();
      for (const auto& s : d.subject) subj[s.kind] = s.column;
      dj["subject"] = subj;
      dj["text"] = d.text;
    }
    j["datasets"].push_back(dj);
  }
  if (inv.json()) {
    inv.print_json(j);
    return 0;
  }
  for (const auto& s : map.stores) {
    inv.out << fmt::format("store   {:<16} {:<8} {}\n", s.name, to_string(s.kind),
                           s.kind == StoreKind::kSqlite  ? s.path.string()
                           : s.kind == StoreKind::kFiles ? s.root.string()
                                                         : s.url + " (schema " + s.schema + ")");
  }
  for (const auto& d : map.datasets) {
    inv.out << fmt::format("dataset {:<16} {:<28} {}\n", d.name, d.category,
                           d.is_files() ? d.store + ":" + d.path : d.store + ":" + d.table);
  }
  return 0;
}

const CommandRegistrar check_command{Command{
    "datamap check", "[--json]",
    "check dpa.toml's data map against the real stores: tables, columns, layouts, indexes",
    [](po::options_description&, po::positional_options_description&) {}, run_check}};

const CommandRegistrar show_command{Command{
    "datamap show", "[--json]", "show the stores and datasets of the data map",
    [](po::options_description&, po::positional_options_description&) {}, run_show}};

}  // namespace
}  // namespace dpa::cli

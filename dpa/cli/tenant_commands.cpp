// dpa tenant add | list | show | set | terminate
#include <fmt/format.h>

#include "dpa/cli/command.h"
#include "dpa/error.h"
#include "dpa/policy.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"

namespace dpa::cli {
namespace {

nlohmann::json tenant_json(const TenantRecord& t) {
  nlohmann::json j{{"id", t.id}, {"name", t.name}, {"policy", t.policy},
                   {"status", t.status}, {"created_at", t.created_at}};
  j["terminated_at"] = t.terminated_at ? nlohmann::json(*t.terminated_at) : nlohmann::json();
  j["export_until"] = t.export_until ? nlohmann::json(*t.export_until) : nlohmann::json();
  j["delete_after"] = t.delete_after ? nlohmann::json(*t.delete_after) : nlohmann::json();
  j["registered_at"] = format_utc(tenant_registered(t));
  j["registered_recorded"] = tenant_registration_recorded(t);
  return j;
}

// --registered DATE, in the workspace's zone.
std::optional<Timestamp> registered_of(const Invocation& inv, const Workspace& ws) {
  auto text = inv.maybe<std::string>("registered");
  if (!text) return std::nullopt;
  return parse_timestamp(*text, TimeZone::named(ws.settings().timezone));
}

int run_add(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  std::string policy = inv.maybe<std::string>("policy").value_or(ws.settings().default_policy);
  if (policy.empty()) throw UsageError("tenant add: --policy NAME is required (dpa.toml sets no default)");
  TenantRecord t = add_tenant(ws, inv.get<std::string>("id"), policy,
                              inv.maybe<std::string>("name").value_or(""), registered_of(inv, ws));
  if (inv.json()) inv.print_json(tenant_json(t));
  return 0;
}

int run_set(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  std::optional<Timestamp> registered = registered_of(inv, ws);
  if (!registered) throw UsageError("tenant set: nothing to set; give --registered DATE");
  TenantRecord t = set_tenant_registered(ws, inv.get<std::string>("id"), *registered);
  if (inv.json()) {
    inv.print_json(tenant_json(t));
    return 0;
  }
  inv.out << fmt::format("tenant {} registered on {}: rules counted from registration start there\n", t.id,
                         format_local(tenant_registered(t), TimeZone::named(ws.settings().timezone)));
  return 0;
}

int run_list(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  auto tenants = list_tenants(ws);
  if (inv.json()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& t : tenants) arr.push_back(tenant_json(t));
    inv.print_json(arr);
    return 0;
  }
  if (tenants.empty()) return 0;
  inv.out << fmt::format("{:<24} {:<10} {:<12} {}\n", "ID", "POLICY", "STATUS", "NAME");
  for (const auto& t : tenants) {
    inv.out << fmt::format("{:<24} {:<10} {:<12} {}\n", t.id, t.policy, t.status, t.name);
  }
  return 0;
}

int run_terminate(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  Timestamp on = now();
  if (auto d = inv.maybe<std::string>("on")) on = parse_timestamp(*d, TimeZone::named(ws.settings().timezone));
  TenantRecord t = terminate_tenant(ws, inv.get<std::string>("id"), on);
  if (inv.json()) {
    inv.print_json(tenant_json(t));
    return 0;
  }
  const TimeZone& zone = TimeZone::named(ws.settings().timezone);
  inv.out << fmt::format("tenant {} terminated on {}\n", t.id, format_local(on, zone));
  if (t.export_until) inv.out << fmt::format("  export until {}\n", format_local(parse_timestamp(*t.export_until, TimeZone::utc()), zone));
  if (t.delete_after) inv.out << fmt::format("  deleted from  {}\n", format_local(parse_timestamp(*t.delete_after, TimeZone::utc()), zone));
  if (!t.delete_after) inv.out << "  its policy sets no deletion after termination\n";
  return 0;
}

int run_show(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  TenantRecord t = get_tenant(ws, inv.get<std::string>("id"));
  auto keys = tenant_key_info(ws, t.id);
  if (inv.json()) {
    nlohmann::json j = tenant_json(t);
    j["keys"] = nlohmann::json::array();
    for (const auto& k : keys) {
      j["keys"].push_back({{"key_id", k.key_id},
                           {"created_at", k.created_at},
                           {"destroyed_at", k.destroyed_at ? nlohmann::json(*k.destroyed_at)
                                                           : nlohmann::json()}});
    }
    inv.print_json(j);
    return 0;
  }
  inv.out << fmt::format("tenant     {}\nname       {}\npolicy     {}\nstatus     {}\ncreated    {}\n",
                         t.id, t.name, t.policy, t.status, t.created_at);
  inv.out << fmt::format("registered {}{}\n", format_utc(tenant_registered(t)),
                         tenant_registration_recorded(t) ? "" : " (when it was added; `dpa tenant set --registered`)");
  if (t.terminated_at) inv.out << fmt::format("terminated {}\n", *t.terminated_at);
  // The dates with the clauses they come from, read from the tenant's policy.
  std::optional<Policy> policy;
  if (t.export_until || t.delete_after) {
    try {
      policy = load_policy(t.policy, ws.policy_search_dirs());
    } catch (const InputError&) {
    }
  }
  auto cite = [](const RuleOrigin& o) { return o.clause.empty() ? o.policy : o.policy + " " + o.clause; };
  if (t.export_until) {
    std::string why;
    if (policy && policy->termination.export_window) {
      const auto& e = *policy->termination.export_window;
      why = fmt::format(" ({} after termination{}; {})", e.value.window.to_string(),
                        e.value.condition == "none" ? "" : ", if " + e.value.condition, cite(e.origin));
    }
    inv.out << fmt::format("export by  {}{}\n", *t.export_until, why);
  }
  if (t.delete_after) {
    std::string why;
    if (policy && policy->termination.deletion) {
      const auto& d = *policy->termination.deletion;
      why = fmt::format(" ({} after termination, {}; {})", d.value.delay.to_string(), to_string(d.value.kind),
                        cite(d.origin));
    }
    inv.out << fmt::format("delete on  {}{}\n", *t.delete_after, why);
  }
  for (const auto& k : keys) {
    inv.out << fmt::format("key {}      created {}{}\n", k.key_id, k.created_at,
                           k.destroyed_at ? ", destroyed " + *k.destroyed_at : "");
  }
  return 0;
}

void declare_registered(po::options_description& o) {
  o.add_options()("registered", po::value<std::string>()->value_name("DATE"),
                  "when the client registered with the service, if before today (ISO-8601, local to the "
                  "workspace's zone); rules counted from registration start there (adr 5.3.11)");
}

void declare_id(po::options_description& o, po::positional_options_description& p) {
  o.add_options()("id", po::value<std::string>()->required()->value_name("ID"), "tenant id");
  p.add("id", 1);
}

const CommandRegistrar add_command{Command{
    "tenant add", "ID [--policy NAME] [--name TEXT] [--registered DATE]",
    "register a customer (controller) under a policy, with its own key",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_id(o, p);
      o.add_options()
          ("policy", po::value<std::string>()->value_name("NAME"), "policy of the contract (default: dpa.toml's)")
          ("name", po::value<std::string>()->value_name("TEXT"), "display name");
      declare_registered(o);
    },
    run_add}};

const CommandRegistrar set_command{Command{
    "tenant set", "ID --registered DATE",
    "record when an existing tenant registered as a client (audited); rules counted from registration use it",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_id(o, p);
      declare_registered(o);
    },
    run_set}};

const CommandRegistrar list_command{Command{
    "tenant list", "[--json]", "list tenants",
    [](po::options_description&, po::positional_options_description&) {}, run_list}};

const CommandRegistrar terminate_command{Command{
    "tenant terminate", "ID [--on DATE]",
    "record the end of a tenant's contract; computes its export and deletion dates from its policy",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_id(o, p);
      o.add_options()("on", po::value<std::string>()->value_name("DATE"),
                      "when the contract ended (default now; ISO-8601, local to the workspace's zone)");
    },
    run_terminate}};

const CommandRegistrar show_command{Command{
    "tenant show", "ID [--json]", "show a tenant, its contract dates and keys", declare_id, run_show}};

}  // namespace
}  // namespace dpa::cli

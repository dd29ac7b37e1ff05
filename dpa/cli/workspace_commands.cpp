// dpa init
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "dpa/cli/command.h"
#include "dpa/error.h"
#include "dpa/policy.h"
#include "dpa/workspace.h"

namespace dpa::cli {
namespace {

int run_init(Invocation& inv) {
  std::string policy = inv.get<std::string>("policy");
  load_policy(policy, {inv.home() / "policies"});  // a typo fails now, not at the first tenant
  // --state / --state-schema, else $DPA_STATE_URL / $DPA_STATE_SCHEMA: a
  // fleet's provisioning sets the environment once for every host.
  std::optional<StateLocation> state;
  auto env = [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v && *v) return std::string(v);
    return std::nullopt;
  };
  std::optional<std::string> url = inv.maybe<std::string>("state");
  if (!url) url = env("DPA_STATE_URL");
  std::optional<std::string> schema = inv.maybe<std::string>("state-schema");
  if (!schema) schema = env("DPA_STATE_SCHEMA");
  if (url) {
    state = StateLocation{*url, schema.value_or("dpa")};
  } else if (inv.has("state-schema")) {
    throw UsageError("--state-schema needs --state URL (or $DPA_STATE_URL)");
  }
  InitResult r = Workspace::init(inv.home(), policy, inv.actor(), state);
  if (inv.json()) {
    inv.print_json({{"home", r.home.string()},
                    {"created", r.created},
                    {"joined", r.joined},
                    {"workspace_id", r.workspace_id},
                    {"made", r.made}});
    return 0;
  }
  if (r.joined) {
    inv.out << fmt::format("{} joined workspace {}: its state on PostgreSQL is shared with every host "
                           "holding the same keys/; nothing changed\n",
                           r.home.string(), r.workspace_id);
    for (const auto& m : r.made) inv.out << "  created " << m << "\n";
    return 0;
  }
  if (!r.created) {
    inv.out << fmt::format("workspace {} exists already (id {}); nothing changed\n",
                           r.home.string(), r.workspace_id);
    return 0;
  }
  inv.out << fmt::format("initialized workspace {} (id {}), default policy {}\n", r.home.string(),
                         r.workspace_id, policy);
  for (const auto& m : r.made) inv.out << "  created " << m << "\n";
  inv.out << "Keep keys/ backed up and private: without master.key no tenant pseudonym can be "
             "reversed.\n";
  return 0;
}

const CommandRegistrar init_command{Command{
    "init", "[--home DIR] [--policy NAME] [--state URL [--state-schema NAME]]",
    "create a workspace: dpa.toml, keys/ and the state (dpa.db, or a PostgreSQL schema); join a shared one",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("policy", po::value<std::string>()->default_value("upstat")->value_name("NAME"),
                      "default policy for new tenants")(
          "state", po::value<std::string>()->value_name("URL"),
          "keep the state in PostgreSQL at this libpq URL (no password: ~/.pgpass); default $DPA_STATE_URL")(
          "state-schema", po::value<std::string>()->value_name("NAME"),
          "the PostgreSQL schema of this workspace's state (default $DPA_STATE_SCHEMA, else dpa)");
    },
    run_init}};

}  // namespace
}  // namespace dpa::cli

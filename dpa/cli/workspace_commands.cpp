// dpa init
#include <iostream>

#include <fmt/format.h>

#include "dpa/cli/command.h"
#include "dpa/policy.h"
#include "dpa/workspace.h"

namespace dpa::cli {
namespace {

int run_init(Invocation& inv) {
  std::string policy = inv.get<std::string>("policy");
  load_policy(policy, {inv.home() / "policies"});  // a typo fails now, not at the first tenant
  InitResult r = Workspace::init(inv.home(), policy, inv.actor());
  if (inv.json()) {
    inv.print_json({{"home", r.home.string()},
                    {"created", r.created},
                    {"workspace_id", r.workspace_id},
                    {"made", r.made}});
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
    "init", "[--home DIR] [--policy NAME]",
    "create a workspace: dpa.toml, dpa.db and keys/",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("policy", po::value<std::string>()->default_value("upstat")->value_name("NAME"),
                      "default policy for new tenants");
    },
    run_init}};

}  // namespace
}  // namespace dpa::cli

// `dpa`: parses the global flags, finds the command and maps errors to exit
// statuses (see man/dpa.1, EXIT STATUS).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dpa/audit_log.h"
#include "dpa/cli/command.h"
#include "dpa/error.h"
#include "dpa/workspace.h"

namespace dpa::cli {

std::vector<Command>& command_registry() {
  static std::vector<Command> registry;
  return registry;
}

std::filesystem::path Invocation::home() const { return Workspace::resolve_home(global.home); }

std::string Invocation::actor() const { return global.actor ? *global.actor : default_actor(); }

Workspace Invocation::open_workspace() const { return Workspace::open(home(), actor()); }

void Invocation::print_json(const nlohmann::json& j) const { out << j.dump(2) << '\n'; }

namespace {

po::options_description global_options() {
  po::options_description g("Global options");
  g.add_options()
      ("home", po::value<std::string>()->value_name("DIR"), "workspace folder (default $DPA_HOME, else ./.dpa)")
      ("json", po::bool_switch(), "print one JSON document instead of text")
      ("actor", po::value<std::string>()->value_name("NAME"), "who acts, for the audit log (default user@host)");
  return g;
}

void merge_globals(const po::variables_map& vm, GlobalOptions& g) {
  if (vm.count("home")) g.home = vm["home"].as<std::string>();
  if (vm.count("json") && vm["json"].as<bool>()) g.json = true;
  if (vm.count("actor")) g.actor = vm["actor"].as<std::string>();
}

std::string usage_line(const Command& c) {
  return fmt::format("dpa {}{}{}", c.name, c.synopsis.empty() ? "" : " ", c.synopsis);
}

void print_overview(std::ostream& out) {
  out << "usage: dpa [--home DIR] [--json] [--actor NAME] COMMAND [ARGS]\n\n"
         "Data Processing Agreements, executable: pseudonymize, transfer, retain, export,\n"
         "answer data subjects and prove it.\n\nCommands:\n";
  std::vector<const Command*> sorted;
  for (const auto& c : command_registry()) sorted.push_back(&c);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name < b->name; });
  for (const auto* c : sorted) out << fmt::format("  {:<22} {}\n", c->name, c->summary);
  out << "\n`dpa help COMMAND` or `dpa COMMAND --help` tells more; man dpa lists exit statuses.\n";
}

void print_command_help(std::ostream& out, const Command& c) {
  po::options_description own("Options");
  po::positional_options_description pos;
  c.declare(own, pos);
  out << "usage: " << usage_line(c) << "\n\n" << c.summary << "\n";
  if (!own.options().empty()) out << "\n" << own;
  out << "\n" << global_options();
}

const Command* find_command(const std::vector<std::string>& words, std::size_t& used) {
  const Command* best = nullptr;
  for (const auto& c : command_registry()) {
    std::istringstream name(c.name);
    std::string part;
    std::size_t i = 0;
    bool match = true;
    while (name >> part) {
      if (i >= words.size() || words[i] != part) {
        match = false;
        break;
      }
      ++i;
    }
    if (match && (!best || i > used)) {
      best = &c;
      used = i;
    }
  }
  return best;
}

[[noreturn]] void unknown_command(const std::vector<std::string>& words) {
  std::string family = words.empty() ? "" : words[0];
  std::vector<std::string> subs;
  for (const auto& c : command_registry()) {
    if (c.name.starts_with(family + " ")) subs.push_back(c.name.substr(family.size() + 1));
  }
  if (!subs.empty()) {
    std::string got = words.size() > 1 ? "unknown command '" + family + " " + words[1] + "'"
                                       : "'" + family + "' needs a subcommand";
    throw UsageError(fmt::format("{}; {} commands: {}", got, family, fmt::join(subs, ", ")));
  }
  throw UsageError(fmt::format("unknown command '{}'; `dpa help` lists the commands", family));
}

int run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  GlobalOptions globals;

  // Global flags may stand before the command; parse that prefix on its own.
  std::size_t first_word = 0;
  while (first_word < args.size() && args[first_word].starts_with("-")) {
    const std::string& a = args[first_word];
    bool takes_value = (a == "--home" || a == "--actor");
    first_word += takes_value ? 2 : 1;
  }
  first_word = std::min(first_word, args.size());
  std::vector<std::string> prefix(args.begin(), args.begin() + static_cast<long>(first_word));
  bool want_version = std::erase(prefix, "--version") > 0;
  bool want_help = std::erase(prefix, "--help") + std::erase(prefix, "-h") > 0;
  {
    po::variables_map vm;
    po::store(po::command_line_parser(prefix).options(global_options()).run(), vm);
    po::notify(vm);
    merge_globals(vm, globals);
  }
  std::vector<std::string> words(args.begin() + static_cast<long>(first_word), args.end());

  if (want_version) {
    std::cout << "dpa " << DPA_VERSION << "\n";
    return 0;
  }
  if (want_help || words.empty()) {
    print_overview(std::cout);
    return words.empty() && !want_help ? 2 : 0;
  }
  if (words[0] == "help") {
    std::vector<std::string> topic(words.begin() + 1, words.end());
    if (topic.empty()) {
      print_overview(std::cout);
      return 0;
    }
    std::size_t used = 0;
    const Command* c = find_command(topic, used);
    if (!c || used != topic.size()) unknown_command(topic);
    print_command_help(std::cout, *c);
    return 0;
  }

  std::size_t used = 0;
  const Command* command = find_command(words, used);
  if (!command) unknown_command(words);
  std::vector<std::string> rest(words.begin() + static_cast<long>(used), words.end());

  po::options_description own("Options");
  po::positional_options_description pos;
  command->declare(own, pos);
  po::options_description all;
  all.add(own).add(global_options());
  all.add_options()("help,h", "show this help");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(rest).options(all).positional(pos).run(), vm);
    if (vm.count("help")) {
      print_command_help(std::cout, *command);
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(fmt::format("{}: {}; usage: {}", command->name, e.what(), usage_line(*command)));
  }
  merge_globals(vm, globals);
  Invocation inv(globals, vm, std::cout, std::cerr);
  int status = command->run(inv);
  std::cout.flush();
  if (!std::cout) throw Error(ExitStatus::kInternal, "cannot write to standard output");
  return status;
}

}  // namespace
}  // namespace dpa::cli

int main(int argc, char** argv) {
  try {
    return dpa::cli::run(argc, argv);
  } catch (const dpa::Error& e) {
    std::cout.flush();
    std::cerr << "dpa: " << e.what() << "\n";
    return static_cast<int>(e.status());
  } catch (const boost::program_options::error& e) {
    std::cerr << "dpa: " << e.what() << "; see `dpa help`\n";
    return static_cast<int>(dpa::ExitStatus::kUsage);
  } catch (const std::exception& e) {
    std::cerr << "dpa: internal error: " << e.what() << "\n";
    return static_cast<int>(dpa::ExitStatus::kInternal);
  }
}

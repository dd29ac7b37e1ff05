// How a command of the `dpa` binary is declared and run.
//
// Each command family lives in one file (tenant_commands.cpp, ...) and
// registers its commands with a static `CommandRegistrar`. A command only
// parses its flags, calls a library function and prints the result: human
// text by default, one JSON document with the global --json.
#pragma once

#include <boost/program_options.hpp>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dpa {
class Workspace;
}

namespace dpa::cli {

namespace po = boost::program_options;

struct GlobalOptions {
  std::optional<std::string> home;   // --home DIR
  bool json = false;                 // --json
  std::optional<std::string> actor;  // --actor NAME
};

class Invocation {
 public:
  Invocation(const GlobalOptions& global_options, const po::variables_map& values,
             std::ostream& out_stream, std::ostream& err_stream)
      : global(global_options), vm(values), out(out_stream), err(err_stream) {}

  const GlobalOptions& global;
  const po::variables_map& vm;
  std::ostream& out;
  std::ostream& err;

  bool json() const { return global.json; }
  // --home, else $DPA_HOME, else ./.dpa
  std::filesystem::path home() const;
  // user@host, or --actor
  std::string actor() const;
  // Opens the workspace at home(): checks key permissions and the schema.
  Workspace open_workspace() const;

  bool has(const char* name) const { return vm.count(name) > 0; }
  template <typename T>
  T get(const char* name) const { return vm[name].as<T>(); }
  template <typename T>
  std::optional<T> maybe(const char* name) const {
    if (!vm.count(name)) return std::nullopt;
    return vm[name].as<T>();
  }
  // Prints `j` indented, followed by a newline, on `out`.
  void print_json(const nlohmann::json& j) const;
};

struct Command {
  std::string name;      // "tenant add": family and subcommand, space separated
  std::string synopsis;  // "ID --policy NAME [--name TEXT]"
  std::string summary;   // one line for `dpa help`
  // Declares the command's flags and positional arguments. --help is added
  // by the dispatcher.
  std::function<void(po::options_description&, po::positional_options_description&)> declare;
  // Runs the command; returns the exit status (0 on success). Errors are
  // thrown as dpa::Error and mapped to their status by the dispatcher.
  std::function<int(Invocation&)> run;
};

std::vector<Command>& command_registry();

struct CommandRegistrar {
  explicit CommandRegistrar(Command c) { command_registry().push_back(std::move(c)); }
};

}  // namespace dpa::cli

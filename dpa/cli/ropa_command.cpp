// dpa ropa
#include "dpa/cli/command.h"
#include "dpa/ropa.h"
#include "dpa/workspace.h"

namespace dpa::cli {
namespace {

int run_ropa(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  ReportFormat format = inv.json() ? ReportFormat::kJson : parse_report_format(inv.get<std::string>("format"));
  inv.out << render_ropa(build_ropa(ws), format);
  return 0;
}

const CommandRegistrar ropa_command{Command{
    "ropa", "[--format md|csv|json]",
    "the processor's record of processing (GDPR Art. 30(2)) from policies, register and transfer log",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("format", po::value<std::string>()->default_value("md")->value_name("md|csv|json"),
                      "output format");
    },
    run_ropa}};

}  // namespace
}  // namespace dpa::cli

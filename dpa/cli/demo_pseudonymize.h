// The pseudonymizer's part of `dpa demo`: a chat for OpenAI under truffles.
#pragma once

#include <string>

namespace dpa {
class Workspace;
}

namespace dpa::cli {

struct DemoPseudonymizeSummary {
  std::string tenant;
  std::string original;      // synthetic chat message
  std::string pseudonymized; // what OpenAI would receive
  std::string reply;         // a reply that uses the tokens, as an LLM would
  std::string restored;      // the reply after `dpa reidentify`
  std::string refusal;       // why raw data to OpenAI is refused
};

// Adds a truffles tenant, pseudonymizes a synthetic chat message for OpenAI
// (recording the transfer), restores a reply, and tries a raw transfer that
// the policy refuses (recorded too).
DemoPseudonymizeSummary demo_pseudonymize(Workspace& ws, const std::string& actor);

}  // namespace dpa::cli

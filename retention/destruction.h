// Destruction requests: a controller asks for its data to be destroyed
// before the rules would (adr 5.3.11: "absent an official request from the
// Client to destroy the documents"; truffles DPA 3.1.7: "or at the
// operator's request"). The records that existed when the request came
// become due at once; a minimum retention or a hold still keeps them (the
// plan says until when), and the next sweep deletes the rest.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dpa/datamap.h"
#include "dpa/state_store.h"
#include "dpa/time.h"

namespace dpa {
class Workspace;
}

namespace dpa::retention {

struct DestructionRequest {
  std::string tenant;
  std::optional<std::string> dataset;  // nullopt: every dataset
  std::string reference;               // the controller's letter or ticket; no personal data
  Timestamp requested_at;              // when it came (not in the future)
  std::string actor;
};

// Validates, records and audits the request. Throws InputError naming what is wrong.
DestructionRequestRecord add_destruction_request(Workspace& ws, const DataMap& map, const DestructionRequest& r);
std::vector<DestructionRequestRecord> list_destruction_requests(Workspace& ws, const std::optional<std::string>& tenant);

}  // namespace dpa::retention

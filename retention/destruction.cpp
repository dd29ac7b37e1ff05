#include "retention/destruction.h"

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"

namespace dpa::retention {

DestructionRequestRecord add_destruction_request(Workspace& ws, const DataMap& map, const DestructionRequest& r) {
  TenantRecord t = get_tenant(ws, r.tenant);
  if (r.reference.empty()) throw InputError("a destruction request needs --reference TEXT (the controller's letter)");
  if (r.requested_at > now() + std::chrono::minutes{5}) {
    throw InputError("--on is in the future: record a destruction request when it has come");
  }
  DestructionRequestRecord rec;
  rec.tenant_id = t.id;
  if (r.dataset) rec.dataset = map.dataset(*r.dataset).name;
  rec.requested_at = format_utc(r.requested_at);
  rec.reference = r.reference;
  rec.recorded_at = format_utc(now());
  rec.recorded_by = r.actor;
  ws.store().transaction([&] {
    rec.id = ws.store().insert_destruction_request(rec);
    ws.audit().append("retention.request.add", "tenant:" + t.id,
                      {{"request", rec.id},
                       {"dataset", rec.dataset ? nlohmann::json(*rec.dataset) : nlohmann::json()},
                       {"requested_at", rec.requested_at},
                       {"reference", rec.reference}});
  });
  return rec;
}

std::vector<DestructionRequestRecord> list_destruction_requests(Workspace& ws, const std::optional<std::string>& tenant) {
  if (tenant) get_tenant(ws, *tenant);
  return ws.store().destruction_requests(tenant);
}

}  // namespace dpa::retention

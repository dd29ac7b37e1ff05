#include "dpa/cli/demo_retention.h"

#include <fmt/format.h>

#include "dpa/datamap.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "retention/plan.h"
#include "retention/sweep.h"

namespace dpa::cli {

DemoRetentionSummary demo_retention(Workspace& ws, const std::vector<DemoTenant>& tenants, const std::string& actor) {
  DemoRetentionSummary s;
  const TimeZone& zone = TimeZone::named(ws.settings().timezone);
  for (const auto& t : tenants) {
    if (t.contract_state != "terminated" || t.contract_end.empty()) continue;
    TenantRecord r = terminate_tenant(ws, t.id, parse_timestamp(t.contract_end, zone));
    s.tenant = t.id;
    s.terminated_on = t.contract_end;
    if (r.delete_after) s.delete_after = format_date(zone.local_date(parse_timestamp(*r.delete_after, TimeZone::utc())));
  }
  if (s.tenant.empty()) return s;

  DataMap map = read_datamap(ws.config_path());
  retention::PlanOptions po;
  po.at = now();
  po.tenant = s.tenant;
  s.plan = retention::plan_text(retention::make_plan(ws, map, po));

  const std::int64_t before = ws.store().audit_size();
  retention::SweepOptions so;
  so.at = now();
  so.actor = actor;
  so.batch = 25;  // small batches, so that the audit shows several
  retention::SweepResult r = retention::run_sweep(ws, map, so);
  s.deleted = r.records;
  s.deleted_bytes = r.bytes;
  s.batches = r.batches;
  for (const auto& id : r.keys_destroyed) s.key_destroyed = s.key_destroyed || id == s.tenant;

  ws.store().scan_audit({}, [&](const AuditRecord& e) {
    if (e.seq <= before) return true;
    auto d = nlohmann::json::parse(e.details);
    std::string what;
    if (d.contains("records")) what = fmt::format("{} records", d["records"].get<long long>());
    if (d.contains("tenants")) {
      for (const auto& t : d["tenants"]) {
        if (!t["key_hashes"].empty()) {
          what += fmt::format(" of {}, key hashes {}…", t["tenant"].get<std::string>(),
                              t["key_hashes"][0].get<std::string>().substr(0, 12));
        }
      }
    }
    if (e.action == "tenant.key.destroy") what = d.value("why", "");
    s.audit.push_back(fmt::format("{:>4} {:<24} {:<24} {}", e.seq, e.action, e.object, what));
    return true;
  });
  return s;
}

}  // namespace dpa::cli

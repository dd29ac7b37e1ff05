#include "retention/crypto_shred.h"

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "retention/holds.h"
#include "retention/schedule.h"

namespace dpa::retention {

ShredDecision shred_decision(Workspace& ws, const DataMap& map, Scheduler& scheduler, const TenantRecord& tenant,
                             Timestamp at, const std::function<DataStore&(const DatasetSpec&)>& store_for) {
  ShredDecision d;
  if (!tenant.terminated_at || !tenant.delete_after) {
    d.blocked_by = "the contract has not ended, or its policy sets no deletion after termination";
    return d;
  }
  const Policy& p = scheduler.policy(tenant.policy);
  d.why = fmt::format("deletion after termination, due {}",
                      format_date(scheduler.zone().local_date(parse_timestamp(*tenant.delete_after, TimeZone::utc()))));
  if (p.termination.deletion) {
    const auto& o = p.termination.deletion->origin;
    d.clause = o.clause.empty() ? o.policy : fmt::format("{} {}", o.policy, o.clause);
  }
  if (at < parse_timestamp(*tenant.delete_after, TimeZone::utc())) {
    d.blocked_by = fmt::format("its deletion date {} has not come", *tenant.delete_after);
    return d;
  }
  bool live = false;
  for (const auto& k : tenant_key_info(ws, tenant.id)) live = live || !k.destroyed_at;
  if (!live) {
    d.blocked_by = "its keys are destroyed already";
    return d;
  }
  ActiveHolds holds = ActiveHolds::load(ws.store(), tenant.id, at);
  if (!holds.empty()) {
    d.blocked_by = describe_hold(holds.all().front());
    return d;
  }
  for (const auto& ds : map.datasets) {
    try {
      RangeStats st = store_for(ds).stats(ds, tenant.id, CreatedRange::all(), false);
      if (st.records > 0) {
        d.blocked_by = fmt::format("{} record(s) of the tenant remain in dataset {}", st.records, ds.name);
        return d;
      }
    } catch (const InputError& e) {
      d.blocked_by = fmt::format("dataset {} cannot be checked: {}", ds.name, e.what());
      return d;
    }
  }
  d.destroy = true;
  return d;
}

int shred_tenant(Workspace& ws, const TenantRecord& tenant, const ShredDecision& decision, const ProgressHook& hook) {
  if (!decision.destroy) return 0;
  int destroyed = 0;
  ws.store().transaction([&] {
    auto current = ws.store().find_tenant(tenant.id);
    if (!current) return;
    destroyed = ws.store().destroy_tenant_keys(tenant.id, format_utc(now()));
    if (destroyed == 0) return;
    TenantRecord t = *current;
    t.status = "deleted";
    ws.store().update_tenant(t);
    ws.audit().append("tenant.key.destroy", "tenant:" + tenant.id,
                      {{"keys", destroyed}, {"why", decision.why}, {"clause", decision.clause},
                       {"effect", "its vault entries and pseudonyms can no longer be reversed"}});
    if (hook) hook("shred-uncommitted");
  });
  if (hook) hook("shred-committed");
  return destroyed;
}

}  // namespace dpa::retention

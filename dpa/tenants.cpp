#include "dpa/tenants.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dpa/error.h"
#include "dpa/policy.h"
#include "dpa/time.h"
#include "dpa/working_calendar.h"
#include "dpa/workspace.h"

namespace dpa {

void validate_tenant_id(const std::string& id) {
  auto ok_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  };
  bool ok = !id.empty() && id.size() <= 64 && ok_char(id[0]) && id[0] != '.' && id[0] != '_' &&
            id[0] != '-';
  for (char c : id) ok = ok && ok_char(c);
  if (!ok) {
    throw InputError(fmt::format(
        "bad tenant id '{}': use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a "
        "letter or digit (such as acme-kz)",
        id));
  }
}

namespace {

void check_registered(Timestamp registered) {
  if (registered > now() + std::chrono::minutes{5}) {
    throw InputError(fmt::format("--registered {} is in the future: give the date the client registered",
                                 format_utc(registered)));
  }
}

}  // namespace

TenantRecord add_tenant(Workspace& ws, const std::string& id, const std::string& policy_name,
                        const std::string& name, std::optional<Timestamp> registered) {
  validate_tenant_id(id);
  if (registered) check_registered(*registered);
  // The policy must load now, not at the first sweep months later.
  Policy policy = load_policy(policy_name, ws.policy_search_dirs());

  TenantRecord t;
  t.id = id;
  t.name = name.empty() ? id : name;
  t.policy = policy_name;
  t.status = "active";
  t.created_at = format_utc(now());
  if (registered) t.registered_at = format_utc(*registered);

  SecretKey key = SecretKey::random();
  TenantKeyRecord k;
  k.tenant_id = id;
  k.key_id = 1;
  k.wrapped = ws.keys().wrap_tenant_key(id, k.key_id, key);
  k.created_at = t.created_at;

  ws.store().transaction([&] {
    if (ws.store().find_tenant(id)) {
      throw InputError(fmt::format("tenant '{}' exists already; see `dpa tenant show {}`", id, id));
    }
    ws.store().insert_tenant(t);
    ws.store().insert_tenant_key(k);
    nlohmann::json details{{"policy", policy_name}, {"policy_version", policy.version}, {"key_id", k.key_id}};
    if (t.registered_at) details["registered_at"] = *t.registered_at;
    ws.audit().append("tenant.add", "tenant:" + id, details);
  });
  return t;
}

Timestamp tenant_registered(const TenantRecord& t) {
  return parse_timestamp(t.registered_at.value_or(t.created_at), TimeZone::utc());
}

bool tenant_registration_recorded(const TenantRecord& t) { return t.registered_at.has_value(); }

TenantRecord set_tenant_registered(Workspace& ws, const std::string& id, Timestamp registered) {
  check_registered(registered);
  TenantRecord t;
  ws.store().transaction([&] {
    t = get_tenant(ws, id);
    nlohmann::json details{{"registered_at", format_utc(registered)}};
    details["previous"] = t.registered_at ? nlohmann::json(*t.registered_at) : nlohmann::json();
    details["previous_from"] = t.registered_at ? "--registered" : "tenant add";
    t.registered_at = format_utc(registered);
    ws.store().update_tenant(t);
    ws.audit().append("tenant.set", "tenant:" + id, details);
  });
  return t;
}

TenantRecord terminate_tenant(Workspace& ws, const std::string& id, Timestamp on) {
  TenantRecord t = get_tenant(ws, id);
  Policy policy = load_policy(t.policy, ws.policy_search_dirs());
  const TimeZone& zone = TimeZone::named(ws.settings().timezone);
  auto add = [&](const Duration& d) {
    std::optional<WorkingCalendar> cal;
    if (d.unit == DurationUnit::kWorkingDays) cal = WorkingCalendar::shipped(policy.jurisdiction);
    return add_duration(on, d, zone, cal ? &*cal : nullptr);
  };
  auto cite = [](const RuleOrigin& o) { return o.clause.empty() ? o.policy : o.policy + " " + o.clause; };
  nlohmann::json details{{"terminated_at", format_utc(on)}, {"policy", t.policy}, {"policy_version", policy.version}};
  t.terminated_at = format_utc(on);
  t.status = "terminated";
  if (const auto& e = policy.termination.export_window) {
    t.export_until = format_utc(add(e->value.window));
    details["export_until"] = *t.export_until;
    details["export_clause"] = cite(e->origin);
    if (e->value.condition != "none") details["export_condition"] = e->value.condition;
  }
  if (const auto& d = policy.termination.deletion) {
    t.delete_after = format_utc(add(d->value.delay));
    details["delete_after"] = *t.delete_after;
    details["deletion_clause"] = cite(d->origin);
  }
  ws.store().transaction([&] {
    auto current = ws.store().find_tenant(id);
    if (current && current->terminated_at) {
      throw InputError(fmt::format("the contract of tenant '{}' ended on {} already; see `dpa tenant show {}`", id,
                                   *current->terminated_at, id));
    }
    ws.store().update_tenant(t);
    ws.audit().append("tenant.terminate", "tenant:" + id, details);
  });
  return t;
}

TenantRecord get_tenant(Workspace& ws, const std::string& id) {
  if (auto t = ws.store().find_tenant(id)) return *t;
  std::vector<std::string> ids;
  for (const auto& t : ws.store().list_tenants()) ids.push_back(t.id);
  if (ids.empty()) {
    throw InputError(fmt::format("no tenant '{}'; this workspace has no tenants yet (`dpa tenant add`)", id));
  }
  throw InputError(fmt::format("no tenant '{}'; known tenants: {}", id, fmt::join(ids, ", ")));
}

std::vector<TenantRecord> list_tenants(Workspace& ws) { return ws.store().list_tenants(); }

std::vector<TenantKeyInfo> tenant_key_info(Workspace& ws, const std::string& tenant_id) {
  std::vector<TenantKeyInfo> out;
  for (const auto& k : ws.store().tenant_keys(tenant_id)) {
    out.push_back({k.key_id, k.created_at, k.destroyed_at});
  }
  return out;
}

TenantKey current_tenant_key(Workspace& ws, const std::string& tenant_id) {
  get_tenant(ws, tenant_id);
  auto keys = ws.store().tenant_keys(tenant_id);
  if (keys.empty()) throw WorkspaceError(fmt::format("tenant '{}' has no key", tenant_id));
  const auto& k = keys.back();
  if (k.destroyed_at || k.wrapped.empty()) {
    throw RefusedError(fmt::format(
        "the key of tenant '{}' was destroyed on {}; its pseudonyms can no longer be reversed",
        tenant_id, k.destroyed_at.value_or("an unknown date")));
  }
  return {k.key_id, ws.keys().unwrap_tenant_key(tenant_id, k.key_id, k.wrapped)};
}

}  // namespace dpa

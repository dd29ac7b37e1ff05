// Tenants: the customers (controllers) whose data the workspace governs, each
// under one policy, each with its own random key.
//
// The tenant key is what pseudonyms and the vault are derived from; it is
// stored wrapped by the master key. Destroying it (crypto-shredding, at the
// end of a terminated tenant's retention) makes every pseudonym of the
// tenant irreversible, and is itself audited.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dpa/secret_key.h"
#include "dpa/state_store.h"
#include "dpa/time.h"

namespace dpa {

class Workspace;

// Lowercase letters, digits, '.', '_' and '-', starting with a letter or
// digit, at most 64 characters: safe in file names and file layouts.
void validate_tenant_id(const std::string& id);

// Creates the tenant and its first key (key id 1) and audits it. Throws
// InputError if the id is malformed or taken, or the policy does not load,
// or `registered` is in the future.
TenantRecord add_tenant(Workspace& ws, const std::string& id, const std::string& policy,
                        const std::string& name, std::optional<Timestamp> registered = std::nullopt);

// When the client registered with the service: what rules counted "from
// registration" start at (adr 5.3.11: documents at most 5 years after the
// client's registration). Unless recorded (--registered), the day the tenant
// was added to dpa, which is never earlier: the conservative reading, that
// deletes no sooner than the contract allows.
Timestamp tenant_registered(const TenantRecord& t);
bool tenant_registration_recorded(const TenantRecord& t);

// Records (and audits, with the previous value) the tenant's registration
// date, for a tenant that was a client before it was added to dpa. Throws
// InputError for an unknown tenant or a date in the future.
TenantRecord set_tenant_registered(Workspace& ws, const std::string& id, Timestamp registered);

// Records the end of the tenant's contract on `on` and the dates its policy
// derives from it: export_until (termination.export window) and delete_after
// (termination.deletion delay), counted in the workspace's time zone, and
// audits them with their clauses. Status becomes "terminated". Throws
// InputError if the tenant is unknown or its contract has ended already.
TenantRecord terminate_tenant(Workspace& ws, const std::string& id, Timestamp on);

// Throws InputError naming the known tenants if there is no such tenant.
TenantRecord get_tenant(Workspace& ws, const std::string& id);

std::vector<TenantRecord> list_tenants(Workspace& ws);

// Public facts of the tenant's keys (never the key material).
struct TenantKeyInfo {
  int key_id = 0;
  std::string created_at;
  std::optional<std::string> destroyed_at;
};
std::vector<TenantKeyInfo> tenant_key_info(Workspace& ws, const std::string& tenant_id);

struct TenantKey {
  int key_id = 0;
  SecretKey key;
};
// The tenant's current key, unwrapped. Throws RefusedError if it was destroyed.
TenantKey current_tenant_key(Workspace& ws, const std::string& tenant_id);

}  // namespace dpa

// A workspace for the transfer tests, with tenants under shipped and
// synthetic policies. Header-only: shared by tests/dpa/transfer_*_test.cpp.
#pragma once

#include <string>

#include "dpa/policy.h"
#include "dpa/subprocessor_register.h"
#include "dpa/tenants.h"
#include "dpa/time.h"
#include "dpa/transfers.h"
#include "dpa/workspace.h"
#include "support/test_support.h"

namespace dpa::test {

// A contract with a localization exception and no kz baseline, so that a
// written agreement can lift it (the kz law cannot be lifted).
inline const char* kLocalFirstPolicy = R"(
[policy]
name = "local-first"
title = "Synthetic contract: storage in KZ unless agreed in writing"
version = "1"
jurisdiction = "kz"
source = "synthetic test policy"
language = "en"

[[category]]
id = "communications.messages"
description = "chat messages"
clause = "2.1"

[localization]
storage_country = "KZ"
exception = "unless agreed in writing"
clause = "3.1.7"

[[subprocessor]]
name = "hosting"
legal_name = "Hosting LLP"
country = "KZ"
purpose = "data storage"
categories = ["*"]
receives = "raw"
primary_storage = true
clause = "4.2"
)";

// An EU contract under the GDPR baseline.
inline const char* kEuPolicy = R"(
[policy]
name = "eu-saas"
title = "Synthetic EU SaaS DPA"
version = "1"
jurisdiction = "eu"
include = ["gdpr"]
source = "synthetic test policy"
language = "en"

[roles]
controller = "customer"
processor = "provider"
clause = "1.1"

[[category]]
id = "communications.messages"
description = "chat messages"
clause = "2.1"

[[subprocessor]]
name = "llm"
legal_name = "LLM Inc."
country = "US"
purpose = "AI requests"
categories = ["communications.messages"]
receives = "pseudonymized"
clause = "4.2"

[[subprocessor]]
name = "cloud"
legal_name = "Cloud GmbH"
country = "DE"
purpose = "hosting"
categories = ["*"]
receives = "raw"
primary_storage = true
clause = "4.1"
)";

struct TransferWorkspace {
  TempDir dir;
  Workspace ws;

  TransferWorkspace() : ws(open(dir)) {
    write_file(dir / "policies/local-first.toml", kLocalFirstPolicy);
    write_file(dir / "policies/eu-saas.toml", kEuPolicy);
    add_tenant(ws, "cafe", "truffles", "Cafe (synthetic)");
    add_tenant(ws, "ledger", "kense", "Ledger (synthetic)");
    add_tenant(ws, "local", "local-first", "Local (synthetic)");
    add_tenant(ws, "euco", "eu-saas", "EU Co (synthetic)");
  }

  static Workspace open(const TempDir& d) {
    dpa::test::init_workspace(d.path(), "truffles", "test@host");
    return Workspace::open(d.path(), "test@host");
  }

  Policy policy(const std::string& name) { return load_policy(name, ws.policy_search_dirs()); }

  // decide_transfer with every check, at `at`.
  TransferDecision decide(const std::string& tenant, const std::string& sub, const std::string& category,
                          bool pseudonymized, Timestamp at = now(), const std::string& lawful = "") {
    Policy p = policy(get_tenant(ws, tenant).policy);
    SubprocessorRegister reg = SubprocessorRegister::load(ws, p);
    TransferContext ctx{&reg, ws.store().transfer_agreements(tenant), at, &TimeZone::almaty()};
    return decide_transfer(p, {tenant, sub, category, pseudonymized, lawful}, ctx);
  }
};

inline Timestamp day(const char* date) { return parse_timestamp(date, TimeZone::almaty()); }

}  // namespace dpa::test

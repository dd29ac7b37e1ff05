#include "dpa/ropa.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "dpa/policy.h"
#include "dpa/subprocessor_register.h"
#include "dpa/tenants.h"
#include "dpa/time.h"
#include "dpa/transfer_agreements.h"
#include "dpa/transfers.h"
#include "dpa/workspace.h"

namespace dpa {
namespace {

// What dpa itself does to protect the data it governs (Art. 32(1)); each
// line states a mechanism of this toolkit, not a promise.
const std::vector<RopaMeasure>& builtin_measures() {
  static const std::vector<RopaMeasure> m{
      {"pseudonymization",
       "Data for subprocessors that may receive pseudonymized data only are pseudonymized before they "
       "leave (dpa anonymize): keyed tokens replace identifiers; originals stay encrypted in the "
       "controller's vault",
       "dpa"},
      {"per-controller-keys",
       "Each controller has its own random key, stored wrapped (XChaCha20-Poly1305) by a master key kept "
       "in mode-0600 files or the environment; destroying it makes the controller's pseudonyms irreversible",
       "dpa"},
      {"transfer-control",
       "Every transfer to a subprocessor is checked against the contract, localization and cross-border "
       "rules and recorded, refusals included (dpa transfer)",
       "dpa"},
      {"audit-log",
       "Every action is appended to a hash-chained (BLAKE2b), Ed25519-signed, append-only audit log that "
       "dpa audit verify checks",
       "dpa"},
      {"no-personal-data-in-records",
       "The audit log, the transfer log and reports hold ids, keyed hashes and counts, never raw personal data",
       "dpa"}};
  return m;
}

bool is_security_obligation(const Obligation& o) {
  if (o.party != "processor" && o.party != "provider") return false;
  return o.id.find("secur") != std::string::npos || o.id.find("protect") != std::string::npos ||
         o.action.find("protect") != std::string::npos;
}

std::string show_expiry(const std::optional<std::string>& expires, Timestamp at) {
  if (!expires) return "";
  bool expired = parse_timestamp(*expires, TimeZone::utc()) <= at;
  return fmt::format(", {} {}", expired ? "EXPIRED" : "until", *expires);
}

std::string joined(const std::vector<std::string>& v, const char* sep) {
  return fmt::format("{}", fmt::join(v, sep));
}

}  // namespace

Ropa build_ropa(Workspace& ws) {
  Ropa ropa;
  Timestamp at = now();
  ropa.generated_at = format_utc(at);
  ropa.workspace_id = ws.id();
  std::map<std::string, Policy> policies;
  std::set<std::pair<std::string, std::string>> measures_seen;

  for (const TenantRecord& t : list_tenants(ws)) {
    auto pit = policies.find(t.policy);
    if (pit == policies.end()) pit = policies.emplace(t.policy, load_policy(t.policy, ws.policy_search_dirs())).first;
    const Policy& policy = pit->second;
    RopaController c;
    c.tenant_id = t.id;
    c.name = t.name;
    c.status = t.status;
    c.policy = policy.name;
    c.policy_title = policy.title;
    if (policy.roles) {
      c.controller_role = policy.roles->controller;
      c.processor_role = policy.roles->processor;
      c.roles_clause = policy.roles->origin.clause;
      if (!policy.roles->stated) c.roles_clause += " (roles not stated by the contract; reading taken)";
    }
    for (const auto& cat : policy.categories) {
      c.categories.push_back({cat.id, cat.description, cat.origin.clause, cat.special});
    }
    for (const auto& p : policy.purposes) c.purposes.push_back({p.id, p.description, p.origin.clause, false});

    struct Counts {
      std::int64_t made = 0, refused = 0;
      std::string last;
    };
    std::map<std::string, Counts> counts;
    TransferQuery q;
    q.tenant_id = t.id;
    ws.store().scan_transfers(q, [&](const TransferRecord& r) {
      Counts& n = counts[r.subprocessor];
      if (r.status == "made") {
        ++n.made;
        n.last = std::max(n.last, r.time);
      } else {
        ++n.refused;
      }
      return true;
    });

    SubprocessorRegister reg = SubprocessorRegister::load(ws, policy);
    auto agreements = ws.store().transfer_agreements(t.id);
    for (const RegisteredSubprocessor& rs : reg.at(at)) {
      const Subprocessor& s = rs.sub;
      auto n = counts.find(s.name);
      if (rs.status != RegisterStatus::kInForce && n == counts.end()) continue;
      RopaRecipient r;
      r.name = s.name;
      r.legal_name = s.legal_name;
      r.country = s.country;
      r.purpose = s.purpose;
      r.categories = s.categories;
      r.receives = to_string(s.receives);
      r.status = to_string(rs.status);
      r.third_country = s.receives != Receives::kNone && is_abroad(policy, s.country);
      r.clause = s.origin.policy.empty() ? s.origin.clause : s.origin.policy + " " + s.origin.clause;
      if (rs.safeguard != Safeguard::kNone) {
        r.safeguards.push_back(fmt::format("{} {}{}", to_string(rs.safeguard), rs.safeguard_reference,
                                           show_expiry(rs.safeguard_expires, at)));
      }
      for (const auto& a : agreements) {
        for (AgreementKind k : {AgreementKind::kCrossBorderConsent, AgreementKind::kStorageAbroad}) {
          if (agreement_holds(a, k, s.name, at)) {
            r.safeguards.push_back(fmt::format("{} agreement #{} {}{}", a.kind, a.id, a.reference,
                                               show_expiry(a.expires, at)));
          }
        }
      }
      if (n != counts.end()) {
        r.transfers = n->second.made;
        r.refused = n->second.refused;
        r.last_transfer = n->second.last;
      }
      c.recipients.push_back(std::move(r));
    }
    for (const auto& o : policy.obligations) {
      if (!is_security_obligation(o)) continue;
      if (!measures_seen.insert({o.origin.policy, o.id}).second) continue;
      ropa.measures.push_back({o.id, o.action, fmt::format("{} {}", o.origin.policy, o.origin.clause)});
    }
    ropa.controllers.push_back(std::move(c));
  }
  for (const auto& m : builtin_measures()) ropa.measures.push_back(m);
  return ropa;
}

nlohmann::json ropa_json(const Ropa& ropa) {
  auto items = [](const std::vector<RopaItem>& v, bool with_special) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& i : v) {
      nlohmann::json j{{"id", i.id}, {"description", i.description}, {"clause", i.clause}};
      if (with_special) j["special"] = i.special;
      a.push_back(j);
    }
    return a;
  };
  auto recipient = [](const RopaRecipient& r) {
    return nlohmann::json{{"name", r.name},
                          {"legal_name", r.legal_name},
                          {"country", r.country},
                          {"purpose", r.purpose},
                          {"categories", r.categories},
                          {"receives", r.receives},
                          {"status", r.status},
                          {"third_country", r.third_country},
                          {"safeguards", r.safeguards},
                          {"clause", r.clause},
                          {"transfers", r.transfers},
                          {"refused", r.refused},
                          {"last_transfer", r.last_transfer.empty() ? nlohmann::json() : nlohmann::json(r.last_transfer)}};
  };
  nlohmann::json controllers = nlohmann::json::array();
  nlohmann::json third = nlohmann::json::array();
  for (const auto& c : ropa.controllers) {
    nlohmann::json recipients = nlohmann::json::array();
    for (const auto& r : c.recipients) {
      recipients.push_back(recipient(r));
      if (r.third_country) {
        nlohmann::json j = recipient(r);
        j["controller"] = c.tenant_id;
        third.push_back(j);
      }
    }
    controllers.push_back({{"tenant", c.tenant_id},
                           {"name", c.name},
                           {"status", c.status},
                           {"policy", c.policy},
                           {"policy_title", c.policy_title},
                           {"controller_role", c.controller_role},
                           {"processor_role", c.processor_role},
                           {"roles_clause", c.roles_clause},
                           {"categories", items(c.categories, true)},
                           {"purposes", items(c.purposes, false)},
                           {"recipients", recipients}});
  }
  nlohmann::json measures = nlohmann::json::array();
  for (const auto& m : ropa.measures) {
    measures.push_back({{"id", m.id}, {"description", m.description}, {"source", m.source}});
  }
  return {{"record", "GDPR Art. 30(2) record of processing activities (processor)"},
          {"generated_at", ropa.generated_at},
          {"workspace_id", ropa.workspace_id},
          {"controllers", controllers},
          {"third_country_transfers", third},
          {"security_measures", measures}};
}

std::string render_ropa(const Ropa& ropa, ReportFormat format) {
  if (format == ReportFormat::kJson) return ropa_json(ropa).dump(2) + "\n";
  if (format == ReportFormat::kCsv) {
    std::string out = csv_row({"section", "controller", "policy", "item", "description", "country", "categories",
                               "safeguards", "transfers", "clause"});
    for (const auto& c : ropa.controllers) {
      out += csv_row({"controller", c.tenant_id, c.policy, c.name,
                      fmt::format("controller: {}; processor: {}; status: {}", c.controller_role, c.processor_role,
                                  c.status),
                      "", "", "", "", c.roles_clause});
      for (const auto& i : c.categories) {
        out += csv_row({"category", c.tenant_id, c.policy, i.id,
                        i.special ? i.description + " (special category)" : i.description, "", i.id, "", "",
                        i.clause});
      }
      for (const auto& i : c.purposes) {
        out += csv_row({"purpose", c.tenant_id, c.policy, i.id, i.description, "", "", "", "", i.clause});
      }
      for (const char* section : {"recipient", "third-country-transfer"}) {
        for (const auto& r : c.recipients) {
          if (std::string(section) == "third-country-transfer" && !r.third_country) continue;
          out += csv_row({section, c.tenant_id, c.policy, r.name,
                          fmt::format("{}; {}; receives {}; {}", r.legal_name, r.purpose, r.receives, r.status),
                          r.country, joined(r.categories, ";"), joined(r.safeguards, ";"), std::to_string(r.transfers),
                          r.clause});
        }
      }
    }
    for (const auto& m : ropa.measures) {
      out += csv_row({"security", "", m.source == "dpa" ? "" : m.source.substr(0, m.source.find(' ')), m.id,
                      m.description, "", "", "", "", m.source});
    }
    return out;
  }

  std::string out = "# Record of processing activities (GDPR Art. 30(2), processor)\n\n";
  out += fmt::format("Workspace {}, generated {}.\n\n", ropa.workspace_id, ropa.generated_at);
  out += "## (a) Controllers served\n\n";
  if (ropa.controllers.empty()) {
    out += "No tenants yet.\n";
  } else {
    out += md_header({"tenant", "name", "status", "policy", "controller", "processor", "clause"});
    for (const auto& c : ropa.controllers) {
      out += md_row({c.tenant_id, c.name, c.status, c.policy, c.controller_role, c.processor_role, c.roles_clause});
    }
  }
  out += "\n## (b) Categories of processing for each controller\n";
  for (const auto& c : ropa.controllers) {
    out += fmt::format("\n### {} ({}, policy {})\n\n", c.tenant_id, c.name, c.policy);
    out += md_header({"category", "description", "special", "clause"});
    for (const auto& i : c.categories) out += md_row({i.id, i.description, i.special ? "yes" : "no", i.clause});
    if (!c.purposes.empty()) {
      out += "\n" + md_header({"purpose", "description", "clause"});
      for (const auto& i : c.purposes) out += md_row({i.id, i.description, i.clause});
    }
    out += "\n" + md_header({"recipient", "legal name", "country", "categories", "receives", "status", "transfers",
                             "clause"});
    for (const auto& r : c.recipients) {
      out += md_row({r.name, r.legal_name, r.country, joined(r.categories, ", "), r.receives, r.status,
                     std::to_string(r.transfers), r.clause});
    }
  }
  out += "\n## (c) Transfers to third countries and their safeguards\n\n";
  bool any = false;
  std::string table = md_header({"controller", "recipient", "country", "categories", "safeguards", "transfers",
                                 "last transfer", "clause"});
  for (const auto& c : ropa.controllers) {
    for (const auto& r : c.recipients) {
      if (!r.third_country) continue;
      any = true;
      table += md_row({c.tenant_id, r.name + " (" + r.legal_name + ")", r.country, joined(r.categories, ", "),
                       r.safeguards.empty() ? "NONE RECORDED" : joined(r.safeguards, "; "),
                       std::to_string(r.transfers), r.last_transfer, r.clause});
    }
  }
  out += any ? table : "None.\n";
  out += "\n## (d) Technical and organisational security measures (Art. 32(1))\n\n";
  out += md_header({"measure", "description", "source"});
  for (const auto& m : ropa.measures) out += md_row({m.id, m.description, m.source});
  return out;
}

}  // namespace dpa

#include "dpa/transfers.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <set>

#include "dpa/error.h"
#include "dpa/tenants.h"
#include "dpa/time.h"
#include "dpa/transfer_agreements.h"
#include "dpa/workspace.h"

namespace dpa {
namespace {

const Subprocessor& find_or_explain(const Policy& policy, const std::string& name) {
  if (const Subprocessor* s = policy.find_subprocessor(name)) return *s;
  std::vector<std::string> names;
  for (const auto& s : policy.subprocessors) names.push_back(s.name);
  if (names.empty()) {
    throw InputError(fmt::format("unknown subprocessor '{}': policy {} lists none", name, policy.name));
  }
  throw InputError(fmt::format("unknown subprocessor '{}' under policy {}; known: {}", name,
                               policy.name, fmt::join(names, ", ")));
}

}  // namespace

std::string default_transfer_category(const Policy& policy, const std::string& subprocessor) {
  const Subprocessor& s = find_or_explain(policy, subprocessor);
  if (s.categories.size() == 1 && s.categories[0] != "*") return s.categories[0];
  throw UsageError(fmt::format("name the data category with --category; {} may receive: {}", s.name,
                               fmt::join(s.categories, ", ")));
}

namespace {

const TimeZone& zone_of(const TransferContext* ctx) {
  return ctx && ctx->zone ? *ctx->zone : TimeZone::utc();
}

// A stored instant as the user wrote it: a date for a local midnight.
std::string show_time(const std::string& utc, const TimeZone& zone) {
  Timestamp t = parse_timestamp(utc, TimeZone::utc());
  Date d = zone.local_date(t);
  if (zone.start_of_day(d) == t) return format_date(d);
  return format_local(t, zone);
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// EU member states and the EEA (Iceland, Liechtenstein, Norway): GDPR
// transfers are "to a third country" only outside them.
bool in_eea(const std::string& country) {
  static const std::set<std::string> kEea{"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR",
                                          "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL",
                                          "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"};
  return kEea.count(upper(country)) > 0;
}

// Where a [cross_border] rule's "abroad" starts: outside the EEA for GDPR,
// else outside the storage country (KZ for the kz law). A country the
// contract does not state ("unknown") is always abroad.
struct Home {
  std::string label;
  bool eea = false;
  std::string country;
  bool contains(const std::string& c) const {
    if (c == "unknown") return false;
    return eea ? in_eea(c) : (!country.empty() && upper(c) == country);
  }
};

Home home_of(const Policy& policy, const CrossBorderRule& rule) {
  if (rule.origin.policy == "gdpr" || policy.jurisdiction == "eu") return {"the EEA", true, ""};
  std::string c = policy.localization ? policy.localization->value.storage_country
                                      : (policy.jurisdiction == "kz" ? std::string("KZ") : std::string());
  return {c.empty() ? std::string("the controller's country") : c, false, c};
}

std::string where(const std::string& country) {
  return country == "unknown" ? std::string("a country the contract does not state") : country;
}

TransferDecision refuse(TransferDecision d, const char* code, std::string reason, const RuleOrigin& origin) {
  d.allowed = false;
  d.refusal = code;
  d.reason = std::move(reason);
  d.clause = origin.clause;
  d.policy = origin.policy;
  d.basis.clear();
  return d;
}

// What a tenant's cross-border consent satisfies (kz Art. 16 consent; GDPR
// Art. 49(1)(a); a contract's controller legal basis given in writing).
const std::vector<std::string>& consent_conditions() {
  static const std::vector<std::string> c{"subject-consent", "derogation", "controller-legal-basis",
                                          "written-agreement"};
  return c;
}

TransferDecision decide(const Policy& policy, const TransferRequest& request, const RegisteredSubprocessor& rs,
                        const TransferContext* ctx) {
  const Subprocessor& s = rs.sub;
  if (!policy.find_category(request.category)) {
    throw InputError(fmt::format("unknown data category '{}' under policy {}; known: {}",
                                 request.category, policy.name, fmt::join(policy.category_ids(), ", ")));
  }
  const TimeZone& zone = zone_of(ctx);
  TransferDecision d;
  d.subprocessor = s.name;
  d.country = s.country;
  d.clause = s.origin.clause;
  d.policy = s.origin.policy;
  const std::string who = s.legal_name.empty() ? s.name : s.legal_name;

  // 1. In force.
  if (rs.status == RegisterStatus::kNotYetInForce) {
    return refuse(d, "not-in-force",
                  fmt::format("{} is not in force before {} (register entry #{})", s.name,
                              show_time(rs.since, zone), rs.entry_id),
                  s.origin);
  }
  if (rs.status == RegisterStatus::kRetired) {
    return refuse(d, "retired",
                  fmt::format("{} was retired on {} (register entry #{})", s.name, show_time(rs.since, zone),
                              rs.entry_id),
                  s.origin);
  }
  // 2. Third parties only on an official lawful request (kense 5.4(3)).
  if (policy.third_party && policy.third_party->value.disclosure == Disclosure::kLawfulRequestOnly) {
    const auto& tp = *policy.third_party;
    if (request.lawful_request.empty()) {
      std::string who_may = tp.value.exceptions.empty()
                                ? std::string()
                                : fmt::format(" ({})", fmt::join(tp.value.exceptions, ", "));
      return refuse(d, "lawful-request-required",
                    fmt::format("policy {} allows no transfer to third parties except on an official "
                                "lawful request{}; name it with --lawful-request REF",
                                policy.name, who_may),
                    tp.origin);
    }
    d.basis.push_back(fmt::format("{} {}: official lawful request {}", tp.origin.policy, tp.origin.clause,
                                  request.lawful_request));
  }
  // 3-5. What the subprocessor may receive.
  if (s.receives == Receives::kNone) {
    return refuse(d, "receives-none", fmt::format("{} may receive no personal data", who), s.origin);
  }
  if (!s.covers(request.category)) {
    return refuse(d, "category-not-allowed",
                  fmt::format("{} may not receive {} data (allowed: {})", s.name, request.category,
                              fmt::join(s.categories, ", ")),
                  s.origin);
  }
  if (s.receives == Receives::kPseudonymized && !request.pseudonymized) {
    return refuse(d, "pseudonymized-only", fmt::format("{} may receive pseudonymized data only", who),
                  s.origin);
  }
  if (!ctx) {
    d.allowed = true;
    return d;
  }
  const Timestamp at = ctx->at;

  // 6. Localization of the primary store.
  if (s.primary_storage && policy.localization &&
      upper(s.country) != policy.localization->value.storage_country) {
    const auto& loc = *policy.localization;
    const TransferAgreementRecord* agreement = nullptr;
    for (const auto& a : ctx->agreements) {
      if (agreement_holds(a, AgreementKind::kStorageAbroad, s.name, at)) agreement = &a;
    }
    if (agreement && !loc.value.exception.empty()) {
      d.basis.push_back(fmt::format("{} {}: primary storage in {} agreed in writing (agreement #{} {})",
                                    loc.origin.policy, loc.origin.clause, where(s.country), agreement->id,
                                    agreement->reference));
    } else {
      std::string reason = fmt::format("{} would hold the primary database in {}, but {} {} requires storage in {}",
                                       s.name, where(s.country), loc.origin.policy, loc.origin.clause,
                                       loc.value.storage_country);
      if (!loc.value.exception.empty()) {
        reason += fmt::format(" {}, and the tenant has no written agreement in force (`dpa transfer agreement "
                              "add --kind storage-abroad`)",
                              loc.value.exception);
      } else if (agreement) {
        reason += fmt::format(" with no exception, so the tenant's written agreement #{} ({}) cannot lift it",
                              agreement->id, agreement->reference);
        if (!loc.superseded.empty()) reason += fmt::format("; superseded: {}", fmt::join(loc.superseded, "; "));
      }
      return refuse(d, "localization", reason, loc.origin);
    }
  }

  // 7. Transfers abroad: the evidence in force, and what has lapsed.
  std::map<std::string, std::string> evidence, lapsed;
  auto note = [](std::map<std::string, std::string>& into, const std::vector<std::string>& conditions,
                 const std::string& source) {
    for (const auto& c : conditions) into.emplace(c, source);
  };
  if (rs.safeguard != Safeguard::kNone) {
    std::string source = fmt::format("{} {}", to_string(rs.safeguard), rs.safeguard_reference);
    bool expired = rs.safeguard_expires && parse_timestamp(*rs.safeguard_expires, TimeZone::utc()) <= at;
    if (rs.safeguard_expires) {
      source += fmt::format(", {} {}", expired ? "expired" : "until", show_time(*rs.safeguard_expires, zone));
    }
    note(expired ? lapsed : evidence, safeguard_conditions(rs.safeguard), source);
  }
  for (const auto& a : ctx->agreements) {
    if (agreement_holds(a, AgreementKind::kCrossBorderConsent, s.name, at)) {
      note(evidence, consent_conditions(), fmt::format("consent agreement #{} {}", a.id, a.reference));
    } else if (a.expires && !a.revoked_at && parse_timestamp(*a.expires, TimeZone::utc()) <= at &&
               agreement_holds(a, AgreementKind::kCrossBorderConsent, s.name,
                               parse_timestamp(*a.expires, TimeZone::utc()) - std::chrono::seconds(1))) {
      note(lapsed, consent_conditions(),
           fmt::format("consent agreement #{} {}, expired {}", a.id, a.reference, show_time(*a.expires, zone)));
    }
  }
  std::vector<std::string> basis;
  for (const auto& rule : policy.cross_border) {
    Home home = home_of(policy, rule);
    if (home.contains(s.country)) continue;
    d.cross_border = true;
    if (!rule.allowed) {
      return refuse(d, "cross-border",
                    fmt::format("{} is in {}, and {} {} forbids transfers outside {}", s.name, where(s.country),
                                rule.origin.policy, rule.origin.clause, home.label),
                    rule.origin);
    }
    auto meets = [&](const std::map<std::string, std::string>& ev, std::vector<std::string>* met) {
      bool any = rule.any_of.empty();
      for (const auto& c : rule.any_of) {
        if (auto it = ev.find(c); it != ev.end()) {
          any = true;
          if (met) met->push_back(fmt::format("{} {}: {} ({})", rule.origin.policy, rule.origin.clause, c, it->second));
          break;
        }
      }
      bool all = true;
      for (const auto& c : rule.all_of) {
        if (auto it = ev.find(c); it != ev.end()) {
          if (met) met->push_back(fmt::format("{} {}: {} ({})", rule.origin.policy, rule.origin.clause, c, it->second));
        } else {
          all = false;
        }
      }
      return any && all;
    };
    std::vector<std::string> met;
    if (meets(evidence, &met)) {
      basis.insert(basis.end(), met.begin(), met.end());
      continue;
    }
    std::vector<std::string> need;
    bool any_met = rule.any_of.empty() ||
                   std::any_of(rule.any_of.begin(), rule.any_of.end(), [&](const auto& c) { return evidence.count(c) > 0; });
    if (!any_met) need.push_back(fmt::format("one of {}", fmt::join(rule.any_of, ", ")));
    std::vector<std::string> missing;
    for (const auto& c : rule.all_of) {
      if (!evidence.count(c)) missing.push_back(c);
    }
    if (!missing.empty()) need.push_back(fmt::format("each of {}", fmt::join(missing, ", ")));
    std::map<std::string, std::string> both = evidence;
    both.insert(lapsed.begin(), lapsed.end());
    std::string head = fmt::format("{} is in {}, outside {}: {} {} requires {}", s.name, where(s.country),
                                   home.label, rule.origin.policy, rule.origin.clause, fmt::join(need, " and "));
    if (!lapsed.empty() && meets(both, nullptr)) {
      std::set<std::string> sources;
      for (const auto& [c, src] : lapsed) sources.insert(src);
      return refuse(d, "safeguard-expired",
                    fmt::format("{}, but what it rested on has lapsed: {}", head, fmt::join(sources, "; ")),
                    rule.origin);
    }
    return refuse(d, "cross-border",
                  fmt::format("{}; none is recorded (a safeguard: `dpa transfer subprocessor add --safeguard`; "
                              "the tenant's consent: `dpa transfer agreement add --kind cross-border-consent`)",
                              head),
                  rule.origin);
  }
  d.basis.insert(d.basis.end(), basis.begin(), basis.end());
  d.allowed = true;
  return d;
}

std::string category_or_default(const std::string& category, const RegisteredSubprocessor& rs) {
  if (!category.empty()) return category;
  const auto& cats = rs.sub.categories;
  if (cats.size() == 1 && cats[0] != "*" && cats[0].find('.') != std::string::npos) return cats[0];
  throw UsageError(fmt::format("name the data category with --category; {} may receive: {}", rs.sub.name,
                               cats.empty() ? std::string("nothing") : fmt::format("{}", fmt::join(cats, ", "))));
}

}  // namespace

bool is_abroad(const Policy& policy, const std::string& country) {
  if (policy.cross_border.empty()) return !home_of(policy, CrossBorderRule{}).contains(country);
  return std::any_of(policy.cross_border.begin(), policy.cross_border.end(),
                     [&](const CrossBorderRule& r) { return !home_of(policy, r).contains(country); });
}

TransferDecision decide_transfer(const Policy& policy, const TransferRequest& request) {
  RegisteredSubprocessor rs;
  rs.sub = find_or_explain(policy, request.subprocessor);
  rs.in_policy = true;
  return decide(policy, request, rs, nullptr);
}

TransferDecision decide_transfer(const Policy& policy, const TransferRequest& request,
                                 const TransferContext& context) {
  if (!context.subprocessors) throw Error(ExitStatus::kInternal, "decide_transfer: no subprocessor register");
  RegisteredSubprocessor rs = context.subprocessors->resolve(request.subprocessor, context.at);
  return decide(policy, request, rs, &context);
}

std::int64_t record_transfer(Workspace& ws, TransferRecord record) {
  if (record.time.empty()) record.time = format_utc(now());
  std::int64_t id = 0;
  ws.store().transaction([&] {
    id = ws.store().insert_transfer(record);
    nlohmann::json details{{"id", id},
                           {"tenant", record.tenant_id},
                           {"subprocessor", record.subprocessor},
                           {"country", record.country},
                           {"category", record.category},
                           {"pseudonymized", record.pseudonymized},
                           {"bytes", record.bytes},
                           {"clause", record.clause},
                           {"source", record.source}};
    if (!record.operator_name.empty()) details["operator"] = record.operator_name;
    if (!record.entity_counts.empty()) details["entities"] = nlohmann::json::parse(record.entity_counts);
    if (!record.reason.empty()) details["reason"] = record.reason;
    if (!record.reference.empty()) details["reference"] = record.reference;
    ws.audit().append(record.status == "refused" ? "transfer.refused" : "transfer.made",
                      "tenant:" + record.tenant_id, details);
  });
  return id;
}

namespace {

constexpr std::string_view kLawfulRequestPrefix = "lawful-request: ";

struct TenantRules {
  TenantRecord tenant;
  Policy policy;
  SubprocessorRegister subprocessors;
  std::vector<TransferAgreementRecord> agreements;
};

TenantRules tenant_rules(Workspace& ws, const std::string& tenant_id) {
  TenantRecord tenant = get_tenant(ws, tenant_id);
  Policy policy = load_policy(tenant.policy, ws.policy_search_dirs());
  SubprocessorRegister reg = SubprocessorRegister::load(ws, policy);
  auto agreements = ws.store().transfer_agreements(tenant.id);
  return {std::move(tenant), std::move(policy), std::move(reg), std::move(agreements)};
}

}  // namespace

std::string lawful_request_reference(const std::string& ref) {
  return std::string(kLawfulRequestPrefix) + ref;
}

std::string lawful_request_of(const TransferRecord& record) {
  if (!record.reference.starts_with(kLawfulRequestPrefix)) return "";
  return record.reference.substr(kLawfulRequestPrefix.size());
}

TransferCheck check_transfer(Workspace& ws, const TransferRequest& request, const std::string& actor,
                             const std::string& source) {
  TenantRules rules = tenant_rules(ws, request.tenant_id);
  TransferContext ctx{&rules.subprocessors, rules.agreements, now(), &TimeZone::named(ws.settings().timezone)};
  TransferRequest req = request;
  req.tenant_id = rules.tenant.id;
  req.category = category_or_default(req.category, rules.subprocessors.resolve(req.subprocessor, ctx.at));

  TransferCheck out;
  out.tenant = rules.tenant;
  out.category = req.category;
  out.decision = decide_transfer(rules.policy, req, ctx);
  const TransferDecision& d = out.decision;
  if (!d.allowed) {
    TransferRecord r;
    r.time = format_utc(ctx.at);
    r.tenant_id = req.tenant_id;
    r.subprocessor = d.subprocessor;
    r.country = d.country;
    r.category = req.category;
    r.status = "refused";
    r.pseudonymized = req.pseudonymized;
    r.source = source;
    if (!req.lawful_request.empty()) r.reference = lawful_request_reference(req.lawful_request);
    r.clause = d.clause;
    r.reason = d.reason;
    r.actor = actor;
    out.record_id = record_transfer(ws, r);
  } else if (!req.lawful_request.empty() && rules.policy.third_party &&
             rules.policy.third_party->value.disclosure == Disclosure::kLawfulRequestOnly) {
    const auto& tp = *rules.policy.third_party;
    ws.audit().append("transfer.lawful_request", "tenant:" + req.tenant_id,
                      {{"subprocessor", d.subprocessor},
                       {"country", d.country},
                       {"category", req.category},
                       {"pseudonymized", req.pseudonymized},
                       {"reference", req.lawful_request},
                       {"policy", tp.origin.policy},
                       {"clause", tp.origin.clause}});
  }
  return out;
}

LoggedTransferResult log_transfer(Workspace& ws, const LoggedTransfer& t, const std::string& actor) {
  if (t.bytes < 0 || t.records < 0) throw InputError("--bytes and --records count, so they cannot be negative");
  TenantRules rules = tenant_rules(ws, t.request.tenant_id);
  const TimeZone& zone = TimeZone::named(ws.settings().timezone);
  Timestamp at = t.time.value_or(now());
  if (at > now() + std::chrono::minutes(5)) {
    throw InputError(fmt::format("transfer time {} is in the future; log a transfer once it is made",
                                 format_local(at, zone)));
  }
  TransferContext ctx{&rules.subprocessors, rules.agreements, at, &zone};
  TransferRequest req = t.request;
  req.tenant_id = rules.tenant.id;
  req.category = category_or_default(req.category, rules.subprocessors.resolve(req.subprocessor, at));

  LoggedTransferResult out;
  out.decision = decide_transfer(rules.policy, req, ctx);
  TransferRecord& r = out.record;
  r.time = format_utc(at);
  r.tenant_id = req.tenant_id;
  r.subprocessor = out.decision.subprocessor;
  r.country = out.decision.country;
  r.category = req.category;
  r.status = "made";
  r.pseudonymized = req.pseudonymized;
  r.operator_name = t.operator_name;
  r.bytes = t.bytes;
  r.records = t.records;
  r.source = t.source.empty() ? std::string("dpa transfer log") : t.source;
  r.reference = req.lawful_request.empty() ? t.reference : lawful_request_reference(req.lawful_request);
  r.clause = out.decision.clause;
  if (!out.decision.allowed) r.reason = "not allowed: " + out.decision.reason;
  r.actor = actor;
  r.id = record_transfer(ws, r);
  return out;
}

}  // namespace dpa

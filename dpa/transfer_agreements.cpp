#include "dpa/transfer_agreements.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "dpa/error.h"
#include "dpa/policy.h"
#include "dpa/subprocessor_register.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"

namespace dpa {
namespace {

Timestamp parse_utc(const std::string& text) { return parse_timestamp(text, TimeZone::utc()); }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

nlohmann::json agreement_details(const TransferAgreementRecord& a) {
  return {{"agreement", a.id},
          {"kind", a.kind},
          {"subprocessor", a.subprocessor.empty() ? nlohmann::json("*") : nlohmann::json(a.subprocessor)},
          {"reference", a.reference},
          {"effective", a.effective},
          {"expires", a.expires ? nlohmann::json(*a.expires) : nlohmann::json()}};
}

}  // namespace

std::string to_string(AgreementKind k) {
  return k == AgreementKind::kStorageAbroad ? "storage-abroad" : "cross-border-consent";
}

AgreementKind parse_agreement_kind(std::string_view text) {
  if (text == "storage-abroad") return AgreementKind::kStorageAbroad;
  if (text == "cross-border-consent") return AgreementKind::kCrossBorderConsent;
  throw UsageError(fmt::format("--kind is storage-abroad or cross-border-consent, not '{}'", text));
}

TransferAgreementRecord add_transfer_agreement(Workspace& ws, const TransferAgreement& a,
                                               const std::string& actor) {
  TenantRecord tenant = get_tenant(ws, a.tenant_id);
  if (a.reference.empty()) {
    throw UsageError("transfer agreement add: --reference names the signed document (such as "
                     "\"Addendum No. 7 of 2026-04-01\")");
  }
  TransferAgreementRecord rec;
  rec.tenant_id = tenant.id;
  rec.kind = to_string(a.kind);
  if (!a.subprocessor.empty()) {
    Policy policy = load_policy(tenant.policy, ws.policy_search_dirs());
    SubprocessorRegister reg = SubprocessorRegister::load(ws, policy);
    auto canon = reg.canonical(a.subprocessor);
    if (!canon) reg.resolve(a.subprocessor, now());  // throws, listing the names
    rec.subprocessor = *canon;
  }
  rec.reference = a.reference;
  Timestamp effective = a.effective.value_or(now());
  rec.effective = format_utc(effective);
  if (a.expires) {
    if (*a.expires <= effective) {
      throw InputError(fmt::format("the agreement expires ({}) before it takes effect ({})",
                                   format_utc(*a.expires), rec.effective));
    }
    rec.expires = format_utc(*a.expires);
  }
  rec.recorded_at = format_utc(now());
  rec.actor = actor;
  ws.store().transaction([&] {
    rec.id = ws.store().insert_transfer_agreement(rec);
    ws.audit().append("transfer.agreement.add", "tenant:" + rec.tenant_id, agreement_details(rec));
  });
  return rec;
}

std::vector<TransferAgreementRecord> list_transfer_agreements(Workspace& ws, const std::string& tenant_id) {
  if (!tenant_id.empty()) get_tenant(ws, tenant_id);
  return ws.store().transfer_agreements(tenant_id);
}

TransferAgreementRecord revoke_transfer_agreement(Workspace& ws, std::int64_t id) {
  TransferAgreementRecord rec;
  ws.store().transaction([&] {
    auto all = ws.store().transfer_agreements("");
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& a) { return a.id == id; });
    if (it == all.end()) {
      throw InputError(fmt::format("no transfer agreement #{}; `dpa transfer agreement list` shows them", id));
    }
    if (it->revoked_at) throw InputError(fmt::format("agreement #{} was revoked already on {}", id, *it->revoked_at));
    std::string when = format_utc(now());
    if (!ws.store().revoke_transfer_agreement(id, when)) {
      throw InputError(fmt::format("agreement #{} was revoked already", id));
    }
    rec = *it;
    rec.revoked_at = when;
    nlohmann::json details = agreement_details(rec);
    details["revoked_at"] = when;
    ws.audit().append("transfer.agreement.revoke", "tenant:" + rec.tenant_id, details);
  });
  return rec;
}

bool agreement_holds(const TransferAgreementRecord& a, AgreementKind kind, const std::string& subprocessor,
                     Timestamp at) {
  if (a.kind != to_string(kind)) return false;
  if (!a.subprocessor.empty() && lower(a.subprocessor) != lower(subprocessor)) return false;
  if (parse_utc(a.effective) > at) return false;
  if (a.expires && parse_utc(*a.expires) <= at) return false;
  if (a.revoked_at && parse_utc(*a.revoked_at) <= at) return false;
  return true;
}

}  // namespace dpa

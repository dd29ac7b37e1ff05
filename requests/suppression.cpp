#include "requests/suppression.h"

#include <algorithm>
#include <istream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "anonymize/subject_id.h"
#include "dpa/error.h"
#include "dpa/policy.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "requests/requests.h"

namespace dpa::requests {
namespace {

using nlohmann::json;

// Reasons that need no policy rule: the request types that end in a block,
// and a DPO's own decision.
const std::vector<std::string> kBuiltinReasons{"withdraw-consent", "object", "manual"};

struct ReasonRule {
  std::string clause;
  bool liftable = true;
  std::string lifted_by;
};

ReasonRule rule_for(const Policy& policy, const std::string& reason) {
  for (const auto& r : policy.suppression) {
    if (r.id == reason) {
      ReasonRule out;
      out.clause = r.origin.policy + " " + r.origin.clause;
      out.lifted_by = r.lifted_by;
      // A block with no expiry and nothing stated that lifts it is permanent.
      out.liftable = r.expires.has_value() || !r.lifted_by.empty();
      return out;
    }
  }
  if (std::find(kBuiltinReasons.begin(), kBuiltinReasons.end(), reason) != kBuiltinReasons.end()) return {};
  std::vector<std::string> names;
  for (const auto& r : policy.suppression) names.push_back(r.id);
  names.insert(names.end(), kBuiltinReasons.begin(), kBuiltinReasons.end());
  throw InputError(fmt::format("unknown suppression reason '{}' for policy {}: write one of {}", reason, policy.name,
                               fmt::join(names, ", ")));
}

json details_of(const SuppressionRecord& s) {
  return {{"tenant", s.tenant_id}, {"kind", s.kind},   {"hash", s.subject_hash},
          {"reason", s.reason},    {"clause", s.clause}, {"note", s.note},
          {"source_request", s.source_request}};
}

enum class AuditEach { kYes, kNo };

// Adds inside the caller's transaction; returns nullopt if already in force.
std::optional<SuppressionRecord> add_entry(Workspace& ws, SuppressionRecord s, AuditEach audit = AuditEach::kYes) {
  if (auto existing = ws.store().active_suppression(s.tenant_id, s.kind, s.subject_hash)) return std::nullopt;
  s.id = ws.store().insert_suppression(s);
  if (audit == AuditEach::kYes) ws.audit().append("suppress.add", "tenant:" + s.tenant_id, details_of(s));
  return s;
}

std::string trimmed(const std::string& line) {
  std::size_t b = line.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  std::size_t e = line.find_last_not_of(" \t\r");
  return line.substr(b, e - b + 1);
}

}  // namespace

std::vector<std::string> suppression_reasons(Workspace& ws, const std::string& tenant) {
  TenantRecord t = get_tenant(ws, tenant);
  Policy policy = load_policy(t.policy, ws.policy_search_dirs());
  std::vector<std::string> out;
  for (const auto& r : policy.suppression) out.push_back(r.id);
  out.insert(out.end(), kBuiltinReasons.begin(), kBuiltinReasons.end());
  return out;
}

SuppressResult suppress(Workspace& ws, const SuppressRequest& req) {
  TenantRecord tenant = get_tenant(ws, req.tenant);
  auto id = anonymize::parse_subject_id(req.subject);
  Policy policy = load_policy(tenant.policy, ws.policy_search_dirs());
  ReasonRule rule = rule_for(policy, req.reason);
  retention::SubjectHasher hasher(current_tenant_key(ws, tenant.id).key);
  SuppressionRecord s;
  s.tenant_id = tenant.id;
  s.kind = id.kind_name();
  s.subject_hash = hasher.hash(id.hash_kind(), id.hash_value());
  s.reason = req.reason;
  s.clause = rule.clause;
  s.note = req.note;
  s.added_at = format_utc(req.now);
  s.added_by = req.actor;
  SuppressResult out;
  ws.store().transaction([&] {
    if (auto added = add_entry(ws, s)) {
      out.entry = *added;
      out.added = true;
    } else {
      out.entry = *ws.store().active_suppression(s.tenant_id, s.kind, s.subject_hash);
    }
  });
  return out;
}

SuppressImportResult suppress_import(Workspace& ws, const SuppressImport& req, std::istream& in,
                                     const std::string& source_name) {
  TenantRecord tenant = get_tenant(ws, req.tenant);
  Policy policy = load_policy(tenant.policy, ws.policy_search_dirs());
  ReasonRule rule = rule_for(policy, req.reason);
  if (req.kind) {
    // An unknown kind fails before the input is read.
    const auto& kinds = anonymize::subject_kind_names();
    if (std::find(kinds.begin(), kinds.end(), *req.kind) == kinds.end() || *req.kind == "key") {
      throw UsageError(fmt::format("--kind {}: write one of phone, email, iin, bin, name", *req.kind));
    }
  }
  retention::SubjectHasher hasher(current_tenant_key(ws, tenant.id).key);

  // Pass 1: parse and hash every line; nothing is written yet.
  std::vector<std::pair<std::string, std::string>> subjects;  // kind, hash
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string text = trimmed(line);
    if (text.empty() || text[0] == '#') continue;
    anonymize::SubjectId id;
    try {
      id = req.kind ? anonymize::make_subject_id(*req.kind, text) : anonymize::parse_subject_id(text);
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: line {}: {}; nothing was imported", source_name, number, e.what()));
    }
    subjects.emplace_back(id.kind_name(), hasher.hash(id.hash_kind(), id.hash_value()));
  }
  if (in.bad()) throw InputError(fmt::format("cannot read {}; nothing was imported", source_name));

  // Pass 2: one transaction. The digest lets an auditor match the entry to
  // the list that was imported without the list holding any number.
  SuppressImportResult out;
  out.identifiers = subjects.size();
  std::vector<std::string> hashes;
  ws.store().transaction([&] {
    for (const auto& [kind, hash] : subjects) {
      SuppressionRecord s;
      s.tenant_id = tenant.id;
      s.kind = kind;
      s.subject_hash = hash;
      s.reason = req.reason;
      s.clause = rule.clause;
      s.note = req.note;
      s.added_at = format_utc(req.now);
      s.added_by = req.actor;
      if (add_entry(ws, s, AuditEach::kNo)) ++out.added;
      else ++out.already;
      hashes.push_back(kind + ":" + hash);
    }
    std::sort(hashes.begin(), hashes.end());
    ws.audit().append("suppress.import", "tenant:" + tenant.id,
                      {{"tenant", tenant.id},
                       {"reason", req.reason},
                       {"clause", rule.clause},
                       {"note", req.note},
                       {"identifiers", out.identifiers},
                       {"added", out.added},
                       {"already", out.already},
                       {"hashes_digest", hasher.hash("digest", fmt::format("{}", fmt::join(hashes, "\n")))}});
  });
  return out;
}

SuppressionRecord unsuppress(Workspace& ws, const std::string& tenant_id, const std::string& subject,
                             const std::string& reason, const std::string& actor, Timestamp now) {
  TenantRecord tenant = get_tenant(ws, tenant_id);
  auto id = anonymize::parse_subject_id(subject);
  if (reason.empty()) throw InputError("removing a suppression needs --reason TEXT: why the block is lifted");
  retention::SubjectHasher hasher(current_tenant_key(ws, tenant.id).key);
  std::string hash = hasher.hash(id.hash_kind(), id.hash_value());
  auto entry = ws.store().active_suppression(tenant.id, id.kind_name(), hash);
  if (!entry) throw InputError(fmt::format("{} {}… is not suppressed for {}", id.kind_name(), hash.substr(0, 12), tenant.id));
  Policy policy = load_policy(tenant.policy, ws.policy_search_dirs());
  for (const auto& r : policy.suppression) {
    if (r.id == entry->reason && !r.expires && r.lifted_by.empty()) {
      throw RefusedError(fmt::format("suppression {} was made under {} {} ({}), which states no expiry and nothing "
                                     "that lifts it: it stays",
                                     entry->id, r.origin.policy, r.origin.clause, r.id));
    }
  }
  ws.store().transaction([&] {
    if (!ws.store().remove_suppression(entry->id, format_utc(now), actor, reason)) {
      throw InputError(fmt::format("suppression {} was removed already", entry->id));
    }
    json d = details_of(*entry);
    d["removed_reason"] = reason;
    ws.audit().append("suppress.remove", "tenant:" + tenant.id, d);
  });
  entry->removed_at = format_utc(now);
  entry->removed_by = actor;
  entry->removed_reason = reason;
  return *entry;
}

std::vector<SuppressionRecord> list_suppressions(Workspace& ws, const std::string& tenant, bool include_removed) {
  TenantRecord t = get_tenant(ws, tenant);
  return ws.store().list_suppressions(t.id, include_removed);
}

std::vector<SuppressionRecord> suppress_request_subjects(Workspace& ws, const std::string& request_id,
                                                         const std::string& actor, Timestamp now) {
  auto r = ws.store().find_subject_request(request_id);
  if (!r) throw InputError(fmt::format("no request '{}'", request_id));
  if (r->status == "closed") throw RefusedError(fmt::format("request {} is closed: nothing is added for it", r->id));
  if (r->type != "withdraw-consent" && r->type != "object") {
    throw RefusedError(fmt::format("request {} is a {} request: only withdraw-consent and object requests put the "
                                   "subject on the suppression list",
                                   r->id, r->type));
  }
  auto subjects = ws.store().request_subjects(r->id);
  std::vector<SuppressionRecord> added;
  ws.store().transaction([&] {
    json hashes = json::array();
    for (const auto& subj : subjects) {
      SuppressionRecord s;
      s.tenant_id = r->tenant_id;
      s.kind = subj.kind;
      s.subject_hash = subj.subject_hash;
      s.reason = r->type;
      s.clause = r->due_clause;
      s.source_request = r->id;
      s.added_at = format_utc(now);
      s.added_by = actor;
      if (auto a = add_entry(ws, s)) {
        added.push_back(*a);
        hashes.push_back({{"kind", a->kind}, {"hash", a->subject_hash}, {"entry", a->id}});
      }
    }
    json d{{"tenant", r->tenant_id}, {"added", hashes}, {"already", subjects.size() - added.size()}};
    ws.store().insert_request_event({0, r->id, format_utc(now), "suppressed", d.dump(), actor});
    ws.audit().append("request.suppressed", "request:" + r->id, d);
  });
  return added;
}

SuppressionSet SuppressionSet::load(Workspace& ws, const std::string& tenant, const std::string& kind) {
  TenantRecord t = get_tenant(ws, tenant);
  if (kind != "phone" && kind != "email") {
    throw UsageError(fmt::format("contact lists are checked by phone or email, not '{}'", kind));
  }
  SuppressionSet set;
  set.kind_ = kind;
  set.hasher_.emplace(current_tenant_key(ws, t.id).key);
  ws.store().scan_active_suppression_hashes(t.id, kind, [&](const std::string& h) { set.hashes_.insert(h); });
  return set;
}

bool SuppressionSet::blocked(std::string_view value) const {
  auto id = anonymize::make_subject_id(kind_, value);
  return hashes_.count(hasher_->hash(id.hash_kind(), id.hash_value())) > 0;
}

json suppression_json(const SuppressionRecord& s) {
  return {{"id", s.id},
          {"tenant", s.tenant_id},
          {"kind", s.kind},
          {"hash", s.subject_hash},
          {"reason", s.reason},
          {"clause", s.clause},
          {"note", s.note},
          {"source_request", s.source_request},
          {"added_at", s.added_at},
          {"added_by", s.added_by},
          {"removed_at", s.removed_at ? json(*s.removed_at) : json()},
          {"removed_by", s.removed_by},
          {"removed_reason", s.removed_reason}};
}

}  // namespace dpa::requests

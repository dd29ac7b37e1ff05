#include "requests/requests.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "dpa/datamap.h"
#include "dpa/error.h"
#include "dpa/sealed_box.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "requests/request_deadline.h"
#include "retention/hashing.h"

namespace dpa::requests {
namespace {

using nlohmann::json;

std::string sealed_ad(const std::string& tenant, const std::string& request_id, int position) {
  std::string ad = "dpa request subject v1";
  ad.push_back('\0');
  ad += tenant;
  ad.push_back('\0');
  ad += request_id;
  ad.push_back('\0');
  ad += std::to_string(position);
  return ad;
}

Policy tenant_policy(Workspace& ws, const TenantRecord& t) { return load_policy(t.policy, ws.policy_search_dirs()); }

std::string origin_text(const RuleOrigin& o) { return o.policy.empty() ? o.clause : o.policy + " " + o.clause; }

json opt(const std::optional<std::string>& v) { return v ? json(*v) : json(); }

SubjectRequestRecord load_open(Workspace& ws, const std::string& id, const char* action) {
  auto r = ws.store().find_subject_request(id);
  if (!r) throw InputError(fmt::format("no request '{}': `dpa request list --all` shows the requests", id));
  if (r->status == "closed") {
    throw RefusedError(fmt::format("request {} was closed on {} ({}): it cannot be {}", r->id,
                                   r->closed_at.value_or("?"), r->outcome, action));
  }
  return *r;
}


}  // namespace

void record_event(Workspace& ws, const SubjectRequestRecord& r, const std::string& event, const json& details,
                  const std::string& actor, Timestamp now) {
  json d = details;
  d["tenant"] = r.tenant_id;
  ws.store().insert_request_event({0, r.id, format_utc(now), event, d.dump(), actor});
  ws.audit().append("request." + event, "request:" + r.id, d);
}

SubjectRequestRecord open_request(Workspace& ws, const OpenRequest& req) {
  TenantRecord tenant = get_tenant(ws, req.tenant);
  RequestType type = parse_request_type(req.type);
  if (req.subjects.empty()) {
    throw InputError("a request needs at least one --subject KIND:VALUE, such as --subject phone:+77011234567");
  }
  // Parse every identifier before anything is written.
  std::vector<anonymize::SubjectId> ids;
  std::set<std::string> seen;
  for (const auto& text : req.subjects) {
    auto id = anonymize::parse_subject_id(text);
    if (seen.insert(id.canonical()).second) ids.push_back(std::move(id));
  }
  // A record key names a dataset of the data map: check it exists now, not
  // when the request is answered.
  if (std::any_of(ids.begin(), ids.end(), [](const auto& id) { return id.kind == anonymize::SubjectKind::kKey; })) {
    DataMap map = read_datamap(ws.config_path());
    for (const auto& id : ids) {
      if (id.kind == anonymize::SubjectKind::kKey) map.dataset(id.dataset);
    }
  }
  Timestamp received = req.received.value_or(req.now);
  if (received > req.now + std::chrono::minutes{5}) {
    throw InputError(fmt::format("--received {} is in the future", format_utc(received)));
  }

  Policy policy = tenant_policy(ws, tenant);
  const TimeZone& zone = TimeZone::named(ws.settings().timezone);
  SubjectRequestRecord r;
  r.tenant_id = tenant.id;
  r.type = to_string(type);
  r.mode = to_string(policy.request_mode());
  r.channel = req.channel;
  r.received_at = format_utc(received);
  r.status = "open";
  r.opened_at = format_utc(req.now);
  r.opened_by = req.actor;
  std::vector<std::string> notes;
  if (auto period = policy.request_deadline(type)) {
    Deadline d = request_deadline(received, period->value, period->origin, zone, working_calendar_for(policy));
    r.due_at = format_utc(d.due);
    r.due_rule = period->value.to_string();
    r.due_clause = origin_text(period->origin);
    notes = d.notes;
  }
  if (policy.request_mode() == RequestMode::kForward) {
    // No forwarding time stated: forward within the first day, so that the
    // controller can still meet a working-day deadline.
    Duration within = policy.requests.forward_within ? policy.requests.forward_within->value : Duration{24, DurationUnit::kHours};
    RuleOrigin o = policy.requests.forward_within ? policy.requests.forward_within->origin
                                                  : (policy.requests.mode ? policy.requests.mode->origin : RuleOrigin{});
    r.forward_by = format_utc(request_deadline(received, within, o, zone, working_calendar_for(policy)).due);
  }

  TenantKey key = current_tenant_key(ws, tenant.id);
  retention::SubjectHasher hasher(key.key);
  SecretKey vault_key = key.key.derive(KeyPurpose::kVault);
  std::string year = format_date(zone.local_date(received)).substr(0, 4);
  ws.store().transaction([&] {
    int n = ws.store().next_subject_request_number(year);
    r.id = fmt::format("R-{}-{:04d}", year, n);
    ws.store().insert_subject_request(r);
    json subjects = json::array();
    int position = 0;
    for (const auto& id : ids) {
      RequestSubjectRecord s;
      s.request_id = r.id;
      s.position = ++position;
      s.kind = id.kind_name();
      s.subject_hash = hasher.hash(id.hash_kind(), id.hash_value());
      s.key_id = key.key_id;
      s.sealed = seal_value(vault_key, id.canonical(), sealed_ad(tenant.id, r.id, s.position));
      ws.store().insert_request_subject(s);
      subjects.push_back({{"kind", s.kind}, {"hash", s.subject_hash}});
    }
    record_event(ws, r, "opened",
                 {{"type", r.type}, {"mode", r.mode}, {"channel", r.channel}, {"received_at", r.received_at},
                  {"due_at", opt(r.due_at)}, {"due_rule", r.due_rule}, {"due_clause", r.due_clause},
                  {"forward_by", opt(r.forward_by)}, {"subjects", subjects}, {"notes", notes}},
                 req.actor, req.now);
  });
  return r;
}

SubjectRequestRecord extend_request(Workspace& ws, const std::string& id, const std::string& reason,
                                    const std::string& actor, Timestamp now) {
  SubjectRequestRecord r = load_open(ws, id, "extended");
  if (r.extended_until) {
    throw RefusedError(fmt::format("request {} was extended already, to {} ({})", r.id, *r.extended_until,
                                   r.extension_clause));
  }
  TenantRecord tenant = get_tenant(ws, r.tenant_id);
  Policy policy = tenant_policy(ws, tenant);
  RequestType type = parse_request_type(r.type);
  auto ext = policy.request_extension(type);
  if (!ext) {
    throw RefusedError(fmt::format("policy {} allows no extension of a {} request (deadline {}, {})", policy.name,
                                   r.type, r.due_rule.empty() ? "none" : r.due_rule, r.due_clause));
  }
  if (ext->value.reason_required && reason.empty()) {
    throw InputError(fmt::format("an extension needs --reason TEXT ({}): say why, without personal data",
                                 origin_text(ext->origin)));
  }
  if (!r.due_at) throw RefusedError(fmt::format("request {} has no deadline to extend", r.id));
  Timestamp due = parse_timestamp(*r.due_at, TimeZone::utc());
  if (now > due) {
    throw RefusedError(fmt::format("request {} was due {}: an extension must be decided, and the subject told, "
                                   "within the first period ({})",
                                   r.id, *r.due_at, origin_text(ext->origin)));
  }
  const TimeZone& zone = TimeZone::named(ws.settings().timezone);
  Deadline d = request_deadline(due, ext->value.by, ext->origin, zone, working_calendar_for(policy));
  r.extended_until = format_utc(d.due);
  r.extension_reason = reason;
  r.extension_clause = origin_text(ext->origin);
  ws.store().transaction([&] {
    ws.store().update_subject_request(r);
    record_event(ws, r, "extended",
                 {{"from", *r.due_at}, {"until", *r.extended_until}, {"by", ext->value.by.to_string()},
                  {"reason", reason}, {"clause", r.extension_clause}, {"notes", d.notes}},
                 actor, now);
  });
  return r;
}

ForwardResult forward_request(Workspace& ws, const std::string& id, const std::string& reference,
                              const std::string& actor, Timestamp now) {
  SubjectRequestRecord r = load_open(ws, id, "forwarded");
  if (r.mode != "forward") {
    throw RefusedError(fmt::format("tenant {}'s policy answers requests itself (mode answer): request {} is not "
                                   "forwarded; answer it and close it",
                                   r.tenant_id, r.id));
  }
  if (r.forwarded_at) throw RefusedError(fmt::format("request {} was forwarded already, on {}", r.id, *r.forwarded_at));
  ForwardResult out;
  out.late = r.forward_by && now > parse_timestamp(*r.forward_by, TimeZone::utc());
  r.forwarded_at = format_utc(now);
  r.forwarded_to = reference;
  r.status = "forwarded";
  ws.store().transaction([&] {
    ws.store().update_subject_request(r);
    record_event(ws, r, "forwarded",
                 {{"at", *r.forwarded_at}, {"forward_by", opt(r.forward_by)}, {"late", out.late},
                  {"reference", reference}},
                 actor, now);
  });
  out.request = r;
  return out;
}

SubjectRequestRecord close_request(Workspace& ws, const std::string& id, const std::string& outcome,
                                   const std::string& actor, Timestamp now) {
  SubjectRequestRecord r = load_open(ws, id, "closed again");
  if (outcome.empty()) throw InputError("closing needs --outcome TEXT: what was done or why it was refused");
  r.status = "closed";
  r.closed_at = format_utc(now);
  r.outcome = outcome;
  NextDeadline next = next_deadline(r);
  bool late = next.at && now > *next.at;
  ws.store().transaction([&] {
    ws.store().update_subject_request(r);
    record_event(ws, r, "closed", {{"outcome", outcome}, {"late", late}, {"deadline", next.at ? json(format_utc(*next.at)) : json()}},
                 actor, now);
  });
  return r;
}

RequestView show_request(Workspace& ws, const std::string& id) {
  auto r = ws.store().find_subject_request(id);
  if (!r) throw InputError(fmt::format("no request '{}': `dpa request list --all` shows the requests", id));
  RequestView v;
  v.record = *r;
  v.events = ws.store().request_events(id);
  TenantRecord tenant = get_tenant(ws, r->tenant_id);
  v.policy = tenant.policy;
  Policy policy = tenant_policy(ws, tenant);
  if (policy.requests.mode) v.mode_clause = origin_text(policy.requests.mode->origin);
  if (policy.roles) v.processor = policy.roles->processor;
  std::vector<anonymize::SubjectId> ids;
  try {
    ids = request_subject_ids(ws, id);
  } catch (const Error&) {
    ids.clear();  // the tenant key is gone: hashes only
  }
  auto subjects = ws.store().request_subjects(id);
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    v.subjects.push_back({subjects[i].kind, subjects[i].subject_hash,
                          i < ids.size() ? ids[i].masked() : std::string("(key destroyed)")});
  }
  return v;
}

std::vector<anonymize::SubjectId> request_subject_ids(Workspace& ws, const std::string& id) {
  auto r = ws.store().find_subject_request(id);
  if (!r) throw InputError(fmt::format("no request '{}'", id));
  auto keys = ws.store().tenant_keys(r->tenant_id);
  std::vector<anonymize::SubjectId> out;
  for (const auto& s : ws.store().request_subjects(id)) {
    auto k = std::find_if(keys.begin(), keys.end(), [&](const TenantKeyRecord& t) { return t.key_id == s.key_id; });
    if (k == keys.end() || k->destroyed_at) {
      throw RefusedError(fmt::format("the key that sealed request {}'s identifiers was destroyed", id));
    }
    SecretKey key = ws.keys().unwrap_tenant_key(r->tenant_id, k->key_id, k->wrapped).derive(KeyPurpose::kVault);
    auto text = open_value(key, s.sealed, sealed_ad(r->tenant_id, id, s.position));
    if (!text) throw WorkspaceError(fmt::format("request {}: identifier {} fails authentication", id, s.position));
    out.push_back(anonymize::parse_subject_id(*text));
  }
  return out;
}

std::vector<SubjectRequestRecord> list_requests(Workspace& ws, const ListFilter& f, Timestamp at) {
  if (f.tenant) get_tenant(ws, *f.tenant);
  SubjectRequestQuery q;
  q.tenant_id = f.tenant;
  q.include_closed = f.include_closed;
  std::vector<SubjectRequestRecord> out;
  for (auto& r : ws.store().list_subject_requests(q)) {
    NextDeadline next = next_deadline(r);
    bool open = r.status != "closed";
    if (f.overdue_only && !(open && next.at && at > *next.at)) continue;
    if (f.due_before && !(open && next.at && *next.at <= *f.due_before)) continue;
    out.push_back(std::move(r));
  }
  return out;
}

json request_json(const SubjectRequestRecord& r, Timestamp at) {
  NextDeadline next = next_deadline(r);
  json j{{"id", r.id},
         {"tenant", r.tenant_id},
         {"type", r.type},
         {"mode", r.mode},
         {"channel", r.channel},
         {"status", r.status},
         {"received_at", r.received_at},
         {"due_at", opt(r.due_at)},
         {"due_rule", r.due_rule},
         {"due_clause", r.due_clause},
         {"forward_by", opt(r.forward_by)},
         {"forwarded_at", opt(r.forwarded_at)},
         {"forward_reference", r.forwarded_to},
         {"extended_until", opt(r.extended_until)},
         {"extension_reason", r.extension_reason},
         {"extension_clause", r.extension_clause},
         {"closed_at", opt(r.closed_at)},
         {"outcome", r.outcome},
         {"opened_at", r.opened_at},
         {"opened_by", r.opened_by},
         {"next_deadline", next.what},
         {"next_deadline_at", next.at ? json(format_utc(*next.at)) : json()}};
  bool open = r.status != "closed";
  j["overdue"] = open && next.at && at > *next.at;
  if (open && next.at) {
    j["seconds_left"] = (*next.at - at).count();
  } else {
    j["seconds_left"] = nullptr;
  }
  return j;
}

json request_view_json(const RequestView& v, Timestamp at) {
  json j = request_json(v.record, at);
  j["policy"] = v.policy;
  j["mode_clause"] = v.mode_clause;
  json subjects = json::array();
  for (const auto& s : v.subjects) subjects.push_back({{"kind", s.kind}, {"hash", s.hash}, {"masked", s.masked}});
  j["subjects"] = subjects;
  json events = json::array();
  for (const auto& e : v.events) {
    events.push_back({{"time", e.time}, {"event", e.event}, {"actor", e.actor}, {"details", json::parse(e.details)}});
  }
  j["events"] = events;
  return j;
}

}  // namespace dpa::requests

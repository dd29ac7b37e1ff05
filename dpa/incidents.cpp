#include "dpa/incidents.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include "dpa/error.h"
#include "dpa/secret_key.h"
#include "dpa/tenants.h"
#include "dpa/working_calendar.h"
#include "dpa/workspace.h"

namespace dpa {
namespace {

// The fields an update may set, in the order notices list them.
const std::vector<std::string> kFields{"nature",          "categories",        "subjects_approx",
                                       "records_approx",  "consequences",      "measures_taken",
                                       "measures_proposed", "contact",         "subjects_contact_data"};

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// The audit log gets a hash of each free text, not the text: the texts live
// in the state where the DPO can read them; the log proves what they were.
std::string text_hash(const std::string& text) {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(text.data()), text.size(), nullptr,
                     0);
  return to_hex(out, sizeof out);
}

IncidentFacts fold_facts(const std::vector<IncidentUpdateRecord>& history) {
  IncidentFacts f;
  for (const auto& u : history) {
    if (u.field == "nature") f.nature = u.value;
    else if (u.field == "categories") f.categories = nlohmann::json::parse(u.value).get<std::vector<std::string>>();
    else if (u.field == "subjects_approx") f.subjects_approx = std::stoll(u.value);
    else if (u.field == "records_approx") f.records_approx = std::stoll(u.value);
    else if (u.field == "consequences") f.consequences = u.value;
    else if (u.field == "measures_taken") f.measures_taken = u.value;
    else if (u.field == "measures_proposed") f.measures_proposed = u.value;
    else if (u.field == "contact") f.contact = u.value;
    else if (u.field == "subjects_contact_data") f.subjects_contact_data = u.value;
  }
  return f;
}

Incident load(Workspace& ws, const IncidentRecord& r) {
  Incident i;
  i.record = r;
  i.tenants = ws.store().incident_tenants(r.id);
  i.history = ws.store().incident_updates(r.id);
  i.notices = ws.store().incident_notices(r.id);
  i.facts = fold_facts(i.history);
  return i;
}

void check_count(const std::optional<std::int64_t>& n, const char* what) {
  if (n && *n < 0) throw InputError(fmt::format("{} must be a whole number of zero or more", what));
}

// Every category must be declared by the policy of at least one affected
// tenant, so that a notice can name it in the contract's own terms. A law
// baseline alone (kz, gdpr) declares no categories: then any id is taken.
void check_categories(const std::vector<std::string>& categories, const std::vector<Policy>& policies) {
  std::set<std::string> declared;
  for (const auto& p : policies) {
    for (const auto& id : p.category_ids()) declared.insert(id);
  }
  if (declared.empty()) return;
  for (const auto& c : categories) {
    bool known = std::any_of(declared.begin(), declared.end(),
                             [&](const std::string& id) { return id == c || id.starts_with(c + "."); });
    if (!known) {
      throw InputError(fmt::format("unknown data category '{}': the affected tenants' policies declare {}", c,
                                   fmt::join(declared, ", ")));
    }
  }
}

// One update row per changed field.
std::vector<std::pair<std::string, std::string>> changed_fields(const IncidentChanges& c) {
  std::vector<std::pair<std::string, std::string>> out;
  auto text = [&](const char* field, const std::optional<std::string>& v) {
    if (!v) return;
    std::string t = trimmed(*v);
    if (t.empty()) throw InputError(fmt::format("{} is empty: write what is known, or leave it out", field));
    out.emplace_back(field, t);
  };
  text("nature", c.nature);
  if (c.categories) out.emplace_back("categories", nlohmann::json(*c.categories).dump());
  if (c.subjects_approx) out.emplace_back("subjects_approx", std::to_string(*c.subjects_approx));
  if (c.records_approx) out.emplace_back("records_approx", std::to_string(*c.records_approx));
  text("consequences", c.consequences);
  text("measures_taken", c.measures_taken);
  text("measures_proposed", c.measures_proposed);
  text("contact", c.contact);
  text("subjects_contact_data", c.subjects_contact_data);
  return out;
}

nlohmann::json audit_fields(const std::vector<std::pair<std::string, std::string>>& fields) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [field, value] : fields) {
    if (field == "categories") j[field] = nlohmann::json::parse(value);
    else if (field == "subjects_approx" || field == "records_approx") j[field] = std::stoll(value);
    else j[field] = {{"text_hash", text_hash(value)}, {"chars", value.size()}};
  }
  return j;
}

std::vector<Policy> policies_of(Workspace& ws, const std::vector<IncidentTenantRecord>& tenants) {
  std::vector<Policy> out;
  for (const auto& t : tenants) out.push_back(load_policy(t.policy, ws.policy_search_dirs()));
  return out;
}

void append_updates(Workspace& ws, std::int64_t id, const std::vector<std::pair<std::string, std::string>>& fields,
                    const std::string& actor, Timestamp now) {
  for (const auto& [field, value] : fields) {
    ws.store().insert_incident_update({0, id, field, value, format_utc(now), actor});
  }
}

}  // namespace

Timestamp Incident::detected() const { return parse_timestamp(record.detected_at, TimeZone::utc()); }

const IncidentTenantRecord* Incident::tenant(const std::string& id) const {
  for (const auto& t : tenants) {
    if (t.tenant_id == id) return &t;
  }
  return nullptr;
}

bool IncidentChanges::empty() const {
  return !nature && !categories && !subjects_approx && !records_approx && !consequences && !measures_taken &&
         !measures_proposed && !contact && !subjects_contact_data;
}

Incident open_incident(Workspace& ws, const IncidentOpening& o, const std::string& actor, Timestamp now) {
  std::vector<TenantRecord> tenants;
  if (o.all) {
    for (auto& t : list_tenants(ws)) {
      if (t.status != "deleted") tenants.push_back(std::move(t));
    }
    if (tenants.empty()) throw InputError("no tenant to open an incident for: add one with `dpa tenant add`");
  } else {
    if (o.tenants.empty()) throw UsageError("name the affected tenant with --tenant T, or use --all");
    std::set<std::string> seen;
    for (const auto& id : o.tenants) {
      if (seen.insert(id).second) tenants.push_back(get_tenant(ws, id));
    }
  }
  if (o.detected > now) {
    throw InputError(fmt::format("the detection time {} is in the future; give when the incident was detected",
                                 format_utc(o.detected)));
  }
  std::string summary = trimmed(o.summary);
  if (summary.empty()) throw InputError("the summary is empty: describe the nature of the incident");
  check_count(o.subjects_approx, "--subjects-approx");

  std::vector<IncidentTenantRecord> affected;
  std::vector<Policy> policies;
  for (const auto& t : tenants) {
    Policy p = load_policy(t.policy, ws.policy_search_dirs());
    affected.push_back({0, t.id, t.policy, p.version});
    policies.push_back(std::move(p));
  }
  check_categories(o.categories, policies);

  IncidentChanges initial;
  initial.nature = summary;
  if (!o.categories.empty()) initial.categories = o.categories;
  initial.subjects_approx = o.subjects_approx;
  auto fields = changed_fields(initial);

  IncidentRecord r;
  r.detected_at = format_utc(o.detected);
  r.opened_at = format_utc(now);
  r.opened_by = actor;
  r.all_tenants = o.all;
  ws.store().transaction([&] {
    r.id = ws.store().insert_incident(r, affected);
    append_updates(ws, r.id, fields, actor, now);
    nlohmann::json tenants_json = nlohmann::json::array();
    for (const auto& t : affected) {
      tenants_json.push_back({{"tenant", t.tenant_id}, {"policy", t.policy}, {"policy_version", t.policy_version}});
    }
    ws.audit().append("incident.open", fmt::format("incident:{}", r.id),
                      {{"detected_at", r.detected_at}, {"all_tenants", o.all}, {"tenants", tenants_json},
                       {"facts", audit_fields(fields)}});
  });
  return get_incident(ws, r.id);
}

Incident update_incident(Workspace& ws, std::int64_t id, const IncidentChanges& changes, const std::string& actor,
                         Timestamp now) {
  if (changes.empty()) {
    throw UsageError("nothing to update: give --consequences, --measures-taken, --measures-proposed, --contact, ...");
  }
  Incident current = get_incident(ws, id);
  if (!current.open()) {
    throw RefusedError(fmt::format("incident {} was closed on {}; open a new one for what happened since", id,
                                   *current.record.closed_at));
  }
  check_count(changes.subjects_approx, "--subjects-approx");
  check_count(changes.records_approx, "--records-approx");
  if (changes.categories) check_categories(*changes.categories, policies_of(ws, current.tenants));
  auto fields = changed_fields(changes);
  ws.store().transaction([&] {
    append_updates(ws, id, fields, actor, now);
    ws.audit().append("incident.update", fmt::format("incident:{}", id), {{"facts", audit_fields(fields)}});
  });
  return get_incident(ws, id);
}

Incident close_incident(Workspace& ws, std::int64_t id, const std::string& actor, Timestamp now) {
  Incident current = get_incident(ws, id);
  ws.store().transaction([&] {
    if (!ws.store().close_incident(id, format_utc(now), actor)) {
      throw InputError(fmt::format("incident {} is closed already", id));
    }
    ws.audit().append("incident.close", fmt::format("incident:{}", id), {{"closed_at", format_utc(now)}});
  });
  return get_incident(ws, id);
}

Incident get_incident(Workspace& ws, std::int64_t id) {
  auto r = ws.store().find_incident(id);
  if (!r) throw InputError(fmt::format("no incident {}; see `dpa incident list`", id));
  return load(ws, *r);
}

std::vector<Incident> list_incidents(Workspace& ws, bool open_only) {
  std::vector<Incident> out;
  for (const auto& r : ws.store().list_incidents()) {
    if (open_only && r.closed_at) continue;
    out.push_back(load(ws, r));
  }
  return out;
}

std::vector<NoticeDeadline> notice_deadlines(Workspace& ws, const Incident& incident) {
  std::vector<NoticeDeadline> out;
  const TimeZone& zone = TimeZone::named(ws.settings().timezone);
  Timestamp detected = incident.detected();
  for (const auto& t : incident.tenants) {
    Policy policy = load_policy(t.policy, ws.policy_search_dirs());
    std::vector<IncidentRule> rules = policy.incidents;
    std::sort(rules.begin(), rules.end(),
              [](const IncidentRule& a, const IncidentRule& b) { return a.recipient < b.recipient; });
    for (const auto& rule : rules) {
      NoticeDeadline d;
      d.tenant_id = t.tenant_id;
      d.policy = t.policy;
      d.recipient = rule.recipient;
      d.trigger = rule.trigger;
      d.content = rule.content;
      d.rule_policy = rule.origin.policy;
      d.clause = rule.origin.clause;
      if (rule.deadline) {
        d.period = rule.deadline->value;
        d.rule_policy = rule.deadline->origin.policy;
        d.clause = rule.deadline->origin.clause;
        std::optional<WorkingCalendar> calendar;
        if (d.period->unit == DurationUnit::kWorkingDays) calendar = WorkingCalendar::shipped(policy.jurisdiction);
        d.due = add_duration(detected, *d.period, zone, calendar ? &*calendar : nullptr);
        if (calendar) d.warnings = calendar->warnings();
      }
      for (const auto& n : incident.notices) {
        if (n.event != "sent" || n.tenant_id != t.tenant_id || n.recipient != to_string(rule.recipient)) continue;
        Timestamp at = parse_timestamp(n.at, TimeZone::utc());
        if (!d.sent || at < *d.sent) d.sent = at;
      }
      out.push_back(std::move(d));
    }
  }
  return out;
}

NoticeStanding notice_standing(const NoticeDeadline& d, Timestamp at) {
  NoticeStanding s;
  if (d.sent) {
    if (!d.due) {
      s.state = NoticeState::kSentNoDeadline;
    } else if (*d.sent <= *d.due) {
      s.state = NoticeState::kSentOnTime;
      s.margin = *d.due - *d.sent;
    } else {
      s.state = NoticeState::kSentLate;
      s.margin = *d.sent - *d.due;
    }
  } else if (!d.due) {
    s.state = NoticeState::kNoDeadline;
  } else if (at <= *d.due) {
    s.state = NoticeState::kDue;
    s.margin = *d.due - at;
  } else {
    s.state = NoticeState::kOverdue;
    s.margin = at - *d.due;
  }
  return s;
}

std::string to_string(NoticeState s) {
  switch (s) {
    case NoticeState::kDue: return "due";
    case NoticeState::kOverdue: return "overdue";
    case NoticeState::kSentOnTime: return "sent-on-time";
    case NoticeState::kSentLate: return "sent-late";
    case NoticeState::kSentNoDeadline: return "sent";
    case NoticeState::kNoDeadline: return "without-undue-delay";
  }
  return "due";
}

std::string describe_span(std::chrono::seconds s) {
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(s).count();
  if (minutes < 0) minutes = 0;
  long long days = minutes / (24 * 60), hours = (minutes / 60) % 24, mins = minutes % 60;
  if (days > 0) return fmt::format("{}d {:02}h {:02}m", days, hours, mins);
  if (hours > 0) return fmt::format("{}h {:02}m", hours, mins);
  return fmt::format("{}m", mins);
}

std::string describe_standing(const NoticeStanding& s) {
  switch (s.state) {
    case NoticeState::kDue: return describe_span(s.margin) + " left";
    case NoticeState::kOverdue: return "OVERDUE by " + describe_span(s.margin);
    case NoticeState::kSentOnTime: return "sent on time, " + describe_span(s.margin) + " before the deadline";
    case NoticeState::kSentLate: return "sent LATE, " + describe_span(s.margin) + " after the deadline";
    case NoticeState::kSentNoDeadline: return "sent";
    case NoticeState::kNoDeadline: return "not sent; no fixed period: without undue delay";
  }
  return "";
}

std::vector<std::string> missing_notice_fields(const IncidentFacts& f, const std::vector<std::string>& content) {
  std::vector<std::string> missing;
  for (const auto& field : content) {
    bool present = true;
    if (field == "nature") present = !f.nature.empty();
    else if (field == "categories") present = !f.categories.empty();
    else if (field == "subjects_approx") present = f.subjects_approx.has_value();
    else if (field == "records_approx") present = f.records_approx.has_value();
    else if (field == "consequences") present = !f.consequences.empty();
    else if (field == "measures") present = !f.measures_taken.empty();
    else if (field == "measures_proposed") present = !f.measures_proposed.empty();
    else if (field == "contact") present = !f.contact.empty();
    else if (field == "subjects_contact_data") present = !f.subjects_contact_data.empty();
    // detected_at: every incident has it.
    if (!present) missing.push_back(field);
  }
  return missing;
}

std::string flag_for_field(const std::string& field) {
  static const std::map<std::string, std::string> flags{
      {"nature", "--nature"},
      {"categories", "--categories"},
      {"subjects_approx", "--subjects-approx"},
      {"records_approx", "--records-approx"},
      {"consequences", "--consequences"},
      {"measures", "--measures-taken"},
      {"measures_proposed", "--measures-proposed"},
      {"contact", "--contact"},
      {"subjects_contact_data", "--subjects-data-ref"},
  };
  auto it = flags.find(field);
  return it == flags.end() ? "--" + field : it->second;
}

IncidentNoticeRecord record_notice(Workspace& ws, const Incident& incident, const NoticeDeadline& deadline,
                                   const std::string& event, const std::string& lang, const std::string& text,
                                   Timestamp at, const std::string& reference, const std::string& actor,
                                   Timestamp now) {
  if (at > now) {
    throw InputError(fmt::format("the notice time {} is in the future; record a notice once it is given",
                                 format_utc(at)));
  }
  if (at < incident.detected()) {
    throw InputError(fmt::format("the notice time {} is before the detection ({})", format_utc(at),
                                 incident.record.detected_at));
  }
  IncidentNoticeRecord n;
  n.incident_id = incident.record.id;
  n.tenant_id = deadline.tenant_id;
  n.recipient = to_string(deadline.recipient);
  n.event = event;
  n.lang = lang;
  n.content_hash = text_hash(text);
  n.at = format_utc(at);
  n.reference = trimmed(reference);
  n.recorded_at = format_utc(now);
  n.recorded_by = actor;
  ws.store().transaction([&] {
    n.id = ws.store().insert_incident_notice(n);
    nlohmann::json details{{"tenant", n.tenant_id}, {"recipient", n.recipient}, {"lang", n.lang},
                           {"content_hash", n.content_hash}, {"at", n.at}};
    if (deadline.due) details["due"] = format_utc(*deadline.due);
    details["clause"] = deadline.rule_policy + " " + deadline.clause;
    if (!n.reference.empty()) details["reference_hash"] = text_hash(n.reference);
    ws.audit().append("incident.notice." + event, fmt::format("incident:{}", n.incident_id), details);
  });
  return n;
}

nlohmann::json incident_json(const Incident& i, const std::vector<NoticeDeadline>& deadlines, Timestamp at) {
  auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  nlohmann::json tenants = nlohmann::json::array();
  for (const auto& t : i.tenants) {
    tenants.push_back({{"tenant", t.tenant_id}, {"policy", t.policy}, {"policy_version", t.policy_version}});
  }
  nlohmann::json notices = nlohmann::json::array();
  for (const auto& d : deadlines) {
    NoticeStanding s = notice_standing(d, at);
    notices.push_back({{"tenant", d.tenant_id},
                       {"recipient", to_string(d.recipient)},
                       {"deadline", d.period ? nlohmann::json(d.period->to_string()) : nlohmann::json()},
                       {"without_undue_delay", !d.period.has_value()},
                       {"due", d.due ? nlohmann::json(format_utc(*d.due)) : nlohmann::json()},
                       {"sent", d.sent ? nlohmann::json(format_utc(*d.sent)) : nlohmann::json()},
                       {"state", to_string(s.state)},
                       {"margin_seconds", s.margin.count()},
                       {"standing", describe_standing(s)},
                       {"policy", d.rule_policy},
                       {"clause", d.clause},
                       {"required", d.content},
                       {"missing", missing_notice_fields(i.facts, d.content)},
                       {"warnings", d.warnings}});
  }
  nlohmann::json history = nlohmann::json::array();
  for (const auto& u : i.history) {
    history.push_back({{"field", u.field}, {"recorded_at", u.recorded_at}, {"recorded_by", u.recorded_by}});
  }
  nlohmann::json given = nlohmann::json::array();
  for (const auto& n : i.notices) {
    given.push_back({{"tenant", n.tenant_id}, {"recipient", n.recipient}, {"event", n.event}, {"lang", n.lang},
                     {"at", n.at}, {"content_hash", n.content_hash}, {"reference", n.reference}});
  }
  const IncidentFacts& f = i.facts;
  return {{"id", i.record.id},
          {"detected_at", i.record.detected_at},
          {"opened_at", i.record.opened_at},
          {"opened_by", i.record.opened_by},
          {"all_tenants", i.record.all_tenants},
          {"open", i.open()},
          {"closed_at", opt(i.record.closed_at)},
          {"tenants", tenants},
          {"facts",
           {{"nature", f.nature},
            {"categories", f.categories},
            {"subjects_approx", opt(f.subjects_approx)},
            {"records_approx", opt(f.records_approx)},
            {"consequences", f.consequences},
            {"measures_taken", f.measures_taken},
            {"measures_proposed", f.measures_proposed},
            {"contact", f.contact},
            {"subjects_contact_data", f.subjects_contact_data}}},
          {"deadlines", notices},
          {"notices", given},
          {"history", history}};
}

}  // namespace dpa

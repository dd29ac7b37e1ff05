#include "retention/schedule.h"

#include "dpa/tenants.h"

#include <fmt/format.h>

#include "dpa/duration.h"
#include "dpa/error.h"
#include "dpa/tenants.h"
#include "dpa/working_calendar.h"
#include "dpa/workspace.h"

namespace dpa::retention {
namespace {

using std::chrono::seconds;

std::string cite(const RuleOrigin& o) { return o.clause.empty() ? o.policy : fmt::format("{} {}", o.policy, o.clause); }

RecordSet evaluate(const TimedRule& r, Timestamp at, const TimeZone& zone, const WorkingCalendar* cal) {
  if (r.created_before) {
    if (r.fixed && *r.fixed <= at) return {RecordSet::Kind::kBefore, *r.created_before};
    return {RecordSet::Kind::kNone, {}};
  }
  if (r.from == PeriodStart::kCreated) return {RecordSet::Kind::kBefore, latest_start(at, r.length, zone, cal)};
  if (r.fixed && *r.fixed <= at) return {RecordSet::Kind::kAll, {}};
  return {RecordSet::Kind::kNone, {}};
}

std::optional<Timestamp> instant(const TimedRule& r, std::optional<Timestamp> created, const TimeZone& zone,
                                 const WorkingCalendar* cal) {
  if (r.created_before) {
    if (created && *created < *r.created_before) return r.fixed;
    return std::nullopt;
  }
  if (r.from != PeriodStart::kCreated) return r.fixed;
  if (!created) return std::nullopt;
  return add_duration(*created, r.length, zone, cal);
}

}  // namespace

CreatedRange RecordSet::range() const {
  switch (kind) {
    case Kind::kNone: return CreatedRange::none();
    case Kind::kAll: return CreatedRange::all();
    case Kind::kBefore: return CreatedRange::created_before(before);
  }
  return CreatedRange::none();
}

CreatedRange DatasetSchedule::due() const {
  using K = RecordSet::Kind;
  const RecordSet& d = deadline_passed;
  RecordSet f = deletion_wins ? RecordSet{K::kAll, {}} : floor_passed;
  if (d.kind == K::kNone || f.kind == K::kNone) return CreatedRange::none();
  if (d.kind == K::kAll) return f.range();
  if (f.kind == K::kAll) return d.range();
  return CreatedRange::created_before(std::min(d.before, f.before));
}

CreatedRange DatasetSchedule::kept_by_floor() const {
  using K = RecordSet::Kind;
  const RecordSet& d = deadline_passed;
  if (deletion_wins || floor_passed.kind == K::kAll || d.kind == K::kNone) return CreatedRange::none();
  if (floor_passed.kind == K::kNone) return d.range();
  CreatedRange r;
  r.from = floor_passed.before;
  if (d.kind == K::kAll) {
    r.include_null = true;  // without a creation time the floor cannot be shown to have passed
  } else {
    if (d.before <= floor_passed.before) return CreatedRange::none();
    r.before = d.before;
  }
  return r;
}

CreatedRange DatasetSchedule::not_yet_due() const {
  using K = RecordSet::Kind;
  switch (deadline_passed.kind) {
    case K::kAll: return CreatedRange::none();
    case K::kNone: return CreatedRange::all();
    case K::kBefore: {
      CreatedRange r;
      r.from = deadline_passed.before;
      r.include_null = true;
      return r;
    }
  }
  return CreatedRange::all();
}

std::optional<Timestamp> DatasetSchedule::floor_until(std::optional<Timestamp> created) const {
  std::optional<Timestamp> out;
  for (const auto& f : floors) {
    auto t = instant(f, created, *zone, calendar);
    if (!t) return std::nullopt;  // a floor that never ends (or cannot be shown to)
    if (!out || *t > *out) out = t;
  }
  return out;
}

const TimedRule* DatasetSchedule::first_deadline(std::optional<Timestamp> created) const {
  const TimedRule* best = nullptr;
  std::optional<Timestamp> first;
  for (const auto& d : deadlines) {
    auto t = instant(d, created, *zone, calendar);
    if (t && (!first || *t < *first)) {
      first = t;
      best = &d;
    }
  }
  return best;
}

std::optional<Timestamp> DatasetSchedule::due_at(std::optional<Timestamp> created) const {
  std::optional<Timestamp> first;
  for (const auto& d : deadlines) {
    auto t = instant(d, created, *zone, calendar);
    if (t && (!first || *t < *first)) first = t;
  }
  if (!first) return std::nullopt;
  if (!deletion_wins && !floors.empty()) {
    auto f = floor_until(created);
    if (!f) return std::nullopt;
    if (*f > *first) first = f;
  }
  return first;
}

Timestamp latest_start(Timestamp at, const Duration& length, const TimeZone& zone, const WorkingCalendar* calendar) {
  if (length.count <= 0) return at;
  if (length.unit == DurationUnit::kHours) return at - std::chrono::hours{length.count};
  if (length.unit == DurationUnit::kDays) return at - std::chrono::days{length.count};
  // Months, years and working days are not fixed lengths: search for the cut.
  // add_duration never decreases as its start grows, which is all this needs.
  auto span = seconds{static_cast<std::int64_t>(length.nominal_hours() * 3600.0 * 1.5) + 10 * 86400};
  Timestamp lo = at - span;
  while (add_duration(lo, length, zone, calendar) > at) lo -= span;
  Timestamp hi = at;
  while (hi - lo > seconds{1}) {
    Timestamp mid = lo + (hi - lo) / 2;
    if (add_duration(mid, length, zone, calendar) <= at) lo = mid;
    else hi = mid;
  }
  return lo;
}

Scheduler::Scheduler(Workspace& ws) : ws_(ws), zone_(&TimeZone::named(ws.settings().timezone)) {}
Scheduler::~Scheduler() = default;

const Policy& Scheduler::policy(const std::string& name) {
  auto it = policies_.find(name);
  if (it != policies_.end()) return *it->second;
  auto p = std::make_unique<Policy>(load_policy(name, ws_.policy_search_dirs()));
  return *policies_.emplace(name, std::move(p)).first->second;
}

const WorkingCalendar* Scheduler::calendar_for(const Policy& p, const Duration& d) {
  if (d.unit != DurationUnit::kWorkingDays) return nullptr;
  auto it = calendars_.find(p.jurisdiction);
  if (it != calendars_.end()) return it->second.get();
  auto cal = std::make_unique<WorkingCalendar>(WorkingCalendar::shipped(p.jurisdiction));
  return calendars_.emplace(p.jurisdiction, std::move(cal)).first->second.get();
}

Timestamp Scheduler::add(Timestamp start, const Duration& d, const Policy& p) {
  return add_duration(start, d, *zone_, calendar_for(p, d));
}

DatasetSchedule Scheduler::schedule(const TenantRecord& tenant, const DatasetSpec& dataset, Timestamp at) {
  const Policy& p = policy(tenant.policy);
  DatasetSchedule s;
  s.dataset = dataset.name;
  s.tenant = tenant.id;
  s.policy = p.name;
  s.category = dataset.category;
  s.at = at;
  s.zone = zone_;

  Retention r;
  if (p.find_category(dataset.category)) {
    r = p.retention_for(dataset.category);
  } else {
    r = p.retention_for("*");
    s.notes.push_back(fmt::format("category {} is not declared by policy {}: only its rules for every category apply",
                                  dataset.category, p.name));
  }
  const Timestamp registered = tenant_registered(tenant);
  std::optional<Timestamp> terminated;
  if (tenant.terminated_at) terminated = parse_timestamp(*tenant.terminated_at, TimeZone::utc());

  auto timed = [&](std::string rule, const RuleOrigin& origin, const Period& per) {
    if (per.from == PeriodStart::kRegistration) {
      // Which registration date: the plan's reader must see where it comes from.
      rule += fmt::format(" on {}{}", format_date(zone_->local_date(registered)),
                          tenant_registration_recorded(tenant)
                              ? ""
                              : " (the day the tenant was added; `dpa tenant set ID --registered DATE` records "
                                "an earlier one)");
    }
    TimedRule t{{std::move(rule), cite(origin)}, per.from, per.length, std::nullopt, std::nullopt};
    if (const WorkingCalendar* cal = calendar_for(p, per.length)) s.calendar = cal;
    if (per.from == PeriodStart::kRegistration) t.fixed = add(registered, per.length, p);
    if (per.from == PeriodStart::kTermination && terminated) t.fixed = add(*terminated, per.length, p);
    return t;
  };
  if (r.max_age) s.deadlines.push_back(timed("max_age " + to_string(r.max_age->value), r.max_age->origin, r.max_age->value));
  if (r.legal_max)
    s.deadlines.push_back(timed("legal_max " + to_string(r.legal_max->value), r.legal_max->origin, r.legal_max->value));
  if (r.after_termination) {
    Period per{r.after_termination->value, PeriodStart::kTermination};
    std::string text = "deletion " + r.after_termination->value.to_string() + " after termination";
    if (terminated) text += " on " + format_date(zone_->local_date(*terminated));
    s.deadlines.push_back(timed(text, r.after_termination->origin, per));
  }
  auto requests = requests_.find(tenant.id);
  if (requests == requests_.end()) {
    requests = requests_.emplace(tenant.id, ws_.store().destruction_requests(tenant.id)).first;
  }
  for (const auto& req : requests->second) {
    if (req.dataset && *req.dataset != dataset.name) continue;
    Timestamp when = parse_timestamp(req.requested_at, TimeZone::utc());
    TimedRule t;
    t.why.rule = fmt::format("destruction requested on {} ({})", format_date(zone_->local_date(when)), req.reference);
    t.why.clause = r.delete_on_request ? cite(r.delete_on_request->origin) : "the controller's instruction";
    t.from = PeriodStart::kCreated;
    t.fixed = when;
    t.created_before = when;
    s.deadlines.push_back(std::move(t));
  }
  if (r.min_retention) {
    s.floors.push_back(
        timed("min_retention " + to_string(r.min_retention->value), r.min_retention->origin, r.min_retention->value));
  }
  if (r.precedence) {
    s.deletion_wins = r.precedence->value == Precedence::kDeletionWins;
    s.precedence_rule = RuleRef{"precedence " + to_string(r.precedence->value), cite(r.precedence->origin)};
  }

  using K = RecordSet::Kind;
  for (const auto& d : s.deadlines) {
    RecordSet e = evaluate(d, at, *zone_, s.calendar);
    const RecordSet& best = s.deadline_passed;
    bool better = (e.kind == K::kAll && best.kind != K::kAll) ||
                  (e.kind == K::kBefore && (best.kind == K::kNone || (best.kind == K::kBefore && e.before > best.before)));
    if (better) {
      s.deadline_passed = e;
      s.deadline_rule = d.why;
    }
  }
  s.floor_passed = {K::kAll, {}};
  for (const auto& f : s.floors) {
    RecordSet e = evaluate(f, at, *zone_, s.calendar);
    RecordSet& cur = s.floor_passed;
    if (!s.floor_rule) s.floor_rule = f.why;
    if (cur.kind == K::kNone) continue;
    if (e.kind == K::kNone || (e.kind == K::kBefore && (cur.kind == K::kAll || e.before < cur.before))) {
      cur = e;
      s.floor_rule = f.why;
    }
  }
  return s;
}

}  // namespace dpa::retention

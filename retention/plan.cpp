#include "retention/plan.h"

#include <map>
#include <set>

#include <fmt/format.h>

#include "dpa/data_store.h"
#include "dpa/error.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "retention/hashing.h"
#include "retention/holds.h"
#include "retention/schedule.h"

namespace dpa::retention {
namespace {

std::string cite(const RuleOrigin& o) { return o.clause.empty() ? o.policy : fmt::format("{} {}", o.policy, o.clause); }

const char* status_name(PlanLine::Status s) {
  switch (s) {
    case PlanLine::Status::kDue: return "delete";
    case PlanLine::Status::kHeld: return "held";
    case PlanLine::Status::kKept: return "keep";
  }
  return "?";
}

// Counts the due records of a tenant that a subject hold covers; reads each
// due record's identifiers, so only for tenants that have subject holds.
struct SubjectHeld {
  std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> by_hold;  // hold id -> records, bytes
  std::map<std::int64_t, const HoldRecord*> holds;
};

SubjectHeld count_subject_held(Workspace& ws, DataStore& store, const DatasetSpec& d, const std::string& tenant,
                               const CreatedRange& due, const ActiveHolds& holds) {
  SubjectHeld out;
  std::unique_ptr<SubjectHasher> hasher;
  try {
    hasher = std::make_unique<SubjectHasher>(current_tenant_key(ws, tenant).key);
  } catch (const RefusedError&) {
  }
  std::vector<DataRecord> page;
  std::optional<DataRecord> after;
  do {
    page = store.scan(d, tenant, due, after ? &*after : nullptr, 1000);
    for (const auto& r : page) {
      const HoldRecord* h = nullptr;
      if (!hasher) {
        // Without the key no subject can be ruled out: all are kept.
        for (const auto& hr : holds.all()) {
          if (hr.subject_hash && (!hr.dataset || *hr.dataset == d.name)) h = &hr;
        }
      } else {
        std::vector<std::optional<std::string>> hashes;
        for (std::size_t i = 0; i < d.subject.size(); ++i) {
          if (i < r.subjects.size() && r.subjects[i] && !r.subjects[i]->empty()) {
            hashes.emplace_back(hasher->hash(d.subject[i].kind, *r.subjects[i]));
          } else {
            hashes.emplace_back(std::nullopt);
          }
        }
        h = holds.subject_hold(d, hashes);
      }
      if (h) {
        auto& [n, b] = out.by_hold[h->id];
        ++n;
        b += r.bytes;
        out.holds[h->id] = h;
      }
    }
    if (!page.empty()) after = page.back();
  } while (page.size() == 1000);
  return out;
}

}  // namespace

std::int64_t PlanGroup::count(PlanLine::Status s) const {
  std::int64_t n = 0;
  for (const auto& l : lines) {
    if (l.status == s) n += l.records;
  }
  return n;
}

std::int64_t PlanGroup::due_bytes() const {
  std::int64_t n = 0;
  for (const auto& l : lines) {
    if (l.status == PlanLine::Status::kDue && l.bytes > 0) n += l.bytes;
  }
  return n;
}

std::int64_t RetentionPlan::count(PlanLine::Status s) const {
  std::int64_t n = 0;
  for (const auto& g : groups) n += g.count(s);
  return n;
}

std::int64_t RetentionPlan::due_bytes() const {
  std::int64_t n = 0;
  for (const auto& g : groups) n += g.due_bytes();
  return n;
}

RetentionPlan make_plan(Workspace& ws, const DataMap& map, const PlanOptions& options) {
  RetentionPlan plan;
  plan.at = options.at;
  plan.timezone = ws.settings().timezone;
  Scheduler scheduler(ws);
  if (options.dataset) map.dataset(*options.dataset);  // names the datasets if unknown
  std::map<std::string, TenantRecord> tenants;
  for (auto& t : ws.store().list_tenants()) tenants.emplace(t.id, t);
  if (options.tenant) get_tenant(ws, *options.tenant);
  // Per tenant: whether anything stays after the sweep (blocks shredding).
  std::map<std::string, std::vector<std::string>> stays;

  for (const auto& d : map.datasets) {
    if (options.dataset && d.name != *options.dataset) continue;
    std::unique_ptr<DataStore> store;
    std::vector<std::string> present;
    try {
      store = open_data_store(map.store_of(d), false);
      present = store->tenants(d);
    } catch (const InputError& e) {
      plan.warnings.push_back(fmt::format("dataset {}: {}", d.name, e.what()));
      for (const auto& [id, t] : tenants) stays[id].push_back(fmt::format("dataset {} cannot be read", d.name));
      continue;
    }
    for (const auto& tenant_id : present) {
      if (options.tenant && tenant_id != *options.tenant) continue;
      PlanGroup g;
      g.dataset = d.name;
      g.store = d.store;
      g.category = d.category;
      g.tenant = tenant_id;
      auto it = tenants.find(tenant_id);
      if (it == tenants.end()) {
        RangeStats all = store->stats(d, tenant_id, CreatedRange::all(), false);
        g.lines.push_back({PlanLine::Status::kKept, all.records, -1,
                           "tenant not registered in dpa: kept until it is (`dpa tenant add`)", "", std::nullopt});
        plan.groups.push_back(std::move(g));
        continue;
      }
      const TenantRecord& t = it->second;
      DatasetSchedule s = scheduler.schedule(t, d, options.at);
      g.policy = s.policy;
      g.notes = s.notes;
      ActiveHolds holds = ActiveHolds::load(ws.store(), t.id, options.at);
      for (const HoldRecord* h : holds.unreachable_subject_holds(d)) {
        g.unreachable_holds.push_back(h->id);
        g.notes.push_back(fmt::format("{} names a {} but {} has no {} identifiers: it cannot reach this dataset "
                                      "and keeps nothing here; hold the dataset (`dpa retention hold add --tenant {} "
                                      "--dataset {}`) if its records must be kept too",
                                      describe_hold(*h), *h->subject_kind, d.name, *h->subject_kind, t.id, d.name));
      }

      CreatedRange due = s.due();
      RangeStats due_stats = store->stats(d, t.id, due, true);
      if (due_stats.records > 0) {
        std::string why = s.deadline_rule ? s.deadline_rule->rule : "due";
        std::string clause = s.deadline_rule ? s.deadline_rule->clause : "";
        if (s.floor_rule && !s.deletion_wins && s.floor_passed.kind != RecordSet::Kind::kAll) {
          why += fmt::format("; {} has passed ({})", s.floor_rule->rule, s.floor_rule->clause);
        } else if (s.floor_rule && s.deletion_wins && s.precedence_rule) {
          why += fmt::format("; deletion wins over {} ({})", s.floor_rule->rule, s.precedence_rule->clause);
        }
        if (const HoldRecord* h = holds.covering(d.name)) {
          g.lines.push_back({PlanLine::Status::kHeld, due_stats.records, due_stats.bytes,
                             fmt::format("{}; would be due: {}", describe_hold(*h), why), clause, std::nullopt});
          stays[t.id].push_back(describe_hold(*h));
        } else {
          std::int64_t held_n = 0, held_b = 0;
          if (holds.has_subject_holds(d)) {
            SubjectHeld sh = count_subject_held(ws, *store, d, t.id, due, holds);
            for (const auto& [id, nb] : sh.by_hold) {
              g.lines.push_back({PlanLine::Status::kHeld, nb.first, nb.second,
                                 fmt::format("{} (a subject's records); would be due: {}", describe_hold(*sh.holds[id]), why),
                                 clause, std::nullopt});
              held_n += nb.first;
              held_b += nb.second;
              stays[t.id].push_back(describe_hold(*sh.holds[id]));
            }
          }
          if (due_stats.records > held_n) {
            g.lines.insert(g.lines.begin(), {PlanLine::Status::kDue, due_stats.records - held_n,
                                             due_stats.bytes - held_b, why, clause, std::nullopt});
          }
        }
      }
      CreatedRange floor = s.kept_by_floor();
      RangeStats floor_stats = store->stats(d, t.id, floor, true);
      if (floor_stats.records > 0) {
        std::string why = s.floor_rule ? s.floor_rule->rule : "minimum retention";
        if (s.deadline_rule) why += fmt::format(" outlasts {} ({})", s.deadline_rule->rule, s.deadline_rule->clause);
        if (s.precedence_rule) why += fmt::format(", {} ({})", s.precedence_rule->rule, s.precedence_rule->clause);
        g.lines.push_back({PlanLine::Status::kKept, floor_stats.records, floor_stats.bytes, why,
                           s.floor_rule ? s.floor_rule->clause : "", s.floor_until(floor_stats.oldest)});
        stays[t.id].push_back(fmt::format("{} records of {} kept by {}", floor_stats.records, d.name, why));
      }
      CreatedRange later = s.not_yet_due();
      RangeStats later_stats = store->stats(d, t.id, later, false);
      if (later_stats.records > 0) {
        PlanLine l{PlanLine::Status::kKept, later_stats.records, -1, "", "", std::nullopt};
        if (s.deadlines.empty()) {
          l.why = fmt::format("no deletion rule applies to {} under {}", d.category, s.policy);
          if (s.floor_rule) {
            l.why += fmt::format("; {}", s.floor_rule->rule);
            l.clause = s.floor_rule->clause;
          }
          if (!t.terminated_at) l.why += " (none until the contract ends)";
        } else if (const TimedRule* next = s.first_deadline(later_stats.oldest)) {
          l.why = "not yet due: " + next->why.rule;
          l.clause = next->why.clause;
          l.until = s.due_at(later_stats.oldest);
        } else {
          std::string rules;
          for (const auto& dl : s.deadlines) rules += (rules.empty() ? "" : "; ") + dl.why.rule;
          l.why = t.terminated_at ? "not yet due: " + rules : "kept while the contract runs; then " + rules;
          l.clause = s.deadlines.front().why.clause;
        }
        g.lines.push_back(std::move(l));
        stays[t.id].push_back(fmt::format("{} records of {} not yet due", later_stats.records, d.name));
      }
      if (!g.lines.empty()) plan.groups.push_back(std::move(g));
    }
  }

  for (const auto& [id, t] : tenants) {
    if (options.tenant && id != *options.tenant) continue;
    if (!t.terminated_at || !t.delete_after) continue;
    auto keys = tenant_key_info(ws, id);
    bool live = false;
    for (const auto& k : keys) live = live || !k.destroyed_at;
    if (!live) continue;
    Timestamp deadline = parse_timestamp(*t.delete_after, TimeZone::utc());
    if (options.at < deadline) continue;
    const Policy& p = scheduler.policy(t.policy);
    PlanKey k;
    k.tenant = id;
    k.why = fmt::format("crypto-shredding: deletion after termination, due {}",
                        format_date(scheduler.zone().local_date(deadline)));
    if (p.termination.deletion) k.clause = cite(p.termination.deletion->origin);
    ActiveHolds holds = ActiveHolds::load(ws.store(), id, options.at);
    if (!holds.empty()) {
      k.blocked_by = describe_hold(holds.all().front());
    } else if (auto it = stays.find(id); it != stays.end() && !it->second.empty()) {
      k.blocked_by = it->second.front();
    }
    k.destroy = k.blocked_by.empty();
    plan.keys.push_back(std::move(k));
  }
  return plan;
}

std::string human_bytes(std::int64_t bytes) {
  if (bytes < 0) return "";
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000.0 && u < 4) {
    v /= 1000.0;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", v, units[u]);
}

nlohmann::json plan_json(const RetentionPlan& plan) {
  const TimeZone& zone = TimeZone::named(plan.timezone);
  nlohmann::json j;
  j["at"] = format_local(plan.at, zone);
  j["groups"] = nlohmann::json::array();
  for (const auto& g : plan.groups) {
    nlohmann::json gj{{"dataset", g.dataset}, {"store", g.store}, {"category", g.category}, {"tenant", g.tenant},
                      {"policy", g.policy.empty() ? nlohmann::json() : nlohmann::json(g.policy)}, {"notes", g.notes},
                      {"unreachable_holds", g.unreachable_holds}};
    gj["lines"] = nlohmann::json::array();
    for (const auto& l : g.lines) {
      gj["lines"].push_back({{"status", status_name(l.status)},
                             {"records", l.records},
                             {"bytes", l.bytes < 0 ? nlohmann::json() : nlohmann::json(l.bytes)},
                             {"why", l.why},
                             {"clause", l.clause},
                             {"until", l.until ? nlohmann::json(format_local(*l.until, zone)) : nlohmann::json()}});
    }
    j["groups"].push_back(std::move(gj));
  }
  j["keys"] = nlohmann::json::array();
  for (const auto& k : plan.keys) {
    j["keys"].push_back({{"tenant", k.tenant}, {"destroy", k.destroy}, {"why", k.why}, {"clause", k.clause},
                         {"blocked_by", k.blocked_by.empty() ? nlohmann::json() : nlohmann::json(k.blocked_by)}});
  }
  j["warnings"] = plan.warnings;
  j["totals"] = {{"delete_records", plan.count(PlanLine::Status::kDue)},
                 {"delete_bytes", plan.due_bytes()},
                 {"held_records", plan.count(PlanLine::Status::kHeld)},
                 {"kept_records", plan.count(PlanLine::Status::kKept)}};
  return j;
}

std::string plan_text(const RetentionPlan& plan) {
  const TimeZone& zone = TimeZone::named(plan.timezone);
  std::string out = fmt::format("Retention plan at {} ({})\n", format_local(plan.at, zone), plan.timezone);
  std::string last_dataset;
  for (const auto& g : plan.groups) {
    if (g.dataset != last_dataset) {
      out += fmt::format("\n{} ({}, store {})\n", g.dataset, g.category, g.store);
      last_dataset = g.dataset;
    }
    out += fmt::format("  {}{}\n", g.tenant, g.policy.empty() ? "" : " (" + g.policy + ")");
    for (const auto& n : g.notes) out += fmt::format("    note: {}\n", n);
    for (const auto& l : g.lines) {
      std::string tail = l.clause.empty() ? "" : " (" + l.clause + ")";
      if (l.until) tail += fmt::format("; until {}", format_date(zone.local_date(*l.until)));
      out += fmt::format("    {:<6} {:>9} {:>10}  {}{}\n", status_name(l.status), fmt::format("{} rec", l.records),
                         human_bytes(l.bytes), l.why, tail);
    }
  }
  if (!plan.keys.empty()) {
    out += "\nkeys\n";
    for (const auto& k : plan.keys) {
      out += fmt::format("  {:<20} {}: {}{}\n", k.tenant,
                         k.destroy ? "destroyed once its due records are deleted" : "kept: " + k.blocked_by, k.why,
                         k.clause.empty() ? "" : " (" + k.clause + ")");
    }
  }
  for (const auto& w : plan.warnings) out += fmt::format("\nwarning: {}\n", w);
  out += fmt::format("\ntotal: delete {} records ({}), held {}, keep {}\n", plan.count(PlanLine::Status::kDue),
                     human_bytes(plan.due_bytes()), plan.count(PlanLine::Status::kHeld),
                     plan.count(PlanLine::Status::kKept));
  return out;
}

}  // namespace dpa::retention

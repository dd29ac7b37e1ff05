// The retention section: what was deleted in the period, by dataset and
// rule; the terminated tenants and whether their data went on time; holds.
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "dpa/audit_report_sections.h"
#include "dpa/workspace.h"

namespace dpa {
namespace {

std::int64_t days_between(const std::string& from_date, const std::string& to_date) {
  return (std::chrono::sys_days(parse_date(to_date)) - std::chrono::sys_days(parse_date(from_date))).count();
}

struct Deletion {
  std::int64_t records = 0, bytes = 0, batches = 0;
};

}  // namespace

ReportSection retention_section(const ReportScope& scope) {
  ReportSection s;
  s.id = "retention";
  s.title = "Retention and deletion";
  StateStore& store = scope.ws.store();

  // Deletions: sweep and reapply batches done in the period, and erasures
  // on a request (no batch), by dataset and rule.
  ReportBuckets buckets = report_buckets(scope);
  std::vector<double> per_bucket(buckets.labels.size(), 0.0);
  std::map<std::tuple<std::string, std::string, std::string, std::string>, Deletion> by_rule;
  Deletion total;
  for (const auto& b : store.retention_batches_done(scope.from, scope.until)) {
    if (!scope.in_scope(b.tenant_id)) continue;
    Deletion& d = by_rule[{b.dataset, b.kind, b.rule, b.clause}];
    d.records += b.deleted;
    d.bytes += b.bytes;
    ++d.batches;
    total.records += b.deleted;
    total.bytes += b.bytes;
    ++total.batches;
    per_bucket[buckets.index_of(scope, *b.done_at)] += static_cast<double>(b.deleted);
  }
  std::int64_t on_request = 0;
  TombstoneQuery tq;
  tq.source = "request";
  tq.tenant_id = scope.options.tenant;
  store.scan_tombstones(tq, [&](const TombstoneRecord& t) {
    if (!scope.in_period(t.erased_at)) return true;
    Deletion& d = by_rule[{t.dataset, "request", "a subject's or controller's request", t.reference}];
    ++d.records;
    d.bytes += t.bytes;
    ++on_request;
    ++total.records;
    total.bytes += t.bytes;
    per_bucket[buckets.index_of(scope, t.erased_at)] += 1.0;
    return true;
  });

  ReportTable deletions{"deletions", "Deletions by dataset and rule",
                        {{"dataset", "dataset", false}, {"kind", "kind", false}, {"rule", "rule", false},
                         {"clause", "clause", false}, {"records", "records", true}, {"bytes", "bytes", true},
                         {"batches", "batches", true}},
                        {}, "Nothing was deleted in the period."};
  for (const auto& [key, d] : by_rule) {
    const auto& [dataset, kind, rule, clause] = key;
    deletions.rows.push_back({{"dataset", dataset}, {"kind", kind}, {"rule", rule}, {"clause", clause},
                              {"records", d.records}, {"bytes", d.bytes}, {"batches", d.batches}});
  }

  // Terminated tenants: was their data deleted by the policy's date?
  ReportTable terminated{"terminated_tenants", "Terminated tenants and their deletion",
                         {{"tenant", "tenant", false}, {"policy", "policy", false},
                          {"terminated", "terminated", false}, {"delete_by", "delete by", false},
                          {"deleted", "deleted", false}, {"status", "status", false},
                          {"days", "days late / left", true}},
                         {}, "No tenant's contract had ended by the end of the period."};
  std::int64_t overdue = 0, late = 0;
  std::string as_of_date = scope.local_date(scope.as_of);
  for (const auto& t : scope.tenants) {
    if (!t.terminated_at || *t.terminated_at >= scope.until) continue;
    std::optional<std::string> destroyed;
    for (const auto& k : store.tenant_keys(t.id)) {
      if (k.destroyed_at && (!destroyed || *k.destroyed_at > *destroyed)) destroyed = k.destroyed_at;
    }
    if (destroyed && *destroyed < scope.from) continue;  // done before the period
    std::string delete_by = t.delete_after ? scope.local_date(*t.delete_after) : "";
    std::string status;
    nlohmann::json days;
    bool held = false;
    for (const auto& h : store.list_holds(t.id, false)) {
      if (!h.until || *h.until > scope.as_of) held = true;
    }
    if (t.status == "deleted" && destroyed) {
      std::string done = scope.local_date(*destroyed);
      std::int64_t d = delete_by.empty() ? 0 : days_between(delete_by, done);
      status = d > 0 ? "deleted late" : "deleted on time";
      days = d > 0 ? d : 0;
      if (d > 0) ++late;
    } else if (delete_by.empty()) {
      status = "no deletion rule";
    } else if (as_of_date <= delete_by) {
      status = "pending";
      days = days_between(as_of_date, delete_by);
    } else if (held) {
      status = "held";
      days = days_between(delete_by, as_of_date);
    } else {
      status = "overdue";
      days = days_between(delete_by, as_of_date);
      ++overdue;
    }
    terminated.rows.push_back({{"tenant", t.id}, {"policy", t.policy}, {"terminated", scope.local_date(*t.terminated_at)},
                               {"delete_by", delete_by.empty() ? nlohmann::json() : nlohmann::json(delete_by)},
                               {"deleted", destroyed ? nlohmann::json(scope.local_date(*destroyed)) : nlohmann::json()},
                               {"status", status}, {"days", days}});
  }

  // Holds in force at some time in the period.
  ReportTable holds{"holds", "Legal holds in force during the period",
                    {{"id", "hold", true}, {"tenant", "tenant", false}, {"dataset", "dataset", false},
                     {"scope", "scope", false}, {"reason", "reason", false}, {"placed", "placed", false},
                     {"until", "until", false}, {"released", "released", false}},
                    {}, "No hold was in force in the period."};
  std::int64_t active_holds = 0;
  for (const auto& h : store.list_holds(scope.options.tenant, true)) {
    if (h.created_at >= scope.until || (h.released_at && *h.released_at < scope.from)) continue;
    if (!h.released_at || *h.released_at > scope.as_of) ++active_holds;
    auto opt_date = [&](const std::optional<std::string>& v) {
      return v ? nlohmann::json(scope.local_date(*v)) : nlohmann::json();
    };
    holds.rows.push_back({{"id", h.id}, {"tenant", h.tenant_id}, {"dataset", h.dataset.value_or("every dataset")},
                          {"scope", h.subject_hash ? "one subject (" + h.subject_kind.value_or("") + ")" : "records"},
                          {"reason", h.reason}, {"placed", scope.local_date(h.created_at)},
                          {"until", opt_date(h.until)}, {"released", opt_date(h.released_at)}});
  }

  s.facts = {
      {"deleted_records", "Records deleted", total.records},
      {"deleted_bytes", "Bytes deleted", total.bytes},
      {"batches", "Deletion batches", total.batches},
      {"erased_on_request", "Records erased on a request", on_request},
      {"terminated_tenants", "Terminated tenants", static_cast<std::int64_t>(terminated.rows.size())},
      {"deletions_overdue", "Terminated tenants overdue for deletion", overdue},
      {"deletions_late", "Terminated tenants deleted late", late},
      {"holds_in_force", "Holds in force now", active_holds},
  };
  s.status = overdue > 0 || late > 0 ? "attention" : "ok";
  s.notes.push_back(fmt::format(
      "Deletions are the retention sweeps' completed batches and the erasures on request in the period; "
      "deletion status is counted at {} in local dates: on time when the data was gone by the policy's "
      "delete-by date.",
      as_of_date));
  s.figures.push_back({"deletions_over_time",
                       buckets.weekly ? "Records deleted per week" : "Records deleted per day",
                       "line",
                       "records",
                       buckets.labels,
                       {{"deleted", per_bucket}}});
  s.tables.push_back(std::move(deletions));
  s.tables.push_back(std::move(terminated));
  s.tables.push_back(std::move(holds));
  return s;
}

}  // namespace dpa

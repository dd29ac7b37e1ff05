// The incidents section: the incidents of the period and, for each affected
// tenant and recipient, when the notice was given against its deadline.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dpa/audit_report_sections.h"
#include "dpa/incidents.h"
#include "dpa/workspace.h"

namespace dpa {

ReportSection incidents_section(const ReportScope& scope) {
  ReportSection s;
  s.id = "incidents";
  s.title = "Incidents and notices";
  Timestamp as_of = scope.options.as_of;

  ReportTable incidents{"incidents", "Incidents",
                        {{"id", "incident", true}, {"detected", "detected", false}, {"state", "state", false},
                         {"tenants", "tenants", false}, {"subjects_approx", "subjects (approx.)", true},
                         {"nature", "nature", false}},
                        {}, "No incident was open in the period."};
  ReportTable notices{"notices", "Notices against their deadlines",
                      {{"incident", "incident", true}, {"tenant", "tenant", false}, {"recipient", "to", false},
                       {"deadline", "deadline", false}, {"due", "due", false}, {"sent", "given", false},
                       {"status", "status", false}, {"margin", "margin", false}, {"clause", "clause", false}},
                      {}, "No notice was due."};
  std::int64_t count = 0, open = 0, on_time = 0, late = 0, overdue = 0, pending = 0, undue_delay = 0;
  for (const auto& i : list_incidents(scope.ws, false)) {
    if (i.record.detected_at >= scope.until || (i.record.closed_at && *i.record.closed_at < scope.from)) continue;
    std::vector<std::string> tenants;
    for (const auto& t : i.tenants) {
      if (scope.in_scope(t.tenant_id)) tenants.push_back(t.tenant_id);
    }
    if (tenants.empty()) continue;
    ++count;
    if (i.open()) ++open;
    incidents.rows.push_back(
        {{"id", i.record.id},
         {"detected", format_local(i.detected(), scope.zone)},
         {"state", i.open() ? "open" : "closed"},
         {"tenants", i.record.all_tenants && !scope.options.tenant ? fmt::format("all ({})", tenants.size())
                                                                     : fmt::format("{}", fmt::join(tenants, ", "))},
         {"subjects_approx", i.facts.subjects_approx ? nlohmann::json(*i.facts.subjects_approx) : nlohmann::json()},
         {"nature", i.facts.nature}});
    for (const auto& d : notice_deadlines(scope.ws, i)) {
      if (!scope.in_scope(d.tenant_id)) continue;
      NoticeStanding st = notice_standing(d, as_of);
      switch (st.state) {
        case NoticeState::kSentOnTime: ++on_time; break;
        case NoticeState::kSentLate: ++late; break;
        case NoticeState::kOverdue: ++overdue; break;
        case NoticeState::kDue: ++pending; break;
        case NoticeState::kNoDeadline: ++undue_delay; break;
        case NoticeState::kSentNoDeadline: ++on_time; break;
      }
      notices.rows.push_back(
          {{"incident", i.record.id},
           {"tenant", d.tenant_id},
           {"recipient", to_string(d.recipient)},
           {"deadline", d.period ? nlohmann::json(d.period->to_string()) : nlohmann::json("without undue delay")},
           {"due", d.due ? nlohmann::json(format_local(*d.due, scope.zone)) : nlohmann::json()},
           {"sent", d.sent ? nlohmann::json(format_local(*d.sent, scope.zone)) : nlohmann::json()},
           {"status", to_string(st.state)},
           {"margin", st.state == NoticeState::kNoDeadline || st.state == NoticeState::kSentNoDeadline
                          ? nlohmann::json()
                          : nlohmann::json(describe_span(st.margin))},
           {"clause", d.rule_policy + " " + d.clause}});
    }
  }
  s.facts = {
      {"incidents", "Incidents", count},
      {"open", "Still open", open},
      {"notices_on_time", "Notices given on time", on_time},
      {"notices_late", "Notices given late", late},
      {"notices_overdue", "Notices overdue", overdue},
      {"notices_due", "Notices due, time left", pending},
      {"notices_without_period", "Notices due without undue delay, not given", undue_delay},
  };
  s.status = late > 0 || overdue > 0 || undue_delay > 0 ? "attention" : "ok";
  s.notes.push_back(fmt::format(
      "Deadlines count from detection under each affected tenant's policy (truffles: 24 hours to the controller; "
      "kz: one working day to the authorized body; gdpr: 72 hours to the supervisory authority); the status of "
      "notices not given is counted at {}.",
      format_local(as_of, scope.zone)));
  s.tables.push_back(std::move(incidents));
  s.tables.push_back(std::move(notices));
  return s;
}

}  // namespace dpa

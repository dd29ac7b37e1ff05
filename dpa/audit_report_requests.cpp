// The subject requests section: requests received and closed in the period,
// on time against late by type, and the ones still open with their time
// left. "On time" judges the processor's own obligation with the rule that
// `dpa request list` shows (dpa/request_standing.h): the answer deadline,
// extended if it was, or in processor mode the forward-by date, since the
// controller answers a forwarded request (upstat DPA 9.1).
#include <array>
#include <map>

#include <fmt/format.h>

#include "dpa/audit_report_sections.h"
#include "dpa/incidents.h"
#include "dpa/request_standing.h"
#include "dpa/workspace.h"

namespace dpa {

namespace {

// Where a request stands at the end of the period (or at as_of, for the
// ones still open): one of these, in the order the chart shows them.
enum class Standing { kOpen, kOverdue, kForwarded, kClosedOnTime, kClosedLate };
constexpr std::array<const char*, 5> kStandingLabels = {"open, in time", "open, overdue", "forwarded",
                                                        "closed on time", "closed late"};

struct TypeCounts {
  std::int64_t received = 0, closed = 0, on_time = 0, late = 0, open = 0, overdue = 0;
};

bool met_in_time(const SubjectRequestRecord& r) {
  std::optional<Timestamp> due = own_deadline(r), done = own_completion(r);
  return !due || (done && *done <= *due);
}

}  // namespace

ReportSection requests_section(const ReportScope& scope) {
  ReportSection s;
  s.id = "requests";
  s.title = "Subject requests";
  Timestamp as_of = scope.options.as_of;

  SubjectRequestQuery q;
  q.include_closed = true;
  if (scope.options.tenant) q.tenant_id = scope.options.tenant;

  std::map<std::string, TypeCounts> by_type;
  std::array<double, kStandingLabels.size()> standing{};
  ReportTable open{"open_requests", "Open requests",
                   {{"id", "request", false}, {"tenant", "tenant", false}, {"type", "type", false},
                    {"received", "received", false}, {"deadline", "next deadline", false},
                    {"due", "due", false}, {"status", "status", false}, {"margin", "time left", false},
                    {"clause", "clause", false}},
                   {}, "No request is open."};
  std::int64_t received = 0, closed = 0, on_time = 0, late = 0, still_open = 0, overdue = 0;

  for (const auto& r : scope.ws.store().list_subject_requests(q)) {
    if (!scope.in_scope(r.tenant_id)) continue;
    // In the period: received before its end and not closed before its start.
    if (r.received_at >= scope.until || (r.closed_at && *r.closed_at < scope.from)) continue;
    TypeCounts& t = by_type[r.type];
    if (scope.in_period(r.received_at)) ++t.received, ++received;
    bool closed_in_period = r.closed_at && scope.in_period(*r.closed_at);
    if (closed_in_period) {
      ++t.closed, ++closed;
      bool ok = met_in_time(r);
      ok ? (++t.on_time, ++on_time) : (++t.late, ++late);
      standing[static_cast<std::size_t>(ok ? Standing::kClosedOnTime : Standing::kClosedLate)] += 1;
      continue;
    }
    if (r.closed_at) continue;  // closed after the period: it was open then, but is judged in its own period
    NextDeadline next = next_deadline(r);
    bool is_overdue = next.at && as_of > *next.at;
    ++t.open, ++still_open;
    if (is_overdue) ++t.overdue, ++overdue;
    Standing st = is_overdue ? Standing::kOverdue
                  : r.status == "forwarded" ? Standing::kForwarded
                                            : Standing::kOpen;
    standing[static_cast<std::size_t>(st)] += 1;
    nlohmann::json margin;
    if (next.at) {
      auto span = std::chrono::duration_cast<std::chrono::seconds>(*next.at - as_of);
      margin = is_overdue ? "overdue by " + describe_span(-span) : describe_span(span);
    }
    open.rows.push_back({{"id", r.id},
                         {"tenant", r.tenant_id},
                         {"type", r.type},
                         {"received", format_local(parse_timestamp(r.received_at, TimeZone::utc()), scope.zone)},
                         {"deadline", next.what},
                         {"due", next.at ? nlohmann::json(format_local(*next.at, scope.zone)) : nlohmann::json()},
                         {"status", is_overdue ? "overdue" : r.status},
                         {"margin", margin},
                         {"clause", r.due_clause}});
  }

  ReportTable types{"requests_by_type", "Requests by type",
                    {{"type", "type", false}, {"received", "received", true}, {"closed", "closed", true},
                     {"on_time", "closed on time", true}, {"late", "closed late", true},
                     {"open", "open", true}, {"overdue", "overdue", true}},
                    {}, "No request was received or open in the period."};
  for (const auto& [type, c] : by_type) {
    types.rows.push_back({{"type", type}, {"received", c.received}, {"closed", c.closed}, {"on_time", c.on_time},
                          {"late", c.late}, {"open", c.open}, {"overdue", c.overdue}});
  }

  s.facts = {
      {"requests_received", "Requests received", received},
      {"requests_closed", "Requests closed", closed},
      {"requests_closed_on_time", "Closed on time", on_time},
      {"requests_closed_late", "Closed late", late},
      {"requests_open", "Still open", still_open},
      {"requests_overdue", "Open and overdue", overdue},
  };
  s.status = late > 0 || overdue > 0 ? "attention" : "ok";
  s.notes.push_back(fmt::format(
      "On time means within the processor's own deadline: the answer deadline (extended where the policy allowed "
      "it, with a recorded reason) or, in processor mode, the date by which the request had to be forwarded to the "
      "controller. Open requests are counted at {}.",
      format_local(as_of, scope.zone)));
  ReportFigure figure{"requests_by_status", "Requests by status", "bar", "requests", {}, {{"requests", {}}}};
  for (std::size_t i = 0; i < kStandingLabels.size(); ++i) {
    figure.labels.emplace_back(kStandingLabels[i]);
    figure.series[0].values.push_back(standing[i]);
  }
  s.tables.push_back(std::move(types));
  s.tables.push_back(std::move(open));
  s.figures.push_back(std::move(figure));
  return s;
}

}  // namespace dpa

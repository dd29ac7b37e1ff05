#include "dpa/cli/demo_incidents.h"

#include <fmt/format.h>

#include "dpa/audit_report.h"
#include "dpa/cli/io.h"
#include "dpa/error.h"
#include "dpa/incident_notice.h"
#include "dpa/incidents.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"

namespace dpa::cli {

DemoIncidentsSummary demo_incidents(Workspace& ws, const std::string& tenant, const std::string& report_from,
                                    const std::string& report_to, const std::string& actor) {
  DemoIncidentsSummary s;
  s.tenant = tenant;
  const TimeZone& zone = TimeZone::named(ws.settings().timezone);
  Timestamp t = now();
  // Detected two days ago; the controller was told 20 hours later, the
  // authorized body the next day.
  Timestamp detected = std::chrono::floor<std::chrono::minutes>(t - std::chrono::hours(48));
  IncidentOpening o;
  o.tenants = {tenant};
  o.detected = detected;
  o.summary = "An API key of the messaging integration was published in a public code repository; "
              "chat histories could be read through it for six hours";
  o.categories = {"communications.messages"};
  o.subjects_approx = 1200;
  Incident incident = open_incident(ws, o, actor, detected + std::chrono::minutes(30));
  s.incident = incident.record.id;

  Policy policy = load_policy(get_tenant(ws, tenant).policy, ws.policy_search_dirs());
  TenantRecord record = get_tenant(ws, tenant);
  auto controller = [&] {
    for (const auto& d : notice_deadlines(ws, incident)) {
      if (d.recipient == IncidentRecipient::kController) return d;
    }
    throw Error(ExitStatus::kInternal, "the truffles policy states no notice to the controller");
  };
  try {
    render_incident_notice(incident, controller(), record, policy, "ru", detected + std::chrono::hours(1), zone);
  } catch (const RefusedError& e) {
    s.refusal = e.what();
  }

  IncidentChanges c;
  c.consequences = "Message texts of the customer's clients may have been read; targeted phishing is possible";
  c.measures_taken = "Key revoked and rotated, repository history purged, access logs preserved and reviewed";
  c.measures_proposed = "Secret scanning on every commit; keys scoped to one integration with 30-day expiry";
  c.contact = "Data protection officer of the processor, privacy office";
  c.subjects_contact_data = "List of affected chats handed to the controller through its secure portal";
  incident = update_incident(ws, incident.record.id, c, actor, detected + std::chrono::hours(6));

  NoticeDeadline d = controller();
  s.notice = render_incident_notice(incident, d, record, policy, "ru", detected + std::chrono::hours(20), zone);
  record_notice(ws, incident, d, "sent", "ru", s.notice, detected + std::chrono::hours(20),
                "e-mail to the controller's DPO", actor, t);
  s.controller_due = format_local(*d.due, zone);
  s.controller_sent = format_local(detected + std::chrono::hours(20), zone);
  for (const auto& a : notice_deadlines(ws, get_incident(ws, incident.record.id))) {
    if (a.recipient != IncidentRecipient::kAuthority) continue;
    s.authority_due = format_local(*a.due, zone);
    std::string text = render_incident_notice(incident, a, record, policy, "ru", detected + std::chrono::hours(21), zone);
    record_notice(ws, incident, a, "sent", "ru", text, detected + std::chrono::hours(21),
                  "notice through the authorized body's portal", actor, t);
  }

  AuditReportOptions ro;
  ro.from = parse_timestamp(report_from, zone);
  ro.until = parse_period_end(report_to, zone);
  ro.as_of = t;
  AuditReport report = build_audit_report(ws, ro);
  s.report_from = report_from;
  s.report_to = report_to;
  s.report_html = "audit-report.html";
  s.report_md = "audit-report.md";
  s.report_json = "audit-report.json";
  write_file_atomically(ws.home() / s.report_html, render_audit_report_html(report));
  write_file_atomically(ws.home() / s.report_md, render_audit_report_markdown(report));
  write_file_atomically(ws.home() / s.report_json, audit_report_json(report).dump(2) + "\n");
  return s;
}

}  // namespace dpa::cli

// dpa incident open | update | notice | show | list | close
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "anonymize/detector.h"
#include "dpa/cli/command.h"
#include "dpa/cli/io.h"
#include "dpa/error.h"
#include "dpa/incident_notice.h"
#include "dpa/incidents.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"

namespace dpa::cli {
namespace {

const TimeZone& zone_of(const Workspace& ws) { return TimeZone::named(ws.settings().timezone); }

// When to count "time left" from: --at, else now (tests and reports of a
// past moment pass --at, like `dpa retention plan --at`).
Timestamp at_of(const Invocation& inv, const Workspace& ws) {
  if (auto at = inv.maybe<std::string>("at")) return parse_timestamp(*at, zone_of(ws));
  return now();
}

std::int64_t id_of(const Invocation& inv) {
  std::string text = inv.get<std::string>("id");
  try {
    std::size_t used = 0;
    long long id = std::stoll(text, &used);
    if (used == text.size() && id > 0) return id;
  } catch (const std::exception&) {
  }
  throw UsageError(fmt::format("bad incident id '{}': write the number `dpa incident list` shows", text));
}

// "a,b" "c" -> a, b, c
std::vector<std::string> list_of(const Invocation& inv, const char* name) {
  std::vector<std::string> out;
  if (!inv.has(name)) return out;
  for (const auto& arg : inv.get<std::vector<std::string>>(name)) {
    std::size_t a = 0;
    while (a <= arg.size()) {
      std::size_t b = arg.find(',', a);
      if (b == std::string::npos) b = arg.size();
      std::string item = arg.substr(a, b - a);
      if (!item.empty()) out.push_back(item);
      a = b + 1;
    }
  }
  return out;
}

// What the DPO writes is kept in the state and copied into notices and
// reports: it must describe the incident, never name a subject. A text in
// which the detector finds a phone number, an e-mail address, an IIN, a
// person's name and the like is refused before anything is stored.
void refuse_personal_data(const char* flag, const std::optional<std::string>& text) {
  if (!text) return;
  static const anonymize::Detector detector;
  auto findings = detector.detect(*text);
  std::vector<std::string> types;
  for (const auto& f : findings) {
    if (f.type == anonymize::EntityType::kBin) continue;  // a company's number names no person
    std::string t(anonymize::entity_type_name(f.type));
    if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
  }
  if (types.empty()) return;
  throw InputError(fmt::format(
      "{} looks like it holds personal data ({}): incident texts are stored in the state and must not name "
      "subjects; describe them by category and count",
      flag, fmt::join(types, ", ")));
}

void print_deadlines(const Invocation& inv, const Incident& incident, const std::vector<NoticeDeadline>& deadlines,
                     Timestamp at, const TimeZone& zone) {
  for (const auto& d : deadlines) {
    NoticeStanding s = notice_standing(d, at);
    std::string period = d.period ? d.period->describe() : "without undue delay";
    inv.out << fmt::format("  {:<16} {:<10} {:<22} {:<26} {} ({} {})\n", d.tenant_id, to_string(d.recipient), period,
                           d.due ? format_local(*d.due, zone) : "-", describe_standing(s), d.rule_policy, d.clause);
    auto missing = missing_notice_fields(incident.facts, d.content);
    if (!missing.empty() && !d.sent) {
      inv.out << fmt::format("  {:<16} {:<10} the notice still lacks: {}\n", "", "", fmt::join(missing, ", "));
    }
    for (const auto& w : d.warnings) inv.err << "dpa: warning: " << w << "\n";
  }
}

int run_open(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  IncidentOpening o;
  o.all = inv.get<bool>("all");
  o.tenants = list_of(inv, "tenant");
  if (o.all && !o.tenants.empty()) throw UsageError("give --tenant T or --all, not both");
  o.detected = parse_timestamp(inv.get<std::string>("detected"), zone_of(ws));
  o.summary = inv.get<std::string>("summary");
  refuse_personal_data("--summary", o.summary);
  o.categories = list_of(inv, "categories");
  o.subjects_approx = inv.maybe<long long>("subjects-approx");
  Timestamp t = now();
  Incident incident = open_incident(ws, o, inv.actor(), t);
  auto deadlines = notice_deadlines(ws, incident);
  if (inv.json()) {
    inv.print_json(incident_json(incident, deadlines, t));
    return 0;
  }
  inv.out << fmt::format("incident {} opened, detected {}, affecting {} tenant(s); notices due:\n", incident.record.id,
                         format_local(incident.detected(), zone_of(ws)), incident.tenants.size());
  print_deadlines(inv, incident, deadlines, t, zone_of(ws));
  return 0;
}

int run_update(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  IncidentChanges c;
  c.nature = inv.maybe<std::string>("nature");
  if (inv.has("categories")) c.categories = list_of(inv, "categories");
  c.subjects_approx = inv.maybe<long long>("subjects-approx");
  c.records_approx = inv.maybe<long long>("records-approx");
  c.consequences = inv.maybe<std::string>("consequences");
  c.measures_taken = inv.maybe<std::string>("measures-taken");
  c.measures_proposed = inv.maybe<std::string>("measures-proposed");
  c.contact = inv.maybe<std::string>("contact");
  c.subjects_contact_data = inv.maybe<std::string>("subjects-data-ref");
  refuse_personal_data("--nature", c.nature);
  refuse_personal_data("--consequences", c.consequences);
  refuse_personal_data("--measures-taken", c.measures_taken);
  refuse_personal_data("--measures-proposed", c.measures_proposed);
  refuse_personal_data("--subjects-data-ref", c.subjects_contact_data);
  // --contact is the processor's own contact (an office address, a role
  // mailbox): it is the one text allowed to hold an address.
  Timestamp t = now();
  Incident incident = update_incident(ws, id_of(inv), c, inv.actor(), t);
  auto deadlines = notice_deadlines(ws, incident);
  if (inv.json()) {
    inv.print_json(incident_json(incident, deadlines, t));
    return 0;
  }
  inv.out << fmt::format("incident {} updated\n", incident.record.id);
  print_deadlines(inv, incident, deadlines, t, zone_of(ws));
  return 0;
}

// The deadlines the notice command acts on: one tenant's (or every affected
// tenant's, with --sent and no --tenant) rule for the recipient.
std::vector<NoticeDeadline> chosen(const Invocation& inv, const Incident& incident,
                                   const std::vector<NoticeDeadline>& all, IncidentRecipient recipient,
                                   bool many_allowed) {
  std::optional<std::string> tenant = inv.maybe<std::string>("tenant");
  if (tenant && !incident.tenant(*tenant)) {
    std::vector<std::string> ids;
    for (const auto& t : incident.tenants) ids.push_back(t.tenant_id);
    throw InputError(fmt::format("incident {} does not affect tenant '{}'; it affects {}", incident.record.id,
                                 *tenant, fmt::join(ids, ", ")));
  }
  if (!tenant && incident.tenants.size() == 1) tenant = incident.tenants.front().tenant_id;
  if (!tenant && !many_allowed) {
    std::vector<std::string> ids;
    for (const auto& t : incident.tenants) ids.push_back(t.tenant_id);
    throw UsageError(fmt::format("incident {} affects {} tenants: choose one with --tenant ({})", incident.record.id,
                                 ids.size(), fmt::join(ids, ", ")));
  }
  std::vector<NoticeDeadline> out;
  for (const auto& d : all) {
    if (d.recipient == recipient && (!tenant || d.tenant_id == *tenant)) out.push_back(d);
  }
  if (out.empty()) {
    throw InputError(fmt::format("no policy of {} requires a notice to the {} for incident {}",
                                 tenant ? "tenant " + *tenant : std::string("the affected tenants"),
                                 to_string(recipient), incident.record.id));
  }
  return out;
}

int run_notice(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  const TimeZone& zone = zone_of(ws);
  Incident incident = get_incident(ws, id_of(inv));
  IncidentRecipient recipient = parse_incident_recipient(inv.get<std::string>("to"));
  const bool sent = inv.get<bool>("sent");
  if (!sent && inv.has("reference")) throw UsageError("--reference goes with --sent");
  if (sent && inv.has("out")) throw UsageError("--out renders a notice; record the one given with --sent alone");
  Timestamp t = now();
  Timestamp at = at_of(inv, ws);
  auto deadlines = chosen(inv, incident, notice_deadlines(ws, incident), recipient, sent);

  // Render every notice first: one that is refused records none.
  std::vector<std::pair<std::string, std::string>> texts;  // lang, text
  for (const auto& d : deadlines) {
    TenantRecord tenant = get_tenant(ws, d.tenant_id);
    Policy policy = load_policy(d.policy, ws.policy_search_dirs());
    std::string lang = inv.maybe<std::string>("lang").value_or(default_notice_language(policy));
    texts.emplace_back(lang, render_incident_notice(incident, d, tenant, policy, lang, at, zone));
  }
  nlohmann::json done = nlohmann::json::array();
  std::string text_out;
  for (std::size_t k = 0; k < deadlines.size(); ++k) {
    const NoticeDeadline& d = deadlines[k];
    const auto& [lang, text] = texts[k];
    IncidentNoticeRecord rec = record_notice(ws, incident, d, sent ? "sent" : "rendered", lang, text, at,
                                             inv.maybe<std::string>("reference").value_or(""), inv.actor(), t);
    NoticeDeadline after = d;
    if (sent && (!after.sent || at < *after.sent)) after.sent = at;
    NoticeStanding s = notice_standing(after, at);
    done.push_back({{"tenant", d.tenant_id}, {"recipient", rec.recipient}, {"event", rec.event}, {"lang", lang},
                    {"at", rec.at}, {"due", d.due ? nlohmann::json(format_utc(*d.due)) : nlohmann::json()},
                    {"state", to_string(s.state)}, {"standing", describe_standing(s)},
                    {"content_hash", rec.content_hash}, {"text", text}});
    if (sent) {
      text_out += fmt::format("notice of incident {} to the {} of {} recorded as given {}: {}\n", incident.record.id,
                              rec.recipient, d.tenant_id, format_local(at, zone), describe_standing(s));
    } else {
      text_out += text;
    }
  }
  if (inv.json()) {
    inv.print_json({{"incident", incident.record.id}, {"notices", done}});
  } else if (auto file = inv.maybe<std::string>("out")) {
    write_file_atomically(*file, text_out);
  } else {
    inv.out << text_out;
  }
  return 0;
}

int run_show(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  const TimeZone& zone = zone_of(ws);
  Incident incident = get_incident(ws, id_of(inv));
  Timestamp at = at_of(inv, ws);
  auto deadlines = notice_deadlines(ws, incident);
  if (inv.json()) {
    inv.print_json(incident_json(incident, deadlines, at));
    return 0;
  }
  const IncidentFacts& f = incident.facts;
  auto& out = inv.out;
  out << fmt::format("incident {} ({})\n", incident.record.id,
                     incident.open() ? "open" : "closed " + format_local(parse_timestamp(*incident.record.closed_at,
                                                                                          TimeZone::utc()),
                                                                         zone));
  out << fmt::format("  detected          {}\n", format_local(incident.detected(), zone));
  out << fmt::format("  opened            {} by {}\n", incident.record.opened_at, incident.record.opened_by);
  std::vector<std::string> tenants;
  for (const auto& t : incident.tenants) tenants.push_back(fmt::format("{} ({} {})", t.tenant_id, t.policy, t.policy_version));
  out << fmt::format("  tenants           {}{}\n", fmt::join(tenants, ", "), incident.record.all_tenants ? " [--all]" : "");
  auto field = [&](const char* label, const std::string& v) {
    out << fmt::format("  {:<17} {}\n", label, v.empty() ? "-" : v);
  };
  field("nature", f.nature);
  field("categories", fmt::format("{}", fmt::join(f.categories, ", ")));
  field("subjects approx", f.subjects_approx ? std::to_string(*f.subjects_approx) : "");
  field("records approx", f.records_approx ? std::to_string(*f.records_approx) : "");
  field("consequences", f.consequences);
  field("measures taken", f.measures_taken);
  field("measures proposed", f.measures_proposed);
  field("contact", f.contact);
  field("subjects data ref", f.subjects_contact_data);
  out << fmt::format("notices at {}:\n", format_local(at, zone));
  print_deadlines(inv, incident, deadlines, at, zone);
  if (!incident.notices.empty()) {
    out << "notice record:\n";
    for (const auto& n : incident.notices) {
      out << fmt::format("  {} {:<8} {:<16} {:<10} {} {}\n", n.at, n.event, n.tenant_id, n.recipient, n.lang,
                         n.reference);
    }
  }
  return 0;
}

int run_list(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  const TimeZone& zone = zone_of(ws);
  Timestamp at = at_of(inv, ws);
  auto incidents = list_incidents(ws, inv.get<bool>("open"));
  nlohmann::json arr = nlohmann::json::array();
  if (!inv.json() && !incidents.empty()) {
    inv.out << fmt::format("{:>4} {:<6} {:<25} {:<28} {:<22} {}\n", "ID", "STATE", "DETECTED", "TENANTS",
                           "NEXT NOTICE", "NATURE");
  }
  for (const auto& i : incidents) {
    auto deadlines = notice_deadlines(ws, i);
    if (inv.json()) {
      arr.push_back(incident_json(i, deadlines, at));
      continue;
    }
    // The most pressing notice: overdue first, then the earliest due.
    std::string next = "all notices given";
    std::optional<NoticeStanding> worst;
    for (const auto& d : deadlines) {
      NoticeStanding s = notice_standing(d, at);
      if (s.state == NoticeState::kOverdue && (!worst || worst->state != NoticeState::kOverdue || s.margin > worst->margin)) {
        worst = s;
      } else if (s.state == NoticeState::kDue && (!worst || (worst->state == NoticeState::kDue && s.margin < worst->margin))) {
        worst = s;
      } else if (s.state == NoticeState::kNoDeadline && !worst) {
        worst = s;
      }
    }
    if (worst) next = worst->state == NoticeState::kNoDeadline ? "without undue delay" : describe_standing(*worst);
    std::string tenants = i.record.all_tenants ? fmt::format("all ({})", i.tenants.size())
                                               : (i.tenants.size() == 1 ? i.tenants.front().tenant_id
                                                                        : fmt::format("{} tenants", i.tenants.size()));
    std::string nature = i.facts.nature.size() > 60 ? i.facts.nature.substr(0, 57) + "..." : i.facts.nature;
    inv.out << fmt::format("{:>4} {:<6} {:<25} {:<28} {:<22} {}\n", i.record.id, i.open() ? "open" : "closed",
                           format_local(i.detected(), zone), tenants, next, nature);
  }
  if (inv.json()) inv.print_json(arr);
  return 0;
}

int run_close(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  Incident incident = close_incident(ws, id_of(inv), inv.actor(), now());
  if (inv.json()) inv.print_json(incident_json(incident, notice_deadlines(ws, incident), now()));
  else inv.out << fmt::format("incident {} closed\n", incident.record.id);
  return 0;
}

void declare_id(po::options_description& o, po::positional_options_description& p) {
  o.add_options()("id", po::value<std::string>()->required()->value_name("ID"), "the incident's number");
  p.add("id", 1);
}

void declare_at(po::options_description& o, const char* help) {
  o.add_options()("at", po::value<std::string>()->value_name("DATETIME"), help);
}

const CommandRegistrar open_command{Command{
    "incident open",
    "--tenant T|--all --detected DATETIME --summary TEXT [--categories C,...] [--subjects-approx N]",
    "record a personal data incident; prints the notices due and their deadlines",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()
          ("tenant", po::value<std::vector<std::string>>()->multitoken()->value_name("T"),
           "an affected tenant (repeat, or T1,T2)")
          ("all", po::bool_switch(), "every tenant not deleted: one incident, a deadline per tenant")
          ("detected", po::value<std::string>()->required()->value_name("DATETIME"),
           "when it was detected (ISO-8601; local to the workspace's zone without an offset)")
          ("summary", po::value<std::string>()->required()->value_name("TEXT"),
           "the nature of the incident; never a subject's data")
          ("categories", po::value<std::vector<std::string>>()->multitoken()->value_name("C,..."),
           "data categories concerned (ids of the tenants' policies)")
          ("subjects-approx", po::value<long long>()->value_name("N"), "approximate number of subjects");
    },
    run_open}};

const CommandRegistrar update_command{Command{
    "incident update",
    "ID [--consequences TEXT] [--measures-taken TEXT] [--measures-proposed TEXT] [--contact TEXT] ...",
    "record what is learned and done: consequences, measures taken and proposed, counts",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_id(o, p);
      o.add_options()
          ("nature", po::value<std::string>()->value_name("TEXT"), "a better description of the incident")
          ("categories", po::value<std::vector<std::string>>()->multitoken()->value_name("C,..."),
           "the data categories concerned (replaces the list)")
          ("subjects-approx", po::value<long long>()->value_name("N"), "approximate number of subjects")
          ("records-approx", po::value<long long>()->value_name("N"), "approximate number of records")
          ("consequences", po::value<std::string>()->value_name("TEXT"), "the likely consequences")
          ("measures-taken", po::value<std::string>()->value_name("TEXT"), "the measures taken")
          ("measures-proposed", po::value<std::string>()->value_name("TEXT"), "the measures proposed")
          ("contact", po::value<std::string>()->value_name("TEXT"),
           "who answers questions about it: the DPO's role and office address")
          ("subjects-data-ref", po::value<std::string>()->value_name("TEXT"),
           "where the list of subjects to notify was handed over (kz Rules); never the list");
    },
    run_update}};

const CommandRegistrar notice_command{Command{
    "incident notice",
    "ID [--tenant T] [--to controller|authority|subjects] [--lang ru|en] [--out FILE] | ID --sent [--at DATETIME]",
    "render a notice with every field its policy requires (refused while one is missing), or record it as given",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_id(o, p);
      o.add_options()
          ("tenant", po::value<std::string>()->value_name("T"), "the affected tenant (needed when there are several)")
          ("to", po::value<std::string>()->default_value("controller")->value_name("RECIPIENT"),
           "controller, authority or subjects")
          ("lang", po::value<std::string>()->value_name("ru|en"), "language (default: the policy's)")
          ("out", po::value<std::string>()->value_name("FILE"), "write the notice to FILE")
          ("sent", po::bool_switch(), "record that the notice was given (to every affected tenant without --tenant)")
          ("reference", po::value<std::string>()->value_name("TEXT"), "with --sent: how it was given (ticket, letter)");
      declare_at(o, "with --sent: when it was given; else the date of the notice (default now)");
    },
    run_notice}};

const CommandRegistrar show_command{Command{
    "incident show", "ID [--at DATETIME]", "the facts, every notice deadline and the notices given",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_id(o, p);
      declare_at(o, "count time left from DATETIME instead of now");
    },
    run_show}};

const CommandRegistrar list_command{Command{
    "incident list", "[--open] [--at DATETIME]", "incidents with their most pressing notice",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("open", po::bool_switch(), "only incidents not closed");
      declare_at(o, "count time left from DATETIME instead of now");
    },
    run_list}};

const CommandRegistrar close_command{Command{
    "incident close", "ID", "close an incident: no more updates",
    [](po::options_description& o, po::positional_options_description& p) { declare_id(o, p); }, run_close}};

}  // namespace
}  // namespace dpa::cli

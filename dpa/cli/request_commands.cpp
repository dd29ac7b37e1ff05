// dpa request open | list | show | extend | forward | close | letter | find | fulfil
#include <fmt/format.h>

#include "dpa/cli/command.h"
#include "dpa/datamap.h"
#include "dpa/duration.h"
#include "dpa/error.h"
#include "dpa/policy.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "requests/fulfilment.h"
#include "requests/request_deadline.h"
#include "requests/requests.h"
#include "requests/response_letter.h"

namespace dpa::cli {
namespace {

using namespace dpa::requests;

const TimeZone& zone_of(const Workspace& ws) { return TimeZone::named(ws.settings().timezone); }

// --at: "now" for tests and for looking ahead; changes are stamped with it too.
Timestamp at_of(const Invocation& inv, const Workspace& ws) {
  if (auto at = inv.maybe<std::string>("at")) return parse_timestamp(*at, zone_of(ws));
  return now();
}

void declare_at(po::options_description& o) {
  o.add_options()("at", po::value<std::string>()->value_name("DATETIME"),
                  "act as if it were DATETIME (ISO-8601, local to the workspace's zone; default now)");
}

void declare_id(po::options_description& o, po::positional_options_description& p) {
  o.add_options()("id", po::value<std::string>()->required()->value_name("ID"), "the request, such as R-2026-0001");
  p.add("id", 1);
}

std::string local(const std::optional<std::string>& utc, const TimeZone& zone) {
  if (!utc) return "-";
  std::string s = format_local(parse_timestamp(*utc, TimeZone::utc()), zone);
  return s.substr(0, 10) + " " + s.substr(11, 5);
}

std::string remaining(const SubjectRequestRecord& r, Timestamp at) {
  if (r.status == "closed") return "closed";
  NextDeadline next = next_deadline(r);
  if (!next.at) return "no deadline";
  auto left = std::chrono::duration_cast<std::chrono::seconds>(*next.at - at);
  std::string what = next.what == "forward" ? "to forward" : next.what == "controller" ? "left (controller)" : "left";
  if (left.count() < 0) {
    return fmt::format("OVERDUE {}{}", describe_remaining(left),
                       next.what == "answer" ? "" : " (" + next.what + ")");
  }
  return fmt::format("{} {}", describe_remaining(left), what);
}

int run_open(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  OpenRequest r;
  r.tenant = inv.get<std::string>("tenant");
  r.type = inv.get<std::string>("type");
  if (inv.has("subject")) r.subjects = inv.get<std::vector<std::string>>("subject");
  r.now = at_of(inv, ws);
  if (auto received = inv.maybe<std::string>("received")) r.received = parse_timestamp(*received, zone_of(ws));
  r.channel = inv.maybe<std::string>("channel").value_or("");
  r.actor = inv.actor();
  SubjectRequestRecord rec = open_request(ws, r);
  if (inv.json()) {
    inv.print_json(request_json(rec, r.now));
    return 0;
  }
  const TimeZone& zone = zone_of(ws);
  inv.out << fmt::format("request {} opened for {}: {}, received {}\n", rec.id, rec.tenant_id, rec.type,
                         local(rec.received_at, zone));
  if (rec.due_at) {
    inv.out << fmt::format("  answer due {} ({} under {})\n", local(rec.due_at, zone), rec.due_rule, rec.due_clause);
  } else {
    inv.out << "  the policy sets no answer deadline for this type\n";
  }
  if (rec.forward_by) {
    inv.out << fmt::format("  processor mode: forward it to the controller by {}, then `dpa request forward {}`\n",
                           local(rec.forward_by, zone), rec.id);
  }
  return 0;
}

int run_list(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  Timestamp at = at_of(inv, ws);
  ListFilter f;
  f.tenant = inv.maybe<std::string>("tenant");
  f.include_closed = inv.has("all");
  f.overdue_only = inv.has("overdue");
  if (auto within = inv.maybe<std::string>("due-within")) {
    Duration d = Duration::parse(*within);
    const WorkingCalendar* cal = nullptr;
    if (d.unit == DurationUnit::kWorkingDays) cal = working_calendar_for(load_policy("kz"));
    f.due_before = add_duration(at, d, zone_of(ws), cal);
  }
  auto list = list_requests(ws, f, at);
  if (inv.json()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : list) arr.push_back(request_json(r, at));
    inv.print_json(arr);
    return 0;
  }
  if (list.empty()) return 0;
  const TimeZone& zone = zone_of(ws);
  inv.out << fmt::format("{:<12} {:<16} {:<16} {:<9} {:<16} {:<16} {}\n", "ID", "TENANT", "TYPE", "STATUS", "RECEIVED",
                         "DUE", "LEFT");
  for (const auto& r : list) {
    NextDeadline next = next_deadline(r);
    std::optional<std::string> due;
    if (next.at) due = format_utc(*next.at);
    inv.out << fmt::format("{:<12} {:<16} {:<16} {:<9} {:<16} {:<16} {}\n", r.id, r.tenant_id, r.type, r.status,
                           local(r.received_at, zone), local(due, zone), remaining(r, at));
  }
  return 0;
}

int run_show(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  Timestamp at = at_of(inv, ws);
  RequestView v = show_request(ws, inv.get<std::string>("id"));
  if (inv.json()) {
    inv.print_json(request_view_json(v, at));
    return 0;
  }
  const TimeZone& zone = zone_of(ws);
  const auto& r = v.record;
  inv.out << fmt::format("request   {}\ntenant    {} (policy {})\ntype      {}\nmode      {}\nstatus    {}\n", r.id,
                         r.tenant_id, v.policy, r.type, r.mode, r.status);
  if (!r.channel.empty()) inv.out << fmt::format("channel   {}\n", r.channel);
  inv.out << fmt::format("received  {}\n", local(r.received_at, zone));
  if (r.due_at) inv.out << fmt::format("due       {} ({} under {})\n", local(r.due_at, zone), r.due_rule, r.due_clause);
  if (r.extended_until) {
    inv.out << fmt::format("extended  to {} ({}): {}\n", local(r.extended_until, zone), r.extension_clause,
                           r.extension_reason);
  }
  if (r.forward_by) inv.out << fmt::format("forward   by {}\n", local(r.forward_by, zone));
  if (r.forwarded_at) {
    inv.out << fmt::format("forwarded {}{}\n", local(r.forwarded_at, zone),
                           r.forwarded_to.empty() ? "" : " (" + r.forwarded_to + ")");
  }
  if (r.closed_at) inv.out << fmt::format("closed    {}: {}\n", local(r.closed_at, zone), r.outcome);
  inv.out << fmt::format("now       {}\n", remaining(r, at));
  inv.out << "subjects\n";
  for (const auto& s : v.subjects) inv.out << fmt::format("  {:<6} {:<22} {}…\n", s.kind, s.masked, s.hash.substr(0, 16));
  inv.out << "events\n";
  for (const auto& e : v.events) {
    inv.out << fmt::format("  {}  {:<10} {}\n", local(e.time, zone), e.event, e.actor);
  }
  return 0;
}

int run_extend(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  Timestamp at = at_of(inv, ws);
  auto r = extend_request(ws, inv.get<std::string>("id"), inv.maybe<std::string>("reason").value_or(""), inv.actor(), at);
  if (inv.json()) inv.print_json(request_json(r, at));
  else inv.out << fmt::format("request {} extended to {} ({})\n", r.id, local(r.extended_until, zone_of(ws)), r.extension_clause);
  return 0;
}

int run_forward(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  Timestamp at = at_of(inv, ws);
  auto res = forward_request(ws, inv.get<std::string>("id"), inv.maybe<std::string>("reference").value_or(""),
                             inv.actor(), at);
  if (inv.json()) {
    auto j = request_json(res.request, at);
    j["late"] = res.late;
    inv.print_json(j);
    return 0;
  }
  inv.out << fmt::format("request {} forwarded to the controller {}\n", res.request.id,
                         local(res.request.forwarded_at, zone_of(ws)));
  if (res.late) {
    inv.err << fmt::format("dpa: warning: forwarded after the forward-by time {}\n",
                           local(res.request.forward_by, zone_of(ws)));
  }
  return 0;
}

int run_close(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  Timestamp at = at_of(inv, ws);
  auto r = close_request(ws, inv.get<std::string>("id"), inv.get<std::string>("outcome"), inv.actor(), at);
  if (inv.json()) inv.print_json(request_json(r, at));
  else inv.out << fmt::format("request {} closed: {}\n", r.id, r.outcome);
  return 0;
}

int run_letter(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  RequestView v = show_request(ws, inv.get<std::string>("id"));
  LetterOptions o;
  o.lang = inv.maybe<std::string>("lang").value_or("ru");
  o.format = inv.maybe<std::string>("format").value_or("md");
  TenantRecord t = get_tenant(ws, v.record.tenant_id);
  o.controller = t.name.empty() ? t.id : t.name;
  o.zone = &zone_of(ws);
  o.at = at_of(inv, ws);
  std::string letter = response_letter(v, o);
  if (inv.json()) inv.print_json({{"id", v.record.id}, {"lang", o.lang}, {"format", o.format}, {"letter", letter}});
  else inv.out << letter;
  return 0;
}

int run_find(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  DataMap map = read_datamap(ws.config_path());
  FindOptions o;
  o.text_scan = !inv.has("no-text");
  FindResult r = find_request_records(ws, map, inv.get<std::string>("id"), o);
  if (inv.json()) {
    inv.print_json(find_json(r));
    return 0;
  }
  inv.out << fmt::format("{:<16} {:>8} {:>10} {:>8} {:>11}  {}\n", "DATASET", "RECORDS", "BY-SUBJECT", "BY-TEXT",
                         "RESTRICTED", "STATUS");
  for (const auto& d : r.datasets) {
    std::int64_t restricted = 0;
    for (const auto& f : d.records) restricted += f.restricted ? 1 : 0;
    inv.out << fmt::format("{:<16} {:>8} {:>10} {:>8} {:>11}  {}\n", d.dataset, d.records.size(), d.by_subject,
                           d.by_text, restricted, d.status);
  }
  inv.out << fmt::format("{} records of the subject for tenant {}\n", r.total(), r.tenant);
  if (inv.has("records")) {
    for (const auto& d : r.datasets) {
      for (const auto& f : d.records) {
        std::string via;
        for (const auto& v : f.via) via += (via.empty() ? "" : ",") + v;
        inv.out << fmt::format("  {:<16} {}  {}{}\n", d.dataset, f.key_hash, via, f.restricted ? "  restricted" : "");
      }
    }
  }
  return 0;
}

int run_fulfil(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  DataMap map = read_datamap(ws.config_path());
  FulfilOptions o;
  o.now = at_of(inv, ws);
  o.actor = inv.actor();
  o.find.text_scan = !inv.has("no-text");
  if (auto out = inv.maybe<std::string>("out")) o.out = *out;
  o.format = exports::parse_package_format(inv.maybe<std::string>("format").value_or("zip"));
  if (inv.has("set")) {
    for (const auto& kv : inv.get<std::vector<std::string>>("set")) {
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) throw UsageError(fmt::format("bad --set '{}': write COLUMN=VALUE", kv.substr(0, kv.find('='))));
      o.set.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
  }
  FulfilResult r = fulfil_request(ws, map, inv.get<std::string>("id"), o);
  if (inv.json()) {
    inv.print_json(fulfil_json(r));
    return 0;
  }
  inv.out << fmt::format("request {} ({}) fulfilled\n", r.request_id, r.type);
  if (r.export_id) inv.out << fmt::format("  export {} written to {}\n", *r.export_id, r.package);
  if (r.type == "withdraw-consent" || r.type == "object") {
    inv.out << fmt::format("  {} identifiers added to the tenant's suppression list\n", r.suppressed);
  }
  for (const auto& d : r.datasets) {
    inv.out << fmt::format("  {:<16} {:<15} {}\n", d.dataset, d.action, d.records);
    for (const auto& k : d.kept) {
      inv.out << fmt::format("  {:<16} {:<15} {}…  {} ({})\n", "", "restricted", k.key_hash.substr(0, 12), k.reason, k.clause);
    }
  }
  return 0;
}

const CommandRegistrar open_command{Command{
    "request open",
    "--tenant T --type TYPE --subject KIND:VALUE [--subject ...] [--received DATETIME] [--channel TEXT]",
    "open a data subject's request; its deadline comes from the tenant's policy and the law",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("tenant", po::value<std::string>()->required()->value_name("T"), "the tenant (controller)")(
          "type", po::value<std::string>()->required()->value_name("TYPE"),
          "access, rectify, erase, restrict, withdraw-consent or object")(
          "subject", po::value<std::vector<std::string>>()->value_name("KIND:VALUE"),
          "an identifier of the subject: phone:, email:, iin:, bin:, name: or key:<dataset>:<key>; repeatable")(
          "received", po::value<std::string>()->value_name("DATETIME"),
          "when the request was received (default now; local to the workspace's zone)")(
          "channel", po::value<std::string>()->value_name("TEXT"), "how it came: email, call, letter (no personal data)");
      declare_at(o);
    },
    run_open}};

const CommandRegistrar list_command{Command{
    "request list", "[--tenant T] [--overdue] [--due-within DURATION] [--all] [--at DATETIME] [--json]",
    "list open requests with their next deadline and the time left",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("tenant", po::value<std::string>()->value_name("T"), "only this tenant")(
          "overdue", "only requests past their next deadline")(
          "due-within", po::value<std::string>()->value_name("DURATION"),
          "only requests whose next deadline falls within DURATION (24h, 2d, 1wd)")(
          "all", "closed requests too");
      declare_at(o);
    },
    run_list}};

const CommandRegistrar show_command{Command{
    "request show", "ID [--at DATETIME] [--json]", "a request: deadlines, clauses, masked identifiers, events",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_id(o, p);
      declare_at(o);
    },
    run_show}};

const CommandRegistrar extend_command{Command{
    "request extend", "ID --reason TEXT [--at DATETIME]",
    "extend the answer deadline once, where the policy allows it (GDPR Art. 12(3): two months)",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_id(o, p);
      o.add_options()("reason", po::value<std::string>()->value_name("TEXT"),
                      "why: complexity, number of requests (no personal data: it is audited)");
      declare_at(o);
    },
    run_extend}};

const CommandRegistrar forward_command{Command{
    "request forward", "ID [--reference TEXT] [--at DATETIME]",
    "record that a request went to the controller (processor mode)",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_id(o, p);
      o.add_options()("reference", po::value<std::string>()->value_name("TEXT"),
                      "the ticket or letter it went with (no personal data)");
      declare_at(o);
    },
    run_forward}};

const CommandRegistrar close_command{Command{
    "request close", "ID --outcome TEXT [--at DATETIME]", "close a request with its outcome; it cannot change after",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_id(o, p);
      o.add_options()("outcome", po::value<std::string>()->required()->value_name("TEXT"),
                      "what was done, or why it was refused (no personal data)");
      declare_at(o);
    },
    run_close}};

const CommandRegistrar letter_command{Command{
    "request letter", "ID [--lang ru|en] [--format md|text] [--at DATETIME]",
    "the response letter to the subject: what was asked, the deadline and clauses, what was done",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_id(o, p);
      o.add_options()("lang", po::value<std::string>()->value_name("ru|en"), "language (default ru)")(
          "format", po::value<std::string>()->value_name("md|text"), "Markdown or plain text (default md)");
      declare_at(o);
    },
    run_letter}};

const CommandRegistrar find_command{Command{
    "request find", "ID [--no-text] [--records] [--json]",
    "every record of the request's subject in the data map, with counts per dataset (hashes, never values)",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_id(o, p);
      o.add_options()("no-text", "match subject columns only; do not scan the text fields")(
          "records", "list each record's key hash and how it was found");
    },
    run_find}};

const CommandRegistrar fulfil_command{Command{
    "request fulfil", "ID [--out PATH [--format zip|tar|dir]] [--set COLUMN=VALUE ...] [--no-text] [--at DATETIME]",
    "act on a request: export (access), erase, rectify, restrict, or suppress (withdraw-consent, object)",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_id(o, p);
      o.add_options()("out", po::value<std::string>()->value_name("PATH"), "access: where to write the package")(
          "format", po::value<std::string>()->value_name("zip|tar|dir"), "access: the package format (default zip)")(
          "set", po::value<std::vector<std::string>>()->value_name("COLUMN=VALUE"),
          "rectify: the corrected value of a column; repeatable")(
          "no-text", "find records by subject columns only; do not scan the text fields");
      declare_at(o);
    },
    run_fulfil}};

}  // namespace
}  // namespace dpa::cli

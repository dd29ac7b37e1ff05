// dpa transfer check | log | list | report
// dpa transfer subprocessor add | list | retire
// dpa transfer agreement add | list | revoke
#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dpa/cli/command.h"
#include "dpa/error.h"
#include "dpa/policy.h"
#include "dpa/subprocessor_register.h"
#include "dpa/tenants.h"
#include "dpa/time.h"
#include "dpa/transfer_agreements.h"
#include "dpa/transfer_report.h"
#include "dpa/transfers.h"
#include "dpa/workspace.h"

namespace dpa::cli {
namespace {

const TimeZone& zone_of(const Workspace& ws) { return TimeZone::named(ws.settings().timezone); }

std::optional<Timestamp> maybe_time(const Invocation& inv, const char* flag, const Workspace& ws) {
  auto text = inv.maybe<std::string>(flag);
  if (!text) return std::nullopt;
  return parse_timestamp(*text, zone_of(ws));
}

// An end of a period: a plain date includes that whole (local) day.
Timestamp period_end(const std::string& text, const Workspace& ws) { return parse_period_end(text, zone_of(ws)); }

std::string policy_flag(const Invocation& inv, const Workspace& ws, const char* command) {
  std::string policy = inv.maybe<std::string>("policy").value_or(ws.settings().default_policy);
  if (policy.empty()) throw UsageError(fmt::format("{}: --policy NAME is required (dpa.toml sets no default)", command));
  return policy;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    auto b = item.find_first_not_of(' ');
    auto e = item.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

Receives parse_receives(const std::string& text) {
  if (text == "raw") return Receives::kRaw;
  if (text == "pseudonymized") return Receives::kPseudonymized;
  if (text == "none") return Receives::kNone;
  throw UsageError(fmt::format("--receives is raw, pseudonymized or none, not '{}'", text));
}

std::string cite(const TransferDecision& d) {
  return d.policy.empty() ? d.clause : fmt::format("{} {}", d.policy, d.clause);
}

nlohmann::json decision_json(const TransferDecision& d) {
  return {{"allowed", d.allowed},
          {"decision", d.allowed ? "allow" : "refuse"},
          {"subprocessor", d.subprocessor},
          {"country", d.country},
          {"policy", d.policy},
          {"clause", d.clause},
          {"refusal", d.refusal.empty() ? nlohmann::json() : nlohmann::json(d.refusal)},
          {"reason", d.reason.empty() ? nlohmann::json() : nlohmann::json(d.reason)},
          {"cross_border", d.cross_border},
          {"basis", d.basis}};
}

nlohmann::json record_json(const TransferRecord& t) {
  nlohmann::json j{{"id", t.id},
                   {"time", t.time},
                   {"tenant", t.tenant_id},
                   {"subprocessor", t.subprocessor},
                   {"country", t.country},
                   {"category", t.category},
                   {"status", t.status},
                   {"pseudonymized", t.pseudonymized},
                   {"operator", t.operator_name},
                   {"bytes", t.bytes},
                   {"records", t.records},
                   {"source", t.source},
                   {"reference", t.reference},
                   {"clause", t.clause},
                   {"reason", t.reason},
                   {"actor", t.actor}};
  j["entities"] = t.entity_counts.empty() ? nlohmann::json::object()
                                          : nlohmann::json::parse(t.entity_counts, nullptr, false);
  return j;
}

TransferRequest request_from(const Invocation& inv) {
  TransferRequest r;
  r.tenant_id = inv.get<std::string>("tenant");
  r.subprocessor = inv.get<std::string>("to");
  r.category = inv.maybe<std::string>("category").value_or("");
  r.pseudonymized = inv.get<bool>("pseudonymized");
  r.lawful_request = inv.maybe<std::string>("lawful-request").value_or("");
  if (inv.has("lawful-request") && r.lawful_request.empty()) {
    throw UsageError("--lawful-request names the request (its number and date), not an empty string");
  }
  return r;
}

void declare_request(po::options_description& o) {
  o.add_options()
      ("tenant", po::value<std::string>()->required()->value_name("T"), "the tenant (controller) whose data leave")
      ("to", po::value<std::string>()->required()->value_name("S"), "the subprocessor (name or legal name)")
      ("category", po::value<std::string>()->value_name("C"), "data category (default: the subprocessor's only one)")
      ("pseudonymized", po::bool_switch(), "the data were pseudonymized before leaving")
      ("lawful-request", po::value<std::string>()->value_name("REF"),
       "the official lawful request the transfer answers (recorded)");
}

int run_check(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  TransferRequest req = request_from(inv);
  TransferCheck c = check_transfer(ws, req, inv.actor());
  const TransferDecision& d = c.decision;
  if (inv.json()) {
    nlohmann::json j = decision_json(d);
    j["tenant"] = c.tenant.id;
    j["category"] = c.category;
    j["pseudonymized"] = req.pseudonymized;
    j["lawful_request"] = req.lawful_request.empty() ? nlohmann::json() : nlohmann::json(req.lawful_request);
    j["transfer_id"] = c.record_id ? nlohmann::json(c.record_id) : nlohmann::json();
    inv.print_json(j);
  } else if (d.allowed) {
    inv.out << fmt::format("allow: {} ({}) may receive {} {} data from {} ({})\n", d.subprocessor, d.country,
                           req.pseudonymized ? "pseudonymized" : "raw", c.category, c.tenant.id, cite(d));
    for (const auto& b : d.basis) inv.out << "  basis: " << b << "\n";
  } else {
    inv.out << fmt::format("refuse: {} ({}); recorded as transfer #{}\n", d.reason, cite(d), c.record_id);
  }
  return d.allowed ? 0 : static_cast<int>(ExitStatus::kRefused);
}

int run_log(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  LoggedTransfer t;
  t.request = request_from(inv);
  t.time = maybe_time(inv, "time", ws);
  t.bytes = inv.maybe<long long>("bytes").value_or(0);
  t.records = inv.maybe<long long>("records").value_or(0);
  t.source = inv.maybe<std::string>("source").value_or("");
  t.reference = inv.maybe<std::string>("reference").value_or("");
  t.operator_name = inv.maybe<std::string>("operator").value_or("");
  if (!t.reference.empty() && !t.request.lawful_request.empty()) {
    throw UsageError("transfer log: give --reference or --lawful-request, not both");
  }
  LoggedTransferResult r = log_transfer(ws, t, inv.actor());
  if (inv.json()) {
    nlohmann::json j = record_json(r.record);
    j["decision"] = decision_json(r.decision);
    inv.print_json(j);
  }
  if (!r.decision.allowed) {
    throw RefusedError(fmt::format("transfer #{} recorded, but the rules in force at its time did not allow it: "
                                   "{} ({})",
                                   r.record.id, r.decision.reason, cite(r.decision)));
  }
  return 0;
}

// Every subprocessor name the workspace's tenants' policies and registers know.
std::vector<std::string> known_names(Workspace& ws) {
  std::set<std::string> policies;
  if (!ws.settings().default_policy.empty()) policies.insert(ws.settings().default_policy);
  for (const auto& t : list_tenants(ws)) policies.insert(t.policy);
  std::set<std::string> names;
  for (const auto& p : policies) {
    Policy policy = load_policy(p, ws.policy_search_dirs());
    for (const auto& n : SubprocessorRegister::load(ws, policy).names()) names.insert(n);
  }
  return {names.begin(), names.end()};
}

int run_list(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  TransferQuery q;
  if (auto t = inv.maybe<std::string>("tenant")) q.tenant_id = get_tenant(ws, *t).id;
  if (auto s = inv.maybe<std::string>("to")) {
    std::optional<std::string> canon;
    if (q.tenant_id) {
      Policy policy = load_policy(get_tenant(ws, *q.tenant_id).policy, ws.policy_search_dirs());
      SubprocessorRegister reg = SubprocessorRegister::load(ws, policy);
      canon = reg.canonical(*s);
      if (!canon) reg.resolve(*s, now());  // throws, listing the names
    } else {
      auto names = known_names(ws);
      auto same = [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      };
      for (const auto& n : names) {
        if (std::equal(n.begin(), n.end(), s->begin(), s->end(), same)) canon = n;
      }
      if (!canon) throw InputError(fmt::format("unknown subprocessor '{}'; known: {}", *s, fmt::join(names, ", ")));
    }
    q.subprocessor = *canon;
  }
  if (auto since = maybe_time(inv, "since", ws)) q.since = format_utc(*since);
  if (auto until = inv.maybe<std::string>("until")) q.until = format_utc(period_end(*until, ws));
  std::string status = inv.maybe<std::string>("status").value_or("");
  if (!status.empty() && status != "made" && status != "refused") {
    throw UsageError(fmt::format("--status is made or refused, not '{}'", status));
  }
  nlohmann::json arr = nlohmann::json::array();
  bool header = false;
  ws.store().scan_transfers(q, [&](const TransferRecord& t) {
    if (!status.empty() && t.status != status) return true;
    if (inv.json()) {
      arr.push_back(record_json(t));
      return true;
    }
    if (!header) {
      inv.out << fmt::format("{:>5} {:<20} {:<16} {:<12} {:<7} {:<26} {:<7} {:<6} {:>10} {:<18} {}\n", "ID", "TIME",
                             "TENANT", "TO", "COUNTRY", "CATEGORY", "STATUS", "PSEUDO", "BYTES", "SOURCE", "CLAUSE");
      header = true;
    }
    inv.out << fmt::format("{:>5} {:<20} {:<16} {:<12} {:<7} {:<26} {:<7} {:<6} {:>10} {:<18} {}\n", t.id, t.time,
                           t.tenant_id, t.subprocessor, t.country, t.category, t.status,
                           t.pseudonymized ? "yes" : "no", t.bytes, t.source, t.clause);
    return true;
  });
  if (inv.json()) inv.print_json(arr);
  return 0;
}

int run_report(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  Timestamp from = parse_timestamp(inv.get<std::string>("from"), zone_of(ws));
  Timestamp until = period_end(inv.get<std::string>("to"), ws);
  ReportFormat format = inv.json() ? ReportFormat::kJson : parse_report_format(inv.get<std::string>("format"));
  TransferReport report = build_transfer_report(ws, from, until);
  inv.out << render_transfer_report(report, format);
  return 0;
}

// ------------------------------------------------------------------ register

nlohmann::json registered_json(const RegisteredSubprocessor& r) {
  const Subprocessor& s = r.sub;
  return {{"name", s.name},
          {"legal_name", s.legal_name},
          {"country", s.country},
          {"purpose", s.purpose},
          {"categories", s.categories},
          {"receives", to_string(s.receives)},
          {"primary_storage", s.primary_storage},
          {"status", to_string(r.status)},
          {"since", r.since.empty() ? nlohmann::json() : nlohmann::json(r.since)},
          {"in_policy", r.in_policy},
          {"entry", r.entry_id ? nlohmann::json(r.entry_id) : nlohmann::json()},
          {"safeguard", r.safeguard == Safeguard::kNone ? nlohmann::json() : nlohmann::json(to_string(r.safeguard))},
          {"safeguard_reference", r.safeguard_reference.empty() ? nlohmann::json() : nlohmann::json(r.safeguard_reference)},
          {"safeguard_expires", r.safeguard_expires ? nlohmann::json(*r.safeguard_expires) : nlohmann::json()},
          {"policy", s.origin.policy},
          {"clause", s.origin.clause}};
}

nlohmann::json entry_json(const SubprocessorEntryRecord& e) {
  auto opt = [](const std::string& v) { return v.empty() ? nlohmann::json() : nlohmann::json(v); };
  return {{"id", e.id},
          {"policy", e.policy},
          {"name", e.name},
          {"action", e.action},
          {"effective", e.effective},
          {"legal_name", opt(e.legal_name)},
          {"country", opt(e.country)},
          {"purpose", opt(e.purpose)},
          {"categories", e.categories.empty() ? nlohmann::json() : nlohmann::json::parse(e.categories, nullptr, false)},
          {"receives", opt(e.receives)},
          {"primary_storage", e.primary_storage ? nlohmann::json(*e.primary_storage) : nlohmann::json()},
          {"safeguard", opt(e.safeguard)},
          {"safeguard_reference", opt(e.safeguard_reference)},
          {"safeguard_expires", e.safeguard_expires ? nlohmann::json(*e.safeguard_expires) : nlohmann::json()},
          {"clause", opt(e.clause)},
          {"note", opt(e.note)},
          {"recorded_at", e.recorded_at},
          {"actor", e.actor}};
}

int run_sub_add(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  SubprocessorEntry e;
  e.policy = policy_flag(inv, ws, "transfer subprocessor add");
  e.name = inv.get<std::string>("name");
  e.legal_name = inv.maybe<std::string>("legal-name");
  e.country = inv.maybe<std::string>("country");
  e.purpose = inv.maybe<std::string>("purpose");
  if (auto c = inv.maybe<std::string>("categories")) e.categories = split_list(*c);
  if (auto r = inv.maybe<std::string>("receives")) e.receives = parse_receives(*r);
  if (auto p = inv.maybe<std::string>("primary-storage")) {
    if (*p != "yes" && *p != "no") throw UsageError(fmt::format("--primary-storage is yes or no, not '{}'", *p));
    e.primary_storage = *p == "yes";
  }
  if (auto s = inv.maybe<std::string>("safeguard")) e.safeguard = parse_safeguard(*s);
  e.safeguard_reference = inv.maybe<std::string>("reference").value_or("");
  e.safeguard_expires = maybe_time(inv, "expires", ws);
  e.effective = maybe_time(inv, "effective", ws);
  e.clause = inv.maybe<std::string>("clause").value_or("");
  e.note = inv.maybe<std::string>("note").value_or("");
  SubprocessorEntryRecord rec = add_subprocessor_entry(ws, e, inv.actor());
  if (inv.json()) inv.print_json(entry_json(rec));
  return 0;
}

int run_sub_retire(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  std::string policy = policy_flag(inv, ws, "transfer subprocessor retire");
  SubprocessorEntryRecord rec =
      retire_subprocessor(ws, policy, inv.get<std::string>("name"), maybe_time(inv, "effective", ws),
                          inv.maybe<std::string>("clause").value_or(""), inv.maybe<std::string>("note").value_or(""),
                          inv.actor());
  if (inv.json()) inv.print_json(entry_json(rec));
  return 0;
}

int run_sub_list(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  Policy policy = load_policy(policy_flag(inv, ws, "transfer subprocessor list"), ws.policy_search_dirs());
  SubprocessorRegister reg = SubprocessorRegister::load(ws, policy);
  if (inv.get<bool>("history")) {
    if (inv.json()) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& e : reg.entries()) arr.push_back(entry_json(e));
      inv.print_json(arr);
      return 0;
    }
    for (const auto& e : reg.entries()) {
      inv.out << fmt::format("#{:<4} {} {:<7} {:<14} {}{}{}{}\n", e.id, e.effective, e.action, e.name,
                             e.legal_name.empty() ? "" : e.legal_name + " ", e.country.empty() ? "" : "(" + e.country + ") ",
                             e.safeguard.empty() ? "" : e.safeguard + " " + e.safeguard_reference + " ",
                             e.clause.empty() ? "" : "[" + e.clause + "]");
    }
    return 0;
  }
  Timestamp at = maybe_time(inv, "at", ws).value_or(now());
  auto all = reg.at(at);
  if (inv.json()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : all) arr.push_back(registered_json(r));
    inv.print_json(arr);
    return 0;
  }
  inv.out << fmt::format("{:<20} {:<16} {:<7} {:<13} {:<10} {:<26} {}\n", "NAME", "STATUS", "COUNTRY", "RECEIVES",
                         "SAFEGUARD", "EXPIRES", "LEGAL NAME");
  for (const auto& r : all) {
    inv.out << fmt::format("{:<20} {:<16} {:<7} {:<13} {:<10} {:<26} {}\n", r.sub.name, to_string(r.status),
                           r.sub.country, to_string(r.sub.receives),
                           r.safeguard == Safeguard::kNone ? "-" : to_string(r.safeguard),
                           r.safeguard_expires.value_or("-"), r.sub.legal_name);
  }
  return 0;
}

// ------------------------------------------------------------------ agreements

nlohmann::json agreement_json(const TransferAgreementRecord& a) {
  auto opt = [](const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  return {{"id", a.id},
          {"tenant", a.tenant_id},
          {"kind", a.kind},
          {"subprocessor", a.subprocessor.empty() ? nlohmann::json("*") : nlohmann::json(a.subprocessor)},
          {"reference", a.reference},
          {"effective", a.effective},
          {"expires", opt(a.expires)},
          {"revoked_at", opt(a.revoked_at)},
          {"recorded_at", a.recorded_at},
          {"actor", a.actor}};
}

int run_agreement_add(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  TransferAgreement a;
  a.tenant_id = inv.get<std::string>("tenant");
  a.kind = parse_agreement_kind(inv.get<std::string>("kind"));
  a.subprocessor = inv.maybe<std::string>("to").value_or("");
  a.reference = inv.get<std::string>("reference");
  a.effective = maybe_time(inv, "effective", ws);
  a.expires = maybe_time(inv, "expires", ws);
  TransferAgreementRecord rec = add_transfer_agreement(ws, a, inv.actor());
  if (inv.json()) inv.print_json(agreement_json(rec));
  return 0;
}

int run_agreement_list(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  auto all = list_transfer_agreements(ws, inv.maybe<std::string>("tenant").value_or(""));
  if (inv.json()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& a : all) arr.push_back(agreement_json(a));
    inv.print_json(arr);
    return 0;
  }
  if (all.empty()) return 0;
  inv.out << fmt::format("{:>4} {:<16} {:<21} {:<12} {:<20} {:<20} {:<20} {}\n", "ID", "TENANT", "KIND", "TO",
                         "EFFECTIVE", "EXPIRES", "REVOKED", "REFERENCE");
  for (const auto& a : all) {
    inv.out << fmt::format("{:>4} {:<16} {:<21} {:<12} {:<20} {:<20} {:<20} {}\n", a.id, a.tenant_id, a.kind,
                           a.subprocessor.empty() ? "*" : a.subprocessor, a.effective, a.expires.value_or("-"),
                           a.revoked_at.value_or("-"), a.reference);
  }
  return 0;
}

int run_agreement_revoke(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  TransferAgreementRecord rec = revoke_transfer_agreement(ws, inv.get<long long>("id"));
  if (inv.json()) inv.print_json(agreement_json(rec));
  return 0;
}

// ------------------------------------------------------------------ registration

const CommandRegistrar check_command{Command{
    "transfer check", "--tenant T --to S [--category C] [--pseudonymized] [--lawful-request REF]",
    "allow or refuse a transfer to a subprocessor, citing the clause (exit 6: refused)",
    [](po::options_description& o, po::positional_options_description&) { declare_request(o); }, run_check}};

const CommandRegistrar log_command{Command{
    "transfer log",
    "--tenant T --to S [--category C] [--pseudonymized] [--bytes N] [--records N] [--time DATE] "
    "[--source TEXT] [--reference REF | --lawful-request REF] [--operator NAME]",
    "record a transfer another tool made (HTTP upload, export)",
    [](po::options_description& o, po::positional_options_description&) {
      declare_request(o);
      o.add_options()
          ("bytes", po::value<long long>()->value_name("N"), "bytes sent")
          ("records", po::value<long long>()->value_name("N"), "records or documents sent")
          ("time", po::value<std::string>()->value_name("DATE"), "when it was made (default: now)")
          ("source", po::value<std::string>()->value_name("TEXT"), "the tool that sent it (default \"dpa transfer log\")")
          ("reference", po::value<std::string>()->value_name("REF"), "upload or export id")
          ("operator", po::value<std::string>()->value_name("NAME"), "how the data were pseudonymized, if they were");
    },
    run_log}};

const CommandRegistrar list_command{Command{
    "transfer list", "[--tenant T] [--to S] [--since DATE] [--until DATE] [--status made|refused] [--json]",
    "list transfers made and refused",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()
          ("tenant", po::value<std::string>()->value_name("T"), "only this tenant's")
          ("to", po::value<std::string>()->value_name("S"), "only to this subprocessor")
          ("since", po::value<std::string>()->value_name("DATE"), "at or after DATE")
          ("until", po::value<std::string>()->value_name("DATE"), "before DATE (a plain date: through that day)")
          ("status", po::value<std::string>()->value_name("made|refused"), "only made or only refused");
    },
    run_list}};

const CommandRegistrar report_command{Command{
    "transfer report", "--from DATE --to DATE [--format md|csv|json]",
    "per subprocessor and country: volume, categories, pseudonymized share, refusals, flagged transfers",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()
          ("from", po::value<std::string>()->required()->value_name("DATE"), "start of the period (inclusive)")
          ("to", po::value<std::string>()->required()->value_name("DATE"), "end of the period (a plain date: through that day)")
          ("format", po::value<std::string>()->default_value("md")->value_name("md|csv|json"), "output format");
    },
    run_report}};

void declare_sub_common(po::options_description& o) {
  o.add_options()
      ("policy", po::value<std::string>()->value_name("NAME"), "the policy whose list it changes (default: dpa.toml's)")
      ("name", po::value<std::string>()->required()->value_name("NAME"), "short name (the policy's, or a new one)")
      ("effective", po::value<std::string>()->value_name("DATE"), "in force from (default: now)")
      ("clause", po::value<std::string>()->value_name("TEXT"), "the clause or notice it is recorded under")
      ("note", po::value<std::string>()->value_name("TEXT"), "a note for the auditor");
}

const CommandRegistrar sub_add_command{Command{
    "transfer subprocessor add",
    "--name NAME [--policy P] [--legal-name TEXT] [--country CC] [--purpose TEXT] [--categories C,...] "
    "[--receives raw|pseudonymized|none] [--primary-storage yes|no] [--safeguard KIND --reference REF "
    "[--expires DATE]] [--effective DATE] [--clause TEXT]",
    "record a subprocessor entry: a policy's made concrete, or a new one (audited)",
    [](po::options_description& o, po::positional_options_description&) {
      declare_sub_common(o);
      o.add_options()
          ("legal-name", po::value<std::string>()->value_name("TEXT"), "\"PS Cloud Services LLP\"")
          ("country", po::value<std::string>()->value_name("CC"), "ISO 3166-1 alpha-2, or unknown")
          ("purpose", po::value<std::string>()->value_name("TEXT"), "what it does with the data")
          ("categories", po::value<std::string>()->value_name("C,..."), "data categories it may receive")
          ("receives", po::value<std::string>()->value_name("raw|pseudonymized|none"), "what it may receive")
          ("primary-storage", po::value<std::string>()->value_name("yes|no"), "it holds the primary database")
          ("safeguard", po::value<std::string>()->value_name("KIND"),
           "cross-border safeguard: adequacy, scc, bcr, consent, derogation or none")
          ("reference", po::value<std::string>()->value_name("REF"), "the safeguard's document (SCC, TIA, decision)")
          ("expires", po::value<std::string>()->value_name("DATE"), "first day the safeguard no longer holds");
    },
    run_sub_add}};

const CommandRegistrar sub_retire_command{Command{
    "transfer subprocessor retire", "--name NAME [--policy P] [--effective DATE] [--clause TEXT]",
    "stop using a subprocessor from a date (audited)",
    [](po::options_description& o, po::positional_options_description&) { declare_sub_common(o); },
    run_sub_retire}};

const CommandRegistrar sub_list_command{Command{
    "transfer subprocessor list", "[--policy P] [--at DATE] [--history] [--json]",
    "the register: the policy's subprocessors as the workspace's entries make them",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()
          ("policy", po::value<std::string>()->value_name("NAME"), "the policy (default: dpa.toml's)")
          ("at", po::value<std::string>()->value_name("DATE"), "as it stood at DATE (default: now)")
          ("history", po::bool_switch(), "every workspace entry instead, in order");
    },
    run_sub_list}};

const CommandRegistrar agreement_add_command{Command{
    "transfer agreement add",
    "--tenant T --kind storage-abroad|cross-border-consent --reference REF [--to S] [--effective DATE] "
    "[--expires DATE]",
    "record a tenant's written agreement a transfer rule relies on (audited)",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()
          ("tenant", po::value<std::string>()->required()->value_name("T"), "the tenant (controller)")
          ("kind", po::value<std::string>()->required()->value_name("KIND"), "storage-abroad or cross-border-consent")
          ("reference", po::value<std::string>()->required()->value_name("REF"), "the signed document")
          ("to", po::value<std::string>()->value_name("S"), "only for this subprocessor (default: all)")
          ("effective", po::value<std::string>()->value_name("DATE"), "in force from (default: now)")
          ("expires", po::value<std::string>()->value_name("DATE"), "first day it no longer holds");
    },
    run_agreement_add}};

const CommandRegistrar agreement_list_command{Command{
    "transfer agreement list", "[--tenant T] [--json]", "list the tenants' transfer agreements",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("tenant", po::value<std::string>()->value_name("T"), "only this tenant's");
    },
    run_agreement_list}};

const CommandRegistrar agreement_revoke_command{Command{
    "transfer agreement revoke", "ID", "revoke a transfer agreement from now on (audited)",
    [](po::options_description& o, po::positional_options_description& p) {
      o.add_options()("id", po::value<long long>()->required()->value_name("ID"), "the agreement's id");
      p.add("id", 1);
    },
    run_agreement_revoke}};

}  // namespace
}  // namespace dpa::cli

// dpa suppress add | remove | list | check
#include <fstream>
#include <iostream>
#include <unistd.h>

#include <fmt/format.h>

#include "dpa/cli/command.h"
#include "dpa/cli/io.h"
#include "dpa/error.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "requests/contact_filter.h"
#include "requests/suppression.h"

namespace dpa::cli {
namespace {

using namespace dpa::requests;

void declare_subject(po::options_description& o, po::positional_options_description& p) {
  o.add_options()("tenant", po::value<std::string>()->required()->value_name("T"), "the tenant")(
      "subject", po::value<std::string>()->required()->value_name("KIND:VALUE"),
      "the subject: phone:+77011234567, email:name@example.kz, ...");
  p.add("subject", 1);
}

std::string entry_line(const SuppressionRecord& s) {
  return fmt::format("{:<5} {:<6} {}… {:<17} {:<20} {}{}", s.id, s.kind, s.subject_hash.substr(0, 16), s.reason,
                     s.clause.empty() ? "-" : s.clause, s.added_at.substr(0, 10),
                     s.source_request.empty() ? "" : " (" + s.source_request + ")");
}

int run_add(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  SuppressRequest r;
  r.tenant = inv.get<std::string>("tenant");
  r.subject = inv.get<std::string>("subject");
  r.reason = inv.maybe<std::string>("reason").value_or("manual");
  r.note = inv.maybe<std::string>("note").value_or("");
  r.actor = inv.actor();
  r.now = now();
  SuppressResult res = suppress(ws, r);
  if (inv.json()) {
    auto j = suppression_json(res.entry);
    j["added"] = res.added;
    inv.print_json(j);
  } else if (res.added) {
    inv.out << fmt::format("suppressed {} {}… for {} ({}{})\n", res.entry.kind, res.entry.subject_hash.substr(0, 12),
                           res.entry.tenant_id, res.entry.reason,
                           res.entry.clause.empty() ? "" : ", " + res.entry.clause);
  } else {
    inv.out << fmt::format("already suppressed for {} since {} (entry {}, {})\n", res.entry.tenant_id,
                           res.entry.added_at, res.entry.id, res.entry.reason);
  }
  return 0;
}

int run_import(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  SuppressImport r;
  r.tenant = inv.get<std::string>("tenant");
  r.kind = inv.maybe<std::string>("kind");
  r.reason = inv.maybe<std::string>("reason").value_or("manual");
  r.note = inv.maybe<std::string>("note").value_or("");
  r.actor = inv.actor();
  r.now = now();
  SuppressImportResult res;
  if (auto file = inv.maybe<std::string>("input")) {
    std::ifstream in(*file);
    if (!in) throw InputError(fmt::format("cannot open {}", *file));
    res = suppress_import(ws, r, in, *file);
  } else {
    res = suppress_import(ws, r, std::cin, "standard input");
  }
  if (inv.json()) {
    inv.print_json({{"identifiers", res.identifiers}, {"added", res.added}, {"already", res.already}});
  } else {
    inv.out << fmt::format("suppressed {} subject(s) for {}; {} already suppressed or repeated\n", res.added,
                           r.tenant, res.already);
  }
  return 0;
}

int run_remove(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  auto s = unsuppress(ws, inv.get<std::string>("tenant"), inv.get<std::string>("subject"),
                      inv.maybe<std::string>("reason").value_or(""), inv.actor(), now());
  if (inv.json()) inv.print_json(suppression_json(s));
  else inv.out << fmt::format("suppression {} lifted for {}\n", s.id, s.tenant_id);
  return 0;
}

int run_list(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  auto list = list_suppressions(ws, inv.get<std::string>("tenant"), inv.has("all"));
  if (inv.json()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& s : list) arr.push_back(suppression_json(s));
    inv.print_json(arr);
    return 0;
  }
  if (list.empty()) return 0;
  inv.out << fmt::format("{:<5} {:<6} {:<17} {:<17} {:<20} {}\n", "ID", "KIND", "HASH", "REASON", "CLAUSE", "ADDED");
  for (const auto& s : list) {
    inv.out << entry_line(s) << (s.removed_at ? " removed " + s.removed_at->substr(0, 10) : "") << "\n";
  }
  return 0;
}

int run_check(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  std::string kind = inv.maybe<std::string>("kind").value_or("phone");
  SuppressionSet set = SuppressionSet::load(ws, inv.get<std::string>("tenant"), kind);
  ContactFilterOptions o;
  o.format = inv.maybe<std::string>("format").value_or("auto");
  if (inv.has("column") && inv.has("field")) throw UsageError("give --column (CSV) or --field (JSON Lines), not both");
  if (auto c = inv.maybe<std::string>("column")) o.column = *c;
  if (auto f = inv.maybe<std::string>("field")) o.column = *f;
  o.drop_invalid = inv.has("drop-invalid");
  int fd = STDIN_FILENO;
  std::string name = "standard input";
  if (auto input = inv.maybe<std::string>("input")) {
    fd = open_input(*input);
    name = *input;
  }
  FdSource in(fd, name);
  // Nothing leaves until the whole list passed: a bad row half-way must not
  // let a partial list (or one with a blocked number) reach the dialler.
  SpoolSink out(STDOUT_FILENO, false, std::nullopt);
  ContactFilterResult r = filter_contacts(set, in, out, o);
  out.commit();
  if (fd != STDIN_FILENO) ::close(fd);
  ws.audit().append("suppress.check", "tenant:" + inv.get<std::string>("tenant"),
                    {{"kind", kind}, {"format", r.format}, {"rows", r.rows}, {"kept", r.kept},
                     {"removed", r.removed}, {"invalid", r.invalid}});
  if (inv.json()) {
    inv.err << nlohmann::json{{"format", r.format}, {"column", r.column}, {"rows", r.rows}, {"kept", r.kept},
                              {"removed", r.removed}, {"invalid", r.invalid}, {"empty", r.empty}}
                   .dump()
            << "\n";
  } else {
    inv.err << fmt::format("dpa: removed {} suppressed row(s) of {}", r.removed, r.rows);
    if (r.invalid > 0) inv.err << fmt::format("; dropped {} row(s) with an invalid {}", r.invalid, kind);
    if (r.empty > 0) inv.err << fmt::format("; kept {} row(s) with no {}", r.empty, kind);
    inv.err << "\n";
  }
  return 0;
}

const CommandRegistrar add_command{Command{
    "suppress add", "--tenant T KIND:VALUE [--reason R] [--note TEXT]",
    "block a subject: no calls or messages (autocall 2.2.4-2.2.5)",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_subject(o, p);
      o.add_options()("reason", po::value<std::string>()->value_name("R"),
                      "a [[suppression]] id of the tenant's policy (complaint, spam), withdraw-consent, object or "
                      "manual (default)")("note", po::value<std::string>()->value_name("TEXT"),
                                          "a ticket or complaint number (no personal data: it is audited)");
    },
    run_add}};

const CommandRegistrar import_command{Command{
    "suppress import", "--tenant T [--kind phone|email|iin|bin|name] [--reason R] [--note TEXT] [--input FILE] < list",
    "block a whole list at once: one identifier a line, checked in full before anything is added, one transaction",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("tenant", po::value<std::string>()->required()->value_name("T"), "the tenant")(
          "kind", po::value<std::string>()->value_name("KIND"),
          "lines hold bare values of this kind (default: each line is KIND:VALUE)")(
          "reason", po::value<std::string>()->value_name("R"), "as for suppress add (default manual)")(
          "note", po::value<std::string>()->value_name("TEXT"), "a ticket number (no personal data: it is audited)")(
          "input", po::value<std::string>()->value_name("FILE"), "read FILE instead of standard input");
    },
    run_import}};

const CommandRegistrar remove_command{Command{
    "suppress remove", "--tenant T KIND:VALUE --reason TEXT",
    "lift a block, where the rule it was made under allows it (not a spam finding, autocall 2.2.5.3)",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_subject(o, p);
      o.add_options()("reason", po::value<std::string>()->value_name("TEXT"),
                      "why: the customer fulfilled 2.3.7 and 6.11, consent given again (no personal data)");
    },
    run_remove}};

const CommandRegistrar list_command{Command{
    "suppress list", "--tenant T [--all] [--json]", "the tenant's suppression list (hashes, reasons, clauses)",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("tenant", po::value<std::string>()->required()->value_name("T"), "the tenant")(
          "all", "removed entries too");
    },
    run_list}};

const CommandRegistrar check_command{Command{
    "suppress check",
    "--tenant T [--kind phone|email] [--column NAME | --field NAME] [--format auto|csv|jsonl] [--drop-invalid] "
    "[--input FILE] < list > allowed",
    "filter a contact list (CSV or JSON Lines): the allowed rows out, the count removed on stderr",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("tenant", po::value<std::string>()->required()->value_name("T"), "the tenant")(
          "kind", po::value<std::string>()->value_name("phone|email"), "what the column holds (default phone)")(
          "column", po::value<std::string>()->value_name("NAME"), "CSV: the column (default: the header named like --kind)")(
          "field", po::value<std::string>()->value_name("NAME"), "JSON Lines: the field (default: named like --kind)")(
          "format", po::value<std::string>()->value_name("FMT"), "auto (default), csv or jsonl")(
          "drop-invalid", "drop rows whose identifier does not parse instead of stopping")(
          "input", po::value<std::string>()->value_name("FILE"), "read FILE instead of standard input");
    },
    run_check}};

}  // namespace
}  // namespace dpa::cli

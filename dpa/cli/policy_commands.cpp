// dpa policy list | show | check | explain
//
// These need no workspace; if one exists, its policies/ folder is searched
// before the shipped policies.
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dpa/cli/command.h"
#include "dpa/error.h"
#include "dpa/policy.h"
#include "dpa/policy_check.h"

namespace fs = std::filesystem;

namespace dpa::cli {
namespace {

std::vector<fs::path> search_dirs(const Invocation& inv) {
  std::error_code ec;
  fs::path dir = inv.home() / "policies";
  if (fs::is_directory(dir, ec)) return {dir};
  return {};
}

std::string cite(const RuleOrigin& o) { return fmt::format("[{} {}]", o.policy, o.clause); }

// ------------------------------------------------------------------ list

int run_list(Invocation& inv) {
  auto dirs = search_dirs(inv);
  std::vector<std::pair<std::string, std::string>> entries;  // name, where
  for (const auto& d : dirs) {
    std::error_code ec;
    for (fs::directory_iterator it(d, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".toml") entries.emplace_back(it->path().stem().string(), it->path().string());
    }
  }
  for (const auto& n : shipped_policy_names()) {
    bool shadowed = std::any_of(entries.begin(), entries.end(), [&](const auto& e) { return e.first == n; });
    if (!shadowed) entries.emplace_back(n, "builtin");
  }
  std::sort(entries.begin(), entries.end());

  nlohmann::json arr = nlohmann::json::array();
  std::vector<std::array<std::string, 4>> rows;
  for (const auto& [name, where] : entries) {
    try {
      Policy p = load_policy(name, dirs);
      arr.push_back({{"name", p.name}, {"title", p.title}, {"jurisdiction", p.jurisdiction},
                     {"version", p.version}, {"includes", p.includes}, {"from", where}, {"ok", true}});
      rows.push_back({p.name, p.jurisdiction, p.title, where == "builtin" ? "" : where});
    } catch (const Error& e) {
      arr.push_back({{"name", name}, {"from", where}, {"ok", false}, {"error", e.what()}});
      rows.push_back({name, "?", fmt::format("(does not load: {})", e.what()), where});
    }
  }
  if (inv.json()) {
    inv.print_json(arr);
    return 0;
  }
  inv.out << fmt::format("{:<12} {:<4} {}\n", "NAME", "JUR", "TITLE");
  for (const auto& r : rows) {
    inv.out << fmt::format("{:<12} {:<4} {}{}\n", r[0], r[1], r[2], r[3].empty() ? "" : "  (" + r[3] + ")");
  }
  return 0;
}

// ------------------------------------------------------------------ show

std::string opt_dur(const std::optional<Duration>& d, const char* none) { return d ? d->to_string() : none; }

void print_policy(std::ostream& out, const Policy& p) {
  out << fmt::format("policy       {} — {}\n", p.name, p.title);
  out << fmt::format("version      {}\n", p.version);
  out << fmt::format("jurisdiction {}\n", p.jurisdiction);
  if (!p.includes.empty()) out << fmt::format("includes     {}\n", fmt::join(p.includes, ", "));
  if (!p.source.empty()) out << fmt::format("source       {}\n", p.source);
  if (p.roles) {
    out << fmt::format("roles        controller: {}; processor: {}{} {}\n", p.roles->controller, p.roles->processor,
                       p.roles->stated ? "" : " (not stated by the contract; reading taken)", cite(p.roles->origin));
  }

  if (!p.categories.empty()) {
    out << "\ncategories\n";
    for (const auto& c : p.categories) {
      out << fmt::format("  {:<28} {}{} {}\n", c.id, c.description, c.special ? " [special]" : "", cite(c.origin));
    }
    out << "\nretention (effective, per category)\n";
    for (const auto& c : p.categories) {
      Retention r = p.retention_for(c.id);
      std::vector<std::string> parts;
      if (r.max_age) parts.push_back(fmt::format("max {} {}", to_string(r.max_age->value), cite(r.max_age->origin)));
      if (r.after_termination)
        parts.push_back(fmt::format("delete {} after termination {}", r.after_termination->value.to_string(),
                                    cite(r.after_termination->origin)));
      if (r.min_retention)
        parts.push_back(fmt::format("keep at least {} {}", to_string(r.min_retention->value), cite(r.min_retention->origin)));
      if (r.legal_max)
        parts.push_back(fmt::format("legal max {} {}", to_string(r.legal_max->value), cite(r.legal_max->origin)));
      if (r.delete_on_request) parts.push_back(fmt::format("destroy on request {}", cite(r.delete_on_request->origin)));
      if (r.precedence)
        parts.push_back(fmt::format("on conflict {} {}", to_string(r.precedence->value), cite(r.precedence->origin)));
      out << fmt::format("  {:<28} {}\n", c.id, parts.empty() ? "no rule" : fmt::format("{}", fmt::join(parts, "; ")));
    }
  }

  const auto& t = p.termination;
  if (t.export_window || t.deletion || t.backups || t.access) {
    out << "\ntermination\n";
    if (t.access) out << fmt::format("  access ends at {} {}\n", t.access->value.ends, cite(t.access->origin));
    if (t.export_window)
      out << fmt::format("  export within {}{} {}\n", t.export_window->value.window.to_string(),
                         t.export_window->value.condition == "none" ? "" : " if " + t.export_window->value.condition,
                         cite(t.export_window->origin));
    if (t.deletion)
      out << fmt::format("  delete after {} ({}) {}\n", t.deletion->value.delay.to_string(),
                         to_string(t.deletion->value.kind), cite(t.deletion->origin));
    if (t.backups)
      out << fmt::format("  backups: {}{} {}\n", opt_dur(t.backups->value.max_age, "no limit stated"),
                         t.backups->value.restore_only ? ", restore only" : "", cite(t.backups->origin));
  }

  if (!p.subprocessors.empty()) {
    out << "\nsubprocessors\n";
    for (const auto& s : p.subprocessors) {
      out << fmt::format("  {:<14} {} ({}) — {}; receives {}; categories {} {}\n", s.name, s.legal_name, s.country,
                         s.purpose, to_string(s.receives), fmt::join(s.categories, ", "), cite(s.origin));
      if (s.operators) {
        out << fmt::format("  {:<14} dpa anonymize --for {} applies --operator {} {}\n", "", s.name,
                           s.operators->spec(), cite(s.operators->origin));
      }
    }
  }
  if (p.localization) {
    out << fmt::format("\nlocalization store in {}{} {}\n", p.localization->value.storage_country,
                       p.localization->value.exception.empty() ? "" : " (" + p.localization->value.exception + ")",
                       cite(p.localization->origin));
  }
  for (const auto& c : p.cross_border) {
    std::vector<std::string> parts;
    if (!c.allowed) parts.push_back("forbidden");
    if (!c.any_of.empty()) parts.push_back(fmt::format("one of {}", fmt::join(c.any_of, ", ")));
    if (!c.all_of.empty()) parts.push_back(fmt::format("all of {}", fmt::join(c.all_of, ", ")));
    out << fmt::format("cross-border {} {}\n", fmt::join(parts, "; "), cite(c.origin));
  }
  if (!p.incidents.empty()) {
    out << "\nincident notice\n";
    for (const auto& i : p.incidents) {
      std::string when = i.deadline ? "within " + i.deadline->value.describe() : "";
      if (i.deadline && i.deadline->origin.policy != i.origin.policy) when += " " + cite(i.deadline->origin);
      if (i.without_undue_delay) when += when.empty() ? "without undue delay" : ", without undue delay";
      out << fmt::format("  to {:<10} {}; when: {}; content: {} {}\n", to_string(i.recipient), when, i.trigger,
                         i.content.empty() ? "not specified" : fmt::format("{}", fmt::join(i.content, ", ")),
                         cite(i.origin));
    }
  }
  out << fmt::format("\nsubject requests: {}", to_string(p.request_mode()));
  if (p.requests.mode) out << " " << cite(p.requests.mode->origin);
  if (p.requests.forward_within)
    out << fmt::format(", forward within {} {}", p.requests.forward_within->value.to_string(),
                       cite(p.requests.forward_within->origin));
  out << "\n";
  for (const auto& [type, d] : p.requests.deadlines) {
    out << fmt::format("  {:<17} {} {}\n", to_string(type), d.value.describe(), cite(d.origin));
  }
  if (p.requests.extension) {
    out << fmt::format("  extension         +{}{} {}\n", p.requests.extension->value.by.to_string(),
                       p.requests.extension->value.reason_required ? " with reasons" : "",
                       cite(p.requests.extension->origin));
  }
  if (p.third_party) {
    out << fmt::format("\nthird parties: {}{} {}\n", to_string(p.third_party->value.disclosure),
                       p.third_party->value.exceptions.empty()
                           ? ""
                           : fmt::format(" ({})", fmt::join(p.third_party->value.exceptions, ", ")),
                       cite(p.third_party->origin));
  }
  if (p.confidentiality) {
    out << fmt::format("confidentiality survives termination: {} {}\n",
                       opt_dur(p.confidentiality->value.survives, "unlimited"), cite(p.confidentiality->origin));
  }
  if (!p.anonymization.empty()) {
    out << "\nanonymized data\n";
    for (const auto& a : p.anonymization) {
      out << fmt::format("  test {}; uses {}{} {}\n", a.test, fmt::join(a.uses, ", "),
                         a.binding ? "" : " (drafting note)", cite(a.origin));
    }
  }
  if (!p.suppression.empty()) {
    out << "\nsuppression\n";
    for (const auto& s : p.suppression) {
      out << fmt::format("  {:<22} after {}; expires {} {}\n", s.id, s.trigger, opt_dur(s.expires, "never"),
                         cite(s.origin));
    }
  }
  if (!p.obligations.empty()) {
    out << "\nobligations\n";
    for (const auto& o : p.obligations) {
      out << fmt::format("  {:<28} {}: {}{} {}\n", o.id, o.party, o.action,
                         o.deadline ? " (within " + o.deadline->to_string() + ")" : "", cite(o.origin));
    }
  }
}

int run_show(Invocation& inv) {
  Policy p = load_policy(inv.get<std::string>("name"), search_dirs(inv));
  if (inv.json()) {
    inv.print_json(policy_to_json(p));
    return 0;
  }
  print_policy(inv.out, p);
  return 0;
}

// ------------------------------------------------------------------ check

int run_check(Invocation& inv) {
  auto dirs = search_dirs(inv);
  auto files = inv.get<std::vector<std::string>>("file");
  bool any = false;
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& f : files) {
    std::vector<PolicyProblem> problems;
    std::error_code ec;
    if (fs::is_regular_file(f, ec) || f.find('/') != std::string::npos || f.ends_with(".toml")) {
      problems = check_policy(f, dirs);
    } else {
      problems = check_policy_named(f, dirs);  // a policy name: workspace or shipped
    }
    any = any || !problems.empty();
    if (inv.json()) {
      nlohmann::json pj = nlohmann::json::array();
      for (const auto& p : problems) {
        pj.push_back({{"file", p.file}, {"line", p.line}, {"column", p.column}, {"message", p.message}, {"fix", p.fix}});
      }
      arr.push_back({{"file", f}, {"ok", problems.empty()}, {"problems", pj}});
      continue;
    }
    if (problems.empty()) {
      inv.out << f << ": ok\n";
    } else {
      for (const auto& p : problems) inv.out << format_problem(p) << "\n";
    }
  }
  if (inv.json()) inv.print_json(arr);
  return any ? static_cast<int>(ExitStatus::kInvalidInput) : 0;
}

// ------------------------------------------------------------------ explain

int run_explain(Invocation& inv) {
  Policy p = load_policy(inv.get<std::string>("name"), search_dirs(inv));
  std::string category = inv.get<std::string>("category");
  std::vector<ExplainedRule> rules = p.explain(category);
  if (inv.json()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : rules) {
      arr.push_back({{"rule", r.rule}, {"value", r.value}, {"clause", r.clause}, {"from_policy", r.from_policy},
                     {"note", r.note}});
    }
    inv.print_json({{"policy", p.name}, {"category", category}, {"rules", arr}});
    return 0;
  }
  inv.out << fmt::format("{} / {}\n", p.name, category);
  for (const auto& r : rules) {
    inv.out << fmt::format("  {:<28} {}\n  {:<28} {} {}\n", r.rule, r.value, "", r.from_policy, r.clause);
    if (!r.note.empty()) inv.out << fmt::format("  {:<28} note: {}\n", "", r.note);
  }
  return 0;
}

void declare_name(po::options_description& o, po::positional_options_description& p) {
  o.add_options()("name", po::value<std::string>()->required()->value_name("NAME"),
                  "policy name (workspace policies/, then shipped) or path to a .toml file");
  p.add("name", 1);
}

const CommandRegistrar list_command{Command{
    "policy list", "[--json]", "list the policies: shipped ones and the workspace's policies/",
    [](po::options_description&, po::positional_options_description&) {}, run_list}};

const CommandRegistrar show_command{Command{
    "policy show", "NAME [--json]", "show the effective policy (with its includes), citing each rule's clause",
    declare_name, run_show}};

const CommandRegistrar check_command{Command{
    "policy check", "FILE... [--json]", "check policy files; print every problem as file:line:col, exit 3 if any",
    [](po::options_description& o, po::positional_options_description& p) {
      o.add_options()("file", po::value<std::vector<std::string>>()->required()->multitoken()->value_name("FILE"),
                      "policy files (or names of shipped/workspace policies)");
      p.add("file", -1);
    },
    run_check}};

const CommandRegistrar explain_command{Command{
    "policy explain", "NAME --category C [--json]",
    "the effective rules for one data category: value, clause and the policy each comes from",
    [](po::options_description& o, po::positional_options_description& p) {
      declare_name(o, p);
      o.add_options()("category", po::value<std::string>()->required()->value_name("C"),
                      "data category id, such as communications.audio");
    },
    run_explain}};

}  // namespace
}  // namespace dpa::cli

// Reads one policy file into the model, checking every key and value and
// collecting every problem with its line, column and a fix. The format is
// documented in man/dpa-policy.5; keep the two in step.
#include <algorithm>
#include <cctype>
#include <functional>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "dpa/error.h"
#include "dpa/policy_internal.h"

namespace dpa::policy_detail {
namespace {

using Pos = Place;

Pos pos_of(const toml::source_region& r) {
  return {static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "nothing";
  }
}

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string quoted_list(const std::vector<std::string>& v) {
  std::vector<std::string> q;
  for (const auto& s : v) q.push_back("\"" + s + "\"");
  return join(q);
}

const char* const kDurationFix =
    "write a whole number followed by h, d, wd, mo or y, such as \"30d\" or \"3wd\"";

// Context of one file: where problems go and how they are placed.
struct FileCtx {
  std::string origin;
  std::vector<PolicyProblem>& problems;
  std::string policy_name;  // filled once [policy] is read

  void add(Pos p, std::string message, std::string fix) {
    problems.push_back({origin, p.line, p.column, std::move(message), std::move(fix)});
  }
};

// Reads one table, consuming keys; reports unknown keys (with the nearest
// valid one) and missing or mistyped values.
class TableReader {
 public:
  TableReader(FileCtx& ctx, const toml::table& table, std::string section,
              std::vector<std::string> known)
      : ctx_(ctx), table_(table), section_(std::move(section)), known_(std::move(known)) {
    for (auto&& [key, node] : table_) {
      std::string k(key.str());
      if (std::find(known_.begin(), known_.end(), k) != known_.end()) continue;
      std::string near = nearest(k, known_);
      ctx_.add(pos_of(key.source()), fmt::format("unknown key '{}' in {}", k, section_),
               near.empty() ? fmt::format("valid keys here: {}", join(known_))
                            : fmt::format("write '{}' instead", near));
    }
  }

  Pos pos() const { return pos_of(table_.source()); }
  const std::string& section() const { return section_; }
  const toml::node* node(std::string_view key) const { return table_.get(key); }
  bool has(std::string_view key) const { return table_.get(key) != nullptr; }
  Pos pos_of_key(std::string_view key) const {
    const toml::node* n = table_.get(key);
    return n ? pos_of(n->source()) : pos();
  }

  void missing(std::string_view key, std::string_view example) {
    ctx_.add(pos(), fmt::format("{} has no {}", section_, key),
             fmt::format("add {} = {}", key, example));
  }

  void wrong_type(std::string_view key, const toml::node& n, std::string_view wanted,
                  std::string_view example) {
    ctx_.add(pos_of(n.source()),
             fmt::format("{}.{} must be {}, not {}", section_, key, wanted, type_name(n)),
             fmt::format("write {} = {}", key, example));
  }

  std::optional<std::string> str(std::string_view key, bool required, std::string_view example) {
    const toml::node* n = node(key);
    if (!n) {
      if (required) missing(key, example);
      return std::nullopt;
    }
    if (!n->is_string()) {
      wrong_type(key, *n, "a string", example);
      return std::nullopt;
    }
    return std::string(**n->as_string());
  }

  // A non-empty string.
  std::optional<std::string> text(std::string_view key, bool required, std::string_view example) {
    auto s = str(key, required, example);
    if (s && s->find_first_not_of(" \t") == std::string::npos) {
      ctx_.add(pos_of_key(key), fmt::format("{}.{} is empty", section_, key),
               fmt::format("write {} = {}", key, example));
      return std::nullopt;
    }
    return s;
  }

  std::optional<bool> boolean(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) {
      wrong_type(key, *n, "true or false", "true");
      return std::nullopt;
    }
    return **n->as_boolean();
  }

  std::optional<Duration> duration(std::string_view key, bool required) {
    auto s = str(key, required, "\"30d\"");
    if (!s) return std::nullopt;
    return parse_duration(*s, key);
  }

  std::optional<Duration> parse_duration(const std::string& s, std::string_view key) {
    try {
      return Duration::parse(s);
    } catch (const Error&) {
      ctx_.add(pos_of_key(key), fmt::format("bad duration '{}' for {}.{}", s, section_, key),
               kDurationFix);
      return std::nullopt;
    }
  }

  // A string that must be one of `allowed`.
  std::optional<std::string> one_of(std::string_view key, const std::vector<std::string>& allowed,
                                    bool required) {
    auto s = str(key, required, "\"" + allowed.front() + "\"");
    if (!s) return std::nullopt;
    if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return s;
    std::string near = nearest(*s, allowed);
    ctx_.add(pos_of_key(key), fmt::format("{}.{} cannot be '{}'", section_, key, *s),
             near.empty() ? fmt::format("write one of {}", quoted_list(allowed))
                          : fmt::format("write \"{}\" instead; valid: {}", near, quoted_list(allowed)));
    return std::nullopt;
  }

  // An array of strings; each element checked by `check` (which may report).
  std::optional<std::vector<std::string>> str_list(
      std::string_view key, bool required, std::string_view example,
      const std::function<bool(const std::string&, Pos)>& check = {}) {
    const toml::node* n = node(key);
    if (!n) {
      if (required) missing(key, example);
      return std::nullopt;
    }
    const toml::array* arr = n->as_array();
    if (!arr) {
      wrong_type(key, *n, "an array of strings", example);
      return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (const toml::node& e : *arr) {
      if (!e.is_string()) {
        ctx_.add(pos_of(e.source()),
                 fmt::format("{}.{} must hold strings only, not {}", section_, key, type_name(e)),
                 fmt::format("write {} = {}", key, example));
        ok = false;
        continue;
      }
      std::string s(**e.as_string());
      if (check && !check(s, pos_of(e.source()))) {
        ok = false;
        continue;
      }
      out.push_back(std::move(s));
    }
    if (!ok && out.empty()) return std::nullopt;
    return out;
  }

  // Every rule table carries the clause it comes from.
  RuleOrigin origin() {
    RuleOrigin o;
    o.policy = ctx_.policy_name;
    o.file = ctx_.origin;
    o.line = pos().line;
    const toml::node* n = node("clause");
    if (!n) {
      ctx_.add(pos(), fmt::format("{} has no clause", section_),
               "add clause = \"...\" naming the contract clause or law article it comes from, "
               "such as clause = \"DPA 10.2\"");
    } else if (!n->is_string()) {
      wrong_type("clause", *n, "a string", "\"DPA 10.2\"");
    } else if (std::string c(**n->as_string()); c.find_first_not_of(" \t") == std::string::npos) {
      ctx_.add(pos_of(n->source()), fmt::format("{} has an empty clause", section_),
               "write the contract clause or law article, such as clause = \"DPA 10.2\"");
    } else {
      o.clause = c;
    }
    if (auto note = str("note", false, "\"the reading taken\"")) o.note = *note;
    return o;
  }

 private:
  FileCtx& ctx_;
  const toml::table& table_;
  std::string section_;
  std::vector<std::string> known_;
};

// Walks the tables of an array of tables ([[retention]]), reporting a
// non-table element.
template <typename F>
void for_each_table(FileCtx& ctx, const toml::table& root, std::string_view key, F&& f) {
  const toml::node* n = root.get(key);
  if (!n) return;
  const toml::array* arr = n->as_array();
  if (!arr) {
    ctx.add(pos_of(n->source()), fmt::format("{} must be an array of tables", key),
            fmt::format("write each one as a [[{}]] table", key));
    return;
  }
  for (const toml::node& e : *arr) {
    const toml::table* t = e.as_table();
    if (!t) {
      ctx.add(pos_of(e.source()), fmt::format("{} must be an array of tables", key),
              fmt::format("write each one as a [[{}]] table", key));
      continue;
    }
    f(*t);
  }
}

const toml::table* sub_table(FileCtx& ctx, const toml::table& root, std::string_view key,
                             std::string_view example) {
  const toml::node* n = root.get(key);
  if (!n) return nullptr;
  if (const toml::table* t = n->as_table()) return t;
  ctx.add(pos_of(n->source()), fmt::format("{} must be a table, not {}", key, type_name(*n)),
          fmt::format("write it as a [{}] section, such as {}", key, example));
  return nullptr;
}

bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; };
  if (s[0] == '_' || s[0] == '-') return false;
  return std::all_of(s.begin(), s.end(), ok);
}

bool valid_category_id(std::string_view s) {
  if (s.empty()) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = s.find('.', start);
    std::string_view part = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (part.empty() || !valid_name(part)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

const std::vector<std::string> kStarts{"created", "registration", "termination"};

PeriodStart start_of(const std::string& s) {
  if (s == "registration") return PeriodStart::kRegistration;
  if (s == "termination") return PeriodStart::kTermination;
  return PeriodStart::kCreated;
}

const std::vector<std::string> kCrossBorderConditions{
    "adequate-protection",   // kz Art. 16: a state that protects personal data
    "subject-consent",       // kz Art. 16: the subject's consent
    "international-treaty",  // kz Art. 16
    "law",                   // kz Art. 16: provided by the laws of RK
    "vital-interests",       // protection of the subject's rights where consent cannot be had
    "adequacy-decision",     // GDPR Art. 45
    "scc",                   // GDPR Art. 46(2)(c)
    "bcr",                   // GDPR Art. 47
    "appropriate-safeguards",  // GDPR Art. 46, other
    "derogation",            // GDPR Art. 49
    "controller-legal-basis",  // the controller supplies the legal basis (UpStat DPA 7.3)
    "reasonable-measures",     // protection and access restriction by the processor
    "written-agreement",       // the parties agree in writing
};

const std::vector<std::string> kIncidentContent{
    "nature", "categories", "subjects_approx", "records_approx", "consequences", "measures",
    "measures_proposed", "contact", "subjects_contact_data", "detected_at"};

const std::vector<std::string> kAnonymizationTests{
    "subjects-unidentifiable", "customer-unidentifiable", "reasonably-unidentifiable",
    "no-reidentification", "unstated"};

const std::vector<std::string> kParties{"processor", "controller", "customer", "provider",
                                        "subject", "both"};

const std::vector<std::string> kRequestTypeNames{
    "access", "rectify", "erase", "restrict", "withdraw-consent", "object", "portability"};

void read_policy_section(FileCtx& ctx, const toml::table& root, ParsedFile& out,
                         const std::string& expected_name) {
  const toml::table* t = sub_table(ctx, root, "policy", "[policy] name = \"acme\"");
  if (!t) {
    if (!root.get("policy")) {
      ctx.add({1, 1}, "no [policy] section",
              "start the file with [policy] and name, title, version, jurisdiction");
    }
    return;
  }
  TableReader r(ctx, *t, "[policy]",
                {"name", "title", "version", "jurisdiction", "include", "source", "language"});
  Policy& p = out.own;
  if (auto name = r.text("name", true, "\"" + (expected_name.empty() ? "acme" : expected_name) + "\"")) {
    if (!valid_name(*name)) {
      ctx.add(r.pos_of_key("name"), fmt::format("bad policy name '{}'", *name),
              "use lowercase letters, digits, '_' and '-', such as name = \"acme\"");
    } else if (!expected_name.empty() && *name != expected_name) {
      ctx.add(r.pos_of_key("name"),
              fmt::format("policy name '{}' differs from the file name '{}.toml'", *name, expected_name),
              fmt::format("write name = \"{}\" instead, or rename the file", expected_name));
    }
    p.name = *name;
  }
  if (p.name.empty()) p.name = expected_name;
  ctx.policy_name = p.name;
  if (auto v = r.text("title", true, "\"Acme DPA\"")) p.title = *v;
  if (const toml::node* n = r.node("version"); n && n->is_integer()) {
    r.wrong_type("version", *n, "a string", "\"2025-01\"");
  } else if (auto v = r.text("version", true, "\"2025-01\"")) {
    p.version = *v;
  }
  if (auto v = r.one_of("jurisdiction", {"kz", "eu"}, true)) p.jurisdiction = *v;
  if (auto v = r.str("source", false, "\"seeds/000.txt\"")) p.source = *v;
  if (auto v = r.str("language", false, "\"ru\"")) p.language = *v;
  if (const toml::node* n = r.node("include")) {
    const toml::array* arr = n->as_array();
    if (!arr) {
      r.wrong_type("include", *n, "an array of policy names", "[\"kz\"]");
    } else {
      for (const toml::node& e : *arr) {
        if (!e.is_string()) {
          ctx.add(pos_of(e.source()),
                  fmt::format("[policy].include must hold policy names, not {}", type_name(e)),
                  "write include = [\"kz\"]");
          continue;
        }
        std::string name(**e.as_string());
        Pos ep = pos_of(e.source());
        p.includes.push_back(name);
        out.includes.push_back({name, ep.line, ep.column});
      }
    }
  }
}

void read_roles(FileCtx& ctx, const toml::table& root, Policy& p) {
  const toml::table* t = sub_table(ctx, root, "roles", "[roles] controller = \"customer\"");
  if (!t) return;
  TableReader r(ctx, *t, "[roles]", {"controller", "processor", "stated", "clause", "note"});
  Roles roles;
  roles.origin = r.origin();
  if (auto v = r.text("controller", true, "\"customer (Заказчик)\"")) roles.controller = *v;
  if (auto v = r.text("processor", true, "\"provider (Исполнитель)\"")) roles.processor = *v;
  if (auto v = r.boolean("stated")) roles.stated = *v;
  p.roles = std::move(roles);
}

void read_categories(FileCtx& ctx, const toml::table& root, Policy& p) {
  std::set<std::string> seen;
  for_each_table(ctx, root, "category", [&](const toml::table& t) {
    TableReader r(ctx, t, "[[category]]", {"id", "description", "special", "clause", "note"});
    Category c;
    c.origin = r.origin();
    if (auto v = r.text("id", true, "\"communications.audio\"")) {
      if (!valid_category_id(*v)) {
        ctx.add(r.pos_of_key("id"), fmt::format("bad category id '{}'", *v),
                "use dotted lowercase words, such as id = \"communications.audio\"");
      } else if (!seen.insert(*v).second) {
        ctx.add(r.pos_of_key("id"), fmt::format("category '{}' is declared twice", *v),
                "keep one [[category]] per id");
      } else {
        c.id = *v;
      }
    }
    if (auto v = r.text("description", true, "\"call recordings\"")) c.description = *v;
    if (auto v = r.boolean("special")) c.special = *v;
    if (!c.id.empty()) p.categories.push_back(std::move(c));
  });
}

void read_purposes(FileCtx& ctx, const toml::table& root, Policy& p) {
  std::set<std::string> seen;
  for_each_table(ctx, root, "purpose", [&](const toml::table& t) {
    TableReader r(ctx, t, "[[purpose]]", {"id", "description", "clause", "note"});
    Purpose pu;
    pu.origin = r.origin();
    if (auto v = r.text("id", true, "\"analytics\"")) {
      if (!seen.insert(*v).second) {
        ctx.add(r.pos_of_key("id"), fmt::format("purpose '{}' is declared twice", *v),
                "keep one [[purpose]] per id");
      }
      pu.id = *v;
    }
    if (auto v = r.text("description", true, "\"the analytics module\"")) pu.description = *v;
    p.purposes.push_back(std::move(pu));
  });
}

std::optional<Period> read_period(TableReader& r, std::string_view key, std::string_view start_key,
                                  std::string_view default_start) {
  std::optional<Duration> d = r.duration(key, false);
  std::optional<std::string> start = r.one_of(start_key, kStarts, false);
  if (!d) return std::nullopt;
  return Period{*d, start_of(start.value_or(std::string(default_start)))};
}

void read_retention(FileCtx& ctx, const toml::table& root, Policy& p,
                    std::vector<Pos>& category_pos) {
  for_each_table(ctx, root, "retention", [&](const toml::table& t) {
    TableReader r(ctx, t, "[[retention]]",
                  {"category", "max_age", "start", "after_termination", "min_retention", "min_start",
                   "legal_max", "legal_max_start", "delete_on_request", "precedence", "clause", "note"});
    RetentionRule rule;
    rule.origin = r.origin();
    if (auto v = r.text("category", true, "\"communications.audio\" (or \"*\" for every category)")) {
      if (*v != "*" && !valid_category_id(*v)) {
        ctx.add(r.pos_of_key("category"), fmt::format("bad category '{}' in [[retention]]", *v),
                "write a dotted category id such as \"communications.audio\", or \"*\"");
      } else {
        rule.category = *v;
      }
    }
    for (auto [dkey, skey] : {std::pair{"max_age", "start"}, std::pair{"min_retention", "min_start"},
                              std::pair{"legal_max", "legal_max_start"}}) {
      if (r.has(skey) && !r.has(dkey)) {
        ctx.add(r.pos_of_key(skey), fmt::format("[[retention]] has {} but no {}", skey, dkey),
                fmt::format("add {} = \"5y\", or remove {}", dkey, skey));
      }
    }
    rule.max_age = read_period(r, "max_age", "start", "created");
    rule.min_retention = read_period(r, "min_retention", "min_start", "created");
    rule.legal_max = read_period(r, "legal_max", "legal_max_start", "created");
    rule.after_termination = r.duration("after_termination", false);
    if (auto v = r.boolean("delete_on_request")) rule.delete_on_request = *v;
    if (auto v = r.one_of("precedence", {"min-retention-wins", "deletion-wins"}, false)) {
      rule.precedence = *v == "deletion-wins" ? Precedence::kDeletionWins : Precedence::kMinRetentionWins;
    }
    bool has_any = r.has("max_age") || r.has("after_termination") || r.has("min_retention") ||
                   r.has("legal_max") || r.has("delete_on_request");
    if (!has_any) {
      ctx.add(r.pos(), "[[retention]] states no period",
              "add at least one of max_age, after_termination, min_retention, legal_max or "
              "delete_on_request");
    }
    if (!rule.category.empty()) {
      category_pos.push_back(r.pos_of_key("category"));
      p.retention_rules.push_back(std::move(rule));
    }
  });
}

void read_termination(FileCtx& ctx, const toml::table& root, Policy& p) {
  const toml::table* t = sub_table(ctx, root, "termination", "[termination.deletion]");
  if (!t) return;
  TableReader top(ctx, *t, "[termination]", {"export", "deletion", "backups", "access"});
  auto part = [&](std::string_view key) { return sub_table(ctx, *t, key, fmt::format("[termination.{}]", key)); };

  if (const toml::table* e = part("export")) {
    TableReader r(ctx, *e, "[termination.export]", {"window", "condition", "clause", "note"});
    Sourced<ExportWindow> s;
    s.origin = r.origin();
    auto w = r.duration("window", true);
    if (auto c = r.one_of("condition", {"none", "no-debt"}, false)) s.value.condition = *c;
    if (w) {
      s.value.window = *w;
      p.termination.export_window = std::move(s);
    }
  }
  if (const toml::table* d = part("deletion")) {
    TableReader r(ctx, *d, "[termination.deletion]", {"delay", "kind", "clause", "note"});
    Sourced<DeletionAfterTermination> s;
    s.origin = r.origin();
    auto delay = r.duration("delay", true);
    if (auto k = r.one_of("kind", {"duty", "right"}, true)) {
      s.value.kind = *k == "right" ? DeletionKind::kRight : DeletionKind::kDuty;
    }
    if (delay) {
      s.value.delay = *delay;
      p.termination.deletion = std::move(s);
    }
  }
  if (const toml::table* b = part("backups")) {
    TableReader r(ctx, *b, "[termination.backups]", {"max_age", "restore_only", "clause", "note"});
    Sourced<BackupRule> s;
    s.origin = r.origin();
    s.value.max_age = r.duration("max_age", false);
    if (auto v = r.boolean("restore_only")) s.value.restore_only = *v;
    p.termination.backups = std::move(s);
  }
  if (const toml::table* a = part("access")) {
    TableReader r(ctx, *a, "[termination.access]", {"ends", "clause", "note"});
    Sourced<AccessEnd> s;
    s.origin = r.origin();
    if (auto v = r.one_of("ends", {"termination", "notice"}, true)) s.value.ends = *v;
    p.termination.access = std::move(s);
  }
}

// `operator = "token"` or a table {default = "token", PHONE = "mask",
// clause = "...", note = "..."}; the string form cites the subprocessor's
// clause. Types are the pseudonymizer's names, in any case.
std::optional<SubprocessorOperators> read_operator(FileCtx& ctx, const toml::node& n, const RuleOrigin& sub_origin) {
  const auto& names = pseudonym_operator_names();
  bool ok = true;
  auto op_of = [&](const toml::node& v, std::string_view key) -> std::optional<PseudonymOperator> {
    if (!v.is_string()) {
      ctx.add(pos_of(v.source()), fmt::format("[[subprocessor]] operator {} must be a string, not {}", key, type_name(v)),
              "write one of " + quoted_list(names));
      ok = false;
      return std::nullopt;
    }
    std::string name(**v.as_string());
    if (auto op = parse_pseudonym_operator(name)) return op;
    std::string near = nearest(name, names);
    ctx.add(pos_of(v.source()), fmt::format("unknown operator '{}' for {} in [[subprocessor]]", name, key),
            near.empty() ? "write one of " + quoted_list(names)
                         : fmt::format("write \"{}\" instead; valid: {}", near, quoted_list(names)));
    ok = false;
    return std::nullopt;
  };
  SubprocessorOperators out;
  out.origin = sub_origin;
  if (n.is_string()) {
    out.all = op_of(n, "all types");
    return ok ? std::optional(out) : std::nullopt;
  }
  const toml::table* t = n.as_table();
  if (!t) {
    ctx.add(pos_of(n.source()), fmt::format("[[subprocessor]] operator must be a string or a table, not {}", type_name(n)),
            "write operator = \"token\", or operator = { default = \"token\", PHONE = \"redact\" }");
    return std::nullopt;
  }
  const auto& types = pseudonymizer_entity_types();
  // In the order written, so problems come out in line order.
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (auto&& [key, value] : *t) entries.emplace_back(&key, &value);
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    auto pa = pos_of(a.first->source()), pb = pos_of(b.first->source());
    return std::tie(pa.line, pa.column) < std::tie(pb.line, pb.column);
  });
  for (const auto& [key_ptr, value_ptr] : entries) {
    const toml::key& key = *key_ptr;
    const toml::node& value = *value_ptr;
    std::string k(key.str());
    if (k == "clause" || k == "note") continue;
    if (k == "default") {
      out.all = op_of(value, "default");
      continue;
    }
    std::string upper = k;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (std::find(types.begin(), types.end(), upper) == types.end()) {
      std::string near = nearest(upper, types);
      ctx.add(pos_of(key.source()), fmt::format("unknown entity type '{}' in [[subprocessor]] operator", k),
              near.empty() ? fmt::format("write default or one of {}", join(types))
                           : fmt::format("write {} instead; types: {}", near, join(types)));
      ok = false;
      continue;
    }
    if (auto op = op_of(value, upper)) out.by_type[upper] = *op;
  }
  if (const toml::node* c = t->get("clause")) {
    if (!c->is_string() || std::string(**c->as_string()).find_first_not_of(" \t") == std::string::npos) {
      ctx.add(pos_of(c->source()), "[[subprocessor]] operator has an empty or non-string clause",
              "write clause = \"DPA 4.2\", or leave it out to cite the subprocessor's clause");
      ok = false;
    } else {
      out.origin.clause = std::string(**c->as_string());
      out.origin.line = pos_of(t->source()).line;
      out.origin.note.clear();
    }
  }
  if (const toml::node* note = t->get("note"); note && note->is_string()) out.origin.note = std::string(**note->as_string());
  if (ok && !out.all && out.by_type.empty()) {
    ctx.add(pos_of(t->source()), "[[subprocessor]] operator names no operator",
            "add default = \"token\" or a type such as PHONE = \"redact\"");
    ok = false;
  }
  return ok ? std::optional(out) : std::nullopt;
}

void read_subprocessors(FileCtx& ctx, const toml::table& root, Policy& p,
                        std::vector<std::vector<std::pair<std::string, Pos>>>& category_pos) {
  std::set<std::string> seen;
  for_each_table(ctx, root, "subprocessor", [&](const toml::table& t) {
    TableReader r(ctx, t, "[[subprocessor]]",
                  {"name", "legal_name", "country", "purpose", "categories", "receives", "primary_storage",
                   "operator", "clause", "note"});
    Subprocessor s;
    s.origin = r.origin();
    if (auto v = r.text("name", true, "\"openai\"")) {
      std::string lower = *v;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (!seen.insert(lower).second) {
        ctx.add(r.pos_of_key("name"), fmt::format("subprocessor '{}' is listed twice", *v),
                "keep one [[subprocessor]] per name");
      }
      s.name = *v;
    }
    if (auto v = r.text("legal_name", true, "\"OpenAI, Inc.\"")) s.legal_name = *v;
    if (auto v = r.text("country", true, "\"US\" (ISO 3166-1 alpha-2, or \"unknown\")")) {
      if (*v != "unknown" && !is_iso_country(*v)) {
        std::string upper = *v;
        std::transform(upper.begin(), upper.end(), upper.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        std::string fix = is_iso_country(upper)
                              ? fmt::format("write \"{}\" instead", upper)
                              : std::string("write an ISO 3166-1 alpha-2 code such as \"KZ\" or \"US\", "
                                            "or \"unknown\" if the contract does not say");
        ctx.add(r.pos_of_key("country"), fmt::format("'{}' is not an ISO 3166-1 alpha-2 country code", *v),
                fix);
      } else {
        s.country = *v;
      }
    }
    if (auto v = r.text("purpose", true, "\"AI requests\"")) s.purpose = *v;
    std::vector<std::pair<std::string, Pos>> cats;
    if (auto v = r.str_list("categories", true, "[\"communications.messages\"]",
                            [&](const std::string& c, Pos pos) {
                              if (c != "*" && !valid_category_id(c)) {
                                ctx.add(pos, fmt::format("bad category '{}' in [[subprocessor]]", c),
                                        "write a dotted category id such as \"communications.messages\", or \"*\"");
                                return false;
                              }
                              cats.emplace_back(c, pos);
                              return true;
                            })) {
      s.categories = *v;
    }
    if (auto v = r.one_of("receives", {"raw", "pseudonymized", "none"}, true)) {
      s.receives = *v == "raw" ? Receives::kRaw : *v == "pseudonymized" ? Receives::kPseudonymized : Receives::kNone;
    }
    if (auto v = r.boolean("primary_storage")) s.primary_storage = *v;
    if (const toml::node* op = r.node("operator")) {
      s.operators = read_operator(ctx, *op, s.origin);
      if (s.operators && s.receives == Receives::kNone) {
        ctx.add(r.pos_of_key("operator"), fmt::format("subprocessor '{}' receives none, so an operator has no use", s.name),
                "remove operator, or change receives");
      }
    }
    if (!s.name.empty()) {
      category_pos.push_back(std::move(cats));
      p.subprocessors.push_back(std::move(s));
    }
  });
}

void read_localization(FileCtx& ctx, const toml::table& root, Policy& p) {
  const toml::table* t = sub_table(ctx, root, "localization", "[localization] storage_country = \"KZ\"");
  if (!t) return;
  TableReader r(ctx, *t, "[localization]", {"storage_country", "exception", "clause", "note"});
  Sourced<Localization> s;
  s.origin = r.origin();
  if (auto v = r.text("storage_country", true, "\"KZ\"")) {
    if (!is_iso_country(*v)) {
      ctx.add(r.pos_of_key("storage_country"),
              fmt::format("'{}' is not an ISO 3166-1 alpha-2 country code", *v),
              "write an ISO 3166-1 alpha-2 code such as \"KZ\"");
    } else {
      s.value.storage_country = *v;
    }
  }
  if (auto v = r.str("exception", false, "\"unless agreed in writing\"")) s.value.exception = *v;
  if (!s.value.storage_country.empty()) p.localization = std::move(s);
}

void read_cross_border(FileCtx& ctx, const toml::table& root, Policy& p) {
  const toml::table* t = sub_table(ctx, root, "cross_border", "[cross_border] any_of = [\"subject-consent\"]");
  if (!t) return;
  TableReader r(ctx, *t, "[cross_border]", {"allowed", "any_of", "all_of", "clause", "note"});
  CrossBorderRule rule;
  rule.origin = r.origin();
  if (auto v = r.boolean("allowed")) rule.allowed = *v;
  auto check = [&](const std::string& c, Pos pos) {
    if (std::find(kCrossBorderConditions.begin(), kCrossBorderConditions.end(), c) !=
        kCrossBorderConditions.end())
      return true;
    std::string near = nearest(c, kCrossBorderConditions);
    ctx.add(pos, fmt::format("unknown cross-border condition '{}'", c),
            near.empty() ? fmt::format("write one of {}", quoted_list(kCrossBorderConditions))
                         : fmt::format("write \"{}\" instead", near));
    return false;
  };
  if (auto v = r.str_list("any_of", false, "[\"subject-consent\"]", check)) rule.any_of = *v;
  if (auto v = r.str_list("all_of", false, "[\"controller-legal-basis\"]", check)) rule.all_of = *v;
  if (rule.allowed && rule.any_of.empty() && rule.all_of.empty() && !r.has("any_of") && !r.has("all_of")) {
    ctx.add(r.pos(), "[cross_border] states no condition",
            "add any_of = [...] (one suffices) and/or all_of = [...] (each required), or allowed = false");
  }
  p.cross_border.push_back(std::move(rule));
}

void read_incidents(FileCtx& ctx, const toml::table& root, Policy& p) {
  std::set<std::string> seen;
  for_each_table(ctx, root, "incident", [&](const toml::table& t) {
    TableReader r(ctx, t, "[[incident]]",
                  {"recipient", "deadline", "without_undue_delay", "trigger", "content", "clause", "note"});
    IncidentRule rule;
    rule.origin = r.origin();
    auto recipient = r.one_of("recipient", {"controller", "authority", "subjects"}, true);
    if (recipient) {
      rule.recipient = parse_incident_recipient(*recipient);
      if (!seen.insert(*recipient).second) {
        ctx.add(r.pos_of_key("recipient"), fmt::format("a second [[incident]] for recipient '{}'", *recipient),
                "keep one rule per recipient and list every clause in it");
      }
    }
    if (auto d = r.duration("deadline", false)) rule.deadline = Sourced<Duration>{*d, rule.origin, {}};
    if (auto v = r.boolean("without_undue_delay")) rule.without_undue_delay = *v;
    if (!r.has("deadline") && !rule.without_undue_delay) {
      ctx.add(r.pos(), "[[incident]] states no deadline",
              "add deadline = \"24h\", or without_undue_delay = true where the text gives no period");
    }
    if (auto v = r.text("trigger", true, "\"a security incident affecting personal data, from detection\""))
      rule.trigger = *v;
    auto check = [&](const std::string& c, Pos pos) {
      if (std::find(kIncidentContent.begin(), kIncidentContent.end(), c) != kIncidentContent.end()) return true;
      std::string near = nearest(c, kIncidentContent);
      ctx.add(pos, fmt::format("unknown incident content field '{}'", c),
              near.empty() ? fmt::format("write one of {}", quoted_list(kIncidentContent))
                           : fmt::format("write \"{}\" instead", near));
      return false;
    };
    if (auto v = r.str_list("content", false, "[\"nature\", \"measures\"]", check)) rule.content = *v;
    if (recipient) p.incidents.push_back(std::move(rule));
  });
}

void read_requests(FileCtx& ctx, const toml::table& root, Policy& p) {
  const toml::table* t = sub_table(ctx, root, "requests", "[requests] mode = \"answer\"");
  if (!t) return;
  std::vector<std::string> known{"mode", "forward_within", "clause", "note", "extension"};
  known.insert(known.end(), kRequestTypeNames.begin(), kRequestTypeNames.end());
  TableReader r(ctx, *t, "[requests]", known);
  // [requests] is a rule only when it states the mode or a forwarding time;
  // a table holding only per-type deadlines needs no clause of its own.
  RuleOrigin origin;
  if (r.has("mode") || r.has("forward_within") || r.has("clause") || r.has("note")) origin = r.origin();
  if (auto m = r.one_of("mode", {"answer", "forward"}, false)) {
    p.requests.mode = Sourced<RequestMode>{*m == "forward" ? RequestMode::kForward : RequestMode::kAnswer, origin, {}};
  }
  if (auto d = r.duration("forward_within", false)) {
    p.requests.forward_within = Sourced<Duration>{*d, origin, {}};
    if (p.requests.mode && p.requests.mode->value != RequestMode::kForward) {
      ctx.add(r.pos_of_key("forward_within"), "[requests].forward_within needs mode = \"forward\"",
              "write mode = \"forward\", or remove forward_within");
    }
  }
  for (std::size_t i = 0; i < kRequestTypeNames.size(); ++i) {
    const std::string& type = kRequestTypeNames[i];
    const toml::table* rt = sub_table(ctx, *t, type, fmt::format("[requests.{}] deadline = \"3wd\"", type));
    if (!rt) continue;
    TableReader tr(ctx, *rt, fmt::format("[requests.{}]", type), {"deadline", "clause", "note"});
    RuleOrigin o = tr.origin();
    if (auto d = tr.duration("deadline", true)) {
      p.requests.deadlines[all_request_types()[i]] = Sourced<Duration>{*d, o, {}};
    }
  }
  if (const toml::table* e = sub_table(ctx, *t, "extension", "[requests.extension] by = \"2mo\"")) {
    TableReader er(ctx, *e, "[requests.extension]", {"by", "reason_required", "clause", "note"});
    Sourced<RequestExtension> s;
    s.origin = er.origin();
    auto by = er.duration("by", true);
    if (auto v = er.boolean("reason_required")) s.value.reason_required = *v;
    if (by) {
      s.value.by = *by;
      p.requests.extension = std::move(s);
    }
  }
}

void read_third_party(FileCtx& ctx, const toml::table& root, Policy& p) {
  const toml::table* t = sub_table(ctx, root, "third_party", "[third_party] disclosure = \"legal-basis\"");
  if (!t) return;
  TableReader r(ctx, *t, "[third_party]", {"disclosure", "exceptions", "clause", "note"});
  Sourced<ThirdPartyRule> s;
  s.origin = r.origin();
  auto d = r.one_of("disclosure",
                    {"law-or-contract", "legal-basis", "controller-consent", "lawful-request-only"}, true);
  if (d) {
    s.value.disclosure = *d == "law-or-contract"      ? Disclosure::kLawOrContract
                         : *d == "legal-basis"        ? Disclosure::kLegalBasis
                         : *d == "controller-consent" ? Disclosure::kControllerConsent
                                                      : Disclosure::kLawfulRequestOnly;
  }
  if (auto v = r.str_list("exceptions", false, "[\"law-enforcement\", \"courts\"]")) s.value.exceptions = *v;
  if (d) p.third_party = std::move(s);
}

void read_confidentiality(FileCtx& ctx, const toml::table& root, Policy& p) {
  for_each_table(ctx, root, "confidentiality", [&](const toml::table& t) {
    TableReader r(ctx, t, "[[confidentiality]]", {"survives", "clause", "note"});
    Sourced<Confidentiality> s;
    s.origin = r.origin();
    auto v = r.str("survives", true, "\"3y\" (or \"unlimited\")");
    if (!v) return;
    if (*v != "unlimited") {
      auto d = r.parse_duration(*v, "survives");
      if (!d) return;
      s.value.survives = *d;
    }
    // Several rules in one file (Truffles 6.6 and DPA 6.2): the longest binds.
    if (!p.confidentiality) {
      p.confidentiality = std::move(s);
      return;
    }
    auto& cur = *p.confidentiality;
    auto describe = [](const Sourced<Confidentiality>& c) {
      return fmt::format("{} ({} {})", c.value.survives ? c.value.survives->to_string() : "unlimited",
                         c.origin.policy, c.origin.clause);
    };
    bool longer = !s.value.survives ||
                  (cur.value.survives && s.value.survives->nominal_hours() > cur.value.survives->nominal_hours());
    if (longer) {
      s.superseded = cur.superseded;
      s.superseded.push_back(describe(cur));
      cur = std::move(s);
    } else {
      cur.superseded.push_back(describe(s));
    }
  });
}

void read_anonymization(FileCtx& ctx, const toml::table& root, Policy& p) {
  for_each_table(ctx, root, "anonymization", [&](const toml::table& t) {
    TableReader r(ctx, t, "[[anonymization]]", {"test", "uses", "binding", "clause", "note"});
    AnonymizationRule a;
    a.origin = r.origin();
    if (auto v = r.one_of("test", kAnonymizationTests, true)) a.test = *v;
    if (auto v = r.str_list("uses", true, "[\"statistics\"]")) a.uses = *v;
    if (auto v = r.boolean("binding")) a.binding = *v;
    p.anonymization.push_back(std::move(a));
  });
}

void read_suppression(FileCtx& ctx, const toml::table& root, Policy& p) {
  std::set<std::string> seen;
  for_each_table(ctx, root, "suppression", [&](const toml::table& t) {
    TableReader r(ctx, t, "[[suppression]]", {"id", "trigger", "expires", "lifted_by", "clause", "note"});
    SuppressionRule s;
    s.origin = r.origin();
    if (auto v = r.text("id", true, "\"spam-complaint\"")) {
      if (!seen.insert(*v).second) {
        ctx.add(r.pos_of_key("id"), fmt::format("suppression '{}' is declared twice", *v),
                "keep one [[suppression]] per id");
      }
      s.id = *v;
    }
    if (auto v = r.text("trigger", true, "\"a complaint found to be spam\"")) s.trigger = *v;
    if (auto v = r.str("expires", true, "\"never\" (or a duration such as \"1y\")")) {
      if (*v != "never") s.expires = r.parse_duration(*v, "expires");
    }
    if (auto v = r.str("lifted_by", false, "\"the customer proves consent\"")) s.lifted_by = *v;
    p.suppression.push_back(std::move(s));
  });
}

void read_obligations(FileCtx& ctx, const toml::table& root, Policy& p) {
  std::set<std::string> seen;
  for_each_table(ctx, root, "obligation", [&](const toml::table& t) {
    TableReader r(ctx, t, "[[obligation]]", {"id", "party", "action", "deadline", "clause", "note"});
    Obligation o;
    o.origin = r.origin();
    if (auto v = r.text("id", true, "\"key-compromise-notice\"")) {
      if (!seen.insert(*v).second) {
        ctx.add(r.pos_of_key("id"), fmt::format("obligation '{}' is declared twice", *v),
                "give each [[obligation]] its own id");
      }
      o.id = *v;
    }
    if (auto v = r.one_of("party", kParties, true)) o.party = *v;
    if (auto v = r.text("action", true, "\"notify the provider of a key compromise\"")) o.action = *v;
    o.deadline = r.duration("deadline", false);
    p.obligations.push_back(std::move(o));
  });
}

}  // namespace

ParsedFile parse_policy_file(std::string_view text, const std::string& origin,
                             std::vector<PolicyProblem>& problems) {
  ParsedFile out;
  out.own.file = origin;
  std::string expected;
  {
    // The file's stem names the policy: "policies/upstat.toml" -> "upstat".
    std::string_view o = origin;
    if (o.rfind("builtin:", 0) == 0) o.remove_prefix(8);
    auto slash = o.find_last_of('/');
    if (slash != std::string_view::npos) o.remove_prefix(slash + 1);
    if (o.size() > 5 && o.substr(o.size() - 5) == ".toml") expected = std::string(o.substr(0, o.size() - 5));
  }
  FileCtx ctx{origin, problems, expected};

  toml::table root;
  try {
    root = toml::parse(text, std::string_view(origin));
  } catch (const toml::parse_error& e) {
    Pos p = pos_of(e.source());
    ctx.add(p, fmt::format("TOML syntax error: {}", e.description()),
            "fix the syntax at this place (strings need quotes, tables [name], arrays of tables [[name]])");
    return out;
  }
  out.syntax_ok = true;

  static const std::vector<std::string> kTop{
      "policy", "roles", "category", "purpose", "retention", "termination", "subprocessor",
      "localization", "cross_border", "incident", "requests", "third_party", "confidentiality",
      "anonymization", "suppression", "obligation"};
  for (auto&& [key, node] : root) {
    std::string k(key.str());
    if (std::find(kTop.begin(), kTop.end(), k) != kTop.end()) continue;
    std::string near = nearest(k, kTop);
    ctx.add(pos_of(key.source()), fmt::format("unknown section or key '{}'", k),
            near.empty() ? fmt::format("valid sections: {}", join(kTop)) : fmt::format("write '{}' instead", near));
  }

  read_policy_section(ctx, root, out, expected);
  read_roles(ctx, root, out.own);
  read_categories(ctx, root, out.own);
  read_purposes(ctx, root, out.own);
  read_retention(ctx, root, out.own, out.retention_category_places);
  read_termination(ctx, root, out.own);
  read_subprocessors(ctx, root, out.own, out.subprocessor_category_places);
  read_localization(ctx, root, out.own);
  read_cross_border(ctx, root, out.own);
  read_incidents(ctx, root, out.own);
  read_requests(ctx, root, out.own);
  read_third_party(ctx, root, out.own);
  read_confidentiality(ctx, root, out.own);
  read_anonymization(ctx, root, out.own);
  read_suppression(ctx, root, out.own);
  read_obligations(ctx, root, out.own);
  return out;
}

}  // namespace dpa::policy_detail

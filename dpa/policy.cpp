// The policy model: lookups, the effective retention of a category, loading
// with includes, and merging (the stricter rule wins, keeping its clause).
#include "dpa/policy.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "dpa/embedded.h"
#include "dpa/error.h"
#include "dpa/policy_internal.h"

namespace fs = std::filesystem;

namespace dpa {

// ---------------------------------------------------------------- names

std::string to_string(PeriodStart s) {
  switch (s) {
    case PeriodStart::kRegistration: return "registration";
    case PeriodStart::kCreated: return "created";
    case PeriodStart::kTermination: return "termination";
  }
  return "created";
}

std::string to_string(Precedence p) {
  return p == Precedence::kDeletionWins ? "deletion-wins" : "min-retention-wins";
}

std::string to_string(Receives r) {
  switch (r) {
    case Receives::kRaw: return "raw";
    case Receives::kPseudonymized: return "pseudonymized";
    case Receives::kNone: return "none";
  }
  return "none";
}

std::string to_string(IncidentRecipient r) {
  switch (r) {
    case IncidentRecipient::kController: return "controller";
    case IncidentRecipient::kAuthority: return "authority";
    case IncidentRecipient::kSubjects: return "subjects";
  }
  return "controller";
}

std::string to_string(RequestMode m) { return m == RequestMode::kForward ? "forward" : "answer"; }

std::string to_string(RequestType t) {
  switch (t) {
    case RequestType::kAccess: return "access";
    case RequestType::kRectify: return "rectify";
    case RequestType::kErase: return "erase";
    case RequestType::kRestrict: return "restrict";
    case RequestType::kWithdrawConsent: return "withdraw-consent";
    case RequestType::kObject: return "object";
    case RequestType::kPortability: return "portability";
  }
  return "access";
}

std::string to_string(DeletionKind k) { return k == DeletionKind::kRight ? "right" : "duty"; }

std::string to_string(Disclosure d) {
  switch (d) {
    case Disclosure::kLawOrContract: return "law-or-contract";
    case Disclosure::kLegalBasis: return "legal-basis";
    case Disclosure::kControllerConsent: return "controller-consent";
    case Disclosure::kLawfulRequestOnly: return "lawful-request-only";
  }
  return "legal-basis";
}

std::string to_string(const Period& p) {
  return fmt::format("{} from {}", p.length.to_string(), to_string(p.from));
}

const std::vector<RequestType>& all_request_types() {
  static const std::vector<RequestType> kAll{RequestType::kAccess,   RequestType::kRectify,
                                             RequestType::kErase,    RequestType::kRestrict,
                                             RequestType::kWithdrawConsent, RequestType::kObject,
                                             RequestType::kPortability};
  return kAll;
}

RequestType parse_request_type(std::string_view text) {
  std::vector<std::string> names;
  for (RequestType t : all_request_types()) {
    if (to_string(t) == text) return t;
    names.push_back(to_string(t));
  }
  throw InputError(fmt::format("unknown request type '{}': write one of {}", text, fmt::join(names, ", ")));
}

IncidentRecipient parse_incident_recipient(std::string_view text) {
  for (auto r : {IncidentRecipient::kController, IncidentRecipient::kAuthority, IncidentRecipient::kSubjects}) {
    if (to_string(r) == text) return r;
  }
  throw InputError(fmt::format("unknown incident recipient '{}': write controller, authority or subjects", text));
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Does a rule written for `rule_category` apply to `category`?
bool covers(std::string_view rule_category, std::string_view category) {
  if (rule_category == "*" || rule_category == category) return true;
  return category.size() > rule_category.size() && category.substr(0, rule_category.size()) == rule_category &&
         category[rule_category.size()] == '.';
}

// Higher is more specific: an exact id, then longer prefixes, then "*".
int specificity(std::string_view rule_category, std::string_view category) {
  if (rule_category == category) return 1000;
  if (rule_category == "*") return 0;
  return static_cast<int>(rule_category.size());
}

int start_order(PeriodStart s) { return static_cast<int>(s); }

std::string cite(const RuleOrigin& o) {
  return o.clause.empty() ? o.policy : fmt::format("{} {}", o.policy, o.clause);
}

template <typename T, typename Describe>
std::string describe_sourced(const Sourced<T>& s, Describe describe) {
  return fmt::format("{} ({})", describe(s.value), cite(s.origin));
}

// Keeps in `cur` the stricter of `cur` and `in`; on a tie keeps `cur` unless
// `prefer_in`. The loser is remembered in `superseded`.
template <typename T, typename Stricter, typename Describe>
void take_stricter(std::optional<Sourced<T>>& cur, const std::optional<Sourced<T>>& in, bool prefer_in,
                   Stricter stricter, Describe describe) {
  if (!in) return;
  if (!cur) {
    cur = in;
    return;
  }
  bool replace = stricter(in->value, cur->value) || (prefer_in && !stricter(cur->value, in->value));
  if (replace) {
    Sourced<T> next = *in;
    next.superseded.insert(next.superseded.begin(), cur->superseded.begin(), cur->superseded.end());
    next.superseded.push_back(describe_sourced(*cur, describe));
    cur = std::move(next);
  } else {
    cur->superseded.push_back(describe_sourced(*in, describe));
  }
}

bool shorter(const Duration& a, const Duration& b) { return a.nominal_hours() < b.nominal_hours(); }

std::string dur(const Duration& d) { return d.to_string(); }

}  // namespace

// ---------------------------------------------------------------- lookups

bool Subprocessor::covers(std::string_view category) const {
  return std::any_of(categories.begin(), categories.end(),
                     [&](const std::string& c) { return dpa::covers(c, category); });
}

const Category* Policy::find_category(std::string_view id) const {
  for (const auto& c : categories) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::vector<std::string> Policy::category_ids() const {
  std::vector<std::string> ids;
  for (const auto& c : categories) ids.push_back(c.id);
  return ids;
}

namespace {

[[noreturn]] void unknown_category(const Policy& p, std::string_view category) {
  std::vector<std::string> ids = p.category_ids();
  if (ids.empty()) {
    throw InputError(fmt::format("policy '{}' declares no categories, so '{}' is unknown; "
                                 "declare it with [[category]] in the policy",
                                 p.name, category));
  }
  std::string near = policy_detail::nearest(category, ids);
  throw InputError(fmt::format("unknown category '{}' in policy '{}'{}; valid categories: {}", category, p.name,
                               near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near),
                               fmt::join(ids, ", ")));
}

struct ConflictSide {
  std::string what;  // "max_age 5y from registration"
  RuleOrigin origin;
};

// A deletion deadline `d` can fall before a minimum `m` when it is counted
// from an earlier point, or from the same or a later point but is shorter.
bool can_fall_before(const Period& d, const Period& m) {
  if (start_order(d.from) < start_order(m.from)) return true;
  return d.length.nominal_hours() < m.length.nominal_hours();
}

struct RetentionResult {
  Retention retention;
  std::optional<ConflictSide> deletion_side;
  std::optional<ConflictSide> minimum_side;
};

RetentionResult compute_retention(const Policy& p, std::string_view category) {
  RetentionResult res;
  Retention& r = res.retention;
  r.category = std::string(category);

  std::vector<const RetentionRule*> rules;
  for (const auto& rule : p.retention_rules) {
    if (covers(rule.category, category)) rules.push_back(&rule);
  }
  // Most specific first, then the policy itself before what it includes, so
  // that a tie keeps the most specific statement.
  std::stable_sort(rules.begin(), rules.end(), [&](const RetentionRule* a, const RetentionRule* b) {
    int sa = specificity(a->category, category), sb = specificity(b->category, category);
    if (sa != sb) return sa > sb;
    return a->depth < b->depth;
  });

  auto period_shorter = [](const Period& a, const Period& b) {
    if (a.length.nominal_hours() != b.length.nominal_hours()) return a.length.nominal_hours() < b.length.nominal_hours();
    return start_order(a.from) < start_order(b.from);
  };
  auto period_longer = [](const Period& a, const Period& b) {
    if (a.length.nominal_hours() != b.length.nominal_hours()) return a.length.nominal_hours() > b.length.nominal_hours();
    return start_order(a.from) > start_order(b.from);
  };
  auto period_str = [](const Period& v) { return to_string(v); };

  for (const RetentionRule* rule : rules) {
    auto src = [&](auto v) {
      using V = decltype(v);
      return std::optional<Sourced<V>>(Sourced<V>{v, rule->origin, {}});
    };
    if (rule->max_age) take_stricter(r.max_age, src(*rule->max_age), false, period_shorter, period_str);
    if (rule->after_termination)
      take_stricter(r.after_termination, src(*rule->after_termination), false, shorter, dur);
    if (rule->min_retention) take_stricter(r.min_retention, src(*rule->min_retention), false, period_longer, period_str);
    if (rule->legal_max) take_stricter(r.legal_max, src(*rule->legal_max), false, period_shorter, period_str);
    if (rule->delete_on_request && !r.delete_on_request) r.delete_on_request = Sourced<bool>{true, rule->origin, {}};
    if (rule->precedence && !r.precedence) r.precedence = Sourced<Precedence>{*rule->precedence, rule->origin, {}};
  }
  // The deletion delay after termination applies to every category.
  if (p.termination.deletion) {
    const auto& d = *p.termination.deletion;
    take_stricter(r.after_termination, std::optional<Sourced<Duration>>(Sourced<Duration>{d.value.delay, d.origin, {}}),
                  false, shorter, dur);
  }

  if (r.min_retention) {
    const Period& m = r.min_retention->value;
    std::vector<ConflictSide> deletions;
    if (r.max_age && can_fall_before(r.max_age->value, m))
      deletions.push_back({"max_age " + to_string(r.max_age->value), r.max_age->origin});
    if (r.legal_max && can_fall_before(r.legal_max->value, m))
      deletions.push_back({"legal_max " + to_string(r.legal_max->value), r.legal_max->origin});
    if (r.after_termination &&
        can_fall_before(Period{r.after_termination->value, PeriodStart::kTermination}, m))
      deletions.push_back({"deletion " + r.after_termination->value.to_string() + " after termination",
                           r.after_termination->origin});
    if (r.delete_on_request) deletions.push_back({"destruction on the controller's request", r.delete_on_request->origin});
    if (!deletions.empty()) {
      std::vector<std::string> parts;
      for (const auto& d : deletions) parts.push_back(fmt::format("{} ({})", d.what, cite(d.origin)));
      r.conflict = fmt::format("{} can fall before min_retention {} ({})", fmt::join(parts, " and "),
                               to_string(m), cite(r.min_retention->origin));
      res.deletion_side = deletions.front();
      res.minimum_side = ConflictSide{"min_retention " + to_string(m), r.min_retention->origin};
    }
  }
  return res;
}

}  // namespace

Retention Policy::retention_for(std::string_view category) const {
  if (category != "*" && !find_category(category)) unknown_category(*this, category);
  return compute_retention(*this, category).retention;
}

const Subprocessor* Policy::find_subprocessor(std::string_view wanted) const {
  std::string want = lower(wanted);
  for (const auto& s : subprocessors) {
    if (lower(s.name) == want || lower(s.legal_name) == want) return &s;
  }
  return nullptr;
}

const IncidentRule* Policy::incident_rule(IncidentRecipient recipient) const {
  for (const auto& r : incidents) {
    if (r.recipient == recipient) return &r;
  }
  return nullptr;
}

RequestMode Policy::request_mode() const {
  return requests.mode ? requests.mode->value : RequestMode::kAnswer;
}

std::optional<Sourced<Duration>> Policy::request_deadline(RequestType type) const {
  auto it = requests.deadlines.find(type);
  if (it == requests.deadlines.end()) return std::nullopt;
  return it->second;
}

std::optional<Sourced<Duration>> Policy::request_deadline(std::string_view type) const {
  return request_deadline(parse_request_type(type));
}

std::optional<Sourced<RequestExtension>> Policy::request_extension(RequestType type) const {
  auto d = request_deadline(type);
  if (!d || !requests.extension) return std::nullopt;
  if (requests.extension->origin.policy != d->origin.policy) return std::nullopt;
  return requests.extension;
}

std::vector<ExplainedRule> Policy::explain(std::string_view category) const {
  const Category* cat = find_category(category);
  if (!cat) unknown_category(*this, category);
  std::vector<ExplainedRule> out;
  auto add = [&](std::string rule, std::string value, const RuleOrigin& o,
                 const std::vector<std::string>& superseded = {}) {
    std::string note = o.note;
    if (!superseded.empty()) {
      if (!note.empty()) note += " ";
      note += fmt::format("(stricter than: {})", fmt::join(superseded, "; "));
    }
    out.push_back({std::move(rule), std::move(value), o.clause, o.policy, std::move(note)});
  };

  add("category", fmt::format("{}{}", cat->description, cat->special ? " [special category]" : ""), cat->origin);

  Retention r = retention_for(category);
  if (r.max_age) add("retention.max_age", to_string(r.max_age->value), r.max_age->origin, r.max_age->superseded);
  if (r.after_termination)
    add("retention.after_termination", r.after_termination->value.to_string() + " after termination",
        r.after_termination->origin, r.after_termination->superseded);
  if (r.min_retention)
    add("retention.min_retention", to_string(r.min_retention->value), r.min_retention->origin,
        r.min_retention->superseded);
  if (r.legal_max) add("retention.legal_max", to_string(r.legal_max->value), r.legal_max->origin, r.legal_max->superseded);
  if (r.delete_on_request) add("retention.delete_on_request", "yes", r.delete_on_request->origin);
  if (r.conflict) {
    RuleOrigin o = r.precedence ? r.precedence->origin : RuleOrigin{name, "", "", file, 0};
    o.note = r.precedence ? "resolved by retention.precedence" : "unresolved: the policy must state precedence";
    add("retention.conflict", *r.conflict, o);
  }
  if (r.precedence) add("retention.precedence", to_string(r.precedence->value), r.precedence->origin);

  if (const auto& e = termination.export_window)
    add("termination.export", fmt::format("{} after termination{}", e->value.window.to_string(),
                                          e->value.condition == "none" ? "" : ", if " + e->value.condition),
        e->origin, e->superseded);
  if (const auto& d = termination.deletion)
    add("termination.deletion", fmt::format("{} after termination ({})", d->value.delay.to_string(), to_string(d->value.kind)),
        d->origin, d->superseded);
  if (const auto& b = termination.backups)
    add("termination.backups",
        fmt::format("{}{}", b->value.max_age ? "kept at most " + b->value.max_age->to_string() : "no limit stated",
                    b->value.restore_only ? ", restore only" : ""),
        b->origin, b->superseded);
  for (const auto& s : subprocessors) {
    if (!s.covers(category)) continue;
    add("subprocessor." + s.name,
        fmt::format("{} ({}, {}): receives {}", s.legal_name, s.country, s.purpose, to_string(s.receives)), s.origin,
        s.superseded);
    if (s.operators) {
      add("subprocessor." + s.name + ".operator", s.operators->spec(), s.operators->origin, s.operators->superseded);
    }
  }
  if (localization)
    add("localization",
        fmt::format("stored in {}{}", localization->value.storage_country,
                    localization->value.exception.empty() ? "" : ", " + localization->value.exception),
        localization->origin, localization->superseded);
  for (const auto& c : cross_border) {
    std::string v = !c.allowed ? "forbidden"
                               : fmt::format("{}{}{}", c.any_of.empty() ? "" : "one of: " + fmt::format("{}", fmt::join(c.any_of, ", ")),
                                             (!c.any_of.empty() && !c.all_of.empty()) ? "; " : "",
                                             c.all_of.empty() ? "" : "all of: " + fmt::format("{}", fmt::join(c.all_of, ", ")));
    add("cross_border", v, c.origin);
  }
  if (third_party) {
    std::string v = to_string(third_party->value.disclosure);
    if (!third_party->value.exceptions.empty()) v += fmt::format(" ({})", fmt::join(third_party->value.exceptions, ", "));
    add("third_party", v, third_party->origin, third_party->superseded);
  }
  return out;
}

// ---------------------------------------------------------------- loading

namespace policy_detail {

bool is_policy_path(std::string_view s) {
  return s.find('/') != std::string_view::npos ||
         (s.size() >= 5 && s.substr(s.size() - 5) == ".toml");
}

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read policy file {}", p.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

PolicySource read_policy_file(const fs::path& p) {
  PolicySource s;
  s.text = read_text(p);
  s.origin = p.string();
  s.base_dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(p, ec);
  s.identity = ec ? p.lexically_normal().string() : canon.string();
  s.expected_name = p.stem().string();
  return s;
}

namespace {

std::optional<PolicySource> try_find(std::string_view name, const fs::path& base_dir,
                                     const std::vector<fs::path>& dirs) {
  if (is_policy_path(name)) {
    fs::path p(name);
    if (p.is_relative() && !base_dir.empty()) p = base_dir / p;
    if (fs::is_regular_file(p)) return read_policy_file(p);
    return std::nullopt;
  }
  std::string file = std::string(name) + ".toml";
  if (!base_dir.empty() && fs::is_regular_file(base_dir / file)) return read_policy_file(base_dir / file);
  for (const auto& d : dirs) {
    if (fs::is_regular_file(d / file)) return read_policy_file(d / file);
  }
  if (auto text = find_embedded(file)) {
    PolicySource s;
    s.text = std::string(*text);
    s.origin = "builtin:" + file;
    s.identity = "builtin:" + std::string(name);
    s.expected_name = std::string(name);
    return s;
  }
  return std::nullopt;
}

std::vector<std::string> available_names(const fs::path& base_dir, const std::vector<fs::path>& dirs) {
  std::set<std::string> names;
  for (const auto& n : shipped_policy_names()) names.insert(n);
  std::vector<fs::path> all = dirs;
  if (!base_dir.empty()) all.insert(all.begin(), base_dir);
  for (const auto& d : all) {
    std::error_code ec;
    for (fs::directory_iterator it(d, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".toml") names.insert(it->path().stem().string());
    }
  }
  return {names.begin(), names.end()};
}

// Merges `layer` into `eff`. `own` says the layer is the policy itself (it
// wins ties and names the result); otherwise it is an included policy.
void merge_layer(Policy& eff, const Policy& layer, bool own, std::vector<PolicyProblem>& problems) {
  std::set<std::string> already(eff.merged.begin(), eff.merged.end());
  auto fresh = [&](const RuleOrigin& o) { return already.count(o.policy) == 0; };

  if (own) {
    eff.name = layer.name;
    eff.title = layer.title;
    eff.version = layer.version;
    eff.jurisdiction = layer.jurisdiction;
    eff.source = layer.source;
    eff.language = layer.language;
    eff.file = layer.file;
    eff.includes = layer.includes;
    if (!already.count(layer.name)) eff.merged.push_back(layer.name);
  } else {
    for (const auto& m : layer.merged) {
      if (!already.count(m)) eff.merged.push_back(m);
    }
  }

  if (layer.roles && (own || !eff.roles)) eff.roles = layer.roles;

  for (const auto& c : layer.categories) {
    auto it = std::find_if(eff.categories.begin(), eff.categories.end(), [&](const Category& e) { return e.id == c.id; });
    if (it == eff.categories.end()) {
      eff.categories.push_back(c);
    } else if (own) {
      *it = c;
    }
  }
  for (const auto& pu : layer.purposes) {
    if (fresh(pu.origin)) eff.purposes.push_back(pu);
  }
  for (auto rule : layer.retention_rules) {
    if (!fresh(rule.origin)) continue;
    if (!own) rule.depth += 1;
    eff.retention_rules.push_back(std::move(rule));
  }

  // Termination.
  auto& t = eff.termination;
  const auto& lt = layer.termination;
  if (lt.export_window && (own || !t.export_window)) {
    if (t.export_window) {
      auto prev = *t.export_window;
      t.export_window = lt.export_window;
      t.export_window->superseded.push_back(
          fmt::format("{} ({})", prev.value.window.to_string(), cite(prev.origin)));
    } else {
      t.export_window = lt.export_window;
    }
  }
  take_stricter(t.deletion, lt.deletion, own,
                [](const DeletionAfterTermination& a, const DeletionAfterTermination& b) {
                  if (a.delay.nominal_hours() != b.delay.nominal_hours()) return a.delay.nominal_hours() < b.delay.nominal_hours();
                  return a.kind == DeletionKind::kDuty && b.kind == DeletionKind::kRight;
                },
                [](const DeletionAfterTermination& v) { return fmt::format("{} ({})", v.delay.to_string(), to_string(v.kind)); });
  take_stricter(t.backups, lt.backups, own,
                [](const BackupRule& a, const BackupRule& b) {
                  if (a.max_age && !b.max_age) return true;
                  if (a.max_age && b.max_age) return shorter(*a.max_age, *b.max_age);
                  return false;
                },
                [](const BackupRule& v) { return v.max_age ? "at most " + v.max_age->to_string() : std::string("no limit"); });
  if (lt.access && (own || !t.access)) t.access = lt.access;

  // Subprocessors: by name; the more restrictive `receives` wins.
  for (const auto& s : layer.subprocessors) {
    auto it = std::find_if(eff.subprocessors.begin(), eff.subprocessors.end(),
                           [&](const Subprocessor& e) { return lower(e.name) == lower(s.name); });
    if (it == eff.subprocessors.end()) {
      if (fresh(s.origin)) eff.subprocessors.push_back(s);
      continue;
    }
    Subprocessor merged = own ? s : *it;
    const Subprocessor& other = own ? *it : s;
    if (other.receives > merged.receives) {
      merged.superseded.push_back(fmt::format("receives {} ({})", to_string(merged.receives), cite(merged.origin)));
      merged.receives = other.receives;
      merged.origin = other.origin;
    } else if (other.receives != merged.receives) {
      merged.superseded.push_back(fmt::format("receives {} ({})", to_string(other.receives), cite(other.origin)));
    }
    merged.operators = policy_detail::merge_operators(merged.operators, other.operators, cite);
    *it = std::move(merged);
  }

  // Localization: a storage requirement without exception is stricter.
  if (layer.localization && eff.localization &&
      layer.localization->value.storage_country != eff.localization->value.storage_country) {
    const auto& mine = own ? *layer.localization : *eff.localization;
    const auto& theirs = own ? *eff.localization : *layer.localization;
    problems.push_back({mine.origin.file, mine.origin.line, 1,
                        fmt::format("[localization] requires storage in {} but {} requires {}",
                                    mine.value.storage_country, cite(theirs.origin), theirs.value.storage_country),
                        fmt::format("write storage_country = \"{}\" (a contract cannot lift the law's requirement)",
                                    theirs.value.storage_country)});
  } else {
    take_stricter(eff.localization, layer.localization, own,
                  [](const Localization& a, const Localization& b) { return a.exception.empty() && !b.exception.empty(); },
                  [](const Localization& v) {
                    return fmt::format("{}{}", v.storage_country, v.exception.empty() ? "" : ", " + v.exception);
                  });
  }

  for (const auto& c : layer.cross_border) {
    if (fresh(c.origin)) eff.cross_border.push_back(c);
  }

  // Incidents: one rule per recipient; the shorter deadline wins, the
  // required content is the union.
  for (const auto& in : layer.incidents) {
    auto it = std::find_if(eff.incidents.begin(), eff.incidents.end(),
                           [&](const IncidentRule& e) { return e.recipient == in.recipient; });
    if (it == eff.incidents.end()) {
      if (fresh(in.origin)) eff.incidents.push_back(in);
      continue;
    }
    IncidentRule& cur = *it;
    take_stricter(cur.deadline, in.deadline, own, shorter, dur);
    cur.without_undue_delay = cur.without_undue_delay || in.without_undue_delay;
    for (const auto& f : in.content) {
      if (std::find(cur.content.begin(), cur.content.end(), f) == cur.content.end()) cur.content.push_back(f);
    }
    if (own) {
      cur.superseded.push_back(fmt::format("{} ({})", cur.trigger, cite(cur.origin)));
      cur.trigger = in.trigger;
      cur.origin = in.origin;
    } else {
      cur.superseded.push_back(fmt::format("{} ({})", in.trigger, cite(in.origin)));
    }
  }

  // Subject requests.
  auto& rq = eff.requests;
  const auto& lrq = layer.requests;
  if (lrq.mode && (own || !rq.mode)) {
    if (rq.mode && rq.mode->value != lrq.mode->value) {
      auto prev = *rq.mode;
      rq.mode = lrq.mode;
      rq.mode->superseded.push_back(fmt::format("{} ({})", to_string(prev.value), cite(prev.origin)));
    } else {
      rq.mode = lrq.mode;
    }
  }
  take_stricter(rq.forward_within, lrq.forward_within, own, shorter, dur);
  for (const auto& [type, d] : lrq.deadlines) {
    std::optional<Sourced<Duration>> cur;
    if (auto it = rq.deadlines.find(type); it != rq.deadlines.end()) cur = it->second;
    take_stricter(cur, std::optional<Sourced<Duration>>(d), own, shorter, dur);
    rq.deadlines[type] = *cur;
  }
  take_stricter(rq.extension, lrq.extension, own,
                [](const RequestExtension& a, const RequestExtension& b) { return shorter(a.by, b.by); },
                [](const RequestExtension& v) { return "+" + v.by.to_string(); });

  take_stricter(eff.third_party, layer.third_party, own,
                [](const ThirdPartyRule& a, const ThirdPartyRule& b) { return a.disclosure > b.disclosure; },
                [](const ThirdPartyRule& v) { return to_string(v.disclosure); });
  take_stricter(eff.confidentiality, layer.confidentiality, own,
                [](const Confidentiality& a, const Confidentiality& b) {
                  if (!a.survives) return b.survives.has_value();
                  return b.survives && a.survives->nominal_hours() > b.survives->nominal_hours();
                },
                [](const Confidentiality& v) { return v.survives ? v.survives->to_string() : std::string("unlimited"); });

  for (const auto& a : layer.anonymization) {
    if (fresh(a.origin)) eff.anonymization.push_back(a);
  }
  for (const auto& s : layer.suppression) {
    if (fresh(s.origin)) eff.suppression.push_back(s);
  }
  for (const auto& o : layer.obligations) {
    if (fresh(o.origin)) eff.obligations.push_back(o);
  }
}

bool category_known(const std::vector<Category>& cats, std::string_view ref) {
  if (ref == "*") return true;
  return std::any_of(cats.begin(), cats.end(), [&](const Category& c) { return covers(ref, c.id); });
}

void check_references(const ParsedFile& pf, const std::vector<Category>& cats, std::vector<PolicyProblem>& problems) {
  std::vector<std::string> ids;
  for (const auto& c : cats) ids.push_back(c.id);
  auto report = [&](const std::string& ref, const Place& at, std::string_view where) {
    std::string near = nearest(ref, ids);
    std::string fix = !near.empty() ? fmt::format("write \"{}\" instead", near)
                      : ids.empty() ? fmt::format("declare it with [[category]] id = \"{}\"", ref)
                                    : fmt::format("declare it with [[category]] id = \"{}\", or write one of: {}", ref,
                                                  fmt::join(ids, ", "));
    problems.push_back({pf.own.file, at.line, at.column,
                        fmt::format("{} names category '{}', which no [[category]] declares", where, ref), fix});
  };
  for (std::size_t i = 0; i < pf.own.retention_rules.size() && i < pf.retention_category_places.size(); ++i) {
    const auto& ref = pf.own.retention_rules[i].category;
    if (!category_known(cats, ref)) report(ref, pf.retention_category_places[i], "[[retention]]");
  }
  for (std::size_t i = 0; i < pf.subprocessor_category_places.size(); ++i) {
    for (const auto& [ref, at] : pf.subprocessor_category_places[i]) {
      if (!category_known(cats, ref))
        report(ref, at, fmt::format("[[subprocessor]] '{}'", pf.own.subprocessors[i].name));
    }
  }
}

class Loader {
 public:
  Loader(const std::vector<fs::path>& dirs, std::vector<PolicyProblem>& problems) : dirs_(dirs), problems_(problems) {}

  Policy load(const PolicySource& src) {
    ParsedFile pf = parse_policy_file(src.text, src.origin, problems_);
    stack_.push_back({src.identity, pf.own.name.empty() ? src.expected_name : pf.own.name});
    Policy eff;
    for (const auto& inc : pf.includes) {
      std::optional<PolicySource> found = try_find(inc.name, src.base_dir, dirs_);
      if (!found) {
        std::vector<std::string> names = available_names(src.base_dir, dirs_);
        std::string near = nearest(inc.name, names);
        problems_.push_back({src.origin, inc.line, inc.column, fmt::format("unknown include '{}'", inc.name),
                             near.empty() ? fmt::format("write one of: {}", fmt::join(names, ", "))
                                          : fmt::format("write \"{}\" instead", near)});
        continue;
      }
      auto on_stack = std::find_if(stack_.begin(), stack_.end(),
                                   [&](const auto& e) { return e.first == found->identity; });
      if (on_stack != stack_.end()) {
        std::vector<std::string> chain;
        for (auto it = on_stack; it != stack_.end(); ++it) chain.push_back(it->second);
        chain.push_back(on_stack->second);
        problems_.push_back({src.origin, inc.line, inc.column,
                             fmt::format("include cycle: {}", fmt::join(chain, " -> ")),
                             fmt::format("remove the include of '{}' from one of these policies", inc.name)});
        continue;
      }
      Policy sub = load(*found);
      merge_layer(eff, sub, false, problems_);
    }
    std::vector<Category> cats = eff.categories;
    for (const auto& c : pf.own.categories) {
      if (!std::any_of(cats.begin(), cats.end(), [&](const Category& e) { return e.id == c.id; })) cats.push_back(c);
    }
    check_references(pf, cats, problems_);
    merge_layer(eff, pf.own, true, problems_);
    stack_.pop_back();
    return eff;
  }

 private:
  const std::vector<fs::path>& dirs_;
  std::vector<PolicyProblem>& problems_;
  std::vector<std::pair<std::string, std::string>> stack_;  // identity, name
};

// Problems that only the effective policy shows.
void check_effective(const Policy& p, const std::string& top_file, std::vector<PolicyProblem>& problems) {
  std::vector<std::string> cats = p.category_ids();
  if (cats.empty()) cats.push_back("*");
  for (const auto& c : cats) {
    RetentionResult res = compute_retention(p, c);
    if (!res.retention.conflict || res.retention.precedence) continue;
    // Place the problem in the policy being checked when one side is there.
    const RuleOrigin* at = &res.deletion_side->origin;
    if (at->file != top_file && res.minimum_side->origin.file == top_file) at = &res.minimum_side->origin;
    problems.push_back({at->file, at->line, 1,
                        fmt::format("conflicting retention for category '{}': {}", c, *res.retention.conflict),
                        "state which wins: add precedence = \"min-retention-wins\" or \"deletion-wins\" to the "
                        "[[retention]] rule for this category, with a note saying why"});
  }
  const auto& t = p.termination;
  if (t.export_window && t.deletion && t.export_window->value.window.nominal_hours() > t.deletion->value.delay.nominal_hours()) {
    const RuleOrigin& at = t.export_window->origin;
    problems.push_back({at.file, at.line, 1,
                        fmt::format("export window {} ({}) is longer than the deletion delay {} ({})",
                                    t.export_window->value.window.to_string(), cite(at),
                                    t.deletion->value.delay.to_string(), cite(t.deletion->origin)),
                        "make the export window end no later than the deletion"});
  }
}

}  // namespace

PolicySource find_policy_source(std::string_view name_or_path, const std::vector<fs::path>& search_dirs) {
  if (is_policy_path(name_or_path)) {
    fs::path p(name_or_path);
    if (!fs::is_regular_file(p)) throw InputError(fmt::format("no policy file {}", p.string()));
    return read_policy_file(p);
  }
  if (auto s = try_find(name_or_path, {}, search_dirs)) return *s;
  std::vector<std::string> names = available_names({}, search_dirs);
  std::string near = nearest(name_or_path, names);
  throw InputError(fmt::format("unknown policy '{}'{}; known policies: {} (or give a path to a .toml file)",
                               name_or_path, near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near),
                               fmt::join(names, ", ")));
}

LoadResult load_source(const PolicySource& source, const std::vector<fs::path>& search_dirs) {
  LoadResult out;
  Loader loader(search_dirs, out.problems);
  out.policy = loader.load(source);
  check_effective(out.policy, source.origin, out.problems);
  // A baseline included twice reports its problems once.
  std::vector<PolicyProblem> unique;
  for (auto& p : out.problems) {
    bool dup = std::any_of(unique.begin(), unique.end(), [&](const PolicyProblem& u) {
      return u.file == p.file && u.line == p.line && u.column == p.column && u.message == p.message;
    });
    if (!dup) unique.push_back(std::move(p));
  }
  out.problems = std::move(unique);
  return out;
}

}  // namespace policy_detail

std::vector<std::string> shipped_policy_names() {
  std::vector<std::string> names;
  for (const auto& f : embedded_files()) {
    std::string_view n = f.name;
    if (n.find('/') != std::string_view::npos) continue;  // calendars/ and other data
    if (n.size() <= 5 || n.substr(n.size() - 5) != ".toml") continue;
    names.emplace_back(n.substr(0, n.size() - 5));
  }
  std::sort(names.begin(), names.end());
  return names;
}

Policy load_policy(std::string_view name_or_path, const std::vector<fs::path>& search_dirs) {
  using namespace policy_detail;
  PolicySource src = find_policy_source(name_or_path, search_dirs);
  LoadResult r = load_source(src, search_dirs);
  if (!r.problems.empty()) {
    const PolicyProblem& p = r.problems.front();
    std::string more = r.problems.size() > 1
                           ? fmt::format(" ({} more; see `dpa policy check {}`)", r.problems.size() - 1, src.origin)
                           : "";
    throw InputError(fmt::format("{}:{}: {}; {}{}", p.file, p.line, p.message, p.fix, more));
  }
  return std::move(r.policy);
}

// ---------------------------------------------------------------- JSON

namespace {

nlohmann::json origin_json(const RuleOrigin& o) {
  nlohmann::json j{{"policy", o.policy}, {"clause", o.clause}, {"file", o.file}, {"line", o.line}};
  if (!o.note.empty()) j["note"] = o.note;
  return j;
}

template <typename T, typename F>
nlohmann::json sourced_json(const std::optional<Sourced<T>>& s, F value) {
  if (!s) return nullptr;
  nlohmann::json j = value(s->value);
  j["origin"] = origin_json(s->origin);
  if (!s->superseded.empty()) j["superseded"] = s->superseded;
  return j;
}

nlohmann::json period_json(const Period& p) { return {{"duration", p.length.to_string()}, {"from", to_string(p.from)}}; }

nlohmann::json opt_duration(const std::optional<Duration>& d) {
  return d ? nlohmann::json(d->to_string()) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json policy_to_json(const Policy& p) {
  nlohmann::json j;
  j["name"] = p.name;
  j["title"] = p.title;
  j["version"] = p.version;
  j["jurisdiction"] = p.jurisdiction;
  j["source"] = p.source;
  j["language"] = p.language;
  j["file"] = p.file;
  j["includes"] = p.includes;
  j["merged"] = p.merged;
  if (p.roles) {
    j["roles"] = {{"controller", p.roles->controller}, {"processor", p.roles->processor},
                  {"stated", p.roles->stated}, {"origin", origin_json(p.roles->origin)}};
  } else {
    j["roles"] = nullptr;
  }
  j["categories"] = nlohmann::json::array();
  for (const auto& c : p.categories) {
    nlohmann::json cj{{"id", c.id}, {"description", c.description}, {"special", c.special},
                      {"origin", origin_json(c.origin)}};
    Retention r = p.retention_for(c.id);
    nlohmann::json rj;
    rj["max_age"] = sourced_json(r.max_age, period_json);
    rj["after_termination"] = sourced_json(r.after_termination, [](const Duration& d) {
      return nlohmann::json{{"duration", d.to_string()}};
    });
    rj["min_retention"] = sourced_json(r.min_retention, period_json);
    rj["legal_max"] = sourced_json(r.legal_max, period_json);
    rj["delete_on_request"] = sourced_json(r.delete_on_request, [](bool b) { return nlohmann::json{{"value", b}}; });
    rj["precedence"] = sourced_json(r.precedence, [](Precedence v) { return nlohmann::json{{"value", to_string(v)}}; });
    rj["conflict"] = r.conflict ? nlohmann::json(*r.conflict) : nlohmann::json(nullptr);
    cj["retention"] = rj;
    j["categories"].push_back(cj);
  }
  j["purposes"] = nlohmann::json::array();
  for (const auto& pu : p.purposes)
    j["purposes"].push_back({{"id", pu.id}, {"description", pu.description}, {"origin", origin_json(pu.origin)}});
  j["retention_rules"] = nlohmann::json::array();
  for (const auto& r : p.retention_rules) {
    nlohmann::json rj{{"category", r.category}, {"delete_on_request", r.delete_on_request}, {"depth", r.depth},
                      {"origin", origin_json(r.origin)}};
    rj["max_age"] = r.max_age ? period_json(*r.max_age) : nlohmann::json(nullptr);
    rj["after_termination"] = opt_duration(r.after_termination);
    rj["min_retention"] = r.min_retention ? period_json(*r.min_retention) : nlohmann::json(nullptr);
    rj["legal_max"] = r.legal_max ? period_json(*r.legal_max) : nlohmann::json(nullptr);
    rj["precedence"] = r.precedence ? nlohmann::json(to_string(*r.precedence)) : nlohmann::json(nullptr);
    j["retention_rules"].push_back(rj);
  }
  const auto& t = p.termination;
  j["termination"] = {
      {"export", sourced_json(t.export_window, [](const ExportWindow& e) {
         return nlohmann::json{{"window", e.window.to_string()}, {"condition", e.condition}};
       })},
      {"deletion", sourced_json(t.deletion, [](const DeletionAfterTermination& d) {
         return nlohmann::json{{"delay", d.delay.to_string()}, {"kind", to_string(d.kind)}};
       })},
      {"backups", sourced_json(t.backups, [](const BackupRule& b) {
         return nlohmann::json{{"max_age", opt_duration(b.max_age)}, {"restore_only", b.restore_only}};
       })},
      {"access", sourced_json(t.access, [](const AccessEnd& a) { return nlohmann::json{{"ends", a.ends}}; })}};
  j["subprocessors"] = nlohmann::json::array();
  for (const auto& s : p.subprocessors) {
    nlohmann::json sj{{"name", s.name},          {"legal_name", s.legal_name}, {"country", s.country},
                      {"purpose", s.purpose},    {"categories", s.categories}, {"receives", to_string(s.receives)},
                      {"primary_storage", s.primary_storage}, {"origin", origin_json(s.origin)}};
    if (!s.superseded.empty()) sj["superseded"] = s.superseded;
    if (s.operators) {
      nlohmann::json by_type = nlohmann::json::object();
      for (const auto& [type, op] : s.operators->by_type) by_type[type] = to_string(op);
      sj["operator"] = {{"spec", s.operators->spec()},
                        {"default", s.operators->all ? nlohmann::json(to_string(*s.operators->all)) : nlohmann::json()},
                        {"by_type", by_type},
                        {"origin", origin_json(s.operators->origin)}};
      if (!s.operators->superseded.empty()) sj["operator"]["superseded"] = s.operators->superseded;
    }
    j["subprocessors"].push_back(sj);
  }
  j["localization"] = sourced_json(p.localization, [](const Localization& l) {
    return nlohmann::json{{"storage_country", l.storage_country},
                          {"exception", l.exception.empty() ? nlohmann::json(nullptr) : nlohmann::json(l.exception)}};
  });
  j["cross_border"] = nlohmann::json::array();
  for (const auto& c : p.cross_border)
    j["cross_border"].push_back({{"allowed", c.allowed}, {"any_of", c.any_of}, {"all_of", c.all_of},
                                 {"origin", origin_json(c.origin)}});
  j["incidents"] = nlohmann::json::array();
  for (const auto& i : p.incidents) {
    nlohmann::json ij{{"recipient", to_string(i.recipient)},
                      {"deadline", sourced_json(i.deadline, [](const Duration& d) {
                         return nlohmann::json{{"duration", d.to_string()}, {"describe", d.describe()}};
                       })},
                      {"without_undue_delay", i.without_undue_delay},
                      {"trigger", i.trigger},
                      {"content", i.content},
                      {"origin", origin_json(i.origin)}};
    if (!i.superseded.empty()) ij["superseded"] = i.superseded;
    j["incidents"].push_back(ij);
  }
  nlohmann::json rq;
  rq["mode"] = to_string(p.request_mode());
  rq["mode_origin"] = p.requests.mode ? origin_json(p.requests.mode->origin) : nlohmann::json(nullptr);
  rq["forward_within"] = sourced_json(p.requests.forward_within, [](const Duration& d) {
    return nlohmann::json{{"duration", d.to_string()}};
  });
  rq["deadlines"] = nlohmann::json::object();
  for (const auto& [type, d] : p.requests.deadlines) {
    nlohmann::json dj{{"duration", d.value.to_string()}, {"describe", d.value.describe()}, {"origin", origin_json(d.origin)}};
    if (!d.superseded.empty()) dj["superseded"] = d.superseded;
    rq["deadlines"][to_string(type)] = dj;
  }
  rq["extension"] = sourced_json(p.requests.extension, [](const RequestExtension& e) {
    return nlohmann::json{{"by", e.by.to_string()}, {"reason_required", e.reason_required}};
  });
  j["requests"] = rq;
  j["third_party"] = sourced_json(p.third_party, [](const ThirdPartyRule& r) {
    return nlohmann::json{{"disclosure", to_string(r.disclosure)}, {"exceptions", r.exceptions}};
  });
  j["confidentiality"] = sourced_json(p.confidentiality, [](const Confidentiality& c) {
    return nlohmann::json{{"survives", c.survives ? nlohmann::json(c.survives->to_string()) : nlohmann::json("unlimited")}};
  });
  j["anonymization"] = nlohmann::json::array();
  for (const auto& a : p.anonymization)
    j["anonymization"].push_back({{"test", a.test}, {"uses", a.uses}, {"binding", a.binding}, {"origin", origin_json(a.origin)}});
  j["suppression"] = nlohmann::json::array();
  for (const auto& s : p.suppression)
    j["suppression"].push_back({{"id", s.id}, {"trigger", s.trigger}, {"expires", s.expires ? nlohmann::json(s.expires->to_string()) : nlohmann::json("never")},
                                {"lifted_by", s.lifted_by}, {"origin", origin_json(s.origin)}});
  j["obligations"] = nlohmann::json::array();
  for (const auto& o : p.obligations)
    j["obligations"].push_back({{"id", o.id}, {"party", o.party}, {"action", o.action},
                                {"deadline", opt_duration(o.deadline)}, {"origin", origin_json(o.origin)}});
  return j;
}

}  // namespace dpa

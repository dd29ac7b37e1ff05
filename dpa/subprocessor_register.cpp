#include "dpa/subprocessor_register.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "dpa/error.h"
#include "dpa/policy_internal.h"
#include "dpa/workspace.h"

namespace dpa {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Receives receives_from_text(std::string_view text) {
  if (text == "raw") return Receives::kRaw;
  if (text == "pseudonymized") return Receives::kPseudonymized;
  return Receives::kNone;
}

Safeguard safeguard_from_text(std::string_view text) {
  if (text == "adequacy") return Safeguard::kAdequacy;
  if (text == "scc") return Safeguard::kScc;
  if (text == "bcr") return Safeguard::kBcr;
  if (text == "consent") return Safeguard::kConsent;
  if (text == "derogation") return Safeguard::kDerogation;
  return Safeguard::kNone;
}

Timestamp parse_utc(const std::string& text) { return parse_timestamp(text, TimeZone::utc()); }

void validate_name(const std::string& name) {
  auto ok_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  };
  bool ok = !name.empty() && name.size() <= 64 && ok_char(name[0]) && name[0] != '.' &&
            name[0] != '_' && name[0] != '-';
  for (char c : name) ok = ok && ok_char(c);
  if (!ok) {
    throw InputError(fmt::format(
        "bad subprocessor name '{}': use 1-64 lowercase letters, digits, '.', '_' or '-' (such as "
        "hosting); put the company's name in --legal-name",
        name));
  }
}

std::string normalize_country(const std::string& text) {
  if (lower(text) == "unknown") return "unknown";
  std::string upper = text;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (!policy_detail::is_iso_country(upper)) {
    throw InputError(fmt::format(
        "'{}' is not an ISO 3166-1 alpha-2 country code; write one such as KZ or US, or unknown", text));
  }
  return upper;
}

bool declared(const Policy& policy, const std::string& category) {
  if (category == "*" || policy.find_category(category)) return true;
  std::string prefix = category + ".";
  return std::any_of(policy.categories.begin(), policy.categories.end(),
                     [&](const Category& c) { return c.id.starts_with(prefix); });
}

nlohmann::json opt_json(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

}  // namespace

std::string to_string(Safeguard s) {
  switch (s) {
    case Safeguard::kNone: return "";
    case Safeguard::kAdequacy: return "adequacy";
    case Safeguard::kScc: return "scc";
    case Safeguard::kBcr: return "bcr";
    case Safeguard::kConsent: return "consent";
    case Safeguard::kDerogation: return "derogation";
  }
  return "";
}

Safeguard parse_safeguard(std::string_view text) {
  if (text == "none") return Safeguard::kNone;
  Safeguard s = safeguard_from_text(text);
  if (s == Safeguard::kNone) {
    throw UsageError(fmt::format(
        "--safeguard is adequacy, scc, bcr, consent, derogation or none, not '{}'", text));
  }
  return s;
}

const std::vector<std::string>& safeguard_conditions(Safeguard s) {
  static const std::vector<std::string> none;
  static const std::vector<std::string> adequacy{"adequate-protection", "adequacy-decision"};
  static const std::vector<std::string> scc{"scc", "appropriate-safeguards", "reasonable-measures"};
  static const std::vector<std::string> bcr{"bcr", "appropriate-safeguards", "reasonable-measures"};
  static const std::vector<std::string> consent{"subject-consent", "derogation", "controller-legal-basis"};
  static const std::vector<std::string> derogation{"derogation"};
  switch (s) {
    case Safeguard::kNone: return none;
    case Safeguard::kAdequacy: return adequacy;
    case Safeguard::kScc: return scc;
    case Safeguard::kBcr: return bcr;
    case Safeguard::kConsent: return consent;
    case Safeguard::kDerogation: return derogation;
  }
  return none;
}

std::string to_string(RegisterStatus s) {
  switch (s) {
    case RegisterStatus::kInForce: return "in-force";
    case RegisterStatus::kNotYetInForce: return "not-yet-in-force";
    case RegisterStatus::kRetired: return "retired";
  }
  return "";
}

SubprocessorRegister::SubprocessorRegister(const Policy& policy, std::vector<SubprocessorEntryRecord> entries)
    : policy_name_(policy.name), policy_subs_(policy.subprocessors) {
  std::vector<Timestamp> times;
  for (const auto& e : entries) times.push_back(parse_utc(e.effective));
  std::vector<std::size_t> order(entries.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (times[a] != times[b]) return times[a] < times[b];
    return entries[a].id < entries[b].id;
  });
  for (std::size_t i : order) {
    entries_.push_back(std::move(entries[i]));
    effective_.push_back(times[i]);
  }
}

SubprocessorRegister SubprocessorRegister::load(Workspace& ws, const Policy& policy) {
  return SubprocessorRegister(policy, ws.store().subprocessor_entries(policy.name));
}

std::vector<std::string> SubprocessorRegister::names() const {
  std::vector<std::string> out;
  auto add = [&](const std::string& n) {
    if (std::none_of(out.begin(), out.end(), [&](const std::string& o) { return lower(o) == lower(n); }))
      out.push_back(n);
  };
  for (const auto& s : policy_subs_) add(s.name);
  for (const auto& e : entries_) add(e.name);
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<std::string> SubprocessorRegister::canonical(std::string_view wanted) const {
  std::string w = lower(wanted);
  for (const auto& s : policy_subs_) {
    if (lower(s.name) == w || lower(s.legal_name) == w) return s.name;
  }
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (lower(it->name) == w || (!it->legal_name.empty() && lower(it->legal_name) == w)) return it->name;
  }
  return std::nullopt;
}

RegisteredSubprocessor SubprocessorRegister::merge(const Subprocessor* base,
                                                   const SubprocessorEntryRecord& e) const {
  RegisteredSubprocessor r;
  if (base) r.sub = *base;
  r.in_policy = base != nullptr;
  r.sub.name = base ? base->name : e.name;
  if (!e.legal_name.empty()) r.sub.legal_name = e.legal_name;
  if (!e.country.empty()) r.sub.country = e.country;
  if (!e.purpose.empty()) r.sub.purpose = e.purpose;
  if (!e.categories.empty()) {
    auto cats = nlohmann::json::parse(e.categories, nullptr, false);
    std::vector<std::string> list;
    if (cats.is_array()) {
      for (const auto& c : cats) {
        if (!c.is_string()) continue;
        // Never wider than the policy, even if the policy narrowed since.
        if (!base || base->covers(c.get<std::string>())) list.push_back(c.get<std::string>());
      }
    }
    r.sub.categories = std::move(list);
  }
  if (!e.receives.empty()) {
    Receives rv = receives_from_text(e.receives);
    r.sub.receives = base ? std::max(base->receives, rv) : rv;
  }
  if (e.primary_storage) r.sub.primary_storage = *e.primary_storage;
  if (!e.clause.empty()) {
    r.sub.origin.clause = e.clause;
    r.sub.origin.policy = policy_name_;
  } else if (!base) {
    r.sub.origin.clause = fmt::format("register entry #{}", e.id);
    r.sub.origin.policy = policy_name_;
  }
  if (!base || !e.clause.empty()) {
    r.sub.origin.file = "dpa.db:subprocessor_register";
    r.sub.origin.line = static_cast<int>(e.id);
  }
  if (!e.note.empty()) r.sub.origin.note = e.note;
  r.entry_id = e.id;
  r.since = e.effective;
  r.safeguard = safeguard_from_text(e.safeguard);
  r.safeguard_reference = e.safeguard_reference;
  r.safeguard_expires = e.safeguard_expires;
  return r;
}

RegisteredSubprocessor SubprocessorRegister::resolve(std::string_view name, Timestamp at) const {
  std::optional<std::string> canon = canonical(name);
  if (!canon) {
    std::vector<std::string> known = names();
    if (known.empty()) {
      throw InputError(fmt::format("unknown subprocessor '{}': policy {} lists none; record one with "
                                   "`dpa transfer subprocessor add`",
                                   name, policy_name_));
    }
    throw InputError(fmt::format("unknown subprocessor '{}' under policy {}; known: {}", name,
                                 policy_name_, fmt::join(known, ", ")));
  }
  const Subprocessor* base = nullptr;
  for (const auto& s : policy_subs_) {
    if (lower(s.name) == lower(*canon)) base = &s;
  }
  std::optional<std::size_t> first, last, last_add;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (lower(entries_[i].name) != lower(*canon)) continue;
    if (!first) first = i;
    if (effective_[i] > at) continue;
    last = i;
    if (entries_[i].action == "add") last_add = i;
  }
  auto from_policy = [&] {
    RegisteredSubprocessor r;
    r.sub = *base;
    r.in_policy = true;
    return r;
  };
  RegisteredSubprocessor r;
  if (last) {
    if (last_add) r = merge(base, entries_[*last_add]);
    else if (base) r = from_policy();
    else r = merge(nullptr, entries_[*first]);
    const auto& e = entries_[*last];
    if (e.action == "retire") {
      r.status = RegisterStatus::kRetired;
      r.since = e.effective;
      r.entry_id = e.id;
      if (!e.clause.empty()) r.sub.origin.clause = e.clause;
    }
  } else if (base) {
    r = from_policy();
  } else {
    r = merge(nullptr, entries_[*first]);
    r.status = RegisterStatus::kNotYetInForce;
  }
  return r;
}

std::vector<RegisteredSubprocessor> SubprocessorRegister::at(Timestamp at) const {
  std::vector<RegisteredSubprocessor> out;
  for (const auto& n : names()) out.push_back(resolve(n, at));
  return out;
}

SubprocessorEntryRecord add_subprocessor_entry(Workspace& ws, const SubprocessorEntry& entry,
                                               const std::string& actor) {
  Policy policy = load_policy(entry.policy, ws.policy_search_dirs());
  std::string name = lower(entry.name);
  validate_name(name);
  const Subprocessor* base = nullptr;
  for (const auto& s : policy.subprocessors) {
    if (lower(s.name) == name) base = &s;
  }

  SubprocessorEntryRecord rec;
  rec.policy = policy.name;
  rec.name = base ? base->name : name;
  rec.action = "add";
  Timestamp effective = entry.effective.value_or(now());
  rec.effective = format_utc(effective);

  // Unset fields carry over from the name's latest entry up to then, so a
  // renewed SCC need not restate the country; without one they stay empty
  // and follow the policy.
  SubprocessorRegister reg = SubprocessorRegister::load(ws, policy);
  const SubprocessorEntryRecord* prev = nullptr;
  for (const auto& e : reg.entries()) {
    if (lower(e.name) == name && e.action == "add" && parse_utc(e.effective) <= effective) prev = &e;
  }
  if (prev) {
    rec.legal_name = prev->legal_name;
    rec.country = prev->country;
    rec.purpose = prev->purpose;
    rec.categories = prev->categories;
    rec.receives = prev->receives;
    rec.primary_storage = prev->primary_storage;
    rec.safeguard = prev->safeguard;
    rec.safeguard_reference = prev->safeguard_reference;
    rec.safeguard_expires = prev->safeguard_expires;
    rec.clause = prev->clause;
  }

  if (entry.legal_name) rec.legal_name = *entry.legal_name;
  if (entry.country) rec.country = normalize_country(*entry.country);
  if (entry.purpose) rec.purpose = *entry.purpose;
  if (entry.categories) {
    if (entry.categories->empty()) throw UsageError("--categories names at least one category");
    for (const auto& c : *entry.categories) {
      if (!declared(policy, c)) {
        throw InputError(fmt::format("unknown data category '{}' under policy {}; known: {}", c,
                                     policy.name, fmt::join(policy.category_ids(), ", ")));
      }
      if (base && !base->covers(c)) {
        throw InputError(fmt::format(
            "{} may not receive {} under {} {} (allowed: {}); a register entry can narrow the "
            "policy, not widen it",
            base->name, c, base->origin.policy, base->origin.clause, fmt::join(base->categories, ", ")));
      }
    }
    rec.categories = nlohmann::json(*entry.categories).dump();
  }
  if (entry.receives) {
    if (base && *entry.receives < base->receives) {
      throw InputError(fmt::format(
          "{} {} lets {} receive {} data only; a register entry can narrow the policy, not widen it",
          base->origin.policy, base->origin.clause, base->name, to_string(base->receives)));
    }
    rec.receives = to_string(*entry.receives);
  }
  if (entry.primary_storage) rec.primary_storage = entry.primary_storage;
  if (entry.safeguard) {
    rec.safeguard = to_string(*entry.safeguard);
    rec.safeguard_reference.clear();
    rec.safeguard_expires.reset();
  }
  if (!entry.safeguard_reference.empty() || entry.safeguard_expires) {
    if (!entry.safeguard && rec.safeguard.empty()) {
      throw UsageError("--reference and --expires describe a --safeguard; name it (adequacy, scc, bcr, "
                       "consent or derogation)");
    }
    if (!entry.safeguard_reference.empty()) rec.safeguard_reference = entry.safeguard_reference;
    if (entry.safeguard_expires) {
      if (*entry.safeguard_expires <= effective) {
        throw InputError(fmt::format("the safeguard expires ({}) before the entry takes effect ({})",
                                     format_utc(*entry.safeguard_expires), rec.effective));
      }
      rec.safeguard_expires = format_utc(*entry.safeguard_expires);
    }
  }
  if (!rec.safeguard.empty() && rec.safeguard_reference.empty()) {
    throw UsageError(fmt::format(
        "a {} safeguard needs --reference naming its document (SCC module and date, TIA, BCR approval)",
        rec.safeguard));
  }
  if (!base) {
    std::vector<std::string> missing;
    if (rec.legal_name.empty()) missing.push_back("--legal-name");
    if (rec.country.empty()) missing.push_back("--country");
    if (rec.purpose.empty()) missing.push_back("--purpose");
    if (rec.categories.empty()) missing.push_back("--categories");
    if (rec.receives.empty()) missing.push_back("--receives");
    if (!missing.empty()) {
      std::vector<std::string> listed;
      for (const auto& s : policy.subprocessors) listed.push_back(s.name);
      throw UsageError(fmt::format(
          "'{}' is not a subprocessor of policy {} (it lists: {}); a new one needs {}", name, policy.name,
          listed.empty() ? std::string("none") : fmt::format("{}", fmt::join(listed, ", ")),
          fmt::join(missing, ", ")));
    }
  }
  if (!entry.clause.empty()) rec.clause = entry.clause;
  rec.note = entry.note;
  rec.recorded_at = format_utc(now());
  rec.actor = actor;

  ws.store().transaction([&] {
    rec.id = ws.store().insert_subprocessor_entry(rec);
    SubprocessorRegister after = SubprocessorRegister::load(ws, policy);
    RegisteredSubprocessor r = after.resolve(rec.name, effective);
    nlohmann::json details{{"entry", rec.id},
                           {"policy", rec.policy},
                           {"name", rec.name},
                           {"in_policy", base != nullptr},
                           {"legal_name", r.sub.legal_name},
                           {"country", r.sub.country},
                           {"categories", r.sub.categories},
                           {"receives", to_string(r.sub.receives)},
                           {"primary_storage", r.sub.primary_storage},
                           {"effective", rec.effective},
                           {"clause", r.sub.origin.clause}};
    if (!rec.safeguard.empty()) {
      details["safeguard"] = rec.safeguard;
      details["safeguard_reference"] = rec.safeguard_reference;
      details["safeguard_expires"] = opt_json(rec.safeguard_expires);
    }
    ws.audit().append("transfer.subprocessor.add", "subprocessor:" + rec.policy + "/" + rec.name, details);
  });
  return rec;
}

SubprocessorEntryRecord retire_subprocessor(Workspace& ws, const std::string& policy_name,
                                            const std::string& name, std::optional<Timestamp> effective,
                                            const std::string& clause, const std::string& note,
                                            const std::string& actor) {
  Policy policy = load_policy(policy_name, ws.policy_search_dirs());
  Timestamp when = effective.value_or(now());
  SubprocessorEntryRecord rec;
  ws.store().transaction([&] {
    SubprocessorRegister reg = SubprocessorRegister::load(ws, policy);
    RegisteredSubprocessor r = reg.resolve(name, when);  // throws, listing the names
    if (r.status == RegisterStatus::kRetired) {
      throw InputError(fmt::format("{} is retired already (since {})", r.sub.name, r.since));
    }
    if (r.status == RegisterStatus::kNotYetInForce) {
      throw InputError(fmt::format("{} is not in force at {}: its entry starts {}", r.sub.name,
                                   format_utc(when), r.since));
    }
    rec.policy = policy.name;
    rec.name = r.sub.name;
    rec.action = "retire";
    rec.effective = format_utc(when);
    rec.clause = clause;
    rec.note = note;
    rec.recorded_at = format_utc(now());
    rec.actor = actor;
    rec.id = ws.store().insert_subprocessor_entry(rec);
    nlohmann::json details{{"entry", rec.id},   {"policy", rec.policy},       {"name", rec.name},
                           {"effective", rec.effective}, {"legal_name", r.sub.legal_name},
                           {"country", r.sub.country}};
    if (!clause.empty()) details["clause"] = clause;
    ws.audit().append("transfer.subprocessor.retire", "subprocessor:" + rec.policy + "/" + rec.name, details);
  });
  return rec;
}

}  // namespace dpa

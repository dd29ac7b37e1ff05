#include "dpa/transfer_report.h"

#include <map>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "dpa/error.h"
#include "dpa/policy.h"
#include "dpa/subprocessor_register.h"
#include "dpa/tenants.h"
#include "dpa/transfers.h"
#include "dpa/workspace.h"

namespace dpa {
namespace {

// The rules of one tenant, loaded once per report.
struct Rules {
  std::optional<Policy> policy;
  std::unique_ptr<SubprocessorRegister> subprocessors;
  std::vector<TransferAgreementRecord> agreements;
  std::string problem;  // why the tenant's rules could not be loaded
};

struct Accumulator {
  TransferReportRow row;
  std::set<std::string> categories, tenants;
  std::map<std::string, std::int64_t> flags;

  void add(const TransferRecord& t) {
    if (t.status == "refused") {
      ++row.refused;
    } else {
      ++row.made;
      row.bytes += t.bytes;
      row.records += t.records;
      if (t.pseudonymized) ++row.pseudonymized;
    }
    categories.insert(t.category);
    tenants.insert(t.tenant_id);
  }
  void flag(const std::string& code) {
    ++row.flagged;
    ++flags[code];
  }
  TransferReportRow finish() {
    row.categories.assign(categories.begin(), categories.end());
    row.tenants.assign(tenants.begin(), tenants.end());
    for (const auto& [code, n] : flags) row.flags.push_back(fmt::format("{}:{}", code, n));
    return row;
  }
};

std::string share_text(double share) { return fmt::format("{:.2f}", share); }

}  // namespace

double TransferReportRow::pseudonymized_share() const {
  return made == 0 ? 0.0 : static_cast<double>(pseudonymized) / static_cast<double>(made);
}

TransferReport build_transfer_report(Workspace& ws, Timestamp from, Timestamp until,
                                     const std::optional<std::string>& only_tenant) {
  if (until <= from) {
    throw InputError(fmt::format("the report period is empty: --to ({}) is not after --from ({})",
                                 format_utc(until), format_utc(from)));
  }
  TransferReport report;
  report.from = format_utc(from);
  report.until = format_utc(until);
  report.generated_at = format_utc(now());
  const TimeZone& zone = TimeZone::named(ws.settings().timezone);
  auto local = [&](Timestamp t, bool end) {
    Date d = zone.local_date(t);
    if (zone.start_of_day(d) != t) return format_local(t, zone);
    // An exclusive midnight ends the day before it.
    return format_date(end ? zone.local_date(t - std::chrono::seconds(1)) : d);
  };
  report.period = fmt::format("{} to {} ({})", local(from, false), local(until, true), zone.name());

  std::map<std::string, Rules> rules;
  auto rules_of = [&](const std::string& tenant_id) -> Rules& {
    auto it = rules.find(tenant_id);
    if (it != rules.end()) return it->second;
    Rules r;
    try {
      TenantRecord tenant = get_tenant(ws, tenant_id);
      r.policy = load_policy(tenant.policy, ws.policy_search_dirs());
      r.subprocessors = std::make_unique<SubprocessorRegister>(SubprocessorRegister::load(ws, *r.policy));
      r.agreements = ws.store().transfer_agreements(tenant.id);
    } catch (const InputError& e) {
      r.problem = e.what();
    }
    return rules.emplace(tenant_id, std::move(r)).first->second;
  };

  std::map<std::pair<std::string, std::string>, Accumulator> by_sub;
  Accumulator totals;
  totals.row.subprocessor = "total";
  TransferQuery q;
  q.since = report.from;
  q.until = report.until;
  q.tenant_id = only_tenant;
  ws.store().scan_transfers(q, [&](const TransferRecord& t) {
    Accumulator& acc = by_sub[{t.subprocessor, t.country}];
    acc.row.subprocessor = t.subprocessor;
    acc.row.country = t.country;
    acc.add(t);
    totals.add(t);
    if (t.status != "made") return true;
    // A package handed over to the controller (`dpa export handover`) returns
    // its own data to it: the subprocessor rules do not apply, so it is
    // counted in its row but never flagged as an unknown subprocessor.
    if (t.source == "dpa export handover") return true;

    FlaggedTransfer f{t.id, t.time, t.tenant_id, t.subprocessor, t.country, t.category, "", "", t.clause, ""};
    Rules& r = rules_of(t.tenant_id);
    if (!r.problem.empty()) {
      f.flag = "unknown";
      f.reason = r.problem;
    } else {
      try {
        TransferContext ctx{r.subprocessors.get(), r.agreements, parse_timestamp(t.time, TimeZone::utc()), &zone};
        TransferRequest req{t.tenant_id, t.subprocessor, t.category, t.pseudonymized, lawful_request_of(t)};
        TransferDecision d = decide_transfer(*r.policy, req, ctx);
        if (!d.allowed) {
          f.flag = d.refusal;
          f.policy = d.policy;
          f.clause = d.clause;
          f.reason = d.reason;
        }
      } catch (const InputError& e) {
        f.flag = "unknown";
        f.reason = e.what();
      }
    }
    if (!f.flag.empty()) {
      acc.flag(f.flag);
      totals.flag(f.flag);
      report.flagged.push_back(std::move(f));
    }
    return true;
  });
  for (auto& [key, acc] : by_sub) report.rows.push_back(acc.finish());
  report.totals = totals.finish();
  return report;
}

nlohmann::json transfer_report_json(const TransferReport& r) {
  auto row_json = [](const TransferReportRow& row) {
    return nlohmann::json{{"subprocessor", row.subprocessor},
                          {"country", row.country},
                          {"transfers", row.made},
                          {"refused", row.refused},
                          {"bytes", row.bytes},
                          {"records", row.records},
                          {"pseudonymized", row.pseudonymized},
                          {"pseudonymized_share", row.pseudonymized_share()},
                          {"categories", row.categories},
                          {"tenants", row.tenants},
                          {"flagged", row.flagged},
                          {"flags", row.flags}};
  };
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : r.rows) rows.push_back(row_json(row));
  nlohmann::json flagged = nlohmann::json::array();
  for (const auto& f : r.flagged) {
    flagged.push_back({{"id", f.id},
                       {"time", f.time},
                       {"tenant", f.tenant_id},
                       {"subprocessor", f.subprocessor},
                       {"country", f.country},
                       {"category", f.category},
                       {"flag", f.flag},
                       {"policy", f.policy},
                       {"clause", f.clause},
                       {"reason", f.reason}});
  }
  nlohmann::json totals = row_json(r.totals);
  totals.erase("subprocessor");
  totals.erase("country");
  return {{"from", r.from},       {"until", r.until}, {"period", r.period}, {"generated_at", r.generated_at},
          {"rows", rows},         {"flagged", flagged}, {"totals", totals}};
}

std::string render_transfer_report(const TransferReport& r, ReportFormat format) {
  if (format == ReportFormat::kJson) return transfer_report_json(r).dump(2) + "\n";
  if (format == ReportFormat::kCsv) {
    std::string out = csv_row({"subprocessor", "country", "transfers", "refused", "bytes", "records",
                               "pseudonymized", "pseudonymized_share", "categories", "tenants", "flagged",
                               "flags"});
    for (const auto& row : r.rows) {
      out += csv_row({row.subprocessor, row.country, std::to_string(row.made), std::to_string(row.refused),
                      std::to_string(row.bytes), std::to_string(row.records), std::to_string(row.pseudonymized),
                      share_text(row.pseudonymized_share()), fmt::format("{}", fmt::join(row.categories, ";")),
                      fmt::format("{}", fmt::join(row.tenants, ";")), std::to_string(row.flagged),
                      fmt::format("{}", fmt::join(row.flags, ";"))});
    }
    return out;
  }
  std::string out = fmt::format("# Transfers to subprocessors, {}\n\n", r.period);
  out += md_header({"subprocessor", "country", "transfers", "refused", "bytes", "records", "pseudonymized",
                    "categories", "tenants", "flagged"});
  auto md = [&](const TransferReportRow& row, const std::string& name) {
    out += md_row({name, row.country, std::to_string(row.made), std::to_string(row.refused),
                   std::to_string(row.bytes), std::to_string(row.records),
                   fmt::format("{:.0f}%", row.pseudonymized_share() * 100.0),
                   fmt::format("{}", fmt::join(row.categories, ", ")), fmt::format("{}", fmt::join(row.tenants, ", ")),
                   std::to_string(row.flagged)});
  };
  for (const auto& row : r.rows) md(row, row.subprocessor);
  md(r.totals, "**total**");
  out += "\n## Flagged transfers\n\n";
  if (r.flagged.empty()) {
    out += "None: every transfer made in the period was allowed by the rules in force at its time.\n";
  } else {
    out += "Transfers made although the rules in force at their time did not allow them.\n\n";
    out += md_header({"id", "time", "tenant", "subprocessor", "category", "flag", "clause", "reason"});
    for (const auto& f : r.flagged) {
      out += md_row({std::to_string(f.id), f.time, f.tenant_id, f.subprocessor, f.category, f.flag,
                     f.policy.empty() ? f.clause : f.policy + " " + f.clause, f.reason});
    }
  }
  out += fmt::format("\nGenerated {}.\n", r.generated_at);
  return out;
}

}  // namespace dpa

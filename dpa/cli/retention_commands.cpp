// dpa retention plan | sweep | hold add | hold list | hold release | request add | request list | reapply
#include <chrono>

#include <fmt/format.h>

#include "dpa/cli/command.h"
#include "dpa/datamap.h"
#include "dpa/error.h"
#include "dpa/workspace.h"
#include "retention/destruction.h"
#include "retention/erasure_batch.h"
#include "retention/erasure_ledger.h"
#include "retention/holds.h"
#include "retention/plan.h"
#include "retention/sweep.h"

namespace dpa::cli {
namespace {

using namespace dpa::retention;

Timestamp at_of(const Invocation& inv, const Workspace& ws) {
  if (auto at = inv.maybe<std::string>("at")) return parse_timestamp(*at, TimeZone::named(ws.settings().timezone));
  return now();
}

// "90s", "30m", "2h", "1d": how long a sweep may run.
std::chrono::milliseconds parse_runtime(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  std::string unit = text.substr(i);
  if (i == 0 || i > 9 || (unit != "s" && unit != "m" && unit != "min" && unit != "h" && unit != "d")) {
    throw UsageError(fmt::format("bad --max-runtime '{}': write a whole number followed by s, m, h or d, such as 30m",
                                 text));
  }
  long long n = std::stoll(text.substr(0, i));
  std::chrono::seconds s{n};
  if (unit == "m" || unit == "min") s = std::chrono::minutes{n};
  if (unit == "h") s = std::chrono::hours{n};
  if (unit == "d") s = std::chrono::days{n};
  return s;
}

// --batch N, or auto (0): batches sized by the time the store takes.
std::size_t batch_of(const Invocation& inv, std::size_t fallback) {
  auto text = inv.maybe<std::string>("batch");
  if (!text) return fallback;
  if (*text == "auto") return 0;
  std::size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(*text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text->size() || n < 1 || n > 1000000) {
    throw UsageError(fmt::format("bad --batch '{}': write auto or a number of records from 1 to 1000000", *text));
  }
  return static_cast<std::size_t>(n);
}

void declare_at(po::options_description& o) {
  o.add_options()("at", po::value<std::string>()->value_name("DATE"),
                  "compute due dates at DATE instead of now (ISO-8601; local to the workspace's zone)");
}

int run_plan(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  DataMap map = read_datamap(ws.config_path());
  PlanOptions o;
  o.at = at_of(inv, ws);
  o.tenant = inv.maybe<std::string>("tenant");
  o.dataset = inv.maybe<std::string>("dataset");
  RetentionPlan plan = make_plan(ws, map, o);
  if (inv.json()) inv.print_json(plan_json(plan));
  else inv.out << plan_text(plan);
  return 0;
}

nlohmann::json skipped_json(const std::vector<SkippedDataset>& skipped) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : skipped) out.push_back({{"dataset", s.dataset}, {"holder", s.holder}});
  return out;
}

// One line per dataset left to another retention process, on stderr, in
// text and JSON mode alike (cron mails it); the exit status stays 0.
void print_skipped(Invocation& inv, const std::vector<SkippedDataset>& skipped) {
  for (const auto& s : skipped) {
    inv.err << fmt::format("dpa: dataset {} skipped: another retention process is on it ({}); the next run "
                           "takes it\n",
                           s.dataset, s.holder);
  }
}

nlohmann::json sweep_json(const SweepResult& r) {
  nlohmann::json datasets = nlohmann::json::array();
  for (const auto& d : r.datasets) {
    datasets.push_back({{"dataset", d.dataset}, {"records", d.records}, {"bytes", d.bytes}, {"batches", d.batches}});
  }
  return {{"run", r.run_id},           {"complete", r.complete},
          {"records", r.records},      {"bytes", r.bytes},
          {"batches", r.batches},      {"held", r.held},
          {"unparsable", r.unparsable}, {"resumed_batches", r.resumed_batches},
          {"resumed_records", r.resumed_records}, {"reapplied", r.reapplied},
          {"remaining", r.remaining},  {"datasets", datasets},
          {"keys_destroyed", r.keys_destroyed}, {"warnings", r.warnings},
          {"largest_batch", r.largest_batch},   {"timings", r.timings.json()},
          {"skipped", skipped_json(r.skipped)}};
}

int run_sweep_command(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  DataMap map = read_datamap(ws.config_path());
  Timestamp at = at_of(inv, ws);
  std::size_t batch = batch_of(inv, 0);
  if (!inv.get<bool>("apply")) {
    // The default is the plan: nothing is deleted without --apply.
    PlanOptions o;
    o.at = at;
    o.tenant = inv.maybe<std::string>("tenant");
    RetentionPlan plan = make_plan(ws, map, o);
    if (inv.json()) {
      nlohmann::json j = plan_json(plan);
      j["dry_run"] = true;
      inv.print_json(j);
    } else {
      inv.out << plan_text(plan) << "dry run: nothing was deleted; add --apply to delete what is due\n";
    }
    return 0;
  }
  SweepOptions o;
  o.at = at;
  o.batch = batch;
  if (auto m = inv.maybe<std::string>("max-runtime")) o.max_runtime = parse_runtime(*m);
  o.tenant = inv.maybe<std::string>("tenant");
  o.actor = inv.actor();
  o.kill_point = kill_point_from_env();
  SweepResult r = run_sweep(ws, map, o);
  print_skipped(inv, r.skipped);
  if (inv.json()) {
    inv.print_json(sweep_json(r));
    return 0;
  }
  // Quiet when there was nothing to do, so that cron mails only news.
  if (r.resumed_batches > 0) {
    inv.out << fmt::format("finished {} batch(es) of an interrupted sweep: {} record(s)\n", r.resumed_batches,
                           r.resumed_records);
  }
  if (r.records > 0) {
    inv.out << fmt::format("sweep run {}: deleted {} record(s) ({}) in {} batch(es)\n", r.run_id, r.records,
                           human_bytes(r.bytes), r.batches);
    for (const auto& d : r.datasets) {
      if (d.records > 0) inv.out << fmt::format("  {:<20} {:>9} records {:>10}\n", d.dataset, d.records, human_bytes(d.bytes));
    }
  }
  if (r.reapplied > 0) inv.out << fmt::format("erased again {} record(s) that the erasure ledger lists\n", r.reapplied);
  for (const auto& t : r.keys_destroyed) {
    inv.out << fmt::format("destroyed the key of tenant {}: its pseudonyms can no longer be reversed\n", t);
  }
  if (!r.complete) {
    inv.out << fmt::format("stopped after --max-runtime: {} due record(s) remain; the next sweep continues\n",
                           r.remaining);
  }
  for (const auto& w : r.warnings) inv.err << "dpa: warning: " << w << "\n";
  return 0;
}

nlohmann::json hold_json(const HoldRecord& h) {
  auto opt = [](const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  return {{"id", h.id},           {"tenant", h.tenant_id},      {"dataset", opt(h.dataset)},
          {"subject_kind", opt(h.subject_kind)}, {"subject_hash", opt(h.subject_hash)},
          {"reason", h.reason},   {"created_at", h.created_at}, {"created_by", h.created_by},
          {"until", opt(h.until)}, {"released_at", opt(h.released_at)}, {"released_by", opt(h.released_by)}};
}

std::string hold_scope(const HoldRecord& h) {
  std::string s = h.dataset ? *h.dataset : "all datasets";
  if (h.subject_kind) s += fmt::format(", {} {}…", *h.subject_kind, h.subject_hash->substr(0, 12));
  return s;
}

int run_hold_add(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  DataMap map = read_datamap(ws.config_path());
  HoldRequest r;
  r.tenant = inv.get<std::string>("tenant");
  r.dataset = inv.maybe<std::string>("dataset");
  r.subject = inv.maybe<std::string>("subject");
  r.reason = inv.get<std::string>("reason");
  if (auto u = inv.maybe<std::string>("until")) r.until = parse_timestamp(*u, TimeZone::named(ws.settings().timezone));
  r.actor = inv.actor();
  HoldRecord h = add_hold(ws, map, r);
  const std::vector<std::string> out_of_reach = datasets_out_of_reach(map, h);
  if (inv.json()) {
    nlohmann::json j = hold_json(h);
    j["out_of_reach"] = out_of_reach;
    inv.print_json(j);
    return 0;
  }
  inv.out << fmt::format("hold {} placed on {} ({})\n", h.id, h.tenant_id, hold_scope(h));
  for (const auto& d : out_of_reach) {
    inv.out << fmt::format("  it does not keep dataset {}: {} has no {} identifiers; `dpa retention hold add --tenant {} "
                           "--dataset {}` keeps it whole\n",
                           d, d, *h.subject_kind, h.tenant_id, d);
  }
  return 0;
}

int run_hold_list(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  auto holds = list_holds(ws, inv.maybe<std::string>("tenant"), inv.has("all"));
  if (inv.json()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& h : holds) arr.push_back(hold_json(h));
    inv.print_json(arr);
    return 0;
  }
  if (holds.empty()) return 0;
  inv.out << fmt::format("{:<5} {:<20} {:<28} {:<12} {}\n", "ID", "TENANT", "SCOPE", "UNTIL", "REASON");
  for (const auto& h : holds) {
    std::string until = h.released_at ? "released" : h.until ? h.until->substr(0, 10) : "-";
    inv.out << fmt::format("{:<5} {:<20} {:<28} {:<12} {}\n", h.id, h.tenant_id, hold_scope(h), until, h.reason);
  }
  return 0;
}

int run_hold_release(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  long long id = inv.get<long long>("id");
  HoldRecord h = release_hold(ws, id, inv.actor());
  if (inv.json()) inv.print_json(hold_json(h));
  else inv.out << fmt::format("hold {} released; what it kept is due again at the next sweep\n", h.id);
  return 0;
}

int run_reapply_command(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  DataMap map = read_datamap(ws.config_path());
  ReapplyOptions o;
  o.at = now();
  o.batch = batch_of(inv, kFirstAutoBatch);
  if (o.batch == 0) o.batch = kFirstAutoBatch;  // auto: reapply finds records one subject at a time
  o.tenant = inv.maybe<std::string>("tenant");
  o.actor = inv.actor();
  o.kill_point = kill_point_from_env();
  ReapplyResult r = run_reapply(ws, map, o);
  print_skipped(inv, r.skipped);
  if (inv.json()) {
    inv.print_json({{"records", r.records}, {"bytes", r.bytes}, {"batches", r.batches}, {"held", r.held},
                    {"groups", r.groups}, {"resumed_batches", r.resumed_batches}, {"warnings", r.warnings},
                    {"skipped", skipped_json(r.skipped)}});
    return 0;
  }
  if (r.records > 0) {
    inv.out << fmt::format("erased again {} record(s) ({}) that had been erased before\n", r.records,
                           human_bytes(r.bytes));
  }
  if (r.held > 0) inv.out << fmt::format("left {} record(s) under a hold\n", r.held);
  for (const auto& w : r.warnings) inv.err << "dpa: warning: " << w << "\n";
  return 0;
}

int run_request_add(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  DataMap map = read_datamap(ws.config_path());
  DestructionRequest r;
  r.tenant = inv.get<std::string>("tenant");
  r.dataset = inv.maybe<std::string>("dataset");
  r.reference = inv.get<std::string>("reference");
  r.requested_at = now();
  if (auto on = inv.maybe<std::string>("on")) r.requested_at = parse_timestamp(*on, TimeZone::named(ws.settings().timezone));
  r.actor = inv.actor();
  DestructionRequestRecord rec = add_destruction_request(ws, map, r);
  if (inv.json()) {
    inv.print_json({{"id", rec.id}, {"tenant", rec.tenant_id},
                    {"dataset", rec.dataset ? nlohmann::json(*rec.dataset) : nlohmann::json()},
                    {"requested_at", rec.requested_at}, {"reference", rec.reference}});
  } else {
    inv.out << fmt::format("destruction request {} recorded for {} ({}); `dpa retention plan --tenant {}` shows what "
                           "it makes due\n",
                           rec.id, rec.tenant_id, rec.dataset ? *rec.dataset : "all datasets", rec.tenant_id);
  }
  return 0;
}

int run_request_list(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  auto requests = list_destruction_requests(ws, inv.maybe<std::string>("tenant"));
  if (inv.json()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : requests) {
      arr.push_back({{"id", r.id}, {"tenant", r.tenant_id},
                     {"dataset", r.dataset ? nlohmann::json(*r.dataset) : nlohmann::json()},
                     {"requested_at", r.requested_at}, {"reference", r.reference},
                     {"recorded_at", r.recorded_at}, {"recorded_by", r.recorded_by}});
    }
    inv.print_json(arr);
    return 0;
  }
  for (const auto& r : requests) {
    inv.out << fmt::format("{:<5} {:<20} {:<16} {:<22} {}\n", r.id, r.tenant_id, r.dataset.value_or("*"),
                           r.requested_at, r.reference);
  }
  return 0;
}

const CommandRegistrar request_add_command{Command{
    "retention request add", "--tenant T [--dataset D] --reference TEXT [--on DATE]",
    "record a controller's request to destroy its data before the rules would",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("tenant", po::value<std::string>()->required()->value_name("T"), "the tenant (controller)")(
          "dataset", po::value<std::string>()->value_name("D"), "only this dataset")(
          "reference", po::value<std::string>()->required()->value_name("TEXT"),
          "the controller's letter or ticket (no personal data: it is audited)")(
          "on", po::value<std::string>()->value_name("DATE"), "when the request came (default now)");
    },
    run_request_add}};

const CommandRegistrar request_list_command{Command{
    "retention request list", "[--tenant T]", "list the controllers' destruction requests",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("tenant", po::value<std::string>()->value_name("T"), "only this tenant");
    },
    run_request_list}};

const CommandRegistrar plan_command{Command{
    "retention plan", "[--at DATE] [--tenant T] [--dataset D] [--json]",
    "show what is due for deletion and what is kept, and why (changes nothing)",
    [](po::options_description& o, po::positional_options_description&) {
      declare_at(o);
      o.add_options()("tenant", po::value<std::string>()->value_name("T"), "only this tenant")(
          "dataset", po::value<std::string>()->value_name("D"), "only this dataset");
    },
    run_plan}};

const CommandRegistrar sweep_command{Command{
    "retention sweep", "[--at DATE] [--apply] [--batch N|auto] [--max-runtime DURATION] [--tenant T]",
    "delete what is due (a plan unless --apply), in batches, under a lock",
    [](po::options_description& o, po::positional_options_description&) {
      declare_at(o);
      o.add_options()("apply", po::bool_switch(), "delete; without it the sweep only prints its plan")(
          "batch", po::value<std::string>()->value_name("N|auto"),
          "records per batch and transaction; auto (the default) sizes batches so that each transaction on "
          "the customer's store takes about a second")(
          "max-runtime", po::value<std::string>()->value_name("DURATION"),
          "stop between batches after this long (30m, 2h); a later run continues")(
          "tenant", po::value<std::string>()->value_name("T"), "only this tenant");
    },
    run_sweep_command}};

const CommandRegistrar hold_add_command{Command{
    "retention hold add", "--tenant T [--dataset D] [--subject KIND:VALUE] --reason TEXT [--until DATE]",
    "keep a tenant's data (or one dataset, or one subject's records) from every sweep",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("tenant", po::value<std::string>()->required()->value_name("T"), "the tenant")(
          "dataset", po::value<std::string>()->value_name("D"), "only this dataset")(
          "subject", po::value<std::string>()->value_name("KIND:VALUE"),
          "only this subject's records (stored as a keyed hash), such as phone:+77011234567")(
          "reason", po::value<std::string>()->required()->value_name("TEXT"),
          "why (a case or request number; no personal data: it is audited)")(
          "until", po::value<std::string>()->value_name("DATE"), "the hold ends then (default: when released)");
    },
    run_hold_add}};

const CommandRegistrar hold_list_command{Command{
    "retention hold list", "[--tenant T] [--all]", "list the holds in force (--all: released ones too)",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("tenant", po::value<std::string>()->value_name("T"), "only this tenant")(
          "all", "include released holds");
    },
    run_hold_list}};

const CommandRegistrar hold_release_command{Command{
    "retention hold release", "ID", "release a hold; what it kept is due again at the next sweep",
    [](po::options_description& o, po::positional_options_description& p) {
      o.add_options()("id", po::value<long long>()->required()->value_name("ID"), "hold id");
      p.add("id", 1);
    },
    run_hold_release}};

const CommandRegistrar reapply_command{Command{
    "retention reapply", "[--batch N] [--tenant T]",
    "erase again every record the erasure ledger lists that reappeared (run after a restore)",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()("batch", po::value<std::string>()->value_name("N"), "records per batch (default 1000)")(
          "tenant", po::value<std::string>()->value_name("T"), "only this tenant");
    },
    run_reapply_command}};

}  // namespace
}  // namespace dpa::cli

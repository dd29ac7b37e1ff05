// dpa anonymize | scan | reidentify
#include <unistd.h>

#include <cmath>

#include <fmt/format.h>

#include "anonymize/detector.h"
#include "anonymize/pseudonymizer.h"
#include "anonymize/reidentify.h"
#include "anonymize/vault.h"
#include "dpa/cli/command.h"
#include "dpa/cli/io.h"
#include "dpa/error.h"
#include "dpa/policy.h"
#include "dpa/tenants.h"
#include "dpa/transfers.h"
#include "dpa/workspace.h"

namespace dpa::cli {
namespace {

using namespace dpa::anonymize;

void declare_stream_options(po::options_description& o) {
  o.add_options()
      ("format", po::value<std::string>()->default_value("text")->value_name("text|jsonl"), "input format")
      ("fields", po::value<std::string>()->value_name("a,b.c"), "jsonl: the string fields to pseudonymize")
      ("jobs", po::value<int>()->default_value(1)->value_name("N"), "detection threads (output is the same for any N)")
      ("lossy", po::bool_switch(), "replace invalid UTF-8 with U+FFFD instead of failing")
      ("chunk-bytes", po::value<std::size_t>()->value_name("N"), "chunk size (for tests; default 1 MiB)");
}

StreamOptions stream_options(const Invocation& inv) {
  StreamOptions s;
  std::string format = inv.get<std::string>("format");
  if (format == "jsonl") s.format = InputFormat::kJsonl;
  else if (format != "text") throw UsageError(fmt::format("--format is text or jsonl, not '{}'", format));
  if (auto f = inv.maybe<std::string>("fields")) {
    if (s.format != InputFormat::kJsonl) throw UsageError("--fields goes with --format jsonl");
    s.fields = parse_field_list(*f);
  }
  s.jobs = inv.get<int>("jobs");
  if (s.jobs < 1 || s.jobs > 256) throw UsageError("--jobs takes a number from 1 to 256");
  s.lossy = inv.get<bool>("lossy");
  if (auto c = inv.maybe<std::size_t>("chunk-bytes")) {
    if (*c < 16) throw UsageError("--chunk-bytes takes at least 16");
    s.chunk_bytes = *c;
  }
  return s;
}

nlohmann::json counts_json(const std::array<std::uint64_t, kEntityTypeCount>& counts) {
  nlohmann::json j = nlohmann::json::object();
  for (int i = 0; i < kEntityTypeCount; ++i) {
    if (counts[i]) j[std::string(entity_type_name(static_cast<EntityType>(i)))] = counts[i];
  }
  return j;
}

// The operators `dpa anonymize --for` applies: the policy's for the
// subprocessor, which an explicit --operator may replace only by operators
// that disclose no more (PseudonymOperator in dpa/policy.h). A bare name in
// --operator replaces the whole plan; typed items replace those types only.
struct OperatorChoice {
  OperatorPlan plan;
  std::string refusal;  // "" when allowed
  std::string clause;   // the policy's clause, when it set the operator
};

bool has_bare_item(std::string_view spec) {
  for (std::size_t start = 0;;) {
    auto comma = spec.find(',', start);
    auto item = spec.substr(start, comma == std::string_view::npos ? spec.npos : comma - start);
    if (item.find('=') == std::string_view::npos) return true;
    if (comma == std::string_view::npos) return false;
    start = comma + 1;
  }
}

OperatorChoice choose_operators(const Subprocessor* sub, const std::string& requested, bool for_transfer) {
  OperatorChoice c;
  if (!sub || !sub->operators) {
    c.plan = OperatorPlan::parse(!requested.empty() ? requested : for_transfer ? "token" : "tag");
    return c;
  }
  const SubprocessorOperators& rule = *sub->operators;
  c.clause = rule.origin.clause;
  if (requested.empty()) {
    c.plan = OperatorPlan::parse(rule.spec());
    return c;
  }
  c.plan = OperatorPlan::parse(has_bare_item(requested) ? requested : rule.spec() + "," + requested);
  std::vector<std::string> more;
  for (int i = 0; i < kEntityTypeCount; ++i) {
    auto type = static_cast<EntityType>(i);
    std::string name(entity_type_name(type));
    auto asked = parse_pseudonym_operator(operator_name(c.plan.for_type(type)));
    PseudonymOperator allowed = rule.for_type(name);
    if (!asked || discloses_more(*asked, allowed)) {
      more.push_back(fmt::format("{} {} (policy: {})", name, operator_name(c.plan.for_type(type)), to_string(allowed)));
    }
  }
  if (!more.empty()) {
    c.refusal = fmt::format("--operator {} discloses more to {} than the policy's operator {} allows", requested,
                            sub->name, rule.spec());
    if (more.size() < static_cast<std::size_t>(kEntityTypeCount)) c.refusal += fmt::format(": {}", fmt::join(more, ", "));
  }
  return c;
}

int run_anonymize(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  TenantRecord tenant = get_tenant(ws, inv.get<std::string>("tenant"));
  Policy policy = load_policy(tenant.policy, ws.policy_search_dirs());
  StreamOptions stream = stream_options(inv);

  const std::string requested_operator = inv.maybe<std::string>("operator").value_or("");
  if (inv.has("operator") && requested_operator.empty()) throw UsageError("--operator names an operator");
  const std::string lawful_request = inv.maybe<std::string>("lawful-request").value_or("");
  const std::string reference = inv.maybe<std::string>("reference").value_or("");
  if (inv.has("lawful-request") && lawful_request.empty()) {
    throw UsageError("--lawful-request names the request (its number and date), not an empty string");
  }
  if (!reference.empty() && !lawful_request.empty()) {
    throw UsageError("anonymize: give --reference or --lawful-request, not both");
  }
  std::optional<TransferDecision> decision;
  std::string category;
  const Subprocessor* recipient = nullptr;
  if (auto sub = inv.maybe<std::string>("for")) {
    // The full check: policy, workspace register, localization and the
    // cross-border conditions, as `dpa transfer check` applies them. A
    // refusal is recorded by check_transfer itself.
    TransferRequest request{tenant.id, *sub, inv.maybe<std::string>("category").value_or(""), true, lawful_request};
    TransferCheck check = check_transfer(ws, request, inv.actor(), "dpa anonymize");
    category = check.category;
    decision = check.decision;
    if (!decision->allowed) {
      throw RefusedError(fmt::format("refused: {} ({} {}); nothing was sent", decision->reason,
                                     decision->policy, decision->clause));
    }
    recipient = policy.find_subprocessor(decision->subprocessor);
  } else {
    if (inv.has("category")) throw UsageError("--category goes with --for SUBPROCESSOR");
    if (inv.has("lawful-request") || inv.has("reference")) {
      throw UsageError("--lawful-request and --reference describe a transfer: they go with --for SUBPROCESSOR");
    }
  }
  OperatorChoice choice = choose_operators(recipient, requested_operator, decision.has_value());
  if (!choice.refusal.empty()) {
    // Evidence of the attempt, as check_transfer keeps its refusals.
    TransferRecord refused;
    refused.tenant_id = tenant.id;
    refused.subprocessor = decision->subprocessor;
    refused.country = decision->country;
    refused.category = category;
    refused.status = "refused";
    refused.pseudonymized = true;
    refused.operator_name = choice.plan.describe();
    refused.source = "dpa anonymize";
    refused.reference = lawful_request.empty() ? reference : lawful_request_reference(lawful_request);
    refused.clause = choice.clause;
    refused.reason = choice.refusal;
    refused.actor = inv.actor();
    record_transfer(ws, refused);
    throw RefusedError(fmt::format("refused: {} ({} {}); nothing was sent", choice.refusal,
                                   recipient->operators->origin.policy, choice.clause));
  }
  PseudonymizeOptions options{stream, choice.plan};

  std::optional<Vault> vault;
  if (options.operators.uses_vault()) {
    TenantKey key = current_tenant_key(ws, tenant.id);
    vault.emplace(ws.store(), tenant.id, key.key_id, key.key);
  }
  Detector detector;
  FdSource in(STDIN_FILENO);
  std::optional<std::filesystem::path> spool_dir;
  if (auto d = inv.maybe<std::string>("spool-dir")) spool_dir = *d;
  std::size_t spool_memory = SpoolSink::kMemoryBytes;
  if (auto m = inv.maybe<std::size_t>("spool-memory-bytes")) spool_memory = *m;
  SpoolSink out(STDOUT_FILENO, inv.get<bool>("no-spool"), spool_dir, spool_memory);
  out.take_references_from(in);
  PseudonymizeStats stats = pseudonymize(in, out, detector, vault ? &*vault : nullptr, options);

  nlohmann::json counts = counts_json(stats.counts);
  if (decision) {
    TransferRecord made;
    made.tenant_id = tenant.id;
    made.subprocessor = decision->subprocessor;
    made.country = decision->country;
    made.category = category;
    made.status = "made";
    made.pseudonymized = true;
    made.operator_name = options.operators.describe();
    made.bytes = static_cast<std::int64_t>(stats.bytes_out);
    made.records = static_cast<std::int64_t>(stats.documents);
    made.entity_counts = counts.dump();
    made.source = "dpa anonymize";
    made.reference = lawful_request.empty() ? reference : lawful_request_reference(lawful_request);
    made.clause = decision->clause;
    made.actor = inv.actor();
    record_transfer(ws, made);
  } else {
    ws.audit().append("anonymize.run", "tenant:" + tenant.id,
                      {{"operator", options.operators.describe()},
                       {"bytes_in", stats.bytes_in},
                       {"bytes_out", stats.bytes_out},
                       {"documents", stats.documents},
                       {"entities", counts}});
  }
  // The output leaves only once the vault and the records are committed.
  out.commit();

  if (auto report = inv.maybe<std::string>("report")) {
    nlohmann::json r{{"tenant", tenant.id},
                     {"operator", options.operators.describe()},
                     {"bytes_in", stats.bytes_in},
                     {"bytes_out", stats.bytes_out},
                     {"documents", stats.documents},
                     {"entities", counts},
                     {"entities_total", stats.total()},
                     {"new_vault_values", vault ? vault->new_values() : 0}};
    if (decision) {
      r["subprocessor"] = decision->subprocessor;
      r["country"] = decision->country;
      r["category"] = category;
      r["clause"] = decision->clause;
      if (!choice.clause.empty()) r["operator_clause"] = choice.clause;
      if (!lawful_request.empty()) r["lawful_request"] = lawful_request;
      if (!reference.empty()) r["reference"] = reference;
    }
    write_file_atomically(*report, r.dump(2) + "\n");
  }
  return 0;
}

int run_reidentify(Invocation& inv) {
  Workspace ws = inv.open_workspace();
  TenantRecord tenant = get_tenant(ws, inv.get<std::string>("tenant"));
  StreamOptions stream;
  stream.lossy = inv.get<bool>("lossy");
  TenantKey key = current_tenant_key(ws, tenant.id);
  Vault vault(ws.store(), tenant.id, key.key_id, key.key);
  DetectorOptions dopts;
  dopts.pseudonym_tokens = true;
  Detector detector(dopts);
  FdSource in(STDIN_FILENO);
  SpoolSink out(STDOUT_FILENO, false, std::nullopt);
  ReidentifyStats stats = reidentify(in, out, detector, vault, stream);
  ws.audit().append("reidentify.run", "tenant:" + tenant.id,
                    {{"bytes_in", stats.bytes_in},
                     {"tokens_restored", stats.tokens_restored},
                     {"surrogates_restored", stats.surrogates_restored},
                     {"tokens_unknown", stats.tokens_unknown}});
  out.commit();
  if (stats.tokens_unknown > 0) {
    inv.err << fmt::format("dpa: {} token(s) not in tenant {}'s vault were left as they are\n",
                           stats.tokens_unknown, tenant.id);
  }
  return 0;
}

int run_scan(Invocation& inv) {
  StreamOptions stream = stream_options(inv);
  const bool show_values = inv.get<bool>("show-values");
  std::vector<std::string> files;
  if (inv.has("file")) files = inv.get<std::vector<std::string>>("file");
  if (files.empty()) files.push_back("-");
  Detector detector;
  nlohmann::json all = nlohmann::json::array();
  std::array<std::uint64_t, kEntityTypeCount> totals{};

  for (const auto& file : files) {
    int fd = file == "-" ? STDIN_FILENO : open_input(file);
    FdSource src(fd, file == "-" ? "standard input" : file);
    std::string name = file == "-" ? "<stdin>" : file;
    auto emit = [&](const Finding& f, std::string_view text, std::uint64_t base, std::uint64_t line) {
      ++totals[static_cast<std::size_t>(f.type)];
      nlohmann::json j{{"file", name},
                       {"type", entity_type_name(f.type)},
                       {"begin", base + f.begin},
                       {"end", base + f.end},
                       {"confidence", std::round(f.confidence * 100) / 100},
                       {"recognizer", f.recognizer}};
      if (line) j["line"] = line;
      if (!f.validator.empty()) j["validator"] = f.validator;
      if (!f.context.empty()) j["context"] = f.context;
      if (show_values) j["value"] = std::string(text.substr(f.begin, f.length()));
      if (inv.json()) {
        all.push_back(std::move(j));
        return;
      }
      std::string where = line ? fmt::format("{}:{}", name, line) : name;
      inv.out << fmt::format("{}:{}-{} {} {:.2f} {}{}{}\n", where, base + f.begin, base + f.end,
                             entity_type_name(f.type), f.confidence, f.recognizer,
                             f.validator.empty() ? "" : " " + std::string(f.validator),
                             show_values ? " " + std::string(text.substr(f.begin, f.length())) : "");
    };
    try {
      detect_stream(src, detector, stream, [&](StreamChunk& chunk) {
        if (stream.format == InputFormat::kText) {
          for (const auto& f : chunk.piece.findings) emit(f, chunk.piece.text, chunk.offset, 0);
        } else {
          for (std::size_t l = 0; l < chunk.lines.size(); ++l) {
            const auto& line = chunk.lines[l];
            for (std::size_t i = 0; i < line.values.size(); ++i) {
              for (const auto& f : line.findings[i]) emit(f, line.values[i], 0, chunk.first_line + l);
            }
          }
        }
      });
    } catch (...) {
      if (fd != STDIN_FILENO) ::close(fd);
      throw;
    }
    if (fd != STDIN_FILENO) ::close(fd);
  }
  if (inv.json()) inv.print_json({{"findings", all}, {"counts", counts_json(totals)}});
  return 0;
}

const CommandRegistrar anonymize_command{Command{
    "anonymize",
    "--tenant T [--for SUBPROCESSOR [--category C] [--lawful-request REF | --reference ID]] [--operator OP] "
    "[--format text|jsonl] "
    "[--fields a,b.c] [--report FILE] [--jobs N] < in > out",
    "pseudonymize text before it leaves for a subprocessor (a streaming filter)",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()
          ("tenant", po::value<std::string>()->required()->value_name("T"), "whose data it is")
          ("for", po::value<std::string>()->value_name("SUBPROCESSOR"),
           "the recipient: applies what the tenant's policy allows it and records the transfer")
          ("category", po::value<std::string>()->value_name("C"), "data category of the input (with --for)")
          ("operator", po::value<std::string>()->value_name("OP"),
           "tag, token, surrogate, mask or redact; per type: PHONE=mask,PERSON=surrogate,token "
           "(default: the policy's operator for the subprocessor, else token with --for, else tag; "
           "with --for it may only disclose less than the policy's)")
          ("lawful-request", po::value<std::string>()->value_name("REF"),
           "with --for: the official lawful request this transfer answers (checked and recorded)")
          ("reference", po::value<std::string>()->value_name("ID"),
           "with --for: a reference kept in the transfer record (upload id, ticket)")
          ("report", po::value<std::string>()->value_name("FILE"), "write counts (never values) as JSON")
          ("no-spool", po::bool_switch(), "stream output directly (a failure may leave partial output)")
          ("spool-dir", po::value<std::string>()->value_name("DIR"), "where output waits until the run succeeds")
          ("spool-memory-bytes", po::value<std::size_t>()->value_name("N"),
           "output held in memory before the spool file (for tests; default 64 MiB)");
      declare_stream_options(o);
    },
    run_anonymize}};

const CommandRegistrar reidentify_command{Command{
    "reidentify", "--tenant T < in > out",
    "restore the originals behind tokens and surrogates in a subprocessor's reply",
    [](po::options_description& o, po::positional_options_description&) {
      o.add_options()
          ("tenant", po::value<std::string>()->required()->value_name("T"), "whose vault to use")
          ("lossy", po::bool_switch(), "replace invalid UTF-8 with U+FFFD instead of failing");
    },
    run_reidentify}};

const CommandRegistrar scan_command{Command{
    "scan", "[FILE...] [--show-values] [--format text|jsonl --fields a,b]",
    "list the personal data found (type, offsets, recognizer), never values unless asked",
    [](po::options_description& o, po::positional_options_description& p) {
      o.add_options()
          ("file", po::value<std::vector<std::string>>()->value_name("FILE"), "files to scan (default stdin)")
          ("show-values", po::bool_switch(), "print the values found too");
      declare_stream_options(o);
      p.add("file", -1);
    },
    run_scan}};

}  // namespace
}  // namespace dpa::cli

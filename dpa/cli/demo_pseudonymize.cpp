#include "dpa/cli/demo_pseudonymize.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "anonymize/detector.h"
#include "anonymize/pseudonymizer.h"
#include "anonymize/reidentify.h"
#include "anonymize/vault.h"
#include "dpa/tenants.h"
#include "dpa/transfers.h"
#include "dpa/workspace.h"

namespace dpa::cli {

using namespace dpa::anonymize;

DemoPseudonymizeSummary demo_pseudonymize(Workspace& ws, const std::string& actor) {
  DemoPseudonymizeSummary s;
  s.tenant = "aqniet-shop";
  add_tenant(ws, s.tenant, "truffles", "Aqniet Online Shop (AI chat bot on Truffles)");
  Policy policy = load_policy("truffles", ws.policy_search_dirs());
  const std::string category = "communications.messages";

  // Synthetic: no real person, number or address.
  s.original =
      "Здравствуйте! Меня зовут Айгүл Нұрланқызы, заказ 48213 не пришёл. "
      "Мой номер 8 (701) 555-12-34, почта aigul.n@example.kz, адрес: ул. Абая 15, кв. 3.";

  TransferDecision raw = decide_transfer(policy, {s.tenant, "openai", category, false});
  s.refusal = fmt::format("{} ({} {})", raw.reason, raw.policy, raw.clause);
  TransferRecord refused{0, "", s.tenant, raw.subprocessor, raw.country, category, "refused", false, "", 0, 0,
                         "", "dpa demo", "", raw.clause, raw.reason, actor};
  record_transfer(ws, refused);

  TransferDecision ok = decide_transfer(policy, {s.tenant, "openai", category, true});
  TenantKey key = current_tenant_key(ws, s.tenant);
  Vault vault(ws.store(), s.tenant, key.key_id, key.key);
  Detector detector;
  StringSource in(s.original);
  StringSink out;
  PseudonymizeOptions options{StreamOptions{}, OperatorPlan(OperatorKind::kToken)};
  PseudonymizeStats stats = pseudonymize(in, out, detector, &vault, options);
  s.pseudonymized = out.text;

  nlohmann::json counts = nlohmann::json::object();
  for (int i = 0; i < kEntityTypeCount; ++i) {
    if (stats.counts[i]) counts[std::string(entity_type_name(static_cast<EntityType>(i)))] = stats.counts[i];
  }
  TransferRecord made{0, "", s.tenant, ok.subprocessor, ok.country, category, "made", true, "token",
                      static_cast<std::int64_t>(stats.bytes_out), 1, counts.dump(), "dpa demo", "",
                      ok.clause, "", actor};
  record_transfer(ws, made);

  // An answer as a model would write it: tokens reused, one lower-cased and
  // one with a Russian case ending attached.
  auto token_at = [&](std::size_t n) {
    std::size_t pos = 0;
    for (std::size_t i = 0; i <= n; ++i) {
      pos = s.pseudonymized.find('<', i ? pos + 1 : 0);
      if (pos == std::string::npos) return std::string();
    }
    return s.pseudonymized.substr(pos, s.pseudonymized.find('>', pos) - pos + 1);
  };
  std::string person = token_at(0), phone = token_at(1);
  std::string lower = phone;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  s.reply = fmt::format("{}, извините за задержку! Курьер позвонит вам по номеру {} сегодня. "
                        "Передайте, пожалуйста, {}у код 4417.",
                        person, lower, person);

  DetectorOptions dopts;
  dopts.pseudonym_tokens = true;
  Detector restorer(dopts);
  StringSource reply_in(s.reply);
  StringSink restored;
  ReidentifyStats rs = reidentify(reply_in, restored, restorer, vault, StreamOptions{});
  s.restored = restored.text;
  ws.audit().append("reidentify.run", "tenant:" + s.tenant,
                    {{"bytes_in", rs.bytes_in},
                     {"tokens_restored", rs.tokens_restored},
                     {"surrogates_restored", rs.surrogates_restored},
                     {"tokens_unknown", rs.tokens_unknown}});
  return s;
}

}  // namespace dpa::cli

#include "dpa/incident_notice.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dpa/error.h"

namespace dpa {
namespace {

struct Labels {
  const char* title;
  const char* incident;
  const char* to;
  const char* from;
  const char* dated;
  const char* under;
  const char* deadline;
  const char* no_deadline;
  const char* due;
  const char* not_named;
  std::map<std::string, const char*> recipients;
  std::map<std::string, const char*> fields;
};

const Labels kEnglish{
    "PERSONAL DATA INCIDENT NOTICE",
    "Incident",
    "To",
    "From",
    "Date of this notice",
    "Required by",
    "Deadline",
    "without undue delay (no fixed period)",
    "due",
    "not stated",
    {{"controller", "the controller"},
     {"authority", "the authorized body for personal data protection"},
     {"subjects", "the data subjects concerned"}},
    {{"detected_at", "Detected"},
     {"nature", "Nature of the incident"},
     {"categories", "Categories of personal data"},
     {"subjects_approx", "Approximate number of data subjects"},
     {"records_approx", "Approximate number of records"},
     {"consequences", "Likely consequences"},
     {"measures", "Measures taken"},
     {"measures_proposed", "Measures proposed"},
     {"contact", "Contact for further information"},
     {"subjects_contact_data", "Data needed to notify the subjects"}},
};

const Labels kRussian{
    "УВЕДОМЛЕНИЕ ОБ ИНЦИДЕНТЕ С ПЕРСОНАЛЬНЫМИ ДАННЫМИ",
    "Инцидент",
    "Кому",
    "От кого",
    "Дата уведомления",
    "Основание",
    "Срок",
    "незамедлительно (срок не установлен)",
    "до",
    "не указано",
    {{"controller", "оператору (контролёру) персональных данных"},
     {"authority", "в уполномоченный орган в сфере защиты персональных данных"},
     {"subjects", "субъектам персональных данных"}},
    {{"detected_at", "Время обнаружения"},
     {"nature", "Характер инцидента"},
     {"categories", "Категории персональных данных"},
     {"subjects_approx", "Примерное количество субъектов"},
     {"records_approx", "Примерное количество записей"},
     {"consequences", "Возможные последствия"},
     {"measures", "Принятые меры"},
     {"measures_proposed", "Предлагаемые меры"},
     {"contact", "Контактное лицо"},
     {"subjects_contact_data", "Данные для уведомления субъектов"}},
};

// The order fields appear in: what happened, whom it touches, what follows,
// what is done, whom to ask.
const std::vector<std::string> kOrder{"detected_at",  "nature",         "categories",        "subjects_approx",
                                      "records_approx", "consequences", "measures",          "measures_proposed",
                                      "contact",      "subjects_contact_data"};

std::string category_text(const std::vector<std::string>& ids, const Policy& policy) {
  std::vector<std::string> parts;
  for (const auto& id : ids) {
    const Category* c = policy.find_category(id);
    parts.push_back(c && !c->description.empty() ? fmt::format("{} ({})", c->description, id) : id);
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

std::string duration_text(const Duration& d, bool ru) {
  if (!ru) return d.describe();
  switch (d.unit) {
    case DurationUnit::kHours: return fmt::format("{} ч.", d.count);
    case DurationUnit::kDays: return fmt::format("{} календ. дн.", d.count);
    case DurationUnit::kWorkingDays: return fmt::format("{} раб. дн.", d.count);
    case DurationUnit::kMonths: return fmt::format("{} мес.", d.count);
    case DurationUnit::kYears: return fmt::format("{} г.", d.count);
  }
  return d.to_string();
}

}  // namespace

std::string default_notice_language(const Policy& policy) {
  return policy.language == "ru" || policy.language == "kk" ? "ru" : "en";
}

std::string render_incident_notice(const Incident& incident, const NoticeDeadline& deadline,
                                   const TenantRecord& tenant, const Policy& policy, const std::string& lang,
                                   Timestamp at, const TimeZone& zone) {
  if (lang != "ru" && lang != "en") throw UsageError(fmt::format("unknown --lang '{}': write ru or en", lang));
  const std::string recipient = to_string(deadline.recipient);
  std::vector<std::string> missing = missing_notice_fields(incident.facts, deadline.content);
  if (!missing.empty()) {
    std::vector<std::string> flags;
    for (const auto& f : missing) flags.push_back(flag_for_field(f) + " ...");
    throw RefusedError(fmt::format(
        "the notice of incident {} to the {} of tenant {} is refused: it lacks {} that {} {} requires; add with "
        "`dpa incident update {} {}`",
        incident.record.id, recipient, tenant.id, fmt::join(missing, ", "), deadline.rule_policy, deadline.clause,
        incident.record.id, fmt::join(flags, " ")));
  }
  const bool ru = lang == "ru";
  const Labels& L = ru ? kRussian : kEnglish;
  const IncidentFacts& f = incident.facts;

  std::string out = fmt::format("{}\n\n", L.title);
  auto line = [&](const char* label, const std::string& value) { out += fmt::format("{}: {}\n", label, value); };
  line(L.incident, fmt::format("{}", incident.record.id));
  std::string to = L.recipients.at(recipient);
  if (deadline.recipient == IncidentRecipient::kController) to += fmt::format(", {} ({})", tenant.name, tenant.id);
  line(L.to, to);
  if (policy.roles && !policy.roles->processor.empty()) line(L.from, policy.roles->processor);
  line(L.dated, format_local(at, zone));
  line(L.under, fmt::format("{} {}", deadline.rule_policy, deadline.clause));
  if (deadline.period && deadline.due) {
    line(L.deadline, fmt::format("{} {} {}", duration_text(*deadline.period, ru), L.due, format_local(*deadline.due, zone)));
  } else {
    line(L.deadline, L.no_deadline);
  }
  out += "\n";

  int n = 0;
  for (const auto& field : kOrder) {
    std::string value;
    if (field == "detected_at") value = format_local(incident.detected(), zone);
    else if (field == "nature") value = f.nature;
    else if (field == "categories" && !f.categories.empty()) value = category_text(f.categories, policy);
    else if (field == "subjects_approx" && f.subjects_approx) value = std::to_string(*f.subjects_approx);
    else if (field == "records_approx" && f.records_approx) value = std::to_string(*f.records_approx);
    else if (field == "consequences") value = f.consequences;
    else if (field == "measures") value = f.measures_taken;
    else if (field == "measures_proposed") value = f.measures_proposed;
    else if (field == "contact") value = f.contact;
    else if (field == "subjects_contact_data") value = f.subjects_contact_data;
    bool required = std::find(deadline.content.begin(), deadline.content.end(), field) != deadline.content.end();
    if (value.empty() && !required) continue;  // only what is known, and always what is required
    out += fmt::format("{}. {}: {}\n", ++n, L.fields.at(field), value.empty() ? L.not_named : value);
  }
  return out;
}

}  // namespace dpa

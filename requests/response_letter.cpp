#include "requests/response_letter.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "dpa/duration.h"
#include "dpa/error.h"

namespace dpa::requests {
namespace {

using nlohmann::json;

struct Words {
  const char* title;
  const char* types[7];  // access, rectify, erase, restrict, withdraw-consent, object, portability
  const char* request_section;
  const char* received;
  const char* channel;
  const char* identifiers;
  const char* deadline_section;
  const char* due;        // "{rule} under {clause}: by {date}"
  const char* no_due;
  const char* extended;   // until, reason, clause
  const char* forward_section;
  const char* forwarded;  // date, clause
  const char* forward_pending;  // by date
  const char* done_section;
  const char* fulfilled;  // dataset, action, records
  const char* suppressed; // count
  const char* closed;     // date, outcome
  const char* nothing_yet;
  const char* pending;    // date
  const char* controller_pending;  // date
  const char* regards;
};

const Words kRu{
    "Ответ на ваш запрос {}",
    {"доступ к персональным данным", "исправление персональных данных", "удаление персональных данных",
     "блокирование (ограничение) обработки", "отзыв согласия на обработку", "возражение против обработки",
     "получение данных в переносимом формате"},
    "Ваш запрос",
    "Получен: {}",
    "Способ обращения: {}",
    "Идентификаторы (частично скрыты): {}",
    "Срок ответа",
    "Срок ответа — {} ({}): до {}.",
    "Политика не устанавливает срок ответа на такой запрос.",
    "Срок продлён до {} ({}). Причина: {}.",
    "Передача оператору",
    "Мы обрабатываем ваши данные по поручению оператора ({}). Ваш запрос передан оператору {}; решение принимает оператор ({}).",
    "Мы обрабатываем ваши данные по поручению оператора ({}). Ваш запрос будет передан оператору не позднее {}.",
    "Что сделано",
    "Набор данных «{}»: {} (записей: {}).",
    "Ваш номер или адрес внесён в список блокировки (записей: {}): вам больше не будут звонить и писать.",
    "Запрос закрыт {}. Итог: {}.",
    "Запрос зарегистрирован и находится в работе.",
    "Мы ответим не позднее {}.",
    "Оператор должен ответить не позднее {}.",
    "С уважением,",
};

const Words kEn{
    "Response to your request {}",
    {"access to personal data", "rectification of personal data", "erasure of personal data",
     "restriction of processing", "withdrawal of consent", "objection to processing", "data portability"},
    "Your request",
    "Received: {}",
    "Channel: {}",
    "Identifiers (partly masked): {}",
    "Deadline",
    "The answer is due within {} ({}): by {}.",
    "The policy sets no deadline for this kind of request.",
    "The period was extended to {} ({}). Reason: {}.",
    "Forwarding to the controller",
    "We process your data on behalf of the controller ({}). Your request was forwarded to the controller on {}; the controller decides ({}).",
    "We process your data on behalf of the controller ({}). Your request will be forwarded to the controller by {}.",
    "What was done",
    "Dataset \"{}\": {} ({} records).",
    "Your number or address was put on the suppression list ({} entries): you will not be called or messaged again.",
    "The request was closed on {}. Outcome: {}.",
    "The request is registered and in progress.",
    "We will answer by {}.",
    "The controller must answer by {}.",
    "Kind regards,",
};

std::string type_index_name(const Words& w, const std::string& type) {
  static const char* kTypes[] = {"access", "rectify", "erase", "restrict", "withdraw-consent", "object", "portability"};
  for (int i = 0; i < 7; ++i) {
    if (type == kTypes[i]) return w.types[i];
  }
  return type;
}

// "3wd" as the subject reads it: "3 working days", "3 рабочих дня".
std::string period_words(const std::string& lang, const std::string& rule) {
  Duration d;
  try {
    d = Duration::parse(rule);
  } catch (const InputError&) {
    return rule;
  }
  if (lang == "en") return d.describe();
  // Russian plural: 1, 21 ... one form; 2-4, 22-24 ... another; the rest.
  long long n = d.count;
  int form = (n % 10 == 1 && n % 100 != 11) ? 0 : (n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20)) ? 1 : 2;
  static const char* kWords[5][3] = {{"час", "часа", "часов"},
                                     {"календарный день", "календарных дня", "календарных дней"},
                                     {"рабочий день", "рабочих дня", "рабочих дней"},
                                     {"месяц", "месяца", "месяцев"},
                                     {"год", "года", "лет"}};
  return fmt::format("{} {}", n, kWords[static_cast<int>(d.unit)][form]);
}

}  // namespace

std::string response_letter(const RequestView& v, const LetterOptions& o) {
  if (o.lang != "ru" && o.lang != "en") throw UsageError(fmt::format("bad --lang '{}': write ru or en", o.lang));
  if (o.format != "md" && o.format != "text") throw UsageError(fmt::format("bad --format '{}': write md or text", o.format));
  const Words& w = o.lang == "ru" ? kRu : kEn;
  const TimeZone& zone = o.zone ? *o.zone : TimeZone::utc();
  const bool md = o.format == "md";
  auto date = [&](const std::string& utc) { return format_date(zone.local_date(parse_timestamp(utc, TimeZone::utc()))); };
  auto when = [&](const std::string& utc) {
    std::string local = format_local(parse_timestamp(utc, TimeZone::utc()), zone);
    return local.substr(0, 10) + " " + local.substr(11, 5);
  };
  const auto& r = v.record;
  std::string out;
  auto heading = [&](const std::string& text, bool top = false) {
    if (md) {
      out += (top ? "# " : "## ") + text + "\n\n";
      return;
    }
    // Underlined to the heading's width in characters, not bytes.
    std::size_t chars = 0;
    for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    out += text + "\n" + std::string(chars, top ? '=' : '-') + "\n\n";
  };
  auto para = [&](const std::string& text) { out += text + "\n\n"; };
  std::vector<std::string> bullets;
  auto flush = [&] {
    for (const auto& b : bullets) out += "- " + b + "\n";
    if (!bullets.empty()) out += "\n";
    bullets.clear();
  };

  heading(fmt::format(fmt::runtime(w.title), r.id), true);
  // In processor mode the processor writes: it tells the subject where the
  // request went; the controller answers on the substance.
  const std::string sender = r.mode == "forward" && !v.processor.empty() ? v.processor : o.controller;
  para(fmt::format("{}, {}", sender, format_date(zone.local_date(o.at))));
  heading(w.request_section);
  bullets.push_back(type_index_name(w, r.type));
  bullets.push_back(fmt::format(fmt::runtime(w.received), when(r.received_at)));
  if (!r.channel.empty()) bullets.push_back(fmt::format(fmt::runtime(w.channel), r.channel));
  std::string masked;
  for (const auto& s : v.subjects) masked += (masked.empty() ? "" : ", ") + s.masked;
  bullets.push_back(fmt::format(fmt::runtime(w.identifiers), masked));
  flush();

  heading(w.deadline_section);
  if (r.due_at) para(fmt::format(fmt::runtime(w.due), period_words(o.lang, r.due_rule), r.due_clause, when(*r.due_at)));
  else para(w.no_due);
  if (r.extended_until) {
    para(fmt::format(fmt::runtime(w.extended), when(*r.extended_until), r.extension_clause, r.extension_reason));
  }
  if (r.mode == "forward") {
    heading(w.forward_section);
    if (r.forwarded_at) para(fmt::format(fmt::runtime(w.forwarded), o.controller, date(*r.forwarded_at), v.mode_clause));
    else if (r.forward_by) para(fmt::format(fmt::runtime(w.forward_pending), o.controller, when(*r.forward_by)));
  }

  heading(w.done_section);
  for (const auto& e : v.events) {
    json d = json::parse(e.details);
    if (e.event == "fulfilled") {
      bullets.push_back(fmt::format(fmt::runtime(w.fulfilled), d.value("dataset", "?"), d.value("action", "?"),
                                    d.value("records", 0)));
    } else if (e.event == "suppressed") {
      bullets.push_back(fmt::format(fmt::runtime(w.suppressed), d.contains("added") ? d["added"].size() : 0));
    }
  }
  if (r.closed_at) bullets.push_back(fmt::format(fmt::runtime(w.closed), date(*r.closed_at), r.outcome));
  if (bullets.empty()) para(w.nothing_yet);
  flush();
  if (!r.closed_at) {
    auto next = r.extended_until ? r.extended_until : r.due_at;
    if (next) {
      para(fmt::format(fmt::runtime(r.mode == "forward" ? w.controller_pending : w.pending), when(*next)));
    }
  }
  out += std::string(w.regards) + "\n" + sender + "\n";
  return out;
}

}  // namespace dpa::requests

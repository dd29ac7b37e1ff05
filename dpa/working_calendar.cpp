// Working-day calendars and the year files they are read from.
//
// A year file is TOML (policies/calendars/<jurisdiction>/<year>.toml):
//
//   jurisdiction = "kz"          # must match the folder
//   year = 2026                  # must match the file name
//   source = "..."               # the laws and orders the year was taken from
//
//   [[holiday]]                  # a day off, with the reason it is one
//   date = 2026-03-23            # a TOML date (or "2026-03-23") inside `year`
//   reason = "Nauryz meiramy"
//
//   [[workday]]                  # a Saturday or Sunday made a working day
//   date = 2025-01-05
//   reason = "transfer order ...: day off moved to Friday 2025-01-03"
//
// Monday to Friday are working days unless listed as [[holiday]]; Saturday
// and Sunday are days off unless listed as [[workday]]. A holiday that falls
// on a weekend may be listed for the record (it then names the day), but the
// day off it moves to must be listed as a [[holiday]] of its own: the file
// states every day off explicitly and the code derives nothing from the law.
// Unknown keys are errors, so that a typo cannot silently drop a holiday.
#include "dpa/working_calendar.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "dpa/embedded.h"
#include "dpa/error.h"

namespace dpa {
namespace {

using std::chrono::sys_days;

int day_number(Date d) { return static_cast<int>(sys_days{d}.time_since_epoch().count()); }

bool is_weekend(Date d) {
  const std::chrono::weekday wd{sys_days{d}};
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

std::string_view weekday_name(Date d) {
  static constexpr std::string_view kNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                "Thursday", "Friday", "Saturday"};
  return kNames[std::chrono::weekday{sys_days{d}}.c_encoding()];
}

// The zone in which each shipped jurisdiction counts its days.
const TimeZone& zone_of(std::string_view jurisdiction) {
  if (jurisdiction == "kz") return TimeZone::almaty();
  return TimeZone::utc();
}

class YearFileParser {
 public:
  YearFileParser(std::string_view text, const std::string& origin) : origin_(origin) {
    try {
      root_ = toml::parse(text, origin);
    } catch (const toml::parse_error& e) {
      throw InputError(fmt::format("{}:{}: {}", origin_, e.source().begin.line, e.description()));
    }
  }

  CalendarYear parse(std::string* jurisdiction) {
    for (const auto& [key, node] : root_) {
      const std::string_view k = key.str();
      if (k != "jurisdiction" && k != "year" && k != "source" && k != "holiday" &&
          k != "workday") {
        fail(node, fmt::format("unknown key '{}' (expected jurisdiction, year, source, "
                               "[[holiday]] or [[workday]])",
                               k));
      }
    }
    CalendarYear out;
    const toml::node* year = root_.get("year");
    if (year == nullptr) fail_here("missing 'year = YYYY'");
    const auto* year_value = year->as_integer();
    if (year_value == nullptr || year_value->get() < 1 || year_value->get() > 9999) {
      fail(*year, "'year' must be a whole number such as 2026");
    }
    out.year = static_cast<int>(year_value->get());
    out.source = required_string(root_, "source");
    if (const toml::node* j = root_.get("jurisdiction")) {
      if (!j->is_string()) fail(*j, "'jurisdiction' must be a string such as \"kz\"");
      if (jurisdiction != nullptr) *jurisdiction = j->as_string()->get();
    } else {
      fail_here("missing 'jurisdiction = \"...\"'");
    }

    out.holidays = days(out.year, "holiday");
    out.extra_workdays = days(out.year, "workday");
    for (std::size_t i = 0; i < out.extra_workdays.size(); ++i) {
      const Date d = out.extra_workdays[i].date;
      if (!is_weekend(d)) {
        fail_line(lines_["workday"][i],
                  fmt::format("[[workday]] {} is a {}: only a Saturday or Sunday can be made a "
                              "working day",
                              format_date(d), weekday_name(d)));
      }
      for (std::size_t j = 0; j < out.holidays.size(); ++j) {
        if (out.holidays[j].date == d) {
          fail_line(lines_["workday"][i],
                    fmt::format("{} is listed both as [[workday]] and as [[holiday]] (line {})",
                                format_date(d), lines_["holiday"][j]));
        }
      }
    }
    return out;
  }

 private:
  [[noreturn]] void fail_line(std::uint32_t line, std::string_view message) const {
    throw InputError(fmt::format("{}:{}: {}", origin_, line, message));
  }
  [[noreturn]] void fail(const toml::node& node, std::string_view message) const {
    fail_line(node.source().begin.line, message);
  }
  [[noreturn]] void fail_here(std::string_view message) const {
    throw InputError(fmt::format("{}: {}", origin_, message));
  }

  std::string required_string(const toml::table& table, std::string_view key) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (&table == &root_) fail_here(fmt::format("missing '{} = \"...\"'", key));
      fail(table, fmt::format("missing '{} = \"...\"'", key));
    }
    const auto* value = node->as_string();
    if (value == nullptr || value->get().empty()) {
      fail(*node, fmt::format("'{}' must be a non-empty string", key));
    }
    return value->get();
  }

  Date date_of(const toml::node& node) const {
    if (const auto* d = node.as_date()) {
      const Date date{std::chrono::year{d->get().year}, std::chrono::month{d->get().month},
                      std::chrono::day{d->get().day}};
      if (date.ok()) return date;
    } else if (const auto* s = node.as_string()) {
      try {
        return parse_date(s->get());
      } catch (const InputError& e) {
        fail(node, e.what());
      }
    }
    fail(node, "'date' must be a date such as 2026-03-23");
  }

  // Reads [[holiday]] or [[workday]]; checks each date is inside `year` and
  // listed once.
  std::vector<CalendarDay> days(int year, std::string_view key) {
    std::vector<CalendarDay> out;
    std::vector<std::uint32_t>& lines = lines_[std::string(key)];
    const toml::node* node = root_.get(key);
    if (node == nullptr) return out;
    const toml::array* array = node->as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      fail(*node, fmt::format("'{}' must be written as [[{}]] tables", key, key));
    }
    for (const toml::node& element : *array) {
      const toml::table& entry = *element.as_table();
      const std::uint32_t line = entry.source().begin.line;
      for (const auto& [k, v] : entry) {
        if (k.str() != "date" && k.str() != "reason") {
          fail(v, fmt::format("unknown key '{}' in [[{}]] (expected date and reason)", k.str(),
                              key));
        }
      }
      const toml::node* date_node = entry.get("date");
      if (date_node == nullptr) fail_line(line, fmt::format("[[{}]] without a date", key));
      const Date date = date_of(*date_node);
      if (static_cast<int>(date.year()) != year) {
        fail(*date_node, fmt::format("{} is outside the year {} of this file", format_date(date),
                                     year));
      }
      for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i].date == date) {
          fail(*date_node, fmt::format("[[{}]] {} is listed twice (first on line {})", key,
                                       format_date(date), lines[i]));
        }
      }
      out.push_back({date, required_string(entry, "reason")});
      lines.push_back(date_node->source().begin.line);
    }
    return out;
  }

  std::string origin_;
  toml::table root_;
  std::map<std::string, std::vector<std::uint32_t>, std::less<>> lines_;
};

struct ShippedFile {
  std::string_view jurisdiction;
  std::string_view stem;   // "2026"
  std::string_view name;   // "calendars/kz/2026.toml"
  std::string_view text;
};

// Embedded files named calendars/<jurisdiction>/<stem>.toml.
std::vector<ShippedFile> shipped_files() {
  constexpr std::string_view kPrefix = "calendars/";
  constexpr std::string_view kSuffix = ".toml";
  std::vector<ShippedFile> out;
  for (const auto& file : embedded_files()) {
    const std::string_view name = file.name;
    if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) continue;
    const std::string_view rest = name.substr(kPrefix.size(), name.size() - kPrefix.size() -
                                                                  kSuffix.size());
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos || rest.find('/', slash + 1) != std::string_view::npos) {
      continue;
    }
    out.push_back({rest.substr(0, slash), rest.substr(slash + 1), name, file.view()});
  }
  return out;
}

}  // namespace

CalendarYear WorkingCalendar::parse_year(std::string_view toml_text, const std::string& origin) {
  YearFileParser parser(toml_text, origin);
  return parser.parse(nullptr);
}

WorkingCalendar WorkingCalendar::shipped(std::string_view jurisdiction) {
  std::vector<CalendarYear> years;
  std::set<std::string_view> known;
  for (const auto& file : shipped_files()) {
    known.insert(file.jurisdiction);
    if (file.jurisdiction != jurisdiction) continue;
    const std::string origin = "policies/" + std::string(file.name);
    YearFileParser parser(file.text, origin);
    std::string declared;
    CalendarYear year = parser.parse(&declared);
    if (declared != jurisdiction) {
      throw InputError(fmt::format("{}: jurisdiction = \"{}\" does not match its folder '{}'",
                                   origin, declared, jurisdiction));
    }
    if (std::to_string(year.year) != file.stem) {
      throw InputError(fmt::format("{}: year = {} does not match the file name", origin,
                                   year.year));
    }
    years.push_back(std::move(year));
  }
  if (years.empty()) {
    std::string list;
    for (const auto& j : known) list += (list.empty() ? "" : ", ") + std::string(j);
    throw InputError(fmt::format("no working-day calendar is shipped for '{}': shipped ones are {}",
                                 jurisdiction, list.empty() ? "none" : list));
  }
  return WorkingCalendar(std::string(jurisdiction), zone_of(jurisdiction), std::move(years));
}

WorkingCalendar::WorkingCalendar(std::string jurisdiction, const TimeZone& zone,
                                 std::vector<CalendarYear> years)
    : jurisdiction_(std::move(jurisdiction)), zone_(&zone) {
  for (auto& year : years) {
    // day_off_reason() finds a holiday's reason through its date's year.
    auto check = [&](const CalendarDay& d) {
      if (!d.date.ok() || static_cast<int>(d.date.year()) != year.year) {
        throw InputError(fmt::format("calendar '{}': {} is not a day of its year {}", jurisdiction_,
                                     format_date(d.date), year.year));
      }
    };
    for (const auto& h : year.holidays) {
      check(h);
      holiday_days_.insert(day_number(h.date));
    }
    for (const auto& w : year.extra_workdays) {
      check(w);
      extra_workdays_.insert(day_number(w.date));
    }
    const int number = year.year;
    if (!years_.emplace(number, std::move(year)).second) {
      throw InputError(fmt::format("calendar '{}' has the year {} twice", jurisdiction_, number));
    }
  }
}

std::optional<std::string> WorkingCalendar::day_off_reason(Date d) const {
  const int n = day_number(d);
  if (holiday_days_.contains(n)) {
    if (const auto year = years_.find(static_cast<int>(d.year())); year != years_.end()) {
      for (const auto& h : year->second.holidays) {
        if (h.date == d) return h.reason;
      }
    }
  }
  if (extra_workdays_.contains(n)) return std::nullopt;
  if (is_weekend(d)) return std::string(weekday_name(d));
  return std::nullopt;
}

bool WorkingCalendar::is_working_day(Date d) const { return !day_off_reason(d).has_value(); }

bool WorkingCalendar::covers(int year) const { return years_.contains(year); }

int WorkingCalendar::first_year() const { return years_.empty() ? 0 : years_.begin()->first; }

int WorkingCalendar::last_year() const { return years_.empty() ? 0 : years_.rbegin()->first; }

Timestamp WorkingCalendar::add_working_days(Timestamp start, int n) const {
  if (n < 1) {
    throw InputError(fmt::format("a number of working days must be at least 1, not {}", n));
  }
  sys_days day{zone_->local_date(start)};
  int counted = 0;
  int checked_year = std::numeric_limits<int>::min();
  while (counted < n) {
    day += std::chrono::days{1};
    const Date date{day};
    const int year = static_cast<int>(date.year());
    if (year != checked_year) {
      checked_year = year;
      if (!covers(year)) {
        std::string warning = fmt::format(
            "deadline counting reaches {}, for which no '{}' calendar is shipped{}: only "
            "weekends were counted as days off",
            year, jurisdiction_,
            years_.empty() ? "" : fmt::format(" (it covers {}-{})", first_year(), last_year()));
        if (std::find(warnings_.begin(), warnings_.end(), warning) == warnings_.end()) {
          warnings_.push_back(std::move(warning));
        }
      }
    }
    if (is_working_day(date)) ++counted;
  }
  const std::chrono::sys_seconds end_of_day =
      std::chrono::sys_seconds{day} + std::chrono::hours{23} + std::chrono::minutes{59} +
      std::chrono::seconds{59};
  return end_of_day - zone_->offset_at_local(end_of_day);
}

}  // namespace dpa

#include "dpa/duration.h"

#include <array>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/working_calendar.h"

namespace dpa {
namespace {

// Large enough for any retention rule (a million hours is 114 years), small
// enough that adding any unit to any instant stays far inside the range of
// sys_seconds; years and months are range-checked again in add_duration.
constexpr std::int64_t kMaxCount = 1'000'000;

struct UnitInfo {
  DurationUnit unit;
  std::string_view suffix;
  std::string_view singular;
  std::string_view plural;
};

// Longest suffix first so that "wd" is not read as "d".
constexpr std::array<UnitInfo, 5> kUnits{{
    {DurationUnit::kWorkingDays, "wd", "working day", "working days"},
    {DurationUnit::kMonths, "mo", "month", "months"},
    {DurationUnit::kHours, "h", "hour", "hours"},
    {DurationUnit::kDays, "d", "calendar day", "calendar days"},
    {DurationUnit::kYears, "y", "year", "years"},
}};

const UnitInfo& info(DurationUnit unit) {
  for (const auto& u : kUnits) {
    if (u.unit == unit) return u;
  }
  throw std::logic_error("unknown DurationUnit");
}

[[noreturn]] void bad_duration(std::string_view text) {
  throw InputError(fmt::format(
      "bad duration '{}': write a whole number followed by h, d, wd, mo or y, such as 30d", text));
}

Timestamp add_months(Timestamp start, std::int64_t months, const TimeZone& zone) {
  using namespace std::chrono;
  const sys_seconds local = start + zone.offset_at(start);
  const sys_days local_day = floor<days>(local);
  const seconds time_of_day = local - local_day;
  const year_month_day ymd{local_day};

  const std::int64_t month_index =
      static_cast<std::int64_t>(static_cast<int>(ymd.year())) * 12 +
      static_cast<unsigned>(ymd.month()) - 1 + months;
  const std::int64_t new_year = month_index / 12;
  if (month_index < 12 || new_year > 9999) {
    throw InputError(fmt::format("{} months from {} leave the years 1..9999", months,
                                 format_local(start, zone)));
  }
  const year_month ym{year{static_cast<int>(new_year)},
                      month{static_cast<unsigned>(month_index % 12) + 1}};
  // Clamp to the month's end: 31 January + 1mo is the last day of February.
  const day last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  const year_month_day moved{ym.year(), ym.month(), ymd.day() > last ? last : ymd.day()};

  const sys_seconds new_local = sys_days{moved} + time_of_day;
  return new_local - zone.offset_at_local(new_local);
}

}  // namespace

Duration Duration::parse(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) bad_duration(text);

  const std::string_view suffix = text.substr(digits);
  const UnitInfo* unit = nullptr;
  for (const auto& u : kUnits) {
    if (suffix == u.suffix) unit = &u;
  }
  if (unit == nullptr) bad_duration(text);

  std::int64_t count = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    count = count * 10 + (text[i] - '0');
    if (count > kMaxCount) {
      throw InputError(fmt::format(
          "bad duration '{}': the number is too large; write at most {}{}", text, kMaxCount,
          unit->suffix));
    }
  }
  if (count == 0) {
    throw InputError(fmt::format(
        "bad duration '{}': a duration must be at least 1, such as 1{}", text, unit->suffix));
  }
  return Duration{count, unit->unit};
}

std::string Duration::to_string() const {
  return fmt::format("{}{}", count, info(unit).suffix);
}

std::string Duration::describe() const {
  const auto& u = info(unit);
  return fmt::format("{} {}", count, count == 1 ? u.singular : u.plural);
}

double Duration::nominal_hours() const {
  constexpr double kDay = 24.0;
  constexpr double kMonth = 30.44 * kDay;
  const auto n = static_cast<double>(count);
  switch (unit) {
    case DurationUnit::kHours: return n;
    case DurationUnit::kDays: return n * kDay;
    case DurationUnit::kWorkingDays: return n * 1.4 * kDay;
    case DurationUnit::kMonths: return n * kMonth;
    // Twelve nominal months, so that "1y" and "12mo" compare equal.
    case DurationUnit::kYears: return n * 12.0 * kMonth;
  }
  return 0.0;
}

Timestamp add_duration(Timestamp start, const Duration& d, const TimeZone& zone,
                       const WorkingCalendar* calendar) {
  if (d.count <= 0 || d.count > kMaxCount) {
    throw InputError(fmt::format("duration {} is out of range 1..{}", d.to_string(), kMaxCount));
  }
  switch (d.unit) {
    case DurationUnit::kHours: return start + std::chrono::hours{d.count};
    case DurationUnit::kDays: return start + std::chrono::days{d.count};
    case DurationUnit::kMonths: return add_months(start, d.count, zone);
    case DurationUnit::kYears: return add_months(start, d.count * 12, zone);
    case DurationUnit::kWorkingDays:
      // Counted on the calendar's own zone: a jurisdiction's working days
      // follow its clocks, whatever zone the caller displays.
      if (calendar == nullptr) {
        throw InputError(fmt::format(
            "working days need a calendar: cannot count {} without the jurisdiction's one",
            d.to_string()));
      }
      return calendar->add_working_days(start, static_cast<int>(d.count));
  }
  throw std::logic_error("unknown DurationUnit");
}

}  // namespace dpa

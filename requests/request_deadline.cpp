#include "requests/request_deadline.h"

#include <map>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/working_calendar.h"

namespace dpa::requests {
namespace {

using std::chrono::sys_days;

Timestamp end_of_local_day(Date d, const TimeZone& zone) {
  return zone.start_of_day(Date{sys_days{d} + std::chrono::days{1}}) - std::chrono::seconds{1};
}

Date add_months_clamped(Date d, long long months) {
  std::chrono::year_month ym = std::chrono::year_month{d.year(), d.month()} + std::chrono::months{months};
  auto last = std::chrono::year_month_day_last{ym.year(), std::chrono::month_day_last{ym.month()}}.day();
  return Date{ym.year(), ym.month(), d.day() > last ? last : d.day()};
}

}  // namespace

Deadline request_deadline(Timestamp received, const Duration& period, const RuleOrigin& origin, const TimeZone& zone,
                          const WorkingCalendar* calendar) {
  if (period.count <= 0) throw InputError(fmt::format("a request period must be positive, not {}", period.to_string()));
  Deadline d{received, period, origin, {}};
  switch (period.unit) {
    case DurationUnit::kHours: d.due = received + std::chrono::hours{period.count}; break;
    case DurationUnit::kWorkingDays: {
      if (calendar == nullptr) {
        throw InputError(fmt::format("{} needs a working-day calendar, and the policy's jurisdiction has none",
                                     period.to_string()));
      }
      d.due = calendar->add_working_days(received, static_cast<int>(period.count));
      int from = static_cast<int>(calendar->zone().local_date(received).year());
      int to = static_cast<int>(calendar->zone().local_date(d.due).year());
      for (int y = from; y <= to; ++y) {
        if (!calendar->covers(y)) {
          d.notes.push_back(fmt::format("no '{}' working-day calendar is shipped for {}: only weekends were counted "
                                        "as days off",
                                        calendar->jurisdiction(), y));
        }
      }
      break;
    }
    case DurationUnit::kDays:
    case DurationUnit::kMonths:
    case DurationUnit::kYears: {
      Date local = zone.local_date(received);
      Date end = period.unit == DurationUnit::kDays
                     ? Date{sys_days{local} + std::chrono::days{period.count}}
                     : add_months_clamped(local, period.unit == DurationUnit::kYears ? period.count * 12 : period.count);
      d.due = end_of_local_day(end, zone);
      std::chrono::weekday wd{sys_days{end}};
      if (wd == std::chrono::Saturday || wd == std::chrono::Sunday) {
        d.notes.push_back(fmt::format(
            "the period ends on a {} ({}); Regulation 1182/71 Art. 3(4) would move it to the next working day, "
            "dpa keeps the earlier date",
            wd == std::chrono::Saturday ? "Saturday" : "Sunday", format_date(end)));
      }
      break;
    }
  }
  return d;
}

const WorkingCalendar* working_calendar_for(const Policy& policy) {
  // Calendars are immutable once loaded; one per jurisdiction per process.
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<WorkingCalendar>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(policy.jurisdiction);
  if (it != cache.end()) return it->second.get();
  std::unique_ptr<WorkingCalendar> cal;
  try {
    cal = std::make_unique<WorkingCalendar>(WorkingCalendar::shipped(policy.jurisdiction));
  } catch (const InputError&) {
    cal = nullptr;  // no calendar for this jurisdiction
  }
  return cache.emplace(policy.jurisdiction, std::move(cal)).first->second.get();
}

std::string describe_remaining(std::chrono::seconds s) {
  long long total = s.count() < 0 ? -s.count() : s.count();
  long long days = total / 86400, hours = (total % 86400) / 3600, minutes = (total % 3600) / 60;
  if (days > 0) return hours > 0 ? fmt::format("{}d {}h", days, hours) : fmt::format("{}d", days);
  if (hours > 0) return fmt::format("{}h", hours);
  return fmt::format("{}m", minutes);
}

}  // namespace dpa::requests

// Durations as policies write them: "24h", "30d", "3wd", "3mo", "5y".
//
// Calendar units keep their unit: "1mo" from 31 January is the last day of
// February, not 30 days later, and "3wd" needs a working-day calendar.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dpa/time.h"

namespace dpa {

class WorkingCalendar;

enum class DurationUnit { kHours, kDays, kWorkingDays, kMonths, kYears };

struct Duration {
  std::int64_t count = 0;
  DurationUnit unit = DurationUnit::kDays;

  // Throws InputError: "bad duration '3x': write a whole number followed by
  // h, d, wd, mo or y, such as 30d".
  static Duration parse(std::string_view text);
  std::string to_string() const;   // the canonical form, "30d"
  std::string describe() const;    // "30 calendar days", "3 working days"

  // Rough length for comparing rules of different units (a month is 30.44
  // days, a working day 1.4 days); never used to compute a deadline.
  double nominal_hours() const;

  bool operator==(const Duration&) const = default;
};

// `start` + `d`. Hours and days are added to the instant; months and years
// move the local date in `zone` (clamped to the month's end) and keep the
// local time of day. Working days need `calendar` (InputError without one):
// see WorkingCalendar::add_working_days for how they are counted.
Timestamp add_duration(Timestamp start, const Duration& d, const TimeZone& zone,
                       const WorkingCalendar* calendar);

}  // namespace dpa

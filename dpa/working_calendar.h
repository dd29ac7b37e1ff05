// Working days of one jurisdiction: weekends, public holidays, and the days
// off that a government decree moves (a Saturday made a working day, a
// Friday made a day off). Data comes per year from
// policies/calendars/<jurisdiction>/<year>.toml.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "dpa/time.h"

namespace dpa {

struct CalendarDay {
  Date date;
  std::string reason;   // "Nauryz meiramy", "decree No. 123 of 2024-12-20: day off moved from 2025-01-04"
};

struct CalendarYear {
  int year = 0;
  std::vector<CalendarDay> holidays;        // days off that would be working days
  std::vector<CalendarDay> extra_workdays;  // weekend days made working days
  std::string source;                       // the decree or law the year was taken from
};

class WorkingCalendar {
 public:
  // Loads the shipped calendar of `jurisdiction` ("kz"), all years.
  // Throws InputError if there is none.
  static WorkingCalendar shipped(std::string_view jurisdiction);
  // Parses one year file; `origin` names it in error messages.
  static CalendarYear parse_year(std::string_view toml_text, const std::string& origin);

  WorkingCalendar(std::string jurisdiction, const TimeZone& zone, std::vector<CalendarYear> years);

  std::string_view jurisdiction() const { return jurisdiction_; }
  const TimeZone& zone() const { return *zone_; }

  bool is_working_day(Date d) const;
  // Why `d` is not a working day ("Saturday", "Nauryz meiramy"), or nullopt.
  std::optional<std::string> day_off_reason(Date d) const;
  bool covers(int year) const;
  int first_year() const;
  int last_year() const;

  // The deadline of an act that must be done within `n` working days of the
  // event at `start`: counting begins on the day after the event's local
  // date, and the deadline is the end (23:59:59 local) of the n-th working
  // day. Dates in years with no calendar data count only weekends and record
  // a warning (see warnings()).
  Timestamp add_working_days(Timestamp start, int n) const;

  // Warnings raised by the last computations ("deadline falls in 2028, for
  // which no calendar is shipped: only weekends were counted").
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::string jurisdiction_;
  const TimeZone* zone_;
  std::map<int, CalendarYear> years_;
  std::set<int> holiday_days_;     // sys_days counts
  std::set<int> extra_workdays_;
  mutable std::vector<std::string> warnings_;
};

}  // namespace dpa

// Instants, dates and the time zones that deadlines are counted in.
//
// Storage is always UTC. Working-day rules are counted on local dates of the
// jurisdiction (Asia/Almaty for Kazakhstan). Kazakhstan has no daylight
// saving since 2005; Asia/Almaty moved from UTC+6 to UTC+5 on 2024-03-01,
// which is the one offset change this table needs.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dpa {

using Timestamp = std::chrono::sys_seconds;        // an instant, UTC
using Date = std::chrono::year_month_day;          // a civil date

// A zone with a fixed list of UTC offsets (no DST); enough for KZ and UTC.
class TimeZone {
 public:
  // "UTC", "Asia/Almaty" (also "Asia/Qostanay"); throws InputError otherwise.
  static const TimeZone& named(std::string_view name);
  static const TimeZone& utc();
  static const TimeZone& almaty();

  std::string_view name() const { return name_; }
  std::chrono::seconds offset_at(Timestamp t) const;
  // Offset in force at local civil time `local` (seconds since epoch, local).
  std::chrono::seconds offset_at_local(std::chrono::sys_seconds local) const;
  Date local_date(Timestamp t) const;
  // The instant of local midnight starting `d`.
  Timestamp start_of_day(Date d) const;

 private:
  friend struct TimeZoneTable;
  std::string name_;
  // (switch instant UTC, offset in force from then); sorted, first is -inf.
  std::vector<std::pair<Timestamp, std::chrono::seconds>> offsets_;
};

// Parses ISO-8601: "2026-03-20" (local midnight in `zone`), "2026-03-20T10:00",
// "2026-03-20T10:00:00" (local in `zone`), with "Z" or "+05:00" (explicit).
// Throws InputError naming the text and the accepted forms.
Timestamp parse_timestamp(std::string_view text, const TimeZone& zone);
// The exclusive end of a period given as its last day: a plain date
// "2026-03-31" means through that day (local midnight starting 2026-04-01
// in `zone`); anything else is parse_timestamp's instant.
Timestamp parse_period_end(std::string_view text, const TimeZone& zone);

// Parses "YYYY-MM-DD" and checks the date exists (no 2026-02-30).
Date parse_date(std::string_view text);

std::string format_utc(Timestamp t);                        // 2026-03-20T05:00:00Z
std::string format_local(Timestamp t, const TimeZone& zone); // 2026-03-20T10:00:00+05:00
std::string format_date(Date d);                            // 2026-03-20

Timestamp now();

}  // namespace dpa

#include "dpa/time.h"

#include <limits>

#include <fmt/format.h>

#include "dpa/error.h"

namespace dpa {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;

// Builds the zones; the only code allowed to fill TimeZone's private table.
struct TimeZoneTable {
  static TimeZone make(std::string name, std::vector<std::pair<Timestamp, seconds>> offsets) {
    TimeZone zone;
    zone.name_ = std::move(name);
    zone.offsets_ = std::move(offsets);
    return zone;
  }

  // Kazakhstan's single clock change since it dropped daylight saving in
  // 2005: Almaty and Qostanay went from UTC+6 to UTC+5 at 00:00 local on
  // 2024-03-01, so the local hour 23:00-24:00 of 2024-02-29 happened twice.
  // Instants before 2005 are approximated by UTC+6 (no deadline reaches back
  // that far).
  static TimeZone kazakhstan(std::string name) {
    const Timestamp switch_to_utc5 = sys_days{std::chrono::year{2024} / 2 / 29} + hours{18};
    return make(std::move(name), {{Timestamp::min(), hours{6}}, {switch_to_utc5, hours{5}}});
  }
};

const TimeZone& TimeZone::utc() {
  static const TimeZone zone = TimeZoneTable::make("UTC", {{Timestamp::min(), seconds{0}}});
  return zone;
}

const TimeZone& TimeZone::almaty() {
  static const TimeZone zone = TimeZoneTable::kazakhstan("Asia/Almaty");
  return zone;
}

const TimeZone& TimeZone::named(std::string_view name) {
  if (name == "UTC") return utc();
  if (name == "Asia/Almaty") return almaty();
  if (name == "Asia/Qostanay") {
    static const TimeZone zone = TimeZoneTable::kazakhstan("Asia/Qostanay");
    return zone;
  }
  throw InputError(fmt::format("unknown time zone '{}': use UTC, Asia/Almaty or Asia/Qostanay",
                               name));
}

seconds TimeZone::offset_at(Timestamp t) const {
  seconds offset = offsets_.front().second;
  for (const auto& [from, off] : offsets_) {
    if (from > t) break;
    offset = off;
  }
  return offset;
}

// A local time names the instant `local - offset` for the offset whose
// period contains that instant. When the clock went back, two periods match
// and the earlier one wins (the first occurrence: for a deadline, the
// earlier instant is the safe one). When the clock jumps forward, none
// matches and the offset before the jump is used.
seconds TimeZone::offset_at_local(std::chrono::sys_seconds local) const {
  seconds fallback = offsets_.front().second;
  for (std::size_t i = 0; i < offsets_.size(); ++i) {
    const auto& [from, off] = offsets_[i];
    const Timestamp utc = local - off;
    if (utc < from) break;
    const bool before_next = i + 1 == offsets_.size() || utc < offsets_[i + 1].first;
    if (before_next) return off;
    fallback = off;
  }
  return fallback;
}

Date TimeZone::local_date(Timestamp t) const {
  return Date{floor<days>(t + offset_at(t))};
}

Timestamp TimeZone::start_of_day(Date d) const {
  const std::chrono::sys_seconds local{sys_days{d}};
  return local - offset_at_local(local);
}

namespace {

constexpr std::string_view kTimestampForms =
    "write 2026-03-20, 2026-03-20T10:00 or 2026-03-20T10:00:00, optionally followed by Z or "
    "an offset such as +05:00";

// Reads `n` ASCII digits at `pos`; false if any is missing or not a digit.
bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  out = value;
  return true;
}

// Parses exactly "YYYY-MM-DD". Returns why it is bad, or an empty string.
std::string read_date(std::string_view s, Date& out) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || !read_digits(s, 0, 4, y) || s[4] != '-' || !read_digits(s, 5, 2, m) ||
      s[7] != '-' || !read_digits(s, 8, 2, d)) {
    return "not a date of the form YYYY-MM-DD";
  }
  const Date date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!date.ok()) return fmt::format("there is no day {}", s);
  out = date;
  return {};
}

[[noreturn]] void bad_timestamp(std::string_view text, std::string_view why) {
  throw InputError(fmt::format("bad time '{}': {}; {}", text, why, kTimestampForms));
}

// "HH:MM" or "HH:MM:SS" at the start of `s`; returns the characters used, 0 if malformed.
std::size_t read_time_of_day(std::string_view text, std::string_view s, seconds& out) {
  int h = 0, m = 0, sec = 0;
  if (!read_digits(s, 0, 2, h) || s.size() < 5 || s[2] != ':' || !read_digits(s, 3, 2, m)) {
    return 0;
  }
  std::size_t used = 5;
  if (s.size() > 5 && s[5] == ':') {
    if (!read_digits(s, 6, 2, sec)) return 0;
    used = 8;
  }
  if (h > 23) bad_timestamp(text, fmt::format("hour {:02} is out of range 00-23", h));
  if (m > 59) bad_timestamp(text, fmt::format("minute {:02} is out of range 00-59", m));
  if (sec > 59) bad_timestamp(text, fmt::format("second {:02} is out of range 00-59", sec));
  out = hours{h} + minutes{m} + seconds{sec};
  return used;
}

std::string format_ymd_hms(std::chrono::sys_seconds local) {
  const auto day = floor<days>(local);
  const Date date{day};
  const std::chrono::hh_mm_ss<seconds> tod{local - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     tod.hours().count(), tod.minutes().count(), tod.seconds().count());
}

}  // namespace

Date parse_date(std::string_view text) {
  Date date;
  if (std::string why = read_date(text, date); !why.empty()) {
    throw InputError(fmt::format("bad date '{}': {}; write YYYY-MM-DD, such as 2026-03-20",
                                 text, why));
  }
  return date;
}

Timestamp parse_timestamp(std::string_view text, const TimeZone& zone) {
  if (text.size() < 10) bad_timestamp(text, "too short");
  Date date;
  if (std::string why = read_date(text.substr(0, 10), date); !why.empty()) {
    bad_timestamp(text, why);
  }
  std::string_view rest = text.substr(10);
  if (rest.empty()) return zone.start_of_day(date);
  if (rest[0] != 'T') bad_timestamp(text, fmt::format("unexpected '{}' after the date", rest));
  rest.remove_prefix(1);

  seconds time_of_day{0};
  const std::size_t used = read_time_of_day(text, rest, time_of_day);
  if (used == 0) bad_timestamp(text, "the time of day is not HH:MM or HH:MM:SS");
  rest.remove_prefix(used);
  const std::chrono::sys_seconds local = sys_days{date} + time_of_day;

  if (rest.empty()) return local - zone.offset_at_local(local);
  if (rest == "Z") return local;
  int oh = 0, om = 0;
  if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && read_digits(rest, 1, 2, oh) &&
      rest[3] == ':' && read_digits(rest, 4, 2, om)) {
    if (oh > 18 || om > 59 || (oh == 18 && om > 0)) {
      bad_timestamp(text, fmt::format("offset {} is out of range -18:00..+18:00", rest));
    }
    const seconds offset = (rest[0] == '-' ? -1 : 1) * (hours{oh} + minutes{om});
    return local - offset;
  }
  bad_timestamp(text, fmt::format("unexpected '{}' after the time", rest));
}

std::string format_utc(Timestamp t) { return format_ymd_hms(t) + "Z"; }

std::string format_local(Timestamp t, const TimeZone& zone) {
  const seconds offset = zone.offset_at(t);
  if (offset == seconds{0}) return format_ymd_hms(t) + "Z";
  const auto magnitude = offset < seconds{0} ? -offset : offset;
  const auto oh = std::chrono::duration_cast<hours>(magnitude);
  const auto om = std::chrono::duration_cast<minutes>(magnitude - oh);
  return fmt::format("{}{}{:02}:{:02}", format_ymd_hms(t + offset), offset < seconds{0} ? '-' : '+',
                     oh.count(), om.count());
}

std::string format_date(Date d) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()),
                     static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

Timestamp now() {
  return floor<seconds>(std::chrono::system_clock::now());
}

Timestamp parse_period_end(std::string_view text, const TimeZone& zone) {
  if (text.size() == 10) return zone.start_of_day(Date{std::chrono::sys_days{parse_date(text)} + std::chrono::days{1}});
  return parse_timestamp(text, zone);
}

}  // namespace dpa

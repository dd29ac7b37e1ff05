#include <catch2/catch.hpp>

#include <string>

#include "dpa/duration.h"
#include "dpa/error.h"
#include "dpa/time.h"
#include "dpa/working_calendar.h"

using dpa::Duration;
using dpa::DurationUnit;
using dpa::TimeZone;

namespace {

dpa::Timestamp at(const std::string& text) { return dpa::parse_timestamp(text, TimeZone::almaty()); }

// `start` (Almaty local) + `d`, shown in Almaty local time.
std::string plus(const std::string& start, const std::string& d) {
  return dpa::format_local(
      dpa::add_duration(at(start), Duration::parse(d), TimeZone::almaty(), nullptr),
      TimeZone::almaty());
}

}  // namespace

TEST_CASE("durations parse in every unit", "[duration]") {
  CHECK(Duration::parse("24h") == Duration{24, DurationUnit::kHours});
  CHECK(Duration::parse("30d") == Duration{30, DurationUnit::kDays});
  CHECK(Duration::parse("3wd") == Duration{3, DurationUnit::kWorkingDays});
  CHECK(Duration::parse("3mo") == Duration{3, DurationUnit::kMonths});
  CHECK(Duration::parse("5y") == Duration{5, DurationUnit::kYears});
  CHECK(Duration::parse("1000000h") == Duration{1000000, DurationUnit::kHours});

  CHECK(Duration::parse("30d").to_string() == "30d");
  CHECK(Duration::parse("3wd").to_string() == "3wd");
  CHECK(Duration::parse("12mo").to_string() == "12mo");
  CHECK(Duration::parse("5y").to_string() == "5y");
  CHECK(Duration::parse("72h").to_string() == "72h");

  CHECK(Duration::parse("30d").describe() == "30 calendar days");
  CHECK(Duration::parse("1d").describe() == "1 calendar day");
  CHECK(Duration::parse("3wd").describe() == "3 working days");
  CHECK(Duration::parse("1wd").describe() == "1 working day");
  CHECK(Duration::parse("24h").describe() == "24 hours");
  CHECK(Duration::parse("1h").describe() == "1 hour");
  CHECK(Duration::parse("3mo").describe() == "3 months");
  CHECK(Duration::parse("1mo").describe() == "1 month");
  CHECK(Duration::parse("5y").describe() == "5 years");
  CHECK(Duration::parse("1y").describe() == "1 year");
}

TEST_CASE("bad durations are refused with one line", "[duration]") {
  CHECK_THROWS_WITH(Duration::parse("3x"),
                    "bad duration '3x': write a whole number followed by h, d, wd, mo or y, such "
                    "as 30d");
  CHECK_THROWS_WITH(Duration::parse("0d"),
                    "bad duration '0d': a duration must be at least 1, such as 1d");
  CHECK_THROWS_WITH(Duration::parse("99999999999999999999d"),
                    "bad duration '99999999999999999999d': the number is too large; write at "
                    "most 1000000d");
  CHECK_THROWS_WITH(Duration::parse("1000001h"), Catch::Contains("too large"));
  CHECK_THROWS_WITH(Duration::parse(""),
                    "bad duration '': write a whole number followed by h, d, wd, mo or y, such "
                    "as 30d");
  const char* bad[] = {"-3d", "3 d", " 3d", "3d ", "+3d", "3", "d", "3D", "3m", "3.5d",
                       "3dd", "3w", "3days", "1e3d", "0x10d", "3h30m", "wd"};
  for (const char* text : bad) {
    INFO(text);
    CHECK_THROWS_WITH(Duration::parse(text),
                      "bad duration '" + std::string(text) +
                          "': write a whole number followed by h, d, wd, mo or y, such as 30d");
  }
  CHECK_THROWS_AS(Duration::parse("0wd"), dpa::InputError);
  CHECK_THROWS_AS(Duration::parse("000y"), dpa::InputError);
}

TEST_CASE("nominal hours compare rules of different units", "[duration]") {
  CHECK(Duration::parse("24h").nominal_hours() == Approx(24.0));
  CHECK(Duration::parse("30d").nominal_hours() == Approx(720.0));
  CHECK(Duration::parse("3wd").nominal_hours() == Approx(3 * 1.4 * 24.0));
  CHECK(Duration::parse("1mo").nominal_hours() == Approx(30.44 * 24.0));
  CHECK(Duration::parse("1y").nominal_hours() == Approx(Duration::parse("12mo").nominal_hours()));
  CHECK(Duration::parse("3mo").nominal_hours() > Duration::parse("90d").nominal_hours());
  CHECK(Duration::parse("5wd").nominal_hours() > Duration::parse("5d").nominal_hours());
  CHECK(Duration::parse("5wd").nominal_hours() < Duration::parse("8d").nominal_hours());
}

TEST_CASE("hours and days are added to the instant", "[duration]") {
  CHECK(plus("2026-03-20T10:00", "24h") == "2026-03-21T10:00:00+05:00");
  CHECK(plus("2026-03-20T10:00", "72h") == "2026-03-23T10:00:00+05:00");
  CHECK(plus("2026-01-20T10:00", "30d") == "2026-02-19T10:00:00+05:00");
  CHECK(plus("2026-12-31T23:30", "1h") == "2027-01-01T00:30:00+05:00");
  // Across Almaty's switch to UTC+5 the instant moves 24 hours, so the local
  // clock reads one hour less.
  CHECK(plus("2024-02-29T12:00", "1d") == "2024-03-01T11:00:00+05:00");
}

TEST_CASE("months and years move the local date and clamp to the month's end", "[duration]") {
  CHECK(plus("2026-01-31T10:00", "1mo") == "2026-02-28T10:00:00+05:00");
  CHECK(plus("2024-01-31T10:00", "1mo") == "2024-02-29T10:00:00+06:00");
  CHECK(plus("2026-03-31T10:00", "1mo") == "2026-04-30T10:00:00+05:00");
  CHECK(plus("2026-01-31T10:00", "13mo") == "2027-02-28T10:00:00+05:00");
  CHECK(plus("2026-10-15T08:00", "3mo") == "2027-01-15T08:00:00+05:00");
  CHECK(plus("2026-11-30T23:59:59", "3mo") == "2027-02-28T23:59:59+05:00");
  CHECK(plus("2024-02-29T09:00", "1y") == "2025-02-28T09:00:00+05:00");
  CHECK(plus("2024-02-29T09:00", "4y") == "2028-02-29T09:00:00+05:00");
  CHECK(plus("2026-03-20T00:00", "5y") == "2031-03-20T00:00:00+05:00");
  // The local time of day survives Almaty's offset change.
  CHECK(plus("2024-01-15T10:00", "3mo") == "2024-04-15T10:00:00+05:00");
  CHECK(dpa::format_utc(dpa::add_duration(at("2024-01-15T10:00"), Duration::parse("3mo"),
                                          TimeZone::almaty(), nullptr)) ==
        "2024-04-15T05:00:00Z");
  // The local date is the zone's: 20:00Z on 30 January is already 31 January
  // in Almaty (and clamps to 28 February there), still the 30th in UTC.
  const auto t = dpa::parse_timestamp("2026-01-30T20:00:00Z", TimeZone::utc());
  CHECK(dpa::format_utc(dpa::add_duration(t, Duration::parse("1mo"), TimeZone::almaty(),
                                          nullptr)) == "2026-02-27T20:00:00Z");
  CHECK(dpa::format_utc(dpa::add_duration(t, Duration::parse("1mo"), TimeZone::utc(),
                                          nullptr)) == "2026-02-28T20:00:00Z");
  CHECK(dpa::add_duration(t, Duration::parse("1y"), TimeZone::almaty(), nullptr) ==
        dpa::add_duration(t, Duration::parse("12mo"), TimeZone::almaty(), nullptr));
  CHECK_THROWS_AS(dpa::add_duration(t, Duration::parse("1000000y"), TimeZone::almaty(), nullptr),
                  dpa::InputError);
}

TEST_CASE("working days need a calendar", "[duration]") {
  CHECK_THROWS_WITH(
      dpa::add_duration(at("2026-03-19T10:00"), Duration::parse("3wd"), TimeZone::almaty(),
                        nullptr),
      Catch::StartsWith("working days need a calendar"));
  const auto kz = dpa::WorkingCalendar::shipped("kz");
  const auto deadline =
      dpa::add_duration(at("2026-03-19T10:00"), Duration::parse("3wd"), TimeZone::utc(), &kz);
  CHECK(dpa::format_local(deadline, TimeZone::almaty()) == "2026-03-27T23:59:59+05:00");
  CHECK(deadline == kz.add_working_days(at("2026-03-19T10:00"), 3));
  CHECK_THROWS_AS(dpa::add_duration(at("2026-03-19T10:00"), Duration{0, DurationUnit::kDays},
                                    TimeZone::almaty(), nullptr),
                  dpa::InputError);
}

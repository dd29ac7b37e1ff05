#include <catch2/catch.hpp>

#include <string>

#include "dpa/error.h"
#include "dpa/time.h"

using dpa::format_local;
using dpa::format_utc;
using dpa::parse_timestamp;
using dpa::TimeZone;
using namespace std::chrono_literals;

namespace {

dpa::Timestamp utc(const std::string& text) { return parse_timestamp(text, TimeZone::utc()); }

std::string almaty(const std::string& text) {
  return format_utc(parse_timestamp(text, TimeZone::almaty()));
}

}  // namespace

TEST_CASE("timestamps parse in every documented form", "[time]") {
  // UTC+5 in 2026.
  CHECK(almaty("2026-03-20") == "2026-03-19T19:00:00Z");
  CHECK(almaty("2026-03-20T10:00") == "2026-03-20T05:00:00Z");
  CHECK(almaty("2026-03-20T10:00:30") == "2026-03-20T05:00:30Z");
  CHECK(almaty("2026-03-20T10:00:00Z") == "2026-03-20T10:00:00Z");
  CHECK(almaty("2026-03-20T10:00Z") == "2026-03-20T10:00:00Z");
  CHECK(almaty("2026-03-20T10:00:00+05:00") == "2026-03-20T05:00:00Z");
  CHECK(almaty("2026-03-20T10:00-03:30") == "2026-03-20T13:30:00Z");
  CHECK(almaty("2026-03-20T00:00:00+00:00") == "2026-03-20T00:00:00Z");
  CHECK(format_utc(utc("2026-03-20")) == "2026-03-20T00:00:00Z");
  CHECK(format_utc(utc("2024-02-29T23:59:59")) == "2024-02-29T23:59:59Z");
  CHECK(utc("1970-01-01T00:00:00Z").time_since_epoch() == 0s);
  CHECK(utc("2026-03-20T05:00:00Z").time_since_epoch() == 1773982800s);
}

TEST_CASE("malformed timestamps are refused with one line naming the text", "[time]") {
  const char* bad[] = {
      "",                       // empty
      "2026-02-30",             // no such day
      "2025-02-29",             // not a leap year
      "2026-13-01",             // no such month
      "2026-03-20T25:00",       // hour 25
      "2026-03-20T24:00",       // hour 24 is not accepted either
      "2026-03-20T10:60",       // minute 60
      "2026-03-20T10:00:60",    // second 60
      "2026-03-20T10:00junk",   // trailing junk
      "2026-03-20junk",         // trailing junk after a date
      "2026-03-20 10:00",       // space instead of T
      "2026-3-20",              // missing zero
      "20260320",               // basic format
      "2026-03-20T10",          // no minutes
      "2026-03-20T10:00:00.5Z", // fractions
      "2026-03-20T10:00+0500",  // offset without colon
      "2026-03-20T10:00+19:00", // offset out of range
      "2026-03-20Z",            // zone on a bare date
      " 2026-03-20",            // leading space
  };
  for (const char* text : bad) {
    INFO(text);
    try {
      parse_timestamp(text, TimeZone::almaty());
      FAIL("accepted");
    } catch (const dpa::InputError& e) {
      const std::string message = e.what();
      CHECK(message.find("bad time '" + std::string(text) + "'") == 0);
      CHECK(message.find("2026-03-20T10:00:00") != std::string::npos);
      CHECK(message.find('\n') == std::string::npos);
    }
  }
  CHECK_THROWS_WITH(parse_timestamp("2026-02-30", TimeZone::utc()),
                    Catch::Contains("there is no day 2026-02-30"));
  CHECK_THROWS_WITH(parse_timestamp("2026-03-20T25:00", TimeZone::utc()),
                    Catch::Contains("hour 25 is out of range 00-23"));
  CHECK_THROWS_WITH(parse_timestamp("2026-03-20T10:00junk", TimeZone::utc()),
                    Catch::Contains("unexpected 'junk' after the time"));
}

TEST_CASE("dates parse and must exist", "[time]") {
  CHECK(dpa::parse_date("2024-02-29") == dpa::Date{2024y / 2 / 29});
  CHECK(dpa::format_date(dpa::parse_date("0987-01-05")) == "0987-01-05");
  CHECK_THROWS_AS(dpa::parse_date("2026-02-29"), dpa::InputError);
  CHECK_THROWS_WITH(dpa::parse_date("2026-02-30"),
                    "bad date '2026-02-30': there is no day 2026-02-30; write YYYY-MM-DD, such as "
                    "2026-03-20");
  CHECK_THROWS_AS(dpa::parse_date("2026-03-20T10:00"), dpa::InputError);
  CHECK_THROWS_AS(dpa::parse_date("2026/03/20"), dpa::InputError);
  CHECK_THROWS_AS(dpa::parse_date(""), dpa::InputError);
}

TEST_CASE("Asia/Almaty moved from UTC+6 to UTC+5 on 2024-03-01", "[time]") {
  const auto& z = TimeZone::almaty();
  const auto switch_at = utc("2024-02-29T18:00:00Z");
  CHECK(z.offset_at(switch_at - 1s) == 6h);
  CHECK(z.offset_at(switch_at) == 5h);
  CHECK(z.offset_at(utc("2000-01-01T00:00:00Z")) == 6h);
  CHECK(z.offset_at(utc("2030-01-01T00:00:00Z")) == 5h);

  // Before the switch local midnight is 18:00Z, after it 19:00Z.
  CHECK(format_utc(z.start_of_day(2024y / 2 / 29)) == "2024-02-28T18:00:00Z");
  CHECK(format_utc(z.start_of_day(2024y / 3 / 1)) == "2024-02-29T19:00:00Z");
  CHECK(almaty("2024-01-15T12:00") == "2024-01-15T06:00:00Z");
  CHECK(almaty("2024-06-15T12:00") == "2024-06-15T07:00:00Z");

  // 23:00-24:00 local on 2024-02-29 happened twice; the first one is taken.
  CHECK(almaty("2024-02-29T23:30") == "2024-02-29T17:30:00Z");
  CHECK(z.local_date(utc("2024-02-29T17:59:59Z")) == dpa::Date{2024y / 2 / 29});
  CHECK(z.local_date(utc("2024-02-29T18:00:00Z")) == dpa::Date{2024y / 2 / 29});
  CHECK(z.local_date(utc("2024-02-29T19:00:00Z")) == dpa::Date{2024y / 3 / 1});

  CHECK(format_local(utc("2024-02-29T17:59:59Z"), z) == "2024-02-29T23:59:59+06:00");
  CHECK(format_local(utc("2024-02-29T18:00:00Z"), z) == "2024-02-29T23:00:00+05:00");
  CHECK(z.offset_at_local(std::chrono::sys_days{2024y / 2 / 28}) == 6h);
  CHECK(z.offset_at_local(std::chrono::sys_days{2024y / 3 / 2}) == 5h);
}

TEST_CASE("local dates and formatting", "[time]") {
  const auto& z = TimeZone::almaty();
  // 20:00Z is already the next day in Almaty.
  CHECK(z.local_date(utc("2026-03-19T20:00:00Z")) == dpa::Date{2026y / 3 / 20});
  CHECK(z.local_date(utc("2026-03-19T18:59:59Z")) == dpa::Date{2026y / 3 / 19});
  CHECK(TimeZone::utc().local_date(utc("2026-03-19T20:00:00Z")) == dpa::Date{2026y / 3 / 19});

  const auto t = utc("2026-03-20T05:00:00Z");
  CHECK(format_utc(t) == "2026-03-20T05:00:00Z");
  CHECK(format_local(t, z) == "2026-03-20T10:00:00+05:00");
  CHECK(format_local(t, TimeZone::utc()) == "2026-03-20T05:00:00Z");
  CHECK(dpa::format_date(2026y / 3 / 20) == "2026-03-20");
  CHECK(format_utc(utc("1969-12-31T23:59:59Z")) == "1969-12-31T23:59:59Z");
  // Formatting and parsing round-trip.
  CHECK(parse_timestamp(format_local(t, z), TimeZone::utc()) == t);

  const auto before = dpa::now();
  CHECK(before > utc("2025-01-01"));
  CHECK(dpa::now() >= before);
}

TEST_CASE("zones are found by name", "[time]") {
  CHECK(TimeZone::named("UTC").name() == "UTC");
  CHECK(&TimeZone::named("Asia/Almaty") == &TimeZone::almaty());
  const auto& qostanay = TimeZone::named("Asia/Qostanay");
  CHECK(qostanay.name() == "Asia/Qostanay");
  CHECK(qostanay.offset_at(utc("2024-01-01T00:00:00Z")) == 6h);
  CHECK(qostanay.offset_at(utc("2025-01-01T00:00:00Z")) == 5h);
  CHECK_THROWS_WITH(TimeZone::named("Europe/Moscow"),
                    "unknown time zone 'Europe/Moscow': use UTC, Asia/Almaty or Asia/Qostanay");
  CHECK_THROWS_AS(TimeZone::named("asia/almaty"), dpa::InputError);
}

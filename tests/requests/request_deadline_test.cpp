#include <catch2/catch.hpp>

#include "dpa/duration.h"
#include "dpa/error.h"
#include "dpa/time.h"
#include "dpa/working_calendar.h"
#include "requests/request_deadline.h"

using namespace dpa;
using dpa::requests::request_deadline;

namespace {

std::string due_local(const std::string& received, const std::string& period, const TimeZone& zone,
                      const WorkingCalendar* cal) {
  auto d = request_deadline(parse_timestamp(received, zone), Duration::parse(period), RuleOrigin{}, zone, cal);
  return format_local(d.due, zone);
}

}  // namespace

TEST_CASE("Kazakh working-day deadlines around holidays", "[deadline]") {
  WorkingCalendar kz = WorkingCalendar::shipped("kz");
  const TimeZone& almaty = TimeZone::almaty();
  struct Case {
    const char* received;  // local Almaty
    const char* period;
    const char* due;       // local date of the last day
    const char* why;
  };
  const Case cases[] = {
      {"2026-03-16T10:00", "3wd", "2026-03-19", "an ordinary week"},
      {"2026-03-16T10:00", "1wd", "2026-03-17", "one working day: the next day"},
      {"2026-03-20T10:00", "1wd", "2026-03-26", "Friday before Nauryz: 21-25 March are off"},
      {"2026-03-20T23:30", "3wd", "2026-03-30", "after hours on Friday before Nauryz"},
      {"2026-03-21T12:00", "1wd", "2026-03-26", "received on a Saturday that is a holiday"},
      {"2026-03-23T09:00", "3wd", "2026-03-30", "received on a holiday Monday"},
      {"2026-03-06T18:30", "1wd", "2026-03-10", "Friday evening; 9 March is the day off for 8 March"},
      {"2026-03-07T11:00", "3wd", "2026-03-12", "received on a Saturday"},
      {"2026-05-08T17:00", "1wd", "2026-05-12", "Victory Day Saturday moves the day off to Monday 11 May"},
      {"2026-05-06T10:00", "3wd", "2026-05-13", "7 May and the 9/11 May days off"},
      {"2026-12-15T10:00", "1wd", "2026-12-17", "Independence Day 16 December"},
      {"2026-12-30T10:00", "3wd", "2027-01-06", "year end: 1, 2 (Sat) and 4 January (day off for 2 Jan) are off"},
      {"2026-12-31T23:59", "1wd", "2027-01-05", "New Year's Eve, after hours"},
      {"2027-01-06T10:00", "1wd", "2027-01-08", "Orthodox Christmas 7 January"},
      {"2025-01-02T10:00", "1wd", "2025-01-05", "2025: Friday 3 January is off, Sunday 5 January works instead"},
      {"2025-01-02T10:00", "2wd", "2025-01-06", "2025: then Monday 6 January"},
      {"2025-01-04T10:00", "1wd", "2025-01-05", "2025: Sunday 5 January is a working day (day off moved to 3 January)"},
      {"2025-03-20T10:00", "1wd", "2025-03-26", "Nauryz 2025 with its moved days off 24-25 March"},
      {"2025-06-05T10:00", "1wd", "2025-06-09", "Kurban ait Friday 6 June 2025"},
      {"2025-08-29T10:00", "1wd", "2025-09-02", "Constitution Day Saturday: 1 September off"},
      {"2025-12-31T10:00", "3wd", "2026-01-08", "2025/2026 year end: 1, 2 and 7 January off"},
  };
  for (const auto& c : cases) {
    INFO(c.why << ": received " << c.received << " + " << c.period);
    std::string due = due_local(c.received, c.period, almaty, &kz);
    CHECK(due.substr(0, 10) == c.due);
    CHECK(due.substr(10) == "T23:59:59+05:00");
  }
}

TEST_CASE("a receipt in UTC counts on its Almaty date", "[deadline]") {
  WorkingCalendar kz = WorkingCalendar::shipped("kz");
  // Friday 2026-03-13 20:00 UTC is Saturday 01:00 in Almaty.
  auto d = request_deadline(parse_timestamp("2026-03-13T20:00:00Z", TimeZone::utc()), Duration::parse("1wd"),
                            RuleOrigin{}, TimeZone::utc(), &kz);
  CHECK(format_local(d.due, TimeZone::almaty()) == "2026-03-16T23:59:59+05:00");
  // Friday 18:59 UTC is still Friday 23:59 in Almaty: Monday too.
  d = request_deadline(parse_timestamp("2026-03-13T18:59:00Z", TimeZone::utc()), Duration::parse("1wd"), RuleOrigin{},
                       TimeZone::utc(), &kz);
  CHECK(format_local(d.due, TimeZone::almaty()) == "2026-03-16T23:59:59+05:00");
}

TEST_CASE("a year without a shipped calendar is noted", "[deadline]") {
  WorkingCalendar kz = WorkingCalendar::shipped("kz");
  auto d = request_deadline(parse_timestamp("2030-03-20T10:00", TimeZone::almaty()), Duration::parse("3wd"),
                            RuleOrigin{}, TimeZone::almaty(), &kz);
  REQUIRE(d.notes.size() == 1);
  CHECK(d.notes[0].find("2030") != std::string::npos);
}

TEST_CASE("GDPR month deadlines end on the same date, clamped to the month's end", "[deadline]") {
  const TimeZone& utc = TimeZone::utc();
  struct Case {
    const char* received;
    const char* period;
    const char* due;
  };
  const Case cases[] = {
      {"2026-03-05T10:00", "1mo", "2026-04-05"},
      {"2026-01-31T10:00", "1mo", "2026-02-28"},
      {"2028-01-31T10:00", "1mo", "2028-02-29"},  // leap year
      {"2024-01-30T10:00", "1mo", "2024-02-29"},
      {"2026-01-29T10:00", "1mo", "2026-02-28"},
      {"2026-03-31T23:59", "1mo", "2026-04-30"},
      {"2026-05-31T00:00", "1mo", "2026-06-30"},
      {"2026-12-15T10:00", "1mo", "2027-01-15"},  // year end
      {"2026-12-31T10:00", "1mo", "2027-01-31"},
      {"2026-11-30T10:00", "3mo", "2027-02-28"},  // a month and its two-month extension
      {"2027-11-30T10:00", "3mo", "2028-02-29"},
      {"2026-02-28T10:00", "1mo", "2026-03-28"},  // not the month's end
      {"2026-03-01T00:00", "30d", "2026-03-31"},
  };
  for (const auto& c : cases) {
    INFO("received " << c.received << " + " << c.period);
    std::string due = due_local(c.received, c.period, utc, nullptr);
    CHECK(due == std::string(c.due) + "T23:59:59Z");
  }
}

TEST_CASE("a month ending on a weekend keeps the earlier date, with a note", "[deadline]") {
  // 2026-02-28 is a Saturday.
  auto d = request_deadline(parse_timestamp("2026-01-31T10:00", TimeZone::utc()), Duration::parse("1mo"), RuleOrigin{},
                            TimeZone::utc(), nullptr);
  CHECK(format_utc(d.due) == "2026-02-28T23:59:59Z");
  REQUIRE(d.notes.size() == 1);
  CHECK(d.notes[0].find("Saturday") != std::string::npos);
}

TEST_CASE("month deadlines count on the workspace's local date", "[deadline]") {
  // 2026-01-31 20:00 UTC is already 1 February in Almaty.
  auto d = request_deadline(parse_timestamp("2026-01-31T20:00:00Z", TimeZone::utc()), Duration::parse("1mo"),
                            RuleOrigin{}, TimeZone::almaty(), nullptr);
  CHECK(format_local(d.due, TimeZone::almaty()) == "2026-03-01T23:59:59+05:00");
}

TEST_CASE("hour periods are exact and working days need a calendar", "[deadline]") {
  auto d = request_deadline(parse_timestamp("2026-03-20T19:00", TimeZone::almaty()), Duration::parse("24h"),
                            RuleOrigin{}, TimeZone::almaty(), nullptr);
  CHECK(format_local(d.due, TimeZone::almaty()) == "2026-03-21T19:00:00+05:00");
  CHECK_THROWS_AS(request_deadline(d.due, Duration::parse("3wd"), RuleOrigin{}, TimeZone::utc(), nullptr),
                  dpa::InputError);
}

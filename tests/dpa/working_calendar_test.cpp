#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "dpa/error.h"
#include "dpa/time.h"
#include "dpa/working_calendar.h"

using dpa::Date;
using dpa::TimeZone;
using dpa::WorkingCalendar;
using namespace std::chrono_literals;

namespace {

dpa::Timestamp almaty(const std::string& text) {
  return dpa::parse_timestamp(text, TimeZone::almaty());
}

std::string reason(const WorkingCalendar& cal, Date d) {
  return cal.day_off_reason(d).value_or("(working day)");
}

// A Kazakh deadline: `n` working days after a request received at `received`
// (Almaty local time unless it carries Z or an offset) ends at 23:59:59 in
// Almaty on `deadline`. Expected dates are worked out by hand from the
// shipped calendar; `why` says what the row exercises.
struct DeadlineRow {
  const char* received;
  int n;
  const char* deadline;
  const char* why;
};

const DeadlineRow kKazakhDeadlines[] = {
    {"2026-02-13T10:00", 3, "2026-02-18", "received on a Friday: Mon 16, Tue 17, Wed 18"},
    {"2026-02-13T23:59:59", 1, "2026-02-16", "late Friday evening still counts from Friday"},
    {"2026-05-08T09:00", 3, "2026-05-14",
     "received on Friday 8 May: Sat 9 Victory Day, Mon 11 its moved day off"},
    {"2026-03-19T10:00", 3, "2026-03-27",
     "before Nauryz: Fri 20, then 21-23 Nauryz and 24-25 moved days off, Thu 26, Fri 27"},
    {"2026-03-19T10:00", 10, "2026-04-07", "before Nauryz, ten days: 20, 26, 27, 30, 31, 1-3, 6, 7"},
    {"2026-03-20T10:00", 3, "2026-03-30", "received on the Friday before Nauryz: 26, 27, 30"},
    {"2026-03-20T10:00", 10, "2026-04-08", "the Friday before Nauryz, ten days"},
    {"2026-03-19T20:00:00Z", 3, "2026-03-30",
     "20:00Z on 19 March is 01:00 on 20 March in Almaty, so day 0 is the 20th"},
    {"2026-03-19T18:59:59Z", 3, "2026-03-27", "18:59:59Z is still 19 March in Almaty"},
    {"2026-03-23T10:00", 1, "2026-03-26", "received on a holiday: counting starts the next day"},
    {"2025-01-05T11:00", 3, "2025-01-09",
     "received on Sunday 5 January 2025, a transfer working day: Mon 6, (Tue 7 Christmas), "
     "Wed 8, Thu 9"},
    {"2025-01-02T11:00", 3, "2025-01-08",
     "spanning the transfer: Fri 3 is a day off, Sun 5 a working day, Mon 6, Wed 8"},
    {"2025-01-04T11:00", 1, "2025-01-05", "the working Sunday is itself a deadline day"},
    {"2025-03-20T10:00", 5, "2025-04-01",
     "Nauryz 2025: 21-23 plus moved days 24-25; 26, 27, 28, 31 March, 1 April"},
    {"2026-12-29T10:00", 3, "2027-01-05", "across New Year: Dec 30, Dec 31, (1-4 Jan off), Jan 5"},
    {"2026-12-29T10:00", 5, "2027-01-08",
     "across New Year: Jan 4 is the day off for 2 January on a Saturday, Jan 7 Christmas"},
    {"2026-12-31T18:00", 1, "2027-01-05", "on New Year's Eve"},
    {"2026-12-15T10:00", 1, "2026-12-17", "Independence Day on Wednesday 16 December"},
    {"2026-05-26T10:00", 1, "2026-05-28", "Kurban ait on Wednesday 27 May 2026"},
    {"2026-08-28T10:00", 1, "2026-08-31",
     "30 August is no longer Constitution Day in 2026, so Monday 31 August is a working day"},
    {"2027-03-12T10:00", 1, "2027-03-16", "Constitution Day on Monday 15 March 2027"},
    {"2027-03-19T10:00", 3, "2027-03-29",
     "Nauryz 2027: 22-23 and the day off for Sunday 21 on Wednesday 24; 25, 26, 29"},
    {"2027-12-28T10:00", 3, "2027-12-31", "the last working day of the shipped data"},
};

}  // namespace

TEST_CASE("the shipped Kazakh calendar covers 2025-2027 in Almaty time", "[calendar]") {
  const auto kz = WorkingCalendar::shipped("kz");
  CHECK(kz.jurisdiction() == "kz");
  CHECK(kz.zone().name() == "Asia/Almaty");
  CHECK(kz.first_year() == 2025);
  CHECK(kz.last_year() == 2027);
  CHECK(kz.covers(2025));
  CHECK(kz.covers(2026));
  CHECK(kz.covers(2027));
  CHECK_FALSE(kz.covers(2024));
  CHECK_FALSE(kz.covers(2028));
  CHECK(kz.warnings().empty());
}

TEST_CASE("an unknown jurisdiction lists the shipped ones", "[calendar]") {
  CHECK_THROWS_WITH(WorkingCalendar::shipped("ru"),
                    "no working-day calendar is shipped for 'ru': shipped ones are kz");
  CHECK_THROWS_AS(WorkingCalendar::shipped(""), dpa::InputError);
  CHECK_THROWS_AS(WorkingCalendar::shipped("KZ"), dpa::InputError);
}

TEST_CASE("Kazakh days off and their reasons", "[calendar]") {
  const auto kz = WorkingCalendar::shipped("kz");
  // 2025: the transfer order moved the day off from Sunday 5 to Friday 3 January.
  CHECK_FALSE(kz.is_working_day(2025y / 1 / 3));
  CHECK(reason(kz, 2025y / 1 / 3).find("moved from Sunday 2025-01-05") != std::string::npos);
  CHECK(kz.is_working_day(2025y / 1 / 5));
  CHECK_FALSE(kz.day_off_reason(2025y / 1 / 5).has_value());
  CHECK(reason(kz, 2025y / 1 / 4) == "Saturday");
  CHECK(reason(kz, 2025y / 1 / 7) == "Orthodox Christmas");
  CHECK(reason(kz, 2025y / 6 / 6) == "Kurban ait, first day");
  CHECK(reason(kz, 2025y / 3 / 10).find("International Women's Day on Saturday") !=
        std::string::npos);
  CHECK(reason(kz, 2025y / 9 / 1).find("Constitution Day") != std::string::npos);
  CHECK(reason(kz, 2025y / 10 / 27).find("Republic Day") != std::string::npos);
  CHECK(kz.is_working_day(2025y / 5 / 8));   // no transfer was ordered for 8 May 2025

  // 2026
  CHECK(reason(kz, 2026y / 1 / 1) == "New Year");
  CHECK(reason(kz, 2026y / 1 / 3) == "Saturday");
  CHECK(kz.is_working_day(2026y / 1 / 5));
  CHECK(reason(kz, 2026y / 3 / 9).find("Sunday 2026-03-08") != std::string::npos);
  CHECK(reason(kz, 2026y / 3 / 21) == "Nauryz meiramy");   // a holiday on a Saturday is named
  CHECK(reason(kz, 2026y / 3 / 23) == "Nauryz meiramy");
  CHECK(reason(kz, 2026y / 3 / 24).find("Saturday 2026-03-21") != std::string::npos);
  CHECK(reason(kz, 2026y / 3 / 25).find("Sunday 2026-03-22") != std::string::npos);
  CHECK(kz.is_working_day(2026y / 3 / 20));   // Oraza ait is not a day off in Kazakhstan
  CHECK(kz.is_working_day(2026y / 3 / 26));
  CHECK(reason(kz, 2026y / 3 / 28) == "Saturday");
  CHECK(reason(kz, 2026y / 3 / 29) == "Sunday");
  CHECK_FALSE(kz.is_working_day(2026y / 5 / 11));
  CHECK(reason(kz, 2026y / 5 / 27).find("Kurban ait") == 0);
  CHECK(kz.is_working_day(2026y / 8 / 31));
  CHECK(reason(kz, 2026y / 8 / 30) == "Sunday");
  CHECK_FALSE(kz.is_working_day(2026y / 10 / 26));
  CHECK(reason(kz, 2026y / 12 / 16) == "Independence Day");

  // 2027
  CHECK_FALSE(kz.is_working_day(2027y / 1 / 4));
  CHECK(reason(kz, 2027y / 3 / 15).find("Constitution Day") == 0);
  CHECK_FALSE(kz.is_working_day(2027y / 3 / 24));
  CHECK_FALSE(kz.is_working_day(2027y / 5 / 3));
  CHECK_FALSE(kz.is_working_day(2027y / 5 / 10));
  CHECK(kz.is_working_day(2027y / 8 / 30));

  // Outside the data only weekends are days off.
  CHECK(kz.is_working_day(2028y / 1 / 3));
  CHECK(reason(kz, 2028y / 1 / 1) == "Saturday");
}

TEST_CASE("working days per year in the shipped data", "[calendar]") {
  const auto kz = WorkingCalendar::shipped("kz");
  auto working_days = [&](int y) {
    int n = 0;
    for (std::chrono::sys_days d{std::chrono::year{y} / 1 / 1};
         d < std::chrono::sys_days{std::chrono::year{y + 1} / 1 / 1}; d += std::chrono::days{1}) {
      n += kz.is_working_day(Date{d}) ? 1 : 0;
    }
    return n;
  };
  // 261 weekdays in each year. 2025: 16 weekday days off, plus the working
  // Sunday. 2026: 14; the eGov calendar of January 2026 said 246 because it
  // still had 31 August off for Constitution Day. 2027: 14.
  CHECK(working_days(2025) == 246);
  CHECK(working_days(2026) == 247);
  CHECK(working_days(2027) == 247);
}

TEST_CASE("Kazakh working-day deadlines", "[calendar]") {
  const auto kz = WorkingCalendar::shipped("kz");
  for (const auto& row : kKazakhDeadlines) {
    INFO(row.received << " + " << row.n << "wd: " << row.why);
    const auto deadline = kz.add_working_days(almaty(row.received), row.n);
    CHECK(dpa::format_local(deadline, kz.zone()) == std::string(row.deadline) + "T23:59:59+05:00");
  }
  CHECK(kz.warnings().empty());

  // The deadline is an instant: 23:59:59 in Almaty is 18:59:59Z.
  CHECK(dpa::format_utc(kz.add_working_days(almaty("2026-03-19T20:00:00Z"), 3)) ==
        "2026-03-30T18:59:59Z");
}

TEST_CASE("a deadline in a year without data warns once", "[calendar]") {
  const auto kz = WorkingCalendar::shipped("kz");
  // Dec 29, 30, 31; then 2028: Sat 1, Sun 2, Mon 3, Tue 4. (1-2 January 2028
  // are New Year on a weekend, so 3 January will really be a day off: this is
  // what the warning is for.)
  const auto deadline = kz.add_working_days(almaty("2027-12-28T10:00"), 5);
  CHECK(dpa::format_local(deadline, kz.zone()) == "2028-01-04T23:59:59+05:00");
  REQUIRE(kz.warnings().size() == 1);
  CHECK(kz.warnings()[0] ==
        "deadline counting reaches 2028, for which no 'kz' calendar is shipped (it covers "
        "2025-2027): only weekends were counted as days off");

  kz.add_working_days(almaty("2027-12-30T10:00"), 2);
  CHECK(kz.warnings().size() == 1);   // once per year

  // Counting that starts in 2024 warns about 2024, then uses the 2025 data
  // (Friday 3 January off, Sunday 5 January working).
  const auto from_2024 = kz.add_working_days(almaty("2024-12-30T10:00"), 3);
  CHECK(dpa::format_local(from_2024, kz.zone()) == "2025-01-06T23:59:59+05:00");
  REQUIRE(kz.warnings().size() == 2);
  CHECK(kz.warnings()[1].find("reaches 2024") != std::string::npos);

  // A request received in 2028 but due in 2027 is impossible; received on
  // 31 December 2027, a 1wd deadline already lands in 2028.
  const auto kz2 = WorkingCalendar::shipped("kz");
  CHECK(dpa::format_local(kz2.add_working_days(almaty("2027-12-31T10:00"), 1), kz2.zone()) ==
        "2028-01-03T23:59:59+05:00");
  CHECK(kz2.warnings().size() == 1);
}

TEST_CASE("a number of working days must be positive", "[calendar]") {
  const auto kz = WorkingCalendar::shipped("kz");
  CHECK_THROWS_AS(kz.add_working_days(almaty("2026-03-19"), 0), dpa::InputError);
  CHECK_THROWS_AS(kz.add_working_days(almaty("2026-03-19"), -3), dpa::InputError);
}

TEST_CASE("a calendar built from year files", "[calendar]") {
  const auto year = WorkingCalendar::parse_year(R"(jurisdiction = "test"
year = 2026
source = "synthetic"

[[holiday]]
date = 2026-03-23
reason = "Nauryz meiramy"

[[holiday]]
date = "2026-03-24"
reason = "quoted dates are accepted too"

[[workday]]
date = 2026-03-28
reason = "a working Saturday"
)",
                                                "test.toml");
  CHECK(year.year == 2026);
  CHECK(year.source == "synthetic");
  REQUIRE(year.holidays.size() == 2);
  CHECK(year.holidays[0].date == Date{2026y / 3 / 23});
  CHECK(year.holidays[1].reason == "quoted dates are accepted too");
  REQUIRE(year.extra_workdays.size() == 1);
  CHECK(year.extra_workdays[0].date == Date{2026y / 3 / 28});

  const WorkingCalendar cal("test", TimeZone::utc(), {year});
  CHECK(cal.zone().name() == "UTC");
  CHECK_FALSE(cal.is_working_day(2026y / 3 / 23));
  CHECK(cal.is_working_day(2026y / 3 / 28));
  // Received Friday 20 March 2026 at 23:00 UTC: Mon 23 and Tue 24 are off,
  // Wed 25, Thu 26, Fri 27, Sat 28 (working).
  const auto t = dpa::parse_timestamp("2026-03-20T23:00:00Z", TimeZone::utc());
  CHECK(dpa::format_utc(cal.add_working_days(t, 4)) == "2026-03-28T23:59:59Z");
  CHECK(cal.warnings().empty());

  CHECK_THROWS_WITH(WorkingCalendar("test", TimeZone::utc(), {year, year}),
                    "calendar 'test' has the year 2026 twice");
  auto stray = year;
  stray.holidays.push_back({2027y / 1 / 1, "in the wrong year"});
  CHECK_THROWS_WITH(WorkingCalendar("test", TimeZone::utc(), {stray}),
                    "calendar 'test': 2027-01-01 is not a day of its year 2026");
}

TEST_CASE("bad year files are refused naming the file and line", "[calendar]") {
  const std::string head = "jurisdiction = \"kz\"\nyear = 2026\nsource = \"s\"\n";
  auto error_of = [](const std::string& text) -> std::string {
    try {
      WorkingCalendar::parse_year(text, "kz/2026.toml");
    } catch (const dpa::InputError& e) {
      return e.what();
    }
    return "(accepted)";
  };
  CHECK(error_of(head + "[[holiday]]\ndate = 2025-12-31\nreason = \"x\"\n") ==
        "kz/2026.toml:5: 2025-12-31 is outside the year 2026 of this file");
  CHECK(error_of(head + "[[holiday]]\ndate = 2026-03-23\nreason = \"a\"\n"
                        "[[holiday]]\ndate = 2026-03-23\nreason = \"b\"\n") ==
        "kz/2026.toml:8: [[holiday]] 2026-03-23 is listed twice (first on line 5)");
  CHECK(error_of(head + "[[workday]]\ndate = 2026-03-20\nreason = \"x\"\n") ==
        "kz/2026.toml:5: [[workday]] 2026-03-20 is a Friday: only a Saturday or Sunday can be "
        "made a working day");
  CHECK(error_of(head + "[[holiday]]\ndate = 2026-03-21\nreason = \"a\"\n"
                        "[[workday]]\ndate = 2026-03-21\nreason = \"b\"\n") ==
        "kz/2026.toml:8: 2026-03-21 is listed both as [[workday]] and as [[holiday]] (line 5)");
  CHECK(error_of(head + "[[holiday]]\ndate = 2026-03-23\n") ==
        "kz/2026.toml:4: missing 'reason = \"...\"'");
  CHECK(error_of(head + "[[holiday]]\nreason = \"x\"\n") ==
        "kz/2026.toml:4: [[holiday]] without a date");
  CHECK(error_of(head + "[[holiday]]\ndate = \"2026-02-30\"\nreason = \"x\"\n")
            .starts_with("kz/2026.toml:5: bad date '2026-02-30'"));
  CHECK(error_of(head + "[[holiday]]\ndate = 2026-03-23T10:00:00\nreason = \"x\"\n") ==
        "kz/2026.toml:5: 'date' must be a date such as 2026-03-23");
  CHECK(error_of(head + "[[holidays]]\ndate = 2026-03-23\nreason = \"x\"\n")
            .starts_with("kz/2026.toml:4: unknown key 'holidays'"));
  CHECK(error_of(head + "[[holiday]]\ndate = 2026-03-23\nreson = \"x\"\n")
            .starts_with("kz/2026.toml:6: unknown key 'reson' in [[holiday]]"));
  CHECK(error_of(head + "holiday = 3\n") ==
        "kz/2026.toml:4: 'holiday' must be written as [[holiday]] tables");
  CHECK(error_of("jurisdiction = \"kz\"\nsource = \"s\"\n") == "kz/2026.toml: missing 'year = YYYY'");
  CHECK(error_of("jurisdiction = \"kz\"\nyear = \"2026\"\nsource = \"s\"\n") ==
        "kz/2026.toml:2: 'year' must be a whole number such as 2026");
  CHECK(error_of("jurisdiction = \"kz\"\nyear = 2026\n") ==
        "kz/2026.toml: missing 'source = \"...\"'");
  CHECK(error_of("year = 2026\nsource = \"s\"\n") ==
        "kz/2026.toml: missing 'jurisdiction = \"...\"'");
  // TOML syntax errors keep toml++'s description and give the line.
  CHECK(error_of(head + "[[holiday]]\ndate = 2026-03-23\nreason = \"x\n")
            .starts_with("kz/2026.toml:6: "));
}

TEST_CASE("every shipped weekend holiday that moves has its moved day off", "[calendar]") {
  // Labour Code: a holiday on a Saturday or Sunday (other than Orthodox
  // Christmas and Kurban ait) gives the next working day off. The year files
  // list those days explicitly; check none was forgotten.
  const auto kz = WorkingCalendar::shipped("kz");
  int checked = 0;
  for (int y = kz.first_year(); y <= kz.last_year(); ++y) {
    for (std::chrono::sys_days d{std::chrono::year{y} / 1 / 1};
         d < std::chrono::sys_days{std::chrono::year{y + 1} / 1 / 1}; d += std::chrono::days{1}) {
      const Date date{d};
      const std::chrono::weekday wd{d};
      if (wd != std::chrono::Saturday && wd != std::chrono::Sunday) continue;
      const std::string why = reason(kz, date);
      if (why == "Saturday" || why == "Sunday" || why == "(working day)") continue;
      if (why.starts_with("Orthodox Christmas") || why.starts_with("Kurban ait")) continue;
      INFO(dpa::format_date(date) << " " << why);
      const std::string marker = (wd == std::chrono::Saturday ? "Saturday " : "Sunday ") +
                                 dpa::format_date(date);
      bool found = false;
      for (int ahead = 1; ahead <= 7 && !found; ++ahead) {
        const Date later{d + std::chrono::days{ahead}};
        found = reason(kz, later).find(marker) != std::string::npos;
      }
      CHECK(found);
      ++checked;
    }
  }
  CHECK(checked == 15);   // 6 in 2025, 5 in 2026, 4 in 2027
}

// When a subject request must be answered (or forwarded), from the day it
// was received and the period its policy gives.
//
// How periods count:
//  - working days ("3wd", the Kazakh law): WorkingCalendar::add_working_days;
//    counting starts on the day after the local date of receipt, so a
//    request received on a Saturday, a holiday or at 23:30 on a Friday
//    counts from the same next day; the deadline is the end (23:59:59 local)
//    of the n-th working day.
//  - calendar days, months, years ("1mo", GDPR Art. 12(3)): as Regulation
//    (EEC, Euratom) No 1182/71 Art. 3 counts them: the day of receipt is
//    not counted, and the period ends at the end of the day with the same
//    date n months later, or of that month's last day when it has no such
//    date (31 January + 1 month = 28/29 February).
//  - hours ("24h", forwarding to the controller): to the second.
//
// A month period that ends on a Saturday or Sunday is NOT moved to the
// next working day, though Art. 3(4) of 1182/71 would allow it: no EU
// holiday calendar is shipped, and the earlier date is the safe one. The
// deadline carries a note saying so.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dpa/duration.h"
#include "dpa/policy.h"
#include "dpa/time.h"

namespace dpa {
class WorkingCalendar;
}

namespace dpa::requests {

struct Deadline {
  Timestamp due;
  Duration period;
  RuleOrigin origin;               // the clause the period comes from
  std::vector<std::string> notes;  // calendar gaps, weekend month ends
};

// `received` + `period`, counted as above; `calendar` is needed for working
// days (InputError without one); `zone` gives local dates for the others.
Deadline request_deadline(Timestamp received, const Duration& period, const RuleOrigin& origin,
                          const TimeZone& zone, const WorkingCalendar* calendar);

// The calendar a policy's working-day periods are counted on (nullptr when
// the policy's jurisdiction ships none, such as "eu").
const WorkingCalendar* working_calendar_for(const Policy& policy);

// "2d 4h", "17h", "35m": a rough remaining time for lists.
std::string describe_remaining(std::chrono::seconds s);

}  // namespace dpa::requests

// The letter to the data subject about their request, in Russian or
// English, as Markdown or plain text: what was asked and when, under which
// clause and by which date it is answered (and why later, if extended),
// whether it went to the controller, and what was done so far (the
// request's events: fulfilment results, suppression, the outcome).
// Identifiers appear masked ("+7 701 *** ** 67"), never whole.
#pragma once

#include <string>

#include "dpa/time.h"
#include "requests/requests.h"

namespace dpa::requests {

struct LetterOptions {
  std::string lang = "ru";     // "ru" | "en"
  std::string format = "md";   // "md" | "text"
  std::string controller;      // the tenant's name, as the letter's sender
  const TimeZone* zone = nullptr;  // for dates; default UTC
  Timestamp at;                // the letter's date
};

// Throws UsageError for an unknown language or format.
std::string response_letter(const RequestView& request, const LetterOptions& options);

}  // namespace dpa::requests

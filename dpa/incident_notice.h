// The text of an incident notice: every field the recipient's rule requires,
// in Russian or English, with the deadline and the clauses it rests on.
//
// A notice is rendered only when complete: a notice that lacks a field the
// contract or the law requires would itself be a breach of the notice duty,
// so rendering refuses and names the missing fields and the flags of
// `dpa incident update` that supply them.
#pragma once

#include <string>

#include "dpa/incidents.h"
#include "dpa/policy.h"
#include "dpa/state_store.h"
#include "dpa/time.h"

namespace dpa {

// "ru" for a policy written in Russian or Kazakh, else "en".
std::string default_notice_language(const Policy& policy);

// Throws UsageError for a language other than "ru" or "en", and
// RefusedError ("notice to the controller of acme refused: missing
// consequences, measures_proposed (truffles 6.5; DPA 5.1-5.2); add them with
// dpa incident update 3 --consequences TEXT --measures-proposed TEXT") when a
// required field is missing. `at` is when the notice is dated.
std::string render_incident_notice(const Incident& incident, const NoticeDeadline& deadline,
                                   const TenantRecord& tenant, const Policy& policy, const std::string& lang,
                                   Timestamp at, const TimeZone& zone);

}  // namespace dpa

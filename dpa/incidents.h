// Personal data incidents: what happened, which tenants it affects, what the
// DPO learns over time, and the notices each policy requires, with their
// deadlines.
//
// One incident, many tenants. An incident is one event (a leaked bucket, a
// compromised account); opened for one tenant or with --all for every
// tenant. Each affected tenant is a separate controller under its own
// policy, so each (tenant, recipient) pair has its own deadline, counted
// from the one detection time: under truffles 24 hours to the controller
// and, through the kz baseline, one working day to the authorized body;
// under gdpr 72 hours to the supervisory authority. The facts (nature,
// consequences, measures) are the incident's and shared by every notice.
//
// What the DPO writes is stored in the state and goes into notices and audit
// reports: it describes the incident, never a subject. Subjects are counted
// (subjects_approx); the list the kz Rules ask for to notify them is handed
// over outside dpa, and only a reference to it is recorded.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "dpa/duration.h"
#include "dpa/policy.h"
#include "dpa/state_store.h"
#include "dpa/time.h"

namespace dpa {

class Workspace;

// The facts of an incident as known now: the latest value of each field.
struct IncidentFacts {
  std::string nature;                         // the summary given at opening, or a later one
  std::vector<std::string> categories;        // data category ids of the affected policies
  std::optional<std::int64_t> subjects_approx;
  std::optional<std::int64_t> records_approx;
  std::string consequences;                   // the likely consequences
  std::string measures_taken;
  std::string measures_proposed;
  std::string contact;                        // who answers for it: the DPO's role and address
  std::string subjects_contact_data;          // a reference to the subject list handed over elsewhere
};

struct Incident {
  IncidentRecord record;
  std::vector<IncidentTenantRecord> tenants;
  IncidentFacts facts;
  std::vector<IncidentUpdateRecord> history;
  std::vector<IncidentNoticeRecord> notices;

  bool open() const { return !record.closed_at.has_value(); }
  Timestamp detected() const;
  const IncidentTenantRecord* tenant(const std::string& id) const;
};

struct IncidentOpening {
  std::vector<std::string> tenants;  // empty with `all`
  bool all = false;                  // every tenant not deleted
  Timestamp detected{};
  std::string summary;
  std::vector<std::string> categories;
  std::optional<std::int64_t> subjects_approx;
};

// Fields left unset are not changed.
struct IncidentChanges {
  std::optional<std::string> nature;
  std::optional<std::vector<std::string>> categories;
  std::optional<std::int64_t> subjects_approx;
  std::optional<std::int64_t> records_approx;
  std::optional<std::string> consequences;
  std::optional<std::string> measures_taken;
  std::optional<std::string> measures_proposed;
  std::optional<std::string> contact;
  std::optional<std::string> subjects_contact_data;
  bool empty() const;
};

// Opens an incident and audits it. Throws InputError for an unknown tenant,
// a detection time in the future (after `now`), an empty summary or a
// category no affected tenant's policy declares.
Incident open_incident(Workspace& ws, const IncidentOpening& opening, const std::string& actor, Timestamp now);
// Appends the changed facts (one update row each) and audits them. Throws
// InputError if nothing changes or the incident is unknown, RefusedError
// if it is closed.
Incident update_incident(Workspace& ws, std::int64_t id, const IncidentChanges& changes, const std::string& actor,
                         Timestamp now);
Incident close_incident(Workspace& ws, std::int64_t id, const std::string& actor, Timestamp now);
// Throws InputError if there is no such incident.
Incident get_incident(Workspace& ws, std::int64_t id);
std::vector<Incident> list_incidents(Workspace& ws, bool open_only);

// One notice an affected tenant's policy requires, and where it stands.
struct NoticeDeadline {
  std::string tenant_id;
  std::string policy;                     // the tenant's policy
  IncidentRecipient recipient = IncidentRecipient::kController;
  std::optional<Duration> period;         // nullopt: without undue delay only
  std::optional<Timestamp> due;           // detection + period
  std::string rule_policy;                // where the deadline comes from ("kz")
  std::string clause;
  std::string trigger;
  std::vector<std::string> content;       // the required fields
  std::optional<Timestamp> sent;          // the first notice given
  std::vector<std::string> warnings;      // a working-day deadline in a year without calendar data
};

// Every notice deadline of every affected tenant, by tenant then recipient.
std::vector<NoticeDeadline> notice_deadlines(Workspace& ws, const Incident& incident);

// Where a notice stands at `at`.
enum class NoticeState { kDue, kOverdue, kSentOnTime, kSentLate, kSentNoDeadline, kNoDeadline };
struct NoticeStanding {
  NoticeState state = NoticeState::kDue;
  std::chrono::seconds margin{0};  // time left (kDue), overdue by, late by, or sent ahead by
};
NoticeStanding notice_standing(const NoticeDeadline& d, Timestamp at);
std::string to_string(NoticeState s);           // "due", "overdue", "sent-on-time", ...
// "23h 10m left", "overdue by 2h 05m", "sent 3h 00m before the deadline", ...
std::string describe_standing(const NoticeStanding& s);
// "1d 02h 05m", "3h 07m", "12m": whole minutes, rounded down.
std::string describe_span(std::chrono::seconds s);

// The required fields of `content` that `facts` lacks, as field names.
std::vector<std::string> missing_notice_fields(const IncidentFacts& facts, const std::vector<std::string>& content);
// The `dpa incident update` flag that supplies `field` ("--consequences").
std::string flag_for_field(const std::string& field);

// Records that a notice was rendered or given, and audits it.
IncidentNoticeRecord record_notice(Workspace& ws, const Incident& incident, const NoticeDeadline& deadline,
                                   const std::string& event, const std::string& lang, const std::string& text,
                                   Timestamp at, const std::string& reference, const std::string& actor,
                                   Timestamp now);

nlohmann::json incident_json(const Incident& incident, const std::vector<NoticeDeadline>& deadlines, Timestamp at);

}  // namespace dpa

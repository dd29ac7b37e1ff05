// The policy model: what a Data Processing Agreement (and the law under it)
// says about data categories, retention, termination, subprocessors,
// localization, cross-border transfer, incidents and subject requests.
//
// A policy is a TOML file (format: man/dpa-policy.5). It may `include` law
// baselines ("kz", "gdpr"); the effective policy is the merge of the file and
// everything it includes, where for each rule the stricter one wins: the
// shorter answer or notice deadline, the shorter deletion deadline, the longer
// minimum retention, the more restrictive `receives`. Every effective value
// keeps the clause it was written under and the policy it came from, so that
// plans, refusals and reports can cite it.
//
// Invariants of a loaded Policy (load_policy checks them, or throws):
//  - every rule has a non-empty clause;
//  - every category named by a retention rule or a subprocessor is declared
//    (or is "*", or is the dotted prefix of declared categories);
//  - for no category can a deletion deadline fall before a minimum retention,
//    unless a rule for that category states `precedence`.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "dpa/duration.h"

namespace dpa {

// Where a rule was written.
struct RuleOrigin {
  std::string policy;  // name of the policy that states it: "upstat", "kz"
  std::string clause;  // "22.3.1; DPA 10.2", "Art. 12(2)"
  std::string note;    // the reading taken where the text is ambiguous; may be empty
  std::string file;    // "policies/upstat.toml" or "builtin:upstat.toml"
  int line = 0;
};

// An effective value and where it comes from. `superseded` lists the less
// strict values that other rules (often an included baseline) state for the
// same thing, as "<value> (<policy> <clause>)", for `policy explain`.
template <typename T>
struct Sourced {
  T value{};
  RuleOrigin origin;
  std::vector<std::string> superseded;
};

// The point a period is counted from. The order matters for conflicts:
// a registration precedes every record, a record precedes termination.
enum class PeriodStart { kRegistration, kCreated, kTermination };

struct Period {
  Duration length;
  PeriodStart from = PeriodStart::kCreated;
  bool operator==(const Period&) const = default;
};

// Who wins when a deletion deadline can fall before a minimum retention.
enum class Precedence { kMinRetentionWins, kDeletionWins };

// What a subprocessor may receive; later values are more restrictive.
enum class Receives { kRaw, kPseudonymized, kNone };

enum class IncidentRecipient { kController, kAuthority, kSubjects };

enum class RequestMode { kAnswer, kForward };

enum class RequestType { kAccess, kRectify, kErase, kRestrict, kWithdrawConsent, kObject, kPortability };

enum class DeletionKind { kRight, kDuty };  // kDuty is the stricter

// Disclosure to third parties other than listed subprocessors; later values
// are more restrictive.
enum class Disclosure { kLawOrContract, kLegalBasis, kControllerConsent, kLawfulRequestOnly };

std::string to_string(PeriodStart s);        // "created"
std::string to_string(Precedence p);         // "min-retention-wins"
std::string to_string(Receives r);           // "pseudonymized"
std::string to_string(IncidentRecipient r);  // "authority"
std::string to_string(RequestMode m);        // "forward"
std::string to_string(RequestType t);        // "withdraw-consent"
std::string to_string(DeletionKind k);       // "duty"
std::string to_string(Disclosure d);         // "lawful-request-only"
std::string to_string(const Period& p);      // "5y from registration"

// Throws InputError naming the valid spellings.
RequestType parse_request_type(std::string_view text);
IncidentRecipient parse_incident_recipient(std::string_view text);
const std::vector<RequestType>& all_request_types();

struct Roles {
  std::string controller;  // "customer (Заказчик, оператор)"
  std::string processor;   // "UpStat (Исполнитель, обработчик)"
  bool stated = true;      // false: the contract allocates no roles; this is the reading taken
  RuleOrigin origin;
};

struct Category {
  std::string id;  // dotted: "communications.audio"
  std::string description;
  bool special = false;  // special (sensitive) category
  RuleOrigin origin;
};

struct Purpose {
  std::string id;
  std::string description;
  RuleOrigin origin;
};

// One [[retention]] table as written. `category` is "*", a category id, or
// the dotted prefix of category ids ("communications" covers
// "communications.audio").
struct RetentionRule {
  std::string category;
  std::optional<Period> max_age;             // delete once older than this while active
  std::optional<Duration> after_termination; // delete this long after the contract ends
  std::optional<Period> min_retention;       // never delete before this
  std::optional<Period> legal_max;           // the longest any law allows keeping it
  bool delete_on_request = false;            // the controller may ask for destruction earlier
  std::optional<Precedence> precedence;
  RuleOrigin origin;
  int depth = 0;  // 0: the policy itself; 1: a policy it includes; ...
};

// The effective retention of one category: each field from the strictest
// rule that applies (category rules, prefix rules, "*" rules, and the
// termination deletion delay).
struct Retention {
  std::string category;
  std::optional<Sourced<Period>> max_age;
  std::optional<Sourced<Duration>> after_termination;
  std::optional<Sourced<Period>> min_retention;
  std::optional<Sourced<Period>> legal_max;
  std::optional<Sourced<bool>> delete_on_request;
  std::optional<Sourced<Precedence>> precedence;
  // Set when a deletion deadline can fall before the minimum retention:
  // "max_age 5y from registration (adr 5.3.11) can fall before min_retention
  // 5y from created (adr 5.3.9; 5.3.12)". With `precedence` the policy says
  // which wins; without it the policy does not load.
  std::optional<std::string> conflict;
};

struct ExportWindow {
  Duration window;
  std::string condition = "none";  // "none" | "no-debt"
};

struct DeletionAfterTermination {
  Duration delay;
  DeletionKind kind = DeletionKind::kDuty;
};

struct BackupRule {
  std::optional<Duration> max_age;  // nullopt: the contract sets no limit
  bool restore_only = true;
};

struct AccessEnd {
  std::string ends = "termination";  // "termination" | "notice"
};

struct Termination {
  std::optional<Sourced<ExportWindow>> export_window;
  std::optional<Sourced<DeletionAfterTermination>> deletion;
  std::optional<Sourced<BackupRule>> backups;
  std::optional<Sourced<AccessEnd>> access;
};

// What replaces personal data in what `dpa anonymize --for` sends a
// subprocessor (the pseudonymizer's operators, anonymize/operators.h),
// ordered from what discloses least to what discloses most:
//  - redact: the value is gone; the recipient learns only that text was cut;
//  - tag ([PHONE_1]): adds the type and which mentions within one document
//    are the same value;
//  - token (<PHONE:3f9a1c>): adds linkage across documents and transfers,
//    since a tenant's token for a value never changes;
//  - surrogate (a realistic fake): as linkable as a token, and it keeps
//    features of the original (a name's gender, a phone's country), and the
//    recipient cannot tell a pseudonym from a real value in the text;
//  - mask (+7 701 *** ** 67): leaves characters of the real value visible
//    (operator code, last digits, initials, an e-mail's domain), so a
//    guess can be checked against it.
// A later value discloses more; `dpa anonymize --operator` may replace the
// policy's operator only by one that is not later.
enum class PseudonymOperator { kRedact, kTag, kToken, kSurrogate, kMask };

std::string to_string(PseudonymOperator o);  // "surrogate"
// nullopt for an unknown name.
std::optional<PseudonymOperator> parse_pseudonym_operator(std::string_view name);
// The spellings in disclosure order: "redact", "tag", "token", "surrogate", "mask".
const std::vector<std::string>& pseudonym_operator_names();
inline bool discloses_more(PseudonymOperator a, PseudonymOperator b) { return a > b; }

// The entity type names the pseudonymizer uses in tags and --operator
// ("PERSON", "PHONE", ...), so that a policy can be checked without it;
// tests/anonymize checks that the two lists agree.
const std::vector<std::string>& pseudonymizer_entity_types();

// The operator a policy sets for a subprocessor: one for every entity type,
// and per type where the contract distinguishes.
struct SubprocessorOperators {
  std::optional<PseudonymOperator> all;                // nullopt: dpa's default (token)
  std::map<std::string, PseudonymOperator> by_type;  // upper-case type name -> operator
  RuleOrigin origin;
  std::vector<std::string> superseded;

  PseudonymOperator for_type(std::string_view type) const;
  // In the syntax of `dpa anonymize --operator`: "token", "PHONE=mask,token".
  std::string spec() const;
};

struct Subprocessor {
  std::string name;        // short name used by `dpa transfer`: "openai"
  std::string legal_name;  // "OpenAI, Inc."
  std::string country;     // ISO 3166-1 alpha-2 ("US") or "unknown"
  std::string purpose;
  std::vector<std::string> categories;  // ids, prefixes or "*"
  Receives receives = Receives::kNone;
  bool primary_storage = false;  // holds the primary database, which [localization] places
  std::optional<SubprocessorOperators> operators;  // what `dpa anonymize --for` applies
  RuleOrigin origin;
  std::vector<std::string> superseded;

  bool covers(std::string_view category) const;
};

struct Localization {
  std::string storage_country;  // ISO alpha-2, "KZ"
  std::string exception;        // "" = none; "unless agreed in writing"
};

// One jurisdiction's (or the contract's) conditions for a transfer abroad.
// Every rule of the effective policy must hold: at least one of
// `any_of` and all of `all_of`.
struct CrossBorderRule {
  bool allowed = true;
  std::vector<std::string> any_of;
  std::vector<std::string> all_of;
  RuleOrigin origin;
};

struct IncidentRule {
  IncidentRecipient recipient = IncidentRecipient::kController;
  std::optional<Sourced<Duration>> deadline;  // nullopt: "without undue delay" only
  bool without_undue_delay = false;
  std::string trigger;
  std::vector<std::string> content;  // required fields: "nature", "subjects_approx", ...
  RuleOrigin origin;
  std::vector<std::string> superseded;
};

struct RequestExtension {
  Duration by;
  bool reason_required = true;
};

struct RequestRules {
  std::optional<Sourced<RequestMode>> mode;   // nullopt: answer
  std::optional<Sourced<Duration>> forward_within;
  std::map<RequestType, Sourced<Duration>> deadlines;
  std::optional<Sourced<RequestExtension>> extension;
};

struct ThirdPartyRule {
  Disclosure disclosure = Disclosure::kLegalBasis;
  std::vector<std::string> exceptions;  // "law-enforcement", "courts", ...
};

struct Confidentiality {
  std::optional<Duration> survives;  // after termination; nullopt: without limit
};

struct AnonymizationRule {
  std::string test;               // "subjects-unidentifiable", ...
  std::vector<std::string> uses;  // "statistics", "model-improvement", ...
  bool binding = true;            // false: a drafting note, not an operative clause
  RuleOrigin origin;
};

// A blocking rule: the subject (number, address) is suppressed after `trigger`.
struct SuppressionRule {
  std::string id;
  std::string trigger;
  std::optional<Duration> expires;  // nullopt: never
  std::string lifted_by;            // what lifts it, if anything
  RuleOrigin origin;
};

// Any other duty a contract states: who must do what, and how soon.
struct Obligation {
  std::string id;
  std::string party;  // "processor", "controller", "customer", "provider", "subject"
  std::string action;
  std::optional<Duration> deadline;
  RuleOrigin origin;
};

// One effective rule about a category, for `dpa policy explain`.
struct ExplainedRule {
  std::string rule;    // "retention.max_age"
  std::string value;   // "3mo from created"
  std::string clause;  // "2.1.10"
  std::string from_policy;
  std::string note;
};

struct Policy {
  std::string name;
  std::string title;
  std::string version;
  std::string jurisdiction;  // "kz" | "eu"
  std::string source;        // the seed or law the policy encodes
  std::string language;
  std::string file;                       // where it was read from
  std::vector<std::string> includes;      // as written
  std::vector<std::string> merged;        // every policy merged into this one, includes first

  std::optional<Roles> roles;
  std::vector<Category> categories;
  std::vector<Purpose> purposes;
  std::vector<RetentionRule> retention_rules;  // as written, all merged policies
  Termination termination;
  std::vector<Subprocessor> subprocessors;
  std::optional<Sourced<Localization>> localization;
  std::vector<CrossBorderRule> cross_border;
  std::vector<IncidentRule> incidents;  // one per recipient
  RequestRules requests;
  std::optional<Sourced<ThirdPartyRule>> third_party;
  std::optional<Sourced<Confidentiality>> confidentiality;
  std::vector<AnonymizationRule> anonymization;
  std::vector<SuppressionRule> suppression;
  std::vector<Obligation> obligations;

  const Category* find_category(std::string_view id) const;
  // Throws InputError listing the valid ids if `category` is not declared.
  Retention retention_for(std::string_view category) const;
  // Case-insensitive on name or legal name; nullptr if none.
  const Subprocessor* find_subprocessor(std::string_view wanted) const;
  const IncidentRule* incident_rule(IncidentRecipient recipient) const;
  RequestMode request_mode() const;
  std::optional<Sourced<Duration>> request_deadline(RequestType type) const;
  std::optional<Sourced<Duration>> request_deadline(std::string_view type) const;
  // The extension allowed for `type`: only the extension of the policy whose
  // deadline won (a GDPR extension does not stretch a kz deadline).
  std::optional<Sourced<RequestExtension>> request_extension(RequestType type) const;
  // Every effective rule about `category`. Throws InputError listing the
  // valid ids if it is not declared.
  std::vector<ExplainedRule> explain(std::string_view category) const;
  std::vector<std::string> category_ids() const;
};

// Names of the shipped policies ("adr", "autocall", ..., "upstat"), sorted.
std::vector<std::string> shipped_policy_names();

// Loads the effective policy. A name ("upstat") is looked for as
// <dir>/<name>.toml in `search_dirs`, in order, then among the shipped
// policies; anything containing '/' or ending ".toml" is a file path. The
// includes of a file are looked for beside it first. Throws InputError
// "file:line: problem; fix" on the first problem (see check_policy for all).
Policy load_policy(std::string_view name_or_path,
                   const std::vector<std::filesystem::path>& search_dirs = {});

// The full model as JSON (`dpa policy show --json`).
nlohmann::json policy_to_json(const Policy& policy);

}  // namespace dpa

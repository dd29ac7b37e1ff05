#include "dpa/request_standing.h"

namespace dpa {

namespace {
std::optional<Timestamp> utc(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return parse_timestamp(*s, TimeZone::utc());
}
}  // namespace

NextDeadline next_deadline(const SubjectRequestRecord& r) {
  if (r.mode == "forward" && !r.forwarded_at) return {"forward", utc(r.forward_by)};
  return {r.mode == "forward" ? "controller" : "answer", utc(r.extended_until ? r.extended_until : r.due_at)};
}

std::optional<Timestamp> own_deadline(const SubjectRequestRecord& r) {
  if (r.mode == "forward") return utc(r.forward_by);
  return utc(r.extended_until ? r.extended_until : r.due_at);
}

std::optional<Timestamp> own_completion(const SubjectRequestRecord& r) {
  if (r.mode == "forward") return utc(r.forwarded_at);
  return utc(r.closed_at);
}

}  // namespace dpa

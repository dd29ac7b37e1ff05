#include "retention/holds.h"

#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dpa/error.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "retention/hashing.h"

namespace dpa::retention {
namespace {

nlohmann::json hold_details(const HoldRecord& h) {
  nlohmann::json j{{"hold", h.id}, {"tenant", h.tenant_id}, {"reason", h.reason}};
  j["dataset"] = h.dataset ? nlohmann::json(*h.dataset) : nlohmann::json();
  j["subject_kind"] = h.subject_kind ? nlohmann::json(*h.subject_kind) : nlohmann::json();
  j["subject_hash"] = h.subject_hash ? nlohmann::json(*h.subject_hash) : nlohmann::json();
  j["until"] = h.until ? nlohmann::json(*h.until) : nlohmann::json();
  return j;
}

}  // namespace

HoldRecord add_hold(Workspace& ws, const DataMap& map, const HoldRequest& req) {
  TenantRecord tenant = get_tenant(ws, req.tenant);
  if (req.reason.empty()) throw InputError("a hold needs --reason TEXT (why the data are kept; no personal data)");
  HoldRecord h;
  h.tenant_id = tenant.id;
  if (req.dataset) h.dataset = map.dataset(*req.dataset).name;
  if (req.subject) {
    auto colon = req.subject->find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == req.subject->size()) {
      throw InputError("bad --subject: write KIND:VALUE, such as phone:+77011234567");
    }
    std::string kind = req.subject->substr(0, colon);
    std::string value = req.subject->substr(colon + 1);
    std::set<std::string> kinds;
    for (const auto& d : map.datasets) {
      if (h.dataset && d.name != *h.dataset) continue;
      for (const auto& s : d.subject) kinds.insert(s.kind);
    }
    if (!kinds.count(kind)) {
      throw InputError(fmt::format("no dataset{} has subject identifiers of kind '{}'; kinds in the data map: {}",
                                   h.dataset ? " " + *h.dataset : std::string(), kind,
                                   kinds.empty() ? std::string("none") : fmt::format("{}", fmt::join(kinds, ", "))));
    }
    TenantKey key = current_tenant_key(ws, tenant.id);
    h.subject_kind = kind;
    h.subject_hash = SubjectHasher(key.key).hash(kind, value);
  }
  h.reason = req.reason;
  h.created_at = format_utc(now());
  h.created_by = req.actor;
  if (req.until) {
    if (*req.until <= now()) throw InputError("--until is in the past: the hold would never be in force");
    h.until = format_utc(*req.until);
  }
  ws.store().transaction([&] {
    h.id = ws.store().insert_hold(h);
    ws.audit().append("retention.hold.add", "tenant:" + h.tenant_id, hold_details(h));
  });
  return h;
}

HoldRecord release_hold(Workspace& ws, std::int64_t id, const std::string& actor) {
  HoldRecord h;
  ws.store().transaction([&] {
    auto found = ws.store().find_hold(id);
    if (!found) throw InputError(fmt::format("no hold {}; `dpa retention hold list` shows them", id));
    if (found->released_at) {
      throw InputError(fmt::format("hold {} was released on {} already", id, *found->released_at));
    }
    h = *found;
    h.released_at = format_utc(now());
    h.released_by = actor;
    ws.store().release_hold(id, *h.released_at, actor);
    ws.audit().append("retention.hold.release", "tenant:" + h.tenant_id, hold_details(h));
  });
  return h;
}

std::vector<HoldRecord> list_holds(Workspace& ws, const std::optional<std::string>& tenant, bool include_released) {
  if (tenant) get_tenant(ws, *tenant);
  return ws.store().list_holds(tenant, include_released);
}

bool hold_in_force(const HoldRecord& h, Timestamp at) {
  if (h.released_at) return false;
  if (h.until && !(at < parse_timestamp(*h.until, TimeZone::utc()))) return false;
  return true;
}

std::vector<std::string> datasets_out_of_reach(const DataMap& map, const HoldRecord& h) {
  std::vector<std::string> out;
  if (!h.subject_kind) return out;
  for (const auto& d : map.datasets) {
    if (h.dataset && *h.dataset != d.name) continue;
    bool reaches = false;
    for (const auto& s : d.subject) reaches = reaches || s.kind == *h.subject_kind;
    if (!reaches) out.push_back(d.name);
  }
  return out;
}

std::string describe_hold(const HoldRecord& h) { return fmt::format("hold {} ({})", h.id, h.reason); }

ActiveHolds ActiveHolds::load(StateStore& store, const std::string& tenant, Timestamp at) {
  ActiveHolds a;
  for (auto& h : store.list_holds(tenant, false)) {
    if (hold_in_force(h, at)) a.holds_.push_back(std::move(h));
  }
  return a;
}

std::map<std::string, ActiveHolds> ActiveHolds::load_all(StateStore& store, Timestamp at) {
  std::map<std::string, ActiveHolds> out;
  for (auto& h : store.list_holds(std::nullopt, false)) {
    if (!hold_in_force(h, at)) continue;
    std::string tenant = h.tenant_id;
    out[tenant].holds_.push_back(std::move(h));
  }
  return out;
}

const HoldRecord* ActiveHolds::covering(const std::string& dataset) const {
  for (const auto& h : holds_) {
    if (h.subject_hash) continue;
    if (!h.dataset || *h.dataset == dataset) return &h;
  }
  return nullptr;
}

namespace {
bool has_kind(const DatasetSpec& d, const std::string& kind) {
  for (const auto& s : d.subject) {
    if (s.kind == kind) return true;
  }
  return false;
}
}  // namespace

bool ActiveHolds::has_subject_holds(const DatasetSpec& d) const {
  for (const auto& h : holds_) {
    if (h.subject_hash && (!h.dataset || *h.dataset == d.name) && has_kind(d, *h.subject_kind)) return true;
  }
  return false;
}

std::vector<const HoldRecord*> ActiveHolds::unreachable_subject_holds(const DatasetSpec& d) const {
  std::vector<const HoldRecord*> out;
  for (const auto& h : holds_) {
    if (h.subject_hash && (!h.dataset || *h.dataset == d.name) && !has_kind(d, *h.subject_kind)) out.push_back(&h);
  }
  return out;
}

const HoldRecord* ActiveHolds::subject_hold(const DatasetSpec& d,
                                            const std::vector<std::optional<std::string>>& hashes) const {
  for (const auto& h : holds_) {
    if (!h.subject_hash || (h.dataset && *h.dataset != d.name)) continue;
    for (std::size_t i = 0; i < d.subject.size() && i < hashes.size(); ++i) {
      if (d.subject[i].kind == *h.subject_kind && hashes[i] && *hashes[i] == *h.subject_hash) return &h;
    }
  }
  return nullptr;
}

}  // namespace dpa::retention

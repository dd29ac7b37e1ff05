#include "requests/fulfilment.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "anonymize/detector.h"
#include "anonymize/operators.h"
#include "dpa/error.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "exports/export_register.h"
#include "requests/requests.h"
#include "requests/suppression.h"
#include "retention/erasure_ledger.h"
#include "retention/hashing.h"
#include "retention/holds.h"
#include "retention/schedule.h"

namespace dpa::requests {
namespace {

using nlohmann::json;
using anonymize::EntityType;
using anonymize::SubjectId;
using anonymize::SubjectKind;

// The detector's entity type for an identifier kind; nullopt for kinds text
// does not carry (record keys).
std::optional<EntityType> entity_of(const std::string& kind) {
  if (kind == "phone") return EntityType::kPhone;
  if (kind == "email") return EntityType::kEmail;
  if (kind == "iin") return EntityType::kIin;
  if (kind == "bin") return EntityType::kBin;
  if (kind == "name") return EntityType::kPerson;
  return std::nullopt;
}

std::string kind_of(EntityType t) {
  switch (t) {
    case EntityType::kPhone: return "phone";
    case EntityType::kEmail: return "email";
    case EntityType::kIin: return "iin";
    case EntityType::kBin: return "bin";
    case EntityType::kPerson: return "name";
    default: return "";
  }
}

FieldValue field_of(const CellValue& c) {
  if (const auto* i = std::get_if<std::int64_t>(&c)) return *i;
  if (const auto* s = std::get_if<std::string>(&c)) return *s;
  if (const auto* d = std::get_if<double>(&c)) return fmt::format("{}", *d);
  if (const auto* b = std::get_if<std::vector<unsigned char>>(&c)) return std::string(b->begin(), b->end());
  return std::monostate{};
}

const std::string* text_of(const CellValue& c) { return std::get_if<std::string>(&c); }

int column_index(const std::vector<std::string>& cols, const std::string& name) {
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
    return s;
  };
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (lower(cols[i]) == lower(name)) return static_cast<int>(i);
  }
  return -1;
}

// What the search looks for, by kind: the canonical values.
using Targets = std::map<std::string, std::set<std::string>>;

// Finds the identifiers of `targets` in free text. One detector for every
// dataset: building one loads the dictionaries.
class TextMatcher {
 public:
  explicit TextMatcher(const Targets& targets) : targets_(targets) {
    anonymize::DetectorOptions o;
    for (const auto& [kind, values] : targets) {
      if (auto t = entity_of(kind)) o.only.push_back(*t);
    }
    if (!o.only.empty()) detector_ = std::make_unique<anonymize::Detector>(o);
  }
  bool active() const { return detector_ != nullptr; }

  // The findings of `text` that are one of the subject's identifiers.
  std::vector<anonymize::Finding> matches(std::string_view text) const {
    std::vector<anonymize::Finding> out;
    if (!detector_) return out;
    for (auto& f : detector_->detect(text)) {
      std::string kind = kind_of(f.type);
      auto it = targets_.find(kind);
      if (it == targets_.end()) continue;
      std::string surface(text.substr(f.begin, f.end - f.begin));
      if (it->second.count(anonymize::normalize_subject_value(kind, surface)) ||
          it->second.count(anonymize::normalize_subject_value(kind, f.normalized))) {
        out.push_back(std::move(f));
      }
    }
    return out;
  }

 private:
  const Targets& targets_;
  std::unique_ptr<anonymize::Detector> detector_;
};

struct Searcher {
  Workspace& ws;
  const DataMap& map;
  std::string tenant;
  Targets targets;
  std::map<std::string, std::set<std::string>> keys;  // dataset -> record keys (key: identifiers)
  FindOptions options;
  retention::RecordHasher hasher{ws.keys()};
  std::set<std::pair<std::string, std::string>> restricted;  // (dataset, key hash)
  std::unique_ptr<TextMatcher> text;

  Searcher(Workspace& w, const DataMap& m, std::string t, const std::vector<SubjectId>& ids, FindOptions o)
      : ws(w), map(m), tenant(std::move(t)), options(o) {
    for (const auto& id : ids) {
      if (id.kind == SubjectKind::kKey) {
        map.dataset(id.dataset);  // throws naming the datasets
        keys[id.dataset].insert(id.value);
      } else {
        targets[id.kind_name()].insert(id.value);
      }
    }
    for (const auto& r : ws.store().list_restrictions(tenant)) restricted.insert({r.dataset, r.key_hash});
    if (options.text_scan) text = std::make_unique<TextMatcher>(targets);
  }

  DatasetFindings search(const DatasetSpec& d, DataStore& store) {
    DatasetFindings f;
    f.dataset = d.name;
    bool by_column = keys.count(d.name) > 0;
    for (const auto& sc : d.subject) by_column = by_column || targets.count(sc.kind) > 0;
    bool by_text = text && text->active() && !d.text.empty();
    if (d.is_files() || (!by_column && !by_text)) {
      f.status = "not-searchable";
      return f;
    }
    f.status = "searched";
    f.columns = store.column_names(d);
    const int key_col = column_index(f.columns, d.key);
    const int created_col = column_index(f.columns, d.created);
    std::vector<int> subject_cols;
    for (const auto& sc : d.subject) subject_cols.push_back(column_index(f.columns, sc.column));
    std::vector<int> text_cols;
    for (const auto& t : d.text) text_cols.push_back(column_index(f.columns, t));
    std::set<std::string> seen;  // key hashes

    auto take = [&](const std::vector<CellValue>& row, std::string via, bool from_text) {
      FoundRecord r;
      r.record.key = field_of(row[key_col]);
      std::string kh = hasher.key_hash(d.name, field_text(r.record.key));
      if (seen.count(kh)) {
        for (auto& existing : f.records) {
          if (existing.key_hash == kh && std::find(existing.via.begin(), existing.via.end(), via) == existing.via.end()) {
            existing.via.push_back(via);
          }
        }
        return;
      }
      seen.insert(kh);
      r.key_hash = kh;
      r.record.created_raw = created_col >= 0 ? field_of(row[created_col]) : FieldValue{};
      r.record.created = store.created_time(d, r.record.created_raw);
      for (int c : subject_cols) {
        if (c >= 0 && text_of(row[c])) r.record.subjects.emplace_back(*text_of(row[c]));
        else if (c >= 0 && std::holds_alternative<std::int64_t>(row[c])) r.record.subjects.emplace_back(field_text(field_of(row[c])));
        else r.record.subjects.emplace_back(std::nullopt);
      }
      r.row = row;
      r.via.push_back(std::move(via));
      r.restricted = restricted.count({d.name, kh}) > 0;
      (from_text ? f.by_text : f.by_subject) += 1;
      f.records.push_back(std::move(r));
    };

    // Whether a row is the subject's by a subject column or its key; the
    // "via" it is found by, or "".
    auto column_hit = [&](const std::vector<CellValue>& row) -> std::string {
      auto k = keys.find(d.name);
      if (k != keys.end() && k->second.count(field_text(field_of(row[key_col])))) return "key";
      for (std::size_t i = 0; i < d.subject.size(); ++i) {
        auto t = targets.find(d.subject[i].kind);
        if (t == targets.end() || subject_cols[i] < 0) continue;
        std::string raw = field_text(field_of(row[subject_cols[i]]));
        if (!raw.empty() && t->second.count(retention::normalize_subject(d.subject[i].kind, raw))) {
          return "subject:" + d.subject[i].kind;
        }
      }
      return "";
    };

    if (by_text || keys.count(d.name)) {
      // One pass over the tenant's rows: subject columns, key and text fields.
      store.read_rows(d, tenant, nullptr, [&](const std::vector<CellValue>& row) {
        std::string via = column_hit(row);
        if (!via.empty()) take(row, via, false);
        if (by_text) {
          for (std::size_t i = 0; i < text_cols.size(); ++i) {
            if (text_cols[i] < 0) continue;
            const std::string* s = text_of(row[text_cols[i]]);
            if (s && !text->matches(*s).empty()) {
              take(row, "text:" + d.text[i], via.empty());
              break;
            }
          }
        }
        return true;
      });
    } else {
      // Only subject columns: the store selects the rows (by index where it
      // has one), one kind at a time.
      for (const auto& [kind, values] : targets) {
        SubjectMatch m{kind, {values.begin(), values.end()}, &retention::normalize_subject};
        if (!m.searchable(d)) continue;
        store.read_rows(d, tenant, &m, [&](const std::vector<CellValue>& row) {
          take(row, "subject:" + kind, false);
          return true;
        });
      }
    }
    return f;
  }
};

std::unique_ptr<DataStore> open_store(const DataMap& map, const DatasetSpec& d, bool writable) {
  return open_data_store(map.store_of(d), writable);
}

SubjectRequestRecord load_request(Workspace& ws, const std::string& id) {
  auto r = ws.store().find_subject_request(id);
  if (!r) throw InputError(fmt::format("no request '{}': `dpa request list --all` shows the requests", id));
  return *r;
}

// A keyed hash of one stored value, for the audit log's before/after of a
// rectification: the workspace record key over "dataset.column" and the value.
std::string value_hash(const retention::RecordHasher& h, const DatasetSpec& d, const std::string& column,
                       const CellValue& v) {
  if (std::holds_alternative<std::monostate>(v)) return "null";
  return h.key_hash(d.name + "." + column, field_text(field_of(v)));
}

// The masked form of a whole subject column value.
std::string masked_value(const std::string& kind, const std::string& value) {
  anonymize::Finding f;
  f.begin = 0;
  f.end = value.size();
  f.type = entity_of(kind).value_or(EntityType::kPerson);
  return anonymize::mask(f, value);
}

json kept_json(const std::vector<KeptRecord>& kept) {
  json a = json::array();
  for (const auto& k : kept) a.push_back({{"key_hash", k.key_hash}, {"reason", k.reason}, {"clause", k.clause}});
  return a;
}

class Fulfiller {
 public:
  Fulfiller(Workspace& ws, const DataMap& map, SubjectRequestRecord req, const FulfilOptions& o)
      : ws_(ws), map_(map), req_(std::move(req)), o_(o) {
    result_.request_id = req_.id;
    result_.type = req_.type;
  }

  FulfilResult run() {
    if (req_.status == "closed") {
      throw RefusedError(fmt::format("request {} was closed on {} ({}): it cannot be fulfilled", req_.id,
                                     req_.closed_at.value_or("?"), req_.outcome));
    }
    const std::string& t = req_.type;
    if (t == "withdraw-consent" || t == "object") {
      result_.suppressed = static_cast<std::int64_t>(suppress_request_subjects(ws_, req_.id, o_.actor, o_.now).size());
      return result_;
    }
    if (t == "access") return access();
    if (t == "rectify" && o_.set.empty()) {
      throw InputError("a rectification needs --set COLUMN=VALUE: the corrected value of each column");
    }
    std::vector<std::unique_ptr<HeldLock>> locks;
    if (t == "erase") {
      // A sweep erasing at the same time would race the ledger: the lock of
      // every dataset, as a sweep takes them (retention/erasure_batch.h).
      for (const auto& d : map_.datasets) {
        std::string holder;
        auto lock = ws_.store().try_lock("retention:" + d.name, "dpa request fulfil " + req_.id, &holder);
        if (!lock) {
          throw BusyError(fmt::format("another retention process holds dataset {} ({}); try again when it is done",
                                      d.name, holder));
        }
        locks.push_back(std::move(lock));
      }
    }
    FindResult found = find_request_records(ws_, map_, req_.id, o_.find);
    if (t == "rectify") check_set_columns(found);
    for (auto& f : found.datasets) {
      const DatasetSpec& d = map_.dataset(f.dataset);
      if (f.status != "searched") {
        record(d, {d.name, "not-searchable", 0, {}}, {});
        continue;
      }
      if (f.records.empty()) continue;
      if (t == "erase") erase(d, f);
      else if (t == "rectify") rectify(d, f);
      else if (t == "restrict") restrict(d, f);
      else throw InputError(fmt::format("request {} has an unknown type '{}'", req_.id, t));
    }
    return result_;
  }

 private:
  FulfilResult access() {
    // The package holds the records of the first identifier a dataset can be
    // searched by (an export selects by one identifier).
    std::optional<SubjectId> chosen;
    for (const auto& id : request_subject_ids(ws_, req_.id)) {
      for (const auto& d : map_.datasets) {
        for (const auto& sc : d.subject) {
          if (!chosen && sc.kind == id.kind_name()) chosen = id;
        }
      }
    }
    if (!chosen) {
      throw InputError(fmt::format("request {}: no dataset of the data map has a subject column of its identifiers' kinds",
                                   req_.id));
    }
    if (o_.out.empty()) throw InputError("an access request needs --out PATH: where the package is written");
    exports::CreateExportOptions e;
    e.tenant = req_.tenant_id;
    e.subject = chosen->canonical();
    e.format = o_.format;
    e.out = o_.out;
    e.request_reference = req_.id;
    exports::CreatedExport c = exports::create_export(ws_, e, o_.actor);
    result_.export_id = c.record.id;
    result_.package = o_.out.string();
    ws_.store().transaction([&] {
      for (const auto& ds : c.result.datasets) {
        DatasetAction a{ds.name, ds.status == "exported" ? "exported" : "not-searchable",
                        static_cast<std::int64_t>(ds.records), {}};
        record_event(ws_, req_, "fulfilled",
                     {{"dataset", a.dataset}, {"action", a.action}, {"records", a.records}, {"export", c.record.id}},
                     o_.actor, o_.now);
        result_.datasets.push_back(std::move(a));
      }
    });
    return result_;
  }

  void check_set_columns(const FindResult& found) {
    for (const auto& [col, value] : o_.set) {
      validate_sql_identifier(col, "--set column");
      bool somewhere = false;
      for (const auto& f : found.datasets) {
        const DatasetSpec& d = map_.dataset(f.dataset);
        if (column_index({d.key, d.tenant, d.created}, col) >= 0) {
          if (column_index(f.columns, col) >= 0) {
            throw InputError(fmt::format("--set {}: dataset {} identifies or dates its records by it; it cannot be "
                                         "rectified",
                                         col, d.name));
          }
        }
        somewhere = somewhere || column_index(f.columns, col) >= 0;
      }
      if (!somewhere) throw InputError(fmt::format("--set {}: no dataset holding the subject's records has that column", col));
    }
  }

  void record(const DatasetSpec&, DatasetAction a, json extra) {
    json d = std::move(extra);
    d["dataset"] = a.dataset;
    d["action"] = a.action;
    d["records"] = a.records;
    if (!a.kept.empty()) d["restricted"] = kept_json(a.kept);
    ws_.store().transaction([&] { record_event(ws_, req_, "fulfilled", d, o_.actor, o_.now); });
    result_.datasets.push_back(std::move(a));
  }

  // Why a record must be kept, if it must.
  std::optional<KeptRecord> keep_reason(const DatasetSpec& d, const FoundRecord& r,
                                        const retention::ActiveHolds& holds,
                                        const retention::DatasetSchedule& schedule) {
    if (const HoldRecord* h = holds.covering(d.name)) return KeptRecord{r.key_hash, "hold", retention::describe_hold(*h)};
    if (holds.has_subject_holds(d)) {
      std::vector<std::optional<std::string>> hashes;
      for (std::size_t i = 0; i < d.subject.size(); ++i) {
        const auto& v = r.record.subjects[i];
        if (v && !v->empty()) hashes.emplace_back(subject_hasher().hash(d.subject[i].kind, *v));
        else hashes.emplace_back(std::nullopt);
      }
      if (const HoldRecord* h = holds.subject_hold(d, hashes)) {
        return KeptRecord{r.key_hash, "hold", retention::describe_hold(*h)};
      }
    }
    // GDPR Art. 17(3)(b): a legal duty to keep the record outlasts the
    // subject's right to have it erased.
    if (schedule.floor_rule && !schedule.floor_passed.range().contains(r.record.created)) {
      return KeptRecord{r.key_hash, "minimum-retention",
                        schedule.floor_rule->clause.empty() ? schedule.floor_rule->rule : schedule.floor_rule->clause};
    }
    return std::nullopt;
  }

  const retention::SubjectHasher& subject_hasher() {
    if (!subject_hasher_) subject_hasher_ = std::make_unique<retention::SubjectHasher>(current_tenant_key(ws_, req_.tenant_id).key);
    return *subject_hasher_;
  }

  void register_kept(const DatasetSpec& d, const std::vector<KeptRecord>& kept) {
    if (kept.empty()) return;
    std::vector<RestrictionRecord> rs;
    for (const auto& k : kept) rs.push_back({0, req_.tenant_id, d.name, k.key_hash, req_.id, k.reason, k.clause, format_utc(o_.now)});
    ws_.store().transaction([&] {
      ws_.store().insert_restrictions(rs);
      json hashes = json::array();
      for (const auto& k : kept) hashes.push_back(k.key_hash);
      ws_.audit().append("request.restrict", "request:" + req_.id,
                         {{"dataset", d.name}, {"records", kept.size()}, {"key_hashes", hashes}, {"tenant", req_.tenant_id}});
    });
  }

  // A record found only in the text of another record (a transcript of
  // someone else's call that names the subject) is that other person's too:
  // it is masked, not deleted.
  static bool text_only(const FoundRecord& r) {
    return std::none_of(r.via.begin(), r.via.end(), [](const std::string& v) { return v.rfind("text:", 0) != 0; });
  }

  void erase(const DatasetSpec& d, DatasetFindings& f) {
    TenantRecord tenant = get_tenant(ws_, req_.tenant_id);
    retention::Scheduler scheduler(ws_);
    retention::DatasetSchedule schedule = scheduler.schedule(tenant, d, o_.now);
    retention::ActiveHolds holds = retention::ActiveHolds::load(ws_.store(), req_.tenant_id, o_.now);
    std::vector<KeptRecord> kept;
    std::vector<const FoundRecord*> to_delete, to_mask;
    for (const auto& r : f.records) {
      if (auto k = keep_reason(d, r, holds, schedule)) kept.push_back(*k);
      else if (d.erase == EraseMode::kMask || text_only(r)) to_mask.push_back(&r);
      else to_delete.push_back(&r);
    }
    register_kept(d, kept);
    auto store = open_store(map_, d, true);
    auto hashes_of = [](const std::vector<const FoundRecord*>& rs) {
      json a = json::array();
      for (const FoundRecord* r : rs) a.push_back(r->key_hash);
      return a;
    };
    if (!to_delete.empty() || to_mask.empty()) {
      DatasetAction a{d.name, "deleted", 0, std::move(kept)};
      a.records = remove(d, *store, to_delete);
      record(d, std::move(a), {{"key_hashes", hashes_of(to_delete)}});
      kept.clear();
    }
    if (!to_mask.empty()) {
      DatasetAction a{d.name, "masked", 0, std::move(kept)};
      a.records = mask(d, *store, f, to_mask);
      record(d, std::move(a), {{"key_hashes", hashes_of(to_mask)}});
    }
  }

  std::int64_t remove(const DatasetSpec& d, DataStore& store, const std::vector<const FoundRecord*>& go) {
    if (go.empty()) return 0;
    // Ledger first: a process killed before the store commits leaves
    // tombstones that the next sweep re-applies, never an erasure the
    // ledger does not know.
    std::vector<TombstoneRecord> tombs;
    EraseSegment seg{req_.tenant_id, CreatedRange::all(), {}};
    for (const FoundRecord* r : go) {
      TombstoneRecord t;
      t.dataset = d.name;
      t.tenant_id = req_.tenant_id;
      t.key_hash = r->key_hash;
      t.bytes = r->record.bytes;
      for (std::size_t i = 0; i < d.subject.size() && !t.subject_hash; ++i) {
        if (r->record.subjects[i] && !r->record.subjects[i]->empty()) {
          t.subject_hash = subject_hasher().hash(d.subject[i].kind, *r->record.subjects[i]);
        }
      }
      t.erased_at = format_utc(o_.now);
      tombs.push_back(std::move(t));
      seg.records.push_back(r->record);
    }
    retention::record_erasures(ws_, std::move(tombs), req_.id);
    std::int64_t n = 0;
    auto erased = store.erase(d, {seg});
    for (bool e : erased.front()) n += e ? 1 : 0;
    return n;
  }

  // erase = "mask": subject columns masked, identifiers in text fields masked
  // in place; the row stays.
  std::int64_t mask(const DatasetSpec& d, DataStore& store, const DatasetFindings& f,
                    const std::vector<const FoundRecord*>& go) {
    Targets targets;
    for (const auto& id : request_subject_ids(ws_, req_.id)) {
      if (id.kind != SubjectKind::kKey) targets[id.kind_name()].insert(id.value);
    }
    TextMatcher text(targets);
    std::int64_t n = 0;
    for (const FoundRecord* r : go) {
      std::vector<std::pair<std::string, FieldValue>> set;
      // The subject columns of another person's record are theirs.
      for (std::size_t i = 0; i < d.subject.size() && !text_only(*r); ++i) {
        const auto& v = r->record.subjects[i];
        if (v && !v->empty()) set.emplace_back(d.subject[i].column, masked_value(d.subject[i].kind, *v));
      }
      for (const auto& col : d.text) {
        int c = column_index(f.columns, col);
        const std::string* s = c >= 0 ? text_of(r->row[c]) : nullptr;
        if (!s) continue;
        auto hits = text.matches(*s);
        if (hits.empty()) continue;
        std::string out;
        std::size_t pos = 0;
        for (const auto& h : hits) {
          out.append(*s, pos, h.begin - pos);
          out += anonymize::mask(h, std::string_view(*s).substr(h.begin, h.end - h.begin));
          pos = h.end;
        }
        out.append(*s, pos, std::string::npos);
        set.emplace_back(col, out);
      }
      if (!set.empty() && store.update_row(d, req_.tenant_id, r->record.key, set)) ++n;
    }
    return n;
  }

  void rectify(const DatasetSpec& d, DatasetFindings& f) {
    std::vector<std::pair<std::string, FieldValue>> set;
    std::vector<int> cols;
    for (const auto& [col, value] : o_.set) {
      int c = column_index(f.columns, col);
      if (c < 0) continue;
      set.emplace_back(f.columns[c], value);
      cols.push_back(c);
    }
    if (set.empty()) return;
    auto store = open_store(map_, d, true);
    retention::RecordHasher hasher(ws_.keys());
    DatasetAction a{d.name, "rectified", 0, {}};
    json changes = json::array();
    for (const auto& r : f.records) {
      // Another person's record that only mentions the subject is not corrected.
      if (text_only(r)) continue;
      if (!store->update_row(d, req_.tenant_id, r.record.key, set)) continue;
      ++a.records;
      json cj = json::array();
      for (std::size_t i = 0; i < cols.size(); ++i) {
        cj.push_back({{"column", set[i].first},
                      {"before", value_hash(hasher, d, set[i].first, r.row[cols[i]])},
                      {"after", value_hash(hasher, d, set[i].first, std::get<std::string>(set[i].second))}});
      }
      changes.push_back({{"key_hash", r.key_hash}, {"columns", cj}});
    }
    record(d, std::move(a), {{"changes", changes}});
  }

  void restrict(const DatasetSpec& d, DatasetFindings& f) {
    std::vector<KeptRecord> all;
    for (const auto& r : f.records) all.push_back({r.key_hash, "restrict", ""});
    std::vector<RestrictionRecord> rs;
    json hashes = json::array();
    for (const auto& k : all) {
      rs.push_back({0, req_.tenant_id, d.name, k.key_hash, req_.id, "restrict", "", format_utc(o_.now)});
      hashes.push_back(k.key_hash);
    }
    ws_.store().transaction([&] {
      ws_.store().insert_restrictions(rs);
      DatasetAction a{d.name, "restricted", static_cast<std::int64_t>(rs.size()), {}};
      record_event(ws_, req_, "fulfilled",
                   {{"dataset", d.name}, {"action", a.action}, {"records", a.records}, {"key_hashes", hashes}},
                   o_.actor, o_.now);
      result_.datasets.push_back(std::move(a));
    });
  }

  Workspace& ws_;
  const DataMap& map_;
  SubjectRequestRecord req_;
  const FulfilOptions& o_;
  FulfilResult result_;
  std::unique_ptr<retention::SubjectHasher> subject_hasher_;
};

}  // namespace

std::int64_t FindResult::total() const {
  std::int64_t n = 0;
  for (const auto& d : datasets) n += static_cast<std::int64_t>(d.records.size());
  return n;
}

FindResult find_records(Workspace& ws, const DataMap& map, const std::string& tenant, const std::vector<SubjectId>& ids,
                        const FindOptions& options) {
  get_tenant(ws, tenant);  // throws for an unknown tenant
  Searcher s(ws, map, tenant, ids, options);
  FindResult out;
  out.tenant = tenant;
  for (const auto& d : map.datasets) {
    if (d.is_files()) {
      out.datasets.push_back({d.name, "not-searchable", {}, 0, 0, {}});
      continue;
    }
    auto store = open_store(map, d, false);
    out.datasets.push_back(s.search(d, *store));
  }
  return out;
}

FindResult find_request_records(Workspace& ws, const DataMap& map, const std::string& request_id,
                                const FindOptions& options) {
  SubjectRequestRecord r = load_request(ws, request_id);
  return find_records(ws, map, r.tenant_id, request_subject_ids(ws, request_id), options);
}

json find_json(const FindResult& r) {
  json ds = json::array();
  for (const auto& d : r.datasets) {
    json recs = json::array();
    for (const auto& f : d.records) {
      recs.push_back({{"key_hash", f.key_hash},
                      {"created", f.record.created ? json(format_utc(*f.record.created)) : json()},
                      {"via", f.via},
                      {"restricted", f.restricted}});
    }
    ds.push_back({{"dataset", d.dataset},
                  {"status", d.status},
                  {"records", d.records.size()},
                  {"by_subject", d.by_subject},
                  {"by_text", d.by_text},
                  {"found", recs}});
  }
  return {{"tenant", r.tenant}, {"total", r.total()}, {"datasets", ds}};
}

FulfilResult fulfil_request(Workspace& ws, const DataMap& map, const std::string& request_id,
                            const FulfilOptions& options) {
  return Fulfiller(ws, map, load_request(ws, request_id), options).run();
}

json fulfil_json(const FulfilResult& r) {
  json ds = json::array();
  for (const auto& d : r.datasets) {
    ds.push_back({{"dataset", d.dataset}, {"action", d.action}, {"records", d.records}, {"restricted", kept_json(d.kept)}});
  }
  json j{{"id", r.request_id}, {"type", r.type}, {"datasets", ds}, {"suppressed", r.suppressed}};
  if (r.export_id) {
    j["export"] = *r.export_id;
    j["package"] = r.package;
  }
  return j;
}

}  // namespace dpa::requests

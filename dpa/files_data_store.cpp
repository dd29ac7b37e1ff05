#include "dpa/files_data_store.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/file_layout.h"

namespace dpa {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split(std::string_view rel) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= rel.size()) {
    std::size_t slash = rel.find('/', start);
    out.emplace_back(rel.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

struct FileEntry {
  std::string rel;  // '/'-separated, relative to the root
  LayoutMatch match;
  std::optional<Timestamp> created;
  std::int64_t bytes = 0;
};

class FilesDataStore final : public DataStore {
 public:
  explicit FilesDataStore(const StoreSpec& s) : spec_(s) {
    std::error_code ec;
    if (!fs::is_directory(s.root, ec)) {
      throw InputError(fmt::format("store {}: no folder at {} (dpa.toml line {})", s.name, s.root.string(), s.line));
    }
  }

  std::vector<std::string> tenants(const DatasetSpec& d) override {
    std::set<std::string> out;
    walk(d, std::nullopt, nullptr, [&](const FileEntry& e) {
      out.insert(e.match.tenant);
      return true;
    });
    return {out.begin(), out.end()};
  }

  RangeStats stats(const DatasetSpec& d, const std::string& tenant, const CreatedRange& r, bool with_bytes) override {
    RangeStats st;
    st.bytes = with_bytes ? 0 : -1;
    if (r.empty) return st;
    walk(d, tenant, nullptr, [&](const FileEntry& e) {
      if (!r.contains(e.created)) return true;
      ++st.records;
      if (with_bytes) st.bytes += e.bytes;
      if (e.created && (!st.oldest || *e.created < *st.oldest)) st.oldest = e.created;
      return true;
    });
    return st;
  }

  std::vector<DataRecord> scan(const DatasetSpec& d, const std::string& tenant, const CreatedRange& r,
                               const DataRecord* after, std::size_t limit) override {
    std::vector<DataRecord> out;
    if (r.empty || limit == 0) return out;
    std::optional<std::vector<std::string>> cursor;
    if (after) cursor = split(field_text(after->key));
    walk(d, tenant, cursor ? &*cursor : nullptr, [&](const FileEntry& e) {
      if (r.contains(e.created)) out.push_back(to_record(e));
      return out.size() < limit;
    });
    return out;
  }

  std::vector<std::vector<bool>> erase(const DatasetSpec& d, const std::vector<EraseSegment>& segments,
                                       const ProgressHook& hook) override {
    const FileLayout& layout = layout_of(d);
    std::vector<std::vector<bool>> erased;
    std::set<std::string> folders;
    for (const auto& seg : segments) {
      std::vector<bool>& done = erased.emplace_back(seg.records.size(), false);
      for (std::size_t i = 0; i < seg.records.size(); ++i) {
        std::string rel = field_text(seg.records[i].key);
        auto m = layout.match(rel);
        if (!m || m->tenant != seg.tenant) continue;
        // Looked at again now: a file replaced or touched since the scan may
        // no longer be due.
        auto e = entry(rel, *m);
        if (!e || !seg.range.contains(e->created)) continue;
        std::error_code ec;
        if (fs::remove(spec_.root / rel, ec)) {
          done[i] = true;
          if (auto slash = rel.rfind('/'); slash != std::string::npos) folders.insert(rel.substr(0, slash));
        } else if (ec) {
          throw Error(ExitStatus::kInternal, fmt::format("store {}: cannot remove a file of dataset {}: {}",
                                                         spec_.name, d.name, ec.message()));
        }
        if (hook) hook("file-unlinked");
      }
    }
    prune(folders);
    if (hook && !folders.empty()) hook("folders-pruned");
    return erased;
  }

  nlohmann::json locate(const DatasetSpec&, const std::vector<DataRecord>& records) override {
    // Folders, never file names: a layout's folders are tenants and dates.
    std::set<std::string> folders;
    for (const auto& rec : records) {
      std::string rel = field_text(rec.key);
      if (auto slash = rel.rfind('/'); slash != std::string::npos) folders.insert(rel.substr(0, slash));
    }
    return {{"folders", std::vector<std::string>(folders.begin(), folders.end())}};
  }

  std::vector<DataRecord> relocate(const DatasetSpec& d, const std::string& tenant, const nlohmann::json&) override {
    std::vector<DataRecord> out;
    walk(d, tenant, nullptr, [&](const FileEntry& e) {
      out.push_back(to_record(e));
      return true;
    });
    return out;
  }

  void tidy(const DatasetSpec&, const nlohmann::json& where) override {
    std::set<std::string> folders;
    if (where.contains("folders")) {
      for (const auto& f : where["folders"]) {
        std::string rel = f.get<std::string>();
        // Only folders strictly inside the root, as locate() wrote them.
        if (rel.empty() || rel.front() == '/' || rel.find("..") != std::string::npos) continue;
        folders.insert(rel);
      }
    }
    prune(folders);
  }

  std::vector<DataMapProblem> check(const DatasetSpec& d) override {
    std::vector<DataMapProblem> out;
    std::int64_t matched = 0, unmatched = 0, links = 0, outside = 0;
    const FileLayout& layout = layout_of(d);
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(spec_.root, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      auto st = it->symlink_status(ec);
      if (ec) break;
      if (fs::is_symlink(st)) {
        ++links;
        it.disable_recursion_pending();
        continue;
      }
      if (!fs::is_regular_file(st)) continue;
      std::string rel = fs::relative(it->path(), spec_.root, ec).generic_string();
      auto m = layout.match(rel);
      if (!m) {
        ++unmatched;
        continue;
      }
      ++matched;
      if (auto p = FileLayout::period(*m)) {
        auto e = entry(rel, *m);
        if (e && e->created && *e->created == p->second - std::chrono::seconds{1}) ++outside;
      }
    }
    if (ec) {
      out.push_back({DataMapProblem::Severity::kError, d.name,
                     fmt::format("cannot read {}: {}", spec_.root.string(), ec.message())});
      return out;
    }
    if (matched == 0) {
      out.push_back({DataMapProblem::Severity::kWarning, d.name,
                     fmt::format("no file under {} matches the layout {}", spec_.root.string(), d.path)});
    }
    if (unmatched > 0) {
      out.push_back({DataMapProblem::Severity::kWarning, d.name,
                     fmt::format("{} file(s) under {} do not match the layout {}: dpa never touches them",
                                 unmatched, spec_.root.string(), d.path)});
    }
    if (links > 0) {
      out.push_back({DataMapProblem::Severity::kWarning, d.name,
                     fmt::format("{} symbolic link(s) under {} are never followed nor erased", links, spec_.root.string())});
    }
    if (outside > 0) {
      out.push_back({DataMapProblem::Severity::kWarning, d.name,
                     fmt::format("{} file(s) have a modification time outside the period their folders name: their "
                                 "creation time is taken as the end of that period",
                                 outside)});
    }
    return out;
  }

  std::filesystem::path file_path(const DatasetSpec& d, const DataRecord& record) override {
    // Only a path the layout matches, strictly inside the root.
    std::string rel = field_text(record.key);
    bool dotdot = ("/" + rel + "/").find("/../") != std::string::npos;
    if (!layout_of(d).match(rel) || rel.empty() || rel.front() == '/' || dotdot) {
      throw InputError(fmt::format("dataset {}: {} is not a file of its layout", d.name, rel));
    }
    return spec_.root / rel;
  }

 private:
  const FileLayout& layout_of(const DatasetSpec& d) {
    auto it = layouts_.find(d.name);
    if (it != layouts_.end()) return it->second;
    return layouts_.emplace(d.name, FileLayout::parse(d.path)).first->second;
  }

  std::optional<FileEntry> entry(const std::string& rel, const LayoutMatch& m) {
    std::error_code ec;
    fs::path p = spec_.root / rel;
    auto st = fs::symlink_status(p, ec);
    if (ec || !fs::is_regular_file(st)) return std::nullopt;
    auto size = fs::file_size(p, ec);
    if (ec) return std::nullopt;
    auto mtime = fs::last_write_time(p, ec);
    if (ec) return std::nullopt;
    Timestamp modified = std::chrono::floor<std::chrono::seconds>(std::chrono::file_clock::to_sys(mtime));
    FileEntry e;
    e.rel = rel;
    e.match = m;
    e.bytes = static_cast<std::int64_t>(size);
    if (auto period = FileLayout::period(m)) {
      bool inside = !(modified < period->first) && modified < period->second;
      e.created = inside ? modified : period->second - std::chrono::seconds{1};
    } else {
      e.created = modified;
    }
    return e;
  }

  static DataRecord to_record(const FileEntry& e) {
    DataRecord r;
    r.key = e.rel;
    r.created = e.created;
    r.created_raw = e.created ? FieldValue(format_utc(*e.created)) : FieldValue(std::monostate{});
    r.bytes = e.bytes;
    return r;
  }

  // Walks the files of `tenant` (all tenants if nullopt) in path order,
  // strictly after `cursor`; stops when `visit` returns false.
  template <typename Visit>
  void walk(const DatasetSpec& d, const std::optional<std::string>& tenant, const std::vector<std::string>* cursor,
            Visit&& visit) {
    const FileLayout& layout = layout_of(d);
    std::vector<std::string> prefix;
    if (tenant && layout.tenant_is_first_folder()) prefix.push_back(*tenant);
    if (cursor && !prefix.empty() && (cursor->empty() || (*cursor)[0] != prefix[0])) {
      if (!cursor->empty() && (*cursor)[0] > prefix[0]) return;  // past this tenant's folder
      cursor = nullptr;
    }
    bool go_on = true;
    walk_dir(layout, tenant, prefix, cursor, go_on, visit);
  }

  template <typename Visit>
  void walk_dir(const FileLayout& layout, const std::optional<std::string>& tenant, std::vector<std::string>& rel,
                const std::vector<std::string>* cursor, bool& go_on, Visit& visit) {
    fs::path dir = spec_.root;
    for (const auto& part : rel) dir /= part;
    std::error_code ec;
    std::vector<std::string> names;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      names.push_back(it->path().filename().string());
    }
    std::sort(names.begin(), names.end());
    const std::size_t depth = rel.size();  // index of these names in a path
    for (const auto& name : names) {
      if (!go_on) return;
      const std::vector<std::string>* sub_cursor = nullptr;
      if (cursor && depth < cursor->size()) {
        const std::string& c = (*cursor)[depth];
        if (name < c) continue;
        if (name == c) sub_cursor = cursor;  // on the cursor's path
      }
      fs::path p = dir / name;
      auto st = fs::symlink_status(p, ec);
      if (ec || fs::is_symlink(st)) continue;
      rel.push_back(name);
      if (fs::is_directory(st)) {
        if (rel.size() < layout.depth()) walk_dir(layout, tenant, rel, sub_cursor, go_on, visit);
      } else if (fs::is_regular_file(st) && rel.size() == layout.depth() && !sub_cursor) {
        std::string joined;
        for (std::size_t i = 0; i < rel.size(); ++i) joined += (i ? "/" : "") + rel[i];
        if (auto m = layout.match(joined); m && (!tenant || m->tenant == *tenant)) {
          if (auto e = entry(joined, *m)) go_on = visit(*e);
        }
      }
      rel.pop_back();
    }
  }

  // Removes each folder and its parents while they are empty, never the root.
  void prune(const std::set<std::string>& folders) {
    // Deepest first, so that a parent is tried after its children.
    std::vector<std::string> order(folders.begin(), folders.end());
    std::sort(order.begin(), order.end(), [](const std::string& a, const std::string& b) {
      return std::count(a.begin(), a.end(), '/') > std::count(b.begin(), b.end(), '/');
    });
    for (std::string rel : order) {
      while (!rel.empty()) {
        fs::path p = spec_.root / rel;
        std::error_code ec;
        auto st = fs::symlink_status(p, ec);
        if (ec || !fs::is_directory(st) || !fs::is_empty(p, ec) || ec) break;
        if (!fs::remove(p, ec) || ec) break;
        auto slash = rel.rfind('/');
        rel = slash == std::string::npos ? std::string() : rel.substr(0, slash);
      }
    }
  }

  StoreSpec spec_;
  std::map<std::string, FileLayout> layouts_;
};

}  // namespace

std::unique_ptr<DataStore> open_files_data_store(const StoreSpec& s) { return std::make_unique<FilesDataStore>(s); }

}  // namespace dpa

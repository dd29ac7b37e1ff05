#include "exports/export_package.h"

#include <map>
#include <memory>

#include <fmt/format.h>

#include "dpa/error.h"
#include "exports/table_encoding.h"

namespace dpa::exports {
namespace {

namespace fs = std::filesystem;
constexpr std::size_t kScanPage = 1000;

std::vector<const DatasetSpec*> selected(const ExportRequest& req) {
  std::vector<const DatasetSpec*> out;
  if (req.datasets.empty()) {
    for (const auto& d : req.map->datasets) out.push_back(&d);
  } else {
    for (const auto& name : req.datasets) out.push_back(&req.map->dataset(name));  // throws, naming them
  }
  return out;
}

nlohmann::json describe_columns(const DatasetSpec& d, const std::vector<std::string>& names) {
  auto same = [](const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  };
  nlohmann::json cols = nlohmann::json::array();
  for (const auto& n : names) {
    nlohmann::json c = {{"name", n}};
    std::vector<std::string> roles;
    if (same(n, d.key)) roles.push_back("key");
    if (same(n, d.tenant)) roles.push_back("tenant");
    if (same(n, d.created)) roles.push_back("created (" + to_string(d.created_format) + ")");
    for (const auto& s : d.subject) {
      if (same(n, s.column)) roles.push_back("subject identifier: " + s.kind);
    }
    for (const auto& t : d.text) {
      if (same(n, t)) roles.push_back("free text");
    }
    c["roles"] = roles;
    cols.push_back(std::move(c));
  }
  return cols;
}

}  // namespace

ExportResult write_export(const ExportRequest& req) {
  if (!req.map) throw Error(ExitStatus::kInternal, "write_export: no data map");
  const auto datasets = selected(req);
  std::map<std::string, std::unique_ptr<DataStore>> stores;
  auto store_for = [&](const DatasetSpec& d) -> DataStore& {
    const StoreSpec& spec = req.map->store_of(d);
    auto it = stores.find(spec.name);
    if (it == stores.end()) it = stores.emplace(spec.name, open_data_store(spec, false)).first;
    return *it->second;
  };

  // The estimate for the progress bar: the tenant's bytes in each dataset.
  std::uint64_t estimate = 0;
  for (const auto* d : datasets) {
    if (req.subject && (d->is_files() || !req.subject->searchable(*d))) continue;
    auto st = store_for(*d).stats(*d, req.tenant, CreatedRange::all(), true);
    if (st.bytes > 0) estimate += static_cast<std::uint64_t>(st.bytes) * (d->is_files() ? 1 : 2);
  }

  auto sink = open_package_sink(req.format, req.out);
  ProgressFn progress;
  if (req.progress) progress = [&](std::uint64_t done) { req.progress(done, estimate); };
  BagWriter bag(*sink, req.cancel, progress);
  ExportResult result;
  nlohmann::json described = nlohmann::json::array();

  for (const auto* d : datasets) {
    DatasetExport de;
    de.name = d->name;
    de.kind = d->is_files() ? "files" : "table";
    nlohmann::json about = {{"name", d->name}, {"category", d->category}, {"kind", de.kind}};
    DataStore& store = store_for(*d);
    if (req.subject && (d->is_files() || !req.subject->searchable(*d))) {
      de.status = "not-searchable-by-subject";
      about["status"] = de.status;
      about["note"] = d->is_files() ? "files carry no subject identifier: search them by hand if the request needs it"
                                    : "the table has no subject column of kind " + req.subject->kind;
      described.push_back(std::move(about));
      result.datasets.push_back(std::move(de));
      continue;
    }
    de.status = "exported";
    if (d->is_files()) {
      const std::string folder = "files/" + d->name + "/";
      std::optional<DataRecord> after;
      for (;;) {
        auto page = store.scan(*d, req.tenant, CreatedRange::all(), after ? &*after : nullptr, kScanPage);
        for (const auto& rec : page) {
          fs::path src = store.file_path(*d, rec);
          bag.add_file(folder + field_text(rec.key), src);
          ++de.records;
          de.bytes += static_cast<std::uint64_t>(rec.bytes);
        }
        if (page.size() < kScanPage) break;
        after = page.back();
      }
      de.payload = {"data/" + folder};
      about["layout"] = d->path;
      about["payload"] = de.payload;
      about["files"] = de.records;
    } else {
      const auto names = store.column_names(*d);
      RowEncoder enc(names);
      const std::string jsonl = "tables/" + d->name + ".jsonl", csv = "tables/" + d->name + ".csv";
      const SubjectMatch* subject = req.subject ? &*req.subject : nullptr;
      bag.add_generated({jsonl, csv}, [&](std::vector<PayloadStream*>& out) {
        std::string header = enc.csv_header();
        out[1]->write(header);
        de.bytes += header.size();
        store.read_rows(*d, req.tenant, subject, [&](const std::vector<CellValue>& row) {
          std::string j = enc.json_line(row), c = enc.csv_line(row);
          out[0]->write(j);
          out[1]->write(c);
          de.bytes += j.size() + c.size();
          ++de.records;
          return true;
        });
      });
      de.replaced_text = enc.replaced();
      de.payload = {"data/" + jsonl, "data/" + csv};
      about["rows"] = de.records;
      about["payload"] = de.payload;
      about["columns"] = describe_columns(*d, names);
      if (de.replaced_text) about["text_values_not_utf8"] = de.replaced_text;
    }
    about["status"] = de.status;
    described.push_back(std::move(about));
    result.datasets.push_back(std::move(de));
  }

  nlohmann::json doc = req.about.is_object() ? req.about : nlohmann::json::object();
  doc["datasets"] = described;
  doc["encoding"] = {
      {"jsonl", "UTF-8 JSON Lines: one object per row, columns in the table's order; NULL is null, INTEGER and REAL "
                "are numbers, TEXT is a string, BLOB is a base64 string"},
      {"csv", "UTF-8 CSV (RFC 4180): a header row of column names, CRLF line ends, fields with a comma, a quote or a "
              "line break quoted; NULL is an empty field"},
      {"files", "the original bytes of each file, under data/files/<dataset>/ at its path in the store's layout"},
      {"not_utf8", "bytes of a text value that are not UTF-8 are replaced by U+FFFD (counted per dataset)"}};
  doc["signature"] = "tagmanifest-sha256.txt.sig: base64 Ed25519 signature of tagmanifest-sha256.txt";
  bag.add_tag_file("dpa-export.json", doc.dump(2) + "\n");
  result.bag = bag.finish(req.info, req.sign);
  std::error_code ec;
  if (req.format == PackageFormat::kDir) {
    result.bag.package_bytes = sink->written();
  } else {
    auto size = fs::file_size(req.out, ec);
    result.bag.package_bytes = ec ? 0 : size;
  }
  return result;
}

}  // namespace dpa::exports

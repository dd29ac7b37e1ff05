// Writes a tenant's (or one data subject's) customer data as a signed
// BagIt package, straight from the stores of the data map.
//
// Payload layout (documented to the recipient in the dpa-export.json tag
// file as well):
//   data/tables/<dataset>.jsonl   every column of every selected row
//   data/tables/<dataset>.csv     the same rows (see table_encoding.h)
//   data/files/<dataset>/<path>   the original files, under their layout
// A subject export selects the rows whose subject column of the subject's
// kind holds the identifier (DataStore::read_rows with a SubjectMatch);
// datasets without such a column (folders of files) cannot be searched by
// subject and are left out, and said to be.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "dpa/data_store.h"
#include "dpa/datamap.h"
#include "exports/bag_format.h"
#include "exports/bag_writer.h"
#include "exports/package_sink.h"

namespace dpa::exports {

struct ExportRequest {
  const DataMap* map = nullptr;
  std::string tenant;
  std::optional<SubjectMatch> subject;
  std::vector<std::string> datasets;  // empty: every dataset of the data map
  PackageFormat format = PackageFormat::kZip;
  std::filesystem::path out;
  BagInfo info;            // Source-Organization, External-Identifier, ... (not Oxum, Bag-Size)
  nlohmann::json about;    // what dpa-export.json says of the export (id, tenant, ...)
  Signer sign;
  const std::atomic<bool>* cancel = nullptr;
  // (payload bytes written, estimated total or 0 if unknown)
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

struct DatasetExport {
  std::string name;
  std::string kind;        // "table" | "files"
  std::string status;      // "exported" | "not-searchable-by-subject"
  std::uint64_t records = 0;   // rows or files
  std::uint64_t bytes = 0;     // payload bytes written for it
  std::vector<std::string> payload;  // bag paths ("data/tables/x.csv"); files: the folder
  std::uint64_t replaced_text = 0;   // text values that were not UTF-8
};

struct ExportResult {
  BagSummary bag;
  std::vector<DatasetExport> datasets;
};

// Throws InputError for an unknown dataset or an unreadable store, and
// ExportCancelled when `cancel` is raised; nothing is left at `out` then.
ExportResult write_export(const ExportRequest& request);

}  // namespace dpa::exports

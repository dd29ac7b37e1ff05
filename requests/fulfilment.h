// `dpa request find` and `dpa request fulfil`: the records of a request's
// subject in the data map, and what each type of request does to them.
//
// Finding: in each table dataset, the rows of the request's tenant whose
// subject column of an identifier's kind holds, once normalized, one of the
// identifiers (DataStore::read_rows with a SubjectMatch: the same rows an
// export finds), plus, with the text scan, the rows whose `text` fields
// contain one of them, as the pseudonymizer's detectors find it ("8 701 123
// 45 67" inside a transcript is the phone +77011234567). A `key:` identifier
// names a record of one dataset directly. File datasets carry no subject
// identifiers and cannot be searched: they are reported as such.
//
// Fulfilling, by type:
//   access            a BagIt package of the subject's records (exports/),
//                     External-Identifier = the request id;
//   erase             per dataset, delete the records (erase = "delete") or
//                     mask their subject columns and the identifiers in
//                     their text fields (erase = "mask"); records under a
//                     legal hold or a minimum retention are kept and
//                     restricted instead, with the clause. Deletions go to
//                     the erasure ledger first, so a crash between the ledger
//                     and the store is finished by the next sweep (which
//                     re-applies request tombstones) and a restore from
//                     backup cannot bring the records back;
//   rectify           sets `column = value` on the records, auditing a keyed
//                     hash of each value before and after;
//   restrict          puts the records in the restriction register (the
//                     state, keyed by dataset and record key hash): the
//                     customer's tables are not altered;
//   withdraw-consent,
//   object            put the subject on the tenant's suppression list.
// A record found only by the text scan is another person's record that
// names the subject (their call transcript): an erasure masks the
// identifiers in its text instead of deleting it, and a rectification
// leaves it alone.
// Each dataset acted on is one "fulfilled" event (dataset, action, counts,
// key hashes), which the response letter lists. Nothing names a value.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "anonymize/subject_id.h"
#include "dpa/data_store.h"
#include "dpa/datamap.h"
#include "dpa/state_store.h"
#include "dpa/time.h"
#include "exports/package_sink.h"

namespace dpa {
class Workspace;
}

namespace dpa::requests {

// One record of the subject.
struct FoundRecord {
  DataRecord record;               // key, creation time, subject identifiers
  std::vector<CellValue> row;      // every column (DataStore::column_names order)
  std::string key_hash;            // RecordHasher: what the state and the audit log name
  std::vector<std::string> via;    // "subject:phone", "text:transcript", "key"
  bool restricted = false;         // in the restriction register
};

struct DatasetFindings {
  std::string dataset;
  std::string status;              // "searched" | "not-searchable"
  std::vector<std::string> columns;
  std::int64_t by_subject = 0;     // records found by a subject column or key
  std::int64_t by_text = 0;        // records found only by the text scan
  std::vector<FoundRecord> records;
};

struct FindOptions {
  bool text_scan = true;
};

struct FindResult {
  std::string tenant;
  std::vector<DatasetFindings> datasets;
  std::int64_t total() const;
};

// The subject's records for `tenant` in every dataset of the map.
FindResult find_records(Workspace& ws, const DataMap& map, const std::string& tenant,
                        const std::vector<anonymize::SubjectId>& ids, const FindOptions& options = {});
// The same for a request's tenant and identifiers; throws InputError for an
// unknown request.
FindResult find_request_records(Workspace& ws, const DataMap& map, const std::string& request_id,
                                const FindOptions& options = {});

nlohmann::json find_json(const FindResult& r);

struct FulfilOptions {
  std::vector<std::pair<std::string, std::string>> set;  // rectify: column, value
  std::filesystem::path out;                             // access: where the package goes
  exports::PackageFormat format = exports::PackageFormat::kZip;
  std::string actor;
  Timestamp now;
  FindOptions find;
};

// A record an erasure could not reach, and why.
struct KeptRecord {
  std::string key_hash;
  std::string reason;  // "hold" | "minimum-retention"
  std::string clause;  // "hold 3 (litigation)", "adr 5.3.2"
};

struct DatasetAction {
  std::string dataset;
  std::string action;  // "exported", "deleted", "masked", "rectified", "restricted", "not-searchable"
  std::int64_t records = 0;
  std::vector<KeptRecord> kept;
};

struct FulfilResult {
  std::string request_id;
  std::string type;
  std::vector<DatasetAction> datasets;
  std::optional<std::string> export_id;
  std::string package;
  std::int64_t suppressed = 0;
};

// Refused (RefusedError) for a closed request; InputError for an unknown
// request, a rectify without --set, or a --set column no dataset has (or
// the key, tenant or creation column); BusyError while a retention run
// holds the lock (erase).
FulfilResult fulfil_request(Workspace& ws, const DataMap& map, const std::string& request_id,
                            const FulfilOptions& options);

nlohmann::json fulfil_json(const FulfilResult& r);

}  // namespace dpa::requests

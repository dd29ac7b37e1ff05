// `dpa suppress check`: a filter over a contact list. The rows whose phone
// (or e-mail) is on the tenant's suppression list are dropped, every other
// row is copied unchanged, byte for byte.
//
// Formats:
//  - CSV (RFC 4180: quoted fields, doubled quotes, line breaks inside
//    quotes, CRLF or LF). The first row is the header; the column is
//    --column NAME, or else the header named like the kind ("phone",
//    case-insensitive). The header is always copied.
//  - JSON Lines: one object per line; the field is --field NAME, or else
//    the kind's name. Blank lines are copied.
// "auto" picks JSON Lines when the first non-blank byte is '{'.
//
// Streaming with bounded memory: one row at a time (a row may not exceed
// 1 MiB). A malformed row, a missing field or an identifier that does not
// parse stops the filter with "line N: problem" (InputError), unless
// drop_invalid, which drops such identifiers and counts them; rows that
// are not CSV or JSON always stop it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "anonymize/pseudonymizer.h"
#include "anonymize/stream.h"

namespace dpa::requests {

class SuppressionSet;

struct ContactFilterOptions {
  std::string format = "auto";        // "auto" | "csv" | "jsonl"
  std::optional<std::string> column;  // CSV column or JSON field; default: the kind's name
  bool drop_invalid = false;
};

struct ContactFilterResult {
  std::string format;                 // what was read: "csv" | "jsonl"
  std::string column;
  std::int64_t rows = 0;              // data rows read (no header, no blank lines)
  std::int64_t kept = 0;
  std::int64_t removed = 0;           // suppressed
  std::int64_t invalid = 0;           // dropped with drop_invalid
  std::int64_t empty = 0;             // rows with no value: kept (nothing to match)
};

ContactFilterResult filter_contacts(const SuppressionSet& set, anonymize::ByteSource& in, anonymize::ByteSink& out,
                                    const ContactFilterOptions& options);

}  // namespace dpa::requests

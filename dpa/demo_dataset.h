// The synthetic SaaS application that `dpa demo` governs: an app database and
// call recordings of four tenants, and the data map that describes them.
//
// This is the *customer data* of DESIGN.md ("Two kinds of data"), not dpa's
// own state: a call-analytics / chat-bot company's tables of contacts, call
// transcripts and chat messages, with personal data embedded in free text the
// way speech recognition and customers write it. Every value is generated
// from built-in lists and a seeded PRNG; none of it belongs to a real person.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace dpa {

struct DemoTenant {
  std::string id;
  std::string name;
  std::string contract_state;  // "active" | "terminated" | "notice"
  std::string contract_start;  // ISO date
  std::string contract_end;    // ISO date, or "" while the contract runs
};

struct DemoDatasetSummary {
  std::vector<DemoTenant> tenants;
  std::map<std::string, std::int64_t> rows_per_table;  // every table of var/app.db
  std::int64_t recording_files = 0;
  std::int64_t recording_bytes = 0;
  // The data map ([[store]] and [[dataset]] tables) to append to dpa.toml;
  // paths are relative to `root`.
  std::string datamap_toml;
};

// Creates <root>/var/app.db (SQLite) and one small PCM WAV file per recorded
// call under <root>/var/recordings/{tenant}/{yyyy}/{mm}/{id}.wav.
//
// Tables (all timestamps ISO-8601 UTC, "2026-05-01T09:30:00Z"):
//   tenants       (id TEXT PK, name, contract_state, contract_start, contract_end, created_at)
//   contacts      (id, tenant_id, full_name, phone, email, iin, city, created_at)
//   transcripts   (id, tenant_id, call_id, caller_phone, caller_email, caller_iin,
//                  language, body, created_at, recording_id)
//   chat_messages (id, tenant_id, conversation_id, channel, sender_phone, direction,
//                  body, created_at)
// chat_messages.sender_phone is the customer's number on every message of a
// conversation, inbound or outbound, so that a subject's whole conversation
// is found by it; it is NULL where the channel does not reveal a number.
// Rows span the ~8 months before `today`; a terminated tenant has none after
// its contract ended. transcripts.recording_id is the {id} of the WAV file.
//
// Deterministic for a given seed and `today`. Throws InputError if
// var/app.db exists or var/recordings is not empty; on failure it leaves
// nothing behind.
DemoDatasetSummary build_demo_dataset(const std::filesystem::path& root, std::uint64_t seed,
                                      std::chrono::sys_days today);

}  // namespace dpa

// What the pseudonymizer finds: entity types and findings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dpa::anonymize {

enum class EntityType : std::uint8_t {
  kPerson,
  kPhone,
  kEmail,
  kIin,          // Kazakhstan individual identification number
  kBin,          // Kazakhstan business identification number
  kIban,
  kCard,         // payment card number
  kIpAddress,
  kUrl,          // URL with a personal path or query
  kDateOfBirth,
  kIdCard,       // KZ identity card number
  kPassport,
  kVehiclePlate,
  kAddress,
};
inline constexpr int kEntityTypeCount = 14;

// "PERSON", "PHONE", "EMAIL", "IIN", "BIN", "IBAN", "CARD", "IP", "URL", "DOB",
// "ID_CARD", "PASSPORT", "PLATE", "ADDRESS": as used in tags, tokens, reports
// and flags. Part of the token format, so never renamed.
std::string_view entity_type_name(EntityType t);
// Accepts the names above, case-insensitively.
std::optional<EntityType> parse_entity_type(std::string_view name);

// Grammatical facts a recognizer learned, for surrogates that keep them.
enum class Gender : std::uint8_t { kUnknown, kMale, kFemale };

struct Finding {
  std::size_t begin = 0;   // byte offsets in the scanned text, [begin, end)
  std::size_t end = 0;
  EntityType type = EntityType::kPerson;
  float confidence = 0;    // 0..1; the engine drops findings under its threshold
  // Canonical value: one entity has one `normalized` across its written
  // forms (E.164 phone, bare digits, lower-case e-mail, a person's folded
  // lemmas), so it gets one tag or token.
  std::string normalized;
  // Provenance, for `dpa scan` and debugging: static strings.
  std::string_view recognizer;   // "phone.digits", "phone.spoken", "person.dictionary"
  std::string_view validator;    // "libphonenumber", "iin.checksum", "" if none
  std::string_view context;      // the cue that raised confidence, "" if none
  Gender gender = Gender::kUnknown;

  std::size_t length() const { return end - begin; }
};

}  // namespace dpa::anonymize

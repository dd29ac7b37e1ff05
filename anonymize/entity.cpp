#include "anonymize/entity.h"

#include <array>

namespace dpa::anonymize {
namespace {

// Indexed by EntityType; part of the token format, so never renamed.
constexpr std::array<std::string_view, kEntityTypeCount> kNames = {
    "PERSON", "PHONE", "EMAIL", "IIN", "BIN", "IBAN", "CARD", "IP", "URL", "DOB",
    "ID_CARD", "PASSPORT", "PLATE", "ADDRESS",
};

bool equal_ignoring_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::string_view entity_type_name(EntityType t) {
  auto i = static_cast<std::size_t>(t);
  return i < kNames.size() ? kNames[i] : std::string_view("UNKNOWN");
}

std::optional<EntityType> parse_entity_type(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (equal_ignoring_ascii_case(name, kNames[i])) return static_cast<EntityType>(i);
  }
  return std::nullopt;
}

}  // namespace dpa::anonymize

#include "anonymize/surrogate.h"

namespace dpa::anonymize {

std::string make_surrogate(const Finding& f, std::string_view surface, std::uint64_t seed) {
  if (f.type == EntityType::kPerson) return surrogate_person(f, surface, seed);
  return surrogate_pattern_value(f, surface, seed);
}

}  // namespace dpa::anonymize

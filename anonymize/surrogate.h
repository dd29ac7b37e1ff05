// Surrogates: realistic fakes of the same type and written form that still
// validate, deterministic in a seed derived from the tenant key and value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "anonymize/entity.h"

namespace dpa::anonymize {

// A fake for `surface` (the original text of `f`), keeping its written form
// (separators, grouping, case) and grammatical features (a name keeps gender
// and case). Never returns `surface` itself.
std::string make_surrogate(const Finding& f, std::string_view surface, std::uint64_t seed);

// Per-family generators behind make_surrogate.
std::string surrogate_pattern_value(const Finding& f, std::string_view surface, std::uint64_t seed);
std::string surrogate_person(const Finding& f, std::string_view surface, std::uint64_t seed);

}  // namespace dpa::anonymize

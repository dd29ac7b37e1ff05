// Dictionaries of the pseudonymizer, compiled in from anonymize/data/.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "dpa/embedded.h"

namespace dpa {
// Every file of anonymize/data/, names relative to it ("names/ru_given.txt").
std::span<const EmbeddedFile> anonymize_data_files();
}  // namespace dpa

namespace dpa::anonymize {
// The data file called `name`, if any.
inline std::optional<std::string_view> find_data_file(std::string_view name) {
  for (const auto& f : anonymize_data_files()) {
    if (name == f.name) return f.view();
  }
  return std::nullopt;
}
}  // namespace dpa::anonymize

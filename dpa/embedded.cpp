#include "dpa/embedded.h"

namespace dpa {

std::optional<std::string_view> find_embedded(std::string_view name) {
  for (const auto& file : embedded_files()) {
    if (name == file.name) return file.view();
  }
  return std::nullopt;
}

}  // namespace dpa

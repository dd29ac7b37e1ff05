// Data files compiled into the binary (policies/, calendars, dictionaries).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace dpa {

struct EmbeddedFile {
  const char* name;   // path relative to its source folder, e.g. "upstat.toml"
  const char* data;
  std::size_t size;
  std::string_view view() const { return {data, size}; }
};

// Every file of policies/, in name order.
std::span<const EmbeddedFile> embedded_files();

// The embedded file called `name`, if any.
std::optional<std::string_view> find_embedded(std::string_view name);

}  // namespace dpa

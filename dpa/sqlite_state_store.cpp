#include "dpa/sqlite_state_store.h"

#include <cctype>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/file_lock.h"
#include "dpa/sql_state_store.h"

namespace dpa {

std::unique_ptr<StateStore> open_sqlite_state_store(const std::filesystem::path& file,
                                                    const SqliteOptions& options) {
  auto db = open_sqlite_database(file, options);
  const std::filesystem::path dir = file.parent_path() / "locks";
  return make_sql_state_store(std::move(db), [dir](const std::string& name, const std::string& what,
                                                   std::string* holder) {
    // <home>/locks/<name>.lock, the name percent-encoded so that every name
    // is one file name of its own.
    std::string base;
    for (unsigned char c : name) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') base += static_cast<char>(c);
      else base += fmt::format("%{:02X}", c);
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw WorkspaceError(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    return try_file_lock(dir / (base + ".lock"), what, holder);
  });
}

}  // namespace dpa

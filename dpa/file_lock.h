// An flock(2) on a file, with the holder's description written into it: the
// kernel drops the lock when the holder dies, even by SIGKILL, so a killed
// process never leaves a stale lock behind.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "dpa/state_store.h"

namespace dpa {

// Locks `file` (created 0600 if missing) without waiting. nullptr if another
// process holds it, with its description ("dpa retention sweep by pid 7 on
// host since ...") in *holder. Throws WorkspaceError if the file cannot be
// opened.
std::unique_ptr<HeldLock> try_file_lock(const std::filesystem::path& file, const std::string& what,
                                        std::string* holder);

// The line a lock holder leaves for the others to read.
std::string lock_holder_line(const std::string& what);

}  // namespace dpa

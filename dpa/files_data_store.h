// DataStore on a folder of files (a [[store]] of kind "files"), one record
// per file whose path under the root matches the dataset's layout.
//
// A file's creation time is its modification time when that falls in the
// period its layout's date folders name ({yyyy}/{mm}/{dd}), else the end of
// that period (never earlier: a file is not deleted before its folder says
// it could be); without date folders, its modification time. Symbolic links
// are never followed nor erased.
#pragma once

#include <memory>

#include "dpa/data_store.h"

namespace dpa {

std::unique_ptr<DataStore> open_files_data_store(const StoreSpec& s);

}  // namespace dpa

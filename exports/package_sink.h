// Where the files of a bag are written: a zip or tar archive (libarchive),
// or a plain folder. Nothing appears at the final path until commit(): the
// package is written under a hidden temporary name in the same folder and
// renamed at the end, so an interrupted export leaves no half-written
// package behind (the destructor removes the temporary files).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace dpa::exports {

enum class PackageFormat { kZip, kTar, kDir };

std::string to_string(PackageFormat f);  // "zip"
// Throws UsageError naming the formats.
PackageFormat parse_package_format(std::string_view text);

class PackageSink {
 public:
  virtual ~PackageSink() = default;
  // Starts the file at `path`, relative to the bag ("data/x.csv"). An
  // archive needs its size in advance (a folder does not).
  // `compressible`: whether deflating it is worth the time (zip only).
  virtual void begin(const std::string& path, std::optional<std::uint64_t> size, bool compressible) = 0;
  virtual void write(const void* data, std::size_t n) = 0;
  virtual void end() = 0;
  // Adds a finished file from the scratch folder at `path`; a folder
  // package moves it into place, an archive copies it in.
  virtual void add_spooled(const std::string& path, const std::filesystem::path& file, bool compressible);
  // Finishes the package and renames it to its final path. Throws
  // InputError if something appeared at the final path meanwhile.
  virtual void commit() = 0;
  // A folder for temporary files of the writer, removed with the sink.
  virtual const std::filesystem::path& scratch_dir() const = 0;
  // Bytes of the package so far (the archive file, or the files written).
  virtual std::uint64_t written() const = 0;
};

// Opens a sink writing a package of `format` to `out`. The bag's folder
// inside an archive is named after `out` without its extension. Throws
// InputError if `out` exists or its folder does not.
std::unique_ptr<PackageSink> open_package_sink(PackageFormat format, const std::filesystem::path& out);

// The bag's name for `out`: "acme-2026.zip" -> "acme-2026".
std::string bag_name_for(const std::filesystem::path& out);

}  // namespace dpa::exports

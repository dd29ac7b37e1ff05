// Large zero-filled buffers straight from the kernel: anonymous mappings,
// aligned to 2 MiB and offered transparent huge pages when they are that
// large. The pseudonymizer's output spool and its tag table hold tens of
// megabytes for a long document; faulted in 4 KiB at a time they cost a
// trap into the kernel per page (a tenth of a run's time on a 64 MB
// input), and a table zeroed by the kernel needs no zeroing of its own.
#pragma once

#include <cstddef>

namespace dpa::anonymize {

class ZeroedPages {
 public:
  ZeroedPages() = default;
  // At least `bytes` of zeros. With `populate`, every page is filled in
  // now, in one call, rather than at its first write. Throws
  // std::bad_alloc when the system has no memory to map.
  explicit ZeroedPages(std::size_t bytes, bool populate = false);
  ~ZeroedPages();
  ZeroedPages(ZeroedPages&& other) noexcept;
  ZeroedPages& operator=(ZeroedPages&& other) noexcept;
  ZeroedPages(const ZeroedPages&) = delete;
  ZeroedPages& operator=(const ZeroedPages&) = delete;

  char* data() const { return data_; }
  std::size_t size() const { return size_; }  // usable bytes: `bytes` rounded up to whole pages

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace dpa::anonymize

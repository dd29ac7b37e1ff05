// Large zero-filled buffers straight from the kernel: anonymous mappings.
// The pseudonymizer's output spool and its tag table hold tens of
// megabytes for a long document; the spool is filled in with one call
// (faulted in 4 KiB at a time it cost a trap into the kernel per page, a
// tenth of a run's time on a 64 MB input), and a table zeroed by the kernel
// needs no zeroing of its own.
//
// No transparent huge pages are asked for (MADV_HUGEPAGE). With them the
// kernel compacts memory to find each 2 MiB page whenever free memory is
// fragmented, as it is on a virtual machine whose host takes back freed
// memory: a 64 MB run of `dpa anonymize` then spent 0.19-0.33 s in the
// kernel, against 0.07-0.12 s with 4 KiB pages (6 ms against 30 ms when the
// memory was warm). Where the system gives huge pages to every mapping, it
// still does, without compacting for them.
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

  // Makes room for at least `bytes`, keeping the contents: the kernel
  // moves the pages (mremap), nothing is copied, and the new part is
  // zeros. data() may change. Throws std::bad_alloc.
  void grow(std::size_t bytes);

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace dpa::anonymize

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <utility>

#include "anonymize/zeroed_pages.h"

using dpa::anonymize::ZeroedPages;

namespace {

bool all_zero(const char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("zeroed pages: small and large buffers come zeroed, whole pages, writable", "[operators]") {
  for (bool populate : {false, true}) {
    for (std::size_t bytes : {std::size_t{1}, std::size_t{4096}, std::size_t{70000}, std::size_t{2} << 20,
                              (std::size_t{5} << 20) + 3}) {
      INFO(bytes << " bytes, populate " << populate);
      ZeroedPages pages(bytes, populate);
      REQUIRE(pages.data() != nullptr);
      CHECK(pages.size() >= bytes);
      CHECK(pages.size() % 4096 == 0);
      CHECK(pages.size() < bytes + 4096);  // whole pages, no more
      CHECK(reinterpret_cast<std::uintptr_t>(pages.data()) % 4096 == 0);
      CHECK(all_zero(pages.data(), pages.size()));
      std::memset(pages.data(), 0x5A, pages.size());
      CHECK(pages.data()[pages.size() - 1] == 0x5A);
    }
  }
  ZeroedPages none(0);
  CHECK(none.data() == nullptr);
  CHECK(none.size() == 0);
}

TEST_CASE("zeroed pages move: the mapping changes owner and is unmapped once", "[operators]") {
  ZeroedPages a(std::size_t{3} << 20);
  a.data()[100] = 7;
  char* at = a.data();
  ZeroedPages b(std::move(a));
  CHECK(a.data() == nullptr);
  CHECK(a.size() == 0);
  CHECK(b.data() == at);
  CHECK(b.data()[100] == 7);
  ZeroedPages c(4096);
  c = std::move(b);
  CHECK(c.data() == at);
  CHECK(c.data()[100] == 7);
  c = ZeroedPages(8192);
  CHECK(c.size() == 8192);
  CHECK(all_zero(c.data(), c.size()));
}

TEST_CASE("zeroed pages grow in place or moved, keeping their bytes, the new part zeroed", "[operators]") {
  ZeroedPages pages;
  pages.grow(100);  // from nothing: a fresh mapping
  REQUIRE(pages.data() != nullptr);
  CHECK(pages.size() == 4096);
  std::memset(pages.data(), 0x11, pages.size());
  std::size_t before = pages.size();
  for (std::size_t bytes : {std::size_t{5000}, std::size_t{1} << 20, std::size_t{9} << 20}) {
    INFO("to " << bytes);
    pages.grow(bytes);
    CHECK(pages.size() >= bytes);
    CHECK(pages.size() % 4096 == 0);
    CHECK(pages.data()[0] == 0x11);
    CHECK(pages.data()[before - 1] == 0x11);
    CHECK(all_zero(pages.data() + before, pages.size() - before));
    std::memset(pages.data() + before, 0x11, pages.size() - before);
    before = pages.size();
  }
  char* at = pages.data();
  pages.grow(100);  // already large enough: nothing moves
  CHECK(pages.data() == at);
  CHECK(pages.size() == before);
}

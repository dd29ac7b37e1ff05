// What replaces a finding: tag, token, surrogate, mask or redact.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "anonymize/entity.h"
#include "anonymize/zeroed_pages.h"

namespace dpa::anonymize {

enum class OperatorKind : std::uint8_t {
  kTag,        // [PHONE_1], numbered per document
  kToken,      // <PHONE:3f9a1c>, keyed per tenant, reversible through the vault
  kSurrogate,  // a realistic fake, reversible through the vault
  kMask,       // +7 701 *** ** 67
  kRedact,     // removed
};

std::string_view operator_name(OperatorKind k);
// Throws InputError listing the operators.
OperatorKind parse_operator(std::string_view name);
// Whether the operator stores originals in the vault.
inline bool needs_vault(OperatorKind k) {
  return k == OperatorKind::kToken || k == OperatorKind::kSurrogate;
}

// The operator per entity type: one default, overridden per type.
class OperatorPlan {
 public:
  explicit OperatorPlan(OperatorKind default_kind = OperatorKind::kTag) {
    by_type_.fill(default_kind);
  }
  // "token" or "PHONE=mask,PERSON=surrogate,token" (a bare name sets the default).
  static OperatorPlan parse(std::string_view spec);
  void set(EntityType t, OperatorKind k) { by_type_[static_cast<std::size_t>(t)] = k; }
  void set_all(OperatorKind k) { by_type_.fill(k); }
  OperatorKind for_type(EntityType t) const { return by_type_[static_cast<std::size_t>(t)]; }
  bool uses_vault() const;
  // "tag", or "PHONE=mask,..." when types differ: for reports and transfer records.
  std::string describe() const;

 private:
  std::array<OperatorKind, kEntityTypeCount> by_type_{};
};

// Tag numbering within one document: one number per (type, normalized value).
//
// A document may be a whole multi-gigabyte text with a tag for every
// finding, so the numbers live in one open-addressing table of hashes
// whose keys sit in a single arena: no allocation per finding, and one
// cache line per look-up in the common case.
class TagNumbering {
 public:
  std::string tag(const Finding& f);
  // The longest tag: "[PASSPORT_268435455]" (type names have at most 8
  // letters, numbers at most 28 bits).
  static constexpr std::size_t kMaxTagBytes = 20;
  // Writes the tag at `out` and returns its end. `out` must have room for
  // kMaxTagBytes, which may be written past the tag's end. `hash` =
  // key_hash(f), computed ahead for prefetch().
  char* write_tag(const Finding& f, std::uint64_t hash, char* out);
  static std::uint64_t key_hash(const Finding& f);
  // Starts loading the table slot of a key whose tag is wanted soon: a
  // long document's table outgrows the caches, and a renderer that asks a
  // few findings ahead hides the misses.
  void prefetch(std::uint64_t hash) const {
    if (slot_count_) __builtin_prefetch(&slots_[static_cast<std::size_t>(hash) & (slot_count_ - 1)]);
  }
  void reset();

 private:
  // 16 bytes: the number (28 bits, 0 = empty) and where the key starts in
  // keys_ (36 bits); a key there is its type, its length (4 bytes) and the
  // normalized value.
  struct Slot {
    std::uint64_t hash = 0;
    std::uint64_t packed = 0;
    std::uint32_t number() const { return static_cast<std::uint32_t>(packed & kNumberMask); }
    std::uint64_t key_at() const { return packed >> 28; }
  };
  static constexpr std::uint64_t kNumberMask = (std::uint64_t{1} << 28) - 1;
  std::uint32_t number(const Finding& f, std::uint64_t hash);
  void grow();

  // The table lives in pages the kernel zeroes (an all-zero slot is
  // empty), filled in when it grows: the rehash writes all over it at once,
  // and a long document's table of tens of megabytes then costs one call,
  // not a page fault per page, and no zeroing of its own.
  ZeroedPages slot_pages_;
  Slot* slots_ = nullptr;
  std::size_t slot_count_ = 0;  // a power of two
  std::vector<std::uint32_t> filled_;  // indexes of the used slots, for reset()
  std::size_t used_ = 0;
  // The keys, one after another: pages that grow without a copy (a long
  // document's keys reach megabytes, and a string's doubling copied them
  // into fresh pages each time: a quarter of a run's page faults).
  ZeroedPages key_pages_;
  std::size_t key_bytes_ = 0;
  std::array<std::uint32_t, kEntityTypeCount> next_{};
};

// The masked form of `surface`: digits and letters hidden except those that
// identify the kind of value rather than the person (a phone's country and
// operator code and last two digits, an e-mail's first letter and domain, a
// card's last four digits, a name's initials).
std::string mask(const Finding& f, std::string_view surface);

}  // namespace dpa::anonymize

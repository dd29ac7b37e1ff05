// What replaces a finding: tag, token, surrogate, mask or redact.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "anonymize/entity.h"

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
class TagNumbering {
 public:
  std::string tag(const Finding& f);
  // Appends tag(f) to `out`, without a temporary string.
  void append_tag(const Finding& f, std::string& out);
  void reset() { numbers_.clear(); next_.fill(0); }

 private:
  std::unordered_map<std::string, int> numbers_;
  std::string key_;  // reused: a value seen before costs no allocation
  std::array<int, kEntityTypeCount> next_{};
};

// The masked form of `surface`: digits and letters hidden except those that
// identify the kind of value rather than the person (a phone's country and
// operator code and last two digits, an e-mail's first letter and domain, a
// card's last four digits, a name's initials).
std::string mask(const Finding& f, std::string_view surface);

}  // namespace dpa::anonymize

// The pseudonym vault: what `token` and `surrogate` replaced, kept so that
// `dpa reidentify` can restore it, encrypted with the tenant's key.
//
// A *value* is one entity (a type and a normalized value: one phone number,
// one person across inflected forms); a tenant's vault holds each distinct
// value once, keyed by its keyed hash, with a token base unique in the
// tenant ("3f9a1c", longer on a collision). Each distinct written *form* of
// the value is a variant (1, 2, ...) so that text comes back byte for byte:
// the first form's token is <PHONE:3f9a1c>, a second form's <PHONE:3f9a1c.2>.
//
// Concurrency: many processes may pseudonymize for one tenant at once. New
// values and forms are written in one transaction per batch, and what the
// database holds after it wins, so every process renders the same token for
// the same form. Destroying the tenant key makes every entry unreadable and
// every hash unlinkable.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "anonymize/entity.h"
#include "dpa/secret_key.h"

namespace dpa {
class StateStore;
}

namespace dpa::anonymize {

struct VaultItem {
  const Finding* finding;
  std::string_view surface;
  bool wants_surrogate = false;  // rendered by `surrogate` (else by `token`)
};

class Vault {
 public:
  // Forms kept in memory between batches, per generation (two generations:
  // about twice this many at most), so that memory stays bounded however
  // long the input; a form that fell out is looked up again.
  static constexpr std::size_t kCachedForms = 1 << 17;

  Vault(StateStore& store, std::string tenant_id, int key_id, const SecretKey& tenant_key);

  // Makes sure every item has its vault entries, written durably in one
  // transaction for those not cached yet, before any of them is rendered.
  void prepare(std::span<const VaultItem> items);

  // After prepare(): the token or surrogate text of an item.
  std::string token(const Finding& f, std::string_view surface) const;
  std::string surrogate(const Finding& f, std::string_view surface) const;

  // Restoring. Token lookup is by token base (case-insensitive) and variant;
  // surrogate lookup by the surrogate's written form, exact or case-folded.
  std::optional<std::string> original_for_token(EntityType type, std::string_view token_base,
                                                int variant);
  std::optional<std::string> original_for_surrogate(std::string_view surface);

  std::int64_t new_values() const { return new_values_; }

 private:
  struct FormEntry {
    std::string token;
    std::string surrogate;  // "" until an item asked for it
  };
  // The in-memory cache key of a form: its type and written form.
  static std::string cache_key(EntityType type, std::string_view surface);
  const FormEntry* cached(const std::string& key);
  FormEntry store_form(const VaultItem& item, const std::string& now_text);

  std::string value_hash(const Finding& f) const;
  std::string surface_hash(EntityType type, std::string_view surface) const;
  std::string surrogate_hash(std::string_view surface) const;
  std::uint64_t surrogate_seed(const Finding& f) const;
  std::vector<unsigned char> seal(std::string_view plaintext, const std::string& value_hash, int variant) const;
  std::optional<std::string> open(const std::vector<unsigned char>& sealed, const std::string& value_hash,
                                  int variant) const;

  StateStore& store_;
  std::string tenant_id_;
  int key_id_;
  SecretKey token_key_;
  SecretKey vault_key_;
  SecretKey surrogate_key_;
  std::unordered_map<std::string, FormEntry> cache_;     // current generation
  std::unordered_map<std::string, FormEntry> previous_;  // the one before
  std::unordered_map<std::string, int> batch_variants_;  // value hash -> last variant, within one prepare()
  std::int64_t new_values_ = 0;
};

// "<PHONE:3f9a1c>" for the first form of a value, "<PHONE:3f9a1c.2>" for the second.
std::string render_token(EntityType type, std::string_view token_base, int variant);

}  // namespace dpa::anonymize

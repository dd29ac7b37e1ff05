#include "anonymize/vault.h"

#include <fmt/format.h>

#include "anonymize/surrogate.h"
#include "anonymize/token.h"
#include "dpa/error.h"
#include "dpa/sealed_box.h"
#include "dpa/state_store.h"
#include "dpa/time.h"

namespace dpa::anonymize {
namespace {

constexpr std::size_t kTokenBaseLength = 6;

std::string associated_data(const std::string& tenant, const std::string& value_hash, int variant) {
  std::string ad = "dpa vault v1";
  ad.push_back('\0');
  ad += tenant;
  ad.push_back('\0');
  ad += value_hash;
  ad.push_back('\0');
  ad += std::to_string(variant);
  return ad;
}

}  // namespace

std::string render_token(EntityType type, std::string_view token_base, int variant) {
  if (variant <= 1) return fmt::format("<{}:{}>", entity_type_name(type), token_base);
  return fmt::format("<{}:{}.{}>", entity_type_name(type), token_base, variant);
}

Vault::Vault(StateStore& store, std::string tenant_id, int key_id, const SecretKey& tenant_key)
    : store_(store),
      tenant_id_(std::move(tenant_id)),
      key_id_(key_id),
      token_key_(tenant_key.derive(KeyPurpose::kTokens)),
      vault_key_(tenant_key.derive(KeyPurpose::kVault)),
      surrogate_key_(tenant_key.derive(KeyPurpose::kSurrogates)) {}

std::string Vault::value_hash(const Finding& f) const {
  std::string m = "value";
  m.push_back('\0');
  m += entity_type_name(f.type);
  m.push_back('\0');
  m += f.normalized;
  return token_key_.keyed_hash_hex(m);
}

std::string Vault::surface_hash(EntityType type, std::string_view surface) const {
  std::string m = "form";
  m.push_back('\0');
  m += entity_type_name(type);
  m.push_back('\0');
  m += surface;
  return token_key_.keyed_hash_hex(m);
}

std::string Vault::surrogate_hash(std::string_view surface) const {
  std::string m = "surrogate";
  m.push_back('\0');
  m += surface;
  return token_key_.keyed_hash_hex(m);
}

std::uint64_t Vault::surrogate_seed(const Finding& f) const {
  std::string m = std::string(entity_type_name(f.type)) + '\0' + f.normalized;
  std::string h = surrogate_key_.keyed_hash_hex(m);
  return std::stoull(h.substr(0, 16), nullptr, 16);
}

std::vector<unsigned char> Vault::seal(std::string_view plaintext, const std::string& vh, int variant) const {
  return seal_value(vault_key_, plaintext, associated_data(tenant_id_, vh, variant));
}

std::optional<std::string> Vault::open(const std::vector<unsigned char>& sealed, const std::string& vh,
                                       int variant) const {
  return open_value(vault_key_, sealed, associated_data(tenant_id_, vh, variant));
}

void Vault::prepare(std::span<const VaultItem> items) {
  struct Pending {
    const VaultItem* item;
    std::string surface_hash;
  };
  std::vector<Pending> misses;
  for (const auto& item : items) {
    std::string sh = surface_hash(item.finding->type, item.surface);
    auto it = cache_.find(sh);
    if (it != cache_.end()) continue;
    misses.push_back({&item, std::move(sh)});
  }
  if (misses.empty()) return;

  const std::string now_text = format_utc(now());
  store_.transaction([&] {
    for (const auto& miss : misses) {
      if (cache_.count(miss.surface_hash)) continue;  // an earlier item of this batch had the same form
      const Finding& f = *miss.item->finding;
      std::string vh = value_hash(f);

      // The value: its token base is the shortest unused prefix of a keyed
      // hash of the value, so it is stable across runs and processes.
      auto value = store_.vault_value(tenant_id_, vh);
      if (!value) {
        std::string digest = token_key_.keyed_hash_hex("token:" + vh);
        for (std::size_t len = kTokenBaseLength; len <= digest.size(); len += 2) {
          VaultValueRecord v{tenant_id_, vh, std::string(entity_type_name(f.type)),
                             digest.substr(0, len), key_id_, now_text};
          if (store_.insert_vault_value(v)) break;
        }
        value = store_.vault_value(tenant_id_, vh);
        if (!value) throw Error(ExitStatus::kInternal, "vault: no free token for a value");
        ++new_values_;
      }

      // The form. Its surrogate is always derived and indexed, whichever
      // operator stored it, so a later `surrogate` run over the same form
      // can be reversed too (the surrogate is deterministic in the seed).
      std::string surrogate_text = make_surrogate(f, miss.item->surface, surrogate_seed(f));
      auto form = store_.vault_form_by_surface(tenant_id_, miss.surface_hash);
      if (!form) {
        auto forms = store_.vault_forms(tenant_id_, vh);
        VaultFormRecord rec;
        rec.tenant_id = tenant_id_;
        rec.value_hash = vh;
        rec.variant = forms.empty() ? 1 : forms.back().variant + 1;
        rec.surface_hash = miss.surface_hash;
        rec.ciphertext = seal(miss.item->surface, vh, rec.variant);
        rec.surrogate_hash = surrogate_hash(surrogate_text);
        rec.surrogate_fold_hash = surrogate_hash(fold(surrogate_text));
        rec.created_at = now_text;
        store_.insert_vault_form(rec);
        form = store_.vault_form_by_surface(tenant_id_, miss.surface_hash);
      }
      if (!form) throw Error(ExitStatus::kInternal, "vault: form vanished after insert");
      cache_[miss.surface_hash] = {render_token(f.type, value->token_base, form->variant), surrogate_text};
    }
  });
}

std::string Vault::token(const Finding& f, std::string_view surface) const {
  auto it = cache_.find(surface_hash(f.type, surface));
  if (it == cache_.end()) throw Error(ExitStatus::kInternal, "vault: token() before prepare()");
  return it->second.token;
}

std::string Vault::surrogate(const Finding& f, std::string_view surface) const {
  auto it = cache_.find(surface_hash(f.type, surface));
  if (it == cache_.end()) throw Error(ExitStatus::kInternal, "vault: surrogate() before prepare()");
  return it->second.surrogate;
}

std::optional<std::string> Vault::original_for_token(EntityType type, std::string_view token_base,
                                                     int variant) {
  std::string base(token_base);
  for (char& c : base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto value = store_.vault_value_by_token(tenant_id_, base);
  if (!value || value->type != entity_type_name(type)) return std::nullopt;
  for (const auto& form : store_.vault_forms(tenant_id_, value->value_hash)) {
    if (form.variant == variant) return open(form.ciphertext, form.value_hash, form.variant);
  }
  return std::nullopt;
}

std::optional<std::string> Vault::original_for_surrogate(std::string_view surface) {
  auto form = store_.vault_form_by_surrogate(tenant_id_, surrogate_hash(surface));
  if (!form) form = store_.vault_form_by_surrogate_fold(tenant_id_, surrogate_hash(fold(surface)));
  if (!form) return std::nullopt;
  return open(form->ciphertext, form->value_hash, form->variant);
}

}  // namespace dpa::anonymize

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

std::string Vault::cache_key(EntityType type, std::string_view surface) {
  std::string key;
  key.reserve(surface.size() + 1);
  key.push_back(static_cast<char>('A' + static_cast<int>(type)));
  key.append(surface);
  return key;
}

const Vault::FormEntry* Vault::cached(const std::string& key) {
  if (auto it = cache_.find(key); it != cache_.end()) return &it->second;
  auto old = previous_.find(key);
  if (old == previous_.end()) return nullptr;
  auto [it, inserted] = cache_.emplace(key, std::move(old->second));
  previous_.erase(old);
  return &it->second;
}

void Vault::prepare(std::span<const VaultItem> items) {
  // Two generations approximate an LRU: what the last generation saw and
  // this one sees again is promoted; the rest is dropped at the next turn.
  if (cache_.size() >= kCachedForms) {
    previous_ = std::move(cache_);
    cache_.clear();
  }
  auto satisfied = [](const FormEntry* e, const VaultItem& item) {
    return e && (!item.wants_surrogate || !e->surrogate.empty());
  };
  std::vector<std::pair<const VaultItem*, std::string>> misses;
  for (const auto& item : items) {
    std::string key = cache_key(item.finding->type, item.surface);
    if (satisfied(cached(key), item)) continue;
    misses.emplace_back(&item, std::move(key));
  }
  if (misses.empty()) return;

  // Everything new in this batch is written in one transaction, committed
  // (synchronous=FULL) before the caller renders a single token of it, and
  // enters the cache only after the commit.
  const std::string now_text = format_utc(now());
  std::unordered_map<std::string, FormEntry> written;
  batch_variants_.clear();
  store_.transaction([&] {
    for (const auto& [item, key] : misses) {
      auto done = written.find(key);
      if (done != written.end() && satisfied(&done->second, *item)) continue;  // an earlier item had the same form
      written[key] = store_form(*item, now_text);
    }
  });
  for (auto& [key, entry] : written) cache_[key] = std::move(entry);
}

Vault::FormEntry Vault::store_form(const VaultItem& item, const std::string& now_text) {
  const Finding& f = *item.finding;
  const std::string sh = surface_hash(f.type, item.surface);
  const std::string vh = value_hash(f);

  // The value: its token base is the shortest unused prefix of a keyed hash
  // of the value, so it is stable across runs and processes. The caller
  // holds the write lock (BEGIN IMMEDIATE): what is read here is what
  // every other writer will find.
  std::string token_base;
  bool new_value = false;
  if (auto value = store_.vault_value(tenant_id_, vh)) {
    token_base = value->token_base;
  } else {
    std::string digest = token_key_.keyed_hash_hex("token:" + vh);
    for (std::size_t len = kTokenBaseLength; len <= digest.size() && token_base.empty(); len += 2) {
      VaultValueRecord v{tenant_id_, vh, std::string(entity_type_name(f.type)), digest.substr(0, len), key_id_,
                         now_text};
      if (store_.insert_vault_value(v)) token_base = v.token_base;
    }
    if (token_base.empty()) throw Error(ExitStatus::kInternal, "vault: no free token for a value");
    new_value = true;
    ++new_values_;
  }

  // The form. Its surrogate is derived (libphonenumber and the name
  // dictionaries make that the costliest step) and indexed only when an
  // item is rendered as a surrogate; a form stored by `token` gets its
  // surrogate index on the first `surrogate` run over it, so every
  // surrogate ever released can be reversed.
  FormEntry entry;
  std::string surrogate_hash_text, surrogate_fold_hash_text;
  if (item.wants_surrogate) {
    entry.surrogate = make_surrogate(f, item.surface, surrogate_seed(f));
    surrogate_hash_text = surrogate_hash(entry.surrogate);
    surrogate_fold_hash_text = surrogate_hash(fold(entry.surrogate));
  }
  int variant = 0;
  if (auto form = store_.vault_form_by_surface(tenant_id_, sh)) {
    variant = form->variant;
    if (item.wants_surrogate && form->surrogate_hash.empty()) {
      store_.set_vault_form_surrogate(tenant_id_, sh, surrogate_hash_text, surrogate_fold_hash_text);
    }
  } else {
    auto last = batch_variants_.find(vh);
    int previous = last != batch_variants_.end() ? last->second
                   : new_value                   ? 0
                                                 : store_.vault_last_variant(tenant_id_, vh);
    VaultFormRecord rec;
    rec.tenant_id = tenant_id_;
    rec.value_hash = vh;
    rec.variant = previous + 1;
    rec.surface_hash = sh;
    rec.ciphertext = seal(item.surface, vh, rec.variant);
    rec.surrogate_hash = surrogate_hash_text;
    rec.surrogate_fold_hash = surrogate_fold_hash_text;
    rec.created_at = now_text;
    store_.insert_vault_form(rec);
    batch_variants_[vh] = rec.variant;
    variant = rec.variant;
  }
  entry.token = render_token(f.type, token_base, variant);
  return entry;
}

std::string Vault::token(const Finding& f, std::string_view surface) const {
  auto it = cache_.find(cache_key(f.type, surface));
  if (it == cache_.end()) throw Error(ExitStatus::kInternal, "vault: token() before prepare()");
  return it->second.token;
}

std::string Vault::surrogate(const Finding& f, std::string_view surface) const {
  auto it = cache_.find(cache_key(f.type, surface));
  if (it == cache_.end() || it->second.surrogate.empty()) {
    throw Error(ExitStatus::kInternal, "vault: surrogate() before prepare()");
  }
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

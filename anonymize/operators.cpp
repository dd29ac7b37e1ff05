#include "anonymize/operators.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <new>
#include <type_traits>
#include <functional>
#include <vector>

#include <fmt/format.h>

#include "dpa/error.h"

namespace dpa::anonymize {
namespace {

constexpr std::array<std::string_view, 5> kOperatorNames = {"tag", "token", "surrogate", "mask", "redact"};

bool is_ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

// Replaces every digit at index >= keep_first and < count - keep_last (digit
// positions) with '*', leaving separators.
std::string mask_digits(std::string_view s, int keep_first, int keep_last) {
  int digits = 0;
  for (char c : s) digits += (c >= '0' && c <= '9');
  std::string out(s);
  int seen = 0;
  for (char& c : out) {
    if (c < '0' || c > '9') continue;
    if (seen >= keep_first && seen < digits - keep_last) c = '*';
    ++seen;
  }
  return out;
}

// Keeps the first character of every word; letters and digits after it
// become '*' (one per code point).
std::string mask_words(std::string_view s) {
  std::string out;
  bool at_word_start = true;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = std::min(utf8_length(c), s.size() - i);
    bool letter = n > 1 || is_ascii_alnum(c);
    if (!letter) {
      out.append(s.substr(i, n));
      at_word_start = true;
    } else if (at_word_start) {
      out.append(s.substr(i, n));
      at_word_start = false;
    } else {
      out.push_back('*');
    }
    i += n;
  }
  return out;
}

}  // namespace

std::string_view operator_name(OperatorKind k) { return kOperatorNames[static_cast<std::size_t>(k)]; }

OperatorKind parse_operator(std::string_view name) {
  for (std::size_t i = 0; i < kOperatorNames.size(); ++i) {
    if (name == kOperatorNames[i]) return static_cast<OperatorKind>(i);
  }
  throw InputError(fmt::format("unknown operator '{}'; use tag, token, surrogate, mask or redact", name));
}

OperatorPlan OperatorPlan::parse(std::string_view spec) {
  std::vector<std::string_view> items;
  for (std::size_t start = 0;;) {
    auto comma = spec.find(',', start);
    items.push_back(spec.substr(start, comma == std::string_view::npos ? spec.npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  // The bare item sets the default wherever it stands; typed items override it.
  OperatorPlan plan;
  for (auto item : items) {
    if (item.empty()) throw InputError(fmt::format("empty item in operator list '{}'", spec));
    if (item.find('=') == std::string_view::npos) plan.set_all(parse_operator(item));
  }
  for (auto item : items) {
    auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    auto type = parse_entity_type(item.substr(0, eq));
    if (!type) {
      std::string known;
      for (int i = 0; i < kEntityTypeCount; ++i) {
        known += (i ? ", " : "") + std::string(entity_type_name(static_cast<EntityType>(i)));
      }
      throw InputError(fmt::format("unknown entity type '{}' in operator list; types: {}",
                                   item.substr(0, eq), known));
    }
    plan.set(*type, parse_operator(item.substr(eq + 1)));
  }
  return plan;
}

bool OperatorPlan::uses_vault() const {
  for (auto k : by_type_) {
    if (needs_vault(k)) return true;
  }
  return false;
}

std::string OperatorPlan::describe() const {
  bool uniform = true;
  for (auto k : by_type_) uniform = uniform && k == by_type_[0];
  if (uniform) return std::string(operator_name(by_type_[0]));
  std::string out;
  for (int i = 0; i < kEntityTypeCount; ++i) {
    if (!out.empty()) out += ',';
    out += fmt::format("{}={}", entity_type_name(static_cast<EntityType>(i)), operator_name(by_type_[i]));
  }
  return out;
}

// The values are short (a phone's 12 bytes, a name's few words): a
// multiply-mix over 8-byte blocks costs a third of std::hash's byte loop.
// Only the table's layout depends on it, never a tag's number.
std::uint64_t TagNumbering::key_hash(const Finding& f) {
  __extension__ typedef unsigned __int128 Uint128;
  auto mix = [](std::uint64_t a, std::uint64_t b) {
    Uint128 r = static_cast<Uint128>(a) * b;
    return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
  };
  constexpr std::uint64_t kP0 = 0xa0761d6478bd642full, kP1 = 0xe7037ed1a0b428dbull;
  const char* p = f.normalized.data();
  const std::size_t len = f.normalized.size();
  std::uint64_t h = std::uint64_t{static_cast<std::uint8_t>(f.type)} * 0x9E3779B97F4A7C15ull;
  std::size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = mix(w ^ kP0, h ^ kP1);
  }
  // The last bytes, little-endian, one by one: a memcpy of a variable
  // length is a call into the C library.
  std::uint64_t tail = 0;
  for (std::size_t k = 0; i + k < len; ++k) tail |= std::uint64_t{static_cast<std::uint8_t>(p[i + k])} << (8 * k);
  return mix(h ^ tail ^ kP1, len ^ kP0);
}

std::uint32_t TagNumbering::number(const Finding& f, std::uint64_t hash) {
  if (used_ * 2 >= slot_count_) grow();
  const auto type = static_cast<std::uint8_t>(f.type);
  const std::string_view value = f.normalized;
  const std::size_t mask = slot_count_ - 1;
  for (std::size_t i = static_cast<std::size_t>(hash) & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.number() == 0) {
      std::uint32_t n = ++next_[type];
      if (n > kNumberMask || key_bytes_ >= (std::uint64_t{1} << 36)) {
        throw InputError("one document holds too many distinct entities to number its tags");
      }
      s.hash = hash;
      s.packed = (static_cast<std::uint64_t>(key_bytes_) << 28) | n;
      const std::size_t key_size = 5 + value.size();
      if (key_pages_.size() - key_bytes_ < key_size) {
        key_pages_.grow(std::max({2 * key_pages_.size(), key_bytes_ + key_size, std::size_t{64} << 10}));
      }
      char* key = key_pages_.data() + key_bytes_;
      key[0] = static_cast<char>(type);
      auto size = static_cast<std::uint32_t>(value.size());
      std::memcpy(key + 1, &size, 4);
      std::memcpy(key + 5, value.data(), value.size());
      key_bytes_ += key_size;
      filled_.push_back(static_cast<std::uint32_t>(i));
      ++used_;
      return n;
    }
    if (s.hash == hash) {
      const char* key = key_pages_.data() + s.key_at();
      std::uint32_t size;
      std::memcpy(&size, key + 1, 4);
      if (static_cast<std::uint8_t>(key[0]) == type && std::string_view(key + 5, size) == value) return s.number();
    }
  }
}

void TagNumbering::grow() {
  // Four times larger each time: a long document's table grows to
  // megabytes, and rehashing every key at each doubling cost more than the
  // numbering itself.
  const std::size_t count = slot_count_ == 0 ? 1024 : slot_count_ * 4;
  ZeroedPages pages(count * sizeof(Slot), /*populate=*/true);
  static_assert(std::is_trivially_copyable_v<Slot> && sizeof(Slot) == 16);
  auto* slots = std::launder(reinterpret_cast<Slot*>(pages.data()));
  const std::size_t mask = count - 1;
  // Room for every slot used before the next growth, reserved while empty:
  // the list is never copied as it fills.
  filled_.clear();
  filled_.reserve(count / 2 + 1);
  for (std::size_t k = 0; k < slot_count_; ++k) {
    const Slot& s = slots_[k];
    if (s.number() == 0) continue;
    std::size_t i = static_cast<std::size_t>(s.hash) & mask;
    while (slots[i].number() != 0) i = (i + 1) & mask;
    slots[i] = s;
    filled_.push_back(static_cast<std::uint32_t>(i));
  }
  slot_pages_ = std::move(pages);
  slots_ = slots;
  slot_count_ = count;
}

void TagNumbering::reset() {
  // A JSON line is a document: keep the table's memory, clear only the
  // slots it used.
  for (std::uint32_t i : filled_) slots_[i] = Slot{};
  filled_.clear();
  used_ = 0;
  key_bytes_ = 0;
  next_.fill(0);
}

namespace {

// "[PHONE_" and the like, padded to 16 bytes: a tag's head is copied with
// one fixed-size store, not a call into the C library per tag.
struct TagHead {
  std::array<char, 16> bytes{};
  std::uint8_t size = 0;
};

const std::array<TagHead, kEntityTypeCount>& tag_heads() {
  static const std::array<TagHead, kEntityTypeCount> heads = [] {
    std::array<TagHead, kEntityTypeCount> h{};
    for (int t = 0; t < kEntityTypeCount; ++t) {
      std::string head = "[" + std::string(entity_type_name(static_cast<EntityType>(t))) + "_";
      auto& th = h[static_cast<std::size_t>(t)];
      std::memcpy(th.bytes.data(), head.data(), head.size());  // at most 10 bytes: a name has at most 8
      th.size = static_cast<std::uint8_t>(head.size());
    }
    return h;
  }();
  return heads;
}

}  // namespace

char* TagNumbering::write_tag(const Finding& f, std::uint64_t hash, char* out) {
  static_assert(kMaxTagBytes >= 16, "the head is stored as 16 bytes");
  const std::uint32_t n = number(f, hash);
  const TagHead& head = tag_heads()[static_cast<std::size_t>(f.type)];
  std::memcpy(out, head.bytes.data(), head.bytes.size());
  out += head.size;
  out = std::to_chars(out, out + 10, n).ptr;
  *out++ = ']';
  return out;
}

std::string TagNumbering::tag(const Finding& f) {
  char buf[kMaxTagBytes];
  return std::string(buf, write_tag(f, key_hash(f), buf));
}

std::string mask(const Finding& f, std::string_view surface) {
  switch (f.type) {
    case EntityType::kPhone: {
      // Keep the country and operator codes and the last two digits.
      bool plus = surface.find('+') != std::string_view::npos;
      return mask_digits(surface, plus ? 4 : 4, 2);
    }
    case EntityType::kCard:
      return mask_digits(surface, 0, 4);
    case EntityType::kIban: {
      std::string out(surface);
      int kept = 0;
      for (std::size_t i = 0; i < out.size(); ++i) {
        if (!is_ascii_alnum(static_cast<unsigned char>(out[i]))) continue;
        if (kept++ >= 4) out[i] = '*';
      }
      return out;
    }
    case EntityType::kEmail: {
      auto at = surface.find('@');
      if (at == std::string_view::npos || at == 0) return mask_words(surface);
      return std::string(surface.substr(0, 1)) + std::string(at - 1, '*') + std::string(surface.substr(at));
    }
    case EntityType::kIin:
    case EntityType::kBin:
    case EntityType::kIdCard:
    case EntityType::kPassport:
      return mask_digits(surface, 0, 2);
    case EntityType::kPerson:
      return mask_words(surface);
    default:
      return mask_digits(mask_words(surface), 0, 0);
  }
}

}  // namespace dpa::anonymize

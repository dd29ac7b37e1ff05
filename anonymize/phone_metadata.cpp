#include "anonymize/phone_metadata.h"

#include <dlfcn.h>
#include <phonenumbers/phonenumberutil.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace dpa::anonymize {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// PhoneNumberDesc fields of PhoneMetadata (phonemetadata.proto), in the
// order GetNumberType tries them after the general description.
enum Desc : int {
  kGeneral, kPremiumRate, kTollFree, kSharedCost, kVoip, kPersonalNumber, kPager, kUan, kVoicemail,
  kFixedLine, kMobile, kDescCount,
};
constexpr std::array<std::uint32_t, kDescCount> kDescField = {1, 5, 4, 6, 8, 7, 21, 25, 28, 2, 3};
constexpr std::uint32_t kMetadataField = 1;      // PhoneMetadataCollection.metadata
constexpr std::uint32_t kIdField = 9;            // PhoneMetadata.id
constexpr std::uint32_t kPatternField = 2;       // PhoneNumberDesc.national_number_pattern
constexpr std::uint32_t kPossibleLengthField = 9;

// Protobuf wire format, just enough to walk messages.
class Wire {
 public:
  explicit Wire(std::string_view bytes)
      : p_(reinterpret_cast<const std::uint8_t*>(bytes.data())), end_(p_ + bytes.size()) {}

  // The next field; false at the end or on malformed input (see ok()).
  bool next(std::uint32_t& field, std::uint32_t& type, std::uint64_t& value, std::string_view& bytes) {
    if (p_ == end_) return false;
    std::uint64_t key;
    if (!varint(key)) return fail();
    field = static_cast<std::uint32_t>(key >> 3);
    type = static_cast<std::uint32_t>(key & 7);
    switch (type) {
      case 0: return varint(value) || fail();
      case 1: return skip(8);
      case 5: return skip(4);
      case 2: {
        std::uint64_t len;
        if (!varint(len) || len > static_cast<std::uint64_t>(end_ - p_)) return fail();
        bytes = std::string_view(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(len));
        p_ += len;
        return true;
      }
      default: return fail();
    }
  }
  bool ok() const { return ok_; }

 private:
  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
      std::uint8_t b = *p_++;
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool skip(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) return fail();
    p_ += n;
    return true;
  }
  bool fail() {
    ok_ = false;
    p_ = end_;
    return false;
  }

  const std::uint8_t* p_;
  const std::uint8_t* end_;
  bool ok_ = true;
};

struct DescData {
  bool present = false;
  std::string pattern;
  std::vector<int> lengths;  // possible lengths; empty: any
};

bool read_desc(std::string_view bytes, DescData& d) {
  d.present = true;
  Wire w(bytes);
  std::uint32_t field, type;
  std::uint64_t value;
  std::string_view sub;
  while (w.next(field, type, value, sub)) {
    if (field == kPatternField && type == 2) d.pattern.assign(sub);
    if (field == kPossibleLengthField && type == 0) d.lengths.push_back(static_cast<int>(value));
    if (field == kPossibleLengthField && type == 2) {  // packed
      const auto* p = reinterpret_cast<const std::uint8_t*>(sub.data());
      const auto* end = p + sub.size();
      std::uint64_t v = 0;
      int shift = 0;
      for (; p < end; ++p) {
        v |= static_cast<std::uint64_t>(*p & 0x7F) << shift;
        shift += 7;
        if (!(*p & 0x80)) {
          d.lengths.push_back(static_cast<int>(v));
          v = 0;
          shift = 0;
        }
      }
    }
  }
  return w.ok();
}

// The metadata of region `id` in the collection, or false.
bool read_region(std::string_view collection, std::string_view id, std::array<DescData, kDescCount>& descs) {
  Wire w(collection);
  std::uint32_t field, type;
  std::uint64_t value;
  std::string_view message;
  while (w.next(field, type, value, message)) {
    if (field != kMetadataField || type != 2) continue;
    // The id may come after the descriptions: find it first.
    Wire m(message);
    std::string_view sub, found_id;
    while (m.next(field, type, value, sub)) {
      if (field == kIdField && type == 2) found_id = sub;
    }
    if (!m.ok()) return false;
    if (found_id != id) continue;
    Wire d(message);
    while (d.next(field, type, value, sub)) {
      for (int k = 0; k < kDescCount; ++k) {
        if (field == kDescField[static_cast<std::size_t>(k)] && type == 2 &&
            !read_desc(sub, descs[static_cast<std::size_t>(k)])) {
          return false;
        }
      }
    }
    return d.ok();
  }
  return false;
}

class Region {
 public:
  bool build(const std::array<DescData, kDescCount>& descs) {
    RE2::Options options;
    options.set_log_errors(false);
    set_ = std::make_unique<RE2::Set>(options, RE2::ANCHOR_BOTH);
    for (int k = 0; k < kDescCount; ++k) {
      const DescData& d = descs[static_cast<std::size_t>(k)];
      lengths_[static_cast<std::size_t>(k)] = d.lengths;
      if (!d.present || d.pattern.empty()) continue;  // matches nothing, as in libphonenumber
      if (set_->Add(d.pattern, nullptr) < 0) return false;
      desc_of_.push_back(k);
    }
    if (descs[kGeneral].pattern.empty()) return false;
    return set_->Compile();
  }

  // PhoneNumberUtil::GetNumberTypeHelper, then whether the type is a person's.
  Plus7Verdict judge(std::string_view national) const {
    static thread_local std::vector<int> hits;
    hits.clear();
    if (!set_->Match(re2::StringPiece(national.data(), national.size()), &hits)) return Plus7Verdict::kInvalid;
    const int length = static_cast<int>(national.size());
    std::uint32_t matched = 0;
    for (int h : hits) {
      int k = desc_of_[static_cast<std::size_t>(h)];
      const auto& lengths = lengths_[static_cast<std::size_t>(k)];
      bool length_ok = lengths.empty();
      for (int l : lengths) length_ok = length_ok || l == length;
      if (length_ok) matched |= 1u << k;
    }
    auto any = [&](std::initializer_list<Desc> ds) {
      for (Desc d : ds) {
        if (matched & (1u << d)) return true;
      }
      return false;
    };
    if (!any({kGeneral})) return Plus7Verdict::kInvalid;
    if (any({kPremiumRate, kTollFree, kSharedCost})) return Plus7Verdict::kNotPersonal;
    if (any({kVoip, kPersonalNumber, kPager})) return Plus7Verdict::kPersonal;
    if (any({kUan})) return Plus7Verdict::kNotPersonal;
    if (any({kVoicemail, kFixedLine, kMobile})) return Plus7Verdict::kPersonal;
    return Plus7Verdict::kInvalid;
  }

 private:
  std::unique_ptr<RE2::Set> set_;
  std::vector<int> desc_of_;  // set index → Desc
  std::array<std::vector<int>, kDescCount> lengths_;
};

}  // namespace

Plus7Verdict judge_with_libphonenumber(std::string_view national, bool kazakhstan) {
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  number.set_country_code(7);
  std::uint64_t value = 0;
  for (char c : national) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  number.set_national_number(value);
  if (!util->IsValidNumberForRegion(number, kazakhstan ? "KZ" : "RU")) return Plus7Verdict::kInvalid;
  switch (util->GetNumberType(number)) {
    case PhoneNumberUtil::TOLL_FREE:
    case PhoneNumberUtil::PREMIUM_RATE:
    case PhoneNumberUtil::SHARED_COST:
    case PhoneNumberUtil::UAN: return Plus7Verdict::kNotPersonal;
    default: return Plus7Verdict::kPersonal;
  }
}

namespace {

// libphonenumber's compiled-in metadata (a PhoneMetadataCollection), empty
// when the library does not export it.
std::string_view metadata_blob() {
  void* get_sym = dlsym(RTLD_DEFAULT, "_ZN4i18n12phonenumbers12metadata_getEv");
  void* size_sym = dlsym(RTLD_DEFAULT, "_ZN4i18n12phonenumbers13metadata_sizeEv");
  if (!get_sym || !size_sym) return {};
  using Get = const void* (*)();
  using Size = int (*)();
  Get metadata_get;
  Size metadata_size;
  std::memcpy(&metadata_get, &get_sym, sizeof metadata_get);
  std::memcpy(&metadata_size, &size_sym, sizeof metadata_size);
  int n = metadata_size();
  const void* data = metadata_get();
  if (!data || n <= 0) return {};
  return {static_cast<const char*>(data), static_cast<std::size_t>(n)};
}

std::uint64_t fingerprint(std::string_view blob) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : blob) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

class FastPlus7 final : public Plus7Metadata {
 public:
  // `trust_fingerprint`: skip the check against PhoneNumberUtil for the
  // blob the build verified.
  bool load(bool trust_fingerprint) {
    const std::string_view blob = metadata_blob();
    if (blob.empty()) return false;
    std::array<DescData, kDescCount> kz{}, ru{};
    if (!read_region(blob, "KZ", kz) || !read_region(blob, "RU", ru)) return false;
    if (!kz_.build(kz) || !ru_.build(ru)) return false;
    if (trust_fingerprint && kVerifiedPhoneMetadata != 0 && fingerprint(blob) == kVerifiedPhoneMetadata) return true;
    return agrees_with_libphonenumber();
  }

  Plus7Verdict judge(std::string_view national, bool kazakhstan) const override {
    return (kazakhstan ? kz_ : ru_).judge(national);
  }

 private:
  // Known numbers of every kind, and a few hundred drawn ones.
  bool agrees_with_libphonenumber() const {
    std::vector<std::string> numbers = {"7011234567", "7001234567", "7051234567", "7071234567", "7471234567",
                                        "7711234567", "7771234567", "7781234567", "7031234567", "7091234567",
                                        "7172123456", "7272123456", "7271234567", "7212150681", "7252123456",
                                        "7511234567", "7601234567", "7991234567", "9161234567", "9051234567",
                                        "4951234567", "8121234567", "3512345678", "8001234567", "8041234567",
                                        "8091234567", "9991234567", "3011234567", "4012345678", "7101234567"};
    std::uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int k = 0; k < 300; ++k) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      static constexpr char kLeads[] = "3478977777";
      std::string n(1, kLeads[(x >> 33) % 10]);
      std::uint64_t y = x;
      for (int d = 0; d < 9; ++d) {
        y = y * 6364136223846793005ull + 1442695040888963407ull;
        n += static_cast<char>('0' + (y >> 33) % 10);
      }
      numbers.push_back(n);
    }
    for (const auto& n : numbers) {
      bool kz = n[0] == '7';
      if (judge(n, kz) != judge_with_libphonenumber(n, kz)) return false;
    }
    return true;
  }

  Region kz_, ru_;
};

}  // namespace

const Plus7Metadata* Plus7Metadata::get() {
  static const FastPlus7* instance = [] {
    auto* fast = new FastPlus7();
    if (fast->load(/*trust_fingerprint=*/true)) return fast;
    delete fast;
    return static_cast<FastPlus7*>(nullptr);
  }();
  return instance;
}

std::uint64_t phone_metadata_fingerprint() {
  const std::string_view blob = metadata_blob();
  return blob.empty() ? 0 : fingerprint(blob);
}

std::uint64_t verify_plus7_metadata() {
  FastPlus7 fast;
  if (!fast.load(/*trust_fingerprint=*/false)) return 0;
  return phone_metadata_fingerprint();
}

}  // namespace dpa::anonymize

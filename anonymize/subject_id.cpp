#include "anonymize/subject_id.h"

#include <unicode/idna.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "anonymize/phone_numbers.h"
#include "anonymize/validators.h"
#include "dpa/error.h"

namespace dpa::anonymize {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string digits_of(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d += c;
  }
  return d;
}

// The pre-libphonenumber rule, kept for stored values that do not parse
// (and as the fast path: for +7 it is exactly libphonenumber's E.164).
std::string lenient_phone(std::string_view value) {
  std::string d = digits_of(value);
  if (d.size() == 11 && d[0] == '8') d[0] = '7';
  else if (d.size() == 10 && (d[0] == '7' || d[0] == '6')) d = "7" + d;
  return "+" + d;
}

std::string utf8(const icu::UnicodeString& u) {
  std::string out;
  u.toUTF8String(out);
  return out;
}

// Unicode NFKC with case folding (UAX #15 / ICU "nfkc_cf"), whitespace
// collapsed. Returns nullopt on malformed UTF-8.
std::optional<std::string> fold_text(std::string_view text, bool nfkc) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  if (u.indexOf(static_cast<UChar>(0xFFFD)) >= 0 && text.find("\xEF\xBF\xBD") == std::string_view::npos) {
    return std::nullopt;  // fromUTF8 replaced an invalid sequence
  }
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString folded;
  if (nfkc) {
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status)) throw Error(ExitStatus::kInternal, "ICU: no NFKC_Casefold data");
    folded = n->normalize(u, status);
  } else {
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) throw Error(ExitStatus::kInternal, "ICU: no NFC data");
    folded = n->normalize(u, status);
    folded.foldCase(U_FOLD_CASE_DEFAULT);
    folded = n->normalize(folded, status);
  }
  if (U_FAILURE(status)) return std::nullopt;
  std::string s = utf8(folded);
  // Collapse ASCII white space (NFKC has already mapped the Unicode spaces
  // that have compatibility decompositions to U+0020).
  std::string out;
  bool space = false;
  for (char c : s) {
    if (is_space(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::optional<std::string> idna_ascii(const std::string& domain) {
  UErrorCode status = U_ZERO_ERROR;
  static const std::unique_ptr<icu::IDNA> idna([] {
    UErrorCode s = U_ZERO_ERROR;
    std::unique_ptr<icu::IDNA> p(icu::IDNA::createUTS46Instance(
        UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_NONTRANSITIONAL_TO_UNICODE | UIDNA_CHECK_BIDI, s));
    if (U_FAILURE(s)) throw Error(ExitStatus::kInternal, "ICU: no IDNA UTS #46 data");
    return p;
  }());
  icu::IDNAInfo info;
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  idna->nameToASCII_UTF8(icu::StringPiece(domain.data(), static_cast<int32_t>(domain.size())), sink, info, status);
  if (U_FAILURE(status) || info.hasErrors()) return std::nullopt;
  return out;
}

[[noreturn]] void bad(std::string_view kind, std::string_view value, const std::string& why, const std::string& fix) {
  throw InputError(fmt::format("bad {} '{}': {}; {}", kind, value, why, fix));
}

std::string parse_phone(std::string_view raw) {
  std::string_view v = trim(raw);
  bool plus = false;
  std::string digits;
  for (std::size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c >= '0' && c <= '9') digits += c;
    else if (c == '+' && digits.empty() && !plus) plus = true;
    else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.') continue;
    else bad("phone", raw, fmt::format("unexpected character '{}'", c), "write digits, spaces, dashes or brackets, such as phone:+77011234567");
  }
  if (!plus && digits.size() > 2 && digits.compare(0, 2, "00") == 0) {
    plus = true;
    digits.erase(0, 2);
  }
  auto checked = check_phone(digits, plus);
  if (!checked) {
    bad("phone", raw, "not a valid personal number",
        "write it with its country code, such as phone:+77011234567");
  }
  return checked->e164;
}

std::string parse_email(std::string_view raw) {
  std::string_view v = trim(raw);
  auto at = v.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == v.size()) {
    bad("email", raw, "no local part and domain around '@'", "write it as email:name@example.kz");
  }
  for (char c : v) {
    if (is_space(c) || c == '<' || c == '>' || c == ',' || c == ';') {
      bad("email", raw, "it contains spaces or separators", "give one address, such as email:name@example.kz");
    }
  }
  auto local = fold_text(v.substr(0, at), false);
  auto domain = fold_text(v.substr(at + 1), false);
  if (!local || !domain) bad("email", raw, "not valid UTF-8", "write the address as text");
  auto ascii = idna_ascii(*domain);
  if (!ascii || ascii->find('.') == std::string::npos || ascii->front() == '.' || ascii->back() == '.') {
    bad("email", raw, "the domain is not a valid domain name", "write it as email:name@example.kz");
  }
  return *local + "@" + *ascii;
}

std::string parse_number(std::string_view kind, std::string_view raw, bool (*valid)(std::string_view)) {
  std::string_view v = trim(raw);
  std::string digits;
  for (char c : v) {
    if (c >= '0' && c <= '9') digits += c;
    else if (c == ' ' || c == '-') continue;
    else bad(kind, raw, fmt::format("unexpected character '{}'", c), "write its 12 digits");
  }
  if (digits.size() != 12) bad(kind, raw, fmt::format("{} digits", digits.size()), "write its 12 digits");
  if (!valid(digits)) bad(kind, raw, "the check digit or the date part is wrong", "check the number against the document");
  return digits;
}

std::string parse_name(std::string_view raw) {
  auto folded = fold_text(trim(raw), true);
  if (!folded) bad("name", raw, "not valid UTF-8", "write the name as text");
  if (folded->empty()) bad("name", raw, "it is empty", "write the full name, such as name:Aigerim Seitkali");
  bool letter = std::any_of(folded->begin(), folded->end(), [](char c) {
    return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
  });
  if (!letter) bad("name", raw, "it has no letters", "write the full name, such as name:Aigerim Seitkali");
  return *folded;
}

bool valid_dataset_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string first_utf8_char(std::string_view s) {
  if (s.empty()) return "";
  auto lead = static_cast<unsigned char>(s[0]);
  std::size_t n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  return std::string(s.substr(0, std::min(n, s.size())));
}

}  // namespace

const std::vector<std::string>& subject_kind_names() {
  static const std::vector<std::string> kNames{"phone", "email", "iin", "bin", "name", "key"};
  return kNames;
}

std::string SubjectId::kind_name() const { return subject_kind_names()[static_cast<std::size_t>(kind)]; }

std::string SubjectId::hash_value() const { return kind == SubjectKind::kKey ? dataset + ":" + value : value; }

std::string SubjectId::canonical() const { return kind_name() + ":" + hash_value(); }

std::string SubjectId::masked() const {
  switch (kind) {
    case SubjectKind::kPhone: {
      if (value.size() < 6) return "***";
      std::string head = value.size() == 12 && value.compare(0, 2, "+7") == 0 ? "+7 " + value.substr(2, 3)
                                                                                 : value.substr(0, 4);
      return head + " *** ** " + value.substr(value.size() - 2);
    }
    case SubjectKind::kEmail: {
      auto at = value.rfind('@');
      return first_utf8_char(value) + "***" + value.substr(at);
    }
    case SubjectKind::kIin:
    case SubjectKind::kBin: return value.substr(0, 4) + "******" + value.substr(10);
    case SubjectKind::kName: {
      std::string out;
      std::size_t i = 0;
      while (i < value.size()) {
        std::size_t end = value.find(' ', i);
        if (end == std::string::npos) end = value.size();
        if (!out.empty()) out += ' ';
        out += first_utf8_char(std::string_view(value).substr(i, end - i)) + ".";
        i = end + 1;
      }
      return out;
    }
    case SubjectKind::kKey: return dataset + ":" + value.substr(0, std::min<std::size_t>(value.size(), 2)) + "***";
  }
  return "***";
}

SubjectId make_subject_id(std::string_view kind, std::string_view value) {
  SubjectId id;
  if (kind == "phone") {
    id.kind = SubjectKind::kPhone;
    id.value = parse_phone(value);
  } else if (kind == "email") {
    id.kind = SubjectKind::kEmail;
    id.value = parse_email(value);
  } else if (kind == "iin") {
    id.kind = SubjectKind::kIin;
    id.value = parse_number("iin", value, valid_iin);
  } else if (kind == "bin") {
    id.kind = SubjectKind::kBin;
    id.value = parse_number("bin", value, valid_bin);
  } else if (kind == "name") {
    id.kind = SubjectKind::kName;
    id.value = parse_name(value);
  } else if (kind == "key") {
    id.kind = SubjectKind::kKey;
    auto colon = value.find(':');
    std::string_view dataset = colon == std::string_view::npos ? std::string_view() : value.substr(0, colon);
    std::string_view key = colon == std::string_view::npos ? std::string_view() : trim(value.substr(colon + 1));
    if (!valid_dataset_name(dataset) || key.empty()) {
      bad("key", value, "not <dataset>:<record key>", "write it as key:calls:c-17");
    }
    id.dataset = std::string(dataset);
    id.value = std::string(key);
  } else {
    throw InputError(fmt::format("unknown identifier kind '{}': write one of {}", kind,
                                 fmt::join(subject_kind_names(), ", ")));
  }
  return id;
}

SubjectId parse_subject_id(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    throw InputError(fmt::format("bad subject '{}': write KIND:VALUE, such as phone:+77011234567 (kinds: {})", text,
                                 fmt::join(subject_kind_names(), ", ")));
  }
  return make_subject_id(trim(text.substr(0, colon)), text.substr(colon + 1));
}

std::string normalize_subject_value(std::string_view kind, std::string_view value) {
  if (kind == "phone") {
    std::string fast = lenient_phone(value);
    if (fast.size() == 12 && fast[1] == '7') return fast;
    try {
      return parse_phone(value);
    } catch (const InputError&) {
      return fast;
    }
  }
  if (kind == "iin" || kind == "bin") return digits_of(value);
  if (kind == "email") {
    // ASCII addresses (nearly all) fold to their ASCII lowercase, whatever
    // the strict parse says: no ICU call on the sweep's hot path.
    std::string_view v = trim(value);
    if (std::all_of(v.begin(), v.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
      std::string s(v);
      for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      return s;
    }
  }
  if (kind == "email" || kind == "name") {
    try {
      return make_subject_id(kind, value).value;
    } catch (const InputError&) {
      std::string s(trim(value));
      for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      return s;
    }
  }
  return std::string(trim(value));
}

}  // namespace dpa::anonymize

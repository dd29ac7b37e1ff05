// libFuzzer target for the JSON Lines path of the pseudonymizer: field
// lookup by byte range (anonymize/json_fields.h), string decoding and
// re-encoding, and the streaming engine in jsonl mode with operators that
// need no vault.
//
// Input that the engine rejects (invalid JSON or UTF-8) must be rejected
// with InputError and nothing else. Input it accepts must come out as the
// same number of lines, each still valid JSON of the same shape (object
// stays object, array stays array), and the same for any chunk size and
// thread count. A string decoded from valid JSON re-encodes to a literal
// that decodes back to it. Any broken invariant aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "anonymize/detector.h"
#include "anonymize/json_fields.h"
#include "anonymize/pseudonymizer.h"
#include "anonymize/stream.h"
#include "anonymize/utf8.h"
#include "dpa/error.h"

namespace {

using namespace dpa::anonymize;

[[noreturn]] void broken(const char* what, std::size_t detail = 0) {
  std::fprintf(stderr, "jsonl_fuzz: invariant broken: %s (%zu)\n", what, detail);
  std::abort();
}

std::vector<std::string_view> lines_of(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) nl = s.size();
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

const Detector& detector() {
  static const Detector d;
  return d;
}

const std::vector<FieldPath>& fields() {
  static const std::vector<FieldPath> f = parse_field_list("text,messages.text,meta.note");
  return f;
}

// nullopt when the engine rejected the input.
std::optional<std::string> run(std::string_view input, std::size_t chunk_bytes, int jobs) {
  PseudonymizeOptions o{StreamOptions{}, OperatorPlan::parse("tag,PHONE=mask,EMAIL=redact,CARD=mask")};
  o.stream.format = InputFormat::kJsonl;
  o.stream.fields = fields();
  o.stream.chunk_bytes = chunk_bytes;
  o.stream.jobs = jobs;
  StringSource in{std::string(input)};
  StringSink out;
  try {
    pseudonymize(in, out, detector(), nullptr, o);
  } catch (const dpa::InputError&) {
    return std::nullopt;
  }
  return out.text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  // Field lookup and string round trips on every valid line.
  for (std::string_view line : lines_of(in)) {
    if (!is_valid_utf8(line) || !nlohmann::json::accept(line)) continue;
    for (const JsonStringSpan& s : find_string_fields(line, fields())) {
      if (s.begin >= s.end || s.end > line.size()) broken("field span outside the line", s.begin);
      if (line[s.begin] != '"' || line[s.end - 1] != '"') broken("field span is not a string literal", s.begin);
      std::string value = decode_json_string(line.substr(s.begin, s.end - s.begin));
      std::string again = encode_json_string(value);
      if (!nlohmann::json::accept(again)) broken("re-encoded string is not JSON", s.begin);
      if (decode_json_string(again) != value) broken("string does not survive encode/decode", s.begin);
    }
  }

  std::optional<std::string> out = run(in, 1 << 20, 1);
  std::optional<std::string> small = run(in, 64, 2);
  if (out.has_value() != small.has_value()) broken("chunk size or threads change whether input is accepted");
  if (!out) return 0;
  if (*out != *small) broken("chunk size or threads change the output");

  std::vector<std::string_view> a = lines_of(in), b = lines_of(*out);
  if (a.size() != b.size()) broken("line count changed", b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank lines pass through
    auto before = nlohmann::json::parse(a[i], nullptr, false);
    auto after = nlohmann::json::parse(b[i], nullptr, false);
    if (after.is_discarded()) broken("output line is not JSON", i);
    if (before.type() != after.type()) broken("output line changed its JSON type", i);
    if (before.is_object() && before.size() != after.size()) broken("output object changed its key count", i);
  }
  return 0;
}

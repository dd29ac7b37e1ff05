// libFuzzer target for the detector and the UTF-8 checks in front of it.
//
// Arbitrary bytes go through the UTF-8 helpers (their own invariants), then
// the text the pipeline would scan (the input if valid, else its U+FFFD
// repair, as --lossy gives it) goes through Detector::detect, with and
// without pseudonym tokens. Any broken invariant aborts, which libFuzzer
// reports as a crash and saves the input.
//
// Detector invariants (anonymize/detector.h): findings are within the text,
// non-empty, on UTF-8 character boundaries (a tag must never split a
// character), sorted by begin, non-overlapping, of a known type, at or above
// the confidence threshold; detect() with and without a scratch buffer agree.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "anonymize/detector.h"
#include "anonymize/utf8.h"

namespace {

using dpa::anonymize::Detector;
using dpa::anonymize::DetectorOptions;
using dpa::anonymize::Finding;

[[noreturn]] void broken(const char* what, std::size_t detail = 0) {
  std::fprintf(stderr, "detector_fuzz: invariant broken: %s (%zu)\n", what, detail);
  std::abort();
}

bool on_boundary(std::string_view s, std::size_t i) {
  return i == 0 || i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
}

void check_findings(std::string_view text, const std::vector<Finding>& found, float min_confidence) {
  std::size_t prev_end = 0;
  for (std::size_t i = 0; i < found.size(); ++i) {
    const Finding& f = found[i];
    if (f.begin >= f.end) broken("empty or reversed finding", i);
    if (f.end > text.size()) broken("finding past the end of the text", i);
    if (i > 0 && f.begin < prev_end) broken("findings unsorted or overlapping", i);
    if (!on_boundary(text, f.begin) || !on_boundary(text, f.end)) broken("finding splits a UTF-8 character", i);
    if (static_cast<int>(f.type) < 0 || static_cast<int>(f.type) >= dpa::anonymize::kEntityTypeCount) {
      broken("unknown entity type", i);
    }
    if (!(f.confidence >= min_confidence) || f.confidence > 1.0f) broken("confidence out of range", i);
    prev_end = f.end;
  }
}

void check_same(const std::vector<Finding>& a, const std::vector<Finding>& b) {
  if (a.size() != b.size()) broken("detect() and detect(scratch) disagree on the count", a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].begin != b[i].begin || a[i].end != b[i].end || a[i].type != b[i].type ||
        a[i].normalized != b[i].normalized) {
      broken("detect() and detect(scratch) disagree", i);
    }
  }
}

const Detector& plain_detector() {
  static const Detector d;
  return d;
}

const Detector& token_detector() {
  static const Detector d([] {
    DetectorOptions o;
    o.pseudonym_tokens = true;
    return o;
  }());
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  // The UTF-8 gate.
  std::size_t prefix = dpa::anonymize::valid_utf8_prefix(in);
  if (prefix > size) broken("valid prefix longer than the input", prefix);
  if (dpa::anonymize::valid_utf8_prefix(in.substr(0, prefix)) != prefix) broken("valid prefix is not valid", prefix);
  bool valid = prefix == size;
  if (valid != dpa::anonymize::is_valid_utf8(in)) broken("is_valid_utf8 disagrees with valid_utf8_prefix");
  std::size_t tail = dpa::anonymize::incomplete_utf8_tail(in);
  if (tail > 3 || tail > size) broken("incomplete tail too long", tail);
  if (valid && tail != 0) broken("complete valid text has an incomplete tail", tail);
  std::string repaired = dpa::anonymize::replace_invalid_utf8(in);
  if (!dpa::anonymize::is_valid_utf8(repaired)) broken("repaired text is not valid UTF-8");
  if (valid && repaired != in) broken("repair changed valid text");

  // Only valid UTF-8 reaches the detector in production.
  std::string_view text = valid ? in : std::string_view(repaired);
  const Detector& d = plain_detector();
  std::vector<Finding> a = d.detect(text);
  check_findings(text, a, d.options().min_confidence);
  dpa::anonymize::DetectScratch scratch;
  std::vector<Finding> b;
  d.detect(text, scratch, b);
  check_same(a, b);
  d.detect(text, scratch, b);  // a warm scratch gives the same answer
  check_same(a, b);

  const Detector& t = token_detector();
  check_findings(text, t.detect(text), t.options().min_confidence);
  return 0;
}

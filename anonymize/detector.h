// The detector: tokenizes once, runs every recognizer over the tokens, and
// resolves overlaps deterministically.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "anonymize/entity.h"
#include "anonymize/recognizer.h"
#include "anonymize/token.h"

namespace dpa::anonymize {

struct DetectorOptions {
  float min_confidence = 0.5f;        // findings below are dropped
  std::vector<EntityType> only;       // empty: every type
  // Also find pseudonym tokens (<PHONE:3f9a1c>, as LLMs give them back:
  // other case, brackets, attached endings), as findings of recognizer
  // "pseudonym.token" whose normalized value is "3f9a1c" or "3f9a1c.2".
  bool pseudonym_tokens = false;
};

// Reusable buffers, one per thread, so detection allocates nothing per call
// once warm.
struct DetectScratch {
  std::vector<Token> tokens;
  std::vector<Finding> raw;
};

class Detector {
 public:
  explicit Detector(DetectorOptions options = {});
  // With exactly these recognizers (for tests and special-purpose scans).
  Detector(DetectorOptions options, std::vector<std::unique_ptr<Recognizer>> recognizers);
  ~Detector();
  Detector(const Detector&) = delete;
  Detector& operator=(const Detector&) = delete;

  // Non-overlapping findings of `text`, sorted by begin. Thread-safe.
  std::vector<Finding> detect(std::string_view text) const;
  void detect(std::string_view text, DetectScratch& scratch, std::vector<Finding>& out) const;

  const DetectorOptions& options() const { return options_; }

 private:
  DetectorOptions options_;
  std::vector<std::unique_ptr<Recognizer>> recognizers_;
};

// Keeps a non-overlapping subset: longest first, then highest confidence,
// then earliest; the result is sorted by begin. Deterministic for any input
// order.
std::vector<Finding> resolve_overlaps(std::vector<Finding> findings);
// The same into `kept` (cleared first, its capacity reused); `findings` is
// left moved from.
void resolve_overlaps_into(std::vector<Finding>& findings, std::vector<Finding>& kept);

}  // namespace dpa::anonymize

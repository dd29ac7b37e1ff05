// What the pattern recognizers find in a text, before overlaps are
// resolved: for the tests of the recognizers one by one.
#pragma once

#include <string_view>
#include <vector>

#include "anonymize/recognizer.h"
#include "anonymize/token.h"

namespace dpa::anonymize::test {

inline std::vector<Finding> scan_patterns(std::string_view text) {
  static const auto recognizers = make_pattern_recognizers();
  std::vector<Token> tokens;
  tokenize(text, tokens);
  std::vector<Finding> out;
  ScanContext ctx{text, tokens};
  for (const auto& r : recognizers) r->find(ctx, out);
  return out;
}

}  // namespace dpa::anonymize::test

// A recognizer finds one family of entities in tokenized text.
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "anonymize/entity.h"
#include "anonymize/token.h"

namespace dpa::anonymize {

struct ScanContext {
  std::string_view text;
  std::span<const Token> tokens;
};

// Implementations are immutable after construction and safe to call from
// many threads at once.
class Recognizer {
 public:
  virtual ~Recognizer() = default;
  virtual std::string_view name() const = 0;
  // Appends findings (any order, overlaps allowed: the engine resolves them).
  virtual void find(const ScanContext& ctx, std::vector<Finding>& out) const = 0;
};

// Digits and patterns: phones (written and spoken), IIN/BIN, IBAN, cards,
// e-mail, IP, URLs, dates of birth, ID cards, passports, plates, addresses.
std::vector<std::unique_ptr<Recognizer>> make_pattern_recognizers();

// Person names in Russian, Kazakh and English.
std::unique_ptr<Recognizer> make_person_recognizer();

// Pseudonym tokens written by the `token` operator, for reidentify.
std::unique_ptr<Recognizer> make_pseudonym_token_recognizer();

}  // namespace dpa::anonymize

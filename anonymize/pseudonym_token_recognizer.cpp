// Finds the tokens of the `token` operator in text that came back from a
// subprocessor. LLMs change case, drop or swap brackets and attach case
// endings ("<PERSON:3f9a1c>у", "«person:3F9A1C»-ға"); all of that is one
// finding, so the ending is replaced together with the token.
#include <re2/re2.h>

#include "anonymize/recognizer.h"

namespace dpa::anonymize {
namespace {

class PseudonymTokenRecognizer final : public Recognizer {
 public:
  PseudonymTokenRecognizer()
      : pattern_(
            R"((?i)(?:[<‹«\[(]\s*)?\b(PERSON|PHONE|EMAIL|IIN|BIN|IBAN|CARD|IP|URL|DOB|ID_CARD|PASSPORT|PLATE|ADDRESS)\s*[:：]\s*([0-9a-f]{6,64})(?:\.(\d{1,4}))?\b(?:\s*([>›»\])])(?:-?\p{Cyrillic}{1,5}|'s)?)?)") {}

  std::string_view name() const override { return "pseudonym.token"; }

  void find(const ScanContext& ctx, std::vector<Finding>& out) const override {
    re2::StringPiece input(ctx.text.data(), ctx.text.size());
    re2::StringPiece whole, type, base, variant, closing;
    while (RE2::FindAndConsume(&input, pattern_, &type, &base, &variant, &closing)) {
      // FindAndConsume leaves `input` just past the match; recover its start
      // from the captures, which lie inside it.
      auto match_end = static_cast<std::size_t>(input.data() - ctx.text.data());
      auto type_begin = static_cast<std::size_t>(type.data() - ctx.text.data());
      std::size_t begin = type_begin;
      // Include an opening bracket and the spaces after it.
      while (begin > 0 && (ctx.text[begin - 1] == ' ' || ctx.text[begin - 1] == '\t')) --begin;
      if (begin > 0 && (ctx.text[begin - 1] == '<' || ctx.text[begin - 1] == '[' || ctx.text[begin - 1] == '(')) {
        --begin;
      } else if (begin >= 2 && (ctx.text.substr(begin - 2, 2) == "\xC2\xAB")) {  // «
        begin -= 2;
      } else if (begin >= 3 && ctx.text.substr(begin - 3, 3) == "\xE2\x80\xB9") {  // ‹
        begin -= 3;
      } else {
        begin = type_begin;  // no bracket: the spaces are not ours
      }
      auto parsed = parse_entity_type(std::string_view(type.data(), type.size()));
      if (!parsed) continue;
      Finding f;
      f.begin = begin;
      f.end = match_end;
      f.type = *parsed;
      f.confidence = 1.0f;
      f.normalized.assign(base.data(), base.size());
      for (char& c : f.normalized) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!variant.empty()) f.normalized += "." + std::string(variant.data(), variant.size());
      f.recognizer = "pseudonym.token";
      out.push_back(std::move(f));
      if (match_end == ctx.text.size()) break;
    }
  }

 private:
  RE2 pattern_;
};

}  // namespace

std::unique_ptr<Recognizer> make_pseudonym_token_recognizer() {
  return std::make_unique<PseudonymTokenRecognizer>();
}

}  // namespace dpa::anonymize

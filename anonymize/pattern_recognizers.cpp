// The pattern recognizer: one walk over the tokens that hands each token to
// the family scanners its kind and its lexicon roles call for. A word costs
// one hash probe; a number, an '@' or a ':' goes to its scanner directly.
// Each family keeps a cursor so that a token it has consumed (the rest of
// a phone number, of a spoken run, of a URL) is not scanned again by it.
#include "anonymize/pattern_scan.h"
#include "anonymize/recognizer.h"

namespace dpa::anonymize {
namespace {

class PatternRecognizer final : public Recognizer {
 public:
  PatternRecognizer() { (void)Lexicon::get(); }  // build the tables now, not on the first text

  std::string_view name() const override { return "patterns"; }

  void find(const ScanContext& ctx, std::vector<Finding>& out) const override {
    PatternScan s(ctx, out);
    const Lexicon& lex = s.lex;
    // Locals, not members of `s`: the scanners take `s` by reference, so
    // its members would be read again from memory after every call.
    const Token* const tok = ctx.tokens.data();
    const std::size_t n = ctx.tokens.size();
    const char* const text = ctx.text.data();
    std::size_t numeric = 0, spoken = 0, url = 0, email = 0, street = 0, month = 0, colon = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const Token& t = tok[i];
      // Words first: they are most of the tokens.
      if (t.kind == TokenKind::kWord) {
        const LexEntry* e = lex.find_trigger(t.fold_hash);
        if (!e) continue;
        std::uint32_t r = e->roles;
        if ((r & kRoleNumber) && i >= spoken) spoken = scan_spoken_number(s, i);
        if ((r & (kRoleUrlStart | kRoleSocialHost)) && i >= url) url = scan_url(s, i);
        if ((r & kRoleEmailAt) && i >= email) email = scan_spoken_at(s, i);
        if ((r & (kRoleStreetPrefix | kRoleStreetSuffix)) && i >= street) street = scan_street_type(s, i);
        if ((r & kRoleMonth) && i >= month) month = scan_month_word(s, i);
      } else if (t.kind == TokenKind::kNumber) {
        if (i >= numeric) numeric = scan_number(s, i);
      } else if (t.kind == TokenKind::kPunct) {
        // A punctuation token is one code point: when its first byte is an
        // ASCII '@' or ':', that byte is the whole token.
        char c = text[t.begin];
        if (c == '@' && i >= email) email = scan_at_sign(s, i);
        // An IPv6 address runs on past its colons: a ':' with a space
        // after ("клиент: ...", a quarter of a million in a chat log) is
        // turned away here, without the call (and before the cursor is
        // read from the stack).
        else if (c == ':' && i + 1 < n && tok[i + 1].begin == t.end && i >= colon) colon = scan_colon(s, i);
      }
    }
  }
};

}  // namespace

std::vector<std::unique_ptr<Recognizer>> make_pattern_recognizers() {
  std::vector<std::unique_ptr<Recognizer>> out;
  out.push_back(std::make_unique<PatternRecognizer>());
  return out;
}

}  // namespace dpa::anonymize

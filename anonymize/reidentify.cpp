#include "anonymize/reidentify.h"

#include "anonymize/vault.h"
#include "dpa/error.h"

namespace dpa::anonymize {

ReidentifyStats reidentify(ByteSource& in, ByteSink& out, const Detector& detector, Vault& vault,
                           const StreamOptions& options) {
  if (!detector.options().pseudonym_tokens) {
    throw Error(ExitStatus::kInternal, "reidentify needs a detector that finds pseudonym tokens");
  }
  ReidentifyStats stats;
  std::string buffer;
  detect_stream(in, detector, options, [&](StreamChunk& chunk) {
    std::string_view text = chunk.piece.text;
    stats.bytes_in += text.size();
    buffer.clear();
    std::size_t cursor = 0;
    for (const auto& f : chunk.piece.findings) {
      std::optional<std::string> original;
      if (f.recognizer == "pseudonym.token") {
        std::string_view base = f.normalized;
        int variant = 1;
        if (auto dot = base.find('.'); dot != std::string_view::npos) {
          variant = std::stoi(std::string(base.substr(dot + 1)));
          base = base.substr(0, dot);
        }
        original = vault.original_for_token(f.type, base, variant);
        if (original) ++stats.tokens_restored;
        else ++stats.tokens_unknown;
      } else {
        original = vault.original_for_surrogate(text.substr(f.begin, f.length()));
        if (original) ++stats.surrogates_restored;
      }
      if (!original) continue;
      buffer.append(text, cursor, f.begin - cursor);
      buffer += *original;
      cursor = f.end;
    }
    buffer.append(text, cursor);
    out.write(buffer);
  });
  return stats;
}

}  // namespace dpa::anonymize

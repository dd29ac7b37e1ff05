#include "anonymize/pseudonymizer.h"

#include "anonymize/vault.h"
#include "dpa/error.h"

namespace dpa::anonymize {
namespace {

class Renderer {
 public:
  Renderer(const OperatorPlan& plan, Vault* vault, PseudonymizeStats& stats)
      : plan_(plan), vault_(vault), stats_(stats) {}

  // Collects what `findings` need from the vault; prepare() then writes it
  // in one transaction per chunk, before anything of the chunk is rendered.
  void collect(std::string_view text, const std::vector<Finding>& findings) {
    if (!vault_) return;
    for (const auto& f : findings) {
      OperatorKind kind = plan_.for_type(f.type);
      if (needs_vault(kind)) {
        items_.push_back({&f, text.substr(f.begin, f.length()), kind == OperatorKind::kSurrogate});
      }
    }
  }
  void prepare() {
    if (vault_) vault_->prepare(items_);
    items_.clear();
  }

  // Replaces `findings` in `text`, appending to `out`; after collect() and
  // prepare() of them.
  void render(std::string_view text, const std::vector<Finding>& findings, std::string& out) {
    // Tag numbers: hash every key first and ask for each table slot a few
    // findings ahead, so the look-ups do not wait on memory one by one.
    hashes_.clear();
    for (const auto& f : findings) {
      hashes_.push_back(plan_.for_type(f.type) == OperatorKind::kTag ? TagNumbering::key_hash(f) : 0);
    }
    constexpr std::size_t kAhead = 8;
    for (std::size_t k = 0; k < kAhead && k < findings.size(); ++k) tags_.prefetch(hashes_[k]);
    std::size_t cursor = 0;
    for (std::size_t k = 0; k < findings.size(); ++k) {
      const Finding& f = findings[k];
      if (k + kAhead < findings.size()) tags_.prefetch(hashes_[k + kAhead]);
      out.append(text.substr(cursor, f.begin - cursor));
      std::string_view surface = text.substr(f.begin, f.length());
      switch (plan_.for_type(f.type)) {
        case OperatorKind::kTag: tags_.append_tag(f, hashes_[k], out); break;
        case OperatorKind::kToken: out += vault_->token(f, surface); break;
        case OperatorKind::kSurrogate: out += vault_->surrogate(f, surface); break;
        case OperatorKind::kMask: out += mask(f, surface); break;
        case OperatorKind::kRedact: break;
      }
      ++stats_.counts[static_cast<std::size_t>(f.type)];
      cursor = f.end;
    }
    out.append(text.substr(cursor));
  }

  void new_document() { tags_.reset(); }

 private:
  const OperatorPlan& plan_;
  Vault* vault_;
  PseudonymizeStats& stats_;
  TagNumbering tags_;
  std::vector<VaultItem> items_;
  std::vector<std::uint64_t> hashes_;  // per finding: its tag key's hash
};

}  // namespace

PseudonymizeStats pseudonymize(ByteSource& in, ByteSink& out, const Detector& detector, Vault* vault,
                               const PseudonymizeOptions& options) {
  if (options.operators.uses_vault() && !vault) {
    throw InputError("the token and surrogate operators need a tenant vault");
  }
  PseudonymizeStats stats;
  Renderer renderer(options.operators, vault, stats);
  std::string buffer;
  const bool jsonl = options.stream.format == InputFormat::kJsonl;
  if (!jsonl) stats.documents = 1;

  detect_stream(in, detector, options.stream, [&](StreamChunk& chunk) {
    buffer.clear();
    if (!jsonl) {
      stats.bytes_in += chunk.piece.text.size();
      renderer.collect(chunk.piece.text, chunk.piece.findings);
      renderer.prepare();
      renderer.render(chunk.piece.text, chunk.piece.findings, buffer);
    } else {
      for (const auto& line : chunk.lines) {
        for (std::size_t i = 0; i < line.spans.size(); ++i) renderer.collect(line.values[i], line.findings[i]);
      }
      renderer.prepare();
      for (auto& line : chunk.lines) {
        renderer.new_document();
        ++stats.documents;
        stats.bytes_in += line.line.size() + (line.newline ? 1 : 0);
        std::size_t cursor = 0;
        for (std::size_t i = 0; i < line.spans.size(); ++i) {
          if (line.findings[i].empty()) continue;  // untouched fields keep their bytes
          const auto& span = line.spans[i];
          buffer.append(line.line, cursor, span.begin - cursor);
          std::string replaced;
          renderer.render(line.values[i], line.findings[i], replaced);
          buffer += encode_json_string(replaced);
          cursor = span.end;
        }
        buffer.append(line.line, cursor);
        if (line.newline) buffer.push_back('\n');
      }
    }
    stats.bytes_out += buffer.size();
    out.write(buffer);
  });
  return stats;
}

}  // namespace dpa::anonymize

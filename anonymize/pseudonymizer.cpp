#include "anonymize/pseudonymizer.h"

#include <algorithm>
#include <cstring>

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
    StringOut o{out};
    render_to(text, findings, o);
  }

  // Whether every finding takes an operator with a bounded output (tag or
  // redact): then a chunk's output is at most its text plus a tag per
  // finding, and render_in_place() can write it into memory lent ahead.
  bool bounded(const std::vector<Finding>& findings) const {
    return std::all_of(findings.begin(), findings.end(), [&](const Finding& f) {
      OperatorKind k = plan_.for_type(f.type);
      return k == OperatorKind::kTag || k == OperatorKind::kRedact;
    });
  }
  static std::size_t in_place_bound(std::string_view text, const std::vector<Finding>& findings) {
    return text.size() + findings.size() * TagNumbering::kMaxTagBytes;
  }
  // render() for bounded() findings, into `out` (room for in_place_bound()
  // bytes); returns the bytes written.
  std::size_t render_in_place(std::string_view text, const std::vector<Finding>& findings, char* out) {
    RawOut o{out};
    render_to(text, findings, o);
    return static_cast<std::size_t>(o.end - out);
  }

  // render() for bounded() findings as pieces: the text between findings
  // in place, each tag written into `room.bytes` (room for
  // findings.size() tags) and pointed to there. Returns the pieces, the tag
  // bytes and the output bytes written.
  struct Rendered {
    std::size_t pieces = 0, tag_bytes = 0, output_bytes = 0;
  };
  Rendered render_pieces(std::string_view text, const std::vector<Finding>& findings, ByteSink::PieceRoom room) {
    PieceOut o{room.pieces, room.bytes};
    render_to(text, findings, o);
    return {static_cast<std::size_t>(o.next - room.pieces), static_cast<std::size_t>(o.end - room.bytes), o.bytes};
  }

  void new_document() { tags_.reset(); }

 private:
  // Where render_to() writes: a growing string (any operator), or raw
  // memory with room enough (tag and redact only).
  struct StringOut {
    static constexpr bool kAnyOperator = true;
    std::string& s;
    void append(std::string_view v) { s.append(v); }
    void tag(TagNumbering& tags, const Finding& f, std::uint64_t hash) {
      char buf[TagNumbering::kMaxTagBytes];
      s.append(buf, tags.write_tag(f, hash, buf));
    }
  };
  struct RawOut {
    static constexpr bool kAnyOperator = false;
    char* end;
    void append(std::string_view v) {
      std::memcpy(end, v.data(), v.size());
      end += v.size();
    }
    void tag(TagNumbering& tags, const Finding& f, std::uint64_t hash) { end = tags.write_tag(f, hash, end); }
  };

  // Pieces instead of bytes (tag and redact only).
  struct PieceOut {
    static constexpr bool kAnyOperator = false;
    iovec* next;
    char* end;  // the next tag's room
    std::size_t bytes = 0;
    void append(std::string_view v) {
      if (v.empty()) return;
      *next++ = {const_cast<char*>(v.data()), v.size()};
      bytes += v.size();
    }
    void tag(TagNumbering& tags, const Finding& f, std::uint64_t hash) {
      char* start = end;
      end = tags.write_tag(f, hash, end);
      if (end == start) return;  // redact
      *next++ = {start, static_cast<std::size_t>(end - start)};
      bytes += static_cast<std::size_t>(end - start);
    }
  };

  template <class Out>
  void render_to(std::string_view text, const std::vector<Finding>& findings, Out& out) {
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
      const OperatorKind kind = plan_.for_type(f.type);
      if (kind == OperatorKind::kTag) {
        out.tag(tags_, f, hashes_[k]);
      } else if constexpr (Out::kAnyOperator) {
        std::string_view surface = text.substr(f.begin, f.length());
        switch (kind) {
          case OperatorKind::kToken: out.append(vault_->token(f, surface)); break;
          case OperatorKind::kSurrogate: out.append(vault_->surrogate(f, surface)); break;
          case OperatorKind::kMask: out.append(mask(f, surface)); break;
          case OperatorKind::kTag:
          case OperatorKind::kRedact: break;
        }
      }
      ++stats_.counts[static_cast<std::size_t>(f.type)];
      cursor = f.end;
    }
    out.append(text.substr(cursor));
  }

  const OperatorPlan& plan_;
  Vault* vault_;
  PseudonymizeStats& stats_;
  TagNumbering tags_;
  std::vector<VaultItem> items_;
  std::vector<std::uint64_t> hashes_;  // per finding: its tag key's hash
};

}  // namespace

char* ByteSink::reserve(std::size_t n) {
  if (lent_size_ < n) {
    lent_size_ = std::max(n, 2 * lent_size_);
    lent_ = std::make_unique_for_overwrite<char[]>(lent_size_);
  }
  return lent_.get();
}

void ByteSink::append_reserved(std::size_t k) { write(std::string_view(lent_.get(), k)); }

bool ByteSink::takes_references(std::size_t, std::size_t, std::size_t) { return false; }

ByteSink::PieceRoom ByteSink::lend_pieces(std::size_t pieces, std::size_t bytes) {
  lent_pieces_.resize(pieces);
  return {lent_pieces_.data(), reserve(bytes)};
}

// The default keeps no references: it writes what the pieces hold.
void ByteSink::append_pieces(std::size_t pieces, std::size_t) {
  for (std::size_t i = 0; i < pieces; ++i) {
    write(std::string_view(static_cast<const char*>(lent_pieces_[i].iov_base), lent_pieces_[i].iov_len));
  }
}

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
      const std::string_view text = chunk.piece.text;
      const auto& findings = chunk.piece.findings;
      stats.bytes_in += text.size();
      if (renderer.bounded(findings)) {
        // A tag and the text before it, for each finding, and the rest.
        const std::size_t pieces = 2 * findings.size() + 1;
        const std::size_t tag_room = findings.size() * TagNumbering::kMaxTagBytes;
        if (chunk.piece.in_place && out.takes_references(text.size(), pieces, tag_room)) {
          auto room = out.lend_pieces(pieces, tag_room);
          auto rendered = renderer.render_pieces(text, findings, room);
          out.append_pieces(rendered.pieces, rendered.tag_bytes);
          stats.bytes_out += rendered.output_bytes;
          return;
        }
        char* room = out.reserve(Renderer::in_place_bound(text, findings));
        std::size_t written = renderer.render_in_place(text, findings, room);
        out.append_reserved(written);
        stats.bytes_out += written;
        return;
      }
      renderer.collect(text, findings);
      renderer.prepare();
      renderer.render(text, findings, buffer);
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

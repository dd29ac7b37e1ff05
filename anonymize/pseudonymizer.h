// `dpa anonymize` as a library: a streaming filter that replaces every
// finding by its operator's output.
#pragma once

#include <sys/uio.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "anonymize/operators.h"
#include "anonymize/stream.h"

namespace dpa::anonymize {

class Vault;

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(std::string_view bytes) = 0;

  // Room for up to `n` bytes at the end of the output: the caller fills a
  // prefix of it in place and keeps that with append_reserved(k), k <= n,
  // before any other call. A sink that holds its output in memory lends
  // the memory itself, which saves the renderer a copy of every chunk;
  // this default lends a buffer and write()s what is kept.
  virtual char* reserve(std::size_t n);
  virtual void append_reserved(std::size_t k);

  // A sink that holds the output until the run ends may keep, instead of a
  // copy of the input's bytes, where they lie, if they stay unchanged
  // until then (a file mapped under a lease): most of a tagged text is its
  // input. takes_references() says whether it takes the next output as up
  // to `pieces` pieces that refer to up to `referenced` input bytes and to
  // up to `lent` bytes of its own (the tags). lend_pieces() then lends
  // room for that many pieces and bytes; the caller fills a prefix of each
  // and keeps them with append_pieces(), before any other call. A piece
  // points into the text of a TextPiece that is in place, or into the lent
  // bytes.
  struct PieceRoom {
    iovec* pieces;
    char* bytes;
  };
  virtual bool takes_references(std::size_t referenced, std::size_t pieces, std::size_t lent);
  virtual PieceRoom lend_pieces(std::size_t pieces, std::size_t bytes);
  virtual void append_pieces(std::size_t pieces, std::size_t bytes);

 private:
  std::unique_ptr<char[]> lent_;  // the default's buffer, never zero-filled
  std::size_t lent_size_ = 0;
  std::vector<iovec> lent_pieces_;  // the default's pieces
};

class StringSink final : public ByteSink {
 public:
  void write(std::string_view bytes) override { text.append(bytes); }
  std::string text;
};

struct PseudonymizeOptions {
  StreamOptions stream;
  OperatorPlan operators;
};

struct PseudonymizeStats {
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t documents = 0;   // 1 for text, one per JSON line
  std::array<std::uint64_t, kEntityTypeCount> counts{};
  std::uint64_t total() const {
    std::uint64_t t = 0;
    for (auto c : counts) t += c;
    return t;
  }
};

// Reads `in`, writes the pseudonymized text to `out`. `vault` is required
// when the plan uses token or surrogate (InputError otherwise). Tags are
// numbered per document: the whole text, or each JSON line.
PseudonymizeStats pseudonymize(ByteSource& in, ByteSink& out, const Detector& detector, Vault* vault,
                               const PseudonymizeOptions& options);

}  // namespace dpa::anonymize

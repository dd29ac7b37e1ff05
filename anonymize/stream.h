// Chunked, parallel detection over a byte stream with bounded memory.
//
// Text input is cut into chunks of about `chunk_bytes` (the last four
// chunks' worth in quarters, so that the workers finish together),
// preferably at a line end, else at a space. Each chunk is detected with `context_bytes` of the
// text before it (for cues) and `overlap_bytes` after it, so an entity that
// crosses a cut is seen whole; a finding belongs to the chunk its first byte
// is in. Cuts depend only on the input, so the results are the same for any
// number of jobs. JSON Lines input is cut at line ends only, and each named
// string field is detected on its own.
//
// Workers detect; the calling thread reads, and receives the chunks in input
// order. At most 2 × jobs chunks are in flight, so memory is bounded by
// about 2 × jobs × (chunk + overlap) whatever the input size (one JSON line
// longer than a chunk is held whole).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "anonymize/detector.h"
#include "anonymize/json_fields.h"

namespace dpa::anonymize {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes; returns 0 at the end. Throws on failure.
  virtual std::size_t read(char* buf, std::size_t n) = 0;

  // The rest of the input as one block of memory, when the source holds it
  // without copying (a regular file mapped in); nullopt otherwise. Asked
  // once, before any read(); a source that gave a view is not read() from.
  // The view stays valid until the source is destroyed.
  virtual std::optional<std::string_view> view() { return std::nullopt; }
  // Throws InputError if bytes of the view were lost since view() (the
  // file shrank under it). Asked before each chunk is delivered.
  virtual void check_view() const {}
};

// Reads from a string (for small inputs: demo replies, tests).
class StringSource final : public ByteSource {
 public:
  explicit StringSource(std::string text) : text_(std::move(text)) {}
  std::size_t read(char* buf, std::size_t n) override {
    std::size_t k = std::min(n, text_.size() - pos_);
    text_.copy(buf, k, pos_);
    pos_ += k;
    return k;
  }

 private:
  std::string text_;
  std::size_t pos_ = 0;
};

enum class InputFormat { kText, kJsonl };

struct StreamOptions {
  InputFormat format = InputFormat::kText;
  std::vector<FieldPath> fields;   // jsonl only: the string fields to detect in
  int jobs = 1;
  bool lossy = false;              // replace invalid UTF-8 with U+FFFD instead of failing
  std::size_t chunk_bytes = 1 << 20;
  std::size_t overlap_bytes = 4096;
  std::size_t context_bytes = 256;
};

// One piece of the input, in order.
struct TextPiece {
  // The piece's bytes (the chunk body and the end of an entity that runs
  // past it): a view into the reader's buffer, valid during the `consume`
  // call only. A view, not a copy: the pipeline moved every megabyte
  // twice more to hand it over.
  std::string_view text;
  std::size_t body_end = 0;         // text mode: bytes of `text` that belong to this chunk
  // `text` lies in the source's view (a mapped file), which stays for the
  // whole run, not in a buffer that is reused.
  bool in_place = false;
  std::vector<Finding> findings;    // offsets within `text`, sorted, non-overlapping
};

struct JsonLine {
  std::string line;                 // without the newline
  bool newline = true;              // false for a last line that had none
  std::vector<JsonStringSpan> spans;            // the named string fields
  std::vector<std::string> values;              // their decoded text
  std::vector<std::vector<Finding>> findings;   // per field, offsets within values[i]
};

struct StreamChunk {
  std::uint64_t offset = 0;         // input offset of the chunk's first byte (text mode)
  TextPiece piece;                  // text mode
  std::vector<JsonLine> lines;      // jsonl mode
  std::uint64_t first_line = 0;     // jsonl mode: 1-based number of lines[0]
};

// Runs detection over `source`, calling `consume` with each chunk in input
// order from the calling thread. Throws InputError on invalid UTF-8 (unless
// lossy) or invalid JSON, naming the byte offset or line.
void detect_stream(ByteSource& source, const Detector& detector, const StreamOptions& options,
                   const std::function<void(StreamChunk&)>& consume);

}  // namespace dpa::anonymize

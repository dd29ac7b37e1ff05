#include "anonymize/stream.h"

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "anonymize/utf8.h"
#include "dpa/error.h"

namespace dpa::anonymize {
namespace {

// A detection job: a window of text (or a batch of JSON lines) and what the
// detector found in it.
struct Job {
  // The text to detect in. A job run inline (one job) reads the reader's
  // buffer in place, which stays put until the job is delivered; a job for
  // the pool owns a copy.
  std::string owned;
  const char* borrowed = nullptr;   // when set, the window is [borrowed, borrowed + borrowed_size)
  std::size_t borrowed_size = 0;
  std::string_view window() const {
    return borrowed ? std::string_view(borrowed, borrowed_size) : std::string_view(owned);
  }
  std::uint64_t window_offset = 0;  // input offset of window()[0]
  std::size_t body_begin = 0;       // the chunk's own bytes within window
  std::size_t body_end = 0;
  std::vector<Finding> findings;
  std::vector<JsonLine> lines;
  std::uint64_t first_line = 0;
};

class WorkerPool {
 public:
  explicit WorkerPool(int threads) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { loop(); });
  }
  ~WorkerPool() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  void submit(std::function<void()> task) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
  }

 private:
  void loop() {
    while (true) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
};

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

[[noreturn]] void throw_invalid_utf8(std::uint64_t offset) {
  throw InputError(fmt::format(
      "invalid UTF-8 at byte {} of the input; fix the input or pass --lossy to replace bad bytes with U+FFFD",
      offset));
}

// Reads the source as validated UTF-8, whole code points only.
class Utf8Reader {
 public:
  Utf8Reader(ByteSource& source, bool lossy) : source_(source), lossy_(lossy) {}

  // Appends up to about `n` bytes to `out`; false at the end of input.
  // Reads straight into `out`: the bytes are checked where they land.
  bool read_into(std::string& out, std::size_t n) {
    if (eof_) return false;
    const std::size_t start = out.size();
    out += carry_;
    carry_.clear();
    const std::size_t have = out.size();
    out.resize(have + n);
    std::size_t got = source_.read(out.data() + have, n);
    out.resize(have + got);
    if (got == 0) eof_ = true;
    std::string_view fresh = std::string_view(out).substr(start);
    std::size_t tail = eof_ ? 0 : incomplete_utf8_tail(fresh);
    carry_.assign(fresh.substr(fresh.size() - tail));
    out.resize(out.size() - tail);
    fresh.remove_suffix(tail);
    std::size_t valid = valid_utf8_prefix(fresh);
    if (valid != fresh.size()) {
      if (!lossy_) {
        throw_invalid_utf8(consumed_ + valid);
      }
      std::string replaced = replace_invalid_utf8(fresh);
      out.resize(start);
      out += replaced;
    }
    std::size_t added = out.size() - start;
    consumed_ += added;
    return !eof_ || added != 0;
  }
  bool eof() const { return eof_; }

 private:
  ByteSource& source_;
  bool lossy_;
  bool eof_ = false;
  std::string carry_;
  std::uint64_t consumed_ = 0;
};

// The input's validated text not yet dropped, for the text mode: read
// into a buffer, or, when the source offers its bytes in place (a mapped
// file), viewed there and checked where it lies: no copy at all. Either way
// the bytes are checked in order, ahead of detection, in the same steps,
// and an error names the same offset. --lossy reads: it may rewrite bytes.
class TextBuffer {
 public:
  TextBuffer(ByteSource& source, bool lossy) : source_(source), reader_(source, lossy) {
    if (!lossy) {
      if (auto v = source.view()) {
        in_place_ = true;
        view_ = *v;
      }
    }
  }

  // Makes `n` bytes after `pos` of text() available, or all that is left.
  void fill(std::size_t pos, std::size_t n) {
    const std::size_t step = std::max<std::size_t>(n, 1 << 16);
    if (!in_place_) {
      while (!reader_.eof() && buf_.size() - pos < n) {
        if (!reader_.read_into(buf_, step)) break;
      }
      return;
    }
    while (!eof_ && checked_ - begin_ - pos < n) {
      std::string_view fresh = view_.substr(checked_, step);
      const bool last = checked_ + fresh.size() == view_.size();
      // A sequence cut at the step's end is checked whole with the next.
      if (!last) fresh.remove_suffix(incomplete_utf8_tail(fresh));
      std::size_t valid = valid_utf8_prefix(fresh);
      if (valid != fresh.size()) throw_invalid_utf8(checked_ + valid);
      checked_ += fresh.size();
      eof_ = last;
    }
  }

  std::string_view text() const {
    return in_place_ ? view_.substr(begin_, checked_ - begin_) : std::string_view(buf_);
  }
  bool eof() const { return in_place_ ? eof_ : reader_.eof(); }
  // The input left from `pos` of text() to its end, where that is known:
  // in place always, else once the end was read.
  std::optional<std::size_t> bytes_left(std::size_t pos) const {
    if (in_place_) return view_.size() - begin_ - pos;
    if (reader_.eof()) return buf_.size() - pos;
    return std::nullopt;
  }
  // Text in place stays put for the whole run: jobs may read it there.
  bool in_place() const { return in_place_; }
  void check() const {
    if (in_place_) source_.check_view();
  }
  // Forgets the first `n` bytes of text().
  void drop(std::size_t n) {
    if (in_place_) {
      begin_ += n;
    } else {
      buf_.erase(0, n);
    }
  }

 private:
  ByteSource& source_;
  Utf8Reader reader_;
  std::string buf_;
  bool in_place_ = false;
  std::string_view view_;
  std::size_t begin_ = 0;    // view_ bytes dropped
  std::size_t checked_ = 0;  // view_ bytes checked
  bool eof_ = false;
};

// Where to end a chunk that starts at `pos`: after the last newline in the
// second half of the target size, else after the last space, else on a
// code-point boundary.
std::size_t choose_cut(std::string_view buf, std::size_t pos, std::size_t target) {
  std::size_t limit = std::min(buf.size(), pos + target);
  std::size_t floor = pos + target / 2;
  for (std::size_t i = limit; i > floor; --i) {
    if (buf[i - 1] == '\n') return i;
  }
  for (std::size_t i = limit; i > floor; --i) {
    if (buf[i - 1] == ' ') return i;
  }
  std::size_t cut = limit;
  while (cut > pos + 1 && cut < buf.size() && is_continuation(buf[cut])) --cut;
  return cut;
}

void detect_text_job(const Detector& detector, Job& job) {
  thread_local DetectScratch scratch;
  detector.detect(job.window(), scratch, job.findings);
  std::erase_if(job.findings, [&](const Finding& f) { return f.begin < job.body_begin || f.begin >= job.body_end; });
}

void detect_json_job(const Detector& detector, const StreamOptions& options, Job& job) {
  thread_local DetectScratch scratch;
  for (auto& line : job.lines) {
    line.spans = find_string_fields(line.line, options.fields);
    for (const auto& span : line.spans) {
      std::string value = decode_json_string(std::string_view(line.line).substr(span.begin, span.end - span.begin));
      if (!is_valid_utf8(value)) {
        // Only \u escapes of lone surrogates can get here.
        if (!options.lossy) {
          throw InputError("a JSON string holds an unpaired \\u surrogate; pass --lossy to replace it");
        }
        value = replace_invalid_utf8(value);
      }
      std::vector<Finding> found;
      detector.detect(value, scratch, found);
      line.values.push_back(std::move(value));
      line.findings.push_back(std::move(found));
    }
  }
}

// Runs jobs on a pool (or inline for one job) and hands them back in order.
class OrderedRunner {
 public:
  OrderedRunner(int jobs, std::function<void(Job&)> work, std::function<void(Job&)> deliver)
      : work_(std::move(work)), deliver_(std::move(deliver)), max_in_flight_(2 * static_cast<std::size_t>(jobs)) {
    if (jobs > 1) pool_ = std::make_unique<WorkerPool>(jobs);
  }

  void submit(Job job) {
    if (!pool_) {
      work_(job);
      deliver_(job);
      return;
    }
    auto promise = std::make_shared<std::promise<Job>>();
    in_flight_.push_back(promise->get_future());
    auto shared = std::make_shared<Job>(std::move(job));
    pool_->submit([this, promise, shared] {
      try {
        work_(*shared);
        promise->set_value(std::move(*shared));
      } catch (...) {
        promise->set_exception(std::current_exception());
      }
    });
    while (in_flight_.size() >= max_in_flight_) deliver_front();
  }

  void finish() {
    while (!in_flight_.empty()) deliver_front();
  }

 private:
  void deliver_front() {
    Job done = in_flight_.front().get();
    in_flight_.pop_front();
    deliver_(done);
  }

  std::function<void(Job&)> work_;
  std::function<void(Job&)> deliver_;
  std::size_t max_in_flight_;
  std::deque<std::future<Job>> in_flight_;
  std::unique_ptr<WorkerPool> pool_;  // last: joined before the futures die
};

void run_text(ByteSource& source, const Detector& detector, const StreamOptions& o,
              const std::function<void(StreamChunk&)>& consume) {
  std::uint64_t covered = 0;  // input bytes already handed to `consume`
  // Findings lists of delivered chunks, cleared, for the next jobs: a list
  // grown to a chunk's thousands of findings is not grown again.
  std::vector<std::vector<Finding>> spare_findings;
  TextBuffer input(source, o.lossy);
  auto deliver = [&](Job& job) {
    // A file that shrank under its mapping read zeros: nothing of it goes out.
    input.check();
    std::uint64_t body_begin = job.window_offset + job.body_begin;
    std::uint64_t start = std::max(covered, body_begin);
    std::uint64_t end = std::max(start, job.window_offset + job.body_end);
    StreamChunk chunk;
    chunk.piece.findings = std::move(job.findings);
    auto& findings = chunk.piece.findings;
    // Findings inside the previous chunk's last entity are its.
    std::erase_if(findings, [&](const Finding& f) { return job.window_offset + f.begin < start; });
    std::size_t shift = static_cast<std::size_t>(start - job.window_offset);
    for (auto& f : findings) {
      end = std::max(end, job.window_offset + f.end);
      f.begin -= shift;
      f.end -= shift;
    }
    chunk.offset = start;
    // The piece is a view of the window: nothing copied.
    chunk.piece.text = job.window().substr(std::min(shift, job.window().size()), static_cast<std::size_t>(end - start));
    chunk.piece.body_end = chunk.piece.text.size();
    chunk.piece.in_place = input.in_place();
    covered = end;
    consume(chunk);
    findings.clear();
    spare_findings.push_back(std::move(findings));
  };
  OrderedRunner runner(o.jobs, [&](Job& j) { detect_text_job(detector, j); }, deliver);

  std::uint64_t buf_offset = 0;
  std::size_t pos = 0;
  const std::size_t want = o.chunk_bytes + o.overlap_bytes;
  while (true) {
    input.fill(pos, want);
    const std::string_view buf = input.text();
    if (pos >= buf.size()) break;
    std::size_t remaining = buf.size() - pos;
    // The input's last four chunks' worth is cut four times finer: the run
    // ends when its last chunk is detected, and with whole chunks the
    // other worker sat idle for most of one (10 of 330 ms on 64 MB with
    // 2 jobs; 3 ms now). Not a number of jobs: cuts depend on the input
    // alone.
    std::size_t target = o.chunk_bytes;
    if (auto left = input.bytes_left(pos); left && *left <= 4 * o.chunk_bytes) {
      target = std::max<std::size_t>(o.chunk_bytes / 4, 16);
    }
    std::size_t cut = (input.eof() && remaining <= target) ? buf.size() : choose_cut(buf, pos, target);
    std::size_t win_begin = pos > o.context_bytes ? pos - o.context_bytes : 0;
    while (win_begin < pos && is_continuation(buf[win_begin])) ++win_begin;
    std::size_t win_end = std::min(buf.size(), cut + o.overlap_bytes);
    while (win_end > cut && win_end < buf.size() && is_continuation(buf[win_end])) --win_end;

    Job job;
    // One job runs inline (OrderedRunner has no pool then) and is delivered
    // before the buffer changes again, so it may read the buffer in place;
    // so may any job when the text lies in place for the whole run.
    if (o.jobs > 1 && !input.in_place()) {
      job.owned = buf.substr(win_begin, win_end - win_begin);
    } else {
      job.borrowed = buf.data() + win_begin;
      job.borrowed_size = win_end - win_begin;
    }
    if (!spare_findings.empty()) {
      job.findings = std::move(spare_findings.back());
      spare_findings.pop_back();
    }
    job.window_offset = buf_offset + win_begin;
    job.body_begin = pos - win_begin;
    job.body_end = cut - win_begin;
    runner.submit(std::move(job));
    pos = cut;
    // Keep only the context the next window needs.
    if (pos > o.context_bytes + (1 << 20)) {
      std::size_t drop = pos - o.context_bytes;
      input.drop(drop);
      buf_offset += drop;
      pos -= drop;
    }
  }
  runner.finish();
}

void run_jsonl(ByteSource& source, const Detector& detector, const StreamOptions& o,
               const std::function<void(StreamChunk&)>& consume) {
  auto deliver = [&](Job& job) {
    StreamChunk chunk;
    chunk.lines = std::move(job.lines);
    chunk.first_line = job.first_line;
    consume(chunk);
  };
  OrderedRunner runner(o.jobs, [&](Job& j) { detect_json_job(detector, o, j); }, deliver);

  Utf8Reader reader(source, o.lossy);
  std::string buf;
  std::size_t pos = 0;
  std::uint64_t line_number = 0;
  Job job;
  std::size_t job_bytes = 0;
  auto flush = [&] {
    if (job.lines.empty()) return;
    runner.submit(std::move(job));
    job = Job{};
    job_bytes = 0;
  };
  while (true) {
    auto nl = buf.find('\n', pos);
    if (nl == std::string::npos) {
      if (!reader.eof()) {
        buf.erase(0, pos);
        pos = 0;
        reader.read_into(buf, 1 << 20);
        continue;
      }
      if (pos >= buf.size()) break;
      nl = buf.size();  // a last line without its newline
    }
    ++line_number;
    bool had_newline = nl < buf.size();
    std::string line = buf.substr(pos, nl - pos);
    pos = std::min(buf.size(), nl + 1);
    bool blank = line.find_first_not_of(" \t\r") == std::string::npos;
    if (!blank && !nlohmann::json::accept(line)) {
      throw InputError(fmt::format("line {} of the input is not valid JSON; every line of --format "
                                   "jsonl must be one JSON value",
                                   line_number));
    }
    if (job.lines.empty()) job.first_line = line_number;
    job_bytes += line.size();
    JsonLine jl;
    jl.line = std::move(line);
    jl.newline = had_newline;
    job.lines.push_back(std::move(jl));
    if (job_bytes >= o.chunk_bytes) flush();
  }
  flush();
  runner.finish();
}

}  // namespace

void detect_stream(ByteSource& source, const Detector& detector, const StreamOptions& options,
                   const std::function<void(StreamChunk&)>& consume) {
  if (options.jobs < 1) throw UsageError("--jobs takes a number from 1 up");
  if (options.format == InputFormat::kJsonl) {
    if (options.fields.empty()) throw UsageError("--format jsonl needs --fields naming the string fields");
    run_jsonl(source, detector, options, consume);
  } else {
    run_text(source, detector, options, consume);
  }
}

}  // namespace dpa::anonymize

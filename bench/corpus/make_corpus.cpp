// make_corpus: writes the synthetic evaluation corpus.
//
//   make_corpus --seed N --docs N --out DIR     DIR/corpus.txt + DIR/labels.jsonl
//   make_corpus --seed N --bytes N --out DIR    DIR/corpus.txt only, at least N bytes
//   make_corpus --seed N --docs N --split DIR   one file per document (fuzzing seeds)
//   make_corpus --seed N --docs N --split-jsonl DIR
//                                               one JSON Lines file per document, its lines as
//                                               "text" fields, flat and nested (jsonl fuzzing seeds)
//   --held-out                                  the held-out set instead of the tuning set
//
// Prints the corpus statistics on stdout. Synthetic data only.
#include <charconv>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>

#include "bench/corpus/corpus_generator.h"
#include "bench/corpus/corpus_text.h"

namespace {

int usage(const char* why) {
  std::fprintf(stderr,
               "make_corpus: %s\n"
               "usage: make_corpus [--seed N] [--held-out] (--docs N | --bytes N) (--out DIR | --split DIR | "
               "--split-jsonl DIR)\n",
               why);
  return 2;
}

// The document as JSON Lines the way a pipeline exports conversations: one
// line per utterance, then the whole conversation as an array of messages.
std::string as_jsonl(const dpa::bench::CorpusDocument& doc, std::size_t index) {
  using dpa::bench::json_quote;
  std::string out, messages;
  std::size_t start = 0, n = 0;
  while (start <= doc.text.size()) {
    std::size_t nl = doc.text.find('\n', start);
    std::string_view line = std::string_view(doc.text).substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    out += "{\"id\":" + std::to_string(index) + ",\"n\":" + std::to_string(n) + ",\"text\":" + json_quote(line) +
           ",\"meta\":{\"lang\":\"" + std::string(dpa::bench::language_code(doc.language)) + "\"}}\n";
    messages += (n ? "," : "") + std::string("{\"text\":") + json_quote(line) + "}";
    ++n;
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  out += "{\"id\":" + std::to_string(index) + ",\"messages\":[" + messages + "]}\n";
  return out;
}

bool parse_number(const char* s, std::uint64_t& out) {
  const char* end = s + std::strlen(s);
  auto [p, ec] = std::from_chars(s, end, out);
  return ec == std::errc() && p == end;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1, docs = 0, bytes = 0;
  std::string out, split, split_jsonl;
  auto set = dpa::bench::CorpusSplit::kTuning;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      usage("writes a labelled synthetic corpus");
      return 0;
    }
    if (a == "--held-out") {
      set = dpa::bench::CorpusSplit::kHeldOut;
      continue;
    }
    if (i + 1 >= argc) return usage(("missing value after " + a).c_str());
    const char* v = argv[++i];
    if (a == "--seed") {
      if (!parse_number(v, seed)) return usage("--seed takes a number");
    } else if (a == "--docs") {
      if (!parse_number(v, docs) || docs == 0) return usage("--docs takes a positive number");
    } else if (a == "--bytes") {
      if (!parse_number(v, bytes) || bytes == 0) return usage("--bytes takes a positive number");
    } else if (a == "--out") {
      out = v;
    } else if (a == "--split") {
      split = v;
    } else if (a == "--split-jsonl") {
      split_jsonl = v;
    } else {
      return usage(("unknown option " + a).c_str());
    }
  }
  if ((docs == 0) == (bytes == 0)) return usage("give one of --docs and --bytes");
  if (!out.empty() + !split.empty() + !split_jsonl.empty() != 1) {
    return usage("give one of --out, --split and --split-jsonl");
  }
  if (bytes && out.empty()) return usage("--split and --split-jsonl go with --docs");
  if (bytes && set == dpa::bench::CorpusSplit::kHeldOut) return usage("--held-out goes with --docs");

  try {
    using namespace dpa::bench;
    if (bytes) {
      std::string text = generate_text(seed, bytes);
      std::filesystem::create_directories(out);
      std::ofstream f(std::filesystem::path(out) / "corpus.txt", std::ios::binary | std::ios::trunc);
      f << text;
      f.flush();
      if (!f) throw std::runtime_error("cannot write " + out + "/corpus.txt");
      std::cout << "throughput corpus: " << text.size() << " bytes, seed " << seed << "\n";
      return 0;
    }
    auto corpus = generate_corpus(seed, docs, set);
    if (!split.empty() || !split_jsonl.empty()) {
      const std::string& dir = split.empty() ? split_jsonl : split;
      std::filesystem::create_directories(dir);
      for (std::size_t i = 0; i < corpus.size(); ++i) {
        char name[32];
        std::snprintf(name, sizeof name, split.empty() ? "doc-%06zu.jsonl" : "doc-%06zu.txt", i);
        std::ofstream f(std::filesystem::path(dir) / name, std::ios::binary | std::ios::trunc);
        f << (split.empty() ? as_jsonl(corpus[i], i) : corpus[i].text);
        f.flush();
        if (!f) throw std::runtime_error("cannot write into " + dir);
      }
    } else {
      write_corpus(out, corpus);
    }
    std::cout << "seed " << seed << "\n" << format_stats(corpus_stats(corpus));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_corpus: %s\n", e.what());
    return 1;
  }
  return 0;
}

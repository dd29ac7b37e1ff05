// make_corpus: writes the synthetic evaluation corpus.
//
//   make_corpus --seed N --docs N --out DIR     DIR/corpus.txt + DIR/labels.jsonl
//   make_corpus --seed N --bytes N --out DIR    DIR/corpus.txt only, at least N bytes
//   make_corpus --seed N --docs N --split DIR   one file per document (fuzzing seeds)
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

namespace {

int usage(const char* why) {
  std::fprintf(stderr,
               "make_corpus: %s\n"
               "usage: make_corpus [--seed N] (--docs N | --bytes N) (--out DIR | --split DIR)\n",
               why);
  return 2;
}

bool parse_number(const char* s, std::uint64_t& out) {
  const char* end = s + std::strlen(s);
  auto [p, ec] = std::from_chars(s, end, out);
  return ec == std::errc() && p == end;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1, docs = 0, bytes = 0;
  std::string out, split;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      usage("writes a labelled synthetic corpus");
      return 0;
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
    } else {
      return usage(("unknown option " + a).c_str());
    }
  }
  if ((docs == 0) == (bytes == 0)) return usage("give one of --docs and --bytes");
  if (out.empty() == split.empty()) return usage("give one of --out and --split");
  if (bytes && !split.empty()) return usage("--split goes with --docs");

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
    auto corpus = generate_corpus(seed, docs);
    if (!split.empty()) {
      std::filesystem::create_directories(split);
      for (std::size_t i = 0; i < corpus.size(); ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "doc-%06zu.txt", i);
        std::ofstream f(std::filesystem::path(split) / name, std::ios::binary | std::ios::trunc);
        f << corpus[i].text;
        if (!f) throw std::runtime_error("cannot write into " + split);
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

// bench_anonymize_quality: precision and recall of the detector on the
// labelled synthetic corpus (bench/corpus), per entity type, per group, and
// against the targets, on two sets: the tuning set, which the recognizers
// were developed against (its figures are optimistic), and the held-out set,
// whose templates, look-alikes and person names were never used for tuning
// (bench/corpus/corpus_generator.h, CorpusSplit).
//
//   bench_anonymize_quality [--seed N] [--docs N] [--set tuning|held-out|both]
//                           [--show-errors N] [--by-variant]
//
// Exit status: 0 when every target is met on every set shown, 1 when one is
// missed, 2 on bad usage.
#include <algorithm>
#include <array>
#include <chrono>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "anonymize/detector.h"
#include "bench/corpus/corpus_generator.h"

namespace {

using dpa::anonymize::Detector;
using dpa::anonymize::EntityType;
using dpa::anonymize::Finding;
using dpa::anonymize::kEntityTypeCount;
using dpa::bench::CorpusDocument;
using dpa::bench::Form;
using dpa::bench::GoldSpan;

constexpr int kTypes = kEntityTypeCount;

struct Counts {
  std::size_t tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 1.0; }
  double recall() const { return tp + fn ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 1.0; }
  void add(const Counts& o) {
    tp += o.tp;
    fp += o.fp;
    fn += o.fn;
  }
};

enum Group { kDigits, kSpoken, kPersonGroup, kGroupCount };

bool is_digit_type(EntityType t) {
  switch (t) {
    case EntityType::kIin: case EntityType::kBin: case EntityType::kIban:
    case EntityType::kCard: case EntityType::kPhone: case EntityType::kEmail: return true;
    default: return false;
  }
}

std::size_t overlap(std::size_t b1, std::size_t e1, std::size_t b2, std::size_t e2) {
  std::size_t b = std::max(b1, b2), e = std::min(e1, e2);
  return e > b ? e - b : 0;
}

// The matching rule, printed in the header too.
bool matches(const GoldSpan& g, const Finding& f) {
  if (g.type != f.type) return false;
  std::size_t longer = std::max(g.length(), f.length());
  return 2 * overlap(g.begin, g.end, f.begin, f.end) >= longer;
}

bool has_letter(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  }
  return false;
}

// Which group a prediction counts in for precision, when nothing matched it:
// phones and IINs with words in them are "spoken", the rest of the digit
// types are "digits".
int prediction_group(const Finding& f, std::string_view text) {
  if (f.type == EntityType::kPerson) return kPersonGroup;
  if (!is_digit_type(f.type)) return -1;
  bool words = (f.type == EntityType::kPhone || f.type == EntityType::kIin) && has_letter(text);
  return words ? kSpoken : kDigits;
}

int gold_group(const GoldSpan& g) {
  if (g.type == EntityType::kPerson) return kPersonGroup;
  if (!is_digit_type(g.type)) return -1;
  if ((g.type == EntityType::kPhone || g.type == EntityType::kIin) && g.form != Form::kWritten) return kSpoken;
  return g.form == Form::kWritten ? kDigits : -1;
}

struct Error {
  std::size_t doc;
  std::size_t begin, end;
  EntityType type;
  std::string note;  // what was there instead
};

struct Result {
  std::array<Counts, kTypes> by_type{};
  std::array<Counts, kGroupCount> by_group{};
  std::map<std::string_view, Counts> by_variant;   // recall per written form
  Counts rare_persons;
  std::map<std::string_view, std::size_t> fp_on_distractor;  // look-alikes taken for entities
  std::map<std::string_view, std::size_t> distractors_seen;
  std::vector<Error> false_positives, false_negatives;
  std::size_t findings = 0;
  double seconds = 0;
  std::size_t bytes = 0;
};

void score(const CorpusDocument& doc, std::size_t index, const std::vector<Finding>& found, Result& r) {
  const auto& gold = doc.entities;
  std::vector<std::tuple<double, std::size_t, std::size_t>> pairs;  // ratio, gold, finding
  for (std::size_t g = 0; g < gold.size(); ++g) {
    for (std::size_t f = 0; f < found.size(); ++f) {
      if (!matches(gold[g], found[f])) continue;
      double ratio = static_cast<double>(overlap(gold[g].begin, gold[g].end, found[f].begin, found[f].end)) /
                     static_cast<double>(std::max(gold[g].length(), found[f].length()));
      pairs.emplace_back(ratio, g, f);
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) {
    if (std::get<0>(a) != std::get<0>(b)) return std::get<0>(a) > std::get<0>(b);
    if (std::get<1>(a) != std::get<1>(b)) return std::get<1>(a) < std::get<1>(b);
    return std::get<2>(a) < std::get<2>(b);
  });
  std::vector<bool> gold_hit(gold.size()), found_hit(found.size());
  for (const auto& [ratio, g, f] : pairs) {
    if (gold_hit[g] || found_hit[f]) continue;
    gold_hit[g] = found_hit[f] = true;
  }
  auto describe_overlaps_gold = [&](const Finding& f) {
    for (const auto& g : gold) {
      if (overlap(g.begin, g.end, f.begin, f.end)) {
        return fmt::format("overlaps gold {} '{}'", dpa::bench::type_label(g.type),
                           std::string_view(doc.text).substr(g.begin, g.length()));
      }
    }
    for (const auto& d : doc.distractors) {
      if (overlap(d.begin, d.end, f.begin, f.end)) return fmt::format("look-alike: {}", d.kind);
    }
    return std::string("no label here");
  };
  auto describe_overlaps_found = [&](const GoldSpan& g) {
    for (const auto& f : found) {
      if (overlap(g.begin, g.end, f.begin, f.end)) {
        return fmt::format("detector: {} '{}' ({})", dpa::bench::type_label(f.type),
                           std::string_view(doc.text).substr(f.begin, f.length()), f.recognizer);
      }
    }
    return std::string("detector: nothing");
  };

  for (std::size_t g = 0; g < gold.size(); ++g) {
    const auto& s = gold[g];
    auto t = static_cast<std::size_t>(s.type);
    int group = gold_group(s);
    auto& variant = r.by_variant[s.variant];
    if (gold_hit[g]) {
      ++r.by_type[t].tp;
      ++variant.tp;
      if (group >= 0) ++r.by_group[static_cast<std::size_t>(group)].tp;
      if (s.rare) ++r.rare_persons.tp;
    } else {
      ++r.by_type[t].fn;
      ++variant.fn;
      if (group >= 0) ++r.by_group[static_cast<std::size_t>(group)].fn;
      if (s.rare) ++r.rare_persons.fn;
      r.false_negatives.push_back({index, s.begin, s.end, s.type, describe_overlaps_found(s)});
    }
  }
  for (std::size_t f = 0; f < found.size(); ++f) {
    if (found_hit[f]) continue;
    const auto& p = found[f];
    ++r.by_type[static_cast<std::size_t>(p.type)].fp;
    int group = prediction_group(p, std::string_view(doc.text).substr(p.begin, p.length()));
    if (group >= 0) ++r.by_group[static_cast<std::size_t>(group)].fp;
    for (const auto& d : doc.distractors) {
      if (overlap(d.begin, d.end, p.begin, p.end)) {
        ++r.fp_on_distractor[d.kind];
        break;
      }
    }
    r.false_positives.push_back({index, p.begin, p.end, p.type,
                                 fmt::format("{}; {}", p.recognizer, describe_overlaps_gold(p))});
  }
  for (const auto& d : doc.distractors) ++r.distractors_seen[d.kind];
}

// Text around [begin, end) on one line, the span in ⟦ ⟧, cut on character
// boundaries.
std::string context(std::string_view text, std::size_t begin, std::size_t end) {
  auto boundary = [&](std::size_t i) {
    while (i > 0 && i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
    return i;
  };
  std::size_t from = boundary(begin > 60 ? begin - 60 : 0);
  std::size_t to = boundary(std::min(text.size(), end + 60));
  if (to < end) to = end;
  std::string s = std::string(text.substr(from, begin - from)) + "⟦" + std::string(text.substr(begin, end - begin)) +
                  "⟧" + std::string(text.substr(end, to - end));
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

// Up to n errors, taking each type in turn so rare types show up too.
std::vector<const Error*> sample(const std::vector<Error>& errors, std::size_t n) {
  std::array<std::vector<const Error*>, kTypes> by_type;
  for (const auto& e : errors) by_type[static_cast<std::size_t>(e.type)].push_back(&e);
  std::vector<const Error*> out;
  for (std::size_t round = 0; out.size() < n; ++round) {
    bool any = false;
    for (auto& v : by_type) {
      if (round < v.size() && out.size() < n) {
        // Spread over the corpus rather than the first few documents.
        std::size_t stride = std::max<std::size_t>(1, v.size() / std::max<std::size_t>(1, n));
        std::size_t k = (round * stride) % v.size();
        out.push_back(v[k]);
        any = true;
      }
    }
    if (!any) break;
  }
  return out;
}

std::string pct(double v) { return fmt::format("{:.3f}", v); }

int usage(const char* why) {
  std::fprintf(stderr,
               "bench_anonymize_quality: %s\n"
               "usage: bench_anonymize_quality [--seed N] [--docs N] [--set tuning|held-out|both] "
               "[--show-errors N] [--by-variant]\n",
               why);
  return 2;
}

bool parse(const char* s, std::size_t& out) {
  const char* end = s + std::strlen(s);
  auto [p, ec] = std::from_chars(s, end, out);
  return ec == std::errc() && p == end;
}

// Scores the detector on one set and prints its tables; true when every
// target is met.
bool evaluate(dpa::bench::CorpusSplit split, std::size_t seed, std::size_t docs, std::size_t show, bool by_variant) {
  auto corpus = dpa::bench::generate_corpus(seed, docs, split);
  Detector detector;
  Result r;
  dpa::anonymize::DetectScratch scratch;
  std::vector<Finding> found;
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    auto t0 = std::chrono::steady_clock::now();
    detector.detect(corpus[i].text, scratch, found);
    r.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.bytes += corpus[i].text.size();
    r.findings += found.size();
    score(corpus[i], i, found, r);
  }

  const bool held_out = split == dpa::bench::CorpusSplit::kHeldOut;
  fmt::print("==== {} set: seed {}, {} documents, {} bytes, {} findings\n", dpa::bench::split_name(split), seed,
             corpus.size(), r.bytes, r.findings);
  fmt::print("{}\n\n", held_out ? "Templates, look-alikes and person names never used to tune the recognizers: "
                                  "the figures to quote."
                                : "The set the recognizers were tuned on: optimistic figures.");

  fmt::print("{:<10} {:>6} {:>6} {:>6} {:>9} {:>7}\n", "type", "TP", "FP", "FN", "precision", "recall");
  Counts all;
  for (int t = 0; t < kTypes; ++t) {
    const auto& c = r.by_type[static_cast<std::size_t>(t)];
    all.add(c);
    fmt::print("{:<10} {:>6} {:>6} {:>6} {:>9} {:>7}\n", dpa::bench::type_label(static_cast<EntityType>(t)), c.tp,
               c.fp, c.fn, pct(c.precision()), pct(c.recall()));
  }
  fmt::print("{:<10} {:>6} {:>6} {:>6} {:>9} {:>7}\n\n", "overall", all.tp, all.fp, all.fn, pct(all.precision()),
             pct(all.recall()));

  static const char* const kGroupNames[] = {"digits (IIN/BIN/IBAN/card/phone/email)", "spoken (phone+IIN as words)",
                                            "person"};
  fmt::print("{:<40} {:>6} {:>6} {:>6} {:>9} {:>7}\n", "group", "TP", "FP", "FN", "precision", "recall");
  for (std::size_t g = 0; g < kGroupCount; ++g) {
    const auto& c = r.by_group[g];
    fmt::print("{:<40} {:>6} {:>6} {:>6} {:>9} {:>7}\n", kGroupNames[g], c.tp, c.fp, c.fn, pct(c.precision()),
               pct(c.recall()));
  }
  fmt::print("{:<40} {:>6} {:>6} {:>6} {:>9} {:>7}\n\n", "  of which rare names (recall only)", r.rare_persons.tp,
             "", r.rare_persons.fn, "", pct(r.rare_persons.recall()));

  struct Target {
    const char* what;
    double value, goal;
  };
  const Target targets[] = {
      {"recall, IIN/BIN/IBAN/card/phone/email written as digits", r.by_group[kDigits].recall(), 0.99},
      {"recall, phones and IINs spoken as words", r.by_group[kSpoken].recall(), 0.95},
      {"recall, person names", r.by_group[kPersonGroup].recall(), 0.90},
      {"precision, overall", all.precision(), 0.95},
  };
  bool pass = true;
  fmt::print("{:<58} {:>7} {:>8}  {}\n", "target (" + std::string(dpa::bench::split_name(split)) + " set)", "value",
             "goal", "result");
  for (const auto& t : targets) {
    bool ok = t.value >= t.goal;
    pass = pass && ok;
    fmt::print("{:<58} {:>7} {:>8}  {}\n", t.what, pct(t.value), "≥ " + fmt::format("{:.2f}", t.goal),
               ok ? "met" : "MISSED");
  }

  fmt::print("\nlook-alikes taken for entities (false positives on distractor spans):\n");
  for (const auto& [kind, seen] : r.distractors_seen) {
    auto it = r.fp_on_distractor.find(kind);
    std::size_t hit = it == r.fp_on_distractor.end() ? 0 : it->second;
    if (hit) fmt::print("  {:<16} {:>5} of {}\n", kind, hit, seen);
  }
  if (r.fp_on_distractor.empty()) fmt::print("  none\n");

  if (by_variant) {
    fmt::print("\nrecall by written form (worst first):\n");
    std::vector<std::pair<std::string_view, Counts>> v(r.by_variant.begin(), r.by_variant.end());
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
      if (a.second.recall() != b.second.recall()) return a.second.recall() < b.second.recall();
      return a.first < b.first;
    });
    for (const auto& [name, c] : v) {
      fmt::print("  {:<28} {:>6} of {:>6}  {}\n", name, c.tp, c.tp + c.fn, pct(c.recall()));
    }
  }

  if (show) {
    fmt::print("\nfalse positives ({} of {}):\n", std::min(show, r.false_positives.size()), r.false_positives.size());
    for (const Error* e : sample(r.false_positives, show)) {
      fmt::print("  doc {} {} [{}]: {}\n      {}\n", e->doc, dpa::bench::type_label(e->type), e->note,
                 std::string_view(corpus[e->doc].text).substr(e->begin, e->end - e->begin),
                 context(corpus[e->doc].text, e->begin, e->end));
    }
    fmt::print("\nfalse negatives ({} of {}):\n", std::min(show, r.false_negatives.size()), r.false_negatives.size());
    for (const Error* e : sample(r.false_negatives, show)) {
      fmt::print("  doc {} {} [{}]: {}\n      {}\n", e->doc, dpa::bench::type_label(e->type), e->note,
                 std::string_view(corpus[e->doc].text).substr(e->begin, e->end - e->begin),
                 context(corpus[e->doc].text, e->begin, e->end));
    }
  }

  fmt::print("\ndetector alone, one thread, per document: {:.1f} MB/s\n\n",
             r.seconds > 0 ? static_cast<double>(r.bytes) / 1e6 / r.seconds : 0.0);
  return pass;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t seed = 1, docs = 2000, show = 0;
  bool by_variant = false;
  std::vector<dpa::bench::CorpusSplit> splits{dpa::bench::CorpusSplit::kTuning, dpa::bench::CorpusSplit::kHeldOut};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--by-variant") {
      by_variant = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      usage("precision and recall of the detector on the synthetic corpus");
      return 0;
    }
    if (i + 1 >= argc) return usage(("missing value after " + a).c_str());
    if (a == "--set") {
      std::string v = argv[++i];
      if (v == "tuning") splits = {dpa::bench::CorpusSplit::kTuning};
      else if (v == "held-out") splits = {dpa::bench::CorpusSplit::kHeldOut};
      else if (v != "both") return usage("--set takes tuning, held-out or both");
      continue;
    }
    std::size_t* target = a == "--seed" ? &seed : a == "--docs" ? &docs : a == "--show-errors" ? &show : nullptr;
    if (!target) return usage(("unknown option " + a).c_str());
    if (!parse(argv[++i], *target)) return usage((a + " takes a number").c_str());
  }
  if (docs == 0) return usage("--docs takes a positive number");

  fmt::print(
      "anonymize quality\n"
      "match rule: a finding is a true positive when it has the gold span's type and the two overlap by at\n"
      "least 50% of the longer one; each gold span and each finding match at most once (best overlap first).\n"
      "Unmatched findings are false positives of their type; unmatched gold spans are false negatives.\n"
      "The corpus is synthetic (bench/corpus): read even the held-out figures as an upper bound for real\n"
      "transcripts.\n\n");

  bool pass = true;
  for (auto split : splits) pass = evaluate(split, seed, docs, show, by_variant) && pass;
  return pass ? 0 : 1;
}

#include "anonymize/detector.h"

#include <algorithm>
#include <cstdint>

namespace dpa::anonymize {

Detector::Detector(DetectorOptions options) : options_(std::move(options)) {
  recognizers_ = make_pattern_recognizers();
  recognizers_.push_back(make_person_recognizer());
  if (options_.pseudonym_tokens) recognizers_.push_back(make_pseudonym_token_recognizer());
}

Detector::Detector(DetectorOptions options, std::vector<std::unique_ptr<Recognizer>> recognizers)
    : options_(std::move(options)), recognizers_(std::move(recognizers)) {}

Detector::~Detector() = default;

std::vector<Finding> Detector::detect(std::string_view text) const {
  DetectScratch scratch;
  std::vector<Finding> out;
  detect(text, scratch, out);
  return out;
}

void Detector::detect(std::string_view text, DetectScratch& scratch, std::vector<Finding>& out) const {
  scratch.tokens.clear();
  scratch.raw.clear();
  out.clear();
  tokenize(text, scratch.tokens);
  ScanContext ctx{text, scratch.tokens};
  for (const auto& r : recognizers_) r->find(ctx, scratch.raw);

  auto wanted = [&](const Finding& f) {
    if (f.confidence < options_.min_confidence) return false;
    if (f.begin >= f.end || f.end > text.size()) return false;
    if (options_.only.empty()) return true;
    return std::find(options_.only.begin(), options_.only.end(), f.type) != options_.only.end();
  };
  std::erase_if(scratch.raw, [&](const Finding& f) { return !wanted(f); });
  resolve_overlaps_into(scratch.raw, out);
  scratch.raw.clear();
}

namespace {

// Priority for overlap resolution; the later keys only make the order total
// so that the result never depends on the order recognizers ran in.
bool higher_priority(const Finding& a, const Finding& b) {
  if (a.length() != b.length()) return a.length() > b.length();
  if (a.confidence != b.confidence) return a.confidence > b.confidence;
  if (a.begin != b.begin) return a.begin < b.begin;
  if (a.type != b.type) return a.type < b.type;
  return a.recognizer < b.recognizer;
}

// Resolves one cluster of mutually overlapping findings (rare and small).
void resolve_cluster(std::vector<Finding>& cluster, std::vector<Finding>& kept) {
  std::sort(cluster.begin(), cluster.end(), higher_priority);
  thread_local std::vector<std::pair<std::size_t, std::size_t>> taken;
  taken.clear();
  std::size_t first_kept = kept.size();
  for (auto& f : cluster) {
    bool free = true;
    for (const auto& [b, e] : taken) free = free && (f.end <= b || f.begin >= e);
    if (!free) continue;
    taken.emplace_back(f.begin, f.end);
    kept.push_back(std::move(f));
  }
  std::sort(kept.begin() + static_cast<long>(first_kept), kept.end(),
            [](const Finding& a, const Finding& b) { return a.begin < b.begin; });
}

}  // namespace

std::vector<Finding> resolve_overlaps(std::vector<Finding> findings) {
  std::vector<Finding> kept;
  resolve_overlaps_into(findings, kept);
  return kept;
}

void resolve_overlaps_into(std::vector<Finding>& findings, std::vector<Finding>& kept) {
  // Most findings overlap nothing: sort by position, pass lone findings
  // through, and resolve only the clusters of overlapping ones by priority.
  // Sorted through an index, and read through it: a Finding holds a
  // string, and moving it around cost more than the comparisons (a tenth
  // of the detector). Ties keep their input order, so the result is the
  // same on every run.
  thread_local std::vector<std::uint32_t> order;
  order.resize(findings.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = static_cast<std::uint32_t>(k);
  auto before = [&](std::uint32_t x, std::uint32_t y) {
    const Finding& a = findings[x];
    const Finding& b = findings[y];
    if (a.begin != b.begin) return a.begin < b.begin;
    return higher_priority(a, b);
  };
  // Each recognizer's findings come mostly in text order, so the list is
  // usually a few sorted runs: two runs merge in one linear pass (stable,
  // as the sort is), anything else takes the sort.
  auto second_run = std::is_sorted_until(order.begin(), order.end(), before);
  if (second_run != order.end()) {
    if (std::is_sorted(second_run, order.end(), before)) {
      std::inplace_merge(order.begin(), second_run, order.end(), before);
    } else {
      std::stable_sort(order.begin(), order.end(), before);
    }
  }
  kept.clear();
  // Doubling, not the exact need: `kept` is a recycled list, and reserving
  // exactly moved it whenever a chunk had a few more findings than before.
  if (kept.capacity() < findings.size()) kept.reserve(std::max(findings.size(), 2 * kept.capacity()));
  thread_local std::vector<Finding> cluster;
  std::size_t i = 0;
  while (i < order.size()) {
    std::size_t j = i + 1;
    std::size_t cluster_end = findings[order[i]].end;
    while (j < order.size() && findings[order[j]].begin < cluster_end) {
      cluster_end = std::max(cluster_end, findings[order[j]].end);
      ++j;
    }
    if (j == i + 1) {
      kept.push_back(std::move(findings[order[i]]));
    } else {
      cluster.clear();
      for (std::size_t k = i; k < j; ++k) cluster.push_back(std::move(findings[order[k]]));
      resolve_cluster(cluster, kept);
    }
    i = j;
  }
}

}  // namespace dpa::anonymize

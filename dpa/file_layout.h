// The layout of a file dataset: "{tenant}/{yyyy}/{mm}/{id}.wav".
//
// A layout is a relative path of '/'-separated segments; each segment is
// literal text and placeholders. {tenant} (required) names the tenant,
// {yyyy} {mm} {dd} {hh} date the file (UTC), {id} and any other {name} match
// one or more characters other than '/'. A file whose relative path does not
// match belongs to no tenant and is never touched.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dpa/time.h"

namespace dpa {

struct LayoutMatch {
  std::string tenant;
  std::string id;
  std::optional<int> year, month, day, hour;
};

class FileLayout {
 public:
  // Throws InputError naming the problem ("no {tenant} in layout ...").
  static FileLayout parse(std::string_view layout);

  // `relative` uses '/' separators.
  std::optional<LayoutMatch> match(std::string_view relative) const;

  // True when the first folder is exactly "{tenant}": a tenant's files are
  // then all under <root>/<tenant>, and nothing else needs to be walked.
  bool tenant_is_first_folder() const;
  std::size_t depth() const { return segments_.size(); }
  bool has_date() const;
  const std::string& text() const { return text_; }

  // The UTC period [begin, end) the date fields of `m` name; nullopt if the
  // layout has no {yyyy}.
  static std::optional<std::pair<Timestamp, Timestamp>> period(const LayoutMatch& m);

 private:
  struct Token {
    bool placeholder = false;
    std::string text;  // the literal, or the placeholder's name
  };
  using Segment = std::vector<Token>;
  static bool match_segment(const Segment& seg, std::size_t ti, std::string_view s, std::size_t pos,
                            LayoutMatch& out);
  std::string text_;
  std::vector<Segment> segments_;
};

}  // namespace dpa

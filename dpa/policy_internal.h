// Internals shared by policy.cpp, policy_parse.cpp and policy_check.cpp.
// Not a public header: other modules use dpa/policy.h and dpa/policy_check.h.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dpa/policy.h"
#include "dpa/policy_check.h"

namespace dpa::policy_detail {

// One policy file as written: its own rules (RuleOrigin::policy = its name),
// not merged with what it includes.
struct Place {
  int line = 0;
  int column = 0;
};

struct ParsedFile {
  Policy own;
  // Where each reference to a category was written, for problems found once
  // the included categories are known.
  std::vector<Place> retention_category_places;  // one per own.retention_rules
  std::vector<std::vector<std::pair<std::string, Place>>> subprocessor_category_places;
  struct Include {
    std::string name;
    int line = 0;
    int column = 0;
  };
  std::vector<Include> includes;
  bool syntax_ok = false;
};

// Parses and validates one file's text. Appends every problem to `problems`
// and returns as much of the policy as could be read.
ParsedFile parse_policy_file(std::string_view text, const std::string& origin,
                             std::vector<PolicyProblem>& problems);

// Where the text of a policy comes from.
struct PolicySource {
  std::string text;
  std::string origin;               // file path as displayed, or "builtin:<name>.toml"
  std::filesystem::path base_dir;   // where its includes are looked for first; empty if builtin
  std::string identity;             // canonical path or "builtin:<name>", for cycle detection
  std::string expected_name;        // the file's stem: [policy] name must match it
};

struct LoadResult {
  Policy policy;
  std::vector<PolicyProblem> problems;
};

// Parses `source`, resolves its includes, merges them (stricter wins) and
// checks the effective policy. Never throws for a problem in the policy.
LoadResult load_source(const PolicySource& source, const std::vector<std::filesystem::path>& search_dirs);

// Finds a policy by name (search dirs, then shipped) or path. Throws
// InputError if there is no such file.
PolicySource find_policy_source(std::string_view name_or_path,
                                const std::vector<std::filesystem::path>& search_dirs);

bool is_policy_path(std::string_view name_or_path);

// The source of the policy file at `p`; throws InputError if unreadable.
PolicySource read_policy_file(const std::filesystem::path& p);

// Edit distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate nearest to `word`, if it is near enough to be a likely typo.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

bool is_iso_country(std::string_view code);

// The effective operator of a subprocessor named by two merged policies:
// per entity type, the one that discloses less (dpa/policy_operators.cpp).
std::optional<SubprocessorOperators> merge_operators(const std::optional<SubprocessorOperators>& mine,
                                                     const std::optional<SubprocessorOperators>& theirs,
                                                     const std::function<std::string(const RuleOrigin&)>& cite);

}  // namespace dpa::policy_detail

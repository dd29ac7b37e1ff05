// Validation of policy files: every problem, not just the first, each with
// its place and a fix. `dpa policy check` prints them; load_policy throws the
// first one.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace dpa {

struct PolicyProblem {
  std::string file;  // as given, or "builtin:kz.toml" for a shipped policy
  int line = 0;      // 1-based; 0 if the problem has no place in a file
  int column = 0;    // 1-based; 0 if unknown
  std::string message;  // "bad duration '30x' for retention.max_age"
  std::string fix;      // "write a whole number followed by h, d, wd, mo or y, such as \"30d\""
};

// "file:line:col: error: message (fix)"
std::string format_problem(const PolicyProblem& problem);

// Checks the policy in `file` and everything it includes (beside it first,
// then `search_dirs`, then the shipped policies). Returns every problem found,
// in file order; empty if the policy is sound.
std::vector<PolicyProblem> check_policy(const std::filesystem::path& file,
                                        const std::vector<std::filesystem::path>& search_dirs = {});

// Checks a policy given by name ("upstat": search dirs, then shipped) or by
// path. Throws InputError if there is no such policy.
std::vector<PolicyProblem> check_policy_named(std::string_view name_or_path,
                                              const std::vector<std::filesystem::path>& search_dirs = {});

// The same for text read from elsewhere; `origin` names it in problems and
// `base_dir` is where its includes are looked for first (may be empty).
std::vector<PolicyProblem> check_policy_text(std::string_view text, const std::string& origin,
                                             const std::filesystem::path& base_dir = {},
                                             const std::vector<std::filesystem::path>& search_dirs = {});

}  // namespace dpa

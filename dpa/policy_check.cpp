#include "dpa/policy_check.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/policy_internal.h"

namespace fs = std::filesystem;

namespace dpa {

std::string format_problem(const PolicyProblem& p) {
  std::string where = p.file;
  if (p.line > 0) {
    where += fmt::format(":{}", p.line);
    if (p.column > 0) where += fmt::format(":{}", p.column);
  }
  return p.fix.empty() ? fmt::format("{}: error: {}", where, p.message)
                       : fmt::format("{}: error: {} ({})", where, p.message, p.fix);
}

std::vector<PolicyProblem> check_policy(const fs::path& file, const std::vector<fs::path>& search_dirs) {
  if (!fs::is_regular_file(file)) {
    return {{file.string(), 0, 0, "no such policy file", "give the path of a .toml policy file"}};
  }
  policy_detail::PolicySource src;
  try {
    src = policy_detail::read_policy_file(file);
  } catch (const Error& e) {
    return {{file.string(), 0, 0, e.what(), "check the file's permissions"}};
  }
  return policy_detail::load_source(src, search_dirs).problems;
}

std::vector<PolicyProblem> check_policy_named(std::string_view name_or_path,
                                              const std::vector<fs::path>& search_dirs) {
  policy_detail::PolicySource src = policy_detail::find_policy_source(name_or_path, search_dirs);
  return policy_detail::load_source(src, search_dirs).problems;
}

std::vector<PolicyProblem> check_policy_text(std::string_view text, const std::string& origin,
                                             const fs::path& base_dir, const std::vector<fs::path>& search_dirs) {
  policy_detail::PolicySource src;
  src.text = std::string(text);
  src.origin = origin;
  src.base_dir = base_dir;
  src.identity = "text:" + origin;
  fs::path o(origin);
  src.expected_name = o.extension() == ".toml" ? o.stem().string() : std::string();
  return policy_detail::load_source(src, search_dirs).problems;
}

namespace policy_detail {

// Optimal string alignment distance: insertions, deletions, substitutions
// and transpositions of neighbours ("gpdr" is one edit from "gdpr").
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  // A likely typo: one edit in a short word, two in a longer one; or one
  // word is a prefix of the other ("max" for "max_age").
  std::size_t limit = word.size() <= 4 ? 1 : 2;
  if (best_d <= limit) return best;
  for (const auto& c : candidates) {
    if (word.size() >= 3 && (c.rfind(word, 0) == 0 || word.rfind(c, 0) == 0)) return c;
  }
  return {};
}

bool is_iso_country(std::string_view code) {
  // ISO 3166-1 alpha-2, officially assigned codes.
  static constexpr std::string_view kCodes =
      "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS "
      "BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE "
      "EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM "
      "HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC "
      "LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA "
      "NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW "
      "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO "
      "TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";
  if (code.size() != 2) return false;
  for (std::size_t i = 0; i + 2 <= kCodes.size(); i += 3) {
    if (kCodes.substr(i, 2) == code) return true;
  }
  return false;
}

}  // namespace policy_detail
}  // namespace dpa

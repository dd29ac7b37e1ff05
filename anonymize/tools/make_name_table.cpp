// make_name_table: generates the name dictionary's tables (forms, lemmas,
// surrogate pools, cues) at build time, as a C++ source that compiles them
// into dpa (see anonymize/person_names.h). It runs the same rules as the dictionary: it is
// built from person_names.cpp, the tokenizer and the embedded data files.
//
//   make_name_table OUTPUT.cpp
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "anonymize/person_names.h"

namespace dpa::anonymize::names {
// The generator has no table compiled in: its dictionary builds one.
const NameTable* compiled_name_table() { return nullptr; }
}  // namespace dpa::anonymize::names

namespace {

using namespace dpa::anonymize::names;

void words(std::ostringstream& out, const char* name, std::span<const std::uint64_t> values) {
  out << "alignas(64) constexpr std::uint64_t " << name << "[" << values.size() << "] = {\n";
  char buf[24];
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::snprintf(buf, sizeof buf, "0x%llxu,", static_cast<unsigned long long>(values[i]));
    out << buf << ((i % 8 == 7) ? "\n" : "");
  }
  out << "};\n";
}

void ids(std::ostringstream& out, const char* name, std::span<const std::uint32_t> values) {
  // One element at least: an array may not be empty.
  out << "constexpr std::uint32_t " << name << "[" << std::max<std::size_t>(values.size(), 1) << "] = {";
  for (std::size_t i = 0; i < values.size(); ++i) out << values[i] << "u," << ((i % 16 == 15) ? "\n" : "");
  out << "};\n";
}

// A string_view literal of a folded word (UTF-8 as it is; quotes,
// backslashes and control bytes escaped).
std::string literal(std::string_view s) {
  if (s.empty()) return "{}";
  std::string out = "\"";
  char buf[8];
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || b < 0x20 || b == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\%03o", b);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  return out + "\"sv";
}

// The lemmas, their variant spellings (one array the lemmas' spans point
// into) and the surrogate pools.
void lemmas(std::ostringstream& out, const Dictionary& dict) {
  std::vector<std::string_view> variants;
  for (const Lemma& l : dict.lemmas()) variants.insert(variants.end(), l.variants.begin(), l.variants.end());
  out << "constexpr std::string_view kVariants[" << std::max<std::size_t>(variants.size(), 1) << "] = {";
  for (std::size_t i = 0; i < variants.size(); ++i) out << literal(variants[i]) << "," << ((i % 8 == 7) ? "\n" : "");
  out << "};\n\n";

  out << "constexpr CompiledLemma kLemmas[" << dict.lemma_count() << "] = {\n";
  std::size_t variant = 0;
  for (const Lemma& l : dict.lemmas()) {
    out << "{" << literal(l.text) << ",{{Kind(" << int(l.kind) << "),Origin(" << int(l.origin) << "),Gender("
        << int(l.gender) << "),Paradigm(" << int(l.paradigm) << ")," << (l.diminutive ? "true" : "false") << ","
        << (l.feminine_form ? "true" : "false") << "," << l.father << "u,{" << l.patronymics[0] << "u,"
        << l.patronymics[1] << "u," << l.patronymics[2] << "u," << l.patronymics[3] << "u}},"
        << literal(l.russian) << "," << literal(l.kazakh) << "," << literal(l.stem) << "," << literal(l.patronymic_m)
        << "," << literal(l.patronymic_f) << ",";
    if (l.variants.empty()) out << "{}";
    else out << "std::span<const std::string_view>(kVariants + " << variant << ", " << l.variants.size() << ")";
    variant += l.variants.size();
    out << "}},\n";
  }
  out << "};\n\n";

  const NameTable& t = dict.table();
  out << "constexpr PoolRun kPools[" << std::max<std::size_t>(t.pools.size(), 1) << "] = {";
  for (std::size_t i = 0; i < t.pools.size(); ++i) {
    out << "{" << t.pools[i].key << "u," << t.pools[i].begin << "u," << t.pools[i].end << "u},"
        << ((i % 4 == 3) ? "\n" : "");
  }
  out << "};\n";
  ids(out, "kPoolMembers", t.pool_members);
  std::vector<std::uint32_t> fathers;
  for (const auto& f : t.fathers) fathers.insert(fathers.end(), f.begin(), f.end());
  ids(out, "kFathers", fathers);
  out << "\n";
}

// The cues (their words in one array the cues' spans point into) and the
// table of the roles of cue words and stop words.
void cues(std::ostringstream& out, const Dictionary& dict) {
  const NameTable& t = dict.table();
  std::vector<std::uint64_t> all_words;
  for (const Cue& c : t.cues) all_words.insert(all_words.end(), c.words.begin(), c.words.end());
  words(out, "kCueWords", all_words);
  out << "constexpr Cue kCues[" << t.cues.size() << "] = {\n";
  std::size_t first = 0;
  char weight[40];
  for (const Cue& c : t.cues) {
    std::snprintf(weight, sizeof weight, "%af", static_cast<double>(c.weight));  // exact
    out << "{CueKind(" << int(c.kind) << ")," << weight << "," << literal(c.text)
        << ",std::span<const std::uint64_t>(kCueWords + " << first << ", " << c.words.size() << ")," << c.anchor
        << "u},\n";
    first += c.words.size();
  }
  out << "};\n";
  ids(out, "kCueIds", t.cue_ids);
  ids(out, "kCuesBeforeName", t.cues_before_name);
  ids(out, "kCuesAfterName", t.cues_after_name);
  out << "constexpr RoleSlot kRoles[" << t.roles.size() << "] = {\n";
  char key[24];
  for (const RoleSlot& r : t.roles) {
    if (!r.used) {
      out << "{},\n";
      continue;
    }
    std::snprintf(key, sizeof key, "0x%llxu", static_cast<unsigned long long>(r.key));
    out << "{" << key << ",{" << r.cues.begin << "u," << r.cues.count << "u},{" << r.before_name.begin << "u,"
        << r.before_name.count << "u},{" << r.after_name.begin << "u," << r.after_name.count << "u},"
        << (r.stop ? "true" : "false") << ",true},\n";
  }
  out << "};\n\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_name_table OUTPUT.cpp\n");
    return 2;
  }
  auto dict = Dictionary::build_from_data();
  const NameTable& t = dict->table();
  std::ostringstream out;
  out << "// Generated by make_name_table from anonymize/data/names: do not edit.\n"
         "#include \"anonymize/person_names.h\"\n\n"
         "namespace dpa::anonymize::names {\nnamespace {\n\nusing namespace std::string_view_literals;\n\n";
  words(out, "kFilter", t.filter);
  words(out, "kSlots", t.slots);
  out << "constexpr Analysis kAnalyses[" << t.analyses.size() << "] = {\n";
  for (std::size_t i = 0; i < t.analyses.size(); ++i) {
    const Analysis& a = t.analyses[i];
    out << "{" << a.lemma << ",Kind(" << int(a.kind) << "),Gender(" << int(a.gender) << "),Case(" << int(a.gcase)
        << "),Script(" << int(a.script) << ")," << int(a.flags) << "},";
    if (i % 4 == 3) out << "\n";
  }
  out << "};\n\n";
  lemmas(out, *dict);
  cues(out, *dict);
  out << "constexpr NameTable kTable{kFilter, kSlots, kAnalyses, " << t.form_count << "u, " << t.distinct_forms
      << "u,\n  kLemmas, {kPools, " << t.pools.size() << "}, {kPoolMembers, " << t.pool_members.size() << "}, {{";
  std::size_t father = 0;
  for (const auto& f : t.fathers) {
    out << "std::span<const std::uint32_t>(kFathers + " << father << ", " << f.size() << "),";
    father += f.size();
  }
  out << "}},\n  kCues, {kCueIds, " << t.cue_ids.size() << "}, {kCuesBeforeName, " << t.cues_before_name.size()
      << "}, {kCuesAfterName, " << t.cues_after_name.size() << "}, kRoles};\n\n}  // namespace\n\n"
      << "const NameTable* compiled_name_table() { return &kTable; }\n\n"
         "}  // namespace dpa::anonymize::names\n";
  std::ofstream f(argv[1], std::ios::binary | std::ios::trunc);
  f << out.str();
  f.close();
  if (!f) {
    std::fprintf(stderr, "make_name_table: cannot write %s\n", argv[1]);
    return 1;
  }
  return 0;
}

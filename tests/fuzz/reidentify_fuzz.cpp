// libFuzzer target for `dpa reidentify`: text that comes back from a
// subprocessor, with the tenant's real tokens and surrogates in it, mangled.
//
// At start-up the harness makes a workspace in a temporary directory, one
// tenant, and pseudonymizes synthetic documents (bench/corpus) with tokens
// and surrogates, which fills the vault; it checks that reidentify restores
// those made with tokens only byte for byte. An input then picks one of those replies and
// splices its bytes into it (insert or replace at an offset), so that most
// inputs carry real tokens next to arbitrary damage: case changes, cut
// brackets, endings, invalid UTF-8. Reidentify must either reject the text
// (InputError for invalid UTF-8) or return valid UTF-8, never crash or hang.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "anonymize/detector.h"
#include "anonymize/pseudonymizer.h"
#include "anonymize/reidentify.h"
#include "anonymize/utf8.h"
#include "anonymize/vault.h"
#include "bench/corpus/corpus_generator.h"
#include "dpa/error.h"
#include "dpa/secret_key.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"

namespace {

using namespace dpa::anonymize;
namespace fs = std::filesystem;

[[noreturn]] void broken(const char* what, std::size_t detail = 0) {
  std::fprintf(stderr, "reidentify_fuzz: invariant broken: %s (%zu)\n", what, detail);
  std::abort();
}

struct Harness {
  fs::path home;
  dpa::Workspace ws;
  int key_id = 0;
  dpa::SecretKey key;
  Detector detector{[] {
    DetectorOptions o;
    o.pseudonym_tokens = true;
    return o;
  }()};
  std::vector<std::string> replies;

  Harness() : home(make_home()), ws(make_workspace(home)) {
    auto k = dpa::current_tenant_key(ws, "acme");
    key_id = k.key_id;
    key = k.key;
    Detector plain;
    for (std::size_t i = 0; i < 40; ++i) {
      auto split = i % 2 ? dpa::bench::CorpusSplit::kHeldOut : dpa::bench::CorpusSplit::kTuning;
      std::string original = dpa::bench::generate_document(7, i, split).text;
      // A vault per run, as each `dpa anonymize` and `dpa reidentify` process has.
      Vault vault(ws.store(), "acme", key_id, key);
      StringSource in(original);
      StringSink out;
      // Half with tokens, which must come back byte for byte; half with
      // surrogates too, which need not: a real value the detector missed
      // that equals a surrogate issued earlier is restored as that
      // surrogate's original (a limit of surrogates).
      const bool tokens_only = i % 4 < 2;
      pseudonymize(in, out, plain, &vault,
                   {StreamOptions{}, OperatorPlan::parse(tokens_only ? "token" : "token,PERSON=surrogate,PHONE=surrogate")});
      std::string back = restore(out.text);
      if (tokens_only && back != original) {
        std::size_t at = 0;
        while (at < back.size() && at < original.size() && back[at] == original[at]) ++at;
        std::fprintf(stderr, "reidentify_fuzz: document %zu differs at byte %zu:\n  original: %.80s\n  restored: %.80s\n", i,
                     at, original.c_str() + std::min(at, original.size()), back.c_str() + std::min(at, back.size()));
        broken("a pseudonymized document does not come back byte for byte", i);
      }
      replies.push_back(std::move(out.text));
    }
  }

  std::string restore(const std::string& text) {
    Vault vault(ws.store(), "acme", key_id, key);
    StringSource in(text);
    StringSink out;
    reidentify(in, out, detector, vault, StreamOptions{});
    return out.text;
  }

  static fs::path make_home() {
    std::string tmpl = (fs::temp_directory_path() / "dpa-reidentify-fuzz-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) broken("cannot make a temporary directory");
    return tmpl;
  }
  static dpa::Workspace make_workspace(const fs::path& home) {
    dpa::Workspace::init(home, "truffles", "fuzz");
    auto w = dpa::Workspace::open(home, "fuzz");
    dpa::add_tenant(w, "acme", "truffles", "");
    return w;
  }
};

Harness* harness = nullptr;

void remove_home() {
  if (harness) {
    std::error_code ignored;
    fs::remove_all(harness->home, ignored);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  harness = new Harness();  // lives until exit; its directory goes at exit
  std::atexit(remove_home);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const std::string& reply = harness->replies[data[0] % harness->replies.size()];
  std::size_t at = (static_cast<std::size_t>(data[1]) << 8 | data[2]) % (reply.size() + 1);
  std::size_t cut = (data[3] & 0x80) ? std::min<std::size_t>(data[3] & 0x7F, reply.size() - at) : 0;
  std::string text = reply.substr(0, at);
  text.append(reinterpret_cast<const char*>(data) + 4, size - 4);
  text.append(reply, at + cut, std::string::npos);

  std::string out;
  try {
    out = harness->restore(text);
  } catch (const dpa::InputError&) {
    if (is_valid_utf8(text)) broken("valid UTF-8 rejected");
    return 0;
  }
  if (!is_valid_utf8(text)) broken("invalid UTF-8 accepted");
  if (!is_valid_utf8(out)) broken("restored text is not valid UTF-8", out.size());
  return 0;
}

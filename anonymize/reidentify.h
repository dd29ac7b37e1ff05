// `dpa reidentify` as a library: restores the originals behind tokens and
// surrogates in text that came back from a subprocessor.
#pragma once

#include <cstdint>

#include "anonymize/pseudonymizer.h"

namespace dpa::anonymize {

struct ReidentifyStats {
  std::uint64_t bytes_in = 0;
  std::uint64_t tokens_restored = 0;
  std::uint64_t surrogates_restored = 0;
  std::uint64_t tokens_unknown = 0;   // token-shaped text the vault does not know
};

// `detector` must have been built with DetectorOptions::pseudonym_tokens.
ReidentifyStats reidentify(ByteSource& in, ByteSink& out, const Detector& detector, Vault& vault,
                           const StreamOptions& options);

}  // namespace dpa::anonymize

#include "dpa/audit_log.h"

#include <pwd.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/keyring.h"
#include "dpa/secret_key.h"
#include "dpa/time.h"

namespace dpa {
namespace {

// Length-prefixed fields: no choice of field content can make two different
// entries serialize to the same bytes.
void append_field(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out.append(field);
  out += ',';
}

std::string raw_from_hex(const std::string& hex) {
  std::string raw(hex.size() / 2, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0) {
    throw InputError("malformed hash '" + hex + "'");
  }
  raw.resize(len);
  return raw;
}

// Signed-note key id: the first 4 bytes of SHA-256(name || "\n" || 0x01 || key),
// where 0x01 identifies Ed25519.
std::array<unsigned char, 4> key_id(const std::string& name, const std::array<unsigned char, 32>& pk) {
  std::string material = name;
  material += '\n';
  material += '\x01';
  material.append(reinterpret_cast<const char*>(pk.data()), pk.size());
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(material.data()), material.size());
  return {digest[0], digest[1], digest[2], digest[3]};
}

const char* const kSignatureDash = "\xE2\x80\x94 ";  // "— " (U+2014 and a space)

}  // namespace

std::string default_actor() {
  std::string user;
  if (const char* u = std::getenv("USER"); u && *u) user = u;
  else if (const passwd* pw = ::getpwuid(::geteuid())) user = pw->pw_name;
  else user = std::to_string(::geteuid());
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "unknown-host");
  return user + "@" + host;
}

AuditLog::AuditLog(StateStore& store, const Keyring& keys, std::string origin, std::string actor)
    : store_(store), keys_(keys), origin_(std::move(origin)), actor_(std::move(actor)) {}

std::string AuditLog::compute_hash(const AuditRecord& r) {
  std::string m = "dpa-audit-v1,";
  append_field(m, std::to_string(r.seq));
  append_field(m, r.time);
  append_field(m, r.actor);
  append_field(m, r.action);
  append_field(m, r.object);
  append_field(m, r.details);
  append_field(m, r.prev_hash);
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(m.data()), m.size(),
                     nullptr, 0);
  return to_hex(out, sizeof out);
}

std::string AuditLog::make_checkpoint(std::int64_t size, const std::string& head_hash) const {
  std::string raw = raw_from_hex(head_hash);
  std::string body = fmt::format("{}\n{}\n{}\n", origin_, size,
                                 to_base64(reinterpret_cast<const unsigned char*>(raw.data()), raw.size()));
  auto sig = keys_.sign(body);
  auto id = key_id(origin_, keys_.public_key());
  std::string blob(reinterpret_cast<const char*>(id.data()), id.size());
  blob.append(reinterpret_cast<const char*>(sig.data()), sig.size());
  return body + "\n" + kSignatureDash + origin_ + " " +
         to_base64(reinterpret_cast<const unsigned char*>(blob.data()), blob.size()) + "\n";
}

ParsedCheckpoint AuditLog::parse_checkpoint(const std::string& note) {
  auto bad = [](const std::string& why) {
    return InputError("not a dpa audit checkpoint: " + why);
  };
  auto sep = note.find("\n\n");
  if (sep == std::string::npos) throw bad("no blank line between the body and its signature");
  ParsedCheckpoint c;
  c.body = note.substr(0, sep + 1);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < c.body.size()) {
    auto nl = c.body.find('\n', start);
    lines.push_back(c.body.substr(start, nl - start));
    start = nl + 1;
  }
  if (lines.size() < 3) throw bad("the body needs an origin, a size and a hash line");
  c.origin = lines[0];
  try {
    std::size_t used = 0;
    c.size = std::stoll(lines[1], &used);
    if (used != lines[1].size() || c.size < 0) throw std::invalid_argument("size");
  } catch (const std::exception&) {
    throw bad("the size line is not a number");
  }
  try {
    std::string raw = from_base64(lines[2]);
    c.head_hash = to_hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  } catch (const std::invalid_argument&) {
    throw bad("the hash line is not base64");
  }
  std::string sig_line = note.substr(sep + 2);
  if (auto nl = sig_line.find('\n'); nl != std::string::npos) sig_line.resize(nl);
  if (!sig_line.starts_with(kSignatureDash)) throw bad("the signature line must start with an em dash");
  sig_line = sig_line.substr(std::string_view(kSignatureDash).size());
  auto space = sig_line.rfind(' ');
  if (space == std::string::npos) throw bad("the signature line needs a key name and a signature");
  c.key_name = sig_line.substr(0, space);
  try {
    c.signature = from_base64(sig_line.substr(space + 1));
  } catch (const std::invalid_argument&) {
    throw bad("the signature is not base64");
  }
  if (c.signature.size() != 4 + 64) throw bad("the signature has the wrong length");
  return c;
}

AuditRecord AuditLog::append(std::string_view action, std::string_view object,
                             const nlohmann::json& details) {
  // nlohmann's object keys are sorted, so dump() is canonical.
  return append_text(action, object, details.is_null() ? "{}" : details.dump());
}

AuditRecord AuditLog::append_text(std::string_view action, std::string_view object, std::string details) {
  AuditRecord r;
  store_.transaction([&] {
    auto head = store_.audit_head();
    r.seq = head ? head->seq + 1 : 1;
    r.prev_hash = head ? head->hash : kGenesisHash;
    r.time = format_utc(now());
    r.actor = actor_;
    r.action = std::string(action);
    r.object = std::string(object);
    r.details = std::move(details);
    r.hash = compute_hash(r);
    store_.insert_audit(r);
    store_.insert_checkpoint({r.seq, r.hash, make_checkpoint(r.seq, r.hash)});
  });
  return r;
}

AuditVerifyReport AuditLog::verify(const std::optional<std::string>& anchored,
                                   const std::optional<std::array<unsigned char, 32>>& public_key) {
  AuditVerifyReport report;
  const auto& pk = public_key ? *public_key : keys_.public_key();

  std::map<std::int64_t, CheckpointRecord> checkpoints;
  for (auto& c : store_.checkpoints()) checkpoints.emplace(c.size, std::move(c));
  std::optional<ParsedCheckpoint> anchor;
  if (anchored) anchor = parse_checkpoint(*anchored);

  // Checks one checkpoint note against the chain's head at its size.
  auto check_note = [&](const std::string& note, std::int64_t size, const std::string& head,
                        const std::string& what) {
    ParsedCheckpoint c;
    try {
      c = parse_checkpoint(note);
    } catch (const InputError& e) {
      report.problems.push_back({size, what + " is malformed: " + e.what()});
      return;
    }
    if (c.origin != origin_) {
      report.problems.push_back({size, what + " belongs to another log (" + c.origin + ")"});
      return;
    }
    auto id = key_id(c.key_name, pk);
    if (c.signature.compare(0, 4, reinterpret_cast<const char*>(id.data()), 4) != 0 ||
        !Keyring::verify(c.body, reinterpret_cast<const unsigned char*>(c.signature.data()) + 4, pk)) {
      report.problems.push_back({size, what + " has an invalid signature"});
      return;
    }
    if (c.size != size || c.head_hash != head) {
      report.problems.push_back(
          {size, fmt::format("{} signs head {} at size {}, but the log's head there is {}", what,
                             c.head_hash.substr(0, 16), c.size, head.substr(0, 16))});
      return;
    }
    ++report.checkpoints;
  };

  std::int64_t position = 0;
  std::string prev = kGenesisHash;
  store_.scan_audit({}, [&](const AuditRecord& r) {
    ++position;
    if (r.seq != position) {
      report.problems.push_back(
          {r.seq, fmt::format("entry {} stands where entry {} should: entries were removed or reordered",
                              r.seq, position)});
      position = r.seq;
    }
    if (r.prev_hash != prev) {
      report.problems.push_back(
          {r.seq, fmt::format("entry {} does not link to the entry before it: an earlier entry was "
                              "altered, removed or reordered", r.seq)});
    }
    if (compute_hash(r) != r.hash) {
      report.problems.push_back(
          {r.seq, fmt::format("entry {} was altered: its content does not match its hash", r.seq)});
    }
    prev = r.hash;
    if (auto it = checkpoints.find(r.seq); it != checkpoints.end()) {
      if (it->second.head_hash != r.hash) {
        report.problems.push_back(
            {r.seq, fmt::format("checkpoint at size {} records another head than entry {}", r.seq, r.seq)});
      }
      check_note(it->second.note, r.seq, r.hash, fmt::format("checkpoint at size {}", r.seq));
    }
    if (anchor && anchor->size == r.seq) {
      check_note(*anchored, r.seq, r.hash, "the anchored checkpoint");
    }
    return true;
  });
  report.entries = position;
  report.head_hash = prev;

  for (const auto& [size, c] : checkpoints) {
    if (size > position) {
      report.problems.push_back(
          {size, fmt::format("a checkpoint covers {} entries but the log ends at {}: entries were "
                             "removed from its end", size, position)});
      break;
    }
  }
  if (anchor && anchor->size > position) {
    report.problems.push_back(
        {anchor->size, fmt::format("the anchored checkpoint covers {} entries but the log ends at "
                                   "{}: entries were removed from its end", anchor->size, position)});
  }
  return report;
}

}  // namespace dpa

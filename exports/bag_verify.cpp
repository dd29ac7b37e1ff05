#include "exports/bag_verify.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "dpa/error.h"
#include "dpa/secret_key.h"
#include "exports/bag_writer.h"
#include "exports/checksums.h"
#include "exports/utf8_locale.h"

namespace dpa::exports {
namespace {

namespace fs = std::filesystem;
constexpr std::size_t kBlock = 1 << 20;
// Tag files are kept in memory to be parsed; a larger one is hashed only.
constexpr std::size_t kMaxTagFile = 512u << 20;

struct SeenFile {
  std::string sha256, sha512;
  std::uint64_t size = 0;
};

// Gathers what a package holds: the hashes of every file, the content of
// every tag file. Fed by a folder walk or an archive read.
class Collector {
 public:
  explicit Collector(BagVerifyReport& r) : r_(r), buf_(kBlock) {}

  using ReadFn = std::function<std::size_t(char* buf, std::size_t n)>;

  void file(const std::string& path, const ReadFn& read) {
    if (!is_safe_bag_path(path)) {
      problem(path, "unsafe path in the package (absolute, '..' or not UTF-8)");
      return;
    }
    if (files_.count(path)) {
      problem(path, "appears twice in the package");
      return;
    }
    const bool payload = path.rfind("data/", 0) == 0;
    if (payload) payload_dir = true;
    DualHasher h;
    SeenFile f;
    std::string content;
    bool keep = !payload;
    for (;;) {
      std::size_t n = read(buf_.data(), buf_.size());
      if (n == 0) break;
      h.update(buf_.data(), n);
      f.size += n;
      if (keep) {
        if (content.size() + n > kMaxTagFile) {
          keep = false;
          content.clear();
        } else {
          content.append(buf_.data(), n);
        }
      }
    }
    h.finish(f.sha256, f.sha512);
    files_[path] = f;
    if (!payload && keep) tags_[path] = std::move(content);
  }

  void problem(const std::string& path, std::string message) { r_.problems.push_back({path, std::move(message)}); }

  std::map<std::string, SeenFile> files_;
  std::map<std::string, std::string> tags_;
  bool payload_dir = false;  // a data/ folder was seen (or a file under it)

 private:
  BagVerifyReport& r_;
  std::vector<char> buf_;
};

void walk_folder(const fs::path& root, Collector& c) {
  std::error_code ec;
  std::vector<std::pair<std::string, fs::path>> files;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    auto st = it->symlink_status(ec);
    if (ec) break;
    std::string rel = it->path().lexically_relative(root).generic_string();
    if (fs::is_symlink(st)) {
      c.problem(rel, "is a symbolic link: a bag holds regular files only");
      it.disable_recursion_pending();
      continue;
    }
    if (fs::is_directory(st)) {
      if (rel == "data") c.payload_dir = true;
      continue;
    }
    if (!fs::is_regular_file(st)) {
      c.problem(rel, "is not a regular file");
      continue;
    }
    files.emplace_back(rel, it->path());
  }
  if (ec) throw InputError(fmt::format("cannot read {}: {}", root.string(), ec.message()));
  for (const auto& [rel, p] : files) {
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
      c.problem(rel, fmt::format("cannot be read: {}", std::strerror(errno)));
      continue;
    }
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    try {
      c.file(rel, [&](char* buf, std::size_t n) -> std::size_t {
        for (;;) {
          ssize_t r = ::read(fd, buf, n);
          if (r >= 0) return static_cast<std::size_t>(r);
          if (errno != EINTR) throw InputError(fmt::format("cannot read {}: {}", p.string(), std::strerror(errno)));
        }
      });
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
  }
}

// Reads a zip or tar; the bag is the archive's single top folder (or its
// root when bagit.txt is at the top).
std::string read_archive(const fs::path& file, Collector& c) {
  Utf8Locale utf8;
  struct archive* a = archive_read_new();
  archive_read_support_format_zip(a);
  archive_read_support_format_tar(a);
  archive_read_support_filter_all(a);
  std::string format;
  auto fail = [&](const std::string& what) {
    std::string msg = archive_error_string(a) ? archive_error_string(a) : "unknown error";
    archive_read_free(a);
    throw InputError(fmt::format("{} is not a readable zip or tar archive ({}): {}", file.string(), what, msg));
  };
  if (archive_read_open_filename(a, file.c_str(), kBlock) != ARCHIVE_OK) fail("open");
  std::optional<std::string> prefix;
  struct archive_entry* e = nullptr;
  for (;;) {
    int r = archive_read_next_header(a, &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      if (format.empty()) fail("header");
      c.problem("", fmt::format("the archive is damaged after its last readable entry: {}",
                                archive_error_string(a) ? archive_error_string(a) : "unknown error"));
      break;
    }
    if (format.empty()) format = archive_format(a) == ARCHIVE_FORMAT_ZIP || (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP ? "zip" : "tar";
    const char* name_utf8 = archive_entry_pathname_utf8(e);
    std::string name = name_utf8 ? name_utf8 : (archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
    const bool is_dir = archive_entry_filetype(e) == AE_IFDIR;
    if (!name.empty() && name.back() == '/') name.pop_back();
    if (!prefix) {
      std::size_t slash = name.find('/');
      bool at_root = slash == std::string::npos && (!is_dir || name == "data");
      prefix = at_root ? std::string() : name.substr(0, slash) + "/";
    }
    if (is_dir) {
      if (name + "/" == *prefix + "data/") c.payload_dir = true;
      continue;
    }
    if (!prefix->empty() && name.rfind(*prefix, 0) != 0) {
      c.problem(name, fmt::format("is outside the bag's folder {}", *prefix));
      continue;
    }
    std::string rel = name.substr(prefix->size());
    if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e)) {
      c.problem(rel, "is not a regular file (a link or a device): a bag holds regular files only");
      continue;
    }
    bool damaged = false;
    c.file(rel, [&](char* buf, std::size_t n) -> std::size_t {
      if (damaged) return 0;
      la_ssize_t got = archive_read_data(a, buf, n);
      if (got < 0) {
        damaged = true;
        return 0;
      }
      return static_cast<std::size_t>(got);
    });
    if (damaged) {
      c.problem(rel, fmt::format("cannot be read from the archive: {}",
                                 archive_error_string(a) ? archive_error_string(a) : "unknown error"));
    }
  }
  archive_read_free(a);
  if (format.empty()) throw InputError(fmt::format("{} is an empty archive", file.string()));
  return format;
}

struct Algorithm {
  const char* name;
  std::size_t hex_digits;
  std::string SeenFile::*field;
};
constexpr Algorithm kAlgorithms[] = {{"sha256", 64, &SeenFile::sha256}, {"sha512", 128, &SeenFile::sha512}};

const Algorithm* algorithm(const std::string& name) {
  for (const auto& a : kAlgorithms) {
    if (name == a.name) return &a;
  }
  return nullptr;
}

}  // namespace

std::string to_string(SignatureStatus s) {
  switch (s) {
    case SignatureStatus::kValid: return "valid";
    case SignatureStatus::kInvalid: return "invalid";
    case SignatureStatus::kMissing: return "missing";
    case SignatureStatus::kUnchecked: return "unchecked";
  }
  return "?";
}

BagVerifyReport verify_bag(const fs::path& path, const std::optional<std::array<unsigned char, 32>>& public_key) {
  if (sodium_init() < 0) throw Error(ExitStatus::kInternal, "libsodium failed to initialize");
  BagVerifyReport r;
  Collector c(r);
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw InputError(fmt::format("no package at {}", path.string()));
  if (fs::is_directory(st)) {
    r.format = "dir";
    walk_folder(path, c);
  } else {
    r.format = read_archive(path, c);
  }

  // bagit.txt (§2.1.1).
  auto bagit = c.tags_.find("bagit.txt");
  if (bagit == c.tags_.end()) {
    c.problem("bagit.txt", "missing: this is not a bag");
  } else {
    auto decl = parse_bag_info(bagit->second);
    auto version = decl ? bag_info_value(*decl, "BagIt-Version") : std::nullopt;
    auto encoding = decl ? bag_info_value(*decl, "Tag-File-Character-Encoding") : std::nullopt;
    if (!version || (*version != "1.0" && *version != "0.97")) {
      c.problem("bagit.txt", "no BagIt-Version 1.0 (or 0.97) declaration");
    }
    if (!encoding || (*encoding != "UTF-8" && *encoding != "utf-8")) {
      c.problem("bagit.txt", "Tag-File-Character-Encoding is not UTF-8");
    }
  }

  if (!c.payload_dir) c.problem("data", "missing: a bag has a payload folder data/, even when it is empty");

  // Payload files as found.
  std::set<std::string> payload;
  for (const auto& [p, f] : c.files_) {
    if (p.rfind("data/", 0) == 0) {
      payload.insert(p);
      r.payload_bytes += f.size;
      ++r.payload_files;
    }
  }

  // Payload manifests (§2.1.3) and tag manifests (§2.2.1).
  std::set<std::string> reported;  // one problem per file and kind is enough
  auto report_once = [&](const std::string& p, const std::string& m) {
    if (reported.insert(p + "\n" + m).second) c.problem(p, m);
  };
  for (const bool tag : {false, true}) {
    const std::string stem = tag ? "tagmanifest-" : "manifest-";
    for (const auto& [name, f] : c.files_) {
      if (name.rfind(stem, 0) != 0 || name.size() < stem.size() + 4 || name.compare(name.size() - 4, 4, ".txt") != 0 ||
          name.find('/') != std::string::npos) {
        continue;
      }
      std::string alg_name = name.substr(stem.size(), name.size() - stem.size() - 4);
      const Algorithm* alg = algorithm(alg_name);
      if (!alg) {
        c.problem(name, fmt::format("checksum algorithm {} is not supported (sha256, sha512)", alg_name));
        continue;
      }
      auto text = c.tags_.find(name);
      if (text == c.tags_.end()) {
        c.problem(name, "too large to read");
        continue;
      }
      if (!tag) r.manifests.push_back(alg->name);
      ManifestParse parsed = parse_manifest(text->second, alg->hex_digits);
      for (const auto& m : parsed.problems) c.problem(name, m);
      std::set<std::string> listed;
      for (const auto& entry : parsed.entries) {
        if (!is_safe_bag_path(entry.path)) {
          c.problem(name, fmt::format("lists an unsafe path '{}' (absolute, '..' or not UTF-8)", encode_manifest_path(entry.path)));
          continue;
        }
        bool in_data = entry.path.rfind("data/", 0) == 0;
        if (!tag && !in_data) {
          c.problem(name, fmt::format("lists {}, which is not under data/", entry.path));
          continue;
        }
        if (tag && in_data) {
          c.problem(name, fmt::format("lists the payload file {}", entry.path));
          continue;
        }
        if (!listed.insert(entry.path).second) {
          c.problem(name, fmt::format("lists {} twice", entry.path));
          continue;
        }
        auto seen = c.files_.find(entry.path);
        if (seen == c.files_.end()) {
          report_once(entry.path, "missing: listed in the manifest but not in the package");
          continue;
        }
        if (seen->second.*(alg->field) != entry.checksum) {
          report_once(entry.path, fmt::format("{} checksum does not match: the file was altered", alg->name));
        }
      }
      if (!tag) {
        for (const auto& p : payload) {
          if (!listed.count(p)) report_once(p, fmt::format("not listed in {}: an extra payload file", name));
        }
      }
    }
  }
  if (r.manifests.empty()) c.problem("", "no payload manifest of a supported algorithm (manifest-sha256.txt, manifest-sha512.txt)");

  // bag-info.txt (§2.2.2): Payload-Oxum.
  auto info = c.tags_.find("bag-info.txt");
  if (info != c.tags_.end()) {
    auto parsed = parse_bag_info(info->second);
    if (!parsed) {
      c.problem("bag-info.txt", "malformed: a line is neither 'Label: value' nor a continuation");
    } else {
      r.info = *parsed;
      if (auto oxum_text = bag_info_value(r.info, "Payload-Oxum")) {
        auto oxum = parse_oxum(*oxum_text);
        if (!oxum) {
          c.problem("bag-info.txt", fmt::format("Payload-Oxum '{}' is not 'octets.files'", *oxum_text));
        } else if (oxum->first != r.payload_bytes || oxum->second != r.payload_files) {
          c.problem("bag-info.txt", fmt::format("Payload-Oxum {} does not match the payload: {} bytes in {} files",
                                                *oxum_text, r.payload_bytes, r.payload_files));
        }
      }
    }
  }

  // The detached signature of the tag manifest.
  auto tm = c.tags_.find("tagmanifest-sha256.txt");
  if (tm != c.tags_.end()) r.tag_manifest_sha256 = sha256_hex(tm->second);
  auto sig = c.tags_.find(kSignatureFile);
  if (!public_key) {
    r.signature = SignatureStatus::kUnchecked;
  } else if (sig == c.tags_.end() || tm == c.tags_.end()) {
    r.signature = SignatureStatus::kMissing;
    c.problem(kSignatureFile, "missing: the package is not signed");
  } else {
    std::string raw;
    try {
      std::string text = sig->second;
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
      raw = from_base64(text);
    } catch (const std::exception&) {
      raw.clear();
    }
    bool ok = raw.size() == crypto_sign_BYTES &&
              crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(raw.data()),
                                          reinterpret_cast<const unsigned char*>(tm->second.data()), tm->second.size(),
                                          public_key->data()) == 0;
    r.signature = ok ? SignatureStatus::kValid : SignatureStatus::kInvalid;
    if (!ok) c.problem(kSignatureFile, "the signature of tagmanifest-sha256.txt does not verify with this public key");
  }
  return r;
}

}  // namespace dpa::exports

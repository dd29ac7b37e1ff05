#include <archive.h>
#include <archive_entry.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "exports/bag_verify.h"
#include "exports/bag_writer.h"
#include "exports/exports_test_support.h"
#include "exports/package_sink.h"
#include "exports/utf8_locale.h"
#include "support/test_support.h"

using namespace dpa::exports;
using dpa::test::TempDir;
using dpa::test::TestKeys;
namespace fs = std::filesystem;

namespace {

// Names the RFC's rules are about: spaces, non-ASCII, CR, LF and '%'.
const std::vector<std::string> kNames = {"plain.txt", "with space.txt", "Қазақша файл.txt", "100%.txt",
                                         "line\nfeed.txt", "carriage\rreturn.txt"};

BagSummary make_bag(const TempDir& dir, PackageFormat format, const fs::path& out, const TestKeys& keys,
                    const std::atomic<bool>* cancel = nullptr) {
  fs::create_directories(dir / "src");
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    dpa::test::write_file(dir / "src" / kNames[i], "content of file " + std::to_string(i) + "\n");
  }
  auto sink = open_package_sink(format, out);
  BagWriter w(*sink, cancel);
  for (const auto& n : kNames) w.add_file("files/docs/" + n, dir / "src" / n);
  w.add_generated({"tables/t.jsonl", "tables/t.csv"}, [](std::vector<PayloadStream*>& s) {
    s[0]->write("{\"id\":1}\n");
    s[1]->write("id\r\n1\r\n");
  });
  w.add_tag_file("dpa-export.json", "{}\n");
  return w.finish({{"Source-Organization", "Test"}, {"External-Identifier", "tenant acme"}}, keys.signer());
}

std::vector<std::string> problem_paths(const BagVerifyReport& r) {
  std::vector<std::string> out;
  for (const auto& p : r.problems) out.push_back(p.path);
  return out;
}

std::string describe(const BagVerifyReport& r) {
  std::string out;
  for (const auto& p : r.problems) out += "[" + p.path + "] " + p.message + "\n";
  return out;
}

bool has_problem(const BagVerifyReport& r, const std::string& path, const std::string& fragment) {
  for (const auto& p : r.problems) {
    if (p.path == path && p.message.find(fragment) != std::string::npos) return true;
  }
  return false;
}

// Copies an archive, replacing the content of entries by `edit` (by path
// inside the bag; nullopt drops the entry) and appending `extra` files.
void rewrite_archive(const fs::path& from, const fs::path& to, bool zip,
                     const std::function<std::optional<std::string>(const std::string&, std::string)>& edit,
                     const std::vector<std::pair<std::string, std::string>>& extra = {}) {
  Utf8Locale utf8;
  struct archive* in = archive_read_new();
  archive_read_support_format_all(in);
  REQUIRE(archive_read_open_filename(in, from.c_str(), 65536) == ARCHIVE_OK);
  struct archive* out = archive_write_new();
  if (zip) archive_write_set_format_zip(out);
  else archive_write_set_format_pax_restricted(out);
  archive_write_set_options(out, zip ? "zip:hdrcharset=UTF-8" : "pax:hdrcharset=UTF-8");
  REQUIRE(archive_write_open_filename(out, to.c_str()) == ARCHIVE_OK);
  struct archive_entry* e = nullptr;
  std::string prefix;
  while (archive_read_next_header(in, &e) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname_utf8(e);
    prefix = name.substr(0, name.find('/') + 1);
    std::string data;
    char buf[65536];
    la_ssize_t n;
    while ((n = archive_read_data(in, buf, sizeof buf)) > 0) data.append(buf, static_cast<std::size_t>(n));
    auto changed = edit(name.substr(prefix.size()), data);
    if (!changed) continue;
    struct archive_entry* o = archive_entry_new();
    archive_entry_set_pathname_utf8(o, name.c_str());
    archive_entry_set_filetype(o, AE_IFREG);
    archive_entry_set_perm(o, 0644);
    archive_entry_set_size(o, static_cast<la_int64_t>(changed->size()));
    archive_write_header(out, o);
    archive_write_data(out, changed->data(), changed->size());
    archive_entry_free(o);
  }
  for (const auto& [name, data] : extra) {
    struct archive_entry* o = archive_entry_new();
    archive_entry_set_pathname_utf8(o, (prefix + name).c_str());
    archive_entry_set_filetype(o, AE_IFREG);
    archive_entry_set_perm(o, 0644);
    archive_entry_set_size(o, static_cast<la_int64_t>(data.size()));
    archive_write_header(out, o);
    archive_write_data(out, data.data(), data.size());
    archive_entry_free(o);
  }
  archive_read_free(in);
  archive_write_close(out);
  archive_write_free(out);
}

}  // namespace

TEST_CASE("a folder bag follows RFC 8493 and verifies", "[exports][bagit]") {
  TempDir dir;
  TestKeys keys;
  fs::path out = dir / "bag";
  BagSummary s = make_bag(dir, PackageFormat::kDir, out, keys);
  CHECK(s.payload_files == kNames.size() + 2);
  CHECK(dpa::test::read_file(out / "bagit.txt") == "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
  std::string m256 = dpa::test::read_file(out / "manifest-sha256.txt");
  CHECK(m256.find("  data/files/docs/100%25.txt\n") != std::string::npos);
  CHECK(m256.find("  data/files/docs/line%0Afeed.txt\n") != std::string::npos);
  CHECK(m256.find("  data/files/docs/carriage%0Dreturn.txt\n") != std::string::npos);
  CHECK(m256.find("  data/files/docs/Қазақша файл.txt\n") != std::string::npos);
  CHECK(fs::exists(out / "manifest-sha512.txt"));
  std::string info = dpa::test::read_file(out / "bag-info.txt");
  CHECK(info.find("Payload-Oxum: " + s.oxum + "\n") != std::string::npos);
  CHECK(info.find("Bag-Size: ") != std::string::npos);
  std::string tags = dpa::test::read_file(out / "tagmanifest-sha256.txt");
  for (const char* t : {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt", "dpa-export.json"}) {
    CHECK(tags.find(std::string("  ") + t + "\n") != std::string::npos);
  }
  CHECK(tags.find("tagmanifest-sha256.txt") == std::string::npos);
  // Nothing but the bag is left next to it.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 2);  // src/ and bag/

  BagVerifyReport r = verify_bag(out, keys.pk);
  INFO(describe(r));
  CHECK(r.ok());
  CHECK(r.signature == SignatureStatus::kValid);
  CHECK(r.payload_files == s.payload_files);
  CHECK(r.payload_bytes == s.payload_bytes);
  CHECK(r.manifests == std::vector<std::string>{"sha256", "sha512"});
  CHECK(verify_bag(out, std::nullopt).signature == SignatureStatus::kUnchecked);
}

TEST_CASE("zip and tar bags verify, and a tampered copy names every altered file", "[exports][bagit]") {
  for (PackageFormat f : {PackageFormat::kZip, PackageFormat::kTar}) {
    DYNAMIC_SECTION(to_string(f)) {
      TempDir dir;
      TestKeys keys;
      fs::path out = dir / ("export." + to_string(f));
      make_bag(dir, f, out, keys);
      BagVerifyReport ok = verify_bag(out, keys.pk);
      INFO(describe(ok));
      CHECK(ok.ok());
      CHECK(ok.format == to_string(f));
      CHECK(ok.signature == SignatureStatus::kValid);

      fs::path bad = dir / ("tampered." + to_string(f));
      rewrite_archive(
          out, bad, f == PackageFormat::kZip,
          [](const std::string& p, std::string data) -> std::optional<std::string> {
            if (p == "data/files/docs/with space.txt" || p == "data/files/docs/line\nfeed.txt") return data + "x";
            if (p == "data/tables/t.csv") return std::nullopt;
            return data;
          },
          {{"data/files/docs/smuggled.txt", "an extra payload file"}});
      BagVerifyReport r = verify_bag(bad, keys.pk);
      CHECK_FALSE(r.ok());
      CHECK(has_problem(r, "data/files/docs/with space.txt", "sha256 checksum does not match"));
      CHECK(has_problem(r, "data/files/docs/with space.txt", "sha512 checksum does not match"));
      CHECK(has_problem(r, "data/files/docs/line\nfeed.txt", "checksum does not match"));
      CHECK(has_problem(r, "data/tables/t.csv", "missing"));
      CHECK(has_problem(r, "data/files/docs/smuggled.txt", "not listed in manifest-sha256.txt"));
      CHECK(has_problem(r, "bag-info.txt", "Payload-Oxum"));
      auto paths = problem_paths(r);
      CHECK(std::count(paths.begin(), paths.end(), "data/files/docs/plain.txt") == 0);
    }
  }
}

TEST_CASE("verify rejects unsafe manifest paths, a wrong Oxum, a foreign key and a missing bagit.txt",
          "[exports][bagit]") {
  TempDir dir;
  TestKeys keys, other;
  fs::path out = dir / "bag";
  make_bag(dir, PackageFormat::kDir, out, keys);

  SECTION("another key") {
    auto r = verify_bag(out, other.pk);
    CHECK(r.signature == SignatureStatus::kInvalid);
    CHECK(has_problem(r, kSignatureFile, "does not verify"));
  }
  SECTION("an edited tag manifest breaks the signature") {
    std::ofstream(out / "tagmanifest-sha256.txt", std::ios::app) << "";
    dpa::test::write_file(out / "bag-info.txt", dpa::test::read_file(out / "bag-info.txt") + "Extra: yes\n");
    auto r = verify_bag(out, keys.pk);
    CHECK(has_problem(r, "bag-info.txt", "sha256 checksum does not match"));
    std::string tm = dpa::test::read_file(out / "tagmanifest-sha256.txt");
    dpa::test::write_file(out / "tagmanifest-sha256.txt", tm + std::string(64, '0') + "  bagit.txt\n");
    r = verify_bag(out, keys.pk);
    CHECK(r.signature == SignatureStatus::kInvalid);
  }
  SECTION("paths that leave the bag") {
    std::string m = dpa::test::read_file(out / "manifest-sha256.txt");
    dpa::test::write_file(out / "manifest-sha256.txt",
                          m + std::string(64, 'a') + "  data/../../etc/passwd\n" + std::string(64, 'a') + "  /etc/passwd\n");
    auto r = verify_bag(out, std::nullopt);
    CHECK(has_problem(r, "manifest-sha256.txt", "unsafe path 'data/../../etc/passwd'"));
    CHECK(has_problem(r, "manifest-sha256.txt", "unsafe path '/etc/passwd'"));
  }
  SECTION("a wrong Payload-Oxum") {
    std::string info = dpa::test::read_file(out / "bag-info.txt");
    auto pos = info.find("Payload-Oxum: ");
    info.replace(pos, info.find('\n', pos) - pos, "Payload-Oxum: 1.1");
    dpa::test::write_file(out / "bag-info.txt", info);
    auto r = verify_bag(out, std::nullopt);
    CHECK(has_problem(r, "bag-info.txt", "Payload-Oxum 1.1 does not match"));
  }
  SECTION("no bagit.txt, no signature") {
    fs::remove(out / "bagit.txt");
    fs::remove(out / kSignatureFile);
    auto r = verify_bag(out, keys.pk);
    CHECK(has_problem(r, "bagit.txt", "missing"));
    CHECK(r.signature == SignatureStatus::kMissing);
  }
  SECTION("a symbolic link in the payload") {
    fs::create_symlink("/etc/passwd", out / "data" / "link");
    auto r = verify_bag(out, std::nullopt);
    CHECK(has_problem(r, "data/link", "symbolic link"));
  }
}

TEST_CASE("an interrupted export leaves nothing at the output path", "[exports][bagit]") {
  for (PackageFormat f : {PackageFormat::kZip, PackageFormat::kTar, PackageFormat::kDir}) {
    DYNAMIC_SECTION(to_string(f)) {
      TempDir dir;
      TestKeys keys;
      std::atomic<bool> cancel{true};
      fs::path out = dir / "out";
      CHECK_THROWS_AS(make_bag(dir, f, out, keys, &cancel), ExportCancelled);
      CHECK_FALSE(fs::exists(out));
      int entries = 0;
      for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++entries;
      CHECK(entries == 1);  // only src/: the temporary folder is gone
    }
  }
}

TEST_CASE("an existing output path is refused", "[exports][bagit]") {
  TempDir dir;
  TestKeys keys;
  dpa::test::write_file(dir / "taken.zip", "x");
  CHECK_THROWS_WITH(make_bag(dir, PackageFormat::kZip, dir / "taken.zip", keys), Catch::Contains("exists already"));
  CHECK(dpa::test::read_file(dir / "taken.zip") == "x");
}

TEST_CASE("the Library of Congress bagit tool validates a dpa bag", "[exports][bagit][loc]") {
  const char* tool = nullptr;
  for (const char* t : {"bagit.py", "bagit"}) {
    std::string cmd = std::string("command -v ") + t + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) {
      tool = t;
      break;
    }
  }
  if (!tool) {
    WARN("SKIPPED: bagit.py (the Library of Congress's bagit-python) is not installed; Debian 12 does not package "
         "it (python3-bagit is in later releases). Install it to run this check.");
    return;
  }
  TempDir dir;
  TestKeys keys;
  make_bag(dir, PackageFormat::kDir, dir / "bag", keys);
  std::string cmd = std::string(tool) + " --validate '" + (dir / "bag").string() + "' 2>&1";
  CHECK(std::system(cmd.c_str()) == 0);
}

TEST_CASE("a bag with an empty payload still has its data folder and verifies", "[exports][bagit]") {
  for (PackageFormat f : {PackageFormat::kZip, PackageFormat::kTar, PackageFormat::kDir}) {
    DYNAMIC_SECTION(to_string(f)) {
      TempDir dir;
      TestKeys keys;
      fs::path out = dir / "empty";
      {
        auto sink = open_package_sink(f, out);
        BagWriter w(*sink);
        w.finish({{"Source-Organization", "Test"}}, keys.signer());
      }
      auto r = verify_bag(out, keys.pk);
      INFO(describe(r));
      CHECK(r.ok());
      CHECK(r.payload_files == 0);
      if (f == PackageFormat::kDir) {
        fs::remove(out / "data");
        CHECK(has_problem(verify_bag(out, keys.pk), "data", "payload folder"));
      }
    }
  }
}

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "dpa/datamap.h"
#include "exports/bag_verify.h"
#include "exports/export_package.h"
#include "exports/exports_test_support.h"
#include "retention/hashing.h"
#include "support/test_support.h"

using namespace dpa::exports;
using dpa::test::read_file;
using dpa::test::TempDir;
using dpa::test::write_file;
namespace fs = std::filesystem;

namespace {

// An application database (calls, notes) and a folder of recordings, for two tenants.
struct World {
  TempDir dir;
  dpa::DataMap map;
  World() {
    SQLite::Database db((dir / "app.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(
        "CREATE TABLE calls(id INTEGER PRIMARY KEY, tenant TEXT, created_at TEXT, phone TEXT, summary TEXT, "
        "score REAL, audio BLOB);"
        "CREATE TABLE notes(id INTEGER PRIMARY KEY, tenant TEXT, created_at TEXT, body TEXT);"
        "INSERT INTO calls VALUES(1, 'acme', '2026-05-01T09:00:00Z', '8 701 123-45-67', 'asked, \"twice\"', 0.5, x'0102');"
        "INSERT INTO calls VALUES(2, 'acme', '2026-05-02T09:00:00Z', '+7 702 000 00 00', 'second\nline', NULL, NULL);"
        "INSERT INTO calls VALUES(3, 'acme', NULL, '+77011234567', 'no date', 1, NULL);"
        "INSERT INTO calls VALUES(4, 'other', '2026-05-01T09:00:00Z', '+77011234567', 'other tenant', 1, NULL);"
        "INSERT INTO notes VALUES(1, 'acme', '2026-05-01T09:00:00Z', 'note');");
    fs::create_directories(dir / "rec" / "acme" / "2026" / "05");
    fs::create_directories(dir / "rec" / "other" / "2026" / "05");
    write_file(dir / "rec" / "acme" / "2026" / "05" / "call 1.wav", std::string(5000, 'a'));
    write_file(dir / "rec" / "acme" / "2026" / "05" / "звонок.wav", std::string(3000, 'b'));
    write_file(dir / "rec" / "other" / "2026" / "05" / "x.wav", "other");
    map = dpa::parse_datamap(R"toml(
[[store]]
name = "app"
kind = "sqlite"
path = "app.db"

[[store]]
name = "rec"
kind = "files"
root = "rec"

[[dataset]]
name = "calls"
store = "app"
table = "calls"
key = "id"
category = "calls"
tenant = "tenant"
created = "created_at"
subject = { phone = "phone" }
text = ["summary"]

[[dataset]]
name = "notes"
store = "app"
table = "notes"
key = "id"
category = "notes"
tenant = "tenant"
created = "created_at"

[[dataset]]
name = "recordings"
store = "rec"
category = "calls"
path = "{tenant}/{yyyy}/{mm}/{id}.wav"
)toml",
                             dir / "dpa.toml", dir.path());
  }

  ExportRequest request(PackageFormat f, const fs::path& out, const dpa::test::TestKeys& keys) {
    ExportRequest r;
    r.map = &map;
    r.tenant = "acme";
    r.format = f;
    r.out = out;
    r.info = {{"Source-Organization", "Test"}, {"External-Identifier", "tenant acme"}};
    r.about = {{"tenant", "acme"}};
    r.sign = keys.signer();
    return r;
  }
};

}  // namespace

TEST_CASE("a tenant export holds every row of its tables and every file, and verifies", "[exports][package]") {
  World w;
  dpa::test::TestKeys keys;
  fs::path out = w.dir / "acme";
  ExportResult res = write_export(w.request(PackageFormat::kDir, out, keys));
  REQUIRE(res.datasets.size() == 3);
  CHECK(res.datasets[0].records == 3);
  CHECK(res.datasets[1].records == 1);
  CHECK(res.datasets[2].records == 2);
  CHECK(res.bag.payload_files == 2 + 2 + 2);

  std::string jsonl = read_file(out / "data" / "tables" / "calls.jsonl");
  // The store's order: no creation time first, then by creation time.
  CHECK(jsonl ==
        "{\"id\":3,\"tenant\":\"acme\",\"created_at\":null,\"phone\":\"+77011234567\",\"summary\":\"no date\",\"score\":1,\"audio\":null}\n"
        "{\"id\":1,\"tenant\":\"acme\",\"created_at\":\"2026-05-01T09:00:00Z\",\"phone\":\"8 701 123-45-67\",\"summary\":\"asked, \\\"twice\\\"\",\"score\":0.5,\"audio\":\"AQI=\"}\n"
        "{\"id\":2,\"tenant\":\"acme\",\"created_at\":\"2026-05-02T09:00:00Z\",\"phone\":\"+7 702 000 00 00\",\"summary\":\"second\\nline\",\"score\":null,\"audio\":null}\n");
  std::string csv = read_file(out / "data" / "tables" / "calls.csv");
  CHECK(csv.rfind("id,tenant,created_at,phone,summary,score,audio\r\n3,acme,,+77011234567,no date,1,\r\n", 0) == 0);
  CHECK(csv.find("1,acme,2026-05-01T09:00:00Z,8 701 123-45-67,\"asked, \"\"twice\"\"\",0.5,AQI=\r\n") != std::string::npos);
  CHECK(read_file(out / "data" / "files" / "recordings" / "acme" / "2026" / "05" / "звонок.wav") == std::string(3000, 'b'));
  CHECK_FALSE(fs::exists(out / "data" / "files" / "recordings" / "other"));

  auto doc = nlohmann::json::parse(read_file(out / "dpa-export.json"));
  CHECK(doc["tenant"] == "acme");
  CHECK(doc["datasets"][0]["columns"][3]["roles"][0] == "subject identifier: phone");
  CHECK(doc["datasets"][0]["rows"] == 3);

  auto report = verify_bag(out, keys.pk);
  CHECK(report.ok());
  CHECK(report.payload_bytes == res.bag.payload_bytes);
}

TEST_CASE("a subject export selects the subject's rows by normalized identifier", "[exports][package]") {
  World w;
  dpa::test::TestKeys keys;
  for (PackageFormat f : {PackageFormat::kZip, PackageFormat::kTar, PackageFormat::kDir}) {
    DYNAMIC_SECTION(to_string(f)) {
      fs::path out = w.dir / ("subject." + to_string(f));
      ExportRequest req = w.request(f, out, keys);
      req.subject = dpa::SubjectMatch{"phone", {dpa::retention::normalize_subject("phone", "87011234567")},
                                      &dpa::retention::normalize_subject};
      ExportResult res = write_export(req);
      REQUIRE(res.datasets.size() == 3);
      CHECK(res.datasets[0].status == "exported");
      CHECK(res.datasets[0].records == 2);  // ids 1 and 3; not the other tenant's row 4
      CHECK(res.datasets[1].status == "not-searchable-by-subject");
      CHECK(res.datasets[2].status == "not-searchable-by-subject");
      CHECK(res.bag.payload_files == 2);
      auto report = verify_bag(out, keys.pk);
      CHECK(report.ok());
      CHECK(report.payload_files == 2);
    }
  }
}

TEST_CASE("an unknown dataset is refused before anything is written", "[exports][package]") {
  World w;
  dpa::test::TestKeys keys;
  ExportRequest req = w.request(PackageFormat::kZip, w.dir / "x.zip", keys);
  req.datasets = {"nope"};
  CHECK_THROWS_WITH(write_export(req), Catch::Contains("nope"));
  CHECK_FALSE(fs::exists(w.dir / "x.zip"));
}

// The data-map and store additions behind `dpa request fulfil`: the dataset
// key `erase`, and DataStore::update_row.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include "dpa/data_store.h"
#include "dpa/datamap.h"
#include "dpa/error.h"
#include "support/test_support.h"

using dpa::test::TempDir;

namespace {

std::string map_text(const std::string& extra) {
  return R"toml(
[[store]]
name = "app"
kind = "sqlite"
path = "app.db"

[[store]]
name = "rec"
kind = "files"
root = "rec"

[[dataset]]
name     = "files"
store    = "rec"
path     = "{tenant}/{id}.wav"
category = "communications.audio"

[[dataset]]
name     = "notes"
store    = "app"
table    = "notes"
key      = "id"
category = "identification.contact"
tenant   = "tenant_id"
created  = "created_at"
subject  = { phone = "phone" }
)toml" + extra;
}

}  // namespace

TEST_CASE("data map: erase = delete | mask, default delete", "[requests][datamap]") {
  TempDir dir;
  auto plain = dpa::parse_datamap(map_text(""), dir / "dpa.toml", dir.path());
  CHECK(plain.dataset("notes").erase == dpa::EraseMode::kDelete);
  auto masked = dpa::parse_datamap(map_text("erase    = \"mask\"\n"), dir / "dpa.toml", dir.path());
  CHECK(masked.dataset("notes").erase == dpa::EraseMode::kMask);
  CHECK(dpa::to_string(masked.dataset("notes").erase) == "mask");
  CHECK_THROWS_WITH(dpa::parse_datamap(map_text("erase    = \"shred\"\n"), dir / "dpa.toml", dir.path()),
                    Catch::Contains("unknown erase 'shred'") && Catch::Contains("delete, mask"));
  CHECK_THROWS_AS(dpa::parse_datamap(map_text("erase    = 1\n"), dir / "dpa.toml", dir.path()), dpa::InputError);
}

TEST_CASE("DataStore::update_row sets columns of one record of one tenant", "[requests][datastore]") {
  TempDir dir;
  {
    SQLite::Database db((dir / "app.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE notes(id INTEGER PRIMARY KEY, tenant_id TEXT, created_at TEXT, phone TEXT);"
            "INSERT INTO notes VALUES(1, 'a', '2026-01-01T00:00:00Z', '+77011234567'),"
            "(2, 'b', '2026-01-01T00:00:00Z', '+77011234567');");
  }
  auto map = dpa::parse_datamap(map_text(""), dir / "dpa.toml", dir.path());
  const auto& d = map.dataset("notes");
  auto store = dpa::open_data_store(map.store_of(d), true);
  // A value with SQL in it is bound, not spliced.
  CHECK(store->update_row(d, "a", std::int64_t{1}, {{"phone", std::string("x'); DROP TABLE notes; --")}}));
  CHECK_FALSE(store->update_row(d, "a", std::int64_t{2}, {{"phone", std::string("y")}}));  // tenant b's
  CHECK_FALSE(store->update_row(d, "a", std::int64_t{9}, {{"phone", std::string("y")}}));
  CHECK(store->update_row(d, "b", std::int64_t{2}, {{"phone", dpa::FieldValue{}}}));
  CHECK_THROWS_AS(store->update_row(d, "a", std::int64_t{1}, {{"nosuch", std::string("y")}}), dpa::InputError);
  CHECK_THROWS_AS(store->update_row(d, "a", std::int64_t{1}, {{"phone\"; --", std::string("y")}}), dpa::InputError);
  std::filesystem::create_directories(dir / "rec");
  auto files = dpa::open_data_store(map.store_of(map.dataset("files")), true);
  CHECK_THROWS_AS(files->update_row(map.dataset("files"), "a", std::string("a/1.wav"), {{"x", std::string("y")}}),
                  dpa::InputError);
  SQLite::Database db((dir / "app.db").string());
  CHECK(db.execAndGet("SELECT phone FROM notes WHERE id = 1").getString() == "x'); DROP TABLE notes; --");
  CHECK(db.execAndGet("SELECT phone IS NULL FROM notes WHERE id = 2").getInt() == 1);
}

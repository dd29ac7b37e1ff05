#include <catch2/catch.hpp>

#include "dpa/datamap.h"
#include "dpa/error.h"
#include "dpa/file_layout.h"

using namespace dpa;

namespace {
DataMap parse(const std::string& text) { return parse_datamap(text, "dpa.toml", "/ws"); }
}

TEST_CASE("data map: stores and datasets parse, paths resolve against the workspace", "[retention][datamap]") {
  DataMap m = parse(R"(
[[store]]
name = "app"
kind = "sqlite"
path = "var/app.db"
[[store]]
name = "rec"
kind = "files"
root = "/data/rec"
[[store]]
name = "pg"
kind = "postgres"
url = "postgresql://app@db/app"
[[dataset]]
name = "t"
store = "app"
table = "transcripts"
key = "id"
category = "communications.transcript"
tenant = "tenant_id"
created = "created_at"
created_format = "unix_ms"
subject = { phone = "caller_phone", email = "caller_email" }
text = ["body"]
[[dataset]]
name = "r"
store = "rec"
path = "{tenant}/{yyyy}/{mm}/{id}.wav"
category = "communications.audio"
)");
  REQUIRE(m.stores.size() == 3);
  CHECK(m.stores[0].path == "/ws/var/app.db");
  CHECK(m.stores[1].root == "/data/rec");
  CHECK(m.stores[2].kind == StoreKind::kPostgres);
  const DatasetSpec& t = m.dataset("t");
  CHECK(t.created_format == CreatedFormat::kUnixMs);
  CHECK(t.subject.size() == 2);
  CHECK(m.dataset("r").is_files());
  CHECK_THROWS_WITH(m.dataset("nope"), Catch::Contains("datasets: t, r"));
}

TEST_CASE("data map: every mistake names its line", "[retention][datamap]") {
  auto fails = [](const std::string& text, const std::string& what) {
    INFO(text);
    CHECK_THROWS_WITH(parse(text), Catch::Contains(what));
  };
  fails("[[store]]\nname = \"app\"\nkind = \"mysql\"\npath = \"x\"\n", "dpa.toml:1: store app: unknown kind 'mysql'");
  fails("[[store]]\nname = \"app\"\nkind = \"sqlite\"\n", "store app needs path");
  fails("[[dataset]]\nname = \"d\"\nstore = \"app\"\ncategory = \"c\"\n", "no store 'app' is declared");
  fails("[[store]]\nname = \"a\"\nkind = \"sqlite\"\npath = \"x\"\n[[dataset]]\nname = \"d\"\nstore = \"a\"\n"
        "category = \"c\"\ntable = \"t\"\nkey = \"id\"\ntenant = \"x\\\"; --\"\ncreated = \"c\"\n",
        "not a plain SQL identifier");
  fails("[[store]]\nname = \"f\"\nkind = \"files\"\nroot = \"r\"\n[[dataset]]\nname = \"d\"\nstore = \"f\"\n"
        "category = \"c\"\npath = \"{yyyy}/{id}.wav\"\n",
        "needs {tenant}");
  fails("[[store]]\nname = \"f\"\nkind = \"files\"\nroot = \"r\"\n[[dataset]]\nname = \"d\"\nstore = \"f\"\n"
        "category = \"c\"\npath = \"{tenant}/../{id}\"\n",
        "'.' and '..' are not allowed");
  fails("[[store]]\nname = \"a\"\nkind = \"sqlite\"\npath = \"x\"\n[[store]]\nname = \"a\"\nkind = \"sqlite\"\npath = \"y\"\n",
        "dpa.toml:5: store 'a' is declared twice");
  fails("[[store]]\nname = \"a\"\nkind = \"sqlite\"\npath = \"x\"\ncolor = \"red\"\n", "unknown key store.color");
}

TEST_CASE("file layouts match paths and date them", "[retention][datamap]") {
  FileLayout l = FileLayout::parse("{tenant}/{yyyy}/{mm}/{id}.wav");
  CHECK(l.tenant_is_first_folder());
  auto m = l.match("acme-kz/2026/05/100123.wav");
  REQUIRE(m);
  CHECK(m->tenant == "acme-kz");
  CHECK(m->id == "100123");
  CHECK(*m->year == 2026);
  CHECK(*m->month == 5);
  auto p = FileLayout::period(*m);
  REQUIRE(p);
  CHECK(format_utc(p->first) == "2026-05-01T00:00:00Z");
  CHECK(format_utc(p->second) == "2026-06-01T00:00:00Z");
  CHECK_FALSE(l.match("acme-kz/2026/13/1.wav"));
  CHECK_FALSE(l.match("acme-kz/2026/05/1.mp3"));
  CHECK_FALSE(l.match("acme-kz/2026/05/x/1.wav"));
  CHECK_FALSE(l.match("Acme/2026/05/1.wav"));
  CHECK_FALSE(l.match(".hidden/2026/05/1.wav"));

  FileLayout flat = FileLayout::parse("calls/{tenant}-{yyyy}{mm}{dd}-{id}.ogg");
  CHECK_FALSE(flat.tenant_is_first_folder());
  auto f = flat.match("calls/steppe-retail-20260229-7.ogg");
  CHECK_FALSE(f);  // 2026-02-29 does not exist
  f = flat.match("calls/steppe-retail-20260228-7.ogg");
  REQUIRE(f);
  CHECK(f->tenant == "steppe-retail");
  CHECK(f->id == "7");
}

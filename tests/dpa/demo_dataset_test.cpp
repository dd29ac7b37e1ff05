#include "dpa/demo_dataset.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <toml++/toml.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <regex>
#include <set>

#include "dpa/error.h"
#include "support/test_support.h"

using dpa::test::TempDir;
namespace fs = std::filesystem;
using std::chrono::days;
using std::chrono::sys_days;

namespace {

const sys_days kToday = sys_days{std::chrono::year{2026} / 5 / 20};
constexpr std::uint64_t kSeed = 20261121;
const std::vector<std::string> kTables = {"tenants", "contacts", "transcripts", "chat_messages"};

std::string iso_date(sys_days d) {
  std::chrono::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

SQLite::Database open_app_db(const fs::path& root) {
  return SQLite::Database((root / "var" / "app.db").string(), SQLite::OPEN_READONLY);
}

// Every row of the table, NULLs distinguished from empty strings.
std::string dump_table(SQLite::Database& db, const std::string& table) {
  SQLite::Statement st(db, "SELECT * FROM \"" + table + "\" ORDER BY 1");
  std::string out;
  while (st.executeStep()) {
    for (int i = 0; i < st.getColumnCount(); ++i) {
      auto c = st.getColumn(i);
      out += c.isNull() ? std::string("\x01NULL") : c.getString();
      out += '\x1f';
    }
    out += '\x1e';
  }
  return out;
}

std::vector<std::string> strings(SQLite::Database& db, const std::string& sql) {
  SQLite::Statement st(db, sql);
  std::vector<std::string> out;
  while (st.executeStep()) out.push_back(st.getColumn(0).getString());
  return out;
}

std::int64_t count(SQLite::Database& db, const std::string& sql) { return db.execAndGet(sql).getInt64(); }

// Written from the Kazakh IIN rules, independently of the generator.
bool iin_valid(const std::string& iin) {
  if (iin.size() != 12) return false;
  for (char c : iin) {
    if (c < '0' || c > '9') return false;
  }
  auto weighted = [&](const int* w) {
    int s = 0;
    for (int i = 0; i < 11; ++i) s += (iin[static_cast<std::size_t>(i)] - '0') * w[i];
    return s % 11;
  };
  static const int w1[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  static const int w2[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
  int check = weighted(w1);
  if (check == 10) check = weighted(w2);
  return check != 10 && check == iin[11] - '0';
}

bool luhn_valid(const std::string& number) {
  int sum = 0;
  bool twice = false;
  for (auto it = number.rbegin(); it != number.rend(); ++it) {
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool iban_valid(const std::string& iban) {
  std::string r = iban.substr(4) + iban.substr(0, 4);
  int mod = 0;
  for (char c : r) {
    if (c >= '0' && c <= '9')
      mod = (mod * 10 + (c - '0')) % 97;
    else if (c >= 'A' && c <= 'Z')
      mod = (mod * 100 + (c - 'A' + 10)) % 97;
    else
      return false;
  }
  return mod == 1;
}

std::map<std::string, std::string> recording_files(const fs::path& root) {
  std::map<std::string, std::string> out;
  fs::path base = root / "var" / "recordings";
  for (const auto& e : fs::recursive_directory_iterator(base)) {
    if (e.is_regular_file())
      out[fs::relative(e.path(), base).generic_string()] = dpa::test::read_file(e.path());
  }
  return out;
}

std::uint32_t u32(const std::string& b, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i)
    v |= static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + i])) << (8 * i);
  return v;
}
std::uint16_t u16(const std::string& b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) |
                                    (static_cast<unsigned char>(b[at + 1]) << 8));
}

std::vector<std::string> all_bodies(SQLite::Database& db) {
  auto bodies = strings(db, "SELECT body FROM transcripts");
  auto chats = strings(db, "SELECT body FROM chat_messages");
  bodies.insert(bodies.end(), chats.begin(), chats.end());
  return bodies;
}

bool any_contains(const std::vector<std::string>& texts, const std::string& needle) {
  for (const auto& t : texts) {
    if (t.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("the demo dataset is deterministic for a seed", "[demo]") {
  TempDir a, b, c;
  auto sa = dpa::build_demo_dataset(a.path(), kSeed, kToday);
  auto sb = dpa::build_demo_dataset(b.path(), kSeed, kToday);
  auto sc = dpa::build_demo_dataset(c.path(), kSeed + 1, kToday);

  auto da = open_app_db(a.path());
  auto db = open_app_db(b.path());
  auto dc = open_app_db(c.path());
  for (const auto& table : kTables) {
    INFO(table);
    CHECK(dump_table(da, table) == dump_table(db, table));
  }
  CHECK(dump_table(da, "transcripts") != dump_table(dc, "transcripts"));
  CHECK(recording_files(a.path()) == recording_files(b.path()));
  CHECK(sa.rows_per_table == sb.rows_per_table);
  CHECK(sa.recording_bytes == sb.recording_bytes);
  CHECK(sa.datamap_toml == sb.datamap_toml);
}

TEST_CASE("the demo dataset's row and file counts match its summary", "[demo]") {
  TempDir dir;
  auto summary = dpa::build_demo_dataset(dir.path(), kSeed, kToday);
  auto db = open_app_db(dir.path());

  auto tables = strings(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  std::vector<std::string> summarized;
  for (const auto& [table, rows] : summary.rows_per_table) summarized.push_back(table);
  CHECK(tables == summarized);
  for (const auto& [table, rows] : summary.rows_per_table) {
    INFO(table);
    CHECK(count(db, "SELECT COUNT(*) FROM \"" + table + "\"") == rows);
  }
  CHECK(summary.rows_per_table.at("tenants") == 4);
  // "A few hundred rows": enough to be interesting, small enough to be instant.
  for (const char* t : {"contacts", "transcripts", "chat_messages"}) {
    INFO(t);
    CHECK(summary.rows_per_table.at(t) >= 100);
    CHECK(summary.rows_per_table.at(t) <= 600);
  }

  auto files = recording_files(dir.path());
  std::int64_t bytes = 0;
  for (const auto& [path, content] : files) bytes += static_cast<std::int64_t>(content.size());
  CHECK(static_cast<std::int64_t>(files.size()) == summary.recording_files);
  CHECK(bytes == summary.recording_bytes);
  CHECK(count(db, "SELECT COUNT(*) FROM transcripts WHERE recording_id IS NOT NULL") ==
        summary.recording_files);
  CHECK(summary.recording_files < summary.rows_per_table.at("transcripts"));  // not every call is recorded
}

TEST_CASE("every IIN in the demo data has a valid check digit", "[demo]") {
  TempDir dir;
  dpa::build_demo_dataset(dir.path(), kSeed, kToday);
  auto db = open_app_db(dir.path());

  auto iins = strings(db, "SELECT iin FROM contacts WHERE iin IS NOT NULL");
  auto callers = strings(db, "SELECT caller_iin FROM transcripts WHERE caller_iin IS NOT NULL");
  REQUIRE(iins.size() > 20);
  REQUIRE(!callers.empty());
  iins.insert(iins.end(), callers.begin(), callers.end());
  for (const auto& iin : iins) {
    INFO(iin);
    CHECK(iin_valid(iin));
    int month = std::stoi(iin.substr(2, 2)), day = std::stoi(iin.substr(4, 2));
    CHECK((month >= 1 && month <= 12));
    CHECK((day >= 1 && day <= 31));
    CHECK((iin[6] >= '3' && iin[6] <= '6'));  // born in the 20th or 21st century
  }

  // Free text holds both real-looking IINs and 12-digit distractors that fail the check.
  std::regex twelve(R"((^|[^0-9])([0-9]{12})($|[^0-9]))");
  int valid = 0, invalid = 0;
  for (const auto& body : all_bodies(db)) {
    for (std::sregex_iterator it(body.begin(), body.end(), twelve), end; it != end; ++it) {
      (iin_valid((*it)[2]) ? valid : invalid)++;
    }
  }
  CHECK(valid > 0);
  CHECK(invalid > 0);
}

TEST_CASE("demo recordings are valid WAV files laid out as the data map says", "[demo]") {
  TempDir dir;
  dpa::build_demo_dataset(dir.path(), kSeed, kToday);
  auto db = open_app_db(dir.path());
  SQLite::Statement lookup(db, "SELECT tenant_id, created_at FROM transcripts WHERE recording_id = ?");

  std::regex layout(R"(^([a-z0-9][a-z0-9._-]*)/([0-9]{4})/([0-9]{2})/([0-9]+)\.wav$)");
  auto files = recording_files(dir.path());
  REQUIRE(!files.empty());
  std::string cutoff = iso_date(kToday - days{90});
  int older = 0, newer = 0;
  for (const auto& [path, wav] : files) {
    INFO(path);
    std::smatch m;
    REQUIRE(std::regex_match(path, m, layout));
    lookup.reset();
    lookup.bind(1, static_cast<std::int64_t>(std::stoll(m[4])));
    REQUIRE(lookup.executeStep());
    CHECK(lookup.getColumn(0).getString() == m[1].str());
    std::string created = lookup.getColumn(1).getString();
    CHECK(created.substr(0, 7) == m[2].str() + "-" + m[3].str());
    (created < cutoff ? older : newer)++;

    REQUIRE(wav.size() >= 44);
    CHECK(wav.substr(0, 4) == "RIFF");
    CHECK(u32(wav, 4) == wav.size() - 8);
    CHECK(wav.substr(8, 8) == "WAVEfmt ");
    CHECK(u32(wav, 16) == 16);
    CHECK(u16(wav, 20) == 1);     // PCM
    CHECK(u16(wav, 22) == 1);     // mono
    CHECK(u32(wav, 24) == 8000);  // 8 kHz
    CHECK(u32(wav, 28) == 16000);
    CHECK(u16(wav, 32) == 2);
    CHECK(u16(wav, 34) == 16);
    CHECK(wav.substr(36, 4) == "data");
    std::uint32_t data = u32(wav, 40);
    CHECK(data == wav.size() - 44);
    double seconds = data / 2 / 8000.0;
    CHECK(seconds >= 0.1);
    CHECK(seconds <= 0.3);
  }
  CHECK(older > 0);  // past a three-month retention
  CHECK(newer > 0);
}

TEST_CASE("the demo tenants are in every contract state", "[demo]") {
  TempDir dir;
  auto summary = dpa::build_demo_dataset(dir.path(), kSeed, kToday);
  auto db = open_app_db(dir.path());

  std::map<std::string, dpa::DemoTenant> by_id;
  for (const auto& t : summary.tenants) by_id[t.id] = t;
  REQUIRE(by_id.size() == 4);
  CHECK(by_id.at("acme-kz").contract_state == "active");
  CHECK(by_id.at("acme-kz").contract_end.empty());
  CHECK(by_id.at("steppe-retail").contract_state == "active");
  CHECK(by_id.at("nomad-logistics").contract_state == "terminated");
  CHECK(by_id.at("nomad-logistics").contract_end == iso_date(kToday - days{40}));
  CHECK(by_id.at("altyn-clinic").contract_state == "notice");
  CHECK(by_id.at("altyn-clinic").contract_end == iso_date(kToday + days{10}));

  SQLite::Statement st(db, "SELECT id, name, contract_state, contract_start, contract_end FROM tenants");
  int rows = 0;
  while (st.executeStep()) {
    ++rows;
    const auto& t = by_id.at(st.getColumn(0).getString());
    CHECK(st.getColumn(1).getString() == t.name);
    CHECK(st.getColumn(2).getString() == t.contract_state);
    CHECK(st.getColumn(3).getString() == t.contract_start);
    CHECK((st.getColumn(4).isNull() ? std::string() : st.getColumn(4).getString()) == t.contract_end);
    CHECK(t.contract_start < iso_date(kToday));
  }
  CHECK(rows == 4);

  // Every tenant has data in every table; the terminated one none after its end.
  for (const auto& table : {"contacts", "transcripts", "chat_messages"}) {
    for (const auto& [id, t] : by_id) {
      INFO(table << " " << id);
      SQLite::Statement n(db, std::string("SELECT COUNT(*) FROM ") + table + " WHERE tenant_id = ?");
      n.bind(1, id);
      REQUIRE(n.executeStep());
      CHECK(n.getColumn(0).getInt64() > 0);
    }
    SQLite::Statement late(db, std::string("SELECT COUNT(*) FROM ") + table +
                                   " WHERE tenant_id = 'nomad-logistics' AND created_at >= ?");
    late.bind(1, by_id.at("nomad-logistics").contract_end);
    REQUIRE(late.executeStep());
    CHECK(late.getColumn(0).getInt64() == 0);
  }
}

TEST_CASE("demo timestamps are ISO-8601 UTC within the last eight months", "[demo]") {
  TempDir dir;
  dpa::build_demo_dataset(dir.path(), kSeed, kToday);
  auto db = open_app_db(dir.path());
  std::regex iso(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$)");
  std::string earliest = iso_date(kToday - days{245});
  std::string today = iso_date(kToday);
  for (const char* table : {"contacts", "transcripts", "chat_messages"}) {
    for (const auto& t : strings(db, std::string("SELECT created_at FROM ") + table)) {
      INFO(table << " " << t);
      CHECK(std::regex_match(t, iso));
      CHECK(t >= earliest);
      CHECK(t < today);
    }
  }
  // Ids grow with time.
  CHECK(count(db,
              "SELECT COUNT(*) FROM transcripts a JOIN transcripts b ON b.id = a.id + 1 "
              "WHERE b.created_at < a.created_at") == 0);
}

TEST_CASE("demo texts are in three languages and carry personal data in many forms", "[demo]") {
  TempDir dir;
  dpa::build_demo_dataset(dir.path(), kSeed, kToday);
  auto db = open_app_db(dir.path());

  auto langs = strings(db, "SELECT DISTINCT language FROM transcripts ORDER BY language");
  CHECK(langs == std::vector<std::string>{"en", "kk", "ru"});

  auto kk = strings(db, "SELECT body FROM transcripts WHERE language = 'kk'");
  bool kazakh_letters = false;
  for (const char* letter : {"ә", "қ", "ұ", "ү", "ө", "ғ", "ң", "і"})
    kazakh_letters |= any_contains(kk, letter);
  CHECK(kazakh_letters);
  auto ru = strings(db, "SELECT body FROM transcripts WHERE language = 'ru'");
  CHECK(any_contains(ru, "восемь семьсот"));  // a phone number spoken as words
  CHECK(any_contains(ru, "собака"));          // an e-mail address spoken aloud
  auto en = strings(db, "SELECT body FROM transcripts WHERE language = 'en'");
  CHECK(any_contains(en, " dot "));
  for (const auto& body : en) {
    INFO(body);
    CHECK(
        std::none_of(body.begin(), body.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }));
  }

  auto bodies = all_bodies(db);
  CHECK((any_contains(bodies, "ұлы") || any_contains(bodies, "қызы") || any_contains(bodies, "улы")));
  // Russian names in oblique cases: "Сергеевны", "Ивановой", "Александровичем", ...
  CHECK((any_contains(bodies, "овны") || any_contains(bodies, "евны")));
  CHECK((any_contains(bodies, "ул.") || any_contains(bodies, "улица") || any_contains(bodies, "көшесі")));

  std::regex card(R"((?:^|[^0-9])(\d{4}) ?(\d{4}) ?(\d{4}) ?(\d{4})(?:$|[^0-9]))");
  std::regex iban(R"(KZ\d{2} ?[0-9A-Z]{4} ?[0-9A-Z]{4} ?[0-9A-Z]{4} ?[0-9A-Z]{4})");
  int cards = 0, ibans = 0;
  for (const auto& body : bodies) {
    for (std::sregex_iterator it(body.begin(), body.end(), card), end; it != end; ++it) {
      std::string number = (*it)[1].str() + (*it)[2].str() + (*it)[3].str() + (*it)[4].str();
      if (luhn_valid(number)) ++cards;
    }
    for (std::sregex_iterator it(body.begin(), body.end(), iban), end; it != end; ++it) {
      std::string s = it->str();
      s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
      CHECK(iban_valid(s));
      ++ibans;
    }
  }
  CHECK(cards > 0);
  CHECK(ibans > 0);

  // Contacts' phones come in many written forms: "+7 701 ...", "8 (701) ...", "8701...".
  std::set<std::string> shapes;
  for (auto phone : strings(db, "SELECT phone FROM contacts")) {
    for (char& ch : phone) {
      if (ch >= '0' && ch <= '9') ch = 'd';
    }
    shapes.insert(phone);
  }
  CHECK(shapes.size() >= 6);
}

TEST_CASE("the demo data map describes the demo database", "[demo]") {
  TempDir dir;
  auto summary = dpa::build_demo_dataset(dir.path(), kSeed, kToday);
  auto db = open_app_db(dir.path());
  toml::table map = toml::parse(summary.datamap_toml);

  std::map<std::string, const toml::table*> stores;
  for (const auto& node : *map["store"].as_array()) {
    const auto& store = *node.as_table();
    stores[store["name"].value_or(std::string())] = &store;
  }
  REQUIRE(stores.count("app"));
  REQUIRE(stores.count("recordings"));
  CHECK((*stores["app"])["kind"].value_or(std::string()) == "sqlite");
  CHECK(fs::is_regular_file(dir.path() / (*stores["app"])["path"].value_or(std::string())));
  CHECK((*stores["recordings"])["kind"].value_or(std::string()) == "files");
  CHECK(fs::is_directory(dir.path() / (*stores["recordings"])["root"].value_or(std::string())));

  std::set<std::string> names;
  for (const auto& node : *map["dataset"].as_array()) {
    const auto& ds = *node.as_table();
    std::string name = ds["name"].value_or(std::string());
    names.insert(name);
    INFO(name);
    CHECK(!ds["category"].value_or(std::string()).empty());
    if (!ds.contains("table")) {
      CHECK(ds["path"].value_or(std::string()) == "{tenant}/{yyyy}/{mm}/{id}.wav");
      continue;
    }
    std::set<std::string> columns;
    SQLite::Statement info(db, "SELECT name FROM pragma_table_info(?)");
    info.bind(1, ds["table"].value_or(std::string()));
    while (info.executeStep()) columns.insert(info.getColumn(0).getString());
    REQUIRE(!columns.empty());
    for (const char* key : {"key", "tenant", "created"})
      CHECK(columns.count(ds[key].value_or(std::string())));
    for (const auto& [kind, column] : *ds["subject"].as_table()) {
      INFO(kind.str());
      CHECK(columns.count(column.value_or(std::string())));
    }
    for (const auto& column : *ds["text"].as_array()) CHECK(columns.count(column.value_or(std::string())));
  }
  CHECK(names == std::set<std::string>{"contacts", "transcripts", "chat_messages", "recordings"});
}

TEST_CASE("the demo dataset refuses to overwrite existing app data", "[demo]") {
  TempDir dir;
  dpa::build_demo_dataset(dir.path(), kSeed, kToday);
  std::string before = dpa::test::read_file(dir.path() / "var" / "app.db");
  CHECK_THROWS_AS(dpa::build_demo_dataset(dir.path(), kSeed + 7, kToday), dpa::InputError);
  CHECK(dpa::test::read_file(dir.path() / "var" / "app.db") == before);

  SECTION("nor recordings left without their database") {
    fs::remove(dir.path() / "var" / "app.db");
    auto files = recording_files(dir.path());
    CHECK_THROWS_AS(dpa::build_demo_dataset(dir.path(), kSeed, kToday), dpa::InputError);
    CHECK(!fs::exists(dir.path() / "var" / "app.db"));
    CHECK(recording_files(dir.path()) == files);
  }
}

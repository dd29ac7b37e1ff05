// End-to-end: `dpa request` and `dpa suppress` on a temporary workspace.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <filesystem>
#include <set>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

using dpa::test::run_dpa;
using dpa::test::TempDir;

namespace {

struct Ws {
  TempDir dir;
  Ws() {
    REQUIRE(run({"init"}).status == 0);
    REQUIRE(run({"tenant", "add", "acme", "--policy", "upstat"}).status == 0);
    REQUIRE(run({"tenant", "add", "eu", "--policy", "gdpr"}).status == 0);
    REQUIRE(run({"tenant", "add", "calls", "--policy", "autocall"}).status == 0);
  }
  dpa::test::RunResult run(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin(), {"--home", dir.path().string(), "--actor", "dpo"});
    return run_dpa(args, input);
  }
  nlohmann::json json(std::vector<std::string> args) const {
    args.push_back("--json");
    auto r = run(args);
    INFO(r.err);
    REQUIRE(r.status == 0);
    return nlohmann::json::parse(r.out);
  }
};

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == s.size() - 1; }

}  // namespace

TEST_CASE("request open, list, show, forward, extend, close, letter", "[e2e][requests]") {
  Ws ws;
  auto a = ws.json({"request", "open", "--tenant", "acme", "--type", "erase", "--subject", "phone:8 701 123 45 67",
                    "--received", "2026-03-20T19:00", "--channel", "email", "--at", "2026-03-20T19:05"});
  CHECK(a["id"] == "R-2026-0001");
  CHECK(a["mode"] == "forward");
  CHECK(a["forward_by"] == "2026-03-21T14:00:00Z");
  CHECK(a["due_at"] == "2026-03-26T18:59:59Z");
  auto e = ws.json({"request", "open", "--tenant", "eu", "--type", "access", "--subject", "email:A@Example.com",
                    "--subject", "name:Anna Muller", "--received", "2026-01-31T10:00", "--at", "2026-01-31T10:00"});
  CHECK(e["id"] == "R-2026-0002");
  CHECK(e["due_clause"] == "gdpr Art. 12(3); Art. 15");

  auto overdue = ws.json({"request", "list", "--overdue", "--at", "2026-03-22T10:00"});
  REQUIRE(overdue.size() == 2);
  CHECK(overdue[1]["next_deadline"] == "forward");
  CHECK(overdue[1]["overdue"] == true);
  // Due within two days, overdue ones included.
  auto within = ws.json({"request", "list", "--due-within", "2d", "--at", "2026-03-20T20:00"});
  CHECK(within.size() == 2);
  within = ws.json({"request", "list", "--due-within", "2d", "--at", "2026-02-27T10:00"});
  REQUIRE(within.size() == 1);
  CHECK(within[0]["id"] == "R-2026-0002");
  CHECK(within[0]["seconds_left"] == 86400 + 14 * 3600 - 1);  // to 28 Feb 23:59:59
  auto text = ws.run({"request", "list", "--at", "2026-03-21T10:00"});
  CHECK_THAT(text.out, Catch::Contains("OVERDUE"));
  CHECK_THAT(text.out, Catch::Contains("to forward"));

  auto f = ws.run({"request", "forward", "R-2026-0001", "--reference", "T-17", "--at", "2026-03-21T10:00"});
  CHECK(f.status == 0);
  CHECK(ws.run({"request", "forward", "R-2026-0001"}).status == 6);
  auto no_ext = ws.run({"request", "extend", "R-2026-0001", "--reason", "x", "--at", "2026-03-21T10:00"});
  CHECK(no_ext.status == 6);
  CHECK(one_line(no_ext.err));

  auto ext = ws.json({"request", "extend", "R-2026-0002", "--reason", "complex", "--at", "2026-02-10T10:00"});
  CHECK(ext["extended_until"] == "2026-04-28T18:59:59Z");

  auto show = ws.json({"request", "show", "R-2026-0002", "--at", "2026-02-10T10:00"});
  REQUIRE(show["subjects"].size() == 2);
  CHECK(show["subjects"][0]["masked"] == "a***@example.com");
  CHECK(show["events"].size() == 2);
  auto shown = ws.run({"request", "show", "R-2026-0001"});
  CHECK_THAT(shown.out, Catch::Contains("+7 701 *** ** 67"));
  CHECK_THAT(shown.out, !Catch::Contains("1234567"));

  CHECK(ws.run({"request", "close", "R-2026-0002", "--outcome", "data sent", "--at", "2026-02-11T10:00"}).status == 0);
  auto closed = ws.run({"request", "close", "R-2026-0002", "--outcome", "again"});
  CHECK(closed.status == 6);
  CHECK(one_line(closed.err));
  CHECK(ws.run({"request", "extend", "R-2026-0002", "--reason", "x"}).status == 6);

  auto letter = ws.run({"request", "letter", "R-2026-0002", "--lang", "en", "--format", "text", "--at", "2026-02-11T10:00"});
  CHECK(letter.status == 0);
  CHECK_THAT(letter.out, Catch::StartsWith("Response to your request R-2026-0002"));
  CHECK_THAT(letter.out, Catch::Contains("Outcome: data sent"));
  auto ru = ws.run({"request", "letter", "R-2026-0001"});
  CHECK_THAT(ru.out, Catch::StartsWith("# Ответ на ваш запрос R-2026-0001"));
  CHECK_THAT(ru.out, Catch::Contains("DPA 9.1-9.2"));

  auto audit = ws.run({"audit", "log", "--json"});
  CHECK_THAT(audit.out, Catch::Contains("request.opened"));
  CHECK_THAT(audit.out, !Catch::Contains("7011234567"));
  CHECK_THAT(audit.out, !Catch::Contains("example.com"));
  CHECK(ws.run({"audit", "verify"}).status == 0);
}

TEST_CASE("request errors are one line with the right status", "[e2e][requests]") {
  Ws ws;
  auto bad = ws.run({"request", "open", "--tenant", "acme", "--type", "access", "--subject", "phone:12"});
  CHECK(bad.status == 3);
  CHECK(one_line(bad.err));
  auto tenant = ws.run({"request", "open", "--tenant", "nobody", "--type", "access", "--subject", "phone:+77011234567"});
  CHECK(tenant.status == 3);
  CHECK_THAT(tenant.err, Catch::Contains("nobody"));
  auto type = ws.run({"request", "open", "--tenant", "acme", "--type", "forget", "--subject", "phone:+77011234567"});
  CHECK(type.status == 3);
  CHECK(ws.run({"request", "show", "R-2026-0099"}).status == 3);
  CHECK(ws.run({"request", "list", "--json"}).out == "[]\n");
}

TEST_CASE("suppress add, list, check, remove", "[e2e][suppress]") {
  Ws ws;
  CHECK(ws.run({"suppress", "add", "--tenant", "calls", "phone:+77011234567", "--reason", "complaint"}).status == 0);
  CHECK(ws.run({"suppress", "add", "--tenant", "calls", "phone:8 702 123 45 67", "--reason", "spam"}).status == 0);
  auto again = ws.run({"suppress", "add", "--tenant", "calls", "phone:87011234567"});
  CHECK(again.status == 0);
  CHECK_THAT(again.out, Catch::Contains("already suppressed"));
  auto list = ws.json({"suppress", "list", "--tenant", "calls"});
  REQUIRE(list.size() == 2);
  CHECK(list[1]["clause"] == "autocall 2.2.5.3");

  std::string csv = "name,phone\nA,+7 701 123 45 67\nB,+7 705 123 45 67\nC,87021234567\n";
  auto check = ws.run({"suppress", "check", "--tenant", "calls"}, csv);
  CHECK(check.status == 0);
  CHECK(check.out == "name,phone\nB,+7 705 123 45 67\n");
  CHECK_THAT(check.err, Catch::Contains("removed 2 suppressed row(s) of 3"));
  auto jsonl = ws.run({"suppress", "check", "--tenant", "calls", "--field", "msisdn"},
                      "{\"msisdn\":\"77011234567\"}\n{\"msisdn\":\"77051234567\"}\n");
  CHECK(jsonl.out == "{\"msisdn\":\"77051234567\"}\n");
  auto broken = ws.run({"suppress", "check", "--tenant", "calls"}, "phone\n+77051234567\nnonsense\n");
  CHECK(broken.status == 3);
  CHECK(broken.out.empty());  // nothing leaves when a row is bad
  CHECK_THAT(broken.err, Catch::Contains("line 3"));
  CHECK(one_line(broken.err));

  auto spam = ws.run({"suppress", "remove", "--tenant", "calls", "phone:+77021234567", "--reason", "asked"});
  CHECK(spam.status == 6);
  CHECK(ws.run({"suppress", "remove", "--tenant", "calls", "phone:+77011234567", "--reason", "fulfilled 2.3.7"}).status == 0);
  CHECK(ws.run({"suppress", "check", "--tenant", "calls"}, csv).out == "name,phone\nA,+7 701 123 45 67\nB,+7 705 123 45 67\n");
  CHECK(ws.run({"suppress", "list", "--tenant", "nobody"}).status == 3);
}

TEST_CASE("suppress import adds a whole list in one transaction, or nothing", "[e2e][suppress]") {
  Ws ws;
  CHECK(ws.run({"suppress", "add", "--tenant", "calls", "phone:+77011234567"}).status == 0);
  auto audit_size = [&] { return ws.json({"audit", "log"}).size(); };
  std::size_t before = audit_size();

  // A bad line half-way: nothing of the list is added.
  auto bad = ws.run({"suppress", "import", "--tenant", "calls", "--kind", "phone"},
                    "+77051234567\n12345\n+77061234567\n");
  CHECK(bad.status == 3);
  CHECK_THAT(bad.err, Catch::Contains("line 2"));
  CHECK(one_line(bad.err));
  CHECK(ws.json({"suppress", "list", "--tenant", "calls"}).size() == 1);
  CHECK(audit_size() == before);

  std::string list = "# complaints of the week\n+77051234567\n\n8 706 123 45 67\n87011234567\n+7 705 123-45-67\n";
  auto ok = ws.run({"--json", "suppress", "import", "--tenant", "calls", "--kind", "phone", "--reason", "complaint"}, list);
  INFO(ok.err);
  REQUIRE(ok.status == 0);
  auto r = nlohmann::json::parse(ok.out);
  CHECK(r["identifiers"] == 4);
  CHECK(r["added"] == 2);    // +77051234567 and +77061234567
  CHECK(r["already"] == 2);  // +77011234567 was in force; +77051234567 is written twice
  CHECK(ws.json({"suppress", "list", "--tenant", "calls"}).size() == 3);
  CHECK(audit_size() == before + 1);  // one entry for the whole list
  CHECK(ws.run({"suppress", "check", "--tenant", "calls"}, "phone\n+77061234567\n+77071234567\n").out ==
        "phone\n+77071234567\n");

  // KIND:VALUE lines without --kind; an unknown kind is a usage error.
  CHECK(ws.run({"suppress", "import", "--tenant", "calls"}, "email:Someone@Example.kz\n").status == 0);
  CHECK(ws.run({"suppress", "import", "--tenant", "calls", "--kind", "shoe"}, "x\n").status == 2);
  CHECK(ws.run({"suppress", "import", "--tenant", "calls", "--input", "/nonexistent/list"}).status == 3);
}

TEST_CASE("dpa demo opens requests and filters a contact list", "[e2e][requests][demo]") {
  TempDir dir;
  auto home = dir / "demo";
  auto r = run_dpa({"--home", home.string(), "demo"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  auto all = nlohmann::json::parse(run_dpa({"--home", home.string(), "--json", "request", "list", "--all"}).out);
  CHECK(all.size() == 8);  // with an access and an erasure request fulfilled on the demo's data
  std::set<std::string> modes, types;
  for (const auto& q : all) {
    modes.insert(q["mode"].get<std::string>());
    types.insert(q["type"].get<std::string>());
  }
  CHECK(modes.size() == 2);
  CHECK(types.size() >= 5);
  std::string contacts = dpa::test::read_file(home / "var/contacts.csv");
  std::string allowed = dpa::test::read_file(home / "var/contacts.allowed.csv");
  auto lines = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
  CHECK(lines(contacts) == 13);
  CHECK(lines(allowed) == 10);
  auto check = run_dpa({"--home", home.string(), "suppress", "check", "--tenant", "dialer"}, contacts);
  CHECK(check.out == allowed);
  CHECK(std::filesystem::exists(home / "letters"));
  // The access request's package, and the erasure: the subject's records are gone.
  std::string access_id, erase_id;
  for (const auto& q : all) {
    if (q["tenant"] == "acme-kz" && q["type"] == "access") access_id = q["id"];
    if (q["tenant"] == "acme-kz" && q["type"] == "erase") erase_id = q["id"];
  }
  REQUIRE(!access_id.empty());
  REQUIRE(!erase_id.empty());
  CHECK(std::filesystem::exists(home / "exports" / (access_id + "-access") / "bag-info.txt"));
  auto found = nlohmann::json::parse(run_dpa({"--home", home.string(), "--json", "request", "find", erase_id}).out);
  std::int64_t left = 0;
  for (const auto& d : found["datasets"]) {
    for (const auto& f : d["found"]) left += f["restricted"] ? 0 : 1;
  }
  CHECK(left == 0);
}

// ---- request find / request fulfil ----

namespace {

std::string iso_days_ago(int n) {
  auto t = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now() - std::chrono::days{n});
  auto d = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{d};
  std::chrono::hh_mm_ss hms{t - d};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buf;
}

// Tenants acme (upstat) and books (adr), and one SQLite store:
//   calls    subject phone + email, text transcript (erase = delete)
//   notes    subject phone, text body, erase = "mask"
//   tickets  subject phone; held for acme (a dataset hold)
//   journal  subject phone; category journals.accounting (adr 5.3.9: kept 5 years)
// The subject is +77011234567: stored as written in several forms, and once
// only inside a transcript ("8 701 123 45 67").
struct SubjectWs : Ws {
  std::filesystem::path db_path;
  SubjectWs() {
    REQUIRE(run({"tenant", "add", "books", "--policy", "adr"}).status == 0);
    std::filesystem::create_directories(dir / "var");
    db_path = dir / "var" / "app.db";
    SQLite::Database db(db_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(
        "CREATE TABLE calls(id INTEGER PRIMARY KEY, tenant_id TEXT, created_at TEXT, phone TEXT, email TEXT, "
        "transcript TEXT);"
        "CREATE INDEX calls_tc ON calls(tenant_id, created_at); CREATE INDEX calls_phone ON calls(phone);"
        "CREATE TABLE notes(id INTEGER PRIMARY KEY, tenant_id TEXT, created_at TEXT, phone TEXT, body TEXT);"
        "CREATE TABLE tickets(id INTEGER PRIMARY KEY, tenant_id TEXT, created_at TEXT, phone TEXT);"
        "CREATE TABLE journal(id INTEGER PRIMARY KEY, tenant_id TEXT, created_at TEXT, phone TEXT);");
    auto c = iso_days_ago(40);
    SQLite::Statement ins(db, "INSERT INTO calls VALUES(?, ?, ?, ?, ?, ?)");
    auto call = [&](int id, const char* t, const char* phone, const char* email, const char* text) {
      ins.bind(1, id);
      ins.bind(2, t);
      ins.bind(3, c);
      ins.bind(4, phone);
      ins.bind(5, email);
      ins.bind(6, text);
      ins.exec();
      ins.reset();
    };
    call(1, "acme", "+77011234567", "old@example.kz", "Добрый день, вопрос по заказу.");
    call(2, "acme", "+77019999999", "x@example.kz", "Клиент просит перезвонить на 8 701 123 45 67 после обеда.");
    call(3, "acme", "8 (701) 123-45-67", "old@example.kz", "Повторный звонок.");
    call(4, "acme", "+77015555555", "y@example.kz", "Другой клиент, номер 8 701 555 55 55.");
    call(5, "books", "+77011234567", "old@example.kz", "Сверка счетов.");
    db.exec("INSERT INTO notes VALUES(1, 'acme', '" + c +
            "', '+77011234567', 'Перезвонить +7 701 123 45 67 завтра'),"
            "(2, 'acme', '" + c + "', '+77015555555', 'Без изменений')");
    db.exec("INSERT INTO tickets VALUES(1, 'acme', '" + c + "', '+77011234567'), (2, 'acme', '" + c +
            "', '+77015555555')");
    db.exec("INSERT INTO journal VALUES(1, 'books', '" + c + "', '+77011234567')");
    std::ofstream(dir / "dpa.toml", std::ios::app) << R"toml(
[[store]]
name = "app"
kind = "sqlite"
path = "var/app.db"

[[dataset]]
name     = "calls"
store    = "app"
table    = "calls"
key      = "id"
category = "communications.transcript"
tenant   = "tenant_id"
created  = "created_at"
subject  = { phone = "phone", email = "email" }
text     = ["transcript"]

[[dataset]]
name     = "notes"
store    = "app"
table    = "notes"
key      = "id"
category = "identification.contact"
tenant   = "tenant_id"
created  = "created_at"
subject  = { phone = "phone" }
text     = ["body"]
erase    = "mask"

[[dataset]]
name     = "tickets"
store    = "app"
table    = "tickets"
key      = "id"
category = "identification.contact"
tenant   = "tenant_id"
created  = "created_at"
subject  = { phone = "phone" }

[[dataset]]
name     = "journal"
store    = "app"
table    = "journal"
key      = "id"
category = "journals.accounting"
tenant   = "tenant_id"
created  = "created_at"
subject  = { phone = "phone" }
)toml";
    REQUIRE(run({"retention", "hold", "add", "--tenant", "acme", "--dataset", "tickets", "--reason",
                 "dispute 9 (test)"}).status == 0);
  }

  std::string open(const std::string& tenant, const std::string& type, const std::string& subject) {
    auto j = json({"request", "open", "--tenant", tenant, "--type", type, "--subject", subject});
    return j["id"].get<std::string>();
  }
  std::set<long long> ids(const std::string& table, const std::string& tenant) const {
    SQLite::Database db(db_path.string());
    SQLite::Statement q(db, "SELECT id FROM " + table + " WHERE tenant_id = ?");
    q.bind(1, tenant);
    std::set<long long> out;
    while (q.executeStep()) out.insert(q.getColumn(0).getInt64());
    return out;
  }
  std::string cell(const std::string& sql) const {
    SQLite::Database db(db_path.string());
    return db.execAndGet(sql).getString();
  }
  long long state_count(const std::string& sql) const {
    return dpa::test::state_count(dir.path(), sql);
  }
};

const nlohmann::json& dataset_of(const nlohmann::json& j, const std::string& name) {
  for (const auto& d : j["datasets"]) {
    if (d["dataset"] == name) return d;
  }
  FAIL("no dataset " << name);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("request find: subject columns in any written form, and phones inside text", "[e2e][requests][find]") {
  SubjectWs ws;
  auto id = ws.open("acme", "access", "phone:+77011234567");
  auto j = ws.json({"request", "find", id});
  CHECK(dataset_of(j, "calls")["records"] == 3);  // 1 and 3 by column, 2 only in its transcript
  CHECK(dataset_of(j, "calls")["by_text"] == 1);
  CHECK(dataset_of(j, "notes")["records"] == 1);
  CHECK(dataset_of(j, "tickets")["records"] == 1);
  CHECK(dataset_of(j, "journal")["records"] == 0);  // books's, not acme's
  CHECK(j["total"] == 5);
  CHECK(j.dump().find("7011234567") == std::string::npos);  // hashes, never values

  auto cols = ws.json({"request", "find", id, "--no-text"});
  CHECK(dataset_of(cols, "calls")["records"] == 2);

  auto by_email = ws.json({"request", "find", ws.open("acme", "access", "email:OLD@example.kz")});
  CHECK(dataset_of(by_email, "calls")["records"] == 2);
  auto none = ws.json({"request", "find", ws.open("acme", "access", "phone:+77017777777")});
  CHECK(none["total"] == 0);
  CHECK(ws.run({"request", "find", "R-1999-0001"}).status == 3);
}

TEST_CASE("request fulfil erase: deletes, masks, and keeps held and minimum-retention records",
          "[e2e][requests][fulfil]") {
  SubjectWs ws;
  auto id = ws.open("acme", "erase", "phone:+77011234567");
  auto r = ws.json({"request", "fulfil", id});
  // calls 1 and 3 are the subject's: deleted; call 2 is another caller's
  // that names the subject's phone: masked in its transcript.
  CHECK(dataset_of(r, "calls")["action"] == "deleted");
  CHECK(dataset_of(r, "calls")["records"] == 2);
  CHECK(ws.ids("calls", "acme") == std::set<long long>{2, 4});
  std::string transcript = ws.cell("SELECT transcript FROM calls WHERE id = 2");
  CHECK(transcript.find("123 45") == std::string::npos);
  CHECK(transcript.find("после обеда") != std::string::npos);
  CHECK(ws.cell("SELECT phone FROM calls WHERE id = 2") == "+77019999999");
  CHECK(ws.ids("calls", "books") == std::set<long long>{5});
  // notes: masked in place, the other subject's note untouched.
  CHECK(dataset_of(r, "notes")["action"] == "masked");
  CHECK(dataset_of(r, "notes")["records"] == 1);
  CHECK(ws.ids("notes", "acme") == std::set<long long>{1, 2});
  std::string phone = ws.cell("SELECT phone FROM notes WHERE id = 1");
  std::string body = ws.cell("SELECT body FROM notes WHERE id = 1");
  CHECK(phone != "+77011234567");
  CHECK(phone.find("67") != std::string::npos);  // the masked form keeps the last two digits
  CHECK(body.find("123 45") == std::string::npos);
  CHECK(body.find("Перезвонить") == 0);
  CHECK(ws.cell("SELECT body FROM notes WHERE id = 2") == "Без изменений");
  // tickets: under a hold, kept and restricted with the hold named.
  CHECK(ws.ids("tickets", "acme") == std::set<long long>{1, 2});
  const auto& kept = dataset_of(r, "tickets")["restricted"];
  REQUIRE(kept.size() == 1);
  CHECK(kept[0]["reason"] == "hold");
  CHECK(kept[0]["clause"].get<std::string>().find("dispute 9") != std::string::npos);
  // The ledger knows the three deletions, by the request.
  CHECK(ws.state_count("SELECT count(*) FROM erasure_tombstones WHERE source = 'request' AND reference = '" + id +
                       "'") == 2);
  CHECK(ws.state_count("SELECT count(*) FROM restrictions WHERE request_id = '" + id + "' AND reason = 'hold'") == 1);
  auto after = ws.json({"request", "find", id});
  CHECK(dataset_of(after, "calls")["records"] == 0);
  CHECK(dataset_of(after, "notes")["records"] == 0);
  CHECK(dataset_of(after, "tickets")["found"][0]["restricted"] == true);
  auto letter = ws.run({"request", "letter", id, "--lang", "en"});
  CHECK(letter.out.find("calls") != std::string::npos);

  // books: its journal is kept 5 years (adr 5.3.9); its call goes.
  auto b = ws.open("books", "erase", "phone:8 701 123 45 67");
  auto rb = ws.json({"request", "fulfil", b});
  CHECK(ws.ids("calls", "books").empty());
  CHECK(ws.ids("journal", "books") == std::set<long long>{1});
  const auto& floor = dataset_of(rb, "journal")["restricted"];
  REQUIRE(floor.size() == 1);
  CHECK(floor[0]["reason"] == "minimum-retention");
  CHECK(floor[0]["clause"].get<std::string>().find("5.3.9") != std::string::npos);
  auto text = ws.run({"request", "fulfil", b});  // again: nothing left to erase, the journal still restricted
  CHECK(text.status == 0);
  CHECK(text.out.find("minimum-retention") != std::string::npos);
  CHECK(ws.ids("journal", "books") == std::set<long long>{1});
}

TEST_CASE("request fulfil access, rectify, restrict, withdraw-consent, object", "[e2e][requests][fulfil]") {
  SubjectWs ws;
  SECTION("access: a BagIt package of the subject's records, named by the request") {
    auto id = ws.open("acme", "access", "phone:+77011234567");
    auto out = ws.dir / "pkg";
    auto r = ws.json({"request", "fulfil", id, "--out", out.string(), "--format", "dir"});
    CHECK(dataset_of(r, "calls")["records"] == 2);
    CHECK(dataset_of(r, "journal")["records"] == 0);
    std::string info = dpa::test::read_file(out / "bag-info.txt");
    CHECK(info.find("External-Identifier: " + id) != std::string::npos);
    std::string calls = dpa::test::read_file(out / "data" / "tables" / "calls.jsonl");
    CHECK(std::count(calls.begin(), calls.end(), '\n') == 2);
    CHECK(calls.find("+77015555555") == std::string::npos);
    CHECK(ws.run({"request", "fulfil", id}).status == 3);  // no --out
  }
  SECTION("rectify: new values, hashes before and after in the audit log") {
    auto id = ws.open("acme", "rectify", "phone:+77011234567");
    auto r = ws.json({"request", "fulfil", id, "--set", "email=new@example.kz"});
    CHECK(dataset_of(r, "calls")["records"] == 2);
    CHECK(ws.cell("SELECT email FROM calls WHERE id = 1") == "new@example.kz");
    CHECK(ws.cell("SELECT email FROM calls WHERE id = 3") == "new@example.kz");
    CHECK(ws.cell("SELECT email FROM calls WHERE id = 2") == "x@example.kz");  // found by text: no such column set
    CHECK(ws.state_count("SELECT count(*) FROM audit_log WHERE action = 'request.fulfilled' AND details LIKE "
                         "'%\"before\"%'") == 1);
    CHECK(ws.state_count("SELECT count(*) FROM audit_log WHERE details LIKE '%new@example%'") == 0);
    CHECK(ws.run({"request", "fulfil", id, "--set", "nosuch=1"}).status == 3);
    CHECK(ws.run({"request", "fulfil", id, "--set", "id=9"}).status == 3);
    CHECK(ws.run({"request", "fulfil", id}).status == 3);
  }
  SECTION("restrict: the restriction register, shown by find; the tables untouched") {
    auto id = ws.open("acme", "restrict", "phone:+77011234567");
    auto r = ws.json({"request", "fulfil", id});
    CHECK(dataset_of(r, "calls")["records"] == 3);
    CHECK(ws.state_count("SELECT count(*) FROM restrictions WHERE request_id = '" + id + "'") == 5);
    CHECK(ws.ids("calls", "acme").size() == 4);
    auto f = ws.json({"request", "find", id});
    for (const auto& rec : dataset_of(f, "calls")["found"]) CHECK(rec["restricted"] == true);
  }
  SECTION("withdraw-consent and object: the suppression list") {
    auto w = ws.open("acme", "withdraw-consent", "phone:+77011234567");
    CHECK(ws.json({"request", "fulfil", w})["suppressed"] == 1);
    auto o = ws.open("acme", "object", "email:old@example.kz");
    CHECK(ws.json({"request", "fulfil", o})["suppressed"] == 1);
    auto list = ws.json({"suppress", "list", "--tenant", "acme"});
    CHECK(list.size() == 2);
    CHECK(ws.ids("calls", "acme").size() == 4);
  }
  SECTION("a closed request is refused") {
    auto id = ws.open("acme", "erase", "phone:+77011234567");
    REQUIRE(ws.run({"request", "close", id, "--outcome", "refused: identity not confirmed"}).status == 0);
    CHECK(ws.run({"request", "fulfil", id}).status == 6);
    CHECK(ws.ids("calls", "acme").size() == 4);
  }
}

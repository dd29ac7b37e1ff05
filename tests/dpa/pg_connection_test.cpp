#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "dpa/error.h"
#include "dpa/pg_connection.h"
#include "support/test_support.h"

using dpa::pg::Connection;
using dpa::pg::to_dollar_placeholders;

namespace {

// The throwaway cluster tools/test starts; unset: the server tests skip.
const char* server_url() {
  const char* url = std::getenv("DPA_TEST_PG_URL");
  return (url && *url) ? url : nullptr;
}

}  // namespace

TEST_CASE("placeholders become $N outside quotes and comments", "[pg]") {
  CHECK(to_dollar_placeholders("SELECT a FROM t WHERE b = ? AND c = ?") ==
        "SELECT a FROM t WHERE b = $1 AND c = $2");
  CHECK(to_dollar_placeholders("UPDATE t SET a = ?2 WHERE id = ?1") == "UPDATE t SET a = $2 WHERE id = $1");
  CHECK(to_dollar_placeholders("SELECT '?', \"a?\" FROM t WHERE x = ?") ==
        "SELECT '?', \"a?\" FROM t WHERE x = $1");
  CHECK(to_dollar_placeholders("SELECT 'it''s ?' , ? -- why?\n, ?") == "SELECT 'it''s ?' , $1 -- why?\n, $2");
}

TEST_CASE("identifiers are quoted with inner quotes doubled", "[pg]") {
  CHECK(dpa::pg::quote_identifier("calls") == "\"calls\"");
  CHECK(dpa::pg::quote_identifier("a\"b") == "\"a\"\"b\"");
}

TEST_CASE("a URL with a password is recognized, a malformed one refused", "[pg]") {
  CHECK(dpa::pg::url_has_password("postgresql://dpa:secret@db.example/dpa"));
  CHECK(dpa::pg::url_has_password("postgresql://db.example/dpa?password=secret"));
  CHECK_FALSE(dpa::pg::url_has_password("postgresql://dpa@db.example/dpa"));
  CHECK_FALSE(dpa::pg::url_has_password("postgresql:///dpa?host=/run/postgresql"));
  CHECK_THROWS_AS(dpa::pg::url_has_password("postgresql://[broken"), dpa::InputError);
  CHECK_THROWS_AS(Connection::open("postgresql://dpa:secret@127.0.0.1:1/dpa"), dpa::InputError);
}

TEST_CASE("dpa starts without libpq, which it opens when PostgreSQL is used", "[pg]") {
  // The dynamic loader lists what it maps at start (what ldd shows) and exits.
  auto r = dpa::test::run_dpa({"--version"}, "", {"LD_TRACE_LOADED_OBJECTS=1"});
  REQUIRE(r.status == 0);
  CHECK(r.out.find("libsodium") != std::string::npos);  // the listing is complete
  CHECK(r.out.find("libpq") == std::string::npos);
  CHECK(r.out.find("libgssapi") == std::string::npos);
  // Opened on first use, it parses the URL.
  CHECK(dpa::pg::url_has_password("postgresql://dpa:secret@db.example/dpa"));
}

TEST_CASE("advisory keys are stable and differ by name", "[pg]") {
  CHECK(dpa::pg::advisory_key("sweep:calls") == dpa::pg::advisory_key("sweep:calls"));
  CHECK(dpa::pg::advisory_key("sweep:calls") != dpa::pg::advisory_key("sweep:chats"));
  CHECK(dpa::pg::advisory_key("sweep:calls") >= 0);
}

TEST_CASE("an unreachable server is a workspace error", "[pg]") {
  // Port 1 on loopback: nothing listens; the refusal is immediate.
  CHECK_THROWS_AS(Connection::open("postgresql://127.0.0.1:1/dpa", {.connect_timeout_s = 2}),
                  dpa::WorkspaceError);
}

TEST_CASE("a server that accepts but never answers times out with connect_timeout", "[pg]") {
  // A listening socket nobody accepts from: the kernel completes the TCP
  // handshake, then the start-up packet waits for an answer that never comes.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener, 4) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  std::string url = "postgresql://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) +
                    "/dpa?sslmode=disable&connect_timeout=2";
  try {
    Connection::open(url, {.connect_timeout_s = 30});
    FAIL("connected to a silent listener");
  } catch (const dpa::WorkspaceError& e) {
    // The URL's timeout wins over the caller's default.
    CHECK_THAT(e.what(), Catch::Contains("no answer within 2 s"));
  }
  ::close(listener);
}

TEST_CASE("values round-trip through a server", "[pg][server]") {
  const char* url = server_url();
  if (!url) {
    WARN("DPA_TEST_PG_URL unset: no PostgreSQL server to test against");
    return;
  }
  Connection c = Connection::open(url);
  c.exec_script("CREATE TEMP TABLE t(id BIGINT PRIMARY KEY, s TEXT, b BYTEA)");
  std::vector<unsigned char> blob{0, 1, 2, 255, '\'', '\\'};
  c.exec("INSERT INTO t VALUES(?, ?, ?)", {std::int64_t{1}, std::string("кв. 5 'x'"), blob});
  c.exec("INSERT INTO t VALUES(?, ?, ?)", {std::int64_t{2}, std::monostate{}, std::vector<unsigned char>{}});
  auto r = c.exec("SELECT id, s, b FROM t ORDER BY id");
  REQUIRE(r.rows() == 2);
  CHECK(r.int64(0, 0) == 1);
  CHECK(r.text(0, 1) == "кв. 5 'x'");
  CHECK(r.bytes(0, 2) == blob);
  CHECK(r.is_null(1, 1));
  CHECK_FALSE(r.optional_text(1, 1).has_value());
  CHECK(r.bytes(1, 2).empty());
  CHECK(c.exec("UPDATE t SET s = ? WHERE id >= ?", {std::string("z"), std::int64_t{1}}).affected() == 2);

  SECTION("a constraint violation is invalid input") {
    CHECK_THROWS_AS(c.exec("INSERT INTO t(id) VALUES(?)", {std::int64_t{1}}), dpa::InputError);
  }
  SECTION("COPY streams every row") {
    std::string out;
    c.copy_out("COPY (SELECT id, s FROM t ORDER BY id) TO STDOUT", [&](std::string_view chunk) { out += chunk; });
    CHECK(out == "1\tz\n2\tz\n");
  }
  SECTION("an advisory lock held by one session is refused to another") {
    Connection other = Connection::open(url);
    auto key = dpa::pg::advisory_key("test:lock");
    REQUIRE(c.try_advisory_lock(key));
    CHECK_FALSE(other.try_advisory_lock(key));
    c.advisory_unlock(key);
    CHECK(other.try_advisory_lock(key));
    other.advisory_unlock(key);
  }
  SECTION("a terminated session is a lost connection, said once") {
    Connection killer = Connection::open(url);
    auto pid = c.exec("SELECT pg_backend_pid()").int64(0, 0);
    killer.exec("SELECT pg_terminate_backend(?::int)", {pid});
    CHECK_THROWS_AS(c.exec("SELECT 1"), dpa::WorkspaceError);
  }
}

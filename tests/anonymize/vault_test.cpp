#include <catch2/catch.hpp>

#include "anonymize/detector.h"
#include "anonymize/pseudonymizer.h"
#include "anonymize/reidentify.h"
#include "anonymize/vault.h"
#include "dpa/tenants.h"
#include "dpa/workspace.h"
#include "support/test_support.h"

using namespace dpa::anonymize;
using dpa::test::TempDir;

namespace {

struct Fixture {
  TempDir dir;
  dpa::Workspace ws;
  Fixture() : ws(make()) {}
  dpa::Workspace make() {
    dpa::test::init_workspace(dir.path(), "truffles", "t@h");
    auto w = dpa::Workspace::open(dir.path(), "t@h");
    dpa::add_tenant(w, "acme", "truffles", "");
    dpa::add_tenant(w, "other", "truffles", "");
    return w;
  }
  Vault vault(const std::string& tenant) {
    auto key = dpa::current_tenant_key(ws, tenant);
    return Vault(ws.store(), tenant, key.key_id, key.key);
  }
  std::string anonymize(const std::string& tenant, const std::string& text, const std::string& op) {
    Detector d;
    auto v = vault(tenant);
    StringSource in(text);
    StringSink out;
    pseudonymize(in, out, d, &v, {StreamOptions{}, OperatorPlan::parse(op)});
    return out.text;
  }
  std::string restore(const std::string& tenant, const std::string& text) {
    DetectorOptions o;
    o.pseudonym_tokens = true;
    Detector d(o);
    auto v = vault(tenant);
    StringSource in(text);
    StringSink out;
    reidentify(in, out, d, v, StreamOptions{});
    return out.text;
  }
};

const std::string kText =
    "Клиент Марат Иванов, телефон +7 701 123 45 67, позже звонил с 8 (701) 123-45-67.\n"
    "E-mail marat.ivanov@example.kz, ИИН 880101300123.\n";

}  // namespace

TEST_CASE("token round trip is byte for byte", "[vault]") {
  Fixture fx;
  std::string pseudo = fx.anonymize("acme", kText, "token");
  CHECK(pseudo.find("+7 701") == std::string::npos);
  CHECK(pseudo.find("marat.ivanov") == std::string::npos);
  CHECK(pseudo.find("<PHONE:") != std::string::npos);
  CHECK(fx.restore("acme", pseudo) == kText);
}

TEST_CASE("tokens are consistent per tenant across documents and differ between tenants", "[vault]") {
  Fixture fx;
  std::string a1 = fx.anonymize("acme", "call +7 701 123 45 67 today", "token");
  std::string a2 = fx.anonymize("acme", "again +7 701 123 45 67", "token");
  std::string b = fx.anonymize("other", "call +7 701 123 45 67 today", "token");
  auto token_of = [](const std::string& s) { return s.substr(s.find('<'), s.find('>') - s.find('<') + 1); };
  CHECK(token_of(a1) == token_of(a2));
  CHECK(token_of(a1) != token_of(b));
  // Another tenant's vault cannot restore it.
  CHECK(fx.restore("other", a1) == a1);
}

TEST_CASE("a second written form of a value gets its own variant", "[vault]") {
  Fixture fx;
  std::string pseudo = fx.anonymize("acme", "+7 701 123 45 67 и 8 (701) 123-45-67", "token");
  auto first = pseudo.find("<PHONE:");
  auto second = pseudo.find("<PHONE:", first + 1);
  REQUIRE(second != std::string::npos);
  std::string t1 = pseudo.substr(first, pseudo.find('>', first) - first + 1);
  std::string t2 = pseudo.substr(second, pseudo.find('>', second) - second + 1);
  CHECK(t2.substr(0, t1.size() - 1) == t1.substr(0, t1.size() - 1));  // same base
  CHECK(t2.find(".2>") != std::string::npos);
}

TEST_CASE("reidentify tolerates what LLMs do to tokens", "[vault]") {
  Fixture fx;
  std::string pseudo = fx.anonymize("acme", "Позвоните +7 701 123 45 67", "token");
  auto b = pseudo.find('<');
  std::string token = pseudo.substr(b, pseudo.find('>', b) - b + 1);
  std::string base = token.substr(7, token.size() - 8);  // between "<PHONE:" and ">"
  std::string lower = token;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK(fx.restore("acme", "Номер: " + lower + ".") == "Номер: +7 701 123 45 67.");
  CHECK(fx.restore("acme", "(" + token + ")") == "(+7 701 123 45 67)");
  CHECK(fx.restore("acme", "по номеру " + token + "у") == "по номеру +7 701 123 45 67");
  CHECK(fx.restore("acme", "«PHONE:" + base + "»") == "+7 701 123 45 67");
  CHECK(fx.restore("acme", "PHONE: " + base + " is it") == "+7 701 123 45 67 is it");
}

TEST_CASE("surrogate round trip is byte for byte and the fake validates", "[vault]") {
  Fixture fx;
  std::string pseudo = fx.anonymize("acme", kText, "surrogate");
  CHECK(pseudo != kText);
  CHECK(pseudo.find("880101300123") == std::string::npos);
  CHECK(pseudo.find("marat.ivanov@example.kz") == std::string::npos);
  // The fakes are themselves found as the same types.
  Detector d;
  auto findings = d.detect(pseudo);
  CHECK(findings.size() >= 4);
  CHECK(fx.restore("acme", pseudo) == kText);
  // Deterministic per tenant key.
  CHECK(fx.anonymize("acme", kText, "surrogate") == pseudo);
}

TEST_CASE("a destroyed tenant key makes the vault unreadable", "[vault]") {
  Fixture fx;
  fx.anonymize("acme", kText, "token");
  // Simulate crypto-shredding by opening the vault with a fresh random key.
  Vault wrong(fx.ws.store(), "acme", 1, dpa::SecretKey::random());
  std::string pseudo = fx.anonymize("acme", kText, "token");
  DetectorOptions o;
  o.pseudonym_tokens = true;
  Detector d(o);
  StringSource in(pseudo);
  StringSink out;
  reidentify(in, out, d, wrong, StreamOptions{});
  CHECK(out.text == pseudo);
}

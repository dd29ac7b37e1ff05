#include <catch2/catch.hpp>

#include "anonymize/subject_id.h"
#include "dpa/error.h"
#include "dpa/secret_key.h"
#include "retention/hashing.h"

using dpa::anonymize::make_subject_id;
using dpa::anonymize::normalize_subject_value;
using dpa::anonymize::parse_subject_id;
using dpa::anonymize::SubjectKind;

TEST_CASE("phone identifiers become E.164 whatever the writing", "[subject_id]") {
  const char* forms[] = {"+77011234567", "8 (701) 123-45-67", "87011234567", "7011234567", "+7 701 123 45 67",
                         "  +7-701-123-45-67 ", "007 701 1234567"};
  for (const char* f : forms) {
    INFO(f);
    auto id = make_subject_id("phone", f);
    CHECK(id.kind == SubjectKind::kPhone);
    CHECK(id.value == "+77011234567");
    CHECK(id.canonical() == "phone:+77011234567");
  }
  CHECK(make_subject_id("phone", "+49 30 901820").value == "+4930901820");
  CHECK(make_subject_id("phone", "+44 20 7946 0958").value == "+442079460958");
  CHECK(parse_subject_id("phone:+77011234567").masked() == "+7 701 *** ** 67");
}

TEST_CASE("unparseable identifiers are refused with one line", "[subject_id]") {
  const char* bad[] = {"phone:123",  "phone:+7 701 12",  "phone:8 800 080 0000", "phone:call me", "email:nobody",
                       "email:a@b",  "email:a b@example.kz", "iin:900101300123", "iin:12345",  "bin:abc",
                       "name:   ",   "name:12345",       "key:calls",            "key::x",      "fax:123",
                       "phone",      ":x",               "phone:"};
  for (const char* b : bad) {
    INFO(b);
    try {
      parse_subject_id(b);
      FAIL("accepted");
    } catch (const dpa::InputError& e) {
      std::string m = e.what();
      CHECK(m.find('\n') == std::string::npos);
      CHECK(!m.empty());
    }
  }
}

TEST_CASE("e-mail addresses are case-folded, NFC-normalized and IDNA-encoded", "[subject_id]") {
  CHECK(make_subject_id("email", "  Aigerim.S@Example.KZ ").value == "aigerim.s@example.kz");
  CHECK(make_subject_id("email", "ИВАН@пример.рф").value == "иван@xn--e1afmkfd.xn--p1ai");
  CHECK(make_subject_id("email", "иван@xn--e1afmkfd.xn--p1ai").value == "иван@xn--e1afmkfd.xn--p1ai");
  // Full case folding: ß folds to ss.
  CHECK(make_subject_id("email", "STRASSE@example.de").value == make_subject_id("email", "straße@example.de").value);
  // Composed and decomposed é are one address.
  CHECK(make_subject_id("email", "jos\xC3\xA9@example.com").value ==
        make_subject_id("email", "jose\xCC\x81@example.com").value);
  CHECK(parse_subject_id("email:aigerim@example.kz").masked() == "a***@example.kz");
}

TEST_CASE("iin and bin need a valid check digit", "[subject_id]") {
  CHECK(make_subject_id("iin", "900101 300126").value == "900101300126");
  CHECK(make_subject_id("iin", "850515-401239").value == "850515401239");
  CHECK(parse_subject_id("iin:900101300126").masked() == "9001******26");
  CHECK_THROWS_AS(make_subject_id("iin", "900101300127"), dpa::InputError);
}

TEST_CASE("names are NFKC case-folded with white space collapsed", "[subject_id]") {
  CHECK(make_subject_id("name", "  Айгерим   СЕЙТКАЛИ ").value == "айгерим сейткали");
  CHECK(make_subject_id("name", "Aigerim\tSeitkali").value == "aigerim seitkali");
  // "ё" stays distinct from "е".
  CHECK(make_subject_id("name", "Пётр").value != make_subject_id("name", "Петр").value);
  CHECK(parse_subject_id("name:Aigerim Seitkali").masked() == "a. s.");
}

TEST_CASE("dataset keys keep the dataset and the key", "[subject_id]") {
  auto id = parse_subject_id("key:calls: c-17 ");
  CHECK(id.kind == SubjectKind::kKey);
  CHECK(id.dataset == "calls");
  CHECK(id.value == "c-17");
  CHECK(id.canonical() == "key:calls:c-17");
  CHECK(id.hash_value() == "calls:c-17");
}

TEST_CASE("the lenient form for stored data never throws and matches the strict one", "[subject_id]") {
  CHECK(normalize_subject_value("phone", "8 (701) 123-45-67") == "+77011234567");
  CHECK(normalize_subject_value("phone", "7011234567") == "+77011234567");
  CHECK(normalize_subject_value("phone", "+44 20 7946 0958") == "+442079460958");
  CHECK(normalize_subject_value("phone", "12-34") == "+1234");  // malformed: still deterministic
  CHECK(normalize_subject_value("email", " A@B ") == "a@b");
  for (const char* e : {"Aigerim.S@Example.KZ", "x@xn--e1afmkfd.xn--p1ai", "USER+tag@Mail.Example.com"}) {
    CHECK(normalize_subject_value("email", e) == make_subject_id("email", e).value);  // fast path == strict
  }
  CHECK(normalize_subject_value("iin", "900101 300 123") == "900101300123");
  CHECK(normalize_subject_value("client_no", "  X-1 ") == "X-1");
  for (const char* s : {"phone:+77011234567", "email:ИВАН@пример.рф", "name:Айгерим Сейткали", "iin:900101300126"}) {
    auto id = parse_subject_id(s);
    CHECK(normalize_subject_value(id.kind_name(), id.value) == id.value);
  }
}

TEST_CASE("holds hash a phone alike however it was written", "[subject_id][retention]") {
  dpa::SecretKey key = dpa::SecretKey::random();
  dpa::retention::SubjectHasher hasher(key);
  std::string a = hasher.hash("phone", "+77011234567");
  CHECK(hasher.hash("phone", "8 (701) 123-45-67") == a);
  CHECK(hasher.hash("phone", "+7 701 123 45 67") == a);
  // The hash of a canonical E.164 phone is what it was before libphonenumber:
  // keyed BLAKE2b-256 of "phone:+77011234567" under the subjects subkey.
  CHECK(a == key.derive(dpa::KeyPurpose::kSubjects).keyed_hash_hex("phone:+77011234567"));
  auto id = parse_subject_id("phone:8 701 123 45 67");
  CHECK(hasher.hash(id.hash_kind(), id.hash_value()) == a);
}

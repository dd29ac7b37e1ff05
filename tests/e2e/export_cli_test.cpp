// End-to-end: dpa export create | verify | list | show | handover on the demo workspace.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace fs = std::filesystem;
using dpa::test::read_file;
using dpa::test::run_dpa;
using dpa::test::TempDir;
using dpa::test::write_file;

namespace {

dpa::test::RunResult dpa_at(const fs::path& home, std::vector<std::string> args) {
  args.insert(args.begin(), {"--home", home.string()});
  return run_dpa(args);
}

nlohmann::json json_of(const fs::path& home, std::vector<std::string> args) {
  args.insert(args.begin(), "--json");
  auto r = dpa_at(home, args);
  INFO(r.err);
  REQUIRE(r.status == 0);
  return nlohmann::json::parse(r.out);
}

// One demo workspace for every test case: building it takes a few seconds.
const fs::path& demo() {
  static TempDir dir;
  static fs::path home = [] {
    fs::path h = dir / "demo";
    auto r = run_dpa({"--home", h.string(), "demo"});
    if (r.status != 0) throw std::runtime_error("dpa demo failed: " + r.err);
    return h;
  }();
  return home;
}

}  // namespace

TEST_CASE("a tenant export and a subject export of the demo verify; a tampered copy names each altered file",
          "[e2e][exports]") {
  const fs::path& home = demo();
  TempDir out;
  auto tenant = json_of(home, {"export", "create", "--tenant", "acme-kz", "--format", "dir", "--out",
                               (out / "acme").string()});
  CHECK(tenant["tenant"] == "acme-kz");
  CHECK(tenant["files"].get<int>() > 10);
  CHECK(tenant["payload_oxum"].get<std::string>().find('.') != std::string::npos);
  const std::string pubkey = tenant["public_key"];
  write_file(out / "signer.pub", pubkey + "\n");

  // The verifier needs no workspace: only the package and the public key.
  auto ok = run_dpa({"export", "verify", (out / "acme").string(), "--pubkey", (out / "signer.pub").string()});
  INFO(ok.err);
  CHECK(ok.status == 0);
  CHECK(ok.out.find("signature valid") != std::string::npos);

  // A subject of the tenant, from its own export: every row found carries the identifier.
  std::string first = read_file(out / "acme" / "data" / "tables" / "contacts.jsonl");
  auto row = nlohmann::json::parse(first.substr(0, first.find('\n')));
  std::string phone = row["phone"];
  auto subject = json_of(home, {"export", "create", "--tenant", "acme-kz", "--subject", "phone:" + phone, "--format",
                                "zip", "--out", (out / "subject.zip").string(), "--request", "SAR-2026-17"});
  CHECK(subject["subject_kind"] == "phone");
  CHECK(subject["subject_hash"].get<std::string>().size() == 64);
  CHECK(subject["request_reference"] == "SAR-2026-17");
  CHECK(subject["files"].get<int>() >= 2);
  auto v = run_dpa({"--json", "export", "verify", (out / "subject.zip").string(), "--pubkey",
                    (out / "signer.pub").string()});
  REQUIRE(v.status == 0);
  auto vj = nlohmann::json::parse(v.out);
  CHECK(vj["signature"] == "valid");
  CHECK(vj["bag_info"]["External-Identifier"] == "SAR-2026-17");
  // The audit log names the subject by its hash only.
  auto log = dpa_at(home, {"audit", "log"});
  CHECK(log.out.find(phone) == std::string::npos);

  // Tampering: two files altered, one removed.
  fs::copy(out / "acme", out / "tampered", fs::copy_options::recursive);
  fs::path t = out / "tampered" / "data";
  write_file(t / "tables" / "contacts.csv", read_file(t / "tables" / "contacts.csv") + "1,x\r\n");
  write_file(t / "tables" / "chat_messages.jsonl", "{}\n");
  fs::remove(t / "tables" / "transcripts.csv");
  auto bad = run_dpa({"export", "verify", (out / "tampered").string(), "--pubkey", (out / "signer.pub").string()});
  CHECK(bad.status == 7);
  CHECK(bad.out.find("data/tables/contacts.csv: sha256 checksum does not match") != std::string::npos);
  CHECK(bad.out.find("data/tables/chat_messages.jsonl: sha256 checksum does not match") != std::string::npos);
  CHECK(bad.out.find("data/tables/transcripts.csv: missing") != std::string::npos);
  CHECK(bad.out.find("Payload-Oxum") != std::string::npos);

  // Another key: the signature fails.
  write_file(out / "other.pub", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
  auto foreign = run_dpa({"export", "verify", (out / "acme").string(), "--pubkey", (out / "other.pub").string()});
  CHECK(foreign.status == 7);
  CHECK(foreign.out.find("tagmanifest-sha256.txt.sig") != std::string::npos);

  // Handover: a transfer-log entry, audited.
  auto handed = json_of(home, {"export", "handover", tenant["id"], "--to", "Acme Kazakhstan LLP", "--country", "KZ"});
  CHECK(handed["bytes"].get<long long>() == tenant["package_bytes"].get<long long>());
  auto transfers = dpa_at(home, {"transfer", "list"});
  CHECK(transfers.out.find("Acme Kazakhstan LLP") != std::string::npos);
  // A return to the controller is not a transfer to a subprocessor: the report counts it, never flags it.
  auto report = json_of(home, {"transfer", "report", "--from", "2000-01-01", "--to", "2100-01-01"});
  for (const auto& f : report["flagged"]) CHECK(f["subprocessor"] != "Acme Kazakhstan LLP");
  auto shown = json_of(home, {"export", "show", tenant["id"]});
  REQUIRE(shown["handovers"].size() == 1);
  CHECK(shown["handovers"][0]["recipient"] == "Acme Kazakhstan LLP");
  CHECK(dpa_at(home, {"audit", "verify"}).status == 0);
  auto audit = dpa_at(home, {"audit", "log"});
  CHECK(audit.out.find("export.create") != std::string::npos);
  CHECK(audit.out.find("export.handover") != std::string::npos);
}

TEST_CASE("exports after termination follow the export window and truffles 8.5's debt condition", "[e2e][exports]") {
  TempDir dir;
  fs::path home = dir / "ws";
  REQUIRE(run_dpa({"--home", home.string(), "init"}).status == 0);
  // A small data map: one table.
  {
    std::ofstream(home / "dpa.toml", std::ios::app) << R"toml(
[[store]]
name = "app"
kind = "sqlite"
path = "app.db"

[[dataset]]
name = "notes"
store = "app"
table = "notes"
key = "id"
category = "notes"
tenant = "tenant"
created = "created_at"
subject = { email = "email" }
)toml";
  }
  {
    // sqlite3 is in the dependency list; the e2e suite links SQLiteCpp too, but a shell line keeps it short.
    std::string sql = "CREATE TABLE notes(id INTEGER PRIMARY KEY, tenant TEXT, created_at TEXT, email TEXT, body TEXT);"
                      "INSERT INTO notes VALUES(1, 'shop', '2026-01-01T00:00:00Z', 'A@Example.kz', 'first');"
                      "INSERT INTO notes VALUES(2, 'shop', '2026-01-02T00:00:00Z', 'b@example.kz', 'second');";
    REQUIRE(std::system(("sqlite3 '" + (home / "app.db").string() + "' \"" + sql + "\"").c_str()) == 0);
  }
  REQUIRE(dpa_at(home, {"tenant", "add", "shop", "--policy", "truffles"}).status == 0);
  REQUIRE(dpa_at(home, {"tenant", "terminate", "shop"}).status == 0);

  auto refused = dpa_at(home, {"export", "create", "--tenant", "shop", "--out", (dir / "a.zip").string()});
  CHECK(refused.status == 6);
  CHECK(refused.err.find("8.5") != std::string::npos);
  CHECK(refused.err.find("--confirm-no-debt") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "a.zip"));

  auto made = json_of(home, {"export", "create", "--tenant", "shop", "--out", (dir / "a.zip").string(),
                             "--confirm-no-debt", "reconciliation 2026-11 No. 4"});
  CHECK(made["within_export_window"] == true);
  CHECK(made["no_debt_reference"] == "reconciliation 2026-11 No. 4");
  CHECK(made["files"] == 2);

  // A subject export is not bound to the window's debt condition; the
  // identifier matches however it was written.
  auto subj = json_of(home, {"export", "create", "--tenant", "shop", "--subject", "email: a@example.KZ ", "--format",
                             "tar", "--out", (dir / "s.tar").string()});
  CHECK(subj["dataset_details"][0]["records"] == 1);

  // After the window: tenant exports are refused, citing the clause; a subject's own records are not.
  REQUIRE(dpa_at(home, {"tenant", "add", "old", "--policy", "truffles"}).status == 0);
  REQUIRE(dpa_at(home, {"tenant", "terminate", "old", "--on", "2026-01-01"}).status == 0);
  auto late = dpa_at(home, {"export", "create", "--tenant", "old", "--out", (dir / "old.zip").string(),
                            "--confirm-no-debt", "x"});
  CHECK(late.status == 6);
  CHECK(late.err.find("export window ended") != std::string::npos);
  CHECK(late.err.find("truffles 8.5") != std::string::npos);
  CHECK(dpa_at(home, {"export", "create", "--tenant", "old", "--subject", "email:x@example.kz", "--out",
                      (dir / "old.zip").string()})
            .status == 0);
  auto usage = dpa_at(home, {"export", "verify", (dir / "a.zip").string(), "--pubkey"});
  CHECK(usage.status == 2);
  CHECK(dpa_at(home, {"export", "create", "--tenant", "shop", "--out", (dir / "a.zip").string(), "--confirm-no-debt",
                      "x"})
            .status == 3);  // the output exists already
}

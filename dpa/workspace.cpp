#include "dpa/workspace.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <sodium.h>
#include <toml++/toml.h>

#include "dpa/error.h"
#include "dpa/sqlite_state_store.h"
#include "dpa/time.h"

namespace dpa {
namespace {

namespace fs = std::filesystem;

std::string config_template(const std::string& policy) {
  return fmt::format(R"toml(# dpa workspace configuration. See dpa(1) and dpa-datamap(5).

[workspace]
# The policy new tenants are put under unless `dpa tenant add --policy` says otherwise.
policy   = "{}"
# Local dates (working days, "due by end of day") are counted in this zone.
timezone = "Asia/Almaty"

# The data map: where the customer data that dpa governs lives. Nothing is
# copied into dpa; retention, subject requests and exports act on these
# stores in place. Uncomment and adapt.
#
# [[store]]
# name = "app"
# kind = "sqlite"            # sqlite | files
# path = "var/app.db"        # relative to this folder
#
# [[dataset]]
# name     = "transcripts"
# store    = "app"
# table    = "transcripts"
# key      = "id"
# category = "communications.transcript"
# tenant   = "tenant_id"
# created  = "created_at"
# subject  = {{ phone = "caller_phone", email = "caller_email", iin = "caller_iin" }}
# text     = ["body"]
#
# [[store]]
# name = "recordings"
# kind = "files"
# root = "var/recordings"
#
# [[dataset]]
# name     = "recordings"
# store    = "recordings"
# path     = "{{tenant}}/{{yyyy}}/{{mm}}/{{id}}.wav"
# category = "communications.audio"
)toml",
                     policy);
}

void write_file_atomically(const fs::path& path, const std::string& content) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw WorkspaceError(fmt::format("cannot write {}: {}", tmp.string(), std::strerror(errno)));
    out << content;
    out.flush();
    if (!out) throw WorkspaceError(fmt::format("cannot write {}", tmp.string()));
  }
  fs::rename(tmp, path);
}

std::string new_workspace_id() {
  unsigned char raw[8];
  randombytes_buf(raw, sizeof raw);
  std::string hex(sizeof raw * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw, sizeof raw);
  hex.pop_back();
  return hex;
}

std::string origin_for(const std::string& id) { return "dpa-audit/" + id; }

}  // namespace

fs::path Workspace::resolve_home(const std::optional<std::string>& flag) {
  if (flag && !flag->empty()) return fs::path(*flag);
  if (const char* env = std::getenv("DPA_HOME"); env && *env) return fs::path(env);
  return fs::path(".dpa");
}

WorkspaceSettings read_workspace_settings(const fs::path& config) {
  if (!fs::exists(config)) {
    throw WorkspaceError(fmt::format("no {}; run `dpa init` first", config.string()));
  }
  toml::table table;
  try {
    table = toml::parse_file(config.string());
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}:{}: {}", config.string(), e.source().begin.line,
                                 e.source().begin.column, e.description()));
  }
  WorkspaceSettings s;
  if (auto* ws = table["workspace"].as_table()) {
    for (auto&& [key, node] : *ws) {
      if (key == "policy" || key == "timezone") {
        if (!node.is_string()) {
          throw InputError(fmt::format("{}:{}: workspace.{} must be a string", config.string(),
                                       node.source().begin.line, key.str()));
        }
        if (key == "policy") s.default_policy = *node.value<std::string>();
        else s.timezone = *node.value<std::string>();
      } else {
        throw InputError(fmt::format("{}:{}: unknown key workspace.{} (known: policy, timezone)",
                                     config.string(), node.source().begin.line, key.str()));
      }
    }
  }
  TimeZone::named(s.timezone);  // rejects unknown zones early, with the list
  return s;
}

InitResult Workspace::init(const fs::path& home, const std::string& policy, const std::string& actor) {
  InitResult result;
  result.home = home;
  const fs::path db = home / "dpa.db";
  if (fs::exists(db)) {
    // Existing workspace: open it (which checks keys and schema) and change nothing.
    Workspace ws = open(home, actor);
    result.workspace_id = ws.id();
    return result;
  }
  std::error_code ec;
  fs::create_directories(home, ec);
  if (ec) throw WorkspaceError(fmt::format("cannot create {}: {}", home.string(), ec.message()));

  const fs::path config = home / "dpa.toml";
  if (!fs::exists(config)) {
    write_file_atomically(config, config_template(policy));
    result.made.push_back(config.string());
  }
  const fs::path keys = home / "keys";
  bool have_master = fs::exists(keys / Keyring::kMasterKeyFile);
  bool have_signing = fs::exists(keys / Keyring::kSigningKeyFile);
  if (!have_master && !have_signing) {
    Keyring::create(keys);
    result.made.push_back((keys / Keyring::kMasterKeyFile).string());
    result.made.push_back((keys / Keyring::kSigningKeyFile).string());
  } else if (have_master != have_signing) {
    throw WorkspaceError(fmt::format(
        "{} holds only one of {} and {}; restore the missing key from backup",
        keys.string(), Keyring::kMasterKeyFile, Keyring::kSigningKeyFile));
  }
  Keyring keyring = Keyring::load(keys);

  // The database comes last and under a temporary name: its presence is what
  // marks a finished workspace, so it must appear whole or not at all.
  const fs::path tmp_db = home / "dpa.db.init";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(tmp_db.string() + suffix, ec);
  std::string id = new_workspace_id();
  {
    auto store = open_sqlite_state_store(tmp_db, {.create = true});
    AuditLog audit(*store, keyring, origin_for(id), actor);
    store->transaction([&] {
      store->set_meta("workspace_id", id);
      store->set_meta("created_at", format_utc(now()));
      audit.append("workspace.init", "workspace:" + id,
                   {{"policy", policy}, {"schema_version", store->known_schema_version()}});
    });
  }  // closing the last connection checkpoints the WAL into the main file
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(tmp_db.string() + suffix, ec);
  fs::rename(tmp_db, db);
  result.made.push_back(db.string());
  result.created = true;
  result.workspace_id = id;
  return result;
}

Workspace Workspace::open(const fs::path& home, const std::string& actor) {
  if (!fs::is_directory(home)) {
    throw WorkspaceError(fmt::format(
        "no workspace at {}; run `dpa init --home {}` or set --home / $DPA_HOME", home.string(),
        home.string()));
  }
  Workspace ws;
  ws.home_ = home;
  // Key permissions first: nothing else is read from a workspace whose keys
  // may have leaked.
  Keyring::check_permissions(ws.keys_dir());
  ws.settings_ = read_workspace_settings(ws.config_path());
  ws.keys_ = std::make_unique<Keyring>(Keyring::load(ws.keys_dir()));
  SqliteOptions options;
  if (const char* t = std::getenv("DPA_BUSY_TIMEOUT_MS"); t && *t) {
    char* end = nullptr;
    long ms = std::strtol(t, &end, 10);
    if (*end != '\0' || ms < 0 || ms > 3600000) {
      throw InputError("DPA_BUSY_TIMEOUT_MS must be a number of milliseconds from 0 to 3600000");
    }
    options.busy_timeout_ms = static_cast<int>(ms);
  }
  ws.store_ = open_sqlite_state_store(ws.db_path(), options);
  auto id = ws.store_->get_meta("workspace_id");
  if (!id) throw WorkspaceError(fmt::format("{} has no workspace id; it is not a dpa state database",
                                            ws.db_path().string()));
  ws.id_ = *id;
  ws.audit_ = std::make_unique<AuditLog>(*ws.store_, *ws.keys_, origin_for(ws.id_), actor);
  return ws;
}

Workspace::Workspace(Workspace&&) noexcept = default;
Workspace& Workspace::operator=(Workspace&&) noexcept = default;
Workspace::~Workspace() = default;

}  // namespace dpa

#include "dpa/workspace.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <sodium.h>
#include <toml++/toml.h>

#include "dpa/error.h"
#include "dpa/pg_connection.h"
#include "dpa/pg_state_store.h"
#include "dpa/sqlite_state_store.h"
#include "dpa/time.h"

namespace dpa {
namespace {

namespace fs = std::filesystem;

// The [state] table naming a PostgreSQL state. TOML basic strings: quotes
// and backslashes escaped.
std::string state_table(const StateLocation& state) {
  auto quoted = [](const std::string& v) {
    std::string out = "\"";
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  return fmt::format(
      "\n# The state (tenants, keys' wrappings, audit log, ...) is a schema of this\n"
      "# PostgreSQL database, shared by every host of the workspace. The password\n"
      "# goes in ~/.pgpass or $PGPASSWORD, never here.\n"
      "[state]\nurl    = {}\nschema = {}\n",
      quoted(state.url), quoted(state.schema));
}

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

std::string read_file_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw WorkspaceError(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
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

// A value only the workspace's keys produce, kept in meta at init: a host
// whose keys/ holds other keys finds out when it opens the state, before it
// wraps a tenant key or signs an audit entry with the wrong ones.
std::string key_check(const Keyring& keys) {
  const auto& pub = keys.public_key();
  std::string hex(pub.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), pub.data(), pub.size());
  hex.pop_back();
  return keys.workspace_hash("dpa key check v1") + ":" + hex;
}

int busy_timeout_ms() {
  if (const char* t = std::getenv("DPA_BUSY_TIMEOUT_MS"); t && *t) {
    char* end = nullptr;
    long ms = std::strtol(t, &end, 10);
    if (*end != '\0' || ms < 0 || ms > 3600000) {
      throw InputError("DPA_BUSY_TIMEOUT_MS must be a number of milliseconds from 0 to 3600000");
    }
    return static_cast<int>(ms);
  }
  return 15000;
}

std::unique_ptr<StateStore> open_state(const fs::path& home, const std::optional<StateLocation>& state,
                                       bool create) {
  if (state) {
    PgStateOptions options;
    options.url = state->url;
    options.schema = state->schema;
    options.create = create;
    options.busy_timeout_ms = busy_timeout_ms();
    return open_pg_state_store(options);
  }
  return open_sqlite_state_store(home / "dpa.db", {.create = create, .busy_timeout_ms = busy_timeout_ms()});
}

void check_state_location(const StateLocation& state, const std::string& where) {
  if (state.url.empty()) throw InputError(fmt::format("{}: the state URL is empty", where));
  if (pg::url_has_password(state.url)) {
    throw InputError(fmt::format(
        "{}: the state URL names a password; put it in ~/.pgpass (mode 0600) or $PGPASSWORD instead",
        where));
  }
  if (state.schema.empty() || state.schema.size() > 63) {
    throw InputError(fmt::format("{}: the state schema must have 1 to 63 characters", where));
  }
}

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
  if (auto* st = table["state"].as_table()) {
    StateLocation loc;
    for (auto&& [key, node] : *st) {
      if (key != "url" && key != "schema") {
        throw InputError(fmt::format("{}:{}: unknown key state.{} (known: url, schema)", config.string(),
                                     node.source().begin.line, key.str()));
      }
      if (!node.is_string()) {
        throw InputError(fmt::format("{}:{}: state.{} must be a string", config.string(),
                                     node.source().begin.line, key.str()));
      }
      if (key == "url") loc.url = *node.value<std::string>();
      else loc.schema = *node.value<std::string>();
    }
    check_state_location(loc, fmt::format("{}:{}", config.string(), st->source().begin.line));
    s.state = loc;
  }
  TimeZone::named(s.timezone);  // rejects unknown zones early, with the list
  return s;
}

InitResult Workspace::init(const fs::path& home, const std::string& policy, const std::string& actor,
                           const std::optional<StateLocation>& state_flag) {
  InitResult result;
  result.home = home;
  if (state_flag) check_state_location(*state_flag, "--state");
  const fs::path db = home / "dpa.db";
  const fs::path config = home / "dpa.toml";
  std::optional<StateLocation> state = state_flag;
  if (fs::exists(config)) {
    auto configured = read_workspace_settings(config).state;
    if (configured && state && !(*configured == *state)) {
      throw InputError(fmt::format("{} names another state (schema {} at {}); edit it or use another --home",
                                   config.string(), configured->schema, configured->url));
    }
    if (!state) state = configured;
  }
  if (state && fs::exists(db)) {
    throw InputError(fmt::format("{} holds a SQLite state already; a workspace has one state", db.string()));
  }
  if (!state && fs::exists(db)) {
    // Existing workspace: open it (which checks keys and schema) and change nothing.
    Workspace ws = open(home, actor);
    result.workspace_id = ws.id();
    return result;
  }
  std::error_code ec;
  fs::create_directories(home, ec);
  if (ec) throw WorkspaceError(fmt::format("cannot create {}: {}", home.string(), ec.message()));

  if (!fs::exists(config)) {
    write_file_atomically(config, config_template(policy) + (state ? state_table(*state) : ""));
    result.made.push_back(config.string());
  } else if (state && !read_workspace_settings(config).state) {
    write_file_atomically(config, read_file_text(config) + state_table(*state));
    result.made.push_back(config.string() + " [state]");
  }
  const fs::path keys = home / "keys";
  bool have_master = fs::exists(keys / Keyring::kMasterKeyFile);
  bool have_signing = fs::exists(keys / Keyring::kSigningKeyFile);
  if (have_master != have_signing) {
    throw WorkspaceError(fmt::format(
        "{} holds only one of {} and {}; restore the missing key from backup",
        keys.string(), Keyring::kMasterKeyFile, Keyring::kSigningKeyFile));
  }

  if (state) {
    auto store = open_state(home, state, /*create=*/true);
    if (auto existing = store->get_meta("workspace_id")) {
      // The state holds a workspace: this home joins it, with its keys.
      bool env_keys = std::getenv("DPA_MASTER_KEY") && std::getenv("DPA_AUDIT_SIGNING_KEY");
      if (!have_master && !env_keys) {
        throw WorkspaceError(fmt::format(
            "the state (schema {}) holds workspace {} already; copy keys/ from a host of that workspace "
            "into {} (mode 0600) and run `dpa init` again",
            state->schema, *existing, keys.string()));
      }
      Keyring keyring = Keyring::load(keys);
      auto check = store->get_meta("key_check");
      if (check && *check != key_check(keyring)) {
        throw WorkspaceError(fmt::format(
            "the keys in {} are not those of workspace {} (schema {}); copy keys/ from a host of that workspace",
            keys.string(), *existing, state->schema));
      }
      result.workspace_id = *existing;
      result.joined = true;
      return result;
    }
    if (!have_master) {
      Keyring::create(keys);
      result.made.push_back((keys / Keyring::kMasterKeyFile).string());
      result.made.push_back((keys / Keyring::kSigningKeyFile).string());
    }
    Keyring keyring = Keyring::load(keys);
    std::string id = new_workspace_id();
    AuditLog audit(*store, keyring, origin_for(id), actor);
    store->transaction([&] {
      // Another host may have initialized the state since the check above.
      if (auto other = store->get_meta("workspace_id")) {
        throw BusyError(fmt::format("another host initialized the state (workspace {}) meanwhile; "
                                    "copy its keys/ here and run `dpa init` again", *other));
      }
      store->set_meta("workspace_id", id);
      store->set_meta("created_at", format_utc(now()));
      store->set_meta("key_check", key_check(keyring));
      audit.append("workspace.init", "workspace:" + id,
                   {{"policy", policy}, {"schema_version", store->known_schema_version()}});
    });
    result.made.push_back(fmt::format("state schema {}", state->schema));
    result.created = true;
    result.workspace_id = id;
    return result;
  }

  if (!have_master) {
    Keyring::create(keys);
    result.made.push_back((keys / Keyring::kMasterKeyFile).string());
    result.made.push_back((keys / Keyring::kSigningKeyFile).string());
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
      store->set_meta("key_check", key_check(keyring));
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
  ws.store_ = open_state(home, ws.settings_.state, /*create=*/false);
  auto id = ws.store_->get_meta("workspace_id");
  if (!id) {
    throw WorkspaceError(fmt::format("{} has no workspace id; it is not a dpa state{}", ws.state_description(),
                                     ws.settings_.state ? "; run `dpa init --state URL`" : " database"));
  }
  // Workspaces made before the key check have none; they are not checked.
  if (auto check = ws.store_->get_meta("key_check"); check && *check != key_check(*ws.keys_)) {
    throw WorkspaceError(fmt::format(
        "the keys in {} do not belong to the state at {} (workspace {}); copy keys/ from a host of that "
        "workspace",
        ws.keys_dir().string(), ws.state_description(), *id));
  }
  ws.id_ = *id;
  ws.audit_ = std::make_unique<AuditLog>(*ws.store_, *ws.keys_, origin_for(ws.id_), actor);
  return ws;
}

std::string Workspace::state_description() const {
  if (settings_.state) return fmt::format("schema {} of PostgreSQL", settings_.state->schema);
  return db_path().string();
}

Workspace::Workspace(Workspace&&) noexcept = default;
Workspace& Workspace::operator=(Workspace&&) noexcept = default;
Workspace::~Workspace() = default;

}  // namespace dpa

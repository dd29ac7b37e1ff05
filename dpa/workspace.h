// A workspace: the toolkit's own state in one folder.
//
//   <home>/dpa.toml   configuration and the data map
//   <home>/dpa.db     state (SQLite, WAL), unless dpa.toml's [state] names
//                     a PostgreSQL database: then the state is a schema there
//   <home>/keys/      master key and audit signing key (0600)
//   <home>/policies/  optional site policies, searched before the shipped ones
//
// Opening checks, before anything else is read, that the key files are
// private and that the database schema is not newer than this binary.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dpa/audit_log.h"
#include "dpa/keyring.h"
#include "dpa/state_store.h"

namespace dpa {

// Where a workspace's state lives when it is not <home>/dpa.db: a schema of a
// PostgreSQL database, which the hosts of a fleet share.
struct StateLocation {
  std::string url;                     // libpq URL; never with a password
  std::string schema = "dpa";
  bool operator==(const StateLocation&) const = default;
};

struct WorkspaceSettings {
  std::string default_policy;          // [workspace] policy
  std::string timezone = "Asia/Almaty";  // [workspace] timezone, for local dates
  std::optional<StateLocation> state;  // [state]; nullopt: SQLite in <home>/dpa.db
};

struct InitResult {
  bool created = false;                // false: the workspace existed; nothing changed
  bool joined = false;                 // this home joined a PostgreSQL state another host created
  std::filesystem::path home;
  std::vector<std::string> made;       // what was created, for the user
  std::string workspace_id;
};

class Workspace {
 public:
  // --home, else $DPA_HOME, else ./.dpa
  static std::filesystem::path resolve_home(const std::optional<std::string>& flag);

  // Creates what is missing of a workspace at `home`. An existing workspace
  // (dpa.db present) is left untouched. Resumable: a killed init is finished
  // by running it again, reusing keys it had already written.
  //
  // With `state` (or a [state] table in an existing dpa.toml), the state is
  // a schema of a PostgreSQL database, created if missing. A state that
  // holds a workspace already is joined: this home needs that workspace's
  // keys in keys/ (copied from a host that has them), never new ones.
  static InitResult init(const std::filesystem::path& home, const std::string& policy,
                         const std::string& actor,
                         const std::optional<StateLocation>& state = std::nullopt);

  static Workspace open(const std::filesystem::path& home, const std::string& actor);

  Workspace(Workspace&&) noexcept;
  Workspace& operator=(Workspace&&) noexcept;
  ~Workspace();

  const std::filesystem::path& home() const { return home_; }
  std::filesystem::path config_path() const { return home_ / "dpa.toml"; }
  // The SQLite state file; unused when settings().state names PostgreSQL.
  std::filesystem::path db_path() const { return home_ / "dpa.db"; }
  // Where the state is, for messages: the file, or "host:port/db schema s".
  std::string state_description() const;
  std::filesystem::path keys_dir() const { return home_ / "keys"; }
  // Where site policies are looked up before the shipped ones.
  std::vector<std::filesystem::path> policy_search_dirs() const { return {home_ / "policies"}; }

  const std::string& id() const { return id_; }
  const WorkspaceSettings& settings() const { return settings_; }
  StateStore& store() { return *store_; }
  const Keyring& keys() const { return *keys_; }
  AuditLog& audit() { return *audit_; }

 private:
  Workspace() = default;
  std::filesystem::path home_;
  std::string id_;
  WorkspaceSettings settings_;
  std::unique_ptr<StateStore> store_;
  std::unique_ptr<Keyring> keys_;
  std::unique_ptr<AuditLog> audit_;
};

// Reads dpa.toml's [workspace] table; throws InputError "dpa.toml:LINE:COL: ...".
WorkspaceSettings read_workspace_settings(const std::filesystem::path& config);

}  // namespace dpa

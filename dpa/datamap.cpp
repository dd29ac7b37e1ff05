#include "dpa/datamap.h"

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "dpa/error.h"
#include "dpa/pg_connection.h"
#include "dpa/file_layout.h"

namespace dpa {
namespace {

namespace fs = std::filesystem;

class Parser {
 public:
  Parser(fs::path origin, fs::path base) : origin_(std::move(origin)), base_(std::move(base)) {}

  [[noreturn]] void fail(int line, const std::string& what) const {
    throw InputError(fmt::format("{}:{}: {}", origin_.string(), line, what));
  }

  static int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

  std::string string_field(const toml::table& t, std::string_view key, std::string_view where, int line,
                           bool required) const {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) fail(line, fmt::format("{} needs {} = \"...\"", where, key));
      return {};
    }
    if (!n->is_string()) fail(line_of(*n), fmt::format("{}.{} must be a string", where, key));
    std::string v = *n->value<std::string>();
    if (v.empty()) fail(line_of(*n), fmt::format("{}.{} is empty", where, key));
    return v;
  }

  void check_keys(const toml::table& t, const std::set<std::string>& known, std::string_view where) const {
    for (auto&& [k, node] : t) {
      if (!known.count(std::string(k.str()))) {
        fail(line_of(node), fmt::format("unknown key {}.{} (known: {})", where, k.str(), fmt::join(known, ", ")));
      }
    }
  }

  void check_name(const std::string& name, std::string_view what, int line) const {
    bool ok = !name.empty() && name.size() <= 64 && name[0] >= 'a' && name[0] <= 'z';
    for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
    if (!ok) {
      fail(line, fmt::format("{} name '{}': use 1-64 lowercase letters, digits, '_' or '-', starting with a letter",
                             what, name));
    }
  }

  void identifier(const std::string& id, std::string_view what, int line) const {
    try {
      validate_sql_identifier(id, what);
    } catch (const InputError& e) {
      fail(line, e.what());
    }
  }

  fs::path resolve(const std::string& p) const {
    fs::path path(p);
    return path.is_absolute() ? path : base_ / path;
  }

  StoreSpec store(const toml::table& t, int line) const {
    check_keys(t, {"name", "kind", "path", "root", "url", "schema"}, "store");
    StoreSpec s;
    s.line = line;
    s.name = string_field(t, "name", "store", line, true);
    check_name(s.name, "store", line);
    std::string kind = string_field(t, "kind", "store " + s.name, line, true);
    std::string where = "store " + s.name;
    auto forbid = [&](std::string_view key) {
      if (const toml::node* n = t.get(key)) {
        fail(line_of(*n), fmt::format("{}: a {} store has no {}", where, kind, key));
      }
    };
    if (kind == "sqlite") {
      s.kind = StoreKind::kSqlite;
      s.path = resolve(string_field(t, "path", where, line, true));
      forbid("root");
      forbid("url");
      forbid("schema");
    } else if (kind == "files") {
      s.kind = StoreKind::kFiles;
      s.root = resolve(string_field(t, "root", where, line, true));
      forbid("path");
      forbid("url");
      forbid("schema");
    } else if (kind == "postgres") {
      s.kind = StoreKind::kPostgres;
      s.url = string_field(t, "url", where, line, true);
      const int url_line = line_of(*t.get("url"));
      if (s.url.rfind("postgresql:", 0) != 0 && s.url.rfind("postgres:", 0) != 0) {
        fail(url_line, fmt::format("{}.url must be a libpq URL such as \"postgresql://host:5432/app\" or "
                                   "\"postgresql:///app?host=/run/postgresql\"", where));
      }
      bool password = false;
      try {
        password = pg::url_has_password(s.url);
      } catch (const InputError& e) {
        fail(url_line, fmt::format("{}.url: {}", where, e.what()));
      }
      if (password) {
        fail(url_line, fmt::format("{}.url names a password: remove it and put it in ~/.pgpass (mode 0600) or "
                                   "$PGPASSWORD of the account that runs dpa", where));
      }
      if (t.get("schema")) {
        s.schema = string_field(t, "schema", where, line, true);
        identifier(s.schema, where + ".schema", line_of(*t.get("schema")));
      }
      forbid("path");
      forbid("root");
    } else {
      fail(line, fmt::format("{}: unknown kind '{}' (known: sqlite, files, postgres)", where, kind));
    }
    return s;
  }

  DatasetSpec dataset(const toml::table& t, int line, const DataMap& map) const {
    DatasetSpec d;
    d.line = line;
    d.name = string_field(t, "name", "dataset", line, true);
    check_name(d.name, "dataset", line);
    std::string where = "dataset " + d.name;
    d.store = string_field(t, "store", where, line, true);
    const StoreSpec* s = map.find_store(d.store);
    if (!s) {
      std::vector<std::string> names;
      for (const auto& st : map.stores) names.push_back(st.name);
      fail(line, fmt::format("{}: no store '{}' is declared before it (stores: {})", where, d.store,
                             names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "))));
    }
    d.category = string_field(t, "category", where, line, true);
    if (s->kind == StoreKind::kFiles) {
      check_keys(t, {"name", "store", "category", "path"}, "dataset");
      d.path = string_field(t, "path", where, line, true);
      try {
        FileLayout::parse(d.path);
      } catch (const InputError& e) {
        fail(line_of(*t.get("path")), fmt::format("{}: {}", where, e.what()));
      }
      return d;
    }
    check_keys(t,
               {"name", "store", "category", "table", "key", "tenant", "created", "created_format", "subject", "text",
                "erase"},
               "dataset");
    d.table = string_field(t, "table", where, line, true);
    identifier(d.table, where + ".table", line);
    d.key = string_field(t, "key", where, line, true);
    identifier(d.key, where + ".key", line);
    d.tenant = string_field(t, "tenant", where, line, true);
    identifier(d.tenant, where + ".tenant", line);
    d.created = string_field(t, "created", where, line, true);
    identifier(d.created, where + ".created", line);
    if (t.get("created_format")) {
      std::string f = string_field(t, "created_format", where, line, true);
      if (f == "iso8601") d.created_format = CreatedFormat::kIso8601;
      else if (f == "sqlite") d.created_format = CreatedFormat::kSqlite;
      else if (f == "unix") d.created_format = CreatedFormat::kUnix;
      else if (f == "unix_ms") d.created_format = CreatedFormat::kUnixMs;
      else fail(line_of(*t.get("created_format")),
                fmt::format("{}: unknown created_format '{}' (known: iso8601, sqlite, unix, unix_ms)", where, f));
    }
    if (const toml::node* n = t.get("subject")) {
      const toml::table* st = n->as_table();
      if (!st) fail(line_of(*n), fmt::format("{}.subject must be a table such as {{ phone = \"caller_phone\" }}", where));
      for (auto&& [kind, col] : *st) {
        std::string k(kind.str());
        check_name(k, where + ".subject kind", line_of(col));
        if (!col.is_string()) fail(line_of(col), fmt::format("{}.subject.{} must be a column name", where, k));
        std::string c = *col.value<std::string>();
        identifier(c, where + ".subject." + k, line_of(col));
        d.subject.push_back({k, c});
      }
    }
    if (const toml::node* n = t.get("text")) {
      const toml::array* arr = n->as_array();
      if (!arr) fail(line_of(*n), fmt::format("{}.text must be an array of column names", where));
      for (const auto& el : *arr) {
        if (!el.is_string()) fail(line_of(el), fmt::format("{}.text must be an array of column names", where));
        std::string c = *el.value<std::string>();
        identifier(c, where + ".text", line_of(el));
        d.text.push_back(c);
      }
    }
    if (t.get("erase")) {
      std::string e = string_field(t, "erase", where, line, true);
      if (e == "delete") d.erase = EraseMode::kDelete;
      else if (e == "mask") d.erase = EraseMode::kMask;
      else fail(line_of(*t.get("erase")), fmt::format("{}: unknown erase '{}' (known: delete, mask)", where, e));
    }
    return d;
  }

 private:
  fs::path origin_;
  fs::path base_;
};

}  // namespace

std::string to_string(EraseMode m) { return m == EraseMode::kMask ? "mask" : "delete"; }

std::string to_string(StoreKind k) {
  switch (k) {
    case StoreKind::kSqlite: return "sqlite";
    case StoreKind::kFiles: return "files";
    case StoreKind::kPostgres: return "postgres";
  }
  return "?";
}

std::string to_string(CreatedFormat f) {
  switch (f) {
    case CreatedFormat::kIso8601: return "iso8601";
    case CreatedFormat::kSqlite: return "sqlite";
    case CreatedFormat::kUnix: return "unix";
    case CreatedFormat::kUnixMs: return "unix_ms";
  }
  return "?";
}

void validate_sql_identifier(std::string_view id, std::string_view what) {
  bool ok = !id.empty() && id.size() <= 64 && !(id[0] >= '0' && id[0] <= '9');
  for (char c : id) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
  }
  if (!ok) {
    throw InputError(fmt::format(
        "{} '{}' is not a plain SQL identifier: use letters, digits and '_', not starting with a digit, "
        "at most 64 characters",
        what, id));
  }
}

std::string quote_identifier(std::string_view id) {
  validate_sql_identifier(id, "identifier");
  return fmt::format("\"{}\"", id);
}

const StoreSpec* DataMap::find_store(std::string_view name) const {
  for (const auto& s : stores) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const DatasetSpec* DataMap::find_dataset(std::string_view name) const {
  for (const auto& d : datasets) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

const DatasetSpec& DataMap::dataset(std::string_view name) const {
  if (const DatasetSpec* d = find_dataset(name)) return *d;
  std::vector<std::string> names;
  for (const auto& d : datasets) names.push_back(d.name);
  if (names.empty()) {
    throw InputError(fmt::format("no dataset '{}': {} declares no [[dataset]] (see dpa-datamap(5))", name,
                                 origin.string()));
  }
  throw InputError(fmt::format("no dataset '{}'; datasets: {}", name, fmt::join(names, ", ")));
}

const StoreSpec& DataMap::store_of(const DatasetSpec& d) const {
  if (const StoreSpec* s = find_store(d.store)) return *s;
  throw InputError(fmt::format("dataset {} names no declared store '{}'", d.name, d.store));
}

DataMap parse_datamap(std::string_view toml_text, const fs::path& origin, const fs::path& base) {
  toml::table table;
  try {
    table = toml::parse(toml_text, origin.string());
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}:{}: {}", origin.string(), e.source().begin.line, e.source().begin.column,
                                 e.description()));
  }
  Parser p(origin, base);
  DataMap map;
  map.origin = origin;
  auto tables = [&](const char* key) {
    std::vector<std::pair<const toml::table*, int>> out;
    const toml::node* n = table.get(key);
    if (!n) return out;
    const toml::array* arr = n->as_array();
    if (!arr) p.fail(Parser::line_of(*n), fmt::format("'{}' must be an array of tables: write [[{}]]", key, key));
    for (const auto& el : *arr) {
      const toml::table* t = el.as_table();
      if (!t) p.fail(Parser::line_of(el), fmt::format("'{}' must be an array of tables: write [[{}]]", key, key));
      out.emplace_back(t, Parser::line_of(el));
    }
    return out;
  };
  for (auto [t, line] : tables("store")) {
    StoreSpec s = p.store(*t, line);
    if (map.find_store(s.name)) p.fail(line, fmt::format("store '{}' is declared twice", s.name));
    map.stores.push_back(std::move(s));
  }
  for (auto [t, line] : tables("dataset")) {
    DatasetSpec d = p.dataset(*t, line, map);
    if (map.find_dataset(d.name)) p.fail(line, fmt::format("dataset '{}' is declared twice", d.name));
    map.datasets.push_back(std::move(d));
  }
  return map;
}

DataMap read_datamap(const fs::path& config) {
  std::ifstream in(config, std::ios::binary);
  if (!in) throw WorkspaceError(fmt::format("cannot read {}; run `dpa init` first", config.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  fs::path base = config.parent_path().empty() ? fs::path(".") : config.parent_path();
  return parse_datamap(ss.str(), config, base);
}

}  // namespace dpa

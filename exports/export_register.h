// The workspace's register of exports: `dpa export create` writes a package
// (export_package.h) under the termination rules (export_window.h) and
// records it with its audit entry; `dpa export handover` records that the
// package left, as a transfer-log entry (dpa/transfers.h).
//
// Signing key: the workspace's audit signing key (keys/audit-signing.key).
// It already is the key an auditor holds the public half of
// (keys/audit-signing.pub) to check audit checkpoints; signing exports with
// it gives the recipient one public key for everything the workspace
// attests, and adds no key to manage, rotate or back up. The signature
// covers tagmanifest-sha256.txt, which fixes every tag file and, through
// the payload manifests, every payload byte.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dpa/state_store.h"
#include "exports/export_package.h"
#include "exports/export_window.h"

namespace dpa {
class Workspace;
}

namespace dpa::exports {

struct CreateExportOptions {
  std::string tenant;
  std::optional<std::string> subject;           // "KIND:VALUE"
  std::vector<std::string> datasets;            // empty: all
  PackageFormat format = PackageFormat::kZip;
  std::filesystem::path out;
  std::optional<std::string> confirm_no_debt;   // see export_window.h
  std::optional<std::string> request_reference; // the request the export answers
  std::optional<std::string> organization;      // Source-Organization; default: the workspace
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

struct CreatedExport {
  ExportRecord record;
  ExportResult result;
  ExportPermission permission;
  std::string public_key;  // base64 Ed25519, as keys/audit-signing.pub holds it
};

// Checks the tenant, the subject and the termination rules (RefusedError
// citing the clause), writes the package, then records and audits it in one
// transaction; if that fails, the package is removed again.
CreatedExport create_export(Workspace& ws, const CreateExportOptions& options, const std::string& actor);

// Throws InputError if there is no such export.
ExportRecord get_export(Workspace& ws, const std::string& id);
std::vector<ExportRecord> list_exports(Workspace& ws, const std::optional<std::string>& tenant);

struct HandoverOptions {
  std::string export_id;
  std::string recipient;                  // who received it: the controller, its agent
  std::string country = "KZ";             // where the recipient is
  std::optional<std::string> category;    // default: the exported datasets' categories
  std::optional<std::string> reference;   // delivery note, ticket
};

struct HandoverResult {
  ExportHandoverRecord handover;
  TransferRecord transfer;
};

// Adds the transfer-log entry (recipient, country, category, bytes) and the
// handover, audited, in one transaction.
HandoverResult hand_over_export(Workspace& ws, const HandoverOptions& options, const std::string& actor);

nlohmann::json export_json(const ExportRecord& e);

}  // namespace dpa::exports

// The processor's record of processing activities in the shape of GDPR
// Art. 30(2) (`dpa ropa`): (a) the controllers served, (b) the categories of
// processing carried out for each, (c) transfers to third countries with
// their safeguards, (d) the security measures. Generated from the tenants'
// policies, the subprocessor register, the agreements and the transfer log,
// so it is as current as the workspace; it holds no personal data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "dpa/report_format.h"

namespace dpa {

class Workspace;

struct RopaItem {
  std::string id;
  std::string description;
  std::string clause;
  bool special = false;  // categories: a special (sensitive) category
};

struct RopaRecipient {
  std::string name;
  std::string legal_name;
  std::string country;
  std::string purpose;
  std::vector<std::string> categories;
  std::string receives;   // "raw" | "pseudonymized" | "none"
  std::string status;     // register status now: "in-force", "retired", "not-yet-in-force"
  bool third_country = false;
  std::vector<std::string> safeguards;  // the register's and the controller's, as in force now
  std::string clause;
  std::int64_t transfers = 0;  // made, from the transfer log
  std::int64_t refused = 0;
  std::string last_transfer;   // ISO-8601 UTC, "" if none
};

struct RopaController {
  std::string tenant_id;
  std::string name;
  std::string status;
  std::string policy;
  std::string policy_title;
  std::string controller_role;
  std::string processor_role;
  std::string roles_clause;
  std::vector<RopaItem> categories;
  std::vector<RopaItem> purposes;
  std::vector<RopaRecipient> recipients;  // in force, or with logged transfers
};

struct RopaMeasure {
  std::string id;
  std::string description;
  std::string source;  // "dpa", or the policy and clause that require it
};

struct Ropa {
  std::string generated_at;
  std::string workspace_id;
  std::vector<RopaController> controllers;  // by tenant id
  std::vector<RopaMeasure> measures;
};

Ropa build_ropa(Workspace& ws);

nlohmann::json ropa_json(const Ropa& ropa);
// Markdown: sections (a)-(d) with tables. CSV: one header line, one row per
// controller, category, purpose, recipient, third-country transfer and
// measure, told apart by the first column.
std::string render_ropa(const Ropa& ropa, ReportFormat format);

}  // namespace dpa

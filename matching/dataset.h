// The data the matching rules read: companies, campaigns, teleoperators with their declarations,
// contracts and activity logs, as the API's messages (proto/callmatch/v1), indexed by resource
// name. It is the input of the reference path (reference.h) and what the data generator writes.
//
// Resource names link the records: an employment "teleoperators/t1/employments/e1" belongs to
// "teleoperators/t1"; a contract names its campaign and client; an activity log
// "teleoperators/t1/contracts/k1/activityLogs/2027-01-04" belongs to that contract.
//
// Thread safety: const methods may be called concurrently; mutation needs exclusive access.
#ifndef CALLMATCH_MATCHING_DATASET_H_
#define CALLMATCH_MATCHING_DATASET_H_

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "callmatch/v1/campaign.pb.h"
#include "callmatch/v1/contract.pb.h"
#include "callmatch/v1/teleoperator.pb.h"

namespace callmatch::matching {

// A contract with its activity logs, oldest day first.
struct ContractData {
  v1::Contract contract;
  std::vector<v1::ActivityLog> logs;
};

// A teleoperator with everything it declared and did.
struct TeleoperatorData {
  v1::Teleoperator profile;
  // By resource name order.
  std::vector<v1::Employment> employments;
  std::vector<ContractData> contracts;
};

class Dataset {
 public:
  // Adds or replaces a record (by its name). A child (employment, contract, activity log) needs
  // its parent first: FAILED_PRECONDITION otherwise; a malformed name is INVALID_ARGUMENT.
  absl::Status Upsert(const v1::Company& company);
  absl::Status Upsert(const v1::Campaign& campaign);
  absl::Status Upsert(const v1::Teleoperator& teleoperator);
  absl::Status Upsert(const v1::Employment& employment);
  absl::Status Upsert(const v1::Contract& contract);
  absl::Status Upsert(const v1::ActivityLog& log);

  // Removes a teleoperator and everything under it; false if absent.
  bool RemoveTeleoperator(absl::string_view name);
  // Removes one employment or contract; false if absent.
  bool RemoveEmployment(absl::string_view name);
  bool RemoveContract(absl::string_view name);

  // Look-ups; nullptr when absent.
  const v1::Company* company(absl::string_view name) const;
  // The platform company identified by `number`, a number as CompanyNumber (registration.h)
  // returns it: a company is indexed under CompanyNumber(its location's country, its
  // registration number), so a French company registered by SIRET is found by its SIREN. When
  // several companies share the number, the one with the smallest resource name (byte order),
  // whatever the order they were stored in.
  const v1::Company* company_by_registration(absl::string_view number) const;
  const v1::Campaign* campaign(absl::string_view name) const;
  const TeleoperatorData* teleoperator(absl::string_view name) const;

  // Every record, ordered by name (deterministic iteration for the reference path and tests).
  const std::map<std::string, v1::Company, std::less<>>& companies() const { return companies_; }
  const std::map<std::string, v1::Campaign, std::less<>>& campaigns() const { return campaigns_; }
  const std::map<std::string, TeleoperatorData, std::less<>>& teleoperators() const {
    return teleoperators_;
  }

 private:
  std::map<std::string, v1::Company, std::less<>> companies_;
  std::map<std::string, v1::Campaign, std::less<>> campaigns_;
  std::map<std::string, TeleoperatorData, std::less<>> teleoperators_;
  // CompanyNumber -> names of the companies with that number.
  absl::flat_hash_map<std::string, std::set<std::string>> company_by_registration_;
};

// The parent of a resource name: "teleoperators/t1" for "teleoperators/t1/employments/e1",
// "companies/c1" for "companies/c1/campaigns/k1"; empty if the name has no parent.
std::string ParentName(absl::string_view name);

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_DATASET_H_

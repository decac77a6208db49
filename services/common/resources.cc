#include "services/common/resources.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/errors.h"
#include "services/common/validation.h"
#include "services/store/partition.h"

namespace callmatch {

absl::string_view KindOf(absl::string_view resource_name) {
  std::vector<absl::string_view> parts = absl::StrSplit(resource_name, '/');
  const std::vector<absl::string_view> collections = [&] {
    std::vector<absl::string_view> out;
    for (size_t i = 0; i + 1 < parts.size(); i += 2) out.push_back(parts[i]);
    return out;
  }();
  if (parts.size() % 2 != 0) return "";
  using Shape = std::vector<absl::string_view>;
  if (collections == Shape{"companies"}) return kCompanyKind;
  if (collections == Shape{"companies", "campaigns"}) return kCampaignKind;
  if (collections == Shape{"teleoperators"}) return kTeleoperatorKind;
  if (collections == Shape{"teleoperators", "employments"}) return kEmploymentKind;
  if (collections == Shape{"teleoperators", "contracts"}) return kContractKind;
  if (collections == Shape{"teleoperators", "contracts", "activityLogs"}) return kActivityLogKind;
  return "";
}

absl::StatusOr<int> OwnerPartition(absl::string_view resource_name, absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(resource_name, '/');
  if (parts.size() >= 2 && parts.size() % 2 == 0) {
    if (parts[0] == "companies" || parts[0] == "teleoperators") {
      if (absl::Status status = ValidateId(parts[1], field); !status.ok()) return status;
      return store::PartitionOf(parts[1]);
    }
    int partition = 0;
    if (parts[0] == "credentials" && parts.size() == 2 && parts[1].size() > 2 &&
        absl::SimpleAtoi(parts[1].substr(0, 2), &partition) && partition >= 0 &&
        partition < store::kPartitionCount) {
      return partition;
    }
  }
  return InvalidField(field, absl::StrCat("\"", resource_name,
                                          "\" is not a companies/, teleoperators/ or credentials/ "
                                          "resource name"));
}

}  // namespace callmatch

// Where a resource is stored: the partition of its owner (docs/store.md). A company and its
// campaigns belong to the company; a teleoperator, its declarations and its contracts to the
// teleoperator; a credential's id starts with its partition.
#ifndef CALLMATCH_SERVICES_COMMON_RESOURCES_H_
#define CALLMATCH_SERVICES_COMMON_RESOURCES_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace callmatch {

// The store kinds of the API's resources (services/store: "cm:{pNN}:<kind>:<name>"). Each is
// stored under its resource name.
inline constexpr char kCompanyKind[] = "company";
inline constexpr char kCampaignKind[] = "campaign";
inline constexpr char kTeleoperatorKind[] = "teleoperator";
inline constexpr char kEmploymentKind[] = "employment";
inline constexpr char kContractKind[] = "contract";
inline constexpr char kActivityLogKind[] = "activity_log";

// The kind of a resource name ("companies/a/campaigns/b" -> kCampaignKind); "" for a name of no
// stored kind (credentials have their own storage).
absl::string_view KindOf(absl::string_view resource_name);

// The partition of "companies/{id}/...", "teleoperators/{id}/..." or "credentials/{id}".
// INVALID_ARGUMENT naming `field` for any other name.
absl::StatusOr<int> OwnerPartition(absl::string_view resource_name, absl::string_view field);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_COMMON_RESOURCES_H_

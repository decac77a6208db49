// Where a resource is stored: the partition of its owner (docs/store.md). A company and its
// campaigns belong to the company; a teleoperator, its declarations and its contracts to the
// teleoperator; a credential's id starts with its partition.
#ifndef CALLMATCH_SERVICES_COMMON_RESOURCES_H_
#define CALLMATCH_SERVICES_COMMON_RESOURCES_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace callmatch {

// The partition of "companies/{id}/...", "teleoperators/{id}/..." or "credentials/{id}".
// INVALID_ARGUMENT naming `field` for any other name.
absl::StatusOr<int> OwnerPartition(absl::string_view resource_name, absl::string_view field);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_COMMON_RESOURCES_H_

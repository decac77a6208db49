// Update with a FieldMask (AIP-134): only the named fields change, and only fields the caller may
// change can be named.
#ifndef CALLMATCH_SERVICES_COMMON_FIELD_MASK_H_
#define CALLMATCH_SERVICES_COMMON_FIELD_MASK_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

namespace callmatch {

// Copies the fields of `patch` named by `mask` into `target`, replacing repeated and message
// fields whole. An empty mask means every path of `updatable`. A path not in `updatable` is
// INVALID_ARGUMENT naming "update_mask.paths[i]".
absl::Status ApplyUpdate(const google::protobuf::Message& patch,
                         const google::protobuf::FieldMask& mask,
                         const std::vector<std::string>& updatable,
                         google::protobuf::Message* target);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_COMMON_FIELD_MASK_H_

#include "services/common/field_mask.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/field_mask_util.h"
#include "services/common/errors.h"

namespace callmatch {

absl::Status ApplyUpdate(const google::protobuf::Message& patch,
                         const google::protobuf::FieldMask& mask,
                         const std::vector<std::string>& updatable,
                         google::protobuf::Message* target) {
  google::protobuf::FieldMask effective;
  if (mask.paths().empty()) {
    for (const std::string& path : updatable) effective.add_paths(path);
  } else {
    for (int i = 0; i < mask.paths_size(); ++i) {
      if (std::find(updatable.begin(), updatable.end(), mask.paths(i)) == updatable.end()) {
        return InvalidField(absl::StrCat("update_mask.paths[", i, "]"),
                            absl::StrCat("\"", mask.paths(i), "\" cannot be updated; one of: ",
                                         absl::StrJoin(updatable, ", ")));
      }
    }
    effective = mask;
  }
  google::protobuf::util::FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(patch, effective, options, target);
  return absl::OkStatus();
}

}  // namespace callmatch

#include "services/common/resource_store.h"

#include <utility>

#include "services/store/partition.h"

namespace callmatch {

absl::Status AuditOperatorRead(store::Store& store, const Call& call,
                               absl::string_view teleoperator_id, absl::string_view resource) {
  if (!call.is_operator()) return absl::OkStatus();
  store::WriteContext context;
  context.actor = call.principal();
  context.method = call.method();
  v1::AuditEvent event;
  event.set_action(v1::AUDIT_ACTION_READ);
  event.set_resource(std::string(resource));
  absl::StatusOr<store::ConsistencyToken> token =
      store.AppendEvent(store::PartitionOf(teleoperator_id), context, std::move(event));
  return token.ok() ? absl::OkStatus() : token.status();
}

}  // namespace callmatch

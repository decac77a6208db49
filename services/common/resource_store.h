// Resources of the API (Company, Campaign, Teleoperator, Employment, Contract) in the store: each
// stored under its resource name, in its owner's partition, with its version and times kept in
// the message itself, and a change event for every write.
//
// Example (inside Store::Write's body):
//   auto current = ReadResource<v1::Company>(txn, kCompany, name);
//   ...
//   auto version = PutResource(txn, kCompany, company, request.company().version(),
//                              v1::AUDIT_ACTION_UPDATE, {{"fields", "segments"}});
#ifndef CALLMATCH_SERVICES_COMMON_RESOURCE_STORE_H_
#define CALLMATCH_SERVICES_COMMON_RESOURCE_STORE_H_

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "callmatch/v1/audit.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/common/edge.h"
#include "services/store/store.h"

namespace callmatch {

// Parses a stored record into `M`; INTERNAL if it does not parse.
template <typename M>
absl::StatusOr<M> ParseResource(const store::Record& record, absl::string_view name) {
  M resource;
  if (!resource.ParseFromString(record.data)) {
    return absl::InternalError(absl::StrCat("corrupt record of ", name));
  }
  return resource;
}

// The resource `name` of `kind`, read within a transaction (watched), or nullopt.
template <typename M>
absl::StatusOr<std::optional<M>> ReadResource(store::Txn& txn, absl::string_view kind,
                                              absl::string_view name) {
  absl::StatusOr<std::optional<store::Record>> record = txn.Get(kind, name);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return std::nullopt;
  absl::StatusOr<M> resource = ParseResource<M>(**record, name);
  if (!resource.ok()) return resource.status();
  return std::optional<M>(*std::move(resource));
}

// The same, outside any transaction.
template <typename M>
absl::StatusOr<std::optional<M>> ReadResource(store::Store& store, int partition,
                                              absl::string_view kind, absl::string_view name) {
  absl::StatusOr<std::optional<store::Record>> record = store.Get(partition, kind, name);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return std::nullopt;
  absl::StatusOr<M> resource = ParseResource<M>(**record, name);
  if (!resource.ok()) return resource.status();
  return std::optional<M>(*std::move(resource));
}

// Writes `resource` under its name, after the version check of Txn::Put (expected_version 0 to
// create). Sets its version (the stored one + 1), update_time, and on create its create_time, so
// the stored message is exactly what a later read returns; stages the change event with `action`
// and `facts`. Returns the new version.
template <typename M>
absl::StatusOr<int64_t> PutResource(store::Txn& txn, absl::string_view kind, M& resource,
                                    int64_t expected_version, v1::AuditAction action,
                                    const std::map<std::string, std::string>& facts = {}) {
  absl::StatusOr<std::optional<store::Record>> current = txn.Get(kind, resource.name());
  if (!current.ok()) return current.status();
  const int64_t next = current->has_value() ? (*current)->version + 1 : 1;
  resource.set_version(next);
  const absl::Time now = absl::Now();
  store::SetTimestamp(now, resource.mutable_update_time());
  if (!current->has_value()) store::SetTimestamp(now, resource.mutable_create_time());
  absl::StatusOr<int64_t> version = txn.Put(kind, resource.name(), resource, expected_version);
  if (!version.ok()) return version.status();
  v1::AuditEvent event;
  event.set_action(action);
  event.set_resource(resource.name());
  event.set_version(*version);
  for (const auto& [key, value] : facts) (*event.mutable_facts())[key] = value;
  txn.AddEvent(std::move(event));
  return *version;
}

// Runs a mutating request: its write context from the call (request_id checked), one transaction
// on `partition` whose body returns the response, the write's consistency token back to the
// caller, and `*response` set from the committed outcome (or the first outcome, on a retry).
template <typename Response>
absl::Status CommitWrite(Call& call, store::Store& store, int partition,
                         absl::string_view request_id, const google::protobuf::Message& request,
                         absl::FunctionRef<absl::StatusOr<Response>(store::Txn&)> body,
                         Response* response) {
  absl::StatusOr<store::WriteContext> write = call.WriteContext(request_id, request);
  if (!write.ok()) return write.status();
  absl::StatusOr<store::CommitResult> result =
      store.Write(partition, *write, [&](store::Txn& txn) -> absl::StatusOr<std::string> {
        absl::StatusOr<Response> outcome = body(txn);
        if (!outcome.ok()) return outcome.status();
        return outcome->SerializeAsString();
      });
  if (!result.ok()) return result.status();
  call.AddToken(result->token);
  if (!response->ParseFromString(result->response)) {
    return absl::InternalError("corrupt stored outcome");
  }
  return absl::OkStatus();
}

// Records an operator's read of a teleoperator's declarations (AUDIT_ACTION_READ on the
// teleoperator's partition), as design.md asks of every such read; a no-op for anyone else.
absl::Status AuditOperatorRead(store::Store& store, const Call& call,
                               absl::string_view teleoperator_id, absl::string_view resource);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_COMMON_RESOURCE_STORE_H_

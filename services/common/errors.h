// Errors at the gRPC edge.
//
// Inside the libraries errors are absl::Status values. A bad field is reported with
// InvalidField(), which attaches a google.rpc.BadRequest payload naming the field; ToGrpcStatus()
// turns any absl::Status into a grpc::Status with the same canonical code and, when the status
// carries field violations, the standard "grpc-status-details-bin" details (google.rpc.Status with
// a google.rpc.BadRequest), which every gRPC client library can decode.
#ifndef CALLMATCH_SERVICES_COMMON_ERRORS_H_
#define CALLMATCH_SERVICES_COMMON_ERRORS_H_

#include <string>
#include <utility>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "google/rpc/error_details.pb.h"
#include "grpcpp/support/status.h"

namespace callmatch {

// The type URL under which the BadRequest payload travels on an absl::Status.
inline constexpr absl::string_view kBadRequestTypeUrl = "type.googleapis.com/google.rpc.BadRequest";

// INVALID_ARGUMENT naming one field, e.g. InvalidField("campaign.seats", "must be 1 to 10000").
absl::Status InvalidField(absl::string_view field, absl::string_view description);

// INVALID_ARGUMENT naming several fields (violations as {field, description}).
absl::Status InvalidFields(const std::vector<std::pair<std::string, std::string>>& violations);

// The field violations a status carries, if any.
std::vector<google::rpc::BadRequest::FieldViolation> FieldViolations(const absl::Status& status);

grpc::Status ToGrpcStatus(const absl::Status& status);

// The reverse, for clients and service-to-service calls: keeps code, message and violations.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_COMMON_ERRORS_H_

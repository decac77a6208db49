// The edge of every service: what happens to a call before and after its handler.
//
// Edge::Serve authenticates the caller (bearer credential -> principal), runs the handler on the
// executor (never on gRPC's own threads: handlers block on Redis), waits first for the
// consistency tokens the caller sent ("x-consistency-token") when the service follows the
// streams, and finishes the call with the handler's status as a canonical gRPC status (field
// violations included) and, for a write, the write's consistency token in the response metadata.
//
// Example:
//   grpc::ServerUnaryReactor* GetCampaign(grpc::CallbackServerContext* context,
//                                         const v1::GetCampaignRequest* request,
//                                         v1::Campaign* response) override {
//     return edge_.Serve(context, "/callmatch.v1.CampaignService/GetCampaign",
//                        [=](Call& call) { return campaigns_.Get(call, *request, response); });
//   }
//
// Thread safety: safe for concurrent use.
#ifndef CALLMATCH_SERVICES_COMMON_EDGE_H_
#define CALLMATCH_SERVICES_COMMON_EDGE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "callmatch/v1/audit.pb.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "services/common/auth.h"
#include "services/common/errors.h"
#include "services/common/executor.h"
#include "services/store/follower.h"
#include "services/store/store.h"

namespace callmatch {

// What a handler knows of its call.
class Call {
 public:
  explicit Call(std::string method) : method_(std::move(method)) {}
  void set_principal(v1::Principal principal) { principal_ = std::move(principal); }

  const v1::Principal& principal() const { return principal_; }
  const std::string& method() const { return method_; }
  bool is_operator() const { return principal_.kind() == v1::Principal::KIND_OPERATOR; }
  bool is_client(absl::string_view company_id) const {
    return principal_.kind() == v1::Principal::KIND_CLIENT && principal_.id() == company_id;
  }
  bool is_teleoperator(absl::string_view teleoperator_id) const {
    return principal_.kind() == v1::Principal::KIND_TELEOPERATOR &&
           principal_.id() == teleoperator_id;
  }

  // The store's context for a mutating request: this principal and method, and the request's
  // request_id and bytes (idempotency). INVALID_ARGUMENT naming "request_id" when it is empty or
  // longer than 128 characters.
  absl::StatusOr<store::WriteContext> WriteContext(absl::string_view request_id,
                                                   const google::protobuf::Message& request) const;

  // Records the token of a write, returned to the caller in the response metadata.
  void AddToken(const store::ConsistencyToken& token) { tokens_.push_back(token.ToString()); }
  const std::vector<std::string>& tokens() const { return tokens_; }

 private:
  v1::Principal principal_;
  std::string method_;
  std::vector<std::string> tokens_;
};

// How the handler of a server-streaming call sends its messages. Write blocks until gRPC has
// taken the message (its flow control paces the handler) and returns false once the call is
// over (cancelled, deadline passed): the handler should then stop.
template <typename Response>
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  virtual bool Write(const Response& message) = 0;
};

class Edge {
 public:
  using Handler = std::function<absl::Status(Call& call)>;

  // `follower` may be null: then sent consistency tokens are ignored (the service reads Redis,
  // which is always at or after any token). With a follower, `store` checks that a token names a
  // write that exists (a token ahead of its stream is INVALID_ARGUMENT, not a wait).
  Edge(const CredentialStore* credentials, Executor* executor,
       store::ChangeFollower* follower = nullptr, store::Store* store = nullptr);

  // Serves one call of `method` ("/callmatch.v1.CampaignService/GetCampaign").
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, absl::string_view method,
                                  Handler handler);

  // Serves one server-streaming call of `method` as Serve does (authentication, the executor,
  // consistency tokens waited for), the handler sending its messages through the writer. A
  // stream returns no consistency token (its writes may span every partition).
  template <typename Response>
  using StreamHandler = std::function<absl::Status(Call& call, StreamWriter<Response>& writer)>;
  template <typename Response>
  grpc::ServerWriteReactor<Response>* ServeStream(grpc::CallbackServerContext* context,
                                                  absl::string_view method,
                                                  StreamHandler<Response> handler);

 private:
  absl::Status Run(grpc::CallbackServerContext* context, Call& call, const Handler& handler);

  const CredentialStore* credentials_;
  Executor* executor_;
  store::ChangeFollower* follower_;
  store::Store* store_;
};

// PERMISSION_DENIED with a sentence saying who may call.
absl::Status PermissionDenied(absl::string_view who_may);

namespace edge_internal {

// A server-streaming call's reactor: the handler's thread writes one message at a time and
// waits for gRPC to take it; the reactor deletes itself when gRPC is done with the call.
template <typename Response>
class WriteReactor final : public grpc::ServerWriteReactor<Response>,
                           public StreamWriter<Response> {
 public:
  bool Write(const Response& message) override {
    {
      absl::MutexLock lock(&mu_);
      if (failed_) return false;
      pending_ = true;
    }
    // Outside the lock: gRPC may call OnWriteDone on this very thread.
    this->StartWrite(&message);
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](bool* pending) { return !*pending; }, &pending_));
    return !failed_;
  }
  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    pending_ = false;
    if (!ok) failed_ = true;
  }
  void OnDone() override { delete this; }

 private:
  absl::Mutex mu_;
  bool pending_ ABSL_GUARDED_BY(mu_) = false;
  bool failed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace edge_internal

template <typename Response>
grpc::ServerWriteReactor<Response>* Edge::ServeStream(grpc::CallbackServerContext* context,
                                                      absl::string_view method,
                                                      StreamHandler<Response> handler) {
  auto* reactor = new edge_internal::WriteReactor<Response>();
  auto task = [this, context, reactor, method = std::string(method), handler = std::move(handler)] {
    Call call(method);
    absl::Status status =
        Run(context, call, [&](Call& authenticated) { return handler(authenticated, *reactor); });
    // No write is pending: each Write waited for its own.
    reactor->Finish(ToGrpcStatus(status));
  };
  if (!executor_->TrySchedule(std::move(task))) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "server busy: too many calls queued; retry with backoff"));
  }
  return reactor;
}

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_COMMON_EDGE_H_

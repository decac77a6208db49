#include "services/common/edge.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/common/errors.h"
#include "services/common/log.h"

namespace callmatch {
namespace {

constexpr char kTokenKey[] = "x-consistency-token";
constexpr size_t kMaxRequestIdLength = 128;
constexpr absl::Duration kMaxTokenWait = absl::Seconds(10);

std::string Metadata(const grpc::CallbackServerContext& context, const std::string& key) {
  auto it = context.client_metadata().find(key);
  if (it == context.client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

absl::StatusOr<store::WriteContext> Call::WriteContext(
    absl::string_view request_id, const google::protobuf::Message& request) const {
  if (request_id.empty()) {
    return InvalidField("request_id", "required on every mutating request (idempotency)");
  }
  if (request_id.size() > kMaxRequestIdLength) {
    return InvalidField("request_id", absl::StrCat("at most ", kMaxRequestIdLength, " characters"));
  }
  store::WriteContext context;
  context.actor = principal_;
  context.method = method_;
  context.request_id = std::string(request_id);
  request.SerializeToString(&context.request_bytes);
  return context;
}

absl::Status PermissionDenied(absl::string_view who_may) {
  return absl::PermissionDeniedError(absl::StrCat("only ", who_may, " may do this"));
}

Edge::Edge(const CredentialStore* credentials, Executor* executor, store::ChangeFollower* follower,
           store::Store* store)
    : credentials_(credentials), executor_(executor), follower_(follower), store_(store) {}

grpc::ServerUnaryReactor* Edge::Serve(grpc::CallbackServerContext* context,
                                      absl::string_view method, Handler handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto task = [this, context, reactor, method = std::string(method), handler = std::move(handler)] {
    Call call(method);
    absl::Status status = Run(context, call, handler);
    if (!call.tokens().empty()) {
      context->AddInitialMetadata(kTokenKey, absl::StrJoin(call.tokens(), ","));
    }
    reactor->Finish(ToGrpcStatus(status));
  };
  if (!executor_->TrySchedule(std::move(task))) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "server busy: too many calls queued; retry with backoff"));
  }
  return reactor;
}

absl::Status Edge::Run(grpc::CallbackServerContext* context, Call& call, const Handler& handler) {
  if (context->IsCancelled()) return absl::CancelledError("cancelled before it ran");
  absl::StatusOr<v1::Principal> principal =
      credentials_->Authenticate(Metadata(*context, "authorization"));
  if (!principal.ok()) {
    if (absl::IsUnauthenticated(principal.status())) return principal.status();
    // Redis trouble: the log says where; an unauthenticated caller learns nothing of it.
    LogWarning("cannot authenticate",
               {{"method", call.method()}, {"error", principal.status().ToString()}});
    return absl::UnavailableError("cannot check credentials now; retry with backoff");
  }
  call.set_principal(*std::move(principal));

  const std::string tokens_text = Metadata(*context, kTokenKey);
  if (follower_ != nullptr && !tokens_text.empty()) {
    absl::StatusOr<std::vector<store::ConsistencyToken>> tokens =
        store::ConsistencyToken::ParseList(tokens_text);
    if (!tokens.ok()) return InvalidField(kTokenKey, tokens.status().message());
    // A token ahead of its stream names no write: refuse it rather than hold a worker waiting.
    if (store_ != nullptr) {
      absl::StatusOr<std::vector<std::string>> tails = store_->StreamTails();
      if (!tails.ok()) return absl::UnavailableError("cannot check consistency tokens now");
      for (const store::ConsistencyToken& token : *tokens) {
        if (store::CompareStreamIds(token.stream_id, (*tails)[token.partition]) > 0) {
          return InvalidField(kTokenKey, absl::StrCat(token.ToString(), " names no write"));
        }
      }
    }
    // Never wait past the call's deadline, nor, without one, more than kMaxTokenWait.
    const absl::Time deadline =
        std::min(absl::FromChrono(context->deadline()), absl::Now() + kMaxTokenWait);
    absl::Status applied = follower_->WaitForTokens(*tokens, deadline);
    if (!applied.ok()) {
      return absl::DeadlineExceededError(absl::StrCat(
          "the writes of the consistency token were not applied in time: ", applied.message()));
    }
  }
  return handler(call);
}

}  // namespace callmatch

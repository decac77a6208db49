// Typed gRPC stubs of every service, for tools that drive a running platform (the seeding tool and
// the load generator): where each service is (--target), a few channels per service, and one call
// with a bearer credential whose consistency token is kept.
//
// Example:
//   auto api = ApiClient::Connect({"campaign=127.0.0.1:50051"}, /*ca_file=*/"", /*channels=*/2);
//   v1::Company company;
//   std::string token;
//   absl::Status s = Invoke(api->campaign(), &v1::CampaignService::Stub::GetCompany,
//                           secret, request, &company, &token);
//
// Thread safety: an ApiClient and its stubs are safe for concurrent use.
#ifndef CALLMATCH_SERVICES_LOAD_API_CLIENT_H_
#define CALLMATCH_SERVICES_LOAD_API_CLIENT_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "callmatch/v1/audit.grpc.pb.h"
#include "callmatch/v1/campaign.grpc.pb.h"
#include "callmatch/v1/contract.grpc.pb.h"
#include "callmatch/v1/credential.grpc.pb.h"
#include "callmatch/v1/matching.grpc.pb.h"
#include "callmatch/v1/scoring.grpc.pb.h"
#include "callmatch/v1/teleoperator.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "services/cli/rpc.h"
#include "services/common/errors.h"

namespace callmatch::load {

// The address of each service ("campaign" -> "127.0.0.1:50051"). `targets` items are
// "host:port" (every service there) or "service=host:port" (that one service); a service named
// by neither is found as the CLI finds it (CALLMATCH_<SERVICE>_ADDR, else the local stack's port).
absl::StatusOr<std::map<std::string, std::string>> ResolveTargets(
    const std::vector<std::string>& targets);

// What both tools need besides their targets: the operator's secret (the credential file, else
// CALLMATCH_CREDENTIAL) and the file of the client credentials callmatch-seed issued (`secrets`,
// else <dir>/credentials.jsonl). INVALID_ARGUMENT without a dir; UNAUTHENTICATED without a secret.
struct ToolAccess {
  std::string operator_secret;
  std::string secrets_file;
};
absl::StatusOr<ToolAccess> ResolveToolAccess(const std::string& dir,
                                             const std::string& credential_file,
                                             const std::string& secrets);

// Round-robin over a few stubs of one service, each on its own channel (own connection).
template <typename Stub>
class StubPool {
 public:
  void Add(std::unique_ptr<Stub> stub) { stubs_.push_back(std::move(stub)); }
  Stub& Next() { return *stubs_[next_.fetch_add(1, std::memory_order_relaxed) % stubs_.size()]; }

 private:
  std::vector<std::unique_ptr<Stub>> stubs_;
  std::atomic<size_t> next_{0};
};

class ApiClient {
 public:
  // `channels` connections per service (at least 1); TLS when `ca_file` is set.
  static absl::StatusOr<std::unique_ptr<ApiClient>> Connect(const std::vector<std::string>& targets,
                                                            const std::string& ca_file,
                                                            int channels);

  v1::CampaignService::Stub& campaign() { return campaign_.Next(); }
  v1::TeleoperatorService::Stub& teleoperator() { return teleoperator_.Next(); }
  v1::MatchingService::Stub& matching() { return matching_.Next(); }
  v1::ContractService::Stub& contract() { return contract_.Next(); }
  v1::ScoringService::Stub& scoring() { return scoring_.Next(); }
  v1::CredentialService::Stub& credential() { return credential_.Next(); }

  const std::map<std::string, std::string>& addresses() const { return addresses_; }

 private:
  std::map<std::string, std::string> addresses_;
  StubPool<v1::CampaignService::Stub> campaign_;
  StubPool<v1::TeleoperatorService::Stub> teleoperator_;
  StubPool<v1::MatchingService::Stub> matching_;
  StubPool<v1::ContractService::Stub> contract_;
  StubPool<v1::ScoringService::Stub> scoring_;
  StubPool<v1::CredentialService::Stub> credential_;
};

// Deadline of one call made by these tools.
inline constexpr absl::Duration kCallTimeout = absl::Seconds(30);

// One unary call with `secret` as bearer credential (and `send_token` as consistency tokens); on
// success, the write's consistency token goes to `*token` when given. Errors keep their code,
// message and field violations.
template <typename Stub, typename Request, typename Response>
absl::Status Invoke(Stub& stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const std::string& secret, const Request& request, Response* response,
                    std::string* token = nullptr, const std::string& send_token = "",
                    absl::Duration timeout = kCallTimeout) {
  grpc::ClientContext context;
  cli::CallOptions options;
  options.credential = secret;
  options.consistency_token = send_token;
  options.timeout = timeout;
  cli::ConfigureContext(context, options);
  grpc::Status status = (stub.*method)(&context, request, response);
  if (!status.ok()) return FromGrpcStatus(status);
  if (token != nullptr) *token = cli::ResponseToken(context);
  return absl::OkStatus();
}

}  // namespace callmatch::load

#endif  // CALLMATCH_SERVICES_LOAD_API_CLIENT_H_

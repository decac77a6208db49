// What the callmatch CLI does on the wire: health checks, reflection listings and calls of any
// API method with JSON in and out, through descriptors compiled into the binary.
#ifndef CALLMATCH_SERVICES_CLI_RPC_H_
#define CALLMATCH_SERVICES_CLI_RPC_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/channel_arguments.h"

namespace callmatch::cli {

struct CallOptions {
  // Bearer secret sent as "authorization: Bearer <secret>"; empty sends none.
  std::string credential;
  // Consistency tokens to send ("x-consistency-token").
  std::string consistency_token;
  absl::Duration timeout = absl::Seconds(10);
};

// A channel to `address`; TLS when ca_file is set (the PEM root to trust). `arguments` tune it
// (e.g. a local subchannel pool, so that several channels to one address use several
// connections).
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const std::string& address, const std::string& ca_file,
    const grpc::ChannelArguments& arguments = grpc::ChannelArguments());

// The bearer secret: the content of `file` (surrounding whitespace removed) when it is set,
// otherwise the CALLMATCH_CREDENTIAL environment variable ("" when unset).
absl::StatusOr<std::string> LoadCredential(const std::string& file);

// Sets a call's deadline and metadata (credential, consistency tokens) from `options`.
void ConfigureContext(grpc::ClientContext& context, const CallOptions& options);

// The consistency token a finished call's server returned ("x-consistency-token"), or "".
std::string ResponseToken(const grpc::ClientContext& context);

// "SERVING", "NOT_SERVING", ... for `service` ("" for the server as a whole).
absl::StatusOr<std::string> CheckHealth(grpc::Channel& channel, const std::string& service,
                                        absl::Duration timeout);

// The services the server lists through reflection (grpc.reflection.v1alpha).
absl::StatusOr<std::vector<std::string>> ListServices(grpc::Channel& channel,
                                                      absl::Duration timeout);

// Full method name ("callmatch.v1.CampaignService.GetCampaign") for "CampaignService/GetCampaign",
// "callmatch.v1.CampaignService/GetCampaign" or the full name itself; NOT_FOUND if unknown.
absl::StatusOr<std::string> ResolveMethod(const std::string& text);

// The result of a call: every response message as JSON, and the consistency token the server
// returned, if any.
struct CallResult {
  std::vector<std::string> responses_json;
  std::string consistency_token;
};

// Calls `method` (a full name from ResolveMethod) with the request given as JSON. Streaming
// responses give several messages. Errors keep the server's code, message and field violations.
absl::StatusOr<CallResult> CallJson(grpc::Channel& channel, const std::string& method,
                                    const std::string& request_json, const CallOptions& options);

// Every API method: "callmatch.v1.CampaignService.GetCampaign(GetCampaignRequest)".
std::vector<std::string> ListApiMethods();

}  // namespace callmatch::cli

#endif  // CALLMATCH_SERVICES_CLI_RPC_H_

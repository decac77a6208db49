// Where each service listens: the local stack's documented ports, overridable per service with
// an environment variable holding "host:port" (as Kubernetes Services are found).
#ifndef CALLMATCH_SERVICES_COMMON_ENDPOINTS_H_
#define CALLMATCH_SERVICES_COMMON_ENDPOINTS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "grpcpp/channel.h"

namespace callmatch {

struct Endpoint {
  // The --service name: "campaign".
  std::string name;
  // The gRPC services it serves: {"callmatch.v1.CampaignService"}.
  std::vector<std::string> grpc_services;
  // Its port in the local stack (deploy/stack.sh).
  int default_port;
  // The variable that overrides its address: "CALLMATCH_CAMPAIGN_ADDR".
  std::string address_env;
};

// The six services, in the order the stack starts them.
const std::vector<Endpoint>& Endpoints();

// The endpoint named `name`, or the one serving the gRPC service `name` (full or short:
// "callmatch.v1.CampaignService" or "CampaignService"); nullptr if none.
const Endpoint* FindEndpoint(absl::string_view name);

// The endpoint's address: its variable's value, or 127.0.0.1:<default_port>.
std::string EndpointAddress(const Endpoint& endpoint);

// A channel for service-to-service calls to `endpoint` (EndpointAddress): TLS trusting the PEM
// roots in the file named by CALLMATCH_TLS_CA when it is set, plaintext otherwise. Channels
// connect lazily: the called service need not be up yet.
std::shared_ptr<grpc::Channel> MakeServiceChannel(const Endpoint& endpoint);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_COMMON_ENDPOINTS_H_

#include "services/common/endpoints.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/common/config.h"

namespace callmatch {

const std::vector<Endpoint>& Endpoints() {
  static const auto* endpoints = new std::vector<Endpoint>{
      {"campaign", {"callmatch.v1.CampaignService"}, 50051, "CALLMATCH_CAMPAIGN_ADDR"},
      {"teleoperator", {"callmatch.v1.TeleoperatorService"}, 50052, "CALLMATCH_TELEOPERATOR_ADDR"},
      {"matching", {"callmatch.v1.MatchingService"}, 50053, "CALLMATCH_MATCHING_ADDR"},
      {"contract", {"callmatch.v1.ContractService"}, 50054, "CALLMATCH_CONTRACT_ADDR"},
      {"scoring", {"callmatch.v1.ScoringService"}, 50055, "CALLMATCH_SCORING_ADDR"},
      {"audit",
       {"callmatch.v1.AuditService", "callmatch.v1.CredentialService"},
       50056,
       "CALLMATCH_AUDIT_ADDR"},
  };
  return *endpoints;
}

const Endpoint* FindEndpoint(absl::string_view name) {
  for (const Endpoint& endpoint : Endpoints()) {
    if (endpoint.name == name) return &endpoint;
    for (const std::string& service : endpoint.grpc_services) {
      if (service == name || service == absl::StrCat("callmatch.v1.", name)) return &endpoint;
    }
  }
  return nullptr;
}

std::string EndpointAddress(const Endpoint& endpoint) {
  return EnvOr(endpoint.address_env.c_str(), absl::StrCat("127.0.0.1:", endpoint.default_port));
}

std::shared_ptr<grpc::Channel> MakeServiceChannel(const Endpoint& endpoint) {
  const std::string ca_file = EnvOr("CALLMATCH_TLS_CA", "");
  if (ca_file.empty()) {
    return grpc::CreateChannel(EndpointAddress(endpoint), grpc::InsecureChannelCredentials());
  }
  std::ifstream in(ca_file);
  std::stringstream roots;
  roots << in.rdbuf();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = roots.str();
  return grpc::CreateChannel(EndpointAddress(endpoint), grpc::SslCredentials(options));
}

}  // namespace callmatch

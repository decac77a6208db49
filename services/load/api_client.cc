#include "services/load/api_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "grpc/grpc.h"
#include "services/common/endpoints.h"

namespace callmatch::load {

absl::StatusOr<ToolAccess> ResolveToolAccess(const std::string& dir,
                                             const std::string& credential_file,
                                             const std::string& secrets) {
  if (dir.empty()) return absl::InvalidArgumentError("--dir is required");
  absl::StatusOr<std::string> secret = cli::LoadCredential(credential_file);
  if (!secret.ok() || secret->empty()) {
    return absl::UnauthenticatedError(
        absl::StrCat("no operator credential (--credential_file or CALLMATCH_CREDENTIAL): ",
                     secret.ok() ? "empty" : secret.status().ToString()));
  }
  return ToolAccess{*std::move(secret), secrets.empty() ? dir + "/credentials.jsonl" : secrets};
}

absl::StatusOr<std::map<std::string, std::string>> ResolveTargets(
    const std::vector<std::string>& targets) {
  std::map<std::string, std::string> addresses;
  for (const Endpoint& endpoint : Endpoints()) {
    addresses[endpoint.name] = EndpointAddress(endpoint);
  }
  std::string everywhere;
  std::map<std::string, std::string> named;
  for (const std::string& target : targets) {
    if (target.empty()) continue;
    const size_t equals = target.find('=');
    if (equals == std::string::npos) {
      everywhere = target;
      continue;
    }
    const std::string service = target.substr(0, equals);
    const Endpoint* endpoint = FindEndpoint(service);
    if (endpoint == nullptr || target.size() == equals + 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("--target \"", target, "\": want SERVICE=HOST:PORT with SERVICE one of ",
                       "campaign, teleoperator, matching, contract, scoring, audit"));
    }
    named[endpoint->name] = target.substr(equals + 1);
  }
  if (!everywhere.empty()) {
    for (auto& [service, address] : addresses) address = everywhere;
  }
  for (auto& [service, address] : named) addresses[service] = address;
  return addresses;
}

absl::StatusOr<std::unique_ptr<ApiClient>> ApiClient::Connect(
    const std::vector<std::string>& targets, const std::string& ca_file, int channels) {
  absl::StatusOr<std::map<std::string, std::string>> addresses = ResolveTargets(targets);
  if (!addresses.ok()) return addresses.status();
  auto client = std::unique_ptr<ApiClient>(new ApiClient());
  client->addresses_ = *std::move(addresses);
  for (int i = 0; i < std::max(1, channels); ++i) {
    // Channels with the same arguments share one connection through the global subchannel pool;
    // a local pool per channel gives each its own, spreading the calls over several.
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel = [&](const std::string& service) {
      return cli::MakeChannel(client->addresses_.at(service), ca_file, arguments);
    };
    absl::StatusOr<std::shared_ptr<grpc::Channel>> campaign = channel("campaign");
    absl::StatusOr<std::shared_ptr<grpc::Channel>> teleoperator = channel("teleoperator");
    absl::StatusOr<std::shared_ptr<grpc::Channel>> matching = channel("matching");
    absl::StatusOr<std::shared_ptr<grpc::Channel>> contract = channel("contract");
    absl::StatusOr<std::shared_ptr<grpc::Channel>> scoring = channel("scoring");
    absl::StatusOr<std::shared_ptr<grpc::Channel>> audit = channel("audit");
    for (const auto* made : {&campaign, &teleoperator, &matching, &contract, &scoring, &audit}) {
      if (!made->ok()) return made->status();
    }
    client->campaign_.Add(v1::CampaignService::NewStub(*campaign));
    client->teleoperator_.Add(v1::TeleoperatorService::NewStub(*teleoperator));
    client->matching_.Add(v1::MatchingService::NewStub(*matching));
    client->contract_.Add(v1::ContractService::NewStub(*contract));
    client->scoring_.Add(v1::ScoringService::NewStub(*scoring));
    client->credential_.Add(v1::CredentialService::NewStub(*audit));
  }
  return client;
}

}  // namespace callmatch::load

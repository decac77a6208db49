#include "services/server/modules.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "callmatch/v1/campaign.grpc.pb.h"
#include "callmatch/v1/contract.grpc.pb.h"
#include "callmatch/v1/teleoperator.grpc.pb.h"
#include "services/campaign/campaign_service.h"
#include "services/common/endpoints.h"
#include "services/contract/contract_service.h"
#include "services/matching/matching_service.h"
#include "services/scoring/scoring_service.h"
#include "services/teleoperator/teleoperator_service.h"

namespace callmatch {
namespace {

namespace v1 = ::callmatch::v1;

// A module whose services read and write the store: ready once Redis answers.
//
// The generated CallbackService base classes answer UNIMPLEMENTED for every method; services
// register their implementations here as they are built.
class StoreModule final : public ServiceModule {
 public:
  StoreModule(std::string name, store::Store* store) : name_(std::move(name)), store_(store) {}

  // Registers an implementation of the generated service `Grpc` (e.g. v1::CampaignService); by
  // default its generated base, which answers UNIMPLEMENTED to every method.
  template <typename Grpc>
  StoreModule& Add(
      std::unique_ptr<grpc::Service> impl = std::make_unique<typename Grpc::CallbackService>()) {
    services_.push_back(std::move(impl));
    health_names_.push_back(Grpc::service_full_name());
    return *this;
  }

  absl::string_view name() const override { return name_; }
  std::vector<grpc::Service*> services() override {
    std::vector<grpc::Service*> out;
    for (auto& service : services_) out.push_back(service.get());
    return out;
  }
  std::vector<std::string> health_names() const override { return health_names_; }

  absl::Status WarmUp() override {
    // Reading the stream tails proves Redis answers, and every partition stream is readable.
    auto tails = store_->StreamTails();
    return tails.ok() ? absl::OkStatus() : tails.status();
  }

 private:
  std::string name_;
  store::Store* store_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::vector<std::string> health_names_;
};

}  // namespace

absl::StatusOr<std::vector<std::unique_ptr<ServiceModule>>> MakeModules(absl::string_view service,
                                                                        const Dependencies& deps) {
  auto module = std::make_unique<StoreModule>(std::string(service), deps.store);
  if (service == "campaign") {
    module->Add<v1::CampaignService>(std::make_unique<CampaignServiceImpl>(deps.edge, deps.store));
  } else if (service == "teleoperator") {
    module->Add<v1::TeleoperatorService>(
        std::make_unique<TeleoperatorServiceImpl>(deps.edge, deps.store));
  } else if (service == "matching") {
    std::vector<std::unique_ptr<ServiceModule>> modules;
    modules.push_back(MakeMatchingModule(deps.store, deps.credentials, deps.executor));
    return modules;
  } else if (service == "contract") {
    std::vector<std::unique_ptr<ServiceModule>> modules;
    modules.push_back(
        MakeContractModule(deps.store, deps.credentials, deps.executor, deps.contract_block_level));
    return modules;
  } else if (service == "scoring") {
    absl::StatusOr<std::unique_ptr<ServiceModule>> scoring =
        MakeScoringModule(deps.rulebook_dir, deps.store, deps.edge);
    if (!scoring.ok()) return scoring.status();
    std::vector<std::unique_ptr<ServiceModule>> modules;
    modules.push_back(*std::move(scoring));
    return modules;
  } else if (service == "audit") {
    absl::StatusOr<std::unique_ptr<ServiceModule>> audit =
        MakeAuditModule(deps.audit, deps.store, deps.edge, deps.credentials);
    if (!audit.ok()) return audit.status();
    std::vector<std::unique_ptr<ServiceModule>> modules;
    modules.push_back(*std::move(audit));
    return modules;
  } else {
    std::vector<std::string> names;
    for (const Endpoint& endpoint : Endpoints()) names.push_back(endpoint.name);
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown service \"", service, "\"; expected one of ", absl::StrJoin(names, ", ")));
  }
  std::vector<std::unique_ptr<ServiceModule>> modules;
  modules.push_back(std::move(module));
  return modules;
}

}  // namespace callmatch

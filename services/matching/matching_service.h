// MatchingService: the ranked teleoperators of a campaign, the explanation of one pair, the open
// campaigns of a teleoperator and the index status (proto/callmatch/v1/matching.proto), served
// from the matching index over a view materialized from Redis. NOT_SERVING until the initial load
// is done; a call that sends consistency tokens sees at least those writes.
//
// Who may do what: MatchCampaign, the campaign's client (only the public-profile components, no
// total score, nothing about excluded teleoperators) and operators (everything);
// ExplainEligibility and ListEligibleCampaigns, the teleoperator itself and operators;
// GetIndexStatus, operators.
#ifndef CALLMATCH_SERVICES_MATCHING_MATCHING_SERVICE_H_
#define CALLMATCH_SERVICES_MATCHING_MATCHING_SERVICE_H_

#include <functional>
#include <memory>

#include "absl/time/civil_time.h"
#include "callmatch/v1/matching.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/edge.h"
#include "services/common/executor.h"
#include "services/common/server.h"
#include "services/matching/materializer.h"

namespace callmatch {

class MatchingServiceImpl final : public v1::MatchingService::CallbackService {
 public:
  MatchingServiceImpl(Edge* edge, store::Store* store, DatasetMaterializer* materializer,
                      v1::MatchingPolicy policy, std::function<absl::CivilDay()> today)
      : edge_(edge),
        store_(store),
        materializer_(materializer),
        policy_(std::move(policy)),
        today_(std::move(today)) {}

  grpc::ServerUnaryReactor* MatchCampaign(grpc::CallbackServerContext* context,
                                          const v1::MatchCampaignRequest* request,
                                          v1::MatchCampaignResponse* response) override;
  grpc::ServerUnaryReactor* ExplainEligibility(grpc::CallbackServerContext* context,
                                               const v1::ExplainEligibilityRequest* request,
                                               v1::EligibilityExplanation* response) override;
  grpc::ServerUnaryReactor* ListEligibleCampaigns(
      grpc::CallbackServerContext* context, const v1::ListEligibleCampaignsRequest* request,
      v1::ListEligibleCampaignsResponse* response) override;
  grpc::ServerUnaryReactor* GetIndexStatus(grpc::CallbackServerContext* context,
                                           const v1::GetIndexStatusRequest* request,
                                           v1::IndexStatus* response) override;

 private:
  Edge* edge_;
  store::Store* store_;
  DatasetMaterializer* materializer_;
  const v1::MatchingPolicy policy_;
  const std::function<absl::CivilDay()> today_;
};

// The matching process: the materialized dataset (loaded at warm-up), an edge that honours
// consistency tokens against it, and the service.
std::unique_ptr<ServiceModule> MakeMatchingModule(store::Store* store,
                                                  const CredentialStore* credentials,
                                                  Executor* executor);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_MATCHING_MATCHING_SERVICE_H_

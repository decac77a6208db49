// ScoringService: the subordination risk of terms and facts (proto/callmatch/v1/scoring.proto),
// from the rulebooks of scoring/rulebooks loaded at start. ScoreTerms and ListRulebooks are open
// to every principal; RescoreAll (operators) answers UNIMPLEMENTED until contracts are stored.
#ifndef CALLMATCH_SERVICES_SCORING_SCORING_SERVICE_H_
#define CALLMATCH_SERVICES_SCORING_SCORING_SERVICE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "callmatch/v1/scoring.grpc.pb.h"
#include "scoring/engine.h"
#include "services/common/edge.h"
#include "services/common/server.h"

namespace callmatch {

class ScoringServiceImpl final : public v1::ScoringService::CallbackService {
 public:
  ScoringServiceImpl(Edge* edge, const scoring::Engine* engine) : edge_(edge), engine_(engine) {}

  grpc::ServerUnaryReactor* ScoreTerms(grpc::CallbackServerContext* context,
                                       const v1::ScoreTermsRequest* request,
                                       v1::RiskAssessment* response) override;
  grpc::ServerUnaryReactor* ListRulebooks(grpc::CallbackServerContext* context,
                                          const v1::ListRulebooksRequest* request,
                                          v1::ListRulebooksResponse* response) override;

 private:
  Edge* edge_;
  const scoring::Engine* engine_;
};

// The scoring process. Refuses to start (file, line and reason) when a rulebook of
// `rulebook_dir` does not load.
absl::StatusOr<std::unique_ptr<ServiceModule>> MakeScoringModule(const std::string& rulebook_dir,
                                                                 store::Store* store, Edge* edge);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_SCORING_SCORING_SERVICE_H_

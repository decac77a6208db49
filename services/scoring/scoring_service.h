// ScoringService: the subordination risk of terms and facts (proto/callmatch/v1/scoring.proto),
// from the rulebooks of scoring/rulebooks loaded at start. ScoreTerms and ListRulebooks are open
// to every principal; RescoreAll (operators) rescores every stored contract with these
// rulebooks, reading each contract's facts as the contract service does
// (services/contract/contract_records.h, contract_facts.h), and rewrites the assessments that
// changed.
#ifndef CALLMATCH_SERVICES_SCORING_SCORING_SERVICE_H_
#define CALLMATCH_SERVICES_SCORING_SCORING_SERVICE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "callmatch/v1/scoring.grpc.pb.h"
#include "matching/dataset.h"
#include "matching/policy.h"
#include "scoring/engine.h"
#include "services/common/edge.h"
#include "services/common/server.h"
#include "services/store/store.h"

namespace callmatch {

struct RescoreOptions {
  // Today, a UTC calendar day (the as-of date of the facts, as in the contract service).
  std::function<absl::CivilDay()> today;
  // Registration verified within this many days counts (the matching policy's).
  int registration_max_age_days = matching::DefaultPolicy().registration_max_age_days();
};

class ScoringServiceImpl final : public v1::ScoringService::CallbackService {
 public:
  ScoringServiceImpl(Edge* edge, const scoring::Engine* engine, store::Store* store,
                     RescoreOptions options)
      : edge_(edge), engine_(engine), store_(store), options_(std::move(options)) {}

  grpc::ServerUnaryReactor* ScoreTerms(grpc::CallbackServerContext* context,
                                       const v1::ScoreTermsRequest* request,
                                       v1::RiskAssessment* response) override;
  grpc::ServerUnaryReactor* ListRulebooks(grpc::CallbackServerContext* context,
                                          const v1::ListRulebooksRequest* request,
                                          v1::ListRulebooksResponse* response) override;
  grpc::ServerWriteReactor<v1::RescoreAllResponse>* RescoreAll(
      grpc::CallbackServerContext* context, const v1::RescoreAllRequest* request) override;

 private:
  // What rescoring one contract did.
  struct Rescored {
    bool rewritten = false;
    v1::RiskBand old_band = v1::RISK_BAND_UNSPECIFIED;
    v1::RiskBand new_band = v1::RISK_BAND_UNSPECIFIED;
  };
  // Scores the contract `name` of `partition` with the loaded rulebooks and, when the assessment
  // differs from the stored one, rewrites it with its audit event, in one transaction (retried
  // by the store when a watched record changes). A contract gone since it was listed, or whose
  // teleoperator or campaign is gone, is left as it is.
  absl::StatusOr<Rescored> RescoreContract(const store::WriteContext& context,
                                           const std::string& request_id, int partition,
                                           const std::string& name,
                                           const matching::Dataset& companies,
                                           absl::CivilDay today);

  Edge* edge_;
  const scoring::Engine* engine_;
  store::Store* store_;
  const RescoreOptions options_;
};

// The scoring process. Refuses to start (file, line and reason) when a rulebook of
// `rulebook_dir` does not load.
absl::StatusOr<std::unique_ptr<ServiceModule>> MakeScoringModule(const std::string& rulebook_dir,
                                                                 store::Store* store, Edge* edge);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_SCORING_SCORING_SERVICE_H_

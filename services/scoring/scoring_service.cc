#include "services/scoring/scoring_service.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"

namespace callmatch {
namespace {

constexpr char kService[] = "/callmatch.v1.ScoringService/";

std::string Method(absl::string_view name) { return absl::StrCat(kService, name); }

}  // namespace

grpc::ServerUnaryReactor* ScoringServiceImpl::ScoreTerms(grpc::CallbackServerContext* context,
                                                         const v1::ScoreTermsRequest* request,
                                                         v1::RiskAssessment* response) {
  return edge_->Serve(context, Method("ScoreTerms"), [=, this](Call&) -> absl::Status {
    absl::StatusOr<v1::RiskAssessment> assessment = engine_->Assess(*request);
    if (!assessment.ok()) {
      const absl::Status& status = assessment.status();
      // The engine says which fact is out of range; the edge names the request's field.
      if (absl::IsInvalidArgument(status) && FieldViolations(status).empty()) {
        return InvalidField("facts", status.message());
      }
      if (absl::IsNotFound(status)) return InvalidField("rulebook_ids", status.message());
      return status;
    }
    *response = *std::move(assessment);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ScoringServiceImpl::ListRulebooks(
    grpc::CallbackServerContext* context, const v1::ListRulebooksRequest* /*request*/,
    v1::ListRulebooksResponse* response) {
  return edge_->Serve(context, Method("ListRulebooks"), [=, this](Call&) -> absl::Status {
    *response = engine_->ListRulebooks();
    return absl::OkStatus();
  });
}

namespace {

class ScoringModule final : public ServiceModule {
 public:
  ScoringModule(scoring::Engine engine, store::Store* store, Edge* edge)
      : engine_(std::move(engine)), store_(store), service_(edge, &engine_) {}

  absl::string_view name() const override { return "scoring"; }
  std::vector<grpc::Service*> services() override { return {&service_}; }
  std::vector<std::string> health_names() const override {
    return {v1::ScoringService::service_full_name()};
  }
  absl::Status WarmUp() override {
    // Every call authenticates against Redis: serve once it answers.
    absl::StatusOr<std::vector<std::string>> tails = store_->StreamTails();
    return tails.ok() ? absl::OkStatus() : tails.status();
  }

 private:
  scoring::Engine engine_;
  store::Store* store_;
  ScoringServiceImpl service_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> MakeScoringModule(const std::string& rulebook_dir,
                                                                 store::Store* store, Edge* edge) {
  absl::StatusOr<scoring::Engine> engine = scoring::Engine::LoadDirectory(rulebook_dir);
  if (!engine.ok()) return engine.status();
  return std::make_unique<ScoringModule>(*std::move(engine), store, edge);
}

}  // namespace callmatch

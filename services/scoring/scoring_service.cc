#include "services/scoring/scoring_service.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/common/errors.h"
#include "services/common/log.h"
#include "services/common/resource_store.h"
#include "services/common/resources.h"
#include "services/contract/contract_facts.h"
#include "services/contract/contract_records.h"
#include "services/store/partition.h"

namespace callmatch {
namespace {

constexpr char kService[] = "/callmatch.v1.ScoringService/";

constexpr int kDefaultProgressEvery = 100;
constexpr int kMaxProgressEvery = 10000;

std::string Method(absl::string_view name) { return absl::StrCat(kService, name); }

// "france@1.1.0,eu-directive@1.0.0": the rulebooks behind an assessment, for its audit event.
std::string RulebookVersions(const v1::RiskAssessment& assessment) {
  std::vector<std::string> versions;
  for (const v1::RulebookAssessment& rulebook : assessment.assessments()) {
    versions.push_back(absl::StrCat(rulebook.rulebook_id(), "@", rulebook.rulebook_version()));
  }
  return absl::StrJoin(versions, ",");
}

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

grpc::ServerWriteReactor<v1::RescoreAllResponse>* ScoringServiceImpl::RescoreAll(
    grpc::CallbackServerContext* context, const v1::RescoreAllRequest* request) {
  return edge_->ServeStream<v1::RescoreAllResponse>(
      context, Method("RescoreAll"),
      [=, this](Call& call, StreamWriter<v1::RescoreAllResponse>& writer) -> absl::Status {
        if (!call.is_operator()) return PermissionDenied("platform operators");
        absl::StatusOr<store::WriteContext> write =
            call.WriteContext(request->request_id(), *request);
        if (!write.ok()) return write.status();
        if (request->progress_every() < 0 || request->progress_every() > kMaxProgressEvery) {
          return InvalidField("progress_every", absl::StrCat("0 (every ", kDefaultProgressEvery,
                                                             ") to ", kMaxProgressEvery));
        }
        const int every =
            request->progress_every() == 0 ? kDefaultProgressEvery : request->progress_every();
        // Each contract's write is idempotent by itself (nothing is written when its stored
        // assessment is current), so the writes carry no request_id record: one would make the
        // second contract of a partition replay the first one's outcome. The id goes into each
        // event's facts instead.
        store::WriteContext unkeyed = *write;
        unkeyed.request_id.clear();
        unkeyed.request_bytes.clear();

        // The contracts stored now (one created during the run is scored when created).
        std::vector<std::pair<int, std::string>> contracts;
        for (int partition = 0; partition < store::kPartitionCount; ++partition) {
          absl::StatusOr<std::vector<std::string>> ids = store_->ListIds(partition, kContractKind);
          if (!ids.ok()) return ids.status();
          for (std::string& name : *ids) contracts.emplace_back(partition, std::move(name));
        }
        absl::StatusOr<matching::Dataset> companies = LoadCompanies(*store_);
        if (!companies.ok()) return companies.status();
        const absl::CivilDay today = options_.today();

        v1::RescoreAllResponse progress;
        progress.set_total(static_cast<int64_t>(contracts.size()));
        std::vector<v1::RescoreAllResponse::BandChange> changes;
        for (const auto& [partition, name] : contracts) {
          if (context->IsCancelled()) return absl::CancelledError("RescoreAll cancelled");
          absl::StatusOr<Rescored> rescored =
              RescoreContract(unkeyed, request->request_id(), partition, name, *companies, today);
          if (!rescored.ok()) {
            return absl::Status(rescored.status().code(),
                                absl::StrCat(name, ": ", rescored.status().message()));
          }
          if (rescored->rewritten) progress.set_rewritten(progress.rewritten() + 1);
          if (rescored->old_band != rescored->new_band) {
            v1::RescoreAllResponse::BandChange& change = changes.emplace_back();
            change.set_contract(name);
            change.set_old_band(rescored->old_band);
            change.set_new_band(rescored->new_band);
          }
          progress.set_done(progress.done() + 1);
          if (progress.done() % every == 0 && progress.done() < progress.total()) {
            if (!writer.Write(progress)) return absl::CancelledError("the caller went away");
          }
        }
        std::sort(changes.begin(), changes.end(),
                  [](const auto& a, const auto& b) { return a.contract() < b.contract(); });
        for (v1::RescoreAllResponse::BandChange& change : changes) {
          *progress.add_changes() = std::move(change);
        }
        LogInfo("rescored every contract", {{"contracts", absl::StrCat(progress.total())},
                                            {"rewritten", absl::StrCat(progress.rewritten())},
                                            {"band_changes", absl::StrCat(progress.changes_size())},
                                            {"operator", call.principal().id()}});
        if (!writer.Write(progress)) return absl::CancelledError("the caller went away");
        return absl::OkStatus();
      });
}

absl::StatusOr<ScoringServiceImpl::Rescored> ScoringServiceImpl::RescoreContract(
    const store::WriteContext& context, const std::string& request_id, int partition,
    const std::string& name, const matching::Dataset& companies, absl::CivilDay today) {
  Rescored outcome;
  absl::StatusOr<store::CommitResult> result =
      store_->Write(partition, context, [&](store::Txn& txn) -> absl::StatusOr<std::string> {
        outcome = Rescored{};
        auto stored = ReadResource<v1::Contract>(txn, kContractKind, name);
        if (!stored.ok()) return stored.status();
        if (!stored->has_value()) return std::string();  // erased since it was listed
        v1::Contract contract = **std::move(stored);
        outcome.old_band = outcome.new_band = contract.risk().band();
        // The facts as the contract service reads them when it scores this contract.
        absl::StatusOr<v1::Campaign> campaign = ReadCampaign(*store_, contract.campaign());
        if (absl::IsNotFound(campaign.status())) return std::string();
        if (!campaign.ok()) return campaign.status();
        absl::StatusOr<matching::Dataset> dataset =
            LoadForCheck(*store_, txn, companies, matching::ParentName(name), *campaign,
                         /*book_pending=*/false);
        if (absl::IsNotFound(dataset.status())) return std::string();  // teleoperator erased
        if (!dataset.ok()) return dataset.status();  // it holds the contract as read above
        v1::ScoreTermsRequest scoring;
        *scoring.mutable_facts() =
            ScoringFacts(*dataset, contract, today, options_.registration_max_age_days);
        absl::StatusOr<v1::RiskAssessment> risk = engine_->Assess(scoring);
        if (!risk.ok()) return risk.status();
        if (google::protobuf::util::MessageDifferencer::Equals(*risk, contract.risk())) {
          return std::string();  // current: nothing to write
        }
        outcome.rewritten = true;
        outcome.new_band = risk->band();
        std::map<std::string, std::string> facts = {
            {"rescore", request_id},
            {"band", v1::RiskBand_Name(risk->band())},
            {"old_band", v1::RiskBand_Name(outcome.old_band)},
            {"score_max", absl::StrCat(risk->score_max())},
            {"rulebooks", RulebookVersions(*risk)}};
        *contract.mutable_risk() = *std::move(risk);
        absl::StatusOr<int64_t> version = PutResource(
            txn, kContractKind, contract, contract.version(), v1::AUDIT_ACTION_UPDATE, facts);
        if (!version.ok()) return version.status();
        return std::string("rescored");
      });
  if (!result.ok()) return result.status();
  return outcome;
}

namespace {

class ScoringModule final : public ServiceModule {
 public:
  ScoringModule(scoring::Engine engine, store::Store* store, Edge* edge)
      : engine_(std::move(engine)),
        store_(store),
        service_(edge, &engine_, store, RescoreOptions{.today = [] {
                   return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
                 }}) {}

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

#include "services/matching/matching_service.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "matching/index/index.h"
#include "matching/policy.h"
#include "matching/time_model.h"
#include "services/common/errors.h"
#include "services/common/resource_store.h"
#include "services/common/validation.h"
#include "services/store/partition.h"

namespace callmatch {
namespace {

constexpr char kService[] = "/callmatch.v1.MatchingService/";
constexpr int kDefaultTopK = 50;
constexpr int kMaxTopK = 500;

std::string Method(absl::string_view name) { return absl::StrCat(kService, name); }

absl::Status RequireLoaded(const DatasetMaterializer& materializer) {
  if (materializer.loaded()) return absl::OkStatus();
  return absl::UnavailableError("the matching index is still loading; retry with backoff");
}

// The milliseconds part of a stream id ("1700000000000-3" -> 1700000000000).
int64_t StreamMillis(absl::string_view id) {
  int64_t ms = 0;
  (void)absl::SimpleAtoi(id.substr(0, id.find('-')), &ms);
  return ms;
}

}  // namespace

grpc::ServerUnaryReactor* MatchingServiceImpl::MatchCampaign(
    grpc::CallbackServerContext* context, const v1::MatchCampaignRequest* request,
    v1::MatchCampaignResponse* response) {
  return edge_->Serve(context, Method("MatchCampaign"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<std::pair<std::string, std::string>> ids =
        ParseChildName(request->campaign(), "companies", "campaigns", "campaign");
    if (!ids.ok()) return ids.status();
    if (!call.is_operator() && !call.is_client(ids->first)) {
      return PermissionDenied("the campaign's client or a platform operator");
    }
    if (request->top_k() < 0 || request->top_k() > kMaxTopK) {
      return InvalidField("top_k", absl::StrCat("0 (meaning ", kDefaultTopK, ") to ", kMaxTopK));
    }
    const int top_k = request->top_k() == 0 ? kDefaultTopK : request->top_k();
    if (absl::Status s = RequireLoaded(*materializer_); !s.ok()) return s;
    // Only operators see the eligible count: a client's query skips it, which lets the index
    // prune by score bounds and give again its last answer when no change since can alter it
    // (the same top k either way; docs/matching.md, "Reused answers"). A client sees the rank and
    // what the public profile shows: no total, no private component.
    const matching::MatchOptions options{.top_k = top_k,
                                         .exact_count = call.is_operator(),
                                         .reuse = true,
                                         .public_view = !call.is_operator()};
    absl::StatusOr<matching::MatchResult> result =
        materializer_->index().Match(request->campaign(), policy_, today_(), options);
    if (!result.ok()) return result.status();
    *response->mutable_as_of() = matching::ToDate(result->as_of);
    for (v1::Match& match : result->top) *response->add_matches() = std::move(match);
    if (call.is_operator()) response->set_eligible_count(result->eligible_count);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* MatchingServiceImpl::ExplainEligibility(
    grpc::CallbackServerContext* context, const v1::ExplainEligibilityRequest* request,
    v1::EligibilityExplanation* response) {
  return edge_->Serve(context, Method("ExplainEligibility"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<std::pair<std::string, std::string>> campaign =
        ParseChildName(request->campaign(), "companies", "campaigns", "campaign");
    if (!campaign.ok()) return campaign.status();
    absl::StatusOr<std::string> teleoperator =
        ParseName(request->teleoperator(), "teleoperators", "teleoperator");
    if (!teleoperator.ok()) return teleoperator.status();
    if (!call.is_operator() && !call.is_teleoperator(*teleoperator)) {
      return PermissionDenied("the teleoperator itself or a platform operator");
    }
    if (absl::Status s = RequireLoaded(*materializer_); !s.ok()) return s;
    absl::StatusOr<v1::EligibilityExplanation> explanation = materializer_->Read(
        [&](const matching::Dataset& dataset) -> absl::StatusOr<v1::EligibilityExplanation> {
          // A teleoperator learns nothing of a campaign that is not open (as in GetCampaign).
          const v1::Campaign* found = dataset.campaign(request->campaign());
          if (!call.is_operator() &&
              (found == nullptr || found->state() != v1::CAMPAIGN_STATE_OPEN)) {
            return absl::NotFoundError(absl::StrCat("no open campaign ", request->campaign()));
          }
          if (found == nullptr) {
            return absl::NotFoundError(
                absl::StrCat("campaign ", request->campaign(), " not found"));
          }
          const matching::TeleoperatorData* data = dataset.teleoperator(request->teleoperator());
          if (data == nullptr) {
            return absl::NotFoundError(
                absl::StrCat("teleoperator ", request->teleoperator(), " not found"));
          }
          // The index holds the companies and campaigns; the explanation's material, the
          // teleoperator's full records, comes from the Dataset.
          return materializer_->index().Explain(request->campaign(), *data, policy_, today_());
        });
    if (!explanation.ok()) return explanation.status();
    // The explanation shows declarations (employers, clauses, hours): an operator's read of them
    // is audited.
    if (absl::Status s = AuditOperatorRead(*store_, call, *teleoperator, request->teleoperator());
        !s.ok()) {
      return s;
    }
    *response = *std::move(explanation);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* MatchingServiceImpl::ListEligibleCampaigns(
    grpc::CallbackServerContext* context, const v1::ListEligibleCampaignsRequest* request,
    v1::ListEligibleCampaignsResponse* response) {
  return edge_->Serve(
      context, Method("ListEligibleCampaigns"), [=, this](Call& call) -> absl::Status {
        absl::StatusOr<std::string> id =
            ParseName(request->teleoperator(), "teleoperators", "teleoperator");
        if (!id.ok()) return id.status();
        if (!call.is_operator() && !call.is_teleoperator(*id)) {
          return PermissionDenied("the teleoperator itself or a platform operator");
        }
        absl::StatusOr<int> page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        if (absl::Status s = RequireLoaded(*materializer_); !s.ok()) return s;
        absl::StatusOr<std::vector<std::string>> eligible =
            materializer_->index().EligibleCampaigns(request->teleoperator(), policy_, today_());
        if (!eligible.ok()) return eligible.status();
        absl::StatusOr<Page> page = PageOf(*eligible, *page_size, request->page_token());
        if (!page.ok()) return page.status();
        for (size_t i = page->begin; i < page->end; ++i) response->add_campaigns((*eligible)[i]);
        response->set_next_page_token(page->next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* MatchingServiceImpl::GetIndexStatus(
    grpc::CallbackServerContext* context, const v1::GetIndexStatusRequest* /*request*/,
    v1::IndexStatus* response) {
  return edge_->Serve(context, Method("GetIndexStatus"), [=, this](Call& call) -> absl::Status {
    if (!call.is_operator()) return PermissionDenied("platform operators");
    response->set_loaded(materializer_->loaded());
    const std::vector<std::string> applied = materializer_->follower()->applied();
    for (const std::string& position : applied) response->add_applied_positions(position);
    absl::StatusOr<std::vector<std::string>> tails = store_->StreamTails();
    if (!tails.ok()) return tails.status();
    // Lag: how far the newest event of a partition is ahead of the last one applied there.
    int64_t lag_ms = 0;
    for (int p = 0; p < store::kPartitionCount && p < static_cast<int>(applied.size()); ++p) {
      if (store::CompareStreamIds((*tails)[p], applied[p]) > 0) {
        lag_ms = std::max(lag_ms, StreamMillis((*tails)[p]) - StreamMillis(applied[p]));
      }
    }
    response->mutable_lag()->set_seconds(lag_ms / 1000);
    response->mutable_lag()->set_nanos(static_cast<int32_t>(lag_ms % 1000) * 1000000);
    const matching::IndexStats stats = materializer_->index().Stats();
    response->set_companies(stats.companies);
    response->set_campaigns(stats.campaigns);
    response->set_teleoperators(stats.teleoperators);
    response->set_contracts(stats.contracts);
    response->set_answers_reused(stats.answers_reused);
    response->set_answers_computed(stats.answers_computed);
    return absl::OkStatus();
  });
}

namespace {

class MatchingModule final : public ServiceModule {
 public:
  MatchingModule(store::Store* store, const CredentialStore* credentials, Executor* executor)
      : materializer_(store),
        edge_(credentials, executor, materializer_.follower(), store),
        service_(&edge_, store, &materializer_, matching::DefaultPolicy(),
                 [] { return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()); }) {}

  absl::string_view name() const override { return "matching"; }
  std::vector<grpc::Service*> services() override { return {&service_}; }
  std::vector<std::string> health_names() const override {
    return {v1::MatchingService::service_full_name()};
  }
  absl::Status WarmUp() override { return materializer_.Load(); }
  void Stop() override { materializer_.Stop(); }

 private:
  DatasetMaterializer materializer_;
  Edge edge_;
  MatchingServiceImpl service_;
};

}  // namespace

std::unique_ptr<ServiceModule> MakeMatchingModule(store::Store* store,
                                                  const CredentialStore* credentials,
                                                  Executor* executor) {
  return std::make_unique<MatchingModule>(store, credentials, executor);
}

}  // namespace callmatch

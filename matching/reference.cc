#include "matching/reference.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "matching/context.h"
#include "matching/explain.h"
#include "matching/policy.h"
#include "matching/ranking.h"

namespace callmatch::matching {

absl::StatusOr<ReferenceResult> ReferenceMatch(const Dataset& dataset,
                                               absl::string_view campaign_name,
                                               const v1::MatchingPolicy& policy,
                                               absl::CivilDay today, int top_k) {
  if (absl::Status s = ValidatePolicy(policy); !s.ok()) return s;
  if (top_k < 0) return absl::InvalidArgumentError("top_k is negative");
  const v1::Campaign* campaign = dataset.campaign(campaign_name);
  if (campaign == nullptr) {
    return absl::NotFoundError(absl::StrCat("campaign ", campaign_name, " not found"));
  }
  absl::StatusOr<CampaignContext> context = MakeCampaignContext(dataset, *campaign, today);
  if (!context.ok()) return context.status();

  ReferenceResult result;
  result.as_of = context->as_of;
  std::vector<v1::Match> ranked;
  for (const auto& [name, data] : dataset.teleoperators()) {
    const TeleoperatorFacts facts = MakeTeleoperatorFacts(dataset, data);
    Verdict verdict = Judge(*context, facts, policy);
    if (!verdict.eligible) {
      result.excluded[name] = verdict.failing();
      continue;
    }
    result.eligible.push_back(name);
    v1::Match match;
    match.set_teleoperator(name);
    match.set_score(verdict.score);
    for (v1::ScoreComponent& c : verdict.components) *match.add_components() = std::move(c);
    ranked.push_back(std::move(match));
  }
  std::sort(ranked.begin(), ranked.end(), RanksBefore);
  if (ranked.size() > static_cast<size_t>(top_k)) ranked.resize(top_k);
  for (size_t i = 0; i < ranked.size(); ++i) ranked[i].set_rank(static_cast<int32_t>(i + 1));
  result.top = std::move(ranked);
  return result;
}

}  // namespace callmatch::matching

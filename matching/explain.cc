#include "matching/explain.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "matching/policy.h"
#include "matching/ranking.h"
#include "matching/rules.h"
#include "matching/workload.h"

namespace callmatch::matching {

std::vector<v1::ExclusionReason> Verdict::failing() const {
  std::vector<v1::ExclusionReason> out;
  for (const v1::RuleOutcome& o : outcomes) {
    if (!o.passed()) out.push_back(o.rule());
  }
  return out;
}

Verdict Judge(const CampaignContext& campaign, const TeleoperatorFacts& teleoperator,
              const v1::MatchingPolicy& policy) {
  const WorkWeek work = MakeWorkWeek(campaign, teleoperator);
  const RuleInput in{campaign, teleoperator, work, policy};
  Verdict v;
  v.outcomes = EvaluateRules(in);
  v.eligible = true;
  for (const v1::RuleOutcome& o : v.outcomes) v.eligible = v.eligible && o.passed();
  if (v.eligible) {
    v.components = ScoreComponents(in);
    v.score = TotalScore(v.components);
  }
  return v;
}

v1::EligibilityExplanation ExplainPair(const CampaignContext& campaign,
                                       const TeleoperatorFacts& teleoperator,
                                       const v1::MatchingPolicy& policy) {
  Verdict verdict = Judge(campaign, teleoperator, policy);
  v1::EligibilityExplanation out;
  out.set_campaign(campaign.campaign->name());
  out.set_teleoperator(teleoperator.data->profile.name());
  out.set_eligible(verdict.eligible);
  *out.mutable_as_of() = ToDate(campaign.as_of);
  *out.mutable_reference_week() = ToDate(campaign.week.monday);
  for (v1::RuleOutcome& o : verdict.outcomes) *out.add_outcomes() = std::move(o);
  for (v1::ScoreComponent& c : verdict.components) *out.add_components() = std::move(c);
  out.set_score(verdict.score);
  return out;
}

absl::StatusOr<v1::EligibilityExplanation> ExplainEligibility(const Dataset& dataset,
                                                              absl::string_view campaign_name,
                                                              absl::string_view teleoperator_name,
                                                              const v1::MatchingPolicy& policy,
                                                              absl::CivilDay today) {
  if (absl::Status s = ValidatePolicy(policy); !s.ok()) return s;
  const v1::Campaign* campaign = dataset.campaign(campaign_name);
  if (campaign == nullptr) {
    return absl::NotFoundError(absl::StrCat("campaign ", campaign_name, " not found"));
  }
  const TeleoperatorData* teleoperator = dataset.teleoperator(teleoperator_name);
  if (teleoperator == nullptr) {
    return absl::NotFoundError(absl::StrCat("teleoperator ", teleoperator_name, " not found"));
  }
  absl::StatusOr<CampaignContext> context = MakeCampaignContext(dataset, *campaign, today);
  if (!context.ok()) return context.status();
  return ExplainPair(*context, MakeTeleoperatorFacts(dataset, *teleoperator), policy);
}

}  // namespace callmatch::matching

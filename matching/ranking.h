// The ranking of eligible teleoperators. Integer arithmetic only (int64, fixed point 1000 = 1.0,
// integer division rounding down), so that the index and an SQL query reproduce it bit for bit.
//
// Components, in this order (docs/matching.md gives each formula):
//   skill_fit, sector_fit, language       from the public profile (public_profile = true)
//   slack, quality, fairness,             from declarations, missions and logs (private)
//   dependence_penalty
// Each ScoreComponent carries its value and the weight it is multiplied by; the penalty's weight
// is the policy's weight negated. score = floor(sum(value * weight) / 1000).
// Order: score descending, then teleoperator name ascending.
#ifndef CALLMATCH_MATCHING_RANKING_H_
#define CALLMATCH_MATCHING_RANKING_H_

#include <cstdint>
#include <vector>

#include "callmatch/v1/matching.pb.h"
#include "matching/rules.h"

namespace callmatch::matching {

inline constexpr int64_t kFixedPointOne = 1000;

// Floor division (rounds toward negative infinity); b > 0.
int64_t FloorDiv(int64_t a, int64_t b);

// Each component, 0..1000 (the penalty's value is a share, 0..1000, counted negatively).
int64_t SkillFit(const CampaignContext& campaign, const v1::Teleoperator& teleoperator);
int64_t SectorFit(const CampaignContext& campaign, const v1::Teleoperator& teleoperator);
int64_t LanguageScore(const CampaignContext& campaign, const v1::Teleoperator& teleoperator);
int64_t Slack(const WorkWeek& work, const v1::MatchingPolicy& policy);
int64_t Quality(const TeleoperatorFacts& teleoperator, const v1::MatchingPolicy& policy);
// Recent assignments: contracts with accept_date set (accepted at some point, whatever the
// state now; a withdrawn proposal is none) whose start_date is set and on or after
// as_of - fairness_window_days.
int64_t RecentAssignments(const CampaignContext& campaign, const TeleoperatorFacts& teleoperator,
                          const v1::MatchingPolicy& policy);
int64_t Fairness(const CampaignContext& campaign, const TeleoperatorFacts& teleoperator,
                 const v1::MatchingPolicy& policy);
// Revenue logged in (as_of - revenue_window_days, as_of]: from the campaign's client, and in all.
struct RevenueShare {
  int64_t from_client = 0;
  int64_t total = 0;
};
RevenueShare TrailingRevenue(const CampaignContext& campaign, const TeleoperatorFacts& teleoperator,
                             const v1::MatchingPolicy& policy);
int64_t DependencePenalty(const CampaignContext& campaign, const TeleoperatorFacts& teleoperator,
                          const v1::MatchingPolicy& policy);

// The seven components, in the order above, with weights and public_profile set.
std::vector<v1::ScoreComponent> ScoreComponents(const RuleInput& in);

// floor(sum(value * weight) / 1000).
int64_t TotalScore(const std::vector<v1::ScoreComponent>& components);

// True when a ranks before b: higher score first, then lower teleoperator name.
bool RanksBefore(const v1::Match& a, const v1::Match& b);

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_RANKING_H_

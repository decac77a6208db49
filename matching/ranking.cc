#include "matching/ranking.h"

#include <algorithm>
#include <set>
#include <string>

#include "matching/segments.h"

namespace callmatch::matching {
namespace {

// The skill a campaign's kind calls for, SKILL_UNSPECIFIED if none.
v1::Skill KindSkill(v1::CampaignKind kind) {
  switch (kind) {
    case v1::CAMPAIGN_KIND_COLD_CALLING:
      return v1::SKILL_COLD_CALLING;
    case v1::CAMPAIGN_KIND_APPOINTMENT_SETTING:
      return v1::SKILL_APPOINTMENT_SETTING;
    case v1::CAMPAIGN_KIND_LEAD_QUALIFICATION:
      return v1::SKILL_LEAD_QUALIFICATION;
    default:
      return v1::SKILL_UNSPECIFIED;
  }
}

v1::ScoreComponent Component(const char* name, int64_t value, int64_t weight, bool public_profile) {
  v1::ScoreComponent c;
  c.set_name(name);
  c.set_value(value);
  c.set_weight(weight);
  c.set_public_profile(public_profile);
  return c;
}

}  // namespace

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) --q;
  return q;
}

int64_t SkillFit(const CampaignContext& campaign, const v1::Teleoperator& t) {
  std::set<int> relevant;
  for (int s : campaign.campaign->skills()) {
    if (s != v1::SKILL_UNSPECIFIED) relevant.insert(s);
  }
  if (const v1::Skill k = KindSkill(campaign.campaign->kind()); k != v1::SKILL_UNSPECIFIED) {
    relevant.insert(k);
  }
  if (relevant.empty()) return kFixedPointOne;
  int64_t held = 0;
  for (int s : relevant) {
    if (std::find(t.skills().begin(), t.skills().end(), s) != t.skills().end()) ++held;
  }
  return held * kFixedPointOne / static_cast<int64_t>(relevant.size());
}

int64_t SectorFit(const CampaignContext& campaign, const v1::Teleoperator& t) {
  const auto& segments = campaign.campaign->segments();
  if (segments.empty()) return 0;
  int64_t sum = 0;
  for (const std::string& c : segments) {
    const int64_t level_c = SegmentLevel(c);
    int64_t best = 0;
    for (const std::string& e : t.sector_experience()) {
      if (!SegmentsOverlap(c, e)) continue;
      const int64_t level_e = SegmentLevel(e);
      const int64_t fit = (level_c == 0 || level_e == 0)
                              ? kFixedPointOne  // unparsed codes overlap only when equal
                              : kFixedPointOne * std::min(level_c, level_e) / level_c;
      best = std::max(best, fit);
    }
    sum += best;
  }
  return sum / segments.size();
}

int64_t LanguageScore(const CampaignContext& campaign, const v1::Teleoperator& t) {
  const auto& languages = campaign.campaign->languages();
  if (languages.empty()) return 0;
  int64_t sum = 0;
  for (const v1::LanguageLevel& l : languages) {
    sum += kFixedPointOne * static_cast<int64_t>(LevelIn(t, l.language())) /
           static_cast<int64_t>(v1::CEFR_LEVEL_NATIVE);
  }
  return sum / languages.size();
}

int64_t Slack(const WorkWeek& work, const v1::MatchingPolicy& policy) {
  const int64_t cap = policy.max_weekly_minutes();
  if (cap <= 0 || !work.status.ok()) return 0;
  const int64_t load = ReferenceWeekTotals(work, /*include_freelance=*/true).total();
  const int64_t slack = std::clamp<int64_t>(cap - load, 0, cap);
  return slack * kFixedPointOne / cap;
}

int64_t Quality(const TeleoperatorFacts& t, const v1::MatchingPolicy& policy) {
  const int64_t a = policy.quality_prior_observations();
  const int64_t prior = policy.quality_prior_permille();
  const int64_t denominator = t.logs.appointments_set + a;
  if (denominator <= 0) return prior;
  return (kFixedPointOne * t.logs.appointments_validated + a * prior) / denominator;
}

int64_t RecentAssignments(const CampaignContext& campaign, const TeleoperatorFacts& t,
                          const v1::MatchingPolicy& policy) {
  const absl::CivilDay since = campaign.as_of - policy.fairness_window_days();
  int64_t n = 0;
  for (const ContractFacts& k : t.contracts) {
    if (k.assignment && k.period.first != kFarPast && k.period.first >= since) ++n;
  }
  return n;
}

int64_t Fairness(const CampaignContext& campaign, const TeleoperatorFacts& t,
                 const v1::MatchingPolicy& policy) {
  return kFixedPointOne / (1 + RecentAssignments(campaign, t, policy));
}

RevenueShare TrailingRevenue(const CampaignContext& campaign, const TeleoperatorFacts& t,
                             const v1::MatchingPolicy& policy) {
  const int32_t after = DayNumber(campaign.as_of - policy.revenue_window_days());
  const int32_t as_of = DayNumber(campaign.as_of);
  RevenueShare share;
  for (const LogTotals::Revenue& r : t.logs.revenue) {
    if (r.day <= after || r.day > as_of) continue;
    share.total += r.minor_units;
    if (t.contracts[r.contract].client_name == campaign.client_name) {
      share.from_client += r.minor_units;
    }
  }
  return share;
}

int64_t DependencePenalty(const CampaignContext& campaign, const TeleoperatorFacts& t,
                          const v1::MatchingPolicy& policy) {
  const RevenueShare share = TrailingRevenue(campaign, t, policy);
  if (share.total <= 0) return 0;
  const int64_t from_client = std::clamp<int64_t>(share.from_client, 0, share.total);
  return from_client * kFixedPointOne / share.total;
}

std::vector<v1::ScoreComponent> ScoreComponents(const RuleInput& in) {
  const v1::Teleoperator& profile = in.teleoperator.data->profile;
  const v1::MatchingPolicy& p = in.policy;
  return {
      Component("skill_fit", SkillFit(in.campaign, profile), p.weight_skill_fit(), true),
      Component("sector_fit", SectorFit(in.campaign, profile), p.weight_sector_fit(), true),
      Component("language", LanguageScore(in.campaign, profile), p.weight_language(), true),
      Component("slack", Slack(in.work, p), p.weight_slack(), false),
      Component("quality", Quality(in.teleoperator, p), p.weight_quality(), false),
      Component("fairness", Fairness(in.campaign, in.teleoperator, p), p.weight_fairness(), false),
      Component("dependence_penalty", DependencePenalty(in.campaign, in.teleoperator, p),
                -p.weight_dependence_penalty(), false),
  };
}

int64_t TotalScore(const std::vector<v1::ScoreComponent>& components) {
  int64_t sum = 0;
  for (const v1::ScoreComponent& c : components) sum += c.value() * c.weight();
  return FloorDiv(sum, kFixedPointOne);
}

bool RanksBefore(const v1::Match& a, const v1::Match& b) {
  if (a.score() != b.score()) return a.score() > b.score();
  return a.teleoperator() < b.teleoperator();
}

}  // namespace callmatch::matching

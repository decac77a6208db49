#include "matching/index/verdict.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "matching/rules.h"
#include "matching/segments.h"
#include "matching/time_model.h"

namespace callmatch::matching {
namespace {

template <typename A, typename B>
bool AnyOverlap(const A& a, const B& b) {
  for (const std::string& x : a) {
    for (const std::string& y : b) {
      if (SegmentsOverlap(x, y)) return true;
    }
  }
  return false;
}

bool SameGroup(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return !SharedGroupKey(a, b).empty();
}

}  // namespace

bool PassesRelationRules(const CampaignContext& c, const TeleoperatorFacts& t,
                         const v1::MatchingPolicy& policy) {
  const auto& segments = c.campaign->segments();
  const int64_t cooloff = policy.former_employee_cooloff_days();
  for (const EmploymentFacts& e : t.employments) {
    const bool current = Overlaps(e.period, c.remaining);
    const bool in_group = SameGroup(e.employer.group_keys, c.client_group_keys);
    // 1. EMPLOYEE_OF_CLIENT: current, or former within the cool-off.
    if (in_group && (current || (e.period.last < c.as_of && c.as_of - e.period.last < cooloff))) {
      return false;
    }
    // 2. COMPETING_EMPLOYER.
    if (current && !in_group && AnyOverlap(e.employer.segments, segments)) return false;
    // 3. NON_COMPETE: current or former, clause in force on the as-of date.
    const v1::Employment& employment = *e.employment;
    if (employment.has_non_compete() && e.period.first <= c.remaining.last &&
        ToCivilDay(employment.non_compete().end_date()).value_or(kFarFuture) >= c.as_of &&
        AnyOverlap(employment.non_compete().segments(), segments)) {
      return false;
    }
    // 4. EXCLUSIVITY.
    if (current && employment.exclusivity_clause() && !employment.employer_authorisation()) {
      return false;
    }
  }
  // 5. CONFLICTING_MISSION.
  for (const ContractFacts& k : t.contracts) {
    if (k.holds_time && Overlaps(k.period, c.remaining) &&
        !SameGroup(k.client_group_keys, c.client_group_keys) &&
        AnyOverlap(k.campaign->segments(), segments)) {
      return false;
    }
  }
  return true;
}

bool PassesLanguage(const CampaignContext& c, const TeleoperatorFacts& t) {
  const v1::Teleoperator& profile = t.data->profile;
  for (const v1::LanguageLevel& need : c.campaign->languages()) {
    const bool listed = std::any_of(
        profile.languages().begin(), profile.languages().end(),
        [&](const auto& l) { return absl::EqualsIgnoreCase(l.language(), need.language()); });
    if (!listed || LevelIn(profile, need.language()) < need.level()) return false;
  }
  return true;
}

bool PassesProfileRules(const CampaignContext& c, const TeleoperatorFacts& t) {
  if (!PassesLanguage(c, t)) return false;
  const v1::Teleoperator& profile = t.data->profile;
  for (int s : c.campaign->skills()) {
    if (s == v1::SKILL_UNSPECIFIED) continue;
    if (std::find(profile.skills().begin(), profile.skills().end(), s) == profile.skills().end()) {
      return false;
    }
  }
  if (!c.countries.empty()) {
    const std::string country = absl::AsciiStrToUpper(profile.establishment().country_code());
    if (std::find(c.countries.begin(), c.countries.end(), country) == c.countries.end()) {
      return false;
    }
  }
  return true;
}

bool PassesRecordRules(const CampaignContext& c, const TeleoperatorFacts& t,
                       const v1::MatchingPolicy& policy) {
  // 11. REGISTRATION.
  const v1::Registration& r = t.data->profile.registration();
  if (r.status() != v1::REGISTRATION_STATUS_VERIFIED) return false;
  const std::optional<absl::CivilDay> verified = ToCivilDay(r.verify_date());
  if (!verified.has_value() || c.as_of - *verified > policy.registration_max_age_days()) {
    return false;
  }
  return t.registration_number_status.ok() && PassesThreshold(c, t);
}

bool PassesThreshold(const CampaignContext& c, const TeleoperatorFacts& t) {
  // 12. CAMPAIGN_THRESHOLD.
  const int64_t min_rate = c.campaign->min_validated_rate_permille();
  const int64_t min_obs = std::max(1, c.campaign->min_quality_observations());
  const int64_t set = t.logs.appointments_set;
  return min_rate <= 0 || set < min_obs || t.logs.appointments_validated * 1000 >= min_rate * set;
}

bool PassesTimeRules(const CampaignContext& c, const TeleoperatorFacts& t, const WorkWeek& work,
                     const v1::MatchingPolicy& p) {
  if (!work.status.ok()) return false;
  // 6. WORKING_TIME: the week, the average, the longest day, the daily rest.
  const bool freelance = p.caps_include_freelance();
  if (ReferenceWeekTotals(work, freelance).total() > p.max_weekly_minutes()) return false;
  const AverageFigures avg = AverageWeeks(c, t, work, p);
  if (avg.total > int64_t{p.max_average_weekly_minutes()} * avg.weeks) return false;
  for (const DayLoad& d : DailyLoads(c, work, freelance, /*include_this_campaign=*/true)) {
    if (d.minutes.total() > p.max_daily_minutes()) return false;
  }
  if (!CheckDailyRest(FixedWork(work, freelance, /*include_this_campaign=*/true), RestSpan(c),
                      p.min_daily_rest_minutes())
           .ok) {
    return false;
  }
  // 7. SCHEDULE.
  if (c.imposed) return FitImposed(c, work).uncovered_minutes == 0;
  const FlexibleFit fit = FitFlexible(c, work, p);
  return fit.placeable >= fit.required;
}

bool IsEligible(const CampaignContext& c, const TeleoperatorFacts& t,
                const v1::MatchingPolicy& policy) {
  return PassesProfileRules(c, t) && PassesRecordRules(c, t, policy) &&
         PassesRelationRules(c, t, policy) && PassesTimeRules(c, t, MakeWorkWeek(c, t), policy);
}

}  // namespace callmatch::matching

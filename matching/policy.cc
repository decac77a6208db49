#include "matching/policy.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace callmatch::matching {
namespace {

absl::Status AtLeast(absl::string_view field, int64_t value, int64_t minimum) {
  if (value >= minimum) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("policy.", field, " is ", value, ", must be at least ", minimum));
}

}  // namespace

v1::MatchingPolicy DefaultPolicy() {
  v1::MatchingPolicy p;
  p.set_former_employee_cooloff_days(kDefaultFormerEmployeeCooloffDays);
  p.set_max_weekly_minutes(kDefaultMaxWeeklyMinutes);
  p.set_max_average_weekly_minutes(kDefaultMaxAverageWeeklyMinutes);
  p.set_average_weeks(kDefaultAverageWeeks);
  p.set_max_daily_minutes(kDefaultMaxDailyMinutes);
  p.set_min_daily_rest_minutes(kDefaultMinDailyRestMinutes);
  p.set_caps_include_freelance(true);
  p.set_registration_max_age_days(kDefaultRegistrationMaxAgeDays);
  p.set_weight_skill_fit(kDefaultWeightSkillFit);
  p.set_weight_sector_fit(kDefaultWeightSectorFit);
  p.set_weight_language(kDefaultWeightLanguage);
  p.set_weight_slack(kDefaultWeightSlack);
  p.set_weight_quality(kDefaultWeightQuality);
  p.set_weight_fairness(kDefaultWeightFairness);
  p.set_weight_dependence_penalty(kDefaultWeightDependencePenalty);
  p.set_quality_prior_permille(kDefaultQualityPriorPermille);
  p.set_quality_prior_observations(kDefaultQualityPriorObservations);
  p.set_fairness_window_days(kDefaultFairnessWindowDays);
  p.set_revenue_window_days(kDefaultRevenueWindowDays);
  return p;
}

absl::Status ValidatePolicy(const v1::MatchingPolicy& p) {
  const struct {
    absl::string_view field;
    int64_t value;
    int64_t minimum;
  } checks[] = {
      {"former_employee_cooloff_days", p.former_employee_cooloff_days(), 0},
      {"max_weekly_minutes", p.max_weekly_minutes(), 1},
      {"max_average_weekly_minutes", p.max_average_weekly_minutes(), 1},
      {"average_weeks", p.average_weeks(), 1},
      {"max_daily_minutes", p.max_daily_minutes(), 1},
      {"min_daily_rest_minutes", p.min_daily_rest_minutes(), 0},
      {"registration_max_age_days", p.registration_max_age_days(), 0},
      {"weight_skill_fit", p.weight_skill_fit(), 0},
      {"weight_sector_fit", p.weight_sector_fit(), 0},
      {"weight_language", p.weight_language(), 0},
      {"weight_slack", p.weight_slack(), 0},
      {"weight_quality", p.weight_quality(), 0},
      {"weight_fairness", p.weight_fairness(), 0},
      {"weight_dependence_penalty", p.weight_dependence_penalty(), 0},
      {"quality_prior_permille", p.quality_prior_permille(), 0},
      {"quality_prior_observations", p.quality_prior_observations(), 0},
      {"fairness_window_days", p.fairness_window_days(), 1},
      {"revenue_window_days", p.revenue_window_days(), 1},
  };
  for (const auto& c : checks) {
    if (absl::Status s = AtLeast(c.field, c.value, c.minimum); !s.ok()) return s;
  }
  // Upper bounds: average_weeks drives a loop over past weeks, and the day counts move the as-of
  // date; a century of days is more than any rule needs.
  constexpr int64_t kMaxDays = 36525;
  const struct {
    absl::string_view field;
    int64_t value;
    int64_t maximum;
  } maxima[] = {
      {"average_weeks", p.average_weeks(), 52},
      {"former_employee_cooloff_days", p.former_employee_cooloff_days(), kMaxDays},
      {"registration_max_age_days", p.registration_max_age_days(), kMaxDays},
      {"fairness_window_days", p.fairness_window_days(), kMaxDays},
      {"revenue_window_days", p.revenue_window_days(), kMaxDays},
  };
  for (const auto& m : maxima) {
    if (m.value > m.maximum) {
      return absl::InvalidArgumentError(
          absl::StrCat("policy.", m.field, " is ", m.value, ", at most ", m.maximum));
    }
  }
  if (p.quality_prior_permille() > 1000) {
    return absl::InvalidArgumentError(absl::StrCat("policy.quality_prior_permille is ",
                                                   p.quality_prior_permille(), ", at most 1000"));
  }
  if (p.min_daily_rest_minutes() > 24 * 60) {
    return absl::InvalidArgumentError("policy.min_daily_rest_minutes is more than a day");
  }
  // Weights multiply values of at most a few thousand: keep sums far from int64 overflow.
  constexpr int64_t kMaxWeight = int64_t{1} << 40;
  for (int64_t w :
       {p.weight_skill_fit(), p.weight_sector_fit(), p.weight_language(), p.weight_slack(),
        p.weight_quality(), p.weight_fairness(), p.weight_dependence_penalty()}) {
    if (w > kMaxWeight) return absl::InvalidArgumentError("policy weight above 2^40");
  }
  return absl::OkStatus();
}

}  // namespace callmatch::matching

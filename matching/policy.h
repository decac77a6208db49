// The matching policy: every parameter of the eligibility rules and of the ranking, in one
// message (v1::MatchingPolicy). DefaultPolicy() holds the platform's defaults; docs/matching.md
// explains each one. A policy is plain data: copy it, change a field, pass it to the rules.
#ifndef CALLMATCH_MATCHING_POLICY_H_
#define CALLMATCH_MATCHING_POLICY_H_

#include <cstdint>

#include "absl/status/status.h"
#include "callmatch/v1/matching.pb.h"

namespace callmatch::matching {

inline constexpr int32_t kDefaultFormerEmployeeCooloffDays = 180;
inline constexpr int32_t kDefaultMaxWeeklyMinutes = 48 * 60;
inline constexpr int32_t kDefaultMaxAverageWeeklyMinutes = 44 * 60;
inline constexpr int32_t kDefaultAverageWeeks = 12;
inline constexpr int32_t kDefaultMaxDailyMinutes = 10 * 60;
inline constexpr int32_t kDefaultMinDailyRestMinutes = 11 * 60;
// Six months, counted in days: half of a leap year, rounded up.
inline constexpr int32_t kDefaultRegistrationMaxAgeDays = 183;
inline constexpr int64_t kDefaultWeightSkillFit = 1000;
inline constexpr int64_t kDefaultWeightSectorFit = 1000;
inline constexpr int64_t kDefaultWeightLanguage = 500;
inline constexpr int64_t kDefaultWeightSlack = 500;
inline constexpr int64_t kDefaultWeightQuality = 1000;
inline constexpr int64_t kDefaultWeightFairness = 500;
inline constexpr int64_t kDefaultWeightDependencePenalty = 1000;
inline constexpr int32_t kDefaultQualityPriorPermille = 500;
inline constexpr int32_t kDefaultQualityPriorObservations = 10;
inline constexpr int32_t kDefaultFairnessWindowDays = 90;
inline constexpr int32_t kDefaultRevenueWindowDays = 365;

// The platform's default policy (caps of the Code du travail, freelance work included).
v1::MatchingPolicy DefaultPolicy();

// INVALID_ARGUMENT naming the field when a parameter makes no sense: a cap, a window or the
// average's week count below 1, a negative cool-off, age, prior or weight, a prior rate above 1000,
// a daily rest above a day; and above their bounds: average_weeks over 52, the cool-off, the
// registration age and the fairness and revenue windows over 36525 days, a weight over 2^40.
absl::Status ValidatePolicy(const v1::MatchingPolicy& policy);

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_POLICY_H_

// Every eligibility rule of the matching engine, one function each, in reason-code order.
// docs/matching.md states each rule's exact definition; this file is its executable form.
//
// A rule reads one campaign context, one teleoperator's facts, their work week and the policy,
// and returns a v1::RuleOutcome: the reason code, passed or not, a sentence with the numbers
// behind the outcome (hours with one decimal) and the raw numbers as Figures (minutes, days,
// per mille, counts). A rule never depends on another's outcome: ExplainEligibility shows them
// all. "Current", "former" and "in force" are at the as-of date; dates are inclusive.
//
// Pure functions of their input, thread-safe.
#ifndef CALLMATCH_MATCHING_RULES_H_
#define CALLMATCH_MATCHING_RULES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "callmatch/v1/common.pb.h"
#include "callmatch/v1/matching.pb.h"
#include "matching/context.h"
#include "matching/workload.h"

namespace callmatch::matching {

struct RuleInput {
  const CampaignContext& campaign;
  const TeleoperatorFacts& teleoperator;
  const WorkWeek& work;
  const v1::MatchingPolicy& policy;
};

// 1. A current employment in the client's group, or a former one that ended fewer than
//    former_employee_cooloff_days days before the as-of date.
v1::RuleOutcome CheckEmployeeOfClient(const RuleInput& in);
// 2. A current employer outside the client's group whose segments overlap the campaign's.
v1::RuleOutcome CheckCompetingEmployer(const RuleInput& in);
// 3. A non-compete clause of a current or former employment, in force on the as-of date (its end
//    date on or after it), whose segments overlap the campaign's.
v1::RuleOutcome CheckNonCompete(const RuleInput& in);
// 4. A current employment with an exclusivity clause and no employer authorisation on file.
v1::RuleOutcome CheckExclusivity(const RuleInput& in);
// 5. An ACCEPTED or ACTIVE contract for a client outside the campaign's client group, whose
//    period overlaps the remaining period and whose campaign's segments overlap this one's.
v1::RuleOutcome CheckConflictingMission(const RuleInput& in);
// 6. Reference week over max_weekly_minutes, average over max_average_weekly_minutes, a day over
//    max_daily_minutes, or a start of work not followed by min_daily_rest_minutes of rest within
//    24 h (workload.h says what counts).
v1::RuleOutcome CheckWorkingTime(const RuleInput& in);
// 7. Imposed: every window of the reference week inside free time. Flexible: placeable minutes
//    at least weekly_minutes_per_seat.
v1::RuleOutcome CheckSchedule(const RuleInput& in);
// 8. Every campaign language held at its level or above.
v1::RuleOutcome CheckLanguage(const RuleInput& in);
// 9. Every campaign skill held.
v1::RuleOutcome CheckSkill(const RuleInput& in);
// 10. Established in an accepted country.
v1::RuleOutcome CheckCountry(const RuleInput& in);
// 11. Registration VERIFIED, verified at most registration_max_age_days before the as-of date,
//     number well formed (registration.h).
v1::RuleOutcome CheckRegistration(const RuleInput& in);
// 12. Validated-appointment rate at least min_validated_rate_permille once at least
//     max(min_quality_observations, 1) appointments were set.
v1::RuleOutcome CheckCampaignThreshold(const RuleInput& in);

// Every rule, in reason-code order.
std::vector<v1::RuleOutcome> EvaluateRules(const RuleInput& in);

// Helpers the rules and the ranking share.
// "B2" for CEFR_LEVEL_B2, "native", "none".
const char* CefrName(v1::CefrLevel level);
// "cold_calling" for SKILL_COLD_CALLING.
std::string SkillName(v1::Skill skill);
// The teleoperator's level in `language` (ISO 639-1, any case): the highest listed, else
// CEFR_LEVEL_UNSPECIFIED.
v1::CefrLevel LevelIn(const v1::Teleoperator& teleoperator, absl::string_view language);

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_RULES_H_

// The verdict of the eligibility rules without their explanations: pass or fail only, for the
// index's hot path. Each function mirrors its rule in matching/rules.cc, reusing the same helpers
// (workload.h, time_model.h, segments.h) so that the two cannot disagree on a number; the
// differential test (index_test.cc) checks them against the reference path answer for answer.
//
// Pure functions of their input, thread-safe.
#ifndef CALLMATCH_MATCHING_INDEX_VERDICT_H_
#define CALLMATCH_MATCHING_INDEX_VERDICT_H_

#include "callmatch/v1/matching.pb.h"
#include "matching/context.h"
#include "matching/workload.h"

namespace callmatch::matching {

// Rules 1 to 5 (employment, clauses, other missions): the ones the index decides with its
// exclusion sets.
bool PassesRelationRules(const CampaignContext& campaign, const TeleoperatorFacts& teleoperator,
                         const v1::MatchingPolicy& policy);

// Rules 8 to 10 (language, skill, country): the ones the index decides with its bitmaps.
bool PassesProfileRules(const CampaignContext& campaign, const TeleoperatorFacts& teleoperator);
// Rule 8 alone.
bool PassesLanguage(const CampaignContext& campaign, const TeleoperatorFacts& teleoperator);

// Rule 12 alone.
bool PassesThreshold(const CampaignContext& campaign, const TeleoperatorFacts& teleoperator);

// Rules 11 and 12 (registration, the campaign's threshold).
bool PassesRecordRules(const CampaignContext& campaign, const TeleoperatorFacts& teleoperator,
                       const v1::MatchingPolicy& policy);

// Rules 6 and 7 (WORKING_TIME, SCHEDULE), on the pair's work week.
bool PassesTimeRules(const CampaignContext& campaign, const TeleoperatorFacts& teleoperator,
                     const WorkWeek& work, const v1::MatchingPolicy& policy);

// Every rule: whether the pair is eligible (Judge(...).eligible, without the explanations).
bool IsEligible(const CampaignContext& campaign, const TeleoperatorFacts& teleoperator,
                const v1::MatchingPolicy& policy);

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_INDEX_VERDICT_H_

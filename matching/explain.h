// One campaign and one teleoperator: every rule's outcome (all of them, not only the first that
// fails) and, when eligible, the score and its components. Judge() is the one place that
// combines the rules and the ranking; the reference path and ExplainEligibility both use it.
#ifndef CALLMATCH_MATCHING_EXPLAIN_H_
#define CALLMATCH_MATCHING_EXPLAIN_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "callmatch/v1/matching.pb.h"
#include "matching/context.h"
#include "matching/dataset.h"

namespace callmatch::matching {

struct Verdict {
  // Every rule, in reason-code order.
  std::vector<v1::RuleOutcome> outcomes;
  bool eligible = false;
  // Empty and 0 unless eligible.
  std::vector<v1::ScoreComponent> components;
  int64_t score = 0;
  // The failing reason codes, in code order.
  std::vector<v1::ExclusionReason> failing() const;
};

// Applies every rule to the pair and, if all pass, ranks it. The policy must be valid
// (ValidatePolicy).
Verdict Judge(const CampaignContext& campaign, const TeleoperatorFacts& teleoperator,
              const v1::MatchingPolicy& policy);

// The explanation of one pair whose context and facts are already made: Judge() in the
// EligibilityExplanation message. The index explains with facts made from the caller's records.
v1::EligibilityExplanation ExplainPair(const CampaignContext& campaign,
                                       const TeleoperatorFacts& teleoperator,
                                       const v1::MatchingPolicy& policy);

// ExplainEligibility for `campaign_name` and `teleoperator_name` in `dataset`, evaluated with
// `today` as the clock. NOT_FOUND for an unknown campaign or teleoperator; INVALID_ARGUMENT for
// an invalid policy or a campaign the rules cannot evaluate.
absl::StatusOr<v1::EligibilityExplanation> ExplainEligibility(const Dataset& dataset,
                                                              absl::string_view campaign_name,
                                                              absl::string_view teleoperator_name,
                                                              const v1::MatchingPolicy& policy,
                                                              absl::CivilDay today);

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_EXPLAIN_H_

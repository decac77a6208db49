// The reference path: a plain loop over every teleoperator that applies every rule, ranks the
// eligible ones and keeps the top k. It is the oracle the fast index must agree with, answer for
// answer, and the specification of what "eligible" and "rank" mean.
#ifndef CALLMATCH_MATCHING_REFERENCE_H_
#define CALLMATCH_MATCHING_REFERENCE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "callmatch/v1/matching.pb.h"
#include "matching/dataset.h"

namespace callmatch::matching {

struct ReferenceResult {
  // The top k eligible teleoperators, best first (ties by name), with score and components.
  std::vector<v1::Match> top;
  // Every eligible teleoperator (names, sorted).
  std::vector<std::string> eligible;
  // Every excluded teleoperator and all its failing reason codes, in code order.
  std::map<std::string, std::vector<v1::ExclusionReason>> excluded;
  // The as-of date the rules were evaluated at: the later of the campaign's start and today.
  absl::CivilDay as_of;
};

// Matches `campaign_name` against every teleoperator of `dataset`. NOT_FOUND for an unknown
// campaign; INVALID_ARGUMENT for a campaign the rules cannot evaluate (e.g. an unknown time zone).
absl::StatusOr<ReferenceResult> ReferenceMatch(const Dataset& dataset,
                                               absl::string_view campaign_name,
                                               const v1::MatchingPolicy& policy,
                                               absl::CivilDay today, int top_k);

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_REFERENCE_H_

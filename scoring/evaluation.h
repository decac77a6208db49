// Evaluation of compiled rulebooks on a feature vector, without allocating: the score range over
// the unknown features, each remediation's effect recomputed, and the smallest set of
// remediations that brings every rulebook to LOW.
//
// Ranges rest on monotonicity, which the loader enforces (rulebook.h): every test holds on the
// riskier side of its feature, weights are positive, and no combination lowers the score when a
// group's points rise. The score is then non-decreasing in each feature's risk, so over every
// completion of the unknown features it is smallest with all of them at their least risky value
// and largest with all at their most risky value: two evaluations give the exact range.
//
// Thread safety: free functions on immutable rulebooks; safe from any number of threads.
#ifndef CALLMATCH_SCORING_EVALUATION_H_
#define CALLMATCH_SCORING_EVALUATION_H_

#include <array>
#include <cstdint>

#include "absl/types/span.h"
#include "scoring/features.h"
#include "scoring/rulebook.h"

namespace callmatch::scoring {

// At most this many distinct remediations across the rulebooks of one engine.
inline constexpr int kMaxCandidates = 48;

struct RangeResult {
  // Every unknown feature at its least risky value (score_min) and at its most (score_max).
  Evaluation min;
  Evaluation max;
  // Unknown features read by an indicator that fires at max but not at min: the facts that would
  // settle the range.
  FeatureMask unsettled = 0;
};

RangeResult EvaluateRange(const CompiledRulebook& rulebook, const FeatureVector& features);

// A remediation's effect on one rulebook, recomputed with the remediated vector.
struct Counterfactual {
  // Index into CompiledRulebook::remediations().
  int remediation = 0;
  // score_max with it applied, and its band.
  int32_t score = 0;
  v1::RiskBand band = v1::RISK_BAND_UNSPECIFIED;
};

struct RulebookResult {
  RangeResult range;
  // From range.max.score.
  v1::RiskBand band = v1::RISK_BAND_UNSPECIFIED;
  int counterfactual_count = 0;
  std::array<Counterfactual, kMaxRemediations> counterfactuals;
};

// The range and the band; with counterfactuals, also the effect of each remediation named by an
// indicator that fired or is undetermined (at score_max) and that changes the vector, in the
// rulebook's order of remediations.
void AssessRulebook(const CompiledRulebook& rulebook, const FeatureVector& features,
                    bool counterfactuals, RulebookResult* out);

// The distinct remediations (by id; an engine checks that one id means one change everywhere) of
// the rulebooks that change the vector and touch a feature one of them reads, in rulebook order.
struct RemediationCandidates {
  int count = 0;
  std::array<const CompiledRemediation*, kMaxCandidates> items{};
};
RemediationCandidates CollectCandidates(absl::Span<const CompiledRulebook* const> rulebooks,
                                        const FeatureVector& features);

struct MinimalRemediation {
  // Whether some set of the candidates brings every rulebook to LOW (all of them together do,
  // when any set does).
  bool reachable = false;
  // Bit i set when candidates.items[i] is in the set; 0 and reachable when already LOW.
  uint64_t chosen = 0;
};

// The fewest candidates that bring every rulebook's score_max to LOW; among sets of that size,
// the one with the lowest total score, then the first in candidate order. By monotonicity, a
// candidate without which all the others fail is in every answer; the rest are searched by
// increasing size, so the cost grows with the number of optional candidates in the answer.
MinimalRemediation FindMinimalRemediation(absl::Span<const CompiledRulebook* const> rulebooks,
                                          const FeatureVector& features,
                                          const RemediationCandidates& candidates);

// Whether every rulebook's score_max is LOW for the vector; adds the scores to *total_score when
// it is not null.
bool AllLow(absl::Span<const CompiledRulebook* const> rulebooks, const FeatureVector& features,
            int32_t* total_score);

}  // namespace callmatch::scoring

#endif  // CALLMATCH_SCORING_EVALUATION_H_

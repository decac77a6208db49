// The scoring engine: a set of rulebooks, the choice of those that apply to a contract, and the
// full assessment as the API's messages (callmatch.v1.RiskAssessment).
//
// An assessment gives, per applicable rulebook: the score (score_max: every unknown fact at its
// riskiest) and the range, the band from score_max, the outcome, the indicators that fired (and
// those the unknown facts leave undetermined) with evidence and legal reference, the facts that
// would settle the range, and each remediation's score recomputed with it applied. Across the
// rulebooks: the highest band, and the fewest remediations that bring every one of them to LOW.
//
// Example:
//   absl::StatusOr<Engine> engine = Engine::LoadDirectory("scoring/rulebooks");
//   absl::StatusOr<v1::RiskAssessment> a = engine->Assess(facts, {"eu-2021-proposal"});
//
// Thread safety: an Engine is immutable once created; its const methods may be called from any
// number of threads.
#ifndef CALLMATCH_SCORING_ENGINE_H_
#define CALLMATCH_SCORING_ENGINE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "callmatch/v1/scoring.pb.h"
#include "scoring/evaluation.h"
#include "scoring/rulebook.h"

namespace callmatch::scoring {

class Engine {
 public:
  // Takes the rulebooks. INVALID_ARGUMENT ("file:line: reason") when two share an id, when one
  // remediation id means different changes in two rulebooks, or when they define more than
  // kMaxCandidates distinct remediations.
  static absl::StatusOr<Engine> Create(
      std::vector<std::unique_ptr<const CompiledRulebook>> rulebooks);
  // Loads every *.textproto of a directory (LoadRulebookDirectory), then Create.
  static absl::StatusOr<Engine> LoadDirectory(absl::string_view dir);

  Engine(Engine&&) = default;
  Engine& operator=(Engine&&) = default;

  // In load order.
  const std::vector<std::unique_ptr<const CompiledRulebook>>& rulebooks() const {
    return rulebooks_;
  }
  // nullptr when no rulebook has this id.
  const CompiledRulebook* Find(absl::string_view id) const;
  v1::ListRulebooksResponse ListRulebooks() const;

  // The rulebooks that apply to the facts (applicability.h), then those named that do not, each
  // once, in load order. NOT_FOUND for a name no rulebook has.
  absl::StatusOr<std::vector<const CompiledRulebook*>> Select(
      const v1::ContractFacts& facts, absl::Span<const std::string> named) const;

  // The full assessment. INVALID_ARGUMENT for facts out of range (ValidateFacts), NOT_FOUND for an
  // unknown rulebook id. When no rulebook applies, the assessment is empty with band UNSPECIFIED
  // and low_reachable false.
  absl::StatusOr<v1::RiskAssessment> Assess(const v1::ContractFacts& facts,
                                            absl::Span<const std::string> named = {}) const;
  absl::StatusOr<v1::RiskAssessment> Assess(const v1::ScoreTermsRequest& request) const;

  // The assessment by the given rulebooks of valid facts (no selection, no validation).
  static v1::RiskAssessment AssessWith(absl::Span<const CompiledRulebook* const> rulebooks,
                                       const v1::ContractFacts& facts);

 private:
  explicit Engine(std::vector<std::unique_ptr<const CompiledRulebook>> rulebooks)
      : rulebooks_(std::move(rulebooks)) {}

  std::vector<std::unique_ptr<const CompiledRulebook>> rulebooks_;
};

}  // namespace callmatch::scoring

#endif  // CALLMATCH_SCORING_ENGINE_H_

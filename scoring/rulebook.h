// Rulebooks: loading a text-format file (scoring/rulebook.proto), checking it, and compiling it
// into flat arrays that evaluate a resolved feature vector without allocating.
//
// A rulebook is refused at load, with "file:line: reason", when it does not parse, names an
// unknown feature, group, level, outcome or remediation, leaves an outcome without a score, has a
// test that rewards less risk (every test must hold on the riskier side of its feature, so that
// the score is monotone in every feature), or a table whose outcome falls when a section's level
// rises. Monotonicity is what lets an unknown feature's range be taken at its two ends.
//
// Thread safety: a CompiledRulebook is immutable once loaded; its const methods may be called
// from any number of threads.
#ifndef CALLMATCH_SCORING_RULEBOOK_H_
#define CALLMATCH_SCORING_RULEBOOK_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "callmatch/v1/common.pb.h"
#include "google/protobuf/text_format.h"
#include "scoring/features.h"
#include "scoring/rulebook.pb.h"

namespace callmatch::scoring {

inline constexpr int kMaxIndicators = 64;
inline constexpr int kMaxGroups = 16;
inline constexpr int kMaxRemediations = 32;
inline constexpr int kMaxChanges = 4;
// Conditions in one indicator's all, and in its any.
inline constexpr int kMaxConditions = 16;
// TABLE: the number of level combinations (product over groups).
inline constexpr int kMaxTableCells = 4096;

// One compiled change of a remediation: the feature goes to at most `value`'s risk.
struct FeatureChange {
  Feature feature;
  int32_t value;
};

struct CompiledRemediation {
  std::string id;
  std::string description_en;
  std::string description_fr;
  int change_count = 0;
  std::array<FeatureChange, kMaxChanges> changes;
  // Where it is defined, for error messages.
  int line = 0;
};

// The result of one evaluation on a resolved vector.
struct Evaluation {
  // Bit i set when indicator i (in file order, across groups) fired.
  uint64_t fired = 0;
  int32_t score = 0;
  // Index into spec().outcomes().
  int outcome = 0;
};

class CompiledRulebook {
 public:
  // Checks and compiles a parsed rulebook. `tree` (may be null) gives the lines for errors.
  static absl::StatusOr<std::unique_ptr<const CompiledRulebook>> Compile(
      Rulebook spec, absl::string_view file,
      const google::protobuf::TextFormat::ParseInfoTree* tree);

  const Rulebook& spec() const { return spec_; }
  const std::string& id() const { return spec_.id(); }
  const std::string& version() const { return spec_.version(); }
  const std::string& file() const { return file_; }
  // The effective date as year * 10000 + month * 100 + day; 0 when always in force.
  int32_t effective_date() const { return effective_date_; }

  // Evaluates a vector whose every feature is known (FeatureVector::Resolved).
  Evaluation Evaluate(const FeatureVector& resolved) const;
  v1::RiskBand Band(int32_t score) const;

  // Features some indicator reads.
  FeatureMask features() const { return features_; }
  int indicator_count() const { return static_cast<int>(indicators_.size()); }
  // The indicator's spec and what it reads.
  const Indicator& indicator(int i) const { return *indicator_specs_[i]; }
  FeatureMask indicator_features(int i) const { return indicators_[i].features; }
  // Index into remediations() of the remediation that clears indicator i, or -1.
  int indicator_remediation(int i) const { return indicators_[i].remediation; }
  const std::vector<CompiledRemediation>& remediations() const { return remediations_; }

  // For evidence: the conditions of indicator i, those of all first, then those of any.
  int condition_count(int i) const { return indicators_[i].all_count + indicators_[i].any_count; }
  Feature condition_feature(int i, int k) const {
    return conditions_[indicators_[i].first + k].feature;
  }
  bool condition_in_any(int i, int k) const { return k >= indicators_[i].all_count; }
  // Whether condition k of indicator i holds for a value of its feature.
  bool condition_holds(int i, int k, int32_t value) const {
    const Cond& c = conditions_[indicators_[i].first + k];
    return value >= c.lo && value <= c.hi;
  }

 private:
  struct Cond {
    Feature feature;
    int32_t lo;
    int32_t hi;
  };
  struct Ind {
    uint16_t first;
    uint8_t all_count;
    uint8_t any_count;
    uint8_t group;
    int8_t remediation;
    int32_t weight;
    FeatureMask features;
  };

  CompiledRulebook() = default;
  int Combine(const int32_t* points, int32_t* score) const;
  int32_t SumScore(int32_t total, int* outcome) const;
  int ThresholdOutcome(int32_t value) const;

  Rulebook spec_;
  std::string file_;
  int32_t effective_date_ = 0;
  FeatureMask features_ = 0;
  Combination::Mode mode_ = Combination::MODE_UNSPECIFIED;
  std::vector<Cond> conditions_;
  std::vector<Ind> indicators_;
  std::vector<const Indicator*> indicator_specs_;
  int group_count_ = 0;
  // Per group: decisive_from, and the outcome when it fails (ANY_FAILS).
  std::array<int32_t, kMaxGroups> decisive_from_{};
  std::array<int, kMaxGroups> fail_outcome_{};
  // Per group (TABLE): its levels' from_points, and its stride in table_.
  std::array<std::vector<int32_t>, kMaxGroups> level_from_;
  std::array<int, kMaxGroups> stride_{};
  std::vector<int16_t> table_;
  int default_outcome_ = 0;
  // Per outcome: its score and from.
  std::vector<int32_t> outcome_score_;
  std::vector<int32_t> outcome_from_;
  int32_t full_scale_points_ = 0;
  int32_t medium_from_ = 0;
  int32_t high_from_ = 0;
  int32_t critical_from_ = 0;
  std::vector<CompiledRemediation> remediations_;
};

// Parses and compiles rulebook text; `file` names it in errors.
absl::StatusOr<std::unique_ptr<const CompiledRulebook>> ParseRulebook(absl::string_view text,
                                                                      absl::string_view file);
// Reads one file.
absl::StatusOr<std::unique_ptr<const CompiledRulebook>> LoadRulebookFile(absl::string_view path);
// Reads every *.textproto of a directory, in file name order. Fails on the first bad file.
absl::StatusOr<std::vector<std::unique_ptr<const CompiledRulebook>>> LoadRulebookDirectory(
    absl::string_view dir);

// Applies a remediation to a vector: each changed feature becomes known, at the less risky of its
// value and the change's. Never raises risk.
void ApplyRemediation(const CompiledRemediation& remediation, FeatureVector* features);
// "terms.supervision = RESULTS_ONLY", "terms.planned_duration_days <= 180".
std::string DescribeChange(const FeatureChange& change);

}  // namespace callmatch::scoring

#endif  // CALLMATCH_SCORING_RULEBOOK_H_

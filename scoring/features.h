// The features the rulebooks test, and the one place that derives them from a contract's facts
// (its terms and, where known, its real history: callmatch.v1.ContractFacts).
//
// A feature is a small integer on a risk scale: a yes/no (0 or 1), a level of a fixed list
// (least risky first), or a number (months, per mille, days, counts). Each feature knows which
// way risk grows. An unset fact gives an unknown feature, never a silent "no": the evaluation
// then runs with every unknown feature at its least and at its most risky value.
//
// Thread safety: the registry is immutable; FeatureVector is a plain value.
#ifndef CALLMATCH_SCORING_FEATURES_H_
#define CALLMATCH_SCORING_FEATURES_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "callmatch/v1/scoring.pb.h"

namespace callmatch::scoring {

// Every feature. The names rulebooks use are in the registry (FeatureInfo::name).
enum class Feature : uint8_t {
  kImposedSchedule,
  kTools,
  kScript,
  kSupervision,
  kReportingLikeStaff,
  kSanctions,
  kClientTraining,
  kOnClientPremises,
  kPayBasis,
  kRateSetByClient,
  kSubstitutionAllowed,
  kMayRefuseWork,
  kExclusivity,
  kPlannedDurationDays,
  kRenewals,
  kMonthsContinuous,
  kRevenueSharePermille,
  kOtherClients12m,
  kFormerEmployee,
  kDaysSinceEmployment,
  kRegistrationValid,
  kCallingInUsualBusiness,
  kOffersServicesPublicly,
};
inline constexpr int kFeatureCount = 23;
// A set of features, one bit each (bit i is Feature i).
using FeatureMask = uint32_t;
static_assert(kFeatureCount <= 32, "FeatureMask holds one bit per feature");

inline constexpr FeatureMask Bit(Feature f) { return FeatureMask{1} << static_cast<int>(f); }

enum class FeatureKind : uint8_t { kYesNo, kLevel, kNumber };

struct FeatureInfo {
  Feature feature;
  // The name rulebooks use, e.g. "supervision".
  absl::string_view name;
  // The fact it comes from, as a field path in ContractFacts, e.g. "terms.supervision".
  absl::string_view fact;
  FeatureKind kind;
  // Values run over [min, max]; risk grows with the value when riskier_when_higher.
  int32_t min;
  int32_t max;
  bool riskier_when_higher;
  // kLevel: the name of each value from min (0) to max, least risky first.
  absl::Span<const absl::string_view> levels;
};

// The registry, in Feature order.
absl::Span<const FeatureInfo> AllFeatures();
const FeatureInfo& Info(Feature f);
// nullptr for a name no feature has.
const FeatureInfo* FindFeature(absl::string_view name);

// The least and most risky values of a feature.
inline int32_t LeastRisky(const FeatureInfo& f) { return f.riskier_when_higher ? f.min : f.max; }
inline int32_t MostRisky(const FeatureInfo& f) { return f.riskier_when_higher ? f.max : f.min; }
// The less risky of two values.
inline int32_t LessRisky(const FeatureInfo& f, int32_t a, int32_t b) {
  return f.riskier_when_higher ? (a < b ? a : b) : (a > b ? a : b);
}

// "REAL_TIME", "true", "800".
std::string FormatValue(const FeatureInfo& f, int32_t value);

// A fixed-size vector of features, each unknown or known with a value. No allocation.
class FeatureVector {
 public:
  bool known(Feature f) const { return (known_ & Bit(f)) != 0; }
  // Meaningful only when known(f).
  int32_t value(Feature f) const { return values_[static_cast<int>(f)]; }
  FeatureMask known_mask() const { return known_; }

  void Set(Feature f, int32_t value) {
    values_[static_cast<int>(f)] = value;
    known_ |= Bit(f);
  }
  void SetBool(Feature f, bool value) { Set(f, value ? 1 : 0); }
  void Clear(Feature f) {
    values_[static_cast<int>(f)] = 0;
    known_ &= ~Bit(f);
  }

  // The vector with every unknown feature at its most (riskiest) or least risky value; every
  // feature is then known.
  FeatureVector Resolved(bool riskiest) const;

  bool operator==(const FeatureVector& other) const = default;

 private:
  std::array<int32_t, kFeatureCount> values_{};
  FeatureMask known_ = 0;
};

// INVALID_ARGUMENT, naming the field, for facts out of range: an enum value the API does not
// define, a negative count or duration, a share above 1000 per mille, days_since_employment
// when former_employee is false.
absl::Status ValidateFacts(const v1::ContractFacts& facts);

// Derives every feature. Never fails: call ValidateFacts first (values out of range are clamped).
FeatureVector DeriveFeatures(const v1::ContractFacts& facts);

// The fact behind a feature as the caller wrote it, for evidence, e.g.
// "terms.pay_model = PER_HOUR", "revenue_share_permille = 800", "terms.supervision unknown".
std::string DescribeFact(Feature f, const v1::ContractFacts& facts, const FeatureVector& features);

}  // namespace callmatch::scoring

#endif  // CALLMATCH_SCORING_FEATURES_H_

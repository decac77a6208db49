#include "scoring/evaluation.h"

#include <bit>

namespace callmatch::scoring {
namespace {

FeatureMask ChangedFeatures(const CompiledRemediation& r) {
  FeatureMask mask = 0;
  for (int i = 0; i < r.change_count; ++i) mask |= Bit(r.changes[i].feature);
  return mask;
}

bool Changes(const CompiledRemediation& r, const FeatureVector& features) {
  FeatureVector after = features;
  ApplyRemediation(r, &after);
  return !(after == features);
}

// The next integer with as many bits set (Gosper's hack).
uint64_t NextSubset(uint64_t m) {
  const uint64_t c = m & (~m + 1);
  const uint64_t r = m + c;
  return (((r ^ m) >> 2) / c) | r;
}

}  // namespace

RangeResult EvaluateRange(const CompiledRulebook& rulebook, const FeatureVector& features) {
  RangeResult out;
  const FeatureMask unknown = rulebook.features() & ~features.known_mask();
  if (unknown == 0) {
    out.max = rulebook.Evaluate(features);
    out.min = out.max;
    return out;
  }
  out.min = rulebook.Evaluate(features.Resolved(/*riskiest=*/false));
  out.max = rulebook.Evaluate(features.Resolved(/*riskiest=*/true));
  uint64_t differ = out.max.fired & ~out.min.fired;
  while (differ != 0) {
    const int i = std::countr_zero(differ);
    differ &= differ - 1;
    out.unsettled |= rulebook.indicator_features(i) & unknown;
  }
  return out;
}

void AssessRulebook(const CompiledRulebook& rulebook, const FeatureVector& features,
                    bool counterfactuals, RulebookResult* out) {
  out->range = EvaluateRange(rulebook, features);
  out->band = rulebook.Band(out->range.max.score);
  out->counterfactual_count = 0;
  if (!counterfactuals) return;
  uint32_t wanted = 0;
  uint64_t fired = out->range.max.fired;
  while (fired != 0) {
    const int i = std::countr_zero(fired);
    fired &= fired - 1;
    const int r = rulebook.indicator_remediation(i);
    if (r >= 0) wanted |= uint32_t{1} << r;
  }
  const auto& remediations = rulebook.remediations();
  while (wanted != 0) {
    const int r = std::countr_zero(wanted);
    wanted &= wanted - 1;
    FeatureVector after = features;
    ApplyRemediation(remediations[r], &after);
    if (after == features) continue;
    const Evaluation e = rulebook.Evaluate(after.Resolved(/*riskiest=*/true));
    out->counterfactuals[out->counterfactual_count++] = {r, e.score, rulebook.Band(e.score)};
  }
}

RemediationCandidates CollectCandidates(absl::Span<const CompiledRulebook* const> rulebooks,
                                        const FeatureVector& features) {
  RemediationCandidates out;
  FeatureMask read = 0;
  for (const CompiledRulebook* rb : rulebooks) read |= rb->features();
  for (const CompiledRulebook* rb : rulebooks) {
    for (const CompiledRemediation& r : rb->remediations()) {
      if (out.count == kMaxCandidates) return out;
      if ((ChangedFeatures(r) & read) == 0 || !Changes(r, features)) continue;
      bool seen = false;
      for (int i = 0; i < out.count && !seen; ++i) seen = out.items[i]->id == r.id;
      if (!seen) out.items[out.count++] = &r;
    }
  }
  return out;
}

namespace {

// AllLow on a vector already resolved at its riskiest.
bool AllLowResolved(absl::Span<const CompiledRulebook* const> rulebooks,
                    const FeatureVector& riskiest, int32_t* total_score) {
  int32_t total = 0;
  for (const CompiledRulebook* rb : rulebooks) {
    const int32_t score = rb->Evaluate(riskiest).score;
    if (rb->Band(score) != v1::RISK_BAND_LOW) return false;
    total += score;
  }
  if (total_score != nullptr) *total_score += total;
  return true;
}

}  // namespace

bool AllLow(absl::Span<const CompiledRulebook* const> rulebooks, const FeatureVector& features,
            int32_t* total_score) {
  return AllLowResolved(rulebooks, features.Resolved(/*riskiest=*/true), total_score);
}

MinimalRemediation FindMinimalRemediation(absl::Span<const CompiledRulebook* const> rulebooks,
                                          const FeatureVector& features,
                                          const RemediationCandidates& candidates) {
  MinimalRemediation out;
  // A remediation on an unknown feature sets it, as it sets the riskiest value it was resolved
  // to: remediations apply to the resolved vector as to the vector itself.
  const FeatureVector base = features.Resolved(/*riskiest=*/true);
  auto low = [&](uint64_t mask, int32_t* total) {
    FeatureVector v = base;
    while (mask != 0) {
      const int i = std::countr_zero(mask);
      mask &= mask - 1;
      ApplyRemediation(*candidates.items[i], &v);
    }
    return AllLowResolved(rulebooks, v, total);
  };
  const int n = candidates.count;
  const uint64_t all = n == 0 ? 0 : (~uint64_t{0} >> (64 - n));
  // Monotonicity: if all of them together do not reach LOW, no subset does.
  if (!low(all, nullptr)) return out;
  out.reachable = true;
  if (low(0, nullptr)) return out;
  // A candidate without which the others cannot reach LOW is in every set that does.
  uint64_t necessary = 0;
  for (int i = 0; i < n; ++i) {
    if (!low(all & ~(uint64_t{1} << i), nullptr)) necessary |= uint64_t{1} << i;
  }
  // Search the others by increasing size.
  std::array<int, kMaxCandidates> optional{};
  int m = 0;
  for (int i = 0; i < n; ++i) {
    if ((necessary & (uint64_t{1} << i)) == 0) optional[m++] = i;
  }
  const uint64_t optional_all = m == 0 ? 0 : (~uint64_t{0} >> (64 - m));
  for (int k = 0; k <= m; ++k) {
    bool found = false;
    int32_t best_total = 0;
    uint64_t sub = k == 0 ? 0 : (uint64_t{1} << k) - 1;
    while (true) {
      uint64_t mask = necessary;
      for (uint64_t bits = sub; bits != 0; bits &= bits - 1) {
        mask |= uint64_t{1} << optional[std::countr_zero(bits)];
      }
      int32_t total = 0;
      if (low(mask, &total) && (!found || total < best_total)) {
        found = true;
        best_total = total;
        out.chosen = mask;
      }
      if (sub == optional_all || k == 0) break;
      sub = NextSubset(sub);
      if (sub > optional_all) break;
    }
    if (found) return out;
  }
  return out;
}

}  // namespace callmatch::scoring

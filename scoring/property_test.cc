// Properties over generated contracts (a fixed seed: the runs are reproducible), checked against
// all six rulebooks: remediations never raise a score, one more risk never lowers one, the range
// holds every completion of the unknown facts, and the minimal remediation set reaches LOW while
// no smaller set does.
#include <bit>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "scoring/engine.h"
#include "scoring/evaluation.h"
#include "scoring/features.h"
#include "scoring/test_facts.h"

namespace callmatch::scoring {
namespace {

using ::callmatch::scoring::testing::Generator;

class PropertyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<Engine> e = Engine::LoadDirectory(CALLMATCH_RULEBOOK_DIR);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = new Engine(*std::move(e));
    for (const auto& rb : engine_->rulebooks()) all_.push_back(rb.get());
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
    all_.clear();
  }

  static int32_t Max(const CompiledRulebook& rb, const FeatureVector& v) {
    return rb.Evaluate(v.Resolved(true)).score;
  }
  static int32_t Min(const CompiledRulebook& rb, const FeatureVector& v) {
    return rb.Evaluate(v.Resolved(false)).score;
  }

  static Engine* engine_;
  static std::vector<const CompiledRulebook*> all_;
};

Engine* PropertyTest::engine_ = nullptr;
std::vector<const CompiledRulebook*> PropertyTest::all_;

TEST_F(PropertyTest, ApplyingARemediationNeverRaisesTheScore) {
  Generator gen(1, 0.2, 0.4);
  for (int n = 0; n < 2000; ++n) {
    const FeatureVector v = DeriveFeatures(gen.Facts());
    for (const CompiledRulebook* rb : all_) {
      const int32_t before = Max(*rb, v);
      for (const CompiledRemediation& r : rb->remediations()) {
        FeatureVector after = v;
        ApplyRemediation(r, &after);
        EXPECT_LE(Max(*rb, after), before) << rb->id() << " " << r.id;
      }
    }
  }
}

TEST_F(PropertyTest, ReportedRemediationEffectsAreRecomputedAndNeverHigher) {
  Generator gen(2, 0.2, 0.4);
  int effects = 0;
  for (int n = 0; n < 1000; ++n) {
    const v1::ContractFacts facts = gen.Facts();
    const FeatureVector v = DeriveFeatures(facts);
    absl::StatusOr<v1::RiskAssessment> a = engine_->Assess(facts);
    ASSERT_TRUE(a.ok()) << a.status();
    for (const v1::RulebookAssessment& ra : a->assessments()) {
      const CompiledRulebook* rb = engine_->Find(ra.rulebook_id());
      ASSERT_NE(rb, nullptr);
      for (const v1::RemediationEffect& e : ra.remediations()) {
        ++effects;
        EXPECT_LE(e.score(), ra.score());
        for (const CompiledRemediation& r : rb->remediations()) {
          if (r.id != e.remediation().id()) continue;
          FeatureVector after = v;
          ApplyRemediation(r, &after);
          EXPECT_EQ(e.score(), Max(*rb, after));
          EXPECT_EQ(e.band(), rb->Band(e.score()));
        }
      }
    }
  }
  EXPECT_GT(effects, 1000);  // The generator does exercise remediations.
}

TEST_F(PropertyTest, AddingOneRiskFeatureNeverLowersTheScore) {
  Generator gen(3, 0.2, 0.4);
  for (int n = 0; n < 3000; ++n) {
    const FeatureVector v = DeriveFeatures(gen.Facts());
    const FeatureInfo& f = AllFeatures()[gen.Uniform(0, kFeatureCount - 1)];
    if (!v.known(f.feature) || v.value(f.feature) == MostRisky(f)) continue;
    // A value strictly riskier than the current one.
    const int32_t cur = v.value(f.feature);
    const int32_t riskier =
        f.riskier_when_higher ? gen.Uniform(cur + 1, f.max) : gen.Uniform(f.min, cur - 1);
    FeatureVector w = v;
    w.Set(f.feature, riskier);
    for (const CompiledRulebook* rb : all_) {
      EXPECT_GE(Max(*rb, w), Max(*rb, v)) << rb->id() << " " << f.name;
      EXPECT_GE(Min(*rb, w), Min(*rb, v)) << rb->id() << " " << f.name;
    }
  }
}

TEST_F(PropertyTest, AddingOneRiskyTermToTheFactsNeverLowersTheAssessment) {
  Generator gen(4, 0.0, 0.3);
  // Each makes one term riskier, whatever it was.
  const std::vector<void (*)(v1::MissionTerms*)> riskier = {
      [](v1::MissionTerms* t) { t->set_imposed_schedule(true); },
      [](v1::MissionTerms* t) { t->set_tools(v1::TOOLS_POLICY_CLIENT_ACCOUNTS); },
      [](v1::MissionTerms* t) { t->set_script(v1::SCRIPT_POLICY_MANDATORY_VERBATIM); },
      [](v1::MissionTerms* t) { t->set_supervision(v1::SUPERVISION_POLICY_REAL_TIME); },
      [](v1::MissionTerms* t) { t->set_sanctions(true); },
      [](v1::MissionTerms* t) { t->set_pay_model(v1::PAY_MODEL_PER_HOUR); },
      [](v1::MissionTerms* t) { t->set_substitution_allowed(false); },
      [](v1::MissionTerms* t) { t->set_may_refuse_work(false); },
      [](v1::MissionTerms* t) { t->set_exclusivity(true); },
  };
  const std::vector<std::string> named = {"eu-2021-proposal"};
  for (int n = 0; n < 1000; ++n) {
    const v1::ContractFacts facts = gen.Facts();
    v1::ContractFacts worse = facts;
    riskier[gen.Uniform(0, static_cast<int>(riskier.size()) - 1)](worse.mutable_terms());
    absl::StatusOr<v1::RiskAssessment> a = engine_->Assess(facts, named);
    absl::StatusOr<v1::RiskAssessment> b = engine_->Assess(worse, named);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->assessments_size(), b->assessments_size());
    for (int i = 0; i < a->assessments_size(); ++i) {
      EXPECT_GE(b->assessments(i).score(), a->assessments(i).score())
          << a->assessments(i).rulebook_id();
    }
    EXPECT_GE(b->band(), a->band());
  }
}

TEST_F(PropertyTest, TheRangeHoldsEveryCompletionOfTheUnknownFacts) {
  Generator gen(5, 0.3, 0.4);
  for (int n = 0; n < 1000; ++n) {
    const FeatureVector v = DeriveFeatures(gen.Facts());
    for (const CompiledRulebook* rb : all_) {
      const RangeResult range = EvaluateRange(*rb, v);
      EXPECT_LE(range.min.score, range.max.score);
      if ((rb->features() & ~v.known_mask()) == 0) {
        EXPECT_EQ(range.min.score, range.max.score);
        EXPECT_EQ(range.unsettled, 0u);
      }
      if (range.min.score != range.max.score) {
        EXPECT_NE(range.unsettled, 0u) << rb->id();
      }
      for (int k = 0; k < 8; ++k) {
        FeatureVector c = v;
        for (const FeatureInfo& f : AllFeatures()) {
          if (!c.known(f.feature)) {
            // Often an end of the scale, else anywhere on it.
            const int pick = gen.Uniform(0, 2);
            c.Set(f.feature, pick == 0 ? f.min : pick == 1 ? f.max : gen.Uniform(f.min, f.max));
          }
        }
        const int32_t score = rb->Evaluate(c).score;
        EXPECT_GE(score, range.min.score) << rb->id();
        EXPECT_LE(score, range.max.score) << rb->id();
      }
    }
  }
}

TEST_F(PropertyTest, SettlingAnUnknownFactNarrowsTheRange) {
  Generator gen(6, 0.4, 0.4);
  for (int n = 0; n < 2000; ++n) {
    const FeatureVector v = DeriveFeatures(gen.Facts());
    const FeatureInfo& f = AllFeatures()[gen.Uniform(0, kFeatureCount - 1)];
    if (v.known(f.feature)) continue;
    FeatureVector w = v;
    w.Set(f.feature, gen.Uniform(f.min, f.max));
    for (const CompiledRulebook* rb : all_) {
      EXPECT_GE(Min(*rb, w), Min(*rb, v)) << rb->id() << " " << f.name;
      EXPECT_LE(Max(*rb, w), Max(*rb, v)) << rb->id() << " " << f.name;
    }
  }
}

TEST_F(PropertyTest, TheMinimalSetReachesLowAndNoSmallerSetDoes) {
  // Benign history and fewer unknowns, so that LOW is often reachable by terms alone.
  Generator gen(7, 0.05, 0.35);
  int reachable = 0;
  int unreachable = 0;
  int nonempty = 0;
  for (int n = 0; n < 1500; ++n) {
    v1::ContractFacts facts = gen.Facts();
    if (gen.Chance(0.7)) {
      facts.set_months_continuous(2);
      facts.set_revenue_share_permille(200);
      facts.set_other_clients_12m(3);
      facts.set_former_employee(false);
      facts.clear_days_since_employment();
      facts.set_calling_in_usual_business(false);
      facts.set_offers_services_publicly(true);
    }
    absl::StatusOr<std::vector<const CompiledRulebook*>> selected = engine_->Select(facts, {});
    ASSERT_TRUE(selected.ok());
    if (selected->empty()) continue;
    const FeatureVector v = DeriveFeatures(facts);
    const RemediationCandidates candidates = CollectCandidates(*selected, v);
    const MinimalRemediation minimal = FindMinimalRemediation(*selected, v, candidates);

    // The proto reports the same set.
    absl::StatusOr<v1::RiskAssessment> a = engine_->Assess(facts);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->low_reachable(), minimal.reachable);
    std::set<std::string> chosen_ids;
    for (int i = 0; i < candidates.count; ++i) {
      if (minimal.chosen & (uint64_t{1} << i)) chosen_ids.insert(candidates.items[i]->id);
    }
    std::set<std::string> reported;
    for (const v1::Remediation& r : a->minimal_remediations()) reported.insert(r.id());
    EXPECT_EQ(reported, chosen_ids);

    auto apply = [&](uint64_t mask) {
      FeatureVector w = v;
      for (int i = 0; i < candidates.count; ++i) {
        if (mask & (uint64_t{1} << i)) ApplyRemediation(*candidates.items[i], &w);
      }
      return w;
    };
    auto all_low = [&](const FeatureVector& w) {
      for (const CompiledRulebook* rb : *selected) {
        if (rb->Band(Max(*rb, w)) != v1::RISK_BAND_LOW) return false;
      }
      return true;
    };
    ASSERT_LE(candidates.count, 20) << "brute force would be too slow";
    const uint64_t subsets = uint64_t{1} << candidates.count;
    if (minimal.reachable) {
      ++reachable;
      if (minimal.chosen != 0) ++nonempty;
      EXPECT_TRUE(all_low(apply(minimal.chosen)));
      const int size = std::popcount(minimal.chosen);
      for (uint64_t m = 0; m < subsets; ++m) {
        if (std::popcount(m) < size) {
          EXPECT_FALSE(all_low(apply(m))) << "a smaller set reaches LOW: " << m;
        }
      }
    } else {
      ++unreachable;
      EXPECT_EQ(minimal.chosen, 0u);
      EXPECT_TRUE(a->minimal_remediations().empty());
      if (candidates.count <= 14) {
        for (uint64_t m = 0; m < subsets; ++m) EXPECT_FALSE(all_low(apply(m))) << m;
      }
    }
  }
  // The generator covers both answers, and sets of more than nothing.
  EXPECT_GT(nonempty, 100);
  EXPECT_GT(unreachable, 100);
  EXPECT_GT(reachable, nonempty);
}

TEST_F(PropertyTest, TheBandComesFromTheUpperEndAndTheContractBandIsTheHighest) {
  Generator gen(8, 0.3, 0.4);
  for (int n = 0; n < 1000; ++n) {
    absl::StatusOr<v1::RiskAssessment> a = engine_->Assess(gen.Facts(), {"eu-2021-proposal"});
    ASSERT_TRUE(a.ok());
    v1::RiskBand highest = v1::RISK_BAND_LOW;
    for (const v1::RulebookAssessment& r : a->assessments()) {
      EXPECT_EQ(r.band(), engine_->Find(r.rulebook_id())->Band(r.score_max()));
      EXPECT_EQ(r.score(), r.score_max());
      EXPECT_LE(r.score_min(), r.score_max());
      // A range names the facts that would settle it.
      if (r.score_min() != r.score_max()) {
        EXPECT_FALSE(r.unknown_facts().empty());
      }
      highest = std::max(highest, r.band());
    }
    EXPECT_EQ(a->band(), highest);
  }
}

}  // namespace
}  // namespace callmatch::scoring

// The engine: which rulebooks apply, and the shape of the assessment.
#include "scoring/engine.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "scoring/applicability.h"
#include "scoring/test_facts.h"

namespace callmatch::scoring {
namespace {

using ::callmatch::scoring::testing::CallCentreInDisguise;
using ::callmatch::scoring::testing::Independent;
using ::callmatch::scoring::testing::SetAsOf;
using ::callmatch::scoring::testing::SetPlace;

class EngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<Engine> e = Engine::LoadDirectory(CALLMATCH_RULEBOOK_DIR);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = new Engine(*std::move(e));
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }

  std::vector<std::string> Selected(const v1::ContractFacts& facts,
                                    std::vector<std::string> named = {}) {
    absl::StatusOr<std::vector<const CompiledRulebook*>> s = engine_->Select(facts, named);
    EXPECT_TRUE(s.ok()) << s.status();
    std::vector<std::string> ids;
    if (s.ok()) {
      for (const CompiledRulebook* rb : *s) ids.push_back(rb->id());
    }
    return ids;
  }

  static Engine* engine_;
};

Engine* EngineTest::engine_ = nullptr;

v1::ContractFacts At(absl::string_view teleoperator, absl::string_view client, int year, int month,
                     int day) {
  v1::ContractFacts f = Independent();
  SetAsOf(&f, year, month, day);
  auto set = [](v1::Location* l, absl::string_view code) {
    l->Clear();
    const size_t dash = code.find('-');
    l->set_country_code(std::string(code.substr(0, 2)));
    if (dash != absl::string_view::npos) l->set_subdivision_code(std::string(code));
  };
  set(f.mutable_teleoperator_location(), teleoperator);
  set(f.mutable_client_location(), client);
  return f;
}

TEST_F(EngineTest, FranceBeforeTheDirective) {
  EXPECT_EQ(Selected(At("FR", "FR-IDF", 2026, 12, 1)), (std::vector<std::string>{"france"}));
}

TEST_F(EngineTest, FranceAndTheDirectiveFromTheSecondOfDecember2026) {
  EXPECT_EQ(Selected(At("FR", "FR", 2026, 12, 2)),
            (std::vector<std::string>{"eu-directive", "france"}));
}

TEST_F(EngineTest, UnknownDateAppliesTheDirective) {
  v1::ContractFacts f = At("FR", "FR", 2026, 1, 1);
  f.clear_as_of();
  EXPECT_EQ(Selected(f), (std::vector<std::string>{"eu-directive", "france"}));
}

TEST_F(EngineTest, CaliforniaSelectsTheAbcTestAndTheIrs) {
  EXPECT_EQ(Selected(At("US-CA", "US-CA", 2027, 1, 1)),
            (std::vector<std::string>{"california-abc", "us-irs"}));
  EXPECT_EQ(Selected(At("US-NY", "US-NY", 2027, 1, 1)), (std::vector<std::string>{"us-irs"}));
}

TEST_F(EngineTest, EachPartysPlaceCounts) {
  EXPECT_EQ(Selected(At("FR", "GB", 2026, 6, 1)), (std::vector<std::string>{"france", "uk-ir35"}));
  EXPECT_EQ(Selected(At("US-CA", "DE", 2027, 1, 1)),
            (std::vector<std::string>{"california-abc", "eu-directive", "us-irs"}));
}

TEST_F(EngineTest, SubdivisionAloneNamesItsCountry) {
  v1::ContractFacts f = At("JP", "JP", 2027, 1, 1);
  f.mutable_client_location()->clear_country_code();
  f.mutable_client_location()->set_subdivision_code("US-CA");
  EXPECT_EQ(Selected(f), (std::vector<std::string>{"california-abc", "us-irs"}));
}

TEST_F(EngineTest, The2021ProposalOnlyWhenNamedAndNamedRulebooksAlwaysRun) {
  EXPECT_EQ(Selected(At("FR", "FR", 2026, 6, 1), {"eu-2021-proposal"}),
            (std::vector<std::string>{"eu-2021-proposal", "france"}));
  EXPECT_EQ(Selected(At("JP", "JP", 2026, 6, 1), {"uk-ir35"}),
            (std::vector<std::string>{"uk-ir35"}));
}

TEST_F(EngineTest, UnknownRulebookIsNotFound) {
  absl::StatusOr<v1::RiskAssessment> a = engine_->Assess(Independent(), {"mars"});
  EXPECT_EQ(a.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(EngineTest, InvalidFactsAreRefused) {
  v1::ContractFacts f = Independent();
  f.set_revenue_share_permille(2000);
  absl::StatusOr<v1::RiskAssessment> a = engine_->Assess(f);
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EngineTest, NoRulebookForThesePlaces) {
  absl::StatusOr<v1::RiskAssessment> a = engine_->Assess(At("JP", "JP", 2027, 1, 1));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(a->assessments().empty());
  EXPECT_EQ(a->band(), v1::RISK_BAND_UNSPECIFIED);
  EXPECT_FALSE(a->low_reachable());
}

TEST_F(EngineTest, ScoreTermsRequestNamesRulebooks) {
  v1::ScoreTermsRequest request;
  *request.mutable_facts() = At("FR", "FR", 2026, 6, 1);
  request.add_rulebook_ids("us-irs");
  absl::StatusOr<v1::RiskAssessment> a = engine_->Assess(request);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->assessments_size(), 2);
  EXPECT_EQ(a->assessments(0).rulebook_id(), "france");
  EXPECT_EQ(a->assessments(1).rulebook_id(), "us-irs");
}

TEST_F(EngineTest, ContractBandIsTheHighestAndRemediationsCarryTheirChanges) {
  v1::ContractFacts f = CallCentreInDisguise();
  SetPlace(&f, "FR");
  SetAsOf(&f, 2026, 6, 1);
  f.set_revenue_share_permille(300);
  f.set_months_continuous(3);
  absl::StatusOr<v1::RiskAssessment> a = engine_->Assess(f, {"uk-ir35"});
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->assessments_size(), 2);
  const v1::RulebookAssessment& fr = a->assessments(0);
  const v1::RulebookAssessment& uk = a->assessments(1);
  EXPECT_EQ(uk.outcome(), "UNDETERMINED");  // Substitution allowed, control high.
  EXPECT_EQ(a->band(), std::max(fr.band(), uk.band()));
  EXPECT_EQ(a->score_max(), std::max(fr.score_max(), uk.score_max()));
  bool found = false;
  for (const v1::RemediationEffect& e : fr.remediations()) {
    if (e.remediation().id() != "no_realtime_monitoring") continue;
    found = true;
    ASSERT_EQ(e.remediation().changes_size(), 1);
    EXPECT_EQ(e.remediation().changes(0), "terms.supervision = PERIODIC_REVIEW");
    EXPECT_FALSE(e.remediation().description_fr().empty());
    EXPECT_LT(e.score(), fr.score());
  }
  EXPECT_TRUE(found);
  // Terms only: LOW is reachable in both, and the set is the fewest changes.
  EXPECT_TRUE(a->low_reachable());
  EXPECT_FALSE(a->minimal_remediations().empty());
}

TEST_F(EngineTest, ListRulebooks) {
  const v1::ListRulebooksResponse list = engine_->ListRulebooks();
  ASSERT_EQ(list.rulebooks_size(), 6);
  for (const v1::RulebookSummary& s : list.rulebooks()) {
    EXPECT_FALSE(s.title().empty());
    EXPECT_FALSE(s.jurisdictions().empty());
    if (s.id() == "eu-directive") {
      EXPECT_EQ(s.effective_date().year(), 2026);
      EXPECT_EQ(s.effective_date().month(), 12);
      EXPECT_EQ(s.effective_date().day(), 2);
    } else {
      EXPECT_FALSE(s.has_effective_date()) << s.id();
    }
    EXPECT_EQ(s.on_request_only(), s.id() == "eu-2021-proposal");
  }
}

TEST(Applicability, EuMemberStates) {
  EXPECT_TRUE(IsEuMemberState("FR"));
  EXPECT_TRUE(IsEuMemberState("de"));
  EXPECT_TRUE(IsEuMemberState("GR"));
  EXPECT_FALSE(IsEuMemberState("GB"));
  EXPECT_FALSE(IsEuMemberState("CH"));
  EXPECT_FALSE(IsEuMemberState(""));
}

}  // namespace
}  // namespace callmatch::scoring

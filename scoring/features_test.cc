#include "scoring/features.h"

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "scoring/test_facts.h"

namespace callmatch::scoring {
namespace {

using ::callmatch::scoring::testing::Independent;

TEST(Features, RegistryNamesAreUniqueAndFound) {
  std::set<std::string> names;
  for (const FeatureInfo& f : AllFeatures()) {
    EXPECT_TRUE(names.insert(std::string(f.name)).second) << f.name;
    ASSERT_NE(FindFeature(f.name), nullptr);
    EXPECT_EQ(FindFeature(f.name)->feature, f.feature);
    EXPECT_EQ(&Info(f.feature), &f);
    EXPECT_LT(f.min, f.max);
    if (f.kind == FeatureKind::kLevel) {
      EXPECT_EQ(static_cast<int32_t>(f.levels.size()), f.max + 1);
    }
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kFeatureCount));
  EXPECT_EQ(FindFeature("no_such_feature"), nullptr);
}

TEST(Features, EmptyFactsGiveOnlyUnknownFeatures) {
  const FeatureVector v = DeriveFeatures(v1::ContractFacts());
  EXPECT_EQ(v.known_mask(), 0u);
}

TEST(Features, EveryFeatureIsKnownForAFullyDescribedContract) {
  const FeatureVector v = DeriveFeatures(Independent());
  for (const FeatureInfo& f : AllFeatures()) EXPECT_TRUE(v.known(f.feature)) << f.name;
  // The independent pattern sits at the least risky end of every yes/no feature.
  for (const FeatureInfo& f : AllFeatures()) {
    if (f.kind == FeatureKind::kYesNo) {
      EXPECT_EQ(v.value(f.feature), LeastRisky(f)) << f.name;
    }
  }
}

TEST(Features, FalseIsKnownNotUnknown) {
  v1::ContractFacts facts;
  facts.mutable_terms()->set_sanctions(false);
  const FeatureVector v = DeriveFeatures(facts);
  EXPECT_TRUE(v.known(Feature::kSanctions));
  EXPECT_EQ(v.value(Feature::kSanctions), 0);
  EXPECT_FALSE(v.known(Feature::kImposedSchedule));
}

TEST(Features, EnumsMapToLevelsAndUnspecifiedIsUnknown) {
  v1::ContractFacts facts;
  v1::MissionTerms* t = facts.mutable_terms();
  t->set_supervision(v1::SUPERVISION_POLICY_REAL_TIME);
  t->set_tools(v1::TOOLS_POLICY_CLIENT_DATA_ONLY);
  t->set_script(v1::SCRIPT_POLICY_NONE);
  t->set_pay_model(v1::PAY_MODEL_PER_HOUR);
  FeatureVector v = DeriveFeatures(facts);
  EXPECT_EQ(FormatValue(Info(Feature::kSupervision), v.value(Feature::kSupervision)), "REAL_TIME");
  EXPECT_EQ(FormatValue(Info(Feature::kTools), v.value(Feature::kTools)), "CLIENT_DATA_ONLY");
  EXPECT_EQ(FormatValue(Info(Feature::kScript), v.value(Feature::kScript)), "NONE");
  EXPECT_EQ(FormatValue(Info(Feature::kPayBasis), v.value(Feature::kPayBasis)), "PER_HOUR");
  t->set_pay_model(v1::PAY_MODEL_PER_CALL);
  EXPECT_EQ(DeriveFeatures(facts).value(Feature::kPayBasis), 1);
  t->set_pay_model(v1::PAY_MODEL_FIXED_FEE);
  EXPECT_EQ(DeriveFeatures(facts).value(Feature::kPayBasis), 0);
  t->set_pay_model(v1::PAY_MODEL_UNSPECIFIED);
  t->set_supervision(v1::SUPERVISION_POLICY_UNSPECIFIED);
  v = DeriveFeatures(facts);
  EXPECT_FALSE(v.known(Feature::kPayBasis));
  EXPECT_FALSE(v.known(Feature::kSupervision));
}

TEST(Features, FormerEmploymentSettlesBothFeaturesOrNeither) {
  v1::ContractFacts facts;
  facts.set_former_employee(false);
  FeatureVector v = DeriveFeatures(facts);
  EXPECT_EQ(v.value(Feature::kFormerEmployee), 0);
  ASSERT_TRUE(v.known(Feature::kDaysSinceEmployment));
  EXPECT_EQ(v.value(Feature::kDaysSinceEmployment),
            LeastRisky(Info(Feature::kDaysSinceEmployment)));

  facts.set_former_employee(true);
  v = DeriveFeatures(facts);
  EXPECT_EQ(v.value(Feature::kFormerEmployee), 1);
  EXPECT_FALSE(v.known(Feature::kDaysSinceEmployment));

  facts.clear_former_employee();
  facts.set_days_since_employment(30);
  v = DeriveFeatures(facts);
  EXPECT_EQ(v.value(Feature::kFormerEmployee), 1);
  EXPECT_EQ(v.value(Feature::kDaysSinceEmployment), 30);
}

TEST(Features, HistoryFactsAreNumbers) {
  v1::ContractFacts facts;
  facts.set_months_continuous(14);
  facts.set_revenue_share_permille(800);
  facts.set_other_clients_12m(0);
  facts.mutable_terms()->set_renewals(0);
  const FeatureVector v = DeriveFeatures(facts);
  EXPECT_EQ(v.value(Feature::kMonthsContinuous), 14);
  EXPECT_EQ(v.value(Feature::kRevenueSharePermille), 800);
  ASSERT_TRUE(v.known(Feature::kOtherClients12m));
  EXPECT_EQ(v.value(Feature::kOtherClients12m), 0);
  ASSERT_TRUE(v.known(Feature::kRenewals));  // 0 renewals is a fact: renewals is optional.
  EXPECT_FALSE(v.known(Feature::kPlannedDurationDays));
  facts.mutable_terms()->set_planned_duration_days(0);  // 0 days is unknown.
  EXPECT_FALSE(DeriveFeatures(facts).known(Feature::kPlannedDurationDays));
  facts.mutable_terms()->set_planned_duration_days(120);
  EXPECT_EQ(DeriveFeatures(facts).value(Feature::kPlannedDurationDays), 120);
}

TEST(Features, ResolvedPutsUnknownsAtEitherEnd) {
  FeatureVector v;
  v.SetBool(Feature::kSanctions, false);
  const FeatureVector most = v.Resolved(true);
  const FeatureVector least = v.Resolved(false);
  EXPECT_EQ(most.known_mask(), (FeatureMask{1} << kFeatureCount) - 1);
  EXPECT_EQ(most.value(Feature::kSanctions), 0);  // Known values stay.
  EXPECT_EQ(most.value(Feature::kImposedSchedule), 1);
  EXPECT_EQ(least.value(Feature::kImposedSchedule), 0);
  EXPECT_EQ(most.value(Feature::kSubstitutionAllowed), 0);  // Protective: riskiest when false.
  EXPECT_EQ(least.value(Feature::kSubstitutionAllowed), 1);
  EXPECT_EQ(most.value(Feature::kOtherClients12m), 0);
  EXPECT_EQ(most.value(Feature::kSupervision), 2);
  EXPECT_EQ(most.value(Feature::kRevenueSharePermille), 1000);
}

TEST(Features, ValidationNamesTheFieldAtFault) {
  EXPECT_TRUE(ValidateFacts(Independent()).ok());
  EXPECT_TRUE(ValidateFacts(v1::ContractFacts()).ok());
  struct Case {
    void (*mutate)(v1::ContractFacts*);
    const char* field;
  };
  const Case cases[] = {
      {[](v1::ContractFacts* f) { f->set_revenue_share_permille(1001); }, "revenue_share_permille"},
      {[](v1::ContractFacts* f) { f->set_months_continuous(-1); }, "months_continuous"},
      {[](v1::ContractFacts* f) { f->set_other_clients_12m(-2); }, "other_clients_12m"},
      {[](v1::ContractFacts* f) { f->mutable_terms()->set_planned_duration_days(-3); },
       "terms.planned_duration_days"},
      {[](v1::ContractFacts* f) { f->mutable_terms()->set_renewals(-1); }, "terms.renewals"},
      {[](v1::ContractFacts* f) {
         f->mutable_terms()->set_supervision(static_cast<v1::SupervisionPolicy>(9));
       },
       "terms.supervision"},
      {[](v1::ContractFacts* f) {
         f->set_former_employee(false);
         f->set_days_since_employment(10);
       },
       "days_since_employment"},
  };
  for (const Case& c : cases) {
    v1::ContractFacts f = Independent();
    c.mutate(&f);
    const absl::Status s = ValidateFacts(f);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_TRUE(absl::StartsWith(s.message(), c.field)) << s;
  }
}

TEST(Features, DescribeFactQuotesTheInput) {
  v1::ContractFacts facts;
  facts.mutable_terms()->set_pay_model(v1::PAY_MODEL_PER_QUALIFIED_LEAD);
  facts.set_revenue_share_permille(800);
  facts.set_former_employee(false);
  const FeatureVector v = DeriveFeatures(facts);
  EXPECT_EQ(DescribeFact(Feature::kPayBasis, facts, v), "terms.pay_model = PER_QUALIFIED_LEAD");
  EXPECT_EQ(DescribeFact(Feature::kRevenueSharePermille, facts, v), "revenue_share_permille = 800");
  EXPECT_EQ(DescribeFact(Feature::kSupervision, facts, v), "terms.supervision unknown");
  EXPECT_EQ(DescribeFact(Feature::kDaysSinceEmployment, facts, v), "former_employee = false");
}

}  // namespace
}  // namespace callmatch::scoring

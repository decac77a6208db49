// The reference path: every teleoperator, every rule, the top k and the excluded with their codes.
#include "matching/reference.h"

#include <gtest/gtest.h>

#include "matching/test_util.h"

namespace callmatch::matching {
namespace {

using testing::D;
using testing::Employment;
using testing::MatchingTest;

class ReferenceTest : public MatchingTest {
 protected:
  void SetUp() override {
    MatchingTest::SetUp();
    Put(testing::Teleoperator("t2"));
    Put(Employment("t2", "e1", ClientSiren()));  // employee of the client...
    v1::Teleoperator t2 = data_.teleoperator("teleoperators/t2")->profile;
    t2.clear_skills();  // ...without the skill
    Put(t2);
    v1::Teleoperator t3 = testing::Teleoperator("t3");
    t3.mutable_languages(0)->set_level(v1::CEFR_LEVEL_C1);  // eligible, lower language score
    Put(t3);
    v1::Teleoperator t4 = testing::Teleoperator("t4");
    t4.mutable_establishment()->set_country_code("DE");
    t4.mutable_registration()->set_number("HRB12345");
    Put(t4);
  }
};

TEST_F(ReferenceTest, ReturnsTopKAndEveryExclusionWithAllItsCodes) {
  absl::StatusOr<ReferenceResult> r = ReferenceMatch(data_, kCampaign, policy_, today_, 1);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->top.size(), 1u);
  EXPECT_EQ(r->top[0].teleoperator(), "teleoperators/t1");
  EXPECT_EQ(r->top[0].rank(), 1);
  EXPECT_EQ(r->top[0].components_size(), 7);
  EXPECT_EQ(r->eligible, (std::vector<std::string>{"teleoperators/t1", "teleoperators/t3"}));
  ASSERT_EQ(r->excluded.size(), 2u);
  EXPECT_EQ(r->excluded.at("teleoperators/t2"),
            (std::vector<v1::ExclusionReason>{v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT,
                                              v1::EXCLUSION_REASON_SKILL}));
  EXPECT_EQ(r->excluded.at("teleoperators/t4"),
            (std::vector<v1::ExclusionReason>{v1::EXCLUSION_REASON_COUNTRY}));
  EXPECT_EQ(r->as_of, absl::CivilDay(2027, 3, 1));
}

TEST_F(ReferenceTest, AgreesWithExplainForEveryTeleoperator) {
  absl::StatusOr<ReferenceResult> r = ReferenceMatch(data_, kCampaign, policy_, today_, 10);
  ASSERT_TRUE(r.ok());
  int matched = 0;
  for (const auto& [name, data] : data_.teleoperators()) {
    const v1::EligibilityExplanation e = Explain(name);
    const bool eligible =
        std::find(r->eligible.begin(), r->eligible.end(), name) != r->eligible.end();
    EXPECT_EQ(e.eligible(), eligible) << name;
    // The same failing reason codes, in code order.
    std::vector<v1::ExclusionReason> failing;
    for (const v1::RuleOutcome& o : e.outcomes()) {
      if (!o.passed()) failing.push_back(o.rule());
    }
    auto excluded = r->excluded.find(name);
    EXPECT_EQ(excluded != r->excluded.end(), !eligible) << name;
    if (excluded != r->excluded.end()) {
      EXPECT_EQ(excluded->second, failing) << name;
    }
    // The same score and the same components, in the same order.
    for (const v1::Match& m : r->top) {
      if (m.teleoperator() != name) continue;
      ++matched;
      EXPECT_EQ(m.score(), e.score()) << name;
      ASSERT_EQ(m.components_size(), e.components_size()) << name;
      for (int i = 0; i < m.components_size(); ++i) {
        EXPECT_EQ(m.components(i).SerializeAsString(), e.components(i).SerializeAsString())
            << name << " component " << i;
      }
    }
  }
  EXPECT_EQ(matched, 2);  // t1 and t3
  EXPECT_EQ(r->excluded.size(), 2u);
}

TEST_F(ReferenceTest, TopZeroKeepsTheEligibleList) {
  absl::StatusOr<ReferenceResult> r = ReferenceMatch(data_, kCampaign, policy_, today_, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->top.empty());
  EXPECT_EQ(r->eligible.size(), 2u);
}

TEST_F(ReferenceTest, AsOfIsTheLaterOfCampaignStartAndToday) {
  absl::StatusOr<ReferenceResult> r =
      ReferenceMatch(data_, kCampaign, policy_, absl::CivilDay(2027, 4, 7), 10);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->as_of, absl::CivilDay(2027, 4, 7));
  *campaign_.mutable_start_date() = D(2027, 5, 3);
  PutCampaign();
  r = ReferenceMatch(data_, kCampaign, policy_, absl::CivilDay(2027, 4, 7), 10);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->as_of, absl::CivilDay(2027, 5, 3));
}

TEST_F(ReferenceTest, ErrorsForUnknownCampaignBadZoneOrPolicy) {
  EXPECT_EQ(
      ReferenceMatch(data_, "companies/client/campaigns/x", policy_, today_, 10).status().code(),
      absl::StatusCode::kNotFound);
  campaign_.mutable_calling_windows()->set_time_zone("Mars/Olympus");
  PutCampaign();
  absl::Status bad_zone = ReferenceMatch(data_, kCampaign, policy_, today_, 10).status();
  EXPECT_EQ(bad_zone.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_zone.message().find("time_zone"), absl::string_view::npos);
  campaign_.mutable_calling_windows()->set_time_zone("Europe/Paris");
  PutCampaign();
  v1::MatchingPolicy zero;
  EXPECT_EQ(ReferenceMatch(data_, kCampaign, zero, today_, 10).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReferenceMatch(data_, kCampaign, policy_, today_, -1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace callmatch::matching

// The ranking: each component, the integer total and the deterministic order.
#include "matching/ranking.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "matching/reference.h"
#include "matching/test_util.h"

namespace callmatch::matching {
namespace {

using testing::Company;
using testing::Contract;
using testing::D;
using testing::Daily;
using testing::Employment;
using testing::Log;
using testing::MatchingTest;
using testing::Schedule;

class RankingTest : public MatchingTest {
 protected:
  CampaignContext Context() {
    absl::StatusOr<CampaignContext> c = MakeCampaignContext(data_, campaign_, today_);
    EXPECT_TRUE(c.ok()) << c.status();
    return *c;
  }
  TeleoperatorFacts Facts() {
    return MakeTeleoperatorFacts(data_, *data_.teleoperator(kTeleoperator));
  }
  int64_t Component(const std::string& name) {
    const v1::EligibilityExplanation e = Explain();
    EXPECT_TRUE(e.eligible());
    for (const v1::ScoreComponent& c : e.components()) {
      if (c.name() == name) return c.value();
    }
    ADD_FAILURE() << "no component " << name;
    return -1;
  }
  // A finished mission for `client_id`'s campaign `campaign_id` (created if needed).
  v1::Contract PastMission(const std::string& client_id, const std::string& id) {
    if (data_.company("companies/" + client_id) == nullptr) {
      Put(Company(client_id, "542051180", "", {"47.11"}));
    }
    v1::Campaign c = testing::Campaign(client_id, "past-" + id);
    c.set_segments(0, "47.11");
    Put(c);
    v1::Contract k = Contract("t1", id, c, v1::CONTRACT_STATE_TERMINATED);
    *k.mutable_start_date() = D(2026, 1, 5);
    *k.mutable_end_date() = D(2026, 12, 31);
    Put(k);
    return k;
  }
};

TEST_F(RankingTest, SkillFitCountsTheCampaignKindSkill) {
  campaign_.set_skills(0, v1::SKILL_LEAD_QUALIFICATION);  // kind: cold calling
  PutCampaign();
  v1::Teleoperator t = Profile();
  t.set_skills(0, v1::SKILL_LEAD_QUALIFICATION);
  Put(t);
  EXPECT_EQ(Component("skill_fit"), 500);
  t.add_skills(v1::SKILL_COLD_CALLING);
  Put(t);
  EXPECT_EQ(Component("skill_fit"), 1000);
}

TEST_F(RankingTest, SectorFitByDepthOfExperience) {
  campaign_.set_segments(0, "82.20");
  PutCampaign();
  v1::Teleoperator t = Profile();
  const CampaignContext c = Context();
  const struct {
    const char* experience;
    int64_t fit;
  } cases[] = {{"82.20", 1000}, {"82.20Z", 1000}, {"82.2", 750},
               {"82", 500},     {"N", 250},       {"62.01", 0}};
  for (const auto& k : cases) {
    t.set_sector_experience(0, k.experience);
    EXPECT_EQ(SectorFit(c, t), k.fit) << k.experience;
  }
  campaign_.add_segments("62.01");
  t.set_sector_experience(0, "82.2");
  EXPECT_EQ(SectorFit(Context(), t), 375);  // (750 + 0) / 2
}

TEST_F(RankingTest, LanguageScoreByLevel) {
  EXPECT_EQ(Component("language"), 1000);  // native
  v1::Teleoperator t = Profile();
  t.mutable_languages(0)->set_level(v1::CEFR_LEVEL_C1);
  Put(t);
  EXPECT_EQ(Component("language"), 714);  // 5000 / 7
  v1::LanguageLevel* en = campaign_.add_languages();
  en->set_language("en");
  en->set_level(v1::CEFR_LEVEL_A1);
  PutCampaign();
  v1::LanguageLevel* ten = t.add_languages();
  ten->set_language("en");
  ten->set_level(v1::CEFR_LEVEL_B2);
  Put(t);
  EXPECT_EQ(Component("language"), (714 + 571) / 2);
}

TEST_F(RankingTest, SlackIsHeadroomUnderTheWeeklyCap) {
  EXPECT_EQ(Component("slack"), (2880 - 480) * 1000 / 2880);
  v1::Employment e = Employment("t1", "job", "542051180");
  *e.mutable_schedule() = Schedule("Europe/Paris", Daily(9 * 60, 13 * 60));  // 20 h
  Put(e);
  EXPECT_EQ(Component("slack"), 416);  // 1200 * 1000 / 2880
}

TEST_F(RankingTest, QualityIsSmoothedTowardThePrior) {
  EXPECT_EQ(Component("quality"), 500);  // no observation: the prior
  const v1::Contract k = PastMission("other", "k1");
  Put(Log(k, absl::CivilDay(2026, 6, 2), 60, 10, 10));
  EXPECT_EQ(Component("quality"), 750);  // (10000 + 10 * 500) / 20
  Put(Log(k, absl::CivilDay(2026, 6, 3), 60, 90, 90));
  EXPECT_EQ(Component("quality"), 954);  // (100000 + 5000) / 110
  // Validations beyond the appointments set are capped per log.
  Put(Log(k, absl::CivilDay(2026, 6, 3), 60, 90, 200));
  EXPECT_EQ(Component("quality"), 954);
}

TEST_F(RankingTest, FairnessCountsRecentAssignments) {
  EXPECT_EQ(Component("fairness"), 1000);
  const v1::Contract k = PastMission("other", "k1");  // started 2026-01-05: not recent
  EXPECT_EQ(Component("fairness"), 1000);
  v1::Contract recent = k;
  recent.set_name("teleoperators/t1/contracts/k2");
  *recent.mutable_start_date() = ToDate(today_ - 90);  // the window's first day
  *recent.mutable_end_date() = ToDate(today_ - 10);
  Put(recent);
  EXPECT_EQ(Component("fairness"), 500);
  *recent.mutable_start_date() = ToDate(today_ - 91);
  Put(recent);
  EXPECT_EQ(Component("fairness"), 1000);
  *recent.mutable_start_date() = ToDate(today_ - 30);
  recent.set_state(v1::CONTRACT_STATE_DECLINED);  // never accepted: not an assignment
  recent.clear_accept_date();
  Put(recent);
  EXPECT_EQ(Component("fairness"), 1000);
  recent.set_state(v1::CONTRACT_STATE_TERMINATED);  // a withdrawn proposal: still none
  Put(recent);
  EXPECT_EQ(Component("fairness"), 1000);
  *recent.mutable_accept_date() = ToDate(today_ - 31);  // accepted, then terminated: one
  Put(recent);
  EXPECT_EQ(Component("fairness"), 500);
  v1::Contract third = recent;
  third.set_name("teleoperators/t1/contracts/k3");
  Put(third);
  EXPECT_EQ(Component("fairness"), 333);  // 1000 / 3
}

TEST_F(RankingTest, DependencePenaltyIsTheClientsShareOfTrailingRevenue) {
  EXPECT_EQ(Component("dependence_penalty"), 0);
  const v1::Contract own = PastMission("client", "k1");  // this client, another campaign
  const v1::Contract other = PastMission("other", "k2");
  Put(Log(own, today_ - 364, 60, 0, 0, 30000));  // inside (as_of - 365, as_of]
  Put(Log(other, today_ - 100, 60, 0, 0, 70000));
  Put(Log(other, today_ - 365, 60, 0, 0, 900000));  // one day too old
  EXPECT_EQ(Component("dependence_penalty"), 300);
  const v1::EligibilityExplanation e = Explain();
  const v1::ScoreComponent& penalty = e.components(6);
  EXPECT_EQ(penalty.name(), "dependence_penalty");
  EXPECT_EQ(penalty.weight(), -policy_.weight_dependence_penalty());
}

TEST_F(RankingTest, PublicProfileComponentsAreMarked) {
  const v1::EligibilityExplanation e = Explain();
  ASSERT_EQ(e.components_size(), 7);
  const char* names[] = {"skill_fit", "sector_fit", "language",          "slack",
                         "quality",   "fairness",   "dependence_penalty"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(e.components(i).name(), names[i]);
    EXPECT_EQ(e.components(i).public_profile(), i < 3) << names[i];
  }
}

TEST_F(RankingTest, TotalIsFloorOfWeightedSumOverThousand) {
  std::vector<v1::ScoreComponent> c(2);
  c[0].set_value(999);
  c[0].set_weight(1);
  EXPECT_EQ(TotalScore({c[0]}), 0);
  c[1].set_value(1000);
  c[1].set_weight(-1);
  EXPECT_EQ(TotalScore(c), -1);  // floor(-1 / 1000)
  EXPECT_EQ(FloorDiv(-2000, 1000), -2);
  EXPECT_EQ(FloorDiv(-2001, 1000), -3);
  // The explanation's score is the sum of its components.
  const v1::EligibilityExplanation e = Explain();
  int64_t sum = 0;
  for (const v1::ScoreComponent& k : e.components()) sum += k.value() * k.weight();
  EXPECT_EQ(e.score(), FloorDiv(sum, 1000));
  // Fixture: skill 1000, sector 1000, language 1000, slack 833, quality 500, fairness 1000.
  EXPECT_EQ(e.score(),
            (1000 * 1000 + 1000 * 1000 + 1000 * 500 + 833 * 500 + 500 * 1000 + 1000 * 500) / 1000);
}

TEST_F(RankingTest, WeightsComeFromThePolicy) {
  policy_.set_weight_quality(0);
  policy_.set_weight_slack(2000);
  const v1::EligibilityExplanation e = Explain();
  EXPECT_EQ(e.components(3).weight(), 2000);
  EXPECT_EQ(e.components(4).weight(), 0);
}

TEST_F(RankingTest, TiesAreBrokenByNameWhateverTheInsertionOrder) {
  // Tied matches in reverse name order: the order must come from the names alone.
  std::vector<v1::Match> tied;
  for (const char* name : {"teleoperators/t3", "teleoperators/t2", "teleoperators/t10"}) {
    v1::Match m;
    m.set_teleoperator(name);
    m.set_score(1234);
    tied.push_back(m);
  }
  v1::Match best;
  best.set_teleoperator("teleoperators/z");  // sorts last by name, first by score
  best.set_score(1235);
  tied.push_back(best);
  std::sort(tied.begin(), tied.end(), RanksBefore);
  ASSERT_EQ(tied.size(), 4u);
  EXPECT_EQ(tied[0].teleoperator(), "teleoperators/z");
  EXPECT_EQ(tied[1].teleoperator(), "teleoperators/t10");  // byte order: "t10" < "t2"
  EXPECT_EQ(tied[2].teleoperator(), "teleoperators/t2");
  EXPECT_EQ(tied[3].teleoperator(), "teleoperators/t3");

  // Through the real path: equal teleoperators stored in an order that is not name order.
  Dataset data;
  ASSERT_TRUE(data.Upsert(Company("client", ClientSiren(), "", {"62.01"})).ok());
  ASSERT_TRUE(data.Upsert(campaign_).ok());
  for (const char* id : {"t3", "t1", "t2"}) {
    ASSERT_TRUE(data.Upsert(testing::Teleoperator(id)).ok());
  }
  absl::StatusOr<ReferenceResult> first = ReferenceMatch(data, kCampaign, policy_, today_, 10);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->top.size(), 3u);
  EXPECT_EQ(first->top[0].teleoperator(), "teleoperators/t1");
  EXPECT_EQ(first->top[1].teleoperator(), "teleoperators/t2");
  EXPECT_EQ(first->top[2].teleoperator(), "teleoperators/t3");
  EXPECT_EQ(first->top[0].score(), first->top[2].score());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(first->top[i].rank(), i + 1);
}

TEST_F(RankingTest, HigherScoreRanksFirst) {
  v1::Teleoperator weaker = testing::Teleoperator("a-weaker");  // sorts first by name
  weaker.mutable_languages(0)->set_level(v1::CEFR_LEVEL_B2);
  Put(weaker);
  absl::StatusOr<ReferenceResult> r = ReferenceMatch(data_, kCampaign, policy_, today_, 10);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->top.size(), 2u);
  EXPECT_EQ(r->top[0].teleoperator(), kTeleoperator);
  EXPECT_GT(r->top[0].score(), r->top[1].score());
  v1::Match a, b;
  a.set_teleoperator("x");
  a.set_score(5);
  b.set_teleoperator("a");
  b.set_score(4);
  EXPECT_TRUE(RanksBefore(a, b));
  b.set_score(5);
  EXPECT_TRUE(RanksBefore(b, a));
}

}  // namespace
}  // namespace callmatch::matching

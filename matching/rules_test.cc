// Every eligibility rule at its edges. Fixture: test_util.h (campaign from Monday 2027-03-01,
// "today" the same day, so the as-of date and reference week start on 2027-03-01).
#include "matching/rules.h"

#include <gtest/gtest.h>

#include "matching/test_util.h"

namespace callmatch::matching {
namespace {

using testing::At;
using testing::Company;
using testing::Contract;
using testing::D;
using testing::Daily;
using testing::Employment;
using testing::Log;
using testing::MatchingTest;
using testing::Schedule;
using testing::WithLuhn;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class RulesTest : public MatchingTest {};

TEST_F(RulesTest, FixtureTeleoperatorIsEligible) {
  const v1::EligibilityExplanation e = Explain();
  EXPECT_TRUE(e.eligible());
  for (const v1::RuleOutcome& o : e.outcomes()) {
    EXPECT_TRUE(o.passed()) << o.DebugString();
  }
}

// --- 1. EMPLOYEE_OF_CLIENT ----------------------------------------------------------------

TEST_F(RulesTest, EmployeeOfClientCurrentEmployeeExcluded) {
  Put(Employment("t1", "e1", ClientSiren()));
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "current employment at Employer e1")) << o.explanation();
}

TEST_F(RulesTest, EmployeeOfClientFormerLeft179DaysBeforeExcluded) {
  v1::Employment e = Employment("t1", "e1", ClientSiren());
  *e.mutable_end_date() = ToDate(today_ - 179);
  Put(e);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT);
  EXPECT_FALSE(o.passed());
  EXPECT_EQ(Figure(o, "days_since_left"), 179);
  EXPECT_TRUE(Contains(o.explanation(), "179 days before")) << o.explanation();
}

TEST_F(RulesTest, EmployeeOfClientFormerLeft180DaysBeforeEligible) {
  v1::Employment e = Employment("t1", "e1", ClientSiren());
  *e.mutable_end_date() = ToDate(today_ - 180);
  Put(e);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "days_since_left"), 180);
}

TEST_F(RulesTest, EmployeeOfClientFormerLeft181DaysBeforeEligible) {
  v1::Employment e = Employment("t1", "e1", ClientSiren());
  *e.mutable_end_date() = ToDate(today_ - 181);
  Put(e);
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT).passed());
}

TEST_F(RulesTest, EmployeeOfClientCooloffIsAPolicyParameter) {
  v1::Employment e = Employment("t1", "e1", ClientSiren());
  *e.mutable_end_date() = ToDate(today_ - 181);
  Put(e);
  policy_.set_former_employee_cooloff_days(365);
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT).passed());
}

TEST_F(RulesTest, EmployeeOfClientEmploymentStartingMidCampaignExcluded) {
  v1::Employment e = Employment("t1", "e1", ClientSiren());
  *e.mutable_start_date() = D(2027, 5, 3);  // the campaign runs to 2027-06-30
  Put(e);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "starting 2027-05-03 during the campaign"))
      << o.explanation();
}

TEST_F(RulesTest, EmployeeOfClientEmploymentStartingAfterCampaignIgnored) {
  v1::Employment e = Employment("t1", "e1", ClientSiren());
  *e.mutable_start_date() = D(2027, 7, 1);
  Put(e);
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT).passed());
}

TEST_F(RulesTest, EmployeeOfClientSiblingCompanyOfGroupExcluded) {
  // The client and a sibling both belong to the group of parent 552100554; the teleoperator
  // works at the sibling, which is on the platform.
  v1::Company client = Company("client", ClientSiren(), "552100554", {"62.01"});
  Put(client);
  Put(Company("sibling", "542051180", "552100554", {"10.51"}));
  Put(Employment("t1", "e1", "542051180"));  // declares no group: the platform's data prevails
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "shared key 552100554")) << o.explanation();
}

TEST_F(RulesTest, EmployeeOfClientParentCompanyExcluded) {
  Put(Company("client", ClientSiren(), "552100554", {"62.01"}));
  Put(Employment("t1", "e1", "552100554"));  // the parent itself, not on the platform
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT).passed());
}

TEST_F(RulesTest, EmployeeOfClientEmployerKnownOnlyByDeclaration) {
  Put(Company("client", ClientSiren(), "552100554", {"62.01"}));
  // Not a platform company: its declared group decides.
  Put(Employment("t1", "e1", "542051180", "552100554"));
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "declared only")) << o.explanation();
  // Declared in another group: eligible.
  Put(Employment("t1", "e1", "542051180", "403052111"));
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT).passed());
}

TEST_F(RulesTest, EmployeeOfClientPlatformDataPrevailsOverDeclaration) {
  Put(Company("client", ClientSiren(), "552100554", {"62.01"}));
  Put(Company("sibling", "542051180", "552100554"));
  // The declaration names another group, but the platform knows the employer.
  Put(Employment("t1", "e1", "542051180", "403052111"));
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT).passed());
}

TEST_F(RulesTest, EmployeeOfClientUnrelatedEmployerPasses) {
  Put(Employment("t1", "e1", "542051180"));
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT).passed());
}

// --- 2. COMPETING_EMPLOYER ----------------------------------------------------------------

TEST_F(RulesTest, CompetingEmployerInOverlappingSegmentExcluded) {
  Put(Employment("t1", "e1", "542051180", "", {"62"}));  // division 62 covers 62.01
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_COMPETING_EMPLOYER);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "62 (campaign 62.01)")) << o.explanation();
}

TEST_F(RulesTest, CompetingEmployerBySectionLetter) {
  Put(Employment("t1", "e1", "542051180", "", {"J"}));  // 62.01 is in section J
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_COMPETING_EMPLOYER).passed());
}

TEST_F(RulesTest, CompetingEmployerClientsOwnGroupIsNotACompetitor) {
  Put(Employment("t1", "e1", ClientSiren()));  // the client works in 62.01 too
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_COMPETING_EMPLOYER).passed());
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT).passed());
}

TEST_F(RulesTest, CompetingEmployerSiblingClassPasses) {
  Put(Employment("t1", "e1", "542051180", "", {"62.02"}));
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_COMPETING_EMPLOYER).passed());
}

TEST_F(RulesTest, CompetingEmployerFormerEmployerIgnored) {
  v1::Employment e = Employment("t1", "e1", "542051180", "", {"62.01"});
  *e.mutable_end_date() = ToDate(today_ - 1);
  Put(e);
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_COMPETING_EMPLOYER).passed());
}

TEST_F(RulesTest, CompetingEmployerPlatformSegmentsPrevail) {
  Put(Company("rival", "542051180", "", {"62.01"}));
  Put(Employment("t1", "e1", "542051180", "", {"47.11"}));  // declared elsewhere
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_COMPETING_EMPLOYER);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "platform's record")) << o.explanation();
}

// --- 3. NON_COMPETE -----------------------------------------------------------------------

v1::Employment WithClause(v1::Employment e, const std::string& segment, absl::CivilDay end) {
  e.mutable_non_compete()->add_segments(segment);
  *e.mutable_non_compete()->mutable_end_date() = ToDate(end);
  return e;
}

TEST_F(RulesTest, NonCompeteEndingDayBeforeAsOfPasses) {
  v1::Employment e = Employment("t1", "e1", "542051180");
  *e.mutable_end_date() = D(2026, 3, 1);
  Put(WithClause(e, "62", today_ - 1));
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_NON_COMPETE);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "clause_days_after_as_of"), -1);
}

TEST_F(RulesTest, NonCompeteEndingOnAsOfFails) {
  v1::Employment e = Employment("t1", "e1", "542051180");
  *e.mutable_end_date() = D(2026, 3, 1);
  Put(WithClause(e, "62", today_));
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_NON_COMPETE);
  EXPECT_FALSE(o.passed());
  EXPECT_EQ(Figure(o, "clause_days_after_as_of"), 0);
  EXPECT_TRUE(Contains(o.explanation(), "until 2027-03-01")) << o.explanation();
}

TEST_F(RulesTest, NonCompeteMeasuredFromLaterCampaignStart) {
  // today 2027-03-01, campaign starts 2027-04-05: the clause ending 2027-04-04 no longer binds.
  *campaign_.mutable_start_date() = D(2027, 4, 5);
  PutCampaign();
  Put(WithClause(Employment("t1", "e1", "542051180"), "62.01", absl::CivilDay(2027, 4, 4)));
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_NON_COMPETE).passed());
  EXPECT_EQ(Explain().as_of().month(), 4);
}

TEST_F(RulesTest, NonCompeteOtherSegmentPasses) {
  Put(WithClause(Employment("t1", "e1", "542051180"), "62.02", absl::CivilDay(2028, 1, 1)));
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_NON_COMPETE).passed());
}

// --- 4. EXCLUSIVITY -----------------------------------------------------------------------

TEST_F(RulesTest, ExclusivityWithoutAuthorisationFails) {
  v1::Employment e = Employment("t1", "e1", "542051180");
  e.set_exclusivity_clause(true);
  Put(e);
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_EXCLUSIVITY).passed());
  e.set_employer_authorisation(true);
  Put(e);
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_EXCLUSIVITY).passed());
}

TEST_F(RulesTest, ExclusivityOfFormerEmploymentIgnored) {
  v1::Employment e = Employment("t1", "e1", "542051180");
  e.set_exclusivity_clause(true);
  *e.mutable_end_date() = ToDate(today_ - 1);
  Put(e);
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_EXCLUSIVITY).passed());
}

// --- 5. CONFLICTING_MISSION ---------------------------------------------------------------

class ConflictTest : public RulesTest {
 protected:
  void SetUp() override {
    RulesTest::SetUp();
    Put(Company("rival", "542051180", "", {"62.01"}));
    rival_campaign_ = testing::Campaign("rival", "r1");
    rival_campaign_.set_weekly_minutes_per_seat(60);
    Put(rival_campaign_);
  }
  v1::Campaign rival_campaign_;
};

TEST_F(ConflictTest, ActiveMissionForCompetitorFails) {
  Put(Contract("t1", "k1", rival_campaign_, v1::CONTRACT_STATE_ACTIVE));
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_CONFLICTING_MISSION);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "companies/rival")) << o.explanation();
}

TEST_F(ConflictTest, ProposedOrDeclinedMissionIgnored) {
  Put(Contract("t1", "k1", rival_campaign_, v1::CONTRACT_STATE_PROPOSED));
  Put(Contract("t1", "k2", rival_campaign_, v1::CONTRACT_STATE_DECLINED));
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_CONFLICTING_MISSION).passed());
}

TEST_F(ConflictTest, MissionEndingDayBeforeAsOfPassesOnAsOfFails) {
  v1::Contract k = Contract("t1", "k1", rival_campaign_, v1::CONTRACT_STATE_ACCEPTED);
  *k.mutable_start_date() = D(2027, 1, 4);
  *k.mutable_end_date() = ToDate(today_ - 1);
  Put(k);
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_CONFLICTING_MISSION).passed());
  *k.mutable_end_date() = ToDate(today_);
  Put(k);
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_CONFLICTING_MISSION).passed());
}

TEST_F(ConflictTest, MissionStartingAfterCampaignEndPasses) {
  v1::Contract k = Contract("t1", "k1", rival_campaign_, v1::CONTRACT_STATE_ACCEPTED);
  *k.mutable_start_date() = D(2027, 7, 1);  // the campaign ends 2027-06-30
  *k.mutable_end_date() = D(2027, 9, 30);
  Put(k);
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_CONFLICTING_MISSION).passed());
}

TEST_F(ConflictTest, MissionInOtherSegmentPasses) {
  rival_campaign_.set_segments(0, "47.11");
  Put(rival_campaign_);
  Put(Contract("t1", "k1", rival_campaign_, v1::CONTRACT_STATE_ACTIVE));
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_CONFLICTING_MISSION).passed());
}

TEST_F(ConflictTest, MissionForClientsOwnGroupPasses) {
  Put(Company("client", ClientSiren(), "552100554", {"62.01"}));
  Put(Company("rival", "542051180", "552100554", {"62.01"}));  // a sibling, not a competitor
  Put(Contract("t1", "k1", rival_campaign_, v1::CONTRACT_STATE_ACTIVE));
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_CONFLICTING_MISSION).passed());
}

// --- 6. WORKING_TIME ----------------------------------------------------------------------

// Salaried Monday to Friday 09:00-17:00 (40 h) at a non-competing employer, from `start`.
v1::Employment Salaried(absl::CivilDay start, int from = 9 * 60, int to = 17 * 60) {
  v1::Employment e = Employment("t1", "job", "542051180", "", {"47.11"});
  *e.mutable_schedule() = Schedule("Europe/Paris", Daily(from, to));
  *e.mutable_start_date() = ToDate(start);
  return e;
}

TEST_F(RulesTest, WorkingTimeWeekExactlyAtCapPasses) {
  Put(Salaried(absl::CivilDay(2020, 1, 6)));  // 40 h + campaign 8 h = 48 h
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_EQ(Figure(o, "weekly_minutes"), 2880);
  EXPECT_TRUE(o.passed()) << o.explanation();
}

TEST_F(RulesTest, WorkingTimeWeekOneMinuteOverFails) {
  campaign_.set_weekly_minutes_per_seat(481);
  PutCampaign();
  Put(Salaried(absl::CivilDay(2020, 1, 6)));
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_FALSE(o.passed());
  EXPECT_EQ(Figure(o, "weekly_minutes"), 2881);
  EXPECT_TRUE(Contains(o.explanation(), "48.0 h (2881 min) > cap 48 h")) << o.explanation();
  EXPECT_TRUE(Contains(o.explanation(), "salaried 40 h + other missions 0 h + this campaign 8.0 h"))
      << o.explanation();
}

TEST_F(RulesTest, WorkingTimeDayExactlyAtCapPasses) {
  // Salaried 13:00-19:00, imposed campaign Monday 09:00-13:00: Monday is 10 h.
  Put(Salaried(absl::CivilDay(2020, 1, 6), 13 * 60, 19 * 60));
  *campaign_.mutable_calling_windows() = Schedule("Europe/Paris", {{At(0, 9), At(0, 13)}});
  campaign_.mutable_terms()->set_imposed_schedule(true);
  PutCampaign();
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "max_daily_minutes"), 600);
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_SCHEDULE).passed());
}

TEST_F(RulesTest, WorkingTimeDayOneMinuteOverFails) {
  Put(Salaried(absl::CivilDay(2020, 1, 6), 13 * 60, 19 * 60 + 1));
  *campaign_.mutable_calling_windows() = Schedule("Europe/Paris", {{At(0, 9), At(0, 13)}});
  campaign_.mutable_terms()->set_imposed_schedule(true);
  PutCampaign();
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_FALSE(o.passed());
  EXPECT_EQ(Figure(o, "max_daily_minutes"), 601);
  EXPECT_TRUE(Contains(o.explanation(), "longest day 2027-03-01 (Europe/Paris) 10.0 h (601 min)"))
      << o.explanation();
}

TEST_F(RulesTest, WorkingTimeWindowAcrossMidnightSplitsDays) {
  // Salaried Monday 14:00-22:00 (8 h), imposed campaign Monday 22:00 to Tuesday 02:00: Monday
  // has 8 + 2 = 10 h, Tuesday 2 h. Counted as one day it would be 12 h.
  v1::Employment e = Employment("t1", "job", "542051180");
  *e.mutable_schedule() = Schedule("Europe/Paris", {{At(0, 14), At(0, 22)}});
  Put(e);
  *campaign_.mutable_calling_windows() = Schedule("Europe/Paris", {{At(0, 22), At(1, 2)}});
  campaign_.mutable_terms()->set_imposed_schedule(true);
  PutCampaign();
  v1::Teleoperator t = Profile();
  *t.mutable_availability() = Schedule("Europe/Paris", {{At(0, 8), At(1, 4)}});
  Put(t);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "max_daily_minutes"), 600);
  EXPECT_EQ(Figure(o, "weekly_minutes"), 720);
}

TEST_F(RulesTest, WorkingTimeRestExactlyElevenHoursPasses) {
  // Salaried 08:00-12:00 weekdays; imposed campaign Monday 17:00-21:00: rest 21:00-08:00.
  Put(Salaried(absl::CivilDay(2020, 1, 6), 8 * 60, 12 * 60));
  *campaign_.mutable_calling_windows() = Schedule("Europe/Paris", {{At(0, 17), At(0, 21)}});
  campaign_.mutable_terms()->set_imposed_schedule(true);
  PutCampaign();
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "min_daily_rest_minutes"), 660);
}

TEST_F(RulesTest, WorkingTimeRestOneMinuteShortFails) {
  Put(Salaried(absl::CivilDay(2020, 1, 6), 8 * 60, 12 * 60));
  *campaign_.mutable_calling_windows() = Schedule("Europe/Paris", {{At(0, 17), At(0, 21, 1)}});
  campaign_.mutable_terms()->set_imposed_schedule(true);
  PutCampaign();
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_FALSE(o.passed());
  EXPECT_EQ(Figure(o, "min_daily_rest_minutes"), 659);
  EXPECT_EQ(Figure(o, "max_daily_minutes"), 481);  // the daily cap holds: only rest fails
  EXPECT_TRUE(Contains(o.explanation(), "daily rest 11.0 h (659 min)")) << o.explanation();
}

class AverageTest : public RulesTest {
 protected:
  // Reference week: salaried 40 h starting with the campaign + this campaign 8 h = 48 h. The 11
  // weeks before: logged minutes of a finished mission, 10 x 2600 + one week of `last_week`.
  void Build(int last_week) {
    Put(Salaried(today_));
    v1::Campaign past = OtherClientCampaign("p1");
    Put(past);
    v1::Contract k = Contract("t1", "old", past, v1::CONTRACT_STATE_TERMINATED);
    *k.mutable_start_date() = D(2026, 12, 1);
    *k.mutable_end_date() = D(2027, 2, 28);
    Put(k);
    // Each week's minutes logged on its Tuesday.
    for (int w = 1; w <= 11; ++w) Put(Log(k, today_ - 7 * w + 1, w == 1 ? last_week : 2600));
  }
};

TEST_F(AverageTest, WorkingTimeAverageExactlyAtCapPasses) {
  Build(2800);  // 2880 + 26000 + 2800 = 31680 = 12 x 44 h
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "average_weeks_total_minutes"), 31680);
}

TEST_F(AverageTest, WorkingTimeAverageOneMinuteOverFails) {
  Build(2801);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_FALSE(o.passed());
  EXPECT_EQ(Figure(o, "average_weeks_total_minutes"), 31681);
  EXPECT_EQ(Figure(o, "weekly_minutes"), 2880);  // the week itself is at its cap, not over
  EXPECT_TRUE(Contains(o.explanation(), "12-week average 44 h > cap 44 h (528.0 h (31681 min)"))
      << o.explanation();
  EXPECT_TRUE(Contains(o.explanation(), "2027-02-22 46.7 h (2801 min): logged 46.7 h (2801 min)"))
      << o.explanation();
}

TEST_F(RulesTest, WorkingTimeWeeksWithoutLogsCountPlannedHours) {
  // An active flexible mission for another client, 20 h a week since January; logs only in the
  // week of 2027-02-22 (5 h).
  v1::Campaign other = OtherClientCampaign("o1");
  other.set_weekly_minutes_per_seat(1200);
  Put(other);
  v1::Contract k = Contract("t1", "k1", other, v1::CONTRACT_STATE_ACTIVE);
  *k.mutable_start_date() = D(2026, 11, 2);
  Put(k);
  Put(Log(k, absl::CivilDay(2027, 2, 23), 300));
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "weekly_minutes"), 1200 + 480);
  // Reference week 1680 + logged 300 + ten planned weeks of 1200.
  EXPECT_EQ(Figure(o, "average_weeks_total_minutes"), 1680 + 300 + 12000);
  EXPECT_TRUE(Contains(o.explanation(), "2027-02-15 20 h: planned 20 h")) << o.explanation();
}

TEST_F(RulesTest, WorkingTimeFlexibleHoursCountWeeklyNotDaily) {
  // Salaried 09:00-18:30 weekdays (9.5 h a day, 47.5 h a week, from the as-of date so that the
  // 12-week average stays low); a flexible campaign of 1 h.
  Put(Salaried(today_, 9 * 60, 18 * 60 + 30));
  campaign_.set_weekly_minutes_per_seat(60);
  PutCampaign();
  v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_FALSE(o.passed());  // 47.5 + 1 > 48
  EXPECT_EQ(Figure(o, "max_daily_minutes"), 570);
  campaign_.set_weekly_minutes_per_seat(30);
  PutCampaign();
  o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "max_daily_minutes"), 570);  // flexible hours are not on any day
}

TEST_F(RulesTest, WorkingTimeFreelanceLeftOutByPolicy) {
  campaign_.set_weekly_minutes_per_seat(481);
  PutCampaign();
  Put(Salaried(absl::CivilDay(2020, 1, 6)));
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_WORKING_TIME).passed());
  policy_.set_caps_include_freelance(false);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "weekly_minutes"), 2400);
  EXPECT_TRUE(Contains(o.explanation(), "left out of the caps by policy"));
}

TEST_F(RulesTest, WorkingTimeDaylightSavingWeekCountsRealHours) {
  // Reference week of 2027-03-22 (Paris springs forward on Sunday the 28th): a salaried night
  // shift on Sundays 00:00-06:00 lasts 5 h that week.
  *campaign_.mutable_start_date() = D(2027, 3, 22);
  PutCampaign();
  v1::Employment e = Employment("t1", "job", "542051180");
  *e.mutable_schedule() = Schedule("Europe/Paris", {{At(6, 0), At(6, 6)}});
  Put(e);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_EQ(Figure(o, "weekly_minutes"), 300 + 480);
  EXPECT_EQ(Figure(o, "max_daily_minutes"), 300);
}

TEST_F(RulesTest, WorkingTimeDaysAcrossZonesInDaylightSavingWeek) {
  // A New York campaign, imposed, Sundays 18:00-19:00, reference week of Monday 2027-03-22. On
  // Sunday the 28th Paris has moved to CEST, six hours ahead of EDT, so the window is Monday
  // 00:00-01:00 in Paris (with the offset of the week's start, five hours, it would still be
  // Sunday). Salaried Sundays 14:00-24:00 in Paris: Sunday stays at 10 h.
  *campaign_.mutable_calling_windows() = Schedule("America/New_York", {{At(6, 18), At(6, 19)}});
  campaign_.mutable_terms()->set_imposed_schedule(true);
  *campaign_.mutable_start_date() = D(2027, 3, 22);
  PutCampaign();
  v1::Employment e = Employment("t1", "job", "542051180");
  *e.mutable_schedule() = Schedule("Europe/Paris", {{At(6, 14), At(6, 24)}});
  Put(e);
  v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "max_daily_minutes"), 600);
  EXPECT_EQ(Figure(o, "weekly_minutes"), 660);
  // One minute earlier, 17:59 EDT is 23:59 CEST on Sunday: 601 minutes that day.
  *campaign_.mutable_calling_windows() = Schedule("America/New_York", {{At(6, 17, 59), At(6, 19)}});
  PutCampaign();
  o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "longest day 2027-03-28 (Europe/Paris) 10.0 h (601 min)"))
      << o.explanation();
}

TEST_F(RulesTest, WorkingTimeUnknownZoneCannotBeEvaluated) {
  v1::Employment e = Salaried(absl::CivilDay(2020, 1, 6));
  e.mutable_schedule()->set_time_zone("Mars/Olympus");
  Put(e);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "Mars/Olympus")) << o.explanation();
}

// --- 7. SCHEDULE --------------------------------------------------------------------------

TEST_F(RulesTest, ScheduleImposedTouchingSalariedHoursFits) {
  Put(Salaried(absl::CivilDay(2020, 1, 6), 9 * 60, 12 * 60));
  *campaign_.mutable_calling_windows() = Schedule("Europe/Paris", Daily(12 * 60, 14 * 60));
  campaign_.mutable_terms()->set_imposed_schedule(true);
  PutCampaign();
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_SCHEDULE);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "uncovered_minutes"), 0);
  EXPECT_EQ(Figure(o, "imposed_minutes"), 600);
}

TEST_F(RulesTest, ScheduleImposedOverlappingSalariedHoursByOneMinuteFails) {
  Put(Salaried(absl::CivilDay(2020, 1, 6), 9 * 60, 12 * 60));
  *campaign_.mutable_calling_windows() = Schedule("Europe/Paris", Daily(11 * 60 + 59, 14 * 60));
  campaign_.mutable_terms()->set_imposed_schedule(true);
  PutCampaign();
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_SCHEDULE);
  EXPECT_FALSE(o.passed());
  EXPECT_EQ(Figure(o, "uncovered_minutes"), 5);  // one minute on each of five days
  EXPECT_TRUE(Contains(o.explanation(), "Mon 2027-03-01 11:59 Europe/Paris")) << o.explanation();
}

TEST_F(RulesTest, ScheduleImposedWindowAcrossMidnight) {
  *campaign_.mutable_calling_windows() = Schedule("Europe/Paris", {{At(0, 22), At(1, 2)}});
  campaign_.mutable_terms()->set_imposed_schedule(true);
  PutCampaign();
  v1::Teleoperator t = Profile();
  *t.mutable_availability() = Schedule("Europe/Paris", {{At(0, 20), At(1, 2)}});
  Put(t);
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_SCHEDULE).passed());
  *t.mutable_availability() = Schedule("Europe/Paris", {{At(0, 20), At(1, 1, 59)}});
  Put(t);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_SCHEDULE);
  EXPECT_FALSE(o.passed());
  EXPECT_EQ(Figure(o, "uncovered_minutes"), 1);
}

TEST_F(RulesTest, ScheduleImposedAcrossZonesInDaylightSavingWeek) {
  // A New York campaign, imposed, 09:00-11:00 every day, week of Monday 2027-03-22. New York is
  // on EDT since 14 March; Paris moves to CEST on Sunday 28 March. Monday to Saturday the
  // windows are 14:00-16:00 in Paris; on Sunday, 15:00-17:00.
  *campaign_.mutable_calling_windows() = Schedule("America/New_York", Daily(9 * 60, 11 * 60, 0, 6));
  campaign_.mutable_terms()->set_imposed_schedule(true);
  *campaign_.mutable_start_date() = D(2027, 3, 22);
  PutCampaign();
  v1::Teleoperator t = Profile();
  *t.mutable_availability() = Schedule("Europe/Paris", Daily(14 * 60, 16 * 60, 0, 6));
  Put(t);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_SCHEDULE);
  EXPECT_FALSE(o.passed());
  EXPECT_EQ(Figure(o, "imposed_minutes"), 7 * 120);
  EXPECT_EQ(Figure(o, "uncovered_minutes"), 60);
  EXPECT_TRUE(Contains(o.explanation(),
                       "Sun 2027-03-28 16:00 Europe/Paris to Sun 2027-03-28 "
                       "17:00 Europe/Paris"))
      << o.explanation();
  // Available 15:00-17:00 on Sundays instead: it fits.
  std::vector<std::pair<int, int>> windows = Daily(14 * 60, 16 * 60, 0, 5);
  windows.emplace_back(At(6, 15), At(6, 17));
  *t.mutable_availability() = Schedule("Europe/Paris", windows);
  Put(t);
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_SCHEDULE).passed());
}

TEST_F(RulesTest, ScheduleFlexibleExactlyPlaceablePasses) {
  // Calling windows 17:00-21:00 Monday to Saturday; available only Monday 17:00-19:00 and
  // Tuesday 17:00-18:00: 180 minutes placeable.
  v1::Teleoperator t = Profile();
  *t.mutable_availability() =
      Schedule("Europe/Paris", {{At(0, 17), At(0, 19)}, {At(1, 17), At(1, 18)}});
  Put(t);
  campaign_.set_weekly_minutes_per_seat(180);
  PutCampaign();
  v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_SCHEDULE);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "placeable_minutes"), 180);
  campaign_.set_weekly_minutes_per_seat(181);
  PutCampaign();
  o = Rule(v1::EXCLUSION_REASON_SCHEDULE);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "3 h placeable < 3.0 h (181 min)")) << o.explanation();
}

TEST_F(RulesTest, ScheduleFlexibleLimitedByDailyCap) {
  // Salaried 08:00-17:00 (9 h) weekdays: 1 h left under the 10 h cap each weekday, 4 h on
  // Saturday: 5 + 4 = 9 h placeable.
  Put(Salaried(absl::CivilDay(2020, 1, 6), 8 * 60, 17 * 60));
  campaign_.set_weekly_minutes_per_seat(9 * 60);
  PutCampaign();
  v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_SCHEDULE);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "placeable_minutes"), 540);
  campaign_.set_weekly_minutes_per_seat(9 * 60 + 1);
  PutCampaign();
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_SCHEDULE).passed());
}

TEST_F(RulesTest, ScheduleOtherImposedMissionTakesItsHours) {
  v1::Campaign other = OtherClientCampaign("o1");
  *other.mutable_calling_windows() = Schedule("Europe/Paris", Daily(17 * 60, 21 * 60, 0, 5));
  other.mutable_terms()->set_imposed_schedule(true);
  Put(other);
  Put(Contract("t1", "k1", other, v1::CONTRACT_STATE_ACCEPTED));
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_SCHEDULE);
  EXPECT_FALSE(o.passed());
  EXPECT_EQ(Figure(o, "placeable_minutes"), 0);
  // A contract on this same campaign is not "another mission".
  Put(Contract("t1", "k1", campaign_, v1::CONTRACT_STATE_ACCEPTED));
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_SCHEDULE).passed());
}

// --- 8-10. LANGUAGE, SKILL, COUNTRY -------------------------------------------------------

TEST_F(RulesTest, LanguageLevelEdges) {
  v1::Teleoperator t = Profile();
  t.mutable_languages(0)->set_level(v1::CEFR_LEVEL_B1);
  Put(t);
  v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_LANGUAGE);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "fr >= B2: B1")) << o.explanation();
  t.mutable_languages(0)->set_level(v1::CEFR_LEVEL_B2);
  Put(t);
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_LANGUAGE).passed());
  t.mutable_languages(0)->set_language("FR");  // codes compare without case
  Put(t);
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_LANGUAGE).passed());
}

TEST_F(RulesTest, LanguageMissingFails) {
  v1::LanguageLevel* en = campaign_.add_languages();
  en->set_language("en");
  en->set_level(v1::CEFR_LEVEL_A2);
  PutCampaign();
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_LANGUAGE);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "en >= A2: not spoken")) << o.explanation();
  EXPECT_EQ(Figure(o, "missing_languages"), 1);
}

TEST_F(RulesTest, SkillMissingFails) {
  campaign_.add_skills(v1::SKILL_CRM_ENTRY);
  PutCampaign();
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_SKILL);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "crm_entry")) << o.explanation();
}

TEST_F(RulesTest, CountryDefaultsToClientCountry) {
  v1::Teleoperator t = Profile();
  t.mutable_establishment()->set_country_code("BE");
  t.mutable_registration()->set_number("0403170701");
  Put(t);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_COUNTRY);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "established in BE; the client's country is FR"));
  campaign_.add_countries("fr");
  campaign_.add_countries("be");
  PutCampaign();
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_COUNTRY).passed());
}

// --- 11. REGISTRATION ---------------------------------------------------------------------

TEST_F(RulesTest, RegistrationVerifiedAtMaxAgePassesOneDayOlderFails) {
  v1::Teleoperator t = Profile();
  *t.mutable_registration()->mutable_verify_date() = ToDate(today_ - 183);
  Put(t);
  v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_REGISTRATION);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "verification_age_days"), 183);
  *t.mutable_registration()->mutable_verify_date() = ToDate(today_ - 184);
  Put(t);
  o = Rule(v1::EXCLUSION_REASON_REGISTRATION);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "184 days before the as-of date 2027-03-01 > 183 days"))
      << o.explanation();
}

TEST_F(RulesTest, RegistrationNotVerifiedFails) {
  v1::Teleoperator t = Profile();
  t.mutable_registration()->set_status(v1::REGISTRATION_STATUS_PENDING);
  Put(t);
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_REGISTRATION).passed());
  t.mutable_registration()->set_status(v1::REGISTRATION_STATUS_REJECTED);
  Put(t);
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_REGISTRATION).passed());
}

TEST_F(RulesTest, RegistrationInvalidNumberFails) {
  v1::Teleoperator t = Profile();
  t.mutable_registration()->set_number("73282932000075");
  Put(t);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_REGISTRATION);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(Contains(o.explanation(), "SIRET check digit")) << o.explanation();
}

// --- 12. CAMPAIGN_THRESHOLD ---------------------------------------------------------------

class ThresholdTest : public RulesTest {
 protected:
  // `set` appointments set, `validated` validated, on a past mission; minimum 500 per mille
  // once 20 are set.
  void Build(int set, int validated) {
    campaign_.set_min_validated_rate_permille(500);
    campaign_.set_min_quality_observations(20);
    PutCampaign();
    Put(Company("other", "542051180", "", {"47.11"}));
    v1::Campaign past = testing::Campaign("other", "p1");
    Put(past);
    v1::Contract k = Contract("t1", "old", past, v1::CONTRACT_STATE_TERMINATED);
    Put(k);
    Put(Log(k, absl::CivilDay(2027, 1, 5), 60, set, validated));
  }
};

TEST_F(ThresholdTest, BelowMinimumFails) {
  Build(20, 9);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_CAMPAIGN_THRESHOLD);
  EXPECT_FALSE(o.passed());
  EXPECT_EQ(Figure(o, "validated_rate_permille"), 450);
  EXPECT_TRUE(Contains(o.explanation(), "450 per mille (9 of 20) < minimum 500"))
      << o.explanation();
}

TEST_F(ThresholdTest, ExactlyAtMinimumPasses) {
  Build(20, 10);
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_CAMPAIGN_THRESHOLD).passed());
}

TEST_F(ThresholdTest, TooFewObservationsPasses) {
  Build(19, 0);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_CAMPAIGN_THRESHOLD);
  EXPECT_TRUE(o.passed());
  EXPECT_EQ(Figure(o, "appointments_set"), 19);
}

// --- Explanation --------------------------------------------------------------------------

TEST_F(RulesTest, ExplanationListsEveryRuleInCodeOrderWithAllFailures) {
  Put(Employment("t1", "e1", ClientSiren()));  // employee of the client
  v1::Teleoperator t = Profile();
  t.clear_skills();  // and no skill
  Put(t);
  const v1::EligibilityExplanation e = Explain();
  EXPECT_FALSE(e.eligible());
  ASSERT_EQ(e.outcomes_size(), 12);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(e.outcomes(i).rule(), i + 1);
  EXPECT_FALSE(e.outcomes(0).passed());
  EXPECT_FALSE(e.outcomes(8).passed());
  EXPECT_EQ(e.components_size(), 0);
  EXPECT_EQ(e.score(), 0);
  EXPECT_EQ(e.reference_week().day(), 1);
  for (const v1::RuleOutcome& o : e.outcomes()) EXPECT_FALSE(o.explanation().empty());
}

TEST_F(RulesTest, ExplanationOfEligibleCarriesNumbersAndComponents) {
  Put(Salaried(absl::CivilDay(2020, 1, 6)));
  const v1::EligibilityExplanation e = Explain();
  ASSERT_TRUE(e.eligible());
  EXPECT_EQ(e.components_size(), 7);
  const v1::RuleOutcome& time = e.outcomes(v1::EXCLUSION_REASON_WORKING_TIME - 1);
  EXPECT_TRUE(Contains(time.explanation(),
                       "week of 2027-03-01 48 h <= cap 48 h: salaried 40 h + "
                       "other missions 0 h + this campaign 8 h"))
      << time.explanation();
  EXPECT_TRUE(Contains(time.explanation(), "12-week average")) << time.explanation();
  EXPECT_TRUE(Contains(time.explanation(), "longest day 2027-03-01 (Europe/Paris) 8 h <= cap 10 h"))
      << time.explanation();
  const v1::RuleOutcome& schedule = e.outcomes(v1::EXCLUSION_REASON_SCHEDULE - 1);
  EXPECT_TRUE(Contains(schedule.explanation(), "placeable >= 8 h a week needed"))
      << schedule.explanation();
}

TEST_F(RulesTest, ExplainUnknownNamesAreNotFound) {
  EXPECT_EQ(
      ExplainEligibility(data_, "companies/client/campaigns/nope", kTeleoperator, policy_, today_)
          .status()
          .code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(
      ExplainEligibility(data_, kCampaign, "teleoperators/nope", policy_, today_).status().code(),
      absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace callmatch::matching

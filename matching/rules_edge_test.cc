// Edge cases of the rules found in review: group relations over several levels, SIRET numbers,
// jobs in other zones across daylight-saving changes, the 12-week average's logged-or-planned
// rule, unreadable data that does not count, and the boundaries of dates and days.
#include <gtest/gtest.h>

#include "matching/rules.h"

#include "absl/strings/match.h"
#include "matching/context.h"
#include "matching/dataset.h"
#include "matching/policy.h"
#include "matching/registration.h"
#include "matching/segments.h"
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

class RulesEdgeTest : public MatchingTest {};

// --- Identities and groups ------------------------------------------------------------------

// design.md: "An employer is identified by its registration number (SIREN in France)". A French
// employee reads the SIRET (SIREN + establishment) on the payslip; the client's SIREN is the
// first nine digits of it. Declared that way, the client's own employee is not recognised.
TEST_F(RulesEdgeTest, EmployerDeclaredByTheClientsSiretIsTheClient) {
  Put(Employment("t1", "e1", "73282932000074"));  // SIRET of SIREN 732829320 (the client)
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT);
  EXPECT_FALSE(o.passed()) << o.explanation();
}

// design.md: "employee ... of the client or of any company of its group". The client is itself a
// subsidiary (group 552100554); the employer is a subsidiary of the client (its group_id is the
// client's SIREN). One key per company cannot see that both are in the same group.
TEST_F(RulesEdgeTest, SubsidiaryOfAClientThatHasAParentIsInTheGroup) {
  Put(Company("client", ClientSiren(), "552100554", {"62.01"}));
  Put(Employment("t1", "e1", "542051180", ClientSiren()));  // declared only
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT).passed());
  // Same with the subsidiary on the platform.
  Put(Company("sub", "542051180", ClientSiren(), {"10.51"}));
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT).passed());
}

// The employer is the client's parent 552100554, declared with its own parent 403052111.
TEST_F(RulesEdgeTest, ParentDeclaredWithItsOwnGroupIsInTheGroup) {
  Put(Company("client", ClientSiren(), "552100554", {"62.01"}));
  Put(Employment("t1", "e1", "552100554", "403052111"));
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT).passed());
}

// --- Reference week across zones with a daylight-saving change --------------------------------

// Paris springs forward on 2027-03-28, so the Paris reference week of 2027-03-22 lasts 167 h:
// [Sun 21 19:00, Sun 28 18:00) in New York (EDT since 14 March). A New York teleoperator works
// Mon-Fri 09:00-17:00 and Sun 17:00-21:00 local, 44 h in each of its own weeks; with a 241-minute
// flexible campaign its week is 48 h 01 min. Clipped to the Paris span, Sunday 18:00-19:00 would
// be lost (43 h, and the 48 h cap would pass; a 169 h week would count an hour twice): each job
// counts over its own zone's week of the reference Monday instead.
TEST_F(RulesEdgeTest, JobInAnotherZoneCountsItsOwnWholeWeekAcrossDaylightSaving) {
  *campaign_.mutable_start_date() = D(2027, 3, 22);
  campaign_.set_weekly_minutes_per_seat(241);
  PutCampaign();
  v1::Teleoperator t = Profile();
  *t.mutable_availability() = Schedule("America/New_York", Daily(8 * 60, 22 * 60, 0, 6));
  Put(t);
  v1::Employment e = Employment("t1", "job", "542051180", "", {"47.11"});
  std::vector<std::pair<int, int>> windows = Daily(9 * 60, 17 * 60);
  windows.emplace_back(At(6, 17), At(6, 21));
  *e.mutable_schedule() = Schedule("America/New_York", windows);
  *e.mutable_start_date() = D(2027, 3, 22);  // no past weeks: the average stays low
  Put(e);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_EQ(Figure(o, "weekly_minutes"), 44 * 60 + 241) << o.explanation();
  EXPECT_FALSE(o.passed()) << o.explanation();
}

// Same weeks: New York work Sun 18:00 -> Mon 02:00 and Mon 09:00-17:00. In the 24 h after Sunday
// 18:00 the longest rest is 02:00-09:00, 7 h. In a 168 h week (reference week of 15 March) the
// Sunday 18:00 start is checked and the rule fails; in the 167 h week of 22 March that start
// falls just before the span: starts are looked for over the week widened by a day each side.
TEST_F(RulesEdgeTest, RestStartsJustOutsideTheReferenceWeekAreChecked) {
  v1::Teleoperator t = Profile();
  *t.mutable_availability() = Schedule("America/New_York", Daily(0, 24 * 60, 0, 6));
  Put(t);
  v1::Employment e = Employment("t1", "job", "542051180", "", {"47.11"});
  *e.mutable_schedule() =
      Schedule("America/New_York", {{At(6, 18), At(0, 2)}, {At(0, 9), At(0, 17)}});
  *e.mutable_start_date() = D(2027, 3, 15);
  Put(e);

  *campaign_.mutable_start_date() = D(2027, 3, 15);  // a 168 h Paris week
  PutCampaign();
  v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_FALSE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "min_daily_rest_minutes"), 420);

  *campaign_.mutable_start_date() = D(2027, 3, 22);  // the 167 h Paris week
  PutCampaign();
  o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_FALSE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "min_daily_rest_minutes"), 420);
}

// --- 12-week average ---------------------------------------------------------------------------

// A mission of 20 h a week from 2026-11-02 to 2027-02-28, accepted, TERMINATED since, never
// logged: it was planned in each of the 11 weeks before the reference week, whatever its state
// today.
TEST_F(RulesEdgeTest, TerminatedMissionWasPlannedInPastWeeks) {
  v1::Campaign other = OtherClientCampaign("o1");
  other.set_weekly_minutes_per_seat(1200);
  Put(other);
  v1::Contract k = Contract("t1", "k1", other, v1::CONTRACT_STATE_TERMINATED);
  *k.mutable_start_date() = D(2026, 11, 2);
  *k.mutable_end_date() = D(2027, 2, 28);
  Put(k);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_EQ(Figure(o, "average_weeks_total_minutes"), 480 + 11 * 1200) << o.explanation();
}

// Logged-or-planned is decided per contract and week: one minute logged on a small mission does
// not erase the planned hours of another. Two active flexible missions (20 h and 1 h a week,
// since November); the teleoperator logs 1 minute a week on the small one.
TEST_F(RulesEdgeTest, LogsReplacePlannedHoursPerContractNotPerWeek) {
  v1::Campaign big = OtherClientCampaign("big");
  big.set_weekly_minutes_per_seat(1200);
  Put(big);
  v1::Campaign small = OtherClientCampaign("small");
  small.set_weekly_minutes_per_seat(60);
  Put(small);
  v1::Contract kb = Contract("t1", "kb", big, v1::CONTRACT_STATE_ACTIVE);
  *kb.mutable_start_date() = D(2026, 11, 2);
  Put(kb);
  v1::Contract ks = Contract("t1", "ks", small, v1::CONTRACT_STATE_ACTIVE);
  *ks.mutable_start_date() = D(2026, 11, 2);
  Put(ks);
  for (int w = 1; w <= 11; ++w) Put(Log(ks, today_ - 7 * w + 1, 1));
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  // Reference week 1200 + 60 + 480; each past week 1200 planned + 1 logged.
  EXPECT_EQ(Figure(o, "average_weeks_total_minutes"), 1740 + 11 * 1201) << o.explanation();
}

// --- Unreadable data that does not count ---------------------------------------------------------

// An unreadable schedule or zone fails rules 6 and 7 only when it counts: a FLEXIBLE other
// mission's windows do not (only its weekly minutes do), so its campaign's bad zone is harmless.
TEST_F(RulesEdgeTest, FlexibleOtherMissionsWindowsDoNotCount) {
  v1::Campaign other = OtherClientCampaign("o1");  // flexible
  other.mutable_calling_windows()->set_time_zone("Mars/Olympus");
  Put(other);
  Put(Contract("t1", "k1", other, v1::CONTRACT_STATE_ACTIVE));
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_WORKING_TIME).passed())
      << Rule(v1::EXCLUSION_REASON_WORKING_TIME).explanation();
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_SCHEDULE).passed());
}

// --- Registration numbers --------------------------------------------------------------------

TEST(CompanyNumberTest, FrenchSiretIsReducedToItsSirenOnly) {
  EXPECT_EQ(CompanyNumber("FR", "73282932000074"), "732829320");
  EXPECT_EQ(CompanyNumber("fr", "73282932000074"), "732829320");
  EXPECT_EQ(CompanyNumber("", "73282932000074"), "732829320");
  EXPECT_EQ(CompanyNumber("FR", "732829320"), "732829320");
  EXPECT_EQ(CompanyNumber("DE", "73282932000074"), "73282932000074");  // not a SIRET
  EXPECT_EQ(CompanyNumber("FR", "7328293200007A"), "7328293200007A");  // not all digits
}

// A client registered on the platform by its SIRET is found by its SIREN.
TEST_F(RulesEdgeTest, ClientRegisteredBySiretIsFoundBySiren) {
  Put(Company("client", "73282932000074", "", {"62.01"}));
  Put(Employment("t1", "e1", ClientSiren()));
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT);
  EXPECT_FALSE(o.passed()) << o.explanation();
  EXPECT_TRUE(absl::StrContains(o.explanation(), "shared key 732829320")) << o.explanation();
}

// Two companies with one number: the smallest name wins whatever the order they were stored in,
// and replacing one removes only its own entry.
TEST(DatasetTest, DuplicateRegistrationNumbersResolveToTheSmallestName) {
  for (bool alpha_first : {true, false}) {
    Dataset d;
    const v1::Company alpha = Company("alpha", "542051180");
    const v1::Company zeta = Company("zeta", "542051180");
    ASSERT_TRUE(d.Upsert(alpha_first ? alpha : zeta).ok());
    ASSERT_TRUE(d.Upsert(alpha_first ? zeta : alpha).ok());
    ASSERT_NE(d.company_by_registration("542051180"), nullptr);
    EXPECT_EQ(d.company_by_registration("542051180")->name(), "companies/alpha");
    v1::Company moved = alpha;
    moved.mutable_registration()->set_number("552100554");
    ASSERT_TRUE(d.Upsert(moved).ok());
    ASSERT_NE(d.company_by_registration("542051180"), nullptr);
    EXPECT_EQ(d.company_by_registration("542051180")->name(), "companies/zeta");
    EXPECT_EQ(d.company_by_registration("552100554")->name(), "companies/alpha");
  }
}

// --- Groups ---------------------------------------------------------------------------------

// A cycle of group_ids among platform companies ends; the keys met on the way still count.
TEST_F(RulesEdgeTest, GroupCycleEndsAndItsKeysCount) {
  Put(Company("client", ClientSiren(), "542051180", {"62.01"}));
  Put(Company("a", "542051180", "552100554"));
  Put(Company("b", "552100554", "542051180"));
  EXPECT_EQ(CompanyGroupKeys(data_, *data_.company("companies/client")),
            (std::vector<std::string>{"542051180", "552100554", ClientSiren()}));
  Put(Employment("t1", "e1", "403052111", "552100554"));  // declared only, in b's group
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT).passed());
}

TEST_F(RulesEdgeTest, UnrelatedGroupsPassRulesOneTwoAndFive) {
  Put(Company("client", ClientSiren(), "552100554", {"62.01"}));
  Put(Employment("t1", "e1", "542051180", "403052111", {"62.01"}));
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT).passed());
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_COMPETING_EMPLOYER).passed());
  // The employer's parent joins the client's group: no longer a competitor, an employer.
  Put(Company("parent", "403052111", "552100554"));
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT).passed());
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_COMPETING_EMPLOYER).passed());
}

// A mission for a subsidiary of the client's parent, two levels away, is no conflict.
TEST_F(RulesEdgeTest, MissionForACompanyOfTheGroupTwoLevelsAwayIsNoConflict) {
  Put(Company("client", ClientSiren(), "552100554", {"62.01"}));
  Put(Company("parent", "552100554", "403052111"));
  Put(Company("cousin", "542051180", "403052111", {"62.01"}));
  v1::Campaign other = testing::Campaign("cousin", "o1");
  Put(other);
  Put(Contract("t1", "k1", other, v1::CONTRACT_STATE_ACTIVE));
  EXPECT_TRUE(Rule(v1::EXCLUSION_REASON_CONFLICTING_MISSION).passed());
  Put(Company("cousin", "542051180", "", {"62.01"}));  // leaves the group
  EXPECT_FALSE(Rule(v1::EXCLUSION_REASON_CONFLICTING_MISSION).passed());
}

// --- Accepted missions in past weeks ------------------------------------------------------------

// Planned in a past week: accepted by that week's Sunday, period (up to a termination day)
// overlapping it. A withdrawn proposal (never accepted) is never planned.
TEST_F(RulesEdgeTest, PastWeeksPlanOnlyWhatWasAcceptedThen) {
  v1::Campaign other = OtherClientCampaign("o1");
  other.set_weekly_minutes_per_seat(1200);
  Put(other);
  v1::Contract k = Contract("t1", "k1", other, v1::CONTRACT_STATE_TERMINATED);
  *k.mutable_start_date() = D(2026, 11, 2);
  *k.mutable_end_date() = D(2027, 2, 16);     // terminated on Tuesday 16 February
  *k.mutable_accept_date() = D(2027, 2, 14);  // the Sunday of the week of 8 February
  Put(k);
  // Weeks of 8 and 15 February.
  EXPECT_EQ(Figure(Rule(v1::EXCLUSION_REASON_WORKING_TIME), "average_weeks_total_minutes"),
            480 + 2 * 1200);
  *k.mutable_accept_date() = D(2027, 2, 15);  // a day later: the week of 8 February is out
  Put(k);
  EXPECT_EQ(Figure(Rule(v1::EXCLUSION_REASON_WORKING_TIME), "average_weeks_total_minutes"),
            480 + 1200);
  k.clear_accept_date();  // PROPOSED -> TERMINATED
  Put(k);
  EXPECT_EQ(Figure(Rule(v1::EXCLUSION_REASON_WORKING_TIME), "average_weeks_total_minutes"), 480);
}

// --- Boundaries -------------------------------------------------------------------------------

// No imposed_schedule anywhere: this campaign and an other mission are imposed.
TEST_F(RulesEdgeTest, UnsetImposedScheduleCountsAsImposed) {
  campaign_.mutable_terms()->clear_imposed_schedule();
  PutCampaign();
  v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_SCHEDULE);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "imposed_minutes"), 6 * 240);
  // An other mission on the same windows, its terms unset too: its windows are taken.
  v1::Campaign other = OtherClientCampaign("o1");
  other.mutable_terms()->clear_imposed_schedule();
  Put(other);
  Put(Contract("t1", "k1", other, v1::CONTRACT_STATE_ACTIVE));
  o = Rule(v1::EXCLUSION_REASON_SCHEDULE);
  EXPECT_FALSE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "uncovered_minutes"), 6 * 240);
}

TEST_F(RulesEdgeTest, NonCompeteWithoutEndDateIsInForce) {
  v1::Employment e = Employment("t1", "e1", "542051180");
  *e.mutable_end_date() = D(2024, 6, 30);  // a former employment
  e.mutable_non_compete()->add_segments("62");
  Put(e);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_NON_COMPETE);
  EXPECT_FALSE(o.passed());
  EXPECT_TRUE(absl::StrContains(o.explanation(), "with no end date")) << o.explanation();
}

// Ending on the as-of date: current. Ending the day before: former, one day ago.
TEST_F(RulesEdgeTest, EmploymentEndingOnTheAsOfDateIsCurrent) {
  v1::Employment e = Employment("t1", "e1", ClientSiren());
  *e.mutable_end_date() = ToDate(today_);
  Put(e);
  v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT);
  EXPECT_FALSE(o.passed());
  EXPECT_EQ(Figure(o, "current_employments_in_client_group"), 1);
  *e.mutable_end_date() = ToDate(today_ - 1);
  Put(e);
  o = Rule(v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT);
  EXPECT_FALSE(o.passed());
  EXPECT_EQ(Figure(o, "current_employments_in_client_group"), 0);
  EXPECT_EQ(Figure(o, "days_since_left"), 1);
}

// A salaried window Sunday 20:00 -> Monday 04:00: the reference week holds the end of last
// week's occurrence (Monday 00:00-04:00) and the start of its own (Sunday 20:00-24:00).
TEST_F(RulesEdgeTest, SundayToMondayWrapCountsOnBothDays) {
  v1::Employment e = Employment("t1", "e1", "542051180");
  *e.mutable_schedule() = Schedule("Europe/Paris", {{At(6, 20), At(0, 4)}});
  Put(e);
  const v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "weekly_minutes"), 480 + 480);
  EXPECT_EQ(Figure(o, "max_daily_minutes"), 240);
  EXPECT_EQ(Figure(o, "min_daily_rest_minutes"), 16 * 60);
}

// caps_include_freelance false: missions leave the average and the daily cap too.
TEST_F(RulesEdgeTest, FreelanceLeftOutOfTheAverageAndTheDailyCap) {
  v1::Campaign other = OtherClientCampaign("o1");
  other.mutable_terms()->set_imposed_schedule(true);
  *other.mutable_calling_windows() = Schedule("Europe/Paris", {{At(0, 7), At(0, 18)}});
  *other.mutable_start_date() = D(2026, 11, 2);
  Put(other);
  v1::Contract k = Contract("t1", "k1", other, v1::CONTRACT_STATE_ACTIVE);
  Put(k);
  Put(Log(k, today_ - 6, 3000));
  v1::RuleOutcome o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_FALSE(o.passed()) << o.explanation();  // Monday 11 h > 10 h
  EXPECT_EQ(Figure(o, "max_daily_minutes"), 660);
  EXPECT_EQ(Figure(o, "average_weeks_total_minutes"), 660 + 480 + 3000 + 10 * 660);
  policy_.set_caps_include_freelance(false);
  o = Rule(v1::EXCLUSION_REASON_WORKING_TIME);
  EXPECT_TRUE(o.passed()) << o.explanation();
  EXPECT_EQ(Figure(o, "max_daily_minutes"), 0);
  EXPECT_EQ(Figure(o, "weekly_minutes"), 0);
  EXPECT_EQ(Figure(o, "average_weeks_total_minutes"), 0);
}

// --- Small ones ---------------------------------------------------------------------------------

TEST(SegmentsEdgeTest, CodesAreTrimmedNotStrippedOfInnerSpaces) {
  EXPECT_EQ(NormalizeSegment(" 82.20z\t"), "82.20Z");
  EXPECT_EQ(SegmentLevel("82. 20"), 0);
  EXPECT_FALSE(SegmentsOverlap("82. 20", "82.20"));
  EXPECT_TRUE(SegmentsOverlap("82. 20", " 82. 20 "));  // spelled identically once trimmed
}

TEST(PolicyEdgeTest, LoopDrivingFieldsAreBounded) {
  v1::MatchingPolicy p = DefaultPolicy();
  EXPECT_TRUE(ValidatePolicy(p).ok());
  p.set_average_weeks(52);
  EXPECT_TRUE(ValidatePolicy(p).ok());
  p.set_average_weeks(53);
  EXPECT_EQ(ValidatePolicy(p).code(), absl::StatusCode::kInvalidArgument);
  p = DefaultPolicy();
  p.set_revenue_window_days(36526);
  EXPECT_EQ(ValidatePolicy(p).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace callmatch::matching

#include "services/contract/contract_facts.h"

#include "gtest/gtest.h"
#include "matching/time_model.h"

namespace callmatch {
namespace {

v1::Date D(int y, int m, int d) { return matching::ToDate(absl::CivilDay(y, m, d)); }

TEST(MergeTermsTest, SetFieldsReplaceTheCampaignsAndUnsetOnesKeepThem) {
  v1::MissionTerms campaign;
  campaign.set_imposed_schedule(true);
  campaign.set_pay_model(v1::PAY_MODEL_PER_HOUR);
  campaign.set_supervision(v1::SUPERVISION_POLICY_REAL_TIME);
  campaign.mutable_rate()->set_currency_code("EUR");
  campaign.mutable_rate()->set_minor_units(2000);
  v1::MissionTerms requested;
  requested.set_imposed_schedule(false);  // a set false is a fact, not "unset"
  requested.mutable_rate()->set_currency_code("GBP");
  const v1::MissionTerms merged = MergeTerms(campaign, requested);
  EXPECT_FALSE(merged.imposed_schedule());
  EXPECT_TRUE(merged.has_imposed_schedule());
  EXPECT_EQ(merged.pay_model(), v1::PAY_MODEL_PER_HOUR);
  EXPECT_EQ(merged.supervision(), v1::SUPERVISION_POLICY_REAL_TIME);
  EXPECT_EQ(merged.rate().currency_code(), "GBP");
  EXPECT_EQ(merged.rate().minor_units(), 0) << "a rate replaces the campaign's as a whole";
}

TEST(ApplyLogTest, TotalsFollowNewAndCorrectedDays) {
  v1::ActivityTotals totals;
  v1::ActivityLog first;
  first.set_minutes_worked(120);
  first.set_calls(30);
  first.set_appointments_set(4);
  first.mutable_revenue()->set_currency_code("EUR");
  first.mutable_revenue()->set_minor_units(8000);
  ASSERT_TRUE(ApplyLog(nullptr, first, &totals).ok());
  v1::ActivityLog corrected = first;
  corrected.set_calls(25);
  corrected.set_appointments_validated(3);
  ASSERT_TRUE(ApplyLog(&first, corrected, &totals).ok());
  EXPECT_EQ(totals.minutes_worked(), 120);
  EXPECT_EQ(totals.calls(), 25);
  EXPECT_EQ(totals.appointments_set(), 4);
  EXPECT_EQ(totals.appointments_validated(), 3);
  EXPECT_EQ(totals.revenue().minor_units(), 8000);
  v1::ActivityLog dollars = first;
  dollars.mutable_revenue()->set_currency_code("USD");
  EXPECT_EQ(ApplyLog(nullptr, dollars, &totals).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(totals.calls(), 25) << "a refused day changes nothing";
}

TEST(UnlawfulReasonsTest, OnlyTheRulesOfLawAndLoyaltyCount) {
  v1::EligibilityExplanation explanation;
  for (v1::ExclusionReason rule :
       {v1::EXCLUSION_REASON_SKILL, v1::EXCLUSION_REASON_WORKING_TIME,
        v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT, v1::EXCLUSION_REASON_LANGUAGE}) {
    v1::RuleOutcome* outcome = explanation.add_outcomes();
    outcome->set_rule(rule);
    outcome->set_passed(false);
  }
  v1::RuleOutcome* passed = explanation.add_outcomes();
  passed->set_rule(v1::EXCLUSION_REASON_NON_COMPETE);
  passed->set_passed(true);
  EXPECT_EQ(ReasonList(UnlawfulReasons(explanation)), "EMPLOYEE_OF_CLIENT,WORKING_TIME");
}

TEST(BlocksActivationTest, AtOrAboveTheLevelOnly) {
  EXPECT_TRUE(BlocksActivation(v1::RISK_BAND_CRITICAL, v1::RISK_BAND_CRITICAL));
  EXPECT_FALSE(BlocksActivation(v1::RISK_BAND_HIGH, v1::RISK_BAND_CRITICAL));
  EXPECT_TRUE(BlocksActivation(v1::RISK_BAND_HIGH, v1::RISK_BAND_HIGH));
  EXPECT_FALSE(BlocksActivation(v1::RISK_BAND_UNSPECIFIED, v1::RISK_BAND_LOW));
}

class ScoringFactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v1::Company client;
    client.set_name("companies/acme");
    client.mutable_registration()->set_number("732829320");
    client.mutable_location()->set_country_code("FR");
    client.set_calling_in_usual_business(true);
    ASSERT_TRUE(dataset_.Upsert(client).ok());
    v1::Company rival;
    rival.set_name("companies/rival");
    rival.mutable_registration()->set_number("552100554");
    rival.mutable_location()->set_country_code("FR");
    ASSERT_TRUE(dataset_.Upsert(rival).ok());
    v1::Teleoperator t;
    t.set_name("teleoperators/t1");
    t.mutable_establishment()->set_country_code("FR");
    t.mutable_registration()->set_status(v1::REGISTRATION_STATUS_VERIFIED);
    *t.mutable_registration()->mutable_verify_date() = D(2027, 1, 1);
    ASSERT_TRUE(dataset_.Upsert(t).ok());
    contract_ = Contract("new", "companies/acme", D(2027, 3, 1), D(2027, 6, 30), false);
  }

  v1::Contract Contract(const std::string& id, const std::string& client, v1::Date start,
                        v1::Date end, bool accepted) {
    v1::Contract k;
    k.set_name("teleoperators/t1/contracts/" + id);
    k.set_client(client);
    k.set_campaign(client + "/campaigns/c");
    k.set_state(accepted ? v1::CONTRACT_STATE_TERMINATED : v1::CONTRACT_STATE_PROPOSED);
    *k.mutable_start_date() = start;
    *k.mutable_end_date() = end;
    if (accepted) *k.mutable_accept_date() = start;
    k.mutable_terms()->set_pay_model(v1::PAY_MODEL_PER_HOUR);
    return k;
  }

  void Log(const std::string& contract, v1::Date day, int64_t cents) {
    v1::ActivityLog log;
    log.set_name("teleoperators/t1/contracts/" + contract + "/activityLogs/" +
                 absl::FormatCivilTime(*matching::ToCivilDay(day)));
    *log.mutable_day() = day;
    log.mutable_revenue()->set_currency_code("EUR");
    log.mutable_revenue()->set_minor_units(cents);
    ASSERT_TRUE(dataset_.Upsert(log).ok());
  }

  matching::Dataset dataset_;
  v1::Contract contract_;
};

TEST_F(ScoringFactsTest, AFirstMissionHasAKnownEmptyHistory) {
  const v1::ContractFacts facts =
      ScoringFacts(dataset_, contract_, absl::CivilDay(2027, 2, 1), 183);
  EXPECT_EQ(facts.as_of().month(), 3) << "the later of today and the start";
  EXPECT_EQ(facts.client_location().country_code(), "FR");
  EXPECT_TRUE(facts.calling_in_usual_business());
  EXPECT_TRUE(facts.registration_valid());
  EXPECT_TRUE(facts.has_former_employee());
  EXPECT_FALSE(facts.former_employee());
  EXPECT_EQ(facts.months_continuous(), 0);
  EXPECT_EQ(facts.other_clients_12m(), 0);
  EXPECT_FALSE(facts.has_revenue_share_permille()) << "nothing earned: unknown, not 0";
}

TEST_F(ScoringFactsTest, HistoryGivesContinuityRevenueShareAndOtherClients) {
  // Six months for acme ending two weeks before this contract: one run.
  ASSERT_TRUE(
      dataset_.Upsert(Contract("old", "companies/acme", D(2026, 9, 1), D(2027, 2, 14), true)).ok());
  ASSERT_TRUE(
      dataset_.Upsert(Contract("r", "companies/rival", D(2026, 10, 1), D(2026, 12, 31), true))
          .ok());
  Log("old", D(2027, 1, 10), 30000);
  Log("r", D(2026, 12, 1), 10000);
  const v1::ContractFacts facts =
      ScoringFacts(dataset_, contract_, absl::CivilDay(2027, 3, 1), 183);
  EXPECT_EQ(facts.months_continuous(), 6);  // 181 days from 1 Sept to 1 March
  EXPECT_EQ(facts.revenue_share_permille(), 750);
  EXPECT_EQ(facts.other_clients_12m(), 1);
  EXPECT_FALSE(
      ScoringFacts(dataset_, contract_, absl::CivilDay(2027, 9, 1), 183).registration_valid())
      << "verified more than 183 days before the as-of date";
}

TEST_F(ScoringFactsTest, AnEmploymentInTheClientsGroupMakesAFormerEmployee) {
  v1::Employment job;
  job.set_name("teleoperators/t1/employments/e1");
  job.mutable_employer()->set_registration_number("732829320");
  job.mutable_employer()->set_country_code("FR");
  *job.mutable_start_date() = D(2020, 1, 1);
  *job.mutable_end_date() = D(2027, 2, 19);
  ASSERT_TRUE(dataset_.Upsert(job).ok());
  const v1::ContractFacts facts =
      ScoringFacts(dataset_, contract_, absl::CivilDay(2027, 3, 1), 183);
  EXPECT_TRUE(facts.former_employee());
  EXPECT_EQ(facts.days_since_employment(), 10);
}

}  // namespace
}  // namespace callmatch

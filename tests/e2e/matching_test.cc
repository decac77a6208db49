// MatchingService end to end: a campaign and teleoperators written through their services, the
// match read from the matching service's materialized view with the writes' consistency tokens,
// and what each role sees of it.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/support/platform.h"

namespace callmatch {
namespace {

using test_support::JsonField;
using test_support::Platform;

constexpr char kCampaign[] = "companies/acme/campaigns/spring";

class MatchingServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new Platform();
    absl::Status started =
        platform_->Start(CALLMATCH_SERVER_BIN, {"campaign", "teleoperator", "matching", "audit"});
    ASSERT_TRUE(started.ok()) << started;
    tokens_ = new std::vector<std::string>();
    const std::string& root = platform_->operator_secret();
    Write(root, "CampaignService.CreateCompany",
          R"({"company_id":"acme","request_id":"c1","company":{"display_name":"Acme",)"
          R"("registration":{"number":"732829320"},"location":{"country_code":"FR"},)"
          R"("segments":["62.01"]}})");
    client_ = new std::string(*platform_->IssueSecret("KIND_CLIENT", "acme"));
    Write(*client_, "CampaignService.CreateCampaign",
          absl::StrCat(
              R"({"parent":"companies/acme","campaign_id":"spring","request_id":"k1",)",
              R"("campaign":{"display_name":"Spring","kind":"CAMPAIGN_KIND_APPOINTMENT_SETTING",)",
              R"("segments":["62.01"],"languages":[{"language":"fr","level":"CEFR_LEVEL_B2"}],)",
              R"("skills":["SKILL_APPOINTMENT_SETTING"],"calling_windows":{"time_zone":)",
              R"("Europe/Paris","windows":[)", EveningWindows(), R"(]},)",
              R"("weekly_minutes_per_seat":300,"seats":3,"start_date":{"year":2027,"month":1,)",
              R"("day":4},"end_date":{"year":2027,"month":3,"day":26},"terms":)",
              R"({"imposed_schedule":false,"pay_model":"PAY_MODEL_PER_APPOINTMENT"}}})"));
    Write(*client_, "CampaignService.OpenCampaign",
          absl::StrCat(R"({"name":")", kCampaign, R"(","version":1,"request_id":"o1"})"));
    for (const char* id : {"t-ok-1", "t-ok-2", "t-noskill", "t-employee"}) {
      const std::string skill =
          std::string(id) == "t-noskill" ? "SKILL_COLD_CALLING" : "SKILL_APPOINTMENT_SETTING";
      Write(root, "TeleoperatorService.CreateTeleoperator",
            absl::StrCat(R"({"teleoperator_id":")", id, R"(","request_id":"t-)", id,
                         R"(","teleoperator":{"display_name":")", id,
                         R"(","establishment":{"country_code":"FR"},"registration":)",
                         R"({"number":"73282932000074"},"languages":[{"language":"fr",)",
                         R"("level":"CEFR_LEVEL_NATIVE"}],"skills":[")", skill,
                         R"("],"availability":{"time_zone":"Europe/Paris","windows":[)",
                         EveningWindows(), R"(]}}})"));
      Write(root, "TeleoperatorService.VerifyRegistration",
            absl::StrCat(R"({"name":"teleoperators/)", id,
                         R"(","status":"REGISTRATION_STATUS_VERIFIED","request_id":"v-)", id,
                         R"("})"));
    }
    // t-employee works for the client.
    Write(root, "TeleoperatorService.CreateEmployment",
          R"({"parent":"teleoperators/t-employee","employment_id":"acme","request_id":"e1",)"
          R"("employment":{"employer":{"display_name":"Acme","registration_number":"732829320",)"
          R"("country_code":"FR"},"schedule":{"time_zone":"Europe/Paris","windows":[)"
          R"({"start_minute":540,"end_minute":720}]},"start_date":{"year":2025,"month":1,)"
          R"("day":6}}})");
  }

  static void TearDownTestSuite() {
    EXPECT_TRUE(platform_->Stop().ok());
    delete platform_;
    delete client_;
    delete tokens_;
  }

  // Monday to Friday, 18:00 to 21:00.
  static std::string EveningWindows() {
    std::vector<std::string> windows;
    for (int day = 0; day < 5; ++day) {
      windows.push_back(absl::StrCat(R"({"start_minute":)", day * 1440 + 1080, R"(,"end_minute":)",
                                     day * 1440 + 1260, "}"));
    }
    return absl::StrJoin(windows, ",");
  }

  // A write whose consistency token later reads send.
  static void Write(const std::string& secret, const std::string& method, const std::string& json) {
    auto written = platform_->Call(secret, method, json);
    ASSERT_TRUE(written.ok()) << method << ": " << written.status();
    tokens_->push_back(platform_->last_token());
  }

  // A read that first waits for every write above.
  static absl::StatusOr<std::string> Read(const std::string& secret, const std::string& method,
                                          const std::string& json) {
    return platform_->Call(secret, method, json, absl::StrJoin(*tokens_, ","));
  }

  static Platform* platform_;
  static std::string* client_;
  static std::vector<std::string>* tokens_;
};

Platform* MatchingServiceTest::platform_ = nullptr;
std::string* MatchingServiceTest::client_ = nullptr;
std::vector<std::string>* MatchingServiceTest::tokens_ = nullptr;

TEST_F(MatchingServiceTest, ClientSeesExactlyTheLawfulOnesInRankOrderWithPublicComponentsOnly) {
  auto matched = Read(*client_, "MatchingService.MatchCampaign",
                      absl::StrCat(R"({"campaign":")", kCampaign, R"("})"));
  ASSERT_TRUE(matched.ok()) << matched.status();
  EXPECT_NE(matched->find("teleoperators/t-ok-1"), std::string::npos) << *matched;
  EXPECT_NE(matched->find("teleoperators/t-ok-2"), std::string::npos) << *matched;
  EXPECT_EQ(matched->find("t-noskill"), std::string::npos) << *matched;
  EXPECT_EQ(matched->find("t-employee"), std::string::npos) << *matched;
  EXPECT_EQ(matched->find(R"("score")"), std::string::npos) << "no total for a client";
  EXPECT_EQ(matched->find("slack"), std::string::npos) << "no private component for a client";
  EXPECT_EQ(matched->find("dependence"), std::string::npos);
  EXPECT_EQ(matched->find("eligible_count"), std::string::npos);
  EXPECT_LT(matched->find("t-ok-1"), matched->find("t-ok-2")) << "equal scores rank by name";

  auto as_operator = Read(platform_->operator_secret(), "MatchingService.MatchCampaign",
                          absl::StrCat(R"({"campaign":")", kCampaign, R"("})"));
  ASSERT_TRUE(as_operator.ok()) << as_operator.status();
  EXPECT_NE(as_operator->find(R"("eligible_count":"2")"), std::string::npos) << *as_operator;
  EXPECT_NE(as_operator->find("slack"), std::string::npos) << *as_operator;
}

TEST_F(MatchingServiceTest, ExplanationsForTheOperatorAndTheTeleoperatorNeverTheClient) {
  const std::string employee = absl::StrCat(R"({"campaign":")", kCampaign,
                                            R"(","teleoperator":"teleoperators/t-employee"})");
  auto why = Read(platform_->operator_secret(), "MatchingService.ExplainEligibility", employee);
  ASSERT_TRUE(why.ok()) << why.status();
  EXPECT_EQ(why->find(R"("eligible":true)"), std::string::npos) << *why;
  const size_t rule = why->find("EXCLUSION_REASON_EMPLOYEE_OF_CLIENT");
  ASSERT_NE(rule, std::string::npos) << *why;
  EXPECT_EQ(why->substr(rule, 80).find(R"("passed":true)"), std::string::npos) << *why;
  EXPECT_EQ(Read(*client_, "MatchingService.ExplainEligibility", employee).status().code(),
            absl::StatusCode::kPermissionDenied);

  const std::string noskill_secret = *platform_->IssueSecret("KIND_TELEOPERATOR", "t-noskill");
  auto own = Read(noskill_secret, "MatchingService.ExplainEligibility",
                  absl::StrCat(R"({"campaign":")", kCampaign,
                               R"(","teleoperator":"teleoperators/t-noskill"})"));
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_NE(own->find("EXCLUSION_REASON_SKILL"), std::string::npos) << *own;
  EXPECT_EQ(Read(noskill_secret, "MatchingService.ExplainEligibility", employee).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(MatchingServiceTest, DraftsAreHiddenFromTeleoperatorsAndOperatorReadsAreAudited) {
  Write(*client_, "CampaignService.CreateCampaign",
        absl::StrCat(
            R"({"parent":"companies/acme","campaign_id":"draft","request_id":"k-draft",)",
            R"("campaign":{"display_name":"Draft","kind":"CAMPAIGN_KIND_COLD_CALLING",)",
            R"("segments":["62.01"],"languages":[{"language":"fr","level":"CEFR_LEVEL_B2"}],)",
            R"("calling_windows":{"time_zone":"Europe/Paris","windows":[)", EveningWindows(),
            R"(]},"weekly_minutes_per_seat":60,"seats":1,"start_date":{"year":2027,)",
            R"("month":1,"day":4},"end_date":{"year":2027,"month":3,"day":26},)",
            R"("terms":{"pay_model":"PAY_MODEL_PER_CALL"}}})"));
  const std::string secret = *platform_->IssueSecret("KIND_TELEOPERATOR", "t-ok-2");
  auto hidden = Read(secret, "MatchingService.ExplainEligibility",
                     R"({"campaign":"companies/acme/campaigns/draft",)"
                     R"("teleoperator":"teleoperators/t-ok-2"})");
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound) << hidden.status();

  ASSERT_TRUE(Read(platform_->operator_secret(), "MatchingService.ExplainEligibility",
                   absl::StrCat(R"({"campaign":")", kCampaign,
                                R"(","teleoperator":"teleoperators/t-ok-2"})"))
                  .ok());
  auto trail = platform_->Call(platform_->operator_secret(), "AuditService.ListAuditEvents",
                               R"({"resource":"teleoperators/t-ok-2","page_size":100})");
  ASSERT_TRUE(trail.ok()) << trail.status();
  EXPECT_NE(trail->find("AUDIT_ACTION_READ"), std::string::npos) << *trail;
}

TEST_F(MatchingServiceTest, ATeleoperatorFindsTheCampaignsItIsEligibleFor) {
  const std::string secret = *platform_->IssueSecret("KIND_TELEOPERATOR", "t-ok-1");
  auto campaigns = Read(secret, "MatchingService.ListEligibleCampaigns",
                        R"({"teleoperator":"teleoperators/t-ok-1"})");
  ASSERT_TRUE(campaigns.ok()) << campaigns.status();
  EXPECT_NE(campaigns->find(kCampaign), std::string::npos) << *campaigns;
  auto employee = Read(platform_->operator_secret(), "MatchingService.ListEligibleCampaigns",
                       R"({"teleoperator":"teleoperators/t-employee"})");
  ASSERT_TRUE(employee.ok());
  EXPECT_EQ(employee->find(kCampaign), std::string::npos) << *employee;
}

TEST_F(MatchingServiceTest, IndexStatusReportsTheLoadAndThePositions) {
  auto status = Read(platform_->operator_secret(), "MatchingService.GetIndexStatus", "{}");
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_NE(status->find(R"("loaded":true)"), std::string::npos) << *status;
  EXPECT_NE(status->find(R"("teleoperators":"4")"), std::string::npos) << *status;
  EXPECT_EQ(Read(*client_, "MatchingService.GetIndexStatus", "{}").status().code(),
            absl::StatusCode::kPermissionDenied);
  // A token naming a write that does not exist is refused at once, never waited for.
  auto forged = platform_->Call(platform_->operator_secret(), "MatchingService.GetIndexStatus",
                                "{}", "0/99999999999999-0");
  EXPECT_EQ(forged.status().code(), absl::StatusCode::kInvalidArgument) << forged.status();
}

}  // namespace
}  // namespace callmatch

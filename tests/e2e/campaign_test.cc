// CampaignService end to end: companies and campaigns through a running campaign server, with
// the roles of design.md, field validation, versions and idempotency.
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "tests/support/platform.h"

namespace callmatch {
namespace {

using test_support::JsonField;
using test_support::Platform;

// Valid French SIRENs (Luhn).
constexpr char kAcmeSiren[] = "732829320";
constexpr char kGlobexSiren[] = "552100554";

std::string CompanyJson(const std::string& id, const std::string& siren,
                        const std::string& request_id) {
  return absl::StrCat(R"({"company_id":")", id, R"(","request_id":")", request_id,
                      R"(","company":{"display_name":"Company )", id,
                      R"(","registration":{"number":")", siren,
                      R"("},"location":{"country_code":"FR","subdivision_code":"FR-IDF"},)"
                      R"("segments":["62.01"]}})");
}

std::string CampaignJson(const std::string& parent, const std::string& id,
                         const std::string& request_id, const std::string& overrides = "") {
  return absl::StrCat(
      R"({"parent":")", parent, R"(","campaign_id":")", id, R"(","request_id":")", request_id,
      R"(","campaign":{"display_name":"Spring","kind":"CAMPAIGN_KIND_APPOINTMENT_SETTING",)",
      R"("segments":["62.01"],"languages":[{"language":"fr","level":"CEFR_LEVEL_C1"}],)",
      R"("skills":["SKILL_APPOINTMENT_SETTING"],"calling_windows":{"time_zone":"Europe/Paris",)",
      R"("windows":[{"start_minute":1080,"end_minute":1260},{"start_minute":2520,)",
      R"("end_minute":2700}]},"weekly_minutes_per_seat":300,"seats":3,)",
      R"("start_date":{"year":2027,"month":1,"day":4},"end_date":{"year":2027,"month":3,)",
      R"("day":26},"terms":{"pay_model":"PAY_MODEL_PER_APPOINTMENT"})", overrides, "}}");
}

class CampaignServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new Platform();
    absl::Status started = platform_->Start(CALLMATCH_SERVER_BIN, {"campaign", "audit"});
    ASSERT_TRUE(started.ok()) << started;
    const std::string& root = platform_->operator_secret();
    ASSERT_TRUE(
        platform_
            ->Call(root, "CampaignService.CreateCompany", CompanyJson("acme", kAcmeSiren, "c-acme"))
            .ok());
    ASSERT_TRUE(platform_
                    ->Call(root, "CampaignService.CreateCompany",
                           CompanyJson("globex", kGlobexSiren, "c-globex"))
                    .ok());
    acme_ = new std::string(*platform_->IssueSecret("KIND_CLIENT", "acme"));
    globex_ = new std::string(*platform_->IssueSecret("KIND_CLIENT", "globex"));
    teleoperator_ = new std::string(*platform_->IssueSecret("KIND_TELEOPERATOR", "t-1"));
  }

  static void TearDownTestSuite() {
    EXPECT_TRUE(platform_->Stop().ok());
    delete platform_;
    delete acme_;
    delete globex_;
    delete teleoperator_;
  }

  absl::StatusOr<std::string> Call(const std::string& secret, const std::string& method,
                                   const std::string& json) {
    return platform_->Call(secret, absl::StrCat("CampaignService.", method), json);
  }

  static Platform* platform_;
  static std::string* acme_;
  static std::string* globex_;
  static std::string* teleoperator_;
};

Platform* CampaignServiceTest::platform_ = nullptr;
std::string* CampaignServiceTest::acme_ = nullptr;
std::string* CampaignServiceTest::globex_ = nullptr;
std::string* CampaignServiceTest::teleoperator_ = nullptr;

TEST_F(CampaignServiceTest, OnlyOperatorsCreateCompaniesAndClientsSeeTheirOwn) {
  EXPECT_EQ(Call(*acme_, "CreateCompany", CompanyJson("evil", kAcmeSiren, "x")).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto own = Call(*acme_, "GetCompany", R"({"name":"companies/acme"})");
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(JsonField(*own, "status"), "REGISTRATION_STATUS_PENDING");
  EXPECT_EQ(Call(*acme_, "GetCompany", R"({"name":"companies/globex"})").status().code(),
            absl::StatusCode::kPermissionDenied);
  auto listed = Call(*acme_, "ListCompanies", "{}");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->find("globex"), std::string::npos) << *listed;
}

TEST_F(CampaignServiceTest, ClientCreatesOpensAndUpdatesItsCampaign) {
  auto created = Call(*acme_, "CreateCampaign", CampaignJson("companies/acme", "spring", "k1"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(JsonField(*created, "state"), "CAMPAIGN_STATE_DRAFT");
  EXPECT_NE(created->find(R"("version":"1")"), std::string::npos) << *created;

  // Teleoperators do not see drafts; another client never sees it.
  const std::string get = R"({"name":"companies/acme/campaigns/spring"})";
  EXPECT_EQ(Call(*teleoperator_, "GetCampaign", get).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Call(*globex_, "GetCampaign", get).status().code(),
            absl::StatusCode::kPermissionDenied);

  auto opened = Call(*acme_, "OpenCampaign",
                     R"({"name":"companies/acme/campaigns/spring","version":1,"request_id":"o1"})");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(JsonField(*opened, "state"), "CAMPAIGN_STATE_OPEN");
  auto seen = Call(*teleoperator_, "GetCampaign", get);
  ASSERT_TRUE(seen.ok()) << seen.status();
  auto open_list = Call(*teleoperator_, "ListCampaigns", R"({"parent":"companies/-"})");
  ASSERT_TRUE(open_list.ok());
  EXPECT_NE(open_list->find("companies/acme/campaigns/spring"), std::string::npos);

  // A stale version is refused and changes nothing; the current one goes through.
  const std::string stale =
      R"({"campaign":{"name":"companies/acme/campaigns/spring","version":1,"seats":5},)"
      R"("update_mask":"seats","request_id":"u1"})";
  EXPECT_EQ(Call(*acme_, "UpdateCampaign", stale).status().code(), absl::StatusCode::kAborted);
  auto unchanged = Call(*acme_, "GetCampaign", get);
  EXPECT_NE(unchanged->find(R"("seats":3)"), std::string::npos) << *unchanged;
  const std::string current =
      R"({"campaign":{"name":"companies/acme/campaigns/spring","version":2,"seats":5},)"
      R"("update_mask":"seats","request_id":"u2"})";
  auto updated = Call(*acme_, "UpdateCampaign", current);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_NE(updated->find(R"("seats":5)"), std::string::npos) << *updated;
  EXPECT_EQ(JsonField(*updated, "display_name"), "Spring") << "fields outside the mask stay";
}

TEST_F(CampaignServiceTest, RetriedCreateReplaysAndReusedIdIsRefused) {
  auto first = Call(*acme_, "CreateCampaign", CampaignJson("companies/acme", "retry", "k-retry"));
  ASSERT_TRUE(first.ok()) << first.status();
  auto again = Call(*acme_, "CreateCampaign", CampaignJson("companies/acme", "retry", "k-retry"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*first, *again);
  EXPECT_EQ(Call(*acme_, "CreateCampaign", CampaignJson("companies/acme", "other", "k-retry"))
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Call(*acme_, "CreateCampaign", CampaignJson("companies/acme", "retry", "k-new"))
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists)
      << "the campaign id is taken";
}

TEST_F(CampaignServiceTest, BadFieldsAreNamedAndNothingIsWritten) {
  struct Case {
    std::string overrides;
    std::string field;
  };
  for (
      const Case& c : std::vector<Case>{
          {R"(,"seats":0)", "campaign.seats"},
          // Repeated fields given again in JSON add to the valid first element.
          {R"(,"segments":["99.99.9"])", "campaign.segments[1]"},
          {R"(,"calling_windows":{"time_zone":"Mars/Olympus","windows":[{"end_minute":60}]})",
           "campaign.calling_windows.time_zone"},
          {R"(,"end_date":{"year":2026,"month":12,"day":1})", "campaign.end_date"},
          {R"(,"calling_windows":{"time_zone":"../../../etc/passwd","windows":[{"end_minute":60}]})",
           "campaign.calling_windows.time_zone"},
          {R"(,"weekly_minutes_per_seat":5000)", "campaign.weekly_minutes_per_seat"},
          {R"(,"display_name":")" + std::string(300, 'x') + R"(")", "campaign.display_name"},
          {R"(,"languages":[{"language":"FR","level":"CEFR_LEVEL_B2"}])",
           "campaign.languages[1].language"},
      }) {
    auto refused =
        Call(*acme_, "CreateCampaign", CampaignJson("companies/acme", "bad", "k-bad", c.overrides));
    ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << c.overrides;
    auto violations = FieldViolations(refused.status());
    ASSERT_EQ(violations.size(), 1u) << refused.status();
    EXPECT_EQ(violations[0].field(), c.field) << refused.status();
  }
  EXPECT_EQ(
      Call(*acme_, "GetCampaign", R"({"name":"companies/acme/campaigns/bad"})").status().code(),
      absl::StatusCode::kNotFound);

  auto bad_siren = Call(platform_->operator_secret(), "CreateCompany",
                        CompanyJson("initech", "732829321", "c-bad"));
  ASSERT_EQ(bad_siren.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(bad_siren.status()).at(0).field(), "company.registration.number");
}

TEST_F(CampaignServiceTest, ARetriedCreateWithoutAnIdMakesOneCompany) {
  const std::string request =
      absl::StrCat(R"({"request_id":"no-id","company":{"display_name":"Initech",)",
                   R"("registration":{"number":")", kGlobexSiren,
                   R"("},"location":{"country_code":"FR"},"segments":["62.01"]}})");
  auto first = Call(platform_->operator_secret(), "CreateCompany", request);
  ASSERT_TRUE(first.ok()) << first.status();
  auto again = Call(platform_->operator_secret(), "CreateCompany", request);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(JsonField(*first, "name"), JsonField(*again, "name"));
  auto listed = Call(platform_->operator_secret(), "ListCompanies", "{}");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->find("Initech"), listed->rfind("Initech")) << "one company: " << *listed;
}

TEST_F(CampaignServiceTest, OperatorsVerifyRegistrations) {
  EXPECT_EQ(Call(*acme_, "VerifyCompanyRegistration",
                 R"({"name":"companies/acme","status":"REGISTRATION_STATUS_VERIFIED",)"
                 R"("request_id":"v0"})")
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  auto verified = Call(platform_->operator_secret(), "VerifyCompanyRegistration",
                       R"({"name":"companies/globex","status":"REGISTRATION_STATUS_VERIFIED",)"
                       R"("request_id":"v1"})");
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(JsonField(*verified, "status"), "REGISTRATION_STATUS_VERIFIED");
  EXPECT_EQ(JsonField(*verified, "verified_by"), "root");
}

}  // namespace
}  // namespace callmatch

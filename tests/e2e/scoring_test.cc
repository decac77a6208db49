// ScoringService end to end: the rulebooks loaded by a running scoring server, assessments with
// their references and ranges, bad facts, and a server that refuses a broken rulebook.
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "tests/support/platform.h"
#include "tests/support/process.h"

namespace callmatch {
namespace {

using test_support::JsonField;
using test_support::Platform;

class ScoringServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new Platform();
    absl::Status started = platform_->Start(CALLMATCH_SERVER_BIN, {"scoring", "audit"});
    ASSERT_TRUE(started.ok()) << started;
    client_ = new std::string(*platform_->IssueSecret("KIND_CLIENT", "acme"));
  }
  static void TearDownTestSuite() {
    EXPECT_TRUE(platform_->Stop().ok());
    delete platform_;
    delete client_;
  }

  static Platform* platform_;
  static std::string* client_;
};

Platform* ScoringServiceTest::platform_ = nullptr;
std::string* ScoringServiceTest::client_ = nullptr;

TEST_F(ScoringServiceTest, CallCentreInDisguiseIsCriticalWithItsReferences) {
  auto assessed = platform_->Call(
      *client_, "ScoringService.ScoreTerms",
      R"({"facts":{"terms":{"imposed_schedule":true,"tools":"TOOLS_POLICY_CLIENT_ACCOUNTS",)"
      R"("script":"SCRIPT_POLICY_MANDATORY_VERBATIM","supervision":"SUPERVISION_POLICY_REAL_TIME",)"
      R"("sanctions":true,"pay_model":"PAY_MODEL_PER_HOUR"},"revenue_share_permille":800,)"
      R"("months_continuous":14,"teleoperator_location":{"country_code":"FR"},)"
      R"("client_location":{"country_code":"FR"},"as_of":{"year":2027,"month":1,"day":4}}})");
  ASSERT_TRUE(assessed.ok()) << assessed.status();
  EXPECT_NE(assessed->find(R"("band":"RISK_BAND_CRITICAL")"), std::string::npos) << *assessed;
  EXPECT_NE(assessed->find(R"("rulebook_id":"france")"), std::string::npos) << *assessed;
  EXPECT_FALSE(JsonField(*assessed, "legal_reference").empty()) << *assessed;
  EXPECT_NE(assessed->find(R"("remediations")"), std::string::npos) << *assessed;
}

TEST_F(ScoringServiceTest, AMissingFactGivesARangeAndIsNamed) {
  auto assessed = platform_->Call(
      *client_, "ScoringService.ScoreTerms",
      R"({"facts":{"terms":{"imposed_schedule":false,"tools":"TOOLS_POLICY_OWN",)"
      R"("script":"SCRIPT_POLICY_NONE","pay_model":"PAY_MODEL_PER_APPOINTMENT"},)"
      R"("teleoperator_location":{"country_code":"FR"},"client_location":{"country_code":"FR"},)"
      R"("as_of":{"year":2027,"month":1,"day":4}}})");
  ASSERT_TRUE(assessed.ok()) << assessed.status();
  EXPECT_NE(assessed->find("terms.supervision"), std::string::npos) << *assessed;
  EXPECT_NE(assessed->find("unknown_facts"), std::string::npos) << *assessed;
}

TEST_F(ScoringServiceTest, ListsTheSixRulebooksAndRefusesBadFacts) {
  auto listed = platform_->Call(*client_, "ScoringService.ListRulebooks", "{}");
  ASSERT_TRUE(listed.ok()) << listed.status();
  for (const char* id :
       {"france", "eu-directive", "eu-2021-proposal", "uk-ir35", "us-irs", "california-abc"}) {
    EXPECT_NE(listed->find(absl::StrCat(R"("id":")", id, R"(")")), std::string::npos) << id;
  }
  auto bad = platform_->Call(*client_, "ScoringService.ScoreTerms",
                             R"({"facts":{"revenue_share_permille":1500}})");
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << bad.status();
  EXPECT_EQ(FieldViolations(bad.status()).at(0).field(), "facts");
  EXPECT_EQ(platform_->Call("", "ScoringService.ListRulebooks", "{}").status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(ScoringServiceTest, ABrokenRulebookStopsTheServerWithFileAndLine) {
  const std::string dir = platform_->dir() + "/broken-rulebooks";
  test_support::RemoveTree(dir);
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  std::ofstream(dir + "/bad.textproto") << "id: \"bad\"\nversion: \"1\"\nno_such_field: 3\n";
  test_support::Process server;
  ASSERT_TRUE(server
                  .Start({CALLMATCH_SERVER_BIN, "--service=scoring", "--port=0",
                          absl::StrCat("--redis=", platform_->redis().address()),
                          absl::StrCat("--rulebooks=", dir)},
                         {}, dir + "/server.log")
                  .ok());
  auto code = server.Wait(absl::Seconds(20));
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 2);
  const std::string log = test_support::ReadFile(dir + "/server.log");
  EXPECT_NE(log.find("bad.textproto:3"), std::string::npos) << log;
}

}  // namespace
}  // namespace callmatch

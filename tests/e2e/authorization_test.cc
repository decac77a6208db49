// Authorization over every RPC of the services built so far: no credential, a wrong one and a
// revoked one are UNAUTHENTICATED everywhere; operator-only methods refuse clients and
// teleoperators. Each service's own test covers its finer rules (own company, own profile, ...).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "tests/support/platform.h"
#include "tests/support/scenario.h"

namespace callmatch {
namespace {

using test_support::JsonField;
using test_support::Platform;
using test_support::Scenario;

// Every service.
const std::vector<std::string>& Services() {
  static const auto* services = new std::vector<std::string>{
      "callmatch.v1.CampaignService",  "callmatch.v1.TeleoperatorService",
      "callmatch.v1.MatchingService",  "callmatch.v1.ContractService",
      "callmatch.v1.ScoringService",   "callmatch.v1.AuditService",
      "callmatch.v1.CredentialService"};
  return *services;
}

// Methods only platform operators may call.
const std::set<std::string>& OperatorOnly() {
  static const auto* methods = new std::set<std::string>{
      "CampaignService.CreateCompany",          "CampaignService.VerifyCompanyRegistration",
      "TeleoperatorService.CreateTeleoperator", "TeleoperatorService.ListTeleoperators",
      "TeleoperatorService.VerifyRegistration", "MatchingService.GetIndexStatus",
      "AuditService.ListAuditEvents",           "AuditService.VerifyChain",
      "CredentialService.IssueCredential",      "CredentialService.RevokeCredential",
      "CredentialService.ListCredentials",      "ScoringService.RescoreAll"};
  return *methods;
}

std::vector<std::string> AllMethods() {
  std::vector<std::string> methods;
  for (const std::string& name : Services()) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    EXPECT_NE(service, nullptr) << name;
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      methods.push_back(absl::StrCat(service->name(), ".", service->method(i)->name()));
    }
  }
  return methods;
}

class AuthorizationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new Platform();
    absl::Status started =
        platform_->Start(CALLMATCH_SERVER_BIN,
                         {"campaign", "teleoperator", "matching", "scoring", "contract", "audit"});
    ASSERT_TRUE(started.ok()) << started;
  }
  static void TearDownTestSuite() {
    EXPECT_TRUE(platform_->Stop().ok());
    delete platform_;
  }
  static Platform* platform_;
};

Platform* AuthorizationTest::platform_ = nullptr;

TEST_F(AuthorizationTest, EveryMethodRefusesAMissingWrongOrRevokedCredential) {
  auto issued = platform_->Call(platform_->operator_secret(), "CredentialService.IssueCredential",
                                R"({"principal":{"kind":"KIND_CLIENT","id":"acme"},)"
                                R"("request_id":"to-revoke"})");
  ASSERT_TRUE(issued.ok()) << issued.status();
  ASSERT_TRUE(platform_
                  ->Call(platform_->operator_secret(), "CredentialService.RevokeCredential",
                         absl::StrCat(R"({"name":")", JsonField(*issued, "name"),
                                      R"(","request_id":"revoke"})"))
                  .ok());
  const std::string revoked = JsonField(*issued, "secret");
  const std::string wrong = absl::StrCat("cm_00ffffffffffffffffff_", std::string(64, 'f'));
  const std::vector<std::string> methods = AllMethods();
  ASSERT_GT(methods.size(), 30u);
  for (const std::string& method : methods) {
    for (const std::string& secret : {std::string(), wrong, revoked}) {
      auto answer = platform_->Call(secret, method, "{}");
      EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnauthenticated)
          << method << " with " << (secret.empty() ? "no credential" : secret);
    }
  }
}

TEST_F(AuthorizationTest, OperatorOnlyMethodsRefuseClientsAndTeleoperators) {
  const std::string client = *platform_->IssueSecret("KIND_CLIENT", "acme");
  const std::string teleoperator = *platform_->IssueSecret("KIND_TELEOPERATOR", "t-1");
  for (const std::string& method : OperatorOnly()) {
    for (const std::string& secret : {client, teleoperator}) {
      auto answer = platform_->Call(secret, method, "{}");
      EXPECT_EQ(answer.status().code(), absl::StatusCode::kPermissionDenied) << method;
    }
    // An operator gets past authorization (the empty request may still be refused).
    auto answer = platform_->Call(platform_->operator_secret(), method, "{}");
    EXPECT_NE(answer.status().code(), absl::StatusCode::kPermissionDenied) << method;
    EXPECT_NE(answer.status().code(), absl::StatusCode::kUnauthenticated) << method;
  }
  // A streaming method too: an operator's RescoreAll runs to its end.
  auto rescored = platform_->Call(platform_->operator_secret(), "ScoringService.RescoreAll",
                                  R"({"request_id":"authorized"})");
  EXPECT_TRUE(rescored.ok()) << rescored.status();
}

// Every ContractService method, for each role: the contract's client (acme) and teleoperator
// (t-1), another client (beta), another teleoperator (t-2) and an operator. "Allowed" means the
// call got past authorization (it may still fail on the contract's state or version).
TEST_F(AuthorizationTest, EveryContractMethodForEachRole) {
  Scenario world(platform_);
  ASSERT_TRUE(world.Company("acme", "732829320", "62.01").ok());
  ASSERT_TRUE(world.Company("beta", "552100554", "47.11").ok());
  ASSERT_TRUE(world.Teleoperator("t-1").ok());
  ASSERT_TRUE(world.Teleoperator("t-2").ok());
  std::map<std::string, std::string> secrets = {
      {"acme", *platform_->IssueSecret("KIND_CLIENT", "acme")},
      {"beta", *platform_->IssueSecret("KIND_CLIENT", "beta")},
      {"t-1", *platform_->IssueSecret("KIND_TELEOPERATOR", "t-1")},
      {"t-2", *platform_->IssueSecret("KIND_TELEOPERATOR", "t-2")},
      {"operator", platform_->operator_secret()}};
  const std::string campaign = "companies/acme/campaigns/roles";
  ASSERT_TRUE(world.Campaign(secrets["acme"], "acme", "roles", "62.01", "").ok());
  auto proposed = world.Write(
      secrets["acme"], "ContractService.ProposeContract",
      absl::StrCat(R"({"campaign":")", campaign, R"(","teleoperator":"teleoperators/t-1",)",
                   R"("request_id":"roles-propose"})"));
  ASSERT_TRUE(proposed.ok()) << proposed.status();
  const std::string k = JsonField(*proposed, "name");
  ASSERT_TRUE(world
                  .Write(secrets["t-1"], "ContractService.AcceptContract",
                         absl::StrCat(R"({"name":")", k, R"(","version":1,"request_id":"r-a"})"))
                  .ok());
  ASSERT_TRUE(world
                  .Write(secrets["operator"], "ContractService.ActivateContract",
                         absl::StrCat(R"({"name":")", k, R"(","version":2,"request_id":"r-b",)",
                                      R"("override_reason":"terms mostly unknown: checked"})"))
                  .ok());
  const std::string day = R"("day":{"year":2027,"month":1,"day":4})";
  ASSERT_TRUE(world
                  .Write(secrets["t-1"], "ContractService.LogActivity",
                         absl::StrCat(R"({"parent":")", k, R"(","request_id":"r-c",)",
                                      R"("activity_log":{)", day, R"(,"appointments_set":2}})"))
                  .ok());
  const std::string log = absl::StrCat(k, "/activityLogs/2027-01-04");

  constexpr auto kDenied = absl::StatusCode::kPermissionDenied;
  constexpr auto kHidden = absl::StatusCode::kNotFound;
  constexpr auto kAllowed = absl::StatusCode::kOk;  // past authorization
  struct Case {
    std::string method;
    std::string request;
    std::map<std::string, absl::StatusCode> expected;  // by role
  };
  const std::vector<Case> cases = {
      {"ProposeContract",
       absl::StrCat(R"({"campaign":")", campaign,
                    R"(","teleoperator":"teleoperators/t-2","request_id":"x-propose"})"),
       {{"acme", kAllowed},
        {"beta", kDenied},
        {"t-1", kDenied},
        {"t-2", kDenied},
        {"operator", kDenied}}},
      {"ApplyToCampaign",
       absl::StrCat(R"({"campaign":")", campaign,
                    R"(","teleoperator":"teleoperators/t-2","request_id":"x-apply"})"),
       {{"acme", kDenied},
        {"beta", kDenied},
        {"t-1", kDenied},
        {"t-2", kAllowed},
        {"operator", kDenied}}},
      {"AcceptContract",
       absl::StrCat(R"({"name":")", k, R"(","version":3,"request_id":"x-1"})"),
       {{"acme", kDenied},
        {"beta", kHidden},
        {"t-1", kAllowed},
        {"t-2", kDenied},
        {"operator", kDenied}}},
      {"DeclineContract",
       absl::StrCat(R"({"name":")", k, R"(","version":3,"request_id":"x-2"})"),
       {{"acme", kDenied},
        {"beta", kHidden},
        {"t-1", kAllowed},
        {"t-2", kDenied},
        {"operator", kDenied}}},
      {"ActivateContract",
       absl::StrCat(R"({"name":")", k, R"(","version":3,"request_id":"x-3"})"),
       {{"acme", kAllowed},
        {"beta", kHidden},
        {"t-1", kDenied},
        {"t-2", kDenied},
        {"operator", kAllowed}}},
      {"TerminateContract",
       absl::StrCat(R"({"name":")", k, R"(","version":99,"request_id":"x-4"})"),
       {{"acme", kAllowed},
        {"beta", kHidden},
        {"t-1", kAllowed},
        {"t-2", kDenied},
        {"operator", kAllowed}}},
      {"GetContract",
       absl::StrCat(R"({"name":")", k, R"("})"),
       {{"acme", kAllowed},
        {"beta", kHidden},
        {"t-1", kAllowed},
        {"t-2", kDenied},
        {"operator", kAllowed}}},
      {"ListContracts",
       R"({"parent":"teleoperators/t-1"})",
       {{"acme", kAllowed},
        {"beta", kAllowed},
        {"t-1", kAllowed},
        {"t-2", kDenied},
        {"operator", kAllowed}}},
      {"LogActivity",
       absl::StrCat(R"({"parent":")", k, R"(","request_id":"x-5","activity_log":{)", day, "}}"),
       {{"acme", kDenied},
        {"beta", kDenied},
        {"t-1", kAllowed},
        {"t-2", kDenied},
        {"operator", kDenied}}},
      {"ValidateAppointments",
       absl::StrCat(R"({"name":")", log,
                    R"(","appointments_validated":1,"version":99,"request_id":"x-6"})"),
       {{"acme", kAllowed},
        {"beta", kHidden},
        {"t-1", kDenied},
        {"t-2", kDenied},
        {"operator", kDenied}}},
      {"ListActivityLogs",
       absl::StrCat(R"({"parent":")", k, R"("})"),
       {{"acme", kAllowed},
        {"beta", kHidden},
        {"t-1", kAllowed},
        {"t-2", kDenied},
        {"operator", kAllowed}}},
  };
  std::set<std::string> covered;
  for (const Case& c : cases) {
    covered.insert(absl::StrCat("ContractService.", c.method));
    for (const auto& [role, expected] : c.expected) {
      auto answer =
          platform_->Call(secrets[role], absl::StrCat("ContractService.", c.method), c.request);
      const absl::StatusCode code = answer.status().code();
      if (expected == kAllowed) {
        EXPECT_TRUE(code != kDenied && code != kHidden &&
                    code != absl::StatusCode::kUnauthenticated)
            << c.method << " as " << role << ": " << answer.status();
      } else {
        EXPECT_EQ(code, expected) << c.method << " as " << role << ": " << answer.status();
      }
    }
  }
  for (const std::string& method : AllMethods()) {
    if (method.rfind("ContractService.", 0) == 0) {
      EXPECT_TRUE(covered.contains(method)) << method;
    }
  }
}

}  // namespace
}  // namespace callmatch

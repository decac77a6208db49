// Authorization over every RPC of the services built so far: no credential, a wrong one and a
// revoked one are UNAUTHENTICATED everywhere; operator-only methods refuse clients and
// teleoperators. Each service's own test covers its finer rules (own company, own profile, ...).
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "tests/support/platform.h"

namespace callmatch {
namespace {

using test_support::JsonField;
using test_support::Platform;

// Services whose every method is built (ContractService is not yet).
const std::vector<std::string>& Services() {
  static const auto* services = new std::vector<std::string>{
      "callmatch.v1.CampaignService", "callmatch.v1.TeleoperatorService",
      "callmatch.v1.MatchingService", "callmatch.v1.ScoringService",
      "callmatch.v1.AuditService",    "callmatch.v1.CredentialService"};
  return *services;
}

// Methods not built yet (they answer UNIMPLEMENTED before any check).
const std::set<std::string>& NotBuilt() {
  static const auto* methods =
      new std::set<std::string>{"ScoringService.RescoreAll", "AuditService.GetClientRiskReport",
                                "AuditService.GetDependenceReport"};
  return *methods;
}

// Methods only platform operators may call.
const std::set<std::string>& OperatorOnly() {
  static const auto* methods = new std::set<std::string>{
      "CampaignService.CreateCompany",          "CampaignService.VerifyCompanyRegistration",
      "TeleoperatorService.CreateTeleoperator", "TeleoperatorService.ListTeleoperators",
      "TeleoperatorService.VerifyRegistration", "MatchingService.GetIndexStatus",
      "AuditService.ListAuditEvents",           "AuditService.VerifyChain",
      "CredentialService.IssueCredential",      "CredentialService.RevokeCredential",
      "CredentialService.ListCredentials"};
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
      const std::string method = absl::StrCat(service->name(), ".", service->method(i)->name());
      if (!NotBuilt().contains(method)) methods.push_back(method);
    }
  }
  return methods;
}

class AuthorizationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new Platform();
    absl::Status started = platform_->Start(
        CALLMATCH_SERVER_BIN, {"campaign", "teleoperator", "matching", "scoring", "audit"});
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
  }
}

}  // namespace
}  // namespace callmatch

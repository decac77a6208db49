// The audit process end to end: the operator bootstrap on the server host; credentials issued,
// used and revoked, and what each kind of principal may do; the sealed trail, verified, then
// tampered with directly in Redis.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/cli/rpc.h"
#include "services/common/errors.h"
#include "tests/support/platform.h"

namespace callmatch {
namespace {

using test_support::JsonField;
using test_support::Platform;

class AuditProcessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new Platform();
    absl::Status started = platform_->Start(CALLMATCH_SERVER_BIN, {"audit"});
    ASSERT_TRUE(started.ok()) << started;
    operator_secret_ = &platform_->operator_secret();
  }

  static void TearDownTestSuite() {
    absl::Status stopped = platform_->Stop();
    EXPECT_TRUE(stopped.ok()) << stopped;
    delete platform_;
  }

  // Calls a method ("AuditService.VerifyChain"; CredentialService when no service is named) with
  // `secret` as the bearer credential.
  absl::StatusOr<std::string> CallAs(const std::string& secret, const std::string& method,
                                     const std::string& json) {
    const std::string service = method.find('.') == std::string::npos ? "CredentialService." : "";
    return platform_->Call(secret, absl::StrCat(service, method), json);
  }

  // Issues a credential for `kind`/`id` as the operator; returns the response JSON.
  std::string Issue(const std::string& kind, const std::string& id, const std::string& request_id) {
    auto issued = CallAs(*operator_secret_, "IssueCredential",
                         absl::StrCat(R"({"principal":{"kind":")", kind, R"(","id":")", id,
                                      R"("},"request_id":")", request_id, R"("})"));
    EXPECT_TRUE(issued.ok()) << issued.status();
    return issued.ok() ? *issued : "";
  }

  // Polls VerifyChain until every event is sealed (the sealer runs in the background); the last
  // answer.
  std::string AwaitSealedChain() {
    std::string last;
    for (int i = 0; i < 100; ++i) {
      auto verified = CallAs(*operator_secret_, "AuditService.VerifyChain", "{}");
      last = verified.ok() ? *verified : verified.status().ToString();
      if (verified.ok() && verified->rfind("{\"ok\":true", 0) == 0) return last;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return last;
  }

  static Platform* platform_;
  static const std::string* operator_secret_;
};

Platform* AuditProcessTest::platform_ = nullptr;
const std::string* AuditProcessTest::operator_secret_ = nullptr;

TEST_F(AuditProcessTest, BootstrappedOperatorIsAnOperator) {
  auto who = CallAs(*operator_secret_, "WhoAmI", "{}");
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(JsonField(*who, "kind"), "KIND_OPERATOR");
  EXPECT_EQ(JsonField(*who, "id"), "root");
}

TEST_F(AuditProcessTest, MissingMalformedOrUnknownCredentialIsUnauthenticated) {
  for (const std::string& secret :
       {std::string(), std::string("not-a-credential"),
        absl::StrCat("cm_00aaaaaaaaaaaaaaaaaa_", std::string(64, 'b')),
        // The right id with a wrong secret.
        absl::StrCat(operator_secret_->substr(0, operator_secret_->rfind('_') + 1),
                     std::string(64, 'c'))}) {
    auto who = CallAs(secret, "WhoAmI", "{}");
    EXPECT_EQ(who.status().code(), absl::StatusCode::kUnauthenticated) << secret;
  }
}

TEST_F(AuditProcessTest, IssuedCredentialActsAsItsPrincipalAndOnlyOperatorsManageCredentials) {
  const std::string issued = Issue("KIND_CLIENT", "acme", "issue-acme-1");
  const std::string client_secret = JsonField(issued, "secret");
  ASSERT_FALSE(client_secret.empty()) << issued;

  auto who = CallAs(client_secret, "WhoAmI", "{}");
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(JsonField(*who, "kind"), "KIND_CLIENT");
  EXPECT_EQ(JsonField(*who, "id"), "acme");

  EXPECT_EQ(CallAs(client_secret, "ListCredentials", "{}").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CallAs(client_secret, "IssueCredential",
                   R"({"principal":{"kind":"KIND_OPERATOR","id":"evil"},"request_id":"x"})")
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      CallAs(client_secret, "RevokeCredential",
             absl::StrCat(R"({"name":")", JsonField(issued, "name"), R"(","request_id":"y"})"))
          .status()
          .code(),
      absl::StatusCode::kPermissionDenied);

  auto listed = CallAs(*operator_secret_, "ListCredentials", R"({"page_size":1000})");
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_NE(listed->find(JsonField(issued, "name")), std::string::npos);
  EXPECT_EQ(listed->find("secret"), std::string::npos) << "a listing never shows secrets";
}

TEST_F(AuditProcessTest, RevokedCredentialIsRefusedOnTheNextCall) {
  const std::string issued = Issue("KIND_TELEOPERATOR", "t-1", "issue-t1");
  const std::string secret = JsonField(issued, "secret");
  ASSERT_TRUE(CallAs(secret, "WhoAmI", "{}").ok());

  auto revoked = CallAs(
      *operator_secret_, "RevokeCredential",
      absl::StrCat(R"({"name":")", JsonField(issued, "name"), R"(","request_id":"revoke-t1"})"));
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_FALSE(JsonField(*revoked, "revoke_time").empty()) << *revoked;

  auto who = CallAs(secret, "WhoAmI", "{}");
  EXPECT_EQ(who.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(who.status().message().find("revoked"), absl::string_view::npos);
}

TEST_F(AuditProcessTest, RetriedIssueReturnsTheSameCredentialWithoutItsSecret) {
  const std::string first = Issue("KIND_CLIENT", "globex", "issue-globex");
  const std::string again = Issue("KIND_CLIENT", "globex", "issue-globex");
  EXPECT_EQ(JsonField(first, "name"), JsonField(again, "name"));
  EXPECT_FALSE(JsonField(first, "secret").empty());
  EXPECT_TRUE(JsonField(again, "secret").empty()) << "secrets are never stored: " << again;

  auto reused = CallAs(*operator_secret_, "IssueCredential",
                       R"({"principal":{"kind":"KIND_CLIENT","id":"other"},)"
                       R"("request_id":"issue-globex"})");
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kAlreadyExists) << reused.status();
}

TEST_F(AuditProcessTest, BadInputNamesTheField) {
  auto bad = CallAs(*operator_secret_, "IssueCredential",
                    R"({"principal":{"kind":"KIND_CLIENT","id":"Not Valid"},"request_id":"z"})");
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  auto violations = FieldViolations(bad.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field(), "principal.id");

  auto no_request_id = CallAs(*operator_secret_, "IssueCredential",
                              R"({"principal":{"kind":"KIND_CLIENT","id":"acme"}})");
  ASSERT_EQ(no_request_id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(no_request_id.status()).at(0).field(), "request_id");
}

TEST_F(AuditProcessTest, TrailIsSealedAndTamperingIsNamed) {
  Issue("KIND_CLIENT", "sealed-1", "seal-issue-1");
  const std::string issued = Issue("KIND_CLIENT", "sealed-2", "seal-issue-2");
  Issue("KIND_CLIENT", "sealed-3", "seal-issue-3");
  const std::string verified = AwaitSealedChain();
  ASSERT_EQ(verified.rfind("{\"ok\":true", 0), 0u) << verified;

  // The operator's writes are in its partition; find the event of the second credential.
  auto events = CallAs(*operator_secret_, "AuditService.ListAuditEvents",
                       absl::StrCat(R"({"resource":")", JsonField(issued, "name"), R"("})"));
  ASSERT_TRUE(events.ok()) << events.status();
  const std::string event_id = JsonField(*events, "id");
  const std::string partition_text = events->substr(events->find("\"partition\":") + 12, 3);
  const int partition = std::stoi(partition_text);
  ASSERT_FALSE(event_id.empty()) << *events;
  EXPECT_NE(events->find("AUDIT_ACTION_CREATE"), std::string::npos) << *events;

  // Tamper directly in Redis: remove that event.
  absl::Status deleted = platform_->redis().Command(
      {"XDEL", absl::StrCat("cm:{p", absl::Dec(partition, absl::kZeroPad2), "}:changes"),
       event_id});
  ASSERT_TRUE(deleted.ok()) << deleted;
  auto broken = CallAs(*operator_secret_, "AuditService.VerifyChain",
                       absl::StrCat(R"({"partitions":[)", partition, "]}"));
  ASSERT_TRUE(broken.ok()) << broken.status();
  EXPECT_EQ(broken->rfind("{\"partitions\"", 0), 0u) << "ok must be false (omitted): " << *broken;
  EXPECT_EQ(JsonField(*broken, "first_bad_event_id"), event_id) << *broken;
  EXPECT_EQ(JsonField(*broken, "problem"), "removed") << *broken;

  // Only operators read or verify the trail.
  const std::string client_secret = JsonField(Issue("KIND_CLIENT", "nosy", "seal-nosy"), "secret");
  EXPECT_EQ(CallAs(client_secret, "AuditService.VerifyChain", "{}").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CallAs(client_secret, "AuditService.ListAuditEvents", "{}").status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace callmatch

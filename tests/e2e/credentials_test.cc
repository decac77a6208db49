// Credentials end to end: the operator bootstrap on the server host, then issue, use and revoke
// through a running audit server, and what each kind of principal may do.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/cli/rpc.h"
#include "services/common/errors.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/service_process.h"

namespace callmatch {
namespace {

using test_support::AwaitHealth;
using test_support::RedisServer;
using test_support::ServiceProcess;

// Pulls "field":"value" out of a JSON object printed by the CLI library (enough for these tests).
std::string JsonField(const std::string& json, const std::string& field) {
  const std::string key = absl::StrCat("\"", field, "\":\"");
  const size_t begin = json.find(key);
  if (begin == std::string::npos) return "";
  const size_t end = json.find('"', begin + key.size());
  return json.substr(begin + key.size(), end - begin - key.size());
}

class CredentialsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(*test_support::MakeTempDir("callmatch-credentials"));
    redis_ = new RedisServer();
    ASSERT_TRUE(redis_->Start().ok());
    auto secret =
        test_support::BootstrapOperator(CALLMATCH_SERVER_BIN, redis_->address(), *dir_, "root");
    ASSERT_TRUE(secret.ok()) << secret.status();
    operator_secret_ = new std::string(*secret);
    audit_ = new ServiceProcess();
    ASSERT_TRUE(audit_->Start(CALLMATCH_SERVER_BIN, "audit", redis_->address(), *dir_).ok());
    ASSERT_EQ(AwaitHealth(audit_->address(), "", "SERVING", absl::Seconds(30)), "SERVING");
  }

  static void TearDownTestSuite() {
    auto code = audit_->process().Terminate(absl::Seconds(15));
    EXPECT_TRUE(code.ok() && *code == 0);
    delete audit_;
    delete redis_;
    test_support::RemoveTree(*dir_);
    delete dir_;
    delete operator_secret_;
  }

  // Calls a CredentialService method with `secret` as the bearer credential.
  absl::StatusOr<std::string> CallAs(const std::string& secret, const std::string& method,
                                     const std::string& json) {
    auto channel = cli::MakeChannel(audit_->address(), "");
    if (!channel.ok()) return channel.status();
    cli::CallOptions options;
    options.credential = secret;
    auto result = cli::CallJson(**channel, absl::StrCat("callmatch.v1.CredentialService.", method),
                                json, options);
    if (!result.ok()) return result.status();
    return result->responses_json.empty() ? "" : result->responses_json[0];
  }

  // Issues a credential for `kind`/`id` as the operator; returns the response JSON.
  std::string Issue(const std::string& kind, const std::string& id, const std::string& request_id) {
    auto issued = CallAs(*operator_secret_, "IssueCredential",
                         absl::StrCat(R"({"principal":{"kind":")", kind, R"(","id":")", id,
                                      R"("},"request_id":")", request_id, R"("})"));
    EXPECT_TRUE(issued.ok()) << issued.status();
    return issued.ok() ? *issued : "";
  }

  static std::string* dir_;
  static RedisServer* redis_;
  static ServiceProcess* audit_;
  static std::string* operator_secret_;
};

std::string* CredentialsTest::dir_ = nullptr;
RedisServer* CredentialsTest::redis_ = nullptr;
ServiceProcess* CredentialsTest::audit_ = nullptr;
std::string* CredentialsTest::operator_secret_ = nullptr;

TEST_F(CredentialsTest, BootstrappedOperatorIsAnOperator) {
  auto who = CallAs(*operator_secret_, "WhoAmI", "{}");
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(JsonField(*who, "kind"), "KIND_OPERATOR");
  EXPECT_EQ(JsonField(*who, "id"), "root");
}

TEST_F(CredentialsTest, MissingMalformedOrUnknownCredentialIsUnauthenticated) {
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

TEST_F(CredentialsTest, IssuedCredentialActsAsItsPrincipalAndOnlyOperatorsManageCredentials) {
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

TEST_F(CredentialsTest, RevokedCredentialIsRefusedOnTheNextCall) {
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

TEST_F(CredentialsTest, RetriedIssueReturnsTheSameCredentialWithoutItsSecret) {
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

TEST_F(CredentialsTest, BadInputNamesTheField) {
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

}  // namespace
}  // namespace callmatch

// End-to-end test of the platform's skeleton: redis-server and the six services as separate
// processes on free ports, reached through gRPC and through the callmatch CLI.
#include <signal.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/cli/rpc.h"
#include "services/common/endpoints.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/service_process.h"

namespace callmatch {
namespace {

using test_support::AwaitHealth;
using test_support::Process;
using test_support::ReadFile;
using test_support::RedisServer;
using test_support::ServiceProcess;
using ::testing::Contains;
using ::testing::IsSupersetOf;

// The six services and the gRPC services each serves, as the CLI and the stack know them.
const std::vector<Endpoint>& Services() { return Endpoints(); }

class PlatformTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(*test_support::MakeTempDir("callmatch-platform"));
    redis_ = new RedisServer();
    ASSERT_TRUE(redis_->Start().ok());
    servers_ = new std::vector<std::unique_ptr<ServiceProcess>>();
    for (const Endpoint& service : Services()) {
      servers_->push_back(std::make_unique<ServiceProcess>());
      absl::Status started =
          servers_->back()->Start(CALLMATCH_SERVER_BIN, service.name, redis_->address(), *dir_);
      ASSERT_TRUE(started.ok()) << started;
    }
  }

  static void TearDownTestSuite() {
    for (auto& server : *servers_) {
      auto code = server->process().Terminate(absl::Seconds(15));
      EXPECT_TRUE(code.ok() && *code == 0) << "a service did not stop cleanly on SIGTERM";
    }
    delete servers_;
    delete redis_;
    test_support::RemoveTree(*dir_);
    delete dir_;
  }

  static std::string* dir_;
  static RedisServer* redis_;
  static std::vector<std::unique_ptr<ServiceProcess>>* servers_;
};

std::string* PlatformTest::dir_ = nullptr;
RedisServer* PlatformTest::redis_ = nullptr;
std::vector<std::unique_ptr<ServiceProcess>>* PlatformTest::servers_ = nullptr;

TEST_F(PlatformTest, EveryServiceReportsServingForItselfAndItsGrpcServices) {
  for (size_t i = 0; i < Services().size(); ++i) {
    const std::string& address = (*servers_)[i]->address();
    EXPECT_EQ(AwaitHealth(address, "", "SERVING", absl::Seconds(30)), "SERVING")
        << Services()[i].name;
    for (const std::string& grpc_service : Services()[i].grpc_services) {
      EXPECT_EQ(AwaitHealth(address, grpc_service, "SERVING", absl::Seconds(5)), "SERVING")
          << grpc_service;
    }
  }
}

TEST_F(PlatformTest, ReflectionListsEachServiceWithHealthAndReflection) {
  for (size_t i = 0; i < Services().size(); ++i) {
    auto channel = cli::MakeChannel((*servers_)[i]->address(), "");
    auto names = cli::ListServices(**channel, absl::Seconds(5));
    ASSERT_TRUE(names.ok()) << names.status();
    EXPECT_THAT(*names, IsSupersetOf(Services()[i].grpc_services));
    EXPECT_THAT(*names, Contains("grpc.health.v1.Health"));
    EXPECT_THAT(*names, Contains("grpc.reflection.v1alpha.ServerReflection"));
  }
}

TEST_F(PlatformTest, CliPrintsHealthAndReflectionAsJson) {
  const ServiceProcess& audit = *servers_->back();
  ASSERT_EQ(AwaitHealth(audit.address(), "", "SERVING", absl::Seconds(30)), "SERVING");
  const std::string out = absl::StrCat(*dir_, "/cli.out");

  Process health;
  ASSERT_TRUE(
      health.Start({CALLMATCH_CLI_BIN, "health", "--addr=" + audit.address()}, {}, out).ok());
  EXPECT_EQ(*health.Wait(absl::Seconds(20)), 0);
  EXPECT_NE(ReadFile(out).find("\"status\":\"SERVING\""), std::string::npos) << ReadFile(out);

  std::remove(out.c_str());
  Process services;
  ASSERT_TRUE(
      services.Start({CALLMATCH_CLI_BIN, "services", "--addr=" + audit.address()}, {}, out).ok());
  EXPECT_EQ(*services.Wait(absl::Seconds(20)), 0);
  const std::string listing = ReadFile(out);
  EXPECT_NE(listing.find("\"services\":["), std::string::npos) << listing;
  EXPECT_NE(listing.find("\"callmatch.v1.AuditService\""), std::string::npos) << listing;
  EXPECT_NE(listing.find("\"callmatch.v1.CredentialService\""), std::string::npos) << listing;
}

TEST_F(PlatformTest, TheCliStreamsRescoreAllToAnOperatorOnly) {
  // The one server-streaming method: refused without a credential, run through the CLI binary
  // with an operator's (an empty store: one message, the end, all zero).
  auto channel = cli::MakeChannel((*servers_)[4]->address(), "");  // scoring
  auto refused = cli::CallJson(**channel, "callmatch.v1.ScoringService.RescoreAll",
                               R"({"request_id":"r"})", {});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated) << refused.status();

  auto secret = test_support::BootstrapOperator(CALLMATCH_SERVER_BIN, redis_->address(), *dir_,
                                                "platform-root");
  ASSERT_TRUE(secret.ok()) << secret.status();
  ASSERT_EQ(AwaitHealth((*servers_)[4]->address(), "", "SERVING", absl::Seconds(30)), "SERVING");
  const std::string out = absl::StrCat(*dir_, "/rescore.out");
  Process call;
  ASSERT_TRUE(call.Start({CALLMATCH_CLI_BIN, "call", "ScoringService/RescoreAll",
                          R"({"request_id":"cli-1","progress_every":5})",
                          "--addr=" + (*servers_)[4]->address()},
                         {{"CALLMATCH_CREDENTIAL", *secret}}, out)
                  .ok());
  EXPECT_EQ(*call.Wait(absl::Seconds(20)), 0) << ReadFile(out);
  EXPECT_EQ(ReadFile(out), "{}\n");
}

TEST_F(PlatformTest, CliRefusesARequestThatIsNotValidJsonForTheMethod) {
  auto channel = cli::MakeChannel((*servers_)[0]->address(), "");
  auto result = cli::CallJson(**channel, "callmatch.v1.CampaignService.GetCampaign",
                              R"({"no_such_field":1})", {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << result.status();
}

// A service started while Redis is down stays NOT_SERVING, and turns SERVING by itself once
// Redis answers.
TEST(ServiceStartupTest, NotServingUntilRedisAnswers) {
  auto dir = test_support::MakeTempDir("callmatch-startup");
  ASSERT_TRUE(dir.ok());
  RedisServer redis;
  ASSERT_TRUE(redis.Start().ok());
  ASSERT_TRUE(redis.Stop().ok());

  ServiceProcess server;
  absl::Status started = server.Start(CALLMATCH_SERVER_BIN, "matching", redis.address(), *dir);
  ASSERT_TRUE(started.ok()) << started;
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(AwaitHealth(server.address(), "", "NOT_SERVING", absl::Seconds(5)), "NOT_SERVING");
  EXPECT_EQ(AwaitHealth(server.address(), "callmatch.v1.MatchingService", "NOT_SERVING",
                        absl::Seconds(5)),
            "NOT_SERVING");

  ASSERT_TRUE(redis.Start().ok());
  EXPECT_EQ(AwaitHealth(server.address(), "", "SERVING", absl::Seconds(30)), "SERVING");

  auto code = server.process().Terminate(absl::Seconds(15));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  test_support::RemoveTree(*dir);
}

TEST(ServiceStartupTest, UnknownServiceNameExitsWithUsageError) {
  Process process;
  ASSERT_TRUE(process.Start({CALLMATCH_SERVER_BIN, "--service=nope", "--port=0"}, {}, "").ok());
  auto code = process.Wait(absl::Seconds(10));
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 2);
}

}  // namespace
}  // namespace callmatch

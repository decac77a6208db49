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
#include "tests/support/process.h"
#include "tests/support/redis_server.h"

namespace callmatch {
namespace {

using test_support::Process;
using test_support::RedisServer;
using ::testing::Contains;
using ::testing::IsSupersetOf;

struct Service {
  std::string name;
  std::vector<std::string> grpc_services;
};

const std::vector<Service>& Services() {
  static const auto* services = new std::vector<Service>{
      {"campaign", {"callmatch.v1.CampaignService"}},
      {"teleoperator", {"callmatch.v1.TeleoperatorService"}},
      {"matching", {"callmatch.v1.MatchingService"}},
      {"contract", {"callmatch.v1.ContractService"}},
      {"scoring", {"callmatch.v1.ScoringService"}},
      {"audit", {"callmatch.v1.AuditService", "callmatch.v1.CredentialService"}},
  };
  return *services;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// A callmatch-server process on a free port (port 0, reported through --port_file).
struct RunningServer {
  Process process;
  std::string address;
};

absl::Status StartServer(const std::string& service, const std::string& redis_address,
                         const std::string& dir, RunningServer& server) {
  const std::string port_file = absl::StrCat(dir, "/", service, ".port");
  std::remove(port_file.c_str());
  absl::Status started =
      server.process.Start({CALLMATCH_SERVER_BIN, absl::StrCat("--service=", service), "--port=0",
                            absl::StrCat("--port_file=", port_file),
                            absl::StrCat("--redis=", redis_address), "--redis_timeout_ms=300"},
                           {}, absl::StrCat(dir, "/", service, ".log"));
  if (!started.ok()) return started;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    int port = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadFile(port_file)), &port) && port > 0) {
      server.address = absl::StrCat("127.0.0.1:", port);
      return absl::OkStatus();
    }
    if (!server.process.Running()) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      service, " wrote no port; log:\n", ReadFile(absl::StrCat(dir, "/", service, ".log"))));
}

// Polls the health of `grpc_service` until it is `wanted` or the timeout runs out; the last
// status seen.
std::string AwaitHealth(const std::string& address, const std::string& grpc_service,
                        const std::string& wanted, absl::Duration timeout) {
  auto channel = cli::MakeChannel(address, "");
  std::string last = "UNREACHABLE";
  const absl::Time deadline = absl::Now() + timeout;
  do {
    auto status = cli::CheckHealth(**channel, grpc_service, absl::Seconds(1));
    last = status.ok() ? *status : status.status().ToString();
    if (last == wanted) break;
    absl::SleepFor(absl::Milliseconds(50));
  } while (absl::Now() < deadline);
  return last;
}

class PlatformTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(*test_support::MakeTempDir("callmatch-platform"));
    redis_ = new RedisServer();
    ASSERT_TRUE(redis_->Start().ok());
    servers_ = new std::vector<std::unique_ptr<RunningServer>>();
    for (const Service& service : Services()) {
      servers_->push_back(std::make_unique<RunningServer>());
      absl::Status started = StartServer(service.name, redis_->address(), *dir_, *servers_->back());
      ASSERT_TRUE(started.ok()) << started;
    }
  }

  static void TearDownTestSuite() {
    for (auto& server : *servers_) {
      auto code = server->process.Terminate(absl::Seconds(15));
      EXPECT_TRUE(code.ok() && *code == 0) << "a service did not stop cleanly on SIGTERM";
    }
    delete servers_;
    delete redis_;
    test_support::RemoveTree(*dir_);
    delete dir_;
  }

  static std::string* dir_;
  static RedisServer* redis_;
  static std::vector<std::unique_ptr<RunningServer>>* servers_;
};

std::string* PlatformTest::dir_ = nullptr;
RedisServer* PlatformTest::redis_ = nullptr;
std::vector<std::unique_ptr<RunningServer>>* PlatformTest::servers_ = nullptr;

TEST_F(PlatformTest, EveryServiceReportsServingForItselfAndItsGrpcServices) {
  for (size_t i = 0; i < Services().size(); ++i) {
    const std::string& address = (*servers_)[i]->address;
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
    auto channel = cli::MakeChannel((*servers_)[i]->address, "");
    auto names = cli::ListServices(**channel, absl::Seconds(5));
    ASSERT_TRUE(names.ok()) << names.status();
    EXPECT_THAT(*names, IsSupersetOf(Services()[i].grpc_services));
    EXPECT_THAT(*names, Contains("grpc.health.v1.Health"));
    EXPECT_THAT(*names, Contains("grpc.reflection.v1alpha.ServerReflection"));
  }
}

TEST_F(PlatformTest, CliPrintsHealthAndReflectionAsJson) {
  const RunningServer& audit = *servers_->back();
  ASSERT_EQ(AwaitHealth(audit.address, "", "SERVING", absl::Seconds(30)), "SERVING");
  const std::string out = absl::StrCat(*dir_, "/cli.out");

  Process health;
  ASSERT_TRUE(health.Start({CALLMATCH_CLI_BIN, "health", "--addr=" + audit.address}, {}, out).ok());
  EXPECT_EQ(*health.Wait(absl::Seconds(20)), 0);
  EXPECT_NE(ReadFile(out).find("\"status\":\"SERVING\""), std::string::npos) << ReadFile(out);

  std::remove(out.c_str());
  Process services;
  ASSERT_TRUE(
      services.Start({CALLMATCH_CLI_BIN, "services", "--addr=" + audit.address}, {}, out).ok());
  EXPECT_EQ(*services.Wait(absl::Seconds(20)), 0);
  const std::string listing = ReadFile(out);
  EXPECT_NE(listing.find("\"services\":["), std::string::npos) << listing;
  EXPECT_NE(listing.find("\"callmatch.v1.AuditService\""), std::string::npos) << listing;
  EXPECT_NE(listing.find("\"callmatch.v1.CredentialService\""), std::string::npos) << listing;
}

TEST_F(PlatformTest, MethodsNotBuiltYetAnswerUnimplemented) {
  auto channel = cli::MakeChannel((*servers_)[0]->address, "");
  auto result = cli::CallJson(**channel, "callmatch.v1.CampaignService.GetCampaign",
                              R"({"name":"companies/acme"})", {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnimplemented) << result.status();
}

TEST_F(PlatformTest, CliRefusesARequestThatIsNotValidJsonForTheMethod) {
  auto channel = cli::MakeChannel((*servers_)[0]->address, "");
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

  RunningServer server;
  absl::Status started = StartServer("matching", redis.address(), *dir, server);
  ASSERT_TRUE(started.ok()) << started;
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(AwaitHealth(server.address, "", "NOT_SERVING", absl::Seconds(5)), "NOT_SERVING");
  EXPECT_EQ(
      AwaitHealth(server.address, "callmatch.v1.MatchingService", "NOT_SERVING", absl::Seconds(5)),
      "NOT_SERVING");

  ASSERT_TRUE(redis.Start().ok());
  EXPECT_EQ(AwaitHealth(server.address, "", "SERVING", absl::Seconds(30)), "SERVING");

  auto code = server.process.Terminate(absl::Seconds(15));
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

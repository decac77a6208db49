// The seeding tool and the load generator end to end: a generated dataset loaded into a real
// platform through its API (twice: the second run replays), then a short closed-loop run of the
// default mix, whose every RPC must get answers and no error but the expected ABORTED of a
// concurrent update. No assertion on speed (docs/performance.md has the figures).
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/support/platform.h"
#include "tests/support/process.h"
#include "tests/support/service_process.h"

namespace callmatch {
namespace {

using test_support::Platform;
using test_support::Process;
using test_support::ReadFile;

class LoadToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status started =
        platform_.Start(CALLMATCH_SERVER_BIN,
                        {"campaign", "teleoperator", "matching", "scoring", "contract", "audit"});
    ASSERT_TRUE(started.ok()) << started;
    data_ = platform_.dir() + "/data";
    operator_file_ = platform_.dir() + "/operator.credential";
    std::ofstream(operator_file_) << platform_.operator_secret() << "\n";
    std::vector<std::string> targets;
    for (const char* service :
         {"campaign", "teleoperator", "matching", "scoring", "contract", "audit"}) {
      targets.push_back(absl::StrCat(service, "=", platform_.service(service).address()));
    }
    target_flag_ = absl::StrCat("--target=", absl::StrJoin(targets, ","));
  }

  // Runs a tool to its end; its exit code, its output in *output.
  int Run(const std::vector<std::string>& argv, const std::string& name, std::string* output) {
    const std::string log = absl::StrCat(platform_.dir(), "/", name, ".log");
    Process process;
    absl::Status started = process.Start(argv, {}, log);
    EXPECT_TRUE(started.ok()) << started;
    absl::StatusOr<int> code = process.Wait(absl::Seconds(240));
    *output = ReadFile(log);
    return code.ok() ? *code : -1;
  }

  // A dataset of 300 teleoperators, 20 companies and 12 open campaigns dated today, in data_.
  int Generate(std::string* output) {
    const std::string today =
        absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()));
    return Run({CALLMATCH_GENERATE_BIN, "--out=" + data_, "--teleoperators=300", "--companies=20",
                "--campaigns=12", "--today=" + today},
               "generate", output);
  }

  // The line of `output` that starts with `prefix`, as a JSON object.
  static google::protobuf::Struct JsonLine(const std::string& output, const std::string& prefix) {
    google::protobuf::Struct object;
    const size_t at = output.find(prefix);
    EXPECT_NE(at, std::string::npos) << output;
    if (at == std::string::npos) return object;
    const std::string line = output.substr(at, output.find('\n', at) - at);
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &object).ok()) << line;
    return object;
  }

  Platform platform_;
  std::string data_;
  std::string operator_file_;
  std::string target_flag_;
};

TEST_F(LoadToolsTest, SeedsTwiceIdempotentlyThenRunsTheDefaultMixWithoutUnexpectedErrors) {
  std::string output;
  ASSERT_EQ(Generate(&output), 0) << output;

  const std::vector<std::string> seed = {CALLMATCH_SEED_BIN, "--dir=" + data_,
                                         target_flag_,       "--credential_file=" + operator_file_,
                                         "--concurrency=8",  "--quiet"};
  ASSERT_EQ(Run(seed, "seed", &output), 0) << output;
  google::protobuf::Struct first = JsonLine(output, "{\"companies\"");
  EXPECT_EQ(first.fields().at("companies").number_value(), 20) << output;
  EXPECT_EQ(first.fields().at("teleoperators").number_value(), 300) << output;
  EXPECT_EQ(first.fields().at("campaigns").number_value(), 15) << output;  // 12 open, 3 closed
  EXPECT_GT(first.fields().at("employments").number_value(), 0) << output;
  EXPECT_GT(first.fields().at("credentials_issued").number_value(), 0) << output;

  // A second run replays every write and reuses the credentials it kept.
  ASSERT_EQ(Run(seed, "seed-again", &output), 0) << output;
  google::protobuf::Struct second = JsonLine(output, "{\"companies\"");
  EXPECT_EQ(second.fields().at("teleoperators").number_value(), 300) << output;
  EXPECT_EQ(second.fields().at("credentials_issued").number_value(), 0) << output;
  auto teleoperators =
      platform_.Call(platform_.operator_secret(), "TeleoperatorService.ListTeleoperators",
                     R"({"page_size":1000})");
  ASSERT_TRUE(teleoperators.ok()) << teleoperators.status();
  size_t count = 0;
  for (size_t at = 0;
       (at = teleoperators->find("\"name\":\"teleoperators/", at)) != std::string::npos; ++at) {
    ++count;
  }
  EXPECT_EQ(count, 300u) << "nothing written twice";

  ASSERT_EQ(
      Run({CALLMATCH_LOAD_BIN, "--dir=" + data_, target_flag_,
           "--credential_file=" + operator_file_, "--concurrency=4", "--duration=2s", "--json"},
          "load", &output),
      0)
      << output;
  google::protobuf::Struct report = JsonLine(output, "{\"concurrency\"");
  std::set<std::string> answered;
  for (const auto& rpc : report.fields().at("rpcs").list_value().values()) {
    const auto& fields = rpc.struct_value().fields();
    const std::string name = fields.at("rpc").string_value();
    if (fields.at("ok").number_value() > 0) answered.insert(name);
    for (const auto& [code, count] : fields.at("errors").struct_value().fields()) {
      const bool expected = name == "UpdateTeleoperator" && code == "ABORTED";
      EXPECT_TRUE(expected) << name << " failed " << count.number_value() << " times with " << code
                            << "\n"
                            << output;
    }
  }
  EXPECT_EQ(answered, (std::set<std::string>{"ExplainEligibility", "GetTeleoperator",
                                             "MatchCampaign", "ScoreTerms", "UpdateTeleoperator"}))
      << output;
}

// The demo's contracts (deploy/stack.sh): every generated contract through its lifecycle, with
// only the first days of its activity logged.
TEST_F(LoadToolsTest, SeedsContractsWithTheFirstDaysOfTheirActivity) {
  std::string output;
  ASSERT_EQ(Generate(&output), 0) << output;
  ASSERT_EQ(Run({CALLMATCH_SEED_BIN, "--dir=" + data_, target_flag_,
                 "--credential_file=" + operator_file_, "--concurrency=8", "--quiet", "--contracts",
                 "--activity_logs", "--logs_per_contract=2"},
                "seed", &output),
            0)
      << output;
  google::protobuf::Struct seeded = JsonLine(output, "{\"companies\"");
  const double contracts = seeded.fields().at("contracts").number_value();
  const double logs = seeded.fields().at("activity_logs").number_value();
  EXPECT_GT(contracts, 0) << output;
  EXPECT_GT(logs, 0) << output;
  EXPECT_LE(logs, 2 * contracts) << output;
  EXPECT_GT(seeded.fields().at("bands").struct_value().fields_size(), 1) << output;

  // No contract holds more than two days.
  auto listed = platform_.Call(platform_.operator_secret(), "ContractService.ListContracts",
                               R"({"parent":"teleoperators/-","page_size":1000})");
  ASSERT_TRUE(listed.ok()) << listed.status();
  google::protobuf::Struct all;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*listed, &all).ok());
  int worked = 0;
  for (const auto& contract : all.fields().at("contracts").list_value().values()) {
    const auto& fields = contract.struct_value().fields();
    auto days = platform_.Call(
        platform_.operator_secret(), "ContractService.ListActivityLogs",
        absl::StrCat(R"({"parent":")", fields.at("name").string_value(), R"(","page_size":100})"));
    ASSERT_TRUE(days.ok()) << days.status();
    google::protobuf::Struct page;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*days, &page).ok());
    const int count = page.fields().contains("activity_logs")
                          ? page.fields().at("activity_logs").list_value().values_size()
                          : 0;
    EXPECT_LE(count, 2) << fields.at("name").string_value();
    if (count > 0) ++worked;
  }
  EXPECT_GT(worked, 0);
}

}  // namespace
}  // namespace callmatch

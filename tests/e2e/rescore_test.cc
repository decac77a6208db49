// ScoringService.RescoreAll end to end: contracts scored by the running rulebooks, then a scoring
// server started on a stricter copy of them (France's bands lowered, its version bumped) rescores
// every stored contract: the stream's progress, the report of the bands that changed, the stored
// contracts and their audit events; a second run changes nothing. Only operators may run it.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "callmatch/v1/audit.pb.h"
#include "callmatch/v1/contract.pb.h"
#include "callmatch/v1/scoring.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/cli/rpc.h"
#include "services/common/errors.h"
#include "tests/support/platform.h"
#include "tests/support/process.h"
#include "tests/support/scenario.h"
#include "tests/support/service_process.h"

namespace callmatch {
namespace {

using test_support::JsonField;
using test_support::kRiskyTerms;
using test_support::kSafeTerms;
using test_support::Platform;
using test_support::Scenario;

constexpr char kSpring[] = "companies/acme/campaigns/spring";
constexpr char kFranceBands[] = "bands { medium_from: 25 high_from: 50 critical_from: 75 }";

// Every message of a RescoreAll call on the scoring server at `address`.
absl::StatusOr<std::vector<v1::RescoreAllResponse>> RescoreAll(const std::string& address,
                                                               const std::string& secret,
                                                               const std::string& json) {
  auto channel = cli::MakeChannel(address, "");
  if (!channel.ok()) return channel.status();
  cli::CallOptions options;
  options.credential = secret;
  options.timeout = absl::Seconds(60);
  absl::StatusOr<cli::CallResult> result =
      cli::CallJson(**channel, "callmatch.v1.ScoringService.RescoreAll", json, options);
  if (!result.ok()) return result.status();
  std::vector<v1::RescoreAllResponse> messages;
  for (const std::string& text : result->responses_json) {
    v1::RescoreAllResponse message;
    if (!google::protobuf::util::JsonStringToMessage(text, &message).ok()) {
      return absl::InternalError(absl::StrCat("not a RescoreAllResponse: ", text));
    }
    messages.push_back(std::move(message));
  }
  return messages;
}

class RescoreAllTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new Platform();
    absl::Status started = platform_->Start(
        CALLMATCH_SERVER_BIN, {"campaign", "teleoperator", "scoring", "contract", "audit"});
    ASSERT_TRUE(started.ok()) << started;
    world_ = new Scenario(platform_);
    ASSERT_TRUE(world_->Company("acme", "732829320", "62.01").ok());
    acme_ = new std::string(*platform_->IssueSecret("KIND_CLIENT", "acme"));
    ASSERT_TRUE(world_->Campaign(*acme_, "acme", "spring", "62.01", kSafeTerms, 10).ok());
    contracts_ = new std::vector<v1::Contract>();
    for (const char* id : {"t-1", "t-2", "t-3", "t-risky"}) {
      ASSERT_TRUE(world_->Teleoperator(id).ok()) << id;
      const bool risky = std::string(id) == "t-risky";
      auto proposed = world_->Write(
          *acme_, "ContractService.ProposeContract",
          absl::StrCat(R"({"campaign":")", kSpring, R"(","teleoperator":"teleoperators/)", id,
                       R"(","request_id":"p-)", id, R"(")", risky ? "," : "",
                       risky ? kRiskyTerms : "", "}"));
      ASSERT_TRUE(proposed.ok()) << proposed.status();
      contracts_->push_back(Parse(*proposed));
    }
    // Some history on t-1's contract: accepted, active, a day of work logged (and rescored).
    const v1::Contract& worked = contracts_->front();
    const std::string t1 = *platform_->IssueSecret("KIND_TELEOPERATOR", "t-1");
    auto accepted = world_->Write(
        t1, "ContractService.AcceptContract",
        absl::StrCat(R"({"name":")", worked.name(), R"(","version":1,"request_id":"a-1"})"));
    ASSERT_TRUE(accepted.ok()) << accepted.status();
    ASSERT_TRUE(world_
                    ->Write(*acme_, "ContractService.ActivateContract",
                            absl::StrCat(R"({"name":")", worked.name(),
                                         R"(","version":2,"request_id":"v-1"})"))
                    .ok());
    ASSERT_TRUE(
        world_
            ->Write(t1, "ContractService.LogActivity",
                    absl::StrCat(R"({"parent":")", worked.name(),
                                 R"(","request_id":"log-1","activity_log":{"day":)",
                                 R"({"year":2027,"month":1,"day":5},"minutes_worked":180,)",
                                 R"("revenue":{"currency_code":"EUR","minor_units":"9000"}}})"))
            .ok());
  }
  static void TearDownTestSuite() {
    EXPECT_TRUE(platform_->Stop().ok());
    delete contracts_;
    delete world_;
    delete platform_;
    delete acme_;
  }

  static v1::Contract Parse(const std::string& json) {
    v1::Contract contract;
    google::protobuf::util::JsonParseOptions options;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &contract, options).ok()) << json;
    return contract;
  }
  static v1::Contract Stored(const std::string& name) {
    auto read = world_->Read(platform_->operator_secret(), "ContractService.GetContract",
                             absl::StrCat(R"({"name":")", name, R"("})"));
    EXPECT_TRUE(read.ok()) << read.status();
    return read.ok() ? Parse(*read) : v1::Contract();
  }
  // The audit events of `name` written by the RescoreAll call `request_id`.
  static std::vector<v1::AuditEvent> RescoreEvents(const std::string& name,
                                                   const std::string& request_id) {
    auto trail = platform_->Call(platform_->operator_secret(), "AuditService.ListAuditEvents",
                                 absl::StrCat(R"({"resource":")", name, R"(","page_size":100})"));
    EXPECT_TRUE(trail.ok()) << trail.status();
    v1::ListAuditEventsResponse events;
    EXPECT_TRUE(
        google::protobuf::util::JsonStringToMessage(trail.ok() ? *trail : "{}", &events).ok());
    std::vector<v1::AuditEvent> found;
    for (const v1::AuditEvent& event : events.events()) {
      auto it = event.facts().find("rescore");
      if (it != event.facts().end() && it->second == request_id) found.push_back(event);
    }
    return found;
  }
  // A copy of the running rulebooks in `dir` where France is stricter: CRITICAL from 25 (its
  // first outcome above none), version 1.1.0.
  static void WriteStricterRulebooks(const std::string& dir) {
    for (const auto& entry : std::filesystem::directory_iterator(CALLMATCH_RULEBOOK_DIR)) {
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      std::string content = text.str();
      if (entry.path().filename() == "france.textproto") {
        ASSERT_NE(content.find(kFranceBands), std::string::npos);
        ASSERT_NE(content.find(R"(version: "1.0.0")"), std::string::npos);
        content = absl::StrReplaceAll(
            content, {{kFranceBands, "bands { medium_from: 5 high_from: 15 critical_from: 25 }"},
                      {R"(version: "1.0.0")", R"(version: "1.1.0")"}});
      }
      std::ofstream(absl::StrCat(dir, "/", entry.path().filename().string())) << content;
    }
  }

  static Platform* platform_;
  static Scenario* world_;
  static std::string* acme_;
  static std::vector<v1::Contract>* contracts_;
};

Platform* RescoreAllTest::platform_ = nullptr;
Scenario* RescoreAllTest::world_ = nullptr;
std::string* RescoreAllTest::acme_ = nullptr;
std::vector<v1::Contract>* RescoreAllTest::contracts_ = nullptr;

TEST_F(RescoreAllTest, ARulebookChangeRewritesWhatChangedOnceAndReportsTheBands) {
  const std::string& root = platform_->operator_secret();
  std::map<std::string, v1::RiskBand> before;
  for (const v1::Contract& contract : *contracts_) {
    before[contract.name()] = Stored(contract.name()).risk().band();
  }
  ASSERT_EQ(before[contracts_->back().name()], v1::RISK_BAND_CRITICAL);
  for (size_t i = 0; i + 1 < contracts_->size(); ++i) {
    ASSERT_NE(before[(*contracts_)[i].name()], v1::RISK_BAND_CRITICAL) << (*contracts_)[i].name();
  }

  // With the rulebooks that scored them, every stored assessment is current.
  auto same = RescoreAll(platform_->service("scoring").address(), root,
                         R"({"request_id":"same-rules","progress_every":3})");
  ASSERT_TRUE(same.ok()) << same.status();
  ASSERT_EQ(same->size(), 2u) << "after 3 contracts, then the end";
  EXPECT_EQ((*same)[0].done(), 3);
  EXPECT_EQ((*same)[0].total(), 4);
  EXPECT_EQ(same->back().done(), 4);
  EXPECT_EQ(same->back().rewritten(), 0);
  EXPECT_EQ(same->back().changes_size(), 0);

  // A scoring server on stricter rulebooks (a rulebook version change).
  absl::StatusOr<std::string> dir = test_support::MakeTempDir("callmatch-rulebooks");
  ASSERT_TRUE(dir.ok());
  WriteStricterRulebooks(*dir);
  test_support::ServiceProcess stricter;
  ASSERT_TRUE(stricter
                  .Start(CALLMATCH_SERVER_BIN, "scoring", platform_->redis().address(), *dir,
                         {absl::StrCat("--rulebooks=", *dir)})
                  .ok());
  ASSERT_EQ(test_support::AwaitHealth(stricter.address(), "", "SERVING", absl::Seconds(30)),
            "SERVING")
      << stricter.LogTail();

  auto rescored =
      RescoreAll(stricter.address(), root, R"({"request_id":"stricter","progress_every":1})");
  ASSERT_TRUE(rescored.ok()) << rescored.status();
  ASSERT_EQ(rescored->size(), 4u) << "a message per contract, the last with the report";
  for (size_t i = 0; i < rescored->size(); ++i) {
    EXPECT_EQ((*rescored)[i].done(), static_cast<int64_t>(i + 1));
    EXPECT_EQ((*rescored)[i].total(), 4);
    if (i + 1 < rescored->size()) {
      EXPECT_EQ((*rescored)[i].changes_size(), 0) << "the report comes last";
    }
  }
  const v1::RescoreAllResponse& report = rescored->back();
  EXPECT_EQ(report.rewritten(), 4) << "France's version is in every assessment";
  // The three safe contracts changed band; the risky one was CRITICAL already.
  ASSERT_EQ(report.changes_size(), 3) << report.DebugString();
  std::vector<std::string> changed;
  for (const auto& change : report.changes()) {
    changed.push_back(change.contract());
    EXPECT_EQ(change.old_band(), before[change.contract()]) << change.contract();
    EXPECT_EQ(change.new_band(), v1::RISK_BAND_CRITICAL) << change.contract();
  }
  EXPECT_TRUE(std::is_sorted(changed.begin(), changed.end()));
  EXPECT_EQ(std::find(changed.begin(), changed.end(), contracts_->back().name()), changed.end());

  // Stored: the new band and France's new version; one audit event per rewrite, in the same
  // transaction as the contract's new version.
  for (const v1::Contract& contract : *contracts_) {
    const v1::Contract stored = Stored(contract.name());
    EXPECT_EQ(stored.risk().band(), v1::RISK_BAND_CRITICAL) << contract.name();
    bool france = false;
    for (const v1::RulebookAssessment& rulebook : stored.risk().assessments()) {
      if (rulebook.rulebook_id() == "france") france = rulebook.rulebook_version() == "1.1.0";
    }
    EXPECT_TRUE(france) << stored.risk().DebugString();
    const std::vector<v1::AuditEvent> events = RescoreEvents(contract.name(), "stricter");
    ASSERT_EQ(events.size(), 1u) << contract.name();
    EXPECT_EQ(events[0].action(), v1::AUDIT_ACTION_UPDATE);
    EXPECT_EQ(events[0].resource(), contract.name());
    EXPECT_EQ(events[0].version(), stored.version()) << "the event names the version written";
    EXPECT_EQ(events[0].actor().kind(), v1::Principal::KIND_OPERATOR);
    EXPECT_EQ(events[0].facts().at("band"), "RISK_BAND_CRITICAL");
    EXPECT_EQ(events[0].facts().at("old_band"), v1::RiskBand_Name(before[contract.name()]));
  }

  // Again: nothing left to change.
  auto again = RescoreAll(stricter.address(), root, R"({"request_id":"stricter-again"})");
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->size(), 1u) << "fewer contracts than the default interval: the end only";
  EXPECT_EQ(again->back().done(), 4);
  EXPECT_EQ(again->back().total(), 4);
  EXPECT_EQ(again->back().rewritten(), 0);
  EXPECT_EQ(again->back().changes_size(), 0);
  for (const v1::Contract& contract : *contracts_) {
    EXPECT_TRUE(RescoreEvents(contract.name(), "stricter-again").empty()) << contract.name();
  }

  auto stopped = stricter.process().Terminate(absl::Seconds(15));
  EXPECT_TRUE(stopped.ok() && *stopped == 0);
  test_support::RemoveTree(*dir);
}

TEST_F(RescoreAllTest, OnlyOperatorsRescoreAndTheRequestIsChecked) {
  const std::string& address = platform_->service("scoring").address();
  const std::string teleoperator = *platform_->IssueSecret("KIND_TELEOPERATOR", "t-2");
  for (const std::string& secret : {*acme_, teleoperator}) {
    EXPECT_EQ(RescoreAll(address, secret, R"({"request_id":"r"})").status().code(),
              absl::StatusCode::kPermissionDenied);
  }
  auto no_id = RescoreAll(address, platform_->operator_secret(), "{}");
  ASSERT_EQ(no_id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(no_id.status()).at(0).field(), "request_id");
  auto too_rare = RescoreAll(address, platform_->operator_secret(),
                             R"({"request_id":"r","progress_every":10001})");
  ASSERT_EQ(too_rare.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(too_rare.status()).at(0).field(), "progress_every");
}

}  // namespace
}  // namespace callmatch

// ContractService end to end: proposals and applications, acceptance with its seat, the risk gate
// and an operator's override, double booking refused, idempotency, activity with rescoring, and
// the alert raised when a teleoperator's declarations make a running mission unlawful.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "callmatch/v1/campaign.pb.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "services/common/resource_store.h"
#include "services/contract/seat.pb.h"
#include "services/store/partition.h"
#include "services/store/store.h"
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

class ContractServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new Platform();
    absl::Status started = platform_->Start(
        CALLMATCH_SERVER_BIN, {"campaign", "teleoperator", "scoring", "contract", "audit"});
    ASSERT_TRUE(started.ok()) << started;
    world_ = new Scenario(platform_);
    ASSERT_TRUE(world_->Company("acme", "732829320", "62.01").ok());
    ASSERT_TRUE(world_->Company("beta", "552100554", "47.11").ok());
    acme_ = new std::string(*platform_->IssueSecret("KIND_CLIENT", "acme"));
    beta_ = new std::string(*platform_->IssueSecret("KIND_CLIENT", "beta"));
    ASSERT_TRUE(world_->Campaign(*acme_, "acme", "spring", "62.01", kSafeTerms, 10).ok());
    ASSERT_TRUE(world_->Campaign(*beta_, "beta", "shop", "47.11", kSafeTerms).ok());
    for (const char* id : {"t-flow", "t-apply", "t-risky", "t-book", "t-idem", "t-work", "t-alert",
                           "t-seat", "t-seat2", "t-sweep"}) {
      ASSERT_TRUE(world_->Teleoperator(id).ok()) << id;
    }
  }
  static void TearDownTestSuite() {
    EXPECT_TRUE(platform_->Stop().ok());
    delete world_;
    delete platform_;
    delete acme_;
    delete beta_;
  }

  static std::string Secret(const std::string& teleoperator) {
    return *platform_->IssueSecret("KIND_TELEOPERATOR", teleoperator);
  }
  static absl::StatusOr<std::string> Propose(const std::string& client, const std::string& campaign,
                                             const std::string& teleoperator,
                                             const std::string& request_id,
                                             const std::string& extra = "") {
    return world_->Write(
        client, "ContractService.ProposeContract",
        absl::StrCat(R"({"campaign":")", campaign, R"(","teleoperator":"teleoperators/)",
                     teleoperator, R"(","request_id":")", request_id, R"(")",
                     extra.empty() ? "" : ",", extra, "}"));
  }
  // Accept, Decline, Activate or Terminate of the contract in `json`, at its version.
  static absl::StatusOr<std::string> Move(const std::string& secret, const std::string& method,
                                          const std::string& contract_json,
                                          const std::string& extra = "") {
    return world_->Write(
        secret, absl::StrCat("ContractService.", method),
        absl::StrCat(R"({"name":")", JsonField(contract_json, "name"), R"(","version":)",
                     Scenario::Int(contract_json, "version"), R"(,"request_id":")", method, "-",
                     JsonField(contract_json, "name"), "-", Scenario::Int(contract_json, "version"),
                     R"(")", extra.empty() ? "" : ",", extra, "}"));
  }
  static int64_t SeatsTaken(const std::string& campaign) {
    auto read = world_->Read(platform_->operator_secret(), "CampaignService.GetCampaign",
                             absl::StrCat(R"({"name":")", campaign, R"("})"));
    EXPECT_TRUE(read.ok()) << read.status();
    const int64_t taken = Scenario::Int(read.ok() ? *read : "", "seats_taken");
    return taken < 0 ? 0 : taken;
  }

  static Platform* platform_;
  static Scenario* world_;
  static std::string* acme_;
  static std::string* beta_;
};

Platform* ContractServiceTest::platform_ = nullptr;
Scenario* ContractServiceTest::world_ = nullptr;
std::string* ContractServiceTest::acme_ = nullptr;
std::string* ContractServiceTest::beta_ = nullptr;

TEST_F(ContractServiceTest, ProposeAcceptActivateTerminateWithItsSeat) {
  auto proposed = Propose(*acme_, kSpring, "t-flow", "p-flow");
  ASSERT_TRUE(proposed.ok()) << proposed.status();
  EXPECT_EQ(JsonField(*proposed, "state"), "CONTRACT_STATE_PROPOSED");
  EXPECT_EQ(JsonField(*proposed, "initiator"), "INITIATOR_CLIENT");
  EXPECT_EQ(JsonField(*proposed, "client"), "companies/acme");
  EXPECT_FALSE(JsonField(*proposed, "band").empty()) << "scored when created: " << *proposed;
  EXPECT_NE(JsonField(*proposed, "band"), "RISK_BAND_CRITICAL") << *proposed;
  EXPECT_EQ(JsonField(*proposed, "name").rfind("teleoperators/t-flow/contracts/", 0), 0u);

  const std::string teleoperator = Secret("t-flow");
  EXPECT_EQ(Move(*acme_, "AcceptContract", *proposed).status().code(),
            absl::StatusCode::kPermissionDenied)
      << "the proposer does not accept its own proposal";
  std::string stale = *proposed;
  stale.replace(stale.find(R"("version":"1")"), 13, R"("version":"7")");
  EXPECT_EQ(Move(teleoperator, "AcceptContract", stale).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(SeatsTaken(kSpring), 0) << "a refused acceptance gave its seat back";

  auto accepted = Move(teleoperator, "AcceptContract", *proposed);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(JsonField(*accepted, "state"), "CONTRACT_STATE_ACCEPTED");
  EXPECT_NE(accepted->find(R"("accept_date")"), std::string::npos) << *accepted;
  EXPECT_EQ(SeatsTaken(kSpring), 1);
  EXPECT_EQ(Move(teleoperator, "ActivateContract", *accepted).status().code(),
            absl::StatusCode::kPermissionDenied)
      << "the client activates";

  auto active = Move(*acme_, "ActivateContract", *accepted);
  ASSERT_TRUE(active.ok()) << active.status();
  EXPECT_EQ(JsonField(*active, "state"), "CONTRACT_STATE_ACTIVE");
  EXPECT_EQ(active->find("activation_override"), std::string::npos);

  auto ended = Move(teleoperator, "TerminateContract", *active, R"("reason":"mission done")");
  ASSERT_TRUE(ended.ok()) << ended.status();
  EXPECT_EQ(JsonField(*ended, "state"), "CONTRACT_STATE_TERMINATED");
  EXPECT_EQ(JsonField(*ended, "termination_reason"), "mission done");
  // Terminated before its end (26 March 2027): the end date is the termination day.
  EXPECT_EQ(ended->find(R"("end_date":{"year":2027,"month":3,"day":26})"), std::string::npos)
      << *ended;
  EXPECT_EQ(SeatsTaken(kSpring), 0) << "termination released the seat";
  EXPECT_EQ(Move(teleoperator, "TerminateContract", *ended).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ContractServiceTest, ATeleoperatorAppliesAndTheClientDeclines) {
  const std::string teleoperator = Secret("t-apply");
  auto applied = world_->Write(
      teleoperator, "ContractService.ApplyToCampaign",
      absl::StrCat(R"({"campaign":")", kSpring, R"(","teleoperator":"teleoperators/t-apply",)",
                   R"("request_id":"apply-1"})"));
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(JsonField(*applied, "initiator"), "INITIATOR_TELEOPERATOR");
  EXPECT_EQ(Move(teleoperator, "DeclineContract", *applied).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Move(*beta_, "DeclineContract", *applied).status().code(), absl::StatusCode::kNotFound)
      << "another client does not learn the contract exists";
  auto declined = Move(*acme_, "DeclineContract", *applied);
  ASSERT_TRUE(declined.ok()) << declined.status();
  EXPECT_EQ(JsonField(*declined, "state"), "CONTRACT_STATE_DECLINED");
  EXPECT_EQ(Move(*acme_, "AcceptContract", *declined).status().code(),
            absl::StatusCode::kFailedPrecondition);

  // Lists: each party its own, a client across teleoperators (materialized from the streams).
  auto mine = world_->Read(*acme_, "ContractService.ListContracts",
                           R"({"parent":"teleoperators/-","client":"companies/acme"})");
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_NE(mine->find(JsonField(*applied, "name")), std::string::npos) << *mine;
  auto theirs =
      world_->Read(*beta_, "ContractService.ListContracts", R"({"parent":"teleoperators/-"})");
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(theirs->find("t-apply"), std::string::npos) << *theirs;
  auto own = world_->Read(teleoperator, "ContractService.ListContracts",
                          R"({"parent":"teleoperators/t-apply"})");
  ASSERT_TRUE(own.ok());
  EXPECT_NE(own->find(JsonField(*applied, "name")), std::string::npos);
  EXPECT_EQ(world_
                ->Read(teleoperator, "ContractService.ListContracts",
                       R"({"parent":"teleoperators/t-flow"})")
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(ContractServiceTest, ARiskyContractIsBlockedUntilAnOperatorOverridesWithAReason) {
  auto proposed = Propose(*acme_, kSpring, "t-risky", "p-risky", kRiskyTerms);
  ASSERT_TRUE(proposed.ok()) << proposed.status();
  ASSERT_EQ(JsonField(*proposed, "band"), "RISK_BAND_CRITICAL") << *proposed;
  EXPECT_EQ(JsonField(*proposed, "supervision"), "SUPERVISION_POLICY_REAL_TIME");
  auto accepted = Move(Secret("t-risky"), "AcceptContract", *proposed);
  ASSERT_TRUE(accepted.ok()) << accepted.status();

  auto refused = Move(*acme_, "ActivateContract", *accepted);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  EXPECT_NE(refused.status().message().find("RISK_BAND_CRITICAL"), std::string::npos);
  EXPECT_EQ(Move(*acme_, "ActivateContract", *accepted, R"("override_reason":"trust me")")
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  auto no_reason = Move(platform_->operator_secret(), "ActivateContract", *accepted);
  ASSERT_EQ(no_reason.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(no_reason.status()).at(0).field(), "override_reason");

  auto overridden = Move(platform_->operator_secret(), "ActivateContract", *accepted,
                         R"("override_reason":"pilot week, remediations signed for 1 February")");
  ASSERT_TRUE(overridden.ok()) << overridden.status();
  EXPECT_EQ(JsonField(*overridden, "state"), "CONTRACT_STATE_ACTIVE");
  EXPECT_EQ(JsonField(*overridden, "operator_id"), "root");
  EXPECT_EQ(JsonField(*overridden, "reason"), "pilot week, remediations signed for 1 February");

  auto trail = world_->Read(
      platform_->operator_secret(), "AuditService.ListAuditEvents",
      absl::StrCat(R"({"resource":")", JsonField(*proposed, "name"), R"(","page_size":100})"));
  ASSERT_TRUE(trail.ok()) << trail.status();
  const size_t event = trail->find("AUDIT_ACTION_OVERRIDE");
  ASSERT_NE(event, std::string::npos) << *trail;
  EXPECT_NE(trail->find("pilot week", event), std::string::npos) << *trail;
}

TEST_F(ContractServiceTest, TwoMissionsCannotBookTheSameHours) {
  auto first = Propose(*acme_, kSpring, "t-book", "p-book-1");
  ASSERT_TRUE(first.ok()) << first.status();
  // beta's campaign calls in the same imposed evenings: the pending proposal holds them.
  auto second = Propose(*beta_, "companies/beta/campaigns/shop", "t-book", "p-book-2");
  ASSERT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition) << second.status();
  EXPECT_EQ(second.status().message().find("SCHEDULE"), std::string::npos)
      << "a client never learns why: " << second.status();
  auto applied = world_->Write(Secret("t-book"), "ContractService.ApplyToCampaign",
                               R"({"campaign":"companies/beta/campaigns/shop",)"
                               R"("teleoperator":"teleoperators/t-book","request_id":"a-book"})");
  ASSERT_EQ(applied.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(applied.status().message().find("SCHEDULE"), std::string::npos) << applied.status();
  // Nor twice the same campaign.
  EXPECT_EQ(Propose(*acme_, kSpring, "t-book", "p-book-3").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ContractServiceTest, RequestIdsReplayAndBadFieldsAreNamed) {
  auto first = Propose(*acme_, kSpring, "t-idem", "p-idem");
  ASSERT_TRUE(first.ok()) << first.status();
  auto again = Propose(*acme_, kSpring, "t-idem", "p-idem");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(JsonField(*again, "name"), JsonField(*first, "name"));
  EXPECT_EQ(Scenario::Int(*again, "version"), 1);
  EXPECT_EQ(
      Propose(*acme_, kSpring, "t-idem", "p-idem", R"("terms":{"sanctions":true})").status().code(),
      absl::StatusCode::kAlreadyExists);

  auto bad_rate = Propose(*acme_, kSpring, "t-idem", "p-idem-2",
                          R"("terms":{"rate":{"currency_code":"euro","minor_units":"100"}})");
  ASSERT_EQ(bad_rate.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(bad_rate.status()).at(0).field(), "terms.rate.currency_code");
  auto no_id = Propose(*acme_, kSpring, "t-idem", "");
  ASSERT_EQ(no_id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(no_id.status()).at(0).field(), "request_id");
  auto bad_name = world_->Write(*acme_, "ContractService.AcceptContract",
                                R"({"name":"contracts/x","version":1,"request_id":"r"})");
  ASSERT_EQ(bad_name.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(bad_name.status()).at(0).field(), "name");
  EXPECT_EQ(Propose(*acme_, "companies/acme/campaigns/none", "t-idem", "p-none").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ContractServiceTest, ActivityIsTotalledValidatedAndRescored) {
  auto proposed = Propose(*acme_, kSpring, "t-work", "p-work");
  ASSERT_TRUE(proposed.ok()) << proposed.status();
  const std::string teleoperator = Secret("t-work");
  auto accepted = Move(teleoperator, "AcceptContract", *proposed);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  const std::string name = JsonField(*proposed, "name");
  EXPECT_EQ(world_
                ->Write(teleoperator, "ContractService.LogActivity",
                        absl::StrCat(R"({"parent":")", name, R"(","request_id":"log-early",)",
                                     R"("activity_log":{"day":{"year":2027,"month":1,"day":5}}})"))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition)
      << "activity is logged on an active contract";
  auto active = Move(*acme_, "ActivateContract", *accepted);
  ASSERT_TRUE(active.ok()) << active.status();

  const std::string day = R"("day":{"year":2027,"month":1,"day":5})";
  auto logged = world_->Write(
      teleoperator, "ContractService.LogActivity",
      absl::StrCat(R"({"parent":")", name, R"(","request_id":"log-1","activity_log":{)", day,
                   R"(,"minutes_worked":180,"calls":40,"appointments_set":5,)",
                   R"("revenue":{"currency_code":"EUR","minor_units":"25000"}}})"));
  ASSERT_TRUE(logged.ok()) << logged.status();
  EXPECT_EQ(JsonField(*logged, "name"), absl::StrCat(name, "/activityLogs/2027-01-05"));
  EXPECT_EQ(world_
                ->Write(*acme_, "ContractService.LogActivity",
                        absl::StrCat(R"({"parent":")", name, R"(","request_id":"log-x",)",
                                     R"("activity_log":{)", day, "}}"))
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  auto outside = world_->Write(
      teleoperator, "ContractService.LogActivity",
      absl::StrCat(R"({"parent":")", name, R"(","request_id":"log-2","activity_log":{"day":)",
                   R"({"year":2027,"month":6,"day":1},"minutes_worked":60}})"));
  ASSERT_EQ(outside.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(outside.status()).at(0).field(), "activity_log.day");

  auto contract = world_->Read(teleoperator, "ContractService.GetContract",
                               absl::StrCat(R"({"name":")", name, R"("})"));
  ASSERT_TRUE(contract.ok());
  EXPECT_EQ(Scenario::Int(*contract, "minutes_worked"), 180) << *contract;
  EXPECT_EQ(Scenario::Int(*contract, "calls"), 40);
  EXPECT_EQ(Scenario::Int(*contract, "version"), 4) << "proposed, accepted, active, rescored";

  const std::string log_name = JsonField(*logged, "name");
  auto too_many = world_->Write(
      *acme_, "ContractService.ValidateAppointments",
      absl::StrCat(R"({"name":")", log_name, R"(","appointments_validated":6,"version":1,)",
                   R"("request_id":"val-1"})"));
  ASSERT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(too_many.status()).at(0).field(), "appointments_validated");
  EXPECT_EQ(world_
                ->Write(teleoperator, "ContractService.ValidateAppointments",
                        absl::StrCat(R"({"name":")", log_name,
                                     R"(","appointments_validated":1,"version":1,)",
                                     R"("request_id":"val-t"})"))
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  auto validated = world_->Write(
      *acme_, "ContractService.ValidateAppointments",
      absl::StrCat(R"({"name":")", log_name, R"(","appointments_validated":4,"version":1,)",
                   R"("request_id":"val-2"})"));
  ASSERT_TRUE(validated.ok()) << validated.status();
  EXPECT_EQ(Scenario::Int(*validated, "appointments_validated"), 4);
  EXPECT_EQ(world_
                ->Write(*acme_, "ContractService.ValidateAppointments",
                        absl::StrCat(R"({"name":")", log_name,
                                     R"(","appointments_validated":3,"version":1,)",
                                     R"("request_id":"val-3"})"))
                .status()
                .code(),
            absl::StatusCode::kAborted);

  contract = world_->Read(*acme_, "ContractService.GetContract",
                          absl::StrCat(R"({"name":")", name, R"("})"));
  ASSERT_TRUE(contract.ok());
  EXPECT_EQ(Scenario::Int(*contract, "appointments_validated"), 4) << *contract;
  EXPECT_EQ(Scenario::Int(*contract, "version"), 5) << "rescored again";
  EXPECT_FALSE(JsonField(*contract, "band").empty());
  auto logs = world_->Read(*acme_, "ContractService.ListActivityLogs",
                           absl::StrCat(R"({"parent":")", name, R"("})"));
  ASSERT_TRUE(logs.ok());
  EXPECT_NE(logs->find("2027-01-05"), std::string::npos) << *logs;

  auto trail = world_->Read(platform_->operator_secret(), "AuditService.ListAuditEvents",
                            absl::StrCat(R"({"resource":")", name, R"(","page_size":100})"));
  ASSERT_TRUE(trail.ok());
  EXPECT_NE(trail->find(log_name), std::string::npos) << "each rescoring names its cause";

  // The reports: the teleoperator's dependence on its clients, the client's contracts by band.
  auto dependence = world_->Read(teleoperator, "AuditService.GetDependenceReport",
                                 R"({"teleoperator":"teleoperators/t-work"})");
  ASSERT_TRUE(dependence.ok()) << dependence.status();
  EXPECT_EQ(Scenario::Int(*dependence, "share_permille"), 1000) << *dependence;
  EXPECT_EQ(JsonField(*dependence, "company"), "companies/acme");
  EXPECT_EQ(world_
                ->Read(*acme_, "AuditService.GetDependenceReport",
                       R"({"teleoperator":"teleoperators/t-work"})")
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  auto risk =
      world_->Read(*acme_, "AuditService.GetClientRiskReport", R"({"company":"companies/acme"})");
  ASSERT_TRUE(risk.ok()) << risk.status();
  EXPECT_EQ(JsonField(*risk, "company"), "companies/acme");
  // Counts of 0 are omitted from the JSON: a count shows that the contract was counted.
  EXPECT_NE(risk->find(R"("contracts":")"), std::string::npos) << *risk;
  EXPECT_EQ(
      world_->Read(*beta_, "AuditService.GetClientRiskReport", R"({"company":"companies/acme"})")
          .status()
          .code(),
      absl::StatusCode::kPermissionDenied);
}

TEST_F(ContractServiceTest, AnAcceptedContractNeedsAFreeSeat) {
  ASSERT_TRUE(world_->Campaign(*acme_, "acme", "tiny", "62.01", kSafeTerms, 1).ok());
  auto one = Propose(*acme_, "companies/acme/campaigns/tiny", "t-seat", "p-tiny-1");
  auto two = Propose(*acme_, "companies/acme/campaigns/tiny", "t-seat2", "p-tiny-2");
  ASSERT_TRUE(one.ok() && two.ok()) << one.status() << two.status();
  ASSERT_TRUE(Move(Secret("t-seat"), "AcceptContract", *one).ok());
  auto full = Move(Secret("t-seat2"), "AcceptContract", *two);
  EXPECT_EQ(full.status().code(), absl::StatusCode::kFailedPrecondition) << full.status();
  EXPECT_EQ(SeatsTaken("companies/acme/campaigns/tiny"), 1);
}

TEST_F(ContractServiceTest, ADeclaredJobAtTheClientRaisesAnAlertOnTheRunningMission) {
  auto proposed = Propose(*acme_, kSpring, "t-alert", "p-alert");
  ASSERT_TRUE(proposed.ok()) << proposed.status();
  auto accepted = Move(Secret("t-alert"), "AcceptContract", *proposed);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  ASSERT_TRUE(Move(*acme_, "ActivateContract", *accepted).ok());
  // The teleoperator takes a salaried job at the client.
  ASSERT_TRUE(world_->Employment("t-alert", "at-acme", "732829320", "62.01", 20).ok());
  const std::string query =
      absl::StrCat(R"({"resource":")", JsonField(*proposed, "name"), R"(","page_size":100})");
  std::string trail;
  for (absl::Time deadline = absl::Now() + absl::Seconds(15); absl::Now() < deadline;
       absl::SleepFor(absl::Milliseconds(100))) {
    auto events =
        platform_->Call(platform_->operator_secret(), "AuditService.ListAuditEvents", query);
    ASSERT_TRUE(events.ok()) << events.status();
    trail = *events;
    if (trail.find("AUDIT_ACTION_ALERT") != std::string::npos) break;
  }
  const size_t alert = trail.find("AUDIT_ACTION_ALERT");
  ASSERT_NE(alert, std::string::npos) << trail;
  EXPECT_NE(trail.find("EMPLOYEE_OF_CLIENT", alert), std::string::npos) << trail;
  EXPECT_NE(trail.find("teleoperators/t-alert/employments/at-acme", alert), std::string::npos);
}

// Revenue logged on one mission changes each client's share of the teleoperator's revenue: its
// other open contracts are rescored with it, and rewritten when their assessment changes.
TEST_F(ContractServiceTest, ActivityOnOneMissionRescoresTheTeleoperatorsOtherMissions) {
  // Evenings for acme, mornings for beta: two missions at once.
  ASSERT_TRUE(world_
                  ->Teleoperator("t-two", absl::StrCat(test_support::MorningWindows(), ",",
                                                       test_support::EveningWindows()))
                  .ok());
  ASSERT_TRUE(
      world_
          ->Campaign(*beta_, "beta", "dawn", "47.11", kSafeTerms, 2, test_support::MorningWindows())
          .ok());
  const std::string teleoperator = Secret("t-two");
  std::vector<std::string> names;
  for (const auto& [client, campaign] :
       {std::pair{*acme_, std::string(kSpring)}, {*beta_, "companies/beta/campaigns/dawn"}}) {
    auto proposed = Propose(client, campaign, "t-two", absl::StrCat("p-two-", names.size()));
    ASSERT_TRUE(proposed.ok()) << proposed.status();
    auto accepted = Move(teleoperator, "AcceptContract", *proposed);
    ASSERT_TRUE(accepted.ok()) << accepted.status();
    ASSERT_TRUE(Move(client, "ActivateContract", *accepted).ok());
    names.push_back(JsonField(*proposed, "name"));
  }
  const std::string& at_acme = names[0];
  const std::string& at_beta = names[1];
  auto log = [&](const std::string& contract, int64_t minor_units) {
    return world_->Write(
        teleoperator, "ContractService.LogActivity",
        absl::StrCat(R"({"parent":")", contract, R"(","request_id":"log-)", contract,
                     R"(","activity_log":{"day":{"year":2027,"month":1,"day":4},)",
                     R"("minutes_worked":60,"revenue":{"currency_code":"EUR","minor_units":")",
                     minor_units, R"("}}})"));
  };
  auto get = [&](const std::string& contract) {
    auto read = world_->Read(teleoperator, "ContractService.GetContract",
                             absl::StrCat(R"({"name":")", contract, R"("})"));
    EXPECT_TRUE(read.ok()) << read.status();
    return read.ok() ? *read : std::string();
  };

  // All the revenue so far comes from beta: its mission shows the dependence. (The day is the
  // missions' start, their as-of date: the trailing 12 months end there.)
  ASSERT_TRUE(log(at_beta, 10'000).ok());
  const std::string dependent = get(at_beta);
  EXPECT_NE(dependent.find("fr.revenue_dependence_high"), std::string::npos) << dependent;
  const std::string acme_before = get(at_acme);

  // Ten times as much from acme: beta's share falls to 1/11, and beta's mission is rescored
  // though nothing was logged on it.
  ASSERT_TRUE(log(at_acme, 100'000).ok());
  const std::string independent = get(at_beta);
  EXPECT_EQ(Scenario::Int(independent, "version"), Scenario::Int(dependent, "version") + 1)
      << independent;
  EXPECT_EQ(independent.find("fr.revenue_dependence"), std::string::npos) << independent;
  const std::string acme_after = get(at_acme);
  EXPECT_NE(acme_after.find("fr.revenue_dependence_high"), std::string::npos) << acme_after;
  EXPECT_EQ(Scenario::Int(acme_after, "version"), Scenario::Int(acme_before, "version") + 1)
      << "rescored once, with its own log";
}

TEST_F(ContractServiceTest, ASeatLeftByACrashIsReleasedByTheSweepAtStart) {
  auto proposed = Propose(*acme_, kSpring, "t-sweep", "p-sweep");
  ASSERT_TRUE(proposed.ok()) << proposed.status();
  const int64_t before = SeatsTaken(kSpring);
  // What an acceptance leaves when its process dies between the seat and the contract: the seat
  // taken in the campaign's partition, the contract still PROPOSED.
  store::StoreOptions options;
  options.redis = *store::ParseRedisAddress(platform_->redis().address());
  store::Store redis(options);
  store::WriteContext crash;
  crash.actor.set_kind(v1::Principal::KIND_SYSTEM);
  crash.actor.set_id("test-crash");
  crash.method = "test-crash";
  auto left = redis.Write(
      store::PartitionOf("acme"), crash, [&](store::Txn& txn) -> absl::StatusOr<std::string> {
        auto campaign = ReadResource<v1::Campaign>(txn, "campaign", kSpring);
        if (!campaign.ok()) return campaign.status();
        v1::Campaign updated = **campaign;
        updated.set_seats_taken(updated.seats_taken() + 1);
        auto version =
            PutResource(txn, "campaign", updated, updated.version(), v1::AUDIT_ACTION_UPDATE);
        if (!version.ok()) return version.status();
        contract::SeatReservation seat;
        seat.set_contract(JsonField(*proposed, "name"));
        seat.set_campaign(kSpring);
        seat.set_create_time_ms(absl::ToUnixMillis(absl::Now() - absl::Minutes(5)));
        auto put = txn.Put("seat", seat.contract(), seat, 0);
        if (!put.ok()) return put.status();
        return std::string();
      });
  ASSERT_TRUE(left.ok()) << left.status();
  ASSERT_EQ(SeatsTaken(kSpring), before + 1);

  // A contract service starting (a restart, or another replica) sweeps it.
  absl::StatusOr<std::string> dir = test_support::MakeTempDir("callmatch-sweep");
  ASSERT_TRUE(dir.ok());
  test_support::ServiceProcess restarted;
  ASSERT_TRUE(
      restarted.Start(CALLMATCH_SERVER_BIN, "contract", platform_->redis().address(), *dir).ok());
  ASSERT_EQ(test_support::AwaitHealth(restarted.address(), "", "SERVING", absl::Seconds(30)),
            "SERVING")
      << restarted.LogTail();
  EXPECT_EQ(SeatsTaken(kSpring), before);
  EXPECT_NE(restarted.LogTail().find("seat sweep done"), std::string::npos);
  auto stopped = restarted.process().Terminate(absl::Seconds(15));
  EXPECT_TRUE(stopped.ok() && *stopped == 0);
  test_support::RemoveTree(*dir);
}

}  // namespace
}  // namespace callmatch

// The whole story of issue 6, end to end, with redis-server and every service as its own process:
// an operator registers a client and teleoperators (an employee of the client, an employee of a
// sibling company of its group, an employee of a competitor, one whose jobs would break the hours
// cap, three lawful ones); the client posts a campaign and its match returns exactly the three
// lawful ones in a deterministic order; the operator sees why each other one is excluded and the
// client sees nothing of them; a lawful teleoperator finds the campaign; contracts are proposed
// and scored; a risky one is refused activation, then activated on an operator's override;
// activity is logged and rescored; a job declared at the client raises an alert on the running
// mission; the audit chain verifies, and removing one event directly in Redis makes it fail and
// name that event.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/platform.h"
#include "tests/support/scenario.h"

namespace callmatch {
namespace {

using test_support::JsonField;
using test_support::Platform;
using test_support::Scenario;

constexpr char kCampaign[] = "companies/acme/campaigns/spring";
constexpr char kTerms[] =
    R"("imposed_schedule":true,"tools":"TOOLS_POLICY_OWN","script":"SCRIPT_POLICY_NONE",)"
    R"("supervision":"SUPERVISION_POLICY_RESULTS_ONLY","sanctions":false,)"
    R"("substitution_allowed":true,"may_refuse_work":true,"exclusivity":false)";

// Every "teleoperators/<id>" named in `json`, in order, each once.
std::vector<std::string> Teleoperators(const std::string& json) {
  std::vector<std::string> names;
  for (size_t at = json.find("\"teleoperators/"); at != std::string::npos;
       at = json.find("\"teleoperators/", at + 1)) {
    const std::string name = json.substr(at + 1, json.find('"', at + 1) - at - 1);
    if (names.empty() || names.back() != name) names.push_back(name);
  }
  return names;
}

// The stream id of the first event of `action` in a ListAuditEvents answer, and its partition.
std::pair<std::string, int> EventOf(const std::string& events, const std::string& action) {
  const size_t at = events.find(action);
  if (at == std::string::npos) return {"", -1};
  const size_t begin = events.rfind("{\"id\":\"", at);
  const std::string id = events.substr(begin + 7, events.find('"', begin + 7) - begin - 7);
  const size_t p = events.find("\"partition\":", begin) + 12;
  int partition = -1;
  (void)absl::SimpleAtoi(events.substr(p, events.find_first_of(",}", p) - p), &partition);
  return {id, partition};
}

TEST(StoryTest, FromRegistrationToATamperEvidentTrail) {
  Platform platform;
  ASSERT_TRUE(platform
                  .Start(CALLMATCH_SERVER_BIN,
                         {"campaign", "teleoperator", "matching", "scoring", "contract", "audit"})
                  .ok());
  Scenario world(&platform);
  const std::string& root = platform.operator_secret();

  // The operator registers the client, a sibling in its group and a competitor.
  ASSERT_TRUE(world.Company("acme", "732829320", "62.01").ok());
  ASSERT_TRUE(world.Company("acme-sister", "443061841", "70.10", "732829320").ok());
  ASSERT_TRUE(world.Company("rival", "552100554", "62.01").ok());
  // ... and the teleoperators, with their jobs.
  for (const char* id : {"t-employee", "t-sibling", "t-competitor", "t-overworked", "t-lawful-a",
                         "t-lawful-b", "t-lawful-c"}) {
    ASSERT_TRUE(world.Teleoperator(id).ok()) << id;
  }
  ASSERT_TRUE(world.Employment("t-employee", "job", "732829320", "62.01", 10).ok());
  ASSERT_TRUE(world.Employment("t-sibling", "job", "443061841", "70.10", 10).ok());
  ASSERT_TRUE(world.Employment("t-competitor", "job", "552100554", "62.01", 10).ok());
  // 40 h of mornings and 15 h of evenings: over 48 h a week and 10 h a day.
  ASSERT_TRUE(world.Employment("t-overworked", "job", "404833048", "47.11", 40).ok());

  // The client posts its campaign.
  const std::string client = *platform.IssueSecret("KIND_CLIENT", "acme");
  ASSERT_TRUE(world.Campaign(client, "acme", "spring", "62.01", kTerms, 5).ok());

  // The match: exactly the three lawful ones, in a deterministic order (equal scores: by name).
  auto matched = world.Read(client, "MatchingService.MatchCampaign",
                            absl::StrCat(R"({"campaign":")", kCampaign, R"("})"));
  ASSERT_TRUE(matched.ok()) << matched.status();
  const std::vector<std::string> lawful = {"teleoperators/t-lawful-a", "teleoperators/t-lawful-b",
                                           "teleoperators/t-lawful-c"};
  EXPECT_EQ(Teleoperators(*matched), lawful) << *matched;
  auto again = world.Read(client, "MatchingService.MatchCampaign",
                          absl::StrCat(R"({"campaign":")", kCampaign, R"("})"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *matched) << "the same answer every time";

  // The operator sees why each other one is excluded; the client sees nothing of them.
  const std::vector<std::pair<std::string, std::string>> excluded = {
      {"t-employee", "EXCLUSION_REASON_EMPLOYEE_OF_CLIENT"},
      {"t-sibling", "EXCLUSION_REASON_EMPLOYEE_OF_CLIENT"},
      {"t-competitor", "EXCLUSION_REASON_COMPETING_EMPLOYER"},
      {"t-overworked", "EXCLUSION_REASON_WORKING_TIME"}};
  for (const auto& [id, reason] : excluded) {
    const std::string pair = absl::StrCat(R"({"campaign":")", kCampaign,
                                          R"(","teleoperator":"teleoperators/)", id, R"("})");
    auto why = world.Read(root, "MatchingService.ExplainEligibility", pair);
    ASSERT_TRUE(why.ok()) << why.status();
    EXPECT_EQ(why->find(R"("eligible":true)"), std::string::npos) << id;
    const size_t rule = why->find(reason);
    ASSERT_NE(rule, std::string::npos) << id << ": " << *why;
    EXPECT_EQ(why->substr(rule, why->find('}', rule) - rule).find(R"("passed":true)"),
              std::string::npos)
        << id << " fails " << reason << ": " << *why;
    EXPECT_EQ(matched->find(id), std::string::npos) << "no trace of " << id;
    EXPECT_EQ(world.Read(client, "MatchingService.ExplainEligibility", pair).status().code(),
              absl::StatusCode::kPermissionDenied);
  }

  // A lawful teleoperator finds the campaign among those it is eligible for.
  const std::string lawful_a = *platform.IssueSecret("KIND_TELEOPERATOR", "t-lawful-a");
  auto eligible = world.Read(lawful_a, "MatchingService.ListEligibleCampaigns",
                             R"({"teleoperator":"teleoperators/t-lawful-a"})");
  ASSERT_TRUE(eligible.ok()) << eligible.status();
  EXPECT_NE(eligible->find(kCampaign), std::string::npos) << *eligible;

  // A contract is proposed and scored.
  auto plain = world.Write(
      client, "ContractService.ProposeContract",
      absl::StrCat(R"({"campaign":")", kCampaign, R"(","teleoperator":"teleoperators/t-lawful-a",)",
                   R"("request_id":"story-plain"})"));
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_FALSE(JsonField(*plain, "band").empty()) << *plain;
  EXPECT_FALSE(JsonField(*plain, "rulebook_id").empty()) << *plain;

  // A risky one is refused activation, then activated after an operator's override.
  auto risky = world.Write(
      client, "ContractService.ProposeContract",
      absl::StrCat(R"({"campaign":")", kCampaign, R"(","teleoperator":"teleoperators/t-lawful-b",)",
                   R"("request_id":"story-risky","terms":{"tools":"TOOLS_POLICY_CLIENT_ACCOUNTS",)",
                   R"("script":"SCRIPT_POLICY_MANDATORY_VERBATIM",)",
                   R"("supervision":"SUPERVISION_POLICY_REAL_TIME","sanctions":true,)",
                   R"("pay_model":"PAY_MODEL_PER_HOUR"}})"));
  ASSERT_TRUE(risky.ok()) << risky.status();
  ASSERT_EQ(JsonField(*risky, "band"), "RISK_BAND_CRITICAL") << *risky;
  const std::string contract = JsonField(*risky, "name");
  const std::string lawful_b = *platform.IssueSecret("KIND_TELEOPERATOR", "t-lawful-b");
  ASSERT_TRUE(world
                  .Write(lawful_b, "ContractService.AcceptContract",
                         absl::StrCat(R"({"name":")", contract,
                                      R"(","version":1,"request_id":"story-accept"})"))
                  .ok());
  auto refused = world.Write(
      client, "ContractService.ActivateContract",
      absl::StrCat(R"({"name":")", contract, R"(","version":2,"request_id":"story-activate"})"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  auto overridden =
      world.Write(root, "ContractService.ActivateContract",
                  absl::StrCat(R"({"name":")", contract, R"(","version":2,)",
                               R"("override_reason":"labour inspector consulted; terms to be )",
                               R"(remediated within a week","request_id":"story-override"})"));
  ASSERT_TRUE(overridden.ok()) << overridden.status();
  EXPECT_EQ(JsonField(*overridden, "state"), "CONTRACT_STATE_ACTIVE");
  EXPECT_EQ(JsonField(*overridden, "operator_id"), "root");

  // Activity is logged and the contract rescored.
  auto logged = world.Write(
      lawful_b, "ContractService.LogActivity",
      absl::StrCat(R"({"parent":")", contract, R"(","request_id":"story-log","activity_log":)",
                   R"({"day":{"year":2027,"month":1,"day":4},"minutes_worked":180,"calls":50,)",
                   R"("appointments_set":6,"revenue":{"currency_code":"EUR",)",
                   R"("minor_units":"9000"}}})"));
  ASSERT_TRUE(logged.ok()) << logged.status();
  auto rescored = world.Read(lawful_b, "ContractService.GetContract",
                             absl::StrCat(R"({"name":")", contract, R"("})"));
  ASSERT_TRUE(rescored.ok());
  EXPECT_EQ(Scenario::Int(*rescored, "version"), 4) << *rescored;
  EXPECT_EQ(Scenario::Int(*rescored, "minutes_worked"), 180);
  EXPECT_FALSE(JsonField(*rescored, "band").empty());

  // The teleoperator declares a job at the client: an alert is raised on its contract, and the
  // client's next match (after that write: the token) no longer lists it, though the service
  // keeps the client's last answer while no change can alter it.
  const std::string match_request = absl::StrCat(R"({"campaign":")", kCampaign, R"("})");
  auto before = world.Read(client, "MatchingService.MatchCampaign", match_request);
  ASSERT_TRUE(before.ok()) << before.status();
  std::vector<std::string> expected = Teleoperators(*before);
  ASSERT_EQ(std::count(expected.begin(), expected.end(), "teleoperators/t-lawful-b"), 1) << *before;
  expected.erase(std::find(expected.begin(), expected.end(), "teleoperators/t-lawful-b"));
  ASSERT_TRUE(world.Employment("t-lawful-b", "acme-job", "732829320", "62.01", 10).ok());
  auto after = world.Read(client, "MatchingService.MatchCampaign", match_request);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(Teleoperators(*after), expected) << *after;
  const std::string by_contract =
      absl::StrCat(R"({"resource":")", contract, R"(","page_size":100})");
  std::string trail;
  for (absl::Time deadline = absl::Now() + absl::Seconds(15); absl::Now() < deadline;
       absl::SleepFor(absl::Milliseconds(100))) {
    auto events = platform.Call(root, "AuditService.ListAuditEvents", by_contract);
    ASSERT_TRUE(events.ok()) << events.status();
    trail = *events;
    if (trail.find("AUDIT_ACTION_ALERT") != std::string::npos) break;
  }
  ASSERT_NE(trail.find("AUDIT_ACTION_ALERT"), std::string::npos) << trail;
  EXPECT_NE(trail.find("EMPLOYEE_OF_CLIENT", trail.find("AUDIT_ACTION_ALERT")), std::string::npos);
  EXPECT_NE(trail.find("AUDIT_ACTION_OVERRIDE"), std::string::npos) << trail;

  // The audit chain verifies once sealed.
  std::string verified;
  for (int i = 0; i < 100; ++i) {
    auto answer = platform.Call(root, "AuditService.VerifyChain", "{}");
    verified = answer.ok() ? *answer : answer.status().ToString();
    if (answer.ok() && verified.rfind("{\"ok\":true", 0) == 0) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_EQ(verified.rfind("{\"ok\":true", 0), 0u) << verified;

  // Removing one event directly in Redis (the override) breaks the chain there, and says so.
  const auto [event_id, partition] = EventOf(trail, "AUDIT_ACTION_OVERRIDE");
  ASSERT_FALSE(event_id.empty()) << trail;
  ASSERT_TRUE(
      platform.redis()
          .Command({"XDEL",
                    absl::StrCat("cm:{p", absl::Dec(partition, absl::kZeroPad2), "}:changes"),
                    event_id})
          .ok());
  auto broken = platform.Call(root, "AuditService.VerifyChain", "{}");
  ASSERT_TRUE(broken.ok()) << broken.status();
  EXPECT_EQ(broken->rfind("{\"partitions\"", 0), 0u) << "ok must be false (omitted): " << *broken;
  EXPECT_EQ(JsonField(*broken, "first_bad_event_id"), event_id) << *broken;
  EXPECT_EQ(JsonField(*broken, "problem"), "removed") << *broken;
  EXPECT_TRUE(platform.Stop().ok());
}

}  // namespace
}  // namespace callmatch

// The records end-to-end tests of contracts and of the whole story write, on a running Platform:
// companies, open campaigns, verified teleoperators and their employments, with the consistency
// tokens of every write kept so that later reads see them.
//
// Every campaign calls Monday to Friday 18:00-21:00 Paris time (15 h, 5 h a week per seat) in
// French (B2) for appointment setting, from 4 January to 26 March 2027; every teleoperator is
// established in France, speaks French natively, sets appointments and is available in those
// windows.
//
// Example:
//   Scenario world(&platform);
//   ASSERT_TRUE(world.Company("acme", "732829320", "62.01").ok());
//   ASSERT_TRUE(world.Campaign(client, "acme", "spring", R"("imposed_schedule":true)").ok());
#ifndef CALLMATCH_TESTS_SUPPORT_SCENARIO_H_
#define CALLMATCH_TESTS_SUPPORT_SCENARIO_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/support/platform.h"

namespace callmatch::test_support {

class Scenario {
 public:
  explicit Scenario(Platform* platform) : platform_(platform) {}

  // A call whose consistency token later reads send; the response as JSON.
  absl::StatusOr<std::string> Write(const std::string& secret, const std::string& method,
                                    const std::string& json);
  // A call sending the tokens of every write so far.
  absl::StatusOr<std::string> Read(const std::string& secret, const std::string& method,
                                   const std::string& json);

  // "companies/<id>", created by the operator; `group_id` is its parent's number or "".
  absl::Status Company(const std::string& id, const std::string& number, const std::string& segment,
                       const std::string& group_id = "");
  // "companies/<company>/campaigns/<id>", created and opened by `client`. `terms` is the JSON
  // inside "terms" besides the pay model; `windows` its calling windows (JSON), the evenings
  // when empty.
  absl::Status Campaign(const std::string& client, const std::string& company,
                        const std::string& id, const std::string& segment, const std::string& terms,
                        int seats = 3, const std::string& windows = "");
  // "teleoperators/<id>", created and verified by the operator, available at `windows` (JSON),
  // the evenings when empty.
  absl::Status Teleoperator(const std::string& id, const std::string& windows = "");
  // A current salaried job of the teleoperator (since 2025), `weekly_hours` hours on weekday
  // mornings from 08:00, at the employer with that number and segment.
  absl::Status Employment(const std::string& teleoperator, const std::string& id,
                          const std::string& employer_number, const std::string& segment,
                          int weekly_hours);

  // The integer value of "field" in JSON, quoted (int64) or not; -1 if absent.
  static int64_t Int(const std::string& json, const std::string& field);

  Platform& platform() { return *platform_; }
  const std::string& root() const { return platform_->operator_secret(); }

 private:
  Platform* platform_;
  std::vector<std::string> tokens_;
  int requests_ = 0;
};

// Monday to Friday 18:00-21:00, as JSON windows.
std::string EveningWindows();
// Monday to Friday 08:00-09:00, as JSON windows.
std::string MorningWindows();

// A campaign's terms (JSON fields, for Scenario::Campaign) that score LOW: own tools, no script,
// results-only supervision, substitution allowed, work may be refused.
inline constexpr char kSafeTerms[] =
    R"("imposed_schedule":true,"tools":"TOOLS_POLICY_OWN","script":"SCRIPT_POLICY_NONE",)"
    R"("supervision":"SUPERVISION_POLICY_RESULTS_ONLY","sanctions":false,)"
    R"("reporting_like_staff":false,"client_training":false,"on_client_premises":false,)"
    R"("rate_set_by_client":false,"substitution_allowed":true,"may_refuse_work":true,)"
    R"("exclusivity":false,"renewals":0,"planned_duration_days":81)";
// What a proposal sets over the campaign's terms (a "terms" JSON field) to make a call centre in
// disguise: the client's accounts, a verbatim script, real-time supervision, sanctions.
inline constexpr char kRiskyTerms[] =
    R"("terms":{"tools":"TOOLS_POLICY_CLIENT_ACCOUNTS","script":"SCRIPT_POLICY_MANDATORY_VERBATIM",)"
    R"("supervision":"SUPERVISION_POLICY_REAL_TIME","sanctions":true,"reporting_like_staff":true,)"
    R"("may_refuse_work":false,"substitution_allowed":false,"pay_model":"PAY_MODEL_PER_HOUR"})";

}  // namespace callmatch::test_support

#endif  // CALLMATCH_TESTS_SUPPORT_SCENARIO_H_

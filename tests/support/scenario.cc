#include "tests/support/scenario.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace callmatch::test_support {

namespace {

// Monday to Friday from `start` to `end`, in minutes of the day, as JSON windows.
std::string WeekdayWindows(int start, int end) {
  std::vector<std::string> windows;
  for (int day = 0; day < 5; ++day) {
    windows.push_back(absl::StrCat(R"({"start_minute":)", day * 1440 + start, R"(,"end_minute":)",
                                   day * 1440 + end, "}"));
  }
  return absl::StrJoin(windows, ",");
}

}  // namespace

std::string EveningWindows() { return WeekdayWindows(1080, 1260); }
std::string MorningWindows() { return WeekdayWindows(480, 540); }

absl::StatusOr<std::string> Scenario::Write(const std::string& secret, const std::string& method,
                                            const std::string& json) {
  absl::StatusOr<std::string> written = platform_->Call(secret, method, json);
  if (written.ok() && !platform_->last_token().empty()) {
    tokens_.push_back(platform_->last_token());
  }
  return written;
}

absl::StatusOr<std::string> Scenario::Read(const std::string& secret, const std::string& method,
                                           const std::string& json) {
  return platform_->Call(secret, method, json, absl::StrJoin(tokens_, ","));
}

absl::Status Scenario::Company(const std::string& id, const std::string& number,
                               const std::string& segment, const std::string& group_id) {
  return Write(
             root(), "CampaignService.CreateCompany",
             absl::StrCat(R"({"company_id":")", id, R"(","request_id":"company-)", id,
                          R"(","company":{"display_name":")", id, R"(","registration":{"number":")",
                          number, R"("},"location":{"country_code":"FR"},"segments":[")", segment,
                          R"("],"group_id":")", group_id, R"("}})"))
      .status();
}

absl::Status Scenario::Campaign(const std::string& client, const std::string& company,
                                const std::string& id, const std::string& segment,
                                const std::string& terms, int seats, const std::string& windows) {
  absl::Status created =
      Write(client, "CampaignService.CreateCampaign",
            absl::StrCat(
                R"({"parent":"companies/)", company, R"(","campaign_id":")", id,
                R"(","request_id":"campaign-)", id, R"(","campaign":{"display_name":")", id,
                R"(","kind":"CAMPAIGN_KIND_APPOINTMENT_SETTING","segments":[")", segment,
                R"("],"languages":[{"language":"fr","level":"CEFR_LEVEL_B2"}],)",
                R"("skills":["SKILL_APPOINTMENT_SETTING"],"calling_windows":{"time_zone":)",
                R"("Europe/Paris","windows":[)", windows.empty() ? EveningWindows() : windows,
                R"(]},)", R"("weekly_minutes_per_seat":300,"seats":)", seats,
                R"(,"start_date":{"year":2027,"month":1,"day":4},)",
                R"("end_date":{"year":2027,"month":3,"day":26},"terms":{)", terms,
                terms.empty() ? "" : ",", R"("pay_model":"PAY_MODEL_PER_APPOINTMENT"}}})"))
          .status();
  if (!created.ok()) return created;
  return Write(client, "CampaignService.OpenCampaign",
               absl::StrCat(R"({"name":"companies/)", company, "/campaigns/", id,
                            R"(","version":1,"request_id":"open-)", id, R"("})"))
      .status();
}

absl::Status Scenario::Teleoperator(const std::string& id, const std::string& windows) {
  absl::Status created =
      Write(root(), "TeleoperatorService.CreateTeleoperator",
            absl::StrCat(R"({"teleoperator_id":")", id, R"(","request_id":"teleoperator-)", id,
                         R"(","teleoperator":{"display_name":")", id,
                         R"(","establishment":{"country_code":"FR"},"registration":)",
                         R"({"number":"73282932000074"},"languages":[{"language":"fr",)",
                         R"("level":"CEFR_LEVEL_NATIVE"}],"skills":["SKILL_APPOINTMENT_SETTING"],)",
                         R"("availability":{"time_zone":"Europe/Paris","windows":[)",
                         windows.empty() ? EveningWindows() : windows, R"(]}}})"))
          .status();
  if (!created.ok()) return created;
  return Write(root(), "TeleoperatorService.VerifyRegistration",
               absl::StrCat(R"({"name":"teleoperators/)", id,
                            R"(","status":"REGISTRATION_STATUS_VERIFIED","request_id":"verify-)",
                            id, R"("})"))
      .status();
}

absl::Status Scenario::Employment(const std::string& teleoperator, const std::string& id,
                                  const std::string& employer_number, const std::string& segment,
                                  int weekly_hours) {
  // Equal mornings from 08:00, Monday to Friday.
  const int daily = weekly_hours * 60 / 5;
  return Write(root(), "TeleoperatorService.CreateEmployment",
               absl::StrCat(R"({"parent":"teleoperators/)", teleoperator, R"(","employment_id":")",
                            id, R"(","request_id":"employment-)", teleoperator, "-", id,
                            R"(","employment":{"employer":{"display_name":"Employer )",
                            employer_number, R"(","registration_number":")", employer_number,
                            R"(","country_code":"FR","segments":[")", segment,
                            R"("]},"schedule":{"time_zone":"Europe/Paris","windows":[)",
                            WeekdayWindows(480, 480 + daily),
                            R"(]},"start_date":{"year":2025,"month":1,"day":6}}})"))
      .status();
}

int64_t Scenario::Int(const std::string& json, const std::string& field) {
  const std::string key = absl::StrCat("\"", field, "\":");
  size_t at = json.find(key);
  if (at == std::string::npos) return -1;
  at += key.size();
  if (json[at] == '"') ++at;
  size_t end = at;
  while (end < json.size() && (isdigit(json[end]) || json[end] == '-')) ++end;
  int64_t value = -1;
  return absl::SimpleAtoi(json.substr(at, end - at), &value) ? value : -1;
}

}  // namespace callmatch::test_support

#include "scoring/features.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace callmatch::scoring {
namespace {

constexpr absl::string_view kToolsLevels[] = {"OWN", "CLIENT_DATA_ONLY", "CLIENT_ACCOUNTS"};
constexpr absl::string_view kScriptLevels[] = {"NONE", "GUIDELINES", "MANDATORY_VERBATIM"};
constexpr absl::string_view kSupervisionLevels[] = {"RESULTS_ONLY", "PERIODIC_REVIEW", "REAL_TIME"};
// Pay per result (appointment, qualified lead, fixed fee for a deliverable), per unit of activity
// (call), per unit of time (hour).
constexpr absl::string_view kPayLevels[] = {"PER_RESULT", "PER_CALL", "PER_HOUR"};

// Upper bounds of the numeric features.
constexpr int32_t kMaxDays = 36500;
constexpr int32_t kMaxRenewals = 1000;
constexpr int32_t kMaxMonths = 1200;
constexpr int32_t kMaxPermille = 1000;
constexpr int32_t kMaxClients = 100000;

constexpr FeatureInfo YesNo(Feature f, absl::string_view name, absl::string_view fact,
                            bool riskier_when_true) {
  return {f, name, fact, FeatureKind::kYesNo, 0, 1, riskier_when_true, {}};
}
template <size_t N>
constexpr FeatureInfo Levels(Feature f, absl::string_view name, absl::string_view fact,
                             const absl::string_view (&levels)[N]) {
  return {f,    name,
          fact, FeatureKind::kLevel,
          0,    static_cast<int32_t>(N - 1),
          true, absl::Span<const absl::string_view>(levels, N)};
}
constexpr FeatureInfo Number(Feature f, absl::string_view name, absl::string_view fact, int32_t min,
                             int32_t max, bool riskier_when_higher) {
  return {f, name, fact, FeatureKind::kNumber, min, max, riskier_when_higher, {}};
}

using F = Feature;
constexpr FeatureInfo kFeatures[] = {
    YesNo(F::kImposedSchedule, "imposed_schedule", "terms.imposed_schedule", true),
    Levels(F::kTools, "tools", "terms.tools", kToolsLevels),
    Levels(F::kScript, "script", "terms.script", kScriptLevels),
    Levels(F::kSupervision, "supervision", "terms.supervision", kSupervisionLevels),
    YesNo(F::kReportingLikeStaff, "reporting_like_staff", "terms.reporting_like_staff", true),
    YesNo(F::kSanctions, "sanctions", "terms.sanctions", true),
    YesNo(F::kClientTraining, "client_training", "terms.client_training", true),
    YesNo(F::kOnClientPremises, "on_client_premises", "terms.on_client_premises", true),
    Levels(F::kPayBasis, "pay_basis", "terms.pay_model", kPayLevels),
    YesNo(F::kRateSetByClient, "rate_set_by_client", "terms.rate_set_by_client", true),
    YesNo(F::kSubstitutionAllowed, "substitution_allowed", "terms.substitution_allowed", false),
    YesNo(F::kMayRefuseWork, "may_refuse_work", "terms.may_refuse_work", false),
    YesNo(F::kExclusivity, "exclusivity", "terms.exclusivity", true),
    Number(F::kPlannedDurationDays, "planned_duration_days", "terms.planned_duration_days", 1,
           kMaxDays, true),
    Number(F::kRenewals, "renewals", "terms.renewals", 0, kMaxRenewals, true),
    Number(F::kMonthsContinuous, "months_continuous", "months_continuous", 0, kMaxMonths, true),
    Number(F::kRevenueSharePermille, "revenue_share_permille", "revenue_share_permille", 0,
           kMaxPermille, true),
    Number(F::kOtherClients12m, "other_clients_12m", "other_clients_12m", 0, kMaxClients, false),
    YesNo(F::kFormerEmployee, "former_employee", "former_employee", true),
    Number(F::kDaysSinceEmployment, "days_since_employment", "days_since_employment", 0, kMaxDays,
           false),
    YesNo(F::kRegistrationValid, "registration_valid", "registration_valid", false),
    YesNo(F::kCallingInUsualBusiness, "calling_in_usual_business", "calling_in_usual_business",
          true),
    YesNo(F::kOffersServicesPublicly, "offers_services_publicly", "offers_services_publicly",
          false),
};
static_assert(sizeof(kFeatures) / sizeof(kFeatures[0]) == kFeatureCount);

constexpr bool RegistryInOrder() {
  for (int i = 0; i < kFeatureCount; ++i) {
    if (static_cast<int>(kFeatures[i].feature) != i) return false;
  }
  return true;
}
static_assert(RegistryInOrder(), "kFeatures must list features in enum order");

int32_t Clamp(const FeatureInfo& f, int64_t v) {
  return static_cast<int32_t>(std::clamp<int64_t>(v, f.min, f.max));
}

absl::Status OutOfRange(absl::string_view field, int64_t value, absl::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, " = ", value, " is out of range: expected ", expected));
}

absl::Status CheckCount(absl::string_view field, bool has, int32_t value, int32_t max) {
  if (has && (value < 0 || value > max)) {
    return OutOfRange(field, value, absl::StrCat("0 to ", max));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Span<const FeatureInfo> AllFeatures() { return kFeatures; }

const FeatureInfo& Info(Feature f) { return kFeatures[static_cast<int>(f)]; }

const FeatureInfo* FindFeature(absl::string_view name) {
  for (const FeatureInfo& f : kFeatures) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string FormatValue(const FeatureInfo& f, int32_t value) {
  switch (f.kind) {
    case FeatureKind::kYesNo:
      return value != 0 ? "true" : "false";
    case FeatureKind::kLevel:
      if (value >= 0 && value < static_cast<int32_t>(f.levels.size())) {
        return std::string(f.levels[value]);
      }
      return absl::StrCat(value);
    case FeatureKind::kNumber:
      return absl::StrCat(value);
  }
  return absl::StrCat(value);
}

FeatureVector FeatureVector::Resolved(bool riskiest) const {
  FeatureVector out = *this;
  for (const FeatureInfo& f : kFeatures) {
    if (!known(f.feature)) out.Set(f.feature, riskiest ? MostRisky(f) : LeastRisky(f));
  }
  return out;
}

absl::Status ValidateFacts(const v1::ContractFacts& facts) {
  const v1::MissionTerms& t = facts.terms();
  if (!v1::ToolsPolicy_IsValid(t.tools())) {
    return OutOfRange("terms.tools", t.tools(), "a ToolsPolicy value");
  }
  if (!v1::ScriptPolicy_IsValid(t.script())) {
    return OutOfRange("terms.script", t.script(), "a ScriptPolicy value");
  }
  if (!v1::SupervisionPolicy_IsValid(t.supervision())) {
    return OutOfRange("terms.supervision", t.supervision(), "a SupervisionPolicy value");
  }
  if (!v1::PayModel_IsValid(t.pay_model())) {
    return OutOfRange("terms.pay_model", t.pay_model(), "a PayModel value");
  }
  if (t.planned_duration_days() < 0 || t.planned_duration_days() > kMaxDays) {
    return OutOfRange("terms.planned_duration_days", t.planned_duration_days(),
                      absl::StrCat("0 (unknown) to ", kMaxDays));
  }
  if (absl::Status s = CheckCount("terms.renewals", t.has_renewals(), t.renewals(), kMaxRenewals);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckCount("months_continuous", facts.has_months_continuous(),
                                  facts.months_continuous(), kMaxMonths);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckCount("revenue_share_permille", facts.has_revenue_share_permille(),
                                  facts.revenue_share_permille(), kMaxPermille);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckCount("other_clients_12m", facts.has_other_clients_12m(),
                                  facts.other_clients_12m(), kMaxClients);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckCount("days_since_employment", facts.has_days_since_employment(),
                                  facts.days_since_employment(), kMaxDays);
      !s.ok()) {
    return s;
  }
  if (facts.has_days_since_employment() && facts.has_former_employee() &&
      !facts.former_employee()) {
    return absl::InvalidArgumentError("days_since_employment is set but former_employee is false");
  }
  return absl::OkStatus();
}

FeatureVector DeriveFeatures(const v1::ContractFacts& facts) {
  FeatureVector v;
  const v1::MissionTerms& t = facts.terms();
  if (t.has_imposed_schedule()) v.SetBool(F::kImposedSchedule, t.imposed_schedule());
  switch (t.tools()) {
    case v1::TOOLS_POLICY_OWN:
      v.Set(F::kTools, 0);
      break;
    case v1::TOOLS_POLICY_CLIENT_DATA_ONLY:
      v.Set(F::kTools, 1);
      break;
    case v1::TOOLS_POLICY_CLIENT_ACCOUNTS:
      v.Set(F::kTools, 2);
      break;
    default:
      break;
  }
  switch (t.script()) {
    case v1::SCRIPT_POLICY_NONE:
      v.Set(F::kScript, 0);
      break;
    case v1::SCRIPT_POLICY_GUIDELINES:
      v.Set(F::kScript, 1);
      break;
    case v1::SCRIPT_POLICY_MANDATORY_VERBATIM:
      v.Set(F::kScript, 2);
      break;
    default:
      break;
  }
  switch (t.supervision()) {
    case v1::SUPERVISION_POLICY_RESULTS_ONLY:
      v.Set(F::kSupervision, 0);
      break;
    case v1::SUPERVISION_POLICY_PERIODIC_REVIEW:
      v.Set(F::kSupervision, 1);
      break;
    case v1::SUPERVISION_POLICY_REAL_TIME:
      v.Set(F::kSupervision, 2);
      break;
    default:
      break;
  }
  if (t.has_reporting_like_staff()) v.SetBool(F::kReportingLikeStaff, t.reporting_like_staff());
  if (t.has_sanctions()) v.SetBool(F::kSanctions, t.sanctions());
  if (t.has_client_training()) v.SetBool(F::kClientTraining, t.client_training());
  if (t.has_on_client_premises()) v.SetBool(F::kOnClientPremises, t.on_client_premises());
  switch (t.pay_model()) {
    case v1::PAY_MODEL_PER_APPOINTMENT:
    case v1::PAY_MODEL_PER_QUALIFIED_LEAD:
    case v1::PAY_MODEL_FIXED_FEE:
      v.Set(F::kPayBasis, 0);
      break;
    case v1::PAY_MODEL_PER_CALL:
      v.Set(F::kPayBasis, 1);
      break;
    case v1::PAY_MODEL_PER_HOUR:
      v.Set(F::kPayBasis, 2);
      break;
    default:
      break;
  }
  if (t.has_rate_set_by_client()) v.SetBool(F::kRateSetByClient, t.rate_set_by_client());
  if (t.has_substitution_allowed()) {
    v.SetBool(F::kSubstitutionAllowed, t.substitution_allowed());
  }
  if (t.has_may_refuse_work()) v.SetBool(F::kMayRefuseWork, t.may_refuse_work());
  if (t.has_exclusivity()) v.SetBool(F::kExclusivity, t.exclusivity());
  if (t.planned_duration_days() > 0) {  // 0 is unknown.
    v.Set(F::kPlannedDurationDays, Clamp(Info(F::kPlannedDurationDays), t.planned_duration_days()));
  }
  if (t.has_renewals()) v.Set(F::kRenewals, Clamp(Info(F::kRenewals), t.renewals()));
  if (facts.has_months_continuous()) {
    v.Set(F::kMonthsContinuous, Clamp(Info(F::kMonthsContinuous), facts.months_continuous()));
  }
  if (facts.has_revenue_share_permille()) {
    v.Set(F::kRevenueSharePermille,
          Clamp(Info(F::kRevenueSharePermille), facts.revenue_share_permille()));
  }
  if (facts.has_other_clients_12m()) {
    v.Set(F::kOtherClients12m, Clamp(Info(F::kOtherClients12m), facts.other_clients_12m()));
  }
  // Days since employment exist only for a former employee: "not a former employee" settles
  // both features, and a number of days alone says the teleoperator is one.
  if (facts.has_former_employee() && !facts.former_employee()) {
    v.SetBool(F::kFormerEmployee, false);
    v.Set(F::kDaysSinceEmployment, Info(F::kDaysSinceEmployment).max);
  } else {
    if (facts.has_former_employee() || facts.has_days_since_employment()) {
      v.SetBool(F::kFormerEmployee, true);
    }
    if (facts.has_days_since_employment()) {
      v.Set(F::kDaysSinceEmployment,
            Clamp(Info(F::kDaysSinceEmployment), facts.days_since_employment()));
    }
  }
  if (facts.has_registration_valid()) {
    v.SetBool(F::kRegistrationValid, facts.registration_valid());
  }
  if (facts.has_calling_in_usual_business()) {
    v.SetBool(F::kCallingInUsualBusiness, facts.calling_in_usual_business());
  }
  if (facts.has_offers_services_publicly()) {
    v.SetBool(F::kOffersServicesPublicly, facts.offers_services_publicly());
  }
  return v;
}

std::string DescribeFact(Feature f, const v1::ContractFacts& facts, const FeatureVector& features) {
  const FeatureInfo& info = Info(f);
  if (!features.known(f)) return absl::StrCat(info.fact, " unknown");
  if (f == F::kPayBasis) {
    absl::string_view name = v1::PayModel_Name(facts.terms().pay_model());
    absl::ConsumePrefix(&name, "PAY_MODEL_");
    return absl::StrCat(info.fact, " = ", name);
  }
  if (f == F::kDaysSinceEmployment && facts.has_former_employee() && !facts.former_employee()) {
    return "former_employee = false";
  }
  return absl::StrCat(info.fact, " = ", FormatValue(info, features.value(f)));
}

}  // namespace callmatch::scoring

#include "services/contract/contract_facts.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "matching/context.h"
#include "matching/time_model.h"
#include "services/common/errors.h"

namespace callmatch {
namespace {

constexpr int kTrailingDays = 365;
// A break of more than a month ends a run of continuous work for one client.
constexpr int kMaxBreakDays = 31;

struct Period {
  absl::CivilDay start;
  absl::CivilDay end;
};

std::optional<Period> PeriodOf(const v1::Contract& contract) {
  std::optional<absl::CivilDay> start = matching::ToCivilDay(contract.start_date());
  std::optional<absl::CivilDay> end = matching::ToCivilDay(contract.end_date());
  if (!start.has_value() || !end.has_value()) return std::nullopt;
  return Period{*start, *end};
}

}  // namespace

v1::MissionTerms MergeTerms(const v1::MissionTerms& campaign, const v1::MissionTerms& requested) {
  v1::MissionTerms terms = campaign;
  // MergeFrom copies the optional fields that are set and the plain fields that are not zero:
  // exactly "unset keeps the campaign's".
  terms.MergeFrom(requested);
  if (requested.has_rate()) *terms.mutable_rate() = requested.rate();
  return terms;
}

v1::ContractFacts ScoringFacts(const matching::Dataset& dataset, const v1::Contract& contract,
                               absl::CivilDay today, int registration_max_age_days) {
  v1::ContractFacts facts;
  *facts.mutable_terms() = contract.terms();
  const std::optional<Period> period = PeriodOf(contract);
  const absl::CivilDay as_of = period.has_value() ? std::max(today, period->start) : today;
  *facts.mutable_as_of() = matching::ToDate(as_of);

  const v1::Company* client = dataset.company(contract.client());
  if (client != nullptr) {
    *facts.mutable_client_location() = client->location();
    if (client->has_calling_in_usual_business()) {
      facts.set_calling_in_usual_business(client->calling_in_usual_business());
    }
  }
  const matching::TeleoperatorData* teleoperator =
      dataset.teleoperator(matching::ParentName(contract.name()));
  if (teleoperator == nullptr) return facts;
  const v1::Teleoperator& profile = teleoperator->profile;
  *facts.mutable_teleoperator_location() = profile.establishment();
  const std::optional<absl::CivilDay> verified =
      matching::ToCivilDay(profile.registration().verify_date());
  facts.set_registration_valid(
      profile.registration().status() == v1::REGISTRATION_STATUS_VERIFIED && verified.has_value() &&
      as_of - *verified <= registration_max_age_days);

  // Employment in the client's group: the nearest one counts (0 days while it lasts).
  const std::vector<std::string> client_keys =
      client != nullptr ? matching::CompanyGroupKeys(dataset, *client)
                        : std::vector<std::string>{"company:" + contract.client()};
  std::optional<int> days_since;
  for (const v1::Employment& employment : teleoperator->employments) {
    const matching::EmployerFacts employer =
        matching::ResolveEmployer(dataset, employment.employer());
    if (matching::SharedGroupKey(employer.group_keys, client_keys).empty()) continue;
    const std::optional<absl::CivilDay> end = matching::ToCivilDay(employment.end_date());
    const int days = !end.has_value() || *end >= as_of ? 0 : static_cast<int>(as_of - *end);
    days_since = days_since.has_value() ? std::min(*days_since, days) : days;
  }
  facts.set_former_employee(days_since.has_value());
  if (days_since.has_value()) facts.set_days_since_employment(*days_since);

  // History: the assignments (accepted at some point), with this contract as planned.
  std::vector<Period> with_client;
  std::set<std::string> other_clients;
  int64_t revenue_total = 0;
  int64_t revenue_client = 0;
  const absl::CivilDay window_start = as_of - kTrailingDays;
  for (const matching::ContractData& data : teleoperator->contracts) {
    const v1::Contract& other = data.contract;
    for (const v1::ActivityLog& log : data.logs) {
      const std::optional<absl::CivilDay> day = matching::ToCivilDay(log.day());
      if (!day.has_value() || *day <= window_start || *day > as_of) continue;
      revenue_total += log.revenue().minor_units();
      if (other.client() == contract.client()) revenue_client += log.revenue().minor_units();
    }
    if (other.name() == contract.name() || !other.has_accept_date()) continue;
    const std::optional<Period> other_period = PeriodOf(other);
    if (!other_period.has_value()) continue;
    if (other.client() == contract.client()) {
      with_client.push_back(*other_period);
    } else if (other_period->start <= as_of && other_period->end > window_start) {
      other_clients.insert(other.client());
    }
  }
  if (period.has_value()) {
    with_client.push_back(*period);
    std::sort(with_client.begin(), with_client.end(),
              [](const Period& a, const Period& b) { return a.start < b.start; });
    // The run of periods, each starting at most a month after the run so far ends, that holds
    // this contract's start.
    std::optional<Period> run;
    for (const Period& p : with_client) {
      if (run.has_value() && p.start <= run->end + kMaxBreakDays) {
        run->end = std::max(run->end, p.end);
      } else {
        if (run.has_value() && run->start <= period->start && period->start <= run->end) break;
        run = p;
      }
    }
    const absl::CivilDay worked_until = std::min(as_of, run->end);
    facts.set_months_continuous(
        worked_until > run->start ? static_cast<int32_t>((worked_until - run->start) / 30) : 0);
  }
  if (revenue_total > 0) {
    facts.set_revenue_share_permille(static_cast<int32_t>(revenue_client * 1000 / revenue_total));
  }
  facts.set_other_clients_12m(static_cast<int32_t>(other_clients.size()));
  return facts;
}

std::vector<v1::ExclusionReason> UnlawfulReasons(const v1::EligibilityExplanation& explanation) {
  static const auto* lawfulness =
      new std::set<v1::ExclusionReason>{v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT,
                                        v1::EXCLUSION_REASON_COMPETING_EMPLOYER,
                                        v1::EXCLUSION_REASON_NON_COMPETE,
                                        v1::EXCLUSION_REASON_EXCLUSIVITY,
                                        v1::EXCLUSION_REASON_CONFLICTING_MISSION,
                                        v1::EXCLUSION_REASON_WORKING_TIME,
                                        v1::EXCLUSION_REASON_SCHEDULE,
                                        v1::EXCLUSION_REASON_REGISTRATION};
  std::vector<v1::ExclusionReason> reasons;
  for (const v1::RuleOutcome& outcome : explanation.outcomes()) {
    if (!outcome.passed() && lawfulness->contains(outcome.rule()))
      reasons.push_back(outcome.rule());
  }
  std::sort(reasons.begin(), reasons.end());
  return reasons;
}

std::string ReasonList(const std::vector<v1::ExclusionReason>& reasons) {
  return absl::StrJoin(reasons, ",", [](std::string* out, v1::ExclusionReason reason) {
    absl::string_view name = v1::ExclusionReason_Name(reason);
    absl::ConsumePrefix(&name, "EXCLUSION_REASON_");
    out->append(name.data(), name.size());
  });
}

absl::Status ApplyLog(const v1::ActivityLog* previous, const v1::ActivityLog& log,
                      v1::ActivityTotals* totals) {
  v1::ActivityLog none;
  const v1::ActivityLog& before = previous != nullptr ? *previous : none;
  const std::string& currency = log.revenue().currency_code();
  if (!currency.empty()) {
    if (totals->has_revenue() && !totals->revenue().currency_code().empty() &&
        totals->revenue().currency_code() != currency) {
      return InvalidField("activity_log.revenue.currency_code",
                          "the contract's revenue is kept in " + totals->revenue().currency_code());
    }
    totals->mutable_revenue()->set_currency_code(currency);
  }
  totals->set_minutes_worked(totals->minutes_worked() + log.minutes_worked() -
                             before.minutes_worked());
  totals->set_calls(totals->calls() + log.calls() - before.calls());
  totals->set_appointments_set(totals->appointments_set() + log.appointments_set() -
                               before.appointments_set());
  totals->set_appointments_validated(totals->appointments_validated() +
                                     log.appointments_validated() -
                                     before.appointments_validated());
  const int64_t revenue = totals->revenue().minor_units() + log.revenue().minor_units() -
                          before.revenue().minor_units();
  if (revenue != 0 || totals->has_revenue()) totals->mutable_revenue()->set_minor_units(revenue);
  return absl::OkStatus();
}

}  // namespace callmatch

#include "matching/context.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "matching/registration.h"

namespace callmatch::matching {
namespace {

// The zone of a schedule: its own, or `fallback_name` when it names none.
absl::Status ScheduleZone(const v1::WeeklySchedule& schedule, absl::string_view fallback_name,
                          absl::TimeZone* zone) {
  const absl::string_view name =
      schedule.time_zone().empty() ? fallback_name : absl::string_view(schedule.time_zone());
  absl::StatusOr<absl::TimeZone> z = LoadZone(name);
  if (!z.ok()) return z.status();
  *zone = *z;
  return ValidateWindows(schedule);
}

// Adds `group` (a reduced group_id; nothing when empty) and its parents followed through
// platform companies, at most kMaxGroupParents of them, stopping at a key already in `keys`.
void AddGroupChain(const Dataset& dataset, std::string group, std::vector<std::string>& keys) {
  for (int step = 0; step <= kMaxGroupParents && !group.empty(); ++step) {
    if (std::find(keys.begin(), keys.end(), group) != keys.end()) return;
    keys.push_back(group);
    const v1::Company* parent = dataset.company_by_registration(group);
    if (parent == nullptr) return;
    group = CompanyNumber(parent->location().country_code(), parent->group_id());
  }
}

// Most logs have revenue: no regrowth for hundreds of them.
void ReserveRevenue(const TeleoperatorData& data, LogTotals& totals) {
  size_t logs = 0;
  for (const ContractData& cd : data.contracts) logs += cd.logs.size();
  totals.revenue.reserve(logs);
}

// The logs of contract number `contract` (`cd`): its minutes per week into `cf`, the rest into
// `totals`.
void AddLogs(const ContractData& cd, uint32_t contract, ContractFacts& cf, LogTotals& totals) {
  // Logs come a day at a time: the week of the log before is most often this one's, so its
  // Monday and its entry are kept (MondayOf and a map look-up per log were most of the cost of
  // a put with many logs). Days are day numbers, read without normalizing an absl::CivilDay.
  auto week = cf.minutes_by_week.end();
  int64_t week_first = 0;  // its Monday and Sunday
  int64_t week_last = -1;
  for (const v1::ActivityLog& log : cd.logs) {
    const std::optional<int32_t> day = ToDayNumber(log.day());
    if (!day.has_value()) continue;
    const int64_t set = std::max(0, log.appointments_set());
    totals.appointments_set += set;
    totals.appointments_validated +=
        std::min<int64_t>(set, std::max(0, log.appointments_validated()));
    if (*day < week_first || *day > week_last) {
      const int32_t monday = MondayNumberOf(*day);
      week_first = monday;
      week_last = week_first + 6;
      week = cf.minutes_by_week.try_emplace(FromDayNumber(monday), 0).first;
    }
    week->second += std::max(0, log.minutes_worked());
    if (log.revenue().minor_units() != 0) {
      totals.revenue.push_back({*day, contract, log.revenue().minor_units()});
    }
  }
}

// By day: already so when one contract has revenue (its logs come oldest first), the common
// case.
void SortRevenue(LogTotals& totals) {
  auto by_day = [](const LogTotals::Revenue& a, const LogTotals::Revenue& b) {
    return a.day != b.day ? a.day < b.day : a.contract < b.contract;
  };
  if (!std::is_sorted(totals.revenue.begin(), totals.revenue.end(), by_day)) {
    std::sort(totals.revenue.begin(), totals.revenue.end(), by_day);
  }
}

std::vector<std::string> SortedUnique(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace

std::vector<std::string> CompanyGroupKeys(const Dataset& dataset, const v1::Company& company) {
  const absl::string_view country = company.location().country_code();
  std::vector<std::string> keys;
  if (!company.registration().number().empty()) {
    keys.push_back(CompanyNumber(country, company.registration().number()));
  }
  AddGroupChain(dataset, CompanyNumber(country, company.group_id()), keys);
  if (keys.empty()) keys.push_back(absl::StrCat("company:", company.name()));
  return SortedUnique(std::move(keys));
}

std::string SharedGroupKey(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i == *j) return *i;
    if (*i < *j) {
      ++i;
    } else {
      ++j;
    }
  }
  return "";
}

EmployerFacts ResolveEmployer(const Dataset& dataset, const v1::Employer& employer) {
  EmployerFacts out;
  const std::string& number = employer.registration_number();
  out.label =
      absl::StrCat(employer.display_name().empty() ? "an employer" : employer.display_name(),
                   number.empty() ? "" : absl::StrCat(" (", number, ")"));
  const std::string key = CompanyNumber(employer.country_code(), number);
  if (!key.empty()) out.platform_company = dataset.company_by_registration(key);
  if (out.platform_company != nullptr) {
    out.group_keys = CompanyGroupKeys(dataset, *out.platform_company);
    out.segments.assign(out.platform_company->segments().begin(),
                        out.platform_company->segments().end());
    return out;
  }
  if (!key.empty()) out.group_keys.push_back(key);
  AddGroupChain(dataset, CompanyNumber(employer.country_code(), employer.group_id()),
                out.group_keys);
  out.group_keys = SortedUnique(std::move(out.group_keys));
  out.segments.assign(employer.segments().begin(), employer.segments().end());
  return out;
}

bool IsImposed(const v1::Campaign& campaign, const v1::MissionTerms* contract_terms) {
  if (contract_terms != nullptr && contract_terms->has_imposed_schedule()) {
    return contract_terms->imposed_schedule();
  }
  if (campaign.terms().has_imposed_schedule()) return campaign.terms().imposed_schedule();
  return true;
}

std::string ClientOf(const v1::Campaign& campaign) { return ParentName(campaign.name()); }

absl::StatusOr<CampaignContext> MakeCampaignContext(const Dataset& dataset,
                                                    const v1::Campaign& campaign,
                                                    absl::CivilDay today) {
  CampaignContext c;
  c.campaign = &campaign;
  c.client_name = ClientOf(campaign);
  c.client = dataset.company(c.client_name);
  c.client_group_keys = c.client != nullptr
                            ? CompanyGroupKeys(dataset, *c.client)
                            : std::vector<std::string>{absl::StrCat("company:", c.client_name)};
  c.today = today;
  const Period period = PeriodOf(campaign.start_date(), campaign.end_date());
  c.as_of = std::max(today, period.first);
  c.remaining = Period{c.as_of, std::max(c.as_of, period.last)};
  absl::StatusOr<absl::TimeZone> zone = LoadZone(campaign.calling_windows().time_zone());
  if (!zone.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("campaign.calling_windows.time_zone: ", zone.status().message()));
  }
  c.zone = *zone;
  if (absl::Status s = ValidateWindows(campaign.calling_windows()); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("campaign.calling_windows: ", s.message()));
  }
  if (campaign.weekly_minutes_per_seat() < 0) {
    return absl::InvalidArgumentError("campaign.weekly_minutes_per_seat is negative");
  }
  c.week = MakeReferenceWeek(c.as_of, c.zone);
  c.imposed = IsImposed(campaign, nullptr);
  c.windows = ExpandSchedule(campaign.calling_windows(), c.zone, c.week.monday);
  c.week_minutes =
      c.imposed ? MinutesIn(c.windows, c.week.span) : campaign.weekly_minutes_per_seat();
  if (campaign.countries_size() > 0) {
    for (const std::string& country : campaign.countries()) {
      c.countries.push_back(absl::AsciiStrToUpper(country));
    }
  } else if (c.client != nullptr && !c.client->location().country_code().empty()) {
    c.countries.push_back(absl::AsciiStrToUpper(c.client->location().country_code()));
  }
  return c;
}

TeleoperatorFacts MakeProfileFacts(const TeleoperatorData& data) {
  TeleoperatorFacts f;
  f.data = &data;
  const v1::Teleoperator& profile = data.profile;
  const std::string& home_zone = profile.availability().time_zone();
  if (absl::StatusOr<absl::TimeZone> z = LoadZone(home_zone); z.ok()) {
    f.zone = *z;
  } else {
    f.zone_status =
        absl::InvalidArgumentError(absl::StrCat("availability time zone: ", z.status().message()));
  }
  f.availability_status = ValidateWindows(profile.availability());
  f.registration_number_status = ValidateRegistrationNumber(profile.establishment().country_code(),
                                                            profile.registration().number());
  return f;
}

TeleoperatorFacts MakeTeleoperatorFacts(const Dataset& dataset, const TeleoperatorData& data) {
  TeleoperatorFacts f = MakeProfileFacts(data);
  const std::string& home_zone = data.profile.availability().time_zone();
  for (const v1::Employment& e : data.employments) {
    EmploymentFacts ef;
    ef.employment = &e;
    ef.period = PeriodOf(e.start_date(), e.end_date());
    ef.employer = ResolveEmployer(dataset, e.employer());
    ef.schedule_status = ScheduleZone(e.schedule(), home_zone, &ef.zone);
    if (!ef.schedule_status.ok()) {
      ef.schedule_status = absl::InvalidArgumentError(
          absl::StrCat("schedule of ", e.name(), ": ", ef.schedule_status.message()));
    }
    // A schedule whose windows are unreadable counts 0 in past weeks; where it counts in the
    // reference week, its status fails the time rules.
    ef.nominal_week_minutes =
        ValidateWindows(e.schedule()).ok() ? NominalWeeklyMinutes(e.schedule()) : 0;
    f.employments.push_back(std::move(ef));
  }

  ReserveRevenue(data, f.logs);
  for (const ContractData& cd : data.contracts) {
    const v1::Contract& k = cd.contract;
    ContractFacts cf;
    cf.data = &cd;
    cf.period = PeriodOf(k.start_date(), k.end_date());
    cf.campaign = dataset.campaign(k.campaign());
    cf.client_name = !k.client().empty() ? k.client() : ParentName(k.campaign());
    const v1::Company* client = dataset.company(cf.client_name);
    cf.client_group_keys = client != nullptr
                               ? CompanyGroupKeys(dataset, *client)
                               : std::vector<std::string>{absl::StrCat("company:", cf.client_name)};
    const bool accepted_or_active =
        k.state() == v1::CONTRACT_STATE_ACCEPTED || k.state() == v1::CONTRACT_STATE_ACTIVE;
    cf.holds_time = accepted_or_active && cf.campaign != nullptr;
    cf.accepted = ToCivilDay(k.accept_date());
    cf.assignment = cf.accepted.has_value();
    if (cf.campaign != nullptr) {
      cf.imposed = IsImposed(*cf.campaign, &k.terms());
      const v1::WeeklySchedule& windows = cf.campaign->calling_windows();
      cf.schedule_status = ScheduleZone(windows, "", &cf.zone);
      if (!cf.schedule_status.ok()) {
        cf.schedule_status = absl::InvalidArgumentError(absl::StrCat(
            "calling windows of ", cf.campaign->name(), ": ", cf.schedule_status.message()));
      }
      cf.nominal_week_minutes = !cf.imposed ? std::max(0, cf.campaign->weekly_minutes_per_seat())
                                : ValidateWindows(windows).ok() ? NominalWeeklyMinutes(windows)
                                                                : 0;
    }
    AddLogs(cd, static_cast<uint32_t>(f.contracts.size()), cf, f.logs);
    f.contracts.push_back(std::move(cf));
  }
  SortRevenue(f.logs);
  return f;
}

TeleoperatorFacts MakeLogFacts(const TeleoperatorData& data) {
  TeleoperatorFacts f;
  f.data = &data;
  ReserveRevenue(data, f.logs);
  f.contracts.resize(data.contracts.size());
  for (size_t k = 0; k < data.contracts.size(); ++k) {
    f.contracts[k].data = &data.contracts[k];
    AddLogs(data.contracts[k], static_cast<uint32_t>(k), f.contracts[k], f.logs);
  }
  SortRevenue(f.logs);
  return f;
}

}  // namespace callmatch::matching

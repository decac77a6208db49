#include "matching/workload.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace callmatch::matching {
namespace {

void Add(WeekTotals& totals, JobKind kind, int64_t minutes) {
  switch (kind) {
    case JobKind::kSalaried:
      totals.salaried += minutes;
      break;
    case JobKind::kOtherMission:
      totals.other_missions += minutes;
      break;
    case JobKind::kThisCampaign:
      totals.this_campaign += minutes;
      break;
  }
}

// Other missions: contracts that hold time, for another campaign, overlapping `period`.
bool IsOtherMission(const ContractFacts& k, const CampaignContext& campaign, const Period& period) {
  return k.holds_time && k.campaign->name() != campaign.campaign->name() &&
         Overlaps(k.period, period);
}

// Past weeks: a contract for another known campaign, accepted (accept_date) on or before the
// week's last day, whose period overlaps the week, whatever its state today.
bool PlannedIn(const ContractFacts& k, const CampaignContext& campaign, const Period& week) {
  return k.campaign != nullptr && k.campaign->name() != campaign.campaign->name() &&
         k.accepted.has_value() && *k.accepted <= week.last && Overlaps(k.period, week);
}

// The local week [monday 00:00, monday + 7 00:00) of `zone`.
Interval OwnWeek(absl::CivilDay monday, const absl::TimeZone& zone) {
  return LocalSpan(monday, monday + 6, zone);
}

}  // namespace

Interval RestSpan(const CampaignContext& campaign) {
  return LocalSpan(campaign.week.monday - 1, campaign.week.monday + 7, campaign.zone);
}

const Intervals& ExpansionCache::Expand(const v1::WeeklySchedule& schedule,
                                        const absl::TimeZone& zone, absl::CivilDay monday) {
  if (monday != monday_) {
    expansions_.clear();
    monday_ = monday;
  }
  key_ = zone.name();
  for (const v1::WeeklyWindow& window : schedule.windows()) {
    absl::StrAppend(&key_, "|", window.start_minute(), "-", window.end_minute());
  }
  auto [it, inserted] = expansions_.try_emplace(key_);
  if (inserted) it->second = ExpandSchedule(schedule, zone, monday);
  return it->second;
}

WorkWeek MakeWorkWeek(const CampaignContext& campaign, const TeleoperatorFacts& t,
                      ExpansionCache* cache) {
  const auto expand = [cache](const v1::WeeklySchedule& schedule, const absl::TimeZone& zone,
                              absl::CivilDay monday) {
    return cache != nullptr ? cache->Expand(schedule, zone, monday)
                            : ExpandSchedule(schedule, zone, monday);
  };
  WorkWeek w;
  const absl::CivilDay monday = campaign.week.monday;
  if (!t.zone_status.ok()) {
    w.status = t.zone_status;
    return w;
  }
  if (!t.availability_status.ok()) {
    w.status =
        absl::InvalidArgumentError(absl::StrCat("availability: ", t.availability_status.message()));
    return w;
  }
  w.zone = t.zone;
  w.availability = expand(t.data->profile.availability(), t.zone, monday);

  for (const EmploymentFacts& e : t.employments) {
    if (!Overlaps(e.period, campaign.remaining)) continue;
    if (!e.schedule_status.ok()) {
      w.status = e.schedule_status;
      return w;
    }
    Job job;
    job.kind = JobKind::kSalaried;
    job.label = absl::StrCat("salaried at ", e.employer.label);
    job.occurrences = expand(e.employment->schedule(), e.zone, monday);
    job.week_minutes = MinutesIn(job.occurrences, OwnWeek(monday, e.zone));
    w.jobs.push_back(std::move(job));
  }
  for (const ContractFacts& k : t.contracts) {
    if (!IsOtherMission(k, campaign, campaign.remaining)) continue;
    // A flexible mission's windows do not count: only an imposed one's must be readable.
    if (k.imposed && !k.schedule_status.ok()) {
      w.status = k.schedule_status;
      return w;
    }
    Job job;
    job.kind = JobKind::kOtherMission;
    job.label = absl::StrCat("mission ", k.campaign->name());
    job.fixed = k.imposed;
    if (k.imposed) {
      job.occurrences = expand(k.campaign->calling_windows(), k.zone, monday);
      job.week_minutes = MinutesIn(job.occurrences, OwnWeek(monday, k.zone));
    } else {
      job.week_minutes = k.nominal_week_minutes;
    }
    w.jobs.push_back(std::move(job));
  }
  Job self;
  self.kind = JobKind::kThisCampaign;
  self.label = "this campaign";
  self.fixed = campaign.imposed;
  if (campaign.imposed) self.occurrences = campaign.windows;
  self.week_minutes = campaign.week_minutes;
  w.jobs.push_back(std::move(self));
  return w;
}

bool CountsForCaps(const Job& job, bool include_freelance) {
  return include_freelance || !job.freelance();
}

WeekTotals ReferenceWeekTotals(const WorkWeek& work, bool include_freelance) {
  WeekTotals totals;
  for (const Job& job : work.jobs) {
    if (CountsForCaps(job, include_freelance)) Add(totals, job.kind, job.week_minutes);
  }
  return totals;
}

Intervals FixedWork(const WorkWeek& work, bool include_freelance, bool include_this_campaign) {
  Intervals all;
  for (const Job& job : work.jobs) {
    if (!job.fixed || !CountsForCaps(job, include_freelance)) continue;
    if (job.kind == JobKind::kThisCampaign && !include_this_campaign) continue;
    all.insert(all.end(), job.occurrences.begin(), job.occurrences.end());
  }
  return Normalize(std::move(all));
}

std::vector<DayLoad> DailyLoads(const CampaignContext& campaign, const WorkWeek& work,
                                bool include_freelance, bool include_this_campaign) {
  std::vector<DayLoad> loads;
  for (const LocalDay& day : DaysTouching(campaign.week.span, work.zone)) {
    DayLoad load{day, {}};
    for (const Job& job : work.jobs) {
      if (!job.fixed || !CountsForCaps(job, include_freelance)) continue;
      if (job.kind == JobKind::kThisCampaign && !include_this_campaign) continue;
      Add(load.minutes, job.kind, MinutesIn(job.occurrences, day.span));
    }
    loads.push_back(load);
  }
  return loads;
}

AverageFigures AverageWeeks(const CampaignContext& campaign, const TeleoperatorFacts& t,
                            const WorkWeek& work, const v1::MatchingPolicy& policy) {
  const bool freelance = policy.caps_include_freelance();
  AverageFigures out;
  out.reference = ReferenceWeekTotals(work, freelance);
  out.total = out.reference.total();
  out.weeks = std::max(1, policy.average_weeks());
  for (int64_t k = 1; k < out.weeks; ++k) {
    PastWeek week;
    week.monday = campaign.week.monday - 7 * k;
    const Period period{week.monday, week.monday + 6};
    for (const EmploymentFacts& e : t.employments) {
      if (Overlaps(e.period, period)) week.salaried += e.nominal_week_minutes;
    }
    if (freelance) {
      // Per contract: its logs that week if it has any, else its planned minutes.
      for (const ContractFacts& k : t.contracts) {
        auto logged = k.minutes_by_week.find(week.monday);
        if (logged != k.minutes_by_week.end()) {
          week.logged += logged->second;
          ++week.logged_contracts;
        } else if (PlannedIn(k, campaign, period)) {
          week.planned += k.nominal_week_minutes;
          ++week.planned_contracts;
        }
      }
    }
    out.total += week.total();
    out.past.push_back(week);
  }
  return out;
}

Intervals FreeTime(const WorkWeek& work) {
  return Subtract(work.availability, FixedWork(work, /*include_freelance=*/true,
                                               /*include_this_campaign=*/false));
}

ImposedFit FitImposed(const CampaignContext& campaign, const WorkWeek& work) {
  ImposedFit fit;
  const Intervals required = Clip(campaign.windows, campaign.week.span);
  fit.required = TotalMinutes(required);
  fit.uncovered = Subtract(required, FreeTime(work));
  fit.uncovered_minutes = TotalMinutes(fit.uncovered);
  return fit;
}

FlexibleFit FitFlexible(const CampaignContext& campaign, const WorkWeek& work,
                        const v1::MatchingPolicy& policy) {
  FlexibleFit fit;
  fit.required = campaign.campaign->weekly_minutes_per_seat();
  const Intervals usable = Intersect(Clip(campaign.windows, campaign.week.span), FreeTime(work));
  for (const DayLoad& load : DailyLoads(campaign, work, /*include_freelance=*/true,
                                        /*include_this_campaign=*/false)) {
    DayPlacement day;
    day.day = load.day;
    day.free = MinutesIn(usable, load.day.span);
    day.cap_left = std::max<int64_t>(0, policy.max_daily_minutes() - load.minutes.total());
    day.placeable = std::min(day.free, day.cap_left);
    fit.placeable += day.placeable;
    fit.days.push_back(day);
  }
  return fit;
}

}  // namespace callmatch::matching

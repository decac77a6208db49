// Working time for one campaign and one teleoperator: every job's work in the reference week
// (salaried schedules, other missions, this campaign), the weekly and daily loads, the 12-week
// average, free time and placeability. WORKING_TIME, SCHEDULE and the slack component read it.
//
// Which jobs count (design.md, "Time model", as amended in docs/decisions.md):
//   salaried      every employment whose period overlaps the campaign's remaining period
//                 [as_of, end]: its schedule in full, at fixed times, in its own zone;
//   other mission every contract ACCEPTED or ACTIVE, for another campaign (known to the
//                 dataset), whose period overlaps [as_of, end]: imposed, its campaign's calling
//                 windows at fixed times; flexible, its campaign's weekly_minutes_per_seat;
//   this campaign imposed, its windows at fixed times; flexible, weekly_minutes_per_seat.
// A fixed job's reference-week minutes are its occurrences (overlapping windows counted once)
// inside its own zone's local week starting on the reference Monday (this campaign: the
// reference week itself), so a job in another zone counts its whole week whatever daylight-saving
// change either zone has; jobs add up (two jobs at the same time both count).
#ifndef CALLMATCH_MATCHING_WORKLOAD_H_
#define CALLMATCH_MATCHING_WORKLOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "callmatch/v1/matching.pb.h"
#include "matching/context.h"
#include "matching/time_model.h"

namespace callmatch::matching {

enum class JobKind { kSalaried, kOtherMission, kThisCampaign };

struct Job {
  JobKind kind = JobKind::kSalaried;
  // "salaried at Acme SA (732829320)", "mission companies/c2/campaigns/k2", "this campaign".
  std::string label;
  // Work at fixed times (salaried, imposed missions); false for flexible hours.
  bool fixed = true;
  // Fixed jobs: occurrences over the three weeks around the reference week, normalized.
  Intervals occurrences;
  // Fixed: minutes in its own zone's week of the reference Monday; flexible: weekly minutes.
  int64_t week_minutes = 0;
  bool freelance() const { return kind != JobKind::kSalaried; }
};

struct WorkWeek {
  // Not OK when a zone or schedule that counts is unusable: the time rules then fail with it.
  absl::Status status;
  // The teleoperator's zone: its calendar days.
  absl::TimeZone zone;
  // Salaried jobs (employment order), other missions (contract order), this campaign last.
  std::vector<Job> jobs;
  // The teleoperator's availability, expanded over the three weeks, normalized.
  Intervals availability;
};

// ExpandSchedule memoized by content (zone, Monday, windows): a query of the index evaluates many
// teleoperators against one campaign, and their schedules repeat (the same availability, the same
// employer's hours, the same other campaign). Not thread-safe: one per query.
class ExpansionCache {
 public:
  const Intervals& Expand(const v1::WeeklySchedule& schedule, const absl::TimeZone& zone,
                          absl::CivilDay monday);

 private:
  absl::CivilDay monday_;  // of every expansion held
  absl::flat_hash_map<std::string, Intervals> expansions_;
  std::string key_;  // reused buffer
};

// With a cache, the same answer with the expansions taken from it.
WorkWeek MakeWorkWeek(const CampaignContext& campaign, const TeleoperatorFacts& teleoperator,
                      ExpansionCache* cache = nullptr);

// Where the daily-rest test looks for starts of work: the reference week widened by one local
// day of the campaign's zone on each side, [monday - 1 00:00, monday + 8 00:00).
Interval RestSpan(const CampaignContext& campaign);

// Whether a job counts toward the caps under the policy's caps_include_freelance.
bool CountsForCaps(const Job& job, bool include_freelance);

struct WeekTotals {
  int64_t salaried = 0;
  int64_t other_missions = 0;
  int64_t this_campaign = 0;
  int64_t total() const { return salaried + other_missions + this_campaign; }
};
// Reference-week minutes of the jobs that count for the caps.
WeekTotals ReferenceWeekTotals(const WorkWeek& work, bool include_freelance);

// The union of the fixed work of the jobs selected.
Intervals FixedWork(const WorkWeek& work, bool include_freelance, bool include_this_campaign);

// Fixed work per calendar day of the teleoperator that touches the reference week (whole days,
// work before or after the week included).
struct DayLoad {
  LocalDay day;
  WeekTotals minutes;
};
std::vector<DayLoad> DailyLoads(const CampaignContext& campaign, const WorkWeek& work,
                                bool include_freelance, bool include_this_campaign);

// The average over policy.average_weeks weeks: the reference week's totals (as the weekly cap)
// and the average_weeks - 1 ISO weeks before it. A past week counts the salaried schedules of
// the employments whose period overlaps that week (nominal minutes) plus, with freelance
// included, for each contract: the minutes logged on it that week when it has a log dated in
// that week (any state, any campaign), else, when it is planned that week, its nominal minutes
// (as above). Planned: for another campaign known to the dataset, accept_date set and on or
// before that week's Sunday, period overlapping that week (whatever the state today).
struct PastWeek {
  absl::CivilDay monday;
  int64_t salaried = 0;
  int64_t logged = 0;   // minutes logged on the contracts that have logs that week
  int64_t planned = 0;  // nominal minutes of the planned contracts without logs that week
  int64_t logged_contracts = 0;
  int64_t planned_contracts = 0;
  int64_t total() const { return salaried + logged + planned; }
};
struct AverageFigures {
  WeekTotals reference;
  std::vector<PastWeek> past;  // most recent first
  int64_t total = 0;           // over every week
  int64_t weeks = 0;
};
AverageFigures AverageWeeks(const CampaignContext& campaign, const TeleoperatorFacts& teleoperator,
                            const WorkWeek& work, const v1::MatchingPolicy& policy);

// The teleoperator's free time: availability minus the fixed work of salaried jobs and other
// missions (whatever caps_include_freelance says: it is about time, not caps).
Intervals FreeTime(const WorkWeek& work);

// SCHEDULE, imposed campaign: the windows inside the reference week that fall outside free time.
struct ImposedFit {
  int64_t required = 0;
  Intervals uncovered;
  int64_t uncovered_minutes = 0;
};
ImposedFit FitImposed(const CampaignContext& campaign, const WorkWeek& work);

// SCHEDULE, flexible campaign: for each calendar day of the teleoperator touching the reference
// week, min(free time inside the calling windows and the week that day, max_daily_minutes minus
// the other fixed work of that whole day, floored at 0); placeable is their sum.
struct DayPlacement {
  LocalDay day;
  int64_t free = 0;
  int64_t cap_left = 0;
  int64_t placeable = 0;
};
struct FlexibleFit {
  int64_t required = 0;
  int64_t placeable = 0;
  std::vector<DayPlacement> days;
};
FlexibleFit FitFlexible(const CampaignContext& campaign, const WorkWeek& work,
                        const v1::MatchingPolicy& policy);

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_WORKLOAD_H_

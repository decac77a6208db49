// Missions (contracts) and their daily activity logs.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "matching/generator/model.h"

namespace callmatch::matching::generator_internal {
namespace {

// Minutes rounded to a quarter hour, at least one quarter.
int Quarter(int minutes) { return std::max(15, (minutes + 7) / 15 * 15); }

int Weekday(absl::CivilDay day) { return static_cast<int>(absl::GetWeekday(day)); }  // Monday 0

// How a teleoperator works one mission: which days, how long, how well.
struct Pace {
  std::array<int, 7> planned = {};  // minutes per weekday
  int calls_per_hour = 0;
  int appointment_permille = 0;  // appointments (or leads) set per call
  int quality_permille = 0;
  bool heavy = false;
};

Pace DrawPace(Rng& rng, const CampaignPlan& plan, const Latent& latent) {
  Pace pace;
  if (plan.campaign.terms().imposed_schedule()) {
    pace.planned = plan.day_minutes;
  } else {
    // Hours it places itself: 2 to 5 of the days the calling windows open.
    std::vector<int> days;
    for (int d = 0; d < 7; ++d) {
      if (plan.day_minutes[d] > 0) days.push_back(d);
    }
    for (int i = static_cast<int>(days.size()) - 1; i > 0; --i) {
      std::swap(days[i], days[rng.Below(i + 1)]);
    }
    // Sessions of at least an hour and a half.
    const int weekly = plan.campaign.weekly_minutes_per_seat();
    const int k = std::max(1, std::min({static_cast<int>(days.size()),
                                        2 + static_cast<int>(rng.Below(4)), weekly / 90}));
    days.resize(k);
    for (int d : days) {
      pace.planned[d] =
          std::min(plan.day_minutes[d], Quarter(plan.campaign.weekly_minutes_per_seat() / k));
    }
  }
  pace.calls_per_hour = static_cast<int>(rng.Between(15, 28));
  switch (plan.campaign.kind()) {
    case v1::CAMPAIGN_KIND_APPOINTMENT_SETTING:
      pace.appointment_permille = static_cast<int>(rng.Between(40, 90));
      break;
    case v1::CAMPAIGN_KIND_LEAD_QUALIFICATION:
      pace.appointment_permille = static_cast<int>(rng.Between(80, 150));
      break;
    default:
      pace.appointment_permille = static_cast<int>(rng.Between(15, 40));
      break;
  }
  pace.quality_permille = latent.quality_permille;
  pace.heavy = latent.heavy_hours;
  return pace;
}

int64_t Revenue(const v1::MissionTerms& terms, int minutes, int calls, int set, int validated) {
  const int64_t rate = terms.rate().minor_units();
  switch (terms.pay_model()) {
    case v1::PAY_MODEL_PER_HOUR:
      return rate * minutes / 60;
    case v1::PAY_MODEL_PER_APPOINTMENT:
      return rate * validated;
    case v1::PAY_MODEL_PER_QUALIFIED_LEAD:
      return rate * set;
    case v1::PAY_MODEL_PER_CALL:
      return rate * calls;
    default:
      return rate / std::max(1, terms.planned_duration_days());
  }
}

// Logs every worked day of [first, last] and adds them to the contract's totals.
void LogDays(Rng& rng, const World& world, const Pace& pace, absl::CivilDay first,
             absl::CivilDay last, Mission& mission) {
  v1::ActivityTotals* totals = mission.contract.mutable_totals();
  const v1::MissionTerms& terms = mission.contract.terms();
  totals->mutable_revenue()->set_currency_code(terms.rate().currency_code());
  for (absl::CivilDay day = first; day <= last; ++day) {
    int minutes = pace.planned[Weekday(day)];
    if (minutes == 0) continue;
    if (rng.Chance(0.08)) continue;  // a day off
    minutes = Quarter(minutes + 15 * static_cast<int>(rng.Between(-1, 1)));
    if (pace.heavy)
      minutes = std::min(12 * 60, Quarter(minutes * static_cast<int>(rng.Between(150, 200)) / 100));
    const int calls = minutes * pace.calls_per_hour * static_cast<int>(rng.Between(80, 120)) / 6000;
    const int set = (calls * pace.appointment_permille + static_cast<int>(rng.Below(1000))) / 1000;
    // The client validates within a few days; the latest days are not validated yet.
    const int validated =
        world.today - day > 3
            ? (set * pace.quality_permille + static_cast<int>(rng.Below(1000))) / 1000
            : 0;
    v1::ActivityLog log;
    log.set_name(absl::StrFormat("%s/activityLogs/%04d-%02d-%02d", mission.contract.name(),
                                 day.year(), day.month(), day.day()));
    *log.mutable_day() = ToDate(day);
    log.set_minutes_worked(minutes);
    log.set_calls(calls);
    log.set_appointments_set(set);
    log.set_appointments_validated(validated);
    log.mutable_revenue()->set_currency_code(terms.rate().currency_code());
    log.mutable_revenue()->set_minor_units(Revenue(terms, minutes, calls, set, validated));
    totals->set_minutes_worked(totals->minutes_worked() + minutes);
    totals->set_calls(totals->calls() + calls);
    totals->set_appointments_set(totals->appointments_set() + set);
    totals->set_appointments_validated(totals->appointments_validated() + validated);
    totals->mutable_revenue()->set_minor_units(totals->revenue().minor_units() +
                                               log.revenue().minor_units());
    mission.logs.push_back(std::move(log));
  }
}

v1::Contract NewContract(Rng& rng, const World& world, const CampaignPlan& plan,
                         const Person& person, int number) {
  v1::Contract c;
  c.set_name(absl::StrCat(person.profile.name(), "/contracts/m", number));
  c.set_campaign(plan.campaign.name());
  c.set_client(world.companies[plan.client].company.name());
  c.set_initiator(rng.Chance(0.6) ? v1::INITIATOR_CLIENT : v1::INITIATOR_TELEOPERATOR);
  *c.mutable_terms() = plan.campaign.terms();
  return c;
}

}  // namespace

std::vector<Mission> DrawMissions(const World& world, std::vector<CampaignPlan>& plans,
                                  const Person& person, int64_t index) {
  std::vector<Mission> missions;
  const Latent& latent = person.latent;
  if (latent.active_missions == 0 && latent.past_missions == 0) return missions;
  Rng rng(world.seed, kActivityStream, static_cast<uint64_t>(index));
  // Plans are open campaigns first, then closed ones (DrawCampaigns).
  int open_count = 0;
  while (open_count < static_cast<int>(plans.size()) && plans[open_count].open) ++open_count;
  const int closed_count = static_cast<int>(plans.size()) - open_count;
  const absl::CivilDay today = world.today;
  std::vector<int> used_clients;
  auto client_used = [&](int client) {
    return std::find(used_clients.begin(), used_clients.end(), client) != used_clients.end();
  };

  // Finished missions, on closed campaigns.
  for (int m = 0; m < latent.past_missions && closed_count > 0; ++m) {
    for (int attempt = 0; attempt < 8; ++attempt) {
      CampaignPlan& plan = plans[open_count + rng.Below(closed_count)];
      if (client_used(plan.client)) continue;
      if (!LikelyEligible(person.traits, plan.filter, OtherWork{}, false)) continue;
      used_clients.push_back(plan.client);
      Mission mission;
      mission.contract =
          NewContract(rng, world, plan, person, static_cast<int>(missions.size()) + 1);
      v1::Contract& c = mission.contract;
      const absl::CivilDay camp_start = FromDate(plan.campaign.start_date());
      const absl::CivilDay camp_end = FromDate(plan.campaign.end_date());
      const absl::CivilDay start = std::min(camp_end, camp_start + rng.Between(0, 10));
      absl::CivilDay last = camp_end;
      c.set_state(v1::CONTRACT_STATE_TERMINATED);
      if (rng.Chance(0.3)) {
        last = std::min(camp_end, start + rng.Between(7, std::max<int64_t>(7, camp_end - start)));
        c.set_termination_reason(rng.Chance(0.5) ? "terminated early by the client"
                                                 : "terminated early by the teleoperator");
      } else {
        c.set_termination_reason("the campaign ended");
      }
      *c.mutable_start_date() = ToDate(start);
      // TerminateContract sets end_date to the termination day when it is earlier.
      *c.mutable_end_date() = ToDate(last);
      // Accepted three days before it started (no random draw: the stream stays as it was).
      *c.mutable_accept_date() = ToDate(start - 3);
      const Pace pace = DrawPace(rng, plan, latent);
      LogDays(rng, world, pace, start, last, mission);
      missions.push_back(std::move(mission));
      break;
    }
  }

  // Current missions, on open campaigns with a seat left.
  OtherWork other;
  for (int m = 0; m < latent.active_missions && open_count > 0; ++m) {
    for (int attempt = 0; attempt < 30; ++attempt) {
      CampaignPlan& plan = plans[rng.Below(open_count)];
      if (plan.seats_taken >= plan.planned_seats) continue;
      if (client_used(plan.client)) continue;
      if (!LikelyEligible(person.traits, plan.filter, other) ||
          !PassesThreshold(latent, plan.filter)) {
        continue;
      }
      used_clients.push_back(plan.client);
      Mission mission;
      mission.contract =
          NewContract(rng, world, plan, person, static_cast<int>(missions.size()) + 1);
      v1::Contract& c = mission.contract;
      const absl::CivilDay camp_start = FromDate(plan.campaign.start_date());
      const absl::CivilDay camp_end = FromDate(plan.campaign.end_date());
      absl::CivilDay start;
      const size_t state = rng.Weighted({85, 10, 5});  // active (if started), accepted, proposed
      if (state == 0 && camp_start <= today - 3) {
        c.set_state(v1::CONTRACT_STATE_ACTIVE);
        start = std::max(camp_start, today - rng.Between(3, 84));
      } else {
        c.set_state(state == 2 ? v1::CONTRACT_STATE_PROPOSED : v1::CONTRACT_STATE_ACCEPTED);
        start = std::min(camp_end, std::max(camp_start, today) + rng.Between(0, 14));
      }
      absl::CivilDay end = camp_end;
      if (rng.Chance(0.25)) {
        end = std::min(camp_end, std::max(today + 7, start + rng.Between(28, 120)));
      }
      *c.mutable_start_date() = ToDate(start);
      *c.mutable_end_date() = ToDate(end);
      // Accepted two days before it started, and never after today; a proposal has none.
      if (c.state() != v1::CONTRACT_STATE_PROPOSED) {
        *c.mutable_accept_date() = ToDate(std::min(today, start - 2));
      }
      if (c.state() == v1::CONTRACT_STATE_ACTIVE) {
        const Pace pace = DrawPace(rng, plan, latent);
        LogDays(rng, world, pace, start, std::min(end, today - 1), mission);
      }
      if (c.state() != v1::CONTRACT_STATE_PROPOSED) {
        ++plan.seats_taken;
        // It now counts against the next mission: its hours, its client's market.
        if (plan.filter.imposed) {
          other.fixed = other.fixed | plan.filter.windows;
        } else {
          other.flexible_minutes += plan.filter.weekly_minutes;
        }
        other.conflict_segments.insert(other.conflict_segments.end(), plan.filter.segments.begin(),
                                       plan.filter.segments.end());
      }
      missions.push_back(std::move(mission));
      break;
    }
  }
  return missions;
}

}  // namespace callmatch::matching::generator_internal

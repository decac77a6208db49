// The generator's model of people, companies and campaigns, internal to matching/generator/.
//
// People (teleoperators and their declarations), companies, campaigns, and contracts with their
// activity logs are drawn by separate functions, each from its own random stream keyed by the
// seed and the record's index, so a record's content does not depend on the order records are
// generated in. Campaigns are calibrated: each draws a target share of eligible teleoperators and
// tightens or loosens its requirements until an estimate over a sample of teleoperators (the
// first ones of the population) comes close to it. The estimate (LikelyEligible) is a simplified
// copy of the matching rules, on half-hour slots; the test measures the real shares with the
// reference path.
#ifndef CALLMATCH_MATCHING_GENERATOR_MODEL_H_
#define CALLMATCH_MATCHING_GENERATOR_MODEL_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "callmatch/v1/campaign.pb.h"
#include "callmatch/v1/contract.pb.h"
#include "callmatch/v1/teleoperator.pb.h"
#include "matching/generator/catalog.h"
#include "matching/generator/rng.h"

namespace callmatch::matching::generator_internal {

inline constexpr int kMinutesPerWeek = 7 * 24 * 60;
inline constexpr int kSlotMinutes = 30;
inline constexpr int kSlots = kMinutesPerWeek / kSlotMinutes;  // 336
inline constexpr int kSlotWords = (kSlots + 63) / 64;          // 6

// Random stream ids (the second argument of Rng).
enum Stream : uint64_t {
  kCompanyStream = 1,
  kPersonStream = 2,
  kActivityStream = 3,
  kCampaignStream = 4,
  kClosedCampaignStream = 5,
};

// Bits set in x, without a library call (the build does not assume a popcount instruction).
inline int Popcount(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
}

// A set of half-hour slots of one week, counted in UTC from Monday 00:00.
struct WeekSlots {
  std::array<uint64_t, kSlotWords> words = {};

  void Set(int slot) { words[slot / 64] |= uint64_t{1} << (slot % 64); }
  bool Empty() const {
    uint64_t any = 0;
    for (uint64_t w : words) any |= w;
    return any == 0;
  }
  int Count() const {
    int n = 0;
    for (uint64_t w : words) n += Popcount(w);
    return n;
  }
  WeekSlots operator&(const WeekSlots& o) const {
    WeekSlots r;
    for (int i = 0; i < kSlotWords; ++i) r.words[i] = words[i] & o.words[i];
    return r;
  }
  WeekSlots operator|(const WeekSlots& o) const {
    WeekSlots r;
    for (int i = 0; i < kSlotWords; ++i) r.words[i] = words[i] | o.words[i];
    return r;
  }
  WeekSlots AndNot(const WeekSlots& o) const {
    WeekSlots r;
    for (int i = 0; i < kSlotWords; ++i) r.words[i] = words[i] & ~o.words[i];
    return r;
  }
};

// UTC offsets (minutes east) of the time zones the generator uses, taken at `today`.
class ZoneOffsets {
 public:
  // Loads every time zone of the catalog; NOT_FOUND when tzdata lacks one.
  static absl::StatusOr<ZoneOffsets> Load(absl::CivilDay today);
  int OffsetMinutes(absl::string_view zone) const;

 private:
  absl::flat_hash_map<std::string, int> offsets_;
};

// The slots a local weekly schedule covers, in UTC.
WeekSlots SlotsOf(const v1::WeeklySchedule& schedule, const ZoneOffsets& zones);
// Minutes a schedule covers in a week.
int WeeklyMinutes(const v1::WeeklySchedule& schedule);
// A window on `day` (0 = Monday) from `start` to `end`, minutes after local midnight; `end` may
// pass midnight (up to 24:00 + a few hours).
v1::WeeklyWindow Window(int day, int start, int end);
inline constexpr int Hm(int hours, int minutes) { return hours * 60 + minutes; }

// What the eligibility estimate needs of a declared employment.
struct EmploymentFacts {
  std::string registration;
  std::string group;
  std::vector<std::string> segments;
  absl::CivilDay start;
  std::optional<absl::CivilDay> end;
  bool exclusivity_blocks = false;  // a clause without the employer's authorisation
  std::vector<std::string> non_compete_segments;
  std::optional<absl::CivilDay> non_compete_end;
  WeekSlots work;  // its schedule, UTC
  int work_minutes = 0;
};

// What the eligibility estimate needs of a teleoperator: its profile and declarations.
struct Traits {
  int country = -1;
  bool registration_verified = false;
  absl::CivilDay verify_date;
  std::array<uint8_t, kLanguageCount> levels = {};  // CefrLevel, 0 for none
  uint16_t skills = 0;                              // bit per v1::Skill value
  WeekSlots available;
  std::vector<EmploymentFacts> employments;
};

// Hidden inclinations drawn with a person, which decide its missions.
struct Latent {
  int active_missions = 0;   // 0 to 2 current missions wanted
  int past_missions = 0;     // 0 to 2 finished missions
  int quality_permille = 0;  // share of its appointments the clients validate
  bool heavy_hours = false;  // logs well over the planned hours
};

// A teleoperator with its declarations, as drawn.
struct Person {
  v1::Teleoperator profile;
  std::vector<v1::Employment> employments;
  Traits traits;
  Latent latent;
};

// A client company as drawn, with what campaigns and employments need of it.
struct CompanyEntry {
  v1::Company company;
  std::string time_zone;
  Culture culture = Culture::kFrench;
  // Registration numbers of every company of its group (itself included).
  std::vector<std::string> group_members;
};

// The companies and the identities drawn from them.
struct World {
  uint64_t seed = 0;
  absl::CivilDay today;
  int id_width = 7;  // digits of teleoperator ids
  ZoneOffsets zones;
  std::vector<CompanyEntry> companies;
  std::vector<double> company_weights;     // how often each is a client or an employer
  std::vector<double> company_cumulative;  // running sums of company_weights
  std::vector<int> call_centres;           // indexes of companies in 82.20
};

// Draws `count` companies (with their groups) into `world`.
void DrawCompanies(World& world, int64_t count);

// A company index drawn with company_weights.
int PickCompany(const World& world, Rng& rng);

// Draws teleoperator `index` (0-based) and its declarations.
Person DrawPerson(const World& world, int64_t index);

// A campaign compiled for the eligibility estimate.
struct CampaignFilter {
  absl::CivilDay as_of;
  absl::CivilDay end;
  uint32_t countries = 0;                      // bit per Countries() index
  std::vector<std::pair<int, int>> languages;  // (language index, min CefrLevel)
  uint16_t skills = 0;
  bool imposed = false;
  WeekSlots windows;
  int window_minutes = 0;
  int weekly_minutes = 0;
  std::array<WeekSlots, 7> days;  // the campaign's local days, in UTC slots
  uint8_t window_days = 0;        // bit d: the windows touch day d
  std::vector<std::string> segments;
  std::vector<std::string> client_group;  // registration numbers
  std::string client_group_id;
  int min_rate_permille = 0;
  int min_observations = 0;
};
CampaignFilter CompileFilter(const v1::Campaign& campaign, const CompanyEntry& client,
                             const World& world);

// Work a teleoperator already has besides its employments (its other missions), UTC.
struct OtherWork {
  WeekSlots fixed;  // imposed windows
  int flexible_minutes = 0;
  std::vector<std::string> conflict_segments;  // segments of its other clients' campaigns
  std::vector<std::string> clients;            // their company names
};

// The estimate of the matching rules: true if `traits` would likely pass every hard rule of the
// campaign but its quality threshold (see PassesThreshold). `other` is work besides employments;
// `check_registration` false skips the registration rule (for missions in the past).
bool LikelyEligible(const Traits& traits, const CampaignFilter& filter, const OtherWork& other,
                    bool check_registration = true);

// The quality threshold, estimated from the person's inclinations: those with missions will
// have enough appointments for it to apply, at about their quality.
inline bool PassesThreshold(const Latent& latent, const CampaignFilter& filter) {
  if (filter.min_rate_permille == 0) return true;
  if (latent.active_missions == 0 && latent.past_missions == 0) return true;
  return latent.quality_permille >= filter.min_rate_permille;
}

// A campaign as planned: the record, its client, its compiled filter and, for open campaigns, the
// share of eligible teleoperators it was calibrated to.
struct CampaignPlan {
  v1::Campaign campaign;
  int client = 0;
  CampaignFilter filter;
  bool open = true;
  double target_share = 0;
  double estimated_share = 0;
  int planned_seats = 0;
  int seats_taken = 0;                  // accepted and active contracts, counted while streaming
  std::array<int, 7> day_minutes = {};  // calling-window minutes per local weekday
};

// What calibration keeps of a teleoperator.
struct SampledPerson {
  Traits traits;
  Latent latent;
};

// Draws `open` calibrated open campaigns and `closed` closed ones (which carry past missions),
// in that order. `sample` is the first teleoperators of a population of `population`.
std::vector<CampaignPlan> DrawCampaigns(const World& world,
                                        const std::vector<SampledPerson>& sample, int open,
                                        int closed, int64_t population);

// A contract with its activity logs, oldest day first.
struct Mission {
  v1::Contract contract;
  std::vector<v1::ActivityLog> logs;
};

// Draws the missions of teleoperator `index`: finished ones on closed campaigns, current ones on
// open campaigns with a seat left (taken seats are counted in `plans`). A teleoperator only gets
// a mission it would likely be eligible for.
std::vector<Mission> DrawMissions(const World& world, std::vector<CampaignPlan>& plans,
                                  const Person& person, int64_t index);

// Days between two civil days.
inline int64_t DaysBetween(absl::CivilDay from, absl::CivilDay to) { return to - from; }
v1::Date ToDate(absl::CivilDay day);
absl::CivilDay FromDate(const v1::Date& date);

}  // namespace callmatch::matching::generator_internal

#endif  // CALLMATCH_MATCHING_GENERATOR_MODEL_H_

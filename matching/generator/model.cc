#include "matching/generator/model.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "matching/generator/registration_numbers.h"
#include "matching/policy.h"

namespace callmatch::matching::generator_internal {

// ---------------------------------------------------------------------------------------------
// Slots and time zones.

absl::StatusOr<ZoneOffsets> ZoneOffsets::Load(absl::CivilDay today) {
  ZoneOffsets zones;
  auto add = [&](absl::string_view name) -> absl::Status {
    if (zones.offsets_.contains(name)) return absl::OkStatus();
    absl::TimeZone tz;
    if (!absl::LoadTimeZone(std::string(name), &tz)) {
      return absl::NotFoundError(absl::StrCat("time zone ", name, " is not in tzdata"));
    }
    const absl::Time noon = absl::FromCivil(absl::CivilSecond(today) + 12 * 3600, tz);
    zones.offsets_[std::string(name)] = tz.At(noon).offset / 60;
    return absl::OkStatus();
  };
  for (const Region& r : TeleoperatorRegions()) {
    if (auto s = add(r.time_zone); !s.ok()) return s;
  }
  for (const Region& r : CompanyRegions()) {
    if (auto s = add(r.time_zone); !s.ok()) return s;
  }
  return zones;
}

int ZoneOffsets::OffsetMinutes(absl::string_view zone) const {
  auto it = offsets_.find(zone);
  return it == offsets_.end() ? 0 : it->second;
}

v1::WeeklyWindow Window(int day, int start, int end) {
  v1::WeeklyWindow w;
  w.set_start_minute((day * 1440 + start) % kMinutesPerWeek);
  int e = day * 1440 + end;
  if (e > kMinutesPerWeek) e -= kMinutesPerWeek;
  w.set_end_minute(e);
  return w;
}

WeekSlots SlotsOf(const v1::WeeklySchedule& schedule, const ZoneOffsets& zones) {
  WeekSlots slots;
  const int offset = zones.OffsetMinutes(schedule.time_zone());
  for (const v1::WeeklyWindow& w : schedule.windows()) {
    int start = w.start_minute();
    int end = w.end_minute();
    if (end <= start) end += kMinutesPerWeek;
    for (int m = start; m < end; m += kSlotMinutes) {
      int utc = ((m - offset) % kMinutesPerWeek + kMinutesPerWeek) % kMinutesPerWeek;
      slots.Set(utc / kSlotMinutes);
    }
  }
  return slots;
}

int WeeklyMinutes(const v1::WeeklySchedule& schedule) {
  int total = 0;
  for (const v1::WeeklyWindow& w : schedule.windows()) {
    int end = w.end_minute();
    if (end <= w.start_minute()) end += kMinutesPerWeek;
    total += end - w.start_minute();
  }
  return total;
}

v1::Date ToDate(absl::CivilDay day) {
  v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

absl::CivilDay FromDate(const v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

// ---------------------------------------------------------------------------------------------
// Companies.

namespace {

std::vector<double> RegionWeights(absl::Span<const Region> regions) {
  std::vector<double> w;
  for (const Region& r : regions) w.push_back(r.weight);
  return w;
}

// A class code of the Zipf-like segment table, distinct from `taken`.
std::string DrawSegment(Rng& rng, const std::vector<std::string>& taken) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const std::string code(Segments()[rng.Weighted(SegmentWeights())].code);
    if (std::find(taken.begin(), taken.end(), code) == taken.end()) return code;
  }
  return std::string(Segments()[rng.Below(Segments().size())].code);
}

std::string LegalForm(Rng& rng) {
  static constexpr absl::string_view kForms[] = {"SAS", "SARL", "SA", "SASU", "EURL"};
  return std::string(kForms[rng.Weighted({40, 30, 12, 12, 6})]);
}

}  // namespace

void DrawCompanies(World& world, int64_t count) {
  Rng rng(world.seed, kCompanyStream, 0);
  const std::vector<double> region_weights = RegionWeights(CompanyRegions());
  const int width = std::max<int>(5, static_cast<int>(absl::StrCat(count).size()));
  world.companies.clear();
  world.companies.reserve(count);
  int64_t i = 0;
  while (i < count) {
    // A quarter of the companies start a group of 2 to 5 that shares the parent's region and,
    // mostly, its first segment; the parent's registration number is everyone's group_id.
    const int64_t group_size =
        rng.Chance(0.25) ? std::min<int64_t>(rng.Between(2, 5), count - i) : 1;
    const Region& region = CompanyRegions()[rng.Weighted(region_weights)];
    const absl::string_view root = CompanyRoots()[rng.Below(CompanyRoots().size())];
    std::string parent_number;
    std::string parent_segment;
    std::vector<std::string> members;
    const int64_t first = i;
    for (int64_t g = 0; g < group_size; ++g, ++i) {
      CompanyEntry entry;
      v1::Company& c = entry.company;
      c.set_name(absl::StrFormat("companies/c%0*d", width, i + 1));
      entry.time_zone = std::string(region.time_zone);
      entry.culture = region.culture;
      c.mutable_location()->set_country_code(std::string(region.country));
      c.mutable_location()->set_subdivision_code(std::string(region.subdivision));
      v1::Registration* reg = c.mutable_registration();
      reg->set_number(GenerateCompanyNumber(rng, region.country));
      if (rng.Chance(0.96)) {
        reg->set_status(v1::REGISTRATION_STATUS_VERIFIED);
        *reg->mutable_verify_date() = ToDate(world.today - rng.Between(0, 170));
        reg->set_verified_by(absl::StrCat("operators/op-0", rng.Between(1, 6)));
      } else {
        reg->set_status(v1::REGISTRATION_STATUS_PENDING);
      }
      // Segments: 10% call centres (82.20 plus the market they call for), otherwise 1 to 3
      // classes; group members keep the parent's first segment or its division.
      std::vector<std::string> segments;
      if (g > 0 && rng.Chance(0.6)) {
        segments.push_back(parent_segment);
      } else if (rng.Chance(0.10)) {
        segments.push_back("82.20");
      }
      const int64_t more = rng.Weighted({45, 35, 20});
      for (int64_t k = 0; k <= more || segments.empty(); ++k) {
        if (segments.size() >= 3) break;
        segments.push_back(DrawSegment(rng, segments));
      }
      for (const std::string& s : segments) c.add_segments(s);
      if (g == 0) {
        parent_number = reg->number();
        parent_segment = segments.front();
      }
      if (group_size > 1) c.set_group_id(parent_number);
      const bool call_centre =
          std::find(segments.begin(), segments.end(), "82.20") != segments.end();
      if (call_centre) {
        c.set_calling_in_usual_business(true);
      } else if (rng.Chance(0.75)) {
        c.set_calling_in_usual_business(false);
      }  // else unknown
      const absl::string_view word = CompanyWord(segments.front());
      if (group_size > 1 && g == 0) {
        c.set_display_name(absl::StrCat("Groupe ", root, " ", LegalForm(rng)));
      } else if (group_size > 1) {
        static constexpr absl::string_view kBranches[] = {"Nord", "Sud", "Est", "Ouest"};
        c.set_display_name(
            absl::StrCat(root, " ", word, " ", kBranches[(g - 1) % 4], " ", LegalForm(rng)));
      } else {
        c.set_display_name(absl::StrCat(CompanyRoots()[rng.Below(CompanyRoots().size())], " ", word,
                                        " ", LegalForm(rng)));
      }
      members.push_back(reg->number());
      if (call_centre) world.call_centres.push_back(static_cast<int>(i));
      world.companies.push_back(std::move(entry));
    }
    for (int64_t k = first; k < i; ++k) world.companies[k].group_members = members;
  }
  // Clients and employers follow a flattened harmonic law over a shuffled order: a few large
  // companies run many campaigns and employ many people.
  world.company_weights.assign(count, 0);
  std::vector<int64_t> order(count);
  for (int64_t k = 0; k < count; ++k) order[k] = k;
  for (int64_t k = count - 1; k > 0; --k) std::swap(order[k], order[rng.Below(k + 1)]);
  for (int64_t rank = 0; rank < count; ++rank) {
    world.company_weights[order[rank]] = 1.0 / static_cast<double>(rank + 5);
  }
  world.company_cumulative.resize(count);
  double total = 0;
  for (int64_t k = 0; k < count; ++k) {
    total += world.company_weights[k];
    world.company_cumulative[k] = total;
  }
}

int PickCompany(const World& world, Rng& rng) {
  const double u = rng.Unit() * world.company_cumulative.back();
  auto it = std::upper_bound(world.company_cumulative.begin(), world.company_cumulative.end(), u);
  if (it == world.company_cumulative.end()) --it;
  return static_cast<int>(it - world.company_cumulative.begin());
}

// ---------------------------------------------------------------------------------------------
// People.

namespace {

// Level weights, index = CefrLevel (0 = does not speak it).
using LevelWeights = std::initializer_list<double>;

int DrawLevel(Rng& rng, LevelWeights weights) { return static_cast<int>(rng.Weighted(weights)); }

enum class Job {
  kNone,
  kOffice,            // Mon-Fri, 35 h
  kOfficeLong,        // Mon-Fri, 37.5 h
  kCallCentreEarly,   // Mon-Fri 8:00-15:00
  kCallCentreLate,    // Mon-Fri 13:00-20:00
  kRetail,            // Tue-Sat
  kPartTimeMornings,  // Mon-Fri 9:00-13:00
  kPartTimeShort,     // Mon-Wed
};

bool IsPartTime(Job job) { return job == Job::kPartTimeMornings || job == Job::kPartTimeShort; }

v1::WeeklySchedule JobSchedule(Job job, Rng& rng, absl::string_view zone) {
  v1::WeeklySchedule s;
  s.set_time_zone(std::string(zone));
  auto add = [&](int day, int start, int end) { *s.add_windows() = Window(day, start, end); };
  switch (job) {
    case Job::kOffice:
    case Job::kOfficeLong: {
      const int start = Hm(8, 30) + 30 * static_cast<int>(rng.Below(3));  // 8:30 to 9:30
      const int afternoon = job == Job::kOffice ? 210 : 240;
      for (int d = 0; d < 5; ++d) {
        add(d, start, start + 210);
        add(d, start + 270, start + 270 + afternoon);
      }
      break;
    }
    case Job::kCallCentreEarly:
      for (int d = 0; d < 5; ++d) add(d, Hm(8, 0), Hm(15, 0));
      break;
    case Job::kCallCentreLate:
      for (int d = 0; d < 5; ++d) add(d, Hm(13, 0), Hm(20, 0));
      break;
    case Job::kRetail:
      for (int d = 1; d < 6; ++d) {
        add(d, Hm(9, 0), Hm(12, 30));
        add(d, Hm(14, 0), Hm(17, 30));
      }
      break;
    case Job::kPartTimeMornings:
      for (int d = 0; d < 5; ++d) add(d, Hm(9, 0), Hm(13, 0));
      break;
    case Job::kPartTimeShort:
      for (int d = 0; d < 3; ++d) {
        add(d, Hm(9, 0), Hm(12, 30));
        add(d, Hm(13, 30), Hm(17, 0));
      }
      break;
    case Job::kNone:
      break;
  }
  return s;
}

// `k` distinct weekdays out of `days`, in order.
std::vector<int> SomeDays(Rng& rng, std::vector<int> days, int k) {
  for (int i = static_cast<int>(days.size()) - 1; i > 0; --i) {
    std::swap(days[i], days[rng.Below(i + 1)]);
  }
  days.resize(std::min<size_t>(k, days.size()));
  std::sort(days.begin(), days.end());
  return days;
}

// Windows are kept in start order per day; the caller adds them day by day.
struct AvailabilityBuilder {
  std::vector<std::array<int, 3>> windows;  // day, start, end
  void Add(int day, int start, int end) { windows.push_back({day, start, end}); }
  v1::WeeklySchedule Build(absl::string_view zone) {
    std::sort(windows.begin(), windows.end());
    v1::WeeklySchedule s;
    s.set_time_zone(std::string(zone));
    for (size_t i = 0; i < windows.size(); ++i) {
      auto [day, start, end] = windows[i];
      // Merge touching or overlapping windows of the same day.
      while (i + 1 < windows.size() && windows[i + 1][0] == day && windows[i + 1][1] <= end) {
        end = std::max(end, windows[i + 1][2]);
        ++i;
      }
      *s.add_windows() = Window(day, start, end);
    }
    return s;
  }
};

void AddEvenings(Rng& rng, AvailabilityBuilder& a, int earliest) {
  const int k = 3 + static_cast<int>(rng.Weighted({20, 30, 50}));
  const int start =
      std::max(earliest, Hm(18, 0) + 30 * static_cast<int>(rng.Weighted({60, 20, 20})));
  const int end =
      std::max(start + 90, Hm(21, 0) + 30 * static_cast<int>(rng.Weighted({50, 20, 30})));
  for (int d : SomeDays(rng, {0, 1, 2, 3, 4}, k)) a.Add(d, start, end);
}

void AddSaturday(Rng& rng, AvailabilityBuilder& a, double none_share) {
  const size_t choice = rng.Weighted({none_share, 40, 30});
  if (choice == 1) a.Add(5, Hm(9, 0), Hm(13, 0));
  if (choice == 2) a.Add(5, Hm(9, 0), Hm(18, 0));
}

void AddDaytime(Rng& rng, AvailabilityBuilder& a, std::vector<int> days, int k) {
  const size_t shape = rng.Weighted({80, 10, 10});  // both halves, mornings, afternoons
  const int morning = Hm(9, 0) + 30 * static_cast<int>(rng.Below(2));
  for (int d : SomeDays(rng, std::move(days), k)) {
    if (shape != 2) a.Add(d, morning, morning + 180);
    if (shape != 1) a.Add(d, Hm(14, 0), Hm(17, 30));
  }
}

v1::WeeklySchedule DrawAvailability(Rng& rng, Job job, absl::string_view zone) {
  AvailabilityBuilder a;
  switch (job) {
    case Job::kOffice:
    case Job::kOfficeLong:
    case Job::kCallCentreEarly:
      AddEvenings(rng, a, Hm(18, 0));
      AddSaturday(rng, a, 30);
      if (rng.Chance(0.08)) a.Add(6, Hm(10, 0), Hm(12, 0));
      // A few declare a weekday morning they do not really have (their job's hours win).
      if (rng.Chance(0.05)) a.Add(2, Hm(9, 0), Hm(12, 0));
      break;
    case Job::kCallCentreLate:
      AddEvenings(rng, a, Hm(20, 30));
      if (rng.Chance(0.6)) AddDaytime(rng, a, {0, 1, 2, 3, 4}, 3 + rng.Below(3));
      AddSaturday(rng, a, 30);
      break;
    case Job::kRetail:
      AddEvenings(rng, a, Hm(18, 0));
      if (rng.Chance(0.5)) a.Add(0, Hm(9, 0), Hm(17, 0));
      if (rng.Chance(0.15)) a.Add(6, Hm(10, 0), Hm(12, 0));
      break;
    case Job::kPartTimeMornings:
      if (rng.Chance(0.7)) {
        for (int d : SomeDays(rng, {0, 1, 2, 3, 4}, 2 + rng.Below(4))) {
          a.Add(d, Hm(14, 0), Hm(18, 0));
        }
      }
      if (rng.Chance(0.6) || a.windows.empty()) AddEvenings(rng, a, Hm(18, 30));
      AddSaturday(rng, a, 50);
      break;
    case Job::kPartTimeShort:
      if (rng.Chance(0.7)) AddDaytime(rng, a, {3, 4}, 2);
      if (rng.Chance(0.5) || a.windows.empty()) AddEvenings(rng, a, Hm(18, 0));
      AddSaturday(rng, a, 50);
      break;
    case Job::kNone:
      switch (rng.Weighted({40, 30, 15, 15})) {
        case 0:  // evenings and Saturdays, like most
          AddEvenings(rng, a, Hm(18, 0));
          AddSaturday(rng, a, 25);
          break;
        case 1:  // daytime
          AddDaytime(rng, a, {0, 1, 2, 3, 4}, 3 + rng.Below(3));
          if (rng.Chance(0.3)) AddSaturday(rng, a, 50);
          break;
        case 2:  // daytime and evenings
          AddDaytime(rng, a, {0, 1, 2, 3, 4}, 3 + rng.Below(3));
          AddEvenings(rng, a, Hm(18, 0));
          AddSaturday(rng, a, 40);
          break;
        default:  // wide open
          for (int d = 0; d < 5; ++d) a.Add(d, Hm(9, 0), Hm(20, 0));
          if (rng.Chance(0.5)) a.Add(5, Hm(9, 0), Hm(13, 0));
          break;
      }
      break;
  }
  return a.Build(zone);
}

std::string CompanyLikeName(Rng& rng, absl::string_view segment) {
  return absl::StrCat(CompanyRoots()[rng.Below(CompanyRoots().size())], " ", CompanyWord(segment),
                      " ", LegalForm(rng));
}

// The employer of a job: a platform company (the platform's data then prevails) or another.
struct EmployerDraft {
  v1::Employer employer;
  bool on_platform = false;
};

EmployerDraft DrawEmployer(const World& world, Rng& rng, Job job, absl::string_view country,
                           double platform_share) {
  EmployerDraft out;
  v1::Employer& e = out.employer;
  const bool call_centre = job == Job::kCallCentreEarly || job == Job::kCallCentreLate;
  if (rng.Chance(platform_share) && !world.companies.empty()) {
    int index = -1;
    if (call_centre && !world.call_centres.empty()) {
      index = world.call_centres[rng.Below(world.call_centres.size())];
    } else if (!call_centre) {
      index = PickCompany(world, rng);
    }
    if (index >= 0) {
      const v1::Company& c = world.companies[index].company;
      e.set_display_name(c.display_name());
      e.set_registration_number(c.registration().number());
      e.set_country_code(c.location().country_code());
      e.set_group_id(c.group_id());
      for (const std::string& s : c.segments()) e.add_segments(s);
      out.on_platform = true;
      return out;
    }
  }
  std::vector<std::string> segments;
  if (call_centre) {
    segments.push_back("82.20");
  } else if (job == Job::kRetail) {
    static constexpr absl::string_view kRetail[] = {"47.11", "47.19", "45.11", "47.91"};
    segments.push_back(std::string(kRetail[rng.Weighted({50, 20, 15, 15})]));
  } else {
    segments.push_back(DrawSegment(rng, {}));
    if (rng.Chance(0.3)) segments.push_back(DrawSegment(rng, segments));
  }
  e.set_display_name(CompanyLikeName(rng, segments.front()));
  e.set_registration_number(GenerateCompanyNumber(rng, country));
  e.set_country_code(std::string(country));
  if (rng.Chance(0.2)) e.set_group_id(GenerateCompanyNumber(rng, country));
  for (const std::string& s : segments) e.add_segments(s);
  return out;
}

// A non-compete clause over the employer's first segment, at class, group, division or section
// level.
v1::NonCompeteClause DrawNonCompete(Rng& rng, const v1::Employer& employer, absl::CivilDay end) {
  v1::NonCompeteClause clause;
  const std::string& code = employer.segments(0);
  switch (rng.Weighted({45, 20, 25, 10})) {
    case 0:
      clause.add_segments(code);
      break;
    case 1:
      clause.add_segments(code.substr(0, 4));
      break;
    case 2:
      clause.add_segments(code.substr(0, 2));
      break;
    default:
      clause.add_segments(std::string(SectionOf(code)));
      break;
  }
  *clause.mutable_end_date() = ToDate(end);
  return clause;
}

Job DrawJob(Rng& rng, const Region& region) {
  static constexpr Job kJobs[] = {Job::kOffice,         Job::kOfficeLong, Job::kCallCentreEarly,
                                  Job::kCallCentreLate, Job::kRetail,     Job::kPartTimeMornings,
                                  Job::kPartTimeShort};
  const bool nearshore = region.culture == Culture::kMaghreb || region.culture == Culture::kSenegal;
  if (nearshore) return kJobs[rng.Weighted({20, 5, 35, 25, 5, 5, 5})];
  return kJobs[rng.Weighted({45, 10, 12, 8, 10, 8, 7})];
}

}  // namespace

Person DrawPerson(const World& world, int64_t index) {
  Rng rng(world.seed, kPersonStream, static_cast<uint64_t>(index));
  Person person;
  v1::Teleoperator& p = person.profile;
  Traits& traits = person.traits;
  static const auto* const kRegionWeights =
      new std::vector<double>(RegionWeights(TeleoperatorRegions()));
  const Region& region = TeleoperatorRegions()[rng.Weighted(*kRegionWeights)];
  const absl::CivilDay today = world.today;

  p.set_name(absl::StrFormat("teleoperators/t%0*d", world.id_width, index + 1));
  const absl::Span<const absl::string_view> names = FirstNames(region.culture);
  p.set_display_name(absl::StrCat(names[rng.Below(names.size())], " ",
                                  std::string(1, static_cast<char>('A' + rng.Below(26))), "."));
  p.mutable_establishment()->set_country_code(std::string(region.country));
  p.mutable_establishment()->set_subdivision_code(std::string(region.subdivision));
  traits.country = CountryIndex(region.country);

  // Registration: most verified within 6 months; some stale, pending or rejected.
  v1::Registration* reg = p.mutable_registration();
  reg->set_number(GenerateSelfEmployedNumber(rng, region.country));
  switch (rng.Weighted({87, 9, 4})) {
    case 0: {
      reg->set_status(v1::REGISTRATION_STATUS_VERIFIED);
      const int64_t age = rng.Chance(0.85) ? rng.Between(0, 175) : rng.Between(190, 540);
      *reg->mutable_verify_date() = ToDate(today - age);
      reg->set_verified_by(absl::StrCat("operators/op-0", rng.Between(1, 6)));
      traits.registration_verified = true;
      traits.verify_date = today - age;
      break;
    }
    case 1:
      reg->set_status(v1::REGISTRATION_STATUS_PENDING);
      break;
    default:
      reg->set_status(v1::REGISTRATION_STATUS_REJECTED);
      *reg->mutable_verify_date() = ToDate(today - rng.Between(1, 300));
      reg->set_verified_by(absl::StrCat("operators/op-0", rng.Between(1, 6)));
      break;
  }

  // Languages, index = CefrLevel: none, A1, A2, B1, B2, C1, C2, native.
  auto& lv = traits.levels;
  switch (region.culture) {
    case Culture::kFrench:
      lv[kFr] = v1::CEFR_LEVEL_NATIVE;
      lv[kEn] = DrawLevel(rng, {18, 5, 14, 25, 22, 11, 4, 1});
      if (rng.Chance(0.10)) lv[kEs] = DrawLevel(rng, {0, 0, 30, 30, 22, 12, 3, 3});
      if (rng.Chance(0.04)) lv[kDe] = DrawLevel(rng, {0, 0, 25, 30, 25, 12, 4, 4});
      if (rng.Chance(0.03)) lv[kIt] = DrawLevel(rng, {0, 0, 25, 30, 25, 12, 4, 4});
      if (rng.Chance(0.05)) lv[kAr] = DrawLevel(rng, {0, 0, 0, 15, 25, 20, 0, 40});
      if (rng.Chance(0.02)) lv[kPt] = DrawLevel(rng, {0, 0, 0, 20, 30, 20, 0, 30});
      if (rng.Chance(region.country == "BE" ? 0.15 : 0.01)) {
        lv[kNl] = DrawLevel(rng, {0, 0, 25, 30, 25, 15, 5, 0});
      }
      break;
    case Culture::kFlemish:
      lv[kNl] = v1::CEFR_LEVEL_NATIVE;
      lv[kFr] = DrawLevel(rng, {0, 0, 0, 0, 40, 35, 25, 0});
      lv[kEn] = DrawLevel(rng, {0, 0, 0, 0, 30, 45, 25, 0});
      if (rng.Chance(0.15)) lv[kDe] = DrawLevel(rng, {0, 0, 20, 30, 30, 15, 5, 0});
      break;
    case Culture::kMaghreb:
      lv[kAr] = v1::CEFR_LEVEL_NATIVE;
      lv[kFr] = DrawLevel(rng, {0, 0, 0, 0, 15, 35, 50, 0});
      lv[kEn] = DrawLevel(rng, {25, 5, 15, 25, 18, 9, 3, 0});
      if (rng.Chance(region.country == "MA" ? 0.15 : 0.05)) {
        lv[kEs] = DrawLevel(rng, {0, 0, 20, 30, 30, 15, 5, 0});
      }
      if (rng.Chance(0.03)) lv[kIt] = DrawLevel(rng, {0, 0, 25, 30, 25, 15, 5, 0});
      break;
    case Culture::kSenegal:
      lv[kFr] = DrawLevel(rng, {0, 0, 0, 0, 0, 25, 70, 5});
      lv[kEn] = DrawLevel(rng, {30, 5, 15, 25, 15, 7, 3, 0});
      if (rng.Chance(0.05)) lv[kAr] = DrawLevel(rng, {0, 0, 20, 30, 30, 15, 5, 0});
      break;
    case Culture::kQuebec:
      lv[kFr] = v1::CEFR_LEVEL_NATIVE;
      lv[kEn] = DrawLevel(rng, {0, 0, 0, 10, 30, 35, 20, 5});
      if (rng.Chance(0.08)) lv[kEs] = DrawLevel(rng, {0, 0, 30, 30, 22, 12, 3, 3});
      break;
  }
  // Native language first, then by level, then by code.
  std::vector<int> spoken;
  for (int l = 0; l < kLanguageCount; ++l) {
    if (lv[l] > 0) spoken.push_back(l);
  }
  std::stable_sort(spoken.begin(), spoken.end(), [&](int a, int b) { return lv[a] > lv[b]; });
  for (int l : spoken) {
    v1::LanguageLevel* ll = p.add_languages();
    ll->set_language(std::string(Languages()[l]));
    ll->set_level(static_cast<v1::CefrLevel>(lv[l]));
  }

  // Skills: 1 to 6, drawn without replacement with Zipf-like weights.
  {
    std::vector<double> w(SkillWeights().begin(), SkillWeights().end());
    const int k = 1 + static_cast<int>(rng.Weighted({15, 25, 25, 18, 10, 7}));
    std::vector<v1::Skill> skills;
    for (int i = 0; i < k; ++i) {
      const size_t s = rng.Weighted(w);
      w[s] = 0;
      skills.push_back(SkillsByPopularity()[s]);
      traits.skills |= static_cast<uint16_t>(1u << SkillsByPopularity()[s]);
    }
    std::sort(skills.begin(), skills.end());
    for (v1::Skill s : skills) p.add_skills(s);
  }

  // Sector experience: 0 to 4 segments, a fifth of them at division level.
  {
    const int64_t k = rng.Weighted({25, 30, 25, 12, 8});
    std::vector<std::string> sectors;
    for (int64_t i = 0; i < k; ++i) {
      std::string code = DrawSegment(rng, sectors);
      if (rng.Chance(0.2)) code = code.substr(0, 2);
      if (std::find(sectors.begin(), sectors.end(), code) == sectors.end()) {
        sectors.push_back(code);
      }
    }
    for (const std::string& s : sectors) p.add_sector_experience(s);
  }

  // Employments: about a third hold a salaried job (more among nearshore call-centre staff);
  // some left one, a few of them at a client of the platform.
  const bool nearshore = region.culture == Culture::kMaghreb || region.culture == Culture::kSenegal;
  const Job job = rng.Chance(nearshore ? 0.42 : 0.32) ? DrawJob(rng, region) : Job::kNone;
  int employment_count = 0;
  auto add_employment = [&](v1::Employment employment, const EmployerDraft& employer) {
    ++employment_count;
    employment.set_name(absl::StrCat(p.name(), "/employments/e", employment_count));
    *employment.mutable_employer() = employer.employer;
    EmploymentFacts facts;
    facts.registration = employer.employer.registration_number();
    facts.group = employer.employer.group_id();
    facts.segments.assign(employer.employer.segments().begin(), employer.employer.segments().end());
    facts.start = FromDate(employment.start_date());
    if (employment.has_end_date()) facts.end = FromDate(employment.end_date());
    facts.exclusivity_blocks =
        employment.exclusivity_clause() && !employment.employer_authorisation();
    if (employment.has_non_compete()) {
      facts.non_compete_segments.assign(employment.non_compete().segments().begin(),
                                        employment.non_compete().segments().end());
      facts.non_compete_end = FromDate(employment.non_compete().end_date());
    }
    facts.work = SlotsOf(employment.schedule(), world.zones);
    facts.work_minutes = WeeklyMinutes(employment.schedule());
    traits.employments.push_back(std::move(facts));
    person.employments.push_back(std::move(employment));
  };

  // Former jobs first (older), then the current one.
  const int64_t former_count = rng.Weighted({70, 25, 5});
  for (int64_t f = 0; f < former_count; ++f) {
    const bool at_client = rng.Chance(0.3);
    const Job former_job = DrawJob(rng, region);
    EmployerDraft employer =
        DrawEmployer(world, rng, former_job, region.country, at_client ? 1.0 : 0.0);
    v1::Employment e;
    const absl::CivilDay end =
        today - (employer.on_platform ? rng.Between(0, 400) : rng.Between(1, 1500));
    const absl::CivilDay start = end - rng.Between(120, 3000);
    *e.mutable_start_date() = ToDate(start);
    *e.mutable_end_date() = ToDate(end);
    *e.mutable_schedule() = JobSchedule(former_job, rng, region.time_zone);
    e.set_exclusivity_clause(rng.Chance(0.1));
    if (rng.Chance(0.2)) {
      *e.mutable_non_compete() = DrawNonCompete(rng, employer.employer, end + rng.Between(90, 730));
    }
    add_employment(std::move(e), employer);
  }
  if (job != Job::kNone) {
    EmployerDraft employer = DrawEmployer(world, rng, job, region.country, 0.25);
    v1::Employment e;
    *e.mutable_start_date() = ToDate(today - rng.Between(30, 4000));
    if (rng.Chance(0.12)) *e.mutable_end_date() = ToDate(today + rng.Between(10, 240));
    *e.mutable_schedule() = JobSchedule(job, rng, region.time_zone);
    const bool clause = rng.Chance(IsPartTime(job) ? 0.04 : 0.12);
    e.set_exclusivity_clause(clause);
    e.set_employer_authorisation(clause && rng.Chance(0.45));
    if (rng.Chance(0.06)) {
      *e.mutable_non_compete() =
          DrawNonCompete(rng, employer.employer, today + rng.Between(60, 1000));
    }
    add_employment(std::move(e), employer);
  }

  *p.mutable_availability() = DrawAvailability(rng, job, region.time_zone);
  traits.available = SlotsOf(p.availability(), world.zones);

  // Missions: only verified teleoperators have current ones.
  Latent& latent = person.latent;
  if (traits.registration_verified) {
    latent.active_missions = static_cast<int>(rng.Weighted({80, 16, 4}));
  }
  latent.past_missions = static_cast<int>(rng.Weighted({82, 12, 6}));
  latent.quality_permille = 350 + static_cast<int>((rng.Below(601) + rng.Below(601)) / 2);
  latent.heavy_hours = rng.Chance(0.07);
  return person;
}

// ---------------------------------------------------------------------------------------------
// The eligibility estimate.

CampaignFilter CompileFilter(const v1::Campaign& campaign, const CompanyEntry& client,
                             const World& world) {
  CampaignFilter f;
  f.as_of = std::max(FromDate(campaign.start_date()), world.today);
  f.end = FromDate(campaign.end_date());
  if (campaign.countries().empty()) {
    f.countries = 1u << CountryIndex(client.company.location().country_code());
  } else {
    for (const std::string& c : campaign.countries()) {
      const int i = CountryIndex(c);
      if (i >= 0) f.countries |= 1u << i;
    }
  }
  for (const v1::LanguageLevel& l : campaign.languages()) {
    f.languages.push_back({LanguageIndex(l.language()), l.level()});
  }
  for (int s : campaign.skills()) f.skills |= static_cast<uint16_t>(1u << s);
  f.imposed = campaign.terms().imposed_schedule();
  f.windows = SlotsOf(campaign.calling_windows(), world.zones);
  f.window_minutes = WeeklyMinutes(campaign.calling_windows());
  f.weekly_minutes = campaign.weekly_minutes_per_seat();
  for (int d = 0; d < 7; ++d) {
    v1::WeeklySchedule day;
    day.set_time_zone(campaign.calling_windows().time_zone());
    *day.add_windows() = Window(d, 0, 1440);
    f.days[d] = SlotsOf(day, world.zones);
    if (!(f.windows & f.days[d]).Empty()) f.window_days |= 1u << d;
  }
  f.segments.assign(campaign.segments().begin(), campaign.segments().end());
  f.client_group = client.group_members;
  f.client_group_id = client.company.group_id();
  f.min_rate_permille = campaign.min_validated_rate_permille();
  f.min_observations = campaign.min_quality_observations();
  return f;
}

namespace {

bool AnyOverlap(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (const std::string& x : a) {
    for (const std::string& y : b) {
      if (SegmentsOverlap(x, y)) return true;
    }
  }
  return false;
}

bool InClientGroup(const EmploymentFacts& e, const CampaignFilter& f) {
  if (std::find(f.client_group.begin(), f.client_group.end(), e.registration) !=
      f.client_group.end()) {
    return true;
  }
  return !f.client_group_id.empty() &&
         (e.group == f.client_group_id || e.registration == f.client_group_id);
}

}  // namespace

bool LikelyEligible(const Traits& t, const CampaignFilter& f, const OtherWork& other,
                    bool check_registration) {
  if (t.country < 0 || ((f.countries >> t.country) & 1u) == 0) return false;
  if ((t.skills & f.skills) != f.skills) return false;
  for (const auto& [language, level] : f.languages) {
    if (language < 0 || t.levels[language] < level) return false;
  }
  if (check_registration &&
      (!t.registration_verified || f.as_of - t.verify_date > kDefaultRegistrationMaxAgeDays)) {
    return false;
  }
  WeekSlots work = other.fixed;
  int work_minutes = other.fixed.Count() * kSlotMinutes + other.flexible_minutes;
  for (const EmploymentFacts& e : t.employments) {
    const bool current = e.start <= f.end && (!e.end.has_value() || *e.end >= f.as_of);
    if (InClientGroup(e, f)) {
      if (current || (e.end.has_value() && f.as_of - *e.end < kDefaultFormerEmployeeCooloffDays)) {
        return false;
      }
    }
    if (e.non_compete_end.has_value() && *e.non_compete_end >= f.as_of &&
        AnyOverlap(e.non_compete_segments, f.segments)) {
      return false;
    }
    if (!current) continue;
    if (e.exclusivity_blocks) return false;
    if (AnyOverlap(e.segments, f.segments)) return false;
    work = work | e.work;
    work_minutes += e.work_minutes;
  }
  if (AnyOverlap(other.conflict_segments, f.segments)) return false;
  const WeekSlots free = t.available.AndNot(work);
  if (f.imposed) {
    if (!f.windows.AndNot(free).Empty()) return false;
    if (work_minutes + f.window_minutes > kDefaultMaxWeeklyMinutes) return false;
    for (int d = 0; d < 7; ++d) {
      if (((f.window_days >> d) & 1u) == 0) continue;
      const int day = ((work & f.days[d]).Count() + (f.windows & f.days[d]).Count()) * kSlotMinutes;
      if (day > kDefaultMaxDailyMinutes) return false;
    }
    return true;
  }
  if (work_minutes + f.weekly_minutes > kDefaultMaxWeeklyMinutes) return false;
  const WeekSlots usable = free & f.windows;
  if (usable.Count() * kSlotMinutes < f.weekly_minutes) return false;
  int placeable = 0;
  for (int d = 0; d < 7 && placeable < f.weekly_minutes; ++d) {
    if (((f.window_days >> d) & 1u) == 0) continue;
    const int in_windows = (usable & f.days[d]).Count() * kSlotMinutes;
    if (in_windows == 0) continue;
    const int cap = kDefaultMaxDailyMinutes - (work & f.days[d]).Count() * kSlotMinutes;
    placeable += std::max(0, std::min(in_windows, cap));
  }
  return placeable >= f.weekly_minutes;
}

}  // namespace callmatch::matching::generator_internal

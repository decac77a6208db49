// Campaigns: drawn per client, then calibrated to a target share of eligible teleoperators.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "matching/generator/model.h"

namespace callmatch::matching::generator_internal {
namespace {

// A calling-hours preset, in the campaign's time zone.
struct SchedulePreset {
  absl::string_view label;
  bool imposed;
  int weekly_minutes;                       // for imposed presets, the windows' own total
  std::vector<std::array<int, 3>> windows;  // day (0 = Monday), start, end (minutes)
};

std::vector<std::array<int, 3>> EveryDay(std::initializer_list<int> days, int start, int end) {
  std::vector<std::array<int, 3>> out;
  for (int d : days) out.push_back({d, start, end});
  return out;
}

std::vector<std::array<int, 3>> Join(std::vector<std::array<int, 3>> a,
                                     const std::vector<std::array<int, 3>>& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  return a;
}

const std::vector<SchedulePreset>& Presets() {
  static const auto* presets = new std::vector<SchedulePreset>{
      {"Soirs et samedis, horaires libres", false, 240,
       Join(EveryDay({0, 1, 2, 3, 4}, Hm(17, 30), Hm(21, 30)), {{5, Hm(9, 0), Hm(18, 0)}})},
      {"Soirs, horaires libres", false, 360, EveryDay({0, 1, 2, 3, 4}, Hm(18, 0), Hm(21, 0))},
      {"Journée étendue et samedi matin, horaires libres", false, 480,
       Join(EveryDay({0, 1, 2, 3, 4}, Hm(9, 0), Hm(20, 30)), {{5, Hm(9, 0), Hm(13, 0)}})},
      {"Soirs, 10 h par semaine, horaires libres", false, 600,
       EveryDay({0, 1, 2, 3, 4}, Hm(18, 0), Hm(21, 0))},
      {"Samedi matin, horaires imposés", true, 180, {{5, Hm(9, 30), Hm(12, 30)}}},
      {"Mardi et jeudi soir, horaires imposés", true, 240,
       EveryDay({1, 3}, Hm(18, 30), Hm(20, 30))},
      {"Quatre soirs, horaires imposés", true, 600, EveryDay({0, 1, 2, 3}, Hm(18, 0), Hm(20, 30))},
      {"Soirs en semaine, horaires imposés", true, 600,
       EveryDay({0, 1, 2, 3, 4}, Hm(19, 0), Hm(21, 0))},
      {"Journée, horaires libres", false, 600,
       Join(EveryDay({0, 1, 2, 3, 4}, Hm(9, 0), Hm(12, 30)),
            EveryDay({0, 1, 2, 3, 4}, Hm(14, 0), Hm(17, 30)))},
      {"Matinées, horaires imposés", true, 450, EveryDay({0, 2, 4}, Hm(9, 30), Hm(12, 0))},
      {"Après-midi, horaires imposés", true, 540, EveryDay({1, 2, 3}, Hm(14, 0), Hm(17, 0))},
      {"Journée, 20 h par semaine, horaires libres", false, 1200,
       EveryDay({0, 1, 2, 3, 4}, Hm(9, 0), Hm(18, 0))},
      {"Journée complète, horaires imposés", true, 1950,
       Join(EveryDay({0, 1, 2, 3, 4}, Hm(9, 0), Hm(12, 30)),
            EveryDay({0, 1, 2, 3, 4}, Hm(14, 0), Hm(17, 0)))},
  };
  return *presets;
}

// Levels a campaign asks for, from the least to the most demanding.
constexpr v1::CefrLevel kAskedLevels[] = {v1::CEFR_LEVEL_B1, v1::CEFR_LEVEL_B2, v1::CEFR_LEVEL_C1,
                                          v1::CEFR_LEVEL_C2};
// Quality thresholds: (validated-appointment rate in per mille, observations), none first.
constexpr std::pair<int, int> kThresholds[] = {{0, 0}, {500, 20}, {650, 10}, {750, 5}};

// What a campaign keeps whatever its requirements: drawn once.
struct Base {
  int client = 0;
  v1::CampaignKind kind = v1::CAMPAIGN_KIND_UNSPECIFIED;
  std::vector<std::string> segments;  // class codes
  int main_language = kFr;
  std::vector<std::vector<std::string>> country_options;  // broadest first
  absl::CivilDay start;
  absl::CivilDay end;
  v1::MissionTerms terms;
  int planned_seats = 0;
};

// The requirements calibration moves.
struct Knobs {
  int schedule = 0;  // position in the presets ordered from the broadest
  int countries = 0;
  int main_level = 0;                      // index into kAskedLevels
  std::vector<std::pair<int, int>> extra;  // (language, index into kAskedLevels)
  std::vector<int> skills;                 // indexes into SkillsByPopularity()
  int threshold = 0;
  int segment_level = 0;  // 0: class, 1: group, 2: division
};

constexpr absl::string_view KindLabel(v1::CampaignKind kind) {
  switch (kind) {
    case v1::CAMPAIGN_KIND_APPOINTMENT_SETTING:
      return "Prise de rendez-vous";
    case v1::CAMPAIGN_KIND_COLD_CALLING:
      return "Prospection téléphonique";
    case v1::CAMPAIGN_KIND_LEAD_QUALIFICATION:
      return "Qualification de leads";
    default:
      return "Campagne";
  }
}

int KindSkill(v1::CampaignKind kind) {
  switch (kind) {
    case v1::CAMPAIGN_KIND_APPOINTMENT_SETTING:
      return 1;
    case v1::CAMPAIGN_KIND_LEAD_QUALIFICATION:
      return 2;
    default:
      return 0;
  }
}

v1::MissionTerms DrawTerms(Rng& rng, v1::CampaignKind kind, absl::string_view currency) {
  v1::MissionTerms t;
  t.set_tools(static_cast<v1::ToolsPolicy>(1 + rng.Weighted({45, 35, 20})));
  t.set_script(static_cast<v1::ScriptPolicy>(1 + rng.Weighted({15, 60, 25})));
  t.set_supervision(static_cast<v1::SupervisionPolicy>(1 + rng.Weighted({55, 30, 15})));
  // Optional facts: some left unknown, so that scoring has ranges to report.
  if (rng.Chance(0.7)) t.set_reporting_like_staff(rng.Chance(0.2));
  if (rng.Chance(0.8)) t.set_sanctions(rng.Chance(0.08));
  if (rng.Chance(0.7)) t.set_client_training(rng.Chance(0.25));
  if (rng.Chance(0.9)) t.set_on_client_premises(rng.Chance(0.03));
  if (rng.Chance(0.8)) t.set_rate_set_by_client(rng.Chance(0.5));
  if (rng.Chance(0.6)) t.set_substitution_allowed(rng.Chance(0.3));
  if (rng.Chance(0.7)) t.set_may_refuse_work(rng.Chance(0.7));
  if (rng.Chance(0.8)) t.set_exclusivity(rng.Chance(0.05));
  v1::PayModel pay;
  if (kind == v1::CAMPAIGN_KIND_APPOINTMENT_SETTING) {
    pay = static_cast<v1::PayModel>(1 + rng.Weighted({30, 50, 5, 5, 10}));
  } else if (kind == v1::CAMPAIGN_KIND_LEAD_QUALIFICATION) {
    pay = static_cast<v1::PayModel>(1 + rng.Weighted({35, 5, 45, 5, 10}));
  } else {
    pay = static_cast<v1::PayModel>(1 + rng.Weighted({50, 20, 10, 10, 10}));
  }
  t.set_pay_model(pay);
  int64_t rate = 0;
  switch (pay) {
    case v1::PAY_MODEL_PER_HOUR:
      rate = rng.Between(24, 44) * 50;  // 12 to 22 a hour
      break;
    case v1::PAY_MODEL_PER_APPOINTMENT:
      rate = rng.Between(4, 16) * 500;  // 20 to 80
      break;
    case v1::PAY_MODEL_PER_QUALIFIED_LEAD:
      rate = rng.Between(8, 30) * 100;  // 8 to 30
      break;
    case v1::PAY_MODEL_PER_CALL:
      rate = rng.Between(6, 24) * 5;  // 0.30 to 1.20
      break;
    default:
      rate = rng.Between(10, 60) * 5000;  // 500 to 3000 for the mission
      break;
  }
  t.mutable_rate()->set_currency_code(std::string(currency));
  t.mutable_rate()->set_minor_units(rate);
  t.set_renewals(rng.Chance(0.1) ? static_cast<int32_t>(rng.Between(1, 3)) : 0);
  return t;
}

Base DrawBase(const World& world, Rng& rng, bool open) {
  Base b;
  b.client = PickCompany(world, rng);
  const CompanyEntry& client = world.companies[b.client];
  const v1::Company& company = client.company;
  b.kind = static_cast<v1::CampaignKind>(1 + rng.Weighted({30, 45, 25}));
  // The campaign's market: one or two of the client's segments (a call centre calls for the
  // market of its own client, its other segment, when it has one).
  std::vector<std::string> segments(company.segments().begin(), company.segments().end());
  if (segments.size() > 1 && segments.front() == "82.20" && rng.Chance(0.7)) {
    segments.erase(segments.begin());
  }
  for (int i = static_cast<int>(segments.size()) - 1; i > 0; --i) {
    std::swap(segments[i], segments[rng.Below(i + 1)]);
  }
  segments.resize(std::min<size_t>(segments.size(), rng.Chance(0.7) ? 1 : 2));
  b.segments = segments;
  if (client.culture == Culture::kFlemish) b.main_language = kNl;

  const std::string& country = company.location().country_code();
  if (country == "FR") {
    b.country_options = {
        {"FR", "BE", "MA", "TN", "SN", "CA"}, {"FR", "BE", "MA", "TN", "SN"}, {"FR", "BE"}, {}};
    if (rng.Chance(0.5)) b.country_options.back() = {"FR"};
  } else {
    b.country_options = {{country, "FR"}, {country}};
    if (rng.Chance(0.5)) b.country_options.back() = {};
  }

  const absl::CivilDay today = world.today;
  if (open) {
    b.start = today + rng.Between(-90, 30);
    b.end = b.start + rng.Between(30, 180);
    if (b.end < today + 14) b.end = today + rng.Between(14, 60);
  } else {
    b.start = today - rng.Between(150, 400);
    b.end = b.start + rng.Between(30, 120);
  }
  b.terms = DrawTerms(rng, b.kind, country == "CA" ? "CAD" : "EUR");
  b.terms.set_planned_duration_days(static_cast<int32_t>(b.end - b.start + 1));
  b.planned_seats = static_cast<int>(rng.Between(3, 45));
  return b;
}

v1::Campaign Build(const World& world, const Base& b, const Knobs& k,
                   const std::vector<int>& preset_order, absl::string_view name, bool open,
                   int seat_scale) {
  const CompanyEntry& client = world.companies[b.client];
  const SchedulePreset& preset = Presets()[preset_order[k.schedule]];
  v1::Campaign c;
  c.set_name(std::string(name));
  const std::string segment_label(SegmentLabel(b.segments.front()));
  c.set_display_name(absl::StrCat(KindLabel(b.kind), " — ", segment_label));
  c.set_description(absl::StrCat(KindLabel(b.kind), " B2B pour ", client.company.display_name(),
                                 ", secteur « ", segment_label, " ». ", preset.label, "."));
  c.set_state(open ? v1::CAMPAIGN_STATE_OPEN : v1::CAMPAIGN_STATE_CLOSED);
  c.set_kind(b.kind);
  std::vector<std::string> segments;
  for (const std::string& s : b.segments) {
    std::string code = k.segment_level == 0 ? s : s.substr(0, k.segment_level == 1 ? 4 : 2);
    if (std::find(segments.begin(), segments.end(), code) == segments.end()) {
      segments.push_back(code);
    }
  }
  for (const std::string& s : segments) c.add_segments(s);
  v1::LanguageLevel* main = c.add_languages();
  main->set_language(std::string(Languages()[b.main_language]));
  main->set_level(kAskedLevels[k.main_level]);
  for (const auto& [language, level] : k.extra) {
    v1::LanguageLevel* l = c.add_languages();
    l->set_language(std::string(Languages()[language]));
    l->set_level(kAskedLevels[level]);
  }
  std::vector<int> skills;
  for (int s : k.skills) skills.push_back(SkillsByPopularity()[s]);
  std::sort(skills.begin(), skills.end());
  for (int s : skills) c.add_skills(static_cast<v1::Skill>(s));
  for (const std::string& country : b.country_options[k.countries]) c.add_countries(country);
  v1::WeeklySchedule* windows = c.mutable_calling_windows();
  windows->set_time_zone(client.time_zone);
  for (const auto& [day, start, end] : preset.windows)
    *windows->add_windows() = Window(day, start, end);
  c.set_weekly_minutes_per_seat(preset.imposed ? WeeklyMinutes(*windows) : preset.weekly_minutes);
  c.set_seats(b.planned_seats * seat_scale);
  *c.mutable_start_date() = ToDate(b.start);
  *c.mutable_end_date() = ToDate(b.end);
  *c.mutable_terms() = b.terms;
  c.mutable_terms()->set_imposed_schedule(preset.imposed);
  c.set_min_validated_rate_permille(kThresholds[k.threshold].first);
  c.set_min_quality_observations(kThresholds[k.threshold].second);
  return c;
}

// How many of the first `size` sampled people the campaign would likely accept.
int CountEligible(const std::vector<SampledPerson>& sample, const CampaignFilter& filter,
                  size_t size) {
  const OtherWork none;
  int n = 0;
  for (size_t i = 0; i < size && i < sample.size(); ++i) {
    const SampledPerson& p = sample[i];
    if (LikelyEligible(p.traits, filter, none) && PassesThreshold(p.latent, filter)) ++n;
  }
  return n;
}

// How far a count is from a target count, as a ratio >= 1 (smoothed for tiny counts).
double Distance(double count, double target) {
  const double a = count + 0.5;
  const double b = target + 0.5;
  return a > b ? a / b : b / a;
}

// Languages a campaign adds, and how often.
constexpr int kExtraLanguages[] = {kEn, kEs, kDe, kIt, kAr, kNl, kPt};
constexpr double kExtraWeights[] = {60, 12, 10, 6, 7, 3, 2};

bool AddLanguage(Rng& rng, const Base& b, Knobs& k) {
  if (k.extra.size() >= 2) return false;
  std::vector<double> w(std::begin(kExtraWeights), std::end(kExtraWeights));
  for (size_t i = 0; i < w.size(); ++i) {
    if (kExtraLanguages[i] == b.main_language) w[i] = 0;
    for (const auto& [language, level] : k.extra) {
      if (language == kExtraLanguages[i]) w[i] = 0;
    }
  }
  const size_t i = rng.Weighted(w);
  if (w[i] == 0) return false;
  k.extra.push_back({kExtraLanguages[i], 0});
  return true;
}

bool AddSkill(Rng& rng, Knobs& k, bool rare_first) {
  if (k.skills.size() >= 4) return false;
  std::vector<double> w(SkillWeights().begin(), SkillWeights().end());
  if (rare_first) std::reverse(w.begin(), w.end());
  for (int s : k.skills) w[s] = 0;
  const size_t i = rng.Weighted(w);
  if (w[i] == 0) return false;
  k.skills.push_back(static_cast<int>(i));
  return true;
}

// One random move making the campaign stricter (tighten) or looser; false if none applies.
bool Move(Rng& rng, const Base& b, Knobs& k, bool tighten, int presets) {
  for (int attempt = 0; attempt < 12; ++attempt) {
    const size_t move = rng.Weighted({3, 1, 1, 2, 2, 3, 1, 1});
    const int dir = tighten ? 1 : -1;
    switch (move) {
      case 0:  // calling hours
        if (k.schedule + dir >= 0 && k.schedule + dir < presets) {
          k.schedule += dir;
          return true;
        }
        break;
      case 1:
        if (k.countries + dir >= 0 &&
            k.countries + dir < static_cast<int>(b.country_options.size())) {
          k.countries += dir;
          return true;
        }
        break;
      case 2:
        if (k.main_level + dir >= 0 && k.main_level + dir < 4) {
          k.main_level += dir;
          return true;
        }
        break;
      case 3:  // another language, or one fewer
        if (tighten) {
          if (AddLanguage(rng, b, k)) return true;
        } else if (!k.extra.empty()) {
          k.extra.pop_back();
          return true;
        }
        break;
      case 4:  // a language's level
        if (!k.extra.empty()) {
          auto& level = k.extra[rng.Below(k.extra.size())].second;
          if (level + dir >= 0 && level + dir < 4) {
            level += dir;
            return true;
          }
        }
        break;
      case 5:  // a skill more or less
        if (tighten) {
          if (AddSkill(rng, k, rng.Chance(0.3))) return true;
        } else if (!k.skills.empty()) {
          k.skills.erase(k.skills.begin() + rng.Below(k.skills.size()));
          return true;
        }
        break;
      case 6:
        if (k.threshold + dir >= 0 && k.threshold + dir < 4) {
          k.threshold += dir;
          return true;
        }
        break;
      default:
        if (k.segment_level + dir >= 0 && k.segment_level + dir < 3) {
          k.segment_level += dir;
          return true;
        }
        break;
    }
  }
  return false;
}

// A starting point suited to the target, with some variety.
Knobs Start(Rng& rng, const Base& b, double target, int presets) {
  Knobs k;
  if (target >= 0.15) {
    k.schedule = static_cast<int>(rng.Below(2));
    if (rng.Chance(0.5)) k.skills.push_back(KindSkill(b.kind));
  } else if (target >= 0.01) {
    k.schedule = static_cast<int>(rng.Below(presets / 2 + 1));
    k.main_level = 1;
    k.countries = static_cast<int>(rng.Below(b.country_options.size()));
    k.skills.push_back(KindSkill(b.kind));
    if (rng.Chance(0.5)) {
      k.extra.push_back({kEn, 0});
    }
  } else {
    k.schedule = presets / 3 + static_cast<int>(rng.Below(presets - presets / 3));
    k.main_level = 1 + static_cast<int>(rng.Below(2));
    k.countries = static_cast<int>(b.country_options.size()) - 1;
    k.skills.push_back(KindSkill(b.kind));
    AddSkill(rng, k, target < 0.001);
    if (AddLanguage(rng, b, k)) k.extra.back().second = 1;
    if (target < 0.001) k.threshold = 1 + static_cast<int>(rng.Below(3));
  }
  k.segment_level = static_cast<int>(rng.Weighted({70, 20, 10}));
  return k;
}

// A target share, 10^x with x drawn in hundredths: narrow (2e-5 to 1e-3) for a fifth, broad
// (20% to 56%) for a fifth, and in between for the rest. Computed without libm.
double DrawTarget(Rng& rng) {
  int64_t hundredths;
  switch (rng.Weighted({20, 60, 20})) {
    case 0:
      hundredths = rng.Between(-470, -300);
      break;
    case 1:
      hundredths = rng.Between(-300, -70);
      break;
    default:
      hundredths = rng.Between(-70, -25);
      break;
  }
  constexpr double kStep = 1.023292992280754;  // 10^0.01
  double share = 1.0;
  for (int64_t i = 0; i < -hundredths; ++i) share /= kStep;
  return share;
}

std::array<int, 7> DayMinutes(const v1::Campaign& c) {
  std::array<int, 7> minutes = {};
  for (const v1::WeeklyWindow& w : c.calling_windows().windows()) {
    int end = w.end_minute();
    if (end <= w.start_minute()) end += kMinutesPerWeek;
    minutes[(w.start_minute() / 1440) % 7] += end - w.start_minute();
  }
  return minutes;
}

}  // namespace

std::vector<CampaignPlan> DrawCampaigns(const World& world,
                                        const std::vector<SampledPerson>& sample, int open,
                                        int closed, int64_t population) {
  const int presets = static_cast<int>(Presets().size());
  // Order the presets from the broadest to the narrowest, as measured on the sample with
  // nothing else asked.
  std::vector<int> order(presets);
  {
    std::vector<int> pass(presets, 0);
    for (int i = 0; i < presets; ++i) {
      order[i] = i;
      v1::Campaign probe;
      probe.add_countries("FR");
      probe.mutable_calling_windows()->set_time_zone("Europe/Paris");
      for (const auto& [day, start, end] : Presets()[i].windows) {
        *probe.mutable_calling_windows()->add_windows() = Window(day, start, end);
      }
      probe.set_weekly_minutes_per_seat(Presets()[i].weekly_minutes);
      probe.mutable_terms()->set_imposed_schedule(Presets()[i].imposed);
      *probe.mutable_start_date() = ToDate(world.today);
      *probe.mutable_end_date() = ToDate(world.today + 60);
      CompanyEntry nobody;
      nobody.company.mutable_location()->set_country_code("FR");
      pass[i] = CountEligible(sample, CompileFilter(probe, nobody, world), sample.size());
    }
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return pass[a] > pass[b]; });
  }

  const int width = std::max<int>(4, static_cast<int>(absl::StrCat(open + closed).size()));
  std::vector<CampaignPlan> plans;
  plans.reserve(open + closed);
  for (int j = 0; j < open + closed; ++j) {
    const bool is_open = j < open;
    Rng rng(world.seed, is_open ? kCampaignStream : kClosedCampaignStream,
            static_cast<uint64_t>(is_open ? j : j - open));
    CampaignPlan plan;
    plan.open = is_open;
    const Base base = DrawBase(world, rng, is_open);
    plan.client = base.client;
    const CompanyEntry& client = world.companies[base.client];
    const std::string name =
        absl::StrFormat("%s/campaigns/k%0*d", client.company.name(), width, j + 1);
    // Seats grow with the population so that missions spread as they would on a larger
    // platform; one seat scale unit per 20,000 teleoperators.
    const int seat_scale = static_cast<int>(std::max<int64_t>(1, population / 20'000));
    Knobs knobs;
    if (is_open) {
      const double target = DrawTarget(rng);
      plan.target_share = target;
      // A broad target needs fewer people to be estimated well: about 500 expected eligible.
      const size_t used =
          std::min(sample.size(), std::max<size_t>(5000, static_cast<size_t>(500 / target)));
      const double target_count = target * static_cast<double>(used);
      knobs = Start(rng, base, target, presets);
      auto estimate = [&](const Knobs& k) {
        v1::Campaign c = Build(world, base, k, order, name, true, seat_scale);
        return CountEligible(sample, CompileFilter(c, client, world), used);
      };
      int best_count = estimate(knobs);
      double best = Distance(best_count, target_count);
      for (int step = 0; step < 40 && best > 1.25; ++step) {
        Knobs candidate = knobs;
        if (!Move(rng, base, candidate, best_count > target_count, presets)) continue;
        const int count = estimate(candidate);
        const double distance = Distance(count, target_count);
        if (distance < best) {
          knobs = std::move(candidate);
          best = distance;
          best_count = count;
        }
      }
      plan.estimated_share = best_count / static_cast<double>(used);
    } else {
      knobs = Start(rng, base, 0.05, presets);
    }
    plan.campaign = Build(world, base, knobs, order, name, is_open, seat_scale);
    plan.planned_seats = plan.campaign.seats();
    plan.filter = CompileFilter(plan.campaign, client, world);
    plan.day_minutes = DayMinutes(plan.campaign);
    plans.push_back(std::move(plan));
  }
  return plans;
}

}  // namespace callmatch::matching::generator_internal

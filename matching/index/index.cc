#include "matching/index/index.h"

#include <algorithm>
#include <bitset>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "matching/explain.h"
#include "matching/index/verdict.h"
#include "matching/policy.h"
#include "matching/ranking.h"
#include "matching/registration.h"
#include "matching/rules.h"
#include "matching/segments.h"
#include "matching/workload.h"

namespace callmatch::matching {

// One teleoperator: its records, its facts, and where it is entered (to take it out again).
struct MatchingIndex::Slot {
  // Its records without the activity logs: the facts keep what the rules read of them (totals,
  // minutes per week, revenue by day), and explanations take the records from the caller.
  TeleoperatorData data;
  TeleoperatorFacts facts;                             // points into `data` and the catalog
  std::vector<std::pair<std::string, int>> languages;  // lower-cased, highest level
  std::vector<int> skills;                             // sorted
  std::vector<uint32_t> sectors;                       // interned sector_experience codes
  absl::CivilDay verified;                             // when registered_
  std::string zone;                                    // the availability's zone name
  std::bitset<168> hours;                              // hours of the week its availability covers
  std::string country;
  std::vector<std::string> exclusion_keys;
  std::vector<std::string> dependency_keys;
};

namespace {

constexpr int kMaxLevel = 7;  // CEFR_LEVEL_NATIVE

// The exclusion-set keys of a segment held by a teleoperator (an employer's, a clause's, a held
// mission's): every node of its path ("s:"), its last node ("l:"), or the code itself when it
// does not parse ("r:"). A campaign segment then finds every overlapping one (segments.h): the
// ones below or at it under "s:<its last node>", the ones above it under "l:<each node>".
void AddSegmentKeys(const std::string& code, std::vector<std::string>& keys) {
  const std::string normalized = NormalizeSegment(code);
  if (normalized.empty()) return;  // overlaps nothing
  const std::vector<std::string> path = SegmentPath(normalized);
  if (path.empty()) {
    keys.push_back(absl::StrCat("r:", normalized));
    return;
  }
  for (const std::string& node : path) keys.push_back(absl::StrCat("s:", node));
  keys.push_back(absl::StrCat("l:", path.back()));
}

// The keys under which a campaign segment finds the teleoperators' overlapping segments.
void AddCampaignSegmentKeys(const std::string& code, std::vector<std::string>& keys) {
  const std::string normalized = NormalizeSegment(code);
  if (normalized.empty()) return;
  const std::vector<std::string> path = SegmentPath(normalized);
  if (path.empty()) {
    keys.push_back(absl::StrCat("r:", normalized));
    return;
  }
  keys.push_back(absl::StrCat("s:", path.back()));
  for (const std::string& node : path) keys.push_back(absl::StrCat("l:", node));
}

template <typename T>
void SortUnique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// An hour of daylight-saving change can shorten a fixed job's own week; no zone moves its clocks
// by more than this within one week, so a job's week minutes are at least its nominal minutes
// less this margin.
constexpr int64_t kDaylightMarginMinutes = 180;

// An upper bound of the slack component, from a lower bound of the week's load: this campaign's
// minutes, every current employment's and other mission's nominal minutes (less the margin for
// fixed ones). Slack decreases with the load, so it bounds the slack of MakeWorkWeek's jobs.
int64_t BestSlack(const CampaignContext& c, const TeleoperatorFacts& t, int64_t cap) {
  int64_t load = c.week_minutes;
  for (const EmploymentFacts& e : t.employments) {
    if (Overlaps(e.period, c.remaining)) {
      load += std::max<int64_t>(0, e.nominal_week_minutes - kDaylightMarginMinutes);
    }
  }
  for (const ContractFacts& k : t.contracts) {
    if (!k.holds_time || k.campaign->name() == c.campaign->name() ||
        !Overlaps(k.period, c.remaining)) {
      continue;
    }
    load += k.imposed ? std::max<int64_t>(0, k.nominal_week_minutes - kDaylightMarginMinutes)
                      : k.nominal_week_minutes;
  }
  return std::clamp<int64_t>(cap - load, 0, cap) * kFixedPointOne / cap;
}

// The hours of the week (Monday 00:00 = 0) that a schedule's windows cover entirely, nominally:
// windows [start, end) in minutes of the week, end < start wrapping, start == end empty.
std::bitset<168> FullHours(const v1::WeeklySchedule& schedule) {
  std::vector<char> minutes(kMinutesPerWeek, 0);
  auto cover = [&](int64_t from, int64_t to) {
    for (int64_t m = from; m < to; ++m) minutes[m] = 1;
  };
  for (const v1::WeeklyWindow& w : schedule.windows()) {
    if (w.end_minute() < w.start_minute()) {
      cover(w.start_minute(), kMinutesPerWeek);
      cover(0, w.end_minute());
    } else {
      cover(w.start_minute(), w.end_minute());
    }
  }
  std::bitset<168> hours;
  for (int h = 0; h < 168; ++h) {
    bool all = true;
    for (int m = 60 * h; m < 60 * h + 60 && all; ++m) all = minutes[m] != 0;
    hours.set(h, all);
  }
  return hours;
}

// Whether every day of `zone` from monday - 8 to monday + 14 lasts 24 hours: then the schedules
// ExpandSchedule expands around that Monday map local minutes to instants by one offset, and two
// schedules of that zone compare minute for minute as written.
bool SteadyAround(absl::CivilDay monday, const absl::TimeZone& zone) {
  for (absl::CivilDay d = monday - 8; d < monday + 15; ++d) {
    if (absl::FromCivil(d + 1, zone) - absl::FromCivil(d, zone) != absl::Hours(24)) return false;
  }
  return true;
}

// A ranked teleoperator in the bounded heap.
struct Ranked {
  int64_t score = 0;
  const std::string* name = nullptr;
  std::vector<v1::ScoreComponent> components;
};
// a ranks before b: higher score, then lower name (RanksBefore). As the heap's "less", the
// heap's top is the one that ranks last.
struct RanksFirst {
  bool operator()(const Ranked& a, const Ranked& b) const {
    if (a.score != b.score) return a.score > b.score;
    return *a.name < *b.name;
  }
};

// The k best, in a bounded heap whose front is the one that ranks last.
class TopK {
 public:
  explicit TopK(size_t k) : k_(k) {}
  bool full() const { return heap_.size() >= k_; }
  int64_t worst_score() const { return heap_.front().score; }
  // Whether (score, name) would enter now.
  bool Enters(int64_t score, const std::string& name) const {
    if (k_ == 0) return false;
    if (heap_.size() < k_) return true;
    const Ranked& worst = heap_.front();
    return score != worst.score ? score > worst.score : name < *worst.name;
  }
  void Offer(Ranked r) {
    if (!Enters(r.score, *r.name)) return;
    if (heap_.size() >= k_) {
      std::pop_heap(heap_.begin(), heap_.end(), RanksFirst());
      heap_.pop_back();
    }
    heap_.push_back(std::move(r));
    std::push_heap(heap_.begin(), heap_.end(), RanksFirst());
  }
  // Best first, ranks from 1.
  std::vector<v1::Match> Take() {
    std::sort(heap_.begin(), heap_.end(), RanksFirst());
    std::vector<v1::Match> out;
    for (size_t i = 0; i < heap_.size(); ++i) {
      v1::Match m;
      m.set_teleoperator(*heap_[i].name);
      m.set_score(heap_[i].score);
      m.set_rank(static_cast<int32_t>(i + 1));
      for (v1::ScoreComponent& c : heap_[i].components) *m.add_components() = std::move(c);
      out.push_back(std::move(m));
    }
    heap_.clear();
    return out;
  }

 private:
  size_t k_;
  std::vector<Ranked> heap_;
};

// The slot's copy of `teleoperator`, its facts made, then its logs dropped.
void SetRecords(const Dataset& catalog, const TeleoperatorData& teleoperator,
                TeleoperatorData& data, TeleoperatorFacts& facts) {
  data.profile = teleoperator.profile;
  data.profile.clear_display_name();
  data.profile.clear_create_time();
  data.profile.clear_update_time();
  data.employments = teleoperator.employments;
  data.contracts.clear();
  data.contracts.reserve(teleoperator.contracts.size());
  for (const ContractData& k : teleoperator.contracts) data.contracts.push_back({k.contract, {}});
  // The facts read the logs from the caller's records, once.
  facts = MakeTeleoperatorFacts(catalog, teleoperator);
  facts.data = &data;
  for (size_t i = 0; i < data.employments.size(); ++i) {
    facts.employments[i].employment = &data.employments[i];
  }
  for (size_t i = 0; i < data.contracts.size(); ++i) facts.contracts[i].data = &data.contracts[i];
}

}  // namespace

MatchingIndex::MatchingIndex() = default;
MatchingIndex::~MatchingIndex() = default;

// --- Writer
// ---------------------------------------------------------------------------------------

void MatchingIndex::Compile(uint32_t id) {
  Slot& s = *slots_[id];
  const v1::Teleoperator& profile = s.data.profile;
  live_.Set(id);

  // Rule 8: each language listed, at its highest level.
  s.languages.clear();
  for (const v1::LanguageLevel& l : profile.languages()) {
    const std::string language = absl::AsciiStrToLower(l.language());
    bool seen = false;
    for (const auto& [name, level] : s.languages) seen = seen || name == language;
    if (seen) continue;
    s.languages.emplace_back(language, std::max<int>(0, LevelIn(profile, language)));
  }
  for (const auto& [language, level] : s.languages) {
    auto& by_level = language_[language];
    for (int l = 0; l <= std::min(level, kMaxLevel); ++l) by_level[l].Set(id);
  }
  s.sectors.clear();
  for (const std::string& code : profile.sector_experience()) {
    s.sectors.push_back(InternSegment(code));
  }
  // Rule 9.
  s.skills.assign(profile.skills().begin(), profile.skills().end());
  SortUnique(s.skills);
  for (int skill : s.skills) skill_[skill].Set(id);
  // Rule 7's availability hours (none when the windows are unreadable: rule 7 then fails).
  s.zone = profile.availability().time_zone();
  s.hours.reset();
  if (ValidateWindows(profile.availability()).ok()) s.hours = FullHours(profile.availability());
  std::unique_ptr<ZoneSlots>& zone = availability_[s.zone];
  if (zone == nullptr) zone = std::make_unique<ZoneSlots>();
  zone->in_zone.Set(id);
  for (int h = 0; h < kHours; ++h) {
    if (s.hours.test(h)) zone->covers[h].Set(id);
  }
  // Rule 10.
  s.country = absl::AsciiStrToUpper(profile.establishment().country_code());
  country_[s.country].Set(id);
  // Rule 11, all but the age.
  if (profile.registration().status() == v1::REGISTRATION_STATUS_VERIFIED &&
      ToCivilDay(profile.registration().verify_date()).has_value() &&
      s.facts.registration_number_status.ok()) {
    registered_.Set(id);
    s.verified = *ToCivilDay(profile.registration().verify_date());
  }

  // Rules 1 to 5: the exclusion sets; and what the facts read, for company and campaign changes.
  s.exclusion_keys.clear();
  s.dependency_keys.clear();
  for (const EmploymentFacts& e : s.facts.employments) {
    for (const std::string& key : e.employer.group_keys) {
      s.exclusion_keys.push_back(absl::StrCat("g:", key));
      s.dependency_keys.push_back(absl::StrCat("n:", key));
    }
    for (const std::string& segment : e.employer.segments) {
      AddSegmentKeys(segment, s.exclusion_keys);
    }
    if (e.employment->has_non_compete()) {
      for (const std::string& segment : e.employment->non_compete().segments()) {
        AddSegmentKeys(segment, s.exclusion_keys);
      }
    }
    if (e.employment->exclusivity_clause() && !e.employment->employer_authorisation()) {
      exclusivity_.Set(id);
    }
  }
  for (const ContractFacts& k : s.facts.contracts) {
    s.dependency_keys.push_back(absl::StrCat("c:", k.client_name));
    s.dependency_keys.push_back(absl::StrCat("k:", k.data->contract.campaign()));
    for (const std::string& key : k.client_group_keys) {
      s.dependency_keys.push_back(absl::StrCat("n:", key));
    }
    if (k.holds_time) {
      for (const std::string& segment : k.campaign->segments()) {
        AddSegmentKeys(segment, s.exclusion_keys);
      }
    }
  }
  SortUnique(s.exclusion_keys);
  SortUnique(s.dependency_keys);
  for (const std::string& key : s.exclusion_keys) exclusion_[key].insert(id);
  for (const std::string& key : s.dependency_keys) dependents_[key].insert(id);
  contracts_ += static_cast<int64_t>(s.data.contracts.size());
}

void MatchingIndex::Uncompile(uint32_t id) {
  Slot& s = *slots_[id];
  live_.Clear(id);
  for (const auto& [language, level] : s.languages) {
    auto& by_level = language_[language];
    for (int l = 0; l <= std::min(level, kMaxLevel); ++l) by_level[l].Clear(id);
  }
  for (int skill : s.skills) skill_[skill].Clear(id);
  country_[s.country].Clear(id);
  registered_.Clear(id);
  exclusivity_.Clear(id);
  ZoneSlots& zone = *availability_[s.zone];
  zone.in_zone.Clear(id);
  for (int h = 0; h < kHours; ++h) {
    if (s.hours.test(h)) zone.covers[h].Clear(id);
  }
  // Empty sets stay: a key comes back, and erasing would rehash under the readers' feet later.
  for (const std::string& key : s.exclusion_keys) exclusion_[key].erase(id);
  for (const std::string& key : s.dependency_keys) dependents_[key].erase(id);
  contracts_ -= static_cast<int64_t>(s.data.contracts.size());
}

void MatchingIndex::RecompileDependents(const std::vector<std::string>& keys) {
  std::vector<uint32_t> ids;
  for (const std::string& key : keys) {
    auto it = dependents_.find(key);
    if (it != dependents_.end()) ids.insert(ids.end(), it->second.begin(), it->second.end());
  }
  SortUnique(ids);
  for (uint32_t id : ids) {
    Slot& s = *slots_[id];
    Uncompile(id);
    // The slot keeps no logs: carry over what the facts made of them (contracts are unchanged).
    TeleoperatorFacts facts = MakeTeleoperatorFacts(catalog_, s.data);
    facts.logs = std::move(s.facts.logs);
    for (size_t i = 0; i < facts.contracts.size(); ++i) {
      facts.contracts[i].minutes_by_week = std::move(s.facts.contracts[i].minutes_by_week);
    }
    s.facts = std::move(facts);
    Compile(id);
  }
}

uint32_t MatchingIndex::InternSegment(const std::string& code) {
  auto [it, inserted] = segment_id_.try_emplace(code, segment_codes_.size());
  if (inserted) {
    const std::string normalized = NormalizeSegment(code);
    segment_codes_.push_back({normalized, SegmentPath(normalized)});
  }
  return it->second;
}

void MatchingIndex::PutLocked(const TeleoperatorData& teleoperator) {
  const std::string& name = teleoperator.profile.name();
  auto [it, inserted] = slot_of_.try_emplace(name, 0);
  if (!inserted) {
    Slot& s = *slots_[it->second];
    Uncompile(it->second);
    SetRecords(catalog_, teleoperator, s.data, s.facts);
    Compile(it->second);
    return;
  }
  uint32_t id;
  if (!free_slots_.empty()) {
    id = free_slots_.back();
    free_slots_.pop_back();
  } else {
    id = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  it->second = id;
  slots_[id] = std::make_unique<Slot>();
  SetRecords(catalog_, teleoperator, slots_[id]->data, slots_[id]->facts);
  Compile(id);
}

void MatchingIndex::Load(const Dataset& dataset) {
  absl::MutexLock lock(&mu_);
  catalog_ = Dataset();
  slots_.clear();
  free_slots_.clear();
  slot_of_.clear();
  contracts_ = 0;
  live_.ClearAll();
  language_.clear();
  skill_.clear();
  country_.clear();
  registered_.ClearAll();
  exclusion_.clear();
  exclusivity_.ClearAll();
  availability_.clear();
  dependents_.clear();
  segment_codes_.clear();
  segment_id_.clear();
  // Companies first: a campaign needs its company.
  for (const auto& [name, company] : dataset.companies()) (void)catalog_.Upsert(company);
  for (const auto& [name, campaign] : dataset.campaigns()) (void)catalog_.Upsert(campaign);
  slots_.reserve(dataset.teleoperators().size());
  for (const auto& [name, data] : dataset.teleoperators()) PutLocked(data);
}

absl::Status MatchingIndex::Upsert(const v1::Company& company) {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> keys = {absl::StrCat("c:", company.name())};
  if (const v1::Company* old = catalog_.company(company.name()); old != nullptr) {
    keys.push_back(absl::StrCat(
        "n:", CompanyNumber(old->location().country_code(), old->registration().number())));
  }
  if (absl::Status s = catalog_.Upsert(company); !s.ok()) return s;
  keys.push_back(absl::StrCat(
      "n:", CompanyNumber(company.location().country_code(), company.registration().number())));
  RecompileDependents(keys);
  return absl::OkStatus();
}

absl::Status MatchingIndex::Upsert(const v1::Campaign& campaign) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = catalog_.Upsert(campaign); !s.ok()) return s;
  RecompileDependents({absl::StrCat("k:", campaign.name())});
  return absl::OkStatus();
}

void MatchingIndex::PutTeleoperator(const TeleoperatorData& teleoperator) {
  absl::MutexLock lock(&mu_);
  PutLocked(teleoperator);
}

bool MatchingIndex::RemoveTeleoperator(absl::string_view name) {
  absl::MutexLock lock(&mu_);
  auto it = slot_of_.find(name);
  if (it == slot_of_.end()) return false;
  const uint32_t id = it->second;
  Uncompile(id);
  slots_[id].reset();
  free_slots_.push_back(id);
  slot_of_.erase(it);
  return true;
}

// --- Readers
// --------------------------------------------------------------------------------------

absl::StatusOr<CampaignContext> MatchingIndex::Context(absl::string_view campaign_name,
                                                       const v1::MatchingPolicy& policy,
                                                       absl::CivilDay today) const {
  if (absl::Status s = ValidatePolicy(policy); !s.ok()) return s;
  const v1::Campaign* campaign = catalog_.campaign(campaign_name);
  if (campaign == nullptr) {
    return absl::NotFoundError(absl::StrCat("campaign ", campaign_name, " not found"));
  }
  return MakeCampaignContext(catalog_, *campaign, today);
}

Bitmap MatchingIndex::Candidates(const CampaignContext& c) const {
  Bitmap candidates = live_;
  const Bitmap empty;
  // Rule 8: each language at its level (a level past NATIVE is checked exactly afterwards).
  for (const v1::LanguageLevel& need : c.campaign->languages()) {
    auto it = language_.find(absl::AsciiStrToLower(need.language()));
    if (it == language_.end()) return empty;
    candidates.AndWith(it->second[std::clamp<int>(need.level(), 0, kMaxLevel)]);
  }
  // Rule 9.
  for (int skill : c.campaign->skills()) {
    if (skill == v1::SKILL_UNSPECIFIED) continue;
    auto it = skill_.find(skill);
    if (it == skill_.end()) return empty;
    candidates.AndWith(it->second);
  }
  // Rule 10.
  if (!c.countries.empty()) {
    Bitmap accepted;
    for (const std::string& country : c.countries) {
      if (auto it = country_.find(country); it != country_.end()) accepted.OrWith(it->second);
    }
    candidates.AndWith(accepted);
  }
  // Rule 11 but the age.
  candidates.AndWith(registered_);
  // Rule 7, imposed: every hour the campaign's windows fill must be in the availability of a
  // teleoperator of the same zone (free time is availability less other work). Only when no
  // clock change falls near the reference week, so that both schedules read minute for minute;
  // teleoperators of other zones are left to the exact rule.
  if (c.imposed && SteadyAround(c.week.monday, c.zone)) {
    const std::bitset<168> needed = FullHours(c.campaign->calling_windows());
    auto it = availability_.find(c.campaign->calling_windows().time_zone());
    if (needed.any() && it != availability_.end()) {
      Bitmap covered = it->second->in_zone;
      for (int h = 0; h < kHours; ++h) {
        if (needed.test(h)) covered.AndWith(it->second->covers[h]);
      }
      Bitmap uncovered = it->second->in_zone;
      uncovered.AndNotWith(covered);
      candidates.AndNotWith(uncovered);
    }
  }
  return candidates;
}

absl::StatusOr<MatchResult> MatchingIndex::Match(absl::string_view campaign_name,
                                                 const v1::MatchingPolicy& policy,
                                                 absl::CivilDay today,
                                                 const MatchOptions& options) const {
  if (options.top_k < 0) return absl::InvalidArgumentError("top_k is negative");
  absl::ReaderMutexLock lock(&mu_);
  absl::StatusOr<CampaignContext> context = Context(campaign_name, policy, today);
  if (!context.ok()) return context.status();
  const CampaignContext& c = *context;
  MatchResult result;
  result.as_of = c.as_of;

  Bitmap candidates = Candidates(c);
  // Rules 1 to 5: the slots in the campaign's exclusion sets are checked exactly; the others
  // hold nothing these rules could fail on.
  std::vector<std::string> keys;
  for (const std::string& key : c.client_group_keys) keys.push_back(absl::StrCat("g:", key));
  for (const std::string& segment : c.campaign->segments()) AddCampaignSegmentKeys(segment, keys);
  Bitmap checked;
  auto check = [&](uint32_t id) {
    if (!candidates.Test(id) || checked.Test(id)) return;
    checked.Set(id);
    if (!PassesRelationRules(c, slots_[id]->facts, policy)) candidates.Clear(id);
  };
  for (const std::string& key : keys) {
    if (auto it = exclusion_.find(key); it != exclusion_.end()) {
      for (uint32_t id : it->second) check(id);
    }
  }
  exclusivity_.ForEach(check);

  bool language_past_native = false;
  for (const v1::LanguageLevel& need : c.campaign->languages()) {
    language_past_native = language_past_native || need.level() > kMaxLevel;
  }
  // What the bitmaps leave of rules 8 and 11 (a level past NATIVE, the verification's age), and
  // rule 12.
  const int64_t max_age = policy.registration_max_age_days();
  auto passes_rest = [&](const Slot& s) {
    return c.as_of - s.verified <= max_age && PassesThreshold(c, s.facts) &&
           (!language_past_native || PassesLanguage(c, s.facts));
  };
  TopK top(static_cast<size_t>(options.top_k));
  auto rank = [&](const Slot& s, const WorkWeek& work) {
    const RuleInput in{c, s.facts, work, policy};
    Ranked r;
    r.components = ScoreComponents(in);
    r.score = TotalScore(r.components);
    r.name = &s.data.profile.name();
    top.Offer(std::move(r));
  };

  if (options.exact_count) {
    int64_t count = 0;
    candidates.ForEach([&](uint32_t id) {
      const Slot& s = *slots_[id];
      if (!passes_rest(s)) return;
      ++result.time_rules_evaluated;
      const WorkWeek work = MakeWorkWeek(c, s.facts);
      if (!PassesTimeRules(c, s.facts, work, policy)) return;
      ++count;
      if (options.list_eligible) result.eligible.push_back(s.data.profile.name());
      rank(s, work);
    });
    result.eligible_count = count;
    std::sort(result.eligible.begin(), result.eligible.end());
    result.top = top.Take();
    return result;
  }

  // Pruned: every component but slack is cheap; slack is at most what a lower bound of the
  // week's load leaves of the weekly cap (BestSlack), and the dependence penalty at least 0 (it
  // is left out: it scans the revenue logs, and is 0 for most pairs anyway). Evaluate the time
  // rules in descending order of that bound and stop when the k-th score is strictly above the next
  // bound (ties rank by name, so an equal bound may still enter).
  if (options.top_k == 0) return result;
  const int64_t cap = policy.max_weekly_minutes();
  // The public components from the slot's compact fields (the same formulas as ranking.cc).
  std::vector<int> relevant;  // skill_fit's skills: the campaign's and its kind's
  {
    for (int skill : c.campaign->skills()) {
      if (skill != v1::SKILL_UNSPECIFIED) relevant.push_back(skill);
    }
    switch (c.campaign->kind()) {
      case v1::CAMPAIGN_KIND_COLD_CALLING:
        relevant.push_back(v1::SKILL_COLD_CALLING);
        break;
      case v1::CAMPAIGN_KIND_APPOINTMENT_SETTING:
        relevant.push_back(v1::SKILL_APPOINTMENT_SETTING);
        break;
      case v1::CAMPAIGN_KIND_LEAD_QUALIFICATION:
        relevant.push_back(v1::SKILL_LEAD_QUALIFICATION);
        break;
      default:
        break;
    }
    SortUnique(relevant);
  }
  std::vector<std::string> languages;
  for (const v1::LanguageLevel& l : c.campaign->languages()) {
    languages.push_back(absl::AsciiStrToLower(l.language()));
  }
  // sector_fit of each interned code for each campaign segment.
  const auto& segments = c.campaign->segments();
  std::vector<std::vector<int64_t>> sector_fit(segments.size());
  for (int i = 0; i < segments.size(); ++i) {
    const std::string campaign_code = NormalizeSegment(segments[i]);
    const std::vector<std::string> campaign_path = SegmentPath(campaign_code);
    const int64_t level_c = static_cast<int64_t>(campaign_path.size());
    sector_fit[i].resize(segment_codes_.size(), 0);
    for (size_t e = 0; e < segment_codes_.size(); ++e) {
      const SegmentCode& code = segment_codes_[e];
      if (campaign_code.empty() || code.normalized.empty()) continue;
      const int64_t level_e = static_cast<int64_t>(code.path.size());
      if (level_c == 0 || level_e == 0) {
        if (campaign_code == code.normalized) sector_fit[i][e] = kFixedPointOne;
        continue;
      }
      if (!std::equal(campaign_path.begin(), campaign_path.begin() + std::min(level_c, level_e),
                      code.path.begin())) {
        continue;
      }
      sector_fit[i][e] = kFixedPointOne * std::min(level_c, level_e) / level_c;
    }
  }
  struct Bound {
    int64_t bound;
    uint32_t id;
  };
  std::vector<Bound> bounds;
  candidates.ForEach([&](uint32_t id) {
    const Slot& s = *slots_[id];
    if (!passes_rest(s)) return;
    int64_t skill = kFixedPointOne;
    if (!relevant.empty()) {
      int64_t held = 0;
      for (int r : relevant) held += std::binary_search(s.skills.begin(), s.skills.end(), r);
      skill = held * kFixedPointOne / static_cast<int64_t>(relevant.size());
    }
    int64_t sector = 0;
    if (!sector_fit.empty()) {
      for (const std::vector<int64_t>& fit : sector_fit) {
        int64_t best = 0;
        for (uint32_t e : s.sectors) best = std::max(best, fit[e]);
        sector += best;
      }
      sector /= static_cast<int64_t>(sector_fit.size());
    }
    int64_t language = 0;
    if (!languages.empty()) {
      for (const std::string& l : languages) {
        for (const auto& [name, level] : s.languages) {
          if (name == l) language += kFixedPointOne * level / kMaxLevel;
        }
      }
      language /= static_cast<int64_t>(languages.size());
    }
    const int64_t sum = skill * policy.weight_skill_fit() + sector * policy.weight_sector_fit() +
                        language * policy.weight_language() +
                        BestSlack(c, s.facts, cap) * policy.weight_slack() +
                        Quality(s.facts, policy) * policy.weight_quality() +
                        Fairness(c, s.facts, policy) * policy.weight_fairness();
    bounds.push_back({FloorDiv(sum, kFixedPointOne), id});
  });
  // Best bounds first, a batch at a time (a full sort would cost more than the matching).
  const auto higher = [](const Bound& a, const Bound& b) { return a.bound > b.bound; };
  size_t batch = std::max<size_t>(64, 4 * static_cast<size_t>(options.top_k));
  bool done = false;
  for (size_t begin = 0; begin < bounds.size() && !done; begin += batch, batch *= 2) {
    const size_t end = std::min(bounds.size(), begin + batch);
    std::nth_element(bounds.begin() + begin, bounds.begin() + end - 1, bounds.end(), higher);
    std::sort(bounds.begin() + begin, bounds.begin() + end, higher);
    for (size_t i = begin; i < end && !done; ++i) {
      done = top.full() && bounds[i].bound < top.worst_score();
      if (done) break;
      const Slot& s = *slots_[bounds[i].id];
      ++result.time_rules_evaluated;
      const WorkWeek work = MakeWorkWeek(c, s.facts);
      if (!PassesTimeRules(c, s.facts, work, policy)) continue;
      rank(s, work);
    }
  }
  result.top = top.Take();
  return result;
}

absl::StatusOr<std::vector<std::string>> MatchingIndex::EligibleCampaigns(
    absl::string_view teleoperator, const v1::MatchingPolicy& policy, absl::CivilDay today) const {
  if (absl::Status s = ValidatePolicy(policy); !s.ok()) return s;
  absl::ReaderMutexLock lock(&mu_);
  auto it = slot_of_.find(teleoperator);
  if (it == slot_of_.end()) {
    return absl::NotFoundError(absl::StrCat("teleoperator ", teleoperator, " not found"));
  }
  const TeleoperatorFacts& facts = slots_[it->second]->facts;
  std::vector<std::string> names;
  for (const auto& [name, campaign] : catalog_.campaigns()) {
    if (campaign.state() != v1::CAMPAIGN_STATE_OPEN) continue;
    absl::StatusOr<CampaignContext> context = MakeCampaignContext(catalog_, campaign, today);
    if (context.ok() && IsEligible(*context, facts, policy)) names.push_back(name);
  }
  return names;
}

absl::StatusOr<v1::EligibilityExplanation> MatchingIndex::Explain(
    absl::string_view campaign, const TeleoperatorData& teleoperator,
    const v1::MatchingPolicy& policy, absl::CivilDay today) const {
  absl::ReaderMutexLock lock(&mu_);
  absl::StatusOr<CampaignContext> context = Context(campaign, policy, today);
  if (!context.ok()) return context.status();
  return ExplainPair(*context, MakeTeleoperatorFacts(catalog_, teleoperator), policy);
}

std::optional<v1::Campaign> MatchingIndex::campaign(absl::string_view name) const {
  absl::ReaderMutexLock lock(&mu_);
  const v1::Campaign* found = catalog_.campaign(name);
  if (found == nullptr) return std::nullopt;
  return *found;
}

IndexStats MatchingIndex::Stats() const {
  absl::ReaderMutexLock lock(&mu_);
  IndexStats stats;
  stats.companies = static_cast<int64_t>(catalog_.companies().size());
  stats.campaigns = static_cast<int64_t>(catalog_.campaigns().size());
  stats.teleoperators = static_cast<int64_t>(slot_of_.size());
  stats.contracts = contracts_;
  return stats;
}

}  // namespace callmatch::matching

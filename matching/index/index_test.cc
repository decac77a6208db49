// The index against the reference path (docs/matching.md, "The index"): the differential test
// over 20,000 generated teleoperators and the 300 open campaigns, before and after a few thousand
// random updates applied to both, and the unit tests of updates and of the reverse query.
#include "matching/index/index.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "matching/explain.h"
#include "matching/generator/generator.h"
#include "matching/index/bitmap.h"
#include "matching/index/block_pool.h"
#include "matching/index/key_table.h"
#include "matching/index/name_table.h"
#include "matching/index/slot_name.h"
#include "matching/index/slot_set.h"
#include "matching/policy.h"
#include "matching/reference.h"
#include "matching/registration.h"
#include "matching/test_util.h"
#include "matching/time_model.h"

namespace callmatch::matching {
namespace {

using google::protobuf::util::MessageDifferencer;

constexpr absl::CivilDay kToday(2027, 1, 4);

std::vector<std::string> OpenCampaigns(const Dataset& dataset) {
  std::vector<std::string> open;
  for (const auto& [name, campaign] : dataset.campaigns()) {
    if (campaign.state() == v1::CAMPAIGN_STATE_OPEN) open.push_back(name);
  }
  return open;
}

std::vector<v1::ExclusionReason> Failing(const v1::EligibilityExplanation& e) {
  std::vector<v1::ExclusionReason> out;
  for (const v1::RuleOutcome& o : e.outcomes()) {
    if (!o.passed()) out.push_back(o.rule());
  }
  return out;
}

// The index's answers for every open campaign, exact and pruned (both ways); the pruned top must
// be the exact one (the pruning is only an order of evaluation).
std::map<std::string, MatchResult> MatchAll(const MatchingIndex& index,
                                            const std::vector<std::string>& campaigns,
                                            const v1::MatchingPolicy& policy, int top_k) {
  std::map<std::string, MatchResult> out;
  for (const std::string& name : campaigns) {
    MatchOptions exact{.top_k = top_k, .exact_count = true, .list_eligible = true};
    absl::StatusOr<MatchResult> result = index.Match(name, policy, kToday, exact);
    EXPECT_TRUE(result.ok()) << name << ": " << result.status();
    if (!result.ok()) continue;
    // Pruned by one pass over the candidates, and by cells (forced on every campaign).
    for (int64_t cells_above : {int64_t{1} << 40, int64_t{0}}) {
      MatchOptions pruned{.top_k = top_k, .exact_count = false, .cells_above = cells_above};
      absl::StatusOr<MatchResult> fast = index.Match(name, policy, kToday, pruned);
      EXPECT_TRUE(fast.ok()) << name << ": " << fast.status();
      if (!fast.ok()) continue;
      const char* mode = cells_above == 0 ? " cells" : " one pass";
      EXPECT_EQ(fast->eligible_count, -1);
      EXPECT_EQ(fast->top.size(), result->top.size()) << name << mode;
      for (size_t i = 0; i < std::min(fast->top.size(), result->top.size()); ++i) {
        EXPECT_TRUE(MessageDifferencer::Equals(fast->top[i], result->top[i]))
            << name << mode << " pruned rank " << i + 1 << ": " << fast->top[i].ShortDebugString()
            << " vs " << result->top[i].ShortDebugString();
      }
    }
    out[name] = *std::move(result);
  }
  return out;
}

// Campaigns spread over the selectivity range: sorted by eligible count, every n-th, plus the
// largest. The reference path costs about 0.5 s a campaign at 20,000 teleoperators on the CI
// machine, so it runs on this sample; the index answers all 300 (MatchAll).
std::vector<std::string> SpreadSample(const std::map<std::string, MatchResult>& answers,
                                      size_t count) {
  std::vector<std::pair<int64_t, std::string>> by_size;
  for (const auto& [name, r] : answers) by_size.emplace_back(r.eligible_count, name);
  std::sort(by_size.begin(), by_size.end());
  std::vector<std::string> sample;
  if (by_size.empty() || count == 0) return sample;
  for (size_t i = 0; i < count; ++i) {
    sample.push_back(by_size[i * (by_size.size() - 1) / std::max<size_t>(1, count - 1)].second);
  }
  std::sort(sample.begin(), sample.end());
  sample.erase(std::unique(sample.begin(), sample.end()), sample.end());
  return sample;
}

// Compares the index with the reference on `sample` (eligible sets, top k with scores and
// components, as-of), and the explanations and reason codes of up to `pairs` excluded pairs.
void CompareWithReference(const Dataset& dataset, const MatchingIndex& index,
                          const std::map<std::string, MatchResult>& answers,
                          const std::vector<std::string>& sample, const v1::MatchingPolicy& policy,
                          int top_k, int pairs, std::mt19937_64& rng) {
  int explained = 0;
  const int per_campaign = std::max<int>(1, pairs / std::max<int>(1, sample.size()));
  for (const std::string& name : sample) {
    absl::StatusOr<ReferenceResult> ref = ReferenceMatch(dataset, name, policy, kToday, top_k);
    ASSERT_TRUE(ref.ok()) << name << ": " << ref.status();
    const MatchResult& got = answers.at(name);
    EXPECT_EQ(got.as_of, ref->as_of) << name;
    EXPECT_EQ(got.eligible_count, static_cast<int64_t>(ref->eligible.size())) << name;
    EXPECT_EQ(got.eligible, ref->eligible) << name;
    ASSERT_EQ(got.top.size(), ref->top.size()) << name;
    for (size_t i = 0; i < got.top.size(); ++i) {
      EXPECT_TRUE(MessageDifferencer::Equals(got.top[i], ref->top[i]))
          << name << " rank " << i + 1 << ": " << got.top[i].ShortDebugString() << " vs "
          << ref->top[i].ShortDebugString();
    }
    // Excluded pairs: the same reason codes and the same explanation, to the sentence.
    std::vector<const std::string*> excluded;
    for (const auto& [teleoperator, failing] : ref->excluded) excluded.push_back(&teleoperator);
    std::shuffle(excluded.begin(), excluded.end(), rng);
    if (excluded.size() > static_cast<size_t>(per_campaign)) excluded.resize(per_campaign);
    // And one eligible pair, for the score and components of an explanation.
    if (!ref->eligible.empty()) excluded.push_back(&ref->eligible[rng() % ref->eligible.size()]);
    for (const std::string* teleoperator : excluded) {
      absl::StatusOr<v1::EligibilityExplanation> want =
          ExplainEligibility(dataset, name, *teleoperator, policy, kToday);
      ASSERT_TRUE(want.ok()) << want.status();
      absl::StatusOr<v1::EligibilityExplanation> have =
          index.Explain(name, *dataset.teleoperator(*teleoperator), policy, kToday);
      ASSERT_TRUE(have.ok()) << have.status();
      EXPECT_TRUE(MessageDifferencer::Equals(*have, *want))
          << name << " x " << *teleoperator << "\nindex: " << have->ShortDebugString()
          << "\nreference: " << want->ShortDebugString();
      auto failing = ref->excluded.find(*teleoperator);
      if (failing != ref->excluded.end()) {
        EXPECT_EQ(Failing(*have), failing->second);
      }
      ++explained;
    }
  }
  std::printf("compared %zu campaigns with the reference, %d explanations\n", sample.size(),
              explained);
}

// The reverse query agrees with the index's own eligible sets (checked against the reference on
// the sample) for `count` random teleoperators.
void CheckReverse(const Dataset& dataset, const MatchingIndex& index,
                  const std::map<std::string, MatchResult>& answers,
                  const v1::MatchingPolicy& policy, int count, std::mt19937_64& rng) {
  std::vector<std::string> names;
  for (const auto& [name, data] : dataset.teleoperators()) names.push_back(name);
  for (int i = 0; i < count; ++i) {
    const std::string& t = names[rng() % names.size()];
    std::vector<std::string> want;
    for (const auto& [campaign, r] : answers) {
      if (std::binary_search(r.eligible.begin(), r.eligible.end(), t)) want.push_back(campaign);
    }
    absl::StatusOr<std::vector<std::string>> got = index.EligibleCampaigns(t, policy, kToday);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, want) << t;
  }
}

// --- Random updates --------------------------------------------------------------------------

v1::Date DateOf(absl::CivilDay day) { return ToDate(day); }

// Applies one random change to `dataset` and the same to `index`.
class Updater {
 public:
  Updater(Dataset& dataset, MatchingIndex& index, uint64_t seed)
      : dataset_(dataset), index_(index), rng_(seed) {
    for (const auto& [name, c] : dataset.companies()) companies_.push_back(name);
    for (const auto& [name, c] : dataset.campaigns()) campaigns_.push_back(name);
  }

  void Apply(int i) {
    const int kind = static_cast<int>(rng_() % 100);
    if (kind < 10) return NewTeleoperator(i);
    if (kind < 30) return ChangeProfile();
    if (kind < 52) return ChangeEmployment(i);
    if (kind < 70) return NewContract(i);
    if (kind < 85) return EndContract();
    if (kind < 93) return NewLog();
    if (kind < 98) return Remove();
    if (kind < 99) return ChangeCompany();
    return ChangeCampaign();
  }

 private:
  int Uniform(int n) { return static_cast<int>(rng_() % n); }
  const TeleoperatorData& AnyTeleoperator() {
    auto it = dataset_.teleoperators().begin();
    std::advance(
        it, Uniform(static_cast<int>(std::min<size_t>(dataset_.teleoperators().size(), 4000))));
    // Spread over the whole set: start from a random name prefix.
    auto from = dataset_.teleoperators().lower_bound(absl::StrCat(
        "teleoperators/", std::string(1, "0123456789abcdefghijklmnopqrstuvwxyz"[Uniform(36)])));
    if (from != dataset_.teleoperators().end() && Uniform(2) == 0) return from->second;
    return it->second;
  }
  void Put(const std::string& name, MatchingIndex::Changed changed = MatchingIndex::Changed::kAny) {
    index_.PutTeleoperator(*dataset_.teleoperator(name), changed);
  }
  const v1::Company& AnyCompany() {
    return *dataset_.company(companies_[Uniform(companies_.size())]);
  }
  const v1::Campaign& AnyCampaign() {
    return *dataset_.campaign(campaigns_[Uniform(campaigns_.size())]);
  }
  absl::CivilDay Around(int days) { return kToday + (Uniform(2 * days + 1) - days); }

  void NewTeleoperator(int i) {
    const TeleoperatorData source = AnyTeleoperator();
    const std::string name = absl::StrCat("teleoperators/new-", i);
    v1::Teleoperator profile = source.profile;
    profile.set_name(name);
    ASSERT_TRUE(dataset_.Upsert(profile).ok());
    for (v1::Employment e : source.employments) {
      e.set_name(absl::StrCat(name, "/employments/", e.name().substr(e.name().rfind('/') + 1)));
      ASSERT_TRUE(dataset_.Upsert(e).ok());
    }
    for (const ContractData& k : source.contracts) {
      v1::Contract contract = k.contract;
      contract.set_name(absl::StrCat(name, "/contracts/",
                                     contract.name().substr(contract.name().rfind('/') + 1)));
      ASSERT_TRUE(dataset_.Upsert(contract).ok());
      for (v1::ActivityLog log : k.logs) {
        log.set_name(absl::StrCat(contract.name(), "/activityLogs/",
                                  log.name().substr(log.name().rfind('/') + 1)));
        ASSERT_TRUE(dataset_.Upsert(log).ok());
      }
    }
    Put(name);
  }

  void ChangeProfile() {
    v1::Teleoperator p = AnyTeleoperator().profile;
    switch (Uniform(6)) {
      case 0: {
        v1::LanguageLevel* l = p.add_languages();
        static const char* kLanguages[] = {"fr", "EN", "de", "es", "it", "nl"};
        l->set_language(kLanguages[Uniform(6)]);
        // Now and then a level past NATIVE (an open enum's unknown value): its score component
        // exceeds 1, which the index's bounds must take into account.
        l->set_level(static_cast<v1::CefrLevel>(Uniform(20) == 0 ? 9 : Uniform(8)));
        break;
      }
      case 1:
        if (p.skills_size() > 0 && Uniform(2) == 0) {
          p.mutable_skills()->RemoveLast();
        } else {
          // Now and then a skill number past the index's 64-bit masks.
          p.add_skills(static_cast<v1::Skill>(Uniform(20) == 0 ? 70 : 1 + Uniform(6)));
        }
        break;
      case 2: {
        static const char* kCountries[] = {"FR", "be", "DE", "ES", "GB", ""};
        p.mutable_establishment()->set_country_code(kCountries[Uniform(6)]);
        break;
      }
      case 3:
        p.mutable_registration()->set_status(static_cast<v1::RegistrationStatus>(Uniform(4)));
        *p.mutable_registration()->mutable_verify_date() = DateOf(Around(250));
        break;
      case 4:
        p.clear_sector_experience();
        for (const std::string& s : AnyCampaign().segments()) p.add_sector_experience(s);
        break;
      case 5: {
        v1::WeeklySchedule* a = p.mutable_availability();
        if (a->windows_size() > 0 && Uniform(2) == 0) {
          a->mutable_windows()->RemoveLast();
        } else {
          v1::WeeklyWindow* w = a->add_windows();
          const int start = Uniform(10080);
          w->set_start_minute(start);
          w->set_end_minute((start + 60 * (1 + Uniform(10))) % 10080);
        }
        break;
      }
    }
    ASSERT_TRUE(dataset_.Upsert(p).ok());
    Put(p.name(), MatchingIndex::Changed::kProfile);  // as the materializer puts a profile change
  }

  void ChangeEmployment(int i) {
    const TeleoperatorData& t = AnyTeleoperator();
    const std::string name = t.profile.name();
    if (t.employments.empty() || Uniform(3) == 0) {
      // A new job at a platform company: its group, segments and schedule now count.
      const v1::Company& company = AnyCompany();
      v1::Employment e;
      e.set_name(absl::StrCat(name, "/employments/new-", i));
      e.mutable_employer()->set_display_name(company.display_name());
      e.mutable_employer()->set_registration_number(company.registration().number());
      e.mutable_employer()->set_country_code(company.location().country_code());
      *e.mutable_start_date() = DateOf(Around(400));
      if (Uniform(2) == 0) *e.mutable_end_date() = DateOf(Around(300));
      e.set_exclusivity_clause(Uniform(4) == 0);
      e.set_employer_authorisation(Uniform(2) == 0);
      e.mutable_schedule()->set_time_zone(Uniform(4) == 0 ? "America/New_York" : "");
      for (int d = 0; d < 5; ++d) {
        v1::WeeklyWindow* w = e.mutable_schedule()->add_windows();
        w->set_start_minute(d * 1440 + 8 * 60);
        w->set_end_minute(d * 1440 + 8 * 60 + 30 * Uniform(12));
      }
      ASSERT_TRUE(dataset_.Upsert(e).ok());
      return Put(name);
    }
    v1::Employment e = t.employments[Uniform(t.employments.size())];
    switch (Uniform(5)) {
      case 0:
        ASSERT_TRUE(dataset_.RemoveEmployment(e.name()));
        return Put(name);
      case 1:
        *e.mutable_end_date() = DateOf(Around(300));
        break;
      case 2:
        e.set_exclusivity_clause(!e.exclusivity_clause());
        e.set_employer_authorisation(Uniform(2) == 0);
        break;
      case 3:
        e.mutable_non_compete()->clear_segments();
        for (const std::string& s : AnyCampaign().segments()) {
          e.mutable_non_compete()->add_segments(s);
        }
        *e.mutable_non_compete()->mutable_end_date() = DateOf(Around(200));
        break;
      case 4:
        e.mutable_employer()->clear_segments();
        for (const std::string& s : AnyCampaign().segments()) e.mutable_employer()->add_segments(s);
        e.mutable_employer()->set_group_id(AnyCompany().registration().number());
        break;
    }
    ASSERT_TRUE(dataset_.Upsert(e).ok());
    Put(name);
  }

  void NewContract(int i) {
    const std::string name = AnyTeleoperator().profile.name();
    const v1::Campaign& campaign = AnyCampaign();
    v1::Contract k;
    k.set_name(absl::StrCat(name, "/contracts/new-", i));
    k.set_campaign(campaign.name());
    k.set_client(ParentName(campaign.name()));
    k.set_state(Uniform(3) == 0 ? v1::CONTRACT_STATE_ACTIVE : v1::CONTRACT_STATE_ACCEPTED);
    const absl::CivilDay start = Around(120);
    *k.mutable_start_date() = DateOf(start);
    if (Uniform(3) > 0) *k.mutable_end_date() = DateOf(start + Uniform(200));
    *k.mutable_accept_date() = DateOf(start - Uniform(20));
    if (Uniform(3) == 0) k.mutable_terms()->set_imposed_schedule(Uniform(2) == 0);
    ASSERT_TRUE(dataset_.Upsert(k).ok());
    Put(name);
  }

  void EndContract() {
    const TeleoperatorData& t = AnyTeleoperator();
    if (t.contracts.empty()) return;
    const std::string name = t.profile.name();
    v1::Contract k = t.contracts[Uniform(t.contracts.size())].contract;
    if (Uniform(5) == 0) {
      ASSERT_TRUE(dataset_.RemoveContract(k.name()));
      return Put(name);
    }
    k.set_state(v1::CONTRACT_STATE_TERMINATED);
    *k.mutable_end_date() = DateOf(Around(30));
    ASSERT_TRUE(dataset_.Upsert(k).ok());
    Put(name);
  }

  void NewLog() {
    const TeleoperatorData& t = AnyTeleoperator();
    if (t.contracts.empty()) return;
    const std::string name = t.profile.name();
    const v1::Contract& k = t.contracts[Uniform(t.contracts.size())].contract;
    const absl::CivilDay day = kToday - (1 + Uniform(100));
    v1::ActivityLog log;
    log.set_name(absl::StrCat(k.name(), "/activityLogs/", FormatDay(day)));
    *log.mutable_day() = DateOf(day);
    log.set_minutes_worked(60 * Uniform(12));
    log.set_appointments_set(Uniform(10));
    log.set_appointments_validated(Uniform(10));
    log.mutable_revenue()->set_currency_code("EUR");
    log.mutable_revenue()->set_minor_units(1000 * Uniform(50));
    ASSERT_TRUE(dataset_.Upsert(log).ok());
    Put(name, MatchingIndex::Changed::kActivityLog);  // as the materializer puts a new log
  }

  void Remove() {
    const std::string name = AnyTeleoperator().profile.name();
    ASSERT_TRUE(dataset_.RemoveTeleoperator(name));
    ASSERT_TRUE(index_.RemoveTeleoperator(name));
  }

  // A company joins another's group: every key set through it changes.
  void ChangeCompany() {
    v1::Company c = AnyCompany();
    c.set_group_id(AnyCompany().registration().number());
    ASSERT_TRUE(dataset_.Upsert(c).ok());
    ASSERT_TRUE(index_.Upsert(c).ok());
  }

  // A campaign's terms or segments change: the missions on it change with it.
  void ChangeCampaign() {
    v1::Campaign c = AnyCampaign();
    if (Uniform(2) == 0) {
      c.mutable_terms()->set_imposed_schedule(!IsImposed(c, nullptr));
    } else {
      c.clear_segments();
      c.add_segments(AnyCampaign().segments_size() > 0 ? AnyCampaign().segments(0) : "N");
    }
    ASSERT_TRUE(dataset_.Upsert(c).ok());
    ASSERT_TRUE(index_.Upsert(c).ok());
  }

  Dataset& dataset_;
  MatchingIndex& index_;
  std::mt19937_64 rng_;
  std::vector<std::string> companies_;
  std::vector<std::string> campaigns_;
};

// A slot set holds the same members as a std::set whether it is a B-tree or a bitmap,
// across the switch and after removals.
TEST(IndexSlotSetTest, SameMembersSmallAndLarge) {
  SlotSet set;
  std::set<uint32_t> expected;
  std::mt19937 rng(7);
  for (int i = 0; i < 5'000; ++i) {
    const uint32_t slot = rng() % 3'000;
    if (rng() % 3 == 0) {
      set.Erase(slot);
      expected.erase(slot);
    } else {
      set.Insert(slot, 500);  // a bitmap past 500 members
      expected.insert(slot);
    }
    ASSERT_EQ(set.size(), expected.size());
  }
  std::vector<uint32_t> members;
  set.ForEach([&](uint32_t slot) { members.push_back(slot); });
  EXPECT_EQ(members, std::vector<uint32_t>(expected.begin(), expected.end()));
  EXPECT_TRUE(set.Contains(*expected.begin()));
  EXPECT_FALSE(set.Contains(3'000));
}

// The name table finds what a std::map would, through growth, removals that shift clusters back
// (a small capacity makes long ones), and names with and without the "teleoperators/" prefix.
TEST(IndexNameTableTest, FindsWhatAMapFinds) {
  std::vector<std::string> names;
  for (int i = 0; i < 4'000; ++i) {
    names.push_back(i % 7 == 0 ? absl::StrCat("other/", i) : absl::StrCat("teleoperators/t", i));
  }
  struct NameOf {
    const std::vector<std::string>* names;
    SlotName operator()(uint32_t id) const { return SlotName::Of((*names)[id]); }
  };
  NameTable<NameOf> table(NameOf{&names});
  std::map<std::string, uint32_t> expected;
  std::mt19937 rng(11);
  for (int step = 0; step < 40'000; ++step) {
    const uint32_t id = rng() % names.size();
    const std::string& name = names[id];
    const bool present = expected.count(name) > 0;
    ASSERT_EQ(table.Find(SlotName::Of(name)), present ? id : NameTable<NameOf>::kNone) << step;
    if (present && rng() % 2 == 0) {
      table.Erase(id);
      expected.erase(name);
    } else if (!present) {
      table.Insert(id);
      expected[name] = id;
    }
    ASSERT_EQ(table.size(), expected.size());
  }
  ASSERT_GT(expected.size(), 100u);
  for (uint32_t id = 0; id < names.size(); ++id) {
    const bool present = expected.count(names[id]) > 0;
    EXPECT_EQ(table.Find(SlotName::Of(names[id])), present ? id : NameTable<NameOf>::kNone);
  }
  EXPECT_EQ(table.Find(SlotName::Of("teleoperators/nobody")), NameTable<NameOf>::kNone);
  table.Clear();
  EXPECT_EQ(table.Find(SlotName::Of(names[0])), NameTable<NameOf>::kNone);
  table.Reserve(10);
  table.Insert(3);
  EXPECT_EQ(table.Find(SlotName::Of(names[3])), 3u);
}

// The slots of word `w`'s set bits, appended to `out`.
void AppendSlots(size_t w, uint64_t word, std::vector<uint32_t>& out) {
  for (; word != 0; word &= word - 1) {
    out.push_back(static_cast<uint32_t>(w * 64 + std::countr_zero(word)));
  }
}

// OrMaskedInto adds the members the mask holds, whether the set is a B-tree or a bitmap.
TEST(IndexSlotSetTest, OrMaskedIntoAddsTheMaskedMembers) {
  Bitmap odd;
  for (uint32_t slot = 1; slot < 3'000; slot += 2) odd.Set(slot);
  for (size_t large_above : {size_t{10'000}, size_t{100}}) {
    SlotSet set;
    for (uint32_t slot = 0; slot < 1'000; slot += 3) set.Insert(slot, large_above);
    Bitmap out;
    out.Set(2'000);  // kept
    set.OrMaskedInto(odd, out);
    std::vector<uint32_t> got;
    out.ForEach([&](uint32_t slot) { got.push_back(slot); });
    std::vector<uint32_t> expected;
    for (uint32_t slot = 3; slot < 1'000; slot += 6) expected.push_back(slot);
    expected.push_back(2'000);
    EXPECT_EQ(got, expected) << "large above " << large_above;
  }
}

// ForEachWordOfBoth visits exactly the words where both bitmaps have a member, after sets and
// clears (a word emptied by a clear leaves the summary, a summary word emptied leaves the top).
TEST(IndexSummarizedBitmapTest, WordsOfBothAfterSetsAndClears) {
  std::mt19937 rng(11);
  std::set<uint32_t> in_a, in_b;
  SummarizedBitmap a, b;
  for (int i = 0; i < 20'000; ++i) {
    // Clusters of 3,000 slots 40,000 apart: summary words and their top level both hold gaps.
    const uint32_t slot = static_cast<uint32_t>(rng() % 8 * 40'000 + rng() % 3'000);
    const bool to_a = rng() % 2 == 0;
    const bool set = rng() % 3 != 0;
    SummarizedBitmap& bits = to_a ? a : b;
    std::set<uint32_t>& model = to_a ? in_a : in_b;
    if (set) {
      bits.Set(slot);
      model.insert(slot);
    } else {
      bits.Clear(slot);
      model.erase(slot);
    }
  }
  std::set<size_t> expected_words;
  std::vector<uint32_t> expected_both;
  for (uint32_t slot : in_a) {
    if (in_b.contains(slot)) expected_both.push_back(slot);
  }
  std::set<size_t> words_of_b;
  for (uint32_t slot : in_b) words_of_b.insert(slot / 64);
  for (uint32_t slot : in_a) {
    if (words_of_b.contains(slot / 64)) expected_words.insert(slot / 64);
  }
  std::set<size_t> words;
  std::vector<uint32_t> both;
  SummarizedBitmap::ForEachWordOfBoth(a, b, [&](size_t w, uint64_t wa, uint64_t wb) {
    EXPECT_TRUE(words.insert(w).second);
    AppendSlots(w, wa & wb, both);
  });
  EXPECT_EQ(words, expected_words);
  EXPECT_EQ(both, expected_both);
  EXPECT_FALSE(expected_both.empty());
}

// And writes the intersection of summarized bitmaps of different lengths, and a summary that
// holds exactly its non-zero words.
TEST(IndexSummarizedBitmapTest, AndOfThree) {
  std::mt19937 rng(5);
  SummarizedBitmap a, b, c;
  std::set<uint32_t> in_a, in_b, in_c;
  for (int i = 0; i < 30'000; ++i) {
    const uint32_t slot = static_cast<uint32_t>(rng() % 5 * 60'000 + rng() % 10'000);
    switch (rng() % 3) {
      case 0:
        a.Set(slot);
        in_a.insert(slot);
        break;
      case 1:
        if (slot < 200'000) {  // b ends earlier
          b.Set(slot);
          in_b.insert(slot);
        }
        break;
      default:
        c.Set(slot);
        in_c.insert(slot);
    }
  }
  SummarizedBitmap everyone;
  for (uint32_t slot = 0; slot < 300'000; ++slot) everyone.Set(slot);
  for (bool with_c : {true, false}) {
    std::vector<uint32_t> expected;
    std::set<size_t> expected_words;
    for (uint32_t slot : in_a) {
      if (in_b.contains(slot) && (!with_c || in_c.contains(slot))) {
        expected.push_back(slot);
        expected_words.insert(slot / 64);
      }
    }
    const SummarizedBitmap both =
        with_c ? SummarizedBitmap::And({&a, &b, &c}) : SummarizedBitmap::And({&a, &b});
    std::vector<uint32_t> members;
    std::set<size_t> words;
    SummarizedBitmap::ForEachWordOfBoth(both, everyone, [&](size_t w, uint64_t word, uint64_t) {
      words.insert(w);
      AppendSlots(w, word, members);
    });
    EXPECT_EQ(members, expected);
    EXPECT_EQ(words, expected_words);
    EXPECT_FALSE(expected.empty());
  }
}

// SummarizedBitmap::AndNotTaken has Bitmap::AndNotTaken's members and a summary of them;
// ForEachWordAnd visits the words where it meets a mask, ascending, until told to stop; an empty
// result answers Any() false.
TEST(IndexSummarizedBitmapTest, AndNotTakenAndWordsUnderAMask) {
  std::mt19937 rng(9);
  Bitmap a, b, mask;
  for (int i = 0; i < 20'000; ++i) {
    const uint32_t slot = static_cast<uint32_t>(rng() % 4 * 70'000 + rng() % 5'000);
    a.Set(slot);
    if (rng() % 2 == 0) b.Set(slot);
    if (rng() % 4 == 0) mask.Set(slot);
  }
  Bitmap taken_plain, taken_summarized;
  const Bitmap plain = Bitmap::AndNotTaken({&a, &b}, &taken_plain);
  const SummarizedBitmap summarized = SummarizedBitmap::AndNotTaken({&a, &b}, &taken_summarized);
  std::vector<uint32_t> expected_words;
  std::vector<uint32_t> expected;
  for (size_t w = 0; w < plain.word_count(); ++w) {
    const uint64_t word = plain.words()[w] & (w < mask.word_count() ? mask.words()[w] : 0);
    if (word == 0) continue;
    expected_words.push_back(static_cast<uint32_t>(w));
    AppendSlots(w, word, expected);
  }
  std::vector<uint32_t> words;
  std::vector<uint32_t> members;
  summarized.ForEachWordAnd(mask, [&](size_t w, uint64_t word) {
    words.push_back(static_cast<uint32_t>(w));
    AppendSlots(w, word, members);
    return true;
  });
  EXPECT_EQ(words, expected_words);
  EXPECT_EQ(members, expected);
  ASSERT_GT(expected_words.size(), 3u);
  int calls = 0;
  summarized.ForEachWordAnd(mask, [&](size_t, uint64_t) { return ++calls < 3; });
  EXPECT_EQ(calls, 3);
  EXPECT_TRUE(summarized.Any());
  // Once a is taken whole, whatever is made of it is empty, and says so.
  EXPECT_TRUE(SummarizedBitmap::AndNotTaken({&a}, &taken_summarized).Any());  // a less (a AND b)
  EXPECT_FALSE(SummarizedBitmap::AndNotTaken({&a, &b}, &taken_summarized).Any());
  EXPECT_FALSE(SummarizedBitmap::AndNotTaken({&a}, &taken_summarized).Any());
  EXPECT_TRUE(Bitmap::AndNotTaken({&a}, &taken_plain).Any());
  EXPECT_FALSE(Bitmap::AndNotTaken({&a}, &taken_plain).Any());
}

// AndNotTaken: the AND of bitmaps of different lengths less what was taken before, which then
// holds both; classes made with it one after the other partition their union.
TEST(IndexBitmapTest, AndNotTakenPartitions) {
  std::mt19937 rng(3);
  Bitmap a, b, c;
  std::set<uint32_t> in_a, in_b, in_c;
  for (int i = 0; i < 20'000; ++i) {
    const uint32_t slot = rng() % 30'000;
    a.Set(slot);
    in_a.insert(slot);
    if (rng() % 2 == 0 && slot < 25'000) {
      b.Set(slot);
      in_b.insert(slot);
    }
    if (rng() % 3 == 0) {
      c.Set(slot);
      in_c.insert(slot);
    }
  }
  auto members = [](const Bitmap& bits) {
    std::set<uint32_t> out;
    bits.ForEach([&](uint32_t slot) { out.insert(slot); });
    return out;
  };
  Bitmap taken;
  const Bitmap first = Bitmap::AndNotTaken({&a, &b, &c}, &taken);
  const Bitmap second = Bitmap::AndNotTaken({&a, &c}, &taken);
  const Bitmap rest = Bitmap::AndNotTaken({&a}, &taken);
  std::set<uint32_t> expected_first, expected_second, expected_rest;
  for (uint32_t slot : in_a) {
    if (in_b.contains(slot) && in_c.contains(slot)) {
      expected_first.insert(slot);
    } else if (in_c.contains(slot)) {
      expected_second.insert(slot);
    } else {
      expected_rest.insert(slot);
    }
  }
  EXPECT_EQ(members(first), expected_first);
  EXPECT_EQ(members(second), expected_second);
  EXPECT_EQ(members(rest), expected_rest);
  EXPECT_EQ(members(taken), in_a);
  EXPECT_EQ(members(Bitmap::AndNotTaken({&b, &c}, nullptr)).size(), expected_first.size());
  EXPECT_FALSE(expected_first.empty());
  EXPECT_FALSE(expected_second.empty());
}

// Most slot sets hold one member, inline: the set gives it back, moves with it, and grows into a
// tree from it.
TEST(IndexSlotSetTest, OneMemberInlineThenMore) {
  SlotSet set;
  EXPECT_FALSE(set.Contains(0));
  set.Insert(7, 500);
  set.Insert(7, 500);
  EXPECT_EQ(set.size(), 1u);
  EXPECT_TRUE(set.Contains(7));
  EXPECT_FALSE(set.Contains(0));
  set.Erase(8);
  EXPECT_EQ(set.size(), 1u);
  set.Erase(7);
  EXPECT_EQ(set.size(), 0u);
  EXPECT_FALSE(set.Contains(7));
  set.Insert(0, 500);
  std::vector<SlotSet> sets;
  sets.push_back(std::move(set));
  for (int i = 0; i < 100; ++i) sets.emplace_back();  // moved as the vector grows
  EXPECT_TRUE(sets[0].Contains(0));
  Bitmap mask;
  mask.Set(0);
  Bitmap out;
  sets[0].OrMaskedInto(mask, out);
  EXPECT_TRUE(out.Test(0));
  sets[0].Insert(3, 500);
  sets[0].Insert(1, 500);
  std::vector<uint32_t> members;
  sets[0].ForEach([&](uint32_t slot) { members.push_back(slot); });
  EXPECT_EQ(members, (std::vector<uint32_t>{0, 1, 3}));
}

// Key names interned in one arena: the same id for the same name across the arena's growth, the
// prefix telling names with the same body apart.
TEST(IndexKeyTableTest, InternsNames) {
  KeyTable table;
  EXPECT_FALSE(table.Find("g:x").has_value());
  EXPECT_EQ(table.Intern("n:123"), 0u);
  EXPECT_EQ(table.Intern("g:123"), 1u);
  EXPECT_EQ(table.Intern("n:123"), 0u);
  EXPECT_EQ(table.Find("g:123"), std::optional<uint32_t>(1));
  EXPECT_EQ(table.Prefix(0), 'n');
  EXPECT_EQ(table.Prefix(1), 'g');
  EXPECT_EQ(table.Body(0), "123");
  EXPECT_EQ(table.Body(1), "123");
  EXPECT_EQ(table.Intern("k:companies/c1/campaigns/k1"), 2u);
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.Find("c:companies/c1/campaigns/k1"), std::nullopt);
  EXPECT_EQ(table.Find("k:companies/c1/campaigns/k"), std::nullopt);
  EXPECT_EQ(table.Find("k"), std::nullopt);
  EXPECT_EQ(table.Intern("k:"), 3u);  // an empty body
  EXPECT_EQ(table.Body(3), "");
  std::map<std::string, uint32_t> ids;
  for (int i = 0; i < 20'000; ++i) {
    // Bodies past 127 bytes (a two-byte length) too.
    const std::string name = absl::StrCat(i % 3 == 0   ? "g:"
                                          : i % 3 == 1 ? "n:"
                                                       : "s:",
                                          i % 7'000, std::string(i % 200, 'x'));
    ids[name] = table.Intern(name);
  }
  for (const auto& [name, id] : ids) {
    EXPECT_EQ(table.Find(name), std::optional<uint32_t>(id)) << name;
    EXPECT_EQ(table.Intern(name), id);
    EXPECT_EQ(table.Prefix(id), name[0]);
    EXPECT_EQ(table.Body(id), absl::string_view(name).substr(2));
  }
  EXPECT_EQ(table.size(), ids.size() + 4);
  EXPECT_EQ(table.Find("n:123"), std::optional<uint32_t>(0));
  table.Clear();
  EXPECT_EQ(table.size(), 0u);
  EXPECT_FALSE(table.Find("g:123").has_value());
  EXPECT_EQ(table.Intern("s:a"), 0u);
}

// A slot's name without "teleoperators/" orders, compares and hashes as the full name.
TEST(IndexSlotNameTest, AsTheFullName) {
  const std::vector<std::string> names = {"",
                                          "a",
                                          "teleoperators",
                                          "teleoperators/",
                                          "teleoperators/a",
                                          "teleoperators/b",
                                          "teleoperators0",
                                          "teleoperatorsa/z",
                                          "u",
                                          "teleoperators//"};
  for (const std::string& a : names) {
    const SlotName x = SlotName::Of(a);
    EXPECT_EQ(x.ToString(), a);
    EXPECT_EQ(x.prefixed, a.rfind("teleoperators/", 0) == 0) << a;
    for (const std::string& b : names) {
      const SlotName y = SlotName::Of(b);
      EXPECT_EQ(x < y, a < b) << a << " " << b;
      EXPECT_EQ(x == y, a == b) << a << " " << b;
      if (a == b) {
        EXPECT_EQ(absl::HashOf(x), absl::HashOf(y));
      }
    }
  }
}

// Blocks from the pool do not overlap, keep their bytes, and a freed block is taken again by the
// next block of its size; large blocks and Clear too.
TEST(IndexBlockPoolTest, BlocksKeepTheirBytes) {
  BlockPool pool;
  std::mt19937 rng(3);
  std::vector<std::pair<std::byte*, size_t>> live;
  auto fill = [](std::byte* b, size_t n) {
    for (size_t i = 0; i < n; ++i)
      b[i] = static_cast<std::byte>((reinterpret_cast<uintptr_t>(b) + i) * 31);
  };
  auto intact = [](const std::byte* b, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      if (b[i] != static_cast<std::byte>((reinterpret_cast<uintptr_t>(b) + i) * 31)) return false;
    }
    return true;
  };
  for (int i = 0; i < 20'000; ++i) {
    if (!live.empty() && rng() % 3 == 0) {
      const size_t k = rng() % live.size();
      ASSERT_TRUE(intact(live[k].first, live[k].second));
      pool.Free(live[k].first, live[k].second);
      live[k] = live.back();
      live.pop_back();
      continue;
    }
    const size_t n = rng() % 10 == 0 ? 1 + rng() % 5'000 : 1 + rng() % 300;
    std::byte* b = pool.Allocate(n);
    ASSERT_EQ(reinterpret_cast<uintptr_t>(b) % BlockPool::kGrain, 0u);
    fill(b, n);
    live.emplace_back(b, n);
  }
  for (const auto& [b, n] : live) ASSERT_TRUE(intact(b, n));
  std::byte* freed = pool.Allocate(100);
  pool.Free(freed, 100);
  EXPECT_EQ(pool.Allocate(97), freed);  // the same size once rounded
  pool.Clear();
  EXPECT_EQ(pool.MemoryBytes(), 0u);
  std::byte* b = pool.Allocate(16);
  fill(b, 16);
  EXPECT_TRUE(intact(b, 16));
}

// A slot keeps only what the rules read of a teleoperator's records, in its own encoding (dates
// as day numbers, registration numbers as numbers, a contract's campaign and client by key, the
// languages, skills and sector codes read back from where the slot is entered); the facts made
// again from it must be the caller's. Records the generator does not make: more languages than a
// slot holds inline, duplicates and case, skills past 63, more sector codes than inline, numbers
// with letters and leading zeros, a date that is not a day, a contract without a client, a
// non-compete clause, logs with revenue. The same answers as the reference, before and after the
// company and campaign changes that make the index remake the slots from what it kept.
TEST(MatchingIndexRecordsTest, UnusualRecordsGiveTheReferenceAnswers) {
  namespace t = testing;
  const absl::CivilDay today(2027, 3, 1);
  const v1::MatchingPolicy policy = DefaultPolicy();
  Dataset data;
  const v1::Company client = t::Company("client", "732829320", "", {"62.01"});
  ASSERT_TRUE(data.Upsert(client).ok());
  ASSERT_TRUE(data.Upsert(t::Company("employer", "542051180", "", {"47.11"})).ok());
  v1::Campaign campaign = t::Campaign("client", "c1");
  ASSERT_TRUE(data.Upsert(campaign).ok());
  v1::Campaign mission = t::Campaign("client", "c0");
  ASSERT_TRUE(data.Upsert(mission).ok());
  // What only the unusual profile holds: a fifth language, a skill past 63, an unparsed code.
  v1::Campaign unusual = t::Campaign("client", "c2");
  unusual.mutable_languages(0)->set_language("es");
  unusual.mutable_languages(0)->set_level(v1::CEFR_LEVEL_B1);
  unusual.add_skills(static_cast<v1::Skill>(70));
  unusual.add_segments("not a code");
  ASSERT_TRUE(data.Upsert(unusual).ok());

  auto add = [&](const v1::Teleoperator& profile) { ASSERT_TRUE(data.Upsert(profile).ok()); };
  add(t::Teleoperator("plain"));
  v1::Teleoperator many = t::Teleoperator("many");
  for (const auto& [language, level] :
       std::vector<std::pair<std::string, v1::CefrLevel>>{{"FR", v1::CEFR_LEVEL_C1},
                                                          {"en", v1::CEFR_LEVEL_B2},
                                                          {"de", v1::CEFR_LEVEL_A1},
                                                          {"Es", v1::CEFR_LEVEL_B1}}) {
    v1::LanguageLevel& l = *many.add_languages();
    l.set_language(language);
    l.set_level(level);
  }
  many.add_skills(static_cast<v1::Skill>(70));
  many.add_skills(v1::SKILL_COLD_CALLING);
  for (const char* code : {"47.11", "62.01", "62", "not a code", "62.01"}) {
    many.add_sector_experience(code);
  }
  add(many);
  v1::Teleoperator lettered = t::Teleoperator("lettered");
  lettered.mutable_registration()->set_number("00A12");
  lettered.mutable_establishment()->set_country_code("fr");
  add(lettered);

  v1::Teleoperator employed = t::Teleoperator("employed");
  add(employed);
  v1::Employment e = t::Employment("employed", "e1", "00012345678901", "ABC", {"47.11", "62"});
  e.mutable_start_date()->set_month(13);  // not a day: read as 2021-01-06
  e.mutable_non_compete()->add_segments("62.01");
  *e.mutable_non_compete()->mutable_end_date() = t::D(2026, 12, 31);
  ASSERT_TRUE(data.Upsert(e).ok());
  ASSERT_TRUE(data.Upsert(t::Employment("employed", "e2", "54205118000012")).ok());

  v1::Teleoperator busy = t::Teleoperator("busy");
  add(busy);
  v1::Contract k = t::Contract("busy", "k1", mission, v1::CONTRACT_STATE_ACTIVE);
  k.clear_client();  // the campaign's company
  k.mutable_terms()->set_imposed_schedule(false);
  ASSERT_TRUE(data.Upsert(k).ok());
  for (int d = 0; d < 20; ++d) {
    ASSERT_TRUE(data.Upsert(t::Log(k, absl::CivilDay(2027, 2, 1) + d, 60 + d, d % 3, d % 2,
                                   d % 4 == 0 ? 0 : 1000 * d))
                    .ok());
  }

  // More than 0xfffe skills past 63: the slot's block takes its wide header (32-bit counts), and a
  // contract on the mission so that it is remade from the block.
  v1::Teleoperator skilled = t::Teleoperator("skilled");
  for (int skill = 64; skill < 64 + 0x10000; ++skill) {
    skilled.add_skills(static_cast<v1::Skill>(skill));
  }
  add(skilled);
  ASSERT_TRUE(data.Upsert(t::Contract("skilled", "k1", mission, v1::CONTRACT_STATE_ACTIVE)).ok());

  MatchingIndex index;
  index.Load(data);
  auto compare = [&](const std::string& when) {
    for (const std::string& name : {campaign.name(), mission.name(), unusual.name()}) {
      absl::StatusOr<ReferenceResult> want = ReferenceMatch(data, name, policy, today, 10);
      ASSERT_TRUE(want.ok()) << want.status();
      absl::StatusOr<MatchResult> got =
          index.Match(name, policy, today, MatchOptions{.top_k = 10, .list_eligible = true});
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(got->eligible, want->eligible) << when << " " << name;
      if (name == unusual.name()) {
        EXPECT_EQ(got->eligible, std::vector<std::string>{"teleoperators/many"}) << when;
      }
      ASSERT_EQ(got->top.size(), want->top.size()) << when << " " << name;
      for (size_t i = 0; i < got->top.size(); ++i) {
        EXPECT_TRUE(MessageDifferencer::Equals(got->top[i], want->top[i]))
            << when << " " << name << ": " << got->top[i].ShortDebugString() << " vs "
            << want->top[i].ShortDebugString();
      }
    }
    for (const auto& [name, teleoperator] : data.teleoperators()) {
      std::vector<std::string> want;
      for (const std::string& c : {mission.name(), campaign.name(), unusual.name()}) {  // by name
        absl::StatusOr<v1::EligibilityExplanation> x =
            ExplainEligibility(data, c, name, policy, today);
        ASSERT_TRUE(x.ok()) << x.status();
        if (x->eligible()) want.push_back(c);
      }
      absl::StatusOr<std::vector<std::string>> got = index.EligibleCampaigns(name, policy, today);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(*got, want) << when << " " << name;
    }
  };
  compare("loaded");
  // Every slot that reads the client or the mission is remade from what the index kept.
  v1::Company renamed = client;
  renamed.set_display_name("Client, renamed");
  ASSERT_TRUE(data.Upsert(renamed).ok());
  ASSERT_TRUE(index.Upsert(renamed).ok());
  mission.set_weekly_minutes_per_seat(600);
  ASSERT_TRUE(data.Upsert(mission).ok());
  ASSERT_TRUE(index.Upsert(mission).ok());
  v1::Company employer = t::Company("employer", "542051180", "", {"62.01"});
  ASSERT_TRUE(data.Upsert(employer).ok());
  ASSERT_TRUE(index.Upsert(employer).ok());
  compare("remade");
  // Profile changes put as such keep the bytes made of the other records (the unusual numbers,
  // dates and contracts above): the same answers, and again once remade from what was kept.
  for (const auto& [name, teleoperator] : std::map(data.teleoperators())) {
    v1::Teleoperator p = teleoperator.profile;
    p.mutable_availability()->set_time_zone("America/New_York");
    p.add_skills(v1::SKILL_COLD_CALLING);
    ASSERT_TRUE(data.Upsert(p).ok());
    index.PutTeleoperator(*data.teleoperator(name), MatchingIndex::Changed::kProfile);
  }
  compare("profiles changed");
  ASSERT_TRUE(data.Upsert(client).ok());
  ASSERT_TRUE(index.Upsert(client).ok());
  compare("profiles changed, remade");

  // Names without "teleoperators/" (the slot keeps them whole; the dataset takes none, the index
  // does), ranked and listed among the others as their full names.
  const TeleoperatorData plain = *data.teleoperator("teleoperators/plain");
  for (const char* name : {"agents/zed", "zz", "teleoperators"}) {
    TeleoperatorData other = plain;
    other.profile.set_name(name);
    index.PutTeleoperator(other);
    absl::StatusOr<std::vector<std::string>> got = index.EligibleCampaigns(name, policy, today);
    ASSERT_TRUE(got.ok()) << got.status();
    absl::StatusOr<std::vector<std::string>> want =
        index.EligibleCampaigns("teleoperators/plain", policy, today);
    EXPECT_EQ(*got, *want) << name;
  }
  absl::StatusOr<MatchResult> got =
      index.Match(campaign.name(), policy, today, MatchOptions{.top_k = 10, .list_eligible = true});
  ASSERT_TRUE(got.ok()) << got.status();
  std::vector<std::string> names;
  for (const std::string& name : got->eligible) names.push_back(name);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  for (const char* name : {"agents/zed", "zz", "teleoperators", "teleoperators/plain"}) {
    EXPECT_TRUE(std::count(names.begin(), names.end(), name) == 1) << name;
  }
  for (size_t i = 1; i < got->top.size(); ++i) {
    const v1::Match& a = got->top[i - 1];
    const v1::Match& b = got->top[i];
    EXPECT_TRUE(a.score() > b.score() ||
                (a.score() == b.score() && a.teleoperator() < b.teleoperator()));
  }
  EXPECT_TRUE(index.RemoveTeleoperator("zz"));
  EXPECT_FALSE(index.RemoveTeleoperator("zz"));
}

// A put that says what changed (PutTeleoperator with Changed::kProfile or kActivityLog, the
// materializer's for a teleoperator record or a log) leaves the index as a full put does: two
// indexes, one given typed puts and one full puts of the same profile changes and new or changed
// logs of the teleoperators with the most activity logs, give the same answers to every query,
// before and after the company changes that remake slots from what they kept. A typed put whose
// employments or contracts did change after all (a count differs) is a full put.
TEST(MatchingIndexUpdateTest, ProfilePutLeavesTheIndexAsAFullPut) {
  GeneratorOptions options;
  options.seed = 3;
  options.teleoperators = 3'000;
  options.today = kToday;
  absl::StatusOr<Dataset> generated = GenerateDataset(options);
  ASSERT_TRUE(generated.ok()) << generated.status();
  Dataset& dataset = *generated;
  MatchingIndex typed;
  MatchingIndex full;
  typed.Load(dataset);
  full.Load(dataset);
  const v1::MatchingPolicy policy = DefaultPolicy();
  const std::vector<std::string> open = OpenCampaigns(dataset);
  std::vector<std::pair<size_t, std::string>> by_logs;
  for (const auto& [name, t] : dataset.teleoperators()) {
    size_t logs = 0;
    for (const ContractData& k : t.contracts) logs += k.logs.size();
    by_logs.emplace_back(logs, name);
  }
  std::sort(by_logs.rbegin(), by_logs.rend());
  by_logs.resize(300);
  ASSERT_GT(by_logs.back().first, 10u);

  auto compare = [&](const std::string& when) {
    for (const std::string& campaign : open) {
      const MatchOptions exact{.top_k = 200, .exact_count = true, .list_eligible = true};
      absl::StatusOr<MatchResult> a = typed.Match(campaign, policy, kToday, exact);
      absl::StatusOr<MatchResult> b = full.Match(campaign, policy, kToday, exact);
      ASSERT_EQ(a.ok(), b.ok()) << when << " " << campaign;
      if (!a.ok()) continue;
      EXPECT_EQ(a->eligible, b->eligible) << when << " " << campaign;
      ASSERT_EQ(a->top.size(), b->top.size()) << when << " " << campaign;
      for (size_t i = 0; i < a->top.size(); ++i) {
        EXPECT_TRUE(MessageDifferencer::Equals(a->top[i], b->top[i]))
            << when << " " << campaign << " rank " << i + 1 << ": " << a->top[i].ShortDebugString()
            << " vs " << b->top[i].ShortDebugString();
      }
      const MatchOptions pruned{.top_k = 50, .exact_count = false, .cells_above = 0};
      a = typed.Match(campaign, policy, kToday, pruned);
      b = full.Match(campaign, policy, kToday, pruned);
      ASSERT_TRUE(a.ok() && b.ok());
      EXPECT_EQ(a->time_rules_evaluated, b->time_rules_evaluated) << when << " " << campaign;
    }
    for (const auto& [logs, name] : by_logs) {
      absl::StatusOr<std::vector<std::string>> a = typed.EligibleCampaigns(name, policy, kToday);
      absl::StatusOr<std::vector<std::string>> b = full.EligibleCampaigns(name, policy, kToday);
      ASSERT_TRUE(a.ok() && b.ok());
      EXPECT_EQ(*a, *b) << when << " " << name;
    }
    const IndexStats a = typed.Stats();
    const IndexStats b = full.Stats();
    EXPECT_EQ(a.teleoperators, b.teleoperators);
    EXPECT_EQ(a.contracts, b.contracts);
  };

  std::mt19937_64 rng(6);
  static const char* kZones[] = {"Europe/Paris", "America/New_York", "Asia/Tokyo", ""};
  for (int round = 0; round < 2; ++round) {
    for (const auto& [logs, name] : by_logs) {
      v1::Teleoperator p = dataset.teleoperator(name)->profile;
      // What a profile change can touch: the availability (its windows and zone, which the
      // employments' schedules without a zone fall back to), languages, skills, country,
      // registration, sector codes.
      switch (rng() % 6) {
        case 0:
          p.mutable_availability()->mutable_windows()->Clear();
          break;
        case 1:
          p.mutable_availability()->set_time_zone(kZones[rng() % 4]);
          break;
        case 2: {
          v1::LanguageLevel* l = p.add_languages();
          l->set_language(rng() % 2 == 0 ? "de" : "FR");
          l->set_level(static_cast<v1::CefrLevel>(rng() % 8));
          break;
        }
        case 3:
          p.add_skills(static_cast<v1::Skill>(rng() % 10 == 0 ? 70 : 1 + rng() % 6));
          break;
        case 4:
          p.mutable_establishment()->set_country_code(rng() % 2 == 0 ? "BE" : "fr");
          p.mutable_registration()->set_status(static_cast<v1::RegistrationStatus>(rng() % 4));
          break;
        case 5:
          p.clear_sector_experience();
          p.add_sector_experience(rng() % 2 == 0 ? "62.01" : "47.11");
          break;
      }
      ASSERT_TRUE(dataset.Upsert(p).ok());
      typed.PutTeleoperator(*dataset.teleoperator(name), MatchingIndex::Changed::kProfile);
      full.PutTeleoperator(*dataset.teleoperator(name));
      // Every other one, an activity log too: a new day, or one of its days again with other
      // figures (the aggregates are made again from all of them).
      const TeleoperatorData& t = *dataset.teleoperator(name);
      if (rng() % 2 == 0 || t.contracts.empty()) continue;
      const ContractData& k = t.contracts[rng() % t.contracts.size()];
      v1::ActivityLog log;
      if (!k.logs.empty() && rng() % 2 == 0) {
        log = k.logs[rng() % k.logs.size()];
      } else {
        const absl::CivilDay day = kToday - static_cast<int>(1 + rng() % 90);
        log.set_name(absl::StrCat(k.contract.name(), "/activityLogs/", FormatDay(day)));
        *log.mutable_day() = ToDate(day);
        log.mutable_revenue()->set_currency_code("EUR");
      }
      log.set_minutes_worked(static_cast<int32_t>(rng() % 600));
      log.set_appointments_set(static_cast<int32_t>(rng() % 8));
      log.set_appointments_validated(static_cast<int32_t>(rng() % 8));
      log.mutable_revenue()->set_minor_units(static_cast<int64_t>(rng() % 3) * 5'000);
      ASSERT_TRUE(dataset.Upsert(log).ok());
      typed.PutTeleoperator(*dataset.teleoperator(name), MatchingIndex::Changed::kActivityLog);
      full.PutTeleoperator(*dataset.teleoperator(name));
    }
    compare(absl::StrCat("round ", round));
  }
  // A contract more, put as if only the profile had changed: a full put all the same.
  for (size_t i = 0; i < 20; ++i) {
    const TeleoperatorData& t = *dataset.teleoperator(by_logs[i].second);
    ASSERT_FALSE(t.contracts.empty());
    v1::Contract k = t.contracts[0].contract;
    k.set_name(absl::StrCat(t.profile.name(), "/contracts/more"));
    ASSERT_TRUE(dataset.Upsert(k).ok());
    typed.PutTeleoperator(t, MatchingIndex::Changed::kProfile);
    full.PutTeleoperator(t);
  }
  compare("a contract more");
  // Slots remade from what they kept (their facts made again from their bytes).
  for (const auto& [name, company] : std::map(dataset.companies())) {
    v1::Company c = company;
    c.set_display_name(absl::StrCat(c.display_name(), " renamed"));
    ASSERT_TRUE(dataset.Upsert(c).ok());
    ASSERT_TRUE(typed.Upsert(c).ok());
    ASSERT_TRUE(full.Upsert(c).ok());
  }
  compare("remade");
}

// The differential test of issue 4. 20,000 teleoperators and the 300 open campaigns: the index
// answers every campaign (exact and pruned, which must agree); the reference path, at about half
// a second a campaign, checks a sample of campaigns spread over the selectivity range (sorted by
// eligible count, evenly spaced, the smallest and the largest included), with the explanations of
// a random sample of excluded pairs; then 3,000 random updates go to both and it all runs again
// on a fresh sample.
constexpr int64_t kTeleoperators = 20'000;
constexpr int kTopK = 50;
constexpr size_t kSampleCampaigns = 12;
constexpr int kUpdates = 3'000;

TEST(MatchingIndexDifferentialTest, SameAnswersAsTheReferenceBeforeAndAfterUpdates) {
  GeneratorOptions options;
  options.seed = 1;
  options.teleoperators = kTeleoperators;
  options.today = kToday;
  absl::Time started = absl::Now();
  absl::StatusOr<Dataset> generated = GenerateDataset(options);
  ASSERT_TRUE(generated.ok()) << generated.status();
  Dataset& dataset = *generated;
  std::printf("generated %zu teleoperators in %.1f s\n", dataset.teleoperators().size(),
              absl::ToDoubleSeconds(absl::Now() - started));
  started = absl::Now();
  MatchingIndex index;
  index.Load(dataset);
  std::printf("index built in %.2f s\n", absl::ToDoubleSeconds(absl::Now() - started));
  const v1::MatchingPolicy policy = DefaultPolicy();
  const std::vector<std::string> open = OpenCampaigns(dataset);
  ASSERT_EQ(open.size(), 300u);
  std::mt19937_64 rng(4);

  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "as generated" : "after the updates");
    started = absl::Now();
    const std::map<std::string, MatchResult> answers = MatchAll(index, open, policy, kTopK);
    std::printf("index: %zu campaigns, exact and pruned, in %.2f s\n", answers.size(),
                absl::ToDoubleSeconds(absl::Now() - started));
    // A different spread each round: offset by one rank.
    std::vector<std::string> sample = SpreadSample(answers, kSampleCampaigns + round);
    started = absl::Now();
    CompareWithReference(dataset, index, answers, sample, policy, kTopK, /*pairs=*/120, rng);
    std::printf("reference on the sample in %.1f s\n",
                absl::ToDoubleSeconds(absl::Now() - started));
    CheckReverse(dataset, index, answers, policy, /*count=*/40, rng);
    if (HasFailure()) return;
    if (round == 1) break;

    started = absl::Now();
    Updater updater(dataset, index, /*seed=*/9);
    for (int i = 0; i < kUpdates; ++i) {
      updater.Apply(i);
      if (HasFatalFailure()) return;
    }
    std::printf("%d updates applied to both in %.2f s\n", kUpdates,
                absl::ToDoubleSeconds(absl::Now() - started));
    const IndexStats stats = index.Stats();
    EXPECT_EQ(stats.teleoperators, static_cast<int64_t>(dataset.teleoperators().size()));
  }
}

// Reused answers (MatchOptions::reuse): after each random update (the differential test's mix,
// company and campaign changes included), a reused answer is the answer computed afresh. Both
// outcomes of the check must occur: answers kept across changes, and answers a change altered.
TEST(MatchingIndexReuseTest, ReusedAnswersAreTheAnswersComputedAfresh) {
  GeneratorOptions options;
  options.seed = 2;
  options.teleoperators = 5'000;
  options.today = kToday;
  absl::StatusOr<Dataset> generated = GenerateDataset(options);
  ASSERT_TRUE(generated.ok()) << generated.status();
  Dataset& dataset = *generated;
  MatchingIndex index;
  index.Load(dataset);
  const v1::MatchingPolicy policy = DefaultPolicy();
  const std::vector<std::string> open = OpenCampaigns(dataset);
  const MatchOptions fresh{.top_k = kTopK, .exact_count = false};
  MatchOptions reuse = fresh;
  reuse.reuse = true;
  for (const std::string& name : open) {
    absl::StatusOr<MatchResult> first = index.Match(name, policy, kToday, reuse);
    ASSERT_TRUE(first.ok()) << first.status();
    EXPECT_FALSE(first->reused) << name;
    absl::StatusOr<MatchResult> again = index.Match(name, policy, kToday, reuse);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_TRUE(again->reused) << name;
  }

  Updater updater(dataset, index, /*seed=*/11);
  std::mt19937_64 rng(5);
  int kept = 0;
  int recomputed = 0;
  for (int i = 0; i < 600; ++i) {
    updater.Apply(i);
    if (HasFatalFailure()) return;
    for (int j = 0; j < 8; ++j) {
      const std::string& name = open[rng() % open.size()];
      absl::StatusOr<MatchResult> reused = index.Match(name, policy, kToday, reuse);
      absl::StatusOr<MatchResult> computed = index.Match(name, policy, kToday, fresh);
      ASSERT_TRUE(reused.ok()) << reused.status();
      ASSERT_TRUE(computed.ok()) << computed.status();
      ASSERT_FALSE(computed->reused);
      ++(reused->reused ? kept : recomputed);
      // A client's view of the same answer: ranks and public components, no total.
      MatchOptions client = reuse;
      client.public_view = true;
      absl::StatusOr<MatchResult> shown = index.Match(name, policy, kToday, client);
      ASSERT_TRUE(shown.ok()) << shown.status();
      ASSERT_EQ(shown->top.size(), computed->top.size());
      for (size_t r = 0; r < computed->top.size(); ++r) {
        const v1::Match& full = computed->top[r];
        EXPECT_EQ(shown->top[r].teleoperator(), full.teleoperator());
        EXPECT_EQ(shown->top[r].rank(), full.rank());
        EXPECT_EQ(shown->top[r].score(), 0);
        int c = 0;
        for (const v1::ScoreComponent& component : full.components()) {
          if (!component.public_profile()) continue;
          ASSERT_LT(c, shown->top[r].components_size());
          EXPECT_TRUE(MessageDifferencer::Equals(shown->top[r].components(c++), component));
        }
        EXPECT_EQ(c, shown->top[r].components_size());
      }
      ASSERT_EQ(reused->top.size(), computed->top.size()) << name << " after update " << i;
      for (size_t r = 0; r < computed->top.size(); ++r) {
        ASSERT_TRUE(MessageDifferencer::Equals(reused->top[r], computed->top[r]))
            << name << " after update " << i << ", rank " << r + 1 << ": "
            << reused->top[r].ShortDebugString() << " vs " << computed->top[r].ShortDebugString();
      }
    }
  }
  std::printf("answers kept across changes: %d, computed again: %d\n", kept, recomputed);
  EXPECT_GT(kept, 0);
  EXPECT_GT(recomputed, 0);
  // The counters operators read count the queries with reuse only: at first, each campaign
  // computed once and reused once; then each check's client view reuses the answer just checked.
  const IndexStats stats = index.Stats();
  const int64_t campaigns = static_cast<int64_t>(open.size());
  EXPECT_EQ(stats.answers_computed, campaigns + recomputed);
  EXPECT_EQ(stats.answers_reused, campaigns + kept + 600 * 8);
}

}  // namespace
}  // namespace callmatch::matching

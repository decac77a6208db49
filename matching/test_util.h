// Builders for the matching tests: small, explicit fixtures in code (no generator). Everything
// is in Europe/Paris unless a test says otherwise; the default campaign starts on Monday
// 2027-03-01, which is also "today", so its as-of date and reference week start that day.
#ifndef CALLMATCH_MATCHING_TEST_UTIL_H_
#define CALLMATCH_MATCHING_TEST_UTIL_H_

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "callmatch/v1/campaign.pb.h"
#include "callmatch/v1/contract.pb.h"
#include "callmatch/v1/matching.pb.h"
#include "callmatch/v1/teleoperator.pb.h"
#include "matching/dataset.h"
#include "matching/explain.h"
#include "matching/policy.h"
#include "matching/time_model.h"

namespace callmatch::matching::testing {

// Minutes from Monday 00:00: At(0, 9) is Monday 09:00, At(6, 23, 30) Sunday 23:30.
constexpr int At(int day, int hour, int minute = 0) { return day * 1440 + hour * 60 + minute; }

inline v1::Date D(int y, int m, int d) { return ToDate(absl::CivilDay(y, m, d)); }

// `body` followed by its Luhn check digit.
inline std::string WithLuhn(const std::string& body) {
  for (char c = '0'; c <= '9'; ++c) {
    const std::string candidate = body + c;
    int sum = 0;
    bool twice = false;
    for (size_t i = candidate.size(); i-- > 0;) {
      int d = candidate[i] - '0';
      if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
      twice = !twice;
    }
    if (sum % 10 == 0) return candidate;
  }
  return body;
}

inline v1::WeeklySchedule Schedule(const std::string& zone,
                                   const std::vector<std::pair<int, int>>& windows) {
  v1::WeeklySchedule s;
  s.set_time_zone(zone);
  for (const auto& [start, end] : windows) {
    v1::WeeklyWindow* w = s.add_windows();
    w->set_start_minute(start);
    w->set_end_minute(end);
  }
  return s;
}

// The same daily window [from, to) (minutes of the day; to may pass midnight, up to 2880) on
// days first..last (0 = Monday).
inline std::vector<std::pair<int, int>> Daily(int from, int to, int first = 0, int last = 4) {
  std::vector<std::pair<int, int>> out;
  for (int d = first; d <= last; ++d) {
    int s = d * 1440 + from;
    int e = d * 1440 + to;
    out.emplace_back(s % 10080, e % 10080 == 0 && e > 0 ? 10080 : e % 10080);
  }
  return out;
}

inline v1::Company Company(const std::string& id, const std::string& siren,
                           const std::string& group_id = "", std::vector<std::string> segments = {},
                           const std::string& country = "FR") {
  v1::Company c;
  c.set_name("companies/" + id);
  c.set_display_name(id);
  c.mutable_registration()->set_number(siren);
  c.mutable_registration()->set_status(v1::REGISTRATION_STATUS_VERIFIED);
  c.mutable_location()->set_country_code(country);
  c.set_group_id(group_id);
  for (auto& s : segments) c.add_segments(s);
  return c;
}

// A flexible campaign of 8 h a week, Monday to Saturday 17:00-21:00 Paris, in 62.01, French B2,
// cold calling, from Monday 2027-03-01 to 2027-06-30.
inline v1::Campaign Campaign(const std::string& company_id, const std::string& id) {
  v1::Campaign c;
  c.set_name(absl::StrCat("companies/", company_id, "/campaigns/", id));
  c.set_state(v1::CAMPAIGN_STATE_OPEN);
  c.set_kind(v1::CAMPAIGN_KIND_COLD_CALLING);
  c.add_segments("62.01");
  v1::LanguageLevel* fr = c.add_languages();
  fr->set_language("fr");
  fr->set_level(v1::CEFR_LEVEL_B2);
  c.add_skills(v1::SKILL_COLD_CALLING);
  *c.mutable_calling_windows() = Schedule("Europe/Paris", Daily(17 * 60, 21 * 60, 0, 5));
  c.set_weekly_minutes_per_seat(480);
  c.set_seats(3);
  *c.mutable_start_date() = D(2027, 3, 1);
  *c.mutable_end_date() = D(2027, 6, 30);
  c.mutable_terms()->set_imposed_schedule(false);
  return c;
}

// A verified French teleoperator, native French speaker, cold caller with 62.01 experience,
// available every day 08:00-22:00 Paris.
inline v1::Teleoperator Teleoperator(const std::string& id) {
  v1::Teleoperator t;
  t.set_name("teleoperators/" + id);
  t.set_display_name(id);
  t.mutable_establishment()->set_country_code("FR");
  t.mutable_registration()->set_number(WithLuhn("7328293200007"));
  t.mutable_registration()->set_status(v1::REGISTRATION_STATUS_VERIFIED);
  *t.mutable_registration()->mutable_verify_date() = D(2027, 1, 15);
  v1::LanguageLevel* fr = t.add_languages();
  fr->set_language("fr");
  fr->set_level(v1::CEFR_LEVEL_NATIVE);
  t.add_skills(v1::SKILL_COLD_CALLING);
  t.add_sector_experience("62.01");
  *t.mutable_availability() = Schedule("Europe/Paris", Daily(8 * 60, 22 * 60, 0, 6));
  return t;
}

// An employment with no schedule, ongoing, started in 2020.
inline v1::Employment Employment(const std::string& teleoperator_id, const std::string& id,
                                 const std::string& employer_number,
                                 const std::string& employer_group = "",
                                 std::vector<std::string> employer_segments = {}) {
  v1::Employment e;
  e.set_name(absl::StrCat("teleoperators/", teleoperator_id, "/employments/", id));
  e.mutable_employer()->set_display_name("Employer " + id);
  e.mutable_employer()->set_registration_number(employer_number);
  e.mutable_employer()->set_country_code("FR");
  e.mutable_employer()->set_group_id(employer_group);
  for (auto& s : employer_segments) e.mutable_employer()->add_segments(s);
  e.mutable_schedule()->set_time_zone("Europe/Paris");
  *e.mutable_start_date() = D(2020, 1, 6);
  return e;
}

inline v1::Contract Contract(const std::string& teleoperator_id, const std::string& id,
                             const v1::Campaign& campaign, v1::ContractState state) {
  v1::Contract k;
  k.set_name(absl::StrCat("teleoperators/", teleoperator_id, "/contracts/", id));
  k.set_campaign(campaign.name());
  k.set_client(ParentName(campaign.name()));
  k.set_state(state);
  *k.mutable_terms() = campaign.terms();
  *k.mutable_start_date() = campaign.start_date();
  *k.mutable_end_date() = campaign.end_date();
  // Contracts that were accepted carry their accept date (long ago, so that every past week of
  // the average sees them planned); PROPOSED, DECLINED and the like have none.
  if (state == v1::CONTRACT_STATE_ACCEPTED || state == v1::CONTRACT_STATE_ACTIVE ||
      state == v1::CONTRACT_STATE_TERMINATED) {
    *k.mutable_accept_date() = D(2020, 1, 6);
  }
  return k;
}

inline v1::ActivityLog Log(const v1::Contract& contract, absl::CivilDay day, int minutes,
                           int set = 0, int validated = 0, int64_t revenue = 0) {
  v1::ActivityLog l;
  l.set_name(absl::StrCat(contract.name(), "/activityLogs/", FormatDay(day)));
  *l.mutable_day() = ToDate(day);
  l.set_minutes_worked(minutes);
  l.set_appointments_set(set);
  l.set_appointments_validated(validated);
  l.mutable_revenue()->set_currency_code("EUR");
  l.mutable_revenue()->set_minor_units(revenue);
  return l;
}

// A dataset with a client (SIREN 732829320, no group, segment 62.01, France), its campaign
// "companies/client/campaigns/c1" and one teleoperator "teleoperators/t1" eligible for it.
class MatchingTest : public ::testing::Test {
 protected:
  static constexpr char kCampaign[] = "companies/client/campaigns/c1";
  static constexpr char kTeleoperator[] = "teleoperators/t1";
  static std::string ClientSiren() { return "732829320"; }

  void SetUp() override {
    policy_ = DefaultPolicy();
    Put(Company("client", ClientSiren(), "", {"62.01"}));
    campaign_ = Campaign("client", "c1");
    Put(campaign_);
    Put(Teleoperator("t1"));
  }

  template <typename T>
  void Put(const T& record) {
    ASSERT_TRUE(data_.Upsert(record).ok()) << record.name();
  }
  // A campaign `id` of another client, "companies/other" (SIREN 542051180, segment 47.11, no
  // group in common with the fixture's client, stored on first use), in segment 47.11. Not
  // stored: tests adjust it, then Put it.
  v1::Campaign OtherClientCampaign(const std::string& id) {
    if (data_.company("companies/other") == nullptr) {
      Put(Company("other", "542051180", "", {"47.11"}));
    }
    v1::Campaign campaign = Campaign("other", id);
    campaign.set_segments(0, "47.11");
    return campaign;
  }
  // Re-stores the fixture's campaign after a test changed it.
  void PutCampaign() { Put(campaign_); }
  v1::Teleoperator Profile() const { return data_.teleoperator(kTeleoperator)->profile; }

  v1::EligibilityExplanation Explain(const std::string& teleoperator = kTeleoperator) {
    absl::StatusOr<v1::EligibilityExplanation> e =
        ExplainEligibility(data_, kCampaign, teleoperator, policy_, today_);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : v1::EligibilityExplanation();
  }
  v1::RuleOutcome Rule(v1::ExclusionReason reason,
                       const std::string& teleoperator = kTeleoperator) {
    const v1::EligibilityExplanation e = Explain(teleoperator);
    for (const v1::RuleOutcome& o : e.outcomes()) {
      if (o.rule() == reason) return o;
    }
    ADD_FAILURE() << "no outcome for " << v1::ExclusionReason_Name(reason);
    return v1::RuleOutcome();
  }
  static int64_t Figure(const v1::RuleOutcome& o, const std::string& name) {
    for (const v1::Figure& f : o.figures()) {
      if (f.name() == name) return f.value();
    }
    ADD_FAILURE() << "no figure " << name << " in " << o.DebugString();
    return -1;
  }

  Dataset data_;
  v1::MatchingPolicy policy_;
  v1::Campaign campaign_;
  absl::CivilDay today_{2027, 3, 1};
};

}  // namespace callmatch::matching::testing

#endif  // CALLMATCH_MATCHING_TEST_UTIL_H_

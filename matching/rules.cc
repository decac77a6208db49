#include "matching/rules.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "matching/segments.h"

namespace callmatch::matching {
namespace {

// Sets the outcome's code, verdict and explanation (figures are added as the rule goes).
v1::RuleOutcome Finish(v1::RuleOutcome out, v1::ExclusionReason rule, bool passed,
                       std::string explanation) {
  out.set_rule(rule);
  out.set_passed(passed);
  out.set_explanation(std::move(explanation));
  return out;
}

void AddFigure(v1::RuleOutcome& out, absl::string_view name, int64_t value, int64_t limit,
               absl::string_view unit) {
  v1::Figure* f = out.add_figures();
  f->set_name(std::string(name));
  f->set_value(value);
  f->set_limit(limit);
  f->set_unit(std::string(unit));
}

// "82.20 (campaign 82)" for each overlapping pair.
std::string Pairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  return absl::StrJoin(pairs, ", ", [](std::string* out, const auto& p) {
    absl::StrAppend(out, p.first, " (campaign ", p.second, ")");
  });
}

std::string CampaignSegments(const v1::Campaign& campaign) {
  return campaign.segments_size() == 0 ? "none" : absl::StrJoin(campaign.segments(), ", ");
}

// Days from `a` to `b` (b - a).
int64_t DaysBetween(absl::CivilDay a, absl::CivilDay b) { return b - a; }

std::string Sentences(const std::vector<std::string>& parts) {
  return absl::StrCat(absl::StrJoin(parts, "; "), ".");
}

}  // namespace

const char* CefrName(v1::CefrLevel level) {
  switch (level) {
    case v1::CEFR_LEVEL_A1:
      return "A1";
    case v1::CEFR_LEVEL_A2:
      return "A2";
    case v1::CEFR_LEVEL_B1:
      return "B1";
    case v1::CEFR_LEVEL_B2:
      return "B2";
    case v1::CEFR_LEVEL_C1:
      return "C1";
    case v1::CEFR_LEVEL_C2:
      return "C2";
    case v1::CEFR_LEVEL_NATIVE:
      return "native";
    default:
      return "none";
  }
}

std::string SkillName(v1::Skill skill) {
  std::string name = v1::Skill_Name(skill);
  if (name.empty()) return absl::StrCat("skill ", static_cast<int>(skill));
  absl::string_view v = name;
  absl::ConsumePrefix(&v, "SKILL_");
  return absl::AsciiStrToLower(v);
}

v1::CefrLevel LevelIn(const v1::Teleoperator& teleoperator, absl::string_view language) {
  v1::CefrLevel best = v1::CEFR_LEVEL_UNSPECIFIED;
  for (const v1::LanguageLevel& l : teleoperator.languages()) {
    if (absl::EqualsIgnoreCase(l.language(), language) && l.level() > best) best = l.level();
  }
  return best;
}

// 1 ---------------------------------------------------------------------------------------------
v1::RuleOutcome CheckEmployeeOfClient(const RuleInput& in) {
  const CampaignContext& c = in.campaign;
  const int64_t cooloff = in.policy.former_employee_cooloff_days();
  std::vector<std::string> failures;
  std::vector<std::string> notes;
  v1::RuleOutcome out;
  int64_t current = 0;
  for (const EmploymentFacts& e : in.teleoperator.employments) {
    const std::string shared = SharedGroupKey(e.employer.group_keys, c.client_group_keys);
    if (shared.empty()) continue;
    const std::string who = absl::StrCat(
        e.employer.label, e.employer.platform_company != nullptr ? "" : " (declared only)",
        ", in the client's group (shared key ", shared, ")");
    if (Overlaps(e.period, c.remaining)) {
      ++current;
      std::string when;
      if (e.period.first > c.as_of) {
        when = absl::StrCat(", starting ", FormatDay(e.period.first), " during the campaign");
      }
      failures.push_back(absl::StrCat("current employment at ", who, when));
    } else if (e.period.last < c.as_of) {
      const int64_t days = DaysBetween(e.period.last, c.as_of);
      AddFigure(out, "days_since_left", days, cooloff, "days");
      const std::string line =
          absl::StrCat("former employment at ", who, " ended ", FormatDay(e.period.last), ", ",
                       days, " days before the as-of date ", FormatDay(c.as_of));
      if (days < cooloff) {
        failures.push_back(absl::StrCat(line, ": fewer than the ", cooloff, "-day cool-off"));
      } else {
        notes.push_back(absl::StrCat(line, ": the ", cooloff, "-day cool-off is over"));
      }
    }
  }
  AddFigure(out, "current_employments_in_client_group", current, 0, "count");
  const bool passed = failures.empty();
  if (passed) {
    notes.insert(notes.begin(), absl::StrCat("no current employment in the client's group (",
                                             absl::StrJoin(c.client_group_keys, ", "),
                                             ") and no former one within ", cooloff, " days"));
  }
  return Finish(std::move(out), v1::EXCLUSION_REASON_EMPLOYEE_OF_CLIENT, passed,
                Sentences(passed ? notes : failures));
}

// 2 ---------------------------------------------------------------------------------------------
v1::RuleOutcome CheckCompetingEmployer(const RuleInput& in) {
  const CampaignContext& c = in.campaign;
  v1::RuleOutcome out;
  std::vector<std::string> failures;
  int64_t current = 0;
  int64_t competing = 0;
  for (const EmploymentFacts& e : in.teleoperator.employments) {
    if (!Overlaps(e.period, c.remaining)) continue;
    ++current;
    // The client's own group does not compete with it: that is EMPLOYEE_OF_CLIENT's case.
    if (!SharedGroupKey(e.employer.group_keys, c.client_group_keys).empty()) continue;
    const auto pairs = OverlappingSegments(e.employer.segments, c.campaign->segments());
    if (pairs.empty()) continue;
    ++competing;
    failures.push_back(absl::StrCat(
        "current employer ", e.employer.label, " works in ", Pairs(pairs),
        e.employer.platform_company != nullptr ? " (the platform's record)" : " (as declared)"));
  }
  AddFigure(out, "competing_current_employers", competing, 0, "count");
  const bool passed = failures.empty();
  if (passed) {
    failures.push_back(absl::StrCat(
        "no current employer outside the client's group works in the campaign's segments (",
        CampaignSegments(*c.campaign), "); ", current, " current employments"));
  }
  return Finish(std::move(out), v1::EXCLUSION_REASON_COMPETING_EMPLOYER, passed,
                Sentences(failures));
}

// 3 ---------------------------------------------------------------------------------------------
v1::RuleOutcome CheckNonCompete(const RuleInput& in) {
  const CampaignContext& c = in.campaign;
  v1::RuleOutcome out;
  std::vector<std::string> failures;
  std::vector<std::string> notes;
  for (const EmploymentFacts& e : in.teleoperator.employments) {
    const v1::Employment& employment = *e.employment;
    if (!employment.has_non_compete()) continue;
    // Current or former: an employment that starts after the campaign binds nothing yet.
    if (e.period.first > c.remaining.last) continue;
    const auto pairs =
        OverlappingSegments(employment.non_compete().segments(), c.campaign->segments());
    if (pairs.empty()) continue;
    const absl::CivilDay end = ToCivilDay(employment.non_compete().end_date()).value_or(kFarFuture);
    const int64_t days_after = DaysBetween(c.as_of, end);
    AddFigure(out, "clause_days_after_as_of", days_after, 0, "days");
    const std::string until = end == kFarFuture ? std::string("with no end date")
                                                : absl::StrCat("until ", FormatDay(end));
    const std::string line = absl::StrCat("non-compete clause of the employment at ",
                                          e.employer.label, " covers ", Pairs(pairs), " ", until);
    if (end >= c.as_of) {
      failures.push_back(absl::StrCat(line, ": in force on the as-of date ", FormatDay(c.as_of)));
    } else {
      notes.push_back(absl::StrCat(line, ": ended ", -days_after, " days before the as-of date ",
                                   FormatDay(c.as_of)));
    }
  }
  const bool passed = failures.empty();
  if (passed) {
    notes.insert(
        notes.begin(),
        absl::StrCat("no non-compete clause in force on ", FormatDay(c.as_of),
                     " covers the campaign's segments (", CampaignSegments(*c.campaign), ")"));
  }
  return Finish(std::move(out), v1::EXCLUSION_REASON_NON_COMPETE, passed,
                Sentences(passed ? notes : failures));
}

// 4 ---------------------------------------------------------------------------------------------
v1::RuleOutcome CheckExclusivity(const RuleInput& in) {
  const CampaignContext& c = in.campaign;
  v1::RuleOutcome out;
  std::vector<std::string> failures;
  std::vector<std::string> notes;
  for (const EmploymentFacts& e : in.teleoperator.employments) {
    if (!Overlaps(e.period, c.remaining) || !e.employment->exclusivity_clause()) continue;
    if (e.employment->employer_authorisation()) {
      notes.push_back(absl::StrCat("the exclusivity clause of the employment at ", e.employer.label,
                                   " is lifted by the employer's authorisation on file"));
    } else {
      failures.push_back(absl::StrCat("current employment at ", e.employer.label,
                                      " has an exclusivity clause and no employer "
                                      "authorisation on file"));
    }
  }
  AddFigure(out, "unauthorised_exclusivity_clauses", static_cast<int64_t>(failures.size()), 0,
            "count");
  const bool passed = failures.empty();
  if (passed) notes.insert(notes.begin(), "no current employment forbids other work");
  return Finish(std::move(out), v1::EXCLUSION_REASON_EXCLUSIVITY, passed,
                Sentences(passed ? notes : failures));
}

// 5 ---------------------------------------------------------------------------------------------
v1::RuleOutcome CheckConflictingMission(const RuleInput& in) {
  const CampaignContext& c = in.campaign;
  v1::RuleOutcome out;
  std::vector<std::string> failures;
  for (const ContractFacts& k : in.teleoperator.contracts) {
    if (!k.holds_time || !Overlaps(k.period, c.remaining)) continue;
    if (!SharedGroupKey(k.client_group_keys, c.client_group_keys).empty()) continue;
    const auto pairs = OverlappingSegments(k.campaign->segments(), c.campaign->segments());
    if (pairs.empty()) continue;
    const v1::Contract& contract = k.data->contract;
    failures.push_back(absl::StrCat(
        contract.state() == v1::CONTRACT_STATE_ACTIVE ? "active" : "accepted", " contract ",
        contract.name(), " for ", k.client_name, " (campaign ", k.campaign->name(), ", ",
        k.period.first == kFarPast ? std::string("open start") : FormatDay(k.period.first), " to ",
        k.period.last == kFarFuture ? std::string("open end") : FormatDay(k.period.last),
        ") works in ", Pairs(pairs), " during the campaign's period ", FormatDay(c.remaining.first),
        " to ",
        c.remaining.last == kFarFuture ? std::string("open end") : FormatDay(c.remaining.last)));
  }
  AddFigure(out, "conflicting_contracts", static_cast<int64_t>(failures.size()), 0, "count");
  const bool passed = failures.empty();
  if (passed) {
    failures.push_back(absl::StrCat(
        "no accepted or active mission for another client in the campaign's segments (",
        CampaignSegments(*c.campaign), ") overlaps its period"));
  }
  return Finish(std::move(out), v1::EXCLUSION_REASON_CONFLICTING_MISSION, passed,
                Sentences(failures));
}

// 6 ---------------------------------------------------------------------------------------------
namespace {

std::string Breakdown(const WeekTotals& t) {
  std::vector<std::string> parts;
  parts.push_back(absl::StrCat("salaried ", FormatHours(t.salaried)));
  parts.push_back(absl::StrCat("other missions ", FormatHours(t.other_missions)));
  parts.push_back(absl::StrCat("this campaign ", FormatHours(t.this_campaign)));
  return absl::StrJoin(parts, " + ");
}

std::string CannotEvaluate(const absl::Status& status) {
  return absl::StrCat("cannot be evaluated: ", status.message(), ".");
}

}  // namespace

v1::RuleOutcome CheckWorkingTime(const RuleInput& in) {
  const CampaignContext& c = in.campaign;
  const v1::MatchingPolicy& p = in.policy;
  v1::RuleOutcome out;
  if (!in.work.status.ok()) {
    return Finish(std::move(out), v1::EXCLUSION_REASON_WORKING_TIME, false,
                  CannotEvaluate(in.work.status));
  }
  const bool freelance = p.caps_include_freelance();
  std::vector<std::string> parts;
  bool passed = true;

  // Weekly cap.
  const WeekTotals week = ReferenceWeekTotals(in.work, freelance);
  const bool week_ok = week.total() <= p.max_weekly_minutes();
  passed = passed && week_ok;
  AddFigure(out, "weekly_minutes", week.total(), p.max_weekly_minutes(), "minutes");
  parts.push_back(absl::StrCat("week of ", FormatDay(c.week.monday), " ", FormatHours(week.total()),
                               week_ok ? " <= " : " > ", "cap ",
                               FormatHours(p.max_weekly_minutes()), ": ", Breakdown(week)));

  // Average.
  const AverageFigures avg = AverageWeeks(c, in.teleoperator, in.work, p);
  const int64_t avg_limit = int64_t{p.max_average_weekly_minutes()} * avg.weeks;
  const bool avg_ok = avg.total <= avg_limit;
  passed = passed && avg_ok;
  AddFigure(out, "average_weeks_total_minutes", avg.total, avg_limit, "minutes");
  AddFigure(out, "average_weeks", avg.weeks, avg.weeks, "weeks");
  std::vector<std::string> past;
  for (const PastWeek& w : avg.past) {
    std::vector<std::string> detail;
    if (w.salaried > 0) detail.push_back(absl::StrCat("salaried ", FormatHours(w.salaried)));
    if (w.logged_contracts > 0) detail.push_back(absl::StrCat("logged ", FormatHours(w.logged)));
    if (w.planned_contracts > 0) {
      detail.push_back(absl::StrCat("planned ", FormatHours(w.planned)));
    }
    past.push_back(absl::StrCat(FormatDay(w.monday), " ", FormatHours(w.total()),
                                detail.empty() ? "" : ": ", absl::StrJoin(detail, " + ")));
  }
  // The average in tenths of an hour, rounded half up, for people; the test is on minutes.
  parts.push_back(absl::StrCat(
      avg.weeks, "-week average ", FormatHours((avg.total + avg.weeks / 2) / avg.weeks),
      avg_ok ? " <= " : " > ", "cap ", FormatHours(p.max_average_weekly_minutes()), " (",
      FormatHours(avg.total), " over ", avg.weeks, " weeks, cap ", FormatHours(avg_limit),
      "): reference week ", FormatHours(avg.reference.total()),
      past.empty() ? "" : absl::StrCat(", then ", absl::StrJoin(past, ", "))));

  // Daily cap: fixed work only (flexible hours are placed by the teleoperator).
  const std::vector<DayLoad> days = DailyLoads(c, in.work, freelance, /*include_this=*/true);
  const DayLoad* longest = nullptr;
  for (const DayLoad& d : days) {
    if (longest == nullptr || d.minutes.total() > longest->minutes.total()) longest = &d;
  }
  const int64_t longest_minutes = longest == nullptr ? 0 : longest->minutes.total();
  const bool day_ok = longest_minutes <= p.max_daily_minutes();
  passed = passed && day_ok;
  AddFigure(out, "max_daily_minutes", longest_minutes, p.max_daily_minutes(), "minutes");
  if (longest != nullptr && longest_minutes > 0) {
    parts.push_back(
        absl::StrCat("longest day ", FormatDay(longest->day.day), " (", in.work.zone.name(), ") ",
                     FormatHours(longest_minutes), day_ok ? " <= " : " > ", "cap ",
                     FormatHours(p.max_daily_minutes()), ": ", Breakdown(longest->minutes)));
  } else {
    parts.push_back("no work at fixed times");
  }

  // Daily rest.
  const RestResult rest = CheckDailyRest(FixedWork(in.work, freelance, /*include_this=*/true),
                                         RestSpan(c), p.min_daily_rest_minutes());
  passed = passed && rest.ok;
  AddFigure(out, "min_daily_rest_minutes", rest.longest_rest, p.min_daily_rest_minutes(),
            "minutes");
  if (rest.starts_checked > 0 || !rest.ok) {
    parts.push_back(absl::StrCat(rest.ok ? "shortest daily rest " : "daily rest ",
                                 FormatHours(rest.longest_rest), " in the 24 h after ",
                                 FormatInstant(rest.start, in.work.zone), rest.ok ? " >= " : " < ",
                                 FormatHours(p.min_daily_rest_minutes())));
  }
  if (!freelance) parts.push_back("freelance work left out of the caps by policy");
  return Finish(std::move(out), v1::EXCLUSION_REASON_WORKING_TIME, passed, Sentences(parts));
}

// 7 ---------------------------------------------------------------------------------------------
v1::RuleOutcome CheckSchedule(const RuleInput& in) {
  const CampaignContext& c = in.campaign;
  v1::RuleOutcome out;
  if (!in.work.status.ok()) {
    return Finish(std::move(out), v1::EXCLUSION_REASON_SCHEDULE, false,
                  CannotEvaluate(in.work.status));
  }
  if (c.imposed) {
    const ImposedFit fit = FitImposed(c, in.work);
    AddFigure(out, "uncovered_minutes", fit.uncovered_minutes, 0, "minutes");
    AddFigure(out, "imposed_minutes", fit.required, fit.required, "minutes");
    const bool passed = fit.uncovered_minutes == 0;
    std::string text = absl::StrCat(
        "imposed windows ", FormatHours(fit.required), " in the week of ", FormatDay(c.week.monday),
        "; ", FormatHours(fit.uncovered_minutes),
        " outside the teleoperator's free time (availability minus salaried hours and other "
        "missions)");
    if (!passed) {
      std::vector<std::string> spans;
      for (size_t i = 0; i < fit.uncovered.size() && i < 3; ++i) {
        spans.push_back(absl::StrCat(FormatInstant(fit.uncovered[i].start, in.work.zone), " to ",
                                     FormatInstant(fit.uncovered[i].end, in.work.zone)));
      }
      absl::StrAppend(&text, ": ", absl::StrJoin(spans, ", "),
                      fit.uncovered.size() > 3 ? ", ..." : "");
    }
    return Finish(std::move(out), v1::EXCLUSION_REASON_SCHEDULE, passed, absl::StrCat(text, "."));
  }
  const FlexibleFit fit = FitFlexible(c, in.work, in.policy);
  AddFigure(out, "placeable_minutes", fit.placeable, fit.required, "minutes");
  const bool passed = fit.placeable >= fit.required;
  std::vector<std::string> per_day;
  for (const DayPlacement& d : fit.days) {
    if (d.free == 0) continue;
    per_day.push_back(absl::StrCat(FormatDay(d.day.day), " ", FormatHours(d.placeable)));
  }
  return Finish(
      std::move(out), v1::EXCLUSION_REASON_SCHEDULE, passed,
      absl::StrCat("flexible hours: ", FormatHours(fit.placeable), " placeable",
                   passed ? " >= " : " < ", FormatHours(fit.required),
                   " a week needed (each day: free time in the calling windows, at most the daily "
                   "cap ",
                   FormatHours(in.policy.max_daily_minutes()), " minus other work that day)",
                   per_day.empty() ? "" : absl::StrCat(": ", absl::StrJoin(per_day, ", ")), "."));
}

// 8 ---------------------------------------------------------------------------------------------
v1::RuleOutcome CheckLanguage(const RuleInput& in) {
  const v1::Campaign& campaign = *in.campaign.campaign;
  const v1::Teleoperator& t = in.teleoperator.data->profile;
  v1::RuleOutcome out;
  std::vector<std::string> failures;
  std::vector<std::string> held;
  for (const v1::LanguageLevel& need : campaign.languages()) {
    const v1::CefrLevel has = LevelIn(t, need.language());
    const bool listed = std::any_of(t.languages().begin(), t.languages().end(), [&](const auto& l) {
      return absl::EqualsIgnoreCase(l.language(), need.language());
    });
    const std::string line = absl::StrCat(need.language(), " >= ", CefrName(need.level()), ": ",
                                          listed ? CefrName(has) : "not spoken");
    if (!listed || has < need.level()) {
      failures.push_back(line);
    } else {
      held.push_back(line);
    }
  }
  AddFigure(out, "missing_languages", static_cast<int64_t>(failures.size()), 0, "count");
  const bool passed = failures.empty();
  std::string text;
  if (campaign.languages_size() == 0) {
    text = "the campaign requires no language.";
  } else if (passed) {
    text = absl::StrCat("every language held: ", absl::StrJoin(held, ", "), ".");
  } else {
    text = absl::StrCat("missing or below level: ", absl::StrJoin(failures, ", "), ".");
  }
  return Finish(std::move(out), v1::EXCLUSION_REASON_LANGUAGE, passed, std::move(text));
}

// 9 ---------------------------------------------------------------------------------------------
v1::RuleOutcome CheckSkill(const RuleInput& in) {
  const v1::Campaign& campaign = *in.campaign.campaign;
  const v1::Teleoperator& t = in.teleoperator.data->profile;
  v1::RuleOutcome out;
  std::vector<std::string> missing;
  int64_t required = 0;
  for (int s : campaign.skills()) {
    if (s == v1::SKILL_UNSPECIFIED) continue;
    ++required;
    if (std::find(t.skills().begin(), t.skills().end(), s) == t.skills().end()) {
      missing.push_back(SkillName(static_cast<v1::Skill>(s)));
    }
  }
  AddFigure(out, "missing_skills", static_cast<int64_t>(missing.size()), 0, "count");
  const bool passed = missing.empty();
  return Finish(std::move(out), v1::EXCLUSION_REASON_SKILL, passed,
                passed ? absl::StrCat("every one of the ", required, " required skills held.")
                       : absl::StrCat("missing skills: ", absl::StrJoin(missing, ", "), "."));
}

// 10 --------------------------------------------------------------------------------------------
v1::RuleOutcome CheckCountry(const RuleInput& in) {
  const CampaignContext& c = in.campaign;
  const std::string country =
      absl::AsciiStrToUpper(in.teleoperator.data->profile.establishment().country_code());
  v1::RuleOutcome out;
  if (c.countries.empty()) {
    return Finish(std::move(out), v1::EXCLUSION_REASON_COUNTRY, true,
                  "neither the campaign nor its client names a country: no constraint.");
  }
  const bool passed =
      std::find(c.countries.begin(), c.countries.end(), country) != c.countries.end();
  return Finish(std::move(out), v1::EXCLUSION_REASON_COUNTRY, passed,
                absl::StrCat("established in ", country.empty() ? "no country" : country, "; ",
                             c.campaign->countries_size() > 0 ? "the campaign accepts "
                                                              : "the client's country is ",
                             absl::StrJoin(c.countries, ", "), "."));
}

// 11 --------------------------------------------------------------------------------------------
v1::RuleOutcome CheckRegistration(const RuleInput& in) {
  const CampaignContext& c = in.campaign;
  const v1::Registration& r = in.teleoperator.data->profile.registration();
  const int64_t max_age = in.policy.registration_max_age_days();
  v1::RuleOutcome out;
  std::vector<std::string> failures;
  std::vector<std::string> notes;
  if (r.status() != v1::REGISTRATION_STATUS_VERIFIED) {
    failures.push_back(absl::StrCat("status ", v1::RegistrationStatus_Name(r.status()),
                                    ", not verified by an operator"));
  }
  const std::optional<absl::CivilDay> verified = ToCivilDay(r.verify_date());
  if (!verified.has_value()) {
    failures.push_back("no verification date");
  } else {
    const int64_t age = DaysBetween(*verified, c.as_of);
    AddFigure(out, "verification_age_days", age, max_age, "days");
    const std::string line = absl::StrCat("verified ", FormatDay(*verified), ", ", age,
                                          " days before the as-of date ", FormatDay(c.as_of));
    if (age > max_age) {
      failures.push_back(absl::StrCat(line, " > ", max_age, " days"));
    } else {
      notes.push_back(absl::StrCat(line, " <= ", max_age, " days"));
    }
  }
  if (const absl::Status& s = in.teleoperator.registration_number_status; !s.ok()) {
    failures.push_back(std::string(s.message()));
  } else {
    notes.push_back(absl::StrCat("number ", r.number(), " well formed"));
  }
  const bool passed = failures.empty();
  if (passed) notes.insert(notes.begin(), "status VERIFIED");
  return Finish(std::move(out), v1::EXCLUSION_REASON_REGISTRATION, passed,
                Sentences(passed ? notes : failures));
}

// 12 --------------------------------------------------------------------------------------------
v1::RuleOutcome CheckCampaignThreshold(const RuleInput& in) {
  const v1::Campaign& campaign = *in.campaign.campaign;
  const int64_t min_rate = campaign.min_validated_rate_permille();
  const int64_t min_obs = std::max(1, campaign.min_quality_observations());
  const int64_t set = in.teleoperator.logs.appointments_set;
  const int64_t validated = in.teleoperator.logs.appointments_validated;
  v1::RuleOutcome out;
  if (min_rate <= 0) {
    return Finish(std::move(out), v1::EXCLUSION_REASON_CAMPAIGN_THRESHOLD, true,
                  "the campaign sets no threshold.");
  }
  AddFigure(out, "appointments_set", set, min_obs, "count");
  if (set < min_obs) {
    return Finish(std::move(out), v1::EXCLUSION_REASON_CAMPAIGN_THRESHOLD, true,
                  absl::StrCat(set, " appointments set, fewer than the ", min_obs,
                               " observations the campaign's minimum validated rate of ", min_rate,
                               " per mille needs: not applied yet."));
  }
  const int64_t rate = validated * 1000 / set;
  AddFigure(out, "validated_rate_permille", rate, min_rate, "permille");
  const bool passed = validated * 1000 >= min_rate * set;
  return Finish(
      std::move(out), v1::EXCLUSION_REASON_CAMPAIGN_THRESHOLD, passed,
      absl::StrCat("validated-appointment rate ", rate, " per mille (", validated, " of ", set, ")",
                   passed ? " >= " : " < ", "minimum ", min_rate, " per mille."));
}

std::vector<v1::RuleOutcome> EvaluateRules(const RuleInput& in) {
  return {CheckEmployeeOfClient(in), CheckCompetingEmployer(in),  CheckNonCompete(in),
          CheckExclusivity(in),      CheckConflictingMission(in), CheckWorkingTime(in),
          CheckSchedule(in),         CheckLanguage(in),           CheckSkill(in),
          CheckCountry(in),          CheckRegistration(in),       CheckCampaignThreshold(in)};
}

}  // namespace callmatch::matching

// What the rules read, resolved once: a campaign's context (as-of date, remaining period,
// reference week, client group, expanded windows) and a teleoperator's facts (resolved employers,
// periods, zones, log aggregates). Teleoperator facts do not depend on any campaign, so an index
// computes them once per update of the teleoperator (or of a company it declares as employer)
// and reuses them for every campaign; a campaign context is computed once per query.
//
// Both hold pointers into the Dataset they were made from: valid while it is not mutated.
#ifndef CALLMATCH_MATCHING_CONTEXT_H_
#define CALLMATCH_MATCHING_CONTEXT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "callmatch/v1/campaign.pb.h"
#include "callmatch/v1/contract.pb.h"
#include "callmatch/v1/teleoperator.pb.h"
#include "matching/dataset.h"
#include "matching/time_model.h"

namespace callmatch::matching {

// --- Companies and groups -------------------------------------------------------------------

// Group keys (docs/matching.md, "Companies, groups, employers"). Every company has a set of group
// keys, sorted and without duplicates: its own number and its group_id (both reduced by
// CompanyNumber with the company's country), then the parents found by following group_id
// through platform companies: the platform company indexed under the last key found (
// Dataset::company_by_registration), its reduced group_id, and so on, at most kMaxGroupParents
// steps, stopping at a key already in the set (a cycle), an empty group_id or a number the
// platform does not know. A company with neither number nor group_id has the single key
// "company:<name>". Two companies are in the same group when their sets intersect.
inline constexpr int kMaxGroupParents = 8;
std::vector<std::string> CompanyGroupKeys(const Dataset& dataset, const v1::Company& company);
// The smallest key both sorted sets hold; empty when they are not in the same group.
std::string SharedGroupKey(const std::vector<std::string>& a, const std::vector<std::string>& b);

// An employer as the rules see it. When its number (reduced by CompanyNumber with the
// employer's country) is a platform company, that company's group keys and segments prevail
// over the declaration.
struct EmployerFacts {
  // The platform company's keys; else the declared number and group_id, reduced, with the
  // group_id's parents followed through platform companies as for a company; empty when
  // neither is known (in no group).
  std::vector<std::string> group_keys;
  std::vector<std::string> segments;
  const v1::Company* platform_company = nullptr;  // nullptr: known only by its declaration
  // "Acme SA (732829320)" for explanations.
  std::string label;
};
EmployerFacts ResolveEmployer(const Dataset& dataset, const v1::Employer& employer);

// Whether a mission's hours are imposed (work at fixed times): the contract's
// terms.imposed_schedule if set, else the campaign's, else true (unknown is treated as imposed,
// so that every cap applies).
bool IsImposed(const v1::Campaign& campaign, const v1::MissionTerms* contract_terms);

// The company that owns a campaign ("companies/c1" for "companies/c1/campaigns/k1").
std::string ClientOf(const v1::Campaign& campaign);

// --- Campaign -----------------------------------------------------------------------------------

struct CampaignContext {
  const v1::Campaign* campaign = nullptr;
  std::string client_name;
  const v1::Company* client = nullptr;  // nullptr when the company is not in the dataset
  // CompanyGroupKeys of the client; {"company:<name>"} when it is not in the dataset.
  std::vector<std::string> client_group_keys;
  absl::CivilDay today;
  // The later of the campaign's start and today.
  absl::CivilDay as_of;
  // [as_of, end]; an open-ended campaign runs to kFarFuture; a campaign already over is [as_of,
  // as_of].
  Period remaining;
  absl::TimeZone zone;
  ReferenceWeek week;
  bool imposed = true;
  // The calling windows, expanded over the weeks around the reference week (ExpandSchedule).
  Intervals windows;
  // This campaign's planned minutes in the reference week: imposed, its windows' minutes inside
  // the week; flexible, weekly_minutes_per_seat.
  int64_t week_minutes = 0;
  // Accepted countries of establishment, upper-case: the campaign's, else its client's; empty
  // when neither is known (no constraint).
  std::vector<std::string> countries;
};

// INVALID_ARGUMENT when the campaign's time zone or windows are unusable or its weekly minutes
// negative.
absl::StatusOr<CampaignContext> MakeCampaignContext(const Dataset& dataset,
                                                    const v1::Campaign& campaign,
                                                    absl::CivilDay today);

// --- Teleoperator ------------------------------------------------------------------------------

struct EmploymentFacts {
  const v1::Employment* employment = nullptr;
  Period period;  // [start_date, end_date], unset bounds open
  EmployerFacts employer;
  // The schedule's zone (the teleoperator's when the schedule names none); not OK when unusable.
  absl::Status schedule_status;
  absl::TimeZone zone;
  int64_t nominal_week_minutes = 0;
};

struct ContractFacts {
  const ContractData* data = nullptr;
  Period period;
  const v1::Campaign* campaign = nullptr;  // nullptr when the campaign is not in the dataset
  std::string client_name;
  std::vector<std::string> client_group_keys;  // as CampaignContext's
  // ACCEPTED or ACTIVE, with a known campaign: the mission holds the teleoperator's time and
  // counts for CONFLICTING_MISSION and WORKING_TIME when its period overlaps the remaining one.
  bool holds_time = false;
  // accept_date set (whatever the state): an assignment, for fairness.
  bool assignment = false;
  // accept_date; nullopt when unset (never accepted).
  std::optional<absl::CivilDay> accepted;
  // Minutes logged on this contract per ISO week (key: the Monday); a week with any log of
  // this contract has an entry.
  std::map<absl::CivilDay, int64_t> minutes_by_week;
  bool imposed = true;
  absl::Status schedule_status;
  absl::TimeZone zone;
  // Imposed: the windows' nominal minutes; flexible: weekly_minutes_per_seat.
  int64_t nominal_week_minutes = 0;
};

// Aggregates of every activity log of every contract that has a day (a log without one is
// ignored by every rule).
struct LogTotals {
  int64_t appointments_set = 0;
  // Each log's validated appointments, capped at that log's appointments set.
  int64_t appointments_validated = 0;
  struct Revenue {
    int32_t day = 0;  // DayNumber
    // The log's contract, an index in TeleoperatorFacts::contracts: its client_name is the
    // revenue's client (an index rather than a copy of the name per log, for log-heavy puts).
    uint32_t contract = 0;
    int64_t minor_units = 0;
  };
  // One entry per log with revenue, by day (then contract).
  std::vector<Revenue> revenue;
};

struct TeleoperatorFacts {
  const TeleoperatorData* data = nullptr;
  // The availability's zone: the teleoperator's calendar days.
  absl::Status zone_status;
  absl::TimeZone zone;
  // Availability windows valid.
  absl::Status availability_status;
  std::vector<EmploymentFacts> employments;  // as data->employments
  std::vector<ContractFacts> contracts;      // as data->contracts
  LogTotals logs;
  // ValidateRegistrationNumber of the profile's number and country.
  absl::Status registration_number_status;
};

TeleoperatorFacts MakeTeleoperatorFacts(const Dataset& dataset, const TeleoperatorData& data);
// Parts of MakeTeleoperatorFacts, for the index's puts that say what changed (it keeps what it
// made of the other records). MakeProfileFacts: what the profile alone gives (zone, availability,
// registration number); no employments, contracts or logs. MakeLogFacts: what the activity logs
// give, `logs` and each contract's minutes_by_week (its ContractFacts hold only `data` besides);
// no profile or employments.
TeleoperatorFacts MakeProfileFacts(const TeleoperatorData& data);
TeleoperatorFacts MakeLogFacts(const TeleoperatorData& data);

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_CONTEXT_H_

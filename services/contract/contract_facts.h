// The pure part of the contract service: the terms a proposal agrees, the facts the scoring engine
// reads about a contract (from its teleoperator's declarations and history), the rules whose
// failure makes a mission unlawful, the activity totals and the risk gate. No Redis, no gRPC.
//
// Pure functions of their input, thread-safe.
#ifndef CALLMATCH_SERVICES_CONTRACT_CONTRACT_FACTS_H_
#define CALLMATCH_SERVICES_CONTRACT_CONTRACT_FACTS_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "callmatch/v1/contract.pb.h"
#include "callmatch/v1/matching.pb.h"
#include "callmatch/v1/scoring.pb.h"
#include "matching/dataset.h"

namespace callmatch {

// The campaign's terms with what a proposal set over them: set optional fields, known enum
// values, a planned duration other than 0 and a rate replace the campaign's; the rest is kept.
v1::MissionTerms MergeTerms(const v1::MissionTerms& campaign, const v1::MissionTerms& requested);

// What the scoring engine reads about `contract` (docs/api.md, "Contract scoring facts"):
// its terms, both parties' places, the as-of date (the later of today and the start date), the
// client's usual business, the registration's validity at the as-of date, and from the
// teleoperator's history in `dataset`: former employment in the client's group (days since),
// months worked for this client without a break (gaps of at most 31 days), the client's share of
// the trailing 12-month revenue (unknown when nothing was earned) and the other clients of the
// trailing 12 months. `dataset` holds the teleoperator with its declarations, contracts and
// logs, and the companies; `contract` need not be in it yet.
v1::ContractFacts ScoringFacts(const matching::Dataset& dataset, const v1::Contract& contract,
                               absl::CivilDay today, int registration_max_age_days);

// The failing rules of an explanation that make a mission unlawful or disloyal (employment with
// the client, competing employer, non-compete, exclusivity, conflicting mission, working time,
// schedule, registration), in code order. Language, skill, country and the campaign's quality
// threshold are the client's requirements, not the law: they never raise an alert.
std::vector<v1::ExclusionReason> UnlawfulReasons(const v1::EligibilityExplanation& explanation);

// "EMPLOYEE_OF_CLIENT,WORKING_TIME".
std::string ReasonList(const std::vector<v1::ExclusionReason>& reasons);

// Updates `totals` for one day's log replacing `previous` (nullptr for a new day).
// INVALID_ARGUMENT naming "activity_log.revenue.currency_code" when the revenue's currency
// differs from the totals' one.
absl::Status ApplyLog(const v1::ActivityLog* previous, const v1::ActivityLog& log,
                      v1::ActivityTotals* totals);

// Whether a contract of `band` may not be activated without an operator's override.
inline bool BlocksActivation(v1::RiskBand band, v1::RiskBand block_level) {
  return band != v1::RISK_BAND_UNSPECIFIED && band >= block_level;
}

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_CONTRACT_CONTRACT_FACTS_H_

// Which rulebooks apply to a contract (design.md): those of the teleoperator's and the client's
// country and subdivision ("FR" selects France, "US" the IRS, "US-CA" California as well), "EU"
// rulebooks for every member state, each from its effective date; a rulebook marked
// on_request_only (the 2021 Commission proposal) only when a request names it.
//
// Thread safety: pure functions.
#ifndef CALLMATCH_SCORING_APPLICABILITY_H_
#define CALLMATCH_SCORING_APPLICABILITY_H_

#include "absl/strings/string_view.h"
#include "callmatch/v1/scoring.pb.h"
#include "scoring/rulebook.h"

namespace callmatch::scoring {

// ISO 3166-1 alpha-2 codes of the 27 member states (Greece is "GR").
bool IsEuMemberState(absl::string_view country_code);

// Whether one of the rulebook's jurisdictions covers a location: a country code matches the
// location's country (or, when that is empty, the country its subdivision names), a subdivision
// code its subdivision, "EU" any member state. Codes compare without regard to case.
bool Covers(const CompiledRulebook& rulebook, const v1::Location& location);

// Whether the rulebook is in force at the facts' as_of date. An unset as_of is an unknown date,
// read the protective way: every rulebook is taken as in force.
bool InForce(const CompiledRulebook& rulebook, const v1::ContractFacts& facts);

// Whether it applies without being named: not on_request_only, in force, and covering the
// teleoperator's or the client's location.
bool AppliesTo(const CompiledRulebook& rulebook, const v1::ContractFacts& facts);

}  // namespace callmatch::scoring

#endif  // CALLMATCH_SCORING_APPLICABILITY_H_

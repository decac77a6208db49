#include "scoring/applicability.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace callmatch::scoring {
namespace {

constexpr absl::string_view kEuMemberStates[] = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
};

}  // namespace

bool IsEuMemberState(absl::string_view country_code) {
  const std::string upper = absl::AsciiStrToUpper(country_code);
  return std::find(std::begin(kEuMemberStates), std::end(kEuMemberStates), upper) !=
         std::end(kEuMemberStates);
}

bool Covers(const CompiledRulebook& rulebook, const v1::Location& location) {
  // A subdivision ("US-CA") names its country when the country code is missing.
  absl::string_view country = location.country_code();
  if (country.empty()) country = absl::string_view(location.subdivision_code()).substr(0, 2);
  if (country.empty()) return false;
  for (const std::string& j : rulebook.spec().jurisdictions()) {
    if (j == "EU") {
      if (IsEuMemberState(country)) return true;
    } else if (absl::StrContains(j, '-')) {
      if (absl::EqualsIgnoreCase(j, location.subdivision_code())) return true;
    } else if (absl::EqualsIgnoreCase(j, country)) {
      return true;
    }
  }
  return false;
}

bool InForce(const CompiledRulebook& rulebook, const v1::ContractFacts& facts) {
  if (rulebook.effective_date() == 0 || !facts.has_as_of()) return true;
  const v1::Date& d = facts.as_of();
  return d.year() * 10000 + d.month() * 100 + d.day() >= rulebook.effective_date();
}

bool AppliesTo(const CompiledRulebook& rulebook, const v1::ContractFacts& facts) {
  return !rulebook.spec().on_request_only() && InForce(rulebook, facts) &&
         (Covers(rulebook, facts.teleoperator_location()) ||
          Covers(rulebook, facts.client_location()));
}

}  // namespace callmatch::scoring

// Valid business registration numbers for generated records, internal to matching/generator/.
//
// France: a SIREN (9 digits) names a company, a SIRET (14 digits: SIREN + 5-digit establishment
// number) an establishment; both pass the Luhn check, and La Poste's SIREN 356000000 (whose
// SIRETs are checked differently) is never produced. Other countries get their usual shape:
// Belgium's 10-digit enterprise number (mod-97 check), Morocco's 15-digit ICE, Tunisia's
// matricule fiscal (7 digits, a key letter, VAT code, category, 3-digit establishment), Senegal's
// NINEA (7 digits + 2-character COFI key) and Quebec's 10-digit NEQ.
#ifndef CALLMATCH_MATCHING_GENERATOR_REGISTRATION_NUMBERS_H_
#define CALLMATCH_MATCHING_GENERATOR_REGISTRATION_NUMBERS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "matching/generator/rng.h"

namespace callmatch::matching::generator_internal {

// True if `digits` is all digits and passes the Luhn check.
bool LuhnValid(absl::string_view digits);

// A Luhn-valid SIREN, never La Poste's.
std::string GenerateSiren(Rng& rng);
// A Luhn-valid SIRET of `siren`.
std::string GenerateSiret(Rng& rng, absl::string_view siren);

// A company registration number of `country` (SIREN in France).
std::string GenerateCompanyNumber(Rng& rng, absl::string_view country);
// The registration of a self-employed teleoperator of `country` (SIRET in France).
std::string GenerateSelfEmployedNumber(Rng& rng, absl::string_view country);

}  // namespace callmatch::matching::generator_internal

#endif  // CALLMATCH_MATCHING_GENERATOR_REGISTRATION_NUMBERS_H_

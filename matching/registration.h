// Business registration numbers: syntax and check digits, no look-up in any register.
//
// France (country "FR", or no country): a SIREN (9 digits) or a SIRET (14 digits: SIREN +
// 5-digit establishment number), both with a valid Luhn check digit; La Poste's SIRETs (SIREN
// 356000000) are also valid when the sum of their 14 digits is a multiple of 5 (INSEE's known
// exception). Other countries are format-checked only (see ValidateRegistrationNumber).
//
// Pure functions, thread-safe; usable by the services to validate input.
#ifndef CALLMATCH_MATCHING_REGISTRATION_H_
#define CALLMATCH_MATCHING_REGISTRATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace callmatch::matching {

// True when `digits` is non-empty, all ASCII digits, and passes the Luhn check.
bool LuhnValid(absl::string_view digits);

// 9 digits, Luhn-valid.
bool IsValidSiren(absl::string_view number);

// 14 digits, Luhn-valid, or La Poste's exception (see the header comment).
bool IsValidSiret(absl::string_view number);

// OK when `number` is well formed for `country_code` (ISO 3166-1 alpha-2, any case):
//   FR (or empty country): SIREN or SIRET as above.
//   BE: enterprise number, 10 digits starting 0 or 1, check 97 - (first 8 mod 97).
//   GB: Companies House number (8 characters: 8 digits, or 2 letters and 6 digits) or a
//       10-digit Unique Taxpayer Reference.
//   US: EIN, 9 digits, optionally written NN-NNNNNNN.
//   any other: 4 to 20 characters, letters and digits, at least one digit.
// INVALID_ARGUMENT otherwise, saying why. No spaces are accepted anywhere.
absl::Status ValidateRegistrationNumber(absl::string_view country_code, absl::string_view number);

// The number that identifies the company itself: for France (country "FR" in any case, or no
// country) a 14-digit all-digit number (a SIRET) is reduced to its first 9 digits (the SIREN);
// every other number is returned unchanged. No check digit is tested: a reduced SIRET and a
// SIREN written directly name the same company.
std::string CompanyNumber(absl::string_view country_code, absl::string_view number);

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_REGISTRATION_H_

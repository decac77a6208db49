#include "matching/registration.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace callmatch::matching {
namespace {

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status Invalid(absl::string_view number, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("registration number \"", number, "\" is invalid: ", why));
}

}  // namespace

bool LuhnValid(absl::string_view digits) {
  if (!AllDigits(digits)) return false;
  int sum = 0;
  bool twice = false;  // every second digit from the right is doubled
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool IsValidSiren(absl::string_view number) { return number.size() == 9 && LuhnValid(number); }

bool IsValidSiret(absl::string_view number) {
  if (number.size() != 14 || !AllDigits(number)) return false;
  if (LuhnValid(number)) return true;
  if (absl::StartsWith(number, "356000000")) {
    int sum = 0;
    for (char c : number) sum += c - '0';
    return sum % 5 == 0;
  }
  return false;
}

absl::Status ValidateRegistrationNumber(absl::string_view country_code, absl::string_view number) {
  const std::string country = absl::AsciiStrToUpper(country_code);
  if (number.empty()) return Invalid(number, "empty");
  if (country.empty() || country == "FR") {
    if (!AllDigits(number)) return Invalid(number, "a SIREN or SIRET has digits only");
    if (number.size() == 9) {
      return IsValidSiren(number) ? absl::OkStatus() : Invalid(number, "SIREN check digit");
    }
    if (number.size() == 14) {
      return IsValidSiret(number) ? absl::OkStatus() : Invalid(number, "SIRET check digit");
    }
    return Invalid(number, "a SIREN has 9 digits, a SIRET 14");
  }
  if (country == "BE") {
    if (number.size() != 10 || !AllDigits(number) || (number[0] != '0' && number[0] != '1')) {
      return Invalid(number, "a Belgian enterprise number is 10 digits starting with 0 or 1");
    }
    const long long body = std::stoll(std::string(number.substr(0, 8)));
    const int check = std::stoi(std::string(number.substr(8, 2)));
    return check == 97 - static_cast<int>(body % 97) ? absl::OkStatus()
                                                     : Invalid(number, "check digits (mod 97)");
  }
  if (country == "GB") {
    if (number.size() == 10 && AllDigits(number)) return absl::OkStatus();  // UTR
    if (number.size() == 8 &&
        (AllDigits(number) || (absl::ascii_isupper(static_cast<unsigned char>(number[0])) &&
                               absl::ascii_isupper(static_cast<unsigned char>(number[1])) &&
                               AllDigits(number.substr(2))))) {
      return absl::OkStatus();
    }
    return Invalid(number, "expected a company number (8 characters) or a 10-digit UTR");
  }
  if (country == "US") {
    if (number.size() == 9 && AllDigits(number)) return absl::OkStatus();
    if (number.size() == 10 && number[2] == '-' && AllDigits(number.substr(0, 2)) &&
        AllDigits(number.substr(3))) {
      return absl::OkStatus();
    }
    return Invalid(number, "an EIN is 9 digits (NN-NNNNNNN)");
  }
  if (number.size() < 4 || number.size() > 20) return Invalid(number, "4 to 20 characters");
  bool digit = false;
  for (char c : number) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_isalnum(u)) return Invalid(number, "letters and digits only");
    digit = digit || absl::ascii_isdigit(u);
  }
  return digit ? absl::OkStatus() : Invalid(number, "no digit");
}

std::string CompanyNumber(absl::string_view country_code, absl::string_view number) {
  const bool france = country_code.empty() || absl::EqualsIgnoreCase(country_code, "FR");
  if (france && number.size() == 14 && AllDigits(number)) return std::string(number.substr(0, 9));
  return std::string(number);
}

}  // namespace callmatch::matching

#include "matching/generator/registration_numbers.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace callmatch::matching::generator_internal {
namespace {

constexpr absl::string_view kLaPosteSiren = "356000000";

// `n` random digits.
std::string Digits(Rng& rng, int n) {
  std::string out(n, '0');
  for (char& c : out) c = static_cast<char>('0' + rng.Below(10));
  return out;
}

// The digit that makes `prefix` + digit pass the Luhn check.
char LuhnCheckDigit(absl::string_view prefix) {
  int sum = 0;
  // Counted from the right of the completed number: the check digit is position 0, so the last
  // digit of the prefix is position 1 and is doubled.
  for (size_t i = 0; i < prefix.size(); ++i) {
    int d = prefix[prefix.size() - 1 - i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

}  // namespace

bool LuhnValid(absl::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    const char c = digits[digits.size() - 1 - i];
    if (c < '0' || c > '9') return false;
    int d = c - '0';
    if (i % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

std::string GenerateSiren(Rng& rng) {
  while (true) {
    // A SIREN does not start with 0 in practice.
    std::string prefix = absl::StrCat(rng.Between(1, 9), Digits(rng, 7));
    prefix.push_back(LuhnCheckDigit(prefix));
    if (prefix != kLaPosteSiren) return prefix;
  }
}

std::string GenerateSiret(Rng& rng, absl::string_view siren) {
  // Establishment numbers (NIC) are small in practice: 0001x to 0009x for most businesses.
  std::string prefix = absl::StrCat(siren, "000", rng.Between(1, 9));
  prefix.push_back(LuhnCheckDigit(prefix));
  return prefix;
}

namespace {

std::string BelgianEnterpriseNumber(Rng& rng) {
  // 0 or 1, then 7 digits; the last two digits are 97 - (first eight mod 97).
  while (true) {
    const std::string head = absl::StrCat(rng.Between(0, 1), Digits(rng, 7));
    int64_t value = 0;
    for (char c : head) value = value * 10 + (c - '0');
    if (value == 0) continue;
    const int64_t check = 97 - value % 97;
    return absl::StrCat(head, check < 10 ? "0" : "", check);
  }
}

std::string TunisianMatricule(Rng& rng) {
  // 7 digits, a key letter (no I, O, U), VAT code (A: assujetti), category (M: personne morale,
  // P: personne physique) and a 3-digit establishment number.
  static constexpr absl::string_view kKeys = "ABCDEFGHJKLMNPQRSTVWXYZ";
  std::string out = Digits(rng, 7);
  out.push_back(kKeys[rng.Below(kKeys.size())]);
  out.push_back('A');
  out.push_back(rng.Chance(0.5) ? 'M' : 'P');
  out += "000";
  return out;
}

std::string SenegaleseNinea(Rng& rng) {
  // 7 digits and the 2-character COFI key (a digit and a letter), e.g. "00123452G".
  static constexpr absl::string_view kLetters = "ABCDEFGHJKLMNPQRSTVWXYZ";
  std::string out = absl::StrCat("00", Digits(rng, 5), rng.Between(0, 9));
  out.push_back(kLetters[rng.Below(kLetters.size())]);
  return out;
}

}  // namespace

std::string GenerateCompanyNumber(Rng& rng, absl::string_view country) {
  if (country == "FR") return GenerateSiren(rng);
  if (country == "BE") return BelgianEnterpriseNumber(rng);
  if (country == "MA") return absl::StrCat("00", Digits(rng, 13));
  if (country == "TN") return TunisianMatricule(rng);
  if (country == "SN") return SenegaleseNinea(rng);
  if (country == "CA") return absl::StrCat("11", Digits(rng, 8));
  return Digits(rng, 10);
}

std::string GenerateSelfEmployedNumber(Rng& rng, absl::string_view country) {
  if (country == "FR") return GenerateSiret(rng, GenerateSiren(rng));
  return GenerateCompanyNumber(rng, country);
}

}  // namespace callmatch::matching::generator_internal

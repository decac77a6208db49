#include "matching/registration.h"

#include <gtest/gtest.h>

namespace callmatch::matching {
namespace {

TEST(Registration, Luhn) {
  EXPECT_TRUE(LuhnValid("552100554"));
  EXPECT_FALSE(LuhnValid("552100555"));
  EXPECT_FALSE(LuhnValid(""));
  EXPECT_FALSE(LuhnValid("55210055a"));
}

TEST(Registration, SirenAndSiret) {
  EXPECT_TRUE(IsValidSiren("732829320"));
  EXPECT_FALSE(IsValidSiren("732829321"));
  EXPECT_FALSE(IsValidSiren("73282932"));
  EXPECT_TRUE(IsValidSiret("73282932000074"));
  EXPECT_FALSE(IsValidSiret("73282932000075"));
  EXPECT_FALSE(IsValidSiret("7328293200007"));
}

TEST(Registration, LaPosteSiretByDigitSum) {
  // Fails Luhn, digit sum 15: valid by La Poste's exception.
  EXPECT_FALSE(LuhnValid("35600000000001"));
  EXPECT_TRUE(IsValidSiret("35600000000001"));
  // Head office: Luhn-valid.
  EXPECT_TRUE(IsValidSiret("35600000000048"));
  // Neither Luhn nor a digit sum multiple of 5 (16).
  EXPECT_FALSE(IsValidSiret("35600000000002"));
  // The exception is La Poste's only: another SIREN, digit sum 40, bad Luhn.
  EXPECT_FALSE(LuhnValid("73282932000004"));
  EXPECT_FALSE(IsValidSiret("73282932000004"));
}

TEST(Registration, FrenchNumbers) {
  EXPECT_TRUE(ValidateRegistrationNumber("FR", "732829320").ok());
  EXPECT_TRUE(ValidateRegistrationNumber("fr", "73282932000074").ok());
  EXPECT_TRUE(ValidateRegistrationNumber("", "73282932000074").ok());
  EXPECT_FALSE(ValidateRegistrationNumber("FR", "732 829 320").ok());
  EXPECT_FALSE(ValidateRegistrationNumber("FR", "7328293200").ok());
  EXPECT_FALSE(ValidateRegistrationNumber("FR", "").ok());
  const absl::Status bad = ValidateRegistrationNumber("FR", "73282932000075");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("SIRET"), absl::string_view::npos);
}

TEST(Registration, OtherCountriesFormatChecked) {
  EXPECT_TRUE(ValidateRegistrationNumber("BE", "0403170701").ok());
  EXPECT_FALSE(ValidateRegistrationNumber("BE", "0403170702").ok());
  EXPECT_TRUE(ValidateRegistrationNumber("GB", "SC123456").ok());
  EXPECT_TRUE(ValidateRegistrationNumber("GB", "12345678").ok());
  EXPECT_TRUE(ValidateRegistrationNumber("GB", "1234567890").ok());
  EXPECT_FALSE(ValidateRegistrationNumber("GB", "S1234567").ok());
  EXPECT_TRUE(ValidateRegistrationNumber("US", "12-3456789").ok());
  EXPECT_TRUE(ValidateRegistrationNumber("US", "123456789").ok());
  EXPECT_FALSE(ValidateRegistrationNumber("US", "12345678").ok());
  EXPECT_TRUE(ValidateRegistrationNumber("DE", "HRB12345").ok());
  EXPECT_FALSE(ValidateRegistrationNumber("DE", "HRB").ok());
  EXPECT_FALSE(ValidateRegistrationNumber("DE", "HRB 12345").ok());
}

}  // namespace
}  // namespace callmatch::matching

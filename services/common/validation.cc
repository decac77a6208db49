#include "services/common/validation.h"

#include <openssl/evp.h>

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "matching/registration.h"
#include "matching/segments.h"
#include "services/common/errors.h"

namespace callmatch {
namespace {

constexpr size_t kMaxIdLength = 40;

bool IsIdChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// Length of the UTF-8 sequence starting with `lead`, 0 if `lead` cannot start one.
int Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 0;
}

}  // namespace

std::string ResourceIdFor(const v1::Principal& caller, absl::string_view request_id) {
  const std::string input =
      absl::StrCat(static_cast<int>(caller.kind()), ":", caller.id(), ":", request_id);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::StrCat(
      "x", absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length))
               .substr(0, 15));
}

absl::Status ValidateId(absl::string_view id, absl::string_view field) {
  if (id.empty() || id.size() > kMaxIdLength || id[0] == '-' ||
      !std::all_of(id.begin(), id.end(), IsIdChar)) {
    return InvalidField(field, absl::StrCat("\"", id, "\" is not an id: 1 to ", kMaxIdLength,
                                            " of a-z, 0-9 and '-', not starting with '-'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ParseName(absl::string_view name, absl::string_view collection,
                                      absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 2 || parts[0] != collection) {
    return InvalidField(field, absl::StrCat("\"", name, "\" is not ", collection, "/{id}"));
  }
  if (absl::Status status = ValidateId(parts[1], field); !status.ok()) return status;
  return std::string(parts[1]);
}

absl::StatusOr<std::pair<std::string, std::string>> ParseChildName(absl::string_view name,
                                                                   absl::string_view parent,
                                                                   absl::string_view collection,
                                                                   absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != parent || parts[2] != collection) {
    return InvalidField(
        field, absl::StrCat("\"", name, "\" is not ", parent, "/{id}/", collection, "/{id}"));
  }
  if (absl::Status status = ValidateId(parts[1], field); !status.ok()) return status;
  if (absl::Status status = ValidateId(parts[3], field); !status.ok()) return status;
  return std::make_pair(std::string(parts[1]), std::string(parts[3]));
}

absl::Status ValidateText(absl::string_view text, size_t max_length, absl::string_view field) {
  if (text.size() > max_length) {
    return InvalidField(field, absl::StrCat("at most ", max_length, " bytes; got ", text.size()));
  }
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const int length = Utf8Length(lead);
    if (length == 0 || i + length > text.size()) return InvalidField(field, "not valid UTF-8");
    for (int k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) {
        return InvalidField(field, "not valid UTF-8");
      }
    }
    if (length == 1 && lead < 0x20 && lead != '\n') {
      return InvalidField(field, "control characters are not allowed");
    }
    i += length;
  }
  return absl::OkStatus();
}

absl::StatusOr<int> PageSize(int requested, absl::string_view field) {
  if (requested < 0) return InvalidField(field, "must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

absl::StatusOr<Page> PageOf(const std::vector<std::string>& names, int page_size,
                            absl::string_view page_token) {
  Page page;
  if (!page_token.empty()) {
    std::string last;
    if (!absl::WebSafeBase64Unescape(page_token, &last)) {
      return InvalidField("page_token", "not a token this service returned");
    }
    page.begin = std::upper_bound(names.begin(), names.end(), last) - names.begin();
  }
  page.end = std::min(names.size(), page.begin + static_cast<size_t>(page_size));
  if (page.end < names.size() && page.end > page.begin) {
    page.next_page_token = absl::WebSafeBase64Escape(names[page.end - 1]);
  }
  return page;
}

absl::Status ValidateDate(const v1::Date& date, absl::string_view field, bool required) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) {
    return required ? InvalidField(field, "required") : absl::OkStatus();
  }
  if (date.year() < 2000 || date.year() > 2100) {
    return InvalidField(absl::StrCat(field, ".year"), "must be 2000 to 2100");
  }
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.month() < 1 || date.month() > 12 || day.month() != date.month() ||
      day.day() != date.day()) {
    return InvalidField(field, absl::StrCat(date.year(), "-", date.month(), "-", date.day(),
                                            " is not a calendar date"));
  }
  return absl::OkStatus();
}

absl::Status ValidateLocation(const v1::Location& location, absl::string_view field) {
  const std::string& country = location.country_code();
  if (country.size() != 2 || !absl::ascii_isupper(country[0]) || !absl::ascii_isupper(country[1])) {
    return InvalidField(absl::StrCat(field, ".country_code"),
                        "an ISO 3166-1 alpha-2 code in upper case, e.g. FR");
  }
  const std::string& subdivision = location.subdivision_code();
  if (subdivision.empty()) return absl::OkStatus();
  const bool well_formed = subdivision.size() >= 4 && subdivision.size() <= 6 &&
                           absl::StartsWith(subdivision, absl::StrCat(country, "-")) &&
                           std::all_of(subdivision.begin() + 3, subdivision.end(), [](char c) {
                             return absl::ascii_isupper(c) || absl::ascii_isdigit(c);
                           });
  if (!well_formed) {
    return InvalidField(
        absl::StrCat(field, ".subdivision_code"),
        absl::StrCat("an ISO 3166-2 code of ", country, ", e.g. ", country, "-IDF"));
  }
  return absl::OkStatus();
}

absl::Status ValidateRegistrationNumber(absl::string_view country_code, absl::string_view number,
                                        absl::string_view field) {
  if (number.empty()) return InvalidField(field, "required");
  absl::Status valid = matching::ValidateRegistrationNumber(country_code, number);
  return valid.ok() ? valid : InvalidField(field, valid.message());
}

void ResetVerification(v1::Registration* registration) {
  registration->set_status(v1::REGISTRATION_STATUS_PENDING);
  registration->clear_verify_date();
  registration->clear_verified_by();
}

void RecordVerification(v1::RegistrationStatus status, absl::string_view operator_id,
                        v1::Registration* registration) {
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  registration->set_status(status);
  registration->mutable_verify_date()->set_year(static_cast<int>(today.year()));
  registration->mutable_verify_date()->set_month(today.month());
  registration->mutable_verify_date()->set_day(today.day());
  registration->set_verified_by(std::string(operator_id));
}

absl::Status ValidateVerificationStatus(v1::RegistrationStatus status, absl::string_view field) {
  if (status == v1::REGISTRATION_STATUS_VERIFIED || status == v1::REGISTRATION_STATUS_REJECTED) {
    return absl::OkStatus();
  }
  return InvalidField(field, "VERIFIED or REJECTED");
}

absl::Status ValidateSegments(const google::protobuf::RepeatedPtrField<std::string>& segments,
                              int max_count, bool required, absl::string_view field) {
  if (required && segments.empty()) return InvalidField(field, "at least one NACE code");
  if (segments.size() > max_count) {
    return InvalidField(field, absl::StrCat("at most ", max_count, " codes"));
  }
  for (int i = 0; i < segments.size(); ++i) {
    if (matching::SegmentLevel(segments[i]) == 0) {
      return InvalidField(absl::StrCat(field, "[", i, "]"),
                          absl::StrCat("\"", segments[i],
                                       "\" is not a NACE Rev. 2 code (e.g. N, 82, 82.2, 82.20)"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateLanguages(
    const google::protobuf::RepeatedPtrField<v1::LanguageLevel>& languages, int max_count,
    absl::string_view field) {
  if (languages.size() > max_count) {
    return InvalidField(field, absl::StrCat("at most ", max_count, " languages"));
  }
  for (int i = 0; i < languages.size(); ++i) {
    const std::string& code = languages[i].language();
    if (code.size() != 2 || !absl::ascii_islower(code[0]) || !absl::ascii_islower(code[1])) {
      return InvalidField(absl::StrCat(field, "[", i, "].language"),
                          "an ISO 639-1 code in lower case, e.g. fr");
    }
    if (languages[i].level() == v1::CEFR_LEVEL_UNSPECIFIED ||
        !v1::CefrLevel_IsValid(languages[i].level())) {
      return InvalidField(absl::StrCat(field, "[", i, "].level"), "a CEFR level, A1 to NATIVE");
    }
    for (int k = 0; k < i; ++k) {
      if (languages[k].language() == code) {
        return InvalidField(absl::StrCat(field, "[", i, "].language"), "listed twice");
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateSkills(const google::protobuf::RepeatedField<int>& skills, int max_count,
                            absl::string_view field) {
  if (skills.size() > max_count) {
    return InvalidField(field, absl::StrCat("at most ", max_count, " skills"));
  }
  for (int i = 0; i < skills.size(); ++i) {
    if (skills[i] == v1::SKILL_UNSPECIFIED || !v1::Skill_IsValid(skills[i])) {
      return InvalidField(absl::StrCat(field, "[", i, "]"), "not a known skill");
    }
    for (int k = 0; k < i; ++k) {
      if (skills[k] == skills[i]) {
        return InvalidField(absl::StrCat(field, "[", i, "]"), "listed twice");
      }
    }
  }
  return absl::OkStatus();
}

bool IsTimeZoneName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (absl::string_view part : absl::StrSplit(name, '/')) {
    if (part.empty() || part == "." || part == "..") return false;
    for (char c : part) {
      if (!absl::ascii_isalnum(c) && c != '_' && c != '-' && c != '+') return false;
    }
  }
  return true;
}

absl::Status ValidateSchedule(const v1::WeeklySchedule& schedule, int max_windows, bool allow_empty,
                              absl::string_view field) {
  // The name is looked up as a file under the tz database: only IANA-shaped names get that far.
  absl::TimeZone zone;
  if (!IsTimeZoneName(schedule.time_zone()) || !absl::LoadTimeZone(schedule.time_zone(), &zone)) {
    return InvalidField(absl::StrCat(field, ".time_zone"),
                        absl::StrCat("\"", schedule.time_zone(),
                                     "\" is not an IANA time zone (e.g. Europe/Paris)"));
  }
  if (!allow_empty && schedule.windows().empty()) {
    return InvalidField(absl::StrCat(field, ".windows"), "at least one window");
  }
  if (schedule.windows_size() > max_windows) {
    return InvalidField(absl::StrCat(field, ".windows"),
                        absl::StrCat("at most ", max_windows, " windows"));
  }
  constexpr int kWeek = 7 * 24 * 60;
  for (int i = 0; i < schedule.windows_size(); ++i) {
    const v1::WeeklyWindow& window = schedule.windows(i);
    if (window.start_minute() < 0 || window.start_minute() >= kWeek || window.end_minute() < 0 ||
        window.end_minute() > kWeek || window.start_minute() == window.end_minute()) {
      return InvalidField(absl::StrCat(field, ".windows[", i, "]"),
                          absl::StrCat("minutes from Monday 00:00, start in [0, 10080), end in "
                                       "[0, 10080], start != end; got [",
                                       window.start_minute(), ", ", window.end_minute(), ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateMissionTerms(const v1::MissionTerms& terms, absl::string_view field) {
  if (terms.pay_model() == v1::PAY_MODEL_UNSPECIFIED || !v1::PayModel_IsValid(terms.pay_model())) {
    return InvalidField(absl::StrCat(field, ".pay_model"), "required");
  }
  if (!v1::ToolsPolicy_IsValid(terms.tools()) || !v1::ScriptPolicy_IsValid(terms.script()) ||
      !v1::SupervisionPolicy_IsValid(terms.supervision())) {
    return InvalidField(field, "unknown enum value");
  }
  if (terms.has_rate()) {
    const std::string& currency = terms.rate().currency_code();
    if (currency.size() != 3 || !std::all_of(currency.begin(), currency.end(),
                                             [](char c) { return c >= 'A' && c <= 'Z'; })) {
      return InvalidField(absl::StrCat(field, ".rate.currency_code"), "an ISO 4217 code, e.g. EUR");
    }
    if (terms.rate().minor_units() < 0 || terms.rate().minor_units() > 100'000'000) {
      return InvalidField(absl::StrCat(field, ".rate.minor_units"), "0 to 100000000");
    }
  }
  if (terms.planned_duration_days() < 0 || terms.planned_duration_days() > kMaxMissionDays) {
    return InvalidField(absl::StrCat(field, ".planned_duration_days"), "0 to 1830");
  }
  if (terms.renewals() < 0 || terms.renewals() > 100) {
    return InvalidField(absl::StrCat(field, ".renewals"), "0 to 100");
  }
  return absl::OkStatus();
}

}  // namespace callmatch

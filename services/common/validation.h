// Checks every service applies to its input, each failing with INVALID_ARGUMENT naming the field.
#ifndef CALLMATCH_SERVICES_COMMON_VALIDATION_H_
#define CALLMATCH_SERVICES_COMMON_VALIDATION_H_

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "callmatch/v1/audit.pb.h"
#include "callmatch/v1/common.pb.h"
#include "google/protobuf/repeated_field.h"

namespace callmatch {

// Page sizes: 0 means kDefaultPageSize; larger than kMaxPageSize is clamped to it.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

// The id of a resource created without one: "x" and 15 hex digits of SHA-256 over the caller
// and the request_id, so that a retried create lands on the same id (and partition) and replays.
std::string ResourceIdFor(const v1::Principal& caller, absl::string_view request_id);

// Ids of resources and principals: 1 to 40 of [a-z0-9-], starting with a letter or digit.
absl::Status ValidateId(absl::string_view id, absl::string_view field);

// A resource name of one collection: ParseName("companies/acme", "companies", "name") -> "acme".
absl::StatusOr<std::string> ParseName(absl::string_view name, absl::string_view collection,
                                      absl::string_view field);

// A child resource name: ParseChildName("companies/acme/campaigns/k1", "companies", "campaigns",
// "name") -> {"acme", "k1"}.
absl::StatusOr<std::pair<std::string, std::string>> ParseChildName(absl::string_view name,
                                                                   absl::string_view parent,
                                                                   absl::string_view collection,
                                                                   absl::string_view field);

// Free text: at most `max_length` bytes of valid UTF-8, no control characters but newlines.
absl::Status ValidateText(absl::string_view text, size_t max_length, absl::string_view field);

// The page size to use; INVALID_ARGUMENT for a negative one.
absl::StatusOr<int> PageSize(int requested, absl::string_view field = "page_size");

// One page of `names` (sorted ascending) after `page_token`, and the token of the next page ("" at
// the end). Tokens are the last name returned, so a page survives inserts before it.
struct Page {
  size_t begin = 0;
  size_t end = 0;
  std::string next_page_token;
};
absl::StatusOr<Page> PageOf(const std::vector<std::string>& names, int page_size,
                            absl::string_view page_token);

// Sorts resources by name and adds the page after `page_token` to `out`, setting the next
// page's token ("" at the end).
template <typename M>
absl::Status PageByName(std::vector<M> items, int page_size, absl::string_view page_token,
                        google::protobuf::RepeatedPtrField<M>* out, std::string* next_page_token) {
  std::sort(items.begin(), items.end(), [](const M& a, const M& b) { return a.name() < b.name(); });
  std::vector<std::string> names;
  names.reserve(items.size());
  for (const M& item : items) names.push_back(item.name());
  absl::StatusOr<Page> page = PageOf(names, page_size, page_token);
  if (!page.ok()) return page.status();
  for (size_t i = page->begin; i < page->end; ++i) *out->Add() = std::move(items[i]);
  *next_page_token = page->next_page_token;
  return absl::OkStatus();
}

// --- Domain values (proto/callmatch/v1/common.proto) -------------------------------------------

// A calendar date, years 2000 to 2100. Unset (all zero) is INVALID_ARGUMENT when `required`.
absl::Status ValidateDate(const v1::Date& date, absl::string_view field, bool required);

// A country (ISO 3166-1 alpha-2, upper case, required) and an optional subdivision (ISO 3166-2:
// the country, '-', 1 to 3 letters or digits, e.g. "FR-IDF", "US-CA").
absl::Status ValidateLocation(const v1::Location& location, absl::string_view field);

// A business registration number for its country (SIREN/SIRET with Luhn in France).
absl::Status ValidateRegistrationNumber(absl::string_view country_code, absl::string_view number,
                                        absl::string_view field);

// A registration as first declared, or after its number changed: PENDING, never verified.
void ResetVerification(v1::Registration* registration);
// An operator's verification today (UTC): its status, date and operator.
void RecordVerification(v1::RegistrationStatus status, absl::string_view operator_id,
                        v1::Registration* registration);
// VERIFIED or REJECTED, the outcomes an operator may record; INVALID_ARGUMENT otherwise.
absl::Status ValidateVerificationStatus(v1::RegistrationStatus status, absl::string_view field);

// NACE Rev. 2 codes, at most `max_count`, at least one when `required`.
absl::Status ValidateSegments(const google::protobuf::RepeatedPtrField<std::string>& segments,
                              int max_count, bool required, absl::string_view field);

// Languages (ISO 639-1, two lower-case letters, each once) with a CEFR level.
absl::Status ValidateLanguages(
    const google::protobuf::RepeatedPtrField<v1::LanguageLevel>& languages, int max_count,
    absl::string_view field);

// Skills: known values, each once.
absl::Status ValidateSkills(const google::protobuf::RepeatedField<int>& skills, int max_count,
                            absl::string_view field);

// An IANA-shaped zone name ("Europe/Paris", "Etc/GMT+5"): parts of letters, digits, '_', '-'
// and '+', no "." or "..", at most 64 characters. It says nothing of whether the zone exists.
bool IsTimeZoneName(absl::string_view name);

// A weekly schedule: a loadable IANA time zone and at most `max_windows` windows, each within
// [0, 10080] with start != end (end < start wraps into the next week). Empty windows are allowed
// only when `allow_empty`.
absl::Status ValidateSchedule(const v1::WeeklySchedule& schedule, int max_windows, bool allow_empty,
                              absl::string_view field);

// Mission terms (a campaign's offer or a contract's agreed terms): a pay model, known enum
// values, an ISO 4217 rate of at most 100000000 minor units, a planned duration of 0 (unknown) to
// kMaxMissionDays days and at most 100 renewals. Fields are named under `field`.
inline constexpr int kMaxMissionDays = 5 * 366;
absl::Status ValidateMissionTerms(const v1::MissionTerms& terms, absl::string_view field);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_COMMON_VALIDATION_H_

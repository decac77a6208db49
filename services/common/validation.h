// Checks every service applies to its input, each failing with INVALID_ARGUMENT naming the field.
#ifndef CALLMATCH_SERVICES_COMMON_VALIDATION_H_
#define CALLMATCH_SERVICES_COMMON_VALIDATION_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace callmatch {

// Page sizes: 0 means kDefaultPageSize; larger than kMaxPageSize is clamped to it.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

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

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_COMMON_VALIDATION_H_

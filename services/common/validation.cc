#include "services/common/validation.h"

#include <algorithm>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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

}  // namespace callmatch

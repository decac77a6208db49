#include "services/common/config.h"

#include <cstdlib>

#include "absl/strings/numbers.h"

namespace callmatch {

std::string EnvOr(const char* name, absl::string_view fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::string(fallback);
  return value;
}

int EnvIntOr(const char* name, int fallback) {
  int parsed = 0;
  const char* value = std::getenv(name);
  if (value == nullptr || !absl::SimpleAtoi(value, &parsed)) return fallback;
  return parsed;
}

}  // namespace callmatch

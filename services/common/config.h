// Settings from the environment, used as the defaults of command-line flags, so that every
// setting can come from a flag (first), an environment variable (second) or a built-in default.
//
// Example:
//   ABSL_FLAG(std::string, redis, callmatch::EnvOr("CALLMATCH_REDIS_ADDR", "127.0.0.1:6379"),
//   "...");
#ifndef CALLMATCH_SERVICES_COMMON_CONFIG_H_
#define CALLMATCH_SERVICES_COMMON_CONFIG_H_

#include <string>
#include "absl/strings/string_view.h"

namespace callmatch {

// The variable's value, or `fallback` when it is unset or empty.
std::string EnvOr(const char* name, absl::string_view fallback);

// The variable's value as an integer, or `fallback` when it is unset, empty or not a number.
int EnvIntOr(const char* name, int fallback);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_COMMON_CONFIG_H_

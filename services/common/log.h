// Structured logging: one JSON object per line on stderr.
//
// Example:
//   LogInfo("index loaded", {{"teleoperators", "1000"}, {"ms", "84"}});
//   -> {"ts":"2026-11-27T14:00:00.123Z","level":"info","msg":"index
//   loaded","teleoperators":"1000",...}
//
// Thread safety: safe from any thread; each line is written whole.
#ifndef CALLMATCH_SERVICES_COMMON_LOG_H_
#define CALLMATCH_SERVICES_COMMON_LOG_H_

#include <string>
#include <utility>
#include <vector>
#include "absl/strings/string_view.h"

namespace callmatch {

using LogFields = std::vector<std::pair<std::string, std::string>>;

// Names the process in every line ("service":"campaign"). Call once at start.
void SetLogComponent(absl::string_view component);

void LogInfo(absl::string_view message, const LogFields& fields = {});
void LogWarning(absl::string_view message, const LogFields& fields = {});
void LogError(absl::string_view message, const LogFields& fields = {});

// Escapes a string for inclusion in a JSON string literal (without the quotes).
std::string JsonEscape(absl::string_view text);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_COMMON_LOG_H_

#include "services/common/log.h"

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace callmatch {
namespace {

absl::Mutex component_mu;
std::string& Component() {
  static auto* component = new std::string("callmatch");
  return *component;
}

void Write(absl::string_view level, absl::string_view message, const LogFields& fields) {
  std::string component;
  {
    absl::MutexLock lock(&component_mu);
    component = Component();
  }
  std::string line = absl::StrCat(
      "{\"ts\":\"", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
      "\",\"level\":\"", level, "\",\"component\":\"", JsonEscape(component), "\",\"msg\":\"",
      JsonEscape(message), "\"");
  for (const auto& [key, value] : fields) {
    absl::StrAppend(&line, ",\"", JsonEscape(key), "\":\"", JsonEscape(value), "\"");
  }
  line += "}\n";
  std::fwrite(line.data(), 1, line.size(), stderr);  // one write per line: lines never interleave
}

}  // namespace

void SetLogComponent(absl::string_view component) {
  absl::MutexLock lock(&component_mu);
  Component() = std::string(component);
}

void LogInfo(absl::string_view message, const LogFields& fields) { Write("info", message, fields); }
void LogWarning(absl::string_view message, const LogFields& fields) {
  Write("warning", message, fields);
}
void LogError(absl::string_view message, const LogFields& fields) {
  Write("error", message, fields);
}

std::string JsonEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace callmatch

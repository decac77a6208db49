// callmatch: the command-line client of the platform. JSON out, one object per line.
//
//   callmatch health [--service=NAME | --addr=HOST:PORT]     health of every service (or one)
//   callmatch services [--service=NAME | --addr=HOST:PORT]   services listed through reflection
//   callmatch methods                                        every API method and its request
//   callmatch call METHOD [JSON | -]                         calls METHOD with a JSON request
//
// The credential comes from CALLMATCH_CREDENTIAL or --credential_file; service addresses from
// --addr, or CALLMATCH_<SERVICE>_ADDR, or the local stack's ports (docs/operations.md).
#include <cstdio>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/cli/rpc.h"
#include "services/common/config.h"
#include "services/common/endpoints.h"
#include "services/common/errors.h"
#include "services/common/log.h"

ABSL_FLAG(std::string, addr, "", "Address host:port to call; default: the service's own");
ABSL_FLAG(std::string, service, "", "Only this service (campaign, teleoperator, ...)");
ABSL_FLAG(std::string, credential_file, callmatch::EnvOr("CALLMATCH_CREDENTIAL_FILE", ""),
          "File holding the bearer credential [CALLMATCH_CREDENTIAL_FILE]; "
          "CALLMATCH_CREDENTIAL holds it directly");
ABSL_FLAG(std::string, token, callmatch::EnvOr("CALLMATCH_CONSISTENCY_TOKEN", ""),
          "Consistency token(s) to send, as printed by an earlier write "
          "[CALLMATCH_CONSISTENCY_TOKEN]");
ABSL_FLAG(std::string, tls_ca, callmatch::EnvOr("CALLMATCH_TLS_CA", ""),
          "PEM root certificate: speak TLS and trust it [CALLMATCH_TLS_CA]");
ABSL_FLAG(int, timeout_ms, 10000, "Deadline of each call, in ms");

namespace {

using callmatch::JsonEscape;

std::string Quote(absl::string_view text) { return absl::StrCat("\"", JsonEscape(text), "\""); }

// Prints an error as JSON on stderr: its code, message and field violations.
int Fail(const absl::Status& status) {
  std::vector<std::string> violations;
  for (const auto& violation : callmatch::FieldViolations(status)) {
    violations.push_back(absl::StrCat("{\"field\":", Quote(violation.field()),
                                      ",\"description\":", Quote(violation.description()), "}"));
  }
  std::cerr << "{\"error\":{\"code\":" << Quote(absl::StatusCodeToString(status.code()))
            << ",\"message\":" << Quote(status.message());
  if (!violations.empty())
    std::cerr << ",\"field_violations\":[" << absl::StrJoin(violations, ",") << "]";
  std::cerr << "}}" << std::endl;
  return 1;
}

struct Target {
  std::string service;  // "" when --addr names an arbitrary server
  std::string address;
};

// The servers a command addresses: --addr, or --service, or every service.
absl::StatusOr<std::vector<Target>> Targets() {
  const std::string addr = absl::GetFlag(FLAGS_addr);
  const std::string service = absl::GetFlag(FLAGS_service);
  if (!addr.empty()) return std::vector<Target>{{service, addr}};
  std::vector<Target> targets;
  for (const auto& endpoint : callmatch::Endpoints()) {
    if (service.empty() || endpoint.name == service) {
      targets.push_back({endpoint.name, callmatch::EndpointAddress(endpoint)});
    }
  }
  if (targets.empty()) return absl::InvalidArgumentError(absl::StrCat("unknown service ", service));
  return targets;
}

int Health() {
  auto targets = Targets();
  if (!targets.ok()) return Fail(targets.status());
  const absl::Duration timeout = absl::Milliseconds(absl::GetFlag(FLAGS_timeout_ms));
  bool all_serving = true;
  for (const Target& target : *targets) {
    auto channel = callmatch::cli::MakeChannel(target.address, absl::GetFlag(FLAGS_tls_ca));
    if (!channel.ok()) return Fail(channel.status());
    auto status = callmatch::cli::CheckHealth(**channel, "", timeout);
    std::string text = status.ok() ? *status : "UNREACHABLE";
    all_serving = all_serving && text == "SERVING";
    std::cout << "{\"service\":" << Quote(target.service)
              << ",\"address\":" << Quote(target.address) << ",\"status\":" << Quote(text);
    if (!status.ok()) std::cout << ",\"error\":" << Quote(status.status().ToString());
    std::cout << "}" << std::endl;
  }
  return all_serving ? 0 : 1;
}

int Services() {
  auto targets = Targets();
  if (!targets.ok()) return Fail(targets.status());
  const absl::Duration timeout = absl::Milliseconds(absl::GetFlag(FLAGS_timeout_ms));
  int failures = 0;
  for (const Target& target : *targets) {
    auto channel = callmatch::cli::MakeChannel(target.address, absl::GetFlag(FLAGS_tls_ca));
    if (!channel.ok()) return Fail(channel.status());
    auto names = callmatch::cli::ListServices(**channel, timeout);
    if (!names.ok()) {
      ++failures;
      Fail(names.status());
      continue;
    }
    std::vector<std::string> quoted;
    for (const auto& name : *names) quoted.push_back(Quote(name));
    std::cout << "{\"service\":" << Quote(target.service)
              << ",\"address\":" << Quote(target.address) << ",\"services\":["
              << absl::StrJoin(quoted, ",") << "]}" << std::endl;
  }
  return failures == 0 ? 0 : 1;
}

int Methods() {
  for (const auto& method : callmatch::cli::ListApiMethods()) std::cout << method << "\n";
  return 0;
}

int Call(const std::vector<char*>& args) {
  if (args.size() < 3) {
    return Fail(absl::InvalidArgumentError("usage: callmatch call METHOD [JSON | -]"));
  }
  auto method = callmatch::cli::ResolveMethod(args[2]);
  if (!method.ok()) return Fail(method.status());
  std::string request = args.size() > 3 ? args[3] : "{}";
  if (request == "-") {
    request.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::string address = absl::GetFlag(FLAGS_addr);
  if (address.empty()) {
    const std::string service_name = method->substr(0, method->rfind('.'));
    const callmatch::Endpoint* endpoint = callmatch::FindEndpoint(service_name);
    if (endpoint == nullptr) {
      return Fail(absl::InvalidArgumentError(absl::StrCat("no address for ", service_name)));
    }
    address = callmatch::EndpointAddress(*endpoint);
  }
  auto credential = callmatch::cli::LoadCredential(absl::GetFlag(FLAGS_credential_file));
  if (!credential.ok()) return Fail(credential.status());
  callmatch::cli::CallOptions options;
  options.credential = *credential;
  options.consistency_token = absl::GetFlag(FLAGS_token);
  options.timeout = absl::Milliseconds(absl::GetFlag(FLAGS_timeout_ms));
  auto channel = callmatch::cli::MakeChannel(address, absl::GetFlag(FLAGS_tls_ca));
  if (!channel.ok()) return Fail(channel.status());
  auto result = callmatch::cli::CallJson(**channel, *method, request, options);
  if (!result.ok()) return Fail(result.status());
  for (const auto& json : result->responses_json) std::cout << json << "\n";
  if (!result->consistency_token.empty()) {
    std::cerr << "{\"x-consistency-token\":" << Quote(result->consistency_token) << "}"
              << std::endl;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "callmatch COMMAND [flags]\n"
      "  health     health of every service (or --service, --addr)\n"
      "  services   services each server lists through reflection\n"
      "  methods    every API method\n"
      "  call METHOD [JSON | -]   e.g. callmatch call CampaignService/GetCampaign "
      "'{\"name\":\"companies/acme\"}'");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  const std::string command = args.size() > 1 ? args[1] : "";
  if (command == "health") return Health();
  if (command == "services") return Services();
  if (command == "methods") return Methods();
  if (command == "call") return Call(args);
  std::cerr << absl::ProgramUsageMessage() << std::endl;
  return 2;
}

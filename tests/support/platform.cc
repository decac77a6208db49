#include "tests/support/platform.h"

#include "absl/strings/str_cat.h"
#include "services/cli/rpc.h"
#include "services/common/endpoints.h"
#include "tests/support/process.h"

namespace callmatch::test_support {

Platform::~Platform() {
  (void)Stop();
  if (!dir_.empty()) RemoveTree(dir_);
}

absl::Status Platform::Start(const std::string& server_binary,
                             const std::vector<std::string>& services) {
  absl::StatusOr<std::string> dir = MakeTempDir("callmatch-platform");
  if (!dir.ok()) return dir.status();
  dir_ = *dir;
  if (absl::Status status = redis_.Start(); !status.ok()) return status;
  absl::StatusOr<std::string> secret =
      BootstrapOperator(server_binary, redis_.address(), dir_, "root");
  if (!secret.ok()) return secret.status();
  operator_secret_ = *secret;
  for (const std::string& name : services) {
    // A service finds those started before it (e.g. contract calls scoring) by their variables.
    std::vector<std::pair<std::string, std::string>> env;
    for (const auto& [started, process] : services_) {
      if (const Endpoint* endpoint = FindEndpoint(started); endpoint != nullptr) {
        env.emplace_back(endpoint->address_env, process->address());
      }
    }
    auto process = std::make_unique<ServiceProcess>();
    if (absl::Status status = process->Start(server_binary, name, redis_.address(), dir_, {}, env);
        !status.ok()) {
      return status;
    }
    const std::string health = AwaitHealth(process->address(), "", "SERVING", absl::Seconds(30));
    if (health != "SERVING") {
      return absl::UnavailableError(
          absl::StrCat(name, " is ", health, "; log:\n", process->LogTail()));
    }
    services_[name] = std::move(process);
  }
  return absl::OkStatus();
}

absl::Status Platform::Stop() {
  absl::Status result;
  for (auto& [name, process] : services_) {
    absl::StatusOr<int> code = process->process().Terminate(absl::Seconds(15));
    if (!code.ok() || *code != 0) {
      result.Update(absl::InternalError(absl::StrCat(name, " did not stop cleanly")));
    }
  }
  services_.clear();
  return result;
}

absl::StatusOr<std::string> Platform::Call(const std::string& secret, const std::string& method,
                                           const std::string& request_json,
                                           const std::string& token) {
  absl::StatusOr<std::string> full = cli::ResolveMethod(method);
  if (!full.ok()) return full.status();
  const Endpoint* endpoint = FindEndpoint(full->substr(0, full->rfind('.')));
  if (endpoint == nullptr || !services_.contains(endpoint->name)) {
    return absl::FailedPreconditionError(absl::StrCat("no running service serves ", method));
  }
  auto channel = cli::MakeChannel(services_[endpoint->name]->address(), "");
  if (!channel.ok()) return channel.status();
  cli::CallOptions options;
  options.credential = secret;
  options.consistency_token = token;
  absl::StatusOr<cli::CallResult> result = cli::CallJson(**channel, *full, request_json, options);
  if (!result.ok()) return result.status();
  last_token_ = result->consistency_token;
  return result->responses_json.empty() ? "" : result->responses_json.front();
}

absl::StatusOr<std::string> Platform::IssueSecret(const std::string& kind, const std::string& id) {
  absl::StatusOr<std::string> issued =
      Call(operator_secret_, "CredentialService.IssueCredential",
           absl::StrCat(R"({"principal":{"kind":")", kind, R"(","id":")", id,
                        R"("},"request_id":"platform-issue-)", ++issued_, R"("})"));
  if (!issued.ok()) return issued.status();
  return JsonField(*issued, "secret");
}

std::string JsonField(const std::string& json, const std::string& field) {
  const std::string key = absl::StrCat("\"", field, "\":\"");
  const size_t begin = json.find(key);
  if (begin == std::string::npos) return "";
  const size_t end = json.find('"', begin + key.size());
  return json.substr(begin + key.size(), end - begin - key.size());
}

}  // namespace callmatch::test_support

#include "tests/support/service_process.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/cli/rpc.h"

namespace callmatch::test_support {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

absl::Status ServiceProcess::Start(const std::string& server_binary, const std::string& service,
                                   const std::string& redis_address, const std::string& dir,
                                   const std::vector<std::string>& extra_flags,
                                   const std::vector<std::pair<std::string, std::string>>& env) {
  const std::string port_file = absl::StrCat(dir, "/", service, ".port");
  std::remove(port_file.c_str());
  log_ = absl::StrCat(dir, "/", service, ".log");
  std::vector<std::string> argv = {server_binary,
                                   absl::StrCat("--service=", service),
                                   "--port=0",
                                   absl::StrCat("--port_file=", port_file),
                                   absl::StrCat("--redis=", redis_address),
                                   "--redis_timeout_ms=300"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  if (service == "audit" &&
      std::none_of(extra_flags.begin(), extra_flags.end(), [](const std::string& flag) {
        return absl::StartsWith(flag, "--audit_key_file");
      })) {
    const std::string key_file = absl::StrCat(dir, "/audit.key");
    if (ReadFile(key_file).empty()) std::ofstream(key_file) << std::string(64, 'a') << "\n";
    argv.push_back(absl::StrCat("--audit_key_file=", key_file));
    argv.push_back(absl::StrCat("--audit_anchor_file=", dir, "/audit.anchors"));
  }
  if (absl::Status started = process_.Start(argv, env, log_); !started.ok()) return started;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    int port = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadFile(port_file)), &port) && port > 0) {
      address_ = absl::StrCat("127.0.0.1:", port);
      return absl::OkStatus();
    }
    if (!process_.Running()) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(absl::StrCat(service, " wrote no port; log:\n", LogTail()));
}

std::string ServiceProcess::LogTail() const {
  std::string log = ReadFile(log_);
  return log.size() > 3000 ? log.substr(log.size() - 3000) : log;
}

std::string AwaitHealth(const std::string& address, const std::string& grpc_service,
                        const std::string& wanted, absl::Duration timeout) {
  auto channel = cli::MakeChannel(address, "");
  if (!channel.ok()) return channel.status().ToString();
  std::string last = "UNREACHABLE";
  const absl::Time deadline = absl::Now() + timeout;
  do {
    auto status = cli::CheckHealth(**channel, grpc_service, absl::Seconds(1));
    last = status.ok() ? *status : status.status().ToString();
    if (last == wanted) break;
    absl::SleepFor(absl::Milliseconds(50));
  } while (absl::Now() < deadline);
  return last;
}

absl::StatusOr<std::string> BootstrapOperator(const std::string& server_binary,
                                              const std::string& redis_address,
                                              const std::string& dir, const std::string& login) {
  const std::string out = absl::StrCat(dir, "/bootstrap-", login, ".json");
  Process process;
  absl::Status started = process.Start({server_binary, absl::StrCat("--bootstrap_operator=", login),
                                        absl::StrCat("--redis=", redis_address)},
                                       {}, out);
  if (!started.ok()) return started;
  absl::StatusOr<int> code = process.Wait(absl::Seconds(20));
  if (!code.ok()) return code.status();
  const std::string printed = ReadFile(out);
  if (*code != 0) return absl::InternalError(absl::StrCat("bootstrap failed: ", printed));
  const std::string key = "\"secret\":\"";
  const size_t begin = printed.find(key);
  const size_t end = begin == std::string::npos ? begin : printed.find('"', begin + key.size());
  if (end == std::string::npos) return absl::InternalError(absl::StrCat("no secret in ", printed));
  return printed.substr(begin + key.size(), end - begin - key.size());
}

}  // namespace callmatch::test_support

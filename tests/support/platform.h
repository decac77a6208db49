// A running platform for end-to-end tests: a real redis-server and callmatch-server processes for
// the services a test needs, an operator credential bootstrapped on the "server host", and calls
// as any principal with JSON in and out (through the CLI's code path).
//
// Example:
//   Platform platform;
//   ASSERT_TRUE(platform.Start(kServerBinary, {"campaign", "audit"}).ok());
//   auto company = platform.Call(platform.operator_secret(), "CampaignService.CreateCompany",
//   json);
#ifndef CALLMATCH_TESTS_SUPPORT_PLATFORM_H_
#define CALLMATCH_TESTS_SUPPORT_PLATFORM_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/support/redis_server.h"
#include "tests/support/service_process.h"

namespace callmatch::test_support {

class Platform {
 public:
  Platform() = default;
  ~Platform();  // stops every process, removes the temporary folder

  // Starts Redis, bootstraps the operator "root", starts each service in order and waits until
  // it is SERVING. Each service is told the addresses of those started before it (start
  // "scoring" before "contract").
  absl::Status Start(const std::string& server_binary, const std::vector<std::string>& services);

  // Stops every service with SIGTERM; an error unless each exits 0.
  absl::Status Stop();

  // Calls "Service.Method" (e.g. "CampaignService.GetCampaign") on the process serving it, with
  // `secret` as bearer credential and `token` as consistency token(s); the response as JSON.
  absl::StatusOr<std::string> Call(const std::string& secret, const std::string& method,
                                   const std::string& request_json, const std::string& token = "");

  // The consistency token the last successful Call's write returned ("" for a read).
  const std::string& last_token() const { return last_token_; }

  // Issues a credential (as the operator) for a principal kind ("KIND_CLIENT", ...) and id;
  // returns its secret. Needs the audit service.
  absl::StatusOr<std::string> IssueSecret(const std::string& kind, const std::string& id);

  const std::string& operator_secret() const { return operator_secret_; }
  RedisServer& redis() { return redis_; }
  const std::string& dir() const { return dir_; }
  ServiceProcess& service(const std::string& name) { return *services_.at(name); }

 private:
  RedisServer redis_;
  std::string dir_;
  std::string operator_secret_;
  std::map<std::string, std::unique_ptr<ServiceProcess>> services_;
  int issued_ = 0;
  std::string last_token_;
};

// Pulls the first "field":"value" (a string value) out of JSON; "" if absent. Enough for tests
// that check a few fields of the CLI's JSON.
std::string JsonField(const std::string& json, const std::string& field);

}  // namespace callmatch::test_support

#endif  // CALLMATCH_TESTS_SUPPORT_PLATFORM_H_

// A callmatch-server process for end-to-end tests, on a free port (--port=0, reported through
// --port_file), and helpers to reach it: health polling and the operator bootstrap.
//
// Example:
//   ServiceProcess audit;
//   ASSERT_OK(audit.Start("audit", redis.address(), dir));
//   ASSERT_EQ(AwaitHealth(audit.address(), "", "SERVING", absl::Seconds(30)), "SERVING");
#ifndef CALLMATCH_TESTS_SUPPORT_SERVICE_PROCESS_H_
#define CALLMATCH_TESTS_SUPPORT_SERVICE_PROCESS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/support/process.h"

namespace callmatch::test_support {

class ServiceProcess {
 public:
  // Starts `server_binary --service=<service>` against Redis at `redis_address`, logging to
  // <dir>/<service>.log, and waits (up to 20 s) until it reports its port. The audit service
  // gets a fresh key in <dir>/audit.key and its anchors in <dir>/audit.anchors unless
  // `extra_flags` name others. `env` adds environment variables (e.g. the addresses of the
  // services it calls).
  absl::Status Start(const std::string& server_binary, const std::string& service,
                     const std::string& redis_address, const std::string& dir,
                     const std::vector<std::string>& extra_flags = {},
                     const std::vector<std::pair<std::string, std::string>>& env = {});
  // "127.0.0.1:<port>".
  const std::string& address() const { return address_; }
  Process& process() { return process_; }
  // The end of its log, for failure messages.
  std::string LogTail() const;

 private:
  Process process_;
  std::string address_;
  std::string log_;
};

// Polls grpc.health.v1 of `grpc_service` ("" for the whole server) until it is `wanted` or the
// timeout runs out; returns the last status seen.
std::string AwaitHealth(const std::string& address, const std::string& grpc_service,
                        const std::string& wanted, absl::Duration timeout);

// Runs `server_binary --bootstrap_operator=<login>` and returns the secret it printed.
absl::StatusOr<std::string> BootstrapOperator(const std::string& server_binary,
                                              const std::string& redis_address,
                                              const std::string& dir, const std::string& login);

// The whole content of a file ("" if unreadable).
std::string ReadFile(const std::string& path);

}  // namespace callmatch::test_support

#endif  // CALLMATCH_TESTS_SUPPORT_SERVICE_PROCESS_H_

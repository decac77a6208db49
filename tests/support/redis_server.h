// A real redis-server for integration tests: a child process on a free loopback port, with its
// own temporary directory and no persistence. No fake Redis anywhere.
//
// Example:
//   RedisServer redis;
//   ASSERT_TRUE(redis.Start().ok());
//   RedisOptions options{.host = "127.0.0.1", .port = redis.port()};
//   ...
//   ASSERT_TRUE(redis.Stop().ok());   // Redis is down: calls must fail with UNAVAILABLE
//   ASSERT_TRUE(redis.Start().ok());  // back on the same port, empty
//
// The server is found on PATH, then at /usr/bin/redis-server ($CALLMATCH_REDIS_SERVER overrides
// both). It dies with the thread that started it (PR_SET_PDEATHSIG), so a crashed test leaves no
// server behind. Thread safety: none; use from the test's main thread.
#ifndef CALLMATCH_TESTS_SUPPORT_REDIS_SERVER_H_
#define CALLMATCH_TESTS_SUPPORT_REDIS_SERVER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tests/support/process.h"

namespace callmatch::test_support {

class RedisServer {
 public:
  RedisServer() = default;
  ~RedisServer();  // stops the server and removes its directory
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Starts the server and waits until it answers PING. The first start picks a free port
  // (retrying with another if the server fails to come up); later starts reuse that port.
  absl::Status Start();
  // SIGTERM, then waits for the process to exit (SIGKILL after 10 s). Data is lost.
  absl::Status Stop();
  // SIGSTOP / SIGCONT: while paused the port accepts connections but nothing is answered.
  absl::Status Pause();
  absl::Status Resume();

  // Runs one command on the server (as someone with direct access to Redis would); an error
  // reply is an error status.
  absl::Status Command(const std::vector<std::string>& args);

  bool running() { return process_.Running(); }
  // The port, 0 before the first Start.
  int port() const { return port_; }
  // "127.0.0.1:<port>".
  std::string address() const;

 private:
  absl::Status Launch(int port);

  Process process_;
  int port_ = 0;
  bool paused_ = false;
  std::string dir_;  // the server's working directory and log
};

}  // namespace callmatch::test_support

#endif  // CALLMATCH_TESTS_SUPPORT_REDIS_SERVER_H_

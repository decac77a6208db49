// A child process for tests: started with arguments and extra environment variables, output to a
// log file, stopped with a signal, its exit status collected. It dies with the thread that started
// it (PR_SET_PDEATHSIG), so a crashed test leaves nothing behind.
//
// Example:
//   Process server;
//   ASSERT_TRUE(server.Start({kServerBin, "--service=campaign"}, {{"CALLMATCH_PORT", "0"}},
//                            dir + "/campaign.log").ok());
//   auto exit_code = server.Terminate(absl::Seconds(10));  // SIGTERM, then wait
//
// Thread safety: none; use from the test's main thread.
#ifndef CALLMATCH_TESTS_SUPPORT_PROCESS_H_
#define CALLMATCH_TESTS_SUPPORT_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace callmatch::test_support {

class Process {
 public:
  Process() = default;
  ~Process();  // SIGKILL if still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Starts argv[0] (a path) with argv, the current environment plus `env`, stdout and stderr
  // appended to log_path (or discarded if empty).
  absl::Status Start(const std::vector<std::string>& argv,
                     const std::vector<std::pair<std::string, std::string>>& env,
                     const std::string& log_path);

  // True while the child has not exited (reaps it if it has).
  bool Running();
  // Sends `signal` (e.g. SIGSTOP, SIGCONT).
  absl::Status Signal(int signal);
  // Waits up to `timeout` for the exit; returns the exit code (128 + n for death by signal n).
  // DEADLINE_EXCEEDED if still running.
  absl::StatusOr<int> Wait(absl::Duration timeout);
  // SIGTERM, then Wait(grace); SIGKILL if the grace runs out (and DEADLINE_EXCEEDED).
  absl::StatusOr<int> Terminate(absl::Duration grace);

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

// A free TCP port on 127.0.0.1 (bound and released: a short race with other processes remains).
absl::StatusOr<int> FreeLoopbackPort();

// A new empty temporary directory; its path.
absl::StatusOr<std::string> MakeTempDir(const std::string& prefix);
// Removes a directory and everything under it.
void RemoveTree(const std::string& path);

}  // namespace callmatch::test_support

#endif  // CALLMATCH_TESTS_SUPPORT_PROCESS_H_

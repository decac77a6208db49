// A fixed pool of worker threads with a bounded queue, where request handlers run their blocking
// work (Redis calls) so that gRPC's own callback threads are never parked on I/O.
//
// Example:
//   Executor executor({.threads = 8, .queue_limit = 1024});
//   if (!executor.TrySchedule([=] { ...; reactor->Finish(status); })) {
//     reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy"));
//   }
//
// Thread safety: TrySchedule may be called from any thread. The destructor drains the queue and
// joins the workers.
#ifndef CALLMATCH_SERVICES_COMMON_EXECUTOR_H_
#define CALLMATCH_SERVICES_COMMON_EXECUTOR_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace callmatch {

struct ExecutorOptions {
  int threads = 8;
  // Tasks waiting at most; beyond, TrySchedule refuses (the caller answers RESOURCE_EXHAUSTED).
  int queue_limit = 4096;
};

class Executor {
 public:
  explicit Executor(ExecutorOptions options);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Queues `task`; false if the queue is full or the executor is shutting down.
  bool TrySchedule(std::function<void()> task);

  // Tasks waiting now (for status reports).
  int queued() const;

 private:
  void Work();
  bool ReadyToWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const ExecutorOptions options_;
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_COMMON_EXECUTOR_H_

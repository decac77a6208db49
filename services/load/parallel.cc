#include "services/load/parallel.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace callmatch::load {

absl::Status ParallelFor(int threads, int64_t n, const std::string& label, bool progress,
                         const std::function<absl::Status(int64_t)>& work) {
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> done{0};
  std::atomic<int> running{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  absl::Status first_error;
  const absl::Time start = absl::Now();
  std::vector<std::thread> workers;
  const int count = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, n)));
  running = count;
  for (int t = 0; t < count; ++t) {
    workers.emplace_back([&] {
      while (!failed.load()) {
        const int64_t i = next.fetch_add(1);
        if (i >= n) break;
        absl::Status status = work(i);
        if (!status.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (first_error.ok()) first_error = status;
          failed = true;
          break;
        }
        done.fetch_add(1);
      }
      running.fetch_sub(1);
    });
  }
  absl::Time last_print = start;
  while (running.load() > 0) {
    absl::SleepFor(absl::Milliseconds(50));
    if (progress && absl::Now() - last_print >= absl::Seconds(5)) {
      last_print = absl::Now();
      const double seconds = absl::ToDoubleSeconds(last_print - start);
      std::fprintf(stderr, "%s\n",
                   absl::StrFormat("seed: %s %d/%d (%.0f/s)", label, done.load(), n,
                                   static_cast<double>(done.load()) / seconds)
                       .c_str());
    }
  }
  for (std::thread& worker : workers) worker.join();
  if (progress && n > 0) {
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    std::fprintf(
        stderr, "%s\n",
        absl::StrFormat("seed: %s %d/%d in %.1f s (%.0f/s)", label, done.load(), n, seconds,
                        static_cast<double>(done.load()) / std::max(seconds, 1e-3))
            .c_str());
  }
  return first_error;
}

absl::Status WithRetries(const std::function<absl::Status()>& call, int attempts) {
  absl::Status status;
  absl::Duration pause = absl::Milliseconds(20);
  for (int attempt = 0; attempt < attempts; ++attempt) {
    status = call();
    const bool transient = absl::IsAborted(status) || absl::IsUnavailable(status) ||
                           absl::IsDeadlineExceeded(status) || absl::IsResourceExhausted(status);
    if (!transient) return status;
    absl::SleepFor(pause);
    pause = std::min(pause * 2, absl::Seconds(2));
  }
  return status;
}

}  // namespace callmatch::load

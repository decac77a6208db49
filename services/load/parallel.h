// Running many independent calls at once: `threads` workers take indexes in turn, the first error
// stops them all, and a progress line goes to stderr every few seconds.
#ifndef CALLMATCH_SERVICES_LOAD_PARALLEL_H_
#define CALLMATCH_SERVICES_LOAD_PARALLEL_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"

namespace callmatch::load {

// Runs work(i) for every i in [0, n) on `threads` threads; returns the first error (the others
// stop taking work) or OK. With `progress`, prints "<label>: done/n (rate/s)" every 5 s.
absl::Status ParallelFor(int threads, int64_t n, const std::string& label, bool progress,
                         const std::function<absl::Status(int64_t)>& work);

// Runs `call` again while it fails with a transient code (ABORTED: contention; UNAVAILABLE,
// DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED), with a growing pause, at most `attempts` times. Safe
// for writes because each carries its request_id.
absl::Status WithRetries(const std::function<absl::Status()>& call, int attempts = 8);

}  // namespace callmatch::load

#endif  // CALLMATCH_SERVICES_LOAD_PARALLEL_H_

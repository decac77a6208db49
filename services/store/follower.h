// Follows the 64 change streams: the reader side of the transactional outbox (docs/store.md).
//
// A materialized view loads what it needs (Store::LoadAll) after reading the stream tails, then
// follows from those tails: an event applied twice (once through the load, once through the
// stream) must be harmless, which entity versions make easy. Events come in stream order within
// a partition, exactly once each.
//
// Thread safety: Start/Stop from one thread; applied() and WaitForTokens() from any thread.
#ifndef CALLMATCH_SERVICES_STORE_FOLLOWER_H_
#define CALLMATCH_SERVICES_STORE_FOLLOWER_H_

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "callmatch/v1/audit.pb.h"
#include "services/store/redis.h"
#include "services/store/store.h"

namespace callmatch::store {

struct FollowerOptions {
  // How long one XREAD blocks waiting for new events.
  absl::Duration block = absl::Milliseconds(500);
  // Events read at most per XREAD.
  int batch = 1000;
  // Pause after a Redis error before the next attempt.
  absl::Duration retry_pause = absl::Milliseconds(200);
};

class ChangeFollower {
 public:
  // Called on the follower's thread, in stream order within each partition. `event` has its id
  // and partition set.
  using Handler = std::function<void(const callmatch::v1::AuditEvent& event)>;

  ChangeFollower(RedisPool* pool, FollowerOptions options);
  ~ChangeFollower();  // stops

  // Starts following every partition after `positions` (64 stream ids, e.g. Store::StreamTails).
  void Start(std::vector<std::string> positions, Handler handler);
  // Stops and joins the thread. Idempotent.
  void Stop();

  // The last stream id applied in each partition.
  std::vector<std::string> applied() const;
  // Waits until every token's event has been applied, or until `deadline`
  // (DEADLINE_EXCEEDED then).
  absl::Status WaitForTokens(const std::vector<ConsistencyToken>& tokens, absl::Time deadline);
  // The last error met while reading, OK if the last read succeeded.
  absl::Status last_error() const;

 private:
  void Loop();

  RedisPool* pool_;
  const FollowerOptions options_;
  Handler handler_;
  std::thread thread_;
  mutable absl::Mutex mu_;
  std::vector<std::string> applied_ ABSL_GUARDED_BY(mu_);
  absl::Status last_error_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace callmatch::store

#endif  // CALLMATCH_SERVICES_STORE_FOLLOWER_H_

// A pool of hiredis connections with connect and command timeouts.
//
// Thread safety: RedisPool is safe for concurrent use. A Lease is used by one thread at a time.
// Every failure to reach Redis (refused, reset, timed out) is reported as UNAVAILABLE with the
// address and the cause; the broken connection is dropped, and the next call dials again, so the
// pool recovers by itself when Redis comes back.
#ifndef CALLMATCH_SERVICES_STORE_REDIS_H_
#define CALLMATCH_SERVICES_STORE_REDIS_H_

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace callmatch::store {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  absl::Duration connect_timeout = absl::Milliseconds(500);
  absl::Duration command_timeout = absl::Seconds(2);
  // Connections kept open at most; a caller waits (up to command_timeout) for a free one.
  int max_connections = 16;
};

// Parses "host:port" into options (other fields keep their defaults).
absl::StatusOr<RedisOptions> ParseRedisAddress(absl::string_view address);

// An owned hiredis reply.
using Reply = std::unique_ptr<redisReply, void (*)(void*)>;

// Error status for a reply of type REDIS_REPLY_ERROR, OK otherwise.
absl::Status ReplyError(const redisReply& reply);

class RedisPool;

// One connection taken from the pool for a sequence of commands (WATCH ... EXEC, pipelines,
// blocking reads). Returned to the pool on destruction, or closed if it broke.
class Lease {
 public:
  Lease(Lease&&) noexcept;
  Lease& operator=(Lease&&) = delete;
  ~Lease();

  // Sends one command and waits for its reply. A REDIS_REPLY_ERROR reply is returned as a reply,
  // not as an error status: the caller decides (use ReplyError).
  absl::StatusOr<Reply> Command(const std::vector<std::string>& args);

  // Sends all commands at once and reads every reply, in order.
  absl::StatusOr<std::vector<Reply>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);

  // Changes this connection's read timeout (for blocking commands such as XREAD BLOCK).
  absl::Status SetTimeout(absl::Duration timeout);

 private:
  friend class RedisPool;
  Lease(RedisPool* pool, redisContext* context);
  absl::Status Broken(absl::string_view what);

  RedisPool* pool_;
  redisContext* context_;        // null once broken or moved from
  bool custom_timeout_ = false;  // SetTimeout was called: restore the default before reuse
};

class RedisPool {
 public:
  explicit RedisPool(RedisOptions options);
  ~RedisPool();
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  // A connection, dialled if none is idle. UNAVAILABLE if Redis cannot be reached within the
  // connect timeout or no connection frees up within the command timeout.
  absl::StatusOr<Lease> Acquire();

  // One command on a pooled connection.
  absl::StatusOr<Reply> Command(const std::vector<std::string>& args);

  const RedisOptions& options() const { return options_; }

 private:
  friend class Lease;
  void Release(redisContext* context, bool broken);
  // Dials a new connection with both timeouts set, or UNAVAILABLE.
  absl::StatusOr<redisContext*> Dial();
  // UNAVAILABLE "redis <host>:<port>: <cause>".
  absl::Status Unavailable(absl::string_view cause) const;

  const RedisOptions options_;
  absl::Mutex mu_;
  std::vector<redisContext*> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace callmatch::store

#endif  // CALLMATCH_SERVICES_STORE_REDIS_H_

#include "services/store/redis.h"

#include <poll.h>
#include <signal.h>
#include <sys/time.h>

#include <mutex>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace callmatch::store {
namespace {

timeval TimeoutOf(absl::Duration duration) {
  if (duration < absl::Milliseconds(1)) duration = absl::Milliseconds(1);
  return absl::ToTimeval(duration);
}

// hiredis 0.14 writes with write(2), so a write to a connection Redis closed raises SIGPIPE,
// which would kill the process. Ignore it, unless the program installed its own handler.
void IgnoreSigpipeOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current = {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      signal(SIGPIPE, SIG_IGN);
    }
  });
}

// A pooled connection that sat idle is usable only if nothing is waiting to be read on it: a
// readable idle socket means Redis closed it (e.g. it restarted) or the protocol is out of step.
bool IdleConnectionAlive(const redisContext* context) {
  if (context->err != 0) return false;
  pollfd fd = {.fd = context->fd, .events = POLLIN, .revents = 0};
  return poll(&fd, 1, 0) == 0;
}

std::string ErrorCause(const redisContext* context) {
  std::string cause = context->errstr[0] != '\0' ? context->errstr : "unknown error";
  // A read timeout (SO_RCVTIMEO) surfaces as EAGAIN's text.
  if (cause == "Resource temporarily unavailable") cause = "timed out";
  return cause;
}

}  // namespace

absl::StatusOr<RedisOptions> ParseRedisAddress(absl::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis address \"", address, "\" is not host:port"));
  }
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &port) || port <= 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis address \"", address, "\" has no valid port"));
  }
  RedisOptions options;
  options.host = std::string(address.substr(0, colon));
  options.port = port;
  return options;
}

absl::Status ReplyError(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_ERROR) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat("redis error: ", absl::string_view(reply.str, reply.len)));
}

// ---- Lease ----

Lease::Lease(RedisPool* pool, redisContext* context) : pool_(pool), context_(context) {}

Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      context_(std::exchange(other.context_, nullptr)),
      custom_timeout_(other.custom_timeout_) {}

Lease::~Lease() {
  if (context_ == nullptr) return;
  bool broken = context_->err != 0;
  if (!broken && custom_timeout_) {
    broken = redisSetTimeout(context_, TimeoutOf(pool_->options_.command_timeout)) != REDIS_OK;
  }
  pool_->Release(context_, broken);
}

absl::Status Lease::Broken(absl::string_view what) {
  if (context_ == nullptr) return pool_->Unavailable(absl::StrCat(what, ": connection is closed"));
  absl::Status status = pool_->Unavailable(absl::StrCat(what, ": ", ErrorCause(context_)));
  pool_->Release(context_, /*broken=*/true);
  context_ = nullptr;
  return status;
}

absl::StatusOr<Reply> Lease::Command(const std::vector<std::string>& args) {
  if (args.empty()) return absl::InvalidArgumentError("empty redis command");
  if (context_ == nullptr) return Broken(args[0]);
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  void* reply =
      redisCommandArgv(context_, static_cast<int>(args.size()), argv.data(), lengths.data());
  if (reply == nullptr) return Broken(args[0]);
  return Reply(static_cast<redisReply*>(reply), freeReplyObject);
}

absl::StatusOr<std::vector<Reply>> Lease::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  if (context_ == nullptr) return Broken("pipeline");
  for (const std::vector<std::string>& args : commands) {
    if (args.empty()) return absl::InvalidArgumentError("empty redis command in pipeline");
  }
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::vector<std::string>& args : commands) {
    argv.clear();
    lengths.clear();
    for (const std::string& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(args.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      return Broken(args[0]);
    }
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (const std::vector<std::string>& args : commands) {
    void* reply = nullptr;
    // Replies not read yet stay in hiredis' buffers; a broken connection is closed with them.
    if (redisGetReply(context_, &reply) != REDIS_OK || reply == nullptr) return Broken(args[0]);
    replies.emplace_back(static_cast<redisReply*>(reply), freeReplyObject);
  }
  return replies;
}

absl::Status Lease::SetTimeout(absl::Duration timeout) {
  if (context_ == nullptr) return Broken("set timeout");
  if (redisSetTimeout(context_, TimeoutOf(timeout)) != REDIS_OK) return Broken("set timeout");
  custom_timeout_ = true;
  return absl::OkStatus();
}

// ---- RedisPool ----

RedisPool::RedisPool(RedisOptions options) : options_(std::move(options)) { IgnoreSigpipeOnce(); }

RedisPool::~RedisPool() {
  absl::MutexLock lock(&mu_);
  for (redisContext* context : idle_) redisFree(context);
  idle_.clear();
}

absl::Status RedisPool::Unavailable(absl::string_view cause) const {
  return absl::UnavailableError(
      absl::StrFormat("redis %s:%d: %s", options_.host, options_.port, cause));
}

absl::StatusOr<redisContext*> RedisPool::Dial() {
  redisContext* context = redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                                  TimeoutOf(options_.connect_timeout));
  if (context == nullptr) return Unavailable("connect: cannot allocate a connection");
  if (context->err != 0) {
    absl::Status status = Unavailable(absl::StrCat("connect: ", ErrorCause(context)));
    redisFree(context);
    return status;
  }
  if (redisSetTimeout(context, TimeoutOf(options_.command_timeout)) != REDIS_OK) {
    absl::Status status = Unavailable(absl::StrCat("set timeout: ", ErrorCause(context)));
    redisFree(context);
    return status;
  }
  return context;
}

absl::StatusOr<Lease> RedisPool::Acquire() {
  const absl::Time deadline = absl::Now() + options_.command_timeout;
  while (true) {
    redisContext* idle = nullptr;
    {
      absl::MutexLock lock(&mu_);
      auto free_slot = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return !idle_.empty() || open_ < options_.max_connections;
      };
      if (!mu_.AwaitWithDeadline(absl::Condition(&free_slot), deadline)) {
        return Unavailable(absl::StrFormat("no free connection within %s (%d open)",
                                           absl::FormatDuration(options_.command_timeout), open_));
      }
      if (!idle_.empty()) {
        idle = idle_.back();
        idle_.pop_back();
      } else {
        ++open_;  // reserve the slot while dialling outside the lock
      }
    }
    if (idle != nullptr) {
      if (IdleConnectionAlive(idle)) return Lease(this, idle);
      Release(idle, /*broken=*/true);  // e.g. Redis restarted: dial a fresh one
      continue;
    }
    absl::StatusOr<redisContext*> dialled = Dial();
    if (!dialled.ok()) {
      Release(nullptr, /*broken=*/true);
      return dialled.status();
    }
    return Lease(this, *dialled);
  }
}

absl::StatusOr<Reply> RedisPool::Command(const std::vector<std::string>& args) {
  absl::StatusOr<Lease> lease = Acquire();
  if (!lease.ok()) return lease.status();
  return lease->Command(args);
}

void RedisPool::Release(redisContext* context, bool broken) {
  if (broken && context != nullptr) redisFree(context);
  absl::MutexLock lock(&mu_);
  if (broken) {
    --open_;
  } else {
    idle_.push_back(context);
  }
}

}  // namespace callmatch::store

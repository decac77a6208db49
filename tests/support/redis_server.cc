#include "tests/support/redis_server.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace callmatch::test_support {
namespace {

constexpr char kHost[] = "127.0.0.1";
constexpr absl::Duration kStartTimeout = absl::Seconds(10);
constexpr absl::Duration kStopTimeout = absl::Seconds(10);

std::string FindRedisServer() {
  if (const char* path = std::getenv("CALLMATCH_REDIS_SERVER"); path != nullptr && *path != '\0') {
    return path;
  }
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
      std::string candidate = absl::StrCat(dir, "/redis-server");
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return "/usr/bin/redis-server";
}

bool Pings(int port) {
  timeval timeout = {.tv_sec = 0, .tv_usec = 200'000};
  redisContext* context = redisConnectWithTimeout(kHost, port, timeout);
  if (context == nullptr) return false;
  bool ok = false;
  if (context->err == 0 && redisSetTimeout(context, timeout) == REDIS_OK) {
    auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
    ok = reply != nullptr && reply->type == REDIS_REPLY_STATUS &&
         absl::string_view(reply->str, reply->len) == "PONG";
    if (reply != nullptr) freeReplyObject(reply);
  }
  redisFree(context);
  return ok;
}

std::string Tail(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

}  // namespace

RedisServer::~RedisServer() {
  (void)Stop();
  if (!dir_.empty()) RemoveTree(dir_);
}

std::string RedisServer::address() const { return absl::StrCat(kHost, ":", port_); }

absl::Status RedisServer::Start() {
  if (running()) return absl::OkStatus();
  if (dir_.empty()) {
    absl::StatusOr<std::string> dir = MakeTempDir("callmatch-redis");
    if (!dir.ok()) return dir.status();
    dir_ = *dir;
  }
  if (port_ != 0) return Launch(port_);  // a restart keeps its port
  absl::Status status;
  for (int attempt = 0; attempt < 5; ++attempt) {
    absl::StatusOr<int> port = FreeLoopbackPort();
    if (!port.ok()) return port.status();
    status = Launch(*port);
    if (status.ok()) {
      port_ = *port;
      return status;
    }
  }
  return status;
}

absl::Status RedisServer::Launch(int port) {
  const std::string binary = FindRedisServer();
  const std::string log = absl::StrCat(dir_, "/redis.log");
  const std::string output = absl::StrCat(dir_, "/redis.out");
  // clang-format off
  const std::vector<std::string> args = {
      binary,
      "--port", absl::StrCat(port),
      "--bind", kHost,
      "--dir", dir_,
      "--save", "",
      "--appendonly", "no",
      "--daemonize", "no",
      "--logfile", log,
  };
  // clang-format on
  if (absl::Status status = process_.Start(args, {}, output); !status.ok()) return status;
  paused_ = false;

  const absl::Time deadline = absl::Now() + kStartTimeout;
  while (absl::Now() < deadline) {
    if (Pings(port)) return absl::OkStatus();
    if (!process_.Running()) {
      return absl::UnavailableError(
          absl::StrCat(binary, " on port ", port, " exited:\n", Tail(output), Tail(log)));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  (void)Stop();
  return absl::DeadlineExceededError(
      absl::StrCat(binary, " on port ", port, " did not answer PING:\n", Tail(log)));
}

absl::Status RedisServer::Stop() {
  if (!running()) return absl::OkStatus();
  if (paused_) {
    // A stopped process handles SIGTERM only once continued.
    (void)process_.Signal(SIGTERM);
    (void)process_.Signal(SIGCONT);
    paused_ = false;
  }
  absl::StatusOr<int> code = process_.Terminate(kStopTimeout);
  return code.ok() ? absl::OkStatus() : code.status();
}

absl::Status RedisServer::Command(const std::vector<std::string>& args) {
  timeval timeout = {.tv_sec = 2, .tv_usec = 0};
  redisContext* context = redisConnectWithTimeout(kHost, port_, timeout);
  if (context == nullptr || context->err != 0) {
    if (context != nullptr) redisFree(context);
    return absl::UnavailableError(absl::StrCat("cannot reach redis on port ", port_));
  }
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(context, static_cast<int>(args.size()), argv.data(), lengths.data()));
  absl::Status status;
  if (reply == nullptr) {
    status = absl::UnavailableError("no reply");
  } else if (reply->type == REDIS_REPLY_ERROR) {
    status = absl::InternalError(std::string(reply->str, reply->len));
  }
  if (reply != nullptr) freeReplyObject(reply);
  redisFree(context);
  return status;
}

absl::Status RedisServer::Pause() {
  if (!running()) return absl::FailedPreconditionError("redis-server is not running");
  if (absl::Status status = process_.Signal(SIGSTOP); !status.ok()) return status;
  paused_ = true;
  return absl::OkStatus();
}

absl::Status RedisServer::Resume() {
  if (!running()) return absl::FailedPreconditionError("redis-server is not running");
  if (absl::Status status = process_.Signal(SIGCONT); !status.ok()) return status;
  paused_ = false;
  return absl::OkStatus();
}

}  // namespace callmatch::test_support

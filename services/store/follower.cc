#include "services/store/follower.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/store/partition.h"
#include "services/store/stream.h"

namespace callmatch::store {
namespace {

absl::string_view Text(const redisReply& reply) { return {reply.str, reply.len}; }

}  // namespace

ChangeFollower::ChangeFollower(RedisPool* pool, FollowerOptions options)
    : pool_(pool), options_(options), applied_(kPartitionCount, "0-0") {}

ChangeFollower::~ChangeFollower() { Stop(); }

void ChangeFollower::Start(std::vector<std::string> positions, Handler handler) {
  Stop();                                    // a second Start replaces the first
  positions.resize(kPartitionCount, "0-0");  // a missing position means "from the start"
  {
    absl::MutexLock lock(&mu_);
    applied_ = std::move(positions);
    stop_ = false;
  }
  handler_ = std::move(handler);
  thread_ = std::thread([this] { Loop(); });
}

void ChangeFollower::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> ChangeFollower::applied() const {
  absl::MutexLock lock(&mu_);
  return applied_;
}

absl::Status ChangeFollower::last_error() const {
  absl::MutexLock lock(&mu_);
  return last_error_;
}

absl::Status ChangeFollower::WaitForTokens(const std::vector<ConsistencyToken>& tokens,
                                           absl::Time deadline) {
  for (const ConsistencyToken& token : tokens) {
    if (token.partition < 0 || token.partition >= kPartitionCount) {
      return absl::InvalidArgumentError(
          absl::StrCat("consistency token ", token.ToString(), " has no such partition"));
    }
  }
  auto all_applied = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    for (const ConsistencyToken& token : tokens) {
      if (CompareStreamIds(applied_[token.partition], token.stream_id) < 0) return false;
    }
    return true;
  };
  absl::MutexLock lock(&mu_);
  if (mu_.AwaitWithDeadline(absl::Condition(&all_applied), deadline)) return absl::OkStatus();
  for (const ConsistencyToken& token : tokens) {
    if (CompareStreamIds(applied_[token.partition], token.stream_id) < 0) {
      return absl::DeadlineExceededError(absl::StrCat("consistency token ", token.ToString(),
                                                      " not applied yet (at ",
                                                      applied_[token.partition], ")"));
    }
  }
  return absl::OkStatus();  // applied just as the deadline passed
}

void ChangeFollower::Loop() {
  std::vector<std::string> keys;
  absl::flat_hash_map<std::string, int> partition_of_key;
  for (int partition = 0; partition < kPartitionCount; ++partition) {
    keys.push_back(ChangeStreamKey(partition));
    partition_of_key[keys.back()] = partition;
  }
  const int64_t block_ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(options_.block));
  const std::string count = absl::StrCat(std::max(1, options_.batch));

  // Records an error and pauses before the next attempt; false once stopping.
  auto fail = [this](absl::Status status) {
    absl::MutexLock lock(&mu_);
    last_error_ = std::move(status);
    mu_.AwaitWithTimeout(absl::Condition(&stop_), options_.retry_pause);
    return !stop_;
  };
  auto stopping = [this] {
    absl::MutexLock lock(&mu_);
    return stop_;
  };

  while (!stopping()) {
    // One lease per attempt: kept while reads succeed, dropped (closed) on the first error.
    absl::StatusOr<Lease> lease = pool_->Acquire();
    if (!lease.ok()) {
      if (!fail(lease.status())) return;
      continue;
    }
    if (absl::Status status = lease->SetTimeout(options_.block + pool_->options().command_timeout);
        !status.ok()) {
      if (!fail(status)) return;
      continue;
    }
    while (!stopping()) {
      std::vector<std::string> command = {"XREAD",  "COUNT", count, "BLOCK", absl::StrCat(block_ms),
                                          "STREAMS"};
      command.insert(command.end(), keys.begin(), keys.end());
      for (const std::string& position : applied()) command.push_back(position);

      absl::StatusOr<Reply> reply = lease->Command(command);
      absl::Status status = reply.ok() ? ReplyError(**reply) : reply.status();
      if (status.ok() && (*reply)->type != REDIS_REPLY_NIL && (*reply)->type != REDIS_REPLY_ARRAY) {
        status =
            absl::InternalError(absl::StrCat("XREAD: unexpected reply of type ", (*reply)->type));
      }
      if (!status.ok()) {
        if (!fail(status)) return;
        break;  // the lease may be broken: take a new one
      }
      {
        absl::MutexLock lock(&mu_);
        last_error_ = absl::OkStatus();
      }
      if ((*reply)->type == REDIS_REPLY_NIL) continue;  // nothing new within the block time

      // [[key, [[id, [field, value, ...]], ...]], ...]
      const redisReply& streams = **reply;
      for (size_t s = 0; s < streams.elements; ++s) {
        const redisReply& stream = *streams.element[s];
        if (stream.type != REDIS_REPLY_ARRAY || stream.elements != 2 ||
            stream.element[0]->type != REDIS_REPLY_STRING ||
            stream.element[1]->type != REDIS_REPLY_ARRAY) {
          continue;
        }
        auto found = partition_of_key.find(Text(*stream.element[0]));
        if (found == partition_of_key.end()) continue;
        const int partition = found->second;
        absl::StatusOr<std::vector<StreamEntry>> entries = ParseStreamEntries(*stream.element[1]);
        if (!entries.ok()) {
          absl::MutexLock lock(&mu_);
          last_error_ = entries.status();
          continue;
        }
        for (const StreamEntry& entry : *entries) {
          std::optional<callmatch::v1::AuditEvent> event = ChangeEventOf(entry, partition);
          if (event.has_value()) handler_(*event);
          absl::MutexLock lock(&mu_);
          applied_[partition] = entry.id;  // advance past an unreadable entry too
          if (!event.has_value()) {
            last_error_ =
                absl::DataLossError(absl::StrCat("change event ", partition, "/", entry.id,
                                                 " has no parsable field \"e\"; skipped"));
          }
        }
      }
    }
  }
}

}  // namespace callmatch::store

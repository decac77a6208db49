#include "services/store/store.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/store/partition.h"

namespace callmatch::store {
namespace {

// MGET batch size of LoadAll.
constexpr size_t kLoadChunk = 500;

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

absl::string_view ReplyText(const redisReply& reply) { return {reply.str, reply.len}; }

absl::Status UnexpectedReply(absl::string_view command, const redisReply& reply) {
  if (reply.type == REDIS_REPLY_ERROR) {
    return absl::InternalError(absl::StrCat("redis ", command, ": ", ReplyText(reply)));
  }
  return absl::InternalError(
      absl::StrCat("redis ", command, ": unexpected reply of type ", reply.type));
}

// Digits only, no sign or space, no overflow.
bool ParseDigits(absl::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return false;
    value = value * 10 + digit;
  }
  *out = value;
  return true;
}

std::optional<std::pair<uint64_t, uint64_t>> ParseStreamId(absl::string_view id) {
  const size_t dash = id.find('-');
  if (dash == absl::string_view::npos) return std::nullopt;
  std::pair<uint64_t, uint64_t> parsed;
  if (!ParseDigits(id.substr(0, dash), &parsed.first) ||
      !ParseDigits(id.substr(dash + 1), &parsed.second)) {
    return std::nullopt;
  }
  return parsed;
}

std::string IdsKey(int partition, absl::string_view kind) {
  return absl::StrCat(PartitionPrefix(partition), "ids:", kind);
}

std::string RequestKey(int partition, const WriteContext& context) {
  return absl::StrCat(PartitionPrefix(partition), "req:", static_cast<int>(context.actor.kind()),
                      ":", context.actor.id(), ":", context.request_id);
}

// SHA-256 of method + '\n' + request bytes.
std::string RequestDigest(const WriteContext& context) {
  const std::string input = absl::StrCat(context.method, "\n", context.request_bytes);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return "";  // never happens with the built-in SHA-256; an empty digest matches no request
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

// An entity's value from a GET or MGET element: nullopt for nil.
absl::StatusOr<std::optional<Record>> ParseRecord(absl::string_view key, const redisReply& reply) {
  if (reply.type == REDIS_REPLY_NIL) return std::nullopt;
  if (reply.type != REDIS_REPLY_STRING) return UnexpectedReply(absl::StrCat("GET ", key), reply);
  StoredRecord stored;
  if (!stored.ParseFromArray(reply.str, static_cast<int>(reply.len))) {
    return absl::InternalError(absl::StrCat("corrupt record at ", key));
  }
  return Record{.version = stored.version(),
                .data = stored.data(),
                .update_time = FromTimestamp(stored.update_time())};
}

// The id of the last entry in an XREVRANGE ... COUNT 1 reply, "0-0" if the stream is empty.
absl::StatusOr<std::string> TailFromReply(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_ARRAY) return UnexpectedReply("XREVRANGE", reply);
  if (reply.elements == 0) return std::string("0-0");
  const redisReply* entry = reply.element[0];
  if (entry->type != REDIS_REPLY_ARRAY || entry->elements < 1 ||
      entry->element[0]->type != REDIS_REPLY_STRING) {
    return UnexpectedReply("XREVRANGE", *entry);
  }
  return std::string(ReplyText(*entry->element[0]));
}

std::vector<std::string> TailCommand(int partition) {
  return {"XREVRANGE", ChangeStreamKey(partition), "+", "-", "COUNT", "1"};
}

absl::StatusOr<std::string> StreamTail(Lease& lease, int partition) {
  absl::StatusOr<Reply> reply = lease.Command(TailCommand(partition));
  if (!reply.ok()) return reply.status();
  return TailFromReply(**reply);
}

// Forgets the watched keys before an early return. A failure breaks (and closes) the connection,
// which forgets them too, so its status is not needed.
void Unwatch(Lease& lease) { (void)lease.Command({"UNWATCH"}); }

// The version rules shared by Put and Delete (see Txn::Put).
absl::Status CheckVersion(absl::string_view kind, absl::string_view id,
                          const std::optional<Record>& current, int64_t expected_version) {
  if (expected_version < -1) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected version ", expected_version, " of ", kind, " ", id, " is invalid"));
  }
  if (expected_version == 0) {
    if (current.has_value()) {
      return absl::AlreadyExistsError(absl::StrCat(kind, " ", id, " already exists"));
    }
    return absl::OkStatus();
  }
  if (!current.has_value()) {
    if (expected_version == -1) return absl::OkStatus();
    return absl::NotFoundError(absl::StrCat(kind, " ", id, " not found"));
  }
  if (expected_version > 0 && current->version != expected_version) {
    return absl::AbortedError(absl::StrCat(kind, " ", id, " is at version ", current->version,
                                           ", not ", expected_version));
  }
  return absl::OkStatus();
}

void FillEvent(int partition, absl::Time now, const WriteContext& context,
               callmatch::v1::AuditEvent& event) {
  event.clear_id();
  event.set_partition(partition);
  SetTimestamp(now, event.mutable_time());
  *event.mutable_actor() = context.actor;
  event.set_method(context.method);
  event.set_request_id(context.request_id);
}

std::vector<std::string> XaddCommand(int partition, const callmatch::v1::AuditEvent& event) {
  return {"XADD", ChangeStreamKey(partition), "*", "e", event.SerializeAsString()};
}

absl::Status CheckPartition(int partition) {
  if (partition < 0 || partition >= kPartitionCount) {
    return absl::InvalidArgumentError(absl::StrCat("partition ", partition, " out of range"));
  }
  return absl::OkStatus();
}

}  // namespace

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t seconds = absl::ToUnixSeconds(time);
  out->set_seconds(seconds);
  out->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
}

// ---- ConsistencyToken ----

std::string ConsistencyToken::ToString() const { return absl::StrCat(partition, "/", stream_id); }

absl::StatusOr<ConsistencyToken> ConsistencyToken::Parse(absl::string_view text) {
  const size_t slash = text.find('/');
  uint64_t partition = 0;
  if (slash == absl::string_view::npos || !ParseDigits(text.substr(0, slash), &partition) ||
      partition >= static_cast<uint64_t>(kPartitionCount) ||
      !ParseStreamId(text.substr(slash + 1)).has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("consistency token \"", text, "\" is not <partition 0-63>/<ms>-<seq>"));
  }
  return ConsistencyToken{.partition = static_cast<int>(partition),
                          .stream_id = std::string(text.substr(slash + 1))};
}

absl::StatusOr<std::vector<ConsistencyToken>> ConsistencyToken::ParseList(absl::string_view text) {
  std::vector<ConsistencyToken> tokens;
  for (absl::string_view piece : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    absl::StatusOr<ConsistencyToken> token = Parse(std::string(absl::StripAsciiWhitespace(piece)));
    if (!token.ok()) return token.status();
    tokens.push_back(*std::move(token));
  }
  return tokens;
}

int CompareStreamIds(absl::string_view a, absl::string_view b) {
  const auto left = ParseStreamId(a).value_or(std::pair<uint64_t, uint64_t>{0, 0});
  const auto right = ParseStreamId(b).value_or(std::pair<uint64_t, uint64_t>{0, 0});
  if (left < right) return -1;
  if (right < left) return 1;
  return 0;
}

std::string EntityKey(int partition, absl::string_view kind, absl::string_view id) {
  return absl::StrCat(PartitionPrefix(partition), kind, ":", id);
}

// ---- Txn ----

Txn::Txn(Lease* lease, int partition, absl::Time now)
    : lease_(lease), partition_(partition), now_(now) {}

absl::StatusOr<std::optional<Record>> Txn::ReadWatched(const std::string& key) {
  if (auto it = read_.find(key); it != read_.end()) return it->second;
  absl::StatusOr<std::vector<Reply>> replies = lease_->Pipeline({{"WATCH", key}, {"GET", key}});
  if (!replies.ok()) return replies.status();
  if (absl::Status status = ReplyError(*(*replies)[0]); !status.ok()) return status;
  absl::StatusOr<std::optional<Record>> record = ParseRecord(key, *(*replies)[1]);
  if (!record.ok()) return record.status();
  read_[key] = *record;
  return record;
}

absl::StatusOr<std::optional<Record>> Txn::Get(absl::string_view kind, absl::string_view id) {
  return ReadWatched(EntityKey(partition_, kind, id));
}

absl::StatusOr<int64_t> Txn::Put(absl::string_view kind, absl::string_view id,
                                 const google::protobuf::Message& value, int64_t expected_version) {
  const std::string key = EntityKey(partition_, kind, id);
  absl::StatusOr<std::optional<Record>> current = ReadWatched(key);
  if (!current.ok()) return current.status();
  if (absl::Status status = CheckVersion(kind, id, *current, expected_version); !status.ok()) {
    return status;
  }
  Record next{.version = current->has_value() ? (*current)->version + 1 : 1,
              .data = value.SerializeAsString(),
              .update_time = now_};
  StoredRecord stored;
  stored.set_version(next.version);
  stored.set_data(next.data);
  SetTimestamp(next.update_time, stored.mutable_update_time());
  staged_.push_back({"SET", key, stored.SerializeAsString()});
  staged_.push_back({"SADD", IdsKey(partition_, kind), std::string(id)});
  const int64_t version = next.version;
  read_[key] = std::move(next);  // later reads in this attempt see the staged value
  return version;
}

absl::Status Txn::Delete(absl::string_view kind, absl::string_view id, int64_t expected_version) {
  if (expected_version == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("delete of ", kind, " ", id, " cannot expect version 0 (absent)"));
  }
  const std::string key = EntityKey(partition_, kind, id);
  absl::StatusOr<std::optional<Record>> current = ReadWatched(key);
  if (!current.ok()) return current.status();
  if (!current->has_value()) {
    return absl::NotFoundError(absl::StrCat(kind, " ", id, " not found"));
  }
  if (absl::Status status = CheckVersion(kind, id, *current, expected_version); !status.ok()) {
    return status;
  }
  staged_.push_back({"DEL", key});
  staged_.push_back({"SREM", IdsKey(partition_, kind), std::string(id)});
  read_[key] = std::nullopt;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> Txn::ListIds(absl::string_view kind) {
  const std::string key = IdsKey(partition_, kind);
  absl::StatusOr<std::vector<Reply>> replies =
      lease_->Pipeline({{"WATCH", key}, {"SMEMBERS", key}});
  if (!replies.ok()) return replies.status();
  if (absl::Status status = ReplyError(*(*replies)[0]); !status.ok()) return status;
  const redisReply& members = *(*replies)[1];
  if (members.type != REDIS_REPLY_ARRAY) return UnexpectedReply("SMEMBERS", members);
  std::vector<std::string> ids;
  for (size_t i = 0; i < members.elements; ++i) ids.emplace_back(ReplyText(*members.element[i]));
  std::sort(ids.begin(), ids.end());
  return ids;
}

absl::StatusOr<std::optional<std::string>> Txn::GetIndex(absl::string_view suffix) {
  const std::string key = PartitionPrefix(partition_) + std::string(suffix);
  if (auto it = index_.find(key); it != index_.end()) return it->second;
  absl::StatusOr<std::vector<Reply>> replies = lease_->Pipeline({{"WATCH", key}, {"GET", key}});
  if (!replies.ok()) return replies.status();
  if (absl::Status status = ReplyError(*(*replies)[0]); !status.ok()) return status;
  const redisReply& reply = *(*replies)[1];
  std::optional<std::string> value;
  if (reply.type == REDIS_REPLY_STRING) {
    value = std::string(ReplyText(reply));
  } else if (reply.type != REDIS_REPLY_NIL) {
    return UnexpectedReply(absl::StrCat("GET ", key), reply);
  }
  index_[key] = value;
  return value;
}

void Txn::SetIndex(absl::string_view suffix, absl::string_view value) {
  const std::string key = PartitionPrefix(partition_) + std::string(suffix);
  staged_.push_back({"SET", key, std::string(value)});
  index_[key] = std::string(value);
}

void Txn::DeleteIndex(absl::string_view suffix) {
  const std::string key = PartitionPrefix(partition_) + std::string(suffix);
  staged_.push_back({"DEL", key});
  index_[key] = std::nullopt;
}

void Txn::AddEvent(callmatch::v1::AuditEvent event) { events_.push_back(std::move(event)); }

// ---- Store ----

Store::Store(StoreOptions options) : options_(std::move(options)), pool_(options_.redis) {
  if (!options_.clock) options_.clock = absl::Now;
  if (options_.max_attempts < 1) options_.max_attempts = 1;
}

absl::StatusOr<CommitResult> Store::Write(int partition, const WriteContext& context, Body body) {
  if (absl::Status status = CheckPartition(partition); !status.ok()) return status;
  const std::string request_key =
      context.request_id.empty() ? std::string() : RequestKey(partition, context);
  const std::string digest = RequestDigest(context);
  const std::string ttl_seconds =
      absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(options_.request_id_ttl)));

  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    absl::StatusOr<Lease> lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();

    // A request_id seen before: replay its outcome (watched, so a concurrent first run of the
    // same id makes this attempt retry and then replay).
    if (!request_key.empty()) {
      absl::StatusOr<std::vector<Reply>> replies =
          lease->Pipeline({{"WATCH", request_key}, {"GET", request_key}});
      if (!replies.ok()) return replies.status();
      const redisReply& stored = *(*replies)[1];
      if (absl::Status status = ReplyError(*(*replies)[0]); !status.ok()) return status;
      if (stored.type != REDIS_REPLY_NIL) {
        Unwatch(*lease);
        StoredOutcome outcome;
        if (stored.type != REDIS_REPLY_STRING) return UnexpectedReply("GET", stored);
        if (!outcome.ParseFromArray(stored.str, static_cast<int>(stored.len))) {
          return absl::InternalError(absl::StrCat("corrupt request record at ", request_key));
        }
        if (outcome.request_digest() != digest) {
          return absl::AlreadyExistsError(absl::StrCat("request_id \"", context.request_id,
                                                       "\" was used for a different request"));
        }
        absl::StatusOr<std::string> tail = StreamTail(*lease, partition);
        if (!tail.ok()) return tail.status();
        return CommitResult{.response = outcome.response(),
                            .token = {.partition = partition, .stream_id = *std::move(tail)},
                            .replayed = true};
      }
    }

    Txn txn(&*lease, partition, options_.clock());
    absl::StatusOr<std::string> response = body(txn);
    if (!response.ok()) {
      Unwatch(*lease);
      return response.status();
    }
    if (!txn.staged_.empty() && txn.events_.empty()) {
      Unwatch(*lease);
      return absl::InternalError(
          absl::StrCat("a write on partition ", partition, " staged changes but no event"));
    }

    std::vector<std::vector<std::string>> commands;
    commands.push_back({"MULTI"});
    for (std::vector<std::string>& command : txn.staged_) commands.push_back(std::move(command));
    if (!request_key.empty()) {
      StoredOutcome outcome;
      outcome.set_request_digest(digest);
      outcome.set_response(*response);
      commands.push_back({"SET", request_key, outcome.SerializeAsString(), "EX", ttl_seconds});
    }
    for (callmatch::v1::AuditEvent& event : txn.events_) {
      FillEvent(partition, txn.now_, context, event);
      commands.push_back(XaddCommand(partition, event));
    }
    // Without an event of its own, the token is the stream's position at commit.
    if (txn.events_.empty()) commands.push_back(TailCommand(partition));
    commands.push_back({"EXEC"});

    absl::StatusOr<std::vector<Reply>> replies = lease->Pipeline(commands);
    if (!replies.ok()) return replies.status();
    const redisReply& exec = *replies->back();
    if (exec.type == REDIS_REPLY_NIL) continue;  // a watched key changed: run body again
    for (size_t i = 0; i + 1 < replies->size(); ++i) {
      if (absl::Status status = ReplyError(*(*replies)[i]); !status.ok()) {
        return UnexpectedReply(commands[i][0], *(*replies)[i]);  // the EXEC was refused
      }
    }
    if (exec.type != REDIS_REPLY_ARRAY || exec.elements != commands.size() - 2) {
      return UnexpectedReply("EXEC", exec);
    }
    for (size_t i = 0; i < exec.elements; ++i) {
      if (exec.element[i]->type == REDIS_REPLY_ERROR) {
        return UnexpectedReply(commands[i + 1][0], *exec.element[i]);
      }
    }
    const redisReply& last = *exec.element[exec.elements - 1];
    std::string stream_id;
    if (txn.events_.empty()) {
      absl::StatusOr<std::string> tail = TailFromReply(last);
      if (!tail.ok()) return tail.status();
      stream_id = *std::move(tail);
    } else {
      if (last.type != REDIS_REPLY_STRING) return UnexpectedReply("XADD", last);
      stream_id = std::string(ReplyText(last));
    }
    return CommitResult{.response = *std::move(response),
                        .token = {.partition = partition, .stream_id = std::move(stream_id)},
                        .replayed = false};
  }
  return absl::AbortedError(absl::StrCat("too much contention on partition ", partition, ": ",
                                         options_.max_attempts, " attempts"));
}

absl::StatusOr<std::optional<Record>> Store::Get(int partition, absl::string_view kind,
                                                 absl::string_view id) {
  if (absl::Status status = CheckPartition(partition); !status.ok()) return status;
  const std::string key = EntityKey(partition, kind, id);
  absl::StatusOr<Reply> reply = pool_.Command({"GET", key});
  if (!reply.ok()) return reply.status();
  return ParseRecord(key, **reply);
}

absl::StatusOr<std::optional<std::string>> Store::GetIndex(int partition,
                                                           absl::string_view suffix) {
  if (absl::Status status = CheckPartition(partition); !status.ok()) return status;
  const std::string key = PartitionPrefix(partition) + std::string(suffix);
  absl::StatusOr<Reply> reply = pool_.Command({"GET", key});
  if (!reply.ok()) return reply.status();
  if ((*reply)->type == REDIS_REPLY_NIL) return std::nullopt;
  if ((*reply)->type != REDIS_REPLY_STRING) return UnexpectedReply("GET", **reply);
  return std::string(ReplyText(**reply));
}

namespace {

absl::StatusOr<std::vector<std::string>> Members(Lease& lease, const std::string& key) {
  absl::StatusOr<Reply> reply = lease.Command({"SMEMBERS", key});
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_ARRAY) return UnexpectedReply("SMEMBERS", **reply);
  std::vector<std::string> ids;
  ids.reserve((*reply)->elements);
  for (size_t i = 0; i < (*reply)->elements; ++i) {
    const redisReply& member = *(*reply)->element[i];
    if (member.type != REDIS_REPLY_STRING) return UnexpectedReply("SMEMBERS", member);
    ids.emplace_back(ReplyText(member));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> Store::ListIds(int partition, absl::string_view kind) {
  if (absl::Status status = CheckPartition(partition); !status.ok()) return status;
  absl::StatusOr<Lease> lease = pool_.Acquire();
  if (!lease.ok()) return lease.status();
  return Members(*lease, IdsKey(partition, kind));
}

absl::Status Store::LoadAll(
    absl::string_view kind,
    const std::function<void(int partition, const std::string& id, const Record& record)>& fn) {
  absl::StatusOr<Lease> lease = pool_.Acquire();
  if (!lease.ok()) return lease.status();
  for (int partition = 0; partition < kPartitionCount; ++partition) {
    absl::StatusOr<std::vector<std::string>> ids = Members(*lease, IdsKey(partition, kind));
    if (!ids.ok()) return ids.status();
    for (size_t start = 0; start < ids->size(); start += kLoadChunk) {
      const size_t end = std::min(ids->size(), start + kLoadChunk);
      std::vector<std::string> command = {"MGET"};
      for (size_t i = start; i < end; ++i) {
        command.push_back(EntityKey(partition, kind, (*ids)[i]));
      }
      absl::StatusOr<Reply> reply = lease->Command(command);
      if (!reply.ok()) return reply.status();
      if ((*reply)->type != REDIS_REPLY_ARRAY || (*reply)->elements != end - start) {
        return UnexpectedReply("MGET", **reply);
      }
      for (size_t i = start; i < end; ++i) {
        absl::StatusOr<std::optional<Record>> record =
            ParseRecord(command[i - start + 1], *(*reply)->element[i - start]);
        if (!record.ok()) return record.status();
        if (!record->has_value()) continue;  // deleted between SMEMBERS and MGET
        fn(partition, (*ids)[i], **record);
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> Store::StreamTails() {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(kPartitionCount);
  for (int partition = 0; partition < kPartitionCount; ++partition) {
    commands.push_back(TailCommand(partition));
  }
  absl::StatusOr<Lease> lease = pool_.Acquire();
  if (!lease.ok()) return lease.status();
  absl::StatusOr<std::vector<Reply>> replies = lease->Pipeline(commands);
  if (!replies.ok()) return replies.status();
  std::vector<std::string> tails;
  tails.reserve(kPartitionCount);
  for (const Reply& reply : *replies) {
    absl::StatusOr<std::string> tail = TailFromReply(*reply);
    if (!tail.ok()) return tail.status();
    tails.push_back(*std::move(tail));
  }
  return tails;
}

absl::StatusOr<ConsistencyToken> Store::AppendEvent(int partition, const WriteContext& context,
                                                    callmatch::v1::AuditEvent event) {
  if (absl::Status status = CheckPartition(partition); !status.ok()) return status;
  FillEvent(partition, options_.clock(), context, event);
  absl::StatusOr<Reply> reply = pool_.Command(XaddCommand(partition, event));
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_STRING) return UnexpectedReply("XADD", **reply);
  return ConsistencyToken{.partition = partition, .stream_id = std::string(ReplyText(**reply))};
}

}  // namespace callmatch::store

// The Redis store every service uses (docs/store.md).
//
// Values are serialized protobuf messages inside a StoredRecord envelope that carries the
// entity's version. A write is one MULTI/EXEC on one partition holding the entity, its secondary
// keys, the request_id record and the change event on the partition's stream: a transactional
// outbox, so a reader of the streams sees every committed write exactly once and nothing else.
//
// Example:
//   auto result = store.Write(PartitionOf(company_id), context, [&](Txn& txn) -> StatusOr<string> {
//     auto current = txn.Get("company", company_id);
//     if (!current.ok()) return current.status();
//     auto version = txn.Put("company", company_id, company, request.version());
//     if (!version.ok()) return version.status();
//     txn.AddEvent(event);
//     return company.SerializeAsString();
//   });
//
// Thread safety: Store is safe for concurrent use; a Txn belongs to the call that runs it.
#ifndef CALLMATCH_SERVICES_STORE_STORE_H_
#define CALLMATCH_SERVICES_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "callmatch/v1/audit.pb.h"
#include "google/protobuf/message.h"
#include "services/store/record.pb.h"
#include "services/store/redis.h"

namespace callmatch::store {

// Where a write landed: its partition and the id of its change event on that partition's stream.
// Sent to clients in the "x-consistency-token" metadata key as "<partition>/<stream id>".
struct ConsistencyToken {
  int partition = 0;
  std::string stream_id;  // "<ms>-<seq>"

  std::string ToString() const;
  static absl::StatusOr<ConsistencyToken> Parse(absl::string_view text);
  // Parses a comma-separated list of tokens.
  static absl::StatusOr<std::vector<ConsistencyToken>> ParseList(absl::string_view text);
};

// Orders stream ids "<ms>-<seq>" numerically: <0, 0 or >0. Malformed ids order as "0-0".
int CompareStreamIds(absl::string_view a, absl::string_view b);

// An entity as stored.
struct Record {
  int64_t version = 0;
  std::string data;  // the serialized resource
  absl::Time update_time;
};

// Who writes, and the request_id that makes the write idempotent.
struct WriteContext {
  callmatch::v1::Principal actor;
  // The full RPC method, e.g. "/callmatch.v1.CampaignService/CreateCampaign".
  std::string method;
  // Unique per principal; empty only for the platform's own writes (no idempotency record).
  std::string request_id;
  // The serialized request: a retry must send the same bytes, or gets ALREADY_EXISTS.
  std::string request_bytes;
};

struct CommitResult {
  // What the body returned on the first run of this request_id.
  std::string response;
  // The write's change event, or for a replayed request a position at or after it.
  ConsistencyToken token;
  // True when the request_id had already been committed and nothing was written now.
  bool replayed = false;
};

// One attempt at a transaction on one partition. Reads WATCH their keys, so a concurrent change
// of anything read makes the attempt retry; writes are staged and sent in one MULTI/EXEC.
class Txn {
 public:
  int partition() const { return partition_; }

  // The entity, or nullopt if absent. Watched. After a Put or Delete of it in this attempt,
  // returns the staged value (reads see this transaction's own writes; so does GetIndex).
  absl::StatusOr<std::optional<Record>> Get(absl::string_view kind, absl::string_view id);

  // Stages the entity's new value and returns its new version (stored version + 1, 1 if new).
  // expected_version: -1 writes whatever is stored; 0 requires that nothing is stored
  // (ALREADY_EXISTS otherwise); n > 0 requires version n (ABORTED otherwise; NOT_FOUND if absent).
  absl::StatusOr<int64_t> Put(absl::string_view kind, absl::string_view id,
                              const google::protobuf::Message& value, int64_t expected_version);

  // Stages the entity's removal. Same expected_version rules as Put (0 is not allowed).
  absl::Status Delete(absl::string_view kind, absl::string_view id, int64_t expected_version);

  // The ids of every entity of `kind` in this partition, sorted. Watched: an entity of that kind
  // created or removed concurrently makes the attempt retry.
  absl::StatusOr<std::vector<std::string>> ListIds(absl::string_view kind);

  // A secondary key of this partition, "cm:{pNN}:<suffix>", holding a string. Watched.
  absl::StatusOr<std::optional<std::string>> GetIndex(absl::string_view suffix);
  void SetIndex(absl::string_view suffix, absl::string_view value);
  void DeleteIndex(absl::string_view suffix);

  // Stages a change event. The store fills id, partition, time, actor, method and request_id.
  // A transaction that writes anything must add at least one event (INTERNAL otherwise).
  void AddEvent(callmatch::v1::AuditEvent event);

 private:
  friend class Store;
  Txn(Lease* lease, int partition, absl::Time now);
  absl::StatusOr<std::optional<Record>> ReadWatched(const std::string& key);

  Lease* lease_;
  int partition_;
  absl::Time now_;
  absl::flat_hash_map<std::string, std::optional<Record>> read_;  // by full key
  // Secondary keys read (watched) or staged in this attempt, by full key.
  absl::flat_hash_map<std::string, std::optional<std::string>> index_;
  std::vector<std::vector<std::string>> staged_;  // commands for MULTI
  std::vector<callmatch::v1::AuditEvent> events_;
};

struct StoreOptions {
  RedisOptions redis;
  // How long a request_id record is kept: a retry after that runs again.
  absl::Duration request_id_ttl = absl::Hours(24 * 7);
  // Attempts of a transaction whose watched keys changed before ABORTED is returned.
  int max_attempts = 16;
  // The clock, replaceable in tests.
  std::function<absl::Time()> clock = absl::Now;
};

class Store {
 public:
  explicit Store(StoreOptions options);

  // Runs `body` in a transaction on `partition` and commits what it staged, with the request_id
  // record and the change events, in one MULTI/EXEC. If the request_id was committed before,
  // returns the first outcome without running body (or ALREADY_EXISTS if the request differs).
  // If body returns an error, nothing is written and that error is returned.
  using Body = absl::FunctionRef<absl::StatusOr<std::string>(Txn&)>;
  absl::StatusOr<CommitResult> Write(int partition, const WriteContext& context, Body body);

  // Reads one entity outside any transaction.
  absl::StatusOr<std::optional<Record>> Get(int partition, absl::string_view kind,
                                            absl::string_view id);
  // Reads one secondary key outside any transaction.
  absl::StatusOr<std::optional<std::string>> GetIndex(int partition, absl::string_view suffix);

  // Ids of every entity of `kind` in `partition`, sorted.
  absl::StatusOr<std::vector<std::string>> ListIds(int partition, absl::string_view kind);

  // Calls fn for every entity of `kind` in every partition, in batches (no SCAN: each partition
  // keeps the set of its ids per kind, updated in the same transaction as the entity).
  absl::Status LoadAll(
      absl::string_view kind,
      const std::function<void(int partition, const std::string& id, const Record& record)>& fn);

  // The id of the last event on each partition's stream ("0-0" when empty).
  absl::StatusOr<std::vector<std::string>> StreamTails();

  // Appends events outside an entity write (e.g. an operator's read of declarations).
  absl::StatusOr<ConsistencyToken> AppendEvent(int partition, const WriteContext& context,
                                               callmatch::v1::AuditEvent event);

  RedisPool& pool() { return pool_; }
  const StoreOptions& options() const { return options_; }

 private:
  StoreOptions options_;
  RedisPool pool_;
};

// Sets a protobuf Timestamp to `time`.
void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out);

// Redis key of an entity: "cm:{pNN}:<kind>:<id>".
std::string EntityKey(int partition, absl::string_view kind, absl::string_view id);

}  // namespace callmatch::store

#endif  // CALLMATCH_SERVICES_STORE_STORE_H_

#include "services/store/store.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "callmatch/v1/common.pb.h"
#include "gtest/gtest.h"
#include "services/store/partition.h"
#include "tests/support/redis_server.h"

namespace callmatch::store {
namespace {

using ::callmatch::test_support::RedisServer;
using ::callmatch::v1::AuditEvent;
using ::callmatch::v1::Money;

constexpr absl::Duration kTimeout = absl::Milliseconds(300);
constexpr absl::Duration kMargin = absl::Seconds(1);
constexpr char kKind[] = "money";

Money Amount(int64_t minor_units) {
  Money money;
  money.set_currency_code("EUR");
  money.set_minor_units(minor_units);
  return money;
}

AuditEvent Event(absl::string_view id, int64_t version) {
  AuditEvent event;
  event.set_action(callmatch::v1::AUDIT_ACTION_UPDATE);
  event.set_resource(absl::StrCat("money/", std::string(id)));
  event.set_version(version);
  return event;
}

WriteContext Context(std::string request_id, std::string request_bytes = "request") {
  WriteContext context;
  context.actor.set_kind(callmatch::v1::Principal::KIND_CLIENT);
  context.actor.set_id("c1");
  context.method = "/callmatch.v1.Test/Put";
  context.request_id = std::move(request_id);
  context.request_bytes = std::move(request_bytes);
  return context;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    store_ = std::make_unique<Store>(Options());
  }

  StoreOptions Options() const {
    StoreOptions options;
    options.redis.port = redis_.port();
    options.redis.connect_timeout = kTimeout;
    options.redis.command_timeout = kTimeout;
    options.clock = [] { return absl::FromUnixMillis(1'700'000'000'123); };
    return options;
  }

  // Puts `amount` at `id` (partition of `id`) expecting `expected_version`.
  absl::StatusOr<CommitResult> Put(absl::string_view id, int64_t amount, int64_t expected_version,
                                   std::string request_id = "") {
    return store_->Write(PartitionOf(id), Context(std::move(request_id), absl::StrCat(amount)),
                         [&](Txn& txn) -> absl::StatusOr<std::string> {
                           absl::StatusOr<int64_t> version =
                               txn.Put(kKind, id, Amount(amount), expected_version);
                           if (!version.ok()) return version.status();
                           txn.AddEvent(Event(id, *version));
                           return absl::StrCat("v", *version);
                         });
  }

  int64_t StoredVersion(absl::string_view id) {
    absl::StatusOr<std::optional<Record>> record = store_->Get(PartitionOf(id), kKind, id);
    EXPECT_TRUE(record.ok()) << record.status();
    return record.ok() && record->has_value() ? (*record)->version : 0;
  }

  int64_t StoredAmount(absl::string_view id) {
    absl::StatusOr<std::optional<Record>> record = store_->Get(PartitionOf(id), kKind, id);
    Money money;
    if (!record.ok() || !record->has_value() || !money.ParseFromString((*record)->data)) return -1;
    return money.minor_units();
  }

  int64_t StreamLength(int partition) {
    absl::StatusOr<Reply> reply = store_->pool().Command({"XLEN", ChangeStreamKey(partition)});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? (*reply)->integer : -1;
  }

  RedisServer redis_;
  std::unique_ptr<Store> store_;
};

TEST(ConsistencyTokenTest, RoundTripsAndLists) {
  ConsistencyToken token{.partition = 7, .stream_id = "1700000000000-3"};
  EXPECT_EQ(token.ToString(), "7/1700000000000-3");
  absl::StatusOr<ConsistencyToken> parsed = ConsistencyToken::Parse("7/1700000000000-3");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->partition, 7);
  EXPECT_EQ(parsed->stream_id, "1700000000000-3");

  absl::StatusOr<std::vector<ConsistencyToken>> list =
      ConsistencyToken::ParseList("0/1-0, 63/2-5,");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].partition, 63);
  EXPECT_EQ((*list)[1].stream_id, "2-5");
  EXPECT_TRUE(ConsistencyToken::ParseList("").value().empty());
}

TEST(ConsistencyTokenTest, RejectsMalformedText) {
  for (const char* text :
       {"", "7", "7/", "/1-0", "64/1-0", "-1/1-0", "7/1", "7/1-", "7/-1", "7/a-0", "x/1-0",
        "7/1-0-0", " 7/1-0", "7/1-0x", "7/99999999999999999999999-0"}) {
    EXPECT_EQ(ConsistencyToken::Parse(text).status().code(), absl::StatusCode::kInvalidArgument)
        << text;
  }
  EXPECT_EQ(ConsistencyToken::ParseList("1/1-0,bad").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CompareStreamIdsTest, OrdersNumerically) {
  EXPECT_LT(CompareStreamIds("9-0", "10-0"), 0);
  EXPECT_LT(CompareStreamIds("10-2", "10-10"), 0);
  EXPECT_GT(CompareStreamIds("11-0", "10-99"), 0);
  EXPECT_EQ(CompareStreamIds("10-1", "10-1"), 0);
  EXPECT_EQ(CompareStreamIds("garbage", "0-0"), 0);
  EXPECT_LT(CompareStreamIds("garbage", "0-1"), 0);
}

TEST(EntityKeyTest, CarriesThePartition) {
  EXPECT_EQ(EntityKey(7, "campaign", "k1"), "cm:{p07}:campaign:k1");
}

TEST_F(StoreTest, CreateThenUpdateGivesVersionsOneAndTwo) {
  absl::StatusOr<CommitResult> created = Put("a1", 100, /*expected_version=*/0);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->response, "v1");
  EXPECT_FALSE(created->replayed);
  EXPECT_EQ(created->token.partition, PartitionOf("a1"));

  absl::StatusOr<CommitResult> updated = Put("a1", 200, /*expected_version=*/1);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->response, "v2");
  EXPECT_GT(CompareStreamIds(updated->token.stream_id, created->token.stream_id), 0);

  absl::StatusOr<std::optional<Record>> record = store_->Get(PartitionOf("a1"), kKind, "a1");
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ((*record)->version, 2);
  EXPECT_EQ((*record)->update_time, absl::FromUnixMillis(1'700'000'000'123));
  EXPECT_EQ(StoredAmount("a1"), 200);
  EXPECT_EQ(StreamLength(PartitionOf("a1")), 2);
}

TEST_F(StoreTest, VersionChecksRefuseAndLeaveTheValueUnchanged) {
  ASSERT_TRUE(Put("a1", 100, 0).ok());
  ASSERT_TRUE(Put("a1", 200, 1).ok());

  absl::StatusOr<CommitResult> stale = Put("a1", 300, /*expected_version=*/1);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted) << stale.status();
  absl::StatusOr<CommitResult> exists = Put("a1", 300, /*expected_version=*/0);
  EXPECT_EQ(exists.status().code(), absl::StatusCode::kAlreadyExists) << exists.status();
  absl::StatusOr<CommitResult> missing = Put("nobody", 300, /*expected_version=*/4);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound) << missing.status();

  EXPECT_EQ(StoredVersion("a1"), 2);
  EXPECT_EQ(StoredAmount("a1"), 200);
  EXPECT_EQ(StoredVersion("nobody"), 0);
  EXPECT_EQ(StreamLength(PartitionOf("a1")), 2);

  // -1 writes over whatever is stored.
  absl::StatusOr<CommitResult> blind = Put("a1", 400, /*expected_version=*/-1);
  ASSERT_TRUE(blind.ok()) << blind.status();
  EXPECT_EQ(StoredVersion("a1"), 3);
}

TEST_F(StoreTest, DeleteRemovesTheEntityAndItsId) {
  ASSERT_TRUE(Put("a1", 100, 0).ok());
  const int partition = PartitionOf("a1");
  auto remove = [&](int64_t expected_version) {
    return store_->Write(partition, Context(""), [&](Txn& txn) -> absl::StatusOr<std::string> {
      if (absl::Status status = txn.Delete(kKind, "a1", expected_version); !status.ok()) {
        return status;
      }
      txn.AddEvent(Event("a1", 0));
      return std::string();
    });
  };
  EXPECT_EQ(remove(0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(remove(7).status().code(), absl::StatusCode::kAborted);
  ASSERT_TRUE(remove(1).ok());
  EXPECT_EQ(StoredVersion("a1"), 0);
  EXPECT_TRUE(store_->ListIds(partition, kKind).value().empty());
  EXPECT_EQ(remove(-1).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, RepeatedRequestIdReplaysTheFirstOutcome) {
  absl::StatusOr<CommitResult> first = Put("a1", 100, 0, "req-1");
  ASSERT_TRUE(first.ok()) << first.status();
  const int partition = PartitionOf("a1");
  const int64_t length = StreamLength(partition);

  int runs = 0;
  absl::StatusOr<CommitResult> again =
      store_->Write(partition, Context("req-1", "100"), [&](Txn&) -> absl::StatusOr<std::string> {
        ++runs;
        return absl::InternalError("body must not run on a replay");
      });
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->response, first->response);
  EXPECT_EQ(again->token.partition, partition);
  EXPECT_GE(CompareStreamIds(again->token.stream_id, first->token.stream_id), 0);
  EXPECT_EQ(runs, 0);
  EXPECT_EQ(StreamLength(partition), length);
  EXPECT_EQ(StoredVersion("a1"), 1);

  // Same id, different request bytes: refused, nothing written.
  absl::StatusOr<CommitResult> different = Put("a1", 999, -1, "req-1");
  EXPECT_EQ(different.status().code(), absl::StatusCode::kAlreadyExists) << different.status();
  EXPECT_TRUE(absl::StrContains(different.status().message(), "different request"));
  EXPECT_EQ(StoredAmount("a1"), 100);
  EXPECT_EQ(StreamLength(partition), length);

  // The record is per principal: another actor's same request_id is a new request.
  WriteContext other = Context("req-1", "100");
  other.actor.set_id("c2");
  absl::StatusOr<CommitResult> fresh =
      store_->Write(partition, other, [&](Txn& txn) -> absl::StatusOr<std::string> {
        absl::StatusOr<int64_t> version = txn.Put(kKind, "a1", Amount(5), -1);
        if (!version.ok()) return version.status();
        txn.AddEvent(Event("a1", *version));
        return std::string("other");
      });
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_FALSE(fresh->replayed);
  EXPECT_EQ(StoredVersion("a1"), 2);
}

TEST_F(StoreTest, FailedBodyWritesNothing) {
  const int partition = PartitionOf("a1");
  absl::StatusOr<CommitResult> failed =
      store_->Write(partition, Context("req-f"), [&](Txn& txn) -> absl::StatusOr<std::string> {
        absl::StatusOr<int64_t> version = txn.Put(kKind, "a1", Amount(1), 0);
        if (!version.ok()) return version.status();
        txn.SetIndex("name:x", "a1");
        txn.AddEvent(Event("a1", *version));
        return absl::FailedPreconditionError("changed my mind");
      });
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(StoredVersion("a1"), 0);
  EXPECT_EQ(StreamLength(partition), 0);
  EXPECT_FALSE(store_->GetIndex(partition, "name:x").value().has_value());
  // The request_id was not recorded: a retry runs.
  EXPECT_TRUE(Put("a1", 1, 0, "req-f").ok());
}

TEST_F(StoreTest, WriteWithoutEventIsInternal) {
  absl::StatusOr<CommitResult> result =
      store_->Write(PartitionOf("a1"), Context(""), [&](Txn& txn) -> absl::StatusOr<std::string> {
        absl::StatusOr<int64_t> version = txn.Put(kKind, "a1", Amount(1), 0);
        if (!version.ok()) return version.status();
        return std::string();
      });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(StoredVersion("a1"), 0);
}

TEST_F(StoreTest, WriteWithoutChangesGetsTheStreamPosition) {
  absl::StatusOr<CommitResult> put = Put("a1", 1, 0);
  ASSERT_TRUE(put.ok());
  absl::StatusOr<CommitResult> noop = store_->Write(
      PartitionOf("a1"), Context("req-n"), [&](Txn& txn) -> absl::StatusOr<std::string> {
        absl::StatusOr<std::optional<Record>> current = txn.Get(kKind, "a1");
        if (!current.ok()) return current.status();
        return absl::StrCat("seen v", (*current)->version);
      });
  ASSERT_TRUE(noop.ok()) << noop.status();
  EXPECT_EQ(noop->response, "seen v1");
  EXPECT_EQ(noop->token.stream_id, put->token.stream_id);
}

TEST_F(StoreTest, ConcurrentChangeOfAReadKeyRetriesTheBody) {
  ASSERT_TRUE(Put("a1", 1, 0).ok());
  const int partition = PartitionOf("a1");

  // Another client bumps the entity between this body's read and its EXEC, once.
  int runs = 0;
  absl::StatusOr<CommitResult> result =
      store_->Write(partition, Context(""), [&](Txn& txn) -> absl::StatusOr<std::string> {
        ++runs;
        absl::StatusOr<std::optional<Record>> current = txn.Get(kKind, "a1");
        if (!current.ok()) return current.status();
        if (runs == 1) {
          EXPECT_TRUE(Store(store_->options())
                          .Write(partition, Context(""),
                                 [&](Txn& t) {
                                   absl::StatusOr<int64_t> v = t.Put(kKind, "a1", Amount(2), -1);
                                   t.AddEvent(Event("a1", v.value()));
                                   return absl::StatusOr<std::string>("");
                                 })
                          .ok());
        }
        absl::StatusOr<int64_t> version = txn.Put(kKind, "a1", Amount(3), (*current)->version);
        if (!version.ok()) return version.status();
        txn.AddEvent(Event("a1", *version));
        return absl::StrCat(*version);
      });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(result->response, "3");
  EXPECT_EQ(StoredAmount("a1"), 3);

  // A stale expected version seen on the retry is returned, not retried.
  runs = 0;
  absl::StatusOr<CommitResult> stale =
      store_->Write(partition, Context(""), [&](Txn& txn) -> absl::StatusOr<std::string> {
        ++runs;
        if (runs == 1) {
          EXPECT_TRUE(Put("a1", 9, -1).ok());
        }
        absl::StatusOr<int64_t> version = txn.Put(kKind, "a1", Amount(4), 3);
        if (!version.ok()) return version.status();
        txn.AddEvent(Event("a1", *version));
        return std::string();
      });
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted) << stale.status();
  EXPECT_EQ(runs, 1);  // the external Put happened before the read: the check itself failed
}

TEST_F(StoreTest, EndlessContentionIsAborted) {
  ASSERT_TRUE(Put("a1", 1, 0).ok());
  StoreOptions options = Options();
  options.max_attempts = 3;
  Store store(options);
  Store other(options);
  int runs = 0;
  absl::StatusOr<CommitResult> result =
      store.Write(PartitionOf("a1"), Context(""), [&](Txn& txn) -> absl::StatusOr<std::string> {
        ++runs;
        absl::StatusOr<std::optional<Record>> current = txn.Get(kKind, "a1");
        if (!current.ok()) return current.status();
        // Every attempt loses the race.
        EXPECT_TRUE(other
                        .Write(PartitionOf("a1"), Context(""),
                               [&](Txn& t) {
                                 absl::StatusOr<int64_t> v = t.Put(kKind, "a1", Amount(runs), -1);
                                 t.AddEvent(Event("a1", v.value()));
                                 return absl::StatusOr<std::string>("");
                               })
                        .ok());
        absl::StatusOr<int64_t> version = txn.Put(kKind, "a1", Amount(0), -1);
        if (!version.ok()) return version.status();
        txn.AddEvent(Event("a1", *version));
        return std::string();
      });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAborted) << result.status();
  EXPECT_TRUE(absl::StrContains(result.status().message(), "too much contention"));
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(StoredVersion("a1"), 4);  // 1 + the three concurrent writes
}

TEST_F(StoreTest, EventsCarryWhoWhatWhen) {
  absl::StatusOr<CommitResult> put = Put("a1", 1, 0, "req-e");
  ASSERT_TRUE(put.ok()) << put.status();
  absl::StatusOr<Reply> range =
      store_->pool().Command({"XRANGE", ChangeStreamKey(put->token.partition), "-", "+"});
  ASSERT_TRUE(range.ok()) << range.status();
  ASSERT_EQ((*range)->elements, 1u);
  const redisReply* entry = (*range)->element[0];
  EXPECT_EQ(std::string(entry->element[0]->str), put->token.stream_id);
  const redisReply* fields = entry->element[1];
  ASSERT_EQ(fields->elements, 2u);
  EXPECT_EQ(std::string(fields->element[0]->str), "e");
  AuditEvent event;
  ASSERT_TRUE(event.ParseFromArray(fields->element[1]->str, fields->element[1]->len));
  EXPECT_EQ(event.partition(), PartitionOf("a1"));
  EXPECT_EQ(event.actor().id(), "c1");
  EXPECT_EQ(event.actor().kind(), callmatch::v1::Principal::KIND_CLIENT);
  EXPECT_EQ(event.method(), "/callmatch.v1.Test/Put");
  EXPECT_EQ(event.request_id(), "req-e");
  EXPECT_EQ(event.resource(), "money/a1");
  EXPECT_EQ(event.version(), 1);
  EXPECT_EQ(event.time().seconds(), 1'700'000'000);
  EXPECT_EQ(event.time().nanos(), 123'000'000);
}

TEST_F(StoreTest, IndexesAreWrittenWithTheEntity) {
  const int partition = PartitionOf("a1");
  auto write = [&](absl::string_view name) {
    return store_->Write(partition, Context(""), [&](Txn& txn) -> absl::StatusOr<std::string> {
      absl::StatusOr<std::optional<std::string>> taken =
          txn.GetIndex(absl::StrCat("name:", std::string(name)));
      if (!taken.ok()) return taken.status();
      if (taken->has_value()) return absl::AlreadyExistsError("name taken");
      if (!txn.Put(kKind, "a1", Amount(1), -1).ok()) return absl::InternalError("put");
      txn.SetIndex(absl::StrCat("name:", std::string(name)), "a1");
      // Read-your-writes inside the transaction.
      EXPECT_EQ(txn.GetIndex(absl::StrCat("name:", std::string(name))).value(), "a1");
      txn.AddEvent(Event("a1", 0));
      return std::string();
    });
  };
  ASSERT_TRUE(write("alpha").ok());
  EXPECT_EQ(store_->GetIndex(partition, "name:alpha").value(), "a1");
  EXPECT_EQ(write("alpha").status().code(), absl::StatusCode::kAlreadyExists);

  ASSERT_TRUE(store_
                  ->Write(partition, Context(""),
                          [&](Txn& txn) -> absl::StatusOr<std::string> {
                            txn.DeleteIndex("name:alpha");
                            txn.AddEvent(Event("a1", 0));
                            return std::string();
                          })
                  .ok());
  EXPECT_FALSE(store_->GetIndex(partition, "name:alpha").value().has_value());
}

TEST_F(StoreTest, LoadAllAndListIdsSeeEveryEntityAcrossPartitions) {
  std::map<std::string, int64_t> written;
  std::set<int> partitions;
  for (int i = 0; i < 300; ++i) {
    const std::string id = absl::StrCat("owner-", i);
    ASSERT_TRUE(Put(id, i, 0).ok());
    written[id] = i;
    partitions.insert(PartitionOf(id));
  }
  ASSERT_TRUE(Put("owner-7", 7000, 1).ok());
  written["owner-7"] = 7000;
  EXPECT_GT(partitions.size(), 32u);

  std::map<std::string, int64_t> loaded;
  absl::Status status =
      store_->LoadAll(kKind, [&](int partition, const std::string& id, const Record& record) {
        EXPECT_EQ(partition, PartitionOf(id));
        EXPECT_EQ(record.version, id == "owner-7" ? 2 : 1);
        Money money;
        EXPECT_TRUE(money.ParseFromString(record.data));
        EXPECT_TRUE(loaded.emplace(id, money.minor_units()).second) << "twice: " << id;
      });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(loaded, written);

  const int partition = PartitionOf("owner-1");
  absl::StatusOr<std::vector<std::string>> ids = store_->ListIds(partition, kKind);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_TRUE(std::is_sorted(ids->begin(), ids->end()));
  EXPECT_NE(std::find(ids->begin(), ids->end(), "owner-1"), ids->end());
  for (const std::string& id : *ids) EXPECT_EQ(PartitionOf(id), partition);
  EXPECT_TRUE(store_->ListIds(partition, "other-kind").value().empty());
}

TEST_F(StoreTest, StreamTailsAndAppendEvent) {
  absl::StatusOr<std::vector<std::string>> empty = store_->StreamTails();
  ASSERT_TRUE(empty.ok()) << empty.status();
  ASSERT_EQ(empty->size(), static_cast<size_t>(kPartitionCount));
  for (const std::string& tail : *empty) EXPECT_EQ(tail, "0-0");

  absl::StatusOr<CommitResult> put = Put("a1", 1, 0);
  ASSERT_TRUE(put.ok());
  AuditEvent read;
  read.set_action(callmatch::v1::AUDIT_ACTION_READ);
  absl::StatusOr<ConsistencyToken> appended = store_->AppendEvent(5, Context("r"), read);
  ASSERT_TRUE(appended.ok()) << appended.status();
  EXPECT_EQ(appended->partition, 5);

  absl::StatusOr<std::vector<std::string>> tails = store_->StreamTails();
  ASSERT_TRUE(tails.ok()) << tails.status();
  EXPECT_EQ((*tails)[put->token.partition], put->token.stream_id);
  EXPECT_EQ((*tails)[5], appended->stream_id);
}

TEST_F(StoreTest, BadPartitionIsInvalidArgument) {
  EXPECT_EQ(store_->Get(64, kKind, "x").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Write(-1, Context(""), [](Txn&) { return absl::StatusOr<std::string>(""); })
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, RedisDownIsUnavailableWithinTheTimeoutThenRecovers) {
  ASSERT_TRUE(Put("a1", 1, 0).ok());  // leaves an idle connection that will go stale
  ASSERT_TRUE(redis_.Stop().ok());

  const absl::Time start = absl::Now();
  absl::StatusOr<CommitResult> write = Put("a1", 2, 1, "req-down");
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(write.status().code(), absl::StatusCode::kUnavailable) << write.status();
  EXPECT_TRUE(absl::StartsWith(write.status().message(),
                               absl::StrCat("redis 127.0.0.1:", redis_.port(), ": ")))
      << write.status();
  EXPECT_LT(elapsed, kTimeout + kTimeout + kMargin);

  const absl::Time start_get = absl::Now();
  EXPECT_EQ(store_->Get(0, kKind, "a1").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start_get, kTimeout + kTimeout + kMargin);

  ASSERT_TRUE(redis_.Start().ok());  // same port, empty data
  absl::StatusOr<CommitResult> first = Put("a1", 3, 0, "req-up");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(StoredVersion("a1"), 1);
}

TEST_F(StoreTest, HungRedisIsUnavailableWithinTheTimeout) {
  ASSERT_TRUE(Put("a1", 1, 0).ok());
  ASSERT_TRUE(redis_.Pause().ok());
  const absl::Time start = absl::Now();
  absl::StatusOr<CommitResult> write = Put("a1", 2, 1);
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(write.status().code(), absl::StatusCode::kUnavailable) << write.status();
  EXPECT_LT(elapsed, kTimeout + kTimeout + kMargin);
  ASSERT_TRUE(redis_.Resume().ok());
  EXPECT_TRUE(Put("a1", 3, -1).ok());
}

}  // namespace
}  // namespace callmatch::store

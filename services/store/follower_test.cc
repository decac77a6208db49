#include "services/store/follower.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "callmatch/v1/common.pb.h"
#include "gtest/gtest.h"
#include "services/store/partition.h"
#include "services/store/store.h"
#include "tests/support/redis_server.h"

namespace callmatch::store {
namespace {

using ::callmatch::test_support::RedisServer;
using ::callmatch::v1::AuditEvent;

constexpr char kKind[] = "money";
constexpr absl::Duration kWait = absl::Seconds(30);  // generous: never reached when it works

WriteContext Context(std::string request_id) {
  WriteContext context;
  context.actor.set_kind(callmatch::v1::Principal::KIND_TELEOPERATOR);
  context.actor.set_id("t1");
  context.method = "/callmatch.v1.Test/Write";
  context.request_id = std::move(request_id);
  context.request_bytes = "bytes";
  return context;
}

// Events seen by a follower's handler.
class Seen {
 public:
  ChangeFollower::Handler Handler() {
    return [this](const AuditEvent& event) {
      absl::MutexLock lock(&mu_);
      events_.push_back(event);
    };
  }
  std::vector<AuditEvent> events() const {
    absl::MutexLock lock(&mu_);
    return events_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<AuditEvent> events_ ABSL_GUARDED_BY(mu_);
};

class FollowerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    StoreOptions options;
    options.redis.port = redis_.port();
    options.redis.connect_timeout = absl::Milliseconds(300);
    options.redis.command_timeout = absl::Milliseconds(300);
    store_ = std::make_unique<Store>(options);
  }

  // Updates `id` in the partition of `owner` and adds its event.
  absl::StatusOr<CommitResult> Touch(absl::string_view owner, absl::string_view id) {
    return store_->Write(PartitionOf(owner), Context(""),
                         [&](Txn& txn) -> absl::StatusOr<std::string> {
                           callmatch::v1::Money value;
                           absl::StatusOr<int64_t> version = txn.Put(kKind, id, value, -1);
                           if (!version.ok()) return version.status();
                           AuditEvent event;
                           event.set_resource(std::string(id));
                           event.set_version(*version);
                           txn.AddEvent(event);
                           return std::string();
                         });
  }

  RedisServer redis_;
  std::unique_ptr<Store> store_;
};

// The outbox: concurrent writers across partitions, some of them failing, and a follower started
// from the tails taken before sees every committed write exactly once, in order, and nothing else.
TEST_F(FollowerTest, SeesEveryCommittedWriteExactlyOnceInOrder) {
  absl::StatusOr<std::vector<std::string>> tails = store_->StreamTails();
  ASSERT_TRUE(tails.ok()) << tails.status();
  Seen seen;
  ChangeFollower follower(&store_->pool(), FollowerOptions{.block = absl::Milliseconds(200)});
  follower.Start(*tails, seen.Handler());

  constexpr int kThreads = 4;
  constexpr int kWritesPerThread = 60;
  constexpr int kOwners = 12;  // shared by the threads, so transactions collide and retry
  absl::Mutex mu;
  std::set<std::pair<std::string, int64_t>> committed;  // (resource, version)
  std::vector<ConsistencyToken> tokens;
  int failed_bodies = 0;
  int aborted = 0;

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        const std::string owner = absl::StrCat("owner-", (t * 5 + i) % kOwners);
        const bool fail = i % 5 == 4;  // the body stages a write, then fails
        const bool two = i % 7 == 3;   // two entities, two events, one transaction
        std::vector<std::pair<std::string, int64_t>> mine;
        absl::StatusOr<CommitResult> result =
            store_->Write(PartitionOf(owner), Context(absl::StrCat("req-", t, "-", i)),
                          [&](Txn& txn) -> absl::StatusOr<std::string> {
                            mine.clear();
                            for (const std::string& id :
                                 two ? std::vector<std::string>{owner + "/a", owner + "/b"}
                                     : std::vector<std::string>{owner + "/a"}) {
                              callmatch::v1::Money value;
                              value.set_minor_units(i);
                              absl::StatusOr<int64_t> version = txn.Put(kKind, id, value, -1);
                              if (!version.ok()) return version.status();
                              AuditEvent event;
                              event.set_resource(id);
                              event.set_version(*version);
                              if (fail) (*event.mutable_facts())["failed"] = "yes";
                              txn.AddEvent(event);
                              mine.emplace_back(id, *version);
                            }
                            if (fail) return absl::FailedPreconditionError("body failed");
                            return std::string("ok");
                          });
        absl::MutexLock lock(&mu);
        if (result.ok()) {
          committed.insert(mine.begin(), mine.end());
          tokens.push_back(result->token);
        } else if (result.status().code() == absl::StatusCode::kFailedPrecondition) {
          ++failed_bodies;
        } else if (result.status().code() == absl::StatusCode::kAborted) {
          ++aborted;  // lost every race: a legitimate outcome, nothing written
        } else {
          ADD_FAILURE() << result.status();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_GT(failed_bodies, 0);
  EXPECT_GT(committed.size(), 100u);

  absl::Status waited = follower.WaitForTokens(tokens, absl::Now() + kWait);
  ASSERT_TRUE(waited.ok()) << waited;
  follower.Stop();
  EXPECT_TRUE(follower.last_error().ok()) << follower.last_error();

  const std::vector<AuditEvent> events = seen.events();
  EXPECT_EQ(events.size(), committed.size());
  std::set<std::pair<std::string, int64_t>> delivered;
  std::map<std::string, int64_t> last_version;  // per resource
  std::map<int, std::string> last_id;           // per partition
  for (const AuditEvent& event : events) {
    EXPECT_EQ(event.facts().count("failed"), 0u) << "event of a failed body: " << event.resource();
    EXPECT_TRUE(delivered.emplace(event.resource(), event.version()).second)
        << "twice: " << event.resource() << " v" << event.version();
    EXPECT_EQ(event.partition(),
              PartitionOf(event.resource().substr(0, event.resource().find('/'))));
    EXPECT_EQ(event.version(), last_version[event.resource()] + 1) << event.resource();
    last_version[event.resource()] = event.version();
    if (last_id.count(event.partition()) > 0) {
      EXPECT_GT(CompareStreamIds(event.id(), last_id[event.partition()]), 0);
    }
    last_id[event.partition()] = event.id();
    EXPECT_EQ(event.actor().id(), "t1");
  }
  EXPECT_EQ(delivered, committed);
}

TEST_F(FollowerTest, WaitForTokens) {
  ChangeFollower follower(&store_->pool(), FollowerOptions{.block = absl::Milliseconds(200)});
  Seen seen;
  follower.Start(store_->StreamTails().value(), seen.Handler());

  absl::StatusOr<CommitResult> write = Touch("owner-1", "owner-1/a");
  ASSERT_TRUE(write.ok()) << write.status();
  absl::Status status = follower.WaitForTokens({write->token}, absl::Now() + kWait);
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(follower.applied()[write->token.partition], write->token.stream_id);
  ASSERT_EQ(seen.events().size(), 1u);
  EXPECT_EQ(seen.events()[0].id(), write->token.stream_id);

  const ConsistencyToken future{.partition = write->token.partition,
                                .stream_id = "99999999999999-0"};
  status = follower.WaitForTokens({write->token, future}, absl::Now() + absl::Milliseconds(200));
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_EQ(
      follower.WaitForTokens({ConsistencyToken{.partition = 64, .stream_id = "1-0"}}, absl::Now())
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST_F(FollowerTest, StartsFromTheGivenPositions) {
  absl::StatusOr<CommitResult> before = Touch("owner-1", "owner-1/a");
  ASSERT_TRUE(before.ok());
  absl::StatusOr<std::vector<std::string>> tails = store_->StreamTails();
  ASSERT_TRUE(tails.ok());
  absl::StatusOr<CommitResult> after = Touch("owner-1", "owner-1/a");
  ASSERT_TRUE(after.ok());

  // From the tails: only the later write.
  Seen from_tails;
  ChangeFollower follower(&store_->pool(), FollowerOptions{.block = absl::Milliseconds(200)});
  follower.Start(*tails, from_tails.Handler());
  ASSERT_TRUE(follower.WaitForTokens({after->token}, absl::Now() + kWait).ok());
  follower.Stop();
  ASSERT_EQ(from_tails.events().size(), 1u);
  EXPECT_EQ(from_tails.events()[0].version(), 2);

  // From the beginning: both.
  Seen from_start;
  follower.Start(std::vector<std::string>(kPartitionCount, "0-0"), from_start.Handler());
  ASSERT_TRUE(follower.WaitForTokens({after->token}, absl::Now() + kWait).ok());
  follower.Stop();
  ASSERT_EQ(from_start.events().size(), 2u);
  EXPECT_EQ(from_start.events()[0].version(), 1);
}

TEST_F(FollowerTest, SkipsAnUnparsableEntryAndReportsIt) {
  // A long block, so no empty read clears the error before the test looks at it.
  ChangeFollower follower(&store_->pool(), FollowerOptions{.block = absl::Seconds(2)});
  Seen seen;
  follower.Start(store_->StreamTails().value(), seen.Handler());

  // A bad entry and a good one in one transaction, so the follower reads them in one batch.
  AuditEvent good;
  good.set_resource("owner-1/a");
  const std::string stream = ChangeStreamKey(3);
  absl::StatusOr<Lease> lease = store_->pool().Acquire();
  ASSERT_TRUE(lease.ok());
  absl::StatusOr<std::vector<Reply>> replies =
      lease->Pipeline({{"MULTI"},
                       {"XADD", stream, "*", "e", "\xff\xff not a protobuf"},
                       {"XADD", stream, "*", "other", "field"},
                       {"XADD", stream, "*", "e", good.SerializeAsString()},
                       {"EXEC"}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  const redisReply& exec = *replies->back();
  ASSERT_EQ(exec.type, REDIS_REPLY_ARRAY);
  const std::string good_id(exec.element[2]->str, exec.element[2]->len);

  ASSERT_TRUE(
      follower.WaitForTokens({{.partition = 3, .stream_id = good_id}}, absl::Now() + kWait).ok());
  EXPECT_EQ(follower.last_error().code(), absl::StatusCode::kDataLoss) << follower.last_error();
  follower.Stop();
  ASSERT_EQ(seen.events().size(), 1u);
  EXPECT_EQ(seen.events()[0].resource(), "owner-1/a");
  EXPECT_EQ(seen.events()[0].partition(), 3);
  EXPECT_EQ(seen.events()[0].id(), good_id);
}

TEST_F(FollowerTest, RecoversWhenRedisComesBack) {
  ChangeFollower follower(&store_->pool(), FollowerOptions{.block = absl::Milliseconds(200),
                                                           .retry_pause = absl::Milliseconds(50)});
  Seen seen;
  follower.Start(store_->StreamTails().value(), seen.Handler());
  absl::StatusOr<CommitResult> first = Touch("owner-1", "owner-1/a");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(follower.WaitForTokens({first->token}, absl::Now() + kWait).ok());

  ASSERT_TRUE(redis_.Stop().ok());
  const absl::Time deadline = absl::Now() + kWait;
  while (follower.last_error().ok() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(follower.last_error().code(), absl::StatusCode::kUnavailable) << follower.last_error();

  ASSERT_TRUE(redis_.Start().ok());  // same port, empty streams; new ids are later in time
  absl::StatusOr<CommitResult> second = Touch("owner-1", "owner-1/a");
  ASSERT_TRUE(second.ok()) << second.status();
  absl::Status status = follower.WaitForTokens({second->token}, absl::Now() + kWait);
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(seen.events().size(), 2u);
}

}  // namespace
}  // namespace callmatch::store

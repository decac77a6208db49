#include "services/store/redis.h"

#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/redis_server.h"

namespace callmatch::store {
namespace {

using ::callmatch::test_support::RedisServer;

constexpr absl::Duration kTimeout = absl::Milliseconds(300);
// Slack for a loaded 2-core machine; the bound checked is timeouts + this.
constexpr absl::Duration kMargin = absl::Seconds(1);

std::string Text(const Reply& reply) { return std::string(reply->str, reply->len); }

class RedisPoolTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(redis_.Start().ok()); }

  RedisOptions Options(int max_connections = 4) const {
    RedisOptions options;
    options.host = "127.0.0.1";
    options.port = redis_.port();
    options.connect_timeout = kTimeout;
    options.command_timeout = kTimeout;
    options.max_connections = max_connections;
    return options;
  }

  RedisServer redis_;
};

TEST(ParseRedisAddressTest, ParsesHostAndPort) {
  absl::StatusOr<RedisOptions> options = ParseRedisAddress("redis.local:6380");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->host, "redis.local");
  EXPECT_EQ(options->port, 6380);
  EXPECT_EQ(options->max_connections, RedisOptions().max_connections);
}

TEST(ParseRedisAddressTest, RejectsMalformedAddresses) {
  for (const char* address : {"", "redis", ":6379", "redis:", "redis:0", "redis:70000", "r:6x"}) {
    EXPECT_EQ(ParseRedisAddress(address).status().code(), absl::StatusCode::kInvalidArgument)
        << address;
  }
}

TEST_F(RedisPoolTest, CommandsAndPipelines) {
  RedisPool pool(Options());
  absl::StatusOr<Reply> set = pool.Command({"SET", "k", std::string("a\0b", 3)});
  ASSERT_TRUE(set.ok()) << set.status();
  absl::StatusOr<Reply> get = pool.Command({"GET", "k"});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(Text(*get), std::string("a\0b", 3));  // binary safe

  absl::StatusOr<Lease> lease = pool.Acquire();
  ASSERT_TRUE(lease.ok()) << lease.status();
  absl::StatusOr<std::vector<Reply>> replies =
      lease->Pipeline({{"INCR", "n"}, {"INCR", "n"}, {"GET", "n"}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 3u);
  EXPECT_EQ((*replies)[1]->integer, 2);
  EXPECT_EQ(Text((*replies)[2]), "2");

  // A Redis error is a reply, not a failed call; ReplyError turns it into a status.
  absl::StatusOr<Reply> wrong = lease->Command({"INCR", "k"});
  ASSERT_TRUE(wrong.ok()) << wrong.status();
  EXPECT_EQ(ReplyError(**wrong).code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(ReplyError(**get).ok());
}

TEST_F(RedisPoolTest, AcquireWaitsForAFreeConnectionThenGivesUp) {
  RedisPool pool(Options(/*max_connections=*/1));
  {
    absl::StatusOr<Lease> held = pool.Acquire();
    ASSERT_TRUE(held.ok()) << held.status();
    absl::StatusOr<Lease> second = pool.Acquire();
    EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_TRUE(absl::StrContains(second.status().message(), "no free connection"))
        << second.status();

    // Released by another thread while this one waits: the waiter gets it.
    std::thread releaser([lease = std::move(*held)]() mutable {
      absl::SleepFor(absl::Milliseconds(50));
      Lease dropped = std::move(lease);
    });
    absl::StatusOr<Lease> third = pool.Acquire();
    releaser.join();
    EXPECT_TRUE(third.ok()) << third.status();
  }
  EXPECT_TRUE(pool.Command({"PING"}).ok());
}

TEST_F(RedisPoolTest, StoppedRedisIsUnavailableQuicklyAndThePoolRecovers) {
  RedisPool pool(Options(/*max_connections=*/2));
  {
    // Two connections left idle in the pool: both go stale when Redis restarts.
    absl::StatusOr<Lease> a = pool.Acquire();
    absl::StatusOr<Lease> b = pool.Acquire();
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_TRUE(a->Command({"PING"}).ok());
    ASSERT_TRUE(b->Command({"PING"}).ok());
  }
  ASSERT_TRUE(redis_.Stop().ok());

  const absl::Time start = absl::Now();
  absl::StatusOr<Reply> down = pool.Command({"GET", "k"});
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable) << down.status();
  EXPECT_TRUE(absl::StartsWith(down.status().message(),
                               absl::StrCat("redis 127.0.0.1:", redis_.port(), ": ")))
      << down.status();
  EXPECT_LT(elapsed, 2 * kTimeout + kMargin);

  ASSERT_TRUE(redis_.Start().ok());
  // The first call after the restart succeeds: stale idle connections are dropped, not used.
  absl::StatusOr<Reply> up = pool.Command({"PING"});
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_EQ(Text(*up), "PONG");
}

TEST_F(RedisPoolTest, BrokenLeaseIsClosedNotReturned) {
  RedisPool pool(Options(/*max_connections=*/1));
  {
    absl::StatusOr<Lease> lease = pool.Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    ASSERT_TRUE(redis_.Stop().ok());
    absl::StatusOr<Reply> reply = lease->Command({"PING"});
    EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable) << reply.status();
    // Once broken, the lease refuses further commands instead of using a dead socket.
    EXPECT_EQ(lease->Command({"PING"}).status().code(), absl::StatusCode::kUnavailable);
  }
  ASSERT_TRUE(redis_.Start().ok());
  // The only slot was freed by the broken lease, so a new connection can be dialled.
  absl::StatusOr<Reply> reply = pool.Command({"PING"});
  EXPECT_TRUE(reply.ok()) << reply.status();
}

TEST_F(RedisPoolTest, HungRedisTimesOutAtTheCommandTimeout) {
  RedisPool pool(Options(/*max_connections=*/1));
  {
    // A longer timeout on one lease does not outlive the lease.
    absl::StatusOr<Lease> lease = pool.Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    ASSERT_TRUE(lease->SetTimeout(absl::Seconds(30)).ok());
    ASSERT_TRUE(lease->Command({"PING"}).ok());
  }
  ASSERT_TRUE(redis_.Pause().ok());  // accepts connections, answers nothing

  const absl::Time start = absl::Now();
  absl::StatusOr<Reply> reply = pool.Command({"GET", "k"});
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable) << reply.status();
  EXPECT_TRUE(absl::StrContains(reply.status().message(), "timed out")) << reply.status();
  EXPECT_LT(elapsed, 2 * kTimeout + kMargin);

  ASSERT_TRUE(redis_.Resume().ok());
  absl::StatusOr<Reply> again = pool.Command({"PING"});
  EXPECT_TRUE(again.ok()) << again.status();
}

}  // namespace
}  // namespace callmatch::store

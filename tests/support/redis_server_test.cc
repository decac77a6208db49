#include "tests/support/redis_server.h"

#include <hiredis/hiredis.h>

#include <string>

#include "gtest/gtest.h"

namespace callmatch::test_support {
namespace {

// Sends SET/GET through a fresh connection; "" when Redis cannot be reached.
std::string Roundtrip(int port, const char* value) {
  redisContext* context = redisConnect("127.0.0.1", port);
  if (context == nullptr || context->err != 0) {
    if (context != nullptr) redisFree(context);
    return "";
  }
  freeReplyObject(redisCommand(context, "SET k %s", value));
  auto* reply = static_cast<redisReply*>(redisCommand(context, "GET k"));
  std::string got = reply != nullptr && reply->type == REDIS_REPLY_STRING
                        ? std::string(reply->str, reply->len)
                        : "";
  if (reply != nullptr) freeReplyObject(reply);
  redisFree(context);
  return got;
}

TEST(RedisServerTest, StartsStopsAndRestartsOnTheSamePort) {
  RedisServer redis;
  ASSERT_TRUE(redis.Start().ok());
  const int port = redis.port();
  EXPECT_GT(port, 0);
  EXPECT_EQ(Roundtrip(port, "v1"), "v1");

  ASSERT_TRUE(redis.Stop().ok());
  EXPECT_FALSE(redis.running());
  EXPECT_EQ(Roundtrip(port, "v2"), "");

  ASSERT_TRUE(redis.Start().ok());
  EXPECT_EQ(redis.port(), port);
  EXPECT_EQ(Roundtrip(port, "v3"), "v3");
}

TEST(RedisServerTest, TwoServersGetDifferentPorts) {
  RedisServer a;
  RedisServer b;
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(b.Start().ok());
  EXPECT_NE(a.port(), b.port());
}

}  // namespace
}  // namespace callmatch::test_support

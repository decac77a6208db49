#include "services/audit/seal.h"

#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/store/store.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"

namespace callmatch::audit {
namespace {

constexpr char kKey[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class SealTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    dir_ = *test_support::MakeTempDir("callmatch-seal");
    store::StoreOptions options;
    options.redis.port = redis_.port();
    store_ = std::make_unique<store::Store>(options);
    key_ = absl::HexStringToBytes(kKey);
  }
  void TearDown() override { test_support::RemoveTree(dir_); }

  SealerOptions Options() const {
    return {.key = key_, .anchor_file = dir_ + "/anchors", .block = absl::Milliseconds(10)};
  }

  // Writes `count` events on partition 0 through the store (as services do), each in a later
  // millisecond than the one before (so ids leave room between them); their ids.
  std::vector<std::string> WriteEvents(int count) {
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
      absl::SleepFor(absl::Milliseconds(2));
      store::WriteContext context;
      context.actor.set_kind(v1::Principal::KIND_SYSTEM);
      context.method = "test";
      auto result = store_->Write(0, context, [&](store::Txn& txn) -> absl::StatusOr<std::string> {
        v1::AuditEvent event;
        event.set_action(v1::AUDIT_ACTION_UPDATE);
        event.set_resource(absl::StrCat("things/", i));
        txn.AddEvent(event);
        return "";
      });
      EXPECT_TRUE(result.ok()) << result.status();
      ids.push_back(result->token.stream_id);
    }
    return ids;
  }

  PartitionCheck Verify(const Anchors& anchors) {
    auto check = VerifyPartition(store_->pool(), key_, 0, anchors[0]);
    EXPECT_TRUE(check.ok()) << check.status();
    return check.ok() ? *check : PartitionCheck{};
  }

  // Seals everything there is, with a sealer started from the seals and anchors on disk.
  Anchors SealAll() {
    Sealer sealer(&store_->pool(), Options());
    EXPECT_TRUE(sealer.Start().ok());
    sealer.Stop();
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(sealer.SealOnce(absl::Milliseconds(10)).ok());
    return sealer.anchors();
  }

  // Rewrites partition 0's change stream as `edit` says, keeping the other entries' ids and
  // fields (what someone with write access to Redis could do).
  void RewriteStream(const std::function<void(std::vector<std::vector<std::string>>&)>& edit) {
    auto range = store_->pool().Command({"XRANGE", store::ChangeStreamKey(0), "-", "+"});
    ASSERT_TRUE(range.ok());
    std::vector<std::vector<std::string>> entries;  // id, field, value
    for (size_t i = 0; i < (*range)->elements; ++i) {
      const redisReply& item = *(*range)->element[i];
      const redisReply& fields = *item.element[1];
      entries.push_back({std::string(item.element[0]->str, item.element[0]->len),
                         std::string(fields.element[0]->str, fields.element[0]->len),
                         std::string(fields.element[1]->str, fields.element[1]->len)});
    }
    edit(entries);
    ASSERT_TRUE(store_->pool().Command({"DEL", store::ChangeStreamKey(0)}).ok());
    for (const auto& entry : entries) {
      auto added =
          store_->pool().Command({"XADD", store::ChangeStreamKey(0), entry[0], entry[1], entry[2]});
      ASSERT_TRUE(added.ok());
      ASSERT_EQ((*added)->type, REDIS_REPLY_STRING);
    }
  }

  test_support::RedisServer redis_;
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::string key_;
};

TEST_F(SealTest, SealedChainVerifiesAndCountsUnsealedTail) {
  WriteEvents(25);
  Anchors anchors = SealAll();
  EXPECT_FALSE(anchors[0].mac.empty());
  WriteEvents(3);
  PartitionCheck check = Verify(anchors);
  EXPECT_TRUE(check.ok) << check.problem << " at " << check.first_bad_event_id;
  EXPECT_EQ(check.events_checked, 25);
  EXPECT_EQ(check.unsealed, 3);
}

TEST_F(SealTest, ASecondSealerContinuesTheChainFromTheSeals) {
  WriteEvents(5);
  SealAll();
  WriteEvents(5);
  Anchors anchors = SealAll();
  PartitionCheck check = Verify(anchors);
  EXPECT_TRUE(check.ok) << check.problem;
  EXPECT_EQ(check.events_checked, 10);
  auto read = ReadAnchors(dir_ + "/anchors");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ((*read)[0].event_id, anchors[0].event_id);
}

TEST_F(SealTest, AlteredEventIsNamed) {
  std::vector<std::string> ids = WriteEvents(10);
  Anchors anchors = SealAll();
  RewriteStream([](auto& entries) { entries[4][2][entries[4][2].size() - 1] ^= 0x01; });
  PartitionCheck check = Verify(anchors);
  EXPECT_FALSE(check.ok);
  EXPECT_EQ(check.problem, "altered");
  EXPECT_EQ(check.first_bad_event_id, ids[4]);
}

TEST_F(SealTest, RemovedEventIsNamed) {
  std::vector<std::string> ids = WriteEvents(10);
  Anchors anchors = SealAll();
  ASSERT_TRUE(store_->pool().Command({"XDEL", store::ChangeStreamKey(0), ids[6]}).ok());
  PartitionCheck check = Verify(anchors);
  EXPECT_FALSE(check.ok);
  EXPECT_EQ(check.problem, "removed");
  EXPECT_EQ(check.first_bad_event_id, ids[6]);
}

TEST_F(SealTest, InsertedEventIsNamed) {
  std::vector<std::string> ids = WriteEvents(10);
  Anchors anchors = SealAll();
  std::string forged_id;
  RewriteStream([&](auto& entries) {
    auto forged = entries[3];
    forged[0] = absl::StrCat(ids[3].substr(0, ids[3].find('-')), "-999");
    forged_id = forged[0];
    entries.insert(entries.begin() + 4, forged);
  });
  ASSERT_LT(store::CompareStreamIds(forged_id, ids[4]), 0) << "the forged id must sort before";
  PartitionCheck check = Verify(anchors);
  EXPECT_FALSE(check.ok);
  EXPECT_EQ(check.problem, "inserted");
  EXPECT_EQ(check.first_bad_event_id, forged_id);
}

TEST_F(SealTest, TruncatedChainIsCaughtByTheAnchorAndNotSealedOver) {
  std::vector<std::string> ids = WriteEvents(8);
  Anchors anchors = SealAll();
  // Whoever can write to Redis cuts the last two events and their seals.
  for (int i = 6; i < 8; ++i) {
    ASSERT_TRUE(store_->pool().Command({"XDEL", store::ChangeStreamKey(0), ids[i]}).ok());
    ASSERT_TRUE(store_->pool().Command({"XDEL", store::PartitionPrefix(0) + "seal", ids[i]}).ok());
  }
  PartitionCheck check = Verify(anchors);
  EXPECT_FALSE(check.ok);
  EXPECT_EQ(check.problem, "truncated");
  EXPECT_EQ(check.first_bad_event_id, ids[7]);

  // A new sealer refuses to seal over the cut, so new events leave the anchor where it was.
  WriteEvents(2);
  Anchors after = SealAll();
  EXPECT_EQ(after[0].event_id, ids[7]);
  EXPECT_EQ(Verify(after).problem, "truncated");
}

TEST_F(SealTest, WrongKeyFailsAtTheFirstEvent) {
  std::vector<std::string> ids = WriteEvents(3);
  Anchors anchors = SealAll();
  auto check = VerifyPartition(store_->pool(), std::string(32, 'x'), 0, anchors[0]);
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok);
  EXPECT_EQ(check->first_bad_event_id, ids[0]);
}

TEST(SealFilesTest, KeyFileNeedsThirtyTwoBytes) {
  std::string dir = *test_support::MakeTempDir("callmatch-key");
  std::ofstream(dir + "/short") << "abcd\n";
  std::ofstream(dir + "/hex") << kKey << "\n";
  EXPECT_EQ(ReadKeyFile(dir + "/short").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadKeyFile(dir + "/missing").status().code(), absl::StatusCode::kNotFound);
  auto key = ReadKeyFile(dir + "/hex");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->size(), 32u);
  test_support::RemoveTree(dir);
}

}  // namespace
}  // namespace callmatch::audit

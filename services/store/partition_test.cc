#include "services/store/partition.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace callmatch::store {
namespace {

TEST(PartitionTest, Fnv1a64KnownVectors) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(PartitionTest, PartitionIsHashModulo64AndInRange) {
  std::set<int> seen;
  for (int i = 0; i < 2000; ++i) {
    const std::string id = "owner-" + std::to_string(i);
    const int partition = PartitionOf(id);
    ASSERT_GE(partition, 0);
    ASSERT_LT(partition, kPartitionCount);
    EXPECT_EQ(static_cast<uint64_t>(partition), Fnv1a64(id) % 64);
    seen.insert(partition);
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kPartitionCount));  // every partition gets owners
  EXPECT_EQ(PartitionOf("a"), static_cast<int>(0xaf63dc4c8601ec8cULL % 64));
}

TEST(PartitionTest, KeysCarryTheHashTag) {
  EXPECT_EQ(PartitionPrefix(0), "cm:{p00}:");
  EXPECT_EQ(PartitionPrefix(7), "cm:{p07}:");
  EXPECT_EQ(PartitionPrefix(63), "cm:{p63}:");
  EXPECT_EQ(ChangeStreamKey(7), "cm:{p07}:changes");
  EXPECT_EQ(ChangeStreamKey(42), "cm:{p42}:changes");
}

}  // namespace
}  // namespace callmatch::store

#include "matching/segments.h"

#include <gtest/gtest.h>

namespace callmatch::matching {
namespace {

TEST(Segments, DivisionOverlapsItsClass) {
  EXPECT_TRUE(SegmentsOverlap("82", "82.20"));
  EXPECT_TRUE(SegmentsOverlap("82.20", "82"));
}

TEST(Segments, GroupOverlapsItsClass) { EXPECT_TRUE(SegmentsOverlap("82.2", "82.20")); }

TEST(Segments, SiblingGroupDoesNotOverlap) {
  EXPECT_FALSE(SegmentsOverlap("82.1", "82.20"));
  EXPECT_FALSE(SegmentsOverlap("62.01", "62.02"));
  EXPECT_FALSE(SegmentsOverlap("8", "82"));  // not a code: no string prefix games
}

TEST(Segments, SectionOverlapsItsDivisionsOnly) {
  EXPECT_TRUE(SegmentsOverlap("N", "82.20"));
  EXPECT_TRUE(SegmentsOverlap("82", "N"));
  EXPECT_FALSE(SegmentsOverlap("N", "47.11"));
  EXPECT_FALSE(SegmentsOverlap("G", "N"));
}

TEST(Segments, SameCodeOverlaps) { EXPECT_TRUE(SegmentsOverlap("62.01", "62.01")); }

TEST(Segments, NafSubclassBelongsToItsClass) {
  EXPECT_TRUE(SegmentsOverlap("82.20Z", "82.20"));
  EXPECT_TRUE(SegmentsOverlap("82.20Z", "N"));
  EXPECT_FALSE(SegmentsOverlap("82.20Z", "82.11"));
  EXPECT_EQ(SegmentLevel("82.20Z"), 5);
}

TEST(Segments, NormalizedBeforeComparison) {
  EXPECT_TRUE(SegmentsOverlap(" n ", "82.20"));
  EXPECT_TRUE(SegmentsOverlap("82.20z", "82.20"));
}

TEST(Segments, LevelsAndPath) {
  EXPECT_EQ(SegmentLevel("N"), 1);
  EXPECT_EQ(SegmentLevel("82"), 2);
  EXPECT_EQ(SegmentLevel("82.2"), 3);
  EXPECT_EQ(SegmentLevel("82.20"), 4);
  EXPECT_EQ(SegmentLevel("83"), 0);  // no such division
  EXPECT_EQ(SegmentLevel("V"), 0);   // no such section
  EXPECT_EQ(SegmentPath("82.20"), (std::vector<std::string>{"N", "82", "82.2", "82.20"}));
}

TEST(Segments, DivisionToSectionTable) {
  EXPECT_EQ(SectionOfDivision(1), 'A');
  EXPECT_EQ(SectionOfDivision(3), 'A');
  EXPECT_EQ(SectionOfDivision(4), '\0');
  EXPECT_EQ(SectionOfDivision(5), 'B');
  EXPECT_EQ(SectionOfDivision(33), 'C');
  EXPECT_EQ(SectionOfDivision(35), 'D');
  EXPECT_EQ(SectionOfDivision(39), 'E');
  EXPECT_EQ(SectionOfDivision(43), 'F');
  EXPECT_EQ(SectionOfDivision(47), 'G');
  EXPECT_EQ(SectionOfDivision(53), 'H');
  EXPECT_EQ(SectionOfDivision(56), 'I');
  EXPECT_EQ(SectionOfDivision(62), 'J');
  EXPECT_EQ(SectionOfDivision(66), 'K');
  EXPECT_EQ(SectionOfDivision(67), '\0');
  EXPECT_EQ(SectionOfDivision(68), 'L');
  EXPECT_EQ(SectionOfDivision(73), 'M');
  EXPECT_EQ(SectionOfDivision(76), '\0');
  EXPECT_EQ(SectionOfDivision(77), 'N');
  EXPECT_EQ(SectionOfDivision(82), 'N');
  EXPECT_EQ(SectionOfDivision(83), '\0');
  EXPECT_EQ(SectionOfDivision(84), 'O');
  EXPECT_EQ(SectionOfDivision(85), 'P');
  EXPECT_EQ(SectionOfDivision(88), 'Q');
  EXPECT_EQ(SectionOfDivision(93), 'R');
  EXPECT_EQ(SectionOfDivision(96), 'S');
  EXPECT_EQ(SectionOfDivision(98), 'T');
  EXPECT_EQ(SectionOfDivision(99), 'U');
  EXPECT_EQ(SectionOfDivision(0), '\0');
}

TEST(Segments, UnparsedCodesOverlapOnlyWhenSpelledAlike) {
  EXPECT_TRUE(SegmentsOverlap("retail-x", "RETAIL-X"));
  EXPECT_FALSE(SegmentsOverlap("8220", "82.20"));
  EXPECT_FALSE(SegmentsOverlap("", ""));
}

TEST(Segments, OverlappingPairsInOrder) {
  google::protobuf::RepeatedPtrField<std::string> a, b;
  a.Add("82.20");
  a.Add("47");
  b.Add("N");
  b.Add("47.11");
  const auto pairs = OverlappingSegments(a, b);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0], (std::pair<std::string, std::string>{"82.20", "N"}));
  EXPECT_EQ(pairs[1], (std::pair<std::string, std::string>{"47", "47.11"}));
}

}  // namespace
}  // namespace callmatch::matching

// Market segments: NACE Rev. 2 codes (NAF rev. 2 in France) at any level.
//
//   level 1  section   "N"        a letter A..U
//   level 2  division  "82"       two digits, 01..99, in the official table
//   level 3  group     "82.2"
//   level 4  class     "82.20"
//   level 5  NAF sub-class "82.20Z" (France's fifth level)
//
// A code's path is the chain of its ancestors down to itself: "82.20" is N > 82 > 82.2 > 82.20.
// Two segments overlap when one's path is a prefix of the other's: "N" overlaps "82.20", "82"
// overlaps "82.20", "82.2" overlaps "82.20", "82.1" does not overlap "82.20", and "N" does not
// overlap "47". Codes are trimmed and upper-cased first. A code that does not parse overlaps only
// a code spelled the same way (so bad data still excludes conservatively, never silently).
//
// All functions are pure and thread-safe.
#ifndef CALLMATCH_MATCHING_SEGMENTS_H_
#define CALLMATCH_MATCHING_SEGMENTS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace callmatch::matching {

// The code trimmed of leading and trailing ASCII whitespace (absl::StripAsciiWhitespace) and
// upper-cased; inner spaces stay, so "82. 20" does not parse.
std::string NormalizeSegment(absl::string_view code);

// 1 (section) to 5 (NAF sub-class) for a well-formed code; 0 otherwise.
int SegmentLevel(absl::string_view code);

// The section letter of a NACE Rev. 2 division (82 -> 'N'); '\0' for a number that is not one.
char SectionOfDivision(int division);

// The path of a code, from its section down to itself: {"N", "82", "82.2", "82.20"}. Empty for a
// code that does not parse.
std::vector<std::string> SegmentPath(absl::string_view code);

// True when one code's path is a prefix of the other's (see the header comment).
bool SegmentsOverlap(absl::string_view a, absl::string_view b);

// Every pair (x from a, y from b) that overlaps, in the order of a then b.
std::vector<std::pair<std::string, std::string>> OverlappingSegments(
    const google::protobuf::RepeatedPtrField<std::string>& a,
    const google::protobuf::RepeatedPtrField<std::string>& b);
std::vector<std::pair<std::string, std::string>> OverlappingSegments(
    const std::vector<std::string>& a, const google::protobuf::RepeatedPtrField<std::string>& b);

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_SEGMENTS_H_

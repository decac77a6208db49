#include "matching/segments.h"

#include <algorithm>
#include <cstddef>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace callmatch::matching {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A parsed code: section letter, and as many numeric levels as written.
struct Parsed {
  char section = '\0';
  std::string division;  // "82"
  std::string group;     // "82.2"
  std::string klass;     // "82.20"
  std::string subclass;  // "82.20Z"
  int level = 0;
};

Parsed Parse(const std::string& c) {
  Parsed p;
  if (c.size() == 1 && c[0] >= 'A' && c[0] <= 'U') {
    p.section = c[0];
    p.level = 1;
    return p;
  }
  // "DD", "DD.D", "DD.DD", "DD.DDL".
  if (c.size() < 2 || !IsDigit(c[0]) || !IsDigit(c[1])) return p;
  const int division = (c[0] - '0') * 10 + (c[1] - '0');
  const char section = SectionOfDivision(division);
  if (section == '\0') return p;
  Parsed out;
  out.section = section;
  out.division = c.substr(0, 2);
  if (c.size() == 2) {
    out.level = 2;
    return out;
  }
  if (c[2] != '.' || c.size() < 4 || !IsDigit(c[3])) return p;
  out.group = c.substr(0, 4);
  if (c.size() == 4) {
    out.level = 3;
    return out;
  }
  if (!IsDigit(c[4])) return p;
  out.klass = c.substr(0, 5);
  if (c.size() == 5) {
    out.level = 4;
    return out;
  }
  if (c.size() == 6 && c[5] >= 'A' && c[5] <= 'Z') {
    out.subclass = c;
    out.level = 5;
    return out;
  }
  return p;
}

template <typename A>
std::vector<std::pair<std::string, std::string>> Overlapping(
    const A& a, const google::protobuf::RepeatedPtrField<std::string>& b) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& x : a) {
    for (const std::string& y : b) {
      if (SegmentsOverlap(x, y)) out.emplace_back(x, y);
    }
  }
  return out;
}

}  // namespace

std::string NormalizeSegment(absl::string_view code) {
  // Trimmed only: a code with inner spaces ("82. 20") does not parse.
  return absl::AsciiStrToUpper(absl::StripAsciiWhitespace(code));
}

int SegmentLevel(absl::string_view code) { return Parse(NormalizeSegment(code)).level; }

char SectionOfDivision(int d) {
  // NACE Rev. 2, divisions by section (Regulation (EC) No 1893/2006, Annex I).
  struct Range {
    int first;
    int last;
    char section;
  };
  static constexpr Range kRanges[] = {
      {1, 3, 'A'},   {5, 9, 'B'},   {10, 33, 'C'}, {35, 35, 'D'}, {36, 39, 'E'}, {41, 43, 'F'},
      {45, 47, 'G'}, {49, 53, 'H'}, {55, 56, 'I'}, {58, 63, 'J'}, {64, 66, 'K'}, {68, 68, 'L'},
      {69, 75, 'M'}, {77, 82, 'N'}, {84, 84, 'O'}, {85, 85, 'P'}, {86, 88, 'Q'}, {90, 93, 'R'},
      {94, 96, 'S'}, {97, 98, 'T'}, {99, 99, 'U'},
  };
  for (const Range& r : kRanges) {
    if (d >= r.first && d <= r.last) return r.section;
  }
  return '\0';
}

std::vector<std::string> SegmentPath(absl::string_view code) {
  const Parsed p = Parse(NormalizeSegment(code));
  std::vector<std::string> path;
  if (p.level == 0) return path;
  path.push_back(std::string(1, p.section));
  for (const std::string* part : {&p.division, &p.group, &p.klass, &p.subclass}) {
    if (part->empty()) break;
    path.push_back(*part);
  }
  return path;
}

bool SegmentsOverlap(absl::string_view a, absl::string_view b) {
  const std::string na = NormalizeSegment(a);
  const std::string nb = NormalizeSegment(b);
  if (na.empty() || nb.empty()) return false;
  const std::vector<std::string> pa = SegmentPath(na);
  const std::vector<std::string> pb = SegmentPath(nb);
  if (pa.empty() || pb.empty()) return na == nb;
  const size_t n = std::min(pa.size(), pb.size());
  for (size_t i = 0; i < n; ++i) {
    if (pa[i] != pb[i]) return false;
  }
  return true;
}

std::vector<std::pair<std::string, std::string>> OverlappingSegments(
    const google::protobuf::RepeatedPtrField<std::string>& a,
    const google::protobuf::RepeatedPtrField<std::string>& b) {
  return Overlapping(a, b);
}

std::vector<std::pair<std::string, std::string>> OverlappingSegments(
    const std::vector<std::string>& a, const google::protobuf::RepeatedPtrField<std::string>& b) {
  return Overlapping(a, b);
}

}  // namespace callmatch::matching

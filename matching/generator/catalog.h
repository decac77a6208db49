// The fixed tables the data generator draws from, internal to matching/generator/: where people
// and companies are established, market segments (NACE Rev. 2 classes) with their popularity,
// languages, skills, names. docs/generator.md explains the weights.
#ifndef CALLMATCH_MATCHING_GENERATOR_CATALOG_H_
#define CALLMATCH_MATCHING_GENERATOR_CATALOG_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "callmatch/v1/common.pb.h"

namespace callmatch::matching::generator_internal {

// Which pool of first names and which native languages a region has.
enum class Culture { kFrench, kFlemish, kMaghreb, kSenegal, kQuebec };

// A place teleoperators are established in, with its IANA time zone and its share of them.
struct Region {
  absl::string_view country;      // ISO 3166-1 alpha-2
  absl::string_view subdivision;  // ISO 3166-2, may be empty
  absl::string_view time_zone;    // IANA
  double weight;
  Culture culture;
};
absl::Span<const Region> TeleoperatorRegions();
// Where client companies are established (France mostly, some Belgium and Quebec).
absl::Span<const Region> CompanyRegions();

// Every country teleoperators come from, in a fixed order (index = country id).
absl::Span<const absl::string_view> Countries();
// The index of `country` in Countries(), or -1.
int CountryIndex(absl::string_view country);

// A NACE Rev. 2 class with its French label; the table is ordered by popularity (Zipf-like).
struct Segment {
  absl::string_view code;   // "62.01"
  absl::string_view label;  // "Programmation informatique"
};
absl::Span<const Segment> Segments();
// Zipf-like weights, one per Segments() entry.
absl::Span<const double> SegmentWeights();
// The NACE section letter of a code ("J" for "62.01"); empty for an unknown division.
absl::string_view SectionOf(absl::string_view code);
// True when two NACE codes (any level, sections included) overlap: one contains the other.
bool SegmentsOverlap(absl::string_view a, absl::string_view b);
// The label of a class code, or the code itself.
absl::string_view SegmentLabel(absl::string_view code);

// Languages the generator knows (ISO 639-1), index = language id.
inline constexpr int kLanguageCount = 8;
absl::Span<const absl::string_view> Languages();  // fr, en, es, de, it, ar, nl, pt
int LanguageIndex(absl::string_view code);
inline constexpr int kFr = 0, kEn = 1, kEs = 2, kDe = 3, kIt = 4, kAr = 5, kNl = 6, kPt = 7;

// Skills from the most to the least common, with Zipf-like weights.
absl::Span<const v1::Skill> SkillsByPopularity();
absl::Span<const double> SkillWeights();

// First names for a culture.
absl::Span<const absl::string_view> FirstNames(Culture culture);
// Roots and business words for company names.
absl::Span<const absl::string_view> CompanyRoots();
absl::string_view CompanyWord(absl::string_view segment_code);

}  // namespace callmatch::matching::generator_internal

#endif  // CALLMATCH_MATCHING_GENERATOR_CATALOG_H_

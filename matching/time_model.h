// The time model of the matching rules (design.md, "Time model"): weekly schedules turned into
// absolute instants, the reference week, calendar days, interval algebra and the daily-rest test.
//
// Instants are Unix minutes (int64, minutes since 1970-01-01 00:00 UTC). Every schedule is a set
// of weekly windows [start, end) in minutes from Monday 00:00 local time of a named IANA zone; a
// window with end < start wraps from Sunday night into the next Monday. A window is converted to
// instants occurrence by occurrence, each in its own zone with the tz database, so a week that
// holds a daylight-saving change lasts 167 or 169 hours and a window across the change lasts
// what the clocks say. A local time that does not exist (spring forward) maps to the instant
// the clock would show had it not moved (absl's "pre"), and a repeated one to its first
// occurrence.
//
// "Intervals" are sorted by start; "normalized" intervals are also disjoint and never touch
// (Normalize merges [a,b) and [b,c) into [a,c)). Pure functions, thread-safe.
#ifndef CALLMATCH_MATCHING_TIME_MODEL_H_
#define CALLMATCH_MATCHING_TIME_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "callmatch/v1/common.pb.h"

namespace callmatch::matching {

inline constexpr int64_t kMinutesPerDay = 24 * 60;
inline constexpr int64_t kMinutesPerWeek = 7 * kMinutesPerDay;

// A half-open interval of instants [start, end), in Unix minutes.
struct Interval {
  int64_t start = 0;
  int64_t end = 0;
  int64_t length() const { return end > start ? end - start : 0; }
  friend bool operator==(const Interval&, const Interval&) = default;
};
using Intervals = std::vector<Interval>;

int64_t ToUnixMinutes(absl::Time t);  // rounds down
absl::Time FromUnixMinutes(int64_t minutes);

// --- Dates -----------------------------------------------------------------------------------

// The civil day of a v1::Date; nullopt when the date is unset (all fields 0). Out-of-range
// fields normalize as absl::CivilDay does (the services reject them on input).
std::optional<absl::CivilDay> ToCivilDay(const v1::Date& date);
v1::Date ToDate(absl::CivilDay day);
// "2027-03-22".
std::string FormatDay(absl::CivilDay day);
// The Monday of the ISO week holding `day`.
absl::CivilDay MondayOf(absl::CivilDay day);
// The first Monday on or after `day` (the day itself when it is a Monday).
absl::CivilDay FirstMondayOnOrAfter(absl::CivilDay day);

// Days since 1970-01-01 (negative before; truncated to 32 bits), as the facts' log aggregates
// and the index hold days.
int32_t DayNumber(absl::CivilDay day);
absl::CivilDay FromDayNumber(int32_t day);
// DayNumber(*ToCivilDay(date)); nullopt when the date is unset. A real date (month 1-12, a day
// of that month) is computed without absl::CivilDay's normalisation: a teleoperator's facts read
// a date per activity log, hundreds of them for some.
std::optional<int32_t> ToDayNumber(const v1::Date& date);
// The Monday of the ISO week holding day number `day`, as a day number.
int32_t MondayNumberOf(int32_t day);

// An inclusive period of days. Unset bounds are the far past and the far future.
struct Period {
  absl::CivilDay first;
  absl::CivilDay last;
};
inline constexpr absl::CivilDay kFarPast(1, 1, 1);
inline constexpr absl::CivilDay kFarFuture(9999, 12, 31);
Period PeriodOf(const v1::Date& start, const v1::Date& end);
// Inclusive at both ends: periods that share one day overlap.
bool Overlaps(const Period& a, const Period& b);

// --- Zones and schedules -----------------------------------------------------------------------

// The IANA zone `name`; INVALID_ARGUMENT for an empty or unknown name.
absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view name);

// INVALID_ARGUMENT unless every window has 0 <= start < 10080 and 0 <= end <= 10080.
// (start == end is an empty window.)
absl::Status ValidateWindows(const v1::WeeklySchedule& schedule);

// The minutes of one week the schedule covers, nominally (a week of 10080 minutes, windows that
// overlap counted once).
int64_t NominalWeeklyMinutes(const v1::WeeklySchedule& schedule);

// Every occurrence of the schedule's windows in the three local weeks starting at local midnight
// of monday - 7, monday and monday + 7, in `zone`, normalized. A wrap-around window starting in
// one of those weeks ends in the next. Windows must be valid (ValidateWindows).
Intervals ExpandSchedule(const v1::WeeklySchedule& schedule, const absl::TimeZone& zone,
                         absl::CivilDay monday);

// The absolute span of local civil days [first, last + 1) in `zone`.
Interval LocalSpan(absl::CivilDay first, absl::CivilDay last, const absl::TimeZone& zone);

// The reference week: the first full ISO week (Monday 00:00) on or after the as-of date, in the
// campaign's zone.
struct ReferenceWeek {
  absl::CivilDay monday;
  Interval span;  // [monday 00:00, next monday 00:00) in the campaign's zone
};
ReferenceWeek MakeReferenceWeek(absl::CivilDay as_of, const absl::TimeZone& zone);

// A calendar day of a zone with its absolute span (23, 24 or 25 hours).
struct LocalDay {
  absl::CivilDay day;
  Interval span;
};
// Every calendar day of `zone` that intersects `span`, in order.
std::vector<LocalDay> DaysTouching(const Interval& span, const absl::TimeZone& zone);

// --- Interval algebra ---------------------------------------------------------------------------

// Sorted, empty intervals dropped, overlapping and touching ones merged.
Intervals Normalize(Intervals intervals);
Intervals Unite(const Intervals& a, const Intervals& b);
// For normalized inputs.
Intervals Intersect(const Intervals& a, const Intervals& b);
Intervals Subtract(const Intervals& a, const Intervals& b);
Intervals Clip(const Intervals& a, const Interval& span);
int64_t TotalMinutes(const Intervals& a);
// Minutes of `a` inside `span` (a normalized).
int64_t MinutesIn(const Intervals& a, const Interval& span);

// --- Daily rest ---------------------------------------------------------------------------------

// The daily-rest test on normalized work: for every instant in `week` at which work starts (the
// start of a normalized interval), the 24 hours that follow must contain `min_rest` consecutive
// minutes without work. Work that covers the whole week without a start fails with rest 0.
struct RestResult {
  bool ok = true;
  // The first failing start and the longest rest in the 24 h after it; when ok, the shortest
  // such longest rest over all starts (kMinutesPerDay when no work starts in the week).
  int64_t start = 0;
  int64_t longest_rest = kMinutesPerDay;
  int64_t starts_checked = 0;
};
RestResult CheckDailyRest(const Intervals& work, const Interval& week, int64_t min_rest);

// --- Formatting ---------------------------------------------------------------------------------

// Hours with one decimal for people: "45.2 h"; a whole number of hours prints "48 h"; when one
// decimal is not exact, the minutes follow: "48.0 h (2881 min)".
std::string FormatHours(int64_t minutes);
// "Tue 2027-03-23 14:00 Europe/Paris".
std::string FormatInstant(int64_t minutes, const absl::TimeZone& zone);

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_TIME_MODEL_H_

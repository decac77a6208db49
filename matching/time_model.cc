#include "matching/time_model.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace callmatch::matching {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t LocalMidnight(absl::CivilDay day, const absl::TimeZone& zone) {
  return ToUnixMinutes(absl::FromCivil(absl::CivilSecond(day), zone));
}

// Local civil minutes of `zone` to Unix minutes, as ToUnixMinutes(absl::FromCivil(m, zone)). When
// the zone keeps one UTC offset over the instants from `from` to `to` (no transition between: the
// common case, a week away from a DST change), by arithmetic; else through cctz. The time rules
// convert thousands of local times a query, and cctz's look-up was a tenth of a match.
class LocalClock {
 public:
  LocalClock(const absl::TimeZone& zone, absl::Time from, absl::Time to) : zone_(zone) {
    absl::TimeZone::CivilTransition next;
    offset_seconds_ = zone.At(from).offset;
    steady_ = zone.At(to).offset == offset_seconds_ &&
              (!zone.NextTransition(from, &next) || zone.At(next.to).trans > to);
  }
  int64_t ToUnix(absl::CivilSecond local) const {
    if (!steady_) return ToUnixMinutes(absl::FromCivil(local, zone_));
    return FloorDiv((local - kEpoch) - offset_seconds_, 60);
  }
  absl::CivilDay DayOf(int64_t unix_minutes) const {
    if (!steady_) return absl::ToCivilDay(FromUnixMinutes(unix_minutes), zone_);
    return absl::CivilDay(kEpoch + (unix_minutes * 60 + offset_seconds_));
  }

 private:
  static constexpr absl::CivilSecond kEpoch{1970, 1, 1, 0, 0, 0};
  const absl::TimeZone& zone_;
  bool steady_ = false;
  int64_t offset_seconds_ = 0;
};

}  // namespace

int64_t ToUnixMinutes(absl::Time t) { return FloorDiv(absl::ToUnixSeconds(t), 60); }

absl::Time FromUnixMinutes(int64_t minutes) { return absl::FromUnixSeconds(minutes * 60); }

std::optional<absl::CivilDay> ToCivilDay(const v1::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return std::nullopt;
  return absl::CivilDay(date.year(), date.month(), date.day());
}

v1::Date ToDate(absl::CivilDay day) {
  v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::CivilDay MondayOf(absl::CivilDay day) {
  return absl::PrevWeekday(day + 1, absl::Weekday::monday);
}

absl::CivilDay FirstMondayOnOrAfter(absl::CivilDay day) {
  return absl::NextWeekday(day - 1, absl::Weekday::monday);
}

int32_t DayNumber(absl::CivilDay day) {
  return static_cast<int32_t>(day - absl::CivilDay(1970, 1, 1));
}

absl::CivilDay FromDayNumber(int32_t day) {
  // Civil from days (ToDayNumber's arithmetic backwards): absl::CivilDay(1970, 1, 1) + day steps
  // a year at a time.
  const int64_t since_era_0 = int64_t{day} + 719468;
  const int64_t era = FloorDiv(since_era_0, 146097);
  const int64_t day_of_era = since_era_0 - era * 146097;  // [0, 146096]
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t march_month = (5 * day_of_year + 2) / 153;  // [0, 11], 0: March
  const int64_t d = day_of_year - (153 * march_month + 2) / 5 + 1;
  const int64_t m = march_month < 10 ? march_month + 3 : march_month - 9;
  return absl::CivilDay(era * 400 + year_of_era + (m <= 2), m, d);
}

std::optional<int32_t> ToDayNumber(const v1::Date& date) {
  const int64_t y = date.year();
  const int m = date.month();
  const int d = date.day();
  if (y == 0 && m == 0 && d == 0) return std::nullopt;
  static constexpr int kDaysIn[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  if (m < 1 || m > 12 || d < 1 || d > kDaysIn[m - 1] + (m == 2 && leap)) {
    return DayNumber(absl::CivilDay(y, m, d));  // normalized, as ToCivilDay does
  }
  // Days from civil (H. Hinnant's algorithm): years that start in March, so that February's
  // leap day comes last; eras of 400 years (146097 days); 1970-01-01 is day 719468 of era 0.
  const int64_t march_year = y - (m <= 2);
  const int64_t era = FloorDiv(march_year, 400);
  const int64_t year_of_era = march_year - era * 400;                           // [0, 399]
  const int64_t day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return static_cast<int32_t>(era * 146097 + day_of_era - 719468);
}

int32_t MondayNumberOf(int32_t day) {
  // 1970-01-01 was a Thursday: day + 3 is a multiple of 7 on Mondays.
  const int64_t since_monday = int64_t{day} + 3 - FloorDiv(int64_t{day} + 3, 7) * 7;
  return static_cast<int32_t>(day - since_monday);
}

Period PeriodOf(const v1::Date& start, const v1::Date& end) {
  return Period{ToCivilDay(start).value_or(kFarPast), ToCivilDay(end).value_or(kFarFuture)};
}

bool Overlaps(const Period& a, const Period& b) { return a.first <= b.last && b.first <= a.last; }

absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("no time zone");
  // absl::LoadTimeZone looks every name up under one process-wide mutex; the matching service's
  // handler threads load zones many times a match. Each thread keeps the zones it loaded (the
  // IANA names are a few hundred; unknown names are not kept).
  thread_local absl::flat_hash_map<std::string, absl::TimeZone> loaded;
  if (auto it = loaded.find(name); it != loaded.end()) return it->second;
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(std::string(name), &zone)) {
    return absl::InvalidArgumentError(absl::StrCat("unknown time zone \"", name, "\""));
  }
  loaded.emplace(std::string(name), zone);
  return zone;
}

absl::Status ValidateWindows(const v1::WeeklySchedule& schedule) {
  for (int i = 0; i < schedule.windows_size(); ++i) {
    const v1::WeeklyWindow& w = schedule.windows(i);
    if (w.start_minute() < 0 || w.start_minute() >= kMinutesPerWeek || w.end_minute() < 0 ||
        w.end_minute() > kMinutesPerWeek) {
      return absl::InvalidArgumentError(absl::StrCat("window ", i, " [", w.start_minute(), ", ",
                                                     w.end_minute(), ") is outside the week"));
    }
  }
  return absl::OkStatus();
}

int64_t NominalWeeklyMinutes(const v1::WeeklySchedule& schedule) {
  Intervals circle;
  for (const v1::WeeklyWindow& w : schedule.windows()) {
    const int64_t s = w.start_minute();
    const int64_t e = w.end_minute();
    if (e >= s) {
      circle.push_back({s, e});
    } else {
      circle.push_back({s, kMinutesPerWeek});
      circle.push_back({0, e});
    }
  }
  return TotalMinutes(Normalize(std::move(circle)));
}

Intervals ExpandSchedule(const v1::WeeklySchedule& schedule, const absl::TimeZone& zone,
                         absl::CivilDay monday) {
  Intervals out;
  // From the first week's Monday to the end of a window that wraps past the last week's Sunday,
  // with a day's margin on each side for the offset.
  const LocalClock clock(zone, absl::FromCivil(monday - 9, zone),
                         absl::FromCivil(monday + 23, zone));
  for (int week = -1; week <= 1; ++week) {
    const absl::CivilMinute base(monday + 7 * week);
    for (const v1::WeeklyWindow& w : schedule.windows()) {
      const int64_t s = w.start_minute();
      const int64_t e = w.end_minute() >= s ? w.end_minute() : w.end_minute() + kMinutesPerWeek;
      if (e == s) continue;
      out.push_back({clock.ToUnix(base + s), clock.ToUnix(base + e)});
    }
  }
  return Normalize(std::move(out));
}

Interval LocalSpan(absl::CivilDay first, absl::CivilDay last, const absl::TimeZone& zone) {
  return Interval{LocalMidnight(first, zone), LocalMidnight(last + 1, zone)};
}

ReferenceWeek MakeReferenceWeek(absl::CivilDay as_of, const absl::TimeZone& zone) {
  const absl::CivilDay monday = FirstMondayOnOrAfter(as_of);
  return ReferenceWeek{monday, LocalSpan(monday, monday + 6, zone)};
}

std::vector<LocalDay> DaysTouching(const Interval& span, const absl::TimeZone& zone) {
  std::vector<LocalDay> days;
  if (span.length() == 0) return days;
  const LocalClock clock(zone, FromUnixMinutes(span.start) - absl::Hours(48),
                         FromUnixMinutes(span.end) + absl::Hours(48));
  absl::CivilDay day = clock.DayOf(span.start);
  int64_t start = clock.ToUnix(absl::CivilSecond(day));
  while (start < span.end) {
    const int64_t end = clock.ToUnix(absl::CivilSecond(day + 1));
    if (end > span.start) days.push_back({day, {start, end}});
    ++day;
    start = end;
  }
  return days;
}

Intervals Normalize(Intervals intervals) {
  std::sort(intervals.begin(), intervals.end(), [](const Interval& a, const Interval& b) {
    return a.start != b.start ? a.start < b.start : a.end < b.end;
  });
  Intervals out;
  for (const Interval& iv : intervals) {
    if (iv.length() == 0) continue;
    if (!out.empty() && iv.start <= out.back().end) {
      out.back().end = std::max(out.back().end, iv.end);
    } else {
      out.push_back(iv);
    }
  }
  return out;
}

Intervals Unite(const Intervals& a, const Intervals& b) {
  Intervals all = a;
  all.insert(all.end(), b.begin(), b.end());
  return Normalize(std::move(all));
}

Intervals Intersect(const Intervals& a, const Intervals& b) {
  Intervals out;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const int64_t s = std::max(a[i].start, b[j].start);
    const int64_t e = std::min(a[i].end, b[j].end);
    if (s < e) out.push_back({s, e});
    if (a[i].end < b[j].end) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

Intervals Subtract(const Intervals& a, const Intervals& b) {
  Intervals out;
  size_t j = 0;
  for (const Interval& iv : a) {
    int64_t cursor = iv.start;
    while (j < b.size() && b[j].end <= cursor) ++j;
    size_t k = j;
    while (k < b.size() && b[k].start < iv.end) {
      if (b[k].start > cursor) out.push_back({cursor, b[k].start});
      cursor = std::max(cursor, b[k].end);
      ++k;
    }
    if (cursor < iv.end) out.push_back({cursor, iv.end});
  }
  return out;
}

Intervals Clip(const Intervals& a, const Interval& span) { return Intersect(a, {span}); }

int64_t TotalMinutes(const Intervals& a) {
  int64_t total = 0;
  for (const Interval& iv : a) total += iv.length();
  return total;
}

int64_t MinutesIn(const Intervals& a, const Interval& span) {
  int64_t total = 0;
  for (const Interval& iv : a) {
    const int64_t s = std::max(iv.start, span.start);
    const int64_t e = std::min(iv.end, span.end);
    if (s < e) total += e - s;
  }
  return total;
}

RestResult CheckDailyRest(const Intervals& work, const Interval& week, int64_t min_rest) {
  RestResult result;
  for (const Interval& iv : work) {
    if (iv.start < week.start && iv.end >= week.end) {
      result.ok = false;
      result.start = week.start;
      result.longest_rest = 0;
      return result;
    }
  }
  for (size_t i = 0; i < work.size(); ++i) {
    const int64_t s = work[i].start;
    if (s < week.start || s >= week.end) continue;
    ++result.starts_checked;
    const int64_t horizon = s + kMinutesPerDay;
    int64_t cursor = std::min(work[i].end, horizon);
    int64_t longest = 0;
    for (size_t j = i + 1; j < work.size() && work[j].start < horizon; ++j) {
      longest = std::max(longest, work[j].start - cursor);
      cursor = std::min(std::max(cursor, work[j].end), horizon);
    }
    longest = std::max(longest, horizon - cursor);
    if (longest < min_rest) {
      result.ok = false;
      result.start = s;
      result.longest_rest = longest;
      return result;
    }
    if (longest < result.longest_rest) {
      result.longest_rest = longest;
      result.start = s;
    }
  }
  return result;
}

std::string FormatHours(int64_t minutes) {
  const bool negative = minutes < 0;
  const int64_t m = negative ? -minutes : minutes;
  const char* sign = negative ? "-" : "";
  if (m % 60 == 0) return absl::StrCat(sign, m / 60, " h");
  // Tenths of an hour, rounded half up.
  const int64_t tenths = (m * 10 + 30) / 60;
  std::string out = absl::StrCat(sign, tenths / 10, ".", tenths % 10, " h");
  if (m % 6 != 0) absl::StrAppend(&out, " (", sign, m, " min)");
  return out;
}

std::string FormatInstant(int64_t minutes, const absl::TimeZone& zone) {
  return absl::StrCat(absl::FormatTime("%a %Y-%m-%d %H:%M", FromUnixMinutes(minutes), zone), " ",
                      zone.name());
}

}  // namespace callmatch::matching

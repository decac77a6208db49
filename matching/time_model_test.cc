#include "matching/time_model.h"

#include <gtest/gtest.h>

#include "matching/test_util.h"

namespace callmatch::matching {
namespace {

using testing::At;
using testing::Schedule;

absl::TimeZone Zone(const char* name) {
  absl::StatusOr<absl::TimeZone> z = LoadZone(name);
  EXPECT_TRUE(z.ok()) << z.status();
  return z.value_or(absl::UTCTimeZone());
}

int64_t Utc(int y, int mo, int d, int h, int mi = 0) {
  return ToUnixMinutes(absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), absl::UTCTimeZone()));
}

TEST(TimeModel, ReferenceWeekIsFirstMondayOnOrAfterAsOf) {
  EXPECT_EQ(FirstMondayOnOrAfter(absl::CivilDay(2027, 3, 1)), absl::CivilDay(2027, 3, 1));
  EXPECT_EQ(FirstMondayOnOrAfter(absl::CivilDay(2027, 3, 2)), absl::CivilDay(2027, 3, 8));
  EXPECT_EQ(FirstMondayOnOrAfter(absl::CivilDay(2027, 3, 7)), absl::CivilDay(2027, 3, 8));
  EXPECT_EQ(MondayOf(absl::CivilDay(2027, 3, 7)), absl::CivilDay(2027, 3, 1));
  const ReferenceWeek w = MakeReferenceWeek(absl::CivilDay(2027, 3, 3), Zone("Europe/Paris"));
  EXPECT_EQ(w.monday, absl::CivilDay(2027, 3, 8));
  EXPECT_EQ(w.span.start, Utc(2027, 3, 7, 23));  // Monday 00:00 CET
  EXPECT_EQ(w.span.length(), kMinutesPerWeek);
}

TEST(TimeModel, ReferenceWeekWithDaylightSavingChangeLasts167Or169Hours) {
  const absl::TimeZone paris = Zone("Europe/Paris");
  // Clocks go forward on Sunday 2027-03-28 and back on Sunday 2027-10-31.
  EXPECT_EQ(MakeReferenceWeek(absl::CivilDay(2027, 3, 22), paris).span.length(), 167 * 60);
  EXPECT_EQ(MakeReferenceWeek(absl::CivilDay(2027, 10, 25), paris).span.length(), 169 * 60);
  // New York changed on 2027-03-14: its week of the 22nd is a plain one.
  EXPECT_EQ(MakeReferenceWeek(absl::CivilDay(2027, 3, 22), Zone("America/New_York")).span.length(),
            168 * 60);
}

TEST(TimeModel, WindowAcrossMidnightIsOneInterval) {
  const Intervals iv = ExpandSchedule(Schedule("Europe/Paris", {{At(0, 22), At(1, 2)}}),
                                      Zone("Europe/Paris"), absl::CivilDay(2027, 3, 1));
  ASSERT_EQ(iv.size(), 3u);  // previous, reference and next week
  EXPECT_EQ(iv[1].start, Utc(2027, 3, 1, 21));
  EXPECT_EQ(iv[1].length(), 240);
}

TEST(TimeModel, WrapAroundWindowEndsInNextWeek) {
  // Sunday 22:00 to Monday 02:00: the previous week's copy covers the reference Monday morning.
  const absl::TimeZone utc = absl::UTCTimeZone();
  const Intervals iv =
      ExpandSchedule(Schedule("UTC", {{At(6, 22), At(0, 2)}}), utc, absl::CivilDay(2027, 3, 1));
  const ReferenceWeek w = MakeReferenceWeek(absl::CivilDay(2027, 3, 1), utc);
  EXPECT_EQ(MinutesIn(iv, w.span), 240);  // Mon 00:00-02:00 and Sun 22:00-24:00
  EXPECT_EQ(iv.front().start, Utc(2027, 2, 28, 22));
  EXPECT_EQ(NominalWeeklyMinutes(Schedule("UTC", {{At(6, 22), At(0, 2)}})), 240);
}

TEST(TimeModel, WindowAcrossSpringForwardLastsWhatClocksSay) {
  // Sunday 2027-03-28, Paris: 01:00 to 04:00 on the clock is two hours of work.
  const Intervals iv = ExpandSchedule(Schedule("Europe/Paris", {{At(6, 1), At(6, 4)}}),
                                      Zone("Europe/Paris"), absl::CivilDay(2027, 3, 22));
  ASSERT_EQ(iv.size(), 3u);
  EXPECT_EQ(iv[0].length(), 180);
  EXPECT_EQ(iv[1].length(), 120);
  EXPECT_EQ(iv[2].length(), 180);
}

TEST(TimeModel, NominalMinutesCountOverlapsOnce) {
  EXPECT_EQ(NominalWeeklyMinutes(Schedule("UTC", {{0, 600}, {300, 900}, {900, 960}})), 960);
  EXPECT_EQ(NominalWeeklyMinutes(Schedule("UTC", {{500, 500}})), 0);
}

TEST(TimeModel, ValidatesWindowsAndZones) {
  EXPECT_TRUE(ValidateWindows(Schedule("UTC", {{0, 10080}, {10079, 0}})).ok());
  EXPECT_FALSE(ValidateWindows(Schedule("UTC", {{10080, 10080}})).ok());
  EXPECT_FALSE(ValidateWindows(Schedule("UTC", {{-1, 10}})).ok());
  EXPECT_FALSE(LoadZone("Mars/Olympus").ok());
  EXPECT_FALSE(LoadZone("").ok());
}

TEST(TimeModel, TouchingIntervalsMergeOverlappingSubtract) {
  EXPECT_EQ(Normalize({{10, 20}, {0, 10}, {30, 30}}), (Intervals{{0, 20}}));
  EXPECT_EQ(Normalize({{0, 10}, {11, 20}}), (Intervals{{0, 10}, {11, 20}}));
  EXPECT_EQ(Subtract({{0, 100}}, {{10, 20}, {20, 30}, {90, 120}}), (Intervals{{0, 10}, {30, 90}}));
  EXPECT_EQ(Subtract({{0, 10}}, {{10, 20}}), (Intervals{{0, 10}}));  // touching: nothing removed
  EXPECT_EQ(Intersect({{0, 10}, {20, 30}}, {{5, 25}}), (Intervals{{5, 10}, {20, 25}}));
  EXPECT_EQ(Intersect({{0, 10}}, {{10, 20}}), Intervals{});
  EXPECT_EQ(MinutesIn({{0, 10}, {20, 30}}, {5, 25}), 10);
}

TEST(TimeModel, DaysTouchingFollowTheZone) {
  // A Paris week seen from New York: 8 calendar days, the Sunday of the change 23 hours long.
  const ReferenceWeek w = MakeReferenceWeek(absl::CivilDay(2027, 3, 22), Zone("Europe/Paris"));
  const std::vector<LocalDay> ny = DaysTouching(w.span, Zone("America/New_York"));
  ASSERT_EQ(ny.size(), 8u);
  EXPECT_EQ(ny.front().day, absl::CivilDay(2027, 3, 21));
  const std::vector<LocalDay> paris = DaysTouching(w.span, Zone("Europe/Paris"));
  ASSERT_EQ(paris.size(), 7u);
  EXPECT_EQ(paris[6].span.length(), 23 * 60);
}

// The expansions and local days take a UTC offset by arithmetic when the zone keeps one around
// the weeks converted: the same answers as cctz for every Monday of two years, across the DST
// changes of both hemispheres, a zone with a 30-minute shift and one that changed its offset.
TEST(TimeModel, ExpansionsAndDaysMatchCctzEveryWeek) {
  const v1::WeeklySchedule schedule =
      Schedule("UTC", {{At(0, 0), At(0, 1)},
                       {At(0, 9), At(0, 17)},
                       {At(2, 1), At(2, 4)},
                       {At(6, 22), At(0, 3)}});  // wraps into the next week
  for (const char* name : {"Europe/Paris", "America/New_York", "Australia/Sydney",
                           "Australia/Lord_Howe", "America/Sao_Paulo", "Asia/Kolkata", "UTC"}) {
    const absl::TimeZone zone = Zone(name);
    for (absl::CivilDay monday = FirstMondayOnOrAfter(absl::CivilDay(2018, 1, 1));
         monday < absl::CivilDay(2020, 1, 1); monday += 7) {
      Intervals expected;
      for (int week = -1; week <= 1; ++week) {
        const absl::CivilMinute base(monday + 7 * week);
        for (const v1::WeeklyWindow& w : schedule.windows()) {
          const int64_t e =
              w.end_minute() >= w.start_minute() ? w.end_minute() : w.end_minute() + 7 * 24 * 60;
          expected.push_back({ToUnixMinutes(absl::FromCivil(base + w.start_minute(), zone)),
                              ToUnixMinutes(absl::FromCivil(base + e, zone))});
        }
      }
      ASSERT_EQ(ExpandSchedule(schedule, zone, monday), Normalize(expected))
          << name << " " << monday;
      const Interval span = MakeReferenceWeek(monday, Zone("Europe/Paris")).span;
      std::vector<LocalDay> days;
      for (absl::CivilDay d = absl::ToCivilDay(FromUnixMinutes(span.start), zone);; ++d) {
        const int64_t start = ToUnixMinutes(absl::FromCivil(d, zone));
        const int64_t end = ToUnixMinutes(absl::FromCivil(d + 1, zone));
        if (start >= span.end) break;
        days.push_back({d, {start, end}});
      }
      const std::vector<LocalDay> got = DaysTouching(span, zone);
      ASSERT_EQ(got.size(), days.size()) << name << " " << monday;
      for (size_t i = 0; i < days.size(); ++i) {
        EXPECT_EQ(got[i].day, days[i].day) << name << " " << monday;
        EXPECT_EQ(got[i].span, days[i].span) << name << " " << monday;
      }
    }
  }
}

TEST(TimeModel, DailyRestExactlyElevenHoursPasses) {
  // Work 08:00-12:00 and 17:00-21:00 every day: rest 21:00-08:00 is 11 h.
  const absl::TimeZone utc = absl::UTCTimeZone();
  const ReferenceWeek w = MakeReferenceWeek(absl::CivilDay(2027, 3, 1), utc);
  Intervals work;
  for (int d = -7; d < 14; ++d) {
    const int64_t day = w.span.start + d * kMinutesPerDay;
    work.push_back({day + 8 * 60, day + 12 * 60});
    work.push_back({day + 17 * 60, day + 21 * 60});
  }
  work = Normalize(work);
  const RestResult ok = CheckDailyRest(work, w.span, 660);
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.longest_rest, 660);
  EXPECT_EQ(ok.starts_checked, 14);
  // One minute more on Wednesday evening: 10 h 59 min.
  for (Interval& iv : work) {
    if (iv.start == w.span.start + 2 * kMinutesPerDay + 17 * 60) iv.end += 1;
  }
  const RestResult short_rest = CheckDailyRest(work, w.span, 660);
  EXPECT_FALSE(short_rest.ok);
  EXPECT_EQ(short_rest.longest_rest, 659);
}

TEST(TimeModel, UninterruptedWorkHasNoRest) {
  const Interval week{0, kMinutesPerWeek};
  EXPECT_FALSE(CheckDailyRest({{-100, kMinutesPerWeek + 100}}, week, 660).ok);
  EXPECT_TRUE(CheckDailyRest({}, week, 660).ok);
}

TEST(TimeModel, FormatsHoursWithOneDecimal) {
  EXPECT_EQ(FormatHours(2880), "48 h");
  EXPECT_EQ(FormatHours(2712), "45.2 h");
  EXPECT_EQ(FormatHours(2881), "48.0 h (2881 min)");
  EXPECT_EQ(FormatHours(-90), "-1.5 h");
  EXPECT_EQ(FormatHours(0), "0 h");
}

TEST(TimeModel, PeriodsAreInclusive) {
  const Period a = PeriodOf(testing::D(2027, 1, 1), testing::D(2027, 1, 31));
  EXPECT_TRUE(Overlaps(a, Period{absl::CivilDay(2027, 1, 31), absl::CivilDay(2027, 2, 5)}));
  EXPECT_FALSE(Overlaps(a, Period{absl::CivilDay(2027, 2, 1), absl::CivilDay(2027, 2, 5)}));
  const Period open = PeriodOf(testing::D(2027, 1, 1), v1::Date());
  EXPECT_EQ(open.last, kFarFuture);
}

// ToDayNumber's arithmetic against absl::CivilDay, real dates and ones that normalize.
TEST(TimeModel, DayNumbersAreCivilDaysCounted) {
  v1::Date unset;
  EXPECT_FALSE(ToDayNumber(unset).has_value());
  for (int year : {-401, -1, 0, 1, 1600, 1900, 1969, 1970, 2000, 2024, 2027, 2100, 9999}) {
    for (int month = -1; month <= 14; ++month) {
      for (int day = -1; day <= 33; ++day) {
        v1::Date date;
        date.set_year(year);
        date.set_month(month);
        date.set_day(day);
        const std::optional<absl::CivilDay> civil = ToCivilDay(date);
        if (!civil.has_value()) continue;
        ASSERT_EQ(ToDayNumber(date), DayNumber(*civil)) << year << "-" << month << "-" << day;
        EXPECT_EQ(FromDayNumber(DayNumber(*civil)), *civil);
        EXPECT_EQ(MondayNumberOf(DayNumber(*civil)), DayNumber(MondayOf(*civil)));
      }
    }
  }
  for (int32_t day = -800'000; day <= 3'000'000; day += 97) {
    ASSERT_EQ(FromDayNumber(day), absl::CivilDay(1970, 1, 1) + day) << day;
  }
}

}  // namespace
}  // namespace callmatch::matching

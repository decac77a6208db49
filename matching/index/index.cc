#include "matching/index/index.h"

#include <malloc.h>
#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <queue>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "matching/explain.h"
#include "matching/index/verdict.h"
#include "matching/policy.h"
#include "matching/ranking.h"
#include "matching/registration.h"
#include "matching/rules.h"
#include "matching/segments.h"
#include "matching/workload.h"

namespace callmatch::matching {

namespace {

constexpr int kMaxLevel = 7;  // CEFR_LEVEL_NATIVE

// The exclusion-set keys of a segment held by a teleoperator (an employer's, a clause's, a held
// mission's): every node of its path ("s:"), its last node ("l:"), or the code itself when it
// does not parse ("r:"). A campaign segment then finds every overlapping one (segments.h): the
// ones below or at it under "s:<its last node>", the ones above it under "l:<each node>".
void AddSegmentKeys(const std::string& code, std::vector<std::string>& keys) {
  const std::string normalized = NormalizeSegment(code);
  if (normalized.empty()) return;  // overlaps nothing
  const std::vector<std::string> path = SegmentPath(normalized);
  if (path.empty()) {
    keys.push_back(absl::StrCat("r:", normalized));
    return;
  }
  for (const std::string& node : path) keys.push_back(absl::StrCat("s:", node));
  keys.push_back(absl::StrCat("l:", path.back()));
}

// The keys under which a campaign segment finds the teleoperators' overlapping segments.
void AddCampaignSegmentKeys(const std::string& code, std::vector<std::string>& keys) {
  const std::string normalized = NormalizeSegment(code);
  if (normalized.empty()) return;
  const std::vector<std::string> path = SegmentPath(normalized);
  if (path.empty()) {
    keys.push_back(absl::StrCat("r:", normalized));
    return;
  }
  keys.push_back(absl::StrCat("s:", path.back()));
  for (const std::string& node : path) keys.push_back(absl::StrCat("l:", node));
}

template <typename T>
void SortUnique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// An hour of daylight-saving change can shorten a fixed job's own week; no zone moves its clocks
// by more than this within one week, so a job's week minutes are at least its nominal minutes
// less this margin.
constexpr int64_t kDaylightMarginMinutes = 180;

// A load's minutes in SlackLoad's 32 bits: a week's minutes at most, or an int32 field of the
// campaign (weekly_minutes_per_seat), so the clamp never bites.
int32_t LoadMinutes(int64_t minutes) {
  return static_cast<int32_t>(std::clamp<int64_t>(minutes, std::numeric_limits<int32_t>::min(),
                                                  std::numeric_limits<int32_t>::max()));
}

using HourMask = std::array<uint64_t, 3>;  // hours of a week, bit h of word h / 64

void SetHour(HourMask& mask, int64_t hour) {
  const int64_t h = (hour % 168 + 168) % 168;
  mask[h / 64] |= uint64_t{1} << (h % 64);
}

// The hours of the week (Monday 00:00 = 0) that a schedule's windows cover entirely and touch,
// nominally: windows [start, end) in minutes of the week, end < start wrapping, start == end
// empty.
void ScheduleHours(const v1::WeeklySchedule& schedule, HourMask& full, HourMask& touched) {
  // The windows as disjoint spans of minutes of the week (a wrapping one in two parts), then the
  // minutes each hour holds.
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (const v1::WeeklyWindow& w : schedule.windows()) {
    if (w.end_minute() < w.start_minute()) {
      spans.emplace_back(w.start_minute(), kMinutesPerWeek);
      spans.emplace_back(0, w.end_minute());
    } else if (w.start_minute() < w.end_minute()) {
      spans.emplace_back(w.start_minute(), w.end_minute());
    }
  }
  std::sort(spans.begin(), spans.end());
  std::array<int64_t, 168> minutes{};
  int64_t covered_to = 0;  // the spans so far cover nothing at or after this minute
  for (auto [from, to] : spans) {
    from = std::max(from, covered_to);
    if (from >= to) continue;
    covered_to = to;
    for (int64_t h = from / 60; h * 60 < to; ++h) {
      minutes[h] += std::min(to, 60 * h + 60) - std::max(from, 60 * h);
    }
  }
  full = {};
  touched = {};
  for (int h = 0; h < 168; ++h) {
    if (minutes[h] == 60) SetHour(full, h);
    if (minutes[h] > 0) SetHour(touched, h);
  }
}

// Whether every day of `zone` from monday - 8 to monday + 14 lasts 24 hours: then the schedules
// ExpandSchedule expands around that Monday map local minutes to instants by one offset, and two
// schedules of that zone compare minute for minute as written.
bool SteadyAround(absl::CivilDay monday, const absl::TimeZone& zone) {
  for (absl::CivilDay d = monday - 8; d < monday + 15; ++d) {
    if (absl::FromCivil(d + 1, zone) - absl::FromCivil(d, zone) != absl::Hours(24)) return false;
  }
  return true;
}

// The hours of the local week of `zone` (0 = Monday 00:00) that `needed` (instants, normalized)
// fills entirely and touches, when `zone` keeps one offset around `monday` (SteadyAround): then
// local minutes are instants less the instant of the local Monday.
void LocalHours(const Intervals& needed, const absl::TimeZone& zone, absl::CivilDay monday,
                HourMask& full, HourMask& touched) {
  const int64_t origin = ToUnixMinutes(absl::FromCivil(monday, zone));
  full = {};
  touched = {};
  for (const Interval& i : needed) {
    if (i.length() == 0) continue;
    for (int64_t h = FloorDiv(i.start - origin + 59, 60); h < FloorDiv(i.end - origin, 60); ++h) {
      SetHour(full, h);
    }
    for (int64_t h = FloorDiv(i.start - origin, 60); h < FloorDiv(i.end - origin + 59, 60); ++h) {
      SetHour(touched, h);
    }
  }
}

// A ranked teleoperator in the bounded heap.
struct Ranked {
  int64_t score = 0;
  SlotName name;  // in the slot's block
  std::vector<v1::ScoreComponent> components;
};
// a ranks before b: higher score, then lower name (RanksBefore). As the heap's "less", the
// heap's top is the one that ranks last.
struct RanksFirst {
  bool operator()(const Ranked& a, const Ranked& b) const {
    if (a.score != b.score) return a.score > b.score;
    return a.name < b.name;
  }
};

// The k best, in a bounded heap whose front is the one that ranks last.
class TopK {
 public:
  explicit TopK(size_t k) : k_(k) {}
  bool full() const { return heap_.size() >= k_; }
  int64_t worst_score() const { return heap_.front().score; }
  // Whether (score, name) would enter now.
  bool Enters(int64_t score, const SlotName& name) const {
    if (k_ == 0) return false;
    if (heap_.size() < k_) return true;
    const Ranked& worst = heap_.front();
    return score != worst.score ? score > worst.score : name < worst.name;
  }
  void Offer(Ranked r) {
    if (!Enters(r.score, r.name)) return;
    if (heap_.size() >= k_) {
      std::pop_heap(heap_.begin(), heap_.end(), RanksFirst());
      heap_.pop_back();
    }
    heap_.push_back(std::move(r));
    std::push_heap(heap_.begin(), heap_.end(), RanksFirst());
  }
  // Best first, ranks from 1.
  std::vector<v1::Match> Take() {
    std::sort(heap_.begin(), heap_.end(), RanksFirst());
    std::vector<v1::Match> out;
    for (size_t i = 0; i < heap_.size(); ++i) {
      v1::Match m;
      m.set_teleoperator(heap_[i].name.ToString());
      m.set_score(heap_[i].score);
      m.set_rank(static_cast<int32_t>(i + 1));
      for (v1::ScoreComponent& c : heap_[i].components) *m.add_components() = std::move(c);
      out.push_back(std::move(m));
    }
    heap_.clear();
    return out;
  }

 private:
  size_t k_;
  std::vector<Ranked> heap_;
};

}  // namespace

// --- A slot's block -----------------------------------------------------------------------------
// Everything the index keeps of one teleoperator but its Hot and its bits, in one heap block (no
// protobuf objects, no TeleoperatorFacts; the facts are made again, SlotFacts, for the few
// candidates the time rules run on):
//   - a header: the counts of the four arrays that follow (16 bits each, but past 0xfffe);
//   - the arrays the score bound reads in place, so that a pass over thousands of candidates
//     decodes nothing: its SlackLoads, the first day of each assignment contract, its interned
//     sector codes when Hot holds only the first ones, its skills outside Hot's 0 to 63;
//   - the length of the varints that follow (the block's size, for BlockPool::Free);
//   - varints (EncodeSlot): its name, its interned country, its number of contracts, its interned
//     keys (sorted, as gaps: Uncompile reads them alone), its interned schedules (the
//     availability's, then each employment's; 0: none), its languages when Hot cannot hold them,
//     what its facts made of its activity logs, and its records: only the fields the rules read.
//     Dates are day numbers, registration numbers numbers, a contract's campaign and client the
//     index of their key among the slot's keys (the key holds the name). The profile's languages,
//     skills and sector codes are not repeated: they are read back from Hot and the arrays (all
//     the rules read of them is which are held, a language at its highest level).
// One block instead of a string, a name and a vector each: a std::string or std::vector costs 24
// to 32 bytes and a heap block of its own; protobuf messages serialized cost 2 bytes a field and 9
// a date, and a campaign's name tens of bytes where its key's index takes one.
struct MatchingIndex::Block {
  // The four counts, 16 bits each (8 bytes, not 16: the counts of nearly every teleoperator fit
  // in a byte); past 0xfffe, kWide in the first and the four as 32 bits after it.
  struct Header {
    uint32_t loads = 0;
    uint32_t starts = 0;
    uint32_t sectors = 0;
    uint32_t other_skills = 0;
  };
  static constexpr uint16_t kWide = 0xffff;
  static constexpr size_t kNarrowHeader = 4 * sizeof(uint16_t);
  static constexpr size_t kWideHeader = kNarrowHeader + sizeof(Header);
  static_assert(kNarrowHeader % alignof(SlackLoad) == 0 && kWideHeader % alignof(SlackLoad) == 0);
  static_assert(sizeof(SlackLoad) % alignof(int32_t) == 0);

  static bool Wide(const std::byte* b) {
    uint16_t first;
    std::memcpy(&first, b, sizeof(first));
    return first == kWide;
  }
  static Header HeaderOf(const std::byte* b) {
    Header h;
    if (Wide(b)) {
      std::memcpy(&h, b + kNarrowHeader, sizeof(h));
      return h;
    }
    uint16_t counts[4];
    std::memcpy(counts, b, sizeof(counts));
    return {counts[0], counts[1], counts[2], counts[3]};
  }
  static const SlackLoad* Loads(const std::byte* b) {
    return reinterpret_cast<const SlackLoad*>(b + (Wide(b) ? kWideHeader : kNarrowHeader));
  }
  static const int32_t* Starts(const std::byte* b) {
    return reinterpret_cast<const int32_t*>(Loads(b) + HeaderOf(b).loads);
  }
  static const uint32_t* Sectors(const std::byte* b) {
    return reinterpret_cast<const uint32_t*>(Starts(b) + HeaderOf(b).starts);
  }
  static const int32_t* OtherSkills(const std::byte* b) {
    return reinterpret_cast<const int32_t*>(Sectors(b) + HeaderOf(b).sectors);
  }
  static void PutLength(std::string& out, size_t n) {
    while (n >= 0x80) {
      out.push_back(static_cast<char>(n | 0x80));
      n >>= 7;
    }
    out.push_back(static_cast<char>(n));
  }
  // The varints' length (for Size), then the varints.
  static const char* VarintsLength(const std::byte* b) {
    return reinterpret_cast<const char*>(OtherSkills(b) + HeaderOf(b).other_skills);
  }
  static const char* Varints(const std::byte* b) {
    const char* p = VarintsLength(b);
    while (static_cast<uint8_t>(*p) >= 0x80) ++p;
    return p + 1;
  }
  // The block's bytes, for BlockPool::Free.
  static size_t Size(const std::byte* b) {
    const char* p = VarintsLength(b);
    size_t n = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t byte = static_cast<uint8_t>(*p++);
      n |= size_t{byte & 0x7fu} << shift;
      if (byte < 0x80) break;
    }
    return static_cast<size_t>(p - reinterpret_cast<const char*>(b)) + n;
  }

  // A block from `pool` (aligned to 8 bytes, as the arrays need), given back with Free.
  static std::byte* Make(BlockPool& pool, const std::vector<SlackLoad>& loads,
                         const std::vector<int32_t>& starts, const std::vector<uint32_t>& sectors,
                         const std::vector<int32_t>& other_skills, const std::string& varints) {
    const Header header{static_cast<uint32_t>(loads.size()), static_cast<uint32_t>(starts.size()),
                        static_cast<uint32_t>(sectors.size()),
                        static_cast<uint32_t>(other_skills.size())};
    const bool wide =
        std::max({header.loads, header.starts, header.sectors, header.other_skills}) >= kWide;
    std::string length;
    PutLength(length, varints.size());
    const size_t size = (wide ? kWideHeader : kNarrowHeader) + loads.size() * sizeof(SlackLoad) +
                        (starts.size() + sectors.size() + other_skills.size()) * 4 + length.size() +
                        varints.size();
    static_assert(BlockPool::kGrain % alignof(SlackLoad) == 0);
    std::byte* block = pool.Allocate(size);
    std::byte* p = block;
    auto put = [&p](const void* data, size_t bytes) {
      if (bytes > 0) std::memcpy(p, data, bytes);
      p += bytes;
    };
    if (wide) {
      const uint16_t marks[4] = {kWide, 0, 0, 0};
      put(marks, sizeof(marks));
      put(&header, sizeof(header));
    } else {
      const uint16_t counts[4] = {
          static_cast<uint16_t>(header.loads), static_cast<uint16_t>(header.starts),
          static_cast<uint16_t>(header.sectors), static_cast<uint16_t>(header.other_skills)};
      put(counts, sizeof(counts));
    }
    put(loads.data(), loads.size() * sizeof(SlackLoad));
    put(starts.data(), starts.size() * 4);
    put(sectors.data(), sectors.size() * 4);
    put(other_skills.data(), other_skills.size() * 4);
    put(length.data(), length.size());
    put(varints.data(), varints.size());
    return block;
  }
};

namespace {

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void PutSigned(std::string& out, int64_t v) { PutVarint(out, ZigZag(v)); }
void PutString(std::string& out, absl::string_view s) {
  PutVarint(out, s.size());
  out.append(s.data(), s.size());
}
// A registration number: up to 19 decimal digits as their value with their count (a SIRET's 14
// digits take 8 bytes instead of 15); anything else as a string.
void PutNumber(std::string& out, absl::string_view s) {
  const bool digits = !s.empty() && s.size() <= 19 &&
                      std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  PutVarint(out, s.size() * 2 + (digits ? 1 : 0));
  if (!digits) {
    out.append(s.data(), s.size());
    return;
  }
  uint64_t value = 0;
  for (char c : s) value = value * 10 + static_cast<uint64_t>(c - '0');
  PutVarint(out, value);
}
// A date: 0 when absent; 2 + its day number (zigzag) when it is a day as written; else 1 and its
// fields as they are.
void PutDate(std::string& out, bool present, const v1::Date& d) {
  if (!present) {
    PutVarint(out, 0);
    return;
  }
  const std::optional<absl::CivilDay> day = ToCivilDay(d);
  if (day.has_value() && d.year() >= 1 && d.year() <= 9999 && day->year() == d.year() &&
      day->month() == d.month() && day->day() == d.day()) {
    PutVarint(out, 2 + ZigZag(DayNumber(*day)));
    return;
  }
  PutVarint(out, 1);
  PutSigned(out, d.year());
  PutSigned(out, d.month());
  PutSigned(out, d.day());
}

// Reads what the Put functions wrote, in order (the index's own bytes: no bounds to check).
class VarintReader {
 public:
  explicit VarintReader(const char* p) : p_(p) {}
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = static_cast<uint8_t>(*p_++);
      v |= uint64_t{b & 0x7fu} << shift;
      if (b < 0x80) return v;
    }
  }
  uint32_t Varint32() { return static_cast<uint32_t>(Varint()); }
  // A slot's name (EncodeSlot).
  SlotName Name() {
    const uint64_t tag = Varint();
    const absl::string_view rest(p_, tag / 2);
    p_ += tag / 2;
    return {tag % 2 == 1, rest};
  }
  int64_t Signed() { return UnZigZag(Varint()); }
  const char* position() const { return p_; }
  absl::string_view String() {
    const size_t n = Varint();
    const absl::string_view s(p_, n);
    p_ += n;
    return s;
  }
  std::string Number() {
    const uint64_t tag = Varint();
    const size_t n = tag / 2;
    if (tag % 2 == 0) {
      std::string s(p_, n);
      p_ += n;
      return s;
    }
    std::string s(n, '0');
    uint64_t value = Varint();
    for (size_t i = n; i > 0 && value > 0; --i, value /= 10) {
      s[i - 1] = static_cast<char>('0' + value % 10);
    }
    return s;
  }
  std::optional<v1::Date> Date() {
    const uint64_t tag = Varint();
    if (tag == 0) return std::nullopt;
    if (tag == 1) {
      v1::Date d;
      d.set_year(static_cast<int32_t>(Signed()));
      d.set_month(static_cast<int32_t>(Signed()));
      d.set_day(static_cast<int32_t>(Signed()));
      return d;
    }
    return ToDate(FromDayNumber(static_cast<int32_t>(UnZigZag(tag - 2))));
  }
  // Past a String, a Number, a Date, without making them.
  void SkipString() { p_ += Varint(); }
  void SkipNumber() {
    const uint64_t tag = Varint();
    if (tag % 2 == 0) {
      p_ += tag / 2;
    } else {
      Varint();
    }
  }
  void SkipDate() {
    if (Varint() == 1) {
      Varint();
      Varint();
      Varint();
    }
  }

 protected:
  const char* p_;
};

// What MakeTeleoperatorFacts made of a teleoperator's logs, by contract index: the revenue
// entries (LogTotals::Revenue, as they are), and the minutes logged per contract and week (days
// since 1970-01-01).
struct LoggedWeek {
  uint32_t contract = 0;
  int32_t monday = 0;
  int64_t minutes = 0;
};

// What a slot's varints hold but its records, for EncodeSlot.
struct SlotHead {
  uint32_t country = 0;
  std::vector<uint32_t> keys;       // sorted, unique
  std::vector<uint32_t> schedules;  // the availability's, then each employment's; 0: none
  // Only with Hot::unusual_language, else empty.
  const std::vector<std::pair<std::string, int>>* unusual_languages = nullptr;
  // Each contract's keys: "k:<campaign>", "c:<client>".
  std::vector<std::pair<uint32_t, uint32_t>> contract_keys;
  // A put that says what changed (MatchingIndex::KeptRecords): the bytes of the logs' aggregates
  // and of the employments and contracts, copied as they are (then `contract_keys` and the facts'
  // contracts and logs are not read); else both encoded.
  std::optional<absl::string_view> kept_logs;
  std::optional<absl::string_view> kept_records;
  Vocabulary* codes = nullptr;  // the records' country and segment codes
};

// The logs' aggregates of a slot's varints (EncodeSlot); days as the gap from the entry before
// (a byte or two).
void PutLogs(const TeleoperatorFacts& facts, std::string& out) {
  PutVarint(out, facts.logs.revenue.size());
  int32_t previous_day = 0;
  for (const LogTotals::Revenue& r : facts.logs.revenue) {
    PutSigned(out, int64_t{r.day} - previous_day);
    previous_day = r.day;
    PutVarint(out, r.contract);
    PutSigned(out, r.minor_units);
  }
  size_t weeks = 0;
  for (const ContractFacts& k : facts.contracts) weeks += k.minutes_by_week.size();
  PutVarint(out, weeks);
  previous_day = 0;
  for (size_t k = 0; k < facts.contracts.size(); ++k) {
    for (const auto& [monday, minutes] : facts.contracts[k].minutes_by_week) {
      PutVarint(out, k);
      PutSigned(out, int64_t{DayNumber(monday)} - previous_day);
      previous_day = DayNumber(monday);
      PutSigned(out, minutes);
    }
  }
}

// A slot's varints (the block's layout above), into `out` (replaced; its capacity is kept).
void EncodeSlot(const SlotHead& head, const TeleoperatorFacts& facts, const TeleoperatorData& t,
                std::string& out) {
  out.clear();
  // The name: its length, whether it had "teleoperators/" (then left out), the rest.
  const SlotName name = SlotName::Of(t.profile.name());
  PutVarint(out, name.rest.size() * 2 + (name.prefixed ? 1 : 0));
  out.append(name.rest.data(), name.rest.size());
  PutVarint(out, head.country);
  PutVarint(out, t.contracts.size());
  PutVarint(out, head.keys.size());
  uint32_t previous_key = 0;
  for (uint32_t key : head.keys) {
    PutVarint(out, key - previous_key);
    previous_key = key;
  }
  PutVarint(out, head.schedules.size());
  for (uint32_t schedule : head.schedules) PutVarint(out, schedule);
  if (head.unusual_languages == nullptr) {
    PutVarint(out, 0);
  } else {
    PutVarint(out, head.unusual_languages->size());
    for (const auto& [language, level] : *head.unusual_languages) {
      PutString(out, language);
      PutSigned(out, level);
    }
  }
  if (head.kept_logs.has_value()) {
    out.append(head.kept_logs->data(), head.kept_logs->size());
  } else {
    PutLogs(facts, out);
  }
  // The records, only what the rules read: not the names (the slot's, the keys'), display
  // names, times, versions, contract terms but imposed_schedule; the schedules are interned.
  const v1::Teleoperator& profile = t.profile;
  // Country and segment codes by their id in the vocabulary.
  PutVarint(out, head.codes->Intern(profile.establishment().country_code()));
  PutNumber(out, profile.registration().number());
  PutSigned(out, profile.registration().status());
  PutDate(out, profile.registration().has_verify_date(), profile.registration().verify_date());
  if (head.kept_records.has_value()) {
    out.append(head.kept_records->data(), head.kept_records->size());
    return;
  }
  auto put_segments = [&](const google::protobuf::RepeatedPtrField<std::string>& segments) {
    PutVarint(out, segments.size());
    for (const std::string& segment : segments) PutVarint(out, head.codes->Intern(segment));
  };
  PutVarint(out, t.employments.size());
  for (const v1::Employment& e : t.employments) {
    PutVarint(out, (e.has_employer() ? 1 : 0) | (e.exclusivity_clause() ? 2 : 0) |
                       (e.employer_authorisation() ? 4 : 0) | (e.has_non_compete() ? 8 : 0));
    if (e.has_employer()) {
      PutNumber(out, e.employer().registration_number());
      PutVarint(out, head.codes->Intern(e.employer().country_code()));
      PutNumber(out, e.employer().group_id());
      put_segments(e.employer().segments());
    }
    PutDate(out, e.has_start_date(), e.start_date());
    PutDate(out, e.has_end_date(), e.end_date());
    if (e.has_non_compete()) {
      put_segments(e.non_compete().segments());
      PutDate(out, e.non_compete().has_end_date(), e.non_compete().end_date());
    }
  }
  // A name its key holds: 1 + the key's index among the slot's keys; else 0 and the name.
  auto put_named = [&](uint32_t key, const std::string& name) {
    auto it = std::lower_bound(head.keys.begin(), head.keys.end(), key);
    if (!name.empty() && it != head.keys.end() && *it == key) {
      PutVarint(out, 1 + (it - head.keys.begin()));
    } else {
      PutVarint(out, 0);
      PutString(out, name);
    }
  };
  for (size_t i = 0; i < t.contracts.size(); ++i) {
    const v1::Contract& k = t.contracts[i].contract;
    put_named(head.contract_keys[i].first, k.campaign());
    put_named(head.contract_keys[i].second, k.client());
    PutSigned(out, k.state());
    PutDate(out, k.has_start_date(), k.start_date());
    PutDate(out, k.has_end_date(), k.end_date());
    PutDate(out, k.has_accept_date(), k.accept_date());
    PutVarint(out, !k.terms().has_imposed_schedule() ? 0 : k.terms().imposed_schedule() ? 2 : 1);
  }
}

// Reads a slot's varints (MatchingIndex::Block::Varints) in EncodeSlot's order, each part after
// the ones before it.
class SlotReader : public VarintReader {
 public:
  explicit SlotReader(const char* varints) : VarintReader(varints) {}
  struct Head {
    SlotName name;
    uint32_t country = 0;
    uint32_t contracts = 0;
  };
  Head ReadHead() {
    Head head;
    head.name = Name();
    head.country = Varint32();
    head.contracts = Varint32();
    return head;
  }
  // Calls fn(key) for each interned key, ascending.
  template <typename F>
  void Keys(F&& fn) {
    uint32_t key = 0;
    for (uint32_t n = Varint32(); n > 0; --n) {
      key += Varint32();
      fn(key);
    }
  }
  // Calls fn(schedule) for each interned schedule id (0: none).
  template <typename F>
  void Schedules(F&& fn) {
    for (uint32_t n = Varint32(); n > 0; --n) fn(Varint32());
  }
  std::vector<std::pair<std::string, int>> UnusualLanguages() {
    std::vector<std::pair<std::string, int>> languages(Varint32());
    for (auto& [language, level] : languages) {
      language = std::string(String());
      level = static_cast<int>(Signed());
    }
    return languages;
  }
  void Logs(std::vector<LogTotals::Revenue>& revenue, std::vector<LoggedWeek>& weeks) {
    revenue.resize(Varint32());
    int32_t day = 0;
    for (LogTotals::Revenue& r : revenue) {
      day += static_cast<int32_t>(Signed());
      r.day = day;
      r.contract = Varint32();
      r.minor_units = Signed();
    }
    weeks.resize(Varint32());
    day = 0;
    for (LoggedWeek& w : weeks) {
      w.contract = Varint32();
      day += static_cast<int32_t>(Signed());
      w.monday = day;
      w.minutes = Signed();
    }
  }
  // The records (no languages, skills, sector codes or schedules: the caller puts them back),
  // into `t`, with `keys` the slot's keys and `key_name` the name a key holds; after Logs.
  // `codes`: the vocabulary of country and segment codes.
  template <typename KeyName>
  void Records(uint32_t contracts, const std::vector<uint32_t>& keys, KeyName&& key_name,
               const Vocabulary& codes, TeleoperatorData& t);

  // What a put that says what changed keeps (MatchingIndex::RecompileKept), as bytes: past the
  // parts before them (after Schedules), the logs' aggregates, and the employments and contracts
  // (the records' end; `contracts` from the head). Each mirrors the reader above it.
  struct KeptBytes {
    absl::string_view logs;
    absl::string_view records;
  };
  KeptBytes Kept(uint32_t contracts) {
    for (uint32_t n = Varint32(); n > 0; --n) {  // UnusualLanguages
      SkipString();
      Varint();
    }
    KeptBytes kept;
    const char* from = p_;
    for (uint32_t n = Varint32(); n > 0; --n) {  // Logs: revenue entries, then weeks
      Varint();
      Varint();
      Varint();
    }
    for (uint32_t n = Varint32(); n > 0; --n) {
      Varint();
      Varint();
      Varint();
    }
    kept.logs = absl::string_view(from, p_ - from);
    Varint();  // Records: the profile's fields (the country by its code's id)
    SkipNumber();
    Varint();
    SkipDate();
    from = p_;
    for (uint32_t n = Varint32(); n > 0; --n) {  // the employments
      const uint64_t flags = Varint();
      if (flags & 1) {
        SkipNumber();
        Varint();  // the country, by its code's id
        SkipNumber();
        SkipSegments();
      }
      SkipDate();
      SkipDate();
      if (flags & 8) {
        SkipSegments();
        SkipDate();
      }
    }
    for (uint32_t n = contracts; n > 0; --n) {
      for (int named = 0; named < 2; ++named) {
        if (Varint() == 0) SkipString();
      }
      Varint();
      SkipDate();
      SkipDate();
      SkipDate();
      Varint();
    }
    kept.records = absl::string_view(from, p_ - from);
    return kept;
  }

 private:
  void Segments(const Vocabulary& codes,
                google::protobuf::RepeatedPtrField<std::string>* segments) {
    for (uint32_t n = Varint32(); n > 0; --n) segments->Add(std::string(codes[Varint32()]));
  }
  void SkipSegments() {  // codes by their id
    for (uint32_t n = Varint32(); n > 0; --n) Varint();
  }
};

template <typename KeyName>
void SlotReader::Records(uint32_t contracts, const std::vector<uint32_t>& keys, KeyName&& key_name,
                         const Vocabulary& codes, TeleoperatorData& t) {
  v1::Teleoperator& profile = t.profile;
  profile.mutable_establishment()->set_country_code(codes[Varint32()]);
  profile.mutable_registration()->set_number(Number());
  profile.mutable_registration()->set_status(static_cast<v1::RegistrationStatus>(Signed()));
  if (std::optional<v1::Date> d = Date())
    *profile.mutable_registration()->mutable_verify_date() = *d;
  t.employments.resize(Varint32());
  for (v1::Employment& e : t.employments) {
    const uint64_t flags = Varint();
    if (flags & 1) {
      v1::Employer& employer = *e.mutable_employer();
      employer.set_registration_number(Number());
      employer.set_country_code(codes[Varint32()]);
      employer.set_group_id(Number());
      Segments(codes, employer.mutable_segments());
    }
    e.set_exclusivity_clause((flags & 2) != 0);
    e.set_employer_authorisation((flags & 4) != 0);
    if (std::optional<v1::Date> d = Date()) *e.mutable_start_date() = *d;
    if (std::optional<v1::Date> d = Date()) *e.mutable_end_date() = *d;
    if (flags & 8) {
      v1::NonCompeteClause& clause = *e.mutable_non_compete();
      Segments(codes, clause.mutable_segments());
      if (std::optional<v1::Date> d = Date()) *clause.mutable_end_date() = *d;
    }
  }
  auto named = [&]() {
    const uint32_t index = Varint32();
    return index == 0 ? std::string(String()) : std::string(key_name(keys[index - 1]));
  };
  t.contracts.resize(contracts);
  for (ContractData& data : t.contracts) {
    v1::Contract& k = data.contract;
    k.set_campaign(named());
    k.set_client(named());
    k.set_state(static_cast<v1::ContractState>(Signed()));
    if (std::optional<v1::Date> d = Date()) *k.mutable_start_date() = *d;
    if (std::optional<v1::Date> d = Date()) *k.mutable_end_date() = *d;
    if (std::optional<v1::Date> d = Date()) *k.mutable_accept_date() = *d;
    if (const uint64_t imposed = Varint(); imposed != 0) {
      k.mutable_terms()->set_imposed_schedule(imposed == 2);
    }
  }
}

}  // namespace

// The smallest number of appointments set of the next count class (the last is unbounded).
constexpr int64_t kCountClassEnds[] = {5, 16, 51, 151};

int MatchingIndex::QualityBucket(const Hot& hot) {
  const int64_t set = hot.appointments_set;
  const int64_t validated = hot.appointments_validated;
  if (hot.past_native || set < 0 || validated < 0 || validated > set) {
    return kUnboundedBucket;
  }
  if (set == 0) return kNoObservations;
  const int rate =
      static_cast<int>(std::min<int64_t>(kRateClasses - 1, kRateClasses * validated / set));
  int count = 0;
  while (count < kCountClasses - 1 && set >= kCountClassEnds[count]) ++count;
  return rate * kCountClasses + count;
}

namespace {

// An upper bound of the quality component (ranking.cc's Quality: the validated rate averaged
// with the prior, weighted by the appointments set and the prior's observations) for the slots
// of a quality bucket; kUnboundedBucket has none (the caller gives it no bound).
int64_t QualityUpper(int bucket, int rate_classes, int count_classes, int64_t prior,
                     int64_t prior_observations) {
  if (bucket == rate_classes * count_classes) return prior;  // none set: the prior exactly
  const int64_t rate = kFixedPointOne * (bucket / count_classes + 1) / rate_classes;
  if (rate <= prior) return prior;  // an average of the two
  const int count = bucket % count_classes;
  if (count == count_classes - 1) return rate;
  // Increasing in the count while the rate is above the prior: at most at the class's largest.
  const int64_t most = kCountClassEnds[count] - 1;
  return (most * rate + prior_observations * prior + most + prior_observations - 1) /
         (most + prior_observations);
}

}  // namespace

MatchingIndex::MatchingIndex() = default;
MatchingIndex::~MatchingIndex() = default;

// --- Writer
// ---------------------------------------------------------------------------------------

// What a put that says what changed keeps of a slot (RecompileKept): all that was made of its
// employments and contracts, which the change leaves as they were, and the logs' aggregates
// as encoded (the old block's for a profile change, made again for a log's). The bytes are read
// before Compile replaces the block.
struct MatchingIndex::KeptRecords {
  std::vector<SlackLoad> loads;
  std::vector<int32_t> starts;
  std::vector<uint32_t> employment_schedules;  // interned, as the block names them
  bool exclusivity = false;
  absl::string_view logs;
  absl::string_view records;
};

void MatchingIndex::Compile(uint32_t id, const TeleoperatorData& data,
                            const TeleoperatorFacts& facts, const std::vector<uint32_t>& kept_keys,
                            const KeptRecords* kept) {
  const v1::Teleoperator& profile = data.profile;
  live_.Set(id);

  // Rule 8: each language listed, at its highest level.
  std::vector<std::pair<std::string, int>> languages;
  for (const v1::LanguageLevel& l : profile.languages()) {
    std::string language = absl::AsciiStrToLower(l.language());
    bool seen = false;
    for (const auto& [name, level] : languages) seen = seen || name == language;
    if (seen) continue;
    const int level = std::max<int>(0, LevelIn(profile, language));
    languages.emplace_back(std::move(language), level);
  }
  for (const auto& [language, level] : languages) {
    auto& by_level = language_[language];
    for (int l = 0; l <= std::min(level, kMaxLevel); ++l) by_level[l].Set(id);
  }
  std::vector<uint32_t> sectors;
  for (const std::string& code : profile.sector_experience()) {
    sectors.push_back(InternSegment(code));
    sector_slots_[sectors.back()].Insert(id, LargeSetAbove());
  }
  // Rule 9.
  std::vector<int> skills(profile.skills().begin(), profile.skills().end());
  SortUnique(skills);
  std::vector<int32_t> other_skills;  // the skills outside Hot::skills' 0 to 63
  for (int skill : skills) {
    skill_[skill].Set(id);
    if (skill < 0 || skill >= 64) other_skills.push_back(skill);
  }
  SlotHead head;
  head.codes = &record_codes_;
  // Rule 10.
  {
    auto [it, inserted] = country_id_.try_emplace(
        absl::AsciiStrToUpper(profile.establishment().country_code()), country_.size());
    if (inserted) country_.emplace_back();
    head.country = it->second;
    country_[head.country].Set(id);
  }
  // Rule 11, all but the age.
  int32_t verified_day = 0;
  if (profile.registration().status() == v1::REGISTRATION_STATUS_VERIFIED &&
      ToCivilDay(profile.registration().verify_date()).has_value() &&
      facts.registration_number_status.ok()) {
    registered_.Set(id);
    verified_day = DayNumber(*ToCivilDay(profile.registration().verify_date()));
  }

  // Rules 1 to 5: the exclusion sets; and what the facts read, for company and campaign changes.
  // Each key is built in one reused buffer and interned at once (no string kept per key).
  std::vector<uint32_t>& keys = head.keys;
  auto add_key = [&](absl::string_view prefix, absl::string_view name) {
    key_buffer_.assign(prefix.data(), prefix.size());
    key_buffer_.append(name.data(), name.size());
    keys.push_back(InternKey(key_buffer_));
    return keys.back();
  };
  for (const EmploymentFacts& e : facts.employments) {
    // Also the employer's dependency keys: Upsert(Company) reads "g:" as "n:".
    for (const std::string& key : e.employer.group_keys) add_key("g:", key);
    for (const std::string& segment : e.employer.segments) AddSegmentKeyIds(segment, keys);
    if (e.employment->has_non_compete()) {
      for (const std::string& segment : e.employment->non_compete().segments()) {
        AddSegmentKeyIds(segment, keys);
      }
    }
    if (e.employment->exclusivity_clause() && !e.employment->employer_authorisation()) {
      exclusivity_.Set(id);
    }
  }
  for (const ContractFacts& k : facts.contracts) {
    const uint32_t client = add_key("c:", k.client_name);
    head.contract_keys.emplace_back(add_key("k:", k.data->contract.campaign()), client);
    for (const std::string& key : k.client_group_keys) add_key("n:", key);
    if (k.holds_time) {
      for (const std::string& segment : k.campaign->segments()) AddSegmentKeyIds(segment, keys);
    }
  }
  if (kept != nullptr) {
    // Every key is an employment's or a contract's: a profile or log change keeps them all.
    keys = kept_keys;
    if (kept->exclusivity) exclusivity_.Set(id);
  }
  SortUnique(keys);
  for (uint32_t key : keys) {
    if (!std::binary_search(kept_keys.begin(), kept_keys.end(), key)) {
      key_slots_[key].Insert(id, LargeSetAbove());
    }
  }
  for (uint32_t key : kept_keys) {
    if (!std::binary_search(keys.begin(), keys.end(), key)) key_slots_[key].Erase(id);
  }
  // The schedules, interned; then the ones the slot held before (a Recompile's) are released:
  // an unchanged schedule stays interned.
  head.schedules.push_back(profile.has_availability() ? InternSchedule(profile.availability()) : 0);
  if (kept != nullptr) {
    head.schedules.insert(head.schedules.end(), kept->employment_schedules.begin(),
                          kept->employment_schedules.end());
  } else {
    for (const v1::Employment& e : data.employments) {
      head.schedules.push_back(e.has_schedule() ? InternSchedule(e.schedule()) : 0);
    }
  }
  if (const std::byte* old = slots_[id].block; old != nullptr) {
    SlotReader reader(Block::Varints(old));
    reader.ReadHead();
    reader.Keys([](uint32_t) {});
    // A typed put keeps the employments' schedules: only the availability's is released.
    size_t i = 0;
    reader.Schedules([&](uint32_t schedule) {
      if (kept == nullptr || i++ == 0) ReleaseSchedule(schedule);
    });
  }

  // What the candidate loop reads (the slack bound, Fairness, Quality, the sector fit, 11, 12).
  if (hot_.size() <= id) hot_.resize(id + 1);
  std::vector<SlackLoad> loads;
  for (const EmploymentFacts& e : facts.employments) {
    loads.push_back(
        {DayNumber(e.period.first), DayNumber(e.period.last),
         LoadMinutes(std::max<int64_t>(0, e.nominal_week_minutes - kDaylightMarginMinutes)),
         kNoCampaign});
  }
  std::vector<int32_t> assignment_starts;
  for (size_t i = 0; i < facts.contracts.size(); ++i) {
    const ContractFacts& k = facts.contracts[i];
    if (k.holds_time) {
      loads.push_back({DayNumber(k.period.first), DayNumber(k.period.last),
                       LoadMinutes(k.imposed ? std::max<int64_t>(0, k.nominal_week_minutes -
                                                                        kDaylightMarginMinutes)
                                             : k.nominal_week_minutes),
                       head.contract_keys[i].first});
    }
    if (k.assignment && k.period.first != kFarPast) {
      assignment_starts.push_back(DayNumber(k.period.first));
    }
  }
  if (kept != nullptr) {
    loads = kept->loads;
    assignment_starts = kept->starts;
  }
  Hot& hot = hot_[id];
  hot = Hot();
  hot.verified_day = verified_day;
  hot.appointments_set = facts.logs.appointments_set;
  hot.appointments_validated = facts.logs.appointments_validated;
  hot.sector_count = static_cast<uint8_t>(std::min<size_t>(sectors.size(), 255));
  for (size_t i = 0; i < sectors.size() && i < Hot::kInlineSectors; ++i) {
    hot.sectors[i] = sectors[i];
  }
  if (sectors.size() <= Hot::kInlineSectors) sectors.clear();  // else the block holds them all
  for (int skill : skills) {
    if (skill >= 0 && skill < 64) hot.skills |= uint64_t{1} << skill;
  }
  for (const auto& [language, level] : languages) hot.past_native |= level > kMaxLevel;
  hot.unusual_language = languages.size() > Hot::kInlineLanguages;
  for (size_t i = 0; i < languages.size() && !hot.unusual_language; ++i) {
    const auto& [language, level] = languages[i];
    auto [it, inserted] = language_id_.try_emplace(language, 0);
    if (inserted) {
      // Ids from 1 (0: listed by nobody) to 254; 255 for every language past those.
      if (language_names_.empty()) language_names_.emplace_back();
      it->second = static_cast<uint8_t>(std::min<size_t>(language_names_.size(), 255));
      if (it->second != 255) language_names_.push_back(language);
    }
    hot.unusual_language = level > kMaxLevel || it->second == 255;
    hot.language_ids[i] = it->second;
    hot.language_levels[i] = static_cast<uint8_t>(level);
  }
  hot.language_count = static_cast<uint8_t>(languages.size());
  if (hot.unusual_language) head.unusual_languages = &languages;
  hot.has_loads = !loads.empty();
  for (const SlackLoad& load : loads) negative_loads_ += load.minutes < 0;
  // Rule 7's hours (none when the windows are unreadable: rule 7 then fails).
  const std::string& zone = profile.availability().time_zone();
  auto [zone_it, new_zone] = zone_id_.try_emplace(zone, kUnlistedZone);
  if (new_zone && zone_names_.size() < kUnlistedZone) {
    zone_it->second = static_cast<uint16_t>(zone_names_.size());
    zone_names_.push_back(zone);
  }
  hot.zone = zone_it->second;
  HourMasks hours;
  if (ValidateWindows(profile.availability()).ok()) {
    ScheduleHours(profile.availability(), hours.full, hours.touched);
  }
  hot.hours = hours_.Intern(hours);
  hot.bucket = static_cast<uint8_t>(QualityBucket(hot));
  buckets_[hot.bucket].Set(id);
  hot.has_assignments = !assignment_starts.empty();

  // The block, last: the old one was read above (and its kept bytes are copied here).
  if (kept != nullptr) {
    head.kept_logs = kept->logs;
    head.kept_records = kept->records;
  }
  EncodeSlot(head, facts, data, encode_buffer_);
  std::byte* old = slots_[id].block;
  slots_[id].block =
      Block::Make(blocks_, loads, assignment_starts, sectors, other_skills, encode_buffer_);
  if (old != nullptr) blocks_.Free(old, Block::Size(old));
  contracts_ += static_cast<int64_t>(data.contracts.size());
}

void MatchingIndex::Uncompile(uint32_t id, bool recompiling) {
  const std::byte* block = slots_[id].block;
  const Hot& hot = hot_[id];
  live_.Clear(id);
  SlotReader reader(Block::Varints(block));
  const SlotReader::Head head = reader.ReadHead();
  // Empty sets stay, with their key: keys come back.
  reader.Keys([&](uint32_t key) {
    if (!recompiling) key_slots_[key].Erase(id);
  });
  reader.Schedules([&](uint32_t schedule) {
    if (!recompiling) ReleaseSchedule(schedule);
  });
  auto clear_language = [&](const std::string& language, int level) {
    auto& by_level = language_[language];
    for (int l = 0; l <= std::min(level, kMaxLevel); ++l) by_level[l].Clear(id);
  };
  if (hot.unusual_language) {
    for (const auto& [language, level] : reader.UnusualLanguages()) {
      clear_language(language, level);
    }
  } else {
    for (int i = 0; i < hot.language_count; ++i) {
      clear_language(language_names_[hot.language_ids[i]], hot.language_levels[i]);
    }
  }
  for (uint64_t bits = hot.skills; bits != 0; bits &= bits - 1) {
    skill_[std::countr_zero(bits)].Clear(id);
  }
  const Block::Header sizes = Block::HeaderOf(block);
  for (uint32_t i = 0; i < sizes.other_skills; ++i) skill_[Block::OtherSkills(block)[i]].Clear(id);
  country_[head.country].Clear(id);
  registered_.Clear(id);
  exclusivity_.Clear(id);
  buckets_[hot.bucket].Clear(id);
  hours_.Release(hot.hours);
  for (const SlackLoad& load : LoadsOf(id)) negative_loads_ -= load.minutes < 0;
  if (hot.sector_count > Hot::kInlineSectors) {
    for (uint32_t code : RareSectorsOf(id)) sector_slots_[code].Erase(id);
  } else {
    for (int i = 0; i < hot.sector_count; ++i) sector_slots_[hot.sectors[i]].Erase(id);
  }
  contracts_ -= head.contracts;
}

void MatchingIndex::RecompileDependents(const std::vector<std::string>& keys) {
  std::vector<uint32_t> ids;
  for (const std::string& key : keys) {
    if (const SlotSet* slots = KeySlots(key); slots != nullptr) {
      slots->ForEach([&ids](uint32_t id) { ids.push_back(id); });
    }
  }
  SortUnique(ids);
  for (uint32_t id : ids) {
    // The facts again, from the slot's records and the catalog as it is now.
    TeleoperatorData data;
    const TeleoperatorFacts facts = SlotFacts(id, data);
    Recompile(id, data, facts);
  }
}

void MatchingIndex::Recompile(uint32_t id, const TeleoperatorData& data,
                              const TeleoperatorFacts& facts) {
  std::vector<uint32_t> kept;  // ascending, as the block holds them
  SlotReader reader(Block::Varints(slots_[id].block));
  reader.ReadHead();
  reader.Keys([&kept](uint32_t key) { kept.push_back(key); });
  Uncompile(id, /*recompiling=*/true);
  Compile(id, data, facts, kept);
}

bool MatchingIndex::RecompileKept(uint32_t id, const TeleoperatorData& data, Changed changed) {
  SlotReader reader(Block::Varints(slots_[id].block));
  const SlotReader::Head head = reader.ReadHead();
  if (head.contracts != data.contracts.size()) return false;
  std::vector<uint32_t> keys;  // ascending, as the block holds them
  reader.Keys([&keys](uint32_t key) { keys.push_back(key); });
  KeptRecords kept;
  size_t i = 0;
  reader.Schedules([&](uint32_t schedule) {
    if (i++ > 0) kept.employment_schedules.push_back(schedule);  // after the availability's
  });
  if (kept.employment_schedules.size() != data.employments.size()) return false;
  const SlotReader::KeptBytes bytes = reader.Kept(head.contracts);
  kept.logs = bytes.logs;
  kept.records = bytes.records;
  const absl::Span<const SlackLoad> loads = LoadsOf(id);
  kept.loads.assign(loads.begin(), loads.end());
  const absl::Span<const int32_t> starts = AssignmentStartsOf(id);
  kept.starts.assign(starts.begin(), starts.end());
  kept.exclusivity = exclusivity_.Test(id);
  // The profile's facts, with the logs' totals (Compile reads no others): as the slot holds them,
  // or made again with their bytes.
  TeleoperatorFacts facts = MakeProfileFacts(data);
  std::string logs;
  if (changed == Changed::kActivityLog) {
    const TeleoperatorFacts logged = MakeLogFacts(data);
    PutLogs(logged, logs);
    kept.logs = logs;
    facts.logs.appointments_set = logged.logs.appointments_set;
    facts.logs.appointments_validated = logged.logs.appointments_validated;
  } else {
    facts.logs.appointments_set = hot_[id].appointments_set;
    facts.logs.appointments_validated = hot_[id].appointments_validated;
  }
  Uncompile(id, /*recompiling=*/true);
  Compile(id, data, facts, keys, &kept);
  return true;
}

uint32_t MatchingIndex::InternSchedule(const v1::WeeklySchedule& schedule) {
  schedule.SerializeToString(&schedule_buffer_);
  return schedules_.Intern(schedule_buffer_) + 1;
}

void MatchingIndex::ReleaseSchedule(uint32_t id) {
  if (id != 0) schedules_.Release(id - 1);
}

uint32_t MatchingIndex::InternKey(absl::string_view key) {
  const uint32_t id = keys_.Intern(key);
  if (key_slots_.size() < keys_.size()) key_slots_.resize(keys_.size());
  return id;
}

void MatchingIndex::AddSegmentKeyIds(const std::string& code, std::vector<uint32_t>& keys) {
  auto [it, inserted] = segment_keys_.try_emplace(code);
  if (inserted) {
    std::vector<std::string> names;
    AddSegmentKeys(code, names);
    for (const std::string& name : names) it->second.push_back(InternKey(name));
  }
  keys.insert(keys.end(), it->second.begin(), it->second.end());
}

const SlotSet* MatchingIndex::KeySlots(const std::string& key) const {
  const std::optional<uint32_t> id = keys_.Find(key);
  return id.has_value() ? &key_slots_[*id] : nullptr;
}

SlotName MatchingIndex::SlotNameOf::operator()(uint32_t slot) const {
  return VarintReader(Block::Varints((*slots)[slot].block)).Name();
}

SlotName MatchingIndex::NameOf(uint32_t slot) const {
  return VarintReader(Block::Varints(slots_[slot].block)).Name();
}

absl::Span<const MatchingIndex::SlackLoad> MatchingIndex::LoadsOf(uint32_t slot) const {
  const std::byte* block = slots_[slot].block;
  return absl::MakeConstSpan(Block::Loads(block), Block::HeaderOf(block).loads);
}

absl::Span<const int32_t> MatchingIndex::AssignmentStartsOf(uint32_t slot) const {
  const std::byte* block = slots_[slot].block;
  return absl::MakeConstSpan(Block::Starts(block), Block::HeaderOf(block).starts);
}

absl::Span<const uint32_t> MatchingIndex::RareSectorsOf(uint32_t slot) const {
  const std::byte* block = slots_[slot].block;
  return absl::MakeConstSpan(Block::Sectors(block), Block::HeaderOf(block).sectors);
}

std::vector<std::pair<std::string, int>> MatchingIndex::UnusualLanguagesOf(uint32_t slot) const {
  SlotReader reader(Block::Varints(slots_[slot].block));
  reader.ReadHead();
  reader.Keys([](uint32_t) {});
  reader.Schedules([](uint32_t) {});
  return reader.UnusualLanguages();
}

size_t MatchingIndex::LargeSetAbove() const {
  // Load reserves the slots it will fill: their capacity, not their count so far, decides.
  return std::max(kMinLargeSet, std::max(slots_.size(), slots_.capacity()) / 64);
}

TeleoperatorFacts MatchingIndex::SlotFacts(uint32_t id, TeleoperatorData& data) const {
  const std::byte* block = slots_[id].block;
  const Hot& hot = hot_[id];
  SlotReader reader(Block::Varints(block));
  const SlotReader::Head head = reader.ReadHead();
  data.profile.set_name(head.name.ToString());
  std::vector<uint32_t> keys;
  reader.Keys([&keys](uint32_t key) { keys.push_back(key); });
  std::vector<uint32_t> schedules;  // the availability's, then each employment's
  reader.Schedules([&schedules](uint32_t schedule) { schedules.push_back(schedule); });
  v1::Teleoperator& profile = data.profile;
  // The languages, skills and sector codes from where the slot is entered: each language at its
  // highest level, each skill once, the codes as written.
  if (hot.unusual_language) {
    for (const auto& [language, level] : reader.UnusualLanguages()) {
      v1::LanguageLevel& l = *profile.add_languages();
      l.set_language(language);
      l.set_level(static_cast<v1::CefrLevel>(level));
    }
  } else {
    reader.UnusualLanguages();  // none
    for (int i = 0; i < hot.language_count; ++i) {
      v1::LanguageLevel& l = *profile.add_languages();
      l.set_language(language_names_[hot.language_ids[i]]);
      l.set_level(static_cast<v1::CefrLevel>(hot.language_levels[i]));
    }
  }
  for (uint64_t bits = hot.skills; bits != 0; bits &= bits - 1) {
    profile.add_skills(static_cast<v1::Skill>(std::countr_zero(bits)));
  }
  for (int32_t skill :
       absl::MakeConstSpan(Block::OtherSkills(block), Block::HeaderOf(block).other_skills)) {
    profile.add_skills(static_cast<v1::Skill>(skill));
  }
  if (hot.sector_count > Hot::kInlineSectors) {
    for (uint32_t code : RareSectorsOf(id)) profile.add_sector_experience(segment_raw_[code]);
  } else {
    for (int i = 0; i < hot.sector_count; ++i) {
      profile.add_sector_experience(segment_raw_[hot.sectors[i]]);
    }
  }
  std::vector<LogTotals::Revenue> revenue;
  std::vector<LoggedWeek> weeks;
  reader.Logs(revenue, weeks);
  reader.Records(
      head.contracts, keys, [this](uint32_t key) { return keys_.Body(key); }, record_codes_, data);
  if (schedules[0] != 0) {
    profile.mutable_availability()->ParseFromString(schedules_[schedules[0] - 1]);
  }
  for (size_t e = 0; e < data.employments.size(); ++e) {
    if (schedules[e + 1] != 0) {
      data.employments[e].mutable_schedule()->ParseFromString(schedules_[schedules[e + 1] - 1]);
    }
  }
  TeleoperatorFacts facts = MakeTeleoperatorFacts(catalog_, data);
  facts.logs.appointments_set = hot.appointments_set;
  facts.logs.appointments_validated = hot.appointments_validated;
  facts.logs.revenue = std::move(revenue);
  for (const LoggedWeek& w : weeks) {
    facts.contracts[w.contract].minutes_by_week[FromDayNumber(w.monday)] = w.minutes;
  }
  return facts;
}

uint32_t MatchingIndex::InternSegment(const std::string& code) {
  auto [it, inserted] = segment_id_.try_emplace(code, segment_codes_.size());
  if (inserted) {
    const std::string normalized = NormalizeSegment(code);
    segment_codes_.push_back({normalized, SegmentPath(normalized)});
    segment_raw_.push_back(code);
    sector_slots_.emplace_back();
  }
  return it->second;
}

void MatchingIndex::PutLocked(const TeleoperatorData& teleoperator, Changed changed) {
  const std::string& name = teleoperator.profile.name();
  const uint32_t found = slot_of_.Find(SlotName::Of(name));
  if (found != kNoSlot && changed != Changed::kAny && RecompileKept(found, teleoperator, changed)) {
    return;
  }
  // The facts read the logs from the caller's records, once.
  const TeleoperatorFacts facts = MakeTeleoperatorFacts(catalog_, teleoperator);
  if (found != kNoSlot) {
    Recompile(found, teleoperator, facts);
    return;
  }
  uint32_t id;
  if (!free_slots_.empty()) {
    id = free_slots_.back();
    free_slots_.pop_back();
  } else {
    id = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Compile(id, teleoperator, facts, /*kept_keys=*/{});
  slot_of_.Insert(id);  // after Compile: its hash reads the name in the block
}

void MatchingIndex::Load(const Dataset& dataset) {
  absl::MutexLock turn(&turnstile_);
  absl::MutexLock lock(&mu_);
  catalog_ = Dataset();
  slot_of_.Clear();  // before the slots its hash reads
  slots_.clear();
  blocks_.Clear();
  free_slots_.clear();
  contracts_ = 0;
  live_.ClearAll();
  language_.clear();
  language_id_.clear();
  language_names_.clear();
  for (SummarizedBitmap& b : buckets_) b.ClearAll();
  negative_loads_ = 0;
  sector_slots_.clear();
  skill_.clear();
  country_.clear();
  country_id_.clear();
  registered_.ClearAll();
  exclusivity_.ClearAll();
  zone_names_.clear();
  zone_id_.clear();
  hot_.clear();
  hours_.Clear();
  segment_codes_.clear();
  keys_.Clear();
  key_slots_.clear();
  schedules_.Clear();
  segment_id_.clear();
  segment_raw_.clear();
  record_codes_.Clear();
  segment_keys_.clear();
  changed_.clear();
  ForgetAnswers();
  // Companies first: a campaign needs its company.
  for (const auto& [name, company] : dataset.companies()) (void)catalog_.Upsert(company);
  for (const auto& [name, campaign] : dataset.campaigns()) (void)catalog_.Upsert(campaign);
  slots_.reserve(dataset.teleoperators().size());
  slot_of_.Reserve(dataset.teleoperators().size());
  for (const auto& [name, data] : dataset.teleoperators()) PutLocked(data);
  // The dataset's teleoperators come by name: every slot so far is in name order.
  in_order_ = live_;
}

absl::Status MatchingIndex::Upsert(const v1::Company& company) {
  absl::MutexLock turn(&turnstile_);
  absl::MutexLock lock(&mu_);
  std::vector<std::string> keys = {absl::StrCat("c:", company.name())};
  if (const v1::Company* old = catalog_.company(company.name()); old != nullptr) {
    keys.push_back(absl::StrCat(
        "n:", CompanyNumber(old->location().country_code(), old->registration().number())));
  }
  if (absl::Status s = catalog_.Upsert(company); !s.ok()) return s;
  keys.push_back(absl::StrCat(
      "n:", CompanyNumber(company.location().country_code(), company.registration().number())));
  // An employer's dependency on a number is its "g:" key (Compile).
  for (size_t i = 1, n = keys.size(); i < n; ++i) keys.push_back("g:" + keys[i].substr(2));
  RecompileDependents(keys);
  ForgetAnswers();  // a company change can move any campaign's answer
  return absl::OkStatus();
}

absl::Status MatchingIndex::Upsert(const v1::Campaign& campaign) {
  absl::MutexLock turn(&turnstile_);
  absl::MutexLock lock(&mu_);
  if (absl::Status s = catalog_.Upsert(campaign); !s.ok()) return s;
  RecompileDependents({absl::StrCat("k:", campaign.name())});
  ForgetAnswers();  // its own answers, and the others' through the missions held on it
  return absl::OkStatus();
}

void MatchingIndex::PutTeleoperator(const TeleoperatorData& teleoperator, Changed changed) {
  absl::MutexLock turn(&turnstile_);
  absl::MutexLock lock(&mu_);
  PutLocked(teleoperator, changed);
  NoteChange(teleoperator.profile.name());
}

void MatchingIndex::NoteChange(const std::string& teleoperator) {
  changed_.push_back(teleoperator);
  ++changes_;
  if (changed_.size() > kRememberedChanges) changed_.pop_front();
}

void MatchingIndex::ForgetAnswers() {
  absl::MutexLock lock(&answers_mu_);
  answers_.clear();
  remembered_matches_ = 0;
}

bool MatchingIndex::RemoveTeleoperator(absl::string_view name) {
  absl::MutexLock turn(&turnstile_);
  absl::MutexLock lock(&mu_);
  const uint32_t id = slot_of_.Find(SlotName::Of(name));
  if (id == kNoSlot) return false;
  Uncompile(id, /*recompiling=*/false);
  in_order_.Clear(id);
  NoteChange(std::string(name));
  slot_of_.Erase(id);  // before the slot its hash reads
  blocks_.Free(slots_[id].block, Block::Size(slots_[id].block));
  slots_[id].block = nullptr;
  free_slots_.push_back(id);
  return true;
}

// --- Readers
// --------------------------------------------------------------------------------------

absl::StatusOr<CampaignContext> MatchingIndex::Context(absl::string_view campaign_name,
                                                       const v1::MatchingPolicy& policy,
                                                       absl::CivilDay today) const {
  if (absl::Status s = ValidatePolicy(policy); !s.ok()) return s;
  const v1::Campaign* campaign = catalog_.campaign(campaign_name);
  if (campaign == nullptr) {
    return absl::NotFoundError(absl::StrCat("campaign ", campaign_name, " not found"));
  }
  return MakeCampaignContext(catalog_, *campaign, today);
}

MatchingIndex::CandidateFilter MatchingIndex::Filter(const CampaignContext& c) const {
  CandidateFilter filter;
  filter.every.push_back(&live_);
  // Rule 8: each language at its level (a level past NATIVE is checked exactly afterwards).
  for (const v1::LanguageLevel& need : c.campaign->languages()) {
    auto it = language_.find(absl::AsciiStrToLower(need.language()));
    if (it == language_.end()) {
      filter.nobody = true;
      return filter;
    }
    filter.every.push_back(&it->second[std::clamp<int>(need.level(), 0, kMaxLevel)]);
  }
  // Rule 9.
  for (int skill : c.campaign->skills()) {
    if (skill == v1::SKILL_UNSPECIFIED) continue;
    auto it = skill_.find(skill);
    if (it == skill_.end()) {
      filter.nobody = true;
      return filter;
    }
    filter.every.push_back(&it->second);
  }
  // Rule 10.
  filter.any_needed = !c.countries.empty();
  for (const std::string& country : c.countries) {
    if (auto it = country_id_.find(country); it != country_id_.end()) {
      filter.any.push_back(&country_[it->second]);
    }
  }
  // Rule 11 but the age.
  filter.every.push_back(&registered_);
  return filter;
}

Bitmap MatchingIndex::Candidates(const CandidateFilter& filter) const {
  if (filter.nobody) return Bitmap();
  Bitmap candidates = *filter.every.front();
  for (size_t i = 1; i < filter.every.size(); ++i) candidates.AndWith(*filter.every[i]);
  if (filter.any_needed) {
    Bitmap accepted;
    for (const Bitmap* b : filter.any) accepted.OrWith(*b);
    candidates.AndWith(accepted);
  }
  return candidates;
}

bool MatchingIndex::Admits(const CandidateFilter& filter, uint32_t id) const {
  if (filter.nobody) return false;
  for (const Bitmap* b : filter.every) {
    if (!b->Test(id)) return false;
  }
  if (!filter.any_needed) return true;
  for (const Bitmap* b : filter.any) {
    if (b->Test(id)) return true;
  }
  return false;
}

MatchingIndex::BoundInputs MatchingIndex::MakeBoundInputs(const CampaignContext& c,
                                                          const v1::MatchingPolicy& policy) const {
  BoundInputs in;
  in.cap = policy.max_weekly_minutes();
  // The public components from the dense fields and the bitmaps (the formulas of ranking.cc).
  // skill_fit's skills, the campaign's and its kind's: those from 0 to 63 as a mask, the others'
  // bitmaps.
  {
    for (int skill : c.campaign->skills()) {
      if (skill != v1::SKILL_UNSPECIFIED) in.skills.push_back(skill);
    }
    switch (c.campaign->kind()) {
      case v1::CAMPAIGN_KIND_COLD_CALLING:
        in.skills.push_back(v1::SKILL_COLD_CALLING);
        break;
      case v1::CAMPAIGN_KIND_APPOINTMENT_SETTING:
        in.skills.push_back(v1::SKILL_APPOINTMENT_SETTING);
        break;
      case v1::CAMPAIGN_KIND_LEAD_QUALIFICATION:
        in.skills.push_back(v1::SKILL_LEAD_QUALIFICATION);
        break;
      default:
        break;
    }
    SortUnique(in.skills);
    for (int skill : in.skills) {
      if (skill >= 0 && skill < 64) {
        in.relevant_mask |= uint64_t{1} << skill;
      } else if (auto it = skill_.find(skill); it != skill_.end()) {
        in.relevant.push_back(&it->second);
      }
    }
  }
  // The campaign's languages, interned (0: nobody lists it).
  for (const v1::LanguageLevel& l : c.campaign->languages()) {
    in.language_names.push_back(absl::AsciiStrToLower(l.language()));
    auto it = language_id_.find(in.language_names.back());
    in.language_ids.push_back(it == language_id_.end() ? 0 : it->second);
  }
  // sector_fit of each interned code for each campaign segment.
  const auto& segments = c.campaign->segments();
  in.sector_fit.resize(segments.size());
  for (int i = 0; i < segments.size(); ++i) {
    const std::string campaign_code = NormalizeSegment(segments[i]);
    const std::vector<std::string> campaign_path = SegmentPath(campaign_code);
    const int64_t level_c = static_cast<int64_t>(campaign_path.size());
    in.sector_fit[i].resize(segment_codes_.size(), 0);
    for (size_t e = 0; e < segment_codes_.size(); ++e) {
      const SegmentCode& code = segment_codes_[e];
      if (campaign_code.empty() || code.normalized.empty()) continue;
      const int64_t level_e = static_cast<int64_t>(code.path.size());
      if (level_c == 0 || level_e == 0) {
        if (campaign_code == code.normalized) in.sector_fit[i][e] = kFixedPointOne;
        continue;
      }
      if (!std::equal(campaign_path.begin(), campaign_path.begin() + std::min(level_c, level_e),
                      code.path.begin())) {
        continue;
      }
      in.sector_fit[i][e] = kFixedPointOne * std::min(level_c, level_e) / level_c;
    }
  }
  in.remaining_first = DayNumber(c.remaining.first);
  in.remaining_last = DayNumber(c.remaining.last);
  in.fairness_since = DayNumber(c.as_of - policy.fairness_window_days());
  if (const std::optional<uint32_t> key = keys_.Find(absl::StrCat("k:", c.campaign->name()));
      key.has_value()) {
    in.campaign_key = *key;
  }
  in.slack_max = negative_loads_ > 0 ? kFixedPointOne
                                     : std::clamp<int64_t>(in.cap - c.week_minutes, 0, in.cap) *
                                           kFixedPointOne / in.cap;
  return in;
}

int64_t MatchingIndex::BoundOf(const BoundInputs& in, const CampaignContext& c,
                               const v1::MatchingPolicy& policy, uint32_t id,
                               BoundDetail detail) const {
  const int64_t cap = in.cap;
  const int64_t prior_observations = policy.quality_prior_observations();
  const int64_t prior = policy.quality_prior_permille();
  const Hot& h = hot_[id];
  int64_t skill = kFixedPointOne;
  const int64_t relevant_count = static_cast<int64_t>(in.skills.size());
  if (relevant_count > 0) {
    int64_t held = std::popcount(h.skills & in.relevant_mask);
    for (const Bitmap* b : in.relevant) held += b->Test(id);
    skill = held * kFixedPointOne / relevant_count;
  }
  int64_t sector = 0;
  if (!in.sector_fit.empty()) {
    const uint32_t* codes = h.sectors;
    size_t n = h.sector_count;
    if (n > Hot::kInlineSectors) {
      const absl::Span<const uint32_t> all = RareSectorsOf(id);
      codes = all.data();
      n = all.size();
    }
    for (const std::vector<int64_t>& fit : in.sector_fit) {
      int64_t best = 0;
      for (size_t e = 0; e < n; ++e) best = std::max(best, fit[codes[e]]);
      sector += best;
    }
    sector /= static_cast<int64_t>(in.sector_fit.size());
  }
  int64_t language = 0;
  if (!in.language_names.empty()) {
    if (h.unusual_language) {
      for (const std::string& l : in.language_names) {
        for (const auto& [name, level] : UnusualLanguagesOf(id)) {
          if (name == l) language += kFixedPointOne * level / kMaxLevel;
        }
      }
    } else {
      for (uint8_t l : in.language_ids) {
        for (int i = 0; i < h.language_count; ++i) {
          if (h.language_ids[i] == l) language += kFixedPointOne * h.language_levels[i] / kMaxLevel;
        }
      }
    }
    language /= static_cast<int64_t>(in.language_names.size());
  }
  int64_t slack = in.slack_max;
  if (detail == BoundDetail::kFull) {
    int64_t load = c.week_minutes;
    if (h.has_loads) {
      for (const SlackLoad& j : LoadsOf(id)) {
        if (j.first > in.remaining_last || j.last < in.remaining_first) continue;
        if (j.campaign == in.campaign_key) continue;
        load += j.minutes;
      }
    }
    slack = std::clamp<int64_t>(cap - load, 0, cap) * kFixedPointOne / cap;
  }
  const int64_t denominator = h.appointments_set + prior_observations;
  const int64_t quality =
      denominator <= 0
          ? prior
          : (kFixedPointOne * h.appointments_validated + prior_observations * prior) / denominator;
  int64_t recent = 0;
  if (detail == BoundDetail::kFull && h.has_assignments) {
    for (int32_t first : AssignmentStartsOf(id)) recent += first >= in.fairness_since;
  }
  const int64_t fairness = kFixedPointOne / (1 + recent);
  const int64_t sum = skill * policy.weight_skill_fit() + sector * policy.weight_sector_fit() +
                      language * policy.weight_language() + slack * policy.weight_slack() +
                      quality * policy.weight_quality() + fairness * policy.weight_fairness();
  return FloorDiv(sum, kFixedPointOne);
}

namespace {

// What a client is shown of a match: the rank and the public-profile components, no total.
v1::Match PublicView(const v1::Match& match) {
  v1::Match view;
  view.set_teleoperator(match.teleoperator());
  view.set_rank(match.rank());
  for (const v1::ScoreComponent& component : match.components()) {
    if (component.public_profile()) *view.add_components() = component;
  }
  return view;
}

bool SameComponents(const std::vector<v1::ScoreComponent>& a, const v1::Match& b) {
  if (static_cast<int>(a.size()) != b.components_size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const v1::ScoreComponent& y = b.components(static_cast<int>(i));
    if (a[i].name() != y.name() || a[i].value() != y.value() || a[i].weight() != y.weight() ||
        a[i].public_profile() != y.public_profile()) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<MatchResult> MatchingIndex::Match(absl::string_view campaign_name,
                                                 const v1::MatchingPolicy& policy,
                                                 absl::CivilDay today,
                                                 const MatchOptions& options) const {
  if (options.top_k < 0) return absl::InvalidArgumentError("top_k is negative");
  { absl::MutexLock turn(&turnstile_); }
  absl::ReaderMutexLock lock(&mu_);
  absl::StatusOr<CampaignContext> context = Context(campaign_name, policy, today);
  if (!context.ok()) return context.status();
  if (!options.reuse || options.exact_count) {
    MatchResult result = Search(*context, policy, options);
    if (options.public_view) {
      for (v1::Match& match : result.top) match = PublicView(match);
    }
    return result;
  }
  const std::string key = absl::StrCat(campaign_name, "\n", options.top_k, "\n", DayNumber(today));
  std::string policy_bytes = policy.SerializeAsString();
  int64_t evaluated = 0;
  std::shared_ptr<const Answer> answer =
      Reuse(key, policy_bytes, *context, policy, options.top_k, evaluated);
  const bool reused = answer != nullptr;
  (reused ? answers_reused_ : answers_computed_).fetch_add(1, std::memory_order_relaxed);
  if (!reused) {
    answer = std::make_shared<const Answer>(Search(*context, policy, options));
    Remember(key, std::move(policy_bytes), answer);
    evaluated = answer->result.time_rules_evaluated;
  }
  // A copy: the remembered answer is shared with the queries that reuse it.
  MatchResult result;
  result.as_of = answer->result.as_of;
  result.time_rules_evaluated = evaluated;
  result.reused = reused;
  result.top.reserve(answer->result.top.size());
  for (const v1::Match& match : answer->result.top) {
    result.top.push_back(options.public_view ? PublicView(match) : match);
  }
  return result;
}

MatchingIndex::Answer::Answer(MatchResult computed) : result(std::move(computed)) {
  member.reserve(result.top.size());
  for (const v1::Match& m : result.top) member[m.teleoperator()] = &m;
}

std::shared_ptr<const MatchingIndex::Answer> MatchingIndex::Reuse(
    const std::string& key, const std::string& policy_bytes, const CampaignContext& c,
    const v1::MatchingPolicy& policy, int top_k, int64_t& evaluated) const {
  std::shared_ptr<const Answer> answer;
  uint64_t at = 0;
  {
    absl::MutexLock lock(&answers_mu_);
    auto it = answers_.find(key);
    if (it == answers_.end() || it->second.policy != policy_bytes) return nullptr;
    answer = it->second.answer;
    at = it->second.at;
  }
  if (at < changes_ - changed_.size()) return nullptr;  // changes forgotten since
  if (at == changes_) return answer;
  // The answer stands if every teleoperator changed since that is in it is still eligible with
  // the same components, and none of the others can enter it now: its score bound cannot, or its
  // verdict and exact score (the reference's, verdict.h) do not.
  const std::vector<v1::Match>& top = answer->result.top;
  auto enters = [&](int64_t score, absl::string_view name) {
    if (top_k == 0) return false;
    if (top.size() < static_cast<size_t>(top_k)) return true;
    const v1::Match& last = top.back();
    return score != last.score() ? score > last.score() : name < last.teleoperator();
  };
  // Made when first needed.
  std::optional<CandidateFilter> filter;
  std::optional<BoundInputs> inputs;
  ExpansionCache expansions;
  const uint64_t first_remembered = changes_ - changed_.size();
  // A teleoperator changed twice is checked twice (as it is now, both times): cheaper than
  // remembering which were.
  for (uint64_t n = at; n < changes_; ++n) {
    const std::string& name = changed_[n - first_remembered];
    const uint32_t slot = slot_of_.Find(SlotName::Of(name));
    auto member = answer->member.find(name);
    const bool in_top = member != answer->member.end();
    if (slot == kNoSlot) {
      if (in_top) return nullptr;  // removed from the top
      continue;
    }
    if (!in_top) {
      if (!filter.has_value()) filter = Filter(c);
      if (!Admits(*filter, slot)) continue;
      if (!inputs.has_value()) inputs = MakeBoundInputs(c, policy);
      if (!enters(BoundOf(*inputs, c, policy, slot), name)) continue;
    }
    TeleoperatorData data;
    const TeleoperatorFacts facts = SlotFacts(slot, data);
    ++evaluated;
    const bool eligible = IsEligible(c, facts, policy);
    if (in_top) {
      if (!eligible) return nullptr;
      const WorkWeek work = MakeWorkWeek(c, facts, &expansions);
      if (!SameComponents(ScoreComponents(RuleInput{c, facts, work, policy}), *member->second)) {
        return nullptr;
      }
      continue;  // the same match at the same rank
    }
    if (!eligible) continue;
    const WorkWeek work = MakeWorkWeek(c, facts, &expansions);
    if (enters(TotalScore(ScoreComponents(RuleInput{c, facts, work, policy})), name)) {
      return nullptr;
    }
  }
  // Valid up to now. Readers hold mu_ shared, so changes_ cannot move while they run and any
  // answer remembered meanwhile is at changes_: an entry still at `at` is the one checked.
  absl::MutexLock lock(&answers_mu_);
  if (auto it = answers_.find(key); it != answers_.end() && it->second.at == at) {
    it->second.at = changes_;
  }
  return answer;
}

void MatchingIndex::Remember(const std::string& key, std::string policy_bytes,
                             std::shared_ptr<const Answer> answer) const {
  absl::MutexLock lock(&answers_mu_);
  const size_t matches = answer->result.top.size();
  if (auto it = answers_.find(key); it != answers_.end()) {
    remembered_matches_ -= it->second.answer->result.top.size();
    answers_.erase(it);
  }
  if (remembered_matches_ + matches > kRememberedMatches) {
    answers_.clear();
    remembered_matches_ = 0;
  }
  remembered_matches_ += matches;
  Remembered& remembered = answers_[key];
  remembered.policy = std::move(policy_bytes);
  remembered.answer = std::move(answer);
  remembered.at = changes_;
}

MatchResult MatchingIndex::Search(const CampaignContext& c, const v1::MatchingPolicy& policy,
                                  const MatchOptions& options) const {
  MatchResult result;
  result.as_of = c.as_of;

  Bitmap candidates = Candidates(Filter(c));
  // Rules 1 to 5: the slots in the campaign's exclusion sets (the suspects) are checked exactly;
  // the others hold nothing these rules could fail on. With the exact count every suspect is
  // checked now; pruned, only the ones the time rules would run on.
  std::vector<std::string> keys;
  for (const std::string& key : c.client_group_keys) keys.push_back(absl::StrCat("g:", key));
  for (const std::string& segment : c.campaign->segments()) AddCampaignSegmentKeys(segment, keys);
  Bitmap suspects;
  for (const std::string& key : keys) {
    if (const SlotSet* slots = KeySlots(key); slots != nullptr) {
      slots->OrMaskedInto(candidates, suspects);
    }
  }
  suspects.OrMaskedWith(exclusivity_, candidates);

  bool language_past_native = false;
  for (const v1::LanguageLevel& need : c.campaign->languages()) {
    language_past_native = language_past_native || need.level() > kMaxLevel;
  }
  // What the bitmaps leave of rules 8 and 11 (a level past NATIVE, the verification's age), and
  // rule 12, from the dense fields.
  const int64_t max_age = policy.registration_max_age_days();
  const int32_t as_of = DayNumber(c.as_of);
  const int64_t min_rate = c.campaign->min_validated_rate_permille();
  const int64_t min_observations = std::max(1, c.campaign->min_quality_observations());
  // Rule 7's filter, per availability zone that keeps one offset around the reference Monday
  // (the others, and unknown zones, are left to the exact rule). Free time is availability less
  // other work, so: imposed, every local hour the campaign's windows of the reference week fill
  // must be an hour the availability covers entirely; flexible, the usable minutes (windows
  // inside free time) are at most 60 per local hour both touch, and must reach the weekly
  // minutes per seat (only for a reference week of 168 hours, so that no local hour is counted
  // twice).
  struct ZoneFilter {
    bool active = false;
    HourMask full{};
    HourMask touched{};
  };
  std::vector<ZoneFilter> zone_filters(zone_names_.size());
  const int64_t required_minutes = c.imposed ? 0 : int64_t{c.campaign->weekly_minutes_per_seat()};
  if (c.imposed || (required_minutes > 0 && c.week.span.length() == kMinutesPerWeek)) {
    const Intervals needed = Clip(c.windows, c.week.span);
    for (size_t z = 0; z < zone_names_.size(); ++z) {
      absl::StatusOr<absl::TimeZone> zone = LoadZone(zone_names_[z]);
      if (!zone.ok() || !SteadyAround(c.week.monday, *zone)) continue;
      ZoneFilter& f = zone_filters[z];
      LocalHours(needed, *zone, c.week.monday, f.full, f.touched);
      f.active = true;
    }
  }
  auto passes_hours = [&](const Hot& h) {
    if (h.zone >= zone_filters.size() || !zone_filters[h.zone].active) return true;
    const ZoneFilter& f = zone_filters[h.zone];
    const HourMasks& have = hours_[h.hours];
    if (c.imposed) {
      return ((f.full[0] & ~have.full[0]) | (f.full[1] & ~have.full[1]) |
              (f.full[2] & ~have.full[2])) == 0;
    }
    const int64_t hours = std::popcount(f.touched[0] & have.touched[0]) +
                          std::popcount(f.touched[1] & have.touched[1]) +
                          std::popcount(f.touched[2] & have.touched[2]);
    return 60 * hours >= required_minutes;
  };
  auto passes_rest = [&](uint32_t id) {
    const Hot& h = hot_[id];
    if (int64_t{as_of} - h.verified_day > max_age) return false;
    if (!passes_hours(h)) return false;
    // Rule 12 (verdict.cc's PassesThreshold).
    return min_rate <= 0 || h.appointments_set < min_observations ||
           h.appointments_validated * 1000 >= min_rate * h.appointments_set;
  };
  TopK top(static_cast<size_t>(options.top_k));
  ExpansionCache expansions;
  // The rest, on the slot's facts made again: a language level past NATIVE, rules 1 to 5 for a
  // suspect, then the time rules; an eligible candidate goes to the heap with its exact score.
  // True when eligible.
  auto evaluate = [&](uint32_t id) {
    TeleoperatorData data;
    const TeleoperatorFacts facts = SlotFacts(id, data);
    if (language_past_native && !PassesLanguage(c, facts)) return false;
    if (suspects.Test(id) && !PassesRelationRules(c, facts, policy)) return false;
    ++result.time_rules_evaluated;
    const WorkWeek work = MakeWorkWeek(c, facts, &expansions);
    if (!PassesTimeRules(c, facts, work, policy)) return false;
    Ranked r;
    r.components = ScoreComponents(RuleInput{c, facts, work, policy});
    r.score = TotalScore(r.components);
    r.name = NameOf(id);
    top.Offer(std::move(r));
    return true;
  };

  if (options.exact_count) {
    int64_t count = 0;
    candidates.ForEach([&](uint32_t id) {
      if (!passes_rest(id) || !evaluate(id)) return;
      ++count;
      if (options.list_eligible) result.eligible.push_back(NameOf(id).ToString());
    });
    result.eligible_count = count;
    std::sort(result.eligible.begin(), result.eligible.end());
    result.top = top.Take();
    return result;
  }

  // Pruned: every component but slack is cheap; slack is at most what a lower bound of the
  // week's load leaves of the weekly cap (bound_of), and the dependence penalty at least 0 (it
  // is left out: it scans the revenue logs, and is 0 for most pairs anyway). Evaluate the time
  // rules in descending order of that bound and stop when the k-th score is strictly above the next
  // bound (ties rank by name, so an equal bound may still enter).
  if (options.top_k == 0) return result;
  const BoundInputs in = MakeBoundInputs(c, policy);
  const int64_t relevant_count = static_cast<int64_t>(in.skills.size());
  const std::vector<int>& skills = in.skills;
  const std::vector<std::string>& language_names = in.language_names;
  const std::vector<std::vector<int64_t>>& sector_fit = in.sector_fit;
  const int64_t prior_observations = policy.quality_prior_observations();
  const int64_t prior = policy.quality_prior_permille();
  auto bound_of = [&](uint32_t id) { return BoundOf(in, c, policy, id); };
  struct Bound {
    int64_t bound;
    uint32_t id;
    bool full = true;  // BoundDetail::kFull, else kDense
    bool operator<(const Bound& other) const { return bound < other.bound; }
  };
  auto below_top = [&](int64_t bound) { return top.full() && bound < top.worst_score(); };
  // A candidate whose bound only ties the k-th score enters only if its name ranks first: the
  // others are passed over without their time rules (many tie where the scores are alike, e.g.
  // before any activity is logged, when quality is the prior for everyone).
  auto evaluate_bounded = [&](const Bound& b) {
    if (top.Enters(b.bound, NameOf(b.id))) evaluate(b.id);
  };

  // The candidates wait in `pending` with their dense bound (BoundDetail::kDense: Hot alone, one
  // cache line); one that reaches the top is bounded again with its loads and assignments, and
  // goes back if that is lower. Most never get there.
  std::priority_queue<Bound> pending;
  // Evaluates the pending candidates whose bound is at least `until`, best first; false once the
  // k-th score beats the next bound (the rest cannot enter).
  auto evaluate_pending = [&](int64_t until) {
    while (!pending.empty() && pending.top().bound >= until) {
      const Bound next = pending.top();
      pending.pop();
      if (below_top(next.bound)) return false;
      if (!next.full) {
        const int64_t full = BoundOf(in, c, policy, next.id, BoundDetail::kFull);
        if (full < next.bound) {
          pending.push({full, next.id});
          continue;
        }
      }
      evaluate_bounded(next);
    }
    return true;
  };

  if (static_cast<int64_t>(candidates.Count()) <= options.cells_above) {
    // Few candidates: all of them in `pending` at once (a heap made in linear time).
    std::vector<Bound> bounds;
    candidates.ForEach([&](uint32_t id) {
      if (passes_rest(id))
        bounds.push_back({BoundOf(in, c, policy, id, BoundDetail::kDense), id, false});
    });
    pending = std::priority_queue<Bound>(std::less<Bound>(), std::move(bounds));
    evaluate_pending(std::numeric_limits<int64_t>::min());
    result.top = top.Take();
    return result;
  }

  // Many candidates: visit them by cells, best cell bound first, and stop before the bulk of
  // them. A cell is a skill class (every relevant skill held, or not), a language class (the
  // lowest level over the campaign's languages: NATIVE, C2, lower), a sector class (the best fit
  // of one of its sector codes over the campaign's segments: each distinct value, or none) and a
  // quality bucket. Its bound is the score with each component at its class's best, the slack at
  // what the campaign's own minutes leave of the cap, fairness at 1, no penalty: every bound_of
  // of its members is at most that. A candidate's own bound goes to `pending`, evaluated once no
  // cell left can hold a better one.
  struct Class {
    SummarizedBitmap members;  // candidates only
    int64_t value;             // the component's bound, in kFixedPointOne units
  };
  // Every candidate, summarized once: the one class of a dimension the campaign does not rank
  // on, and the seed of the sector combinations.
  const SummarizedBitmap every_candidate = SummarizedBitmap::AndNotTaken({&candidates}, nullptr);
  std::vector<Class> skill_classes;
  if (relevant_count == 0) {
    skill_classes.push_back({every_candidate, kFixedPointOne});
  } else {
    std::vector<const Bitmap*> every_skill = {&candidates};
    const Bitmap none;
    for (int skill : skills) {
      auto it = skill_.find(skill);
      every_skill.push_back(it == skill_.end() ? &none : &it->second);
    }
    Bitmap taken;
    SummarizedBitmap all = SummarizedBitmap::AndNotTaken(every_skill, &taken);
    SummarizedBitmap rest = SummarizedBitmap::AndNotTaken({&candidates}, &taken);
    skill_classes.push_back({std::move(all), kFixedPointOne});
    skill_classes.push_back(
        {std::move(rest), kFixedPointOne * (relevant_count - 1) / relevant_count});
  }
  std::vector<Class> language_classes;
  if (language_names.empty()) {
    language_classes.push_back({every_candidate, 0});
  } else {
    const int64_t n = static_cast<int64_t>(language_names.size());
    // The candidates with every language at `level` or above not in `covered`, which gets them.
    const Bitmap nobody;
    auto every_language_at = [&](int level, Bitmap& covered) {
      std::vector<const Bitmap*> all = {&candidates};
      for (const std::string& l : language_names) {
        auto it = language_.find(l);
        all.push_back(it == language_.end() ? &nobody : &it->second[level]);
      }
      return SummarizedBitmap::AndNotTaken(all, &covered);
    };
    // The other languages at NATIVE, the lowest at `lowest` (ranking.cc's formula).
    auto value = [&](int lowest) {
      return ((n - 1) * kFixedPointOne + kFixedPointOne * lowest / kMaxLevel) / n;
    };
    // A class per lowest level, from NATIVE down to the lowest the campaign asks (rule 8 leaves
    // no candidate below it); any other candidate in one more class at the largest value.
    int asked = kMaxLevel;
    for (const v1::LanguageLevel& need : c.campaign->languages()) {
      asked = std::min(asked, std::clamp<int>(need.level(), 0, kMaxLevel));
    }
    Bitmap covered;
    for (int level = kMaxLevel; level >= asked; --level) {
      language_classes.push_back({every_language_at(level, covered), value(level)});
    }
    language_classes.push_back(
        {SummarizedBitmap::AndNotTaken({&candidates}, &covered), kFixedPointOne});
  }
  // The candidates by their best fit among `fit`'s (one per interned code): a class per
  // distinct value, best first, and the rest at 0.
  auto classes_by_fit = [&](const std::vector<int64_t>& fit) {
    std::vector<int64_t> values;
    for (int64_t v : fit) {
      if (v > 0) values.push_back(v);
    }
    std::sort(values.begin(), values.end(), std::greater<>());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    std::vector<Class> classes;
    Bitmap covered;
    for (int64_t v : values) {
      Bitmap at;
      for (size_t e = 0; e < fit.size(); ++e) {
        if (fit[e] == v) sector_slots_[e].OrMaskedInto(candidates, at);
      }
      classes.push_back({SummarizedBitmap::AndNotTaken({&at}, &covered), v});
    }
    classes.push_back({SummarizedBitmap::AndNotTaken({&candidates}, &covered), 0});
    return classes;
  };
  // The sector component is the average over the campaign's segments of each one's best fit. A
  // class per combination of the segments' classes is exact; past kMaxSectorClasses
  // combinations, the classes of the best fit over all segments bound the average.
  constexpr size_t kMaxSectorClasses = 64;
  std::vector<Class> sector_classes;
  if (sector_fit.empty()) {
    sector_classes.push_back({every_candidate, 0});
  } else {
    std::vector<std::vector<Class>> by_segment;
    size_t combinations = 1;
    for (const std::vector<int64_t>& fit : sector_fit) {
      by_segment.push_back(classes_by_fit(fit));
      combinations *= by_segment.back().size();
    }
    if (combinations <= kMaxSectorClasses) {
      sector_classes.push_back({every_candidate, 0});  // values summed, divided at the end
      for (const std::vector<Class>& classes : by_segment) {
        std::vector<Class> next;
        for (const Class& so_far : sector_classes) {
          for (const Class& k : classes) {
            next.push_back(
                {SummarizedBitmap::And({&so_far.members, &k.members}), so_far.value + k.value});
          }
        }
        sector_classes = std::move(next);
      }
      for (Class& k : sector_classes) k.value /= static_cast<int64_t>(sector_fit.size());
    } else {
      std::vector<int64_t> best_fit(segment_codes_.size(), 0);
      for (const std::vector<int64_t>& fit : sector_fit) {
        for (size_t e = 0; e < fit.size(); ++e) best_fit[e] = std::max(best_fit[e], fit[e]);
      }
      sector_classes = classes_by_fit(best_fit);
    }
  }
  const int64_t slack_max = in.slack_max;
  struct Cell {
    int64_t bound;
    const Class* skill;
    const Class* language;
    const Class* sector;
    int bucket;
    uint32_t order;  // among equal bounds, the order made
  };
  std::vector<Cell> cells;
  auto non_empty = [](const std::vector<Class>& classes) {
    std::vector<const Class*> out;
    for (const Class& k : classes) {
      if (k.members.Any()) out.push_back(&k);
    }
    return out;
  };
  const std::vector<const Class*> skill_cells = non_empty(skill_classes);
  const std::vector<const Class*> language_cells = non_empty(language_classes);
  const std::vector<const Class*> sector_cells = non_empty(sector_classes);
  // The unbounded bucket's candidates (few: a language level past NATIVE, inconsistent counts)
  // go to `pending` with their own bounds; as cells, bounded by nothing, they would be visited
  // first and make every combination of classes. A bucket without candidates has no cells.
  buckets_[kUnboundedBucket].ForEachWordAnd(candidates, [&](size_t w, uint64_t word) {
    for (; word != 0; word &= word - 1) {
      const uint32_t id = static_cast<uint32_t>(w * 64 + std::countr_zero(word));
      if (passes_rest(id))
        pending.push({BoundOf(in, c, policy, id, BoundDetail::kDense), id, false});
    }
    return true;
  });
  for (int b = 0; b < kBuckets; ++b) {
    if (b == kUnboundedBucket) continue;
    if (!buckets_[b].Intersects(candidates)) continue;
    const int64_t quality = QualityUpper(b, kRateClasses, kCountClasses, prior, prior_observations);
    for (const Class* skill : skill_cells) {
      for (const Class* language : language_cells) {
        for (const Class* sector : sector_cells) {
          const int64_t bound = FloorDiv(
              skill->value * policy.weight_skill_fit() +
                  sector->value * policy.weight_sector_fit() +
                  language->value * policy.weight_language() + slack_max * policy.weight_slack() +
                  quality * policy.weight_quality() + kFixedPointOne * policy.weight_fairness(),
              kFixedPointOne);
          cells.push_back({bound, skill, language, sector, b, static_cast<uint32_t>(cells.size())});
        }
      }
    }
  }
  // Best bound first, as a heap: a search visits a few hundred of up to tens of thousands of
  // cells, and sorting them all took up to a millisecond.
  auto visited_later = [](const Cell& a, const Cell& b) {
    return a.bound < b.bound || (a.bound == b.bound && a.order > b.order);
  };
  std::make_heap(cells.begin(), cells.end(), visited_later);
  // The AND of a cell's skill, language and sector classes, made once for all its quality
  // buckets: a visit then reads two bitmaps instead of four.
  // Summarized, like the quality buckets: a visit reads only the words that hold members of both.
  struct Combination {
    const Class* skill;
    const Class* language;
    const Class* sector;
    SummarizedBitmap members;
  };
  std::vector<Combination> combinations;
  combinations.reserve(cells.size());  // references into it stay valid
  auto members_of = [&](const Cell& cell) -> const SummarizedBitmap& {
    for (const Combination& k : combinations) {
      if (k.skill == cell.skill && k.language == cell.language && k.sector == cell.sector) {
        return k.members;
      }
    }
    combinations.push_back({cell.skill, cell.language, cell.sector,
                            SummarizedBitmap::And({&cell.skill->members, &cell.language->members,
                                                   &cell.sector->members})});
    return combinations.back().members;
  };
  for (auto end = cells.end(); end != cells.begin(); --end) {
    std::pop_heap(cells.begin(), end, visited_later);
    const Cell& cell = *(end - 1);
    if (!evaluate_pending(cell.bound) || below_top(cell.bound)) {
      pending = {};
      break;
    }
    // Members in name order (in_order_) whose own bound is the cell's: evaluated as met, and the
    // first that cannot enter the top ends them all (the next have the same bound and later
    // names; the cell's others have lower bounds). In a large cell of equal bounds (before any
    // activity, say) that stops after the first names instead of reading every member.
    const uint64_t* o = in_order_.words();
    const size_t ordered_words = in_order_.word_count();
    uint64_t skip = 0;  // ~0 once the in-order members are done
    SummarizedBitmap::ForEachWordOfBoth(
        members_of(cell), buckets_[cell.bucket], [&](size_t w, uint64_t a, uint64_t q) {
          const uint64_t ordered = w < ordered_words ? o[w] : 0;
          uint64_t bits = a & q & ~(ordered & skip);
          for (; bits != 0; bits &= bits - 1) {
            const uint32_t id = static_cast<uint32_t>(w * 64 + std::countr_zero(bits));
            if (!passes_rest(id)) continue;
            const bool in_order = (ordered >> (id % 64) & 1) != 0;
            int64_t bound = BoundOf(in, c, policy, id, BoundDetail::kDense);
            bool full = false;
            if (in_order && bound == cell.bound) {
              bound = bound_of(id);
              full = true;
            }
            if (!in_order || bound != cell.bound) {
              pending.push({bound, id, full});
            } else if (top.Enters(bound, NameOf(id))) {
              evaluate(id);
            } else {
              skip = ~uint64_t{0};
              bits &= ~ordered;
            }
          }
        });
  }
  evaluate_pending(std::numeric_limits<int64_t>::min());
  result.top = top.Take();
  return result;
}

absl::StatusOr<std::vector<std::string>> MatchingIndex::EligibleCampaigns(
    absl::string_view teleoperator, const v1::MatchingPolicy& policy, absl::CivilDay today) const {
  if (absl::Status s = ValidatePolicy(policy); !s.ok()) return s;
  { absl::MutexLock turn(&turnstile_); }
  absl::ReaderMutexLock lock(&mu_);
  const uint32_t slot = slot_of_.Find(SlotName::Of(teleoperator));
  if (slot == kNoSlot) {
    return absl::NotFoundError(absl::StrCat("teleoperator ", teleoperator, " not found"));
  }
  TeleoperatorData data;
  const TeleoperatorFacts facts = SlotFacts(slot, data);
  std::vector<std::string> names;
  for (const auto& [name, campaign] : catalog_.campaigns()) {
    if (campaign.state() != v1::CAMPAIGN_STATE_OPEN) continue;
    absl::StatusOr<CampaignContext> context = MakeCampaignContext(catalog_, campaign, today);
    if (context.ok() && IsEligible(*context, facts, policy)) names.push_back(name);
  }
  return names;
}

absl::StatusOr<v1::EligibilityExplanation> MatchingIndex::Explain(
    absl::string_view campaign, const TeleoperatorData& teleoperator,
    const v1::MatchingPolicy& policy, absl::CivilDay today) const {
  { absl::MutexLock turn(&turnstile_); }
  absl::ReaderMutexLock lock(&mu_);
  absl::StatusOr<CampaignContext> context = Context(campaign, policy, today);
  if (!context.ok()) return context.status();
  return ExplainPair(*context, MakeTeleoperatorFacts(catalog_, teleoperator), policy);
}

std::optional<v1::Campaign> MatchingIndex::campaign(absl::string_view name) const {
  { absl::MutexLock turn(&turnstile_); }
  absl::ReaderMutexLock lock(&mu_);
  const v1::Campaign* found = catalog_.campaign(name);
  if (found == nullptr) return std::nullopt;
  return *found;
}

IndexStats MatchingIndex::Stats() const {
  { absl::MutexLock turn(&turnstile_); }
  absl::ReaderMutexLock lock(&mu_);
  IndexStats stats;
  stats.companies = static_cast<int64_t>(catalog_.companies().size());
  stats.campaigns = static_cast<int64_t>(catalog_.campaigns().size());
  stats.teleoperators = static_cast<int64_t>(slot_of_.size());
  stats.contracts = contracts_;
  stats.answers_reused = answers_reused_.load(std::memory_order_relaxed);
  stats.answers_computed = answers_computed_.load(std::memory_order_relaxed);
  return stats;
}

}  // namespace callmatch::matching

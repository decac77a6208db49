// The matching index (docs/matching.md, "The index"): the answers of the reference path
// (reference.h) without scanning every teleoperator with every rule.
//
// What it holds:
//   - companies and campaigns as they are (a Dataset without teleoperators: the catalog);
//   - per teleoperator, a slot (a small integer) holding its records serialized (what the rules
//     read of them) and what its facts made of its activity logs; the facts themselves
//     (MakeTeleoperatorFacts) are made again only for the candidates the time rules run on;
//   - dense fields per slot (Hot) for the cheap checks and the score bounds;
//   - bitmaps over slots: per language and minimum level (rule 8), per skill (9), per country of
//     establishment (10), and "registration verified with a well-formed number" (11);
//   - exclusion sets (slot sets): per group key of an employer or of a contract's client (rules 1,
//     5), per segment node of an employer, a non-compete clause or a held mission (rules 2, 3, 5),
//     and the slots with an unauthorised exclusivity clause (4). A slot in a campaign's exclusion
//     sets is checked exactly against rules 1 to 5; a slot in none of them passes them all;
//   - per slot, the hours of the week its availability covers and touches (a necessary
//     condition of rule 7, checked per zone that keeps one offset around the reference week).
// A query ANDs the bitmaps word by word, removes the slots the exclusion sets exclude, runs the
// arithmetic rules (11's age, 12) and then the time rules (6, 7) on the survivors only, and keeps
// the top k in a bounded heap. With MatchOptions::exact_count false it skips the exact count: it
// orders the survivors by an upper bound of their score (the slack component at its best) and
// evaluates the time rules in that order until the k-th score beats the next bound; with many
// survivors, by cells of candidates whose bound holds for the whole cell (docs/matching.md).
//
// With MatchOptions::reuse, a pruned query gives its last answer again when no teleoperator
// changed since can alter it (docs/matching.md, "Reused answers").
//
// Updates are in place: PutTeleoperator recompiles one slot (its bitmaps bits, its exclusion-set
// entries, its records), and a put that says only the profile or a log changed keeps what the
// slot made of the rest; a company or campaign upsert recompiles the slots whose facts read it.
//
// Thread safety: any number of readers (Match, EligibleCampaigns, Explain, Stats) run
// concurrently under a shared lock; a writer (Upsert, PutTeleoperator, RemoveTeleoperator, Load)
// takes the lock exclusively for the one change it applies, ahead of readers that arrive while
// it waits (docs/matching.md, "Concurrency").
#ifndef CALLMATCH_MATCHING_INDEX_INDEX_H_
#define CALLMATCH_MATCHING_INDEX_INDEX_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "callmatch/v1/matching.pb.h"
#include "matching/context.h"
#include "matching/dataset.h"
#include "matching/index/bitmap.h"
#include "matching/index/block_pool.h"
#include "matching/index/intern_table.h"
#include "matching/index/key_table.h"
#include "matching/index/name_table.h"
#include "matching/index/slot_name.h"
#include "matching/index/slot_set.h"

namespace callmatch::matching {

struct MatchOptions {
  int top_k = 50;
  // Count every eligible teleoperator (operators see the count). When false, eligible_count is
  // -1 and the time rules run only on the candidates whose score bound can still reach the top k.
  bool exact_count = true;
  // Return every eligible teleoperator's name (tests); needs exact_count.
  bool list_eligible = false;
  // Pruned only: with more candidates than this, they are visited by cells of score bound (see
  // index.h); with fewer, one pass over all of them is cheaper. Tests set 0 to take the cells on
  // every campaign.
  int64_t cells_above = 4096;
  // Pruned only (an exact count is always computed): answer with the last answer to the same
  // query (campaign, policy, day, top_k) when none of the changes applied since can alter it
  // (docs/matching.md, "Reused answers"). The same answer either way.
  bool reuse = false;
  // The matches as a client sees them: rank and public-profile components, score 0.
  bool public_view = false;
};

struct MatchResult {
  // Best first (score descending, then name), ranks from 1, as ReferenceMatch's top.
  std::vector<v1::Match> top;
  // -1 unless MatchOptions::exact_count.
  int64_t eligible_count = -1;
  // Sorted; only with MatchOptions::list_eligible.
  std::vector<std::string> eligible;
  absl::CivilDay as_of;
  // How many candidates the time rules (the expensive part) ran on: every survivor of the
  // bitmaps with the exact count, far fewer when pruned.
  int64_t time_rules_evaluated = 0;
  // MatchOptions::reuse: an earlier answer, checked against the changes since (the rules then
  // ran only on the changed teleoperators in it or that could have entered it).
  bool reused = false;
};

struct IndexStats {
  int64_t companies = 0;
  int64_t campaigns = 0;
  int64_t teleoperators = 0;
  int64_t contracts = 0;
  // Queries with MatchOptions::reuse (and no exact count): answered with a remembered answer,
  // and computed.
  int64_t answers_reused = 0;
  int64_t answers_computed = 0;
};

class MatchingIndex {
 public:
  MatchingIndex();
  ~MatchingIndex();
  MatchingIndex(const MatchingIndex&) = delete;
  MatchingIndex& operator=(const MatchingIndex&) = delete;

  // --- Writer ---------------------------------------------------------------------------------
  // Replaces everything by `dataset`'s records.
  void Load(const Dataset& dataset);
  // Adds or replaces a company or campaign (as Dataset::Upsert, same errors) and recompiles the
  // teleoperators whose facts read it (an employer's or client's group, a contract's campaign).
  absl::Status Upsert(const v1::Company& company);
  absl::Status Upsert(const v1::Campaign& campaign);
  // Adds or replaces one teleoperator with everything under it: the way to apply a change to its
  // profile, an employment, a contract or an activity log (the caller keeps the records).
  // `changed` says which of its records differ from the ones it was last put with: kProfile (only
  // the teleoperator record itself) keeps what the index made of its employments, contracts and
  // activity logs instead of reading them again (a log-heavy teleoperator's logs were most of a
  // put); kActivityLog (logs, and the profile) reads the logs again but keeps what it made of the
  // employments and contracts (their keys, loads, records). The index is then exactly as after a
  // full put (kAny). When the teleoperator is new, or its number of employments or contracts
  // differs from the slot's, it is a full put anyway. Saying less than what changed leaves the
  // index wrong for that teleoperator.
  enum class Changed { kAny, kProfile, kActivityLog };
  void PutTeleoperator(const TeleoperatorData& teleoperator, Changed changed = Changed::kAny);
  // False if absent.
  bool RemoveTeleoperator(absl::string_view name);

  // --- Readers --------------------------------------------------------------------------------
  // The answer of ReferenceMatch: NOT_FOUND for an unknown campaign, INVALID_ARGUMENT for an
  // invalid policy, a negative top_k or a campaign the rules cannot evaluate.
  absl::StatusOr<MatchResult> Match(absl::string_view campaign, const v1::MatchingPolicy& policy,
                                    absl::CivilDay today, const MatchOptions& options) const;
  // The reverse query: the OPEN campaigns `teleoperator` is eligible for, by name. NOT_FOUND for
  // an unknown teleoperator. A campaign the rules cannot evaluate is left out.
  absl::StatusOr<std::vector<std::string>> EligibleCampaigns(absl::string_view teleoperator,
                                                             const v1::MatchingPolicy& policy,
                                                             absl::CivilDay today) const;
  // ExplainEligibility for `campaign` and the caller's records of a teleoperator (the index keeps
  // no explanation material): the same answer as ExplainEligibility over a dataset holding the
  // index's companies and campaigns and `teleoperator`.
  absl::StatusOr<v1::EligibilityExplanation> Explain(absl::string_view campaign,
                                                     const TeleoperatorData& teleoperator,
                                                     const v1::MatchingPolicy& policy,
                                                     absl::CivilDay today) const;
  // A copy of a campaign; nullopt when unknown.
  std::optional<v1::Campaign> campaign(absl::string_view name) const;
  IndexStats Stats() const;

 private:
  // A teleoperator: one block (from blocks_, block_pool.h) holding all the index keeps of it but
  // its Hot and its bits (its layout: "A slot's block" in index.cc); null for a free slot. Held
  // by value: no second allocation, no pointer to follow.
  struct Slot {
    std::byte* block = nullptr;  // in blocks_
  };
  struct Block;  // the block's layout and its readers (index.cc)
  // Rule 7's filter: the hours of an availability's nominal week (bit h of word h / 64, Monday
  // 00:00 = 0) covered entirely and touched. Both empty when its windows are unreadable (rule 7
  // then fails). Interned (hours_): teleoperators share them.
  struct HourMasks {
    std::array<uint64_t, 3> full{};
    std::array<uint64_t, 3> touched{};
    bool operator==(const HourMasks& other) const = default;
    template <typename H>
    friend H AbslHashValue(H h, const HourMasks& m) {
      return H::combine(std::move(h), m.full, m.touched);
    }
  };
  // What the per-candidate checks and score bounds read, dense by slot so that a pass over
  // tens of thousands of candidates does not chase one pointer each: one cache line a slot.
  struct alignas(64) Hot {
    int32_t verified_day = 0;  // days since 1970-01-01; meaningful for the slots in registered_
    uint32_t hours = 0;        // its HourMasks in hours_
    uint8_t sector_count = 0;  // more than kInlineSectors: read the slot's Rare
    uint8_t language_count = 0;
    bool has_loads = false;        // employments or contracts: the slack bound reads the slot
    bool has_assignments = false;  // assignment contracts: Fairness reads the slot
    // More than kInlineLanguages languages, a level past NATIVE or too many language names: the
    // language component reads the slot.
    bool unusual_language = false;
    // A language level past NATIVE: the language component has no class bound (ranking.cc divides
    // the level by NATIVE's), so the slot goes to the unbounded quality bucket.
    bool past_native = false;
    uint16_t zone = 0;   // the availability's zone (zone_names_; kUnlistedZone: no filter)
    uint8_t bucket = 0;  // its quality bucket (QualityBucket)
    // Interned lower-cased languages (language_id_) and their highest level.
    static constexpr int kInlineLanguages = 3;
    uint8_t language_ids[kInlineLanguages] = {};
    uint8_t language_levels[kInlineLanguages] = {};
    static constexpr int kInlineSectors = 3;
    uint32_t sectors[kInlineSectors] = {};  // interned sector_experience codes (the first ones)
    uint64_t skills = 0;                    // bit s: skill s held (skills 0 to 63; others: skill_)
    int64_t appointments_set = 0;
    int64_t appointments_validated = 0;
  };
  static_assert(sizeof(Hot) == 64);
  // Quality buckets: the slots by validated-appointment rate (kRateClasses classes) and number of
  // appointments set (kCountClasses classes), one for none set, one for the slots whose score
  // has no bound (a language level past NATIVE). A bucket bounds the quality component whatever
  // the policy's prior (QualityUpper in index.cc).
  static constexpr int kRateClasses = 8;
  static constexpr int kCountClasses = 5;
  static constexpr int kNoObservations = kRateClasses * kCountClasses;
  static constexpr int kUnboundedBucket = kNoObservations + 1;
  static constexpr int kBuckets = kUnboundedBucket + 1;
  static int QualityBucket(const Hot& hot);

  // What a campaign's score bound reads (the formulas of ranking.cc, slack at its best), made
  // once per query: skill_fit's skills (the campaign's and its kind's; those from 0 to 63 as a
  // mask, the others' bitmaps), the languages interned (id 0: nobody lists it), each interned
  // sector code's fit for each campaign segment, and the days the loads and fairness read.
  struct BoundInputs {
    int64_t cap = 0;
    std::vector<int> skills;
    uint64_t relevant_mask = 0;
    std::vector<const Bitmap*> relevant;
    std::vector<uint8_t> language_ids;
    std::vector<std::string> language_names;
    std::vector<std::vector<int64_t>> sector_fit;
    int32_t remaining_first = 0;
    int32_t remaining_last = 0;
    int32_t fairness_since = 0;
    // The best slack any candidate can have: what the campaign's own minutes leave of the cap (1
    // while some load is negative), in kFixedPointOne units.
    int64_t slack_max = 0;
    // The campaign's "k:" key (SlackLoad::campaign; kNoKey, which no load holds, when no slot
    // ever held a contract on it): the loads of its own contracts do not count.
    static constexpr uint32_t kNoKey = UINT32_MAX - 1;
    uint32_t campaign_key = kNoKey;
  };
  // How much of a slot BoundOf reads: the dense fields only (Hot: slack at BoundInputs::slack_max,
  // fairness at 1), or also its loads and assignment starts (two more blocks of memory).
  enum class BoundDetail { kDense, kFull };

  // Writer helpers, under mu_ exclusively.
  // Enters a slot whose data and facts are set in the bitmaps and sets. `kept_keys`, sorted: the
  // keys whose sets still hold the slot (Uncompile with keep_keys); it leaves those it no longer
  // lists and enters only the new ones (most changes keep every key).
  // With `kept` (a put that says what changed, KeptRecords), `facts` need hold only the profile's
  // (MakeProfileFacts) and the logs' totals, and the keys are `kept_keys` as they are.
  struct KeptRecords;
  void Compile(uint32_t slot, const TeleoperatorData& data, const TeleoperatorFacts& facts,
               const std::vector<uint32_t>& kept_keys, const KeptRecords* kept = nullptr)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Takes a slot out of the bitmaps and sets. Unless `recompiling`, out of its keys' sets too, and
  // it releases its schedules (Recompile leaves both to Compile, which keeps what stays).
  void Uncompile(uint32_t slot, bool recompiling) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Uncompile and Compile again with new data and facts, the keys' sets left alone where kept.
  void Recompile(uint32_t slot, const TeleoperatorData& data, const TeleoperatorFacts& facts)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RecompileDependents(const std::vector<std::string>& keys) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void PutLocked(const TeleoperatorData& teleoperator, Changed changed = Changed::kAny)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A put of slot `id` that says what changed (kProfile, kActivityLog): Compile with what its
  // block holds of the records that did not. False (nothing done) when the records' counts differ
  // from the slot's: the caller puts it whole.
  bool RecompileKept(uint32_t id, const TeleoperatorData& data, Changed changed)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void NoteChange(const std::string& teleoperator) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ForgetAnswers() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Reader helpers, under mu_ shared.
  // The top k (and the count) for a campaign, computed.
  MatchResult Search(const CampaignContext& context, const v1::MatchingPolicy& policy,
                     const MatchOptions& options) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // A remembered answer, with its teleoperators by name.
  struct Answer {
    explicit Answer(MatchResult computed);
    MatchResult result;
    absl::flat_hash_map<absl::string_view, const v1::Match*> member;  // into result.top
  };
  // The remembered answer to `key` if it is still the answer (MatchOptions::reuse), else null;
  // `evaluated` counts the changed teleoperators the rules ran on to tell.
  std::shared_ptr<const Answer> Reuse(const std::string& key, const std::string& policy_bytes,
                                      const CampaignContext& context,
                                      const v1::MatchingPolicy& policy, int top_k,
                                      int64_t& evaluated) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void Remember(const std::string& key, std::string policy_bytes,
                std::shared_ptr<const Answer> answer) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::StatusOr<CampaignContext> Context(absl::string_view campaign,
                                          const v1::MatchingPolicy& policy,
                                          absl::CivilDay today) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The bitmaps a campaign's candidates are in (rules 8 to 11 but the age): each of `every`,
  // and one of `any` when `any_needed` (rule 10's countries); none when `nobody`.
  struct CandidateFilter {
    bool nobody = false;
    std::vector<const Bitmap*> every;
    bool any_needed = false;
    std::vector<const Bitmap*> any;
  };
  CandidateFilter Filter(const CampaignContext& context) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The candidates, word by word; whether one slot is one.
  Bitmap Candidates(const CandidateFilter& filter) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  bool Admits(const CandidateFilter& filter, uint32_t id) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  BoundInputs MakeBoundInputs(const CampaignContext& context,
                              const v1::MatchingPolicy& policy) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // An upper bound of slot `id`'s score for the campaign if it is eligible: every component as
  // ranking.cc computes it, but slack at what the loads that surely count leave of the cap and no
  // dependence penalty (kFull); kDense is a looser bound read from Hot alone.
  int64_t BoundOf(const BoundInputs& inputs, const CampaignContext& context,
                  const v1::MatchingPolicy& policy, uint32_t id,
                  BoundDetail detail = BoundDetail::kFull) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  uint32_t InternSegment(const std::string& code) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint32_t InternKey(absl::string_view key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The exclusion-set keys of a segment a teleoperator holds (AddSegmentKeys in index.cc),
  // interned, appended to `keys`; each distinct code is parsed once (segment_keys_).
  void AddSegmentKeyIds(const std::string& code, std::vector<uint32_t>& keys)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A reference to a schedule in schedules_ (its id), and its release.
  uint32_t InternSchedule(const v1::WeeklySchedule& schedule) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReleaseSchedule(uint32_t id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The slots of `key` (key_id_), or nullptr when no slot ever listed it.
  const SlotSet* KeySlots(const std::string& key) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The size past which a slot set becomes a bitmap (slot_set.h): 1/64 of the slots (the bitmap
  // then costs about 1.5 times the B-tree), at least kMinLargeSet.
  static constexpr size_t kMinLargeSet = 1024;
  size_t LargeSetAbove() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // A slot's facts, made again from its records into `data` (which they point into) and the
  // catalog, with what was made of its logs.
  TeleoperatorFacts SlotFacts(uint32_t slot, TeleoperatorData& data) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  // A reader passes through the turnstile before it takes mu_ shared; a writer holds the
  // turnstile while it waits for mu_ and writes. So readers that keep coming cannot keep a writer
  // out (absl::Mutex does not promise that: the benchmark saw one update wait 0.5 s behind a
  // thread matching back to back); a writer waits at most for the queries already running.
  mutable absl::Mutex turnstile_;
  mutable absl::Mutex mu_;
  // Companies and campaigns only.
  Dataset catalog_ ABSL_GUARDED_BY(mu_);
  BlockPool blocks_ ABSL_GUARDED_BY(mu_);         // the slots' blocks
  std::vector<Slot> slots_ ABSL_GUARDED_BY(mu_);  // a null block: free
  std::vector<uint32_t> free_slots_ ABSL_GUARDED_BY(mu_);
  std::string encode_buffer_ ABSL_GUARDED_BY(mu_);  // Compile's, reused
  std::string key_buffer_ ABSL_GUARDED_BY(mu_);     // Compile's, reused
  std::vector<Hot> hot_ ABSL_GUARDED_BY(mu_);       // by slot
  InternTable<HourMasks> hours_ ABSL_GUARDED_BY(mu_);
  // The slack bound's inputs, in days since 1970-01-01: each employment, and each contract that
  // holds time, with the minutes it adds at least to a week's load (a week's minutes or an int32
  // field of the campaign: 32 bits hold them) and its campaign's "k:" key (kNoCampaign for an
  // employment). In the slot's block (LoadsOf): 16 bytes, where a 64-bit count and a pointer
  // took 24.
  static constexpr uint32_t kNoCampaign = UINT32_MAX;
  struct SlackLoad {
    int32_t first = 0;
    int32_t last = 0;
    int32_t minutes = 0;
    uint32_t campaign = kNoCampaign;
  };
  // What the score bound reads of a slot's block, in place (under mu_, shared or exclusive):
  // its loads; Fairness's input, the first day of each assignment contract that has one; every
  // interned sector code when there are more than Hot::kInlineSectors (else empty); each
  // language, lower-cased, at its highest level, only with Hot::unusual_language (else empty).
  absl::Span<const SlackLoad> LoadsOf(uint32_t slot) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Span<const int32_t> AssignmentStartsOf(uint32_t slot) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Span<const uint32_t> RareSectorsOf(uint32_t slot) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  std::vector<std::pair<std::string, int>> UnusualLanguagesOf(uint32_t slot) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The teleoperator's name, in its block (slot_name.h: "teleoperators/" is not repeated).
  SlotName NameOf(uint32_t slot) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The name in a slot's block, for the name table.
  struct SlotNameOf {
    const std::vector<Slot>* slots;
    SlotName operator()(uint32_t slot) const;
  };
  static constexpr uint32_t kNoSlot = NameTable<SlotNameOf>::kNone;
  // The slot of each name (a name never changes while its slot is in the table).
  NameTable<SlotNameOf> slot_of_ ABSL_GUARDED_BY(mu_){SlotNameOf{&slots_}};
  int64_t contracts_ ABSL_GUARDED_BY(mu_) = 0;

  Bitmap live_ ABSL_GUARDED_BY(mu_);
  // Slots whose ids follow their names' order among themselves: those of the last Load (it puts
  // them by name); a slot taken by a new teleoperator is not, and a removal takes its slot out.
  Bitmap in_order_ ABSL_GUARDED_BY(mu_);
  // Lower-cased language -> [level]: listed at that level or above (0: listed at all).
  static constexpr int kLevels = 8;
  absl::flat_hash_map<std::string, std::array<Bitmap, kLevels>> language_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint8_t> language_id_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> language_names_ ABSL_GUARDED_BY(mu_);  // by language_id_, from 1
  absl::flat_hash_map<int, Bitmap> skill_ ABSL_GUARDED_BY(mu_);
  std::array<SummarizedBitmap, kBuckets> buckets_ ABSL_GUARDED_BY(mu_);
  // SlackLoad entries below 0 minutes (a flexible mission with a negative weekly figure): while
  // there are any, a cell's slack bound is 1.
  int64_t negative_loads_ ABSL_GUARDED_BY(mu_) = 0;
  // Upper-cased country of establishment, interned (never removed: a small vocabulary).
  absl::flat_hash_map<std::string, uint32_t> country_id_ ABSL_GUARDED_BY(mu_);
  std::vector<Bitmap> country_ ABSL_GUARDED_BY(mu_);  // by country_id_
  // Status VERIFIED, a verify date, a well-formed number (the age is checked per query).
  Bitmap registered_ ABSL_GUARDED_BY(mu_);
  Bitmap exclusivity_ ABSL_GUARDED_BY(mu_);
  // Availability zone names, interned (never removed: a small vocabulary); Hot::zone indexes it.
  static constexpr uint16_t kUnlistedZone = UINT16_MAX;
  std::vector<std::string> zone_names_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint16_t> zone_id_ ABSL_GUARDED_BY(mu_);
  // Every sector_experience code seen, interned (never removed: codes are a small vocabulary), so
  // that a query computes each code's sector fit once, not once per teleoperator.
  struct SegmentCode {
    std::string normalized;
    std::vector<std::string> path;  // empty: does not parse
  };
  std::vector<SegmentCode> segment_codes_ ABSL_GUARDED_BY(mu_);
  // By interned code: the slots whose sector_experience lists it (the cells' sector classes).
  std::vector<SlotSet> sector_slots_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint32_t> segment_id_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> segment_raw_ ABSL_GUARDED_BY(mu_);  // by id: the code as written
  // The country and segment codes of the slots' records (the profile's and employers' countries,
  // the employers' and clauses' segments), as written: a slot's block holds their ids.
  Vocabulary record_codes_ ABSL_GUARDED_BY(mu_);
  // A held segment's exclusion-set keys by its code as written (AddSegmentKeyIds; never removed,
  // as keys are not: codes are a small vocabulary).
  absl::flat_hash_map<std::string, std::vector<uint32_t>> segment_keys_ ABSL_GUARDED_BY(mu_);
  // The exclusion sets and the dependencies, by interned key (keys_, key_table.h; a slot lists
  // its keys by number): key -> slots. Exclusion keys: "g:<group key>" (an employment's employer
  // has it), "s:<node>" (a segment whose path holds that node), "l:<node>" (a segment whose path
  // ends at that node), "r:<code>" (a segment that does not parse, normalized). Dependency keys:
  // "n:<registration number>" (a held contract's client group has it), "c:<company name>",
  // "k:<campaign name>": the slots whose facts read that company or campaign. An employer's group
  // keys are under "g:" only: their "n:" would hold the same slots (600,000 keys at 1M, 13 bytes
  // each), so a company change recompiles the slots under both (Upsert). The prefixes keep the
  // kinds apart.
  KeyTable keys_ ABSL_GUARDED_BY(mu_);
  std::vector<SlotSet> key_slots_ ABSL_GUARDED_BY(mu_);  // by key id
  // Weekly schedules (availabilities, employments' hours), serialized and interned:
  // teleoperators share them. A slot's bytes name them by their table id plus one; 0 stands for
  // none.
  InternTable<std::string> schedules_ ABSL_GUARDED_BY(mu_);
  std::string schedule_buffer_ ABSL_GUARDED_BY(mu_);  // InternSchedule's, reused

  // Reused answers (MatchOptions::reuse). changes_ counts the teleoperator changes (puts and
  // removals) applied; changed_ names the last kRememberedChanges of them, oldest first. A
  // remembered answer is valid after change `at`; a company or campaign change forgets them all.
  static constexpr size_t kRememberedChanges = 1 << 16;
  // Remembered matches, all answers together (roughly 1 KB each with its components): one more
  // starts again from none.
  static constexpr size_t kRememberedMatches = 1 << 16;
  uint64_t changes_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<std::string> changed_ ABSL_GUARDED_BY(mu_);
  struct Remembered {
    std::string policy;  // serialized
    std::shared_ptr<const Answer> answer;
    uint64_t at = 0;
  };
  // Readers remember and refresh answers under mu_ shared, so they have their own lock.
  mutable absl::Mutex answers_mu_ ABSL_ACQUIRED_AFTER(mu_);
  mutable absl::flat_hash_map<std::string, Remembered> answers_ ABSL_GUARDED_BY(answers_mu_);
  mutable size_t remembered_matches_ ABSL_GUARDED_BY(answers_mu_) = 0;
  mutable std::atomic<int64_t> answers_reused_{0};
  mutable std::atomic<int64_t> answers_computed_{0};
};

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_INDEX_INDEX_H_

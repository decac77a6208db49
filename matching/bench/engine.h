// The engine the PostgreSQL benchmark times (issue 4, docs/performance.md). Everything the
// benchmark driver asks of the matching engine goes through these two functions, so switching
// the driver from the reference path to the index is a change in engine.cc only.
#ifndef CALLMATCH_MATCHING_BENCH_ENGINE_H_
#define CALLMATCH_MATCHING_BENCH_ENGINE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "callmatch/v1/matching.pb.h"
#include "matching/dataset.h"

namespace callmatch::matching::bench {

// What the engine holds once built (the reference path: nothing but the dataset).
struct Engine;
struct EngineDeleter {
  void operator()(Engine* engine) const;
};
using EnginePtr = std::unique_ptr<Engine, EngineDeleter>;

// The engine's answer for one campaign.
struct TopResult {
  // Best first, ties by name: (teleoperator, score).
  std::vector<std::pair<std::string, int64_t>> top;
  // Size of the eligible set; -1 unless counted.
  int64_t eligible = -1;
};

// Builds the engine over `dataset`; the engine keeps its own copy of what it reads, so the
// dataset may be freed afterwards.
absl::StatusOr<EnginePtr> BuildEngine(const Dataset& dataset, const v1::MatchingPolicy& policy);

// The top `k` eligible teleoperators of `campaign` as of `today`. With `exact_count` (an
// operator's MatchCampaign) TopResult::eligible is the eligible set's size; without (a client's,
// the faster mode: the time rules run only where a score bound can still reach the top) it is -1.
absl::StatusOr<TopResult> MatchTop(const Engine& engine, absl::string_view campaign,
                                   absl::CivilDay today, int k, bool exact_count);

// A name for the printout: "reference path" or "index".
const char* EngineName();

}  // namespace callmatch::matching::bench

#endif  // CALLMATCH_MATCHING_BENCH_ENGINE_H_

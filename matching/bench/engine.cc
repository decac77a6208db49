#include "matching/bench/engine.h"

#include "matching/index/index.h"

namespace callmatch::matching::bench {

// The index (matching/index/), loaded once from the dataset (it copies what it reads).
struct Engine {
  MatchingIndex index;
  v1::MatchingPolicy policy;
};

void EngineDeleter::operator()(Engine* engine) const { delete engine; }

const char* EngineName() { return "index"; }

absl::StatusOr<EnginePtr> BuildEngine(const Dataset& dataset, const v1::MatchingPolicy& policy) {
  EnginePtr engine(new Engine);
  engine->index.Load(dataset);
  engine->policy = policy;
  return engine;
}

absl::StatusOr<TopResult> MatchTop(const Engine& engine, absl::string_view campaign,
                                   absl::CivilDay today, int k, bool exact_count) {
  MatchOptions options;
  options.top_k = k;
  options.exact_count = exact_count;
  absl::StatusOr<MatchResult> r = engine.index.Match(campaign, engine.policy, today, options);
  if (!r.ok()) return r.status();
  TopResult out;
  out.eligible = r->eligible_count;
  for (const v1::Match& m : r->top) out.top.emplace_back(m.teleoperator(), m.score());
  return out;
}

}  // namespace callmatch::matching::bench

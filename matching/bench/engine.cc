#include "matching/bench/engine.h"

#include "matching/index/index.h"

namespace callmatch::matching::bench {

// The index (matching/index/), loaded once from the dataset. MatchTop asks for the exact count,
// because the comparison with PostgreSQL checks the eligible sets' sizes too: the times printed
// are those of an operator's MatchCampaign, the slower of the index's two modes.
struct Engine {
  MatchingIndex index;
  v1::MatchingPolicy policy;
};

void EngineDeleter::operator()(Engine* engine) const { delete engine; }

const char* EngineName() { return "index, exact count"; }

absl::StatusOr<EnginePtr> BuildEngine(const Dataset& dataset, const v1::MatchingPolicy& policy) {
  EnginePtr engine(new Engine);
  engine->index.Load(dataset);
  engine->policy = policy;
  return engine;
}

absl::StatusOr<TopResult> MatchTop(const Engine& engine, absl::string_view campaign,
                                   absl::CivilDay today, int k) {
  MatchOptions options;
  options.top_k = k;
  options.exact_count = true;
  absl::StatusOr<MatchResult> r = engine.index.Match(campaign, engine.policy, today, options);
  if (!r.ok()) return r.status();
  TopResult out;
  out.eligible = r->eligible_count;
  for (const v1::Match& m : r->top) out.top.emplace_back(m.teleoperator(), m.score());
  return out;
}

}  // namespace callmatch::matching::bench

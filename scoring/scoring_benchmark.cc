// Throughput of the scoring engine on one core (docs/performance.md gives the command and the
// figures). Each benchmark walks a pool of 4096 generated contracts (about 10% of their facts
// unknown), so branches and caches see varied input.
//
//   BM_FranceAssess                      features + range + band, French rulebook (no
//   counterfactuals) BM_FranceAssessWithCounterfactuals   the same plus every single-remediation
//   recomputation BM_MinimalSet                        the minimal remediation set alone (France +
//   EU directive) BM_EngineAssessProto                 Engine::Assess end to end, building the
//   RiskAssessment
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "benchmark/benchmark.h"
#include "scoring/engine.h"
#include "scoring/evaluation.h"
#include "scoring/features.h"
#include "scoring/test_facts.h"

namespace callmatch::scoring {
namespace {

constexpr size_t kPool = 4096;

const Engine& TheEngine() {
  static const Engine* engine = [] {
    absl::StatusOr<Engine> e = Engine::LoadDirectory(CALLMATCH_RULEBOOK_DIR);
    if (!e.ok()) {
      std::fprintf(stderr, "%s\n", e.status().ToString().c_str());
      std::abort();
    }
    return new Engine(*std::move(e));
  }();
  return *engine;
}

// French contracts as of 2027 (France and the EU directive apply).
const std::vector<v1::ContractFacts>& Pool() {
  static const std::vector<v1::ContractFacts>* pool = [] {
    auto* out = new std::vector<v1::ContractFacts>();
    testing::Generator gen(42, 0.1, 0.35);
    for (size_t i = 0; i < kPool; ++i) {
      v1::ContractFacts f = gen.Facts();
      testing::SetPlace(&f, "FR", "FR-IDF");
      testing::SetAsOf(&f, 2027, 3, 1);
      out->push_back(std::move(f));
    }
    return out;
  }();
  return *pool;
}

const CompiledRulebook& France() { return *TheEngine().Find("france"); }

void BM_FranceAssess(benchmark::State& state) {
  const std::vector<v1::ContractFacts>& pool = Pool();
  const CompiledRulebook& france = France();
  RulebookResult result;
  size_t i = 0;
  for (auto _ : state) {
    const FeatureVector v = DeriveFeatures(pool[i++ % kPool]);
    AssessRulebook(france, v, /*counterfactuals=*/false, &result);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FranceAssess);

void BM_FranceAssessWithCounterfactuals(benchmark::State& state) {
  const std::vector<v1::ContractFacts>& pool = Pool();
  const CompiledRulebook& france = France();
  RulebookResult result;
  size_t i = 0;
  int64_t counterfactuals = 0;
  for (auto _ : state) {
    const FeatureVector v = DeriveFeatures(pool[i++ % kPool]);
    AssessRulebook(france, v, /*counterfactuals=*/true, &result);
    counterfactuals += result.counterfactual_count;
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["counterfactuals_per_assessment"] =
      static_cast<double>(counterfactuals) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_FranceAssessWithCounterfactuals);

void BM_MinimalSet(benchmark::State& state) {
  const std::vector<v1::ContractFacts>& pool = Pool();
  std::vector<FeatureVector> features;
  for (const v1::ContractFacts& f : pool) features.push_back(DeriveFeatures(f));
  const CompiledRulebook* rulebooks[] = {TheEngine().Find("eu-directive"), &France()};
  size_t i = 0;
  int64_t reachable = 0;
  int64_t candidate_count = 0;
  int64_t set_size = 0;
  for (auto _ : state) {
    const FeatureVector& v = features[i++ % kPool];
    const RemediationCandidates candidates = CollectCandidates(rulebooks, v);
    const MinimalRemediation minimal = FindMinimalRemediation(rulebooks, v, candidates);
    reachable += minimal.reachable ? 1 : 0;
    candidate_count += candidates.count;
    set_size += std::popcount(minimal.chosen);
    benchmark::DoNotOptimize(minimal);
  }
  const double n = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  state.counters["reachable_share"] = static_cast<double>(reachable) / n;
  state.counters["candidates"] = static_cast<double>(candidate_count) / n;
  state.counters["set_size_when_reachable"] =
      reachable == 0 ? 0.0 : static_cast<double>(set_size) / static_cast<double>(reachable);
}
BENCHMARK(BM_MinimalSet);

void BM_EngineAssessProto(benchmark::State& state) {
  const std::vector<v1::ContractFacts>& pool = Pool();
  const Engine& engine = TheEngine();
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<v1::RiskAssessment> a = engine.Assess(pool[i++ % kPool]);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EngineAssessProto);

}  // namespace
}  // namespace callmatch::scoring

BENCHMARK_MAIN();

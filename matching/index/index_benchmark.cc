// Latency of the matching index at 100k generated teleoperators (CALLMATCH_BENCH_TELEOPERATORS
// to change it): a top-50 match (exact count, and pruned by score bounds), the reverse query, and
// one teleoperator update. Not run by CI; docs/performance.md gives the command and the figures.
//
// Before the Google Benchmark runs it prints, over every open campaign, the p50 and p99 of one
// match on one thread and the distribution of the eligible-set sizes (CALLMATCH_BENCH_EXACT=0
// skips the exact count and that distribution). CALLMATCH_BENCH_PASSES=N times each campaign N
// times and takes its median: on a shared machine one pass's p99 (the third slowest of 300) moves
// with every hiccup.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <benchmark/benchmark.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "matching/generator/generator.h"
#include "matching/index/index.h"
#include "matching/policy.h"
#include "matching/time_model.h"

namespace callmatch::matching {
namespace {

constexpr absl::CivilDay kToday(2027, 1, 4);

struct World {
  Dataset dataset;
  MatchingIndex index;
  std::vector<std::string> open;
  std::vector<std::string> teleoperators;
  v1::MatchingPolicy policy = DefaultPolicy();
};

// The process's resident memory (/proc/self/statm).
int64_t ResidentBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  long long pages = 0, resident = 0;
  if (f != nullptr) {
    if (std::fscanf(f, "%lld %lld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * sysconf(_SC_PAGESIZE);
}

World& TheWorld() {
  static World* world = [] {
    auto* w = new World;
    GeneratorOptions options;
    options.seed = 1;
    options.today = kToday;
    if (const char* n = std::getenv("CALLMATCH_BENCH_TELEOPERATORS")) {
      options.teleoperators = std::atoll(n);
    } else {
      options.teleoperators = 100'000;
    }
    absl::Time t = absl::Now();
    w->dataset = *GenerateDataset(options);
    const int64_t before = ResidentBytes();
    std::printf("generated %lld teleoperators in %.1f s\n",
                static_cast<long long>(options.teleoperators),
                absl::ToDoubleSeconds(absl::Now() - t));
    t = absl::Now();
    w->index.Load(w->dataset);
    std::printf("index built in %.2f s; resident memory it added: %.0f bytes per teleoperator\n",
                absl::ToDoubleSeconds(absl::Now() - t),
                static_cast<double>(ResidentBytes() - before) / options.teleoperators);
    for (const auto& [name, c] : w->dataset.campaigns()) {
      if (c.state() == v1::CAMPAIGN_STATE_OPEN) w->open.push_back(name);
    }
    for (const auto& [name, t] : w->dataset.teleoperators()) w->teleoperators.push_back(name);
    return w;
  }();
  return *world;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

// One pass over every open campaign, each timed once: p50 and p99 per mode.
void PrintDistribution() {
  World& w = TheWorld();
  // CALLMATCH_BENCH_EXACT=0 skips the exact count (at 1M it takes seconds a campaign).
  const char* exact_env = std::getenv("CALLMATCH_BENCH_EXACT");
  const bool with_exact = exact_env == nullptr || std::string(exact_env) != "0";
  const char* passes_env = std::getenv("CALLMATCH_BENCH_PASSES");
  const int passes = std::max(1, passes_env == nullptr ? 1 : std::atoi(passes_env));
  for (bool exact : {true, false}) {
    if (exact && !with_exact) continue;
    std::vector<std::vector<double>> by_campaign(w.open.size());
    std::vector<double> eligible;
    std::vector<double> evaluated;
    for (int pass = 0; pass < passes; ++pass) {
      for (size_t i = 0; i < w.open.size(); ++i) {
        MatchOptions options{.top_k = 50, .exact_count = exact};
        const absl::Time t = absl::Now();
        absl::StatusOr<MatchResult> r = w.index.Match(w.open[i], w.policy, kToday, options);
        by_campaign[i].push_back(absl::ToDoubleMicroseconds(absl::Now() - t));
        if (pass > 0 || !r.ok()) continue;
        if (exact) eligible.push_back(static_cast<double>(r->eligible_count));
        evaluated.push_back(static_cast<double>(r->time_rules_evaluated));
      }
    }
    std::vector<double> micros;
    for (const std::vector<double>& times : by_campaign) micros.push_back(Percentile(times, 0.5));
    std::printf("%s: %zu campaigns (median of %d), p50 %.0f us, p99 %.0f us, max %.0f us\n",
                exact ? "exact count" : "pruned", micros.size(), passes, Percentile(micros, 0.5),
                Percentile(micros, 0.99), Percentile(micros, 1.0));
    std::printf("  time rules ran on: p50 %.0f, p99 %.0f candidates\n", Percentile(evaluated, 0.5),
                Percentile(evaluated, 0.99));
    if (exact) {
      std::printf("eligible per campaign: min %.0f, p10 %.0f, p50 %.0f, p90 %.0f, max %.0f\n",
                  Percentile(eligible, 0), Percentile(eligible, 0.1), Percentile(eligible, 0.5),
                  Percentile(eligible, 0.9), Percentile(eligible, 1.0));
    }
  }
}

// p50 and p99 of one teleoperator update: a profile change (its availability alternating
// between two versions), put as the materializer puts a changed teleoperator record
// (Changed::kProfile); then the same changes put whole (Changed::kAny, what every put was before
// the index was told what changed).
void PrintUpdates() {
  World& w = TheWorld();
  for (MatchingIndex::Changed changed :
       {MatchingIndex::Changed::kProfile, MatchingIndex::Changed::kAny}) {
    // Put whole: other teleoperators (none the first pass brought into the caches).
    const size_t offset = changed == MatchingIndex::Changed::kProfile ? 0 : 104'729;
    std::vector<double> micros;
    for (size_t i = 0; i < 20'000; ++i) {
      TeleoperatorData data =
          *w.dataset.teleoperator(w.teleoperators[(i * 7919 + offset) % w.teleoperators.size()]);
      if (i % 2 == 0) data.profile.mutable_availability()->mutable_windows()->Clear();
      const absl::Time t = absl::Now();
      w.index.PutTeleoperator(data, changed);
      micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - t));
    }
    std::printf("%s: %zu, p50 %.1f us, p99 %.1f us\n",
                changed == MatchingIndex::Changed::kProfile ? "update" : "update, put whole",
                micros.size(), Percentile(micros, 0.5), Percentile(micros, 0.99));
  }
}

// p50 and p99 of a mix of updates as the materializer applies them (each resource into the
// dataset, then the teleoperator put as it says; only the put is timed): half profile changes
// (Changed::kProfile), a quarter a new activity log (kActivityLog), a quarter a new contract (put
// whole, kAny); and the p99 of each kind. The dataset keeps the new logs and contracts.
void PrintUpdateMix() {
  World& w = TheWorld();
  std::vector<double> micros;
  std::vector<double> by_kind[3];  // profile, log, contract
  for (size_t i = 0; i < 20'000; ++i) {
    const std::string& name = w.teleoperators[(i * 7919 + 13) % w.teleoperators.size()];
    MatchingIndex::Changed changed = MatchingIndex::Changed::kAny;
    TeleoperatorData profile_changed;
    const TeleoperatorData* data = w.dataset.teleoperator(name);
    if (i % 4 < 2 || (i % 4 == 2 && data->contracts.empty())) {
      profile_changed = *data;
      if (i % 2 == 0) profile_changed.profile.mutable_availability()->mutable_windows()->Clear();
      data = &profile_changed;
      changed = MatchingIndex::Changed::kProfile;
    } else if (i % 4 == 2) {
      const v1::Contract& k = data->contracts[i % data->contracts.size()].contract;
      const absl::CivilDay day = kToday - static_cast<int>(1 + i % 60);
      v1::ActivityLog log;
      log.set_name(absl::StrCat(k.name(), "/activityLogs/", FormatDay(day)));
      *log.mutable_day() = ToDate(day);
      log.set_minutes_worked(420);
      log.set_appointments_set(3);
      log.set_appointments_validated(1);
      log.mutable_revenue()->set_currency_code("EUR");
      log.mutable_revenue()->set_minor_units(12'000);
      (void)w.dataset.Upsert(log);
      changed = MatchingIndex::Changed::kActivityLog;
    } else {
      v1::Contract k;
      k.set_name(absl::StrCat(name, "/contracts/bench-", i));
      k.set_campaign(w.open[i % w.open.size()]);
      k.set_state(v1::CONTRACT_STATE_ACCEPTED);
      *k.mutable_start_date() = ToDate(kToday + 7);
      *k.mutable_accept_date() = ToDate(kToday);
      (void)w.dataset.Upsert(k);
    }
    const absl::Time t = absl::Now();
    w.index.PutTeleoperator(*data, changed);
    micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - t));
    by_kind[static_cast<int>(changed == MatchingIndex::Changed::kProfile       ? 0
                             : changed == MatchingIndex::Changed::kActivityLog ? 1
                                                                               : 2)]
        .push_back(micros.back());
  }
  std::printf(
      "update mix (1/2 profile, 1/4 new activity log, 1/4 new contract): %zu, p50 %.1f us, "
      "p99 %.1f us (p99 profile %.1f, log %.1f, contract %.1f us)\n",
      micros.size(), Percentile(micros, 0.5), Percentile(micros, 0.99),
      Percentile(by_kind[0], 0.99), Percentile(by_kind[1], 0.99), Percentile(by_kind[2], 0.99));
}

// The cost of the reader/writer lock: pruned matches over every campaign while one writer applies
// updates back to back, against the figures above (readers alone, writer alone).
void PrintConcurrency() {
  World& w = TheWorld();
  std::atomic<bool> stop{false};
  std::vector<double> update_micros;
  std::vector<TeleoperatorData> versions;
  for (size_t i = 0; i < 2'000; ++i) {
    versions.push_back(
        *w.dataset.teleoperator(w.teleoperators[(i * 7919) % w.teleoperators.size()]));
    if (i % 2 == 0) versions.back().profile.mutable_availability()->mutable_windows()->Clear();
  }
  std::thread writer([&] {
    for (size_t i = 0; !stop.load(); ++i) {
      const absl::Time t = absl::Now();
      w.index.PutTeleoperator(versions[i % versions.size()], MatchingIndex::Changed::kProfile);
      update_micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - t));
    }
  });
  std::vector<double> match_micros;
  for (const std::string& c : w.open) {
    const absl::Time t = absl::Now();
    absl::StatusOr<MatchResult> r =
        w.index.Match(c, w.policy, kToday, MatchOptions{.top_k = 50, .exact_count = false});
    match_micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - t));
  }
  stop.store(true);
  writer.join();
  std::printf(
      "with a writer: pruned match p50 %.0f us, p99 %.0f us; %zu updates meanwhile, p50 %.1f us, "
      "p99 %.1f us\n",
      Percentile(match_micros, 0.5), Percentile(match_micros, 0.99), update_micros.size(),
      Percentile(update_micros, 0.5), Percentile(update_micros, 0.99));
}

// Each iteration matches the next open campaign: the mean is over the whole selectivity range.
void BM_Match(benchmark::State& state) {
  World& w = TheWorld();
  const MatchOptions options{.top_k = 50, .exact_count = state.range(0) != 0};
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<MatchResult> r =
        w.index.Match(w.open[i++ % w.open.size()], w.policy, kToday, options);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Match)->ArgName("exact_count")->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);

void BM_EligibleCampaigns(benchmark::State& state) {
  World& w = TheWorld();
  size_t i = 0;
  for (auto _ : state) {
    auto r = w.index.EligibleCampaigns(w.teleoperators[(i++ * 7919) % w.teleoperators.size()],
                                       w.policy, kToday);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_EligibleCampaigns)->Unit(benchmark::kMicrosecond);

// One teleoperator update: its availability alternates between two versions (a profile change,
// put as such).
void BM_Update(benchmark::State& state) {
  World& w = TheWorld();
  size_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    TeleoperatorData data =
        *w.dataset.teleoperator(w.teleoperators[(i * 7919) % w.teleoperators.size()]);
    if (i++ % 2 == 0) data.profile.mutable_availability()->mutable_windows()->Clear();
    state.ResumeTiming();
    w.index.PutTeleoperator(data, MatchingIndex::Changed::kProfile);
  }
}
BENCHMARK(BM_Update)->Unit(benchmark::kMicrosecond);

// One update of a teleoperator among the 1% with the most activity logs (the slowest full puts
// are theirs: their facts read every log), as BM_Update; put whole (typed:0) or as a profile
// change (typed:1).
void BM_LogHeavyUpdate(benchmark::State& state) {
  World& w = TheWorld();
  static const std::vector<std::string> heavy = [&w] {
    std::vector<std::pair<size_t, std::string>> by_logs;
    for (const std::string& name : w.teleoperators) {
      size_t logs = 0;
      for (const ContractData& k : w.dataset.teleoperator(name)->contracts) logs += k.logs.size();
      by_logs.emplace_back(logs, name);
    }
    std::sort(by_logs.begin(), by_logs.end(), std::greater<>());
    std::vector<std::string> most;
    for (size_t i = 0; i < std::max<size_t>(1, by_logs.size() / 100); ++i) {
      most.push_back(by_logs[i].second);
    }
    return most;
  }();
  const MatchingIndex::Changed changed =
      state.range(0) != 0 ? MatchingIndex::Changed::kProfile : MatchingIndex::Changed::kAny;
  size_t i = 0;
  TeleoperatorData data;  // copied and freed while the timer is paused
  for (auto _ : state) {
    state.PauseTiming();
    data = *w.dataset.teleoperator(heavy[(i * 7919) % heavy.size()]);
    if (i++ % 2 == 0) data.profile.mutable_availability()->mutable_windows()->Clear();
    state.ResumeTiming();
    w.index.PutTeleoperator(data, changed);
  }
}
BENCHMARK(BM_LogHeavyUpdate)->ArgName("typed")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace callmatch::matching

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  callmatch::matching::PrintDistribution();
  callmatch::matching::PrintUpdates();
  callmatch::matching::PrintUpdateMix();
  callmatch::matching::PrintConcurrency();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

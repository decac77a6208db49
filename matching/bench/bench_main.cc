// callmatch-bench: the C++ side of the matching benchmark against PostgreSQL (issue 4;
// docs/performance.md, "Matching: callmatch versus PostgreSQL"; deploy/bench/ runs it).
//
//   callmatch-bench --data=/tmp/data-10k --top_out=top.tsv --times_out=times.tsv
//       --campaigns_out=campaigns.txt [--export_dir=/tmp/csv] [--campaigns=N] [--match=false]
//   callmatch-bench --data=/tmp/data-10k --explain=CAMPAIGN,TELEOPERATOR
//
// Loads a generated dataset (docs/generator.md), builds the engine (engine.h), frees the dataset,
// prints the load and build times and the process's resident memory per teleoperator, then
// matches the open campaigns one after another on one thread (top 50, as of the manifest's
// `today`): --passes times over all of them as a client's MatchCampaign (no count, pruned; each
// campaign's latency is the median of its passes), then once more as an operator's (the eligible
// count too); it prints both latencies' p50 and p99 and the distribution of eligible-set sizes,
// and fails if the two tops differ. Writes every campaign's top list (campaign, rank,
// teleoperator, score; tab-separated) to --top_out, the client's latency and the eligible-set
// size to --times_out, and with --export_dir the CSV files the SQL side loads
// (pg_export.h). --explain prints one pair's rule outcomes and score components (the reference
// path's Judge), to find where the SQL side differs.
#include <malloc.h>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "matching/bench/engine.h"
#include "matching/bench/pg_export.h"
#include "matching/context.h"
#include "matching/explain.h"
#include "matching/generator/dataset_io.h"
#include "matching/policy.h"

ABSL_FLAG(std::string, data, "", "Dataset directory written by callmatch-generate (required)");
ABSL_FLAG(std::string, top_out, "", "File to write each campaign's top list to");
ABSL_FLAG(std::string, campaigns_out, "",
          "File to write the campaigns matched to, one name a line (the SQL side runs the same)");
ABSL_FLAG(std::string, times_out, "",
          "File to write each campaign's latency and eligible-set size to (campaign, microseconds, "
          "eligible; tab-separated)");
ABSL_FLAG(std::string, export_dir, "", "Directory to write the CSV files for PostgreSQL to");
ABSL_FLAG(int32_t, top, 50, "Teleoperators per campaign");
ABSL_FLAG(int32_t, campaigns, 0, "Open campaigns to match (evenly spread); 0 for all");
ABSL_FLAG(bool, match, true, "Time the matches (false: load and export only)");
ABSL_FLAG(int32_t, passes, 3,
          "Timed passes of the client's match over every campaign (its latency: the median)");
ABSL_FLAG(bool, exact, true,
          "Also time an operator's match (with the eligible count) once per campaign and check "
          "its top against the client's (false: the client's latency alone, for quick A/B runs)");
ABSL_FLAG(std::string, explain, "",
          "CAMPAIGN,TELEOPERATOR: print the pair's failing rules and score components, then exit "
          "(to find where the SQL side differs)");

namespace callmatch::matching::bench {
namespace {

// Resident memory of this process, in bytes (VmRSS of /proc/self/status); 0 if unknown.
int64_t ResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    int64_t kb = 0;
    std::string digits;
    for (char c : line) {
      if (c >= '0' && c <= '9') digits.push_back(c);
    }
    if (absl::SimpleAtoi(digits, &kb)) return kb * 1024;
  }
  return 0;
}

// The value at quantile q (0..1) of sorted values, nearest rank.
double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(q * static_cast<double>(sorted.size()) + 0.999999);
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

int Run() {
  const std::string dir = absl::GetFlag(FLAGS_data);
  if (dir.empty()) {
    std::fprintf(stderr, "callmatch-bench: --data is required\n");
    return 2;
  }
  absl::StatusOr<DatasetManifest> manifest = ReadManifest(dir);
  if (!manifest.ok()) {
    std::fprintf(stderr, "callmatch-bench: %s\n", manifest.status().ToString().c_str());
    return 1;
  }
  absl::CivilDay today;
  if (!absl::ParseCivilTime(manifest->today(), &today)) {
    std::fprintf(stderr, "callmatch-bench: bad today in the manifest\n");
    return 1;
  }

  absl::Time t0 = absl::Now();
  // Read on a thread of its own: glibc gives a new thread its own malloc arena, so the dataset's
  // allocations do not share pages with the engine's (built on this thread), and freeing the
  // dataset hands its memory back whole. The resident memory printed is then the engine's, not
  // the engine's plus every page of the freed dataset that one of its allocations pins.
  absl::StatusOr<Dataset> dataset = absl::UnknownError("not loaded");
  std::thread loader([&dataset, &dir] { dataset = LoadDataset(dir); });
  loader.join();
  if (!dataset.ok()) {
    std::fprintf(stderr, "callmatch-bench: %s\n", dataset.status().ToString().c_str());
    return 1;
  }
  const double load_s = absl::ToDoubleSeconds(absl::Now() - t0);
  const int64_t n = static_cast<int64_t>(dataset->teleoperators().size());
  const int64_t rss_dataset = ResidentBytes();

  if (const std::string pair = absl::GetFlag(FLAGS_explain); !pair.empty()) {
    const std::vector<std::string> names = absl::StrSplit(pair, ',');
    const v1::Campaign* campaign = dataset->campaign(names[0]);
    const TeleoperatorData* t = names.size() == 2 ? dataset->teleoperator(names[1]) : nullptr;
    if (campaign == nullptr || t == nullptr) {
      std::fprintf(stderr, "callmatch-bench: --explain: unknown campaign or teleoperator\n");
      return 2;
    }
    absl::StatusOr<CampaignContext> context = MakeCampaignContext(*dataset, *campaign, today);
    if (!context.ok()) {
      std::fprintf(stderr, "callmatch-bench: %s\n", context.status().ToString().c_str());
      return 1;
    }
    const Verdict v = Judge(*context, MakeTeleoperatorFacts(*dataset, *t), DefaultPolicy());
    for (const v1::RuleOutcome& o : v.outcomes) {
      std::printf("%s %s: %s\n", o.passed() ? "pass" : "FAIL",
                  v1::ExclusionReason_Name(o.rule()).c_str(), o.explanation().c_str());
    }
    for (const v1::ScoreComponent& c : v.components) {
      std::printf("%s %lld x %lld\n", c.name().c_str(), static_cast<long long>(c.value()),
                  static_cast<long long>(c.weight()));
    }
    std::printf("score %lld\n", static_cast<long long>(v.score));
    return 0;
  }

  if (const std::string out = absl::GetFlag(FLAGS_export_dir); !out.empty()) {
    t0 = absl::Now();
    if (absl::Status s = ExportForPostgres(*dataset, out); !s.ok()) {
      std::fprintf(stderr, "callmatch-bench: %s\n", s.ToString().c_str());
      return 1;
    }
    std::printf("exported the CSV files for PostgreSQL to %s in %.1f s\n", out.c_str(),
                absl::ToDoubleSeconds(absl::Now() - t0));
  }

  // The open campaigns, evenly spread when --campaigns limits them.
  std::vector<std::string> open;
  for (const auto& [name, c] : dataset->campaigns()) {
    if (c.state() == v1::CAMPAIGN_STATE_OPEN) open.push_back(name);
  }
  std::vector<std::string> campaigns;
  const size_t wanted = absl::GetFlag(FLAGS_campaigns) > 0
                            ? std::min<size_t>(absl::GetFlag(FLAGS_campaigns), open.size())
                            : open.size();
  for (size_t i = 0; i < wanted; ++i) campaigns.push_back(open[i * open.size() / wanted]);
  if (const std::string out = absl::GetFlag(FLAGS_campaigns_out); !out.empty()) {
    std::ofstream file(out);
    for (const std::string& c : campaigns) file << c << "\n";
  }
  if (!absl::GetFlag(FLAGS_match)) return 0;

  t0 = absl::Now();
  absl::StatusOr<EnginePtr> engine = BuildEngine(*dataset, DefaultPolicy());
  if (!engine.ok()) {
    std::fprintf(stderr, "callmatch-bench: %s\n", engine.status().ToString().c_str());
    return 1;
  }
  const double build_s = absl::ToDoubleSeconds(absl::Now() - t0);
  // The engine keeps its own copy: free the dataset, so that the resident memory is the engine's
  // (and the process's baseline: a few MB).
  *dataset = Dataset();
  malloc_trim(0);
  const int64_t rss = ResidentBytes();
  std::printf("engine: %s\n", EngineName());
  std::printf("teleoperators: %lld, today %s\n", static_cast<long long>(n),
              manifest->today().c_str());
  std::printf("load (JSON files to Dataset): %.2f s, resident %.1f MB\n", load_s,
              static_cast<double>(rss_dataset) / 1e6);
  std::printf("build: %.3f s\n", build_s);
  std::printf(
      "resident memory with the engine alone (dataset freed): %.1f MB = %.0f bytes per "
      "teleoperator\n",
      static_cast<double>(rss) / 1e6,
      n > 0 ? static_cast<double>(rss) / static_cast<double>(n) : 0.0);
  std::fflush(stdout);

  std::ofstream top_file;
  if (const std::string out = absl::GetFlag(FLAGS_top_out); !out.empty()) top_file.open(out);
  std::ofstream times_file;
  if (const std::string out = absl::GetFlag(FLAGS_times_out); !out.empty()) times_file.open(out);
  const int k = absl::GetFlag(FLAGS_top);
  const int passes = std::max(1, absl::GetFlag(FLAGS_passes));
  // A client's MatchCampaign (no count: pruned by score bounds), timed over every campaign
  // `passes` times (a campaign's latency: its median); then an operator's (the eligible count
  // too), timed apart, once. Both must give the same top.
  std::vector<std::vector<double>> runs(campaigns.size());
  std::vector<TopResult> tops(campaigns.size());
  for (int pass = 0; pass < passes; ++pass) {
    for (size_t i = 0; i < campaigns.size(); ++i) {
      const absl::Time start = absl::Now();
      absl::StatusOr<TopResult> r = MatchTop(**engine, campaigns[i], today, k, false);
      runs[i].push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
      if (!r.ok()) {
        std::fprintf(stderr, "callmatch-bench: %s: %s\n", campaigns[i].c_str(),
                     r.status().ToString().c_str());
        return 1;
      }
      tops[i] = *std::move(r);
    }
  }
  std::vector<double> micros;
  std::vector<double> exact_micros;
  std::vector<int64_t> eligible;
  for (size_t i = 0; i < campaigns.size(); ++i) {
    const std::string& name = campaigns[i];
    std::sort(runs[i].begin(), runs[i].end());
    micros.push_back(runs[i][runs[i].size() / 2]);
    if (!absl::GetFlag(FLAGS_exact)) continue;
    const absl::Time start = absl::Now();
    absl::StatusOr<TopResult> exact = MatchTop(**engine, name, today, k, /*exact_count=*/true);
    exact_micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
    if (!exact.ok()) {
      std::fprintf(stderr, "callmatch-bench: %s: %s\n", name.c_str(),
                   exact.status().ToString().c_str());
      return 1;
    }
    const TopResult& r = tops[i];
    if (r.top != exact->top) {
      std::fprintf(stderr, "callmatch-bench: %s: the pruned top differs from the exact one\n",
                   name.c_str());
      return 1;
    }
    eligible.push_back(exact->eligible);
    times_file << name << '\t' << micros.back() << '\t' << exact->eligible << '\n';
    for (size_t j = 0; j < r.top.size(); ++j) {
      top_file << name << '\t' << (j + 1) << '\t' << r.top[j].first << '\t' << r.top[j].second
               << '\n';
    }
  }
  std::sort(micros.begin(), micros.end());
  std::sort(exact_micros.begin(), exact_micros.end());
  std::printf(
      "top-%d latency over %zu campaigns, one thread (a client's MatchCampaign, no count; median "
      "of %d passes): p50 %.1f us, p99 %.1f us, max %.1f us\n",
      k, campaigns.size(), passes, Quantile(micros, 0.50), Quantile(micros, 0.99),
      micros.empty() ? 0.0 : micros.back());
  if (!absl::GetFlag(FLAGS_exact)) return 0;
  std::printf(
      "with the eligible count (an operator's MatchCampaign): p50 %.1f us, p99 %.1f us, max %.1f "
      "us\n",
      Quantile(exact_micros, 0.50), Quantile(exact_micros, 0.99),
      exact_micros.empty() ? 0.0 : exact_micros.back());

  // Eligible-set sizes, in shares of the teleoperators (the generator's buckets).
  constexpr double kBounds[] = {0.001, 0.01, 0.05, 0.20};
  constexpr const char* kLabels[] = {"< 0.1%", "0.1-1%", "1-5%", "5-20%", "> 20%"};
  int zero = 0;
  int buckets[5] = {};
  for (int64_t e : eligible) {
    if (e == 0) {
      ++zero;
      continue;
    }
    const double share = n > 0 ? static_cast<double>(e) / static_cast<double>(n) : 0;
    int b = 0;
    while (b < 4 && share >= kBounds[b]) ++b;
    ++buckets[b];
  }
  std::sort(eligible.begin(), eligible.end());
  std::printf("eligible-set sizes: min %lld, median %lld, max %lld; 0 eligible: %d;",
              static_cast<long long>(eligible.empty() ? 0 : eligible.front()),
              static_cast<long long>(eligible.empty() ? 0 : eligible[eligible.size() / 2]),
              static_cast<long long>(eligible.empty() ? 0 : eligible.back()), zero);
  for (int b = 0; b < 5; ++b) std::printf(" %s: %d;", kLabels[b], buckets[b]);
  std::printf("\n");
  return 0;
}

}  // namespace
}  // namespace callmatch::matching::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Times top-50 matches of a generated dataset and exports it for PostgreSQL.\n"
      "Usage: callmatch-bench --data=DIR [--top_out=FILE] [--export_dir=DIR]");
  absl::ParseCommandLine(argc, argv);
  return callmatch::matching::bench::Run();
}

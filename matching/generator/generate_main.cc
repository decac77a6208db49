// callmatch-generate: writes a synthetic dataset (docs/generator.md) into a directory.
//
//   callmatch-generate --out=/tmp/data-20k --teleoperators=20000 --seed=1
//
// The same flags give the same files, byte for byte.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "matching/generator/generator.h"

ABSL_FLAG(std::string, out, "", "Directory to write the dataset to (created if needed)");
ABSL_FLAG(int64_t, teleoperators, 20'000, "Teleoperators to generate");
ABSL_FLAG(uint64_t, seed, 1, "Seed of every random draw");
ABSL_FLAG(int32_t, campaigns, 300, "Open campaigns (a quarter as many closed ones are added)");
ABSL_FLAG(int64_t, companies, 0, "Client companies; 0 means max(50, teleoperators / 100)");
ABSL_FLAG(std::string, today, "2027-01-04",
          "Date the data is generated for, YYYY-MM-DD (the `today` to match at)");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes a synthetic callmatch dataset: one JSON-lines file per record kind and a "
      "manifest.json.\nUsage: callmatch-generate --out=DIR [--teleoperators=N] [--seed=S]");
  absl::ParseCommandLine(argc, argv);
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) {
    std::fprintf(stderr, "callmatch-generate: --out is required\n");
    return 2;
  }
  callmatch::matching::GeneratorOptions options;
  options.seed = absl::GetFlag(FLAGS_seed);
  options.teleoperators = absl::GetFlag(FLAGS_teleoperators);
  options.campaigns = absl::GetFlag(FLAGS_campaigns);
  options.companies = absl::GetFlag(FLAGS_companies);
  if (!absl::ParseCivilTime(absl::GetFlag(FLAGS_today), &options.today)) {
    std::fprintf(stderr, "callmatch-generate: --today must be YYYY-MM-DD\n");
    return 2;
  }

  const absl::Time started = absl::Now();
  callmatch::matching::GenerationReport report;
  absl::StatusOr<callmatch::matching::DatasetManifest> manifest =
      callmatch::matching::GenerateToDirectory(options, out, &report);
  if (!manifest.ok()) {
    std::fprintf(stderr, "callmatch-generate: %s\n", manifest.status().ToString().c_str());
    return 1;
  }
  std::printf(
      "wrote %s in %.1f s: %lld companies, %lld campaigns, %lld teleoperators, %lld employments, "
      "%lld contracts, %lld activity logs\n",
      out.c_str(), absl::ToDoubleSeconds(absl::Now() - started),
      static_cast<long long>(manifest->companies()), static_cast<long long>(manifest->campaigns()),
      static_cast<long long>(manifest->teleoperators()),
      static_cast<long long>(manifest->employments()),
      static_cast<long long>(manifest->contracts()),
      static_cast<long long>(manifest->activity_logs()));
  // The shares the open campaigns were calibrated to reach (measured exactly by the reference
  // path in matching/generator/generator_test.cc).
  constexpr double kBounds[] = {0.001, 0.01, 0.05, 0.20};
  constexpr const char* kLabels[] = {"< 0.1%", "0.1-1%", "1-5%", "5-20%", "> 20%"};
  int buckets[5] = {};
  for (const auto& plan : report.campaigns) {
    int b = 0;
    while (b < 4 && plan.estimated_share >= kBounds[b]) ++b;
    ++buckets[b];
  }
  std::printf("estimated eligible share of the %zu open campaigns (sample of %lld teleoperators):",
              report.campaigns.size(), static_cast<long long>(report.calibration_sample));
  for (int b = 0; b < 5; ++b) std::printf(" %s: %d;", kLabels[b], buckets[b]);
  std::printf("\n");
  return 0;
}

// The synthetic data generator (docs/generator.md): seeded, realistic companies, campaigns,
// teleoperators with their declarations, contracts and activity logs, at any size.
//
// The same options give the same records, byte for byte: every random draw comes from
// matching/generator/rng.h, keyed by the seed and the record's index. Teleoperators are streamed
// one at a time, so memory does not grow with their number (only companies and campaigns are
// kept). Campaigns are calibrated so that their eligible shares span from under 0.1% to over
// 20% of the teleoperators.
//
// Example:
//   GeneratorOptions options;
//   options.seed = 7;
//   options.teleoperators = 1'000'000;
//   absl::StatusOr<DatasetManifest> manifest = GenerateToDirectory(options, "/data/1m");
//
// Thread safety: the functions are reentrant.
#ifndef CALLMATCH_MATCHING_GENERATOR_GENERATOR_H_
#define CALLMATCH_MATCHING_GENERATOR_GENERATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "matching/dataset.h"
#include "matching/generator/dataset_io.h"
#include "matching/generator/manifest.pb.h"

namespace callmatch::matching {

inline constexpr char kGeneratorVersion[] = "callmatch-generate/1";

struct GeneratorOptions {
  uint64_t seed = 1;
  // Teleoperators to generate, >= 1.
  int64_t teleoperators = 20'000;
  // Client companies; 0 means max(50, teleoperators / 100).
  int64_t companies = 0;
  // Open campaigns, the ones matching is asked about; a quarter as many closed campaigns are
  // added to carry the missions of the past.
  int32_t campaigns = 300;
  // The date the data is generated for: verifications, employments, contracts and logs are
  // dated around it, and it is the `today` to match at.
  absl::CivilDay today = absl::CivilDay(2027, 1, 4);
};

// What the generator aimed at for one open campaign (for tests and tuning; not in the files).
struct CampaignPlanReport {
  std::string campaign;  // resource name
  // The eligible share it was calibrated to, and the estimate it reached on the sample.
  double target_share = 0;
  double estimated_share = 0;
};

struct GenerationReport {
  std::vector<CampaignPlanReport> campaigns;
  int64_t calibration_sample = 0;
};

// Generates the dataset into `sink`: companies first, then each teleoperator followed by its
// employments, contracts and their activity logs, then every campaign (last, since seats_taken
// counts the contracts). Records of each kind come in resource-name order, so SaveDataset of the
// loaded files writes the same bytes. Returns the manifest fields that describe the run (seed,
// today, requested sizes; not the counts). INVALID_ARGUMENT for bad options.
absl::StatusOr<DatasetManifest> Generate(const GeneratorOptions& options, RecordSink& sink,
                                         GenerationReport* report = nullptr);

// Generates into `dir` (created if needed) through a DatasetWriter, manifest.json included.
absl::StatusOr<DatasetManifest> GenerateToDirectory(const GeneratorOptions& options,
                                                    absl::string_view dir,
                                                    GenerationReport* report = nullptr);

// Generates in memory; for small sizes (tests).
absl::StatusOr<Dataset> GenerateDataset(const GeneratorOptions& options,
                                        GenerationReport* report = nullptr);

// The effective number of companies for `options` (resolves companies = 0).
int64_t EffectiveCompanies(const GeneratorOptions& options);

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_GENERATOR_GENERATOR_H_

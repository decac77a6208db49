#include "matching/generator/generator.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "matching/generator/model.h"

namespace callmatch::matching {
namespace {

using generator_internal::CampaignPlan;
using generator_internal::DrawCampaigns;
using generator_internal::DrawCompanies;
using generator_internal::DrawMissions;
using generator_internal::DrawPerson;
using generator_internal::Mission;
using generator_internal::Person;
using generator_internal::SampledPerson;
using generator_internal::World;
using generator_internal::ZoneOffsets;

// Teleoperators the campaigns are calibrated on (the first ones of the population).
constexpr int64_t kCalibrationSample = 40'000;

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

}  // namespace

int64_t EffectiveCompanies(const GeneratorOptions& options) {
  if (options.companies > 0) return options.companies;
  return std::max<int64_t>(50, options.teleoperators / 100);
}

absl::StatusOr<DatasetManifest> Generate(const GeneratorOptions& options, RecordSink& sink,
                                         GenerationReport* report) {
  if (options.teleoperators < 1) {
    return absl::InvalidArgumentError("teleoperators must be at least 1");
  }
  if (options.companies < 0) return absl::InvalidArgumentError("companies must be >= 0");
  if (options.campaigns < 1) return absl::InvalidArgumentError("campaigns must be at least 1");
  if (options.today.year() < 2000 || options.today.year() > 9000) {
    return absl::InvalidArgumentError("today must be between 2000 and 9000");
  }

  World world;
  world.seed = options.seed;
  world.today = options.today;
  world.id_width = std::max<int>(7, static_cast<int>(absl::StrCat(options.teleoperators).size()));
  absl::StatusOr<ZoneOffsets> zones = ZoneOffsets::Load(options.today);
  if (!zones.ok()) return zones.status();
  world.zones = *std::move(zones);
  DrawCompanies(world, EffectiveCompanies(options));

  std::vector<CampaignPlan> plans;
  {
    std::vector<SampledPerson> sample;
    const int64_t sample_size = std::min(options.teleoperators, kCalibrationSample);
    sample.reserve(sample_size);
    for (int64_t i = 0; i < sample_size; ++i) {
      Person person = DrawPerson(world, i);
      sample.push_back({std::move(person.traits), person.latent});
    }
    const int closed = std::max(1, options.campaigns / 4);
    plans = DrawCampaigns(world, sample, options.campaigns, closed, options.teleoperators);
    if (report != nullptr) report->calibration_sample = sample_size;
  }

  for (const auto& entry : world.companies) {
    if (absl::Status s = sink.Write(entry.company); !s.ok()) return s;
  }
  for (int64_t i = 0; i < options.teleoperators; ++i) {
    const Person person = DrawPerson(world, i);
    if (absl::Status s = sink.Write(person.profile); !s.ok()) return s;
    for (const v1::Employment& employment : person.employments) {
      if (absl::Status s = sink.Write(employment); !s.ok()) return s;
    }
    for (const Mission& mission : DrawMissions(world, plans, person, i)) {
      if (absl::Status s = sink.Write(mission.contract); !s.ok()) return s;
      for (const v1::ActivityLog& log : mission.logs) {
        if (absl::Status s = sink.Write(log); !s.ok()) return s;
      }
    }
  }
  // Campaigns last, in name order, with the seats their contracts took.
  std::vector<const CampaignPlan*> ordered;
  for (CampaignPlan& plan : plans) {
    plan.campaign.set_seats_taken(plan.seats_taken);
    ordered.push_back(&plan);
  }
  std::sort(ordered.begin(), ordered.end(), [](const CampaignPlan* a, const CampaignPlan* b) {
    return a->campaign.name() < b->campaign.name();
  });
  for (const CampaignPlan* plan : ordered) {
    if (absl::Status s = sink.Write(plan->campaign); !s.ok()) return s;
  }
  if (report != nullptr) {
    for (const CampaignPlan& plan : plans) {
      if (!plan.open) continue;
      report->campaigns.push_back({plan.campaign.name(), plan.target_share, plan.estimated_share});
    }
  }

  DatasetManifest manifest;
  manifest.set_generator_version(kGeneratorVersion);
  manifest.set_seed(options.seed);
  manifest.set_today(FormatDay(options.today));
  manifest.set_requested_teleoperators(options.teleoperators);
  manifest.set_requested_companies(EffectiveCompanies(options));
  manifest.set_requested_open_campaigns(options.campaigns);
  return manifest;
}

absl::StatusOr<DatasetManifest> GenerateToDirectory(const GeneratorOptions& options,
                                                    absl::string_view dir,
                                                    GenerationReport* report) {
  absl::StatusOr<std::unique_ptr<DatasetWriter>> writer = DatasetWriter::Open(dir);
  if (!writer.ok()) return writer.status();
  absl::StatusOr<DatasetManifest> manifest = Generate(options, **writer, report);
  if (!manifest.ok()) return manifest.status();
  if (absl::Status s = (*writer)->Finish(*manifest); !s.ok()) return s;
  DatasetManifest full = *manifest;
  const DatasetManifest& counts = (*writer)->counts();
  full.set_format(kDatasetFormat);
  full.set_format_version(kDatasetFormatVersion);
  full.set_companies(counts.companies());
  full.set_campaigns(counts.campaigns());
  full.set_teleoperators(counts.teleoperators());
  full.set_employments(counts.employments());
  full.set_contracts(counts.contracts());
  full.set_activity_logs(counts.activity_logs());
  return full;
}

absl::StatusOr<Dataset> GenerateDataset(const GeneratorOptions& options, GenerationReport* report) {
  Dataset dataset;
  DatasetSink sink(&dataset);
  absl::StatusOr<DatasetManifest> manifest = Generate(options, sink, report);
  if (!manifest.ok()) return manifest.status();
  return dataset;
}

}  // namespace callmatch::matching

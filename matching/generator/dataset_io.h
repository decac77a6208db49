// The on-disk format of a dataset (docs/generator.md): one directory holding one JSON-lines file
// per kind of record, each line one message of proto/callmatch/v1 in protobuf's canonical JSON
// (field names as in the .proto files, no whitespace, default values omitted), plus a
// manifest.json (DatasetManifest) written last. Both the engine (LoadDataset) and PostgreSQL
// (COPY into a one-column jsonb table) read it.
//
//   companies.jsonl      callmatch.v1.Company
//   campaigns.jsonl      callmatch.v1.Campaign
//   teleoperators.jsonl  callmatch.v1.Teleoperator
//   employments.jsonl    callmatch.v1.Employment
//   contracts.jsonl      callmatch.v1.Contract
//   activity_logs.jsonl  callmatch.v1.ActivityLog
//
// Example:
//   auto writer = DatasetWriter::Open("/tmp/data");
//   if (!writer.ok()) return writer.status();
//   RETURN_IF_ERROR((*writer)->Write(company)); ...
//   RETURN_IF_ERROR((*writer)->Finish(manifest));
//
// Thread safety: a DatasetWriter is used by one thread at a time.
#ifndef CALLMATCH_MATCHING_GENERATOR_DATASET_IO_H_
#define CALLMATCH_MATCHING_GENERATOR_DATASET_IO_H_

#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "callmatch/v1/campaign.pb.h"
#include "callmatch/v1/contract.pb.h"
#include "callmatch/v1/teleoperator.pb.h"
#include "matching/dataset.h"
#include "matching/generator/manifest.pb.h"

namespace callmatch::matching {

inline constexpr char kDatasetFormat[] = "callmatch.dataset.jsonl";
inline constexpr int kDatasetFormatVersion = 1;

inline constexpr char kCompaniesFile[] = "companies.jsonl";
inline constexpr char kCampaignsFile[] = "campaigns.jsonl";
inline constexpr char kTeleoperatorsFile[] = "teleoperators.jsonl";
inline constexpr char kEmploymentsFile[] = "employments.jsonl";
inline constexpr char kContractsFile[] = "contracts.jsonl";
inline constexpr char kActivityLogsFile[] = "activity_logs.jsonl";
inline constexpr char kManifestFile[] = "manifest.json";

// Where records go: a file writer or an in-memory dataset. Records arrive in any order that
// Dataset::Upsert accepts (a child after its parent).
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual absl::Status Write(const v1::Company& company) = 0;
  virtual absl::Status Write(const v1::Campaign& campaign) = 0;
  virtual absl::Status Write(const v1::Teleoperator& teleoperator) = 0;
  virtual absl::Status Write(const v1::Employment& employment) = 0;
  virtual absl::Status Write(const v1::Contract& contract) = 0;
  virtual absl::Status Write(const v1::ActivityLog& log) = 0;
};

// Streams records to the six files of a dataset directory, one line per record, in the order
// they are written. Memory stays constant whatever the number of records.
class DatasetWriter final : public RecordSink {
 public:
  // Creates `dir` if needed and truncates the six files; removes a stale manifest.json.
  static absl::StatusOr<std::unique_ptr<DatasetWriter>> Open(absl::string_view dir);
  ~DatasetWriter() override;

  absl::Status Write(const v1::Company& company) override;
  absl::Status Write(const v1::Campaign& campaign) override;
  absl::Status Write(const v1::Teleoperator& teleoperator) override;
  absl::Status Write(const v1::Employment& employment) override;
  absl::Status Write(const v1::Contract& contract) override;
  absl::Status Write(const v1::ActivityLog& log) override;

  // Records written so far, per kind (the count fields of a manifest).
  const DatasetManifest& counts() const { return counts_; }

  // Flushes and closes the files, then writes manifest.json: `manifest` with the format fields
  // and every count filled in. Any earlier write error surfaces here at the latest.
  absl::Status Finish(DatasetManifest manifest);

 private:
  enum Kind { kCompany, kCampaign, kTeleoperator, kEmployment, kContract, kActivityLog, kKinds };

  explicit DatasetWriter(std::string dir) : dir_(std::move(dir)) {}
  absl::Status WriteLine(Kind kind, const google::protobuf::Message& message);

  std::string dir_;
  std::FILE* files_[kKinds] = {};
  std::string line_;  // reused buffer
  DatasetManifest counts_;
  bool finished_ = false;
};

// Fills a Dataset (Upsert), e.g. for tests that generate small datasets in memory.
class DatasetSink final : public RecordSink {
 public:
  explicit DatasetSink(Dataset* dataset) : dataset_(dataset) {}
  absl::Status Write(const v1::Company& company) override { return dataset_->Upsert(company); }
  absl::Status Write(const v1::Campaign& campaign) override { return dataset_->Upsert(campaign); }
  absl::Status Write(const v1::Teleoperator& t) override { return dataset_->Upsert(t); }
  absl::Status Write(const v1::Employment& e) override { return dataset_->Upsert(e); }
  absl::Status Write(const v1::Contract& contract) override { return dataset_->Upsert(contract); }
  absl::Status Write(const v1::ActivityLog& log) override { return dataset_->Upsert(log); }

 private:
  Dataset* dataset_;
};

// Writes every record of `dataset` to `dir`, in name order (companies, campaigns, teleoperators,
// then each teleoperator's employments, contracts and the contracts' logs). `manifest` supplies
// the non-count fields of manifest.json (e.g. the seed and today of generated data).
absl::Status SaveDataset(const Dataset& dataset, absl::string_view dir,
                         const DatasetManifest& manifest = {});

// Reads manifest.json of `dir`. NOT_FOUND when absent (an incomplete or foreign directory).
absl::StatusOr<DatasetManifest> ReadManifest(absl::string_view dir);

// Loads a dataset directory: companies, campaigns, teleoperators, employments, contracts, then
// activity logs. Fails with the file and line at fault on a malformed record (INVALID_ARGUMENT,
// unknown fields included), a record whose parent is missing (FAILED_PRECONDITION), or a file
// whose line count differs from the manifest (DATA_LOSS).
absl::StatusOr<Dataset> LoadDataset(absl::string_view dir);

// One record in the canonical JSON of the format (no trailing newline).
absl::StatusOr<std::string> ToJsonLine(const google::protobuf::Message& message);

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_GENERATOR_DATASET_IO_H_

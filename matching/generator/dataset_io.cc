#include "matching/generator/dataset_io.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace callmatch::matching {
namespace {

namespace fs = std::filesystem;
using google::protobuf::util::JsonParseOptions;
using google::protobuf::util::JsonPrintOptions;

constexpr const char* kFileNames[] = {kCompaniesFile,   kCampaignsFile, kTeleoperatorsFile,
                                      kEmploymentsFile, kContractsFile, kActivityLogsFile};
constexpr size_t kWriteBufferBytes = 1 << 20;

std::string PathIn(absl::string_view dir, absl::string_view file) {
  return (fs::path(std::string(dir)) / std::string(file)).string();
}

absl::Status ErrnoError(absl::string_view what, absl::string_view path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

JsonPrintOptions LineOptions() {
  JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = false;
  options.always_print_enums_as_ints = false;
  options.preserve_proto_field_names = true;
  return options;
}

}  // namespace

absl::StatusOr<std::string> ToJsonLine(const google::protobuf::Message& message) {
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(message, &out, LineOptions());
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot print ", message.GetTypeName(), " as JSON: ", status.ToString()));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<DatasetWriter>> DatasetWriter::Open(absl::string_view dir) {
  std::error_code error;
  fs::create_directories(std::string(dir), error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", error.message()));
  }
  fs::remove(PathIn(dir, kManifestFile), error);  // a manifest marks a complete directory
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot remove the old manifest in ", dir, ": ", error.message()));
  }
  std::unique_ptr<DatasetWriter> writer(new DatasetWriter(std::string(dir)));
  for (int kind = 0; kind < kKinds; ++kind) {
    const std::string path = PathIn(dir, kFileNames[kind]);
    writer->files_[kind] = std::fopen(path.c_str(), "wb");
    if (writer->files_[kind] == nullptr) return ErrnoError("cannot open", path);
    std::setvbuf(writer->files_[kind], nullptr, _IOFBF, kWriteBufferBytes);
  }
  return writer;
}

DatasetWriter::~DatasetWriter() {
  for (std::FILE*& file : files_) {
    if (file != nullptr) std::fclose(file);
  }
}

absl::Status DatasetWriter::WriteLine(Kind kind, const google::protobuf::Message& message) {
  if (finished_) return absl::FailedPreconditionError("DatasetWriter already finished");
  line_.clear();
  auto status = google::protobuf::util::MessageToJsonString(message, &line_, LineOptions());
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot print ", message.GetTypeName(), " as JSON: ", status.ToString()));
  }
  line_.push_back('\n');
  if (std::fwrite(line_.data(), 1, line_.size(), files_[kind]) != line_.size()) {
    return ErrnoError("cannot write", PathIn(dir_, kFileNames[kind]));
  }
  switch (kind) {
    case kCompany:
      counts_.set_companies(counts_.companies() + 1);
      break;
    case kCampaign:
      counts_.set_campaigns(counts_.campaigns() + 1);
      break;
    case kTeleoperator:
      counts_.set_teleoperators(counts_.teleoperators() + 1);
      break;
    case kEmployment:
      counts_.set_employments(counts_.employments() + 1);
      break;
    case kContract:
      counts_.set_contracts(counts_.contracts() + 1);
      break;
    case kActivityLog:
      counts_.set_activity_logs(counts_.activity_logs() + 1);
      break;
    case kKinds:
      break;
  }
  return absl::OkStatus();
}

absl::Status DatasetWriter::Write(const v1::Company& company) {
  return WriteLine(kCompany, company);
}
absl::Status DatasetWriter::Write(const v1::Campaign& campaign) {
  return WriteLine(kCampaign, campaign);
}
absl::Status DatasetWriter::Write(const v1::Teleoperator& teleoperator) {
  return WriteLine(kTeleoperator, teleoperator);
}
absl::Status DatasetWriter::Write(const v1::Employment& employment) {
  return WriteLine(kEmployment, employment);
}
absl::Status DatasetWriter::Write(const v1::Contract& contract) {
  return WriteLine(kContract, contract);
}
absl::Status DatasetWriter::Write(const v1::ActivityLog& log) {
  return WriteLine(kActivityLog, log);
}

absl::Status DatasetWriter::Finish(DatasetManifest manifest) {
  if (finished_) return absl::FailedPreconditionError("DatasetWriter already finished");
  finished_ = true;
  for (int kind = 0; kind < kKinds; ++kind) {
    std::FILE* file = files_[kind];
    files_[kind] = nullptr;
    const bool failed = std::ferror(file) != 0;
    if (std::fclose(file) != 0 || failed) {
      return ErrnoError("cannot write", PathIn(dir_, kFileNames[kind]));
    }
  }
  manifest.set_format(kDatasetFormat);
  manifest.set_format_version(kDatasetFormatVersion);
  manifest.set_companies(counts_.companies());
  manifest.set_campaigns(counts_.campaigns());
  manifest.set_teleoperators(counts_.teleoperators());
  manifest.set_employments(counts_.employments());
  manifest.set_contracts(counts_.contracts());
  manifest.set_activity_logs(counts_.activity_logs());

  JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(manifest, &json, options);
  if (!status.ok()) return absl::InternalError(status.ToString());
  const std::string path = PathIn(dir_, kManifestFile);
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return ErrnoError("cannot open", path);
  const bool written = std::fwrite(json.data(), 1, json.size(), file) == json.size();
  if (std::fclose(file) != 0 || !written) return ErrnoError("cannot write", path);
  return absl::OkStatus();
}

absl::Status SaveDataset(const Dataset& dataset, absl::string_view dir,
                         const DatasetManifest& manifest) {
  auto writer = DatasetWriter::Open(dir);
  if (!writer.ok()) return writer.status();
  for (const auto& [name, company] : dataset.companies()) {
    if (auto s = (*writer)->Write(company); !s.ok()) return s;
  }
  for (const auto& [name, campaign] : dataset.campaigns()) {
    if (auto s = (*writer)->Write(campaign); !s.ok()) return s;
  }
  for (const auto& [name, data] : dataset.teleoperators()) {
    if (auto s = (*writer)->Write(data.profile); !s.ok()) return s;
    for (const v1::Employment& employment : data.employments) {
      if (auto s = (*writer)->Write(employment); !s.ok()) return s;
    }
    for (const ContractData& contract : data.contracts) {
      if (auto s = (*writer)->Write(contract.contract); !s.ok()) return s;
      for (const v1::ActivityLog& log : contract.logs) {
        if (auto s = (*writer)->Write(log); !s.ok()) return s;
      }
    }
  }
  return (*writer)->Finish(manifest);
}

absl::StatusOr<DatasetManifest> ReadManifest(absl::string_view dir) {
  const std::string path = PathIn(dir, kManifestFile);
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("no manifest at ", path));
  std::stringstream text;
  text << in.rdbuf();
  DatasetManifest manifest;
  JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(text.str(), &manifest, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", status.ToString()));
  }
  if (manifest.format() != kDatasetFormat) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": format \"", manifest.format(), "\" is not ", kDatasetFormat));
  }
  if (manifest.format_version() != kDatasetFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": format version ", manifest.format_version(), " is not ", kDatasetFormatVersion));
  }
  return manifest;
}

namespace {

// Parses every line of `dir`/`file` as a T and upserts it; checks the line count.
template <typename T>
absl::Status LoadFile(absl::string_view dir, absl::string_view file, int64_t expected,
                      Dataset& dataset) {
  const std::string path = PathIn(dir, file);
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  JsonParseOptions options;
  options.ignore_unknown_fields = false;
  std::string line;
  int64_t count = 0;
  T record;
  while (std::getline(in, line)) {
    ++count;
    record.Clear();
    auto status = google::protobuf::util::JsonStringToMessage(line, &record, options);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", count, ": ", status.ToString()));
    }
    if (absl::Status s = dataset.Upsert(record); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat(path, ":", count, ": ", s.message()));
    }
  }
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
  if (count != expected) {
    return absl::DataLossError(
        absl::StrCat(path, " holds ", count, " records, the manifest says ", expected));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Dataset> LoadDataset(absl::string_view dir) {
  auto manifest = ReadManifest(dir);
  if (!manifest.ok()) return manifest.status();
  Dataset dataset;
  absl::Status s = LoadFile<v1::Company>(dir, kCompaniesFile, manifest->companies(), dataset);
  if (s.ok()) s = LoadFile<v1::Campaign>(dir, kCampaignsFile, manifest->campaigns(), dataset);
  if (s.ok()) {
    s = LoadFile<v1::Teleoperator>(dir, kTeleoperatorsFile, manifest->teleoperators(), dataset);
  }
  if (s.ok()) {
    s = LoadFile<v1::Employment>(dir, kEmploymentsFile, manifest->employments(), dataset);
  }
  if (s.ok()) s = LoadFile<v1::Contract>(dir, kContractsFile, manifest->contracts(), dataset);
  if (s.ok()) {
    s = LoadFile<v1::ActivityLog>(dir, kActivityLogsFile, manifest->activity_logs(), dataset);
  }
  if (!s.ok()) return s;
  return dataset;
}

}  // namespace callmatch::matching

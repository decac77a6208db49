#include "matching/generator/dataset_io.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "matching/generator/test_files.h"

namespace callmatch::matching {
namespace {

namespace fs = std::filesystem;
using google::protobuf::util::MessageDifferencer;

using testing_files::FreshDir;
using testing_files::ReadFile;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// One record of every kind, with text that JSON must escape.
Dataset SmallDataset() {
  Dataset d;
  v1::Company company;
  company.set_name("companies/c1");
  company.set_display_name("Éole \"Énergie\" \\ SAS\n\t\x01");
  company.mutable_registration()->set_number("732829320");
  company.mutable_registration()->set_status(v1::REGISTRATION_STATUS_VERIFIED);
  company.add_segments("43.22");
  company.set_calling_in_usual_business(false);
  company.set_version(3);
  EXPECT_TRUE(d.Upsert(company).ok());

  v1::Campaign campaign;
  campaign.set_name("companies/c1/campaigns/k1");
  campaign.set_state(v1::CAMPAIGN_STATE_OPEN);
  campaign.add_skills(v1::SKILL_COLD_CALLING);
  auto* language = campaign.add_languages();
  language->set_language("fr");
  language->set_level(v1::CEFR_LEVEL_B2);
  campaign.mutable_calling_windows()->set_time_zone("Europe/Paris");
  auto* window = campaign.mutable_calling_windows()->add_windows();
  window->set_start_minute(10020);
  window->set_end_minute(60);                             // wraps into Monday
  campaign.mutable_terms()->set_imposed_schedule(false);  // explicitly false: must survive
  campaign.mutable_terms()->mutable_rate()->set_minor_units(int64_t{1} << 53);
  EXPECT_TRUE(d.Upsert(campaign).ok());

  v1::Teleoperator t;
  t.set_name("teleoperators/t1");
  t.set_display_name("Léa B.");
  t.mutable_establishment()->set_country_code("FR");
  t.mutable_establishment()->set_subdivision_code("FR-974");
  t.mutable_availability()->set_time_zone("Indian/Reunion");
  EXPECT_TRUE(d.Upsert(t).ok());

  v1::Employment e;
  e.set_name("teleoperators/t1/employments/e1");
  e.mutable_employer()->set_registration_number("732829320");
  e.mutable_non_compete()->add_segments("K");
  e.mutable_non_compete()->mutable_end_date()->set_year(2027);
  EXPECT_TRUE(d.Upsert(e).ok());

  v1::Contract c;
  c.set_name("teleoperators/t1/contracts/m1");
  c.set_campaign(campaign.name());
  c.set_client(company.name());
  c.set_state(v1::CONTRACT_STATE_ACTIVE);
  c.mutable_totals()->set_minutes_worked(120);
  EXPECT_TRUE(d.Upsert(c).ok());

  for (int day : {4, 5}) {
    v1::ActivityLog log;
    log.set_name(absl::StrCat("teleoperators/t1/contracts/m1/activityLogs/2027-01-0", day));
    log.mutable_day()->set_year(2027);
    log.mutable_day()->set_month(1);
    log.mutable_day()->set_day(day);
    log.set_minutes_worked(60);
    log.mutable_revenue()->set_currency_code("EUR");
    log.mutable_revenue()->set_minor_units(-5);
    EXPECT_TRUE(d.Upsert(log).ok());
  }
  return d;
}

template <typename Map>
void ExpectSameMap(const Map& a, const Map& b) {
  ASSERT_EQ(a.size(), b.size());
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
    EXPECT_EQ(ia->first, ib->first);
    EXPECT_TRUE(MessageDifferencer::Equals(ia->second, ib->second)) << ia->first;
  }
}

void ExpectSameDataset(const Dataset& a, const Dataset& b) {
  ExpectSameMap(a.companies(), b.companies());
  ExpectSameMap(a.campaigns(), b.campaigns());
  ASSERT_EQ(a.teleoperators().size(), b.teleoperators().size());
  for (const auto& [name, ta] : a.teleoperators()) {
    const TeleoperatorData* tb = b.teleoperator(name);
    ASSERT_NE(tb, nullptr) << name;
    EXPECT_TRUE(MessageDifferencer::Equals(ta.profile, tb->profile)) << name;
    ASSERT_EQ(ta.employments.size(), tb->employments.size()) << name;
    for (size_t i = 0; i < ta.employments.size(); ++i) {
      EXPECT_TRUE(MessageDifferencer::Equals(ta.employments[i], tb->employments[i]));
    }
    ASSERT_EQ(ta.contracts.size(), tb->contracts.size()) << name;
    for (size_t i = 0; i < ta.contracts.size(); ++i) {
      EXPECT_TRUE(MessageDifferencer::Equals(ta.contracts[i].contract, tb->contracts[i].contract));
      ASSERT_EQ(ta.contracts[i].logs.size(), tb->contracts[i].logs.size());
      for (size_t j = 0; j < ta.contracts[i].logs.size(); ++j) {
        EXPECT_TRUE(MessageDifferencer::Equals(ta.contracts[i].logs[j], tb->contracts[i].logs[j]));
      }
    }
  }
}

TEST(GeneratorIoTest, SaveThenLoadPreservesEveryRecord) {
  const Dataset original = SmallDataset();
  const std::string dir = FreshDir("io_roundtrip");
  ASSERT_TRUE(SaveDataset(original, dir).ok());
  absl::StatusOr<Dataset> loaded = LoadDataset(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ExpectSameDataset(original, *loaded);

  absl::StatusOr<DatasetManifest> manifest = ReadManifest(dir);
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->format(), kDatasetFormat);
  EXPECT_EQ(manifest->companies(), 1);
  EXPECT_EQ(manifest->campaigns(), 1);
  EXPECT_EQ(manifest->teleoperators(), 1);
  EXPECT_EQ(manifest->employments(), 1);
  EXPECT_EQ(manifest->contracts(), 1);
  EXPECT_EQ(manifest->activity_logs(), 2);
}

TEST(GeneratorIoTest, SavingTheLoadedDatasetWritesTheSameBytes) {
  const std::string a = FreshDir("io_bytes_a");
  const std::string b = FreshDir("io_bytes_b");
  DatasetManifest fields;
  fields.set_seed(42);
  fields.set_today("2027-01-04");
  ASSERT_TRUE(SaveDataset(SmallDataset(), a, fields).ok());
  absl::StatusOr<Dataset> loaded = LoadDataset(a);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(SaveDataset(*loaded, b, fields).ok());
  for (const char* file : {kCompaniesFile, kCampaignsFile, kTeleoperatorsFile, kEmploymentsFile,
                           kContractsFile, kActivityLogsFile, kManifestFile}) {
    EXPECT_EQ(ReadFile(a + "/" + file), ReadFile(b + "/" + file)) << file;
  }
}

TEST(GeneratorIoTest, LinesAreCanonicalJsonWithProtoFieldNames) {
  const std::string dir = FreshDir("io_lines");
  ASSERT_TRUE(SaveDataset(SmallDataset(), dir).ok());
  const std::string companies = ReadFile(dir + "/" + kCompaniesFile);
  EXPECT_EQ(companies.back(), '\n');
  EXPECT_EQ(companies.find('\n'), companies.size() - 1) << "one record, one line";
  EXPECT_TRUE(absl::StrContains(companies, "\"display_name\":")) << companies;
  EXPECT_TRUE(absl::StrContains(companies, "\"calling_in_usual_business\":false")) << companies;
  EXPECT_TRUE(absl::StrContains(companies, "\"version\":\"3\"")) << "int64 as a JSON string";
  EXPECT_FALSE(absl::StrContains(companies, "\": ")) << "no whitespace";
  EXPECT_FALSE(absl::StrContains(companies, "\x01")) << "control characters are escaped";
  EXPECT_FALSE(absl::StrContains(companies, "\x02"));
  const std::string campaigns = ReadFile(dir + "/" + kCampaignsFile);
  EXPECT_TRUE(absl::StrContains(campaigns, "\"state\":\"CAMPAIGN_STATE_OPEN\"")) << campaigns;
  EXPECT_TRUE(absl::StrContains(campaigns, "\"imposed_schedule\":false")) << campaigns;
}

TEST(GeneratorIoTest, MissingManifestIsNotFound) {
  const std::string dir = FreshDir("io_no_manifest");
  ASSERT_TRUE(SaveDataset(SmallDataset(), dir).ok());
  fs::remove(fs::path(dir) / kManifestFile);
  EXPECT_EQ(LoadDataset(dir).status().code(), absl::StatusCode::kNotFound);
}

TEST(GeneratorIoTest, TruncatedFileIsDataLoss) {
  const std::string dir = FreshDir("io_truncated");
  ASSERT_TRUE(SaveDataset(SmallDataset(), dir).ok());
  const std::string path = dir + "/" + kActivityLogsFile;
  std::string logs = ReadFile(path);
  logs.resize(logs.find('\n') + 1);  // keep the first line only
  WriteFile(path, logs);
  absl::StatusOr<Dataset> loaded = LoadDataset(dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss) << loaded.status();
}

TEST(GeneratorIoTest, MalformedLineNamesFileAndLine) {
  const std::string dir = FreshDir("io_malformed");
  ASSERT_TRUE(SaveDataset(SmallDataset(), dir).ok());
  WriteFile(dir + "/" + kTeleoperatorsFile, "{\"name\":\"teleoperators/t1\",\"shoe_size\":42}\n");
  absl::StatusOr<Dataset> loaded = LoadDataset(dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(loaded.status().message(), "teleoperators.jsonl:1"))
      << loaded.status();
}

TEST(GeneratorIoTest, OrphanRecordIsFailedPrecondition) {
  const std::string dir = FreshDir("io_orphan");
  ASSERT_TRUE(SaveDataset(SmallDataset(), dir).ok());
  WriteFile(dir + "/" + kEmploymentsFile, "{\"name\":\"teleoperators/t9/employments/e1\"}\n");
  absl::StatusOr<Dataset> loaded = LoadDataset(dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition) << loaded.status();
  EXPECT_TRUE(absl::StrContains(loaded.status().message(), "employments.jsonl:1"));
}

TEST(GeneratorIoTest, WriterCountsAndRefusesWritesAfterFinish) {
  const std::string dir = FreshDir("io_writer");
  absl::StatusOr<std::unique_ptr<DatasetWriter>> writer = DatasetWriter::Open(dir);
  ASSERT_TRUE(writer.ok()) << writer.status();
  v1::Teleoperator t;
  t.set_name("teleoperators/t1");
  ASSERT_TRUE((*writer)->Write(t).ok());
  EXPECT_EQ((*writer)->counts().teleoperators(), 1);
  ASSERT_TRUE((*writer)->Finish({}).ok());
  EXPECT_EQ((*writer)->Write(t).code(), absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<Dataset> loaded = LoadDataset(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->teleoperators().size(), 1u);
}

TEST(GeneratorIoTest, OpeningRemovesAStaleManifest) {
  const std::string dir = FreshDir("io_stale");
  ASSERT_TRUE(SaveDataset(SmallDataset(), dir).ok());
  absl::StatusOr<std::unique_ptr<DatasetWriter>> writer = DatasetWriter::Open(dir);
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ(ReadManifest(dir).status().code(), absl::StatusCode::kNotFound)
      << "an unfinished directory must not look complete";
}

}  // namespace
}  // namespace callmatch::matching

// The seeding tool's conversions and the load generator's arithmetic, without a platform (the
// end-to-end run is tests/e2e/load_test.cc).
#include "services/load/load.h"
#include "gtest/gtest.h"
#include "services/load/api_client.h"
#include "services/load/seed.h"

namespace callmatch::load {
namespace {

TEST(ParseMixTest, ReadsWeightsAndRefusesNonsense) {
  absl::StatusOr<Mix> mix = ParseMix("match=1,update=3");
  ASSERT_TRUE(mix.ok()) << mix.status();
  EXPECT_EQ(mix->weights[kMatch], 1);
  EXPECT_EQ(mix->weights[kExplain], 0);
  EXPECT_EQ(mix->weights[kUpdate], 3);
  EXPECT_EQ(MixToString(*mix), "match=1,explain=0,score=0,update=3");
  EXPECT_EQ(MixToString(Mix()), "match=70,explain=10,score=10,update=10");
  EXPECT_FALSE(ParseMix("match=0").ok());
  EXPECT_FALSE(ParseMix("matches=5").ok());
  EXPECT_FALSE(ParseMix("match=-1,score=2").ok());
  EXPECT_FALSE(ParseMix("match").ok());
}

TEST(RpcStatsTest, QuantilesAreNearestRank) {
  RpcStats stats;
  for (int i = 1; i <= 1000; ++i) stats.latencies_us.push_back(i * 1000);
  EXPECT_DOUBLE_EQ(stats.QuantileMs(0.5), 500);
  EXPECT_DOUBLE_EQ(stats.QuantileMs(0.99), 990);
  EXPECT_DOUBLE_EQ(stats.QuantileMs(0.999), 999);
  EXPECT_DOUBLE_EQ(RpcStats().QuantileMs(0.5), 0);
}

TEST(ResolveTargetsTest, OneAddressForAllThenPerService) {
  absl::StatusOr<std::map<std::string, std::string>> addresses =
      ResolveTargets({"10.0.0.1:443", "matching=10.0.0.2:50053"});
  ASSERT_TRUE(addresses.ok()) << addresses.status();
  EXPECT_EQ(addresses->at("campaign"), "10.0.0.1:443");
  EXPECT_EQ(addresses->at("matching"), "10.0.0.2:50053");
  EXPECT_FALSE(ResolveTargets({"nosuch=1.2.3.4:5"}).ok());
}

TEST(SeedConversionTest, NamesBecomeIdsAndOutputOnlyFieldsAreLeftOut) {
  v1::Teleoperator record;
  record.set_name("teleoperators/t0000042");
  record.set_display_name("T 42");
  record.set_version(3);
  record.mutable_registration()->set_number("73282932000074");
  record.mutable_registration()->set_status(v1::REGISTRATION_STATUS_VERIFIED);
  record.mutable_registration()->mutable_verify_date()->set_year(2026);
  absl::StatusOr<v1::CreateTeleoperatorRequest> request = CreateTeleoperatorRequestFor(record);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->teleoperator_id(), "t0000042");
  EXPECT_EQ(request->teleoperator().name(), "");
  EXPECT_EQ(request->teleoperator().version(), 0);
  EXPECT_EQ(request->teleoperator().display_name(), "T 42");
  EXPECT_EQ(request->teleoperator().registration().number(), "73282932000074");
  EXPECT_FALSE(request->teleoperator().registration().has_verify_date());
  EXPECT_EQ(request->request_id(), "seed:CreateTeleoperator:teleoperators/t0000042");

  v1::Campaign campaign;
  campaign.set_name("companies/c00001/campaigns/k0007");
  campaign.set_state(v1::CAMPAIGN_STATE_OPEN);
  campaign.set_seats_taken(2);
  absl::StatusOr<v1::CreateCampaignRequest> create = CreateCampaignRequestFor(campaign);
  ASSERT_TRUE(create.ok()) << create.status();
  EXPECT_EQ(create->parent(), "companies/c00001");
  EXPECT_EQ(create->campaign_id(), "k0007");
  EXPECT_EQ(create->campaign().state(), v1::CAMPAIGN_STATE_UNSPECIFIED);
  EXPECT_EQ(create->campaign().seats_taken(), 0);

  v1::Employment employment;
  employment.set_name("teleoperators/t0000042/employments/e2");
  absl::StatusOr<v1::CreateEmploymentRequest> declared = CreateEmploymentRequestFor(employment);
  ASSERT_TRUE(declared.ok()) << declared.status();
  EXPECT_EQ(declared->parent(), "teleoperators/t0000042");
  EXPECT_EQ(declared->employment_id(), "e2");
  EXPECT_FALSE(CreateEmploymentRequestFor(v1::Employment()).ok());
}

TEST(SeedConversionTest, OnlyFreshVerificationsAreRecorded) {
  const absl::CivilDay today(2027, 1, 4);
  v1::Registration registration;
  registration.set_status(v1::REGISTRATION_STATUS_VERIFIED);
  registration.mutable_verify_date()->set_year(2026);
  registration.mutable_verify_date()->set_month(11);
  registration.mutable_verify_date()->set_day(1);
  EXPECT_EQ(VerificationToRecord(registration, today, 183), v1::REGISTRATION_STATUS_VERIFIED);
  registration.mutable_verify_date()->set_year(2025);  // stale: left PENDING
  EXPECT_EQ(VerificationToRecord(registration, today, 183), v1::REGISTRATION_STATUS_UNSPECIFIED);
  registration.set_status(v1::REGISTRATION_STATUS_REJECTED);
  EXPECT_EQ(VerificationToRecord(registration, today, 183), v1::REGISTRATION_STATUS_REJECTED);
  registration.set_status(v1::REGISTRATION_STATUS_PENDING);
  EXPECT_EQ(VerificationToRecord(registration, today, 183), v1::REGISTRATION_STATUS_UNSPECIFIED);
}

}  // namespace
}  // namespace callmatch::load

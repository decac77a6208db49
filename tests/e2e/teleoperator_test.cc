// TeleoperatorService end to end: profiles and declarations through a running teleoperator
// server, who may read and write them, the audit of operators' reads, and erasure.
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "tests/support/platform.h"

namespace callmatch {
namespace {

using test_support::JsonField;
using test_support::Platform;

// Valid French SIRETs (Luhn).
constexpr char kSiretA[] = "73282932000074";
constexpr char kSiretB[] = "55210055400013";

std::string TeleoperatorJson(const std::string& id, const std::string& siret,
                             const std::string& request_id) {
  return absl::StrCat(
      R"({"teleoperator_id":")", id, R"(","request_id":")", request_id,
      R"(","teleoperator":{"display_name":"Operator )", id, R"(","establishment":)",
      R"({"country_code":"FR","subdivision_code":"FR-ARA"},"registration":{"number":")", siret,
      R"("},"languages":[{"language":"fr","level":"CEFR_LEVEL_NATIVE"}],)",
      R"("skills":["SKILL_COLD_CALLING"],"availability":{"time_zone":"Europe/Paris",)",
      R"("windows":[{"start_minute":1080,"end_minute":1260}]}}})");
}

std::string EmploymentJson(const std::string& parent, const std::string& id,
                           const std::string& request_id, const std::string& extra = "") {
  return absl::StrCat(
      R"({"parent":")", parent, R"(","employment_id":")", id, R"(","request_id":")", request_id,
      R"(","employment":{"employer":{"display_name":"Globex","registration_number":"552100554",)",
      R"("country_code":"FR","segments":["47.11"]},"schedule":{"time_zone":"Europe/Paris",)",
      R"("windows":[{"start_minute":540,"end_minute":1020}]},)",
      R"("start_date":{"year":2024,"month":9,"day":1})", extra, "}}");
}

class TeleoperatorServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new Platform();
    absl::Status started = platform_->Start(CALLMATCH_SERVER_BIN, {"teleoperator", "audit"});
    ASSERT_TRUE(started.ok()) << started;
    for (const auto& [id, siret] : {std::pair{"t-1", kSiretA}, std::pair{"t-2", kSiretB}}) {
      auto created =
          platform_->Call(platform_->operator_secret(), "TeleoperatorService.CreateTeleoperator",
                          TeleoperatorJson(id, siret, absl::StrCat("create-", id)));
      ASSERT_TRUE(created.ok()) << created.status();
    }
    t1_ = new std::string(*platform_->IssueSecret("KIND_TELEOPERATOR", "t-1"));
    t2_ = new std::string(*platform_->IssueSecret("KIND_TELEOPERATOR", "t-2"));
    client_ = new std::string(*platform_->IssueSecret("KIND_CLIENT", "acme"));
  }

  static void TearDownTestSuite() {
    EXPECT_TRUE(platform_->Stop().ok());
    delete platform_;
    delete t1_;
    delete t2_;
    delete client_;
  }

  absl::StatusOr<std::string> Call(const std::string& secret, const std::string& method,
                                   const std::string& json) {
    return platform_->Call(secret, absl::StrCat("TeleoperatorService.", method), json);
  }

  static Platform* platform_;
  static std::string* t1_;
  static std::string* t2_;
  static std::string* client_;
};

Platform* TeleoperatorServiceTest::platform_ = nullptr;
std::string* TeleoperatorServiceTest::t1_ = nullptr;
std::string* TeleoperatorServiceTest::t2_ = nullptr;
std::string* TeleoperatorServiceTest::client_ = nullptr;

TEST_F(TeleoperatorServiceTest, ATeleoperatorReadsAndUpdatesOnlyItsOwnProfile) {
  const std::string get = R"({"name":"teleoperators/t-1"})";
  auto own = Call(*t1_, "GetTeleoperator", get);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(JsonField(*own, "status"), "REGISTRATION_STATUS_PENDING");
  EXPECT_EQ(Call(*t2_, "GetTeleoperator", get).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Call(*client_, "GetTeleoperator", get).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Call(*t1_, "ListTeleoperators", "{}").status().code(),
            absl::StatusCode::kPermissionDenied);

  auto updated = Call(*t1_, "UpdateTeleoperator",
                      R"({"teleoperator":{"name":"teleoperators/t-1","version":1,)"
                      R"("skills":["SKILL_COLD_CALLING","SKILL_LEAD_QUALIFICATION"]},)"
                      R"("update_mask":"skills","request_id":"u1"})");
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_NE(updated->find("SKILL_LEAD_QUALIFICATION"), std::string::npos);
  // A teleoperator cannot change its registration number; only an operator can.
  auto renumber =
      Call(*t1_, "UpdateTeleoperator",
           absl::StrCat(R"({"teleoperator":{"name":"teleoperators/t-1","version":2,)",
                        R"("registration":{"number":")", kSiretB,
                        R"("}},"update_mask":"registration.number","request_id":"u2"})"));
  EXPECT_EQ(renumber.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(renumber.status()).at(0).field(), "update_mask.paths[0]");
}

TEST_F(TeleoperatorServiceTest, DeclarationsAreTheTeleoperatorsAndOperatorReadsAreAudited) {
  auto declared = Call(*t2_, "CreateEmployment",
                       EmploymentJson("teleoperators/t-2", "globex", "e1",
                                      R"(,"exclusivity_clause":true,"non_compete":{"segments":)"
                                      R"(["47"],"end_date":{"year":2027,"month":6,"day":30}})"));
  ASSERT_TRUE(declared.ok()) << declared.status();
  EXPECT_EQ(Call(*t1_, "ListEmployments", R"({"parent":"teleoperators/t-2"})").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Call(*client_, "GetEmployment", R"({"name":"teleoperators/t-2/employments/globex"})")
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);

  auto read =
      Call(platform_->operator_secret(), "ListEmployments", R"({"parent":"teleoperators/t-2"})");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_NE(read->find("teleoperators/t-2/employments/globex"), std::string::npos);
  auto trail = platform_->Call(platform_->operator_secret(), "AuditService.ListAuditEvents",
                               R"({"resource":"teleoperators/t-2","page_size":100})");
  ASSERT_TRUE(trail.ok()) << trail.status();
  EXPECT_NE(trail->find("AUDIT_ACTION_READ"), std::string::npos) << *trail;
  EXPECT_NE(trail->find(R"("id":"root")"), std::string::npos) << "the reader is named";
}

TEST_F(TeleoperatorServiceTest, BadDeclarationsAreRefusedWithTheirField) {
  auto bad_employer = Call(*t1_, "CreateEmployment",
                           absl::StrCat(R"({"parent":"teleoperators/t-1","employment_id":"bad",)",
                                        R"("request_id":"b1","employment":{"employer":)",
                                        R"({"display_name":"X","registration_number":"123",)",
                                        R"("country_code":"FR"},"start_date":)",
                                        R"({"year":2024,"month":1,"day":1}}})"));
  ASSERT_EQ(bad_employer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(bad_employer.status()).at(0).field(),
            "employment.employer.registration_number");

  auto clause_without_end = Call(
      *t1_, "CreateEmployment",
      EmploymentJson("teleoperators/t-1", "nc", "b2", R"(,"non_compete":{"segments":["47"]})"));
  ASSERT_EQ(clause_without_end.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(clause_without_end.status()).at(0).field(),
            "employment.non_compete.end_date");

  auto ended_before_start = Call(*t1_, "CreateEmployment",
                                 EmploymentJson("teleoperators/t-1", "eb", "b3",
                                                R"(,"end_date":{"year":2023,"month":1,"day":1})"));
  ASSERT_EQ(ended_before_start.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(ended_before_start.status()).at(0).field(), "employment.end_date");

  auto listed = Call(*t1_, "ListEmployments", R"({"parent":"teleoperators/t-1"})");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->find("employments/"), std::string::npos) << "nothing was written: " << *listed;
}

TEST_F(TeleoperatorServiceTest, MovingCountryUndoesTheVerification) {
  const std::string root = platform_->operator_secret();
  ASSERT_TRUE(
      Call(root, "CreateTeleoperator", TeleoperatorJson("t-mover", kSiretA, "c-mover")).ok());
  auto verified = Call(root, "VerifyRegistration",
                       R"({"name":"teleoperators/t-mover",)"
                       R"("status":"REGISTRATION_STATUS_VERIFIED","request_id":"v-mover"})");
  ASSERT_TRUE(verified.ok()) << verified.status();
  const std::string secret = *platform_->IssueSecret("KIND_TELEOPERATOR", "t-mover");
  auto same = Call(secret, "UpdateTeleoperator",
                   R"({"teleoperator":{"name":"teleoperators/t-mover","version":2,)"
                   R"("establishment":{"country_code":"FR","subdivision_code":"FR-IDF"}},)"
                   R"("update_mask":"establishment","request_id":"m1"})");
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(JsonField(*same, "status"), "REGISTRATION_STATUS_VERIFIED")
      << "same country: the verification stands";
  // Morocco format-checks the same number, but nobody verified it there.
  auto moved = Call(secret, "UpdateTeleoperator",
                    R"({"teleoperator":{"name":"teleoperators/t-mover","version":3,)"
                    R"("establishment":{"country_code":"MA"}},"update_mask":"establishment",)"
                    R"("request_id":"m2"})");
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(JsonField(*moved, "status"), "REGISTRATION_STATUS_PENDING");
}

TEST_F(TeleoperatorServiceTest, OperatorVerifiesAndErasureTakesTheDeclarations) {
  auto created = Call(platform_->operator_secret(), "CreateTeleoperator",
                      TeleoperatorJson("t-gone", kSiretA, "create-gone"));
  ASSERT_TRUE(created.ok()) << created.status();
  auto verified = Call(platform_->operator_secret(), "VerifyRegistration",
                       R"({"name":"teleoperators/t-gone",)"
                       R"("status":"REGISTRATION_STATUS_VERIFIED","request_id":"v1"})");
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(JsonField(*verified, "status"), "REGISTRATION_STATUS_VERIFIED");
  ASSERT_TRUE(Call(platform_->operator_secret(), "CreateEmployment",
                   EmploymentJson("teleoperators/t-gone", "job", "e-gone"))
                  .ok());

  EXPECT_EQ(Call(platform_->operator_secret(), "DeleteTeleoperator",
                 R"({"name":"teleoperators/t-gone","version":1,"request_id":"d0"})")
                .status()
                .code(),
            absl::StatusCode::kAborted)
      << "version 1 is stale after the verification";
  ASSERT_TRUE(Call(platform_->operator_secret(), "DeleteTeleoperator",
                   R"({"name":"teleoperators/t-gone","version":2,"request_id":"d1"})")
                  .ok());
  EXPECT_EQ(
      Call(platform_->operator_secret(), "GetTeleoperator", R"({"name":"teleoperators/t-gone"})")
          .status()
          .code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(Call(platform_->operator_secret(), "GetEmployment",
                 R"({"name":"teleoperators/t-gone/employments/job"})")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace callmatch

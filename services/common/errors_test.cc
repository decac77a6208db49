#include "services/common/errors.h"

#include "gtest/gtest.h"

namespace callmatch {
namespace {

TEST(ErrorsTest, InvalidFieldRoundTripsThroughGrpcWithItsField) {
  absl::Status status = InvalidField("campaign.seats", "must be 1 to 10000");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);

  grpc::Status wire = ToGrpcStatus(status);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_FALSE(wire.error_details().empty());

  absl::Status back = FromGrpcStatus(wire);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  auto violations = FieldViolations(back);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field(), "campaign.seats");
  EXPECT_EQ(violations[0].description(), "must be 1 to 10000");
}

TEST(ErrorsTest, PlainStatusKeepsCodeAndMessageWithoutDetails) {
  grpc::Status wire = ToGrpcStatus(absl::AbortedError("stale version"));
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(wire.error_message(), "stale version");
  EXPECT_TRUE(wire.error_details().empty());
  EXPECT_TRUE(FieldViolations(FromGrpcStatus(wire)).empty());
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(ErrorsTest, SeveralViolationsAreAllNamed) {
  absl::Status status = InvalidFields({{"a", "bad"}, {"b.c", "worse"}});
  auto violations = FieldViolations(FromGrpcStatus(ToGrpcStatus(status)));
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[1].field(), "b.c");
  EXPECT_NE(status.message().find("b.c: worse"), absl::string_view::npos);
}

}  // namespace
}  // namespace callmatch

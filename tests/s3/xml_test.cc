#include "s3/xml.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "s3/xml_testdata.h"

namespace bucketflow::s3 {
namespace {

TEST(Iso8601Test, ParsesTable) {
  struct Case {
    const char* text;
    int64_t want_ms;
  };
  const std::vector<Case> cases = {
      {"1970-01-01T00:00:00Z", 0},
      {"2019-11-09T13:34:41Z", 1573306481000},
      {"2009-10-12T17:50:30.000Z", 1255369830000},
      {"2026-11-26T19:55:48.353679004Z", 1795722948353},  // radosgw: nanoseconds, truncated
      {"2026-11-26T19:55:48.3Z", 1795722948300},
      {"2026-11-26T20:55:48.353+01:00", 1795722948353},
      {"2026-11-26T18:25:48.353-01:30", 1795722948353},
      {"2024-02-29T00:00:00Z", 1709164800000},
      {" 1970-01-01T00:00:01Z\n", 1000},
  };
  for (const Case& c : cases) {
    Result<int64_t> got = ParseIso8601Millis(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status().ToString();
    EXPECT_EQ(*got, c.want_ms) << c.text;
  }
}

TEST(Iso8601Test, RejectsMalformed) {
  for (const char* bad :
       {"", "2026-11-26", "2026-11-26T19:55:48", "2026-11-26 19:55:48Z", "2026-13-01T00:00:00Z",
        "2023-02-29T00:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26T19:55:48.Z",
        "2026-11-26T19:55:48Zjunk", "2026-11-26T19:55:48+0100", "20x6-11-26T19:55:48Z"}) {
    Result<int64_t> got = ParseIso8601Millis(bad);
    EXPECT_FALSE(got.ok()) << bad;
    EXPECT_EQ(got.status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(ServiceErrorTest, ParsesBothShapes) {
  struct Case {
    const char* file;
    const char* type;
    const char* code;
    const char* message;
    const char* request_id;
  };
  const std::vector<Case> cases = {
      {"aws_sts_error_response.xml", "Sender", "AccessDenied",
       "User: arn:aws:iam::123456789012:user/bucketflow is not authorized to perform: "
       "sts:AssumeRole on resource: arn:aws:iam::111122223333:role/mlflow-artifacts",
       "c6104cbe-af31-11e0-8154-cbc7ccf896c7"},
      {"aws_iam_error_response.xml", "Sender", "NoSuchEntity",
       "The role with name mlflow-artifacts cannot be found.",
       "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"},
      {"aws_s3_error.xml", "", "NoSuchKey", "The resource you requested does not exist",
       "4442587FB7D0A2F9"},
      {"s3_error_no_such_bucket.xml", "", "NoSuchBucket", "",
       "tx000003009984ecbb72868-006b0880b4-1008-default"},
      {"sts_error_not_in_trust.xml", "", "AccessDenied", "",
       "tx00000331fbf46060ed3f8-006b0880b4-1008-default"},
      {"iam_error_no_such_role.xml", "", "NoSuchEntity", "",
       "tx0000066d269ffe51255b6-006b0880b4-1008-default"},
  };
  for (const Case& c : cases) {
    Result<ServiceError> got = ParseServiceError(ReadXmlTestdata(c.file));
    ASSERT_TRUE(got.ok()) << c.file << ": " << got.status().ToString();
    EXPECT_EQ(got->type, c.type) << c.file;
    EXPECT_EQ(got->code, c.code) << c.file;
    EXPECT_EQ(got->message, c.message) << c.file;
    EXPECT_EQ(got->request_id, c.request_id) << c.file;
  }
}

TEST(ServiceErrorTest, RejectsNonErrorBodies) {
  for (const std::string& body :
       {std::string(""), std::string("   "), std::string("<Error><Code>x</Code>"),
        std::string("not xml at all"), ReadXmlTestdata("sts_assume_role.xml")}) {
    Result<ServiceError> got = ParseServiceError(body);
    EXPECT_FALSE(got.ok()) << body;
    EXPECT_EQ(got.status().code(), Code::kInvalidArgument);
  }
}

TEST(ServiceErrorTest, MapsCodesToStatus) {
  struct Case {
    const char* code;
    Code want;
  };
  const std::vector<Case> cases = {
      {"AccessDenied", Code::kPermissionDenied},
      {"SignatureDoesNotMatch", Code::kPermissionDenied},
      {"ExpiredToken", Code::kPermissionDenied},
      {"NoSuchBucket", Code::kNotFound},
      {"NoSuchEntity", Code::kNotFound},
      {"SlowDown", Code::kUnavailable},
      {"InternalError", Code::kUnavailable},
      {"InvalidArgument", Code::kInvalidArgument},
      {"", Code::kInvalidArgument},
  };
  for (const Case& c : cases) {
    const Status status = ServiceErrorToStatus(
        {.type = "Sender", .code = c.code, .message = "", .request_id = "req-1"});
    EXPECT_EQ(status.code(), c.want) << c.code;
    EXPECT_NE(status.message().find("req-1"), std::string::npos) << status.message();
  }
}

}  // namespace
}  // namespace bucketflow::s3

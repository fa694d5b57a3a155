#include "s3/sts_xml.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "s3/xml_testdata.h"

namespace bucketflow::s3 {
namespace {

TEST(StsXmlTest, ParsesRadosgwAssumeRole) {
  Result<AssumedRole> got = ParseAssumeRoleResponse(ReadXmlTestdata("sts_assume_role.xml"));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->credentials.access_key_id, "1oldlXue0T3hxdlkkl9");
  EXPECT_EQ(got->credentials.secret_access_key, "PJQ2C3RGBBH1SGZ4J1ISXQPF0ATYY52KGXNV2VB");
  EXPECT_EQ(got->credentials.session_token.substr(0, 16), "cQP8o0HJguSe+GuM");
  EXPECT_EQ(got->credentials.session_token.size(), 320u);
  EXPECT_EQ(got->credentials.expiration_ms, 1795722948353);  // 2026-11-26T19:55:48.353679004Z
  EXPECT_EQ(got->assumed_role_arn, "arn:aws:sts:::assumed-role/rec-role/rec");
  EXPECT_EQ(got->assumed_role_id, "a4b84f5d-c753-4c4f-b60a-906696fc20fe:rec");
}

TEST(StsXmlTest, ParsesAwsAssumeRole) {
  Result<AssumedRole> got = ParseAssumeRoleResponse(ReadXmlTestdata("aws_assume_role.xml"));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->credentials.access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(got->credentials.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
  // The documented token is wrapped over lines; the whitespace is not part of it.
  EXPECT_EQ(got->credentials.session_token.find_first_of(" \n"), std::string::npos);
  EXPECT_EQ(got->credentials.session_token.substr(0, 10), "AQoDYXdzEP");
  EXPECT_EQ(got->credentials.session_token.back(), '=');
  EXPECT_EQ(got->credentials.expiration_ms, 1573306481000);
  EXPECT_EQ(got->assumed_role_arn, "arn:aws:sts::123456789012:assumed-role/demo/TestAR");
  EXPECT_EQ(got->assumed_role_id, "ARO123EXAMPLE123:TestAR");
}

TEST(StsXmlTest, ParsesAwsAssumeRoleWithWebIdentity) {
  Result<AssumedRole> got = ParseAssumeRoleWithWebIdentityResponse(
      ReadXmlTestdata("aws_assume_role_with_web_identity.xml"));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->credentials.access_key_id, "ASgeIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(got->credentials.session_token, "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE");
  EXPECT_EQ(got->credentials.expiration_ms, 1414191623000);  // 2014-10-24T23:00:23Z
  EXPECT_EQ(got->assumed_role_arn,
            "arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1");

  // The two actions' envelopes are not interchangeable.
  EXPECT_FALSE(
      ParseAssumeRoleResponse(ReadXmlTestdata("aws_assume_role_with_web_identity.xml")).ok());
  EXPECT_FALSE(ParseAssumeRoleWithWebIdentityResponse(ReadXmlTestdata("aws_assume_role.xml")).ok());
}

TEST(StsXmlTest, ErrorBodiesOfBothShapesBecomeStatus) {
  struct Case {
    const char* file;
    Code want;
    const char* code_name;
  };
  const std::vector<Case> cases = {
      {"aws_sts_error_response.xml", Code::kPermissionDenied, "AccessDenied"},
      {"sts_error_not_in_trust.xml", Code::kPermissionDenied, "AccessDenied"},
      {"sts_error_bad_duration.xml", Code::kInvalidArgument, "InvalidArgument"},
      {"sts_error_web_identity.xml", Code::kPermissionDenied, "AccessDenied"},
  };
  for (const Case& c : cases) {
    Result<AssumedRole> got = ParseAssumeRoleResponse(ReadXmlTestdata(c.file));
    ASSERT_FALSE(got.ok()) << c.file;
    EXPECT_EQ(got.status().code(), c.want) << c.file;
    EXPECT_NE(got.status().message().find(c.code_name), std::string::npos) << c.file;
  }
}

TEST(StsXmlTest, RejectsMalformedCredentialsWithoutLeakingSecrets) {
  const std::string prefix = "<AssumeRoleResponse><AssumeRoleResult><Credentials>";
  const std::string suffix =
      "</Credentials><AssumedRoleUser><Arn>arn:x</Arn></AssumedRoleUser></AssumeRoleResult>"
      "</AssumeRoleResponse>";
  const std::string secret = "<SecretAccessKey>TOPSECRETVALUE</SecretAccessKey>";
  const std::string token = "<SessionToken>TOPSECRETTOKEN</SessionToken>";
  const std::vector<std::string> bad = {
      prefix + secret + token + "<Expiration>2026-01-01T00:00:00Z</Expiration>" + suffix,
      prefix + "<AccessKeyId>AK</AccessKeyId>" + token +
          "<Expiration>2026-01-01T00:00:00Z</Expiration>" + suffix,
      prefix + "<AccessKeyId>AK</AccessKeyId>" + secret + token + suffix,
      prefix + "<AccessKeyId>AK</AccessKeyId>" + secret + token + "<Expiration>soon</Expiration>" +
          suffix,
      "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>AK</AccessKeyId>" + secret +
          token +
          "<Expiration>2026-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult>"
          "</AssumeRoleResponse>",
      "<AssumeRoleResponse></AssumeRoleResponse>",
      "<AssumeRoleResponse><AssumeRoleResult>" + secret,
  };
  for (const std::string& body : bad) {
    Result<AssumedRole> got = ParseAssumeRoleResponse(body);
    ASSERT_FALSE(got.ok()) << body;
    EXPECT_EQ(got.status().code(), Code::kInvalidArgument) << body;
    EXPECT_EQ(got.status().message().find("TOPSECRET"), std::string::npos)
        << got.status().message();
  }
}

TEST(IamXmlTest, ParsesRoleResults) {
  Result<RoleInfo> created = ParseCreateRoleResponse(ReadXmlTestdata("iam_create_role.xml"));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->arn, "arn:aws:iam:::role/rec-role");
  EXPECT_EQ(created->role_name, "rec-role");
  EXPECT_EQ(created->role_id, "a4b84f5d-c753-4c4f-b60a-906696fc20fe");

  Result<RoleInfo> fetched = ParseGetRoleResponse(ReadXmlTestdata("iam_get_role.xml"));
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_EQ(fetched->arn, "arn:aws:iam:::role/rec-role");
}

TEST(IamXmlTest, RoleErrorsAndMalformedBodies) {
  Result<RoleInfo> radosgw = ParseGetRoleResponse(ReadXmlTestdata("iam_error_no_such_role.xml"));
  EXPECT_EQ(radosgw.status().code(), Code::kNotFound);
  Result<RoleInfo> aws = ParseGetRoleResponse(ReadXmlTestdata("aws_iam_error_response.xml"));
  EXPECT_EQ(aws.status().code(), Code::kNotFound);
  EXPECT_NE(aws.status().message().find("cannot be found"), std::string::npos);

  for (const char* bad : {"<GetRoleResponse/>",
                          "<GetRoleResponse><GetRoleResult><Role>"
                          "<RoleName>r</RoleName></Role></GetRoleResult>"
                          "</GetRoleResponse>",
                          "<CreateRoleResponse><CreateRoleResult><Role><Arn>a</Arn></Role>"
                          "</CreateRoleResult></CreateRoleResponse>"}) {
    EXPECT_EQ(ParseGetRoleResponse(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace bucketflow::s3

#include "onboarding/policies.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>

namespace bucketflow::onboarding {
namespace {

namespace json = boost::json;

TEST(PoliciesTest, PermissionPolicyIsExactAndCompact) {
  EXPECT_EQ(PermissionPolicyJson("my-bucket", false),
            R"({"Version":"2012-10-17","Statement":[)"
            R"({"Sid":"BucketflowList","Effect":"Allow","Action":["s3:ListBucket"],)"
            R"("Resource":["arn:aws:s3:::my-bucket"]},)"
            R"({"Sid":"BucketflowObjects","Effect":"Allow",)"
            R"("Action":["s3:PutObject","s3:GetObject","s3:DeleteObject"],)"
            R"("Resource":["arn:aws:s3:::my-bucket/*"]}]})");
}

TEST(PoliciesTest, PermissionPolicyAddsAbortMultipartStatement) {
  const json::value doc = json::parse(PermissionPolicyJson("b-1", true));
  const json::array& statements = doc.at("Statement").as_array();
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(json::serialize(statements[2]),
            R"({"Sid":"BucketflowAbortMultipart","Effect":"Allow",)"
            R"("Action":["s3:AbortMultipartUpload"],"Resource":["arn:aws:s3:::b-1/*"]})");
}

TEST(PoliciesTest, NoDocumentContainsWhitespace) {
  for (const std::string& doc :
       {PermissionPolicyJson("abc", true), TrustPolicyJson("arn:aws:iam::123456789012:root", "x1"),
        TrustPolicyJsonWithoutExternalId("arn:aws:iam:::user/tenant"), CorsRulesJson("")}) {
    EXPECT_EQ(doc.find_first_of(" \n\t"), std::string::npos) << doc;
  }
}

TEST(PoliciesTest, TrustPolicyRequiresExternalId) {
  EXPECT_EQ(TrustPolicyJson("arn:aws:iam::123456789012:root", "abc-123"),
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
            R"("Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole",)"
            R"("Condition":{"StringEquals":{"sts:ExternalId":"abc-123"}}}]})");
}

TEST(PoliciesTest, TrustPolicyWithoutExternalIdHasNoCondition) {
  EXPECT_EQ(TrustPolicyJsonWithoutExternalId("arn:aws:iam:::user/tenant"),
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
            R"("Principal":{"AWS":"arn:aws:iam:::user/tenant"},"Action":"sts:AssumeRole"}]})");
}

TEST(PoliciesTest, TrustPolicyEscapesJson) {
  const json::value doc = json::parse(TrustPolicyJson("arn", "a\"b"));
  EXPECT_EQ(doc.at("Statement").at(0).at("Condition").at("StringEquals").at("sts:ExternalId"),
            "a\"b");
}

TEST(PoliciesTest, CorsRuleIsDesignDocs) {
  EXPECT_EQ(CorsRulesJson(""),
            R"([{"AllowedHeaders":["*"],"AllowedMethods":["GET"],"AllowedOrigins":["*"],)"
            R"("ExposeHeaders":[],"MaxAgeSeconds":3600}])");
  EXPECT_EQ(CorsRulesJson("https://ui.example.com:8443"),
            R"([{"AllowedHeaders":["*"],"AllowedMethods":["GET"],)"
            R"("AllowedOrigins":["https://ui.example.com:8443"],"ExposeHeaders":[],)"
            R"("MaxAgeSeconds":3600}])");
}

TEST(PoliciesTest, CorsXmlCarriesTheSameRule) {
  EXPECT_EQ(CorsConfigurationXml(""),
            "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><CORSRule>"
            "<AllowedHeader>*</AllowedHeader><AllowedMethod>GET</AllowedMethod>"
            "<AllowedOrigin>*</AllowedOrigin><MaxAgeSeconds>3600</MaxAgeSeconds></CORSRule>"
            "</CORSConfiguration>");
  EXPECT_NE(CorsConfigurationXml("http://localhost:5000")
                .find("<AllowedOrigin>http://localhost:5000</AllowedOrigin>"),
            std::string::npos);
}

TEST(PoliciesTest, UiOriginValidation) {
  struct Case {
    std::string_view origin;
    bool ok;
  };
  const Case cases[] = {
      {"", true},
      {"https://mlflow.example.com", true},
      {"http://localhost:5000", true},
      {"http://127.0.0.1:65535", true},
      {"https://ui.example.com/", false},
      {"https://ui.example.com/path", false},
      {"https://ui.example.com?q=1", false},
      {"ftp://ui.example.com", false},
      {"ui.example.com", false},
      {"https://", false},
      {"https://ui.example.com:", false},
      {"https://ui.example.com:0", false},
      {"https://ui.example.com:70000", false},
      {"https://ui.example.com:80x", false},
      {"https://user@ui.example.com", false},
      {"*", false},
  };
  for (const Case& c : cases) {
    const Status status = ValidateUiOrigin(c.origin);
    EXPECT_EQ(status.ok(), c.ok) << c.origin << ": " << status.message();
    if (!status.ok()) {
      EXPECT_EQ(status.code(), Code::kInvalidArgument);
    }
  }
}

TEST(PoliciesTest, BucketNameRules) {
  struct Case {
    std::string_view name;
    std::string_view rule;  // "" when valid; else a fragment of the message
  };
  const std::string long_name(64, 'a');
  const std::string max_name(63, 'a');
  const Case cases[] = {
      {"abc", ""},
      {"my-bucket.v2", ""},
      {"123", ""},
      {max_name, ""},
      {"192.168.5", ""},
      {"1.2.3.4.5", ""},
      {"ab", "3 to 63"},
      {long_name, "3 to 63"},
      {"My-Bucket", "lowercase"},
      {"my_bucket", "lowercase"},
      {"my bucket", "lowercase"},
      {"-bucket", "start and end"},
      {"bucket-", "start and end"},
      {".bucket", "start and end"},
      {"my..bucket", "'..'"},
      {"my.-bucket", "'.-' or '-.'"},
      {"my-.bucket", "'.-' or '-.'"},
      {"192.168.5.4", "IP address"},
      {"10.0.0.255", "IP address"},
      {"xn--bucket", "prefix 'xn--'"},
      {"sthree-bucket", "prefix 'sthree-'"},
      {"amzn-s3-demo-bucket", "prefix 'amzn-s3-demo-'"},
      {"bucket-s3alias", "suffix '-s3alias'"},
      {"bucket--ol-s3", "suffix '--ol-s3'"},
      {"bucket.mrap", "suffix '.mrap'"},
      {"bucket--x-s3", "suffix '--x-s3'"},
      {"bucket--table-s3", "suffix '--table-s3'"},
  };
  for (const Case& c : cases) {
    const Status status = ValidateBucketName(c.name);
    if (c.rule.empty()) {
      EXPECT_TRUE(status.ok()) << c.name << ": " << status.message();
    } else {
      ASSERT_FALSE(status.ok()) << c.name;
      EXPECT_EQ(status.code(), Code::kInvalidArgument);
      EXPECT_NE(status.message().find(c.rule), std::string::npos)
          << c.name << ": " << status.message();
    }
  }
}

TEST(PoliciesTest, PrincipalArnFor) {
  EXPECT_EQ(*PrincipalArnFor("123456789012"), "arn:aws:iam::123456789012:root");
  for (const std::string_view arn :
       {"arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:role/bucketflow",
        "arn:aws:iam:::user/tenant", "arn:aws-cn:iam::123456789012:user/a/b"}) {
    Result<std::string> out = PrincipalArnFor(arn);
    ASSERT_TRUE(out.ok()) << arn << ": " << out.status().message();
    EXPECT_EQ(*out, arn);
  }
  for (const std::string_view bad :
       {"", "12345678901", "1234567890123", "12345678901a", "arn:aws:s3:::bucket",
        "arn:aws:iam::123456789012:group/x", "arn:aws:iam::abc:root", "arn::iam::1:root",
        "arn:aws:iam:us-east-1:123456789012:root", "arn:aws:iam::1:user/a b"}) {
    Result<std::string> out = PrincipalArnFor(bad);
    EXPECT_FALSE(out.ok()) << bad;
    EXPECT_EQ(out.status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(PoliciesTest, GeneratedExternalIdsAreRandomHex) {
  std::set<std::string> seen;
  for (int idx = 0; idx < 50; ++idx) {
    const std::string id = GenerateExternalId();
    EXPECT_EQ(id.size(), 32u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_TRUE(ValidateExternalId(id).ok());
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(PoliciesTest, ExternalIdValidation) {
  EXPECT_TRUE(ValidateExternalId("ab").ok());
  EXPECT_TRUE(ValidateExternalId("Ab+=,.@:/_-9").ok());
  EXPECT_FALSE(ValidateExternalId("a").ok());
  EXPECT_FALSE(ValidateExternalId(std::string(1225, 'a')).ok());
  EXPECT_FALSE(ValidateExternalId("has space").ok());
  EXPECT_FALSE(ValidateExternalId("quote\"").ok());
}

}  // namespace
}  // namespace bucketflow::onboarding

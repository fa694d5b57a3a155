// Table tests of the individual SigV4 steps; the AWS suite (sigv4_vectors_test.cc) and
// botocore (sigv4_botocore_test.cc) cover their composition.
#include "s3/sigv4.h"

#include <gtest/gtest.h>

#include <string>

#include "s3/credentials.h"

namespace bucketflow::s3 {
namespace {

TEST(SigV4Test, FormatsSigningTime) {
  struct Case {
    int64_t unix_seconds;
    std::string_view amz_date;
  };
  for (const Case& c : {Case{0, "19700101T000000Z"}, Case{1440938160, "20150830T123600Z"},
                        Case{951782400, "20000229T000000Z"}, Case{1369353600, "20130524T000000Z"},
                        Case{253402300799, "99991231T235959Z"}}) {
    auto time = FormatSigningTime(c.unix_seconds);
    ASSERT_TRUE(time.ok()) << c.unix_seconds;
    EXPECT_EQ(time->amz_date, c.amz_date);
    EXPECT_EQ(time->date, c.amz_date.substr(0, 8));
  }
}

TEST(SigV4Test, RejectsUnrepresentableSigningTime) {
  EXPECT_EQ(FormatSigningTime(-1).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(FormatSigningTime(253402300800).status().code(), Code::kInvalidArgument);
}

TEST(SigV4Test, UriEncodesAllButUnreserved) {
  EXPECT_EQ(UriEncode("AZaz09-_.~", false), "AZaz09-_.~");
  EXPECT_EQ(UriEncode("a b+c*d%e/f", false), "a%20b%2Bc%2Ad%25e%2Ff");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(UriEncode("\xe1\x88\xb4", false), "%E1%88%B4");  // Uppercase hex.
  EXPECT_EQ(UriEncode(std::string_view("\0\xff", 2), false), "%00%FF");
  EXPECT_EQ(UriEncode("", false), "");
}

TEST(SigV4Test, CanonicalUriDependsOnServiceRules) {
  struct Case {
    std::string_view path;
    std::string_view want_default;  // normalise + encode
    std::string_view want_s3;       // as sent
  };
  const Case cases[] = {
      {"", "/", "/"},
      {"/", "/", "/"},
      {"/a%20b/c", "/a%2520b/c", "/a%20b/c"},  // Others double-encode, S3 does not.
      {"/a/./b/../c", "/a/c", "/a/./b/../c"},
      {"//a//b//", "/a/b/", "//a//b//"},
      {"/..", "/", "/.."},
      {"/a/..", "/", "/a/.."},
      {"/a/b/", "/a/b/", "/a/b/"},
      {"/key:with@sub-delims!", "/key%3Awith%40sub-delims%21", "/key:with@sub-delims!"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CanonicalUri(c.path, kDefaultUriRules), c.want_default) << c.path;
    EXPECT_EQ(CanonicalUri(c.path, kS3UriRules), c.want_s3) << c.path;
  }
  EXPECT_EQ(CanonicalUri("/a//b", {.normalize = false, .encode = true}), "/a//b");
  EXPECT_EQ(CanonicalUri("/a b/../c", {.normalize = true, .encode = false}), "/c");
}

TEST(SigV4Test, CanonicalQuerySortsEncodedPairs) {
  EXPECT_EQ(CanonicalQueryString({}), "");
  EXPECT_EQ(CanonicalQueryString({{"b", "2"}, {"a", "1"}, {"B", "0"}}), "B=0&a=1&b=2");
  // Repeated keys sort by value; empty values keep their '='.
  EXPECT_EQ(CanonicalQueryString({{"k", "z"}, {"k", ""}, {"k", "a"}}), "k=&k=a&k=z");
  EXPECT_EQ(CanonicalQueryString({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(CanonicalQueryString({{"a b", "c+d/e=f&g"}}), "a%20b=c%2Bd%2Fe%3Df%26g");
  // Sorting happens after encoding: '%' (0x25) sorts before 'A'.
  EXPECT_EQ(CanonicalQueryString({{"A", "1"}, {"\xe1\x88\xb4", "2"}}), "%E1%88%B4=2&A=1");
}

TEST(SigV4Test, CanonicalHeadersTrimFoldJoinAndSort) {
  const CanonicalHeaders got = CanonicalizeHeaders({
      {"Host", "example.com"},
      {"X-B", "  two   spaces\tand tab  "},
      {" X-A ", "first"},
      {"x-a", "second"},
      {"X-A", "  "},
      {"X-Folded", "line1\n   line2"},
      {"User-Agent", "never signed"},
      {"Authorization", "never signed"},
  });
  EXPECT_EQ(got.canonical,
            "host:example.com\n"
            "x-a:first,second,\n"
            "x-b:two spaces and tab\n"
            "x-folded:line1 line2\n");
  EXPECT_EQ(got.signed_headers, "host;x-a;x-b;x-folded");
}

TEST(SigV4Test, CanonicalRequestLayout) {
  const CanonicalHeaders headers{.canonical = "host:h\n", .signed_headers = "host"};
  EXPECT_EQ(CanonicalRequest({.method = "PUT",
                              .canonical_uri = "/k",
                              .canonical_query = "a=1",
                              .headers = headers,
                              .payload_hash = kUnsignedPayload}),
            "PUT\n/k\na=1\nhost:h\n\nhost\nUNSIGNED-PAYLOAD");
}

TEST(SigV4Test, StringToSignHashesCanonicalRequest) {
  EXPECT_EQ(CredentialScope("20150830", "us-east-1", "iam"), "20150830/us-east-1/iam/aws4_request");
  EXPECT_EQ(StringToSign("20150830T123600Z", "20150830/us-east-1/iam/aws4_request", ""),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n" +
                std::string(kEmptyPayloadSha256));
}

// The documented key derivation example:
// https://docs.aws.amazon.com/general/latest/gr/sigv4-calculate-signature.html
TEST(SigV4Test, DerivesDocumentedSigningKey) {
  const Sha256Digest key =
      DeriveSigningKey({.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                        .date = "20150830",
                        .region = "us-east-1",
                        .service = "iam"});
  EXPECT_EQ(HexEncode(AsBytes(key)),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

TEST(SigV4Test, AuthorizationHeaderFormat) {
  EXPECT_EQ(AuthorizationHeader("AKID", "20150830/us-east-1/s3/aws4_request", "host;x-amz-date",
                                "abc123"),
            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=abc123");
}

TEST(CredentialsTest, ToStringRedactsSecrets) {
  const Credentials creds{.access_key_id = "AKIDEXAMPLE",
                          .secret_access_key = "wJalrXUtnFEMI/SECRET",
                          .session_token = "SESSIONTOKEN"};
  const std::string text = ToString(creds);
  EXPECT_EQ(text,
            "Credentials{access_key_id=AKIDEXAMPLE, secret_access_key=*****, "
            "session_token=*****}");
  EXPECT_EQ(text.find("SECRET"), std::string::npos);
  EXPECT_EQ(ToString(Credentials{.access_key_id = "AKID"}),
            "Credentials{access_key_id=AKID, secret_access_key=<none>, session_token=<none>}");
}

}  // namespace
}  // namespace bucketflow::s3

#include "auth/credentials.h"

#include <gtest/gtest.h>

#include <string>

namespace bucketflow::auth {
namespace {

TEST(CredentialsTest, ParsesBearerInAnyCase) {
  for (const char* scheme : {"Bearer", "bearer", "BEARER", "bEaReR"}) {
    Result<Credentials> parsed = ParseAuthorization(std::string(scheme) + " bft_abc");
    ASSERT_TRUE(parsed.ok()) << scheme;
    EXPECT_EQ(parsed->kind, Credentials::Kind::kBearer);
    EXPECT_EQ(parsed->secret, "bft_abc");
  }
  Result<Credentials> spaced = ParseAuthorization("  Bearer \t tok  ");
  ASSERT_TRUE(spaced.ok());
  EXPECT_EQ(spaced->secret, "tok");
}

TEST(CredentialsTest, ParsesBasic) {
  struct Case {
    std::string header;
    std::string user;
    std::string password;
  };
  const Case cases[] = {
      {"Basic Ym9iOnMzY3JldA==", "bob", "s3cret"},  // bob:s3cret
      {"basic Ym9iOnMzY3JldA", "bob", "s3cret"},    // padding left off
      {"Basic Ym9iOmE6Yjpj", "bob", "a:b:c"},       // the password may contain ':'
      {"Basic Ym9iOg==", "bob", ""},                // empty password
      {"BASIC YWxpY2VAZXhhbXBsZS5jb206cA==", "alice@example.com", "p"},
  };
  for (const Case& c : cases) {
    Result<Credentials> parsed = ParseAuthorization(c.header);
    ASSERT_TRUE(parsed.ok()) << c.header << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->kind, Credentials::Kind::kBasic);
    EXPECT_EQ(parsed->user, c.user) << c.header;
    EXPECT_EQ(parsed->password, c.password) << c.header;
  }
}

TEST(CredentialsTest, MalformedHeadersAreUnauthenticatedWithoutEchoingThem) {
  const std::string secret = "bft_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  const std::string headers[] = {
      "",
      "Bearer",
      "Bearer ",
      secret,             // the token without a scheme
      "Token " + secret,  // an unknown scheme
      "Bearer " + secret + " extra",
      "Basic !!!notbase64",
      "Basic Ym9i",       // "bob": no colon
      "Basic OnB3",       // ":pw": no user
      "Basic Y",          // impossible length
      "Basic Ym9i=OnB3",  // padding in the middle
      "Digest username=\"bob\"",
  };
  for (const std::string& header : headers) {
    Result<Credentials> parsed = ParseAuthorization(header);
    ASSERT_FALSE(parsed.ok()) << header;
    EXPECT_EQ(parsed.status().code(), Code::kUnauthenticated) << header;
    EXPECT_FALSE(parsed.status().message().empty());
    EXPECT_EQ(parsed.status().message().find("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(parsed.status().message().find("Ym9i"), std::string::npos);
  }
}

}  // namespace
}  // namespace bucketflow::auth

#include "auth/tokens.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace bucketflow::auth {
namespace {

TEST(TokensTest, SecretsHaveThePrefixAndAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string secret = GenerateTokenSecret();
    EXPECT_EQ(secret.size(), 68u);
    EXPECT_EQ(secret.substr(0, 4), "bft_");
    EXPECT_TRUE(LooksLikeTokenSecret(secret)) << secret;
    seen.insert(secret);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(TokensTest, HashIsHexSha256) {
  // FIPS 180-2 test vector.
  EXPECT_EQ(HashTokenSecret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string secret = GenerateTokenSecret();
  EXPECT_EQ(HashTokenSecret(secret), HashTokenSecret(secret));
  EXPECT_NE(HashTokenSecret(secret), HashTokenSecret(GenerateTokenSecret()));
  EXPECT_EQ(HashTokenSecret(secret).find(secret.substr(4)), std::string::npos);
}

TEST(TokensTest, LooksLikeTokenSecret) {
  const std::string hex64(64, 'a');
  struct Case {
    std::string text;
    bool expected;
  };
  const Case cases[] = {
      {"bft_" + hex64, true},
      {"bft_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true},
      {"", false},
      {"bft_", false},
      {"bft_" + hex64.substr(1), false},
      {"bft_" + hex64 + "a", false},
      {"BFT_" + hex64, false},
      {"xyz_" + hex64, false},
      {"bft_" + std::string(63, 'a') + "A", false},
      {"bft_" + std::string(63, 'a') + "g", false},
      {"bft_" + std::string(63, 'a') + " ", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(LooksLikeTokenSecret(c.text), c.expected) << c.text;
  }
}

}  // namespace
}  // namespace bucketflow::auth

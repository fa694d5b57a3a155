#include "auth/password.h"

#include <gtest/gtest.h>

#include <string>

namespace bucketflow::auth {
namespace {

// Cheap parameters keep the tests fast; the defaults are exercised once.
constexpr PasswordHashing kFast = {.time_cost = 1, .memory_kib = 64, .parallelism = 1};

TEST(PasswordTest, RoundTripsWithDefaultParameters) {
  Result<std::string> hash = HashPassword("correct horse battery staple");
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *hash;
  EXPECT_TRUE(VerifyPassword("correct horse battery staple", *hash));
  EXPECT_FALSE(VerifyPassword("correct horse battery stapler", *hash));
}

TEST(PasswordTest, WrongPasswordIsRefused) {
  Result<std::string> hash = HashPassword("s3cret", kFast);
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(VerifyPassword("s3cret", *hash));
  EXPECT_FALSE(VerifyPassword("S3cret", *hash));
  EXPECT_FALSE(VerifyPassword("", *hash));
  EXPECT_FALSE(VerifyPassword(std::string("s3cret\0x", 8), *hash));
}

TEST(PasswordTest, DistinctSaltsGiveDistinctHashes) {
  Result<std::string> first = HashPassword("same", kFast);
  Result<std::string> second = HashPassword("same", kFast);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*first, *second);
  EXPECT_TRUE(VerifyPassword("same", *first));
  EXPECT_TRUE(VerifyPassword("same", *second));
}

TEST(PasswordTest, MalformedHashesVerifyAsFalse) {
  Result<std::string> hash = HashPassword("pw", kFast);
  ASSERT_TRUE(hash.ok());
  std::string truncated = hash->substr(0, hash->size() - 5);
  std::string as_argon2i = *hash;
  as_argon2i.replace(0, 10, "$argon2i$");
  for (const std::string& bad : {std::string(), std::string("pw"), std::string("$argon2id$"),
                                 std::string("$argon2id$v=19$m=64,t=1,p=1$$"), truncated,
                                 as_argon2i, std::string("$2b$12$abcdefghijklmnopqrstuv")}) {
    EXPECT_FALSE(VerifyPassword("pw", bad)) << bad;
  }
}

TEST(PasswordTest, RejectsEmptyAndOverlongPasswords) {
  EXPECT_EQ(HashPassword("", kFast).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(HashPassword(std::string(1025, 'x'), kFast).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(HashPassword(std::string(1024, 'x'), kFast).ok());
}

TEST(PasswordTest, BadParametersAreAnErrorNotACrash) {
  Result<std::string> hash =
      HashPassword("pw", {.time_cost = 0, .memory_kib = 1, .parallelism = 1});
  EXPECT_EQ(hash.status().code(), Code::kInternal);
  EXPECT_EQ(hash.status().message().find("pw"), std::string::npos);
}

}  // namespace
}  // namespace bucketflow::auth

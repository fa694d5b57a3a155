#include "core/strings.h"

#include <gtest/gtest.h>

namespace bucketflow {
namespace {

TEST(StringsTest, UrlDecodeTable) {
  struct Case {
    std::string in;
    bool plus;
    std::optional<std::string> want;
  };
  const Case cases[] = {
      {"a%20b", false, "a b"},      {"a+b", true, "a b"},
      {"a+b", false, "a+b"},        {"%2E%2e", false, ".."},
      {"%", false, std::nullopt},   {"%4", false, std::nullopt},
      {"%zz", false, std::nullopt}, {"", false, ""},
      {"%252E", false, "%2E"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(UrlDecode(c.in, c.plus), c.want) << c.in;
  }
}

TEST(StringsTest, UrlEncodeKeepsUnreserved) {
  EXPECT_EQ(UrlEncode("a b/c~d", false), "a%20b%2Fc~d");
  EXPECT_EQ(UrlEncode("a b/c", true), "a%20b/c");
}

TEST(StringsTest, ParseQueryKeepsOrderAndRepeats) {
  auto q = ParseQuery("run_ids=a&run_ids=b&x=1+2&empty=&flag");
  ASSERT_EQ(q.size(), 5u);
  EXPECT_EQ(q[0], (std::pair<std::string, std::string>{"run_ids", "a"}));
  EXPECT_EQ(q[1].second, "b");
  EXPECT_EQ(q[2].second, "1 2");
  EXPECT_EQ(q[3].second, "");
  EXPECT_EQ(q[4].first, "flag");
}

TEST(StringsTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));
  EXPECT_FALSE(IsValidUtf8("\xff\xfe"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));
}

}  // namespace
}  // namespace bucketflow

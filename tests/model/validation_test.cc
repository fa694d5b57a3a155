#include "model/validation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bucketflow::model {
namespace {

TEST(NormalizePosixPathTest, MatchesPythonPosixpath) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a/../b", "b"}, {"a//b", "a/b"}, {"./a", "a"},       {"a/", "a"},
      {"", "."},       {"..", ".."},    {"../a", "../a"},   {"/a/../..", "/"},
      {"//a", "//a"},  {"///a", "/a"},  {"a/./b/.", "a/b"}, {"a b:c", "a b:c"},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(NormalizePosixPath(in), out) << in;
}

struct NameCase {
  std::string name;
  bool ok;
};

TEST(ValidateNameTest, TableOfKeys) {
  const std::vector<NameCase> cases = {
      {"loss", true},
      {"eval/acc:top-1.x y", true},
      {"été", true},
      {std::string(250, 'k'), true},
      {std::string(251, 'k'), false},
      {"bad key!", false},
      {"a/../b", false},
      {"./a", false},
      {"/abs", false},
      {"a//b", false},
      {"..", false},
      {"a\\b", false},
  };
  for (const NameCase& test : cases) {
    EXPECT_EQ(ValidateMetricName(test.name, "name").ok(), test.ok) << test.name;
    EXPECT_EQ(ValidateParamName(test.name, "key").ok(), test.ok) << test.name;
    EXPECT_EQ(ValidateTagName(test.name, "key").ok(), test.ok) << test.name;
  }
}

TEST(ValidateNameTest, MessagesMatchMlflow) {
  EXPECT_EQ(ValidateMetricName("bad key!", "name").message(),
            "Invalid value \"bad key!\" for parameter 'name' supplied: Names may only contain "
            "alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and "
            "slashes (/).");
  EXPECT_EQ(ValidateTagName("a/../b", "key").message(),
            "Invalid value \"a/../b\" for parameter 'key' supplied: Names may be treated as "
            "files in certain cases, and must not resolve to other names when treated as such. "
            "This name would resolve to 'b'");
  EXPECT_EQ(ValidateParamName(std::string(251, 'p'), "key").message(),
            "Param key '" + std::string(250, 'p') +
                "' had length 251, which exceeded length limit of 250");
}

TEST(ValidateValueTest, Limits) {
  EXPECT_TRUE(ValidateParamValue(std::string(6000, 'v')).ok());
  EXPECT_FALSE(ValidateParamValue(std::string(6001, 'v')).ok());
  EXPECT_TRUE(ValidateRunTagValue(std::string(8000, 'v')).ok());
  EXPECT_FALSE(ValidateRunTagValue(std::string(8001, 'v')).ok());
  EXPECT_TRUE(ValidateExperimentTagValue(std::string(5000, 'v')).ok());
  EXPECT_EQ(ValidateExperimentTagValue(std::string(5001, 'v')).message(),
            "Tag value '" + std::string(250, 'v') +
                "' had length 5001, which exceeded length limit of 5000");
  // Lengths count characters, not bytes: 6000 two-byte characters are fine.
  std::string wide;
  for (int i = 0; i < 6000; ++i) wide += "é";
  EXPECT_TRUE(ValidateParamValue(wide).ok());
  EXPECT_EQ(ValidateExperimentName(std::string(501, 'n'), "name").message(),
            "'name' exceeds the maximum length of 500 characters");
  EXPECT_TRUE(ValidateExperimentName(std::string(500, 'n'), "name").ok());
}

TEST(ValidateBatchLimitsTest, Counts) {
  EXPECT_TRUE(ValidateBatchLimits(1000, 0, 0).ok());
  EXPECT_FALSE(ValidateBatchLimits(1001, 0, 0).ok());
  EXPECT_FALSE(ValidateBatchLimits(0, 101, 0).ok());
  EXPECT_EQ(ValidateBatchLimits(0, 0, 101).message(),
            "A batch logging request can contain at most 100 tags. Got 101 tags. Please split up "
            "tags across multiple requests and try again.");
  EXPECT_FALSE(ValidateBatchLimits(900, 100, 1).ok());
  EXPECT_TRUE(ValidateBatchLimits(800, 100, 100).ok());
}

}  // namespace
}  // namespace bucketflow::model

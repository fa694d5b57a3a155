#include "artifacts/artifact_path.h"

#include <gtest/gtest.h>

#include <string>

namespace bucketflow::artifacts {
namespace {

struct GoodCase {
  std::string input;
  std::string expected;
};

TEST(ArtifactPathTest, NormalisesSafePaths) {
  const GoodCase cases[] = {
      {"", ""},
      {".", ""},
      {"a", "a"},
      {"a/b/c.txt", "a/b/c.txt"},
      {"a//b///c", "a/b/c"},
      {"./a/./b/", "a/b"},
      {"a/b/", "a/b"},
      {"with space.txt", "with space.txt"},
      {"dir\\..\\escape.txt", "dir\\..\\escape.txt"},  // a literal name on POSIX, as MLflow
      {"...", "..."},
      {"a/..b/c..", "a/..b/c.."},
      {"100%.txt", "100%.txt"},  // malformed escape stays literal
      {"caf\xc3\xa9.txt", "caf\xc3\xa9.txt"},
      {"1/abc/artifacts", "1/abc/artifacts"},
  };
  for (const GoodCase& c : cases) {
    Result<std::string> got = NormalizePath(c.input);
    ASSERT_TRUE(got.ok()) << c.input << ": " << got.status().ToString();
    EXPECT_EQ(*got, c.expected) << c.input;
  }
}

TEST(ArtifactPathTest, RejectsHostilePaths) {
  const std::string hostile[] = {
      "..",
      "../",
      "../escape.txt",
      "a/../../escape.txt",
      "a/..",
      "dir/../../escape.txt",
      "/etc",
      "/etc/passwd",
      "//etc/golden-abs.txt",
      "file#frag.txt",
      "#",
      "%2E%2E/escape.txt",  // decoded again: ".."
      "%2E%2E%2Fescape.txt",
      "%252E%252E%252Fescape.txt",  // double-encoded, as MLflow refuses
      "a%zz/%2E%2E",                // a malformed escape does not hide a later ".."
      "file%2523frag",              // '#' after two decodings
      "%2Fetc",                     // absolute after decoding
      "C:/Windows",
      "c:\\Windows",
      "\\\\server\\share",
      "file:///etc/passwd",
      "FILE:x",
      std::string("a\0b", 3),
      "a\nb",
      "a\rb",
      "tab\there",
      "del\x7f",
  };
  for (const std::string& path : hostile) {
    Result<std::string> got = NormalizePath(path);
    ASSERT_FALSE(got.ok()) << "accepted: " << path;
    EXPECT_EQ(got.status().code(), Code::kInvalidArgument) << path;
    EXPECT_EQ(got.status().message(), "Invalid path") << path;
  }
}

TEST(ArtifactPathTest, RejectsPathsThatKeepDecoding) {
  // "x" encoded 11 times: MLflow gives up after 10 decoding rounds, and so do we.
  std::string path = "%78";
  for (int i = 0; i < 10; ++i) {
    std::string encoded;
    for (char c : path) {
      encoded += c == '%' ? std::string("%25") : std::string(1, c);
    }
    path = encoded;
  }
  EXPECT_FALSE(NormalizePath(path).ok());
  EXPECT_TRUE(NormalizePath("%252578").ok());
}

TEST(ArtifactPathTest, UrlPathIsDecodedOnce) {
  struct Case {
    std::string raw;
    std::string expected;
  };
  const Case cases[] = {
      {"with%20space.txt", "with space.txt"},
      {"a/b%2Fc", "a/b/c"},
      {"100%25.txt", "100%.txt"},
      {"a%2541.txt", "a%41.txt"},  // MLflow decodes again and stores "aA.txt"; we keep the name
      {"plus+sign", "plus+sign"},
      {"bad%zzescape", "bad%zzescape"},
  };
  for (const Case& c : cases) {
    Result<std::string> got = NormalizeUrlPath(c.raw);
    ASSERT_TRUE(got.ok()) << c.raw;
    EXPECT_EQ(*got, c.expected) << c.raw;
  }
  const std::string hostile[] = {"../escape.txt",
                                 "%2E%2E/escape.txt",
                                 "dir%2F..%2F..%2Fescape.txt",
                                 "%252E%252E%252Fescape.txt",
                                 "/etc/x",
                                 "file%23frag.txt",
                                 "a%00b",
                                 "a%0Ab"};
  for (const std::string& raw : hostile) {
    Result<std::string> got = NormalizeUrlPath(raw);
    ASSERT_FALSE(got.ok()) << raw;
    EXPECT_EQ(got.status().message(), "Invalid path");
  }
}

TEST(ArtifactPathTest, BaseNameAndJoin) {
  EXPECT_EQ(BaseName("a/b/c.txt"), "c.txt");
  EXPECT_EQ(BaseName("c.txt"), "c.txt");
  EXPECT_EQ(BaseName(""), "");
  EXPECT_EQ(JoinPath("", "x"), "x");
  EXPECT_EQ(JoinPath("a/b", "x"), "a/b/x");
  EXPECT_EQ(JoinPath("a", ""), "a");
}

}  // namespace
}  // namespace bucketflow::artifacts

#include "artifacts/content_type.h"

#include <gtest/gtest.h>

#include <string>

namespace bucketflow::artifacts {
namespace {

TEST(ContentTypeTest, MatchesMlflowGuesses) {
  const std::pair<std::string, std::string> cases[] = {
      {"hello.txt", "text/plain"},
      {"data.json", "text/plain"},
      {"conf.yaml", "text/plain"},
      {"train.log", "text/plain"},
      {"table.csv", "text/plain"},
      {"MLmodel", "text/plain"},
      {"MLproject", "text/plain"},
      {"image.png", "image/png"},
      {"photo.JPG", "image/jpeg"},
      {"page.html", "text/html"},
      {"report.pdf", "application/pdf"},
      {"model.pkl", "application/octet-stream"},
      {"empty.bin", "application/octet-stream"},
      {"README", "application/octet-stream"},
      {".bashrc", "application/octet-stream"},
      {"NOTES.TXT", "application/octet-stream"},
      {"archive.tar.gz", "application/octet-stream"},
  };
  for (const auto& [name, type] : cases) {
    EXPECT_EQ(ContentTypeFor(name), type) << name;
  }
}

TEST(ContentTypeTest, DispositionQuotesNonTokenNames) {
  EXPECT_EQ(AttachmentDisposition("hello.txt"), "attachment; filename=hello.txt");
  EXPECT_EQ(AttachmentDisposition("MLmodel"), "attachment; filename=MLmodel");
  EXPECT_EQ(AttachmentDisposition("with space.txt"), "attachment; filename=\"with space.txt\"");
  EXPECT_EQ(AttachmentDisposition("a\"b\\c"), "attachment; filename=\"a\\\"b\\\\c\"");
  // Characters that would change the header's meaning are quoted.
  EXPECT_EQ(AttachmentDisposition("a\";b=c"), "attachment; filename=\"a\\\";b=c\"");
  EXPECT_EQ(AttachmentDisposition("caf\xc3\xa9.txt"),
            "attachment; filename=caf.txt; filename*=UTF-8''caf%C3%A9.txt");
}

}  // namespace
}  // namespace bucketflow::artifacts

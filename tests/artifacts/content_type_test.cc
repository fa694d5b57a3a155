#include "artifacts/content_type.h"

#include <string>

#include <gtest/gtest.h>

namespace bucketflow::artifacts {
namespace {

TEST(ContentTypeTest, MatchesMlflowGuesses) {
  const std::pair<std::string, std::string> cases[] = {
      {"hello.txt", "text/plain"},       {"data.json", "text/plain"},
      {"conf.yaml", "text/plain"},       {"train.log", "text/plain"},
      {"table.csv", "text/plain"},       {"MLmodel", "text/plain"},
      {"MLproject", "text/plain"},       {"image.png", "image/png"},
      {"photo.JPG", "image/jpeg"},       {"page.html", "text/html"},
      {"report.pdf", "application/pdf"}, {"model.pkl", "application/octet-stream"},
      {"empty.bin", "application/octet-stream"}, {"README", "application/octet-stream"},
      {".bashrc", "application/octet-stream"},   {"NOTES.TXT", "application/octet-stream"},
      {"archive.tar.gz", "application/octet-stream"},
  };
  for (const auto& [name, type] : cases) {
    EXPECT_EQ(ContentTypeFor(name), type) << name;
  }
}

TEST(ContentTypeTest, DispositionQuotesLikeWerkzeug) {
  constexpr auto kWerkzeug = DispositionStyle::kWerkzeug;
  EXPECT_EQ(AttachmentDisposition("hello.txt", kWerkzeug), "attachment; filename=hello.txt");
  EXPECT_EQ(AttachmentDisposition("with space.txt", kWerkzeug),
            "attachment; filename=\"with space.txt\"");
  EXPECT_EQ(AttachmentDisposition("a\"b\\c", kWerkzeug), "attachment; filename=\"a\\\"b\\\\c\"");
  EXPECT_EQ(AttachmentDisposition("caf\xc3\xa9.txt", kWerkzeug),
            "attachment; filename=caf.txt; filename*=UTF-8''caf%C3%A9.txt");
}

TEST(ContentTypeTest, VerbatimDispositionLikeMlflowProxy) {
  constexpr auto kVerbatim = DispositionStyle::kVerbatim;
  EXPECT_EQ(AttachmentDisposition("with space.txt", kVerbatim),
            "attachment; filename=with space.txt");
  EXPECT_EQ(AttachmentDisposition("MLmodel", kVerbatim), "attachment; filename=MLmodel");
  // Characters that would change the header's meaning fall back to quoting.
  EXPECT_EQ(AttachmentDisposition("a\";b=c", kVerbatim), "attachment; filename=\"a\\\";b=c\"");
}

}  // namespace
}  // namespace bucketflow::artifacts

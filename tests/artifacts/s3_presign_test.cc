// S3ArtifactRepository's presigned access: read URLs and multipart uploads whose parts are
// PUT straight to the (fake) bucket through the presigned URLs.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "artifacts/artifact_repository.h"
#include "artifacts/fake_s3.h"
#include "artifacts/s3/s3_repository.h"
#include "core/strings.h"
#include "s3/s3_request.h"
#include "testing/fake_http_transport.h"

namespace bucketflow::artifacts {
namespace {

using ::bucketflow::testing::FakeHttpTransport;
using ::bucketflow::testing::FakeS3;
using ::bucketflow::testing::RecordedRequest;

constexpr int64_t kNowMs = 1'700'000'000'250;  // not on a whole second

// Temporary credentials that expire `lifetime_ms` after kNowMs (0: long-lived keys).
class ExpiringProvider : public s3::CredentialsProvider {
 public:
  explicit ExpiringProvider(int64_t lifetime_ms) : lifetime_ms_(lifetime_ms) {}
  Result<s3::Credentials> Get() override {
    return s3::Credentials{.access_key_id = "ASIAEXAMPLE",
                           .secret_access_key = "secret",
                           .session_token = lifetime_ms_ == 0 ? "" : "token",
                           .expires_at_ms = lifetime_ms_ == 0 ? 0 : kNowMs + lifetime_ms_};
  }

 private:
  const int64_t lifetime_ms_;
};

class FixedClock : public Clock {
 public:
  int64_t NowMillis() const override { return kNowMs; }
};

// The value of query parameter `name` in `url`, decoded.
std::string QueryValue(const std::string& url, std::string_view name) {
  size_t q = url.find('?');
  if (q == std::string::npos) return "";
  for (auto& [key, value] : ParseQuery(std::string_view(url).substr(q + 1))) {
    if (key == name) return value;
  }
  return "";
}

class S3PresignTest : public ::testing::Test {
 protected:
  void Open(int64_t credentials_lifetime_ms) {
    fake_.Attach(transport_);
    credentials_ = std::make_unique<ExpiringProvider>(credentials_lifetime_ms);
    s3::S3ClientConfig config{.region = "us-east-1", .endpoint = "http://127.0.0.1:17580"};
    config.addressing_style = s3::AddressingStyle::kPath;
    config.retry.max_attempts = 2;
    config.retry.sleep_ms = [](int64_t) {};
    Result<std::unique_ptr<s3::S3Client>> client =
        s3::S3Client::Create(std::move(config), transport_, *credentials_, clock_);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = std::move(client).value();
    repo_ = std::make_unique<S3ArtifactRepository>(*client_, "bkt", "root");
  }

  // PUTs `bytes` to a presigned part URL as a client would; returns the ETag.
  std::string PutPart(const std::string& url, std::string bytes) {
    Result<http::ClientResponse> response = fake_.Serve(
        RecordedRequest{.method = "PUT", .url = url, .headers = {}, .body = std::move(bytes)});
    EXPECT_TRUE(response.ok());
    if (!response.ok()) return "";
    EXPECT_EQ(response->status, 200);
    return std::string(s3::FindHeader(response->headers, "ETag").value_or(""));
  }

  FakeS3 fake_{"bkt"};
  FakeHttpTransport transport_;
  std::unique_ptr<ExpiringProvider> credentials_;
  FixedClock clock_;
  std::unique_ptr<s3::S3Client> client_;
  std::unique_ptr<S3ArtifactRepository> repo_;
};

TEST_F(S3PresignTest, SupportsMultipart) {
  Open(0);
  EXPECT_TRUE(repo_->SupportsMultipart());
}

TEST_F(S3PresignTest, PresignReadSignsAGetOfTheKeyAndReportsItsExpiry) {
  Open(0);
  fake_.Put("root/run/a b.txt", "hello");
  Result<PresignedUrl> url = repo_->PresignRead("run/a b.txt", 300);
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_TRUE(url->url.starts_with("http://127.0.0.1:17580/bkt/root/run/a%20b.txt?")) << url->url;
  EXPECT_EQ(QueryValue(url->url, "X-Amz-Expires"), "300");
  EXPECT_FALSE(QueryValue(url->url, "X-Amz-Signature").empty());
  // Signed at the whole second before now.
  EXPECT_EQ(url->expires_at_ms, (kNowMs / 1000 + 300) * 1000);
  EXPECT_EQ(fake_.count("HeadObject"), 1);
}

TEST_F(S3PresignTest, PresignReadNeverOutlivesTheCredentials) {
  Open(90'500);  // 90.5 s left
  fake_.Put("root/f", "x");
  Result<PresignedUrl> url = repo_->PresignRead("f", 3600);
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(QueryValue(url->url, "X-Amz-Expires"), "90");
  EXPECT_LE(url->expires_at_ms, kNowMs + 90'500);
  EXPECT_EQ(QueryValue(url->url, "X-Amz-Security-Token"), "token");
}

TEST_F(S3PresignTest, PresignReadOfMissingFileOrDirectoryFails) {
  Open(0);
  fake_.Put("root/dir/x", "x");
  EXPECT_EQ(repo_->PresignRead("nope", 60).status().code(), Code::kNotFound);
  EXPECT_EQ(repo_->PresignRead("dir", 60).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(repo_->PresignRead("", 60).status().code(), Code::kInvalidArgument);
}

TEST_F(S3PresignTest, MultipartRoundTripThroughPresignedPartUrls) {
  Open(0);
  Result<MultipartUpload> upload = repo_->CreateMultipartUpload("run/big.bin", 3, 3600);
  ASSERT_TRUE(upload.ok()) << upload.status().ToString();
  ASSERT_EQ(upload->parts.size(), 3u);
  std::vector<UploadedPart> parts;
  const std::vector<std::string> chunks = {"aaaa", "bbbb", "cc"};
  for (size_t i = 0; i < 3; ++i) {
    const MultipartPartUrl& part = upload->parts[i];
    EXPECT_EQ(part.part_number, static_cast<int>(i) + 1);
    EXPECT_EQ(QueryValue(part.url, "uploadId"), upload->upload_id);
    EXPECT_EQ(QueryValue(part.url, "partNumber"), std::to_string(i + 1));
    parts.push_back({.part_number = part.part_number, .etag = PutPart(part.url, chunks[i])});
  }
  EXPECT_EQ(fake_.count("UploadPart"), 3);
  ASSERT_TRUE(repo_->CompleteMultipartUpload("run/big.bin", upload->upload_id, parts).ok());
  EXPECT_EQ(fake_.objects().at("root/run/big.bin"), "aaaabbbbcc");
  EXPECT_EQ(fake_.open_uploads(), 0u);
}

TEST_F(S3PresignTest, CreateRefusesBadPartCountsAndPaths) {
  Open(0);
  EXPECT_EQ(repo_->CreateMultipartUpload("f", 0, 60).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(repo_->CreateMultipartUpload("f", 10001, 60).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(repo_->CreateMultipartUpload("", 1, 60).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(fake_.count("CreateMultipartUpload"), 0);
}

TEST_F(S3PresignTest, CompleteRefusesBadPartListsBeforeCallingS3) {
  Open(0);
  const std::vector<std::vector<UploadedPart>> bad = {
      {},
      {{.part_number = 2, .etag = "\"a\""}, {.part_number = 1, .etag = "\"b\""}},
      {{.part_number = 1, .etag = "\"a\""}, {.part_number = 1, .etag = "\"b\""}},
      {{.part_number = 0, .etag = "\"a\""}},
      {{.part_number = 1, .etag = ""}},
  };
  for (const auto& parts : bad) {
    EXPECT_EQ(repo_->CompleteMultipartUpload("f", "upload-1", parts).code(),
              Code::kInvalidArgument);
  }
  EXPECT_EQ(repo_->CompleteMultipartUpload("f", "", {{.part_number = 1, .etag = "e"}}).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(fake_.count("CompleteMultipartUpload"), 0);
}

TEST_F(S3PresignTest, CompleteKeepsS3ErrorKinds) {
  Open(0);
  Status unknown =
      repo_->CompleteMultipartUpload("f", "no-such", {{.part_number = 1, .etag = "e"}});
  EXPECT_EQ(unknown.code(), Code::kNotFound) << unknown.ToString();
  EXPECT_NE(unknown.message().find("'f'"), std::string::npos) << unknown.message();

  Result<MultipartUpload> upload = repo_->CreateMultipartUpload("g", 2, 60);
  ASSERT_TRUE(upload.ok());
  PutPart(upload->parts[0].url, "x");
  // Part 2 was never uploaded: the fake, like S3, answers InvalidPart.
  Status missing_part =
      repo_->CompleteMultipartUpload("g", upload->upload_id, {{.part_number = 2, .etag = "e"}});
  EXPECT_EQ(missing_part.code(), Code::kInvalidArgument) << missing_part.ToString();
  EXPECT_FALSE(fake_.objects().contains("root/g"));
}

TEST_F(S3PresignTest, AbortRemovesTheUpload) {
  Open(0);
  Result<MultipartUpload> upload = repo_->CreateMultipartUpload("f", 1, 60);
  ASSERT_TRUE(upload.ok());
  EXPECT_EQ(fake_.open_uploads(), 1u);
  ASSERT_TRUE(repo_->AbortMultipartUpload("f", upload->upload_id).ok());
  EXPECT_EQ(fake_.open_uploads(), 0u);
  EXPECT_EQ(repo_->AbortMultipartUpload("f", upload->upload_id).code(), Code::kNotFound);
  EXPECT_EQ(repo_->AbortMultipartUpload("f", "").code(), Code::kInvalidArgument);
}

TEST_F(S3PresignTest, DeniedAbortNamesTheMissingPermissionAndTheLifecycleFix) {
  Open(0);
  fake_.DenyAbort();
  Result<MultipartUpload> upload = repo_->CreateMultipartUpload("f", 1, 60);
  ASSERT_TRUE(upload.ok());
  Status denied = repo_->AbortMultipartUpload("f", upload->upload_id);
  EXPECT_EQ(denied.code(), Code::kPermissionDenied);
  EXPECT_NE(denied.message().find("s3:AbortMultipartUpload"), std::string::npos);
  EXPECT_NE(denied.message().find("lifecycle"), std::string::npos);
}

TEST_F(S3PresignTest, FailedProxyUploadWhoseAbortIsDeniedStillFailsCleanly) {
  Open(0);
  fake_.DenyAbort();
  fake_.FailUploadPart(2);
  auto repo = std::make_unique<S3ArtifactRepository>(
      *client_, "bkt", "root", S3RepositoryConfig{.read_chunk_size = 8, .multipart_threshold = 4});
  Result<std::unique_ptr<ArtifactWriter>> writer = repo->OpenWrite("big");
  ASSERT_TRUE(writer.ok());
  Status written = (*writer)->Write("0123456789abcdef");
  Status committed = written.ok() ? (*writer)->Commit() : written;
  EXPECT_FALSE(committed.ok());
  writer->reset();
  EXPECT_FALSE(fake_.objects().contains("root/big"));
  EXPECT_GE(fake_.count("AbortMultipartUpload"), 1);
}

}  // namespace
}  // namespace bucketflow::artifacts

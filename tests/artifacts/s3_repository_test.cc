#include "artifacts/s3/s3_repository.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "artifacts/fake_s3.h"
#include "testing/fake_http_transport.h"

namespace bucketflow::artifacts {
namespace {

using ::bucketflow::testing::FakeHttpTransport;
using ::bucketflow::testing::FakeS3;

class StaticProvider : public s3::CredentialsProvider {
 public:
  Result<s3::Credentials> Get() override {
    return s3::Credentials{.access_key_id = "AKIDEXAMPLE", .secret_access_key = "secret"};
  }
};

class FixedClock : public Clock {
 public:
  int64_t NowMillis() const override { return 1'700'000'000'000; }
};

std::string Pattern(size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    out[i] = static_cast<char>('a' + static_cast<char>(i % 26));
  }
  return out;
}

class S3RepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.Attach(transport_);
    s3::S3ClientConfig config{.region = "us-east-1", .endpoint = "http://127.0.0.1:17580"};
    config.addressing_style = s3::AddressingStyle::kPath;
    config.retry.max_attempts = 2;
    config.retry.sleep_ms = [](int64_t) {};
    Result<std::unique_ptr<s3::S3Client>> client =
        s3::S3Client::Create(std::move(config), transport_, credentials_, clock_);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = std::move(client).value();
  }

  std::unique_ptr<S3ArtifactRepository> Repo(std::string prefix, uint64_t chunk = 8,
                                             uint64_t part = 8) {
    return std::make_unique<S3ArtifactRepository>(
        *client_, "bkt", std::move(prefix),
        S3RepositoryConfig{.read_chunk_size = chunk, .multipart_threshold = part});
  }

  static std::string ReadAll(ArtifactReader& reader, size_t buffer_size) {
    std::string out;
    std::vector<char> buffer(buffer_size);
    while (true) {
      Result<size_t> n = reader.Read(buffer);
      EXPECT_TRUE(n.ok()) << n.status().ToString();
      if (!n.ok() || *n == 0) {
        return out;
      }
      out.append(buffer.data(), *n);
    }
  }

  static std::vector<std::string> Describe(const std::vector<FileInfo>& infos) {
    std::vector<std::string> out;
    for (const FileInfo& info : infos) {
      std::string line = info.path + (info.is_dir ? "/" : "");
      if (info.file_size) {
        line += ":" + std::to_string(*info.file_size);
      }
      out.push_back(line);
    }
    return out;
  }

  FakeS3 fake_{"bkt"};
  FakeHttpTransport transport_;
  StaticProvider credentials_;
  FixedClock clock_;
  std::unique_ptr<s3::S3Client> client_;
};

TEST_F(S3RepositoryTest, ListsFilesAndDirsSortedAcrossPages) {
  fake_.set_page_size(2);
  fake_.Put("exp/run/b.txt", "bb");
  fake_.Put("exp/run/a.txt", "a");
  fake_.Put("exp/run/empty", "");
  fake_.Put("exp/run/dir/", "");  // a directory marker: not a child of itself
  fake_.Put("exp/run/dir/x", "xxx");
  fake_.Put("exp/run/dir/sub/y", "y");
  fake_.Put("exp/run/model/MLmodel", "m");
  fake_.Put("exp/runner/not-mine", "n");
  fake_.Put("exp/run2/not-mine", "n");
  auto repo = Repo("exp/run");

  Result<std::vector<FileInfo>> root = repo->List("");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(Describe(*root),
            (std::vector<std::string>{"a.txt:1", "b.txt:2", "dir/", "empty", "model/"}));
  EXPECT_GE(fake_.count("ListObjectsV2"), 3);

  Result<std::vector<FileInfo>> dir = repo->List("dir");
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  EXPECT_EQ(Describe(*dir), (std::vector<std::string>{"dir/sub/", "dir/x:3"}));
}

TEST_F(S3RepositoryTest, ListFollowsEveryPageOfALargeDirectory) {
  fake_.set_page_size(7);
  for (int i = 0; i < 50; ++i) {
    fake_.Put("p/many/f" + std::to_string(1000 + i), "z");
  }
  Result<std::vector<FileInfo>> listed = Repo("p")->List("many");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 50u);
  EXPECT_EQ(listed->front().path, "many/f1000");
  EXPECT_EQ(listed->back().path, "many/f1049");
  EXPECT_EQ(fake_.count("ListObjectsV2"), 8);
}

TEST_F(S3RepositoryTest, MissingDirectoryOrFileListsEmpty) {
  fake_.Put("p/file.txt", "x");
  auto repo = Repo("p");
  Result<std::vector<FileInfo>> missing = repo->List("nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->empty());
  Result<std::vector<FileInfo>> file = repo->List("file.txt");
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(file->empty());
}

TEST_F(S3RepositoryTest, EmptyAndSlashedPrefixesMapKeysWithoutDoubleSlashes) {
  auto bare = Repo("");
  ASSERT_TRUE(bare->OpenWrite("a/b.txt").value()->Commit().ok());
  auto slashed = Repo("/x/y/");
  std::unique_ptr<ArtifactWriter> writer = slashed->OpenWrite("c.txt").value();
  ASSERT_TRUE(writer->Write("cc").ok());
  ASSERT_TRUE(writer->Commit().ok());
  std::map<std::string, std::string> objects = fake_.objects();
  EXPECT_EQ(objects.count("a/b.txt"), 1u);
  EXPECT_EQ(objects.count("x/y/c.txt"), 1u);
  EXPECT_EQ(objects.size(), 2u);
  EXPECT_EQ(Describe(bare->List("").value()), (std::vector<std::string>{"a/", "x/"}));
  EXPECT_EQ(Describe(slashed->List("").value()), (std::vector<std::string>{"c.txt:2"}));
}

TEST_F(S3RepositoryTest, NextHandsOutWholeChunksInPlace) {
  const std::string data = Pattern(20);
  fake_.Put("p/big.bin", data);
  std::unique_ptr<ArtifactReader> reader = Repo("p", /*chunk=*/8)->OpenRead("big.bin").value();
  std::vector<char> first(3);
  ASSERT_TRUE(reader->Read(first).ok());  // mixing Read and Next is fine
  std::string out = data.substr(0, 3);
  std::vector<size_t> sizes;
  std::vector<char> unused(1);
  while (true) {
    Result<std::string_view> next = reader->Next(unused);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    if (next->empty()) {
      break;
    }
    sizes.push_back(next->size());
    out.append(*next);
  }
  EXPECT_EQ(out, data);
  // The rest of the first chunk, then whole chunks, however small the caller's scratch.
  EXPECT_EQ(sizes, (std::vector<size_t>{5, 8, 4}));
}

TEST_F(S3RepositoryTest, ReadsInBoundedRangedChunks) {
  const std::string data = Pattern(25);
  fake_.Put("p/big.bin", data);
  Result<std::unique_ptr<ArtifactReader>> reader = Repo("p", /*chunk=*/8)->OpenRead("big.bin");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->size(), 25u);
  EXPECT_EQ(ReadAll(**reader, 5), data);
  // Chunks ahead are fetched side by side, so the ranges arrive in any order.
  std::vector<std::string> ranges = fake_.ranges();
  std::sort(ranges.begin(), ranges.end());
  EXPECT_EQ(ranges,
            (std::vector<std::string>{"bytes=0-7", "bytes=16-23", "bytes=24-24", "bytes=8-15"}));
}

TEST_F(S3RepositoryTest, ReadOfEmptyObjectSendsNoGet) {
  fake_.Put("p/empty", "");
  Result<std::unique_ptr<ArtifactReader>> reader = Repo("p")->OpenRead("empty");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(ReadAll(**reader, 16), "");
  EXPECT_EQ(fake_.count("GetObject"), 0);
}

TEST_F(S3RepositoryTest, ReadOfObjectThatShrankFails) {
  fake_.Put("p/f", Pattern(20));
  std::unique_ptr<ArtifactReader> reader = Repo("p", 8)->OpenRead("f").value();
  fake_.Put("p/f", Pattern(10));
  std::vector<char> buffer(8);
  ASSERT_TRUE(reader->Read(buffer).ok());
  Result<size_t> second = reader->Read(buffer);
  EXPECT_FALSE(second.ok());
}

TEST_F(S3RepositoryTest, OpenReadMissingIsNotFoundAndDirectoryIsInvalid) {
  fake_.Put("p/dir/x", "x");
  fake_.Put("p/dirx", "x");
  auto repo = Repo("p");
  Result<std::unique_ptr<ArtifactReader>> missing = repo->OpenRead("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  Result<std::unique_ptr<ArtifactReader>> dir = repo->OpenRead("dir");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().code(), Code::kInvalidArgument);
  EXPECT_NE(dir.status().message().find("is a directory"), std::string::npos);
  EXPECT_EQ(repo->OpenRead("").status().code(), Code::kInvalidArgument);
  // "dir" + "x" is a sibling, not a child: "di" has nothing under "di/".
  EXPECT_EQ(repo->OpenRead("di").status().code(), Code::kNotFound);
}

TEST_F(S3RepositoryTest, SmallWriteIsOnePutVisibleOnlyAfterCommit) {
  auto repo = Repo("p", 8, /*part=*/8);
  std::unique_ptr<ArtifactWriter> writer = repo->OpenWrite("d/notes.txt").value();
  ASSERT_TRUE(writer->Write("1234").ok());
  ASSERT_TRUE(writer->Write("5678").ok());  // exactly one part: still a single PutObject
  EXPECT_TRUE(fake_.objects().empty());
  ASSERT_TRUE(writer->Commit().ok());
  EXPECT_EQ(fake_.objects().at("p/d/notes.txt"), "12345678");
  EXPECT_EQ(fake_.count("PutObject"), 1);
  EXPECT_EQ(fake_.count("CreateMultipartUpload"), 0);
  EXPECT_EQ(transport_.last_request().Header("Content-Type").value_or(""), "text/plain");
  EXPECT_EQ(writer->Write("x").code(), Code::kFailedPrecondition);
  EXPECT_EQ(writer->Commit().code(), Code::kFailedPrecondition);
}

TEST_F(S3RepositoryTest, EmptyWriteStoresAnEmptyObject) {
  std::unique_ptr<ArtifactWriter> writer = Repo("p")->OpenWrite("empty").value();
  ASSERT_TRUE(writer->Commit().ok());
  EXPECT_EQ(fake_.objects().at("p/empty"), "");
}

TEST_F(S3RepositoryTest, LargeWriteIsMultipartWithBoundedParts) {
  const std::string data = Pattern(30);
  std::unique_ptr<ArtifactWriter> writer = Repo("p", 8, /*part=*/8)->OpenWrite("big.bin").value();
  ASSERT_TRUE(writer->Write(data.substr(0, 3)).ok());
  ASSERT_TRUE(writer->Write(data.substr(3, 20)).ok());
  // Parts go out as they fill, on other threads (parts 1 and 2 may still be in flight), so
  // only the outcome after Commit is checked; 7 bytes are held.
  ASSERT_TRUE(writer->Write(data.substr(23)).ok());  // part 3 on its way, 6 bytes held
  EXPECT_TRUE(fake_.objects().empty());
  ASSERT_TRUE(writer->Commit().ok());
  EXPECT_EQ(fake_.objects().at("p/big.bin"), data);
  EXPECT_EQ(fake_.count("CreateMultipartUpload"), 1);
  EXPECT_EQ(fake_.count("UploadPart"), 4);  // 8 + 8 + 8 + 6
  EXPECT_EQ(fake_.count("CompleteMultipartUpload"), 1);
  EXPECT_EQ(fake_.count("PutObject"), 0);
  EXPECT_EQ(fake_.count("AbortMultipartUpload"), 0);
  for (const testing::RecordedRequest& request : transport_.requests()) {
    if (request.url.find("partNumber=") != std::string::npos) {
      EXPECT_LE(request.body.size(), 8u) << request.url;
    }
  }
}

TEST_F(S3RepositoryTest, FailedPartAbortsAndLeavesNothing) {
  fake_.FailUploadPart(2);
  std::unique_ptr<ArtifactWriter> writer = Repo("p", 8, 8)->OpenWrite("big.bin").value();
  ASSERT_TRUE(writer->Write(Pattern(12)).ok());  // part 1 on its way
  ASSERT_TRUE(writer->Write(Pattern(12)).ok());  // part 2 on its way (refused by S3)
  Status failed = writer->Write(Pattern(12));    // part 2's refusal surfaces before part 3
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.code(), Code::kPermissionDenied) << failed.ToString();
  EXPECT_EQ(fake_.count("AbortMultipartUpload"), 1);
  EXPECT_EQ(fake_.open_uploads(), 0u);
  EXPECT_EQ(writer->Write("x").code(), Code::kFailedPrecondition);
  EXPECT_EQ(writer->Commit().code(), Code::kFailedPrecondition);
  writer.reset();
  EXPECT_EQ(fake_.count("AbortMultipartUpload"), 1);  // not aborted twice
  EXPECT_TRUE(fake_.objects().empty());
}

TEST_F(S3RepositoryTest, FailedLastPartOnCommitAborts) {
  fake_.FailUploadPart(2);
  std::unique_ptr<ArtifactWriter> writer = Repo("p", 8, 8)->OpenWrite("big.bin").value();
  ASSERT_TRUE(writer->Write(Pattern(12)).ok());
  EXPECT_FALSE(writer->Commit().ok());
  EXPECT_EQ(fake_.count("AbortMultipartUpload"), 1);
  EXPECT_EQ(fake_.count("CompleteMultipartUpload"), 0);
  EXPECT_TRUE(fake_.objects().empty());
}

TEST_F(S3RepositoryTest, DestroyedWithoutCommitAbortsOrSendsNothing) {
  auto repo = Repo("p", 8, 8);
  {
    std::unique_ptr<ArtifactWriter> small = repo->OpenWrite("small").value();
    ASSERT_TRUE(small->Write("abc").ok());
  }
  EXPECT_EQ(transport_.request_count(), 0u);
  {
    std::unique_ptr<ArtifactWriter> big = repo->OpenWrite("big").value();
    ASSERT_TRUE(big->Write(Pattern(20)).ok());
    EXPECT_EQ(fake_.open_uploads(), 1u);
  }
  EXPECT_EQ(fake_.count("AbortMultipartUpload"), 1);
  EXPECT_EQ(fake_.open_uploads(), 0u);
  EXPECT_TRUE(fake_.objects().empty());
}

TEST_F(S3RepositoryTest, DeleteFooNeverTouchesFoobar) {
  fake_.set_page_size(2);
  for (const char* key : {"p/foo", "p/foo/a", "p/foo/b/c", "p/foo/b/d", "p/foo/e", "p/foobar",
                          "p/foobar/x", "p/foo.txt", "q/foo/a"}) {
    fake_.Put(key, "v");
  }
  ASSERT_TRUE(Repo("p")->Delete("foo").ok());
  std::map<std::string, std::string> left = fake_.objects();
  std::vector<std::string> keys;
  for (const auto& [key, bytes] : left) {
    keys.push_back(key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"p/foo.txt", "p/foobar", "p/foobar/x", "q/foo/a"}));
  std::vector<std::string> deleted = fake_.deleted_keys();
  std::sort(deleted.begin(), deleted.end());
  EXPECT_EQ(deleted,
            (std::vector<std::string>{"p/foo", "p/foo/a", "p/foo/b/c", "p/foo/b/d", "p/foo/e"}));
  EXPECT_EQ(fake_.count("Unsupported"), 0);  // never the batch DeleteObjects
}

TEST_F(S3RepositoryTest, DeleteOfMissingPathIsOkAndRootIsRefused) {
  auto repo = Repo("p");
  EXPECT_TRUE(repo->Delete("nothing/here").ok());
  EXPECT_EQ(fake_.count("DeleteObject"), 0);
  EXPECT_EQ(repo->Delete("").code(), Code::kInvalidArgument);
}

TEST_F(S3RepositoryTest, KeysWithSpacesAndUnicodeRoundTrip) {
  const std::string path =
      "dir with space/\xC3\xBCn\xC3\xAF & <c\xC3\xB8"
      "de>+%20.txt";
  auto repo = Repo("exp 1/run\xE2\x9C\x93");
  std::unique_ptr<ArtifactWriter> writer = repo->OpenWrite(path).value();
  ASSERT_TRUE(writer->Write("hello").ok());
  ASSERT_TRUE(writer->Commit().ok());
  EXPECT_EQ(fake_.objects().count("exp 1/run\xE2\x9C\x93/" + path), 1u);

  Result<std::vector<FileInfo>> listed = repo->List("dir with space");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(Describe(*listed), (std::vector<std::string>{path + ":5"}));
  std::unique_ptr<ArtifactReader> reader = repo->OpenRead(path).value();
  EXPECT_EQ(ReadAll(*reader, 64), "hello");
  ASSERT_TRUE(repo->Delete("dir with space").ok());
  EXPECT_TRUE(fake_.objects().empty());
}

TEST_F(S3RepositoryTest, ConcurrentWritersAndReadersShareOneRepository) {
  auto repo = Repo("p", 8, 8);
  std::vector<std::thread> threads;
  std::vector<std::string> got(4);
  for (size_t thread_idx = 0; thread_idx < 4; ++thread_idx) {
    threads.emplace_back([&, thread_idx] {
      const std::string name = "t" + std::to_string(thread_idx);
      std::unique_ptr<ArtifactWriter> writer = repo->OpenWrite(name).value();
      EXPECT_TRUE(writer->Write(Pattern(20 + thread_idx)).ok());
      EXPECT_TRUE(writer->Commit().ok());
      std::unique_ptr<ArtifactReader> reader = repo->OpenRead(name).value();
      got[thread_idx] = ReadAll(*reader, 3);
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (size_t thread_idx = 0; thread_idx < 4; ++thread_idx) {
    EXPECT_EQ(got[thread_idx], Pattern(20 + thread_idx));
  }
  EXPECT_EQ(repo->List("").value().size(), 4u);
}

TEST_F(S3RepositoryTest, S3ErrorsPropagate) {
  transport_.Enqueue(403, "<Error><Code>AccessDenied</Code><Message>no</Message></Error>");
  Result<std::vector<FileInfo>> listed = Repo("p")->List("");
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.status().code(), Code::kPermissionDenied);
}

}  // namespace
}  // namespace bucketflow::artifacts

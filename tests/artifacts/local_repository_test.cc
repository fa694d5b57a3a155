#include "artifacts/local/local_repository.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace bucketflow::artifacts {
namespace {

namespace fs = std::filesystem;

class LocalRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "bf-local-repo-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
    root_ = base_ / "root";
    repo_ = std::make_unique<LocalArtifactRepository>(root_.string());
  }
  void TearDown() override { fs::remove_all(base_); }

  void Put(const std::string& path, const std::string& content) {
    auto writer = repo_->OpenWrite(path);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_TRUE((*writer)->Write(content).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }

  std::string ReadAll(const std::string& path) {
    auto reader = repo_->OpenRead(path);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) {
      return "";
    }
    std::string out;
    char buffer[3];  // tiny on purpose: exercises chunking
    while (true) {
      Result<size_t> n = (*reader)->Read(buffer);
      EXPECT_TRUE(n.ok());
      if (!n.ok() || *n == 0) {
        break;
      }
      out.append(buffer, *n);
    }
    return out;
  }

  // Every entry under the root, including hidden temp files.
  size_t EntryCount() {
    size_t count = 0;
    for ([[maybe_unused]] const auto& entry : fs::recursive_directory_iterator(root_)) {
      ++count;
    }
    return count;
  }

  fs::path base_;
  fs::path root_;
  std::unique_ptr<LocalArtifactRepository> repo_;
};

TEST_F(LocalRepositoryTest, MissingRootListsEmptyAndReadsNotFound) {
  auto files = repo_->List("");
  ASSERT_TRUE(files.ok());
  EXPECT_TRUE(files->empty());
  EXPECT_EQ(repo_->OpenRead("a.txt").status().code(), Code::kNotFound);
  EXPECT_TRUE(repo_->Delete("a.txt").ok());
}

TEST_F(LocalRepositoryTest, WriteReadAndList) {
  Put("hello.txt", "hello world\n");
  Put("dir/sub/data.json", "{}");
  Put("empty.bin", "");
  EXPECT_EQ(ReadAll("hello.txt"), "hello world\n");
  EXPECT_EQ(ReadAll("dir/sub/data.json"), "{}");
  EXPECT_EQ((*repo_->OpenRead("hello.txt"))->size(), 12u);

  auto files = repo_->List("");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].path, "dir");
  EXPECT_TRUE((*files)[0].is_dir);
  EXPECT_FALSE((*files)[0].file_size.has_value());
  EXPECT_EQ((*files)[1].path, "empty.bin");
  EXPECT_FALSE((*files)[1].is_dir);
  EXPECT_FALSE((*files)[1].file_size.has_value());  // MLflow omits it for empty files
  EXPECT_EQ((*files)[2].path, "hello.txt");
  EXPECT_EQ((*files)[2].file_size, 12);

  auto nested = repo_->List("dir/sub");
  ASSERT_TRUE(nested.ok());
  ASSERT_EQ(nested->size(), 1u);
  EXPECT_EQ((*nested)[0].path, "dir/sub/data.json");
}

TEST_F(LocalRepositoryTest, ListOfMissingDirOrFileIsEmpty) {
  Put("hello.txt", "x");
  EXPECT_TRUE(repo_->List("nope")->empty());
  EXPECT_TRUE(repo_->List("hello.txt")->empty());
  EXPECT_TRUE(repo_->List("hello.txt/below")->empty());
}

TEST_F(LocalRepositoryTest, OverwriteReplacesContent) {
  Put("a.txt", "first version");
  Put("a.txt", "v2");
  EXPECT_EQ(ReadAll("a.txt"), "v2");
}

TEST_F(LocalRepositoryTest, ReadErrors) {
  Put("dir/a.txt", "x");
  EXPECT_EQ(repo_->OpenRead("dir").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(repo_->OpenRead("").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(repo_->OpenRead("dir/missing.txt").status().code(), Code::kNotFound);
  EXPECT_EQ(repo_->OpenRead("dir/a.txt/x").status().code(), Code::kNotFound);
  EXPECT_EQ(repo_->OpenRead("nodir/x").status().code(), Code::kNotFound);
  // The server's own directory never appears in messages.
  EXPECT_EQ(repo_->OpenRead("nodir/x").status().message().find(base_.string()), std::string::npos);
}

TEST_F(LocalRepositoryTest, UncommittedWriteLeavesNothing) {
  {
    auto writer = repo_->OpenWrite("a/b/partial.bin");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write(std::string(100000, 'x')).ok());
    // While in progress the temp file is hidden from listings and the target is absent.
    EXPECT_TRUE(repo_->List("")->empty());
    EXPECT_EQ(repo_->OpenRead("a/b/partial.bin").status().code(), Code::kNotFound);
  }
  EXPECT_TRUE(repo_->List("")->empty());
  EXPECT_EQ(EntryCount(), 0u);
}

TEST_F(LocalRepositoryTest, UncommittedOverwriteKeepsOldContent) {
  Put("a.txt", "old");
  {
    auto writer = repo_->OpenWrite("a.txt");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write("new but abandoned").ok());
  }
  EXPECT_EQ(ReadAll("a.txt"), "old");
  EXPECT_EQ(EntryCount(), 1u);
}

TEST_F(LocalRepositoryTest, WriteAfterCommitFails) {
  auto writer = repo_->OpenWrite("a.txt");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Commit().ok());
  EXPECT_FALSE((*writer)->Write("x").ok());
  EXPECT_FALSE((*writer)->Commit().ok());
  EXPECT_EQ(ReadAll("a.txt"), "");
}

TEST_F(LocalRepositoryTest, WriteOntoDirectoryOrThroughFileFails) {
  Put("dir/a.txt", "x");
  EXPECT_EQ(repo_->OpenWrite("dir").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(repo_->OpenWrite("dir/a.txt/b").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(repo_->OpenWrite("").status().code(), Code::kInvalidArgument);
}

TEST_F(LocalRepositoryTest, DeleteFooNeverTouchesFoobar) {
  Put("foo", "1");
  Put("foobar/x.txt", "2");
  Put("foo.txt", "3");
  ASSERT_TRUE(repo_->Delete("foo").ok());
  auto files = repo_->List("");
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].path, "foo.txt");
  EXPECT_EQ((*files)[1].path, "foobar");
  EXPECT_EQ(ReadAll("foobar/x.txt"), "2");
}

TEST_F(LocalRepositoryTest, DeleteDirectoryIsRecursive) {
  Put("trash/b/c.txt", "c");
  Put("trash/d.txt", "d");
  Put("trashcan/keep.txt", "k");
  ASSERT_TRUE(repo_->Delete("trash").ok());
  auto files = repo_->List("");
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].path, "trashcan");
  EXPECT_TRUE(repo_->Delete("never-there.txt").ok());
  EXPECT_TRUE(repo_->Delete("no/such/dir").ok());
}

TEST_F(LocalRepositoryTest, DeleteOfRootIsRefused) {
  Put("a.txt", "x");
  EXPECT_EQ(repo_->Delete("").code(), Code::kInvalidArgument);
  EXPECT_EQ(ReadAll("a.txt"), "x");
}

TEST_F(LocalRepositoryTest, RejectsUnnormalisedPaths) {
  for (const char* path : {"..", "a/../b", "/abs", "a//b", "./a", ".bucketflow-upload-x"}) {
    EXPECT_EQ(repo_->OpenRead(path).status().code(), Code::kInvalidArgument) << path;
    EXPECT_EQ(repo_->OpenWrite(path).status().code(), Code::kInvalidArgument) << path;
    EXPECT_EQ(repo_->Delete(path).code(), Code::kInvalidArgument) << path;
    EXPECT_EQ(repo_->List(path).status().code(), Code::kInvalidArgument) << path;
  }
}

TEST_F(LocalRepositoryTest, SymlinksOutOfTheRootAreNeverFollowed) {
  fs::path outside = base_ / "outside";
  fs::create_directories(outside);
  std::ofstream(outside / "secret.txt") << "secret";
  Put("keep.txt", "k");
  fs::create_directory_symlink(outside, root_ / "link");
  fs::create_symlink(outside / "secret.txt", root_ / "secret-link.txt");

  // A symlinked directory is "not a directory" here: the file below it does not exist.
  EXPECT_EQ(repo_->OpenRead("link/secret.txt").status().code(), Code::kNotFound);
  EXPECT_EQ(repo_->OpenRead("secret-link.txt").status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(repo_->List("link")->empty());
  EXPECT_FALSE(repo_->OpenWrite("link/planted.txt").ok());
  EXPECT_FALSE(fs::exists(outside / "planted.txt"));

  // Listing hides symlinks; deleting one removes the link, never the target.
  auto files = repo_->List("");
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].path, "keep.txt");
  EXPECT_TRUE(repo_->Delete("link/secret.txt").ok());  // nothing there from the root's view
  EXPECT_TRUE(fs::exists(outside / "secret.txt"));
  ASSERT_TRUE(repo_->Delete("link").ok());
  ASSERT_TRUE(repo_->Delete("secret-link.txt").ok());
  EXPECT_TRUE(fs::exists(outside / "secret.txt"));
  EXPECT_FALSE(fs::exists(root_ / "link"));
}

TEST_F(LocalRepositoryTest, RecursiveDeleteDoesNotFollowSymlinks) {
  fs::path outside = base_ / "outside";
  fs::create_directories(outside);
  std::ofstream(outside / "secret.txt") << "secret";
  Put("trash/x.txt", "x");
  fs::create_directory_symlink(outside, root_ / "trash" / "link");
  ASSERT_TRUE(repo_->Delete("trash").ok());
  EXPECT_TRUE(fs::exists(outside / "secret.txt"));
  EXPECT_FALSE(fs::exists(root_ / "trash"));
}

TEST_F(LocalRepositoryTest, FifoIsNotReadable) {
  fs::create_directories(root_);
  ASSERT_EQ(::mkfifo((root_ / "pipe").c_str(), 0600), 0);
  EXPECT_EQ(repo_->OpenRead("pipe").status().code(), Code::kInvalidArgument);
}

TEST_F(LocalRepositoryTest, LargeWriteStreamsInChunks) {
  auto writer = repo_->OpenWrite("big.bin");
  ASSERT_TRUE(writer.ok());
  std::string chunk(1 << 20, 'z');
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE((*writer)->Write(chunk).ok());
  }
  ASSERT_TRUE((*writer)->Commit().ok());
  EXPECT_EQ(repo_->List("")->at(0).file_size, 8 << 20);
}

}  // namespace
}  // namespace bucketflow::artifacts

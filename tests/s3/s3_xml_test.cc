#include "s3/s3_xml.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "s3/xml_testdata.h"

namespace bucketflow::s3 {
namespace {

TEST(ListObjectsV2Test, ParsesDelimitedListing) {
  Result<ListObjectsV2Result> got =
      ParseListObjectsV2(ReadXmlTestdata("list_objects_v2_delimiter.xml"));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_FALSE(got->is_truncated);
  EXPECT_EQ(got->key_count, 4u);
  EXPECT_EQ(got->common_prefixes, (std::vector<std::string>{"a/", "b/"}));
  ASSERT_EQ(got->contents.size(), 2u);
  EXPECT_EQ(got->contents[0].key, "root1.txt");
  EXPECT_EQ(got->contents[0].size, 15u);
  EXPECT_EQ(got->contents[0].etag, "\"26ad5cb4ba843c5e997ca72ecbfdd607\"");
  EXPECT_EQ(got->contents[0].last_modified_ms, 1795719348244);
  EXPECT_EQ(got->contents[1].key, "root2.txt");
}

TEST(ListObjectsV2Test, ParsesTruncatedPages) {
  Result<ListObjectsV2Result> page =
      ParseListObjectsV2(ReadXmlTestdata("list_objects_v2_truncated.xml"));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_TRUE(page->is_truncated);
  EXPECT_EQ(page->next_continuation_token, "a/2.txt");
  EXPECT_EQ(page->key_count, 2u);
  ASSERT_EQ(page->contents.size(), 2u);
  EXPECT_EQ(page->contents[1].key, "a/2.txt");

  Result<ListObjectsV2Result> prefixes =
      ParseListObjectsV2(ReadXmlTestdata("list_objects_v2_delimiter_truncated.xml"));
  ASSERT_TRUE(prefixes.ok()) << prefixes.status().ToString();
  EXPECT_TRUE(prefixes->is_truncated);
  EXPECT_EQ(prefixes->next_continuation_token, "b/");
  EXPECT_TRUE(prefixes->contents.empty());
  EXPECT_EQ(prefixes->common_prefixes.size(), 2u);
}

TEST(ListObjectsV2Test, ParsesEmptyAndAwsListings) {
  Result<ListObjectsV2Result> empty =
      ParseListObjectsV2(ReadXmlTestdata("list_objects_v2_empty.xml"));
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->contents.empty());
  EXPECT_EQ(empty->key_count, 0u);

  Result<ListObjectsV2Result> aws = ParseListObjectsV2(ReadXmlTestdata("aws_list_objects_v2.xml"));
  ASSERT_TRUE(aws.ok()) << aws.status().ToString();
  ASSERT_EQ(aws->contents.size(), 1u);
  EXPECT_EQ(aws->contents[0].key, "my-image.jpg");
  EXPECT_EQ(aws->contents[0].size, 434234u);
  EXPECT_EQ(aws->contents[0].last_modified_ms, 1255369830000);
  EXPECT_EQ(aws->key_count, 205u);
}

TEST(ListObjectsV2Test, RejectsMalformedListings) {
  const std::vector<std::string> bad = {
      "",
      "<ListBucketResult><Contents><Key>a</Key>",
      "<ListAllMyBucketsResult/>",
      "<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>",
      "<ListBucketResult><Contents><Key>a</Key><Size>-1</Size></Contents></ListBucketResult>",
      "<ListBucketResult><Contents><Key>a</Key><Size>12x</Size></Contents></ListBucketResult>",
      "<ListBucketResult><Contents><Key>a</Key><LastModified>yesterday</LastModified>"
      "</Contents></ListBucketResult>",
      "<ListBucketResult><IsTruncated>maybe</IsTruncated></ListBucketResult>",
      "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
      "<ListBucketResult><CommonPrefixes></CommonPrefixes></ListBucketResult>",
      "<ListBucketResult><KeyCount>many</KeyCount></ListBucketResult>",
  };
  for (const std::string& body : bad) {
    Result<ListObjectsV2Result> got = ParseListObjectsV2(body);
    EXPECT_FALSE(got.ok()) << body;
    EXPECT_EQ(got.status().code(), Code::kInvalidArgument) << body;
  }
}

TEST(ListObjectsV2Test, ErrorBodyBecomesServiceStatus) {
  Result<ListObjectsV2Result> got =
      ParseListObjectsV2(ReadXmlTestdata("s3_error_no_such_bucket.xml"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kNotFound);
  EXPECT_NE(got.status().message().find("NoSuchBucket"), std::string::npos);
}

TEST(ListObjectsV2Test, MatchesPrefixedElementNames) {
  Result<ListObjectsV2Result> got = ParseListObjectsV2(
      "<s3:ListBucketResult xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<s3:Contents><s3:Key>k &amp; v</s3:Key><s3:Size>3</s3:Size></s3:Contents>"
      "</s3:ListBucketResult>");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->contents.size(), 1u);
  EXPECT_EQ(got->contents[0].key, "k & v");
  EXPECT_EQ(got->key_count, 1u);
}

TEST(MultipartXmlTest, ParsesInitiateResult) {
  Result<std::string> got =
      ParseInitiateMultipartUpload(ReadXmlTestdata("initiate_multipart_upload.xml"));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "2~tMBet8zHW2zTP1H4DyxUYMAokhI8z7e");

  for (const char* bad :
       {"<InitiateMultipartUploadResult><Bucket>b</Bucket></InitiateMultipartUploadResult>",
        "<InitiateMultipartUploadResult><UploadId>", "<Other/>"}) {
    EXPECT_EQ(ParseInitiateMultipartUpload(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(MultipartXmlTest, BuildsCompleteBodyWithEscapedEtags) {
  const std::string body = BuildCompleteMultipartUploadBody(
      {{.part_number = 1, .etag = "\"aed563ecafb4bcc5654c597a421547b2\""},
       {.part_number = 2, .etag = "<&'>"}});
  EXPECT_EQ(body,
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>&quot;aed563ecafb4bcc5654c597a421547b2&quot;"
            "</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>&lt;&amp;&apos;&gt;</ETag></Part>"
            "</CompleteMultipartUpload>");
  EXPECT_EQ(BuildCompleteMultipartUploadBody({}),
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "</CompleteMultipartUpload>");
}

TEST(MultipartXmlTest, ParsesCompleteResults) {
  Result<CompleteMultipartUploadResult> rgw =
      ParseCompleteMultipartUpload(ReadXmlTestdata("complete_multipart_upload.xml"));
  ASSERT_TRUE(rgw.ok()) << rgw.status().ToString();
  EXPECT_EQ(rgw->location, "http://127.0.0.1:17580/rec-bucket/big.bin");
  EXPECT_EQ(rgw->bucket, "rec-bucket");
  EXPECT_EQ(rgw->key, "big.bin");
  EXPECT_EQ(rgw->etag, "");  // radosgw leaves it empty

  Result<CompleteMultipartUploadResult> aws =
      ParseCompleteMultipartUpload(ReadXmlTestdata("aws_complete_multipart_upload.xml"));
  ASSERT_TRUE(aws.ok()) << aws.status().ToString();
  EXPECT_EQ(aws->etag, "\"3858f62230ac3c915f300c664312c11f-9\"");
  EXPECT_EQ(aws->key, "Example-Object");
}

// S3 may answer CompleteMultipartUpload with 200 OK and an <Error> body.
TEST(MultipartXmlTest, ErrorInsideCompleteResultIsAnError) {
  Result<CompleteMultipartUploadResult> aws =
      ParseCompleteMultipartUpload(ReadXmlTestdata("aws_complete_multipart_upload_error_200.xml"));
  ASSERT_FALSE(aws.ok());
  EXPECT_EQ(aws.status().code(), Code::kUnavailable);
  EXPECT_NE(aws.status().message().find("InternalError"), std::string::npos);

  Result<CompleteMultipartUploadResult> rgw =
      ParseCompleteMultipartUpload(ReadXmlTestdata("s3_error_complete_bogus_upload.xml"));
  ASSERT_FALSE(rgw.ok());
  EXPECT_NE(rgw.status().message().find("already in progress"), std::string::npos);
}

}  // namespace
}  // namespace bucketflow::s3

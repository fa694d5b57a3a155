#include "s3/s3_xml.h"

#include <pugixml.hpp>
#include <string>
#include <utility>

#include "s3/xml.h"
#include "s3/xml_internal.h"

// Shapes: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html and the
// CreateMultipartUpload / CompleteMultipartUpload pages beside it.

namespace bucketflow::s3 {
namespace {

constexpr std::string_view kListWhat = "ListObjectsV2 response";

Result<ListedObject> ParseContents(pugi::xml_node contents) {
  ListedObject object;
  ASSIGN_OR_RETURN(object.key, XmlRequiredText(contents, "Key", kListWhat));
  ASSIGN_OR_RETURN(object.size, XmlOptionalUint(contents, "Size", 0, kListWhat));
  const std::string modified = XmlChildText(contents, "LastModified");
  if (!modified.empty()) {
    ASSIGN_OR_RETURN(object.last_modified_ms, ParseIso8601Millis(modified));
  }
  object.etag = XmlChildText(contents, "ETag");
  return object;
}

}  // namespace

Result<ListObjectsV2Result> ParseListObjectsV2(std::string_view xml) {
  ASSIGN_OR_RETURN(XmlDocument parsed, ParseXml(xml, "ListBucketResult", kListWhat));
  ListObjectsV2Result out;
  for (pugi::xml_node child : parsed.root.children()) {
    const std::string_view name = XmlLocalName(child.name());
    if (name == "Contents") {
      ASSIGN_OR_RETURN(ListedObject object, ParseContents(child));
      out.contents.push_back(std::move(object));
    } else if (name == "CommonPrefixes") {
      ASSIGN_OR_RETURN(std::string prefix, XmlRequiredText(child, "Prefix", kListWhat));
      out.common_prefixes.push_back(std::move(prefix));
    }
  }
  ASSIGN_OR_RETURN(out.is_truncated, XmlOptionalBool(parsed.root, "IsTruncated", false, kListWhat));
  out.next_continuation_token = XmlChildText(parsed.root, "NextContinuationToken");
  // Without a token a truncated listing cannot continue; looping on it would never end.
  if (out.is_truncated && out.next_continuation_token.empty()) {
    return Status::InvalidArgument("malformed ", kListWhat,
                                   ": IsTruncated is true but NextContinuationToken is missing");
  }
  const uint64_t counted = out.contents.size() + out.common_prefixes.size();
  ASSIGN_OR_RETURN(out.key_count, XmlOptionalUint(parsed.root, "KeyCount", counted, kListWhat));
  return out;
}

Result<std::string> ParseInitiateMultipartUpload(std::string_view xml) {
  constexpr std::string_view kWhat = "CreateMultipartUpload response";
  ASSIGN_OR_RETURN(XmlDocument parsed, ParseXml(xml, "InitiateMultipartUploadResult", kWhat));
  return XmlRequiredText(parsed.root, "UploadId", kWhat);
}

std::string BuildCompleteMultipartUploadBody(const std::vector<CompletedPart>& parts) {
  std::string body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (const CompletedPart& part : parts) {
    body += "<Part><PartNumber>";
    body += std::to_string(part.part_number);
    body += "</PartNumber><ETag>";
    body += XmlEscape(part.etag);
    body += "</ETag></Part>";
  }
  body += "</CompleteMultipartUpload>";
  return body;
}

Result<CompleteMultipartUploadResult> ParseCompleteMultipartUpload(std::string_view xml) {
  constexpr std::string_view kWhat = "CompleteMultipartUpload response";
  ASSIGN_OR_RETURN(XmlDocument parsed, ParseXml(xml, "CompleteMultipartUploadResult", kWhat));
  CompleteMultipartUploadResult out;
  out.location = XmlChildText(parsed.root, "Location");
  ASSIGN_OR_RETURN(out.bucket, XmlRequiredText(parsed.root, "Bucket", kWhat));
  ASSIGN_OR_RETURN(out.key, XmlRequiredText(parsed.root, "Key", kWhat));
  out.etag = XmlChildText(parsed.root, "ETag");
  return out;
}

}  // namespace bucketflow::s3

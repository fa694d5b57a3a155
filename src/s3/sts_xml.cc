#include "s3/sts_xml.h"

#include <cctype>
#include <pugixml.hpp>
#include <string>

#include "s3/xml.h"
#include "s3/xml_internal.h"

// Shapes: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html,
// API_AssumeRoleWithWebIdentity.html and https://docs.aws.amazon.com/IAM/latest/APIReference/
// API_GetRole.html. radosgw names the role id <AssumeRoleId>, AWS <AssumedRoleId>.

namespace bucketflow::s3 {
namespace {

// Tokens are base64; AWS's documented examples wrap them over several lines.
std::string WithoutWhitespace(std::string text) {
  std::erase_if(text, [](unsigned char c) { return std::isspace(c) != 0; });
  return text;
}

// Never echo credential values: messages only name the missing element.
Result<TemporaryCredentials> ParseCredentials(pugi::xml_node result, std::string_view what) {
  const pugi::xml_node node = XmlChild(result, "Credentials");
  if (!node) {
    return Status::InvalidArgument("malformed ", what, ": missing <Credentials>");
  }
  TemporaryCredentials out;
  ASSIGN_OR_RETURN(std::string access_key, XmlRequiredText(node, "AccessKeyId", what));
  ASSIGN_OR_RETURN(std::string secret_key, XmlRequiredText(node, "SecretAccessKey", what));
  ASSIGN_OR_RETURN(std::string token, XmlRequiredText(node, "SessionToken", what));
  ASSIGN_OR_RETURN(std::string expiration, XmlRequiredText(node, "Expiration", what));
  out.access_key_id = WithoutWhitespace(std::move(access_key));
  out.secret_access_key = WithoutWhitespace(std::move(secret_key));
  out.session_token = WithoutWhitespace(std::move(token));
  ASSIGN_OR_RETURN(out.expiration_ms, ParseIso8601Millis(expiration));
  return out;
}

Result<AssumedRole> ParseAssumed(std::string_view xml, std::string_view action) {
  const std::string what = std::string(action) + " response";
  ASSIGN_OR_RETURN(XmlDocument parsed, ParseXml(xml, std::string(action) + "Response", what));
  const pugi::xml_node result = XmlChild(parsed.root, std::string(action) + "Result");
  if (!result) {
    return Status::InvalidArgument("malformed ", what, ": missing <", action, "Result>");
  }
  AssumedRole out;
  ASSIGN_OR_RETURN(out.credentials, ParseCredentials(result, what));
  const pugi::xml_node user = XmlChild(result, "AssumedRoleUser");
  if (!user) {
    return Status::InvalidArgument("malformed ", what, ": missing <AssumedRoleUser>");
  }
  ASSIGN_OR_RETURN(out.assumed_role_arn, XmlRequiredText(user, "Arn", what));
  out.assumed_role_id = XmlChildText(user, "AssumedRoleId");
  if (out.assumed_role_id.empty()) {
    out.assumed_role_id = XmlChildText(user, "AssumeRoleId");
  }
  return out;
}

Result<RoleInfo> ParseRole(std::string_view xml, std::string_view action) {
  const std::string what = std::string(action) + " response";
  ASSIGN_OR_RETURN(XmlDocument parsed, ParseXml(xml, std::string(action) + "Response", what));
  const pugi::xml_node role =
      XmlChild(XmlChild(parsed.root, std::string(action) + "Result"), "Role");
  if (!role) {
    return Status::InvalidArgument("malformed ", what, ": missing <", action, "Result><Role>");
  }
  RoleInfo out;
  ASSIGN_OR_RETURN(out.arn, XmlRequiredText(role, "Arn", what));
  out.role_name = XmlChildText(role, "RoleName");
  out.role_id = XmlChildText(role, "RoleId");
  return out;
}

}  // namespace

Result<AssumedRole> ParseAssumeRoleResponse(std::string_view xml) {
  return ParseAssumed(xml, "AssumeRole");
}

Result<AssumedRole> ParseAssumeRoleWithWebIdentityResponse(std::string_view xml) {
  return ParseAssumed(xml, "AssumeRoleWithWebIdentity");
}

Result<RoleInfo> ParseGetRoleResponse(std::string_view xml) { return ParseRole(xml, "GetRole"); }

Result<RoleInfo> ParseCreateRoleResponse(std::string_view xml) {
  return ParseRole(xml, "CreateRole");
}

}  // namespace bucketflow::s3

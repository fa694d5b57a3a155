#include "api/admin_json.h"

#include <string>

namespace bucketflow::api {

void WriteWorkspace(JsonWriter& writer, const store::Workspace& workspace) {
  writer.BeginObject();
  writer.StringField("name", workspace.name);
  writer.StringField("id", std::to_string(workspace.id));
  writer.IntField("creation_time", workspace.creation_time);
  writer.StringField("external_id", workspace.external_id);
  writer.StringField("default_experiment_id", workspace.default_experiment_id);
  if (workspace.bucket.has_value()) {
    const store::WorkspaceBucket& bucket = *workspace.bucket;
    writer.Key("bucket");
    writer.BeginObject();
    writer.StringField("bucket", bucket.bucket);
    writer.StringField("prefix", bucket.prefix);
    writer.StringField("region", bucket.region);
    writer.StringField("s3_endpoint", bucket.s3_endpoint);
    writer.StringField("sts_endpoint", bucket.sts_endpoint);
    writer.StringField("addressing", bucket.addressing);
    writer.StringField("role_arn", bucket.role_arn);
    writer.StringField("external_id", bucket.external_id);
    writer.EndObject();
  }
  writer.EndObject();
}

void WriteUser(JsonWriter& writer, const store::User& user) {
  writer.BeginObject();
  writer.StringField("name", user.name);
  writer.Key("is_admin");
  writer.Bool(user.is_admin);
  writer.IntField("creation_time", user.creation_time);
  writer.EndObject();
}

void WriteToken(JsonWriter& writer, const store::Token& token) {
  writer.BeginObject();
  writer.StringField("id", std::to_string(token.id));
  writer.StringField("name", token.name);
  writer.StringField("user", token.user_name);
  if (token.workspace_id.has_value()) writer.StringField("workspace", token.workspace_name);
  writer.IntField("creation_time", token.creation_time);
  if (token.expiry_time.has_value()) writer.IntField("expiry_time", *token.expiry_time);
  if (token.revocation_time.has_value()) {
    writer.IntField("revocation_time", *token.revocation_time);
  }
  writer.EndObject();
}

void WriteAuditEntry(JsonWriter& writer, const store::AuditEntry& entry) {
  writer.BeginObject();
  writer.StringField("id", std::to_string(entry.id));
  writer.IntField("time", entry.time);
  writer.StringField("actor", entry.actor);
  writer.StringField("workspace", entry.workspace);
  writer.StringField("action", entry.action);
  writer.StringField("target", entry.target);
  writer.StringField("detail", entry.detail);
  writer.EndObject();
}

void WriteBucketChecks(JsonWriter& writer, std::span<const BucketCheck> checks) {
  writer.Key("checks");
  writer.BeginArray();
  for (const BucketCheck& check : checks) {
    writer.BeginObject();
    writer.StringField("name", check.name);
    writer.StringField("outcome", check.outcome);
    writer.StringField("reason", check.reason);
    writer.StringField("fix", check.fix);
    writer.EndObject();
  }
  writer.EndArray();
}

std::string BucketChecksField(std::span<const BucketCheck> checks) {
  JsonWriter writer;
  writer.BeginObject();
  WriteBucketChecks(writer, checks);
  writer.EndObject();
  std::string object = writer.Take();
  return object.substr(1, object.size() - 2);  // without the braces
}

}  // namespace bucketflow::api

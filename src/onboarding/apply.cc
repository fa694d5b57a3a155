#include "onboarding/apply.h"

#include <algorithm>
#include <boost/json.hpp>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "onboarding/policies.h"

namespace bucketflow::onboarding {
namespace {

namespace json = boost::json;

// A step's error, naming the step.
Status StepError(std::string_view step, const Status& status) {
  if (status.ok()) {
    return status;
  }
  return Status(status.code(), std::string(step) + ": " + status.message());
}

// A canonical form: keys sorted, and policy grammar values that may be a string or a list of
// strings become sorted lists, so {"Action":"s3:GetObject"} equals {"Action":["s3:GetObject"]}.
json::value Normalized(const json::value& value, bool listify) {
  if (value.is_object()) {
    std::vector<std::string_view> keys;
    for (const auto& entry : value.as_object()) {
      keys.push_back(entry.key());
    }
    std::sort(keys.begin(), keys.end());
    json::object out;
    for (const std::string_view key : keys) {
      const bool scalar_key = key == "Version" || key == "Sid" || key == "Effect";
      out[key] = Normalized(value.as_object().at(key), !scalar_key);
    }
    return out;
  }
  if (value.is_array() || (listify && value.is_string())) {
    std::vector<std::string> items;
    if (value.is_string()) {
      items.push_back(json::serialize(value));
    } else {
      for (const json::value& item : value.as_array()) {
        items.push_back(json::serialize(Normalized(item, false)));
      }
    }
    std::sort(items.begin(), items.end());
    json::array out;
    for (const std::string& item : items) {
      out.push_back(json::parse(item));
    }
    return out;
  }
  return value;
}

std::optional<json::value> ParseJson(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) {
    return std::nullopt;
  }
  return value;
}

// One sorted "Name=text" list per <CORSRule>, the rules themselves sorted.
std::optional<std::vector<std::vector<std::string>>> CorsRules(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return std::nullopt;
  }
  const auto local = [](const char* name) {
    const std::string_view full(name);
    const size_t colon = full.rfind(':');
    return colon == std::string_view::npos ? full : full.substr(colon + 1);
  };
  std::vector<std::vector<std::string>> rules;
  for (const pugi::xml_node rule : doc.document_element().children()) {
    if (rule.type() != pugi::node_element || local(rule.name()) != "CORSRule") {
      continue;
    }
    std::vector<std::string> fields;
    for (const pugi::xml_node field : rule.children()) {
      if (field.type() == pugi::node_element && local(field.name()) != "ID") {
        fields.push_back(std::string(local(field.name())) + "=" + field.text().get());
      }
    }
    std::sort(fields.begin(), fields.end());
    rules.push_back(std::move(fields));
  }
  std::sort(rules.begin(), rules.end());
  return rules;
}

// The sts:ExternalId a trust policy requires (the first, if several), or nullopt.
std::optional<std::string> ExistingExternalId(std::string_view trust_policy) {
  const std::optional<json::value> doc = ParseJson(trust_policy);
  if (!doc || !doc->is_object()) {
    return std::nullopt;
  }
  const json::value* statements = doc->as_object().if_contains("Statement");
  const json::array listed = statements == nullptr    ? json::array()
                             : statements->is_array() ? statements->as_array()
                                                      : json::array{*statements};
  for (const json::value& statement : listed) {
    const json::value* id =
        statement.is_object() ? statement.as_object().if_contains("Condition") : nullptr;
    id = id != nullptr && id->is_object() ? id->as_object().if_contains("StringEquals") : nullptr;
    id = id != nullptr && id->is_object() ? id->as_object().if_contains("sts:ExternalId") : nullptr;
    if (id != nullptr && id->is_array() && !id->as_array().empty()) {
      id = &id->as_array().front();
    }
    if (id != nullptr && id->is_string()) {
      return std::string(id->as_string());
    }
  }
  return std::nullopt;
}

class Applier {
 public:
  Applier(Plan plan, ApplyClients clients, const std::function<void(const AppliedStep&)>& on_step)
      : plan_(std::move(plan)), clients_(clients), on_step_(on_step) {}

  Result<ApplyResult> Run() {
    RETURN_IF_ERROR(StepError("bucket", Bucket()));
    RETURN_IF_ERROR(StepError("cors", Cors()));
    RETURN_IF_ERROR(StepError("role", Role()));
    RETURN_IF_ERROR(StepError("policy", Policy()));
    result_.external_id = plan_.external_id;
    return std::move(result_);
  }

 private:
  void Done(std::string name, StepOutcome outcome, std::string detail) {
    result_.steps.push_back(
        {.name = std::move(name), .outcome = outcome, .detail = std::move(detail)});
    if (on_step_) {
      on_step_(result_.steps.back());
    }
  }

  Status Bucket() {
    const std::string detail = "bucket " + plan_.bucket;
    Result<std::string> head = clients_.s3.HeadBucket(plan_.bucket);
    if (head.ok()) {
      Done("bucket", StepOutcome::kUnchanged, detail);
      return Status::Ok();
    }
    if (head.status().code() != Code::kNotFound) {
      return head.status();
    }
    const Status created = clients_.s3.CreateBucket(plan_.bucket, plan_.region);
    if (!created.ok() && created.code() != Code::kAlreadyExists) {
      return created;
    }
    Done("bucket", created.ok() ? StepOutcome::kCreated : StepOutcome::kUnchanged, detail);
    return Status::Ok();
  }

  Status Cors() {
    const std::string wanted = CorsConfigurationXml(plan_.ui_origin);
    const std::string detail = "CORS rule " + CorsRulesJson(plan_.ui_origin);
    Result<std::string> current = clients_.s3.GetBucketCors(plan_.bucket);
    if (!current.ok() && current.status().code() != Code::kNotFound) {
      return current.status();
    }
    if (current.ok() && SameCorsConfiguration(*current, wanted)) {
      Done("cors", StepOutcome::kUnchanged, detail);
      return Status::Ok();
    }
    RETURN_IF_ERROR(clients_.s3.PutBucketCors(plan_.bucket, wanted));
    Done("cors", current.ok() ? StepOutcome::kUpdated : StepOutcome::kCreated, detail);
    return Status::Ok();
  }

  Status Role() {
    const std::string detail = "role " + plan_.role_name + " trusting " + plan_.principal_arn;
    Result<s3::IamRole> role = clients_.iam.GetRole(plan_.role_name);
    if (!role.ok() && role.status().code() != Code::kNotFound) {
      return role.status();
    }
    // A generated id would replace the one the operator already holds on every run.
    if (role.ok() && plan_.external_id_generated) {
      if (std::optional<std::string> id = ExistingExternalId(role->assume_role_policy_document)) {
        plan_.external_id = *std::move(id);
        plan_.external_id_generated = false;
        result_.external_id_reused = true;
      }
    }
    const std::string trust = AppliedTrustPolicy(plan_);
    if (!role.ok()) {
      ASSIGN_OR_RETURN(const s3::IamRole created,
                       clients_.iam.CreateRole(plan_.role_name, trust,
                                               "Bucketflow access to bucket " + plan_.bucket));
      result_.role_arn = created.arn;
      Done("role", StepOutcome::kCreated, detail);
      return Status::Ok();
    }
    result_.role_arn = role->arn;
    if (SamePolicyDocument(role->assume_role_policy_document, trust)) {
      Done("role", StepOutcome::kUnchanged, detail);
      return Status::Ok();
    }
    RETURN_IF_ERROR(clients_.iam.UpdateAssumeRolePolicy(plan_.role_name, trust));
    Done("role", StepOutcome::kUpdated, detail + " (trust policy replaced)");
    return Status::Ok();
  }

  Status Policy() {
    Status managed = ManagedPolicy();
    if (managed.code() != Code::kUnimplemented) {
      return managed;
    }
    return InlinePolicy();
  }

  // kUnimplemented when the endpoint has no managed policies.
  Status ManagedPolicy() {
    const std::string detail =
        "managed policy " + plan_.policy_name + " attached to role " + plan_.role_name;
    ASSIGN_OR_RETURN(const std::vector<s3::AttachedPolicy> attached,
                     clients_.iam.ListAttachedRolePolicies(plan_.role_name));
    for (const s3::AttachedPolicy& policy : attached) {
      if (policy.policy_name == plan_.policy_name) {
        ASSIGN_OR_RETURN(const bool updated, UpdateManagedPolicy(policy.policy_arn));
        Done("policy", updated ? StepOutcome::kUpdated : StepOutcome::kUnchanged, detail);
        return Status::Ok();
      }
    }
    Result<s3::IamPolicy> created =
        clients_.iam.CreatePolicy(plan_.policy_name, AppliedPermissionPolicy(plan_));
    std::string arn;
    if (created.ok()) {
      arn = created->arn;
    } else if (created.status().code() == Code::kAlreadyExists) {
      // Not attached to this role, so not in the listing: its ARN is the role's account's.
      ASSIGN_OR_RETURN(arn, PolicyArnInRoleAccount());
      ASSIGN_OR_RETURN(const bool updated, UpdateManagedPolicy(arn));
      static_cast<void>(updated);
    } else {
      return created.status();
    }
    RETURN_IF_ERROR(clients_.iam.AttachRolePolicy(plan_.role_name, arn));
    Done("policy", created.ok() ? StepOutcome::kCreated : StepOutcome::kUpdated, detail);
    return Status::Ok();
  }

  // Whether the policy's default version had to be replaced.
  Result<bool> UpdateManagedPolicy(const std::string& arn) {
    ASSIGN_OR_RETURN(const s3::IamPolicy policy, clients_.iam.GetPolicy(arn));
    ASSIGN_OR_RETURN(const std::string document,
                     clients_.iam.GetPolicyVersion(arn, policy.default_version_id));
    if (SamePolicyDocument(document, AppliedPermissionPolicy(plan_))) {
      return false;
    }
    RETURN_IF_ERROR(clients_.iam.CreatePolicyVersion(arn, AppliedPermissionPolicy(plan_)));
    return true;
  }

  // arn:PARTITION:iam::ACCOUNT:policy/NAME from arn:PARTITION:iam::ACCOUNT:role/NAME.
  Result<std::string> PolicyArnInRoleAccount() const {
    const size_t role = result_.role_arn.rfind(":role/");
    if (role == std::string::npos) {
      return Status::Internal("cannot derive the policy ARN from role ARN ", result_.role_arn);
    }
    return result_.role_arn.substr(0, role) + ":policy/" + plan_.policy_name;
  }

  Status InlinePolicy() {
    const std::string wanted = AppliedPermissionPolicy(plan_);
    const std::string detail = "inline policy " + plan_.policy_name + " on role " +
                               plan_.role_name + " (the endpoint has no managed policies)";
    Result<std::string> current = clients_.iam.GetRolePolicy(plan_.role_name, plan_.policy_name);
    if (!current.ok() && current.status().code() != Code::kNotFound) {
      return current.status();
    }
    if (current.ok() && SamePolicyDocument(*current, wanted)) {
      Done("policy", StepOutcome::kUnchanged, detail);
      return Status::Ok();
    }
    RETURN_IF_ERROR(clients_.iam.PutRolePolicy(plan_.role_name, plan_.policy_name, wanted));
    Done("policy", current.ok() ? StepOutcome::kUpdated : StepOutcome::kCreated, detail);
    return Status::Ok();
  }

  Plan plan_;
  ApplyClients clients_;
  const std::function<void(const AppliedStep&)>& on_step_;
  ApplyResult result_;
};

}  // namespace

std::string_view StepOutcomeName(StepOutcome outcome) {
  switch (outcome) {
    case StepOutcome::kCreated:
      return "created";
    case StepOutcome::kUpdated:
      return "updated";
    case StepOutcome::kUnchanged:
      return "unchanged";
  }
  return "unchanged";
}

bool ApplyResult::changed() const {
  return std::any_of(steps.begin(), steps.end(), [](const AppliedStep& step) {
    return step.outcome != StepOutcome::kUnchanged;
  });
}

Result<ApplyResult> ApplyPlan(Plan plan, ApplyClients clients,
                              const std::function<void(const AppliedStep&)>& on_step) {
  return Applier(std::move(plan), clients, on_step).Run();
}

bool SamePolicyDocument(std::string_view a, std::string_view b) {
  const std::optional<json::value> parsed_a = ParseJson(a);
  const std::optional<json::value> parsed_b = ParseJson(b);
  if (!parsed_a || !parsed_b) {
    return a == b;
  }
  return Normalized(*parsed_a, false) == Normalized(*parsed_b, false);
}

bool SameCorsConfiguration(std::string_view a, std::string_view b) {
  const auto rules_a = CorsRules(a);
  const auto rules_b = CorsRules(b);
  return rules_a && rules_b && *rules_a == *rules_b;
}

}  // namespace bucketflow::onboarding

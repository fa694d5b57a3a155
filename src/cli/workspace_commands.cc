// `bucketflow workspace create|list|show|delete`. The bucket subcommands are in
// workspace_bucket_command.cc.
#include "cli/workspace_commands.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_output.h"
#include "core/random.h"
#include "onboarding/policies.h"

namespace bucketflow::cli {
namespace {

namespace json = boost::json;

// Counting runs loads them; past this many the refusal just says "more than".
constexpr int64_t kMaxRunsCounted = 10000;
constexpr size_t kExperimentsPerRunSearch = 100;
constexpr size_t kExternalIdBytes = 16;

struct WorkspaceFlags {
  std::string name;
  std::string external_id;
  bool json = false;
  bool yes = false;
};

int RunCreate(const AdminCommandState& state, const WorkspaceFlags& flags) {
  if (Status valid = ValidateWorkspaceName(flags.name); !valid.ok()) {
    return Fail(kExitUsage, valid.message());
  }
  if (!flags.external_id.empty()) {
    if (Status valid = onboarding::ValidateExternalId(flags.external_id); !valid.ok()) {
      return Fail(kExitUsage, "--external-id: " + valid.message());
    }
  }
  return WithDb(state, [&flags](AdminDb& db) {
    const std::string external_id =
        flags.external_id.empty() ? RandomHex(kExternalIdBytes) : flags.external_id;
    Result<store::Workspace> workspace = db.access().CreateWorkspace(flags.name, external_id);
    if (!workspace.ok()) {
      return Fail(kExitFailure, workspace.status().message());
    }
    const std::string detail = json::serialize(json::object{{"external_id", external_id}});
    if (Status audit = db.Audit(workspace->name, "workspace.create", workspace->name, detail);
        !audit.ok()) {
      return AuditFailed(audit);
    }
    std::printf("Created workspace %s (id %lld)\nExternal ID: %s\n", workspace->name.c_str(),
                static_cast<long long>(workspace->id), workspace->external_id.c_str());
    std::printf(
        "Next: give this External ID to the bucket owner: bucketflow bucket plan "
        "--external-id %s --bucket BUCKET --service-account ACCOUNT\n"
        "then register the bucket: bucketflow workspace bucket set %s --bucket BUCKET "
        "--role-arn ARN\n",
        workspace->external_id.c_str(), workspace->name.c_str());
    return 0;
  });
}

int RunList(const AdminCommandState& state, const WorkspaceFlags& flags) {
  return WithDb(state, [&flags](AdminDb& db) {
    Result<std::vector<store::Workspace>> workspaces = db.access().ListWorkspaces();
    if (!workspaces.ok()) {
      return Fail(kExitFailure, workspaces.status().message());
    }
    if (flags.json) {
      json::array out;
      for (const store::Workspace& workspace : *workspaces) {
        out.push_back(WorkspaceJson(workspace));
      }
      PrintJson(json::object{{"workspaces", std::move(out)}});
      return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const store::Workspace& workspace : *workspaces) {
      rows.push_back({workspace.name, std::to_string(workspace.id),
                      FormatTime(workspace.creation_time), BucketLabel(workspace.bucket)});
    }
    PrintTable({"NAME", "ID", "CREATED", "ARTIFACTS"}, rows);
    return 0;
  });
}

void PrintBucket(const store::WorkspaceBucket& bucket) {
  std::printf("Bucket:       %s\n", BucketLabel(bucket).c_str());
  std::printf("Region:       %s\n", bucket.region.c_str());
  std::printf("S3 endpoint:  %s\n",
              bucket.s3_endpoint.empty() ? "(AWS)" : bucket.s3_endpoint.c_str());
  std::printf("STS endpoint: %s\n",
              bucket.sts_endpoint.empty() ? "(AWS)" : bucket.sts_endpoint.c_str());
  std::printf("Addressing:   %s\n", bucket.addressing.c_str());
  std::printf("Role ARN:     %s\n", bucket.role_arn.c_str());
  std::printf("Role's External ID: %s\n", bucket.external_id.c_str());
}

void PrintWorkspace(const store::Workspace& workspace,
                    const std::vector<store::Membership>& members) {
  std::printf("Workspace:    %s\n", workspace.name.c_str());
  std::printf("ID:           %lld\n", static_cast<long long>(workspace.id));
  std::printf("Created:      %s\n", FormatTime(workspace.creation_time).c_str());
  std::printf("External ID:  %s\n", workspace.external_id.c_str());
  std::printf("Default experiment: %s\n", workspace.default_experiment_id.c_str());
  if (workspace.bucket.has_value()) {
    PrintBucket(*workspace.bucket);
  } else {
    std::printf("Bucket:       none (artifacts in the server's local directory)\n");
  }
  if (members.empty()) {
    std::printf("Members:      none\n");
    return;
  }
  std::printf("Members:\n");
  std::vector<std::vector<std::string>> rows;
  for (const store::Membership& member : members) {
    rows.push_back({"  " + member.user_name, std::string(store::RoleName(member.role))});
  }
  PrintTable({"  USER", "ROLE"}, rows);
}

int RunShow(const AdminCommandState& state, const WorkspaceFlags& flags) {
  return WithDb(state, [&flags](AdminDb& db) {
    Result<store::Workspace> workspace = db.access().GetWorkspace(flags.name);
    if (!workspace.ok()) {
      return Fail(kExitFailure, workspace.status().message());
    }
    Result<std::vector<store::Membership>> members =
        db.access().ListWorkspaceMembers(workspace->id);
    if (!members.ok()) {
      return Fail(kExitFailure, members.status().message());
    }
    if (!flags.json) {
      PrintWorkspace(*workspace, *members);
      return 0;
    }
    json::array out;
    for (const store::Membership& member : *members) {
      out.push_back(
          json::object{{"user", member.user_name}, {"role", store::RoleName(member.role)}});
    }
    PrintJson(json::object{{"workspace", WorkspaceJson(*workspace)}, {"members", std::move(out)}});
    return 0;
  });
}

// "3 experiments and 12 runs" (every lifecycle stage), for the refusal without --yes.
Result<std::string> DescribeContents(store::Store& store, int64_t workspace_id) {
  std::vector<std::string> experiment_ids;
  store::ExperimentSearch search;
  search.workspace_id = workspace_id;
  search.view_type = model::ViewType::kAll;
  do {
    ASSIGN_OR_RETURN(store::ExperimentPage page, store.SearchExperiments(search));
    for (const model::Experiment& experiment : page.experiments) {
      experiment_ids.push_back(experiment.experiment_id);
    }
    search.page_token = page.next_page_token;
  } while (!search.page_token.empty());
  int64_t runs = 0;
  for (size_t start = 0; start < experiment_ids.size() && runs <= kMaxRunsCounted;
       start += kExperimentsPerRunSearch) {
    const size_t end = std::min(experiment_ids.size(), start + kExperimentsPerRunSearch);
    store::RunSearch run_search;
    run_search.experiment_ids.assign(experiment_ids.begin() + static_cast<std::ptrdiff_t>(start),
                                     experiment_ids.begin() + static_cast<std::ptrdiff_t>(end));
    run_search.view_type = model::ViewType::kAll;
    do {
      ASSIGN_OR_RETURN(store::RunPage page, store.SearchRuns(run_search));
      runs += static_cast<int64_t>(page.runs.size());
      run_search.page_token = page.next_page_token;
    } while (!run_search.page_token.empty() && runs <= kMaxRunsCounted);
  }
  const std::string run_text = runs > kMaxRunsCounted
                                   ? "more than " + std::to_string(kMaxRunsCounted) + " runs"
                                   : std::to_string(runs) + (runs == 1 ? " run" : " runs");
  return std::to_string(experiment_ids.size()) +
         (experiment_ids.size() == 1 ? " experiment and " : " experiments and ") + run_text;
}

int RunDelete(const AdminCommandState& state, const WorkspaceFlags& flags) {
  return WithDb(state, [&flags](AdminDb& db) {
    Result<store::Workspace> workspace = db.access().GetWorkspace(flags.name);
    if (!workspace.ok()) {
      return Fail(kExitFailure, workspace.status().message());
    }
    if (workspace->id == store::kDefaultWorkspaceId) {
      return Fail(kExitFailure, "the default workspace cannot be deleted");
    }
    Result<std::string> contents = DescribeContents(db.store(), workspace->id);
    const std::string what =
        (contents.ok() ? "its " + *contents + ", its" : "its experiments, runs,") +
        " members and tokens; artifacts in its bucket are left";
    if (!flags.yes) {
      return Fail(kExitFailure, "not deleting workspace '" + workspace->name +
                                    "' without --yes: it would delete " + what);
    }
    if (Status deleted = db.access().DeleteWorkspace(workspace->id); !deleted.ok()) {
      return Fail(kExitFailure, deleted.message());
    }
    const std::string detail =
        contents.ok() ? json::serialize(json::object{{"deleted", *contents}}) : "";
    if (Status audit = db.Audit(workspace->name, "workspace.delete", workspace->name, detail);
        !audit.ok()) {
      return AuditFailed(audit);
    }
    std::printf("Deleted workspace %s with %s\n", workspace->name.c_str(), what.c_str());
    return 0;
  });
}

}  // namespace

CLI::App* AddWorkspaceCommands(CLI::App& app, AdminCommandState& state) {
  CLI::App* group = app.add_subcommand("workspace", "Create, inspect and delete workspaces");
  group->set_help_flag("--help", "Print this help and exit");
  group->require_subcommand(1);
  // Shared by the callbacks below, which CLI11 keeps as long as the App.
  auto flags = std::make_shared<WorkspaceFlags>();

  CLI::App* create = AddAdminCommand(*group, "create", "Create a workspace", state);
  create->add_option("name", flags->name, "Workspace name")->required();
  create->add_option("--external-id", flags->external_id,
                     "The External ID its bucket's role will require (default: a new random one)");
  create->callback([&state, flags] { state.exit_code = RunCreate(state, *flags); });

  CLI::App* list = AddAdminCommand(*group, "list", "List workspaces", state);
  list->add_flag("--json", flags->json, "Print JSON");
  list->callback([&state, flags] { state.exit_code = RunList(state, *flags); });

  CLI::App* show =
      AddAdminCommand(*group, "show", "Show a workspace, its bucket and members", state);
  show->add_option("name", flags->name, "Workspace name")->required();
  show->add_flag("--json", flags->json, "Print JSON");
  show->callback([&state, flags] { state.exit_code = RunShow(state, *flags); });

  CLI::App* remove = AddAdminCommand(
      *group, "delete", "Delete a workspace with its experiments, runs, members and tokens", state);
  remove->add_option("name", flags->name, "Workspace name")->required();
  remove->add_flag("--yes", flags->yes, "Really delete");
  remove->callback([&state, flags] { state.exit_code = RunDelete(state, *flags); });

  AddWorkspaceBucketCommands(*group, state);
  return group;
}

}  // namespace bucketflow::cli

#pragma once

#include <string>

// MLflow-style generated run names ("adjective-animal-NNN"), for runs created without a name.
namespace bucketflow::api {

std::string GenerateRunName();

}  // namespace bucketflow::api

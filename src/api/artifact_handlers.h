#pragma once

#include "api/services.h"
#include "http/message.h"
#include "http/router.h"

// Artifact endpoints: the proxied artifact service (/api/2.0/mlflow-artifacts/...), the
// tracking service's artifacts/list, and the UI's /get-artifact. Only these touch
// Services::artifacts. Every path is normalised and confined before it reaches the repository.
namespace bucketflow::api {

// GET  /mlflow/artifacts/list?run_id=&path=  (tracking service; run-relative paths + root_uri)
http::Response ListRunArtifacts(http::Request& request, Services& services);
// GET  /get-artifact?run_id=&path=  (attachment download for the UI)
http::Response GetRunArtifact(http::Request& request, Services& services);

// Proxied artifact service; request.path_suffix is the artifact path after ".../artifacts/".
// GET  /mlflow-artifacts/artifacts?path=    (list; basenames)
http::Response ListProxiedArtifacts(http::Request& request, Services& services);
// GET  /mlflow-artifacts/artifacts/<path>   (download)
http::Response DownloadProxiedArtifact(http::Request& request, Services& services);
// PUT  /mlflow-artifacts/artifacts/<path>   (streamed upload)
http::StreamStart UploadProxiedArtifact(http::Request& request, Services& services);
// DELETE /mlflow-artifacts/artifacts/<path>
http::Response DeleteProxiedArtifact(http::Request& request, Services& services);
// POST /mlflow-artifacts/mpu/{create,complete,abort}/<path>
http::Response CreateMultipartUpload(http::Request& request, Services& services);
http::Response CompleteMultipartUpload(http::Request& request, Services& services);
http::Response AbortMultipartUpload(http::Request& request, Services& services);
// GET  /{api,ajax-api}/2.0/bucketflow/artifacts/download-url?run_id=&path=  (UI)
// S3 store: {"url": <presigned GET>, "source": "bucket", "expires_at": <epoch ms>};
// local store: {"url": "/get-artifact?path=...&run_uuid=...", "source": "server"}.
// Missing run or file -> 404; missing, hostile or directory path -> 400.
http::Response GetArtifactDownloadUrl(http::Request& request, Services& services);
// POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=&path=  (UI; body <= 10 MB)
http::StreamStart UploadRunArtifact(http::Request& request, Services& services);

}  // namespace bucketflow::api

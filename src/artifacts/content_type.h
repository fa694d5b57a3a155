#pragma once

#include <string>
#include <string_view>

// How an artifact is labelled when it is downloaded, as MLflow's server labels it.
namespace bucketflow::artifacts {

// "text/plain" for MLflow's text-like names (.txt .log .json .yaml .csv ..., and the
// extension-less MLmodel / MLproject), a small table of common types (image/png, text/html,
// application/pdf ...), else "application/octet-stream". `filename` is a base name.
std::string_view ContentTypeFor(std::string_view filename);

// "attachment; filename=<name>", quoted when the name is not an HTTP token (as Werkzeug does for
// /get-artifact; MLflow's proxied download leaves a name with spaces unquoted, which RFC 6266
// does not allow, so both endpoints quote). A non-ASCII name also gets an RFC 5987
// filename*=UTF-8''... form.
std::string AttachmentDisposition(std::string_view filename);

}  // namespace bucketflow::artifacts

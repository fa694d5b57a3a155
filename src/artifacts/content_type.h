#pragma once

#include <string>
#include <string_view>

// How an artifact is labelled when it is downloaded, as MLflow's server labels it.
namespace bucketflow::artifacts {

// "text/plain" for MLflow's text-like names (.txt .log .json .yaml .csv ..., and the
// extension-less MLmodel / MLproject), a small table of common types (image/png, text/html,
// application/pdf ...), else "application/octet-stream". `filename` is a base name.
std::string_view ContentTypeFor(std::string_view filename);

// MLflow builds this header two ways: the proxied download writes "attachment; filename=<name>"
// verbatim, /get-artifact lets Werkzeug quote it.
enum class DispositionStyle { kVerbatim, kWerkzeug };

// "attachment; filename=<name>". kWerkzeug quotes a name that is not an HTTP token; both styles
// give a non-ASCII name an RFC 5987 filename*=UTF-8''... form, and kVerbatim falls back to
// quoting when the name holds '"', ';' or '\\', which would otherwise change the header's meaning.
std::string AttachmentDisposition(std::string_view filename, DispositionStyle style);

}  // namespace bucketflow::artifacts

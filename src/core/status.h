#pragma once

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace bucketflow {

// The closed set of error kinds. api/errors.cc is the only place that maps them to MLflow
// error codes and HTTP statuses. kUnimplemented exists because MLflow answers 501
// NOT_IMPLEMENTED for some operations (e.g. multipart upload on a local store).
enum class Code {
  kOk,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kFailedPrecondition,
  kUnavailable,
  kResourceExhausted,  // too many requests (MLflow REQUEST_LIMIT_EXCEEDED, 429)
  kUnimplemented,
  kInternal,
};

std::string_view CodeName(Code code);

// An error value: a code plus a human-readable message. Cheap to copy when ok.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  template <typename... Args>
  static Status InvalidArgument(const Args&... args) {
    return Make(Code::kInvalidArgument, args...);
  }
  template <typename... Args>
  static Status NotFound(const Args&... args) {
    return Make(Code::kNotFound, args...);
  }
  template <typename... Args>
  static Status AlreadyExists(const Args&... args) {
    return Make(Code::kAlreadyExists, args...);
  }
  template <typename... Args>
  static Status PermissionDenied(const Args&... args) {
    return Make(Code::kPermissionDenied, args...);
  }
  template <typename... Args>
  static Status Unauthenticated(const Args&... args) {
    return Make(Code::kUnauthenticated, args...);
  }
  template <typename... Args>
  static Status FailedPrecondition(const Args&... args) {
    return Make(Code::kFailedPrecondition, args...);
  }
  template <typename... Args>
  static Status Unavailable(const Args&... args) {
    return Make(Code::kUnavailable, args...);
  }
  template <typename... Args>
  static Status ResourceExhausted(const Args&... args) {
    return Make(Code::kResourceExhausted, args...);
  }
  template <typename... Args>
  static Status Unimplemented(const Args&... args) {
    return Make(Code::kUnimplemented, args...);
  }
  template <typename... Args>
  static Status Internal(const Args&... args) {
    return Make(Code::kInternal, args...);
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "NotFound: run abc" — for logs and CLI output.
  std::string ToString() const;

 private:
  template <typename... Args>
  static Status Make(Code code, const Args&... args) {
    std::ostringstream out;
    (out << ... << args);
    return Status(code, out.str());
  }

  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : value_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(value_).ok()) {
      value_ = Status::Internal("Result constructed from an ok Status");
    }
  }

  bool ok() const { return std::holds_alternative<T>(value_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(value_);
  }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> value_;
};

namespace internal {
inline Status AsStatus(Status s) { return s; }
template <typename T>
Status AsStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace bucketflow

#define BF_CONCAT_INNER(a, b) a##b
#define BF_CONCAT(a, b) BF_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                                   \
  do {                                                          \
    auto bf_status_ = ::bucketflow::internal::AsStatus((expr)); \
    if (!bf_status_.ok()) return bf_status_;                    \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(BF_CONCAT(bf_result_, __LINE__), lhs, expr)

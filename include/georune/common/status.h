// Status and Result<T>: the channel for failures of input and environment.
//
// A Status is either OK or carries a code and a message that is ready to show a user
// (it already names the file and line, or the query column, and a hint). A Status made from a
// Diagnostic (Diagnostic::ToStatus) also keeps it, so that an edge can render its parts (the
// server's JSON {error, where, hint}, the CLI's flags for its settings). Result<T> holds a value
// or a non-OK Status. Both are cheap to move and copy; neither throws.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <variant>

#include "georune/common/assert.h"

namespace georune {

struct Diagnostic;  // georune/common/diagnostic.h

enum class StatusCode {
  kOk = 0,
  kInvalidInput,  // a user mistake in a file, a query or an option (exit status 2)
  kNotFound,      // a named file, archive or record does not exist (exit status 1)
  kIoError,       // the operating system refused a read or write (exit status 1)
  kCorrupt,       // a stored file fails its magic, version or checksum (exit status 1)
  kTooComplex,    // an evaluation budget was exhausted (exit status 1)
  kUnavailable,   // an outside service (LLM endpoint) is down or answered badly (exit status 1)
  kInternal,      // an invariant broke; a bug, reported rather than crashed on (exit status 1)
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  // message() is `diagnostic.Format()`; diagnostic() keeps its parts (common/diagnostic.cpp).
  Status(StatusCode code, Diagnostic diagnostic);

  static Status Ok() { return {}; }
  static Status InvalidInput(std::string m) { return {StatusCode::kInvalidInput, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Corrupt(std::string m) { return {StatusCode::kCorrupt, std::move(m)}; }
  static Status TooComplex(std::string m) { return {StatusCode::kTooComplex, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The diagnostic this failure was made from, or null when it is a message only.
  const Diagnostic* diagnostic() const { return diagnostic_.get(); }
  // The same failure with `prefix` before its message ("image P0001: "), its diagnostic kept.
  Status Prefixed(const std::string& prefix) const;
  // Process exit status for this failure: 0 OK, 2 user mistake, 1 otherwise.
  int ExitCode() const { return ok() ? 0 : code_ == StatusCode::kInvalidInput ? 2 : 1; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::shared_ptr<const Diagnostic> diagnostic_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    GEORUNE_ASSERT(!std::get<Status>(data_).ok(), "a Result cannot hold an OK status without a value");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace georune

// Propagate a non-OK Status from an expression returning Status.
#define GEORUNE_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::georune::Status georune_status_ = (expr);        \
    if (!georune_status_.ok()) return georune_status_; \
  } while (0)

#define GEORUNE_CONCAT_INNER(a, b) a##b
#define GEORUNE_CONCAT(a, b) GEORUNE_CONCAT_INNER(a, b)
// GEORUNE_ASSIGN_OR_RETURN(auto x, ResultExpr()): bind the value or return the Status (lhs declares).
#define GEORUNE_ASSIGN_OR_RETURN(lhs, expr)                                                                       \
  auto GEORUNE_CONCAT(georune_result_, __LINE__) = (expr);                                                        \
  if (!GEORUNE_CONCAT(georune_result_, __LINE__).ok()) return GEORUNE_CONCAT(georune_result_, __LINE__).status(); \
  lhs = std::move(GEORUNE_CONCAT(georune_result_, __LINE__)).value()  // NOLINT(bugprone-macro-parentheses)

// Status → Python exception: every engine failure reaches Python as a georune.UserError (a user
// mistake, exit status 2 in the CLI; also a ValueError) or a georune.EnvError (environment:
// missing or damaged files, budgets, services; exit status 1), carrying the located diagnostic
// as its message and `.code` / `.exit_code` attributes (python/georune/errors.py).
#pragma once

#include <stdexcept>

#include "georune/common/status.h"

namespace georune::py {

// The C++ exception the module's translator turns into the Python one.
class EngineError : public std::runtime_error {
 public:
  explicit EngineError(Status status) : std::runtime_error(status.message()), status_(std::move(status)) {}
  const Status& status() const { return status_; }

 private:
  Status status_;
};

// Throws EngineError for a non-OK status.
inline void ThrowIfError(const Status& s) {
  if (!s.ok()) throw EngineError(s);
}

template <typename T>
T ValueOrThrow(Result<T> r) {
  ThrowIfError(r.status());
  return std::move(r).value();
}

// Installs the pybind11 exception translator (call once per extension module).
void RegisterErrorTranslator();

}  // namespace georune::py

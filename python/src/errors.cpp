#include "errors.h"

#include <pybind11/pybind11.h>

#include "georune/common/diagnostic.h"

namespace georune::py {
namespace {

const char* CodeName(StatusCode c) {
  switch (c) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidInput: return "invalid_input";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kIoError: return "io_error";
    case StatusCode::kCorrupt: return "corrupt";
    case StatusCode::kTooComplex: return "too_complex";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace

void RegisterErrorTranslator() {
  pybind11::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const EngineError& e) {
      namespace py = pybind11;
      py::object errors = py::module_::import("georune.errors");
      py::object cls = errors.attr("error_class")(e.status().ExitCode());
      const ErrorParts parts = PartsOf(e.status());
      py::object exc =
          cls(e.status().message(), CodeName(e.status().code()), e.status().ExitCode(), parts.where, parts.hint);
      PyErr_SetObject(cls.ptr(), exc.ptr());
    }
  });
}

}  // namespace georune::py

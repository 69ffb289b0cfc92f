// The pieces of the georune._core extension module, one file each (core_module.cpp joins them).
#pragma once

#include <memory>

#include <pybind11/pybind11.h>

#include "georune/nl/translator.h"

namespace georune::py {

void BindAnswer(pybind11::module_& m);   // answer_binding.cpp: Answer, merge
void BindArchive(pybind11::module_& m);  // archive_binding.cpp: Archive (info, query, entities)
void BindTools(pybind11::module_& m);    // tools_binding.cpp: ingest, translate, shard

// A translator from a Python spec: None or "builtin" (one cached per thread), "llm", or a dict
// {"kind": "llm", "url", "model", "samples", "temperature", "timeout", "retries", "fallback",
// "structured"}. Returns a borrowed pointer valid on this thread until the next call.
nl::Translator* TranslatorFor(const pybind11::object& spec);

}  // namespace georune::py

// georune._core: the engine for Python (archive, query, ingest, translate, shards). The RS-RAG
// half lives in georune._rag so that `import georune` does not load OpenCV (~75 ms).
#include "bindings.h"
#include "errors.h"

PYBIND11_MODULE(_core, m) {
  m.doc() = "georune engine bindings; use the georune package, not this module";
  georune::py::RegisterErrorTranslator();
  georune::py::BindAnswer(m);
  georune::py::BindArchive(m);
  georune::py::BindTools(m);
}

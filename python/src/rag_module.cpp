// georune._rag: a knowledge base opened once (embedders, WordNet, retriever), asked many times
// through the public RS-RAG API (rag/pipeline.h). Separate from _core because it loads OpenCV.
#include <memory>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "errors.h"
#include "georune/common/wordnet.h"
#include "georune/llm/chat_client.h"
#include "georune/rag/pipeline.h"

namespace georune::py {
namespace {

namespace pb = pybind11;

class PyKnowledgeBase {
 public:
  PyKnowledgeBase(const std::string& path, const rag::EmbedderConfig& embed, bool wordnet) : path_(path) {
    pb::gil_scoped_release release;
    kb_ = std::make_unique<rag::KnowledgeBase>(ValueOrThrow(rag::KnowledgeBase::Load(path)));
    embedders_ = ValueOrThrow(rag::MakeEmbeddersFor(*kb_, embed));
    if (wordnet) wordnet_ = ValueOrThrow(WordNet::Open(WordNet::kDefaultDir));
    retriever_ = std::make_unique<rag::Retriever>(*kb_, *embedders_.text, embedders_.image.get(), wordnet_.get());
  }

  pb::dict Ask(const std::string& question, const std::string& image, const std::string& task,
               const rag::RetrieveOptions& retrieve, size_t context_words, const std::string& llm_url,
               const std::string& llm_model, bool llm_fuse) const {
    if (question.empty() && image.empty())
      throw EngineError(Status::InvalidInput("give a question, an image, or both"));
    rag::AskRequest req;
    req.question = question;
    req.image_path = image;
    req.task = ValueOrThrow(rag::ParseTask(task));
    req.retrieve = retrieve;
    req.context_words = context_words;
    req.llm_fuse = llm_fuse;
    rag::AskResult res;
    {
      pb::gil_scoped_release release;
      std::unique_ptr<llm::HttpChatClient> client;
      if (!llm_url.empty()) {
        llm::ClientConfig cc;
        cc.base_url = llm_url;
        client = ValueOrThrow(llm::HttpChatClient::Create(cc));
        req.generate.model = llm_model;
      } else if (llm_fuse) {
        throw EngineError(Status::InvalidInput("llm_fuse needs llm_url"));
      }
      res = ValueOrThrow(rag::Ask(*kb_, *retriever_, req, client.get()));
    }
    return ResultDict(question, task, res);
  }

  const std::string& path() const { return path_; }

 private:
  // The CLI's `ask --format json` object (rag::AskResultJson) as a Python dict.
  pb::dict ResultDict(const std::string& question, const std::string& task, const rag::AskResult& res) const {
    const std::string text = rag::AskResultJson(*kb_, question, task, res).dump();
    return pb::module_::import("json").attr("loads")(text).cast<pb::dict>();
  }

  std::string path_;
  std::unique_ptr<rag::KnowledgeBase> kb_;
  rag::Embedders embedders_;
  std::unique_ptr<WordNet> wordnet_;
  std::unique_ptr<rag::Retriever> retriever_;
};

rag::EmbedderConfig EmbedConfig(const std::string& clip_text, const std::string& clip_vocab,
                                const std::string& clip_merges, const std::string& clip_image, int clip_image_size) {
  rag::EmbedderConfig c;
  c.clip_text_onnx = clip_text;
  c.clip_vocab = clip_vocab;
  c.clip_merges = clip_merges;
  c.clip_image_onnx = clip_image;
  c.clip_image_size = clip_image_size;
  return c;
}

}  // namespace
}  // namespace georune::py

PYBIND11_MODULE(_rag, m) {
  namespace pb = pybind11;
  using georune::py::PyKnowledgeBase;
  georune::py::RegisterErrorTranslator();
  pb::class_<PyKnowledgeBase>(m, "KnowledgeBase")
      .def(pb::init([](const std::string& path, const std::string& clip_text, const std::string& clip_vocab,
                       const std::string& clip_merges, const std::string& clip_image, int clip_image_size,
                       bool wordnet) {
             return std::make_unique<PyKnowledgeBase>(
                 path, georune::py::EmbedConfig(clip_text, clip_vocab, clip_merges, clip_image, clip_image_size),
                 wordnet);
           }),
           pb::arg("path"), pb::arg("clip_text") = "", pb::arg("clip_vocab") = "", pb::arg("clip_merges") = "",
           pb::arg("clip_image") = "", pb::arg("clip_image_size") = 224, pb::arg("wordnet") = true)
      .def_property_readonly("path", &PyKnowledgeBase::path)
      .def(
          "ask",
          [](const PyKnowledgeBase& kb, const std::string& question, const std::string& image, const std::string& task,
             double alpha, size_t tau, size_t top_k, const std::string& fusion, bool exact, size_t context_words,
             const std::string& llm_url, const std::string& llm_model, bool llm_fuse) {
            georune::rag::RetrieveOptions r;
            r.alpha = alpha;
            r.tau = tau;
            r.top_k = top_k;
            if (fusion != "weighted" && fusion != "rrf")
              throw georune::py::EngineError(georune::Status::InvalidInput("fusion must be weighted or rrf"));
            r.fusion = fusion == "rrf" ? georune::rag::Fusion::kRrf : georune::rag::Fusion::kWeighted;
            r.exact = exact;
            return kb.Ask(question, image, task, r, context_words, llm_url, llm_model, llm_fuse);
          },
          pb::arg("question") = "", pb::kw_only(), pb::arg("image") = "", pb::arg("task") = "vqa",
          pb::arg("alpha") = 0.5, pb::arg("tau") = 20, pb::arg("top_k") = 5, pb::arg("fusion") = "weighted",
          pb::arg("exact") = false, pb::arg("context_words") = 400, pb::arg("llm_url") = "", pb::arg("llm_model") = "",
          pb::arg("llm_fuse") = false);
}

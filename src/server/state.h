// What every handler reads: the configuration, the open archives, the knowledge base, and a
// pool of translators (a Translator is not thread safe). Built once by Server::Create and
// immutable afterwards, except the pool, which locks.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "georune/archive/archive.h"
#include "georune/common/wordnet.h"
#include "georune/nl/translator.h"
#include "georune/rag/pipeline.h"
#include "georune/server/server.h"

namespace georune::server {

struct OpenArchive {
  std::string name;  // the folder's last component
  std::string dir;
  std::unique_ptr<Archive> archive;
  std::unordered_map<std::string_view, uint32_t> by_id;  // image id → index
  uint32_t georeferenced = 0;                            // images with a stored georeference (geo::StoredGeoreference)
};

struct OpenKnowledgeBase {
  std::string dir;
  std::unique_ptr<rag::KnowledgeBase> kb;
  rag::Embedders embedders;
  std::unique_ptr<WordNet> wordnet;
  std::unique_ptr<rag::Retriever> retriever;
};

// Translators lent one per request; built on demand, kept for reuse.
class TranslatorPool {
 public:
  explicit TranslatorPool(nl::TranslatorConfig config) : config_(std::move(config)) {}
  class Lease {
   public:
    Lease(TranslatorPool* pool, std::unique_ptr<nl::Translator> t) : pool_(pool), t_(std::move(t)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (t_) pool_->Return(std::move(t_));
    }
    nl::Translator* get() const { return t_.get(); }

   private:
    TranslatorPool* pool_;
    std::unique_ptr<nl::Translator> t_;
  };
  Result<Lease> Acquire();

 private:
  void Return(std::unique_ptr<nl::Translator> t);
  nl::TranslatorConfig config_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<nl::Translator>> idle_;
};

struct State {
  ServerConfig config;
  std::vector<OpenArchive> archives;
  std::unique_ptr<OpenKnowledgeBase> kb;  // null without --kb
  std::unique_ptr<TranslatorPool> translators;

  // The archive named `name` (the first one when `name` is empty); kNotFound otherwise.
  Result<const OpenArchive*> FindArchive(const std::string& name) const;
  // The image file of an archive's image: absolute as stored, or relative to images_dir (or to
  // the archive's folder). Empty when the archive records none.
  std::string ImageFile(const OpenArchive& a, uint32_t image) const;
};

// Opens everything named in `data`.
Result<std::unique_ptr<State>> OpenState(const ServerConfig& config, const ServerData& data);

}  // namespace georune::server

// Opening the archives and the knowledge base once; the translator pool.
#include "server/state.h"

#include <filesystem>

#include "georune/common/diagnostic.h"
#include "georune/geo/result_features.h"

namespace georune::server {
namespace {

Result<OpenArchive> OpenOne(const std::string& dir) {
  auto opened = Archive::Open(dir);
  if (!opened.ok()) return opened.status();
  OpenArchive a;
  a.dir = dir;
  a.name = std::filesystem::path(dir).lexically_normal().filename().string();
  if (a.name.empty()) a.name = std::filesystem::path(dir).lexically_normal().parent_path().filename().string();
  a.archive = std::move(opened).value();
  a.by_id.reserve(a.archive->ImageCount());
  for (uint32_t i = 0; i < a.archive->ImageCount(); ++i) {
    a.by_id.emplace(a.archive->ImageId(i), i);
    if (geo::StoredGeoreference(*a.archive, i)) ++a.georeferenced;
  }
  return a;
}

Result<std::unique_ptr<OpenKnowledgeBase>> OpenKb(const std::string& dir) {
  auto kb = rag::KnowledgeBase::Load(dir);
  if (!kb.ok()) return kb.status();
  auto out = std::make_unique<OpenKnowledgeBase>();
  out->dir = dir;
  out->kb = std::make_unique<rag::KnowledgeBase>(std::move(kb).value());
  auto embedders = rag::MakeEmbeddersFor(*out->kb, {});
  if (!embedders.ok()) return embedders.status();
  out->embedders = std::move(embedders).value();
  auto wordnet = WordNet::Open(WordNet::DefaultDir());
  if (!wordnet.ok()) return wordnet.status();
  out->wordnet = std::move(wordnet).value();
  out->retriever =
      std::make_unique<rag::Retriever>(*out->kb, *out->embedders.text, out->embedders.image.get(), out->wordnet.get());
  return out;
}

}  // namespace

Result<TranslatorPool::Lease> TranslatorPool::Acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto t = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(t));
    }
  }
  auto built = nl::MakeTranslator(config_);
  if (!built.ok()) return built.status();
  return Lease(this, std::move(built).value());
}

void TranslatorPool::Return(std::unique_ptr<nl::Translator> t) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(t));
}

Result<const OpenArchive*> State::FindArchive(const std::string& name) const {
  if (archives.empty()) {
    return PlainDiagnostic("this server has no archive", "start the server with an archive")
        .With(Setting::kArchive)
        .ToStatus(StatusCode::kNotFound);
  }
  if (name.empty()) return &archives.front();
  for (const auto& a : archives) {
    if (a.name == name) return &a;
  }
  std::string known;
  for (const auto& a : archives) known += (known.empty() ? "" : ", ") + a.name;
  return Status::NotFound("no archive named '" + name + "' (hint: one of " + known + "; see GET /v1/archives)");
}

std::string State::ImageFile(const OpenArchive& a, uint32_t image) const {
  const std::filesystem::path stored(std::string(a.archive->ImagePath(image)));
  if (stored.empty() || stored.is_absolute()) return stored.string();
  return (std::filesystem::path(config.images_dir.empty() ? a.dir : config.images_dir) / stored).string();
}

Result<std::unique_ptr<State>> OpenState(const ServerConfig& config, const ServerData& data) {
  if (data.archives.empty() && data.kb.empty()) {
    return PlainDiagnostic("nothing to serve", "give an archive, a knowledge base, or both")
        .With(Setting::kArchive)
        .With(Setting::kKnowledgeBase)
        .ToStatus();
  }
  auto state = std::make_unique<State>();
  state->config = config;
  for (const auto& dir : data.archives) {
    auto a = OpenOne(dir);
    if (!a.ok()) return a.status();
    for (const auto& other : state->archives) {
      if (other.name == a->name) {
        return Status::InvalidInput("two archives are named '" + a->name + "' (" + other.dir + ", " + dir +
                                    ") (hint: archives are named by their folder; rename one)");
      }
    }
    state->archives.push_back(std::move(a).value());
  }
  if (!data.kb.empty()) {
    auto kb = OpenKb(data.kb);
    if (!kb.ok()) return kb.status();
    state->kb = std::move(kb).value();
  }
  state->translators = std::make_unique<TranslatorPool>(config.translator);
  return state;
}

}  // namespace georune::server

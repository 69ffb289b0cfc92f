// The knowledge base: records, their chunks, a BM25 index over the chunks and the vector store
// (MKVD) with a "text" collection (one vector per chunk, key = chunk number) and an "image"
// collection (one vector per record with an image, key = record number; payload.chunk = the
// record's image_description chunk).
//
// Build() chunks every record (records.h), embeds every chunk with the text embedder and every
// record image with the image embedder (when both an image and an image embedder exist).
// Duplicate record ids are kInvalidInput. An image that cannot be read is reported in
// `warnings` and the record is kept without an image vector.
//
// On disk a knowledge base is a folder (docs/rag.md, "Knowledge base folder"; docs/formats.md,
// "Knowledge base manifest") holding the files of one build, named by its build id:
//   kb-<build>.grkb       magic "GRRAGKB1", u32 version, u64 body length, JSON body (build id,
//                         records, chunks, embedder names), u64 XXH3-64 of everything before it;
//   vectors-<build>.grvs  the VectorStore file (store.h);
//   MANIFEST              magic "GRKBMAN1", the same framing, JSON body: the build id and each
//                         file's name, size and XXH3-64. Renaming it into place is the commit.
// Save() holds the knowledge base's writer lock (store_lock.h), first removes what killed
// writers left (temporary files of dead processes, files of builds no manifest names), writes
// the new build's files, commits the manifest, then removes the previous build's files. A
// crash at any point leaves the old knowledge base or the new one, never a mix. Load() checks
// every file against the manifest (size, checksum, build id), so a file of another build is
// kCorrupt; kNotFound when the folder holds no knowledge base. Readers take no lock: a commit
// between reading the manifest and the files makes Load() read the new version. The BM25 index
// is rebuilt on load.
//
// A loaded KnowledgeBase is immutable and safe to query from several threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "georune/common/status.h"
#include "georune/embed/bm25.h"
#include "georune/embed/embedder.h"
#include "georune/rag/records.h"
#include "georune/vector/store.h"

namespace georune::rag {
namespace kb_store {
struct Manifest;
}

inline constexpr const char* kTextCollection = "text";
inline constexpr const char* kImageCollection = "image";

struct KbSaveOptions {
  double lock_wait_seconds = 0;  // wait this long for another writer of the knowledge base
  // Test seam (null in production): called at "files-written" (the new build's files are
  // durable, the manifest not switched) and at "manifest-switched" (the new manifest is
  // durable, the old build's files not removed). A non-OK status stops the save there, as a
  // crash would (the files written stay, for the next writer's recovery to remove).
  std::function<Status(std::string_view step)> hook;
  // When given, receives what the save had to leave out (a collection saved without its HNSW
  // graph because hnswlib could not build one: loading rebuilds it).
  std::vector<std::string>* warnings = nullptr;
};

struct KbOptions {
  ChunkOptions chunking;
  vector::HnswParams hnsw;
};

class KnowledgeBase {
 public:
  // Embedders are borrowed for the call; `image` may be null (no image vectors).
  static Result<KnowledgeBase> Build(std::vector<Record> records, const embed::TextEmbedder& text,
                                     const embed::ImageEmbedder* image, const KbOptions& options,
                                     std::vector<std::string>* warnings);
  Status Save(const std::string& dir, const KbSaveOptions& options = {}) const;
  static Result<KnowledgeBase> Load(const std::string& dir);

  const std::vector<Record>& records() const { return records_; }
  const std::vector<Chunk>& chunks() const { return chunks_; }
  // Index into records(), or -1 when the id is unknown.
  int RecordIndex(const std::string& id) const;
  const vector::VectorStore& store() const { return store_; }
  const embed::Bm25Index& bm25() const { return *bm25_; }
  const std::string& text_embedder() const { return text_embedder_; }
  const std::string& image_embedder() const { return image_embedder_; }  // "" without images
  size_t image_count() const;

 private:
  void Index();  // builds bm25_ and record_index_ from chunks_
  // Reads the build the manifest names, checking every file against it.
  static Result<KnowledgeBase> LoadVersion(const std::string& dir, const kb_store::Manifest& m);

  std::vector<Record> records_;
  std::vector<Chunk> chunks_;
  vector::VectorStore store_;
  std::unique_ptr<embed::Bm25Index> bm25_;
  std::unordered_map<std::string, int> record_index_;
  std::string text_embedder_;
  std::string image_embedder_;
};

}  // namespace georune::rag

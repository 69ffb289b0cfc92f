// Internal: the knowledge base folder's files -- framing, the manifest, build ids, recovery
// (docs/formats.md, "Knowledge base manifest").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "georune/common/status.h"

namespace georune::rag::kb_store {

inline constexpr char kManifestName[] = "MANIFEST";

// The body of a file framed by coding::Frame (magic, version, length, body, checksum), or
// kCorrupt naming `path` (`what`: "knowledge base", ...).
Result<std::string_view> Unframe(std::string_view data, const char (&magic)[8], uint32_t version,
                                 const std::string& path, const std::string& what);

struct FileEntry {
  std::string file;  // name inside the folder
  uint64_t size = 0;
  uint64_t checksum = 0;  // XXH3-64 of the whole file
};

struct Manifest {
  std::string build_id;  // 16 hex digits
  FileEntry records;     // kb-<build>.grkb: records and chunks
  FileEntry vectors;     // vectors-<build>.grvs
};

// kNotFound when `dir` holds no MANIFEST; kCorrupt when it is damaged.
Result<Manifest> ReadManifest(const std::string& dir);
std::string EncodeManifest(const Manifest& manifest);

// A fresh random build id (16 hex digits).
std::string NewBuildId();
// The entry for a written file: its size and checksum, read back.
Result<FileEntry> Describe(const std::string& dir, const std::string& file);
// Checks a file against its entry (kCorrupt naming the file; kNotFound when it is absent).
Status Verify(const std::string& dir, const FileEntry& entry, std::string_view data);

// Under the writer lock: removes temporary files of dead processes, and the data files of builds
// other than `keep` (and the pre-manifest kb.grkb / vectors.grvs when `keep` is non-empty).
void RemoveOtherBuilds(const std::string& dir, const std::string& keep);

}  // namespace georune::rag::kb_store

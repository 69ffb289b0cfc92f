// CompactArchive: merges every segment into one, then switches the manifest (docs/formats.md,
// "Compaction").
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include "archive/archive_internal.h"
#include "archive/format.h"
#include "georune/archive/archive.h"
#include "georune/common/files.h"
#include "georune/common/progress.h"

namespace georune {
using namespace archive_format;
using namespace archive_internal;

Result<CompactReport> CompactArchive(const std::string& dir, const CompactOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return ReadManifest(dir).status();  // says what is missing
  GEORUNE_ASSIGN_OR_RETURN(WriterLock lock, LockArchive(dir, options.lock_wait_seconds, /*create_dir=*/false));
  return CompactLocked(dir, options);
}

namespace archive_internal {

Result<CompactReport> CompactLocked(const std::string& dir, const CompactOptions& options) {
  auto start = std::chrono::steady_clock::now();
  CompactReport report;
  // 1. Read and verify: the manifest, every segment's index (Open), every entity block.
  GEORUNE_ASSIGN_OR_RETURN(Manifest manifest, ReadManifest(dir));
  RemoveOrphans(dir, &manifest);
  GEORUNE_ASSIGN_OR_RETURN(std::unique_ptr<Archive> archive, Archive::Open(dir));
  report.segments_before = report.segments_after = manifest.segments.size();
  for (const auto& s : manifest.segments) report.bytes_before += s.size;
  report.bytes_after = report.bytes_before;
  report.images = archive->ImageCount();
  report.entities = archive->EntityCount();
  auto finish = [&] {
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
  };
  if (manifest.segments.size() <= 1) return finish();

  // 2. The images in global order, as records (the same the ingest would have built).
  std::vector<ImageRecord> images(archive->ImageCount());
  for (uint32_t i = 0; i < archive->ImageCount(); ++i) {
    GEORUNE_RETURN_IF_ERROR(archive->CheckImage(i));
    images[i] = RecordOf(*archive, i);
  }
  const int class_count = archive->ontology().ClassCount();
  archive.reset();  // unmap the old segments

  std::string segment;
  {
    std::unique_ptr<ProgressBar> bar;
    if (options.show_progress) bar = std::make_unique<ProgressBar>("compact", images.size());
    segment = BuildSegment(images, class_count, bar.get(), options.threads);
  }
  images.clear();
  images.shrink_to_fit();

  // 3. The merged segment under a fresh name (durable), then the manifest listing only it.
  Manifest merged = manifest;
  const std::string name = FreshSegmentName(dir, merged);
  const std::string seg_path = dir + "/" + name;
  GEORUNE_RETURN_IF_ERROR(WriteFileAtomic(seg_path, segment));
  auto abandon = [&](Status st) {
    ::unlink(seg_path.c_str());
    (void)SyncDirectory(dir);
    return st;
  };
  if (options.hook) {
    Status st = options.hook("segment-written");
    if (!st.ok()) return abandon(st);
  }
  SegmentHeader h;
  std::memcpy(&h, segment.data(), sizeof h);
  merged.segments.clear();
  merged.segments.push_back({name, segment.size(), h.index_checksum, h.image_count, h.entity_count});
  merged.next_segment++;
  if (h.image_count != report.images || h.entity_count != report.entities)
    return abandon(Status::Internal("compaction changed the image or entity count"));
  Status st = WriteFileAtomic(ManifestPath(dir), EncodeManifest(merged));
  if (!st.ok()) {
    // The rename may have happened (only the folder sync failed): then the new segment is in
    // use and must stay. Otherwise the old manifest stands and the new segment goes.
    Result<Manifest> now = ReadManifest(dir);
    if (!now.ok() || now->segments.size() != 1 || now->segments[0].file != name) return abandon(st);
    return st;
  }

  // 4. The new manifest is durable: the old files are no longer read; remove them.
  if (options.hook) GEORUNE_RETURN_IF_ERROR(options.hook("manifest-switched"));
  for (const auto& s : manifest.segments) ::unlink((dir + "/" + s.file).c_str());
  (void)SyncDirectory(dir);  // a failure here leaves unlisted files, never a damaged archive
  report.segments_after = 1;
  report.bytes_after = segment.size();
  return finish();
}

}  // namespace archive_internal
}  // namespace georune

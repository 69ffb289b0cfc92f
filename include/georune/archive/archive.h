// The on-disk archive: images and their entities, a per-class index, versioned and checksummed.
//
// Layout and format: docs/formats.md ("Archive"). An archive folder holds a manifest and
// immutable data files; every ingest writes new files and then replaces the manifest
// atomically, so a failed or interrupted ingest leaves the archive exactly as it was.
//
// Writers (AppendToArchive, CompactArchive) hold the archive's writer lock (store_lock.h) from
// reading the manifest to replacing it, so concurrent writers never lose each other's data; a
// second writer waits `lock_wait_seconds`, then fails with kUnavailable naming the holder. Under
// the lock a writer first removes what killed writers left (temporary files of dead processes,
// unlisted segments). Readers take no lock: Open sees the version of one manifest, complete,
// and retries when a commit removed a segment its manifest listed.
//
// Reading: Archive::Open maps the files read-only; it verifies magic numbers, versions and the
// checksums of the manifest and of every data file's header and index, and refuses a damaged
// archive with kCorrupt. Entity columns are read straight from the map, in small checksummed
// blocks that CheckImage() verifies lazily, so that opening costs milliseconds at any size and a
// query verifies only the blocks of the images it reads; VerifyAll() checks everything.
//
// Indices: images are numbered 0..ImageCount()-1 in ingest order. Entities of an image are
// numbered 0..n-1 in source order (their id in results). An opened Archive is immutable and
// safe to read from many threads.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <roaring/roaring.hh>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "georune/archive/records.h"
#include "georune/common/status.h"
#include "georune/ontology/ontology.h"

// CRoaring before 0.3 (Debian 12 ships 0.2.66) declares its C++ class as ::Roaring; later
// versions (which also ship roaring/memory.h) as roaring::Roaring. This alias lets both spell
// it roaring::Roaring.
#if !__has_include(<roaring/memory.h>)
namespace roaring {
using Roaring = ::Roaring;
}
#endif

namespace georune {

// The entities of one image, as parallel columns (pointers into the archive's map).
struct EntitySpan {
  uint32_t count = 0;
  const uint16_t* class_id = nullptr;  // ontology class id of each entity
  const float* score = nullptr;        // confidence in (0, 1]
  const uint8_t* difficult = nullptr;  // 0 or 1
  const double* corners = nullptr;     // 8 doubles per entity: x1,y1,…,x4,y4 (of a polygon
                                       // entity: its minimum rotated rectangle)
  // Polygon entities (format version 3): entity i's WKB is polygon_bytes[polygon_offsets[i] ..
  // polygon_offsets[i+1]), empty for a box. Both null when no entity of the block is a polygon.
  const uint64_t* polygon_offsets = nullptr;
  const uint8_t* polygon_bytes = nullptr;

  Corners CornersOf(uint32_t i) const {
    Corners c;
    for (int k = 0; k < 8; ++k) c[k] = corners[8 * i + k];
    return c;
  }
  // The entity's polygon as WKB (PolygonShape::FromWkb reads it); empty for a box.
  std::span<const uint8_t> PolygonWkb(uint32_t i) const {
    if (!polygon_offsets) return {};
    return {polygon_bytes + polygon_offsets[i], polygon_bytes + polygon_offsets[i + 1]};
  }
};

// An image's georeference as stored (see ImageRecord): views into the archive's map.
struct Georeference {
  bool has_geotransform = false;
  std::array<double, 6> geotransform{};  // GDAL order; meaningful when has_geotransform
  std::string_view crs_wkt;              // empty when unknown

  // Map coordinates (CRS units) of pixel position (col, row); requires has_geotransform.
  std::array<double, 2> PixelToMap(double col, double row) const {
    const auto& g = geotransform;
    return {g[0] + col * g[1] + row * g[2], g[3] + col * g[4] + row * g[5]};
  }
};

struct ArchiveStats {
  uint64_t images = 0;
  uint64_t entities = 0;
  uint64_t bytes_on_disk = 0;
  std::vector<uint64_t> entities_per_class;  // by ontology class id
  std::vector<uint64_t> images_per_class;    // images holding at least one entity of the class
  uint32_t format_version = 0;               // on-disk format version of the oldest segment (docs/formats.md)
  uint64_t segments = 0;                     // immutable segment files
};

class Archive {
 public:
  // Opens an existing archive; kNotFound if `dir` holds none, kCorrupt if a file is damaged.
  static Result<std::unique_ptr<Archive>> Open(const std::string& dir);
  virtual ~Archive() = default;

  virtual const Ontology& ontology() const = 0;
  virtual uint32_t ImageCount() const = 0;
  virtual uint64_t EntityCount() const = 0;

  // Per-image accessors. Precondition: image < ImageCount() (not checked: out of range is
  // undefined behaviour), except CheckImage, which returns kInternal, and CountInImage, which
  // returns 0. Views (string_view, EntitySpan, Georeference::crs_wkt) point into the archive's
  // map and live as long as the Archive. Entities(image) additionally requires that
  // CheckImage(image) returned OK: before that its columns may be damaged bytes.
  virtual std::string_view ImageId(uint32_t image) const = 0;
  virtual double Gsd(uint32_t image) const = 0;  // NaN when unknown
  virtual int32_t Width(uint32_t image) const = 0;
  virtual int32_t Height(uint32_t image) const = 0;
  virtual std::string_view ImagePath(uint32_t image) const = 0;
  virtual int32_t BandCount(uint32_t image) const = 0;  // 0 when unknown (archives before v2)
  // The image's geotransform and CRS as ingested from its file (none for label-only images
  // and archives before format version 2). The gsd of a projected CRS is in Gsd().
  virtual Georeference GeoreferenceOf(uint32_t image) const = 0;
  virtual EntitySpan Entities(uint32_t image) const = 0;
  // Verifies the checksum of the stored block holding this image's entities, once per block
  // per process (cached, thread safe); kCorrupt if damaged. Call before reading Entities(image).
  // A block holds ~4 KiB of entity columns (format version 4: the image and its neighbours, or
  // the image alone when larger), ~1 MiB in segments of versions 1 to 3.
  virtual Status CheckImage(uint32_t image) const = 0;
  // The whole-archive check: verifies every entity block of every segment (Open has verified
  // the manifest, the headers and the indexes), so that a damaged byte anywhere in the archive
  // is reported, read or not. kCorrupt naming the first damaged block.
  virtual Status VerifyAll() const = 0;

  // Images holding at least one entity of the class; empty bitmap for an absent class or a
  // class_id outside [0, ontology().ClassCount()). Built on first use (thread safe), then
  // cached for the Archive's life.
  virtual const roaring::Roaring& ImagesWithClass(int class_id) const = 0;
  // Entities of the class in the image (any confidence); 0 for an image or class out of range.
  virtual uint32_t CountInImage(uint32_t image, int class_id) const = 0;
  // Every class of the image with its entity count (any confidence), by class id ascending;
  // read from the index, without the entity block.
  struct ClassCount {
    int class_id;
    uint32_t count;
  };
  virtual void ClassCountsOf(uint32_t image, std::vector<ClassCount>* out) const = 0;
  // A lower bound of the confidence of every entity of the image, from the index (1 for an
  // image without entities); 0 when the archive does not record it (segments written before
  // the block's minimum score was kept).
  virtual float MinConfidence(uint32_t image) const = 0;

  virtual ArchiveStats Stats() const = 0;
};

struct IngestOptions {
  bool show_progress = true;
  int threads = 0;               // threads that build the segment's entity blocks; 0 = all cores. The bytes
                                 // written do not depend on it.
  uint32_t max_segments = 0;     // after the append, compact (CompactArchive) when the archive has
                                 // more segments than this; 0 = never
  double lock_wait_seconds = 0;  // wait this long for another writer of the archive
};

struct IngestReport {
  uint64_t images_added = 0;
  uint64_t entities_added = 0;
  double seconds = 0;
  bool compacted = false;        // max_segments was exceeded and the archive was compacted
  std::string compaction_error;  // non-empty when that compaction failed: the ingest itself is
                                 // committed and the archive holds it (in several segments)
};

// Adds images to the archive at `dir`, creating it (with `ontology`) if it does not exist.
// All or nothing: on any error the archive is left byte-for-byte as it was. Fails with
// kInvalidInput if an image id is already in the archive or appears twice in `images`, or if
// `ontology` differs from the archive's own.
Result<IngestReport> AppendToArchive(const std::string& dir, const Ontology& ontology, std::vector<ImageRecord> images,
                                     const IngestOptions& options = {});

struct CompactOptions {
  int threads = 0;             // threads that build the merged segment; 0 = all cores
  bool show_progress = false;  // a progress bar on standard error
  // Test seam (null in production): called at "segment-written" (the merged segment is durable,
  // the manifest not yet switched) and at "manifest-switched" (the new manifest is durable, the
  // old segment files not yet removed). A non-OK status stops the compaction there, as a crash
  // would: at the first point the merged segment is removed and the folder is byte-for-byte as
  // before; at the second the archive is the compacted one and the old files stay, unlisted.
  std::function<Status(std::string_view step)> hook;
  double lock_wait_seconds = 0;  // wait this long for another writer of the archive
};

struct CompactReport {
  uint64_t segments_before = 0, segments_after = 0;
  uint64_t images = 0, entities = 0;
  uint64_t bytes_before = 0, bytes_after = 0;  // segment files
  double seconds = 0;
};

// Merges every segment of the archive at `dir` into one (same format, checksummed), keeping the
// images in their global order (image numbers do not change), then switches the manifest to it
// atomically and removes the old segment files once the manifest is durable. A crash at any
// point leaves a valid archive, the old or the new. Every entity block is verified first: a
// damaged archive (kCorrupt) or any failure before the switch leaves the folder byte-for-byte
// as it was. An archive with zero or one segment is left as it is (segments_after =
// segments_before). Holds every entity in memory while it runs (about 100 bytes per entity).
// Holds the writer lock throughout, like an ingest.
Result<CompactReport> CompactArchive(const std::string& dir, const CompactOptions& options = {});

}  // namespace georune

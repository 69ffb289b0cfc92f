// Internal: the archive's on-disk layout (docs/formats.md, "Archive"). All integers are
// little-endian; every section starts on an 8-byte boundary. Headers are sealed and checked
// with common/coding.h (HasMagic, SealHeader, HeaderIntact).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace georune::archive_format {

static_assert(std::endian::native == std::endian::little, "the archive format is little-endian");

inline constexpr char kManifestName[] = "MANIFEST";
inline constexpr char kManifestMagic[8] = {'G', 'R', 'U', 'N', 'E', 'M', 'A', 'N'};
inline constexpr uint32_t kManifestVersion = 1;
inline constexpr char kSegmentMagic[8] = {'G', 'R', 'U', 'N', 'E', 'S', 'E', 'G'};
// 2 added kImageMeta, 3 polygon entities, 4 small blocks (below); 1 to 3 are read, 4 is written.
inline constexpr uint32_t kSegmentVersion = 4;
// Entity columns per block. Version 4 blocks hold ~4 KiB (a few images; one larger image gets
// its own block), so that reading an image verifies and touches about one page of entities;
// versions 1 to 3 were written with ~1 MiB blocks, verified whole on first use (still read).
inline constexpr uint64_t kTargetBlockBytes = 4096;

// MANIFEST: ManifestHeader, then `body_size` bytes of JSON (ontology + segment list).
struct ManifestHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_size;  // sizeof(ManifestHeader)
  uint64_t body_size;
  uint64_t body_checksum;    // XXH3-64 of the body
  uint64_t header_checksum;  // XXH3-64 of the preceding 32 bytes
};
static_assert(sizeof(ManifestHeader) == 40);

enum Section : int {
  kImages = 0,     // ImageRow[image_count]
  kBlocks,         // BlockRow[block_count]
  kPairOffsets,    // uint64_t[image_count + 1]: CSR offsets into kPairs
  kPairs,          // ClassPair[...]: per image, (class, count) sorted by class
  kClassTotals,    // uint64_t[2 * class_count]: entities per class, then images per class
  kBitmapOffsets,  // uint64_t[class_count + 1]: offsets into kBitmaps
  kBitmaps,        // portable roaring bitmaps (segment-local image numbers), one per class
  kStrings,        // image ids and paths (and, since version 2, CRS WKT texts)
  kImageMeta,      // ImageMetaRow[image_count] (since version 2)
  kSectionCount
};
inline constexpr int kSectionCountV1 = kImageMeta;  // version 1 segments have no kImageMeta

// Segment file: SegmentHeader, entity blocks, then the index (sections above) up to the end.
struct SegmentHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_size;  // sizeof(SegmentHeader)
  uint64_t image_count;
  uint64_t entity_count;
  uint64_t block_count;
  uint32_t class_count;
  uint32_t reserved;
  uint64_t index_offset;                   // the index runs from here to the end of the file
  uint64_t index_checksum;                 // XXH3-64 of the index
  uint64_t section_offset[kSectionCount];  // absolute file offsets
  uint64_t section_size[kSectionCount];    // bytes
  uint64_t header_checksum;                // XXH3-64 of every preceding header byte
};

// A version 1 segment's header: the same fields with kSectionCountV1 sections.
struct SegmentHeaderV1 {
  char magic[8];
  uint32_t version;
  uint32_t header_size;
  uint64_t image_count;
  uint64_t entity_count;
  uint64_t block_count;
  uint32_t class_count;
  uint32_t reserved;
  uint64_t index_offset;
  uint64_t index_checksum;
  uint64_t section_offset[kSectionCountV1];
  uint64_t section_size[kSectionCountV1];
  uint64_t header_checksum;
};
static_assert(sizeof(SegmentHeaderV1) == 200);
static_assert(sizeof(SegmentHeader) == 216);

struct ImageRow {
  uint32_t block;         // block holding its entities
  uint32_t first;         // index of its first entity within the block
  uint32_t count;         // entities
  int32_t width, height;  // pixels, 0 = unknown
  uint32_t id_len;
  uint64_t id_off;  // into kStrings
  uint64_t path_off;
  uint32_t path_len;
  uint32_t reserved;
  double gsd;  // NaN = unknown
};
static_assert(sizeof(ImageRow) == 56);

// Image file metadata (version 2): band count and georeference; the CRS WKT is in kStrings
// (one copy per distinct text in a segment).
struct ImageMetaRow {
  int32_t bands;   // 0 = unknown
  uint32_t flags;  // bit 0: geotransform present
  double geotransform[6];
  uint64_t crs_off;  // into kStrings
  uint32_t crs_len;  // 0 = no CRS
  uint32_t reserved;
};
static_assert(sizeof(ImageMetaRow) == 72);
inline constexpr uint32_t kHasGeotransform = 1;

// A block holds the entities of whole images as columns:
//   corners double[8m] | class_id uint16[m] | score float[m] | difficult uint8[m]
// each column padded to 8 bytes (m = entity_count). A block larger than these columns (version 3:
// HasPolygonPart) then holds  polygon_offsets uint64[m+1] | polygon bytes (padded): entity i's polygon is the
// WKB in bytes [offsets[i], offsets[i+1]) of the polygon bytes, empty for a box.
struct BlockRow {
  uint64_t offset;  // absolute file offset
  uint64_t size;
  uint32_t entity_count;
  float min_score;    // the lowest entity score in the block; 0 = not recorded (written before
                      // 2026-12; readers then know nothing of the scores without the block)
  uint64_t checksum;  // XXH3-64 of the block's bytes
};
static_assert(sizeof(BlockRow) == 32);

struct ClassPair {
  uint16_t class_id;
  uint16_t reserved;
  uint32_t count;
};
static_assert(sizeof(ClassPair) == 8);

inline constexpr uint64_t Align8(uint64_t x) { return (x + 7) & ~uint64_t{7}; }

struct BlockLayout {
  uint64_t corners = 0, class_id = 0, score = 0, difficult = 0, size = 0;
};
inline BlockLayout LayoutOf(uint64_t m) {
  BlockLayout l;
  l.corners = 0;
  l.class_id = Align8(64 * m);
  l.score = l.class_id + Align8(2 * m);
  l.difficult = l.score + Align8(4 * m);
  l.size = l.difficult + Align8(m);
  return l;
}

// The polygon part of a block (HasPolygonPart): offsets, then `bytes` WKB bytes.
struct PolygonLayout {
  uint64_t offsets = 0, bytes = 0, size = 0;
};
inline PolygonLayout PolygonLayoutOf(uint64_t m, uint64_t bytes) {
  PolygonLayout l;
  l.offsets = LayoutOf(m).size;
  l.bytes = l.offsets + 8 * (m + 1);
  l.size = l.bytes + Align8(bytes);
  return l;
}

// Whether a block carries a polygon part: it is larger than its box columns. Opening a segment
// refuses such a block before version 3 (and a polygon part smaller than its offsets).
inline bool HasPolygonPart(const BlockRow& b) { return b.size != LayoutOf(b.entity_count).size; }

}  // namespace georune::archive_format

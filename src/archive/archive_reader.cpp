// Archive::Open and the memory-mapped reader.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <memory>
#include <mutex>

#include "archive/archive_internal.h"
#include "archive/format.h"
#include "georune/archive/archive.h"
#include "georune/common/coding.h"
#include "georune/common/polygon.h"

namespace georune {
namespace {
using namespace archive_format;
using namespace archive_internal;

Status SegmentDamaged(const std::string& path, const std::string& what) {
  return Status::Corrupt(path + ": damaged archive segment: " + what +
                         "\n  hint: the archive cannot be read; restore it from a backup or "
                         "re-ingest the source files into a new archive");
}

struct Segment {
  std::string path;
  MappedFile map;
  SegmentHeader header{};
  const ImageRow* images = nullptr;
  const BlockRow* blocks = nullptr;
  const uint64_t* pair_offsets = nullptr;
  const ClassPair* pairs = nullptr;
  const uint64_t* class_totals = nullptr;
  const uint64_t* bitmap_offsets = nullptr;
  const char* bitmaps = nullptr;
  const char* strings = nullptr;
  uint64_t strings_size = 0;
  const ImageMetaRow* meta = nullptr;  // null for version 1
  uint32_t first_image = 0;            // global number of its first image
  uint32_t first_block = 0;            // global number of its first block

  const char* base() const { return map.data(); }
};

// Verifies the header (version 1 or 2, already known to fit in `size` for version 1) and
// brings a version 1 header into the current layout (no kImageMeta section).
Status ReadHeader(Segment& seg, uint64_t size) {
  SegmentHeader& h = seg.header;
  if (h.version == 1) {
    SegmentHeaderV1 v1;
    std::memcpy(&v1, seg.base(), sizeof v1);
    if (!coding::HeaderIntact(v1)) return SegmentDamaged(seg.path, "header checksum mismatch");
    if (v1.header_size != sizeof v1) return SegmentDamaged(seg.path, "bad header");
    for (int s = 0; s < kSectionCountV1; ++s) {
      h.section_offset[s] = v1.section_offset[s];
      h.section_size[s] = v1.section_size[s];
    }
    h.section_offset[kImageMeta] = h.section_size[kImageMeta] = 0;
    h.header_checksum = v1.header_checksum;
    return Status::Ok();
  }
  if (size < sizeof(SegmentHeader)) return SegmentDamaged(seg.path, "file is too short");
  std::memcpy(&h, seg.base(), sizeof h);
  if (!coding::HeaderIntact(h)) return SegmentDamaged(seg.path, "header checksum mismatch");
  if (h.header_size != sizeof(SegmentHeader)) return SegmentDamaged(seg.path, "bad header");
  return Status::Ok();
}

// The polygon part of a block whose checksum holds: offsets that start at 0, never decrease
// and stay inside the block, and every polygon readable as a valid polygon (once per block).
bool PolygonsIntact(const char* block, const BlockRow& b) {
  if (!HasPolygonPart(b)) return true;
  const PolygonLayout l = PolygonLayoutOf(b.entity_count, 0);
  const uint64_t* off = reinterpret_cast<const uint64_t*>(block + l.offsets);
  if (off[0] != 0 || off[b.entity_count] > b.size - l.bytes) return false;
  for (uint32_t i = 0; i < b.entity_count; ++i) {
    if (off[i + 1] < off[i]) return false;
    if (off[i + 1] == off[i]) continue;
    const auto* bytes = reinterpret_cast<const uint8_t*>(block + l.bytes);
    if (!PolygonShape::FromWkb({bytes + off[i], bytes + off[i + 1]}).ok()) return false;
  }
  return true;
}

Result<std::unique_ptr<Segment>> OpenSegment(const std::string& dir, const SegmentEntry& entry, uint32_t class_count) {
  auto seg = std::make_unique<Segment>();
  seg->path = dir + "/" + entry.file;
  Result<MappedFile> map = MappedFile::Open(seg->path);
  if (!map.ok()) {
    if (map.status().code() == StatusCode::kNotFound)
      return SegmentDamaged(seg->path, "file listed in the manifest is missing");
    return map.status();
  }
  seg->map = std::move(*map);
  const uint64_t size = seg->map.size();
  const std::string& p = seg->path;
  if (size != entry.size)
    return SegmentDamaged(
        p, "size " + std::to_string(size) + " differs from the manifest's " + std::to_string(entry.size));
  if (size < sizeof(SegmentHeaderV1)) return SegmentDamaged(p, "file is too short");
  SegmentHeader& h = seg->header;
  std::memcpy(&h, seg->base(), sizeof(SegmentHeaderV1));
  if (!coding::HasMagic(seg->map.view(), kSegmentMagic)) return SegmentDamaged(p, "bad magic number");
  if (h.version > kSegmentVersion)
    return Status::Corrupt(p + ": segment format version " + std::to_string(h.version) +
                           " is newer than this georune supports (" + std::to_string(kSegmentVersion) +
                           ")\n  hint: upgrade georune to read this archive");
  if (h.version == 0) return SegmentDamaged(p, "bad version 0");
  GEORUNE_RETURN_IF_ERROR(ReadHeader(*seg, size));
  const uint64_t header_size = h.version == 1 ? sizeof(SegmentHeaderV1) : sizeof(SegmentHeader);
  if (h.index_offset > size || h.index_offset < header_size) return SegmentDamaged(p, "bad header");
  if (Checksum64(seg->base() + h.index_offset, size - h.index_offset) != h.index_checksum ||
      h.index_checksum != entry.index_checksum)
    return SegmentDamaged(p, "index checksum mismatch");
  if (h.class_count != class_count) return SegmentDamaged(p, "class count differs from the ontology's");
  if (h.image_count != entry.images || h.entity_count != entry.entities)
    return SegmentDamaged(p, "counts differ from the manifest's");
  // Sections lie inside the index, aligned, with the sizes their counts imply.
  const uint64_t expect[kSectionCount] = {h.image_count * sizeof(ImageRow),
                                          h.block_count * sizeof(BlockRow),
                                          (h.image_count + 1) * 8,
                                          0,
                                          2 * uint64_t{class_count} * 8,
                                          (uint64_t{class_count} + 1) * 8,
                                          0,
                                          0,
                                          h.image_count * sizeof(ImageMetaRow)};
  const int sections = h.version == 1 ? kSectionCountV1 : kSectionCount;
  for (int s = 0; s < sections; ++s) {
    uint64_t off = h.section_offset[s], sz = h.section_size[s];
    if (off < h.index_offset || off > size || sz > size - off || off % 8 != 0 || (expect[s] != 0 && sz != expect[s]) ||
        (s == kPairs && sz % sizeof(ClassPair) != 0))
      return SegmentDamaged(p, "bad index section " + std::to_string(s));
  }
  if (h.image_count > UINT32_MAX || h.block_count > UINT32_MAX) return SegmentDamaged(p, "too many images");
  auto at = [&](int s) { return seg->base() + h.section_offset[s]; };
  seg->images = reinterpret_cast<const ImageRow*>(at(kImages));
  seg->blocks = reinterpret_cast<const BlockRow*>(at(kBlocks));
  seg->pair_offsets = reinterpret_cast<const uint64_t*>(at(kPairOffsets));
  seg->pairs = reinterpret_cast<const ClassPair*>(at(kPairs));
  seg->class_totals = reinterpret_cast<const uint64_t*>(at(kClassTotals));
  seg->bitmap_offsets = reinterpret_cast<const uint64_t*>(at(kBitmapOffsets));
  seg->bitmaps = at(kBitmaps);
  seg->strings = at(kStrings);
  seg->strings_size = h.section_size[kStrings];
  if (h.version >= 2) seg->meta = reinterpret_cast<const ImageMetaRow*>(at(kImageMeta));
  // Structural checks: every reference stays inside the file (cheap, linear in images).
  // The blocks tile the bytes between the header and the index, so that the header, the
  // index and the block checksums together cover every byte of the file.
  uint64_t entities = 0, end_of_blocks = header_size;
  for (uint64_t b = 0; b < h.block_count; ++b) {
    const BlockRow& r = seg->blocks[b];
    const bool polygons = HasPolygonPart(r);
    if (r.offset != end_of_blocks || r.offset % 8 != 0 || r.offset > h.index_offset ||
        r.size > h.index_offset - r.offset || (polygons && h.version < 3) || r.size % 8 != 0 ||
        (polygons ? r.size < PolygonLayoutOf(r.entity_count, 0).size : r.size != LayoutOf(r.entity_count).size))
      return SegmentDamaged(p, "bad block table");
    entities += r.entity_count;
    end_of_blocks = r.offset + r.size;
  }
  if (entities != h.entity_count || end_of_blocks != h.index_offset)
    return SegmentDamaged(p, "block table does not add up");
  const uint64_t pair_count = h.section_size[kPairs] / sizeof(ClassPair);
  if (seg->pair_offsets[0] != 0 || seg->pair_offsets[h.image_count] != pair_count)
    return SegmentDamaged(p, "bad class index");
  for (uint64_t i = 0; i < h.image_count; ++i) {
    const ImageRow& r = seg->images[i];
    if (r.block >= h.block_count || r.first > seg->blocks[r.block].entity_count ||
        r.count > seg->blocks[r.block].entity_count - r.first || r.id_off > seg->strings_size ||
        r.id_len > seg->strings_size - r.id_off || r.path_off > seg->strings_size ||
        r.path_len > seg->strings_size - r.path_off || seg->pair_offsets[i] > seg->pair_offsets[i + 1])
      return SegmentDamaged(p, "bad image table");
    if (seg->meta &&
        (seg->meta[i].crs_off > seg->strings_size || seg->meta[i].crs_len > seg->strings_size - seg->meta[i].crs_off))
      return SegmentDamaged(p, "bad image metadata table");
  }
  for (uint64_t k = 0; k < pair_count; ++k)
    if (seg->pairs[k].class_id >= class_count) return SegmentDamaged(p, "bad class index");
  if (seg->bitmap_offsets[0] != 0 || seg->bitmap_offsets[class_count] != h.section_size[kBitmaps])
    return SegmentDamaged(p, "bad bitmap table");
  for (uint32_t c = 0; c < class_count; ++c) {
    const uint64_t lo = seg->bitmap_offsets[c], hi = seg->bitmap_offsets[c + 1];
    if (lo > hi) return SegmentDamaged(p, "bad bitmap table");
    // Each bitmap must decode to exactly its bytes, so ImagesWithClass cannot fail later.
    if (hi > lo && roaring_bitmap_portable_deserialize_size(seg->bitmaps + lo, hi - lo) != hi - lo)
      return SegmentDamaged(p, "the image bitmap of class " + std::to_string(c) + " is malformed");
  }
  return seg;
}

class ArchiveImpl final : public Archive {
 public:
  ArchiveImpl(std::string dir, Ontology ontology) : dir_(std::move(dir)), ontology_(std::move(ontology)) {}

  Status Load(const Manifest& m) {
    uint64_t images = 0, blocks = 0;
    for (const auto& e : m.segments) {
      GEORUNE_ASSIGN_OR_RETURN(auto seg, OpenSegment(dir_, e, static_cast<uint32_t>(ontology_.ClassCount())));
      if (images + seg->header.image_count > UINT32_MAX) return Status::Corrupt(dir_ + ": more than 4 billion images");
      seg->first_image = static_cast<uint32_t>(images);
      seg->first_block = static_cast<uint32_t>(blocks);
      images += seg->header.image_count;
      blocks += seg->header.block_count;
      entities_ += seg->header.entity_count;
      bytes_ += seg->map.size();
      segment_starts_.push_back(seg->first_image);
      segments_.push_back(std::move(seg));
    }
    image_count_ = static_cast<uint32_t>(images);
    block_state_ = std::make_unique<std::atomic<uint8_t>[]>(blocks);
    for (uint64_t b = 0; b < blocks; ++b) block_state_[b].store(0, std::memory_order_relaxed);
    bitmaps_.resize(ontology_.ClassCount());
    bitmap_once_ = std::make_unique<std::once_flag[]>(ontology_.ClassCount());
    return Status::Ok();
  }

  void AddBytes(uint64_t n) { bytes_ += n; }

  const Ontology& ontology() const override { return ontology_; }
  uint32_t ImageCount() const override { return image_count_; }
  uint64_t EntityCount() const override { return entities_; }

  std::string_view ImageId(uint32_t image) const override {
    auto [seg, row] = Locate(image);
    return {seg->strings + row->id_off, row->id_len};
  }
  double Gsd(uint32_t image) const override { return Locate(image).second->gsd; }
  int32_t Width(uint32_t image) const override { return Locate(image).second->width; }
  int32_t Height(uint32_t image) const override { return Locate(image).second->height; }
  std::string_view ImagePath(uint32_t image) const override {
    auto [seg, row] = Locate(image);
    return {seg->strings + row->path_off, row->path_len};
  }
  int32_t BandCount(uint32_t image) const override {
    auto [seg, row] = Locate(image);
    return seg->meta ? seg->meta[image - seg->first_image].bands : 0;
  }
  Georeference GeoreferenceOf(uint32_t image) const override {
    auto [seg, row] = Locate(image);
    Georeference g;
    if (!seg->meta) return g;
    const ImageMetaRow& m = seg->meta[image - seg->first_image];
    g.has_geotransform = (m.flags & kHasGeotransform) != 0;
    if (g.has_geotransform) std::copy(m.geotransform, m.geotransform + 6, g.geotransform.begin());
    g.crs_wkt = {seg->strings + m.crs_off, m.crs_len};
    return g;
  }
  EntitySpan Entities(uint32_t image) const override {
    auto [seg, row] = Locate(image);
    const BlockRow& b = seg->blocks[row->block];
    BlockLayout l = LayoutOf(b.entity_count);
    const char* base = seg->base() + b.offset;
    EntitySpan s;
    s.count = row->count;
    s.corners = reinterpret_cast<const double*>(base + l.corners) + 8 * uint64_t{row->first};
    s.class_id = reinterpret_cast<const uint16_t*>(base + l.class_id) + row->first;
    s.score = reinterpret_cast<const float*>(base + l.score) + row->first;
    s.difficult = reinterpret_cast<const uint8_t*>(base + l.difficult) + row->first;
    if (HasPolygonPart(b)) {
      const PolygonLayout pl = PolygonLayoutOf(b.entity_count, 0);
      s.polygon_offsets = reinterpret_cast<const uint64_t*>(base + pl.offsets) + row->first;
      s.polygon_bytes = reinterpret_cast<const uint8_t*>(base + pl.bytes);
    }
    return s;
  }
  Status CheckImage(uint32_t image) const override {
    if (image >= image_count_) return Status::Internal("image number out of range");
    auto [seg, row] = Locate(image);
    if (BlockIntact(*seg, row->block)) return Status::Ok();
    return SegmentDamaged(seg->path, "checksum mismatch in the entity block " + std::to_string(row->block) +
                                         " (image '" + std::string(ImageId(image)) + "')");
  }

  Status VerifyAll() const override {
    for (const auto& seg : segments_) {
      for (uint32_t b = 0; b < seg->header.block_count; ++b) {
        if (!BlockIntact(*seg, b))
          return SegmentDamaged(seg->path, "checksum mismatch in the entity block " + std::to_string(b));
      }
    }
    return Status::Ok();
  }

  const roaring::Roaring& ImagesWithClass(int class_id) const override {
    static const roaring::Roaring kEmpty;
    if (class_id < 0 || class_id >= ontology_.ClassCount()) return kEmpty;
    std::call_once(bitmap_once_[class_id], [&] {
      roaring::Roaring& out = bitmaps_[class_id];
      std::vector<uint32_t> values;
      for (const auto& seg : segments_) {
        uint64_t lo = seg->bitmap_offsets[class_id], hi = seg->bitmap_offsets[class_id + 1];
        if (hi == lo) continue;
        // Checked at Open (OpenSegment), so this throws only for want of memory.
        roaring::Roaring local = roaring::Roaring::readSafe(seg->bitmaps + lo, hi - lo);
        if (seg->first_image == 0 && segments_.size() == 1) {
          out = std::move(local);
          break;
        }
        values.resize(local.cardinality());
        local.toUint32Array(values.data());
        for (auto& v : values) v += seg->first_image;
        out.addMany(values.size(), values.data());
      }
      out.runOptimize();
    });
    return bitmaps_[class_id];
  }

  float MinConfidence(uint32_t image) const override {
    if (image >= image_count_) return 0;
    auto [seg, row] = Locate(image);
    if (row->count == 0) return 1;  // no entity: every one of them is above any threshold
    const float m = seg->blocks[row->block].min_score;
    return m > 0 && m <= 1 ? m : 0;
  }

  void ClassCountsOf(uint32_t image, std::vector<ClassCount>* out) const override {
    out->clear();
    if (image >= image_count_) return;
    auto [seg, row] = Locate(image);
    uint32_t local = image - seg->first_image;
    for (uint64_t k = seg->pair_offsets[local]; k < seg->pair_offsets[local + 1]; ++k) {
      out->push_back({seg->pairs[k].class_id, seg->pairs[k].count});
    }
  }

  uint32_t CountInImage(uint32_t image, int class_id) const override {
    if (image >= image_count_ || class_id < 0) return 0;
    auto [seg, row] = Locate(image);
    uint32_t local = image - seg->first_image;
    const ClassPair* lo = seg->pairs + seg->pair_offsets[local];
    const ClassPair* hi = seg->pairs + seg->pair_offsets[local + 1];
    for (const ClassPair* p = lo; p < hi; ++p)
      if (p->class_id == class_id) return p->count;
    return 0;
  }

  ArchiveStats Stats() const override {
    ArchiveStats st;
    st.images = image_count_;
    st.entities = entities_;
    st.bytes_on_disk = bytes_;
    st.format_version = kSegmentVersion;  // the oldest segment's version
    for (const auto& seg : segments_) st.format_version = std::min(st.format_version, seg->header.version);
    st.segments = segments_.size();
    size_t c = ontology_.ClassCount();
    st.entities_per_class.assign(c, 0);
    st.images_per_class.assign(c, 0);
    for (const auto& seg : segments_)
      for (size_t k = 0; k < c; ++k) {
        st.entities_per_class[k] += seg->class_totals[k];
        st.images_per_class[k] += seg->class_totals[c + k];
      }
    return st;
  }

  size_t SegmentCount() const { return segments_.size(); }

 private:
  // Whether block `b` of `seg` matches its checksum (and its polygons are valid), verified once
  // per process (thread safe).
  bool BlockIntact(const Segment& seg, uint32_t b) const {
    std::atomic<uint8_t>& state = block_state_[seg.first_block + b];
    uint8_t s = state.load(std::memory_order_acquire);
    if (s == 0) {
      const BlockRow& row = seg.blocks[b];
      const char* bytes = seg.base() + row.offset;
      s = Checksum64(bytes, row.size) == row.checksum && PolygonsIntact(bytes, row) ? 1 : 2;
      state.store(s, std::memory_order_release);
    }
    return s == 1;
  }

  std::pair<const Segment*, const ImageRow*> Locate(uint32_t image) const {
    size_t s = 0;
    if (segments_.size() > 1)
      s = static_cast<size_t>(std::upper_bound(segment_starts_.begin(), segment_starts_.end(), image) -
                              segment_starts_.begin()) -
          1;
    const Segment* seg = segments_[s].get();
    return {seg, seg->images + (image - seg->first_image)};
  }

  std::string dir_;
  Ontology ontology_;
  std::vector<std::unique_ptr<Segment>> segments_;
  std::vector<uint32_t> segment_starts_;
  uint32_t image_count_ = 0;
  uint64_t entities_ = 0;
  uint64_t bytes_ = 0;
  std::unique_ptr<std::atomic<uint8_t>[]> block_state_;  // 0 unchecked, 1 good, 2 damaged
  mutable std::vector<roaring::Roaring> bitmaps_;        // built on first use, per class
  std::unique_ptr<std::once_flag[]> bitmap_once_;
};

}  // namespace

namespace {

Result<std::unique_ptr<Archive>> OpenVersion(const std::string& dir, const Manifest& m) {
  Result<Ontology> ontology = Ontology::FromJson(m.ontology_json, ManifestPath(dir));
  if (!ontology.ok())
    return Status::Corrupt(ManifestPath(dir) + ": the stored ontology is invalid: " + ontology.status().message());
  auto impl = std::make_unique<ArchiveImpl>(dir, std::move(*ontology));
  GEORUNE_RETURN_IF_ERROR(impl->Load(m));
  std::error_code ec;
  uint64_t manifest_bytes = std::filesystem::file_size(ManifestPath(dir), ec);
  if (!ec) impl->AddBytes(manifest_bytes);
  return std::unique_ptr<Archive>(std::move(impl));
}

bool SameSegments(const Manifest& a, const Manifest& b) {
  if (a.segments.size() != b.segments.size()) return false;
  for (size_t i = 0; i < a.segments.size(); ++i)
    if (a.segments[i].file != b.segments[i].file || a.segments[i].size != b.segments[i].size) return false;
  return true;
}

}  // namespace

namespace archive_internal {

ImageRecord RecordOf(const Archive& archive, uint32_t i) {
  ImageRecord im;
  im.id = archive.ImageId(i);
  im.width = archive.Width(i);
  im.height = archive.Height(i);
  im.gsd = archive.Gsd(i);
  im.path = archive.ImagePath(i);
  im.bands = archive.BandCount(i);
  const Georeference geo = archive.GeoreferenceOf(i);
  if (geo.has_geotransform) im.geotransform = geo.geotransform;
  im.crs_wkt = geo.crs_wkt;
  const EntitySpan span = archive.Entities(i);
  im.entities.resize(span.count);
  for (uint32_t k = 0; k < span.count; ++k) {
    EntityRecord& e = im.entities[k];
    e.class_id = span.class_id[k];
    e.score = span.score[k];
    e.difficult = span.difficult[k] != 0;
    e.corners = span.CornersOf(k);
    const std::span<const uint8_t> wkb = span.PolygonWkb(k);
    e.polygon.assign(wkb.begin(), wkb.end());
  }
  return im;
}

}  // namespace archive_internal

// A writer may commit between our reading the manifest and opening its segments, and remove a
// segment the old manifest listed (compaction, recovery). Then the manifest has changed: open
// the new version. Mapped segments stay readable after their removal.
Result<std::unique_ptr<Archive>> Archive::Open(const std::string& dir) {
  constexpr int kAttempts = 20;
  for (int attempt = 1;; ++attempt) {
    GEORUNE_ASSIGN_OR_RETURN(Manifest m, ReadManifest(dir));
    Result<std::unique_ptr<Archive>> opened = OpenVersion(dir, m);
    if (opened.ok() || attempt == kAttempts) return opened;
    Result<Manifest> now = ReadManifest(dir);
    if (!now.ok() || SameSegments(m, *now)) return opened;  // damage, not a concurrent commit
  }
}

}  // namespace georune

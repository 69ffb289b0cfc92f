// AppendToArchive: validates, writes one new immutable segment, then replaces the manifest.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "archive/archive_internal.h"
#include "archive/format.h"
#include "georune/archive/archive.h"
#include "georune/common/coding.h"
#include "georune/common/diagnostic.h"
#include "georune/common/parallel.h"
#include "georune/common/polygon.h"
#include "georune/common/progress.h"

namespace georune {
namespace archive_internal {
using namespace archive_format;
namespace fs = std::filesystem;

void Put(std::string& out, const void* p, size_t n) { out.append(static_cast<const char*>(p), n); }
void Pad8(std::string& out) { out.resize(Align8(out.size()), '\0'); }

// The polygon part of a block (HasPolygonPart): offsets, then the WKB of each entity.
void FillPolygons(const std::vector<ImageRecord>& images, std::pair<size_t, size_t> range, const BlockRow& b,
                  char* base) {
  const PolygonLayout l = PolygonLayoutOf(b.entity_count, 0);
  uint64_t k = 0, at = 0;
  for (size_t t = range.first; t < range.second; ++t) {
    for (const auto& e : images[t].entities) {
      std::memcpy(base + l.offsets + 8 * k, &at, 8);
      if (!e.polygon.empty()) std::memcpy(base + l.bytes + at, e.polygon.data(), e.polygon.size());
      at += e.polygon.size();
      ++k;
    }
  }
  std::memcpy(base + l.offsets + 8 * k, &at, 8);
}

// Serialises a segment holding `images` (already validated). The blocks are planned first
// (which images go in which block, at which offset: a function of the entity counts only),
// then filled and checksummed on `threads` threads; the bytes do not depend on `threads`.
std::string BuildSegment(const std::vector<ImageRecord>& images, int class_count, ProgressBar* progress, int threads) {
  uint64_t total_entities = 0;
  for (const auto& im : images) total_entities += im.entities.size();
  std::string out;
  SegmentHeader h{};
  std::memcpy(h.magic, kSegmentMagic, 8);
  h.version = kSegmentVersion;
  h.header_size = sizeof h;
  h.image_count = images.size();
  h.entity_count = total_entities;
  h.class_count = static_cast<uint32_t>(class_count);

  std::vector<ImageRow> rows(images.size());
  std::vector<BlockRow> blocks;
  std::vector<std::pair<size_t, size_t>> block_images;  // images [first, end) of each block
  const uint64_t target = kTargetBlockBytes / 71;       // entities per block (~71 bytes each)
  uint64_t end_of_blocks = sizeof h;
  size_t i = 0;
  while (i < images.size()) {
    // Images [i, j) form the block.
    size_t j = i;
    uint64_t m = 0, polygon_bytes = 0;
    bool polygons = false;
    while (j < images.size() &&
           (m == 0 || (m + images[j].entities.size() <= target && polygon_bytes <= kTargetBlockBytes))) {
      rows[j].block = static_cast<uint32_t>(blocks.size());
      rows[j].first = static_cast<uint32_t>(m);
      rows[j].count = static_cast<uint32_t>(images[j].entities.size());
      m += images[j].entities.size();
      for (const auto& e : images[j].entities) {
        polygon_bytes += e.polygon.size();
        polygons |= !e.polygon.empty();
      }
      ++j;
    }
    BlockRow b{};
    b.offset = end_of_blocks;
    b.size = polygons ? PolygonLayoutOf(m, polygon_bytes).size : LayoutOf(m).size;
    b.entity_count = static_cast<uint32_t>(m);
    end_of_blocks += b.size;
    blocks.push_back(b);
    block_images.emplace_back(i, j);
    i = j;
  }
  out.reserve(end_of_blocks + images.size() * 96 + (1 << 16));
  out.resize(end_of_blocks, '\0');
  ParallelFor(blocks.size(), threads, [&](size_t bi) {
    BlockRow& b = blocks[bi];
    BlockLayout l = LayoutOf(b.entity_count);
    char* base = out.data() + b.offset;
    uint64_t k = 0;
    float min_score = 0;
    for (size_t t = block_images[bi].first; t < block_images[bi].second; ++t) {
      for (const auto& e : images[t].entities) {
        min_score = k == 0 ? e.score : std::min(min_score, e.score);
        std::memcpy(base + l.corners + 64 * k, e.corners.data(), 64);
        uint16_t c = static_cast<uint16_t>(e.class_id);
        std::memcpy(base + l.class_id + 2 * k, &c, 2);
        std::memcpy(base + l.score + 4 * k, &e.score, 4);
        base[l.difficult + k] = e.difficult ? 1 : 0;
        ++k;
      }
    }
    b.min_score = min_score > 0 ? min_score : 0;  // 0 also for NaN: not recorded
    if (HasPolygonPart(b)) FillPolygons(images, block_images[bi], b, base);
    b.checksum = Checksum64(base, b.size);
    if (progress) progress->Advance(block_images[bi].second - block_images[bi].first);
  });

  // Index.
  h.block_count = blocks.size();
  h.index_offset = out.size();
  std::string strings;
  std::vector<uint64_t> pair_offsets{0};
  std::vector<ClassPair> pairs;
  std::vector<uint64_t> totals(2 * class_count, 0);
  std::vector<std::vector<uint32_t>> members(class_count);
  std::vector<uint32_t> counts(class_count, 0);
  std::vector<ImageMetaRow> meta(images.size());
  std::unordered_map<std::string_view, uint64_t> crs_at;  // each distinct CRS text once
  // Every id first, then the paths and CRS texts: listing ids reads a dense run of strings.
  for (size_t t = 0; t < images.size(); ++t) {
    rows[t].id_off = strings.size();
    rows[t].id_len = static_cast<uint32_t>(images[t].id.size());
    strings += images[t].id;
  }
  for (size_t t = 0; t < images.size(); ++t) {
    const ImageRecord& im = images[t];
    ImageRow& r = rows[t];
    r.width = im.width;
    r.height = im.height;
    r.gsd = std::isfinite(im.gsd) ? im.gsd : std::nan("");
    r.path_off = strings.size();
    r.path_len = static_cast<uint32_t>(im.path.size());
    strings += im.path;
    ImageMetaRow& mr = meta[t];
    mr.bands = im.bands;
    if (im.geotransform) {
      mr.flags |= kHasGeotransform;
      std::copy(im.geotransform->begin(), im.geotransform->end(), mr.geotransform);
    }
    if (!im.crs_wkt.empty()) {
      auto [it, fresh] = crs_at.emplace(im.crs_wkt, strings.size());
      if (fresh) strings += im.crs_wkt;
      mr.crs_off = it->second;
      mr.crs_len = static_cast<uint32_t>(im.crs_wkt.size());
    }
    for (const auto& e : im.entities) ++counts[e.class_id];
    for (int c = 0; c < class_count; ++c) {
      if (!counts[c]) continue;
      pairs.push_back({static_cast<uint16_t>(c), 0, counts[c]});
      totals[c] += counts[c];
      totals[class_count + c] += 1;
      members[c].push_back(static_cast<uint32_t>(t));
      counts[c] = 0;
    }
    pair_offsets.push_back(pairs.size());
  }
  std::string bitmaps;
  std::vector<uint64_t> bitmap_offsets{0};
  for (int c = 0; c < class_count; ++c) {
    if (!members[c].empty()) {
      roaring::Roaring r;
      r.addMany(members[c].size(), members[c].data());
      r.runOptimize();
      size_t n = r.getSizeInBytes(true);
      size_t at = bitmaps.size();
      bitmaps.resize(at + n);
      r.write(bitmaps.data() + at, true);
    }
    bitmap_offsets.push_back(bitmaps.size());
  }
  auto section = [&](int s, const void* p, size_t n) {
    Pad8(out);
    h.section_offset[s] = out.size();
    h.section_size[s] = n;
    Put(out, p, n);
  };
  section(kImages, rows.data(), rows.size() * sizeof(ImageRow));
  section(kBlocks, blocks.data(), blocks.size() * sizeof(BlockRow));
  section(kPairOffsets, pair_offsets.data(), pair_offsets.size() * 8);
  section(kPairs, pairs.data(), pairs.size() * sizeof(ClassPair));
  section(kClassTotals, totals.data(), totals.size() * 8);
  section(kBitmapOffsets, bitmap_offsets.data(), bitmap_offsets.size() * 8);
  section(kBitmaps, bitmaps.data(), bitmaps.size());
  section(kStrings, strings.data(), strings.size());
  section(kImageMeta, meta.data(), meta.size() * sizeof(ImageMetaRow));
  Pad8(out);
  h.index_checksum = Checksum64(out.data() + h.index_offset, out.size() - h.index_offset);
  coding::SealHeader(h);
  std::memcpy(out.data(), &h, sizeof h);
  return out;
}

std::string FreshSegmentName(const std::string& dir, Manifest& manifest) {
  std::error_code ec;
  for (;; ++manifest.next_segment) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "seg-%06llu.grs", static_cast<unsigned long long>(manifest.next_segment));
    if (!fs::exists(dir + "/" + buf, ec)) return buf;
  }
}

}  // namespace archive_internal

namespace {
using namespace archive_format;
using namespace archive_internal;
namespace fs = std::filesystem;

Status Validate(const std::vector<ImageRecord>& images, const Ontology& ontology) {
  std::unordered_set<std::string_view> ids;
  ids.reserve(images.size());
  for (const auto& im : images) {
    if (im.id.empty()) return Status::InvalidInput("an image has an empty id");
    if (im.id.size() > (1u << 20)) return Status::InvalidInput("an image id is longer than 1 MiB");
    if (!ids.insert(im.id).second)
      return Status::InvalidInput("image id '" + im.id +
                                  "' appears twice in this ingest\n  hint: image ids must be unique "
                                  "within an archive; rename one of the files");
    if (im.entities.size() >= UINT32_MAX) return Status::InvalidInput("image '" + im.id + "' has too many entities");
    if (im.width < 0 || im.height < 0) return Status::InvalidInput("image '" + im.id + "' has a negative size");
    if (im.bands < 0) return Status::InvalidInput("image '" + im.id + "' has a negative band count");
    if (im.crs_wkt.size() > (1u << 20))
      return Status::InvalidInput("image '" + im.id + "' has a CRS text longer than 1 MiB");
    if (im.geotransform)
      for (double g : *im.geotransform)
        if (!std::isfinite(g))
          return Status::InvalidInput("image '" + im.id + "' has a geotransform that is not finite");
    if (!std::isnan(im.gsd) && !(std::isfinite(im.gsd) && im.gsd > 0))
      return Status::InvalidInput("image '" + im.id + "' has a gsd that is not a positive number");
    const int class_count = ontology.ClassCount();
    for (size_t i = 0; i < im.entities.size(); ++i) {
      const EntityRecord& e = im.entities[i];
      // The message is built only on failure (this loop runs once per entity).
      auto where = [&] { return "image '" + im.id + "', entity " + std::to_string(i) + ": "; };
      if (e.class_id < 0 || e.class_id >= class_count)
        return Status::InvalidInput(where() + "class id " + std::to_string(e.class_id) + " is not in the ontology");
      if (!(e.score > 0 && e.score <= 1)) return Status::InvalidInput(where() + "score outside (0, 1]");
      bool finite = true;
      for (double v : e.corners) finite &= std::isfinite(v);
      if (!finite) return Status::InvalidInput(where() + "a corner is not finite");
      if (!e.polygon.empty()) {
        Result<std::unique_ptr<PolygonShape>> shape = PolygonShape::FromWkb(e.polygon);
        if (!shape.ok()) return Status::InvalidInput(where() + shape.status().message());
      }
    }
  }
  return Status::Ok();
}

bool SameOntology(const std::string& stored_json, const Ontology& ontology) {
  auto a = nlohmann::json::parse(stored_json, nullptr, false);
  auto b = nlohmann::json::parse(ontology.ToJson(), nullptr, false);
  return !a.is_discarded() && a == b;
}

// Opening verifies every segment; then no new id may be in the archive already.
Status CheckNewIds(const std::string& dir, const std::vector<ImageRecord>& images) {
  GEORUNE_ASSIGN_OR_RETURN(std::unique_ptr<Archive> existing, Archive::Open(dir));
  std::unordered_set<std::string_view> ids;
  ids.reserve(existing->ImageCount());
  for (uint32_t i = 0; i < existing->ImageCount(); ++i) ids.insert(existing->ImageId(i));
  for (const auto& im : images)
    if (ids.count(im.id))
      return Status::InvalidInput("image id '" + im.id + "' is already in the archive " + dir +
                                  "\n  hint: image ids must be unique within an archive; nothing "
                                  "was added");
  return Status::Ok();
}

}  // namespace

Result<IngestReport> AppendToArchive(const std::string& dir, const Ontology& ontology, std::vector<ImageRecord> images,
                                     const IngestOptions& options) {
  auto start = std::chrono::steady_clock::now();
  if (ontology.ClassCount() > 65535) return Status::InvalidInput("an ontology may have at most 65535 classes");
  GEORUNE_RETURN_IF_ERROR(Validate(images, ontology));

  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    return FileDiagnostic(dir, 0, "exists and is not a folder", "an archive is a folder")
        .With(Setting::kArchive)
        .ToStatus();
  IngestReport report;
  report.images_added = images.size();
  for (const auto& im : images) report.entities_added += im.entities.size();
  // The segment does not depend on the archive's state: build it before taking the lock.
  std::string segment;
  {
    std::unique_ptr<ProgressBar> bar;
    if (options.show_progress) bar = std::make_unique<ProgressBar>("archive", images.size());
    segment = BuildSegment(images, ontology.ClassCount(), bar.get(), options.threads);
  }

  GEORUNE_ASSIGN_OR_RETURN(WriterLock lock, LockArchive(dir, options.lock_wait_seconds, /*create_dir=*/true));
  // A failure before the commit leaves the folder as it was: removed again when we created it.
  auto fail = [&](Status st) {
    if (lock.created_dir()) fs::remove_all(dir, ec);
    return st;
  };
  Manifest manifest;
  const bool archive_existed = fs::exists(ManifestPath(dir), ec);
  if (archive_existed) {
    Result<Manifest> read = ReadManifest(dir);
    if (!read.ok()) return read.status();
    manifest = std::move(*read);
    RemoveOrphans(dir, &manifest);
    if (!SameOntology(manifest.ontology_json, ontology))
      return FileDiagnostic(dir, 0, "the archive was built with another ontology than '" + ontology.name() + "'",
                            "leave out the ontology to use the archive's own, or ingest into a new archive")
          .With(Setting::kOntology)
          .ToStatus();
    GEORUNE_RETURN_IF_ERROR(CheckNewIds(dir, images));
  } else {
    RemoveOrphans(dir, nullptr);
    manifest.ontology_json = ontology.ToJson();
  }
  if (images.empty() && archive_existed) {
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;  // nothing to add; the archive stays as it was
  }

  // A fresh name: never overwrite a file already there.
  const std::string name = FreshSegmentName(dir, manifest);
  const std::string seg_path = dir + "/" + name;
  Status st = WriteFileAtomic(seg_path, segment);
  if (!st.ok()) return fail(st);
  SegmentHeader h;
  std::memcpy(&h, segment.data(), sizeof h);
  manifest.segments.push_back({name, segment.size(), h.index_checksum, h.image_count, h.entity_count});
  manifest.next_segment++;
  st = WriteFileAtomic(ManifestPath(dir), EncodeManifest(manifest));  // the commit point
  if (!st.ok()) {
    ::unlink(seg_path.c_str());
    return fail(st);
  }
  if (options.max_segments > 0 && manifest.segments.size() > options.max_segments) {
    CompactOptions copt;
    copt.threads = options.threads;
    copt.show_progress = options.show_progress;
    Result<CompactReport> compacted = CompactLocked(dir, copt);
    if (compacted.ok()) {
      report.compacted = true;
    } else {
      report.compaction_error = compacted.status().message();
    }
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace georune

// Archive: round trip, incremental ingest, atomicity, duplicate ids, corruption, class index,
// and the frozen format fixture in tests/archive/data.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "archive/archive_internal.h"
#include "archive/format.h"
#include "georune/archive/archive.h"
#include "georune/common/coding.h"
#include "georune/common/files.h"
#include "test_support.h"

namespace georune {
namespace {

using test_support::TempDir;
namespace fs = std::filesystem;

std::vector<ImageRecord> MakeImages(uint32_t seed, int n, const std::string& prefix, int max_entities = 40) {
  std::mt19937 rng(seed);
  const Ontology& o = Ontology::Default();
  std::vector<ImageRecord> images;
  for (int i = 0; i < n; ++i) {
    ImageRecord im;
    im.id = prefix + std::to_string(i);
    im.width = 1024;
    im.height = 800;
    if (i % 3) im.gsd = 0.1 * (1 + i % 7);
    if (i % 2) im.path = "/img/" + im.id + ".png";
    int m = static_cast<int>(rng() % (max_entities + 1));
    for (int k = 0; k < m; ++k) {
      EntityRecord e;
      e.class_id = static_cast<int>(rng() % o.ClassCount());
      e.score = static_cast<float>((rng() % 1000 + 1) / 1000.0);
      e.difficult = rng() % 4 == 0;
      for (auto& c : e.corners) c = std::uniform_real_distribution<double>(0, 1024)(rng);
      im.entities.push_back(e);
    }
    images.push_back(std::move(im));
  }
  return images;
}

std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    auto data = ReadFile(e.path().string());
    out[e.path().string()] = data.ok() ? *data : "<dir>";
  }
  return out;
}

void ExpectArchiveHolds(const Archive& ar, const std::vector<ImageRecord>& images) {
  ASSERT_EQ(ar.ImageCount(), images.size());
  uint64_t entities = 0;
  for (uint32_t i = 0; i < images.size(); ++i) {
    const ImageRecord& im = images[i];
    ASSERT_TRUE(ar.CheckImage(i).ok());
    EXPECT_EQ(ar.ImageId(i), im.id);
    EXPECT_EQ(ar.ImagePath(i), im.path);
    EXPECT_EQ(ar.Width(i), im.width);
    EXPECT_EQ(std::isnan(ar.Gsd(i)), std::isnan(im.gsd));
    if (!std::isnan(im.gsd)) {
      EXPECT_EQ(ar.Gsd(i), im.gsd);
    }
    EntitySpan s = ar.Entities(i);
    ASSERT_EQ(s.count, im.entities.size());
    std::vector<uint32_t> counts(ar.ontology().ClassCount(), 0);
    for (uint32_t k = 0; k < s.count; ++k) {
      const EntityRecord& e = im.entities[k];
      EXPECT_EQ(s.class_id[k], e.class_id);
      EXPECT_EQ(s.score[k], e.score);
      EXPECT_EQ(s.difficult[k], e.difficult ? 1 : 0);
      EXPECT_EQ(s.CornersOf(k), e.corners);
      ++counts[e.class_id];
    }
    for (int c = 0; c < ar.ontology().ClassCount(); ++c) {
      EXPECT_EQ(ar.CountInImage(i, c), counts[c]);
      EXPECT_EQ(ar.ImagesWithClass(c).contains(i), counts[c] > 0);
    }
    entities += s.count;
  }
  EXPECT_EQ(ar.EntityCount(), entities);
}

TEST(Archive, RoundTripAndStats) {
  TempDir d;
  auto images = MakeImages(1, 500, "a", 60);  // several ~1 MiB blocks
  auto rep = AppendToArchive(d.path() + "/ar", Ontology::Default(), images, {false});
  ASSERT_TRUE(rep.ok()) << rep.status().message();
  EXPECT_EQ(rep->images_added, 500u);
  auto ar = Archive::Open(d.path() + "/ar");
  ASSERT_TRUE(ar.ok()) << ar.status().message();
  ExpectArchiveHolds(**ar, images);
  ArchiveStats st = (*ar)->Stats();
  EXPECT_EQ(st.images, 500u);
  EXPECT_EQ(st.segments, 1u);
  EXPECT_EQ(st.format_version, 4u);
  uint64_t bytes = 0;
  for (auto& e : fs::directory_iterator(d.path() + "/ar")) bytes += e.file_size();
  EXPECT_EQ(st.bytes_on_disk, bytes);
  for (int c = 0; c < (*ar)->ontology().ClassCount(); ++c)
    EXPECT_EQ(st.images_per_class[c], (*ar)->ImagesWithClass(c).cardinality());
  EXPECT_TRUE((*ar)->ImagesWithClass(-1).isEmpty());
  EXPECT_TRUE((*ar)->ImagesWithClass(999).isEmpty());
}

TEST(Archive, IncrementalIngestAddsSegments) {
  TempDir d;
  const std::string dir = d.path() + "/ar";
  auto a = MakeImages(2, 100, "a");
  auto b = MakeImages(3, 50, "b");
  auto c = MakeImages(4, 0, "c");
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), a, {false}).ok());
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), b, {false}).ok());
  auto snap = Snapshot(dir);
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), c, {false}).ok());  // nothing to add
  EXPECT_EQ(Snapshot(dir), snap);
  auto ar = Archive::Open(dir);
  ASSERT_TRUE(ar.ok()) << ar.status().message();
  std::vector<ImageRecord> all = a;
  all.insert(all.end(), b.begin(), b.end());
  ExpectArchiveHolds(**ar, all);
  EXPECT_EQ((*ar)->Stats().segments, 2u);
}

TEST(Archive, FailedIngestLeavesEveryByte) {
  TempDir d;
  const std::string dir = d.path() + "/ar";
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), MakeImages(5, 80, "a"), {false}).ok());
  auto before = Snapshot(dir);
  // Duplicate of an existing id.
  auto dup = MakeImages(6, 10, "b");
  dup[7].id = "a3";
  auto r = AppendToArchive(dir, Ontology::Default(), dup, {false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find("'a3' is already in the archive"), std::string::npos);
  EXPECT_EQ(Snapshot(dir), before);
  // Duplicate within the ingest.
  auto twice = MakeImages(7, 10, "c");
  twice[9].id = twice[2].id;
  EXPECT_FALSE(AppendToArchive(dir, Ontology::Default(), twice, {false}).ok());
  EXPECT_EQ(Snapshot(dir), before);
  // Bad records.
  auto bad = MakeImages(8, 3, "d", 5);
  bad[1].entities.push_back(bad[0].entities.empty() ? EntityRecord{} : bad[0].entities[0]);
  bad[1].entities.back().score = 0;
  EXPECT_FALSE(AppendToArchive(dir, Ontology::Default(), bad, {false}).ok());
  EXPECT_EQ(Snapshot(dir), before);
  // Another ontology.
  auto v10 = Ontology::BuiltIn("dota-v1.0");
  ASSERT_TRUE(v10.ok());
  auto other = AppendToArchive(dir, *v10, MakeImages(9, 3, "e", 0), {false});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(Snapshot(dir), before);
  // A failed first ingest does not create the folder.
  const std::string fresh = d.path() + "/fresh";
  EXPECT_FALSE(AppendToArchive(fresh, Ontology::Default(), twice, {false}).ok());
  EXPECT_FALSE(fs::exists(fresh));
  // An I/O failure while writing: a read-only folder.
  if (::geteuid() != 0) {
    fs::permissions(dir, fs::perms::owner_write, fs::perm_options::remove);
    EXPECT_FALSE(AppendToArchive(dir, Ontology::Default(), MakeImages(10, 5, "f"), {false}).ok());
    fs::permissions(dir, fs::perms::owner_write, fs::perm_options::add);
    EXPECT_EQ(Snapshot(dir), before);
  }
}

// Flips one byte at `offset` of `file`.
void FlipByte(const std::string& file, uint64_t offset) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
}

TEST(Archive, DamageIsDetectedNeverRead) {
  TempDir d;
  const std::string dir = d.path() + "/ar";
  auto images = MakeImages(11, 800, "a", 60);  // ~24k entities: two blocks
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), images, {false}).ok());
  const std::string manifest = dir + "/MANIFEST";
  std::string segment;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".grs") segment = e.path().string();
  ASSERT_FALSE(segment.empty());
  const auto pristine = Snapshot(dir);
  auto restore = [&] {
    for (auto& [p, data] : pristine) ASSERT_TRUE(WriteFileAtomic(p, data).ok());
  };
  // Manifest: every byte position sampled.
  const uint64_t msize = fs::file_size(manifest);
  for (uint64_t off = 0; off < msize; off += std::max<uint64_t>(1, msize / 37)) {
    FlipByte(manifest, off);
    auto ar = Archive::Open(dir);
    ASSERT_FALSE(ar.ok()) << "manifest byte " << off;
    EXPECT_EQ(ar.status().code(), StatusCode::kCorrupt);
    EXPECT_NE(ar.status().message().find("MANIFEST"), std::string::npos) << ar.status().message();
    EXPECT_NE(ar.status().message().find("hint:"), std::string::npos);
    restore();
  }
  // Segment header and index: refused at Open.
  auto ok = Archive::Open(dir);
  ASSERT_TRUE(ok.ok());
  const uint64_t ssize = fs::file_size(segment);
  for (uint64_t off :
       {uint64_t{0}, uint64_t{9}, uint64_t{40}, uint64_t{150}, uint64_t{199}, ssize - 1, ssize - 100, ssize - 5000}) {
    FlipByte(segment, off);
    auto ar = Archive::Open(dir);
    ASSERT_FALSE(ar.ok()) << "segment byte " << off;
    EXPECT_EQ(ar.status().code(), StatusCode::kCorrupt);
    EXPECT_NE(ar.status().message().find(".grs"), std::string::npos) << ar.status().message();
    restore();
  }
  // Truncation.
  fs::resize_file(segment, ssize - 8);
  EXPECT_EQ(Archive::Open(dir).status().code(), StatusCode::kCorrupt);
  restore();
  // An entity block: Open succeeds (lazy), CheckImage refuses exactly the images of that block.
  FlipByte(segment, 1000);  // inside the first block (corners of early entities)
  auto ar = Archive::Open(dir);
  ASSERT_TRUE(ar.ok()) << ar.status().message();
  Status first = (*ar)->CheckImage(0);
  EXPECT_EQ(first.code(), StatusCode::kCorrupt);
  EXPECT_NE(first.message().find("checksum mismatch in the entity block 0"), std::string::npos) << first.message();
  EXPECT_EQ((*ar)->CheckImage(0).code(), StatusCode::kCorrupt);  // cached
  EXPECT_TRUE((*ar)->CheckImage((*ar)->ImageCount() - 1).ok());  // a later block is fine
  // A missing segment file.
  restore();
  fs::remove(segment);
  EXPECT_EQ(Archive::Open(dir).status().code(), StatusCode::kCorrupt);
  restore();
  EXPECT_TRUE(Archive::Open(dir).ok());
  // Not an archive.
  EXPECT_EQ(Archive::Open(d.path() + "/nothing").status().code(), StatusCode::kNotFound);
}

// The header, block table and index of a segment as written (for the tests that damage it).
archive_format::SegmentHeader HeaderOf(const std::string& segment) {
  archive_format::SegmentHeader h{};
  auto data = ReadFile(segment);
  if (data.ok() && data->size() >= sizeof h) std::memcpy(&h, data->data(), sizeof h);
  return h;
}

// The rows of index section `section` (one T per row, `count` rows).
template <typename T>
std::vector<T> SectionRows(const std::string& segment, int section, uint64_t count) {
  const archive_format::SegmentHeader h = HeaderOf(segment);
  auto data = ReadFile(segment);
  std::vector<T> rows(count);
  if (data.ok() && !rows.empty()) std::memcpy(rows.data(), data->data() + h.section_offset[section], count * sizeof(T));
  return rows;
}

std::vector<archive_format::BlockRow> BlocksOf(const std::string& segment) {
  return SectionRows<archive_format::BlockRow>(segment, archive_format::kBlocks, HeaderOf(segment).block_count);
}

std::vector<archive_format::ImageRow> ImageRowsOf(const std::string& segment) {
  return SectionRows<archive_format::ImageRow>(segment, archive_format::kImages, HeaderOf(segment).image_count);
}

std::string OnlySegment(const std::string& dir) {
  std::string segment;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".grs") segment = e.path().string();
  return segment;
}

// Version 4 blocks are small image ranges: a block holds whole images, and either ~4 KiB of
// entity columns or one image with entities alone (images without entities may join it).
TEST(Archive, Version4BlocksAreSmallImageRanges) {
  TempDir d;
  const std::string dir = d.path() + "/ar";
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), MakeImages(31, 400, "a", 120), {false}).ok());
  const std::string segment = OnlySegment(dir);
  EXPECT_EQ(HeaderOf(segment).version, 4u);
  const auto blocks = BlocksOf(segment);
  const auto rows = ImageRowsOf(segment);
  std::vector<int> images_in(blocks.size(), 0);
  for (const auto& r : rows) images_in[r.block] += r.count > 0;
  ASSERT_GT(blocks.size(), 100u);
  for (size_t b = 0; b < blocks.size(); ++b) {
    EXPECT_GE(images_in[b], blocks[b].entity_count > 0 ? 1 : 0) << b;
    if (images_in[b] > 1) {
      EXPECT_LE(blocks[b].size, archive_format::kTargetBlockBytes) << b;
    }
  }
}

// Every byte of a version 4 segment, flipped: Open refuses it (header, block table, index), or
// it lies in an entity block, and then exactly the images of that block are refused by
// CheckImage, every other image still reads, and the whole-archive check (VerifyAll) reports it.
TEST(Archive, EveryDamagedByteOfAVersion4SegmentIsDetected) {
  TempDir d;
  const std::string dir = d.path() + "/ar";
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), MakeImages(32, 9, "a", 70), {false}).ok());
  const std::string segment = OnlySegment(dir);
  const archive_format::SegmentHeader h = HeaderOf(segment);
  const auto blocks = BlocksOf(segment);
  const auto rows = ImageRowsOf(segment);
  ASSERT_GE(blocks.size(), 3u);
  const uint64_t size = fs::file_size(segment);
  uint64_t refused_at_open = 0, refused_by_block = 0;
  for (uint64_t off = 0; off < size; ++off) {
    FlipByte(segment, off);
    auto ar = Archive::Open(dir);
    if (!ar.ok()) {
      EXPECT_EQ(ar.status().code(), StatusCode::kCorrupt) << off;
      ++refused_at_open;
    } else {
      ASSERT_GE(off, sizeof h) << "a header byte passed Open";
      ASSERT_LT(off, h.index_offset) << "an index byte passed Open";
      size_t damaged = 0;
      while (off >= blocks[damaged].offset + blocks[damaged].size) ++damaged;
      for (uint32_t i = 0; i < rows.size(); ++i) {
        const Status st = (*ar)->CheckImage(i);
        EXPECT_EQ(st.ok(), rows[i].block != damaged) << "byte " << off << ", image " << i;
        if (!st.ok()) {
          EXPECT_EQ(st.code(), StatusCode::kCorrupt);
        }
      }
      const Status all = (*ar)->VerifyAll();
      EXPECT_EQ(all.code(), StatusCode::kCorrupt) << off;
      EXPECT_NE(all.message().find("entity block " + std::to_string(damaged)), std::string::npos) << all.message();
      ++refused_by_block;
    }
    FlipByte(segment, off);  // restored
  }
  EXPECT_EQ(refused_at_open + refused_by_block, size);
  EXPECT_EQ(refused_by_block, h.index_offset - sizeof h);  // every entity byte is in a block
  auto ar = Archive::Open(dir);
  ASSERT_TRUE(ar.ok());
  EXPECT_TRUE((*ar)->VerifyAll().ok());
}

// A query reads only its candidates' blocks: damage in an image it does not read goes unseen by
// CheckImage of the others, and is found by the whole-archive check.
TEST(Archive, DamageInAnUnreadImageIsFoundByTheWholeCheck) {
  TempDir d;
  const std::string dir = d.path() + "/ar";
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), MakeImages(33, 300, "a", 30), {false}).ok());
  const std::string segment = OnlySegment(dir);
  const auto blocks = BlocksOf(segment);
  const auto rows = ImageRowsOf(segment);
  const uint32_t victim = 150;
  ASSERT_GT(rows[victim].count, 0u);
  const archive_format::BlockRow& b = blocks[rows[victim].block];
  // The victim's first entity's class id.
  FlipByte(segment, b.offset + archive_format::LayoutOf(b.entity_count).class_id + 2 * rows[victim].first);
  auto ar = Archive::Open(dir);
  ASSERT_TRUE(ar.ok()) << ar.status().message();
  for (uint32_t i = 0; i < rows.size(); ++i) {
    if (rows[i].block != rows[victim].block) {
      EXPECT_TRUE((*ar)->CheckImage(i).ok()) << i;
    }
  }
  const Status st = (*ar)->CheckImage(victim);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_NE(st.message().find("image 'a150'"), std::string::npos) << st.message();
  const Status all = (*ar)->VerifyAll();
  EXPECT_EQ(all.code(), StatusCode::kCorrupt);
  EXPECT_NE(all.message().find("entity block " + std::to_string(rows[victim].block)), std::string::npos)
      << all.message();
  EXPECT_NE(all.message().find("hint:"), std::string::npos);
}

// A class bitmap that does not decode, under valid checksums (a writer bug, or a crafted file):
// refused at Open with its place, never skipped while a query runs.
TEST(Archive, MalformedClassBitmapIsRefusedAtOpen) {
  TempDir d;
  const std::string dir = d.path() + "/ar";
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), MakeImages(13, 20, "a"), {false}).ok());
  auto manifest = archive_internal::ReadManifest(dir);
  ASSERT_TRUE(manifest.ok());
  ASSERT_EQ(manifest->segments.size(), 1u);
  const std::string segment = dir + "/" + manifest->segments[0].file;
  auto data = ReadFile(segment);
  ASSERT_TRUE(data.ok());
  std::string bytes = *data;
  archive_format::SegmentHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  const char* offsets = bytes.data() + h.section_offset[archive_format::kBitmapOffsets];
  uint32_t cls = 0;
  uint64_t lo = 0, hi = 0;
  for (; cls < h.class_count; ++cls) {
    std::memcpy(&lo, offsets + 8 * cls, 8);
    std::memcpy(&hi, offsets + 8 * (cls + 1), 8);
    if (hi > lo) break;
  }
  ASSERT_LT(cls, h.class_count);
  // The bitmap's cookie (its first 4 bytes) made unknown, then every checksum made right again.
  std::memset(bytes.data() + h.section_offset[archive_format::kBitmaps] + lo, 0x7f, 4);
  h.index_checksum = Checksum64(bytes.data() + h.index_offset, bytes.size() - h.index_offset);
  coding::SealHeader(h);
  std::memcpy(bytes.data(), &h, sizeof h);
  ASSERT_TRUE(WriteFileAtomic(segment, bytes).ok());
  manifest->segments[0].index_checksum = h.index_checksum;
  ASSERT_TRUE(WriteFileAtomic(archive_internal::ManifestPath(dir), archive_internal::EncodeManifest(*manifest)).ok());
  auto ar = Archive::Open(dir);
  ASSERT_FALSE(ar.ok());
  EXPECT_EQ(ar.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(ar.status().message().find(segment + ": damaged archive segment: the image bitmap of class " +
                                       std::to_string(cls) + " is malformed"),
            std::string::npos)
      << ar.status().message();
}

TEST(Archive, FutureVersionIsRefusedClearly) {
  TempDir d;
  const std::string dir = d.path() + "/ar";
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), MakeImages(12, 5, "a"), {false}).ok());
  auto data = ReadFile(dir + "/MANIFEST");
  ASSERT_TRUE(data.ok());
  std::string m = *data;
  uint32_t v = 99;
  std::memcpy(m.data() + 8, &v, 4);
  ASSERT_TRUE(WriteFileAtomic(dir + "/MANIFEST", m).ok());
  auto ar = Archive::Open(dir);
  ASSERT_FALSE(ar.ok());
  EXPECT_EQ(ar.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(ar.status().message().find("version 99 is newer than this georune supports"), std::string::npos)
      << ar.status().message();
}

TEST(Archive, CheckImageIsThreadSafe) {
  TempDir d;
  const std::string dir = d.path() + "/ar";
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), MakeImages(13, 400, "a", 80), {false}).ok());
  auto ar = Archive::Open(dir);
  ASSERT_TRUE(ar.ok());
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (uint32_t i = 0; i < (*ar)->ImageCount(); ++i) {
        if (!(*ar)->CheckImage(i).ok()) ++bad;
        (void)(*ar)->ImagesWithClass(static_cast<int>(i % 18)).cardinality();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}

// tests/archive/data/v1: an archive written by format version 1 (2 segments), which must keep
// loading. Regenerate only when adding a new version (keep the old one too).
TEST(Archive, FrozenV1FixtureLoads) {
  const std::string dir = (fs::path(GEORUNE_TEST_DATA_DIR) / "v1").string();
  if (!fs::exists(dir + "/MANIFEST")) {
    if (std::getenv("GEORUNE_WRITE_FIXTURE")) {
      ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), MakeImages(100, 6, "fx", 8), {false}).ok());
      ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), MakeImages(101, 4, "fy", 8), {false}).ok());
    }
    FAIL() << "fixture missing: " << dir;
  }
  auto ar = Archive::Open(dir);
  ASSERT_TRUE(ar.ok()) << ar.status().message();
  std::vector<ImageRecord> expect = MakeImages(100, 6, "fx", 8);
  auto more = MakeImages(101, 4, "fy", 8);
  expect.insert(expect.end(), more.begin(), more.end());
  ExpectArchiveHolds(**ar, expect);
  EXPECT_EQ((*ar)->Stats().format_version, 1u);
}

// Images with file metadata: band counts, geotransforms and CRS texts (two images share one).
std::vector<ImageRecord> MakeGeoImages(uint32_t seed, const std::string& prefix) {
  std::vector<ImageRecord> images = MakeImages(seed, 4, prefix, 5);
  const std::string utm = "PROJCS[\"WGS 84 / UTM zone 33N\",AUTHORITY[\"EPSG\",\"32633\"]]";
  for (size_t i = 0; i < images.size(); ++i) {
    images[i].bands = static_cast<int32_t>(i + 1);
    images[i].path = "/data/" + images[i].id + ".tif";
    if (i != 3) images[i].geotransform = std::array<double, 6>{500000.0 + i, 0.5, 0.0, 4e6, 0.0, -0.5 - i};
    if (i < 2) images[i].crs_wkt = utm;
    if (i == 2) images[i].crs_wkt = "GEOGCS[\"WGS 84\"]";
  }
  return images;
}

void ExpectMetadata(const Archive& ar, uint32_t first, const std::vector<ImageRecord>& images) {
  for (size_t i = 0; i < images.size(); ++i) {
    const uint32_t n = first + static_cast<uint32_t>(i);
    EXPECT_EQ(ar.BandCount(n), images[i].bands);
    EXPECT_EQ(ar.ImagePath(n), images[i].path);
    const Georeference g = ar.GeoreferenceOf(n);
    ASSERT_EQ(g.has_geotransform, images[i].geotransform.has_value()) << i;
    if (g.has_geotransform) {
      EXPECT_EQ(g.geotransform, *images[i].geotransform);
    }
    EXPECT_EQ(g.crs_wkt, images[i].crs_wkt);
  }
}

TEST(Archive, ImageMetadataRoundTripsAndSurvivesCompaction) {
  TempDir d;
  const std::string dir = d.path() + "/ar";
  // A version 1 archive (the frozen fixture), then a version 2 segment appended to it.
  fs::copy(fs::path(GEORUNE_TEST_DATA_DIR) / "v1", dir, fs::copy_options::recursive);
  auto geo = MakeGeoImages(7, "g");
  auto fixture = Archive::Open(dir);  // appends keep the archive's own (older) ontology
  ASSERT_TRUE(fixture.ok()) << fixture.status().message();
  const Ontology ontology = (*fixture)->ontology();
  fixture->reset();
  auto appended = AppendToArchive(dir, ontology, geo, {false});
  ASSERT_TRUE(appended.ok()) << appended.status().message();
  auto ar = Archive::Open(dir);
  ASSERT_TRUE(ar.ok()) << ar.status().message();
  ASSERT_EQ((*ar)->ImageCount(), 14u);
  EXPECT_EQ((*ar)->BandCount(0), 0);  // version 1 images: unknown
  EXPECT_FALSE((*ar)->GeoreferenceOf(0).has_geotransform);
  EXPECT_EQ((*ar)->Stats().format_version, 1u);
  ExpectMetadata(**ar, 10, geo);
  const Georeference g = (*ar)->GeoreferenceOf(11);
  EXPECT_EQ(g.PixelToMap(2, 4), (std::array<double, 2>{500001.0 + 2 * 0.5, 4e6 - 4 * 1.5}));
  ar->reset();
  ASSERT_TRUE(CompactArchive(dir).ok());
  auto compacted = Archive::Open(dir);
  ASSERT_TRUE(compacted.ok()) << compacted.status().message();
  EXPECT_EQ((*compacted)->Stats().format_version, 4u);
  ExpectMetadata(**compacted, 10, geo);
  // A non-finite geotransform is refused.
  auto bad = MakeGeoImages(8, "h");
  (*bad[0].geotransform)[1] = std::nan("");
  EXPECT_EQ(AppendToArchive(dir, Ontology::Default(), bad, {false}).status().code(), StatusCode::kInvalidInput);
}

// tests/archive/data/v2: written by format version 2 (image metadata), which must keep loading.
TEST(Archive, FrozenV2FixtureLoads) {
  const std::string dir = (fs::path(GEORUNE_TEST_DATA_DIR) / "v2").string();
  if (!fs::exists(dir + "/MANIFEST")) {
    if (std::getenv("GEORUNE_WRITE_FIXTURE")) {
      ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), MakeGeoImages(200, "gx"), {false}).ok());
    }
    FAIL() << "fixture missing: " << dir;
  }
  auto ar = Archive::Open(dir);
  ASSERT_TRUE(ar.ok()) << ar.status().message();
  ExpectArchiveHolds(**ar, MakeGeoImages(200, "gx"));
  ExpectMetadata(**ar, 0, MakeGeoImages(200, "gx"));
  EXPECT_EQ((*ar)->Stats().format_version, 2u);
  EXPECT_TRUE((*ar)->VerifyAll().ok());
}

// A version 2 segment's ~1 MiB block is still verified whole: damage in one image's entities
// refuses every image of its block, and the whole-archive check finds it.
TEST(Archive, OldSegmentsKeepWholeBlockVerification) {
  const std::string fixture = (fs::path(GEORUNE_TEST_DATA_DIR) / "v2").string();
  ASSERT_TRUE(fs::exists(fixture + "/MANIFEST"));
  TempDir d;
  const std::string dir = d.path() + "/ar";
  fs::copy(fixture, dir, fs::copy_options::recursive);
  const std::string segment = OnlySegment(dir);
  const auto rows = ImageRowsOf(segment);
  const auto blocks = BlocksOf(segment);
  ASSERT_EQ(HeaderOf(segment).version, 2u);
  const uint32_t last = static_cast<uint32_t>(rows.size() - 1);
  ASSERT_EQ(rows[0].block, rows[last].block);  // one block holds them all
  FlipByte(segment, blocks[rows[last].block].offset + blocks[rows[last].block].size - 1);
  auto ar = Archive::Open(dir);
  ASSERT_TRUE(ar.ok()) << ar.status().message();
  EXPECT_EQ((*ar)->CheckImage(0).code(), StatusCode::kCorrupt);
  EXPECT_EQ((*ar)->VerifyAll().code(), StatusCode::kCorrupt);
}

// --- Compaction -----------------------------------------------------------------------------

std::vector<std::string> SegmentFiles(const std::string& dir) {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".grs") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

void ExpectSameStats(const ArchiveStats& a, const ArchiveStats& b) {
  EXPECT_EQ(a.images, b.images);
  EXPECT_EQ(a.entities, b.entities);
  EXPECT_EQ(a.entities_per_class, b.entities_per_class);
  EXPECT_EQ(a.images_per_class, b.images_per_class);
}

// Twelve small ingests, then one archive built in one ingest of the same images.
struct Incremental {
  std::vector<ImageRecord> all;
  int next = 0;  // batches so far (batch k holds ids pK_…)
  void Build(const std::string& dir, int ingests, const IngestOptions& opt = {false}) {
    for (int end = next + ingests; next < end; ++next) {
      const int k = next;
      auto batch = MakeImages(100 + k, 15 + 7 * k, "p" + std::to_string(k) + "_", k % 4 == 0 ? 3000 : 40);
      all.insert(all.end(), batch.begin(), batch.end());
      auto r = AppendToArchive(dir, Ontology::Default(), batch, opt);
      ASSERT_TRUE(r.ok()) << r.status().message();
      ASSERT_TRUE(r->compaction_error.empty()) << r->compaction_error;
    }
  }
};

TEST(Compaction, ManyIncrementalIngestsMergeIntoOneSegment) {
  TempDir d;
  const std::string dir = d.path() + "/ar";
  Incremental inc;
  inc.Build(dir, 12);
  ArchiveStats before;
  {
    auto ar = Archive::Open(dir);
    ASSERT_TRUE(ar.ok());
    EXPECT_EQ((*ar)->Stats().segments, 12u);
    before = (*ar)->Stats();
  }
  auto rep = CompactArchive(dir);
  ASSERT_TRUE(rep.ok()) << rep.status().message();
  EXPECT_EQ(rep->segments_before, 12u);
  EXPECT_EQ(rep->segments_after, 1u);
  auto ar = Archive::Open(dir);
  ASSERT_TRUE(ar.ok()) << ar.status().message();
  EXPECT_EQ((*ar)->Stats().segments, 1u);
  ExpectArchiveHolds(**ar, inc.all);  // ids in the same global order, gsd, entities, class index
  ExpectSameStats((*ar)->Stats(), before);
  ASSERT_EQ(SegmentFiles(dir).size(), 1u);            // the old files are gone
  EXPECT_EQ(SegmentFiles(dir)[0], "seg-000013.grs");  // a fresh name, never a reused one
  // The merged segment is byte for byte the segment one ingest of all the images writes.
  const std::string one = d.path() + "/one";
  ASSERT_TRUE(AppendToArchive(one, Ontology::Default(), inc.all, {false}).ok());
  EXPECT_TRUE(*ReadFile(dir + "/" + SegmentFiles(dir)[0]) == *ReadFile(one + "/seg-000001.grs"));
  // Compacting again changes nothing; later ingests go on after it.
  auto snap = Snapshot(dir);
  ASSERT_TRUE(CompactArchive(dir).ok());
  EXPECT_EQ(Snapshot(dir), snap);
  auto more = MakeImages(7, 10, "later_");
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), more, {false}).ok());
  inc.all.insert(inc.all.end(), more.begin(), more.end());
  auto ar2 = Archive::Open(dir);
  ASSERT_TRUE(ar2.ok());
  ExpectArchiveHolds(**ar2, inc.all);
  // Duplicate ids are still refused against the compacted segment.
  EXPECT_EQ(AppendToArchive(dir, Ontology::Default(), MakeImages(1, 3, "p3_"), {false}).status().code(),
            StatusCode::kInvalidInput);
}

TEST(Compaction, IngestCompactsPastMaxSegments) {
  TempDir d;
  const std::string dir = d.path() + "/ar";
  IngestOptions opt{false};
  opt.max_segments = 3;
  Incremental inc;
  for (int k = 0; k < 9; ++k) {
    inc.Build(dir, 1, opt);
    auto ar = Archive::Open(dir);
    ASSERT_TRUE(ar.ok());
    EXPECT_LE((*ar)->Stats().segments, 3u) << "after ingest " << k;
    EXPECT_EQ(SegmentFiles(dir).size(), (*ar)->Stats().segments);
  }
  auto ar = Archive::Open(dir);
  ASSERT_TRUE(ar.ok());
  ExpectArchiveHolds(**ar, inc.all);
  EXPECT_EQ((*ar)->Stats().segments, 3u);  // 9 ingests: compacted after the 4th and the 7th
}

TEST(Compaction, FailureBeforeTheSwitchLeavesEveryByte) {
  TempDir d;
  const std::string dir = d.path() + "/ar";
  Incremental inc;
  inc.Build(dir, 5);
  const auto pristine = Snapshot(dir);
  // An injected failure once the merged segment is written: it is removed again.
  CompactOptions opt;
  std::vector<std::string> steps;
  opt.hook = [&](std::string_view step) {
    steps.emplace_back(step);
    return Status::IoError("injected failure");
  };
  auto r = CompactArchive(dir, opt);
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_EQ(steps, std::vector<std::string>{"segment-written"});
  EXPECT_EQ(Snapshot(dir), pristine);
  // A damaged entity block in the third segment is found before anything is written.
  const std::string victim = dir + "/" + SegmentFiles(dir)[2];
  FlipByte(victim, 300);  // inside the first entity block (the header is 200 bytes)
  const auto damaged = Snapshot(dir);
  auto c = CompactArchive(dir);
  EXPECT_EQ(c.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(c.status().message().find(SegmentFiles(dir)[2]), std::string::npos) << c.status().message();
  EXPECT_EQ(Snapshot(dir), damaged);
  FlipByte(victim, 300);
  EXPECT_EQ(Snapshot(dir), pristine);
  auto ar = Archive::Open(dir);
  ASSERT_TRUE(ar.ok());
  ExpectArchiveHolds(**ar, inc.all);
}

TEST(Compaction, CrashAfterTheSwitchLeavesTheCompactedArchive) {
  TempDir d;
  const std::string dir = d.path() + "/ar";
  Incremental inc;
  inc.Build(dir, 4);
  CompactOptions opt;
  opt.hook = [](std::string_view step) {
    return step == "manifest-switched" ? Status::IoError("simulated crash") : Status::Ok();
  };
  EXPECT_FALSE(CompactArchive(dir, opt).ok());
  EXPECT_EQ(SegmentFiles(dir).size(), 5u);  // four old ones left behind, unlisted
  auto ar = Archive::Open(dir);
  ASSERT_TRUE(ar.ok()) << ar.status().message();
  EXPECT_EQ((*ar)->Stats().segments, 1u);
  ExpectArchiveHolds(**ar, inc.all);
  // A later ingest never reuses a leftover name.
  auto more = MakeImages(8, 5, "z");
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), more, {false}).ok());
  inc.all.insert(inc.all.end(), more.begin(), more.end());
  auto ar2 = Archive::Open(dir);
  ASSERT_TRUE(ar2.ok()) << ar2.status().message();
  ExpectArchiveHolds(**ar2, inc.all);
}

}  // namespace
}  // namespace georune

// GeoJSON polygon entities (and JSON Lines wkt/geometry): parsing, located errors, validity,
// and the archive round trip (format version 4, polygons or boxes).
#include <gtest/gtest.h>

#include "georune/archive/archive.h"
#include "georune/common/polygon.h"
#include "georune/ingest/readers.h"
#include "test_support.h"

namespace georune::ingest {
namespace {

using test_support::TempDir;

const Ontology& Dota() { return Ontology::Default(); }

const char* kScene = R"({"type": "FeatureCollection", "width": 200, "height": 100, "gsd": 0.5,
 "features": [
  {"type": "Feature",
   "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]],
                                                   [[30, 30], [70, 30], [70, 70], [30, 70]]]},
   "properties": {"class": "harbor", "confidence": 0.75}},
  {"type": "Feature",
   "geometry": {"type": "MultiPolygon", "coordinates": [[[[150, 10], [160, 10], [160, 20]]],
                                                        [[[170, 10], [180, 10], [180, 20]]]]},
   "properties": {"class": "ship"}},
  {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[1, 1], [5, 1], [5, 4]]]},
   "properties": {"class": "plane", "image": "other"}}
 ]})";

TEST(GeoJson, ReadsPolygonsHolesAndImages) {
  TempDir d;
  const std::string file = d.Write("scene_07.geojson", kScene);
  ReadReport report;
  auto r = ReadGeoJson(file, Dota(), {}, &report);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  const ImageRecord& im = (*r)[0];
  EXPECT_EQ(im.id, "scene_07");  // the file's stem
  EXPECT_EQ(im.width, 200);
  EXPECT_EQ(im.height, 100);
  EXPECT_EQ(im.gsd, 0.5);
  ASSERT_EQ(im.entities.size(), 2u);
  EXPECT_EQ(im.entities[0].class_id, *Dota().FindClass("harbor"));
  EXPECT_FLOAT_EQ(im.entities[0].score, 0.75f);
  EXPECT_EQ(im.entities[1].score, 1.0f);
  auto harbor = PolygonShape::FromWkb(im.entities[0].polygon);
  ASSERT_TRUE(harbor.ok());
  EXPECT_DOUBLE_EQ((*harbor)->Area(), 10000 - 1600);
  ASSERT_EQ((*harbor)->Rings().size(), 1u);
  EXPECT_EQ((*harbor)->Rings()[0].size(), 2u);  // shell and hole
  auto ship = PolygonShape::FromWkb(im.entities[1].polygon);
  ASSERT_TRUE(ship.ok());
  EXPECT_EQ((*ship)->Rings().size(), 2u);
  // The corners are the minimum rotated rectangle: here the square 0..100.
  BoxShape box = ShapeFromCorners(im.entities[0].corners);
  EXPECT_DOUBLE_EQ(box.length, 100);
  EXPECT_DOUBLE_EQ(box.width, 100);
  EXPECT_EQ((*r)[1].id, "other");
  EXPECT_EQ((*r)[1].entities.size(), 1u);
}

// The message of reading `text` as a file, which must fail.
std::string ErrorOf(const std::string& text, ReadOptions options = {}) {
  TempDir d;
  const std::string file = d.Write("bad.geojson", text);
  auto r = ReadGeoJson(file, Dota(), options);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

TEST(GeoJson, ErrorsAreLocatedAtTheFeaturesLine) {
  const std::string bowtie = R"({"type": "FeatureCollection", "features": [
  {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
   "properties": {"class": "plane"}},
  {"type": "Feature",
   "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10]]]},
   "properties": {"class": "plane"}}]})";
  std::string m = ErrorOf(bowtie);
  EXPECT_NE(m.find("bad.geojson:4: feature 1: the polygon is not valid: Self-intersection at (5, 5)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("have invalid polygons repaired (GEOS MakeValid)"), std::string::npos) << m;
  // Repaired on request, and counted.
  TempDir d;
  ReadOptions repair;
  repair.make_valid = true;
  ReadReport report;
  auto r = ReadGeoJson(d.Write("b.geojson", bowtie), Dota(), repair, &report);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_NE(report.notes[0].find("repaired 1 invalid polygon"), std::string::npos);
  auto fixed = PolygonShape::FromWkb((*r)[0].entities[1].polygon);
  ASSERT_TRUE(fixed.ok());
  EXPECT_DOUBLE_EQ((*fixed)->Area(), 50);

  m = ErrorOf("{\"type\": \"FeatureCollection\",\n \"features\": [\n {\"type\": \"Feature\",,}]}");
  EXPECT_NE(m.find("bad.geojson:3: not valid JSON"), std::string::npos) << m;
  m = ErrorOf(R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}, "properties": {"class": "plane"}}]})");
  EXPECT_NE(m.find(":2: feature 0: a Point geometry is not an area"), std::string::npos) << m;
  m = ErrorOf(R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]},
     "properties": {"class": "dragon"}}]})");
  EXPECT_NE(m.find(":2: feature 0: "), std::string::npos) << m;
  EXPECT_NE(m.find("dragon"), std::string::npos) << m;
  m = ErrorOf(R"({"type": "FeatureCollection", "features": [{"type": "Feature",
    "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]},
    "properties": {"class": "plane", "confidence": 1.5}}]})");
  EXPECT_NE(m.find(":1: feature 0: property \"confidence\" must be a number in (0, 1]"), std::string::npos) << m;
  m = ErrorOf(R"({"type": "FeatureCollection", "features": [{"type": "Feature",
    "geometry": {"type": "Polygon", "coordinates": [[[0, 0, 3], [1, 0, 3], [1, 1, 3]]]},
    "properties": {"class": "plane"}}]})");
  EXPECT_NE(m.find("a position must be [x, y]"), std::string::npos) << m;
  m = ErrorOf(R"({"type": "FeatureCollection", "features": [{"type": "Feature",
    "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [2, 2]]]},
    "properties": {"class": "plane"}}]})",
              repair);
  EXPECT_NE(m.find("feature 0:"), std::string::npos) << m;  // no area: refused even with --make-valid
  EXPECT_NE(ErrorOf(R"({"type": "Feature"})").find("expected a GeoJSON FeatureCollection"), std::string::npos);
}

// A feature's hint names the option it asks to change, as every reader's does.
TEST(GeoJson, ErrorsNameTheSettingTheirHintAsksFor) {
  TempDir d;
  auto bowtie = ReadGeoJson(d.Write("bowtie.geojson", R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10]]]},
     "properties": {"class": "plane"}}]})"),
                            Dota(), {});
  ASSERT_FALSE(bowtie.ok());
  EXPECT_TRUE(test_support::NamesSetting(bowtie.status(), Setting::kMakeValid)) << bowtie.status().message();
  EXPECT_FALSE(test_support::NamesSetting(bowtie.status(), Setting::kOntology));
  auto dragon = ReadGeoJson(d.Write("dragon.geojson", R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]},
     "properties": {"class": "dragon"}}]})"),
                            Dota(), {});
  ASSERT_FALSE(dragon.ok());
  EXPECT_TRUE(test_support::NamesSetting(dragon.status(), Setting::kOntology)) << dragon.status().message();
  EXPECT_NE(dragon.status().message().find("dragon.geojson:2: feature 0: unknown class"), std::string::npos)
      << dragon.status().message();
}

TEST(GeoJson, JsonLinesWktAndGeometryEntities) {
  TempDir d;
  const std::string file = d.Write(
      "a.jsonl",
      R"J({"image": "i1", "entities": [{"class": "harbor", "wkt": "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 4 2, 4 4, 2 4, 2 2))"},)J"
      R"J( {"class": "ship", "score": 0.5, "geometry": {"type": "Polygon", "coordinates": [[[20, 0], [30, 0], [30, 5]]]}},)J"
      R"J( {"class": "plane", "obb": [0, 0, 1, 0, 1, 1, 0, 1]}]})J"
      "\n"
      R"J({"image": "i2", "entities": [{"class": "harbor", "wkt": "POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))"}]})J"
      "\n");
  auto r = ReadJsonLines(file, Dota());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("a.jsonl:2: entity 0: the polygon is not valid"), std::string::npos)
      << r.status().message();
  ReadOptions repair;
  repair.make_valid = true;
  r = ReadJsonLines(file, Dota(), repair);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& e = (*r)[0].entities;
  ASSERT_EQ(e.size(), 3u);
  EXPECT_FALSE(e[0].polygon.empty());
  EXPECT_FALSE(e[1].polygon.empty());
  EXPECT_TRUE(e[2].polygon.empty());
  // Written back (polygons as wkt) and read again: the same polygons, bit for bit.
  ASSERT_TRUE(WriteJsonLines(d.path() + "/back.jsonl", *r, Dota()).ok());
  auto back = ReadJsonLines(d.path() + "/back.jsonl", Dota());
  ASSERT_TRUE(back.ok()) << back.status().message();
  for (size_t i = 0; i < r->size(); ++i)
    for (size_t k = 0; k < (*r)[i].entities.size(); ++k) {
      EXPECT_EQ((*back)[i].entities[k].polygon, (*r)[i].entities[k].polygon);
      EXPECT_EQ((*back)[i].entities[k].corners, (*r)[i].entities[k].corners);
    }
}

TEST(GeoJson, ArchiveRoundTripOfPolygonsAndBoxesIsVersion4) {
  TempDir d;
  auto r = ReadGeoJson(d.Write("scene_07.geojson", kScene), Dota());
  ASSERT_TRUE(r.ok());
  std::vector<ImageRecord> polygons = *r;
  IngestOptions quiet;
  quiet.show_progress = false;
  ASSERT_TRUE(AppendToArchive(d.path() + "/poly", Dota(), polygons, quiet).ok());
  // Boxes appended to the polygon archive: a second segment.
  ImageRecord box;
  box.id = "boxes";
  box.entities.push_back({*Dota().FindClass("plane"), 1.0f, false, {0, 0, 4, 0, 4, 2, 0, 2}, {}});
  ASSERT_TRUE(AppendToArchive(d.path() + "/poly", Dota(), {box}, quiet).ok());
  ASSERT_TRUE(AppendToArchive(d.path() + "/box", Dota(), {box}, quiet).ok());
  auto boxes = Archive::Open(d.path() + "/box");
  ASSERT_TRUE(boxes.ok());
  EXPECT_EQ((*boxes)->Stats().format_version, 4u);
  for (bool compacted : {false, true}) {
    if (compacted) {
      ASSERT_TRUE(CompactArchive(d.path() + "/poly").ok());
    }
    auto a = Archive::Open(d.path() + "/poly");
    ASSERT_TRUE(a.ok()) << a.status().message();
    EXPECT_EQ((*a)->Stats().format_version, 4u);
    ASSERT_EQ((*a)->ImageCount(), 3u);
    for (uint32_t i = 0; i < 2; ++i) {
      ASSERT_TRUE((*a)->CheckImage(i).ok());
      EntitySpan span = (*a)->Entities(i);
      ASSERT_EQ(span.count, polygons[i].entities.size());
      for (uint32_t k = 0; k < span.count; ++k) {
        std::span<const uint8_t> wkb = span.PolygonWkb(k);
        EXPECT_EQ(std::vector<uint8_t>(wkb.begin(), wkb.end()), polygons[i].entities[k].polygon);
        EXPECT_EQ(span.CornersOf(k), polygons[i].entities[k].corners);
      }
    }
    ASSERT_TRUE((*a)->CheckImage(2).ok());
    EXPECT_TRUE((*a)->Entities(2).PolygonWkb(0).empty());
  }
}

TEST(GeoJson, DamagedPolygonBytesAreDetected) {
  TempDir d;
  auto r = ReadGeoJson(d.Write("scene_07.geojson", kScene), Dota());
  ASSERT_TRUE(r.ok());
  IngestOptions quiet;
  quiet.show_progress = false;
  // Invalid WKB handed to the writer is refused.
  std::vector<ImageRecord> bad = *r;
  const WkbBytes& wkb = bad[0].entities[0].polygon;
  bad[0].entities[0].polygon = std::vector<uint8_t>(wkb.begin(), wkb.begin() + 9);
  auto refused = AppendToArchive(d.path() + "/a", Dota(), bad, quiet);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidInput);
  EXPECT_FALSE(std::filesystem::exists(d.path() + "/a/MANIFEST"));
}

}  // namespace
}  // namespace georune::ingest

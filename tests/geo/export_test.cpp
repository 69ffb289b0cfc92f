// Exports read back through OGR and checked against an independent PROJ transform.
#include "georune/geo/export.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <proj.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "georune/geo/georeference.h"
#include "test_support.h"

namespace georune::geo {
namespace {

using test_support::TempDir;

// UTM zone 33N, 0.5 m pixels, origin (500000 E, 4000000 N).
const Georeference kUtm{{500000.0, 0.5, 0.0, 4000000.0, 0.0, -0.5}, "EPSG:32633"};

ExportFeature Box(const std::string& image, int rank, double x0, double y0, double x1, double y1) {
  ExportFeature f;
  f.image = image;
  f.rank = rank;
  f.score = 0.75;
  f.variable = "s";
  f.class_name = "ship";
  f.confidence = 0.9;
  f.entity = 3;
  f.atoms_json = R"j([{"atom":"ship(s)","value":0.9}])j";
  f.ring = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
  return f;
}

// lon/lat of a UTM 33N point by PROJ directly, not through the code under test.
std::pair<double, double> ProjLonLat(double easting, double northing) {
  PJ_CONTEXT* ctx = proj_context_create();
  PJ* raw = proj_create_crs_to_crs(ctx, "EPSG:32633", "EPSG:4326", nullptr);
  PJ* pj = proj_normalize_for_visualization(ctx, raw);
  PJ_COORD out = proj_trans(pj, PJ_FWD, proj_coord(easting, northing, 0, 0));
  proj_destroy(pj);
  proj_destroy(raw);
  proj_context_destroy(ctx);
  return {out.xy.x, out.xy.y};
}

struct ReadBack {
  std::vector<std::vector<std::pair<double, double>>> rings;
  std::vector<std::string> coords, images;
  std::vector<std::string> layers;
  std::vector<std::string> layer_srs_names;
};

ReadBack Read(const std::string& path) {
  GDALAllRegister();
  ReadBack r;
  GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
  EXPECT_NE(ds, nullptr) << path;
  if (ds == nullptr) return r;
  for (OGRLayer* layer : ds->GetLayers()) {
    r.layers.push_back(layer->GetName());
    const OGRSpatialReference* srs = layer->GetSpatialRef();
    r.layer_srs_names.push_back(srs ? srs->GetName() ? srs->GetName() : "?" : "");
    for (auto& feature : *layer) {
      r.images.push_back(feature->GetFieldAsString("image"));
      r.coords.push_back(feature->GetFieldAsString("coords"));
      auto* polygon = feature->GetGeometryRef()->toPolygon();
      std::vector<std::pair<double, double>> ring;
      for (auto& p : *polygon->getExteriorRing()) ring.emplace_back(p.getX(), p.getY());
      r.rings.push_back(ring);
    }
  }
  GDALClose(ds);
  return r;
}

GeoreferenceLookup OnlyGeoreferenced(const std::string& image) {
  return [image](std::string_view id) -> const Georeference* { return id == image ? &kUtm : nullptr; };
}

double SignedArea(const std::vector<std::pair<double, double>>& ring) {
  double a = 0;
  for (size_t i = 0; i + 1 < ring.size(); ++i)
    a += ring[i].first * ring[i + 1].second - ring[i + 1].first * ring[i].second;
  return a / 2;
}

void ExpectUtmCorners(const ReadBack& back) {
  ASSERT_EQ(back.rings.size(), 1u);
  const auto& ring = back.rings[0];
  ASSERT_EQ(ring.size(), 5u);  // closed
  EXPECT_GT(SignedArea(ring), 0) << "RFC 7946: outer rings counter-clockwise";
  // Every pixel corner, transformed independently, appears in the ring.
  for (auto [px, py] : std::vector<std::pair<double, double>>{{100, 200}, {300, 200}, {300, 260}, {100, 260}}) {
    auto [lon, lat] = ProjLonLat(500000.0 + 0.5 * px, 4000000.0 - 0.5 * py);
    double best = 1e9;
    for (const auto& [x, y] : ring) best = std::min(best, std::max(std::abs(x - lon), std::abs(y - lat)));
    EXPECT_LT(best, 1e-9) << "corner (" << px << ", " << py << ")";
  }
}

TEST(Export, GeoJsonIsWgs84AndMatchesProj) {
  TempDir dir;
  const std::string path = dir.path() + "/r.geojson";
  ASSERT_TRUE(
      WriteFeatures(path, {Box("G1", 1, 100, 200, 300, 260)}, OnlyGeoreferenced("G1"), {ExportFormat::kGeoJson, false})
          .ok());
  ExpectUtmCorners(Read(path));
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  EXPECT_EQ(text.str().find("\"crs\""), std::string::npos) << "RFC 7946 files carry no crs member";
}

TEST(Export, GeoPackageIsWgs84AndMatchesProj) {
  TempDir dir;
  const std::string path = dir.path() + "/r.gpkg";
  ASSERT_TRUE(
      WriteFeatures(path, {Box("G1", 1, 100, 200, 300, 260)}, OnlyGeoreferenced("G1"), {ExportFormat::kGpkg, false})
          .ok());
  auto back = Read(path);
  ExpectUtmCorners(back);
  ASSERT_EQ(back.layer_srs_names.size(), 1u);
  EXPECT_EQ(back.layer_srs_names[0], "WGS 84");
  EXPECT_EQ(back.coords[0], "lonlat");
}

// Polygon entities: holes and several parts, in GeoJSON and GPKG, every vertex against PROJ, RFC
// 7946 orientation (shells counter-clockwise, holes clockwise), a MultiPolygon layer.
TEST(Export, PolygonEntitiesKeepHolesAndParts) {
  using R = std::vector<std::array<double, 2>>;  // typed rings: nested braces alone are ambiguous
  ExportFeature holed = Box("G1", 1, 0, 0, 0, 0);
  holed.parts = {{R{{0, 0}, {0, 100}, {100, 100}, {100, 0}}, R{{40, 40}, {60, 40}, {60, 60}, {40, 60}}}};
  ExportFeature two = Box("G1", 1, 0, 0, 0, 0);
  two.entity = 4;
  two.parts = {{R{{200, 0}, {220, 0}, {220, 10}}}, {R{{300, 0}, {320, 0}, {320, 10}}}};
  ASSERT_EQ(holed.parts.size(), 1u);
  ASSERT_EQ(holed.parts[0].size(), 2u);
  ASSERT_EQ(two.parts.size(), 2u);
  for (auto format : {ExportFormat::kGeoJson, ExportFormat::kGpkg}) {
    TempDir dir;
    const std::string path = dir.path() + (format == ExportFormat::kGpkg ? "/r.gpkg" : "/r.geojson");
    ASSERT_TRUE(WriteFeatures(path, {holed, two}, OnlyGeoreferenced("G1"), {format, false}).ok());
    GDALAllRegister();
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
    ASSERT_NE(ds, nullptr);
    OGRLayer* layer = ds->GetLayer(0);
    if (format == ExportFormat::kGpkg) {
      EXPECT_EQ(wkbFlatten(layer->GetGeomType()), wkbMultiPolygon);
    }
    std::vector<std::vector<std::vector<std::pair<double, double>>>> parts;  // rings of every polygon read
    // GDAL's RFC 7946 writer may write a one-part MultiPolygon as a Polygon: both are read.
    auto add = [&](const OGRPolygon* polygon) {
      auto& rings = parts.emplace_back();
      for (const OGRLinearRing* ring : *polygon) {
        auto& out = rings.emplace_back();
        for (const auto& p : *ring) out.emplace_back(p.getX(), p.getY());
      }
    };
    for (auto& feature : *layer) {
      const OGRGeometry* g = feature->GetGeometryRef();
      if (wkbFlatten(g->getGeometryType()) == wkbPolygon) {
        add(g->toPolygon());
        continue;
      }
      ASSERT_EQ(wkbFlatten(g->getGeometryType()), wkbMultiPolygon) << path;
      for (const OGRPolygon* polygon : *g->toMultiPolygon()) add(polygon);
    }
    GDALClose(ds);
    ASSERT_EQ(parts.size(), 3u) << path;
    ASSERT_EQ(parts[0].size(), 2u);  // shell and hole
    EXPECT_GT(SignedArea(parts[0][0]), 0) << "shell counter-clockwise";
    EXPECT_LT(SignedArea(parts[0][1]), 0) << "hole clockwise";
    const std::vector<std::vector<std::pair<double, double>>> pixels = {{{0, 0}, {0, 100}, {100, 100}, {100, 0}},
                                                                        {{40, 40}, {60, 40}, {60, 60}, {40, 60}},
                                                                        {{200, 0}, {220, 0}, {220, 10}},
                                                                        {{300, 0}, {320, 0}, {320, 10}}};
    const std::vector<std::vector<std::pair<double, double>>> read = {parts[0][0], parts[0][1], parts[1][0],
                                                                      parts[2][0]};
    for (size_t k = 0; k < pixels.size(); ++k) {
      ASSERT_EQ(read[k].size(), pixels[k].size() + 1) << k;  // closed
      for (auto [px, py] : pixels[k]) {
        auto [lon, lat] = ProjLonLat(500000.0 + 0.5 * px, 4000000.0 - 0.5 * py);
        double best = 1e9;
        for (const auto& [x, y] : read[k]) best = std::min(best, std::max(std::abs(x - lon), std::abs(y - lat)));
        EXPECT_LT(best, 1e-9) << "ring " << k << " vertex (" << px << ", " << py << ")";
      }
    }
  }
}

TEST(Export, GeoJsonRefusesPixelOnlyImagesUnlessAsked) {
  TempDir dir;
  const std::string path = dir.path() + "/r.geojson";
  std::ofstream(path) << "old";
  Status refused =
      WriteFeatures(path, {Box("P1", 1, 0, 0, 10, 10)}, OnlyGeoreferenced("G1"), {ExportFormat::kGeoJson, false});
  EXPECT_EQ(refused.code(), StatusCode::kInvalidInput);
  EXPECT_NE(refused.message().find("'P1' has no georeference"), std::string::npos) << refused.message();
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  EXPECT_EQ(text.str(), "old") << "a refused export leaves the old file";

  ASSERT_TRUE(
      WriteFeatures(path, {Box("P1", 1, 0, 0, 10, 10)}, OnlyGeoreferenced("G1"), {ExportFormat::kGeoJson, true}).ok());
  auto back = Read(path);
  ASSERT_EQ(back.rings.size(), 1u);
  EXPECT_EQ(back.coords[0], "pixel");
  EXPECT_DOUBLE_EQ(back.rings[0][2].first, 10);
  EXPECT_DOUBLE_EQ(back.rings[0][2].second, 10);
}

TEST(Export, GeoPackageSplitsMixedCoordinatesIntoTwoLayers) {
  TempDir dir;
  const std::string path = dir.path() + "/r.gpkg";
  ASSERT_TRUE(WriteFeatures(path, {Box("G1", 1, 100, 200, 300, 260), Box("P1", 2, 0, 0, 10, 10)},
                            OnlyGeoreferenced("G1"), {ExportFormat::kGpkg, false})
                  .ok());
  auto back = Read(path);
  ASSERT_EQ(back.layers.size(), 2u);
  EXPECT_EQ(back.layers[0], "results");
  EXPECT_EQ(back.layers[1], "results_pixel");
  EXPECT_EQ(back.layer_srs_names[1], "image pixels (x right, y down)");
  EXPECT_EQ(back.coords[1], "pixel");
}

TEST(Export, FlatGeobufRefusesMixedCoordinates) {
  TempDir dir;
  Status s = WriteFeatures(dir.path() + "/r.fgb", {Box("G1", 1, 100, 200, 300, 260), Box("P1", 2, 0, 0, 10, 10)},
                           OnlyGeoreferenced("G1"), {ExportFormat::kFlatGeobuf, false});
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/r.fgb"));
  ASSERT_TRUE(WriteFeatures(dir.path() + "/g.fgb", {Box("G1", 1, 100, 200, 300, 260)}, OnlyGeoreferenced("G1"),
                            {ExportFormat::kFlatGeobuf, false})
                  .ok());
  ExpectUtmCorners(Read(dir.path() + "/g.fgb"));
}

TEST(Export, CsvHoldsWktAndTheCoordinateKind) {
  TempDir dir;
  const std::string path = dir.path() + "/r.csv";
  ASSERT_TRUE(WriteFeatures(path, {Box("G1", 1, 100, 200, 300, 260), Box("P1", 2, 0, 0, 10, 10)},
                            OnlyGeoreferenced("G1"), {ExportFormat::kCsv, false})
                  .ok());
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  const std::string csv = text.str();
  EXPECT_EQ(csv.rfind("WKT,image,rank,score,variable,class,confidence,entity,atoms,coords", 0), 0u) << csv;
  EXPECT_NE(csv.find("\"POLYGON ((0 0,10 0,10 10,0 10,0 0))\",P1,2,0.75,s,ship,0.9,3,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",lonlat"), std::string::npos);
}

TEST(Export, WriteFailureLeavesNothing) {
  TempDir dir;
  Status s = WriteFeatures(dir.path() + "/missing/r.gpkg", {Box("G1", 1, 0, 0, 1, 1)}, OnlyGeoreferenced("G1"),
                           {ExportFormat::kGpkg, false});
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(Export, FormatNames) {
  EXPECT_EQ(*ParseExportFormat("fgb"), ExportFormat::kFlatGeobuf);
  EXPECT_EQ(ParseExportFormat("shp").status().code(), StatusCode::kInvalidInput);
}

TEST(Georeference, MetresPerPixel) {
  auto utm = MapTransform::Make(kUtm);
  ASSERT_TRUE(utm.ok());
  EXPECT_DOUBLE_EQ(utm->MetresPerPixel(0, 0), 0.5);
  // 1e-5 degree pixels at the equator: about 1.11 m on the WGS84 ellipsoid.
  auto geographic = MapTransform::Make({{10.0, 1e-5, 0, 0.0, 0, -1e-5}, "EPSG:4326"});
  ASSERT_TRUE(geographic.ok());
  EXPECT_TRUE(geographic->IsGeographic());
  EXPECT_NEAR(geographic->MetresPerPixel(0, 0), std::sqrt(1.11319 * 1.10574), 2e-4);
  auto feet = MapTransform::Make({{0, 1, 0, 0, 0, -1}, "EPSG:2263"});  // NY state plane, US feet
  ASSERT_TRUE(feet.ok());
  EXPECT_NEAR(feet->MetresPerPixel(0, 0), 0.3048006, 1e-6);
}

TEST(Georeference, BadCrsAndSingularTransformAreRefused) {
  EXPECT_EQ(MapTransform::Make({{0, 1, 0, 0, 0, -1}, "EPSG:999999"}).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(MapTransform::Make({{0, 0, 0, 0, 0, 0}, "EPSG:32633"}).status().code(), StatusCode::kInvalidInput);
}

TEST(Georeference, WorldFiles) {
  TempDir dir;
  const std::string tfw = dir.Write("a.tfw", "0.5\n0\n0\n-0.5\n500000.25\n3999999.75\n");
  auto gt = ReadWorldFile(tfw);
  ASSERT_TRUE(gt.ok()) << gt.status().message();
  EXPECT_DOUBLE_EQ((*gt)[0], 500000.0);
  EXPECT_DOUBLE_EQ((*gt)[3], 4000000.0);
  EXPECT_EQ(FindWorldFile(dir.path() + "/a.tif"), tfw);
  EXPECT_EQ(FindWorldFile(dir.path() + "/b.tif"), "");
  auto bad = ReadWorldFile(dir.Write("b.tfw", "0.5\n0\nx\n"));
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(bad.status().message().find("b.tfw:3:"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace georune::geo

namespace georune::geo {
namespace {

TEST(Georeference, FileOfJsonLines) {
  test_support::TempDir dir;
  const std::string ok =
      dir.Write("g.jsonl",
                "{\"image\": \"A\", \"geotransform\": [500000, 0.5, 0, 4000000, 0, -0.5], \"crs\": 32633}\n"
                "\n"
                "{\"image\": \"B\", \"geotransform\": [10, 1e-5, 0, 0, 0, -1e-5], \"crs\": \"EPSG:4326\"}\n");
  auto read = ReadGeoreferenceFile(ok);
  ASSERT_TRUE(read.ok()) << read.status().message();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].first, "A");
  EXPECT_EQ((*read)[0].second.crs, "EPSG:32633");
  EXPECT_DOUBLE_EQ((*read)[1].second.geotransform[1], 1e-5);

  auto twice =
      ReadGeoreferenceFile(dir.Write("t.jsonl",
                                     "{\"image\": \"A\", \"geotransform\": [0,1,0,0,0,-1], \"crs\": 32633}\n"
                                     "{\"image\": \"A\", \"geotransform\": [0,1,0,0,0,-1], \"crs\": 32633}\n"));
  EXPECT_NE(twice.status().message().find("t.jsonl:2: image 'A' is georeferenced twice"), std::string::npos)
      << twice.status().message();
  auto short_gt =
      ReadGeoreferenceFile(dir.Write("s.jsonl", "{\"image\": \"A\", \"geotransform\": [0,1,0], \"crs\": 32633}\n"));
  EXPECT_NE(short_gt.status().message().find("s.jsonl:1: \"geotransform\" must be an array of six numbers"),
            std::string::npos)
      << short_gt.status().message();
  auto bad_crs = ReadGeoreferenceFile(
      dir.Write("c.jsonl", "{\"image\": \"A\", \"geotransform\": [0,1,0,0,0,-1], \"crs\": \"nowhere\"}\n"));
  EXPECT_NE(bad_crs.status().message().find("c.jsonl:1: unreadable CRS 'nowhere'"), std::string::npos)
      << bad_crs.status().message();
  EXPECT_EQ(ReadGeoreferenceFile(dir.path() + "/absent.jsonl").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace georune::geo
